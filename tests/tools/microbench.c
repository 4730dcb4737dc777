// SPDX-License-Identifier: GPL-2.0
/*
 * microbench: the kernel-entry paths lguest must make cheap (issue 16),
 * timed with CLOCK_MONOTONIC: a system call, a pipe round trip between two
 * processes, fork+exit, fork+exec, an anonymous page fault, a
 * copy-on-write fault, and a memory walk as the control that should run at
 * native speed.  The same static binary runs on the rig's host and inside
 * a Linux guest in the same boot (tests/e2e/bench.sh), so their ratio is
 * what counts; absolute times under QEMU's TCG mean little.
 *
 * Each workload runs REPS times; one line each:
 *   MB: NAME MEDIAN_NS MIN_NS MAX_NS REPS OPS
 * (nanoseconds per operation; OPS operations in all REPS).  "-q" does a
 * tenth of the work, for a smoke test; "-p" says MB-START and pauses a
 * second before the first and after each line, so that whoever reads the
 * guest's exit counters between lines reads them while nothing runs.
 * A NAME argument (or NAME,NAME...) runs those workloads only.
 * Run as "microbench --exit-now" it exits at once (the exec target).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPS 5

static unsigned int scale = 10;
static const char *self;
/* Operations one repetition of the current workload did. */
static unsigned long ops;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Is name in the comma-separated list? */
static bool wanted(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *c = list; c; c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL)
		if (!strncmp(c, name, n) && (c[n] == ',' || !c[n]))
			return true;
	return false;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Each returns nanoseconds per operation for one repetition. */

static double b_syscall(void)
{
	unsigned int n = 2000 * scale;
	double t = now_ns();

	ops = n;

	for (unsigned int i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (now_ns() - t) / n;
}

static double b_pipe(void)
{
	unsigned int n = 200 * scale;
	int a[2], b[2];
	char c = 0;
	pid_t pid;
	double t;

	ops = n;

	if (pipe(a) || pipe(b))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (unsigned int i = 0; i < n; i++)
			if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t = now_ns();
	for (unsigned int i = 0; i < n; i++)
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			die("pipe round trip");
	t = now_ns() - t;
	waitpid(pid, NULL, 0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	return t / n;
}

/* n children, one at a time; each execs us with --exit-now if exec. */
static double fork_children(unsigned int n, bool exec)
{
	double t = now_ns();

	ops = n;
	for (unsigned int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			if (exec)
				execl(self, self, "--exit-now", (char *)NULL);
			_exit(exec ? 127 : 0);
		}
		waitpid(pid, NULL, 0);
	}
	return (now_ns() - t) / n;
}

static double b_fork_exit(void)
{
	return fork_children(10 * scale, false);
}

static double b_fork_exec(void)
{
	return fork_children(5 * scale, true);
}

/*
 * Debian's hackbench (rt-tests), where make bench installed it: 80
 * processes in two groups passing messages through pipes, the scheduler
 * and pipe paths under load.  One operation is one whole run.
 */
#define HACKBENCH "/usr/bin/hackbench"

static double b_hackbench(void)
{
	char loops[16];
	double t = now_ns();
	int status;
	pid_t pid;

	ops = 1;
	snprintf(loops, sizeof(loops), "%u", 10 * scale);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 1);
		execl(HACKBENCH, "hackbench", "-p", "-g", "2", "-l", loops, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("hackbench");
	return now_ns() - t;
}

/* Touch every page of a fresh anonymous mapping: one fault each. */
static double b_fault(void)
{
	size_t pages = 256 * scale, len = pages * 4096;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t;

	ops = pages;
	if (p == MAP_FAILED)
		die("mmap");
	t = now_ns();
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	t = now_ns() - t;
	/* Fresh memory reads as zero, wherever a fault put it. */
	for (size_t i = 0; i < len; i += 4096)
		if (p[i] != 1 || p[i + 100] || p[i + 4095])
			die("fault: a fresh page was not zero");
	munmap((void *)p, len);
	return t / pages;
}

/* A child writes every page it shares with its parent: one copy each. */
static double b_cow(void)
{
	size_t pages = 256 * scale, len = pages * 4096;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd[2];
	double t = 0;
	pid_t pid;

	ops = pages;
	if (p == MAP_FAILED || pipe(fd))
		die("mmap");
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		t = now_ns();
		for (size_t i = 0; i < len; i += 4096)
			p[i] = 2;
		t = now_ns() - t;
		/* Each write went to the child's own copy ... */
		for (size_t i = 0; i < len; i += 4096)
			if (p[i] != 2)
				_exit(1);
		_exit(write(fd[1], &t, sizeof(t)) != sizeof(t));
	}
	if (read(fd[0], &t, sizeof(t)) != sizeof(t))
		die("cow child");
	waitpid(pid, NULL, 0);
	/* ... and none to the parent's. */
	for (size_t i = 0; i < len; i += 4096)
		if (p[i] != 1)
			die("cow: the child's write reached the parent's page");
	close(fd[0]);
	close(fd[1]);
	munmap((void *)p, len);
	return t / pages;
}

/* Read 16 MiB, a word per cache line, in place: nanoseconds per MiB. */
static double b_memwalk(void)
{
	static volatile uint32_t buf[4 << 20];
	unsigned int passes = scale / 2 + 1;
	uint32_t sum = 0;
	double t;

	ops = passes * 16;
	for (size_t i = 0; i < sizeof(buf) / 4; i += 1024)
		buf[i] = (uint32_t)i;
	t = now_ns();
	for (unsigned int k = 0; k < passes; k++)
		for (size_t i = 0; i < sizeof(buf) / 4; i += 16)
			sum += buf[i];
	t = now_ns() - t;
	if (sum == 1)
		puts("");
	return t / (passes * 16.0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		double (*run)(void);
	} b[] = {
		{ "syscall", b_syscall },
		{ "pipe", b_pipe },
		{ "fork-exit", b_fork_exit },
		{ "fork-exec", b_fork_exec },
		{ "fault", b_fault },
		{ "cow", b_cow },
		{ "memwalk-mib", b_memwalk },
		{ "hackbench", b_hackbench },
	};

	if (argc > 1 && !strcmp(argv[1], "--exit-now"))
		return 0;
	bool pause = false;
	const char *only = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q"))
			scale = 1;
		else if (!strcmp(argv[i], "-p"))
			pause = true;
		else
			only = argv[i];
	}
	self = "/proc/self/exe";
	/* The exec target must be a path that stays valid in the child. */
	{
		static char path[4096];
		ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

		if (n > 0) {
			path[n] = 0;
			self = path;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pause) {
		puts("MB-START");
		sleep(1);
	}
	size_t found = 0, asked = 1;

	for (const char *c = only; c && *c; c++)
		asked += *c == ',';
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		found += wanted(only, b[i].name);
	if (only && found != asked) {
		fprintf(stderr, "microbench: no workload '%s'; they are:", only);
		for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
			fprintf(stderr, " %s", b[i].name);
		fputc('\n', stderr);
		return 2;
	}
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		double r[REPS];

		if (only && !wanted(only, b[i].name))
			continue;
		if (b[i].run == b_hackbench && access(HACKBENCH, X_OK))
			continue;	/* not installed here */
		for (int k = 0; k < REPS; k++)
			r[k] = b[i].run();
		qsort(r, REPS, sizeof(r[0]), cmp);
		printf("MB: %s %.0f %.0f %.0f %d %lu\n", b[i].name, r[REPS / 2], r[0],
		       r[REPS - 1], REPS, ops * REPS);
		if (pause)
			sleep(1);
	}
	return 0;
}
