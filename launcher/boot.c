// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 80: The boot_params page
 *
 * The launcher as boot loader.  A Linux guest finds what a boot loader
 * would give it at %esi: a boot_params page (the x86 boot protocol's "zero
 * page") with the memory map, the command line and the initrd, and
 * hardware_subarch set to X86_SUBARCH_LGUEST so it takes the lguest way in.
 *
 * Everything here works on a plain buffer standing for guest RAM and
 * reports errors rather than exiting, so the fuzzers (tests/fuzz/) can
 * drive it with hostile images, initrds and command lines.
 */
#include "boot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asm/bootparam.h>

bool boot_clear_of_image(const struct lg_image *img, uint64_t gpa,
			 uint64_t len)
{
	for (unsigned int i = 0; i < img->nseg; i++)
		if (gpa < (uint64_t)img->seg[i].paddr + img->seg[i].memsz &&
		    img->seg[i].paddr < gpa + len)
			return false;
	return true;
}

int boot_load_segment(int fd, const char *name, const struct lg_image *img,
		      unsigned int i, uint8_t *ram, uint64_t mem, char *err,
		      size_t errlen)
{
	const struct lg_segment *s = &img->seg[i];
	size_t done = 0;

	/*
	 * elf_check_fd() has refused such a segment already; checked again
	 * because a mistake here writes outside the guest, into us.
	 */
	if (s->filesz > s->memsz || (uint64_t)s->paddr + s->memsz > mem) {
		snprintf(err, errlen, "%s: segment %u lies outside the guest's memory",
			 name, i);
		return -1;
	}
	while (done < s->filesz) {
		ssize_t r = pread(fd, ram + s->paddr + done, s->filesz - done,
				  (off_t)s->offset + (off_t)done);

		if (r <= 0) {
			snprintf(err, errlen, "%s: reading segment %u: %s", name, i,
				 r ? strerror(errno) : "unexpected end of file");
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

bool boot_params_fit(uint64_t mem, const struct lg_image *img)
{
	return mem >= CMDLINE_GPA + CMDLINE_SIZE &&
	       boot_clear_of_image(img, BOOT_PARAMS_GPA,
				   CMDLINE_GPA + CMDLINE_SIZE - BOOT_PARAMS_GPA);
}

int boot_place_initrd(const char *name, uint64_t mem,
		      const struct lg_image *img, uint64_t size, uint32_t *gpa,
		      char *err, size_t errlen)
{
	uint64_t top = mem < INITRD_TOP_MAX ? mem : INITRD_TOP_MAX, at;

	if (size > top) {
		snprintf(err, errlen, "initrd %s (%lld bytes) does not fit in the guest's memory",
			 name, (long long)size);
		return -1;
	}
	/*
	 * Only above 1 MiB: below, it would run into the PC's hole, which
	 * the memory map we give says is not RAM (a 1 MiB guest put it at
	 * 0xc0000).  That also keeps it off the boot_params and command line.
	 */
	at = (top - size) & ~0xfffULL;
	if (at < HIGH_RAM_START || !boot_clear_of_image(img, at, size)) {
		snprintf(err, errlen, "initrd %s (%lld bytes) does not fit in the guest's memory beside the kernel: give the guest more memory",
			 name, (long long)size);
		return -1;
	}
	*gpa = (uint32_t)at;
	return 0;
}

int boot_load_initrd(int fd, const char *name, uint8_t *ram, uint64_t mem,
		     const struct lg_image *img, uint32_t *gpa, uint32_t *size,
		     char *err, size_t errlen)
{
	struct stat st;
	size_t done = 0;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot open initrd %s: %s", name,
			 strerror(errno));
		return -1;
	}
	if (boot_place_initrd(name, mem, img, (uint64_t)st.st_size, gpa, err,
			      errlen))
		return -1;
	while (done < (size_t)st.st_size) {
		ssize_t r = read(fd, ram + *gpa + done, (size_t)st.st_size - done);

		if (r <= 0) {
			snprintf(err, errlen, "%s: reading the initrd: %s", name,
				 r ? strerror(errno) : "unexpected end of file");
			return -1;
		}
		done += (size_t)r;
	}
	*size = (uint32_t)st.st_size;
	return 0;
}

int boot_write_params(uint8_t *ram, uint64_t mem, const char *devices,
		      const char *args, const char *restarts, uint32_t initrd,
		      uint32_t initrd_size, char *err, size_t errlen)
{
	struct boot_params *bp = (struct boot_params *)(ram + BOOT_PARAMS_GPA);
	char *cmdline = (char *)ram + CMDLINE_GPA;
	int n;

	if (!devices)
		devices = "";
	/* Whole, or not at all: the guest would cut it without a word. */
	n = snprintf(cmdline, CMDLINE_SIZE, "%s%s%s%s%s%s%s", DEFAULT_CMDLINE,
		     devices[0] ? " " : "", devices, args[0] ? " " : "", args,
		     restarts ? " lguest.restarts=" : "", restarts ? restarts : "");
	if (n < 0 || n >= (int)GUEST_CMDLINE_MAX) {
		snprintf(err, errlen, "the kernel command line would be %d bytes, more than the %u a guest takes: shorten the kernel arguments",
			 n, GUEST_CMDLINE_MAX - 1);
		return -1;
	}

	memset(bp, 0, sizeof(*bp));
	bp->hdr.boot_flag = 0xAA55;
	bp->hdr.header = 0x53726448;		/* "HdrS" */
	bp->hdr.version = 0x020f;
	bp->hdr.type_of_loader = 0xff;		/* a loader with no id */
	bp->hdr.loadflags = LOADED_HIGH;
	bp->hdr.hardware_subarch = 1;		/* X86_SUBARCH_LGUEST */
	bp->hdr.cmd_line_ptr = CMDLINE_GPA;
	bp->hdr.cmdline_size = GUEST_CMDLINE_MAX - 1;
	bp->hdr.ramdisk_image = initrd;
	bp->hdr.ramdisk_size = initrd_size;
	/*
	 * Guest memory is RAM but for the PC's hole below 1 MiB (Linux
	 * ignores a one-entry map as bogus, so it gets the usual two).
	 */
	bp->e820_entries = 2;
	bp->e820_table[0].addr = 0;
	bp->e820_table[0].size = LOW_RAM_END;
	bp->e820_table[0].type = 1;		/* E820_TYPE_RAM */
	bp->e820_table[1].addr = HIGH_RAM_START;
	bp->e820_table[1].size = mem - HIGH_RAM_START;
	bp->e820_table[1].type = 1;
	return 0;
}
