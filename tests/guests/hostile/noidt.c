// SPDX-License-Identifier: GPL-2.0
/* hostile: a fault with no IDT loaded. */
#include "guest.h"

void guest_main(void)
{
	puts("faulting with no IDT\n");
	asm volatile("ud2");
	poweroff("still alive after an unhandled fault");
}
