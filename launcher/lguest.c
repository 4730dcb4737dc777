// SPDX-License-Identifier: GPL-2.0
/*
 * lguest: the launcher.
 *
 * A guest's life starts here.  We check the command line and the guest's
 * vmlinux, give the guest memory out of our own address space, load the
 * kernel into it and hand it to the host module through /dev/lguest.
 *
 * Exit status (also in --help and docs/launcher.md):
 *   0  the guest powered off cleanly
 *   1  the guest could not be started (bad arguments, bad vmlinux or
 *      initrd, /dev/lguest missing or refused us)
 *   2  the guest asked to restart
 *   3  the guest was killed; the reason is printed
 */
#include "args.h"
#include "elfload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lguest_abi.h>

/* The tests build a launcher that claims another ABI (lguest-wrongabi). */
#ifndef LG_ABI_SENT
#define LG_ABI_SENT LGUEST_ABI_VERSION
#endif

#ifndef LGUEST_VERSION
#define LGUEST_VERSION "0.1"
#endif

enum {
	EXIT_POWEROFF = 0,
	EXIT_SETUP = 1,
	EXIT_RESTART = 2,
	EXIT_KILLED = 3,
};

static int verbose;

static _Noreturn void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fputs("lguest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_SETUP);
}

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	fputs("lguest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: lguest [options] <mem> <vmlinux> [kernel args...]\n"
		"Run <vmlinux> (an uncompressed 32-bit lguest guest kernel) as a\n"
		"guest with <mem> of RAM: 64m, 512M, 1g or a plain number of MiB.\n"
		"\n"
		"Options:\n"
		"  -i, --initrd=FILE  give the guest FILE as its initial ramdisk\n"
		"  -v, --verbose      say what the launcher does\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version and ABI\n"
		"\n"
		"Exit status: 0 guest powered off, 1 guest could not be started,\n"
		"2 guest asked to restart, 3 guest was killed (reason printed).\n");
}

/* Map the guest's RAM: it is simply part of our address space. */
static uint8_t *map_guest_memory(uint64_t mem)
{
	void *p = mmap(NULL, (size_t)mem, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		fail("cannot map %llu MiB of guest memory: %s",
		     (unsigned long long)(mem >> 20), strerror(errno));
	return p;
}

static void load_segments(int fd, const char *name, const struct lg_image *img,
			  uint8_t *ram)
{
	for (unsigned int i = 0; i < img->nseg; i++) {
		const struct lg_segment *s = &img->seg[i];
		size_t done = 0;

		while (done < s->filesz) {
			ssize_t r = pread(fd, ram + s->paddr + done,
					  s->filesz - done, s->offset + done);
			if (r <= 0)
				fail("%s: reading segment %u: %s", name, i,
				     r ? strerror(errno) : "unexpected end of file");
			done += (size_t)r;
		}
		/* Anonymous memory is already zero beyond filesz. */
		note("loaded %s segment %u at guest-physical 0x%08x (%u bytes)",
		     name, i, s->paddr, s->memsz);
	}
}

static int open_lguest(void)
{
	const char *dev = "/dev/" LGUEST_DEVICE_NAME;
	int fd = open(dev, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
		fail("%s does not exist: the lg module is not loaded (try 'modprobe lg')", dev);
	case ENXIO:
	case ENODEV:
		fail("%s has no driver behind it: the lg module is not loaded (try 'modprobe lg')", dev);
	case EACCES:
	case EPERM:
		fail("permission denied opening %s: run as root or as a member of its group (ls -l %s)",
		     dev, dev);
	default:
		fail("cannot open %s: %s", dev, strerror(errno));
	}
}

/* Hand the guest to the host module: LHREQ_INITIALIZE. */
static void init_guest(int lfd, uint8_t *ram, uint64_t mem, uint32_t entry,
		       unsigned int paging)
{
	struct lguest_init init = {
		.req = LHREQ_INITIALIZE,
		.abi_version = LG_ABI_SENT,
		.mem_base = (uint32_t)(uintptr_t)ram,
		.mem_size = (uint32_t)mem,
		.entry = entry,
		.flags = paging == 3 ? LGUEST_INIT_PAE :
			 paging == 2 ? LGUEST_INIT_NOPAE : 0,
	};

	if (entry >= mem)
		fail("entry point 0x%08x is outside the guest's memory", entry);
	if (write(lfd, &init, sizeof(init)) == (ssize_t)sizeof(init))
		return;
	if (errno == ENOEXEC)
		fail("this guest uses %s page tables and this host's kernel does not: run it on a%s host kernel",
		     paging == 3 ? "PAE" : "2-level (non-PAE)",
		     paging == 3 ? " -pae" : " non-PAE");
	if (errno == EPROTO)
		fail("lg.ko speaks a different ABI than this launcher (ABI %d): install matching versions",
		     LG_ABI_SENT);
	fail("/dev/%s refused to create the guest (LHREQ_INITIALIZE): %s",
	     LGUEST_DEVICE_NAME, strerror(errno));
}

/*
 * The guest runs inside read(); each return is something for us to do.
 * Returns our exit status.
 */
static int run_guest(int lfd)
{
	static union {
		struct lguest_exit exit;
		char buf[LGUEST_EXIT_MAX + 1];
	} u;
	struct lguest_exit *e = &u.exit;

	for (;;) {
		ssize_t r = read(lfd, u.buf, LGUEST_EXIT_MAX);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			fail("running the guest failed: %s", strerror(errno));
		}
		if ((size_t)r < sizeof(*e) || e->len > LGUEST_CONSOLE_MAX ||
		    (size_t)r != sizeof(*e) + e->len)
			fail("lg.ko returned a malformed exit (%zd bytes)", r);
		e->data[e->len] = '\0';
		switch (e->reason) {
		case LGUEST_EXIT_CONSOLE:
			if (fwrite(e->data, 1, e->len, stdout) != e->len)
				fail("cannot write the guest's console output: %s",
				     strerror(errno));
			fflush(stdout);
			break;
		case LGUEST_EXIT_SHUTDOWN:
			fflush(stdout);
			if (e->arg[0] == LGUEST_SHUTDOWN_RESTART) {
				fprintf(stderr, "lguest: guest asked to restart: %s\n",
					e->data);
				return EXIT_RESTART;
			}
			note("guest powered off: %s", e->data);
			return EXIT_POWEROFF;
		case LGUEST_EXIT_KILLED:
			fflush(stdout);
			fprintf(stderr, "lguest: guest killed: %s\n", e->data);
			return EXIT_KILLED;
		default:
			fail("lg.ko returned an unknown exit reason %u", e->reason);
		}
	}
}

int main(int argc, char *argv[])
{
	struct lg_args a;
	struct lg_image img;
	char err[512];
	uint8_t *ram;
	int kfd, lfd;

	if (parse_args(argc, argv, &a, err, sizeof(err))) {
		fprintf(stderr, "lguest: %s\nTry 'lguest --help'.\n", err);
		return EXIT_SETUP;
	}
	if (a.help) {
		usage(stdout);
		return 0;
	}
	if (a.version) {
		printf("lguest %s (ABI %d)\n", LGUEST_VERSION, LGUEST_ABI_VERSION);
		return 0;
	}
	verbose = a.verbose;

	kfd = open(a.vmlinux, O_RDONLY | O_CLOEXEC);
	if (kfd < 0)
		fail("cannot open %s: %s", a.vmlinux, strerror(errno));
	if (elf_check_fd(kfd, a.vmlinux, a.mem, &img, err, sizeof(err)))
		fail("%s", err);
	note("%s: %u loadable segment(s), entry 0x%08x", a.vmlinux, img.nseg,
	     img.entry);

	if (a.initrd) {
		struct stat st;
		int ifd = open(a.initrd, O_RDONLY | O_CLOEXEC);

		if (ifd < 0 || fstat(ifd, &st) != 0)
			fail("cannot open initrd %s: %s", a.initrd, strerror(errno));
		if (!S_ISREG(st.st_mode))
			fail("initrd %s is not a regular file", a.initrd);
		if ((uint64_t)st.st_size >= a.mem / 2)
			fail("initrd %s (%lld bytes) does not fit in half of the guest's memory",
			     a.initrd, (long long)st.st_size);
		close(ifd);
	}

	/* Only now the host: every check above works without lg.ko. */
	lfd = open_lguest();

	ram = map_guest_memory(a.mem);
	load_segments(kfd, a.vmlinux, &img, ram);
	close(kfd);

	init_guest(lfd, ram, a.mem, img.entry, img.paging);
	return run_guest(lfd);
}
