// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the launcher as boot loader (launcher/boot.c): a vmlinux, an initrd
 * and a kernel command line in a guest of a given size, as lguest.c's
 * setup_boot_params() puts them together.  The input is four fields, each
 * ended by a NUL, then the vmlinux:
 *
 *   <mem>       as on the command line ("64m"), through parse_mem()
 *   <args>      the kernel arguments (any length: too long must be refused)
 *   <restarts>  LGUEST_RESTARTS; empty: not set
 *   <initrd>    the initrd's size in bytes, decimal; empty: no initrd
 *
 * Whatever is accepted must leave the kernel's bytes intact, the initrd in
 * RAM the memory map describes, and a well-formed boot_params page.
 */
#include "args.h"
#include "boot.h"
#include "elfload.h"
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include <asm/bootparam.h>

/* Larger initrds are placed but not read: reading costs a page a page. */
#define FUZZ_INITRD_READ_MAX (8u << 20)

/* Does [a, a + alen) meet [b, b + blen)? */
static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Segment i's bytes, unless a later segment was loaded over them. */
static void check_segment(const struct lg_image *img, unsigned int i,
			  const uint8_t *ram, const uint8_t *elf)
{
	const struct lg_segment *s = &img->seg[i];

	for (unsigned int j = 0; j < img->nseg; j++)
		if (j != i && overlap(s->paddr, s->memsz, img->seg[j].paddr,
				      img->seg[j].memsz))
			return;
	fuzz_assert(!memcmp(ram + s->paddr, elf + s->offset, s->filesz));
	for (uint32_t k = s->filesz; k < s->memsz; k++)
		fuzz_assert(ram[s->paddr + k] == 0);
}

static void check_initrd(const struct lg_image *img, uint64_t mem,
			 uint32_t gpa, uint64_t size)
{
	fuzz_assert(gpa % FUZZ_PAGE == 0);
	fuzz_assert((uint64_t)gpa + size <= mem);
	fuzz_assert((uint64_t)gpa + size <= INITRD_TOP_MAX);
	fuzz_assert(boot_clear_of_image(img, gpa, size));
	/* Clear of the boot_params page and command line... */
	fuzz_assert(!overlap(gpa, size, BOOT_PARAMS_GPA,
			     CMDLINE_GPA + CMDLINE_SIZE - BOOT_PARAMS_GPA));
	/* ...and in RAM by the memory map, not the hole below 1 MiB. */
	fuzz_assert((uint64_t)gpa + size <= LOW_RAM_END || gpa >= HIGH_RAM_START);
}

static void check_params(const uint8_t *ram, uint64_t mem, const char *args,
			 uint32_t initrd, uint32_t initrd_size)
{
	const struct boot_params *bp =
		(const struct boot_params *)(ram + BOOT_PARAMS_GPA);
	const char *cmdline = (const char *)ram + bp->hdr.cmd_line_ptr;
	size_t len;

	fuzz_assert(bp->hdr.cmd_line_ptr == CMDLINE_GPA);
	fuzz_assert(memchr(cmdline, '\0', CMDLINE_SIZE));
	len = strlen(cmdline);
	fuzz_assert(len <= bp->hdr.cmdline_size && len < GUEST_CMDLINE_MAX);
	fuzz_assert(!strncmp(cmdline, DEFAULT_CMDLINE, strlen(DEFAULT_CMDLINE)));
	fuzz_assert(strstr(cmdline, args));
	fuzz_assert(bp->hdr.hardware_subarch == 1);
	fuzz_assert(bp->hdr.ramdisk_image == initrd &&
		    bp->hdr.ramdisk_size == initrd_size);
	fuzz_assert(bp->e820_entries == 2);
	for (int i = 0; i < 2; i++)
		fuzz_assert(bp->e820_table[i].addr + bp->e820_table[i].size <= mem);
}

/* The next NUL-ended field of the input, or NULL when there is none. */
static const char *field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nul = memchr(*p, '\0', (size_t)(end - *p));
	const char *f = (const char *)*p;

	if (!nul)
		return NULL;
	*p = nul + 1;
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	const char *memstr, *args, *restarts, *initrd_str;
	uint32_t initrd = 0, initrd_size = 0;
	uint64_t mem, isize = 0;
	struct lg_image img;
	char err[512];
	uint8_t *ram;
	int kfd;

	if (!(memstr = field(&p, end)) || !(args = field(&p, end)) ||
	    !(restarts = field(&p, end)) || !(initrd_str = field(&p, end)))
		return 0;
	if (parse_mem(memstr, &mem, err, sizeof(err)))
		return 0;
	if (initrd_str[0]) {
		char *e;

		isize = strtoull(initrd_str, &e, 10);
		if (*e)
			return 0;
	}

	kfd = fuzz_memfd("vmlinux", p, (size_t)(end - p));
	if (elf_check_fd(kfd, "vmlinux", mem, &img, err, sizeof(err))) {
		close(kfd);
		return 0;
	}
	ram = fuzz_ram_map(mem);
	for (unsigned int i = 0; i < img.nseg; i++)
		fuzz_assert(!boot_load_segment(kfd, "vmlinux", &img, i, ram, mem,
					       err, sizeof(err)));
	close(kfd);
	if (!boot_params_fit(mem, &img))
		goto out;

	if (initrd_str[0] &&
	    !boot_place_initrd("initrd", mem, &img, isize, &initrd, err, sizeof(err))) {
		check_initrd(&img, mem, initrd, isize);
		if (isize <= FUZZ_INITRD_READ_MAX) {
			/* A sparse file, marked at both ends to see it land. */
			int ifd = fuzz_memfd("initrd", (const uint8_t *)"<", 1);
			uint32_t at = 0;

			fuzz_assert(ftruncate(ifd, (off_t)isize) == 0);
			if (isize > 1)
				fuzz_assert(pwrite(ifd, ">", 1, (off_t)isize - 1) == 1);
			lseek(ifd, 0, SEEK_SET);
			fuzz_assert(!boot_load_initrd(ifd, "initrd", ram, mem, &img,
						      &at, &initrd_size, err,
						      sizeof(err)));
			fuzz_assert(at == initrd && initrd_size == isize);
			if (isize)
				fuzz_assert(ram[at] == '<');
			if (isize > 1)
				fuzz_assert(ram[at + isize - 1] == '>');
			close(ifd);
		} else {
			initrd_size = (uint32_t)isize;
		}
	}

	if (!boot_write_params(ram, mem, NULL, args, restarts[0] ? restarts : NULL,
			       initrd, initrd_size, err, sizeof(err)))
		check_params(ram, mem, args, initrd, initrd_size);
	else
		fuzz_assert(!strncmp(err, "the kernel command line would be ", 33) &&
			    strlen(DEFAULT_CMDLINE) + (args[0] ? 1 + strlen(args) : 0) +
			    (restarts[0] ? 17 + strlen(restarts) : 0) >= GUEST_CMDLINE_MAX);
	for (unsigned int i = 0; i < img.nseg; i++)
		check_segment(&img, i, ram, p);
out:
	fuzz_ram_unmap(ram, mem);
	return 0;
}
