// SPDX-License-Identifier: GPL-2.0
/* hostile: fill the async hypercall ring with garbage and flush it. */
#include "guest.h"

void guest_main(void)
{
	lg_init();
	srand32(99);
	puts("queueing 64 random hypercalls\n");
	for (int i = 0; i < LHCALL_RING_SIZE; i++) {
		lguest_data.hcalls[i].call = rand32() | 0x100;
		lguest_data.hcalls[i].arg1 = rand32();
		lguest_data.hcalls[i].arg2 = rand32();
		lguest_data.hcalls[i].arg3 = rand32();
		lguest_data.hcall_status[i] = 0;
	}
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	poweroff("still alive after a ring of garbage");
}
