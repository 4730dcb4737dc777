// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 250: The run loop
 *
 * The run loop: what read() on /dev/lguest does until the launcher has
 * something to do.  Each turn delivers an interrupt if one is due, hands
 * the CPU to the guest through the Switcher (x86/switcher.c) and acts on
 * the trap that brought it back: a hypercall, a page fault, or a trap that
 * is the guest's own.  A halted guest sleeps here until an interrupt is
 * due; a signal for the launcher ends the loop.
 */
#define pr_fmt(fmt) "lguest: " fmt
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/fpu/api.h>
#include "lg.h"

/*
 * Calls the guest queued in its async ring (hypercalls.c) run before we
 * act on anything it did or deliver anything to it: they may change its
 * page tables or the stack an interrupt lands on.  False if one of them
 * ended the guest or needs the launcher.
 */
static bool lg_queued_calls_first(struct lguest *lg)
{
	lg_do_async_hcalls(lg);
	return !lg->exit_ready;
}

/*
 * Tour 340: What a trap means
 *
 * The Switcher brought the guest back with a trap number.  Host
 * interrupts were already handled (Tour 330); a trap from virtual-8086
 * mode or from inside the Switcher, or guest code in the Switcher's pages,
 * ends the guest.  Otherwise the guest's queued calls run first, and then
 * the trap is a hypercall (Tour 350), a page fault that may be ours to
 * fix (Tour 360), or the guest's own, for its handler (Tour 370).
 */
static void lg_handle_trap(struct lguest *lg)
{
	struct lguest_regs *r = &lg->regs;
	u32 trap = r->trapnum;

	lg->nr_exits++;
	/* Killed on the way out (a shadow we do not hold): nothing to do. */
	if (lg->dead)
		return;
	if (trap == LG_TRAP_VM86) {
		lg_kill(lg, "entered virtual-8086 mode (an iret with eflags.VM outside ring 0, which only an emulator allows)");
		return;
	}
	if (trap >= LG_TRAP_SWITCHER_FAULT) {
		lg_kill(lg, "internal error: trap %u inside the Switcher",
			trap - LG_TRAP_SWITCHER_FAULT);
		return;
	}
	/*
	 * Ring-1 code in the Switcher's pages is the guest jumping there,
	 * whatever stopped it: a host interrupt can land between the jump and
	 * the fault on the first fetch.
	 */
	if (r->eip >= lg_sw.base) {
		lg_kill(lg, "jumped into the Switcher's pages (eip 0x%08x, trap %u)",
			r->eip, trap);
		return;
	}
	if (trap == LG_TRAP_HOST) {
		lg->nr_host_irq++;
		return;
	}
	if (!lg_queued_calls_first(lg))
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
		lg_deliver_trap(lg, trap,
				trap < 32 && (SW_ERRCODE_VECTORS >> trap & 1));
	}
}

/* This task leaves the CPU: the host's global pages come back (Tour 255). */
static void lg_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	lg_restore_pge();
}

static void lg_sched_in(struct preempt_notifier *pn, int cpu)
{
	/* The next entry into the guest turns PGE off again, if it must. */
}

static struct preempt_ops lg_preempt_ops = {
	.sched_in = lg_sched_in,
	.sched_out = lg_sched_out,
};

/* Run the guest until the launcher has something to do. */
static int lg_run_loop(struct lguest *lg)
{
	bool entered;
	int irq;

	while (!lg->exit_ready) {
		if (signal_pending(current))
			return -EINTR;
		cond_resched();

		/* A halted guest sleeps until an interrupt is due for it. */
		if (lg->halted) {
			/*
			 * Which interrupts it blocks is in its memory: read
			 * that while we may still fault, before sleeping.
			 */
			unsigned long blocked = lg_irqs_blocked(lg);

			set_current_state(TASK_INTERRUPTIBLE);
			if (!(READ_ONCE(lg->irqs_pending) & ~blocked)) {
				schedule();
				continue;
			}
			__set_current_state(TASK_RUNNING);
			lg->halted = false;
		}
		irq = lg_irq_due(lg);
		if (irq >= 0) {
			if (!lg_queued_calls_first(lg))
				break;
			lg_deliver_irq(lg, irq);
		}
		if (lg->exit_ready || !lg_fixup_regs(lg))
			break;
		lg->syscall_gate = lg_direct_syscall_gate(lg);
		lg->pf_on = lg_direct_pf(lg);
		if (lg->exit_ready)
			break;

		preempt_disable();
		local_irq_disable();
		/*
		 * The guest's FPU state is this task's while read() runs
		 * (lg_read swaps it in); after a context switch it must be
		 * back in the registers before the guest sees them.  Only
		 * now, with interrupts off: an interrupt's kernel_fpu_begin()
		 * in between would leave its own state there.
		 */
		if (test_thread_flag(TIF_NEED_FPU_LOAD))
			switch_fpu_return();
		entered = lg_run_guest_once(lg);
		local_irq_enable();
		preempt_enable();
		if (!entered) {
			lg_kill(lg, "internal error: the Switcher's pages for CPU %d are not mapped",
				raw_smp_processor_id());
			break;
		}

		lg_handle_trap(lg);
	}
	return 0;
}

/* A new guest: its notifier is ready for the task that will run it. */
void lg_run_init(struct lguest *lg)
{
	preempt_notifier_init(&lg->pn, &lg_preempt_ops);
}

/* What read() on /dev/lguest runs, with the notifier on this task. */
int lg_run(struct lguest *lg)
{
	int err;

	preempt_notifier_register(&lg->pn);
	err = lg_run_loop(lg);
	/* The launcher runs with global pages; then nothing turns them off. */
	lg_restore_pge();
	preempt_notifier_unregister(&lg->pn);
	return err;
}
