// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 20: The command line
 *
 * The launcher's command line, in the spirit of the original lguest:
 *
 *   lguest [options] [<mem> [<vmlinux> [kernel args...]]]
 *
 * With no <vmlinux> the default guest installed with lguest is run.
 * Options come first; everything after <vmlinux> is handed to the guest
 * kernel untouched, so a guest argument may itself start with "--".
 */
#include "args.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_mem(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	unsigned long long n;
	uint64_t shift = 20;
	char *end;

	if (!s || !isdigit((unsigned char)s[0])) {
		snprintf(err, errlen, "invalid memory size '%s': want e.g. 64m, 512M, 1g or a number of MiB",
			 s ? s : "");
		return -1;
	}
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno == ERANGE)
		goto bad;
	if (*end == 'm' || *end == 'M')
		end++;
	else if (*end == 'g' || *end == 'G')
		shift = 30, end++;
	if (*end != '\0')
		goto bad;
	/* Checked before shifting, so the shift cannot overflow. */
	if (n > (LG_MEM_MAX >> shift)) {
		snprintf(err, errlen, "memory size '%s' is more than the %llu MiB a 32-bit launcher can give a guest",
			 s, (unsigned long long)(LG_MEM_MAX >> 20));
		return -1;
	}
	*bytes = (uint64_t)n << shift;
	if (*bytes < LG_MEM_MIN) {
		snprintf(err, errlen, "memory size '%s' is less than the %llu MiB minimum",
			 s, (unsigned long long)(LG_MEM_MIN >> 20));
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "invalid memory size '%s': want e.g. 64m, 512M, 1g or a number of MiB", s);
	return -1;
}

int parse_disk(const char *s, struct lg_disk_arg *d, char *buf, char *err,
	       size_t errlen)
{
	char *opt, *next;

	memset(d, 0, sizeof(*d));
	if (strlen(s) >= 4096) {
		snprintf(err, errlen, "--disk argument is too long");
		return -1;
	}
	strcpy(buf, s);
	next = strchr(buf, ',');
	if (next)
		*next++ = '\0';
	if (!buf[0]) {
		snprintf(err, errlen, "--disk needs a file name: --disk=FILE[,ro][,snapshot][,serial=ID]");
		return -1;
	}
	d->path = buf;
	while (next) {
		opt = next;
		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (!strcmp(opt, "ro")) {
			d->ro = true;
		} else if (!strcmp(opt, "snapshot")) {
			d->snapshot = true;
		} else if (!strncmp(opt, "serial=", 7)) {
			if (strlen(opt + 7) > LG_SERIAL_MAX) {
				snprintf(err, errlen, "--disk %.256s: serial '%.64s' is longer than %d characters",
					 d->path, opt + 7, LG_SERIAL_MAX);
				return -1;
			}
			strcpy(d->serial, opt + 7);
		} else {
			snprintf(err, errlen, "--disk %.256s: unknown option '%.64s' (want ro, snapshot or serial=ID)",
				 d->path, opt);
			return -1;
		}
	}
	return 0;
}

/* A mount tag: letters, digits, '.', '_' and '-', as a shell and fstab take it. */
static bool tag_ok(const char *t)
{
	if (!t[0] || strlen(t) > LG_SHARE_TAG_MAX)
		return false;
	for (; *t; t++)
		if (!isalnum((unsigned char)*t) && !strchr("._-", *t))
			return false;
	return true;
}

bool lg_name_ok(const char *name)
{
	return name[0] != '.' && strlen(name) <= LG_NAME_MAX && tag_ok(name);
}

int parse_share(const char *s, unsigned int index, struct lg_share_arg *sh, char *buf,
		char *err, size_t errlen)
{
	char *opt, *next, *end, *base;

	memset(sh, 0, sizeof(*sh));
	if (strlen(s) >= 4096) {
		snprintf(err, errlen, "--share argument is too long");
		return -1;
	}
	strcpy(buf, s);
	next = strchr(buf, ',');
	if (next)
		*next++ = '\0';
	if (!buf[0]) {
		snprintf(err, errlen, "--share needs a directory: --share=DIR[,tag=TAG][,ro]");
		return -1;
	}
	sh->dir = buf;
	while (next) {
		opt = next;
		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (!strcmp(opt, "ro")) {
			sh->ro = true;
		} else if (!strncmp(opt, "tag=", 4)) {
			if (!tag_ok(opt + 4)) {
				snprintf(err, errlen, "--share %.256s: tag '%.80s' must be 1 to %d letters, digits, '.', '_' or '-'",
					 sh->dir, opt + 4, LG_SHARE_TAG_MAX);
				return -1;
			}
			strcpy(sh->tag, opt + 4);
		} else {
			snprintf(err, errlen, "--share %.256s: unknown option '%.64s' (want tag=TAG or ro)",
				 sh->dir, opt);
			return -1;
		}
	}
	if (sh->tag[0])
		return 0;
	/* The directory's last name ("/srv/data/" gives "data"), if it makes a tag. */
	end = buf + strlen(buf);
	while (end > buf + 1 && end[-1] == '/')
		end--;
	base = end;
	while (base > buf && base[-1] != '/')
		base--;
	if (end - base > 0 && end - base <= LG_SHARE_TAG_MAX) {
		memcpy(sh->tag, base, (size_t)(end - base));
		sh->tag[end - base] = '\0';
		if (tag_ok(sh->tag) && strcmp(sh->tag, ".") && strcmp(sh->tag, ".."))
			return 0;
	}
	snprintf(sh->tag, sizeof(sh->tag), "share%u", index);
	return 0;
}

#define NET_FORMS "tap:IFNAME, tap, bridge:BR, hub:NAME, user[:slirp|:passt], stream:PATH or fd:N"

/* "52:54:00:12:34:56": six hex bytes; the multicast bit may not be set. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6 || strlen(s) != 17 || (b[0] & 1))
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

int parse_net(const char *s, struct lg_net_arg *n, char *buf, char *err, size_t errlen)
{
	static const struct {
		const char *kind;
		enum lg_net_kind k;
		int what;	/* 1: ":WHAT" needed, 0: none, -1: optional */
	} kinds[] = {
		{ "tap", LG_NET_TAP, -1 }, { "bridge", LG_NET_BRIDGE, 1 },
		{ "hub", LG_NET_HUB, 1 }, { "user", LG_NET_USER, -1 },
		{ "stream", LG_NET_STREAM, 1 }, { "fd", LG_NET_FD, 1 },
	};
	char *opt, *next, *what;
	unsigned int i;

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (strlen(s) >= 512) {
		snprintf(err, errlen, "--net argument is too long");
		return -1;
	}
	strcpy(buf, s);
	next = strchr(buf, ',');
	if (next)
		*next++ = '\0';
	what = strchr(buf, ':');
	if (what)
		*what++ = '\0';
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(buf, kinds[i].kind))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		snprintf(err, errlen, "--net=%.64s: unknown network; want %s", s, NET_FORMS);
		return -1;
	}
	n->kind = kinds[i].k;
	if ((kinds[i].what == 1 && (!what || !what[0])) || (kinds[i].what == 0 && what) ||
	    (kinds[i].what == -1 && what && !what[0])) {
		snprintf(err, errlen, "--net=%.64s: want %s", s, NET_FORMS);
		return -1;
	}
	n->what = what ? what : "";
	if (n->kind == LG_NET_TAP && strlen(n->what) >= 16) {
		snprintf(err, errlen, "--net=%.64s: an interface name has at most 15 characters", s);
		return -1;
	}
	if (n->kind == LG_NET_HUB && (strchr(n->what, '/') || !strcmp(n->what, ".") ||
				      !strcmp(n->what, ".."))) {
		snprintf(err, errlen, "--net=%.64s: a hub's name may not contain '/'", s);
		return -1;
	}
	/* user: our libslirp helper, else passt; or the one named. */
	if (n->kind == LG_NET_USER && what && strcmp(what, "slirp") && strcmp(what, "passt")) {
		snprintf(err, errlen, "--net=%.64s: want user, user:slirp or user:passt", s);
		return -1;
	}
	if (n->kind == LG_NET_FD) {
		char *end;
		long fd = strtol(n->what, &end, 10);

		if (*end || fd < 0 || fd > 65535) {
			snprintf(err, errlen, "--net=%.64s: fd:N wants a file descriptor number", s);
			return -1;
		}
		n->fd = (int)fd;
	}
	while (next) {
		opt = next;
		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (!strncmp(opt, "mac=", 4)) {
			if (parse_mac(opt + 4, n->mac)) {
				snprintf(err, errlen, "--net=%.64s: bad MAC '%.32s': want six hex bytes like 52:54:00:12:34:56, not a multicast one",
					 s, opt + 4);
				return -1;
			}
			n->has_mac = true;
		} else if (!strncmp(opt, "name=", 5) && opt[5]) {
			n->name = opt + 5;
		} else {
			snprintf(err, errlen, "--net=%.64s: unknown option '%.64s' (want mac=MAC or name=NAME)",
				 s, opt);
			return -1;
		}
	}
	return 0;
}

int parse_forward(const char *s, struct lg_forward *f, char *err, size_t errlen)
{
	unsigned int hp, gp;
	char proto[4], end;

	if (sscanf(s, "%3[a-z]:%u:%u%c", proto, &hp, &gp, &end) != 3 ||
	    (strcmp(proto, "tcp") && strcmp(proto, "udp")) || !hp || hp > 65535 ||
	    !gp || gp > 65535) {
		snprintf(err, errlen, "--forward=%.64s: want tcp:HOSTPORT:GUESTPORT or udp:HOSTPORT:GUESTPORT",
			 s);
		return -1;
	}
	f->udp = proto[0] == 'u';
	f->host_port = (uint16_t)hp;
	f->guest_port = (uint16_t)gp;
	return 0;
}

/* The next --net slot, or NULL and err. */
static struct lg_net_arg *new_net(struct lg_args *a, char *err, size_t errlen)
{
	if (a->nnets == LG_NICS) {
		snprintf(err, errlen, "more than %d network interfaces", LG_NICS);
		return NULL;
	}
	return &a->nets[a->nnets];
}

int parse_args(int argc, char *argv[], struct lg_args *a, char *err,
	       size_t errlen)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "reboot-exit", no_argument, NULL, 'r' },
		{ "no-rng", no_argument, NULL, 'R' },
		{ "disk", required_argument, NULL, 'd' },
		{ "block", required_argument, NULL, 'd' },	/* the old lguest's name */
		{ "ephemeral", no_argument, NULL, 'x' },
		{ "net", required_argument, NULL, 'n' },
		{ "tunnet", required_argument, NULL, 'T' },	/* the old lguest's */
		{ "forward", required_argument, NULL, 'F' },
		{ "share", required_argument, NULL, 'S' },
		{ "name", required_argument, NULL, 'N' },
		{ "detach", no_argument, NULL, 'D' },
		{ "user", required_argument, NULL, 'U' },
		{ "chroot", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct lg_net_arg *n;
	size_t used = 0;
	const char *bad;
	int c, at;

	memset(a, 0, sizeof(*a));
	/* getopt keeps state in globals; make repeated calls (tests) work. */
	optind = 0;
	opterr = 0;
	for (;;) {
		/* The argument getopt reads next (optind 0: start afresh at 1). */
		at = optind ? optind : 1;
		/* "+": stop at the first non-option, which is <mem>. */
		c = getopt_long(argc, argv, "+:hVvi:rx", opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'h':
			a->help = true;
			break;
		case 'V':
			a->version = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'r':
			a->reboot_exit = true;
			break;
		case 'R':
			a->no_rng = true;
			break;
		case 'x':
			a->ephemeral = true;
			break;
		case 'd':
			if (a->ndisks == LG_DISKS) {
				snprintf(err, errlen, "more than %d disks", LG_DISKS);
				return -1;
			}
			if (parse_disk(optarg, &a->disks[a->ndisks], a->diskspec[a->ndisks],
				       err, errlen))
				return -1;
			a->ndisks++;
			break;
		case 'n':
			if (!(n = new_net(a, err, errlen)) ||
			    parse_net(optarg, n, a->netspec[a->nnets], err, errlen))
				return -1;
			a->nnets++;
			break;
		case 'T':
			/* --tunnet=bridge:BR, or --tunnet=IP: a new tap with that address. */
			if (!(n = new_net(a, err, errlen)))
				return -1;
			if (!strncmp(optarg, "bridge:", 7)) {
				if (parse_net(optarg, n, a->netspec[a->nnets], err, errlen))
					return -1;
			} else {
				struct in_addr ip;

				if (inet_pton(AF_INET, optarg, &ip) != 1) {
					snprintf(err, errlen, "--tunnet=%.64s: want an IPv4 address or bridge:BR",
						 optarg);
					return -1;
				}
				parse_net("tap", n, a->netspec[a->nnets], err, errlen);
				n->tunnet_ip = optarg;
			}
			a->nnets++;
			break;
		case 'F':
			if (a->nforwards == LG_FORWARDS) {
				snprintf(err, errlen, "more than %d --forward", LG_FORWARDS);
				return -1;
			}
			if (parse_forward(optarg, &a->forwards[a->nforwards], err, errlen))
				return -1;
			a->nforwards++;
			break;
		case 'S':
			if (a->nshares == LG_SHARES) {
				snprintf(err, errlen, "more than %d --share", LG_SHARES);
				return -1;
			}
			if (parse_share(optarg, a->nshares, &a->shares[a->nshares],
					a->sharespec[a->nshares], err, errlen))
				return -1;
			for (unsigned int i = 0; i < a->nshares; i++)
				if (!strcmp(a->shares[i].tag, a->shares[a->nshares].tag)) {
					snprintf(err, errlen, "two shares have the tag '%s': give one of them tag=OTHER",
						 a->shares[i].tag);
					return -1;
				}
			a->nshares++;
			break;
		case 'N':
			if (!lg_name_ok(optarg)) {
				snprintf(err, errlen, "--name=%.64s: a name is 1 to %d letters, digits, '.', '_' or '-', not starting with '.'",
					 optarg, LG_NAME_MAX);
				return -1;
			}
			strcpy(a->name, optarg);
			break;
		case 'D':
			a->detach = true;
			break;
		case 'U':
		case 'C':
			if (!optarg[0]) {
				snprintf(err, errlen, "--%s needs a value", c == 'U' ? "user" : "chroot");
				return -1;
			}
			*(c == 'U' ? &a->user : &a->chroot) = optarg;
			break;
		case 'i':
			if (!optarg[0]) {
				snprintf(err, errlen, "--initrd needs a file name");
				return -1;
			}
			a->initrd = optarg;
			break;
		case ':':
			snprintf(err, errlen, "option '%s' needs an argument",
				 argv[optind - 1]);
			return -1;
		default:
			/*
			 * getopt moves optind past an argument only once it
			 * has read all of it, so an unknown letter inside a
			 * cluster ("-xv") leaves optind on it: argv[optind - 1]
			 * would be the one before (the program name, for
			 * "lguest -xv").  In a cluster, name the letter.
			 */
			bad = optind > at ? argv[optind - 1] : argv[at];
			if (optopt == 'i' || optopt == 'd' || optopt == 'n' || optopt == 'T' ||
			    optopt == 'F' || optopt == 'S' || optopt == 'N' || optopt == 'U' ||
			    optopt == 'C')
				snprintf(err, errlen, "option '%s' needs an argument",
					 bad);
			else if (optopt && strncmp(bad, "--", 2))
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else
				snprintf(err, errlen, "unknown option '%s'", bad);
			return -1;
		}
	}
	if (a->help || a->version)
		return 0;
	if (a->nforwards) {
		unsigned int users = 0;

		for (unsigned int i = 0; i < a->nnets; i++)
			users += a->nets[i].kind == LG_NET_USER;
		if (users != 1) {
			snprintf(err, errlen, "--forward is for the one user network: give exactly one --net=user");
			return -1;
		}
	}
	/*
	 * No <mem> and <vmlinux>: the installed default guest (lguest-guest)
	 * with the default memory.  <mem> alone: the default guest with that
	 * much memory.  The caller resolves a NULL vmlinux to the default.
	 */
	a->mem = LG_MEM_DEFAULT;
	if (argc - optind == 0)
		return 0;
	if (parse_mem(argv[optind], &a->mem, err, errlen))
		return -1;
	if (argc - optind == 1)
		return 0;
	a->vmlinux = argv[optind + 1];
	if (!a->vmlinux[0]) {
		snprintf(err, errlen, "empty <vmlinux> file name");
		return -1;
	}
	for (int i = optind + 2; i < argc; i++) {
		size_t len = strlen(argv[i]);

		if (used + len + (used ? 1 : 0) >= sizeof(a->cmdline)) {
			snprintf(err, errlen, "kernel arguments are longer than %zu bytes",
				 sizeof(a->cmdline) - 1);
			return -1;
		}
		if (used)
			a->cmdline[used++] = ' ';
		memcpy(a->cmdline + used, argv[i], len + 1);
		used += len;
	}
	return 0;
}

/* A copy of prefix and s in buf (used bytes of it taken), or NULL when it is full. */
static char *keep(char *buf, size_t buflen, size_t *used, const char *prefix, const char *s)
{
	size_t l = strlen(prefix) + strlen(s) + 1;
	char *p = *used + l <= buflen ? buf + *used : NULL;

	if (p) {
		snprintf(p, l, "%s%s", prefix, s);
		*used += l;
	}
	return p;
}

int config_argv(const char *path, int argc, char *argv[], char **out, int max, char *buf,
		size_t buflen, char *err, size_t errlen)
{
	char line[4200], *mem = NULL, *kernel = NULL, *cmdline = NULL;
	size_t used = 0;
	int n = 0, lineno = 0, first_pos = argc;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, errlen, "--config=%s: %s", path, strerror(errno));
		return -1;
	}
	out[n++] = argv[0];
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e, *v;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%d: the line is too long", path, lineno);
			goto bad;
		}
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*s || *s == '#')
			continue;
		if (!strncmp(s, "--", 2))
			s += 2;
		v = strchr(s, '=');
		if (v && (!strncmp(s, "memory=", 7) || !strncmp(s, "kernel=", 7) ||
			  !strncmp(s, "cmdline=", 8))) {
			char *k = keep(buf, buflen, &used, "", v + 1);

			if (!k)
				goto full;
			if (s[0] == 'm')
				mem = k;
			else if (s[0] == 'k')
				kernel = k;
			else
				cmdline = k;
			continue;
		}
		if (!strncmp(s, "config", 6) || !strncmp(s, "detach", 6) ||
		    !strncmp(s, "help", 4) || !strncmp(s, "version", 7)) {
			snprintf(err, errlen, "%s:%d: '%s' has no place in a configuration file", path,
				 lineno, s);
			goto bad;
		}
		if (n + 1 >= max || !(out[n] = keep(buf, buflen, &used, "--", s)))
			goto full;
		n++;
	}
	fclose(f);
	/* The command line's own options (not --config) follow, and may add to the file's. */
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			first_pos = i;
			break;
		}
		if (!strncmp(argv[i], "--config=", 9))
			continue;
		if (!strcmp(argv[i], "--config")) {
			i++;
			continue;
		}
		if (n + 1 >= max)
			goto full_closed;
		out[n++] = argv[i];
	}
	if (first_pos < argc) {
		for (int i = first_pos; i < argc; i++) {
			if (n + 1 >= max)
				goto full_closed;
			out[n++] = argv[i];
		}
	} else if (mem || kernel || cmdline) {
		char *w;

		if (n + 3 >= max)
			goto full_closed;
		out[n++] = mem ? mem : keep(buf, buflen, &used, "", "128m");
		if (kernel) {
			out[n++] = kernel;
			/* Kernel arguments, one word each. */
			for (w = cmdline ? strtok(cmdline, " \t") : NULL; w; w = strtok(NULL, " \t")) {
				if (n + 1 >= max)
					goto full_closed;
				out[n++] = w;
			}
		} else if (cmdline) {
			snprintf(err, errlen, "%s: cmdline= needs kernel= too", path);
			return -1;
		}
		if (!out[n - 1])
			goto full_closed;
	}
	out[n] = NULL;
	return n;
full:
	fclose(f);
full_closed:
	snprintf(err, errlen, "%s: too many settings", path);
	return -1;
bad:
	fclose(f);
	return -1;
}
