/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one instruction a guest's device access faulted on, decoded
 * (mmio_insn.c).  A leaf: it includes nothing of the tree, so the decoder
 * is also built in user space and tested against the assembler
 * (tests/unit/test_mmio_insn.c).
 */
#ifndef LG_MMIO_INSN_H
#define LG_MMIO_INSN_H

#include <linux/types.h>

/* The longest x86 instruction; the decoder never needs more. */
#define LG_INSN_MAX	15

struct lg_mmio_insn {
	unsigned int len;	/* bytes, prefix included */
	unsigned int size;	/* of the access: 1, 2 or 4 */
	bool write;		/* register to device (else device to register) */
	unsigned int reg;	/* general register, in x86 order (eax ecx edx ebx esp ebp esi edi) */
	bool high8;		/* the byte is bits 8-15 of reg (%ah %ch %dh %bh) */
};

bool lg_mmio_decode(const u8 *code, unsigned int avail, struct lg_mmio_insn *in);
u32 lg_mmio_reg_value(const struct lg_mmio_insn *in, u32 reg);
u32 lg_mmio_reg_merge(const struct lg_mmio_insn *in, u32 reg, u32 val);

#endif
