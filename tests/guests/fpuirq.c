// SPDX-License-Identifier: GPL-2.0
/*
 * fpuirq: our own x87/SSE pattern must survive 10^5 trips out to the host
 * and back (a hypercall that does nothing) while the host's lgprobe module
 * (tests/kmod/) uses the FPU from a timer interrupt every few
 * microseconds.  lg.ko once reloaded our registers before turning
 * interrupts off: such an interrupt in between left its own values in them
 * for us to run on (review item 5).
 */
#include "guest.h"
#include "fpcheck.h"

#define ROUNDS 100000
/* lgprobe's marker, "LGPB" in every word. */
#define MARK 0x4250474cu

static unsigned char ref[512] __attribute__((aligned(16)));
static unsigned char cur[512] __attribute__((aligned(16)));
static u32 pattern[8 * 4] __attribute__((aligned(16)));

void guest_main(void)
{
	u32 bad = 0, marked = 0, first = 0;

	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	srand32((u32)rdtsc() | 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(pattern); i++)
		pattern[i] = rand32() | 1;
	fp_load(pattern);
	fp_save(ref);
	for (u32 round = 1; round <= ROUNDS; round++) {
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
		fp_save(cur);
		if (fp_same(ref, cur))
			continue;
		if (!bad++)
			first = round;
		/* xmm0's first word: whose values are these? */
		if (*(u32 *)(cur + 160) == MARK)
			marked++;
		/* Ours again, to count each intrusion once. */
		fp_load(pattern);
	}
	ok(bad == 0,
	   "x87 and SSE registers kept our pattern over %u hypercalls beside FPU-using host interrupts (%u bad, %u with the host's marker, first at %u)",
	   ROUNDS, bad, marked, first);
	finish();
}
