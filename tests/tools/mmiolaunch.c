// SPDX-License-Identifier: GPL-2.0
/*
 * mmiolaunch MEM_MB GUEST: a bare-bones launcher with a device window for
 * the mmio test guests (tests/guests/mmio.c).  It answers every read with
 * mmio_pattern() of its address and checks that every write carries that
 * value; the guest's last write is how many accesses it made, which must
 * be how many we saw.  Along the way it checks what /dev/lguest promises
 * about the window: INITIALIZE refuses windows that overlap RAM, are not
 * whole pages or are too big; read() is EBUSY while a read waits for its
 * value; LHREQ_MMIO_DONE with none waiting is EINVAL; debugfs counts the
 * accesses (while the guest lives).
 * Exits 0 when all held and the guest powered off, 3 when it was killed
 * (the reason on stdout), 1 otherwise.
 */
#include "elfload.h"
#include "mmio_pattern.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <lguest_abi.h>

static int bad;

static void __attribute__((format(printf, 2, 3))) check(int cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return;
	printf("mmiolaunch: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	bad++;
}

/* INITIALIZE with this window must fail with EINVAL. */
static void refused(struct lguest_init init, uint32_t base, uint32_t size, const char *what)
{
	int fd = open("/dev/lguest", O_RDWR);

	init.mmio_base = base;
	init.mmio_size = size;
	errno = 0;
	check(fd >= 0 && write(fd, &init, sizeof(init)) < 0 && errno == EINVAL,
	      "a window %s (0x%x+0x%x) was not refused with EINVAL", what, base, size);
	close(fd);
}

/*
 * lg.ko's counters for this guest (debugfs, lguest_user.c): the value of
 * "name", or -1 if there is no such file or line.
 */
static long debugfs_count(const char *name)
{
	char pattern[128], line[128];
	long v = -1;
	glob_t g;
	FILE *f;

	snprintf(pattern, sizeof(pattern), "/sys/kernel/debug/lguest/%d-*/exits", (int)getpid());
	if (glob(pattern, 0, NULL, &g) || g.gl_pathc != 1) {
		globfree(&g);
		return -1;
	}
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)) && line[strlen(name)] == ' ')
			v = strtol(line + strlen(name) + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static int done(int fd, uint32_t value)
{
	uint32_t req[2] = { LHREQ_MMIO_DONE, value };

	return write(fd, req, sizeof(req)) == sizeof(req) ? 0 : -errno;
}

int main(int argc, char *argv[])
{
	static union {
		struct lguest_exit e;
		char buf[LGUEST_EXIT_MAX];
	} u;
	struct lguest_init init = { .req = LHREQ_INITIALIZE,
				    .abi_version = LGUEST_ABI_VERSION };
	unsigned long reads = 0, writes = 0, counted = ~0ul;
	struct lg_image img;
	char err[256];
	uint64_t mem;
	uint8_t *ram;
	int fd, lfd, r0;

	if (argc != 3) {
		fprintf(stderr, "usage: mmiolaunch MEM_MB GUEST\n");
		return 1;
	}
	mem = strtoull(argv[1], NULL, 10) << 20;
	if (elf_check_file(argv[2], mem, &img, err, sizeof(err))) {
		fprintf(stderr, "mmiolaunch: %s\n", err);
		return 1;
	}
	ram = mmap(NULL, mem, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open(argv[2], O_RDONLY);
	if (ram == MAP_FAILED || fd < 0)
		return 1;
	for (unsigned int i = 0; i < img.nseg; i++)
		if (pread(fd, ram + img.seg[i].paddr, img.seg[i].filesz,
			  img.seg[i].offset) != (ssize_t)img.seg[i].filesz)
			return 1;
	init.mem_base = (uint32_t)(uintptr_t)ram;
	init.mem_size = (uint32_t)mem;
	init.entry = img.entry;

	refused(init, (uint32_t)mem - 4096, 8192, "overlapping RAM");
	refused(init, MMIO_WINDOW + 1, 4096, "not page aligned");
	refused(init, MMIO_WINDOW, 100, "not whole pages");
	refused(init, MMIO_WINDOW, LGUEST_MMIO_MAX + 4096, "bigger than LGUEST_MMIO_MAX");
	refused(init, 0xfffff000u, 8192, "past 4 GiB");
	refused(init, MMIO_WINDOW, 0, "of no size at an address");

	init.mmio_base = MMIO_WINDOW;
	init.mmio_size = MMIO_PAGES * 4096;
	lfd = open("/dev/lguest", O_RDWR);
	if (lfd < 0 || write(lfd, &init, sizeof(init)) != sizeof(init)) {
		perror("mmiolaunch: /dev/lguest");
		return 1;
	}
	r0 = done(lfd, 0);
	check(r0 == -EINVAL, "LHREQ_MMIO_DONE with no read waiting gave %d, not -EINVAL", r0);
	for (;;) {
		ssize_t r = read(lfd, u.buf, sizeof(u.buf));
		uint32_t gpa = u.e.arg[0], size = u.e.arg[1];

		if (r < 0 && errno == EINTR)
			continue;
		if (r < (ssize_t)sizeof(u.e)) {
			perror("mmiolaunch: read");
			return 1;
		}
		switch (u.e.reason) {
		case LGUEST_EXIT_CONSOLE:
			fwrite(u.e.data, 1, u.e.len, stdout);
			fflush(stdout);
			break;
		case LGUEST_EXIT_MMIO:
			check(gpa >= MMIO_WINDOW && gpa < MMIO_WINDOW + MMIO_PAGES * 4096 &&
			      (size == 1 || size == 2 || size == 4) && u.e.arg[2] <= 1,
			      "an exit outside the window: 0x%x, size %u", gpa, size);
			if (u.e.arg[2] && gpa == MMIO_WINDOW + MMIO_COUNT) {
				long r = debugfs_count("mmio_reads"), w = debugfs_count("mmio_writes");

				counted = u.e.arg[3];
				/* The guest is alive: lg.ko's counters show it, this write too. */
				check(r == (long)reads && w == (long)writes + 1,
				      "debugfs counts %ld reads and %ld writes, we saw %lu and %lu",
				      r, w, reads, writes + 1);
				printf("mmiolaunch: debugfs counts %ld device reads, %ld writes\n", r, w);
			} else if (u.e.arg[2]) {
				writes++;
				check(u.e.arg[3] == mmio_pattern(gpa, size),
				      "the write to 0x%x carried 0x%x", gpa, u.e.arg[3]);
			} else {
				reads++;
				if (reads == 1) {
					errno = 0;
					ssize_t r2 = read(lfd, u.buf, sizeof(u.buf));

					check(r2 < 0 && errno == EBUSY,
					      "read() with a read waiting gave %zd (%s), not EBUSY",
					      r2, strerror(errno));
				}
				r0 = done(lfd, mmio_pattern(gpa, size));
				check(r0 == 0, "LHREQ_MMIO_DONE for 0x%x failed (%d)", gpa, r0);
			}
			break;
		case LGUEST_EXIT_SHUTDOWN:
			check(counted == reads + writes,
			      "the guest made %lu accesses, we saw %lu", counted, reads + writes);
			printf("mmiolaunch: %lu reads, %lu writes%s\n", reads, writes,
			       bad ? "" : ", each as expected");
			return bad ? 1 : 0;
		case LGUEST_EXIT_KILLED:
			printf("mmiolaunch: guest killed: %.*s\n", (int)u.e.len, u.e.data);
			return bad ? 1 : 3;
		default:
			printf("mmiolaunch: unknown exit %u\n", u.e.reason);
			return 1;
		}
	}
}
