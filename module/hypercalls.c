// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls: the guest's "int $0x1F" with a call number in %eax and
 * arguments in %ebx, %ecx, %edx, %esi (lguest_abi.h).  Anything we do not
 * understand, and any argument we cannot accept, kills the guest: a
 * confused guest kernel is better stopped than humoured.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <asm/tsc.h>
#include "lg.h"

static void lg_init_data(struct lguest *lg, u32 gpa)
{
	struct lguest_data data = {
		.reserve_mem = 0 - lg_switcher_base,
		.switcher_base = lg_switcher_base,
		.tsc_khz = tsc_khz,
		.pae = IS_ENABLED(CONFIG_X86_PAE),
	};
	struct timespec64 now;

	ktime_get_real_ts64(&now);
	data.wallclock_sec = now.tv_sec;
	data.wallclock_nsec = now.tv_nsec;

	if (lg->lguest_data) {
		lg_kill(lg, "LHCALL_LGUEST_INIT called twice");
		return;
	}
	if (gpa % 4 || (gpa & ~PAGE_MASK) + sizeof(data) > PAGE_SIZE ||
	    !lg_write_guest(lg, gpa, &data, sizeof(data))) {
		lg_kill(lg, "LHCALL_LGUEST_INIT: lguest_data at 0x%08x is not an aligned structure within one page of guest memory",
			gpa);
		return;
	}
	lg->lguest_data = gpa;
}

static void lg_shutdown(struct lguest *lg, u32 gpa, u32 how)
{
	char *reason = lg->exit->data;
	unsigned int len = 0;

	if (how != LGUEST_SHUTDOWN_POWEROFF && how != LGUEST_SHUTDOWN_RESTART) {
		lg_kill(lg, "LHCALL_SHUTDOWN: unknown shutdown type %u", how);
		return;
	}
	/* The reason ends at a NUL, at LGUEST_REASON_MAX or at memory's end. */
	while (len < LGUEST_REASON_MAX - 1) {
		if (!lg_read_guest(lg, gpa + len, &reason[len], 1)) {
			if (len)
				break;
			lg_kill(lg, "LHCALL_SHUTDOWN: reason at 0x%08x is outside guest memory",
				gpa);
			return;
		}
		if (!reason[len])
			break;
		len++;
	}
	reason[len] = '\0';
	lg->exit->reason = LGUEST_EXIT_SHUTDOWN;
	lg->exit->arg[0] = how;
	lg->exit->len = len;
	lg->dead = true;
	lg->exit_ready = true;
}

static void lg_console_write(struct lguest *lg, u32 gpa, u32 len)
{
	if (len > LGUEST_CONSOLE_MAX) {
		lg_kill(lg, "LHCALL_CONSOLE_WRITE of %u bytes (at most %u)", len,
			LGUEST_CONSOLE_MAX);
		return;
	}
	if (!len)
		return;
	if (!lg_read_guest(lg, gpa, lg->exit->data, len)) {
		lg_kill(lg, "LHCALL_CONSOLE_WRITE: 0x%08x+%u is outside guest memory",
			gpa, len);
		return;
	}
	lg->exit->reason = LGUEST_EXIT_CONSOLE;
	lg->exit->len = len;
	lg->exit_ready = true;
}

static void lg_set_stack(struct lguest *lg, u32 ss, u32 esp)
{
	if (!lg_valid_stack_segment(lg, ss, 1)) {
		lg_kill(lg, "LHCALL_SET_STACK: 0x%x is not a ring-1 data segment", ss);
		return;
	}
	lg->ss1 = ss;
	lg->esp1 = esp;
}

/* The run loop (lguest_user.c) sleeps until an interrupt is due. */
static void lg_halt(struct lguest *lg)
{
	lg->halted = true;
}

void lg_do_hypercall(struct lguest *lg)
{
	struct lguest_regs *r = &lg->regs;
	u32 call = r->eax;

	r->eax = 0;
	switch (call) {
	case LHCALL_LGUEST_INIT:
		lg_init_data(lg, r->ebx);
		break;
	case LHCALL_SHUTDOWN:
		lg_shutdown(lg, r->ebx, r->ecx);
		break;
	case LHCALL_CONSOLE_WRITE:
		lg_console_write(lg, r->ebx, r->ecx);
		break;
	case LHCALL_LOAD_IDT_ENTRY:
		lg_load_idt_entry(lg, r->ebx, r->ecx, r->edx);
		break;
	case LHCALL_LOAD_GDT_ENTRY:
		lg_load_gdt_entry(lg, r->ebx, r->ecx, r->edx);
		break;
	case LHCALL_SET_STACK:
		lg_set_stack(lg, r->ebx, r->ecx);
		break;
	case LHCALL_HALT:
		lg_halt(lg);
		break;
	case LHCALL_SET_CLOCKEVENT:
		lg_set_clockevent(lg, r->ebx);
		break;
	case LHCALL_SEND_INTERRUPTS:
		break;
	case LHCALL_NEW_PGTABLE:
		lg_new_pgtable(lg, r->ebx);
		break;
	case LHCALL_FLUSH_TLB:
		lg_flush_tlb(lg, r->ebx);
		break;
	case LHCALL_SET_PTE:
		lg_set_entry(lg, r->ebx, r->ecx, false);
		break;
	case LHCALL_SET_PMD:
	case LHCALL_SET_PGD:
		lg_set_entry(lg, r->ebx, r->ecx, true);
		break;
	default:
		lg_kill(lg, "unknown hypercall %u", call);
	}
}
