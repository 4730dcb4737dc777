/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the mmio test guest and its launcher (tests/tools/mmiolaunch.c)
 * agree on: where the guest maps the device window, what a read of each
 * address returns, and what the guest writes there.
 */
#ifndef MMIO_PATTERN_H
#define MMIO_PATTERN_H

#define MMIO_WINDOW	0xd0000000u	/* guest-physical, two pages */
#define MMIO_PAGES	2u
#define MMIO_VA		0x50000000u	/* where the guest maps it */
#define MMIO_COUNT	0xff0u		/* offset: the guest writes how many accesses it made */

static inline unsigned int mmio_pattern(unsigned int gpa, unsigned int size)
{
	unsigned int v = (gpa * 2654435761u) ^ 0x5a5a5a5au;

	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}
#endif
