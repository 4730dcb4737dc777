// SPDX-License-Identifier: GPL-2.0
/*
 * timeout [-k SECS] [-s SIGNAL] SECS CMD...: the rig's own timeout(1).
 *
 * Busybox's applet runs CMD in the parent after a vfork()ed child has
 * forked and exit()ed on the shared memory; on the debug host kernel that
 * parent never got to run CMD (every guest "timed out" without starting).
 * This one forks CMD as a plain child in our own process group (so a
 * command on the terminal is not stopped), waits, sends SIGNAL (default
 * SIGTERM) after SECS and SIGKILL -k SECS later.  Like busybox's, it exits
 * with CMD's status, or 128 + the signal that ended it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;
static int sig = SIGTERM, kill_after;

static void on_alarm(int unused)
{
	(void)unused;
	kill(child, sig);
	if (kill_after) {
		sig = SIGKILL;
		alarm(kill_after);
		kill_after = 0;
	}
}

/* Whatever stops us stops the command too. */
static void on_stop(int s)
{
	kill(child, s);
}

static int signal_number(const char *s)
{
	static const struct { const char *name; int n; } names[] = {
		{ "TERM", SIGTERM }, { "KILL", SIGKILL }, { "INT", SIGINT },
		{ "HUP", SIGHUP }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
		{ "QUIT", SIGQUIT }, { "ALRM", SIGALRM },
	};
	size_t i;

	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].n;
	return atoi(s);
}

int main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int opt, st, secs;

	while ((opt = getopt(argc, argv, "+k:s:")) != -1) {
		if (opt == 'k')
			kill_after = atoi(optarg);
		else if (opt == 's')
			sig = signal_number(optarg);
		else
			return 125;
	}
	if (argc - optind < 2 || sig <= 0) {
		fprintf(stderr, "usage: timeout [-k SECS] [-s SIGNAL] SECS CMD...\n");
		return 125;
	}
	secs = atoi(argv[optind]);
	child = fork();
	if (child < 0) {
		perror("timeout: fork");
		return 125;
	}
	if (!child) {
		execvp(argv[optind + 1], argv + optind + 1);
		fprintf(stderr, "timeout: %s: %s\n", argv[optind + 1], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (secs > 0)
		alarm(secs);
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR) {
			perror("timeout: waitpid");
			return 125;
		}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
