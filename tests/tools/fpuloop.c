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
#include "fpcheck.h"

static unsigned char ref[512] __attribute__((aligned(16)));
static unsigned char cur[512] __attribute__((aligned(16)));
static uint32_t pattern[32] __attribute__((aligned(16)));

int main(void)
{
	int bad = 0;

	srand((unsigned int)time(NULL) ^ 0x5a5a);
	for (int i = 0; i < 32; i++)
		pattern[i] = (uint32_t)rand() * 2654435761u;
	fp_load(pattern);
	fp_save(ref);
	for (int round = 0; round < 10000; round++) {
		sched_yield();
		fp_save(cur);
		if (!fp_same(ref, cur))
			bad++;
	}
	printf("%s - host x87 and SSE registers kept their pattern over 10000 rounds (%d bad)\n",
	       bad ? "not ok" : "ok", bad);
	return bad != 0;
}
