// SPDX-License-Identifier: GPL-2.0
/* hostile: jump into the Switcher's pages. */
#include "guest.h"

void guest_main(void)
{
	void (*f)(void);

	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	puts("jumping into the Switcher\n");
	f = (void (*)(void))lguest_data.switcher_base;
	f();
	poweroff("still alive after jumping into the Switcher");
}
