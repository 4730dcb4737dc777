// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 47: Managing guests
 *
 * "lguest list", "lguest stop" and "lguest console": clients of the
 * control sockets (control.c) in the user's runtime directory.  A user
 * sees the guests in their own directory; root sees everyone's (its own
 * /run/lguest, and each user's $XDG_RUNTIME_DIR/lguest under /run/user
 * and /tmp/lguest-UID).  A socket nobody answers on is what a killed
 * launcher left: skipped, and removed if it is ours.
 */
#include "launcher.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define GUESTS_MAX	256
#define DETACH_KEY	0x1d	/* Ctrl-] */

/* Connect to the socket at path and send cmd; the fd, or -1 with errno. */
static int ask(const char *path, const char *cmd, int timeout_s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_s };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (timeout_s)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) != (ssize_t)strlen(cmd)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* One line from fd into buf; its length, or -1. */
static ssize_t read_line(int fd, char *buf, size_t len)
{
	size_t at = 0;

	while (at + 1 < len) {
		ssize_t n = recv(fd, buf + at, 1, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf[at] == '\n')
			break;
		at++;
	}
	buf[at] = '\0';
	return at ? (ssize_t)at : -1;
}

/* Add dir's "*.sock" entries to paths[] (readdir: glob would bring NSS into a static program). */
static void scan_dir(const char *dir, char paths[][256], unsigned int *n, unsigned int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && *n < max && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		/* One too long for a unix socket's address is none of ours. */
		if (len > 5 && !strcmp(e->d_name + len - 5, ".sock") &&
		    strlen(dir) + 1 + len < sizeof(((struct sockaddr_un *)0)->sun_path)) {
			memcpy(paths[*n], dir, strlen(dir));
			paths[*n][strlen(dir)] = '/';
			memcpy(paths[*n] + strlen(dir) + 1, e->d_name, len + 1);
			(*n)++;
		}
	}
	if (d)
		closedir(d);
}

/* Each user's directory under top whose entry's name starts with prefix, + sub. */
static void scan_users(const char *top, const char *prefix, const char *sub, char paths[][256],
		       unsigned int *n, unsigned int max)
{
	DIR *d = opendir(top);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char dir[512];

		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s%s", top, e->d_name, sub) < 200)
			scan_dir(dir, paths, n, max);
	}
	if (d)
		closedir(d);
}

/* The control sockets we may see: our own directory's, and for root everyone's. */
static unsigned int find_sockets(char paths[][256], unsigned int max)
{
	char dir[256], err[512];
	unsigned int n = 0;

	if (runtime_dir(dir, sizeof(dir), false, err, sizeof(err)) == 0)
		scan_dir(dir, paths, &n, max);
	if (geteuid() != 0)
		return n;
	scan_users("/run/user", "", "/lguest", paths, &n, max);
	scan_users("/tmp", "lguest-", "", paths, &n, max);
	return n;
}

/* The name in ".../NAME.sock". */
static void name_of(const char *path, char *name, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b) - 5;
	snprintf(name, len, "%.*s", (int)n, b);
}

/* A socket nobody answers on: a launcher that was killed.  Ours is removed. */
static void stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && st.st_uid == geteuid())
		unlink(path);
}

/* A JSON field's value (a number or a string, unescaped simply) from info's line. */
static void field(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;
	size_t at = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	out[0] = '\0';
	p = strstr(json, pat);
	if (!p)
		return;
	p += strlen(pat);
	if (*p == '[') {
		/* A list of strings: "a","b" as "a b"; "-" when empty. */
		bool in = false;

		for (p++; *p && (in || *p != ']') && at + 1 < len; p++) {
			if (*p == '\\' && p[1]) {
				out[at++] = *++p;
			} else if (*p == '"') {
				in = !in;
			} else if (*p == ',' && !in) {
				out[at++] = ' ';
			} else {
				out[at++] = *p;
			}
		}
		out[at < len ? at : len - 1] = '\0';
		if (!out[0])
			snprintf(out, len, "-");
		return;
	}
	if (*p == '"')
		p++;
	while (*p && *p != '"' && *p != ',' && *p != '}' && at + 1 < len)
		out[at++] = *p++;
	out[at] = '\0';
}

static void uptime_str(long long s, char *buf, size_t len)
{
	if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

static int cmd_list(int argc, char *argv[])
{
	static char paths[GUESTS_MAX][256];
	bool json = false, first = true;
	unsigned int n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("Usage: lguest list [--json]\n"
			       "List your running guests (root: everyone's): name, pid, memory,\n"
			       "uptime, state, disks, networks and shared directories.  --json\n"
			       "prints a JSON array of objects with the same fields.\n");
			return 0;
		} else {
			fprintf(stderr, "lguest list: unknown argument '%s'\nTry 'lguest list --help'.\n",
				argv[i]);
			return EXIT_SETUP;
		}
	}
	n = find_sockets(paths, GUESTS_MAX);
	if (json)
		printf("[");
	else
		printf("%-20s %7s %7s %9s %-9s %s\n", "NAME", "PID", "MEMORY", "UPTIME", "STATE",
		       "DISKS / NETWORKS / SHARES");
	for (unsigned int i = 0; i < n; i++) {
		char line[8192], pid[16], mem[16], up[32], state[16], disks[1024], nets[1024],
			shares[1024], name[64], when[32];
		int fd = ask(paths[i], "info\n", 2);

		if (fd < 0) {
			stale(paths[i]);
			continue;
		}
		if (read_line(fd, line, sizeof(line)) < 0) {
			close(fd);
			continue;
		}
		close(fd);
		if (json) {
			printf("%s%s", first ? "" : ",", line);
			first = false;
			continue;
		}
		field(line, "name", name, sizeof(name));
		field(line, "pid", pid, sizeof(pid));
		field(line, "memory_mib", mem, sizeof(mem));
		field(line, "uptime_s", up, sizeof(up));
		field(line, "state", state, sizeof(state));
		field(line, "disks", disks, sizeof(disks));
		field(line, "networks", nets, sizeof(nets));
		field(line, "shares", shares, sizeof(shares));
		uptime_str(strtoll(up, NULL, 10), when, sizeof(when));
		printf("%-20s %7s %6sM %9s %-9s %s / %s / %s\n", name, pid, mem, when, state,
		       disks, nets, shares);
	}
	if (json)
		printf("]\n");
	return 0;
}

/* The socket of the guest called name, for us: its path, or exit with why not. */
static void find_guest(const char *name, char *path, size_t len)
{
	static char paths[GUESTS_MAX][256];
	unsigned int n = find_sockets(paths, GUESTS_MAX), found = 0;

	if (!lg_name_ok(name)) {
		fprintf(stderr, "lguest: '%s' is not a guest's name (see lguest list)\n", name);
		exit(EXIT_SETUP);
	}
	for (unsigned int i = 0; i < n; i++) {
		char nm[64];

		name_of(paths[i], nm, sizeof(nm));
		if (strcmp(nm, name))
			continue;
		if (!found++)
			snprintf(path, len, "%s", paths[i]);
		else if (found == 2)
			fprintf(stderr, "lguest: more than one guest is called '%s': %s and %s\n",
				name, path, paths[i]);
	}
	if (found == 1)
		return;
	if (!found)
		fprintf(stderr, "lguest: no guest called '%s' is running%s (lguest list shows them)\n",
			name, geteuid() ? " for this user" : "");
	exit(EXIT_SETUP);
}

static int cmd_stop(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false;
	long timeout = 30;
	char path[256], line[64], *end;
	int c, fd, status;
	time_t t0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+fht:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout < 1 || timeout > 86400) {
				fprintf(stderr, "lguest stop: --timeout=%s: want a number of seconds, 1 to 86400\n",
					optarg);
				return EXIT_SETUP;
			}
			break;
		case 'h':
			printf("Usage: lguest stop [--force] [--timeout=SECONDS] NAME\n"
			       "Press the guest's power button: it shuts down in order and powers off.\n"
			       "If it has not after SECONDS (default 30), or with --force at once,\n"
			       "its launcher ends it without asking.  Exit status: the guest's\n"
			       "launcher's (0: powered off; 3: ended by force).\n");
			return 0;
		default:
			fprintf(stderr, "lguest stop: unknown option '%s'\nTry 'lguest stop --help'.\n",
				argv[optind - 1]);
			return EXIT_SETUP;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "lguest stop: give one guest's name (lguest list shows them)\n");
		return EXIT_SETUP;
	}
	find_guest(argv[optind], path, sizeof(path));
	if (!force) {
		fd = ask(path, "stop\n", 0);
		if (fd < 0 || read_line(fd, line, sizeof(line)) < 0 || strcmp(line, "ok")) {
			fprintf(stderr, "lguest stop: guest '%s' did not take the power button: %s\n",
				argv[optind], fd < 0 ? strerror(errno) : line);
			return EXIT_SETUP;
		}
		/* Its exit status when it goes, or our timeout. */
		t0 = time(NULL);
		for (;;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			long left = timeout - (long)(time(NULL) - t0);

			if (left <= 0 || poll(&p, 1, (int)left * 1000) == 0)
				break;
			if (read_line(fd, line, sizeof(line)) > 0 &&
			    sscanf(line, "exit %d", &status) == 1) {
				printf("lguest: guest '%s' powered off (exit status %d)\n",
				       argv[optind], status);
				return status;
			}
			/* The launcher went without a word: it was ended some other way. */
			fprintf(stderr, "lguest stop: guest '%s' ended\n", argv[optind]);
			return 0;
		}
		close(fd);
		fprintf(stderr, "lguest stop: guest '%s' did not power off within %ld s; ending it\n",
			argv[optind], timeout);
	}
	fd = ask(path, "kill\n", 10);
	if (fd < 0) {
		fprintf(stderr, "lguest stop: cannot reach guest '%s': %s\n", argv[optind],
			strerror(errno));
		return EXIT_SETUP;
	}
	if (read_line(fd, line, sizeof(line)) > 0 && sscanf(line, "exit %d", &status) == 1) {
		printf("lguest: guest '%s' ended by force (exit status %d)\n", argv[optind], status);
		return status;
	}
	fprintf(stderr, "lguest stop: guest '%s' ended\n", argv[optind]);
	return EXIT_KILLED;
}

static struct termios saved;
static bool raw_tty;

static void restore_tty(void)
{
	if (raw_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}

static int cmd_console(int argc, char *argv[])
{
	char path[256], buf[4096];
	bool sent_any = false;
	int fd;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: lguest console NAME\n"
		       "Attach this terminal to a running guest's console: what it printed\n"
		       "lately, then everything it prints; what you type goes to it.\n"
		       "Ctrl-] detaches; the guest runs on.\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "lguest console: give one guest's name (lguest list shows them)\n");
		return EXIT_SETUP;
	}
	find_guest(argv[1], path, sizeof(path));
	fd = ask(path, "console\n", 0);
	if (fd < 0) {
		fprintf(stderr, "lguest console: cannot reach guest '%s': %s\n", argv[1],
			strerror(errno));
		return EXIT_SETUP;
	}
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios raw = saved;

		raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
		raw.c_iflag &= ~(ICRNL | IXON);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
			raw_tty = true;
			atexit(restore_tty);
		}
		fprintf(stderr, "lguest: attached to guest '%s'; Ctrl-] detaches\r\n", argv[1]);
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = STDIN_FILENO, .events = POLLIN } };
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n <= 0) {
				fprintf(stderr, "\r\nlguest: guest '%s' is gone\r\n", argv[1]);
				return 0;
			}
			if (!sent_any && !strncmp(buf, "error: ", 7)) {
				fprintf(stderr, "lguest console: %.*s", (int)n - 7, buf + 7);
				return EXIT_SETUP;
			}
			if (write(STDOUT_FILENO, buf, (size_t)n) != n)
				break;
		}
		if (p[1].revents) {
			char *key;

			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				break;
			key = memchr(buf, DETACH_KEY, (size_t)n);
			if (key)
				n = key - buf;
			if (n > 0 && send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
				break;
			sent_any = true;
			if (key)
				break;
		}
	}
	if (raw_tty)
		fprintf(stderr, "\r\nlguest: detached from guest '%s'; it runs on\r\n", argv[1]);
	return 0;
}

int manage_main(int argc, char *argv[])
{
	if (!strcmp(argv[0], "list"))
		return cmd_list(argc, argv);
	if (!strcmp(argv[0], "stop"))
		return cmd_stop(argc, argv);
	return cmd_console(argc, argv);
}
