// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: console input into a buffer that reaches past guest memory
 * (the launcher would write it): the host refuses before the launcher
 * sees it.
 */
#include "guest.h"

void guest_main(void)
{
	puts("asking for console input at the end of our memory\n");
	hcall(LHCALL_CONSOLE_READ, boot_ecx - 16, 64, 0);
	poweroff("still alive after a bad console read");
}
