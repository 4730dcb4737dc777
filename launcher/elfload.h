/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 50: Reading the vmlinux
 *
 * Reading and checking the guest's vmlinux (ELF32, i386) with libelf.
 */
#ifndef LGUEST_ELFLOAD_H
#define LGUEST_ELFLOAD_H

#include <stddef.h>
#include <stdint.h>

#define LG_MAX_SEGMENTS 16

struct lg_segment {
	uint32_t offset;	/* in the file */
	uint32_t paddr;		/* guest-physical load address */
	uint32_t filesz;
	uint32_t memsz;		/* the rest up to memsz is zeroed */
};

struct lg_image {
	uint32_t entry;		/* e_entry, as the ELF says */
	unsigned int paging;	/* from the guest's lguest note: 2, 3 or 0 (none) */
	unsigned int nseg;
	struct lg_segment seg[LG_MAX_SEGMENTS];
};

/*
 * elf_check_fd: decide whether the ELF open on fd can be booted in a guest
 * with mem bytes of RAM, and describe its loadable segments in *img.
 * Returns 0, or -1 with a one-line reason (naming the file) in err.
 */
int elf_check_fd(int fd, const char *name, uint64_t mem, struct lg_image *img,
		 char *err, size_t errlen);

/* elf_check_file: the same, opening path itself. */
int elf_check_file(const char *path, uint64_t mem, struct lg_image *img,
		   char *err, size_t errlen);

#endif
