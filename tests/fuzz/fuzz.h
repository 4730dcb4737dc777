/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the launcher's libFuzzer harnesses: files the launcher
 * reads come from memfds, and guest RAM is a mapping fenced by
 * inaccessible pages, so a write past either end crashes at once rather
 * than corrupting the harness (ASan does not watch mmap()ed memory).
 */
#ifndef LGUEST_FUZZ_H
#define LGUEST_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_PAGE 4096u

/* A crash libFuzzer keeps, with the broken rule on stderr. */
#define fuzz_assert(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/* A memfd holding data, as the launcher would have a file open. */
static inline int fuzz_memfd(const char *name, const uint8_t *data,
			     size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	size_t done = 0;

	fuzz_assert(fd >= 0);
	while (done < size) {
		ssize_t r = write(fd, data + done, size - done);

		fuzz_assert(r > 0);
		done += (size_t)r;
	}
	return fd;
}

/*
 * Guest RAM of mem bytes, zeroed like the launcher's anonymous mapping,
 * with a PROT_NONE page on each side.  MAP_NORESERVE: a 2 GiB guest costs
 * only the pages actually written.
 */
static inline uint8_t *fuzz_ram_map(uint64_t mem)
{
	uint8_t *p = mmap(NULL, mem + 2 * FUZZ_PAGE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	fuzz_assert(p != MAP_FAILED);
	fuzz_assert(mprotect(p + FUZZ_PAGE, mem, PROT_READ | PROT_WRITE) == 0);
	return p + FUZZ_PAGE;
}

static inline void fuzz_ram_unmap(uint8_t *ram, uint64_t mem)
{
	munmap(ram - FUZZ_PAGE, mem + 2 * FUZZ_PAGE);
}

#endif
