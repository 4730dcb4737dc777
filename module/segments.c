// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 210: The guest's GDT and IDT
 *
 * The guest's segments and interrupt table.
 *
 * The guest keeps its own GDT entries and IDT entries, loaded one at a time
 * by hypercall.  What the CPU uses while the guest runs is built from them
 * (x86/switcher.c), so everything the guest hands us is checked here: no
 * segment may grant ring 0 or reach the Switcher, no gate may lead
 * anywhere but guest code, and the registers we "iret" into must be ones
 * the CPU accepts without faulting inside the Switcher.
 */
#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include "lg.h"

#define D_ACCESSED	(1u << 8)
#define D_CODE		(1u << 11)
#define D_CONFORM	(1u << 10)	/* code; for data: expand-down */
#define D_RW		(1u << 9)	/* code: readable; data: writable */
#define D_S		(1u << 12)
#define D_P		(1u << 15)
#define D_G		(1u << 23)

static u32 d_hi(u64 d)
{
	return d >> 32;
}

static u32 d_base(u64 d)
{
	u32 lo = d, hi = d >> 32;

	return (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000);
}

static u32 d_limit(u64 d)
{
	u32 lo = d, hi = d >> 32;
	u32 limit = (lo & 0xffff) | (hi & 0xf0000);

	return (hi & D_G) ? (limit << 12) | 0xfff : limit;
}

static unsigned int d_dpl(u64 d)
{
	return (d_hi(d) >> 13) & 3;
}

/* The guest's descriptor for a selector, or 0 if it has none. */
static u64 lg_desc_of(struct lguest *lg, u32 sel)
{
	unsigned int i = (sel & 0xffff) >> 3;

	if (sel & 4 || i == 0 || i >= LGUEST_GDT_ENTRIES || lg_host_gdt_slot(i))
		return 0;
	if (!(d_hi(lg->gdt[i]) & D_P))
		return 0;
	return lg->gdt[i];
}

u32 lg_segment_base(struct lguest *lg, u32 sel)
{
	return d_base(lg_desc_of(lg, sel));
}

/* Ring-1 code and data from 0 up to the Switcher: the boot segments. */
void lg_setup_guest_gdt(struct lguest *lg)
{
	u32 pages = (lg_sw.base >> PAGE_SHIFT) - 1;

	memset(lg->gdt, 0, sizeof(lg->gdt));
	lg->gdt[LGUEST_BOOT_CS >> 3] = lg_desc(0, pages, 0xc0bb);
	lg->gdt[LGUEST_BOOT_DS >> 3] = lg_desc(0, pages, 0xc0b3);
}

enum lg_verdict lg_load_gdt_entry(struct lguest *lg, u32 i, u32 lo, u32 hi)
{
	u64 d = ((u64)hi << 32) | lo;
	u64 end;

	if (i >= LGUEST_GDT_ENTRIES || i == 0 || lg_host_gdt_slot(i)) {
		lg_kill(lg, "GDT entry %u is not the guest's to load", i);
		return LG_KILLED;
	}
	if (!(hi & D_P)) {
		lg->gdt[i] = d;
		return LG_OK;
	}
	if (!(hi & D_S)) {
		lg_kill(lg, "GDT entry %u is a system descriptor (call gate, TSS or LDT), which a guest may not load",
			i);
		return LG_KILLED;
	}
	if (d_dpl(d) == 0 || d_dpl(d) == 2) {
		lg_kill(lg, "GDT entry %u has DPL %u; guest segments are DPL 1 (kernel) or 3 (user)",
			i, d_dpl(d));
		return LG_KILLED;
	}
	if (hi & D_CONFORM) {
		lg_kill(lg, "GDT entry %u is a %s segment, which a guest may not load",
			i, (hi & D_CODE) ? "conforming code" : "expand-down data");
		return LG_KILLED;
	}
	end = (u64)d_base(d) + d_limit(d);
	if (end >= lg_sw.base) {
		lg_kill(lg, "GDT entry %u (0x%08x-0x%08llx) covers the Switcher at 0x%08lx",
			i, d_base(d), end, lg_sw.base);
		return LG_KILLED;
	}
	/* Our copy of the GDT is read-only to the CPU while the guest runs. */
	lg->gdt[i] = d | ((u64)D_ACCESSED << 32);
	return LG_OK;
}

/* A ring-1 code segment of the guest's, for its trap handlers. */
bool lg_kernel_code(struct lguest *lg, u32 sel)
{
	u64 d = lg_desc_of(lg, sel);

	return (sel & 3) == 1 && (d_hi(d) & D_CODE) && d_dpl(d) == 1;
}

enum lg_verdict lg_load_idt_entry(struct lguest *lg, u32 vector, u32 lo,
				  u32 hi)
{
	u32 type = (hi >> 8) & 0x1f;
	u32 sel = lo >> 16;
	u32 offset = (hi & 0xffff0000) | (lo & 0xffff);

	if (vector >= 256) {
		lg_kill(lg, "IDT vector %u is out of range", vector);
		return LG_KILLED;
	}
	if (!(hi & D_P)) {
		lg->idt[vector] = 0;
		return LG_OK;
	}
	if (type != 0xE && type != 0xF) {
		lg_kill(lg, "IDT entry %u: type 0x%x is not a 32-bit interrupt or trap gate",
			vector, type);
		return LG_KILLED;
	}
	if (!lg_kernel_code(lg, sel)) {
		lg_kill(lg, "IDT entry %u: selector 0x%x is not a ring-1 code segment",
			vector, sel);
		return LG_KILLED;
	}
	if (offset >= lg_sw.base) {
		lg_kill(lg, "IDT entry %u: handler 0x%08x lies in the Switcher's pages",
			vector, offset);
		return LG_KILLED;
	}
	lg->idt[vector] = ((u64)hi << 32) | lo;
	return LG_OK;
}

bool lg_valid_stack_segment(struct lguest *lg, u32 sel, unsigned int rpl)
{
	u64 d = lg_desc_of(lg, sel);

	return (sel & 3) == rpl && d && !(d_hi(d) & D_CODE) &&
	       (d_hi(d) & D_RW) && d_dpl(d) == rpl;
}

/* A data segment register: null, or something the CPU will load. */
static u32 lg_fix_data_segment(struct lguest *lg, u32 sel, unsigned int cpl)
{
	u64 d = lg_desc_of(lg, sel);

	if (!d)
		return 0;
	if ((d_hi(d) & D_CODE) && !(d_hi(d) & D_RW))
		return 0;
	if (d_dpl(d) < max_t(unsigned int, cpl, sel & 3))
		return 0;
	return sel & 0xffff;
}

/*
 * Tour 390: Before every entry: registers the CPU accepts
 *
 * Just before every entry: the registers the Switcher pops and "iret"s
 * into must be valid, or the CPU would fault inside the Switcher.  A bad
 * code or stack segment kills the guest; a bad data segment becomes null,
 * as the CPU itself does on a return to an outer ring.
 */
bool lg_fixup_regs(struct lguest *lg)
{
	struct lguest_regs *r = &lg->regs;
	unsigned int cpl = r->cs & 3;
	u64 cs = lg_desc_of(lg, r->cs);

	if ((cpl != 1 && cpl != 3) || !(d_hi(cs) & D_CODE) ||
	    d_dpl(cs) != cpl) {
		lg_kill(lg, "code segment 0x%x is not a guest code segment", r->cs);
		return false;
	}
	if (r->eip > d_limit(cs)) {
		lg_kill(lg, "eip 0x%08x is beyond its code segment's limit", r->eip);
		return false;
	}
	if (!lg_valid_stack_segment(lg, r->ss, cpl)) {
		lg_kill(lg, "stack segment 0x%x is not a ring-%u data segment",
			r->ss, cpl);
		return false;
	}
	r->cs &= 0xffff;
	r->ss &= 0xffff;
	r->ds = lg_fix_data_segment(lg, r->ds, cpl);
	r->es = lg_fix_data_segment(lg, r->es, cpl);
	r->fs = lg_fix_data_segment(lg, r->fs, cpl);
	r->gs = lg_fix_data_segment(lg, r->gs, cpl);
	/* Never virtual-8086 mode, nested tasks, I/O privilege or cli. */
	r->eflags &= ~(X86_EFLAGS_VM | X86_EFLAGS_NT | X86_EFLAGS_IOPL |
		       X86_EFLAGS_VIF | X86_EFLAGS_VIP);
	r->eflags |= X86_EFLAGS_IF | X86_EFLAGS_FIXED;
	return true;
}
