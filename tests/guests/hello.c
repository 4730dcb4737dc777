// SPDX-License-Identifier: GPL-2.0
/* hello: the smallest guest: print, power off, the launcher exits 0. */
#include "guest.h"

void guest_main(void)
{
	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0, 0);
	printf("hello from a guest in ring 1 (ABI %u, %u MiB, Switcher at 0x%x)\n",
	       boot_edx, boot_ecx >> 20, boot_ebx);
	poweroff("hello is done");
}
