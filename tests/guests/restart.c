// SPDX-License-Identifier: GPL-2.0
/* restart: ask for a restart; the launcher exits with its own status. */
#include "guest.h"

void guest_main(void)
{
	puts("asking for a restart\n");
	hcall(LHCALL_SHUTDOWN, (u32)"restart please", LGUEST_SHUTDOWN_RESTART, 0);
	poweroff("still alive after asking for a restart");
}
