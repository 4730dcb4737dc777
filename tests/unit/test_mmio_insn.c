// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the MMIO decoder (module/x86/mmio_insn.c), built in user
 * space: each case is an instruction the assembler encoded
 * (tests/unit/mmio-cases.sh) with what the decoder must make of it.
 * Every accepted form must decode to its exact length, size, direction
 * and register, and be refused when cut short by any number of bytes;
 * every other instruction must be refused.  Prints TAP for prove.
 */
#include "mmio_insn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct mmio_case {
	const u8 *code;
	u32 len, accept, size, write, reg, high8;
};

#include "tap.h"

extern const struct mmio_case mmio_cases[], mmio_cases_end[];


static const char *hex(const u8 *p, unsigned int len)
{
	static char buf[3 * LG_INSN_MAX + 1];
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < len && i < LG_INSN_MAX; i++)
		sprintf(buf + 3 * i, "%s%02x", i ? " " : "", p[i]);
	return buf;
}

int main(void)
{
	unsigned int accepted = 0, refused = 0, bad_accept = 0, bad_refuse = 0, bad_short = 0;
	const struct mmio_case *c;
	struct lg_mmio_insn in;
	u8 buf[2 * LG_INSN_MAX];

	for (c = mmio_cases; c < mmio_cases_end; c++) {
		/* What follows an instruction must not change its decoding. */
		memset(buf, 0x8b, sizeof(buf));
		memcpy(buf, c->code, c->len);
		memset(&in, 0xa5, sizeof(in));
		if (!c->accept) {
			if (lg_mmio_decode(buf, sizeof(buf), &in)) {
				printf("# accepted what it must refuse: %s\n", hex(c->code, c->len));
				bad_refuse++;
			}
			refused++;
			continue;
		}
		accepted++;
		if (!lg_mmio_decode(buf, sizeof(buf), &in) || in.len != c->len ||
		    in.size != c->size || in.write != !!c->write ||
		    in.reg != c->reg || in.high8 != !!c->high8) {
			printf("# %s: want len %u size %u write %u reg %u high8 %u, got len %u size %u write %d reg %u high8 %d\n",
			       hex(c->code, c->len), c->len, c->size, c->write, c->reg, c->high8,
			       in.len, in.size, in.write, in.reg, in.high8);
			bad_accept++;
			continue;
		}
		/* Fetched short by one byte or more: refused, never read beyond. */
		for (unsigned int avail = 0; avail < c->len; avail++) {
			if (lg_mmio_decode(c->code, avail, &in)) {
				printf("# %s: accepted with only %u bytes\n", hex(c->code, c->len), avail);
				bad_short++;
				break;
			}
		}
	}
	ok(accepted > 1000 && !bad_accept,
	   "every accepted form (%u: mov with each register and addressing form) decodes exactly", accepted);
	ok(accepted && !bad_short, "each is refused when the fetch is cut short");
	ok(refused > 40 && !bad_refuse, "every other instruction (%u) is refused", refused);

	/* The register side: narrow moves touch only their own bits. */
	in = (struct lg_mmio_insn){ .size = 1, .reg = 0, .high8 = true };
	ok(lg_mmio_reg_value(&in, 0x11223344) == 0x33 &&
	   lg_mmio_reg_merge(&in, 0x11223344, 0xabcd) == 0x1122cd44,
	   "byte in bits 8-15 (%%ah): value and merge");
	in.high8 = false;
	ok(lg_mmio_reg_value(&in, 0x11223344) == 0x44 &&
	   lg_mmio_reg_merge(&in, 0x11223344, 0xabcd) == 0x112233cd,
	   "byte in bits 0-7 (%%al): value and merge");
	in.size = 2;
	ok(lg_mmio_reg_value(&in, 0x11223344) == 0x3344 &&
	   lg_mmio_reg_merge(&in, 0x11223344, 0xffffabcd) == 0x1122abcd,
	   "word (%%ax): value and merge");
	in.size = 4;
	ok(lg_mmio_reg_value(&in, 0x11223344) == 0x11223344 &&
	   lg_mmio_reg_merge(&in, 0x11223344, 0xdeadbeef) == 0xdeadbeef,
	   "long (%%eax): value and merge");

	return tap_done();
}
