// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: a GDT entry the host must refuse, chosen by the variant this
 * file is built as: DPL 0, covering the Switcher, or a call gate.
 */
#include "guest.h"

void guest_main(void)
{
#if defined(GDT_DPL0)
	/* Ring-0 data, base 0, 16 MiB: would give ring 0 to the guest. */
	u32 lo = 0x00000fff, hi = 0x00c09300;
#elif defined(GDT_SWITCHER)
	/* Ring-1 data, flat 4 GiB: reaches the Switcher's pages. */
	u32 lo = 0x0000ffff, hi = 0x00cfb300;
#else
	/* A ring-1 call gate to 0x00100000 through our code segment. */
	u32 lo = ((u32)LGUEST_BOOT_CS << 16) | 0x0000, hi = 0x0010ac00;
#endif
	puts("loading a GDT entry the host must refuse\n");
	hcall(LHCALL_LOAD_GDT_ENTRY, 20, lo, hi);
	poweroff("still alive after a bad GDT entry");
}
