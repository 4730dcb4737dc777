// SPDX-License-Identifier: GPL-2.0
/* hostile: an IDT entry whose handler lies outside guest memory. */
#include "guest.h"

void guest_main(void)
{
	u32 h = boot_ecx + 0x100000;

	puts("loading an IDT entry pointing past our memory\n");
	hcall(LHCALL_LOAD_IDT_ENTRY, 14, idt_gate_lo(h), idt_gate_hi(h), 0);
	poweroff("still alive after a bad IDT entry");
}
