// SPDX-License-Identifier: GPL-2.0
/* hostile: an unknown hypercall number. */
#include "guest.h"

void guest_main(void)
{
	puts("calling hypercall 999\n");
	hcall(999, 1, 2, 3);
	poweroff("still alive after an unknown hypercall");
}
