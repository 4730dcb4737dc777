// SPDX-License-Identifier: GPL-2.0
/*
 * devfuzz [-s SEED] [-t SECONDS] [-g GUEST_ELF]... [-f DIR]... [-j JOBS]
 *         [-m MB] [-u] [-v] [-r EPISODE_SEED]
 *
 * A seeded random fuzzer for /dev/lguest.  The node is 0660 root:lguest,
 * so every member of that group drives lg.ko's request, run and teardown
 * paths: they must survive anything such a user can do.  This program is
 * that user, as nasty as it can be within a time bound.
 *
 * The run is a sequence of "episodes".  Each episode is a forked child
 * with its own seed (printed with -v) that does one to three random things
 * from the table at the bottom: malformed writes and reads, real guests
 * run with read() loops, threads and forked children sharing one fd,
 * close() and signals racing a running read(), guest RAM unmapped,
 * protected, moved or truncated under a running guest, many guests up to
 * a memory budget, io_uring reads.  A few episodes run at once (-j) so
 * guests on both CPUs race.  The parent only supervises: it kills
 * episodes that overrun (SIGKILL during read() is part of the test) and
 * calls it a hang if one does not die after that.
 *
 * Errors are expected and only counted (by errno, printed at the end).
 * What the kernel must guarantee is checked, and any breach is a
 * "VIOLATION" that makes us exit 2: a request that must fail succeeded, a
 * read() returned a malformed exit, a stopped guest changed its exit, a
 * process other than the guest's own ran it, a task did not die after
 * SIGKILL.  A host Oops, WARNING or hang is for the caller to see
 * (tests/e2e/devfuzz.sh checks dmesg); exit 0 means we saw nothing wrong.
 *
 * -u makes the io_uring check hard: a read() issued from an io_uring
 * worker must not run the guest (lg.ko refuses with EPERM).
 * -r runs one episode with the given seed (as printed by -v), to replay.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <lguest_abi.h>

/* i386 numbers; older headers may not know them. */
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_io_uring_enter
#define SYS_io_uring_enter 426
#endif

#define DEV		"/dev/lguest"
#define EXIT_HDR	((ssize_t)sizeof(struct lguest_exit))
#define MB		(1u << 20)
#define MAXG		64
#define MAXDIRS		4

/* ---- randomness: splitmix64, one state per thread, all from -s. ---- */

static __thread uint64_t rs;

static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

/* true one time in n */
static int one_in(uint32_t n)
{
	return rn(n) == 0;
}

/* ---- statistics, shared by every episode (MAP_SHARED). ---- */

#define NERR 140
enum { ST_OK, ST_EXIT1, ST_EXIT2, ST_EXIT3, ST_EXIT4, ST_EXIT5, ST_EPISODES,
       ST_SIGKILLED, ST_CHILD_SIG, ST_GUESTS, ST_IOU_RUN, ST_IOU_REFUSED,
       ST_IOU_OTHER, ST_NST };
static const char *const st_name[ST_NST] = {
	"successful calls", "exits CONSOLE", "exits SHUTDOWN", "exits KILLED",
	"exits CONSOLE_READ", "exits MMIO", "episodes", "episodes SIGKILLed by us",
	"episodes died of another signal", "guests initialized",
	"io_uring reads that ran the guest", "io_uring reads refused",
	"io_uring reads with other results",
};

struct stats {
	unsigned long err[NERR];	/* by errno; [0] unused */
	unsigned long st[ST_NST];
	unsigned long ops[32];
	unsigned long violations;
	int last_iou_res;		/* the io_uring read's result */
	char first[512];		/* the first violation */
};

static struct stats *S;
static int verbose, iou_hard;
static uint64_t ep_seed;		/* this episode's, for messages */
static const char *ep_ops;

static void count(int st)
{
	__atomic_fetch_add(&S->st[st], 1, __ATOMIC_RELAXED);
}

/* Record a system call's result; returns it unchanged. */
static long note(long r)
{
	if (r >= 0)
		count(ST_OK);
	else if (errno > 0 && errno < NERR)
		__atomic_fetch_add(&S->err[errno], 1, __ATOMIC_RELAXED);
	return r;
}

static void violation(const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "devfuzz: VIOLATION (episode seed %" PRIu64 ", ops %s): %s\n",
		ep_seed, ep_ops ? ep_ops : "-", msg);
	if (__atomic_fetch_add(&S->violations, 1, __ATOMIC_SEQ_CST) == 0)
		snprintf(S->first, sizeof(S->first), "episode seed %" PRIu64 " (%s): %s",
			 ep_seed, ep_ops ? ep_ops : "-", msg);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- the host and our guests ---- */

static int host_pae;
static int plain;	/* no mutants or odd INITIALIZE fields (the io_uring check) */
static uint32_t mem_budget;		/* bytes one episode may make guests touch */

struct guest {
	const char *name;
	unsigned char *img;
	size_t size;
	uint32_t entry, need, flags;	/* flags: from its paging note */
	int nseg;
	struct { uint32_t off, paddr, filesz, memsz; } seg[8];
};
static struct guest G[MAXG];
static int nguests;
static const char *dirs[MAXDIRS];
static int ndirs;

/*
 * A minimal ELF32 loader (like launcher/elfload.c, without the checks
 * we do not need): PT_LOAD segments at their physical address, and the
 * paging note, so that INITIALIZE can carry the guest's real flags.
 */
static int load_elf(const char *path)
{
	struct guest *g = &G[nguests];
	unsigned char *p;
	struct stat st;
	uint32_t phoff, phnum, i, fsz;
	int fd = open(path, O_RDONLY);

	if (nguests >= MAXG || fd < 0 || fstat(fd, &st) || st.st_size < 52 ||
	    st.st_size > (64 << 20)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p = malloc(st.st_size);
	if (!p || read(fd, p, st.st_size) != st.st_size ||
	    memcmp(p, "\177ELF\1\1", 6) || *(uint16_t *)(p + 18) != 3) {
		free(p);
		close(fd);
		return -1;
	}
	close(fd);
	g->name = path;
	g->img = p;
	g->size = st.st_size;
	g->entry = *(uint32_t *)(p + 24);
	phoff = *(uint32_t *)(p + 28);
	phnum = *(uint16_t *)(p + 44);
	g->need = 0;
	fsz = (uint32_t)st.st_size;
	for (i = 0; i < phnum && phoff + (i + 1) * 32 <= fsz; i++) {
		uint32_t *ph = (uint32_t *)(p + phoff + i * 32);
		/* p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz */
		if (ph[0] == 1 && g->nseg < 8 && ph[1] + ph[4] <= fsz) {
			g->seg[g->nseg].off = ph[1];
			g->seg[g->nseg].paddr = ph[3];
			g->seg[g->nseg].filesz = ph[4];
			g->seg[g->nseg].memsz = ph[5];
			g->nseg++;
			if (ph[3] + ph[5] > g->need)
				g->need = ph[3] + ph[5];
		} else if (ph[0] == 4 && ph[1] + 24 <= fsz &&
			   !memcmp(p + ph[1] + 12, "lguest", 7)) {
			uint32_t v = *(uint32_t *)(p + ph[1] + 20);

			g->flags = v == 3 ? LGUEST_INIT_PAE : v == 2 ? LGUEST_INIT_NOPAE : 0;
		}
	}
	if (!g->nseg)
		return -1;
	g->need = (g->need + MB - 1) & ~(MB - 1);
	nguests++;
	return 0;
}

static const struct guest *pick_guest(const char *prefer)
{
	int i;

	if (prefer)
		for (i = 0; i < nguests; i++)
			if (strstr(G[i].name, prefer) && (plain || !one_in(8)))
				return &G[i];
	return nguests ? &G[rn(nguests)] : NULL;
}

/*
 * Copy the image in.  Our guest RAM is always fresh, so already zero
 * beyond p_filesz: not clearing it saves touching (and so allocating) the
 * guests' bss in every one of hundreds of guests.
 */

static void load_guest(const struct guest *g, unsigned char *ram, uint32_t mem)
{
	for (int i = 0; i < g->nseg; i++)
		if (g->seg[i].paddr + g->seg[i].memsz <= mem)
			memcpy(ram + g->seg[i].paddr, g->img + g->seg[i].off, g->seg[i].filesz);
	/* Now and then a mutant: a few random bytes in its code and data. */
	if (!plain && one_in(6))
		for (uint32_t n = rn(8) + 1; n; n--)
			ram[0x100000 + rn(g->need > 0x100000 ? g->need - 0x100000 : 4096)] = (unsigned char)rnd();
}

/* ---- guest RAM in its many forms ---- */

enum { RAM_ANON, RAM_SHARED, RAM_MEMFD, RAM_FILE, RAM_FILE_PRIVATE,
       RAM_HUGE, RAM_NKINDS };

struct ram {
	unsigned char *p;
	uint32_t size;
	int kind, fd;
};

static int ram_alloc(struct ram *r, uint32_t size, int kind)
{
	char path[256];
	int prot = PROT_READ | PROT_WRITE, fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

	r->size = size;
	r->kind = kind;
	r->fd = -1;
	switch (kind) {
	case RAM_SHARED:
		fl = MAP_SHARED | MAP_ANONYMOUS;
		break;
	case RAM_HUGE:
		fl |= MAP_HUGETLB;
		break;
	case RAM_MEMFD:
		r->fd = (int)syscall(SYS_memfd_create, "devfuzz", 0);
		fl = MAP_SHARED;
		break;
	case RAM_FILE:
	case RAM_FILE_PRIVATE:
		snprintf(path, sizeof(path), "%s/devfuzz.%d.%u",
			 ndirs ? dirs[rn(ndirs)] : "/tmp", getpid(), rn(1000000));
		r->fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (r->fd >= 0)
			unlink(path);
		fl = kind == RAM_FILE ? MAP_SHARED : MAP_PRIVATE;
		break;
	}
	if (kind == RAM_MEMFD || kind == RAM_FILE || kind == RAM_FILE_PRIVATE) {
		if (r->fd < 0 || ftruncate(r->fd, size))
			goto anon;
	}
	r->p = mmap(NULL, size, prot, fl, r->fd, 0);
	if (r->p != MAP_FAILED)
		return 0;
anon:
	/* hugetlbfs with no pages reserved, a full file system: plain RAM. */
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->kind = RAM_ANON;
	r->p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return r->p == MAP_FAILED ? -1 : 0;
}

/* ---- requests ---- */

static void reader_add(void);
static void reader_del(void);

static int init_guest(int fd, uint32_t base, uint32_t size, uint32_t entry,
		      uint32_t flags)
{
	struct lguest_init in = {
		.req = LHREQ_INITIALIZE, .abi_version = LGUEST_ABI_VERSION,
		.mem_base = base, .mem_size = size, .entry = entry,
		.boot_esi = 0, .flags = flags,
	};
	long r = note(write(fd, &in, sizeof(in)));

	if (r >= 0)
		count(ST_GUESTS);
	if (r >= 0 && r != (long)sizeof(in))
		violation("INITIALIZE returned %ld, not %zu", r, sizeof(in));
	return r < 0 ? -1 : 0;
}

static void irq(int fd, uint32_t n, int strict)
{
	uint32_t req[2] = { LHREQ_IRQ, n };

	if (note(write(fd, req, sizeof(req))) >= 0 && strict && n >= LGUEST_IRQS)
		violation("LHREQ_IRQ %u (>= %u) succeeded", n, LGUEST_IRQS);
}

/*
 * Check one read()'s result against the ABI.  *last is the reason of the
 * last stopping exit seen on this fd (0: none yet): after SHUTDOWN or
 * KILLED every read must return that same exit.  Returns the reason, 0
 * for an error, -1 once the guest has stopped.
 */
static int check_exit(ssize_t r, const union { struct lguest_exit e; char b[LGUEST_EXIT_MAX]; } *u,
		      int *last, const char *what)
{
	if (r < 0)
		return 0;
	if (r < EXIT_HDR || u->e.reason < 1 || u->e.reason > LGUEST_EXIT_MMIO ||
	    u->e.len > LGUEST_CONSOLE_MAX || r != EXIT_HDR + (ssize_t)u->e.len) {
		violation("%s: malformed exit: read %zd, reason %u, len %u", what, r,
			  u->e.reason, u->e.len);
		return -1;
	}
	count(ST_EXIT1 + u->e.reason - 1);
	if (*last && u->e.reason != (uint32_t)*last)
		violation("%s: guest stopped with reason %d, then read %u", what,
			  *last, u->e.reason);
	if (u->e.reason == LGUEST_EXIT_SHUTDOWN || u->e.reason == LGUEST_EXIT_KILLED) {
		if (verbose > 1 && !*last)
			printf("devfuzz:   %s %.*s\n", u->e.reason == 3 ? "killed:" : "shutdown:",
			       (int)u->e.len, u->e.data);
		*last = (int)u->e.reason;
		return -1;
	}
	return (int)u->e.reason;
}

typedef union { struct lguest_exit e; char b[LGUEST_EXIT_MAX]; } exitbuf;

/*
 * Run the guest on fd until it stops or ms pass.  Signals from the ticker
 * thread and itimers interrupt read() (EINTR) so that we see the clock.
 * Returns 1 if the guest stopped.
 */
static int run_for(int fd, uint32_t ms, int strict)
{
	static __thread exitbuf u;
	double end = now() + ms / 1000.0;
	int last = 0, stopped = 0, eintr = 0;

	reader_add();
	while (now() < end) {
		ssize_t r = note(read(fd, u.b, sizeof(u.b)));

		if (r < 0) {
			if (errno == EINTR && ++eintr < 100000)
				continue;
			break;
		}
		if (!strict)
			continue;
		if (check_exit(r, (const void *)&u, &last, "read") < 0) {
			/* Once more: a stopped guest returns the same exit. */
			r = note(read(fd, u.b, sizeof(u.b)));
			if (r >= 0)
				check_exit(r, (const void *)&u, &last, "read after stop");
			stopped = 1;
			break;
		}
	}
	reader_del();
	return stopped;
}

/* ---- signals: handlers that only make read() return EINTR ---- */

static volatile sig_atomic_t nsig;

static void on_signal(int sig)
{
	(void)sig;
	nsig++;
}

#define MAXT 16
static pthread_t readers[MAXT];
static int nreaders;
static pthread_mutex_t rlock = PTHREAD_MUTEX_INITIALIZER;

static void reader_add(void)
{
	pthread_mutex_lock(&rlock);
	if (nreaders < MAXT)
		readers[nreaders++] = pthread_self();
	pthread_mutex_unlock(&rlock);
}

/* Before the thread goes: pthread_kill() of a joined thread is undefined. */
static void reader_del(void)
{
	pthread_mutex_lock(&rlock);
	for (int i = 0; i < nreaders; i++)
		if (pthread_equal(readers[i], pthread_self())) {
			readers[i] = readers[--nreaders];
			break;
		}
	pthread_mutex_unlock(&rlock);
}

/*
 * In a child forked from a multithreaded episode: the ticker is gone and
 * may have held the lock; an itimer makes sure read() comes back.
 */
static void forked(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };

	pthread_mutex_init(&rlock, NULL);
	nreaders = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* SIGUSR1 at a random reader now and then, until the episode ends. */
static void *ticker(void *arg)
{
	uint32_t period = (uint32_t)(uintptr_t)arg;

	rs = rnd();
	for (;;) {
		sleep_ms(rn(period) + 1);
		pthread_mutex_lock(&rlock);
		if (nreaders)
			pthread_kill(readers[rn(nreaders)], one_in(4) ? SIGALRM : SIGUSR1);
		pthread_mutex_unlock(&rlock);
	}
	return NULL;
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t t;

	/* No SA_RESTART (read() must come back with EINTR), but sometimes. */
	if (one_in(4))
		sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGPIPE, &(struct sigaction){ .sa_handler = SIG_IGN }, NULL);
	if (!one_in(5))
		pthread_create(&t, NULL, ticker, (void *)(uintptr_t)(one_in(2) ? 20 : 300));
	if (one_in(3)) {
		struct itimerval it = { { 0, (long)rn(50000) + 500 }, { 0, (long)rn(50000) + 500 } };

		setitimer(ITIMER_REAL, &it, NULL);
	}
}

/* ---- the operations ---- */

/* Addresses no request may use, and some it may but that cannot work. */
static uint32_t bad_pointer(void)
{
	static const uint32_t bad[] = { 0, 1, 0xfff, 0xc0000ff0u, 0xc0000000u,
					0xc0100000u, 0xfffff000u, 0xffffffffu };
	static uint32_t unmapped;

	/*
	 * Reserved and inaccessible rather than unmapped: an unmapped page
	 * could be mapped again by another thread, with contents that make
	 * a request valid.
	 */
	if (!unmapped)
		unmapped = (uint32_t)(uintptr_t)mmap(NULL, 4096, PROT_NONE,
						     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return one_in(3) ? unmapped : bad[rn(sizeof(bad) / sizeof(bad[0]))];
}

/* A random INITIALIZE: mostly well formed, with one or two fields off. */
static void random_init(struct lguest_init *in, uint32_t base)
{
	static const uint32_t sizes[] = { 0, 4096, 1, 4095, 2 * MB, 64 * MB,
					  0x40000000u, 0xbffff000u, 0xc0000000u,
					  0xfffff000u, 0x80000000u };

	*in = (struct lguest_init){ LHREQ_INITIALIZE, LGUEST_ABI_VERSION, base,
				    2 * MB, 0x100000, 0, 0, 0, 0 };
	for (uint32_t n = rn(3); n; n--) {
		switch (rn(8)) {
		case 0: in->abi_version = one_in(2) ? (uint32_t)rnd() : LGUEST_ABI_VERSION ^ (1u << rn(32)); break;
		case 1: in->mem_base = one_in(2) ? (uint32_t)rnd() & ~0xfffu : (uint32_t)rnd(); break;
		case 2: in->mem_size = one_in(2) ? sizes[rn(sizeof(sizes) / sizeof(sizes[0]))] : (uint32_t)rnd(); break;
		case 3: in->entry = one_in(2) ? in->mem_size - rn(3) : (uint32_t)rnd(); break;
		case 4: in->flags = one_in(2) ? rn(4) : (uint32_t)rnd(); break;
		case 5: in->boot_esi = (uint32_t)rnd(); break;
		case 6: in->mem_base = bad_pointer() & ~0xfffu; break;
		case 7:	/* a device window: above RAM, or anywhere */
			in->mmio_size = one_in(2) ? (rn(4096) + 1) << 12 : (uint32_t)rnd();
			in->mmio_base = one_in(2) ? in->mem_size + (rn(64) << 12) :
				one_in(2) ? 0xd0000000u : (uint32_t)rnd();
			break;
		}
	}
}

/* What lg.ko must refuse, from docs/ABI.md section 6. */
static int init_must_fail(const struct lguest_init *in, int initialized)
{
	uint32_t hostflag = host_pae ? LGUEST_INIT_PAE : LGUEST_INIT_NOPAE;

	return initialized || in->abi_version != LGUEST_ABI_VERSION ||
	       (in->flags && in->flags != hostflag) || !in->mem_size ||
	       (in->mem_base & 0xfff) || (in->mem_size & 0xfff) ||
	       (uint64_t)in->mem_base + in->mem_size > 0xc0000000ULL ||
	       in->entry >= in->mem_size ||
	       (in->mmio_base & 0xfff) || (in->mmio_size & 0xfff) ||
	       in->mmio_size > LGUEST_MMIO_MAX ||
	       (!in->mmio_size && in->mmio_base) ||
	       (in->mmio_size && (in->mmio_base < in->mem_size ||
				  (uint64_t)in->mmio_base + in->mmio_size > 0x100000000ULL));
}

/*
 * Whether this process can read the byte at p, asked of the kernel (a
 * pipe write faults with EFAULT) rather than by touching it.
 */
static int user_readable(const void *p)
{
	int pfd[2], ok;

	if (pipe(pfd))
		return 1;	/* unknown: claim nothing */
	ok = write(pfd[1], p, 1) == 1;
	close(pfd[0]);
	close(pfd[1]);
	return ok;
}

/*
 * Malformed writes on fresh and initialized fds: every one that the ABI
 * says must fail has to fail.
 */
static void op_writes(void)
{
	static __thread unsigned char buf[65536 + 64];
	int fd = open(DEV, O_RDWR), initialized = 0;
	struct ram r;

	if (fd < 0 || ram_alloc(&r, 2 * MB, RAM_ANON))
		return;
	for (uint32_t i = rn(200) + 10; i; i--) {
		uint32_t len, *w = (uint32_t *)buf;
		const void *p = buf, *guard = NULL;
		int must_fail = 1;
		long res;

		for (int k = 0; k < 16; k++)
			w[k] = (uint32_t)rnd();
		switch (rn(8)) {
		case 0:	/* INITIALIZE, maybe mutated, maybe the right size */
			random_init((struct lguest_init *)buf, (uint32_t)(uintptr_t)r.p);
			len = one_in(3) ? rn(40) : sizeof(struct lguest_init);
			if (len == sizeof(struct lguest_init))
				must_fail = init_must_fail((struct lguest_init *)buf, initialized);
			break;
		case 1:	/* LHREQ_IRQ with random irqs and lengths */
			w[0] = LHREQ_IRQ;
			w[1] = one_in(2) ? rn(40) : (uint32_t)rnd();
			len = one_in(3) ? rn(16) : 8;
			must_fail = !(len == 8 && initialized && w[1] < LGUEST_IRQS);
			break;
		case 2:	/* unknown requests; LHREQ_MMIO_DONE with no read waiting */
			w[0] = one_in(2) ? rn(16) + 2 : (uint32_t)rnd();
			if (w[0] < 2)
				w[0] = 2;
			len = rn(64);
			break;
		case 3:	/* lengths 0 and short */
			w[0] = rn(3);
			len = rn(4);
			break;
		case 4:	/* huge lengths over a small buffer or the whole one */
			w[0] = rn(3);
			len = one_in(2) ? sizeof(buf) - 64 : 0x7ffff000u - rn(4096);
			if (w[0] == LHREQ_INITIALIZE)
				random_init((struct lguest_init *)buf, (uint32_t)(uintptr_t)r.p);
			break;
		case 5:	/* bad user pointers */
			p = (const void *)(uintptr_t)bad_pointer();
			len = one_in(2) ? 8 : sizeof(struct lguest_init);
			break;
		case 6: {	/* the request word readable, the rest not */
			static unsigned char *edge;
			unsigned char *e;

			/*
			 * The guard page must really be unreadable: mmap() or the
			 * mprotect() that splits the mapping fails (ENOMEM) once
			 * the many-guests ops have used up the process's mappings,
			 * and an unchecked failure left it readable, so that a
			 * request lg.ko rightly accepted looked like a breach.
			 */
			if (!edge) {
				e = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				if (e == MAP_FAILED)
					continue;
				if (mprotect(e + 4096, 4096, PROT_NONE)) {
					munmap(e, 8192);
					continue;
				}
				edge = e;
			}
			len = one_in(2) ? 8 : sizeof(struct lguest_init);
			*(uint32_t *)(edge + 4096 - 4) = rn(2);
			p = edge + 4096 - 4 - rn(2) * 4;
			guard = edge + 4096;
			break;
		}
		default:	/* a valid INITIALIZE, or IRQ once initialized */
			if (!initialized) {
				random_init((struct lguest_init *)buf, (uint32_t)(uintptr_t)r.p);
				memcpy(buf + 8, &(uint32_t[]){ (uint32_t)(uintptr_t)r.p, 2 * MB, 0x100000 }, 12);
				len = sizeof(struct lguest_init);
				must_fail = init_must_fail((struct lguest_init *)buf, 0);
			} else {
				w[0] = LHREQ_IRQ;
				w[1] = rn(LGUEST_IRQS);
				len = 8;
				must_fail = 0;
			}
		}
		/*
		 * Another thread of the episode may have mapped over the
		 * guard page: a breach only if it was unreadable around the
		 * write.
		 */
		if (guard && user_readable(guard))
			continue;
		res = note(write(fd, p, len));
		if (guard && user_readable(guard))
			must_fail = 0;
		if (res >= 0 && must_fail)
			violation("write of %u bytes, request %u (%08x %08x %08x %08x %08x %08x %08x), initialized %d: returned %ld",
				  len, p == buf ? w[0] : 0xffffffffu, w[0], w[1], w[2], w[3], w[4], w[5], w[6],
				  initialized, res);
		if (res >= 0 && res != (long)len)
			violation("write of %u bytes returned %ld", len, res);
		if (res >= 0 && p == buf && w[0] == LHREQ_INITIALIZE) {
			count(ST_GUESTS);
			initialized = 1;
		}
	}
	close(fd);
	munmap(r.p, r.size);
}

/* read()s with odd sizes and buffers, before and after INITIALIZE. */
static void op_reads(void)
{
	static __thread exitbuf u;
	int fd = open(DEV, one_in(8) ? O_RDONLY : O_RDWR), last = 0;
	unsigned char *ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const struct guest *g = pick_guest(NULL);
	struct ram r;

	if (fd < 0 || ro == MAP_FAILED)
		return;
	for (int phase = 0; phase < 2; phase++) {
		for (uint32_t i = rn(20) + 2; i; i--) {
			uint32_t sizes[] = { 0, 1, 16, LGUEST_EXIT_MAX - 1, LGUEST_EXIT_MAX,
					     LGUEST_EXIT_MAX + 1, 65536, 0x7ffff000u };
			uint32_t size = sizes[rn(8)];
			void *p = u.b;
			int kind = (int)rn(4);
			ssize_t res;

			if (kind == 1)
				p = (void *)(uintptr_t)bad_pointer();
			else if (kind == 2)
				p = ro + rn(2) * 4096 - rn(2) * 16;
			if (p == u.b && size > sizeof(u.b))
				size = sizeof(u.b);
			res = note(read(fd, p, size));
			if (res >= 0 && phase == 0)
				violation("read before INITIALIZE returned %zd", res);
			if (res >= 0 && size < LGUEST_EXIT_MAX)
				violation("read of %u bytes (< LGUEST_EXIT_MAX) returned %zd", size, res);
			if (res >= 0 && p != u.b)
				violation("read into a %s buffer %p returned %zd",
					  kind == 1 ? "bad" : "read-only", p, res);
			if (res >= 0 && p == u.b && check_exit(res, (const void *)&u, &last, "odd read") < 0)
				break;
		}
		if (phase == 0) {
			/* A guest to run: a real one, or one whose RAM is not there. */
			if (!g || ram_alloc(&r, g->need, (int)rn(RAM_NKINDS)))
				break;
			if (one_in(3))
				munmap(r.p, r.size);
			else
				load_guest(g, r.p, r.size);
			if (init_guest(fd, (uint32_t)(uintptr_t)r.p, r.size, g->entry, g->flags))
				break;
		}
	}
	close(fd);
}

/*
 * Guest RAM somewhere strange: our own program text, the vDSO, the NULL
 * page, a PROT_NONE region, the stack.  INITIALIZE accepts any page
 * aligned user range; running must only ever kill the guest.  (A guest
 * on our stack may well crash this episode: that is allowed.)
 */
static void op_weird_base(void)
{
	int fd = open(DEV, O_RDWR);
	uint32_t base, size = (rn(16) + 1) * 4096;
	unsigned char *none = mmap(NULL, 1 * MB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int stackvar;

	if (fd < 0)
		return;
	switch (rn(6)) {
	case 0: base = (uint32_t)(uintptr_t)&op_weird_base & ~0xfffu; break;
	case 1: base = (uint32_t)getauxval(AT_SYSINFO_EHDR) & ~0xfffu; break;
	case 2: base = 0; break;
	case 3: base = (uint32_t)(uintptr_t)none; size = 1 * MB; break;
	case 4: base = ((uint32_t)(uintptr_t)&stackvar & ~0xfffu) - 4096 * rn(4); size = 4096; break;
	default: base = 0xc0000000u - size; break;
	}
	if (!init_guest(fd, base, size, rn(size), 0))
		run_for(fd, rn(500) + 10, 1);
	close(fd);
}

/* A real guest with a read() loop, LHREQ_IRQs from a second thread. */
struct run_arg {
	int fd;
	uint32_t ms;
	int strict;
	uint64_t seed;
};

static void *reader_thread(void *a)
{
	struct run_arg *ra = a;

	rs = ra->seed;
	run_for(ra->fd, ra->ms, ra->strict);
	return NULL;
}

static void *irq_thread(void *a)
{
	struct run_arg *ra = a;
	double end = now() + ra->ms / 1000.0;

	rs = ra->seed;
	while (now() < end) {
		irq(ra->fd, one_in(10) ? (uint32_t)rnd() : rn(LGUEST_IRQS), 1);
		sleep_ms(rn(20));
	}
	return NULL;
}

/* Set up a guest on a fresh fd; -1 if INITIALIZE failed. */
static int new_guest(struct ram *r, const char *prefer, uint32_t mem_max)
{
	const struct guest *g = pick_guest(prefer);
	uint32_t mem;
	int fd;

	if (!g)
		return -1;
	mem = g->need + rn(8) * MB;
	if (mem < mem_max && one_in(2))
		mem = mem_max;
	if (ram_alloc(r, mem, !plain && one_in(3) ? (int)rn(RAM_NKINDS) : RAM_ANON))
		return -1;
	load_guest(g, r->p, mem);
	fd = open(DEV, O_RDWR);
	if (fd < 0)
		return -1;
	if (init_guest(fd, (uint32_t)(uintptr_t)r->p, mem,
		       !plain && one_in(20) ? rn(mem) : g->entry,
		       !plain && one_in(10) ? rn(4) : g->flags)) {
		close(fd);
		munmap(r->p, r->size);
		return -1;
	}
	return fd;
}

static void op_run(void)
{
	struct ram r;
	int fd = new_guest(&r, NULL, 16 * MB);
	struct run_arg ra;
	pthread_t t;

	if (fd < 0)
		return;
	ra = (struct run_arg){ fd, rn(1500) + 50, 1, rnd() };
	if (one_in(2))
		pthread_create(&t, NULL, irq_thread, &ra);
	else
		t = 0;
	run_for(fd, ra.ms, 1);
	if (t)
		pthread_join(t, NULL);
	close(fd);
}

/* Several threads reading and writing one fd at once. */
static void *chaos_thread(void *a)
{
	struct run_arg *ra = a;
	double end = now() + ra->ms / 1000.0;
	static __thread exitbuf u;

	rs = ra->seed;
	reader_add();
	while (now() < end) {
		switch (rn(5)) {
		case 0:
		case 1:
			note(read(ra->fd, u.b, one_in(8) ? rn(2000) : sizeof(u.b)));
			break;
		case 2:
			irq(ra->fd, rn(LGUEST_IRQS + 2), ra->strict);
			break;
		case 3: {
			struct lguest_init in;

			random_init(&in, (uint32_t)rnd() & ~0xfffu);
			if (note(write(ra->fd, &in, sizeof(in))) >= 0 && ra->strict)
				violation("a second INITIALIZE (from a thread) succeeded");
			break;
		}
		default:
			sched_yield();
		}
		/* Closed under us (op_threads' closer): nothing more to race. */
		if (fcntl(ra->fd, F_GETFD) < 0)
			break;
	}
	reader_del();
	return NULL;
}

static void op_threads(void)
{
	struct ram r;
	int fd = new_guest(&r, one_in(2) ? "spin" : NULL, 8 * MB);
	struct run_arg ra[MAXT / 2];
	pthread_t t[MAXT / 2];
	int n = (int)rn(5) + 2, closer = one_in(3);

	if (fd < 0)
		return;
	for (int i = 0; i < n; i++) {
		/* Once the fd may be closed its number may be reused: no checks. */
		ra[i] = (struct run_arg){ fd, rn(1500) + 50, !closer, rnd() };
		pthread_create(&t[i], NULL, chaos_thread, &ra[i]);
	}
	if (closer) {
		/* close() racing the running read()s: they hold the file. */
		sleep_ms(rn(300));
		note(close(fd));
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	if (!closer)
		close(fd);
}

/*
 * The fd shared across fork(): the child (another mm) must not run the
 * guest, nor INITIALIZE it again, but may raise irqs.  Sometimes the
 * parent dies first and the child holds the last reference to a guest
 * whose launcher mm is gone; sometimes we SIGKILL the child mid-read.
 */
static void op_fork(void)
{
	static __thread exitbuf u;
	struct ram r;
	int before = one_in(3), fd, status;
	pid_t pid;

	if (before) {
		/* fork first: the child initializes, the parent may not run it. */
		const struct guest *g = pick_guest("spin");

		fd = open(DEV, O_RDWR);
		if (fd < 0 || !g || ram_alloc(&r, g->need, RAM_SHARED))
			return;
		load_guest(g, r.p, g->need);
		pid = fork();
		if (pid == 0) {
			rs = rnd();
			forked();
			if (!init_guest(fd, (uint32_t)(uintptr_t)r.p, g->need, g->entry, 0))
				run_for(fd, rn(800), 1);
			_exit(0);
		}
		sleep_ms(rn(100));
		for (int i = rn(20); i; i--) {
			if (note(read(fd, u.b, sizeof(u.b))) >= 0)
				violation("read in the parent of the process that initialized the guest succeeded");
			irq(fd, rn(LGUEST_IRQS), 1);
		}
	} else {
		fd = new_guest(&r, NULL, 8 * MB);
		if (fd < 0)
			return;
		pid = fork();
		if (pid == 0) {
			struct lguest_init in;

			rs = rnd();
			forked();
			for (int i = rn(50); i; i--) {
				ssize_t res = note(read(fd, u.b, sizeof(u.b)));

				if (res >= 0)
					violation("read in a forked child (another mm) returned %zd", res);
				irq(fd, rn(LGUEST_IRQS), 1);
				random_init(&in, (uint32_t)(uintptr_t)r.p);
				if (note(write(fd, &in, sizeof(in))) >= 0)
					violation("INITIALIZE again from a forked child succeeded");
			}
			/* Outlive the parent now and then, holding the fd. */
			if (one_in(3))
				sleep_ms(rn(1500));
			_exit(0);
		}
		run_for(fd, rn(800), 1);
	}
	if (pid < 0)
		return;
	if (one_in(3)) {
		sleep_ms(rn(200));
		kill(pid, SIGKILL);
	}
	if (one_in(3))
		return;		/* orphan it: the episode's exit closes our end */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	close(fd);
}

/*
 * execve() with the guest's fd open: the new image has a new mm, so it
 * must not run the guest (EPERM), nor initialize it again.
 */
static const char *self;

static int exec_check(int fd)
{
	static exitbuf u;
	struct lguest_init in = { LHREQ_INITIALIZE, LGUEST_ABI_VERSION, 0, 4096, 0, 0, 0, 0, 0 };
	ssize_t r = read(fd, u.b, sizeof(u.b));

	if (r >= 0) {
		fprintf(stderr, "devfuzz: VIOLATION: read after execve() returned %zd\n", r);
		return 2;
	}
	if (write(fd, &in, sizeof(in)) >= 0) {
		fprintf(stderr, "devfuzz: VIOLATION: INITIALIZE after execve() succeeded\n");
		return 2;
	}
	return 0;
}

static void op_exec(void)
{
	struct ram r;
	int fd = new_guest(&r, NULL, 4 * MB), status;
	pid_t pid;

	if (fd < 0)
		return;
	if (one_in(2))
		run_for(fd, rn(200), 1);
	pid = fork();
	if (pid == 0) {
		char arg[16];

		snprintf(arg, sizeof(arg), "%d", fd);
		execl(self, "devfuzz", "-X", arg, (char *)NULL);
		_exit(0);
	}
	if (pid < 0)
		return;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		violation("after execve() the new program could use the guest (see above)");
	close(fd);
}

/*
 * Guest RAM changed under a running guest: munmap()ed, mprotect()ed,
 * mremap()ed, MAP_FIXED over, madvise()d away, or its file truncated.
 */
struct mem_arg {
	struct ram *r;
	uint32_t delay, what;
	uint64_t seed;
};

static void *mem_thread(void *a)
{
	struct mem_arg *ma = a;
	struct ram *r = ma->r;
	uint32_t half = (r->size / 2) & ~0xfffu;

	rs = ma->seed;
	sleep_ms(ma->delay);
	switch (ma->what) {
	case 0: munmap(r->p, r->size); break;
	case 1: munmap(r->p + half, r->size - half); break;
	case 2: mprotect(r->p, r->size, PROT_NONE); break;
	case 3: mprotect(r->p, r->size, PROT_READ); break;
	case 4: mprotect(r->p + half, 4096 * (rn(16) + 1), PROT_READ | PROT_EXEC); break;
	case 5: mremap(r->p, r->size, r->size, MREMAP_MAYMOVE | MREMAP_FIXED,
		       mmap(NULL, r->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
		break;
	case 6: mremap(r->p, r->size, half ? half : 4096, 0); break;
	case 7: mmap(r->p, r->size, PROT_READ | PROT_WRITE,
		     MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		break;
	case 8: madvise(r->p, r->size, one_in(2) ? MADV_DONTNEED : MADV_REMOVE); break;
	case 9: madvise(r->p, r->size, 21 /* MADV_PAGEOUT */); break;
	case 10:
	case 11:
		/* A file's pages vanish: SIGBUS for the launcher, a kill for the guest. */
		if (r->fd >= 0) {
			ftruncate(r->fd, ma->what == 10 ? 0 : half);
			if (one_in(2)) {
				sleep_ms(rn(100));
				ftruncate(r->fd, r->size);
			}
		} else {
			madvise(r->p, r->size, MADV_DONTNEED);
		}
		break;
	case 12: {
		/* fork(): private pages become copy-on-write under the guest. */
		pid_t pid = fork();

		if (pid == 0) {
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		break;
	}
	default:
		/* Flip protections back and forth while the guest runs. */
		for (int i = 0; i < 50; i++) {
			mprotect(r->p, r->size, one_in(2) ? PROT_NONE : PROT_READ | PROT_WRITE);
			sleep_ms(rn(5));
		}
	}
	return NULL;
}

static void op_mem(void)
{
	struct ram r;
	int fd = new_guest(&r, one_in(2) ? "touch" : one_in(2) ? "paging" : NULL,
			   (one_in(2) ? 64 : 16) * MB < mem_budget ? (one_in(2) ? 64 : 16) * MB : 4 * MB);
	struct mem_arg ma;
	pthread_t t;
	uint32_t ms = rn(2000) + 100;

	if (fd < 0)
		return;
	ma = (struct mem_arg){ &r, rn(ms), rn(14), rnd() };
	pthread_create(&t, NULL, mem_thread, &ma);
	run_for(fd, ms, 1);
	pthread_join(t, NULL);
	close(fd);
}

/*
 * Many guests: as many fds as we may open, each INITIALIZEd with large
 * memory (some sharing one mapping), then some run touch (every page of
 * its RAM, up to the memory budget) on threads of their own.
 */
static void op_many(void)
{
	static __thread int fds[256];
	static __thread struct ram rams[256];
	const struct guest *touch = pick_guest("touch");
	uint32_t n = rn(one_in(4) ? 256 : 32) + 2, used = 0, i, k = 0;
	struct run_arg ra[6];
	pthread_t t[6];

	if (!touch)
		return;
	for (i = 0; i < n; i++) {
		uint32_t mem = one_in(2) ? (rn(64) + 4) * MB : (rn(1024) + 4) * MB;

		fds[i] = open(DEV, O_RDWR);
		if (note(fds[i]) < 0)
			break;
		if (i && one_in(3)) {
			rams[i] = rams[rn(i)];	/* guests sharing RAM */
			rams[i].fd = -2;
		} else if (ram_alloc(&rams[i], mem, one_in(4) ? RAM_MEMFD : RAM_ANON)) {
			close(fds[i]);
			break;
		}
		load_guest(touch, rams[i].p, rams[i].size);
		init_guest(fds[i], (uint32_t)(uintptr_t)rams[i].p, rams[i].size, touch->entry, 0);
	}
	n = i;
	for (i = 0; i < n && k < 6; i++) {
		if (used + rams[i].size > mem_budget || one_in(2))
			continue;
		used += rams[i].size;
		ra[k] = (struct run_arg){ fds[i], rn(3000) + 100, 1, rnd() };
		pthread_create(&t[k], NULL, reader_thread, &ra[k]);
		k++;
	}
	for (i = 0; i < k; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < n; i++)
		if (!one_in(4))	/* the rest go at exit */
			close(fds[i]);
}

/*
 * io_uring: IORING_OP_READ on /dev/lguest, IOSQE_ASYNC, so an io-wq
 * worker (a kernel thread sharing our mm) issues the read.  lg.ko must not
 * run a guest from there: the worker is not the launcher, and a guest
 * running on it could not be signalled or killed with us.  Returns the
 * read's result (-errno, or bytes), or 1 if io_uring is unavailable,
 * or 2 if the read did not complete within ms.
 */
static long iou_read(int fd, uint32_t ms, int async)
{
	struct io_uring_params p = { 0 };
	static __thread exitbuf u;
	unsigned char *sq, *cq;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned *tail, *head, *ctail, *chead;
	long res = 2;
	int rfd = (int)syscall(SYS_io_uring_setup, 4, &p);
	double end = now() + ms / 1000.0;

	if (note(rfd) < 0)
		return 1;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * 4, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, rfd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(*cqe), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, rfd, IORING_OFF_CQ_RING);
	sqe = mmap(NULL, p.sq_entries * sizeof(*sqe), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_POPULATE, rfd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqe == MAP_FAILED) {
		close(rfd);
		return 1;
	}
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_READ;
	sqe->flags = async ? IOSQE_ASYNC : 0;
	sqe->fd = fd;
	sqe->addr = (uint64_t)(uintptr_t)u.b;
	sqe->len = sizeof(u.b);
	sqe->off = (uint64_t)-1;	/* the file position: /dev/lguest has none */
	sqe->user_data = 0x1650;
	tail = (unsigned *)(sq + p.sq_off.tail);
	((unsigned *)(sq + p.sq_off.array))[*tail & *(unsigned *)(sq + p.sq_off.ring_mask)] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (note(syscall(SYS_io_uring_enter, rfd, 1, 0, 0, NULL, 0)) < 0) {
		close(rfd);
		return -errno;
	}
	head = (unsigned *)(cq + p.cq_off.head);
	ctail = (unsigned *)(cq + p.cq_off.tail);
	chead = head;
	while (now() < end) {
		if (*chead != __atomic_load_n(ctail, __ATOMIC_ACQUIRE)) {
			cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
			      (*chead & *(unsigned *)(cq + p.cq_off.ring_mask));
			res = cqe->res;
			__atomic_store_n(chead, *chead + 1, __ATOMIC_RELEASE);
			break;
		}
		sleep_ms(5);
	}
	if (res == 2 && verbose)
		printf("devfuzz:   io_uring read still running after %u ms\n", ms);
	/* Closing the ring cancels a read still running (or so it must). */
	close(rfd);
	munmap(sq, p.sq_off.array + p.sq_entries * 4);
	munmap(cq, p.cq_off.cqes + p.cq_entries * sizeof(*cqe));
	munmap(sqe, p.sq_entries * sizeof(*sqe));
	return res;
}

static void iou_judge(long res, const char *what)
{
	S->last_iou_res = (int)res;
	if (res >= 0 && res != 1 && res != 2) {
		count(ST_IOU_RUN);
		if (iou_hard)
			violation("%s: a read() from an io_uring worker ran the guest (returned %ld bytes)", what, res);
	} else if (res == -EPERM) {
		count(ST_IOU_REFUSED);
	} else {
		count(ST_IOU_OTHER);
		if (verbose)
			printf("devfuzz:   %s: %s\n", what, res == 1 ? "io_uring_setup failed" :
			       res == 2 ? "the read did not complete" : strerrorname_np((int)-res));
		if (iou_hard && res == 2)
			violation("%s: the io_uring read did not complete", what);
	}
}

static void op_iouring(void)
{
	struct ram r;
	/* hello stops by itself; spin only stops when cancelled. */
	int fd = new_guest(&r, one_in(3) ? "spin" : "hello", 4 * MB);

	if (fd < 0)
		return;
	if (one_in(3))
		run_for(fd, rn(100), 1);
	iou_judge(iou_read(fd, rn(1000) + 200, !one_in(4)), "io_uring");
	if (one_in(2))
		close(fd);	/* else closed at exit, maybe with the read live */
}

/* Other file operations a member of the group can try. */
static void op_misc(void)
{
	struct ram r;
	int fd = one_in(2) ? new_guest(&r, "hello", 4 * MB) : open(DEV, O_RDWR);
	static __thread exitbuf u;
	struct iovec iov[3] = { { u.b, 16 }, { u.b, sizeof(u.b) }, { u.b, 8 } };
	uint32_t w[2] = { LHREQ_IRQ, 3 };
	struct iovec wiov[2] = { { w, 8 }, { w, 4 } };

	if (fd < 0)
		return;
	for (int i = rn(10) + 1; i; i--) {
		switch (rn(8)) {
		case 0: note(readv(fd, iov + rn(2), (int)rn(3))); break;
		case 1: note(writev(fd, wiov, (int)rn(3))); break;
		case 2: note(pread(fd, u.b, sizeof(u.b), rn(2))); break;
		case 3: note(lseek(fd, rn(100), SEEK_SET)); break;
		case 4: {
			void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

			if (note(p == MAP_FAILED ? -1 : 0) == 0) {
				munmap(p, 4096);
				violation("mmap of /dev/lguest succeeded");
			}
			break;
		}
		case 5: note(ioctl(fd, (unsigned long)rnd(), (unsigned long)rnd())); break;
		case 6: {
			int d = dup(fd);

			note(read(d, u.b, sizeof(u.b)));
			close(d);
			break;
		}
		default: note(fcntl(fd, F_SETFL, O_NONBLOCK | (one_in(2) ? O_ASYNC : 0)));
			note(read(fd, u.b, sizeof(u.b)));
		}
	}
	close(fd);
}

static const struct op {
	const char *name;
	void (*fn)(void);
	int weight;
} ops[] = {
	{ "writes", op_writes, 4 },
	{ "reads", op_reads, 3 },
	{ "weird-base", op_weird_base, 2 },
	{ "run", op_run, 4 },
	{ "threads", op_threads, 3 },
	{ "fork", op_fork, 3 },
	{ "exec", op_exec, 1 },
	{ "mem", op_mem, 4 },
	{ "many", op_many, 1 },
	{ "iouring", op_iouring, 1 },
	{ "misc", op_misc, 1 },
};
#define NOPS ((int)(sizeof(ops) / sizeof(ops[0])))

/* ---- episodes ---- */

struct op_arg {
	int op;
	uint64_t seed;
};

static void *op_thread(void *a)
{
	struct op_arg *oa = a;

	rs = oa->seed;
	ops[oa->op].fn();
	return NULL;
}

static int pick_op(void)
{
	int total = 0, k;

	for (k = 0; k < NOPS; k++)
		total += ops[k].weight;
	total = (int)rn((uint32_t)total);
	for (k = 0; k < NOPS; k++) {
		total -= ops[k].weight;
		if (total < 0)
			break;
	}
	return k;
}

/*
 * One episode, in a fresh child: one to three operations, the first on
 * this thread and the others beside it or after it.  Everything it opened
 * is closed by its exit, whether it ends by itself or is killed.
 */
static pid_t episode(uint64_t seed, char *names, size_t len)
{
	struct op_arg oa[3];
	pthread_t t[3];
	int n, together;
	pid_t pid;

	rs = seed;
	n = (int)rn(3) + 1;
	together = one_in(2);
	names[0] = 0;
	for (int i = 0; i < n; i++) {
		oa[i] = (struct op_arg){ pick_op(), rnd() };
		snprintf(names + strlen(names), len - strlen(names), "%s%s",
			 i ? (together ? "|" : "+") : "", ops[oa[i].op].name);
	}
	ep_seed = seed;
	ep_ops = names;
	if (verbose)
		printf("devfuzz: episode seed %" PRIu64 ": %s\n", seed, names);
	fflush(stdout);
	pid = fork();
	if (pid > 0)
		setpgid(pid, pid);
	if (pid == 0) {
		/* Its own process group: a SIGKILL takes its forked children too. */
		setpgid(0, 0);
		rs = seed ^ 0x5eed;
		setup_signals();
		for (int i = 0; i < n; i++)
			__atomic_fetch_add(&S->ops[oa[i].op], 1, __ATOMIC_RELAXED);
		for (int i = 1; i < n; i++)
			if (together)
				pthread_create(&t[i], NULL, op_thread, &oa[i]);
		op_thread(&oa[0]);
		for (int i = 1; i < n; i++) {
			if (together)
				pthread_join(t[i], NULL);
			else
				op_thread(&oa[i]);
		}
		_exit(0);
	}
	return pid;
}

/* ---- the supervisor ---- */

struct job {
	pid_t pid;
	uint64_t seed;
	double start, kill_at, killed;
	char names[64];
};

static void proc_state(pid_t pid)
{
	char path[320], buf[256] = "";
	int fd;
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		r = read(fd, buf, sizeof(buf) - 1);
		buf[r > 0 ? r : 0] = 0;
		close(fd);
	}
	fprintf(stderr, "devfuzz:   pid %d wchan '%s'\n", pid, buf);
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid, de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		r = read(fd, buf, sizeof(buf) - 1);
		buf[r > 0 ? r : 0] = 0;
		close(fd);
		fprintf(stderr, "devfuzz:   task %s: %s", de->d_name, buf);
	}
	if (d)
		closedir(d);
}

/* SIGKILL every process whose parent we are (and show it). */
static void kill_children(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char path[300], buf[512];

	while (d && (de = readdir(d))) {
		int fd, ppid = 0;
		ssize_t r;
		char *p;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[r > 0 ? r : 0] = 0;
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 2, "%*c %d", &ppid) != 1 || ppid != getpid())
			continue;
		fprintf(stderr, "devfuzz: left over at the end: %s", buf);
		proc_state(atoi(de->d_name));
		kill(atoi(de->d_name), SIGKILL);
	}
	if (d)
		closedir(d);
}

/* Reap what has exited; count how episodes ended. */
static void reap(struct job *jobs, int njobs)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		int mine = 0;

		for (int i = 0; i < njobs; i++) {
			if (jobs[i].pid != pid)
				continue;
			mine = 1;
			count(ST_EPISODES);
			if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && jobs[i].killed)
				count(ST_SIGKILLED);
			else if (WIFSIGNALED(status)) {
				count(ST_CHILD_SIG);
				if (verbose)
					printf("devfuzz:   episode %" PRIu64 " died of signal %d\n",
					       jobs[i].seed, WTERMSIG(status));
			}
			jobs[i].pid = 0;
		}
		/* Orphans (we are their subreaper): -X reports with status 2. */
		if (!mine && WIFEXITED(status) && WEXITSTATUS(status) == 2) {
			ep_seed = 0;
			ep_ops = "exec";
			violation("an exec'd process could use the guest (see above)");
		}
	}
}

/*
 * Keep njobs episodes running until the time is up (or, with -r, run the
 * one).  An episode that overruns, or that we chose to kill mid-read, gets
 * SIGKILL; one that is still there 30 s after that is a hang: a task
 * stuck in lg.ko where no signal reaches it.
 */
static void supervise(double seconds, int njobs, uint64_t seed, int single)
{
	struct job jobs[8] = { 0 };
	double end = now() + seconds;
	int live;

	rs = seed;
	for (;;) {
		reap(jobs, njobs);
		live = 0;
		for (int i = 0; i < njobs; i++) {
			struct job *j = &jobs[i];

			if (!j->pid && now() < end && !S->violations && (!single || i == 0)) {
				j->seed = single ? seed : rnd();
				j->start = now();
				/* Most run their course; some we SIGKILL mid-read. */
				j->kill_at = j->start + (one_in(5) ? rn(2000) / 1000.0 : 12);
				j->killed = 0;
				j->pid = episode(j->seed, j->names, sizeof(j->names));
				if (j->pid < 0)
					j->pid = 0;
				if (single)
					end = 0;
			}
			if (!j->pid)
				continue;
			live++;
			if (!j->killed && now() >= j->kill_at) {
				kill(-j->pid, SIGKILL);
				kill(j->pid, SIGKILL);
				j->killed = now();
			}
			if (j->killed && now() - j->killed > 30) {
				violation("hang: episode %" PRIu64 " (%s), pid %d, still there 30 s after SIGKILL",
					  j->seed, j->names, j->pid);
				proc_state(j->pid);
				return;
			}
		}
		if (!live)
			break;
		sleep_ms(20);
	}
	/*
	 * Orphans of op_fork and the like (we are their subreaper) end within
	 * seconds; after 10 s they get SIGKILL, and 30 s later it is a hang.
	 */
	for (int waited = 0; waitpid(-1, NULL, WNOHANG) >= 0 || errno != ECHILD; waited++) {
		if (waited == 500)
			kill_children();
		if (waited > 2000) {
			violation("hang: descendants still there 30 s after SIGKILL");
			kill_children();
			return;
		}
		sleep_ms(20);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: devfuzz [-s SEED] [-t SECONDS] [-g GUEST_ELF]... [-f DIR]... [-j JOBS] [-m MB] [-u] [-v] [-r EPISODE_SEED]\n");
	exit(1);
}

int main(int argc, char *argv[])
{
	uint64_t seed = 0, replay = 0;
	int have_seed = 0, do_replay = 0, jobs = 2, c, fd;
	double seconds = 60;
	uint32_t budget_mb = 0;
	gid_t groups[32];
	struct utsname uts;
	struct rlimit rl;
	int ng;

	/* -X FD: the program execve()d by op_exec, holding a guest's fd. */
	if (argc == 3 && !strcmp(argv[1], "-X"))
		return exec_check(atoi(argv[2]));
	while ((c = getopt(argc, argv, "s:t:g:f:j:m:uvr:")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); have_seed = 1; break;
		case 't': seconds = atof(optarg); break;
		case 'g':
			if (load_elf(optarg))
				fprintf(stderr, "devfuzz: %s: not a guest ELF, ignored\n", optarg);
			break;
		case 'f': if (ndirs < MAXDIRS) dirs[ndirs++] = optarg; break;
		case 'j': jobs = atoi(optarg); break;
		case 'm': budget_mb = (uint32_t)atoi(optarg); break;
		case 'u': iou_hard = 1; break;
		case 'v': verbose++; break;
		case 'r': replay = strtoull(optarg, NULL, 0); do_replay = 1; break;
		default: usage();
		}
	}
	if (optind != argc || jobs < 1 || jobs > 8)
		usage();
	if (!have_seed) {
		int u = open("/dev/urandom", O_RDONLY);

		if (u < 0 || read(u, &seed, sizeof(seed)) != sizeof(seed))
			seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		if (u >= 0)
			close(u);
	}
	/* Lines out as they happen (a pipe would buffer them, and fork() copy them). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* First thing out, so that any failure can be replayed. */
	printf("devfuzz: seed %" PRIu64 "\n", seed);
	fflush(stdout);

	self = "/proc/self/exe";
	uname(&uts);
	host_pae = strstr(uts.release, "pae") != NULL;
	ng = getgroups(32, groups);
	printf("devfuzz: uid %d gid %d groups", (int)getuid(), (int)getgid());
	for (int i = 0; i < ng; i++)
		printf(" %d", (int)groups[i]);
	printf("; host %s (%s page tables)\n", uts.release, host_pae ? "PAE" : "2-level");
	if (!geteuid())
		printf("devfuzz: warning: running as root, not as a member of the device's group\n");
	if (!nguests) {
		DIR *d = opendir("/guests");
		struct dirent *de;
		char path[300];

		while (d && (de = readdir(d))) {
			size_t l = strlen(de->d_name);

			if (de->d_name[0] == '.' || (l > 2 && !strcmp(de->d_name + l - 2, ".o")))
				continue;
			snprintf(path, sizeof(path), "/guests/%s", de->d_name);
			if (!load_elf(strdup(path)) && verbose > 1)
				printf("devfuzz: guest %s\n", path);
		}
		if (d)
			closedir(d);
	}
	printf("devfuzz: %d guest ELFs, %.0f s, %d jobs%s\n", nguests, seconds, jobs,
	       iou_hard ? ", io_uring check hard" : "");

	fd = open(DEV, O_RDWR);
	if (fd < 0) {
		printf("devfuzz: cannot open %s: %s\n", DEV, strerror(errno));
		return 1;
	}
	close(fd);

	if (!budget_mb) {
		FILE *f = fopen("/proc/meminfo", "r");
		char line[128];
		unsigned long kb = 0;

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
				break;
		if (f)
			fclose(f);
		budget_mb = (uint32_t)(kb / 1024 / 4 / (unsigned)jobs);
		if (budget_mb < 8)
			budget_mb = 8;
	}
	mem_budget = budget_mb * MB;
	printf("devfuzz: guests of one episode touch at most %u MB\n", budget_mb);
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (S == MAP_FAILED)
		return 1;
	/* We reap everything our episodes leave behind. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	fflush(stdout);

	if (do_replay) {
		printf("devfuzz: replaying episode seed %" PRIu64 "\n", replay);
		verbose = verbose ? verbose : 1;
		supervise(3600, 1, replay, 1);
	} else {
		/*
		 * The io_uring check first, on its own: a hello guest, read by
		 * an io-wq worker.  lg.ko must answer EPERM.
		 */
		pid_t pid;

		rs = seed;
		S->last_iou_res = 1000;
		pid = fork();
		if (pid == 0) {
			struct ram r;
			int gfd;

			ep_ops = "iouring-check";
			rs = seed;
			plain = 1;
			gfd = new_guest(&r, "hello", 4 * MB);
			if (gfd < 0)
				_exit(3);
			iou_judge(iou_read(gfd, 5000, 1), "io_uring check");
			_exit(0);
		}
		if (pid > 0) {
			double t0 = now();

			while (waitpid(pid, NULL, WNOHANG) == 0) {
				if (now() - t0 > 40) {
					kill(pid, SIGKILL);
					if (now() - t0 > 70) {
						violation("hang: the io_uring check did not die after SIGKILL");
						proc_state(pid);
						break;
					}
				}
				sleep_ms(20);
			}
			long res = S->last_iou_res;

			printf("devfuzz: io_uring: a worker's read() of a guest returned %ld (%s)\n",
			       res, res == 1000 ? "not run: no hello guest, or INITIALIZE failed" :
			       res == 1 ? "io_uring unavailable" : res == 2 ? "did not complete in 5 s" :
			       res < 0 ? strerrorname_np((int)-res) : "an exit: the worker ran the guest");
			fflush(stdout);
		}
		if (!S->violations)
			supervise(seconds, jobs, seed, 0);
	}

	printf("devfuzz: summary (seed %" PRIu64 "):\n", seed);
	for (int i = 0; i < NOPS; i++)
		printf("devfuzz:   op %-10s %lu\n", ops[i].name, S->ops[i]);
	for (int i = 0; i < ST_NST; i++)
		printf("devfuzz:   %-34s %lu\n", st_name[i], S->st[i]);
	for (int i = 1; i < NERR; i++)
		if (S->err[i])
			printf("devfuzz:   errno %-15s %lu\n", strerrorname_np(i), S->err[i]);
	if (S->violations) {
		printf("devfuzz: FAIL: %lu violation(s); the first: %s\n", S->violations, S->first);
		printf("devfuzz: replay: devfuzz -s %" PRIu64 " (all), or -r EPISODE_SEED (one)\n", seed);
		return 2;
	}
	printf("devfuzz: PASS: the host survived; no request broke the ABI's promises\n");
	return 0;
}
