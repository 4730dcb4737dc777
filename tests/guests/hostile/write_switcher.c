// SPDX-License-Identifier: GPL-2.0
/* hostile: write to the Switcher's pages, page by page from its base. */
#include "guest.h"

void guest_main(void)
{
	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	puts("writing to the Switcher's pages\n");
	for (u32 a = lguest_data.switcher_base; a >= lguest_data.switcher_base; a += 4096)
		*(volatile u32 *)a = 0xdeadbeef;
	poweroff("still alive after writing over the Switcher");
}
