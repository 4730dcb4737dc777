// SPDX-License-Identifier: GPL-2.0
/*
 * fpu: fill the x87 and SSE registers with a pattern of our own, then for
 * 10^4 rounds go out to the launcher (so the host can schedule other
 * guests and programs that do the same with their patterns) and check
 * every register still holds ours.
 */
#include "guest.h"
#include "fpcheck.h"

static unsigned char ref[512] __attribute__((aligned(16)));
static unsigned char cur[512] __attribute__((aligned(16)));
static u32 pattern[8 * 4] __attribute__((aligned(16)));

void guest_main(void)
{
	static const char zero;
	u32 bad = 0;

	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	srand32((u32)rdtsc() | 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(pattern); i++)
		pattern[i] = rand32();
	fp_load(pattern);
	fp_save(ref);
	for (int round = 0; round < 10000; round++) {
		hcall(LHCALL_CONSOLE_WRITE, (u32)&zero, 1, 0);
		fp_save(cur);
		if (!fp_same(ref, cur))
			bad++;
	}
	printf("\n");
	ok(bad == 0, "x87 and SSE registers kept our pattern over 10000 rounds (%u bad)", bad);
	finish();
}
