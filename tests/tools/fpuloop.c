// SPDX-License-Identifier: GPL-2.0
/*
 * fpuloop: the fpu guest's check (tests/guests/fpu.c) as a host program:
 * our own x87/SSE pattern must survive 10^4 rounds of yielding the CPU to
 * guests doing the same.
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static unsigned char ref[512] __attribute__((aligned(16)));
static unsigned char cur[512] __attribute__((aligned(16)));
static uint32_t pattern[32] __attribute__((aligned(16)));

/* No memcmp(): glibc's own uses the SSE registers we are checking. */
static int same(void)
{
	for (int r = 0; r < 8; r++)
		for (int b = 0; b < 10; b++)
			if (ref[32 + 16 * r + b] != cur[32 + 16 * r + b])
				return 0;
	for (int i = 160; i < 288; i++)
		if (ref[i] != cur[i])
			return 0;
	return 1;
}

int main(void)
{
	uint32_t *p = pattern;
	int bad = 0;

	srand((unsigned int)time(NULL) ^ 0x5a5a);
	for (int i = 0; i < 32; i++)
		pattern[i] = (uint32_t)rand() * 2654435761u;
	__asm__ volatile("fninit\n\t"
			 ".rept 8\n\tfildl (%0)\n\taddl $4, %0\n\t.endr\n\t"
			 : "+r" (p) : : "memory");
	__asm__ volatile("movdqa 0(%0), %%xmm0\n\tmovdqa 16(%0), %%xmm1\n\t"
			 "movdqa 32(%0), %%xmm2\n\tmovdqa 48(%0), %%xmm3\n\t"
			 "movdqa 64(%0), %%xmm4\n\tmovdqa 80(%0), %%xmm5\n\t"
			 "movdqa 96(%0), %%xmm6\n\tmovdqa 112(%0), %%xmm7\n\t"
			 : : "r" (pattern) : "memory");
	__asm__ volatile("fxsave %0" : "=m" (ref));
	for (int round = 0; round < 10000; round++) {
		sched_yield();
		__asm__ volatile("fxsave %0" : "=m" (cur));
		if (!same())
			bad++;
	}
	printf("%s - host x87 and SSE registers kept their pattern over 10000 rounds (%d bad)\n",
	       bad ? "not ok" : "ok", bad);
	return bad != 0;
}
