// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 365: A device access, one instruction decoded
 *
 * A guest's virtio-mmio window is never mapped in its shadow page tables,
 * so every access to it faults into the host.  The host cannot let the
 * access happen, so it works out what it was: which register, how wide,
 * in which direction, and how long the instruction is so that the guest
 * can go on after it.
 *
 * Only what Linux's readb/w/l() and writeb/w/l() compile to is accepted:
 * a "mov" between a general register and memory (88, 89, 8A, 8B with any
 * 32-bit ModRM/SIB form, 66 for the 16-bit ones), or the short forms
 * through %al/%ax/%eax with an absolute address (A0-A3), which gas picks
 * for a constant address.  Anything else (another opcode, another prefix,
 * a register-to-register mov, a truncated fetch) is refused, and the
 * caller kills the guest showing the bytes: an emulator that knows fewer
 * instructions has fewer bugs for a hostile guest to find.
 */
#include "mmio_insn.h"

/* How long a ModRM operand (ModRM byte, SIB, displacement) is, or 0. */
static unsigned int lg_modrm_len(const u8 *p, unsigned int avail)
{
	unsigned int mod, rm, len = 1;

	if (avail < 1)
		return 0;
	mod = p[0] >> 6;
	rm = p[0] & 7;
	if (mod == 3)		/* a register, not memory: cannot fault here */
		return 0;
	if (rm == 4) {		/* a SIB byte follows */
		if (avail < 2)
			return 0;
		len++;
		if (mod == 0 && (p[1] & 7) == 5)	/* no base: disp32 */
			len += 4;
	} else if (mod == 0 && rm == 5) {	/* disp32 alone */
		len += 4;
	}
	if (mod == 1)
		len += 1;
	else if (mod == 2)
		len += 4;
	return len <= avail ? len : 0;
}

bool lg_mmio_decode(const u8 *code, unsigned int avail, struct lg_mmio_insn *in)
{
	unsigned int i = 0, n;
	bool wide16 = false;
	u8 op;

	if (avail > LG_INSN_MAX)
		avail = LG_INSN_MAX;
	if (i < avail && code[i] == 0x66) {
		wide16 = true;
		i++;
	}
	if (i >= avail)
		return false;
	op = code[i++];
	if (op < 0x88 || (op > 0x8b && op < 0xa0) || op > 0xa3)
		return false;
	/* Odd opcodes are the full-width ones; 66 on a byte mov is noise. */
	if (!(op & 1) && wide16)
		return false;
	in->size = !(op & 1) ? 1 : wide16 ? 2 : 4;

	if (op >= 0xa0) {	/* moffs32: %al/%ax/%eax and an address */
		in->write = op >= 0xa2;
		in->reg = 0;
		in->high8 = false;
		n = 4;
		if (avail - i < n)
			return false;
	} else {
		in->write = op <= 0x89;
		in->reg = (code[i] >> 3) & 7;
		in->high8 = false;
		if (in->size == 1 && in->reg >= 4) {
			in->reg -= 4;
			in->high8 = true;
		}
		n = lg_modrm_len(code + i, avail - i);
		if (!n)
			return false;
	}
	in->len = i + n;
	return true;
}

/* What a write puts on the bus, taken from the whole 32-bit register. */
u32 lg_mmio_reg_value(const struct lg_mmio_insn *in, u32 reg)
{
	if (in->size == 1)
		return (reg >> (in->high8 ? 8 : 0)) & 0xff;
	if (in->size == 2)
		return reg & 0xffff;
	return reg;
}

/* The register after a read of val: narrow moves keep the other bits. */
u32 lg_mmio_reg_merge(const struct lg_mmio_insn *in, u32 reg, u32 val)
{
	unsigned int shift = in->high8 ? 8 : 0;
	u32 mask;

	if (in->size == 4)
		return val;
	mask = (in->size == 1 ? 0xffu : 0xffffu) << shift;
	return (reg & ~mask) | ((val << shift) & mask);
}
