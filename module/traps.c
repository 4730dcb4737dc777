// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 370: Traps that are the guest's own
 *
 * Traps the guest takes itself: when the run loop (run.c) finds that a
 * trap was the guest's own doing, it goes to the guest's handler, pushed
 * onto its stack the way the CPU would.  A page fault on guest RAM we have
 * not mapped yet is ours, not the guest's.  A guest that cannot take its
 * trap (no handler, no usable stack) or that reaches for the Switcher is
 * killed, with a reason for the launcher.
 */
#define pr_fmt(fmt) "lguest: " fmt
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/uaccess.h>
#include <asm/irq_vectors.h>
#include <asm/processor-flags.h>
#include "lg.h"

/*
 * The eflags the guest sees: the real ones with its virtual interrupt
 * flag in place of the real one (always on).  Delivering through an
 * interrupt gate turns its flag off.
 */
u32 lg_guest_eflags(struct lguest *lg, bool clear_if)
{
	u32 flags = lg->regs.eflags & ~X86_EFLAGS_IF, enabled = 0;

	u32 off = 0;

	if (lg_data_read(lg, irq_enabled, &enabled))
		flags |= enabled & X86_EFLAGS_IF;
	if (clear_if)
		lg_data_write(lg, irq_enabled, &off);
	return flags;
}

static const char * const lg_trap_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check",
	"machine check", "SIMD error", "virtualization", "control protection",
};

static const char *lg_trap_name(unsigned int vector)
{
	if (vector < ARRAY_SIZE(lg_trap_names) && lg_trap_names[vector])
		return lg_trap_names[vector];
	return "interrupt";
}

/*
 * Deliver a trap to the guest's own handler: push what the CPU would have
 * pushed (the stack switch from ring 3 included) and point the guest at
 * the handler from its IDT.  The stack is a guest virtual address,
 * translated through the guest's page tables.
 */
bool lg_deliver_trap(struct lguest *lg, unsigned int vector, bool has_err)
{
	struct lguest_regs *r = &lg->regs;
	u64 gate = vector < 256 ? lg->idt[vector] : 0;
	u32 frame[6], ss, esp, linear;
	unsigned int n = 0, i;

	if (!gate) {
		lg_kill(lg, "unhandled trap %u (%s) at eip 0x%08x, error code 0x%x: no IDT entry for it",
			vector, lg_trap_name(vector), r->eip, r->errcode);
		return false;
	}
	if (has_err)
		frame[n++] = r->errcode;
	frame[n++] = r->eip;
	frame[n++] = r->cs;
	/* An interrupt gate (type 0xE) turns the virtual interrupts off. */
	frame[n++] = lg_guest_eflags(lg, ((gate >> 40) & 0xf) == 0xE);
	if ((r->cs & 3) == 3) {
		if (!lg->ss1) {
			lg_kill(lg, "trap %u from ring 3, but no kernel stack was set (LHCALL_SET_STACK)",
				vector);
			return false;
		}
		frame[n++] = r->esp;
		frame[n++] = r->ss;
		ss = lg->ss1;
		esp = lg->esp1;
	} else {
		ss = r->ss;
		esp = r->esp;
	}
	esp -= n * 4;
	linear = lg_segment_base(lg, ss) + esp;
	/* Word by word: the frame may straddle two pages. */
	for (i = 0; i < n; i++) {
		u32 gpa;

		if (lg_gva_to_gpa(lg, linear + 4 * i, 2, &gpa) != LG_OK ||
		    !lg_write_guest(lg, gpa, &frame[i], 4)) {
			lg_kill(lg, "cannot deliver trap %u (%s): its stack at 0x%08x is not in guest memory",
				vector, lg_trap_name(vector), linear);
			return false;
		}
	}
	r->ss = ss;
	r->esp = esp;
	r->cs = (gate >> 16) & 0xffff;
	r->eip = ((gate >> 32) & 0xffff0000) | (gate & 0xffff);
	r->eflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF);
	/* Its handler may touch user pages under the host's SMAP. */
	if (lg_under_host_cr4(lg))
		r->eflags |= X86_EFLAGS_AC;
	return true;
}

/*
 * Tour 375: System calls without us
 *
 * A system call from the guest's user programs is "int $0x80", and
 * reflecting it (above) costs two world switches.  When the guest's gate
 * for it is a trap gate, the CPU itself can take it from ring 3 to the
 * guest's ring-1 handler, on the kernel stack LHCALL_SET_STACK named
 * (the TSS's ss1:esp1), without leaving the guest.  A trap gate leaves
 * the real interrupt flag on, so host interrupts still stop the guest;
 * the guest's handler turns its virtual flag off in its first
 * instruction, inside its no-interrupt window.  The CPU checks the gate,
 * the segments and the stack as it would for any kernel: what it cannot
 * survive is a fault while pushing the frame, so the stack must be
 * writable in the shadow now.  This gate, or 0 to have the system call
 * come to us as any trap does (where a bad stack kills the guest with a
 * reason).  Checked before every entry: the guest may have changed its
 * GDT, its stack or its page tables since.
 */
u64 lg_direct_syscall_gate(struct lguest *lg)
{
	u64 gate = lg->idt[IA32_SYSCALL_VECTOR];
	u32 hi = gate >> 32, lo = gate;

	if (!gate || ((hi >> 8) & 0x1f) != 0xF || ((hi >> 13) & 3) != 3)
		return 0;
	if (!lg_kernel_code(lg, lo >> 16) || !lg->ss1 ||
	    !lg_valid_stack_segment(lg, lg->ss1, 1))
		return 0;
	/* ss, esp, eflags, cs and eip: five words below esp1. */
	lg->syscall_stack = lg_segment_base(lg, lg->ss1) + lg->esp1;
	if (!lg_shadow_writable(lg, lg->syscall_stack - 20, 20, false))
		return 0;
	return gate;
}

/*
 * Tour 377: Page faults without us
 *
 * For a guest that asked (LGUEST_FEATURE_DIRECT_PF), the Switcher sends a
 * protection fault in user mode straight to the guest's handler (Tour
 * 327), doing what lg_page_fault() below and lg_deliver_trap() above
 * would.  It trusts what we put in the state page for it, so here, before
 * every entry, is everything that would make it go wrong: a handler that
 * is not a ring-1 gate below the Switcher, no kernel stack (the direct
 * system call's checks, Tour 375), or a frame or lguest_data the
 * Switcher could not store to without faulting.  Any of those, or the
 * module parameter direct_pf off, and page faults leave as before, where
 * the same mistakes kill the guest with a reason.  Where data_va points
 * is the guest's choice: our checks keep the stores in its own memory.
 */
static bool lg_direct_pf_on = true;
module_param_named(direct_pf, lg_direct_pf_on, bool, 0644);
MODULE_PARM_DESC(direct_pf, "send a guest's user-mode protection faults to it without leaving the Switcher (default on)");

bool lg_direct_pf(struct lguest *lg)
{
	u64 gate = lg->idt[14];
	u32 hi = gate >> 32, lo = gate, type = (hi >> 8) & 0x1f;
	u32 eip = (hi & 0xffff0000) | (lo & 0xffff);

	if (!READ_ONCE(lg_direct_pf_on) || !lg->direct_pf || !lg->syscall_gate ||
	    !gate || (type != 0xE && type != 0xF) || !(hi & 0x8000) ||
	    !lg_kernel_code(lg, lo >> 16) || eip >= lg_sw.base)
		return false;
	return lg_shadow_kernel_writable(lg, lg->data_va, 8) &&
	       lg_shadow_kernel_writable(lg, lg->syscall_stack - SW_PF_FRAME_SIZE,
					 SW_PF_FRAME_SIZE);
}

/*
 * A page fault: ours to fix if the guest's own tables allow the access and
 * we just had not copied the entry yet; the guest's otherwise.
 */
void lg_page_fault(struct lguest *lg)
{
	u32 addr = lg->cr2, err = lg->regs.errcode, gpa;

	if (addr >= lg_sw.base) {
		lg_kill(lg, "touched the Switcher's pages at 0x%08x (%s) from eip 0x%08x",
			addr, (err & 2) ? "write" : (err & 16) ? "execute" : "read",
			lg->regs.eip);
		return;
	}
	/*
	 * Under the host's SMAP (Tour 255), the guest kernel's touch of a
	 * page its tables mark user faults unless EFLAGS.AC is on, where the
	 * guest expects it to work: turn AC on and let it retry.  Under
	 * SMEP, executing such a page is a bug it promised not to have.
	 */
	if (lg_under_host_cr4(lg) && (err & 5) == 1 &&
	    lg_shadow_user_page(lg, addr)) {
		if (err & 16) {
			lg_kill(lg, "its kernel executed a user page at 0x%08x, which it promised not to (LGUEST_FEATURE_HOST_CR4)",
				addr);
			return;
		}
		if (!(lg->regs.eflags & X86_EFLAGS_AC)) {
			lg->regs.eflags |= X86_EFLAGS_AC;
			lg->nr_smap++;
			return;
		}
	}
	/* Something we have not copied from its page tables yet? */
	switch (lg_demand_page(lg, addr, &err, &gpa)) {
	case LG_KILLED:
		return;
	case LG_MMIO:
		lg_mmio_access(lg, addr, gpa);
		return;
	case LG_OK:
		lg->nr_demand++;
		return;
	case LG_GUEST_FAULT:
		break;
	}
	lg->nr_guest_pf++;
	lg->regs.errcode = err;
	/* The guest cannot read %cr2 in ring 1; it finds it in lguest_data. */
	if (lg->lguest_data && !lg_data_write(lg, cr2, &addr)) {
		lg_kill(lg, "lguest_data is no longer in guest memory");
		return;
	}
	lg_deliver_trap(lg, 14, true);
}
