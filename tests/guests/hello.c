// SPDX-License-Identifier: GPL-2.0
/* hello: the smallest guest: print, power off, the launcher exits 0. */
#include "guest.h"

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#ifdef NOTE_PAGING
/* Say which page tables we use (docs/ABI.md): the launcher tells the host. */
asm(".pushsection .note.lguest, \"a\", @note\n\t"
    ".balign 4\n\t"
    ".long 7, 4, 1\n\t"
    ".asciz \"lguest\"\n\t"
    ".balign 4\n\t"
    ".long " __stringify(NOTE_PAGING) "\n\t"
    ".popsection");
#endif

void guest_main(void)
{
	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	printf("hello from a guest in ring 1 (ABI %u, %u MiB, Switcher at 0x%x)\n",
	       boot_edx, boot_ecx >> 20, boot_ebx);
	poweroff("hello is done");
}
