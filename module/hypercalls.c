// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 350: Hypercalls
 *
 * Hypercalls: the guest's "int $0x1F" with a call number in %eax and
 * arguments in %ebx, %ecx and %edx (lguest_abi.h).  Anything we do not
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
	struct timespec64 now;
	u32 reserve = 0 - lg_sw.base, base = lg_sw.base, khz = tsc_khz;
	u32 sec, nsec, pae = IS_ENABLED(CONFIG_X86_PAE), features;

	if (lg->lguest_data) {
		lg_kill(lg, "LHCALL_LGUEST_INIT called twice");
		return;
	}
	if (gpa % 4 || (gpa & ~PAGE_MASK) + sizeof(struct lguest_data) > PAGE_SIZE ||
	    gpa >= lg->mem_size ||
	    gpa + sizeof(struct lguest_data) > lg->mem_size) {
		lg_kill(lg, "LHCALL_LGUEST_INIT: lguest_data at 0x%08x is not an aligned structure within one page of guest memory",
			gpa);
		return;
	}
	ktime_get_real_ts64(&now);
	sec = now.tv_sec;
	nsec = now.tv_nsec;
	lg->lguest_data = gpa;
	/* What the guest copes with; then the fields the host fills in. */
	if (!lg_data_read(lg, features, &features)) {
		lg_kill(lg, "LHCALL_LGUEST_INIT: cannot read lguest_data");
		return;
	}
	lg->host_cr4 = features & LGUEST_FEATURE_HOST_CR4;
	lg->direct_pf = features & LGUEST_FEATURE_DIRECT_PF;
	if (lg->direct_pf && !lg_data_read(lg, data_va, &lg->data_va)) {
		lg_kill(lg, "LHCALL_LGUEST_INIT: cannot read lguest_data");
		return;
	}
	if (!lg_data_write(lg, reserve_mem, &reserve) ||
	    !lg_data_write(lg, switcher_base, &base) ||
	    !lg_data_write(lg, tsc_khz, &khz) ||
	    !lg_data_write(lg, wallclock_sec, &sec) ||
	    !lg_data_write(lg, wallclock_nsec, &nsec) ||
	    !lg_data_write(lg, pae, &pae))
		lg_kill(lg, "LHCALL_LGUEST_INIT: cannot write lguest_data");
}

static void lg_shutdown(struct lguest *lg, u32 gpa, u32 how)
{
	char *reason = lg->exit->data;
	unsigned int len = 0;

	if (how != LGUEST_SHUTDOWN_POWEROFF && how != LGUEST_SHUTDOWN_RESTART &&
	    how != LGUEST_SHUTDOWN_PANIC) {
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

/*
 * Console input lives in the launcher: hand the buffer's place over and
 * let the launcher fill it before the guest runs on.
 */
static void lg_console_read(struct lguest *lg, u32 gpa, u32 size)
{
	if (size < sizeof(struct lguest_console_input) ||
	    size > sizeof(struct lguest_console_input) + LGUEST_CONSOLE_MAX ||
	    gpa % 4 || gpa >= lg->mem_size || size > lg->mem_size - gpa) {
		lg_kill(lg, "LHCALL_CONSOLE_READ: a buffer of %u bytes at 0x%08x is not an aligned buffer of 4 to %zu bytes in guest memory",
			size, gpa, sizeof(struct lguest_console_input) + LGUEST_CONSOLE_MAX);
		return;
	}
	lg->exit->reason = LGUEST_EXIT_CONSOLE_READ;
	lg->exit->arg[0] = gpa;
	lg->exit->arg[1] = size;
	lg->exit->len = 0;
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

/* The run loop (run.c) sleeps until an interrupt is due. */
static void lg_halt(struct lguest *lg)
{
	lg->halted = true;
}

static void lg_hcall(struct lguest *lg, u32 call, u32 a1, u32 a2, u32 a3)
{
	/* Made or queued: unknown calls kill the guest, uncounted. */
	if (call < ARRAY_SIZE(lg->nr_hcall))
		lg->nr_hcall[call]++;
	switch (call) {
	case LHCALL_FLUSH_ASYNC:
		break;
	case LHCALL_LGUEST_INIT:
		lg_init_data(lg, a1);
		break;
	case LHCALL_SHUTDOWN:
		lg_shutdown(lg, a1, a2);
		break;
	case LHCALL_CONSOLE_WRITE:
		lg_console_write(lg, a1, a2);
		break;
	case LHCALL_CONSOLE_READ:
		lg_console_read(lg, a1, a2);
		break;
	case LHCALL_LOAD_IDT_ENTRY:
		lg_load_idt_entry(lg, a1, a2, a3);
		break;
	case LHCALL_LOAD_GDT_ENTRY:
		lg_load_gdt_entry(lg, a1, a2, a3);
		break;
	case LHCALL_SET_STACK:
		lg_set_stack(lg, a1, a2);
		break;
	case LHCALL_HALT:
		lg_halt(lg);
		break;
	case LHCALL_SET_CLOCKEVENT:
		lg_set_clockevent(lg, a1);
		break;
	case LHCALL_SEND_INTERRUPTS:
		break;
	case LHCALL_NEW_PGTABLE:
		lg_new_pgtable(lg, a1, a2);
		break;
	case LHCALL_FLUSH_TLB:
		lg_flush_tlb(lg, a1);
		break;
	case LHCALL_SET_PTE:
		lg_drop_guest_entry(lg, a1, a2, 0);
		break;
	case LHCALL_SET_PMD:
		lg_drop_guest_entry(lg, a1, a2, 1);
		break;
	case LHCALL_SET_PGD:
		/* Two levels: the directory; PAE: the top, 1 GiB. */
		lg_drop_guest_entry(lg, a1, a2, IS_ENABLED(CONFIG_X86_PAE) ? 2 : 1);
		break;
	default:
		lg_kill(lg, "unknown hypercall %u", call);
	}
}

void lg_do_hypercall(struct lguest *lg)
{
	struct lguest_regs *r = &lg->regs;
	u32 call = r->eax;

	r->eax = 0;
	lg_hcall(lg, call, r->ebx, r->ecx, r->edx);
}

/*
 * Run the calls queued in the ring, in order, from where we stopped last
 * time, until a slot that is not queued.  The run loop (run.c), and only
 * it, calls this before it acts on a trap or delivers an interrupt: queued
 * page table updates must be in place before we look at the guest's
 * tables, and a queued LHCALL_SET_STACK before an interrupt from ring 3
 * lands on the stack it names.
 */
void lg_do_async_hcalls(struct lguest *lg)
{
	unsigned int n;

	if (!lg->lguest_data)
		return;
	/* One byte to read on every exit when nothing is queued. */
	for (n = 0; n < LHCALL_RING_SIZE && !lg->dead; n++) {
		unsigned int i = lg->next_hcall;
		struct lguest_hcall h;
		u8 status, done = 0xff;

		if (!lg_data_read(lg, hcall_status[i], &status) ||
		    (status == 0 && !lg_data_read(lg, hcalls[i], &h))) {
			lg_kill(lg, "lguest_data is no longer in guest memory");
			return;
		}
		if (status != 0)
			break;
		lg->nr_async++;
		lg_hcall(lg, h.call, h.arg1, h.arg2, h.arg3);
		lg_data_write(lg, hcall_status[i], &done);
		lg->next_hcall = (i + 1) % LHCALL_RING_SIZE;
		/*
		 * Calls that stop the guest or hand over to the launcher end
		 * the batch; the rest waits for the next exit.
		 */
		if (lg->exit_ready || lg->halted)
			break;
	}
}
