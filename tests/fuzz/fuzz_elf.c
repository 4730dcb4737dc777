// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the launcher's vmlinux check (launcher/elfload.c) and, for images it
 * accepts, the loading of their segments into guest RAM (launcher/boot.c).
 * The input is the file.  What the check accepts must load without error
 * and without a byte outside the guest's memory.
 */
#include "boot.h"
#include "elfload.h"
#include "fuzz.h"

#include <string.h>

/* Small enough to reach the top of guest memory from a 16-bit offset. */
#define FUZZ_MEM (32ULL << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_image img;
	char err[512];
	uint8_t *ram;
	int fd = fuzz_memfd("vmlinux", data, size);

	memset(err, 0, sizeof(err));
	if (elf_check_fd(fd, "vmlinux", FUZZ_MEM, &img, err, sizeof(err))) {
		fuzz_assert(err[0] != '\0');
		close(fd);
		return 0;
	}
	fuzz_assert(img.nseg >= 1 && img.nseg <= LG_MAX_SEGMENTS);
	fuzz_assert(img.paging == 0 || img.paging == 2 || img.paging == 3);
	for (unsigned int i = 0; i < img.nseg; i++) {
		const struct lg_segment *s = &img.seg[i];

		fuzz_assert(s->filesz <= s->memsz && s->memsz);
		fuzz_assert((uint64_t)s->paddr + s->memsz <= FUZZ_MEM);
		fuzz_assert((uint64_t)s->offset + s->filesz <= size);
	}

	ram = fuzz_ram_map(FUZZ_MEM);
	for (unsigned int i = 0; i < img.nseg; i++) {
		int r = boot_load_segment(fd, "vmlinux", &img, i, ram, FUZZ_MEM,
					  err, sizeof(err));

		if (r)
			fprintf(stderr, "accepted image failed to load: %s\n", err);
		fuzz_assert(r == 0);
	}
	/* The last segment loaded is intact whatever it overlaps. */
	{
		const struct lg_segment *s = &img.seg[img.nseg - 1];

		fuzz_assert(!memcmp(ram + s->paddr, data + s->offset, s->filesz));
	}
	fuzz_ram_unmap(ram, FUZZ_MEM);
	close(fd);
	return 0;
}
