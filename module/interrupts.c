// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 220: Virtual interrupts and the clock
 *
 * Virtual interrupts.
 *
 * The guest cannot turn the real interrupt flag off, so it has a virtual
 * one, lguest_data.irq_enabled, which it flips with plain memory writes.
 * Interrupts for it (the clock event is irq 0, the launcher raises the
 * others with LHREQ_IRQ) are bits in irqs_pending; just before each entry
 * into the guest we deliver the lowest one that is not blocked, if the
 * guest's flag is on and it is not inside its "no interrupts" window, the
 * way the CPU would through an interrupt gate: the flag goes off.
 */
#include <linux/hrtimer.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <asm/processor-flags.h>
#include "lg.h"

/*
 * Make the launcher's task notice: wake it if it sleeps in a halt, and
 * pull it out of the guest if it runs on another CPU.
 */
static void lg_kick(struct lguest *lg)
{
	unsigned long flags;

	/* read() may be handing lg->tsk to another thread (lguest_user.c). */
	spin_lock_irqsave(&lg->tsk_lock, flags);
	wake_up_process(lg->tsk);
	kick_process(lg->tsk);
	spin_unlock_irqrestore(&lg->tsk_lock, flags);
}

void lg_raise_irq(struct lguest *lg, unsigned int irq)
{
	set_bit(irq, &lg->irqs_pending);
	lg_kick(lg);
}

static enum hrtimer_restart lg_clockevent(struct hrtimer *timer)
{
	struct lguest *lg = container_of(timer, struct lguest, hrt);

	lg_raise_irq(lg, 0);
	return HRTIMER_NORESTART;
}

void lg_irq_init(struct lguest *lg)
{
	hrtimer_init(&lg->hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	lg->hrt.function = lg_clockevent;
}

void lg_irq_exit(struct lguest *lg)
{
	hrtimer_cancel(&lg->hrt);
}

void lg_set_clockevent(struct lguest *lg, u32 delta_ns)
{
	if (!delta_ns) {
		hrtimer_cancel(&lg->hrt);
		return;
	}
	hrtimer_start(&lg->hrt, ns_to_ktime(delta_ns), HRTIMER_MODE_REL);
}

/* The interrupts the guest blocks (it may fault: never while sleeping). */
unsigned long lg_irqs_blocked(struct lguest *lg)
{
	u32 blocked = 0;

	lg_data_read(lg, blocked_interrupts, &blocked);
	return blocked;
}

/* The interrupts the guest has not blocked. */
static unsigned long lg_unblocked(struct lguest *lg)
{
	unsigned long pending = READ_ONCE(lg->irqs_pending);

	/* Most entries have nothing pending: no need to read guest memory. */
	if (pending)
		pending &= ~lg_irqs_blocked(lg);
	return pending;
}

/* lguest_data.irq_pending, written only when it changes. */
static void lg_show_pending(struct lguest *lg, bool pending)
{
	/* Before LHCALL_LGUEST_INIT there is nowhere to show it: later. */
	u32 shown = pending;

	if (lg->irq_pending_shown == pending || !lg->lguest_data)
		return;
	lg_data_write(lg, irq_pending, &shown);
	lg->irq_pending_shown = pending;
}

/*
 * Tour 380: An interrupt is due
 *
 * The interrupt to deliver before the guest runs on, or -1: the lowest
 * pending one the guest has not blocked, if its virtual flag is on and it
 * is not inside its "no interrupts" window.
 */
int lg_irq_due(struct lguest *lg)
{
	unsigned long pending = lg_unblocked(lg);
	u32 enabled = 0, start = 0, end = 0;

	lg_show_pending(lg, pending);
	if (!pending)
		return -1;
	if (!lg_data_read(lg, irq_enabled, &enabled) ||
	    !(enabled & X86_EFLAGS_IF))
		return -1;
	lg_data_read(lg, noirq_start, &start);
	lg_data_read(lg, noirq_end, &end);
	if (lg->regs.eip >= start && lg->regs.eip < end)
		return -1;
	return __ffs(pending);
}

/* Through its IDT, as the CPU would through an interrupt gate. */
void lg_deliver_irq(struct lguest *lg, unsigned int irq)
{
	clear_bit(irq, &lg->irqs_pending);
	if (!lg->idt[LGUEST_IRQ_BASE + irq]) {
		lg_kill(lg, "interrupt %u arrived with interrupts on, but there is no IDT entry for vector %u",
			irq, LGUEST_IRQ_BASE + irq);
		return;
	}
	lg->nr_irq_delivered++;
	lg_deliver_trap(lg, LGUEST_IRQ_BASE + irq, false);
}
