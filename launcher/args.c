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
		{ NULL, 0, NULL, 0 },
	};
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
			if (optopt == 'i' || optopt == 'd')
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
