// SPDX-License-Identifier: GPL-2.0
/*
 * fpu: fill the x87 and SSE registers with a pattern of our own, then for
 * 10^4 rounds go out to the launcher (so the host can schedule other
 * guests and programs that do the same with their patterns) and check
 * every register still holds ours.
 */
#include "guest.h"

static unsigned char ref[512] __attribute__((aligned(16)));
static unsigned char cur[512] __attribute__((aligned(16)));
static u32 pattern[8 * 4] __attribute__((aligned(16)));

static int same(void)
{
	/* st0-7 at 32..159 (10 bytes used of each 16), xmm0-7 at 160..287 */
	for (int r = 0; r < 8; r++)
		for (int b = 0; b < 10; b++)
			if (ref[32 + 16 * r + b] != cur[32 + 16 * r + b])
				return 0;
	for (int i = 160; i < 288; i++)
		if (ref[i] != cur[i])
			return 0;
	return 1;
}

void guest_main(void)
{
	static const char zero;
	u32 seed = (u32)rdtsc() | 1, bad = 0;

	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0, 0);
	srand32(seed);
	for (unsigned int i = 0; i < ARRAY_SIZE(pattern); i++)
		pattern[i] = rand32();
	{
		u32 *p = pattern;

		asm volatile("fninit\n\t"
			     ".rept 8\n\tfildl (%0)\n\taddl $4, %0\n\t.endr\n\t"
			     : "+r" (p) : : "memory");
	}
	asm volatile("movdqa 0(%0), %%xmm0\n\tmovdqa 16(%0), %%xmm1\n\t"
		     "movdqa 32(%0), %%xmm2\n\tmovdqa 48(%0), %%xmm3\n\t"
		     "movdqa 64(%0), %%xmm4\n\tmovdqa 80(%0), %%xmm5\n\t"
		     "movdqa 96(%0), %%xmm6\n\tmovdqa 112(%0), %%xmm7\n\t"
		     : : "r" (pattern) : "memory");
	asm volatile("fxsave %0" : "=m" (ref));
	for (int round = 0; round < 10000; round++) {
		hcall(LHCALL_CONSOLE_WRITE, (u32)&zero, 1, 0, 0);
		asm volatile("fxsave %0" : "=m" (cur));
		if (!same())
			bad++;
	}
	printf("\n");
	ok(bad == 0, "x87 and SSE registers kept our pattern over 10000 rounds (%u bad)", bad);
	finish();
}
