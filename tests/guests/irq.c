// SPDX-License-Identifier: GPL-2.0
/*
 * irq: the launcher (tests/tools/irqlaunch) raises irq 1 every few
 * milliseconds; it reaches our handler only while our virtual interrupt
 * flag is on, and not while irq 1 is blocked.
 */
#include "guest.h"

static volatile u32 count;

void irq_handler(unsigned int irq)
{
	if (irq == 1)
		count++;
}

void guest_main(void)
{
	u32 c;

	lg_init();
	set_trap(LGUEST_IRQ_BASE + 1);
	spin_ms(300);
	ok(count == 0, "no interrupt while the virtual flag is off (%u)", count);
	ok(lguest_data.irq_pending, "the host says one is pending");
	irqs_on();
	spin_ms(300);
	ok(count > 0, "interrupts arrive once the flag is on (%u)", count);
	irqs_off();
	c = count;
	spin_ms(300);
	ok(count == c, "and stop when it is off again (%u, then %u)", c, count);
	lguest_data.blocked_interrupts = 1 << 1;
	irqs_on();
	spin_ms(300);
	ok(count == c, "a blocked irq is held back (%u)", count);
	lguest_data.blocked_interrupts = 0;
	spin_ms(300);
	ok(count > c, "and arrives once unblocked (%u)", count);
	irqs_off();
	finish();
}
