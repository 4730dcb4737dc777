// SPDX-License-Identifier: GPL-2.0
/*
 * bench: what a trip out of the guest costs, in TSC cycles: a hypercall
 * the host answers by itself, and one that goes all the way to the
 * launcher and back.
 */
#include "guest.h"

#define N 20000

void guest_main(void)
{
	static const char space = ' ';
	u64 t0, t1, t2;

	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0, 0);
	t0 = rdtsc();
	for (int i = 0; i < N; i++)
		hcall(LHCALL_CONSOLE_WRITE, 0, 0, 0, 0);
	t1 = rdtsc();
	for (int i = 0; i < N / 10; i++)
		hcall(LHCALL_CONSOLE_WRITE, (u32)&space, 1, 0, 0);
	t2 = rdtsc();
	printf("\nbench: hypercall round trip: %llu cycles\n", (t1 - t0) / N);
	printf("bench: guest-to-launcher round trip: %llu cycles\n", (t2 - t1) / (N / 10));
	poweroff("bench done");
}
