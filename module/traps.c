// SPDX-License-Identifier: GPL-2.0
/*
 * What happens when the guest stops: the Switcher brings back a trap
 * number and we decide.  A hypercall is done; a page fault on guest RAM we
 * have not mapped yet is mapped; everything else was the guest's own doing
 * and goes to its handler, pushed onto its stack the way the CPU would.  A
 * guest that cannot take its trap (no handler, no usable stack) or that
 * reaches for the Switcher is killed, with a reason for the launcher.
 */
#define pr_fmt(fmt) "lguest: " fmt
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <asm/processor-flags.h>
#include "lg.h"

void lg_kill(struct lguest *lg, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (lg->dead)
		return;
	va_start(ap, fmt);
	len = vscnprintf(lg->exit->data, LGUEST_REASON_MAX, fmt, ap);
	va_end(ap);
	lg->exit->reason = LGUEST_EXIT_KILLED;
	lg->exit->len = len;
	lg->dead = true;
	lg->exit_ready = true;
}

/* Guest-physical memory is the launcher's, at mem_base. */
bool lg_read_guest(struct lguest *lg, u32 gpa, void *buf, size_t len)
{
	if (len > lg->mem_size || gpa > lg->mem_size - len)
		return false;
	return !copy_from_user(buf, (void __user *)(lg->mem_base + gpa), len);
}

bool lg_write_guest(struct lguest *lg, u32 gpa, const void *buf, size_t len)
{
	if (len > lg->mem_size || gpa > lg->mem_size - len)
		return false;
	return !copy_to_user((void __user *)(lg->mem_base + gpa), buf, len);
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

		if (lg_gva_to_gpa(lg, linear + 4 * i, &gpa) ||
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
	return true;
}

static bool lg_has_errcode(unsigned int vector)
{
	switch (vector) {
	case 8: case 10: case 11: case 12: case 13: case 14:
	case 17: case 21: case 29: case 30:
		return true;
	default:
		return false;
	}
}

static void lg_page_fault(struct lguest *lg)
{
	u32 addr = lg->cr2, err = lg->regs.errcode;

	if (addr >= lg_switcher_base) {
		lg_kill(lg, "touched the Switcher's pages at 0x%08x (%s) from eip 0x%08x",
			addr, (err & 2) ? "write" : (err & 16) ? "execute" : "read",
			lg->regs.eip);
		return;
	}
	/* Something we have not copied from its page tables yet? */
	if (lg_demand_page(lg, addr, &err) <= 0) {
		lg->nr_demand++;
		return;
	}
	lg->nr_guest_pf++;
	lg->regs.errcode = err;
	/* The guest cannot read %cr2 in ring 1; it finds it in lguest_data. */
	if (lg->lguest_data &&
	    !lg_write_guest(lg, lg->lguest_data + offsetof(struct lguest_data, cr2),
			    &addr, sizeof(addr))) {
		lg_kill(lg, "lguest_data is no longer in guest memory");
		return;
	}
	lg_deliver_trap(lg, 14, true);
}

void lg_handle_trap(struct lguest *lg)
{
	struct lguest_regs *r = &lg->regs;
	u32 trap = r->trapnum;

	lg->nr_exits++;
	if (trap == LG_TRAP_HOST) {
		lg->nr_host_irq++;
		return;
	}
	if (trap == LG_TRAP_VM86) {
		lg_kill(lg, "entered virtual-8086 mode (an iret with eflags.VM outside ring 0, which only an emulator allows)");
		return;
	}
	if (trap >= LG_TRAP_SWITCHER_FAULT) {
		lg_kill(lg, "internal error: trap %u inside the Switcher",
			trap - LG_TRAP_SWITCHER_FAULT);
		return;
	}
	/* Ring-1 code in the Switcher's pages is the guest jumping there. */
	if (r->eip >= lg_switcher_base) {
		lg_kill(lg, "jumped into the Switcher's pages (eip 0x%08x, trap %u)",
			r->eip, trap);
		return;
	}
	/* Queued calls first: they may change what the guest sees. */
	lg_do_async_hcalls(lg);
	if (lg->exit_ready)
		return;
	switch (trap) {
	case LGUEST_TRAP_ENTRY:
		lg_do_hypercall(lg);
		return;
	case 14:
		lg_page_fault(lg);
		return;
	default:
		if (trap == 13) {
			lg->nr_gp++;
			pr_debug("guest #GP at eip 0x%08x (error code 0x%x)\n",
				 lg->regs.eip, lg->regs.errcode);
		} else {
			lg->nr_trap_other++;
		}
		lg_deliver_trap(lg, trap, lg_has_errcode(trap));
	}
}
