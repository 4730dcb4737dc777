// SPDX-License-Identifier: GPL-2.0
/*
 * speedloop: the speed guest's loop (tests/guests/speed.c), run natively
 * on the host, timed the same way.
 */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	uint32_t n = 100000000, lo0, hi0, lo1, hi1;

	__asm__ volatile("rdtsc" : "=a" (lo0), "=d" (hi0));
	__asm__ volatile("1: decl %0\n\tjnz 1b" : "+r" (n) : : "cc");
	__asm__ volatile("rdtsc" : "=a" (lo1), "=d" (hi1));
	printf("speed: native loop of 100000000 iterations took %llu cycles\n",
	       (((unsigned long long)hi1 << 32) | lo1) -
	       (((unsigned long long)hi0 << 32) | lo0));
	return 0;
}
