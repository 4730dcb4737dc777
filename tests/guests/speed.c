// SPDX-License-Identifier: GPL-2.0
/*
 * speed: 10^8 iterations of a register-only loop, timed with rdtsc.  The
 * rig runs the same loop natively (tests/tools/speedloop.c) and compares:
 * a guest on the CPU is about as fast; an interpreted one would not be.
 */
#include "guest.h"

void guest_main(void)
{
	u32 n = 100000000;
	u64 t0, t1;

	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	t0 = rdtsc();
	asm volatile("1: decl %0\n\tjnz 1b" : "+r" (n) : : "cc");
	t1 = rdtsc();
	printf("speed: guest loop of 100000000 iterations took %llu cycles\n", t1 - t0);
	poweroff("speed done");
}
