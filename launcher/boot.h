/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 70: Playing boot loader
 *
 * Playing boot loader for the guest: loading the vmlinux segments, placing
 * the initrd and writing the boot_params page into guest memory.  Pure
 * functions (no exit(), no printing) so they can be fuzzed; errors come
 * back as -1 with a one-line reason in err, as in elfload.h.
 */
#ifndef LGUEST_BOOT_H
#define LGUEST_BOOT_H

#include "elfload.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Where the boot protocol's pieces go in guest-physical memory: below the
 * 1 MiB the kernel never allocates early, and away from the kernel image
 * (which a vmlinux links at 16 MiB).
 */
#define BOOT_PARAMS_GPA	0x90000u
#define CMDLINE_GPA	0x91000u
#define CMDLINE_SIZE	0x1000u
/* What a 6.1 x86 guest keeps of it (COMMAND_LINE_SIZE), its NUL included. */
#define GUEST_CMDLINE_MAX	2048u
/* The guest kernel's console is the lguest console (hvc0). */
#define DEFAULT_CMDLINE	"console=hvc0"
/* Keep the initrd in memory every 32-bit kernel maps (lowmem). */
#define INITRD_TOP_MAX	(512u << 20)
/* The PC's hole below 1 MiB: not RAM in the memory map we give. */
#define LOW_RAM_END	0xa0000u
#define HIGH_RAM_START	0x100000u

/* Does [gpa, gpa + len) miss every segment of the image? */
bool boot_clear_of_image(const struct lg_image *img, uint64_t gpa,
			 uint64_t len);

/*
 * boot_load_segment: read segment i of img (checked by elf_check_fd for a
 * guest of mem bytes) from fd into the guest's RAM at ram.  The part past
 * filesz is left alone: fresh anonymous memory is already zero.
 */
int boot_load_segment(int fd, const char *name, const struct lg_image *img,
		      unsigned int i, uint8_t *ram, uint64_t mem, char *err,
		      size_t errlen);

/*
 * boot_params_fit: can a guest of mem bytes running img have the
 * boot_params page and command line at BOOT_PARAMS_GPA/CMDLINE_GPA?  A
 * guest that is not Linux may use that memory itself.
 */
bool boot_params_fit(uint64_t mem, const struct lg_image *img);

/*
 * boot_place_initrd: where an initrd of size bytes goes, near the top of
 * (low) guest memory and clear of the kernel and the boot pages, as a boot
 * loader would put it.  Returns 0 and the guest-physical address in *gpa,
 * or -1 with a reason naming the initrd (name) in err.
 */
int boot_place_initrd(const char *name, uint64_t mem,
		      const struct lg_image *img, uint64_t size, uint32_t *gpa,
		      char *err, size_t errlen);

/*
 * boot_load_initrd: place (as above) and read the initrd open on fd into
 * the guest's RAM.  Returns 0 with its address and size, or -1 and err.
 */
int boot_load_initrd(int fd, const char *name, uint8_t *ram, uint64_t mem,
		     const struct lg_image *img, uint32_t *gpa, uint32_t *size,
		     char *err, size_t errlen);

/*
 * boot_write_params: write the command line (DEFAULT_CMDLINE, then devices
 * if not NULL or empty, then args, then lguest.restarts=<restarts> if
 * restarts is not NULL), which must fit GUEST_CMDLINE_MAX, and the
 * boot_params page for a guest of mem bytes whose initrd, if any, is at
 * initrd.  boot_params_fit() must have said yes.  Returns 0, or -1 and err.
 */
int boot_write_params(uint8_t *ram, uint64_t mem, const char *devices,
		      const char *args, const char *restarts, uint32_t initrd,
		      uint32_t initrd_size, char *err, size_t errlen);

#endif
