// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 366: A device access goes to the launcher
 *
 * The guest's devices live in the launcher (virtio-mmio, one page each in
 * the window LHREQ_INITIALIZE declared).  A guest access there faulted
 * and the walker found the window (Tour 360): fetch the instruction,
 * decode it (Tour 365), and stop with LGUEST_EXIT_MMIO.  A write is done
 * once the launcher has its value, so the guest steps past it at once; a
 * read waits for LHREQ_MMIO_DONE to bring the value into its register.
 *
 * Only the guest kernel may touch devices, with the instructions its
 * readl()/writel() compile to, within one page of the window: anything
 * else kills the guest, showing what it ran.
 */
#define pr_fmt(fmt) "lguest: " fmt
#include <linux/kernel.h>
#include "lg.h"

/* The general register numbered as x86 encodes it (eax ecx edx ebx ...). */
static u32 *lg_gpr(struct lguest_regs *r, unsigned int n)
{
	switch (n) {
	case 0: return &r->eax;
	case 1: return &r->ecx;
	case 2: return &r->edx;
	case 3: return &r->ebx;
	case 4: return &r->esp;
	case 5: return &r->ebp;
	case 6: return &r->esi;
	default: return &r->edi;
	}
}

/*
 * Up to LG_INSN_MAX bytes of the guest kernel's code at eip, through its
 * page tables, stopping where they stop: how many we got.
 */
static unsigned int lg_fetch(struct lguest *lg, u32 eip, u8 *buf)
{
	unsigned int got = 0, n;
	u32 gpa;

	while (got < LG_INSN_MAX) {
		if (lg_gva_to_gpa(lg, eip + got, 16, &gpa) != LG_OK)
			break;
		n = min_t(unsigned int, LG_INSN_MAX - got,
			  PAGE_SIZE - ((eip + got) & ~PAGE_MASK));
		if (!lg_read_guest(lg, gpa, buf + got, n))
			break;
		got += n;
	}
	return got;
}

void lg_mmio_access(struct lguest *lg, u32 vaddr, u32 gpa)
{
	struct lguest_regs *r = &lg->regs;
	u8 code[LG_INSN_MAX];
	struct lg_mmio_insn in;
	unsigned int got;
	u32 eip;

	if ((r->cs & 3) != 1) {
		lg_kill(lg, "device access at 0x%08x from ring %u (eip 0x%08x): only the guest kernel may touch devices",
			gpa, r->cs & 3, r->eip);
		return;
	}
	eip = lg_segment_base(lg, r->cs) + r->eip;
	got = lg_fetch(lg, eip, code);
	if (lg->dead)
		return;
	if (!lg_mmio_decode(code, got, &in)) {
		lg_kill(lg, "device access at 0x%08x by an instruction lguest does not emulate (eip 0x%08x: %*ph)",
			gpa, r->eip, got, code);
		return;
	}
	/* One access, within one device's page: vaddr's page is gpa's. */
	if ((vaddr & ~PAGE_MASK) + in.size > PAGE_SIZE) {
		lg_kill(lg, "device access at 0x%08x of %u bytes crosses a page (eip 0x%08x)",
			gpa, in.size, r->eip);
		return;
	}
	lg->exit->reason = LGUEST_EXIT_MMIO;
	lg->exit->len = 0;
	lg->exit->arg[0] = gpa;
	lg->exit->arg[1] = in.size;
	lg->exit->arg[2] = in.write;
	if (in.write) {
		lg->exit->arg[3] = lg_mmio_reg_value(&in, *lg_gpr(r, in.reg));
		r->eip += in.len;
		lg->nr_mmio_write++;
	} else {
		lg->exit->arg[3] = 0;
		lg->mmio = in;
		lg->mmio_pending = true;
		lg->nr_mmio_read++;
	}
	lg->exit_ready = true;
}

/* LHREQ_MMIO_DONE: the value of the read the guest waits in. */
int lg_mmio_done(struct lguest *lg, u32 value)
{
	u32 *reg;

	if (!lg->mmio_pending)
		return -EINVAL;
	reg = lg_gpr(&lg->regs, lg->mmio.reg);
	*reg = lg_mmio_reg_merge(&lg->mmio, *reg, value);
	lg->regs.eip += lg->mmio.len;
	lg->mmio_pending = false;
	return 0;
}
