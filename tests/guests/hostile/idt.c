// SPDX-License-Identifier: GPL-2.0
/* hostile: an IDT entry whose handler lies in the Switcher's pages. */
#include "guest.h"

void guest_main(void)
{
	u32 h = boot_ebx + 0x10;

	puts("loading an IDT entry pointing into the Switcher\n");
	hcall(LHCALL_LOAD_IDT_ENTRY, 14, idt_gate_lo(h), idt_gate_hi(h));
	poweroff("still alive after a bad IDT entry");
}
