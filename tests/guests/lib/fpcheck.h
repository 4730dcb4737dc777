/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FPU isolation check shared by the fpu guest and the host's fpuloop:
 * load x87 and SSE registers from a pattern, and compare two fxsave images
 * register by register.  Plain loops, no library calls: a libc memcmp may
 * itself use the SSE registers being checked.
 */
#ifndef FPCHECK_H
#define FPCHECK_H

#include <stdint.h>

/* st0-7 from the first 8 words, xmm0-7 from all 32 (16-byte aligned). */
static inline void fp_load(uint32_t *pattern)
{
	uint32_t *p = pattern;

	__asm__ volatile("fninit\n\t"
			 ".rept 8\n\tfildl (%0)\n\taddl $4, %0\n\t.endr\n\t"
			 : "+r" (p) : : "memory");
	__asm__ volatile("movdqa 0(%0), %%xmm0\n\tmovdqa 16(%0), %%xmm1\n\t"
			 "movdqa 32(%0), %%xmm2\n\tmovdqa 48(%0), %%xmm3\n\t"
			 "movdqa 64(%0), %%xmm4\n\tmovdqa 80(%0), %%xmm5\n\t"
			 "movdqa 96(%0), %%xmm6\n\tmovdqa 112(%0), %%xmm7\n\t"
			 : : "r" (pattern) : "memory");
}

static inline void fp_save(unsigned char *img)
{
	__asm__ volatile("fxsave %0" : "=m" (*(unsigned char (*)[512])img));
}

/* st0-7 at 32..159 (10 bytes used of each 16), xmm0-7 at 160..287. */
static inline int fp_same(const unsigned char *a, const unsigned char *b)
{
	for (int r = 0; r < 8; r++)
		for (int i = 0; i < 10; i++)
			if (a[32 + 16 * r + i] != b[32 + 16 * r + i])
				return 0;
	for (int i = 160; i < 288; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

#endif
