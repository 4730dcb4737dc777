// SPDX-License-Identifier: GPL-2.0
/*
 * timer: 200 one-shot clock events 10 ms apart (100 Hz), re-armed from
 * the interrupt handler for the next 10 ms deadline (as a kernel's clock
 * event code does, so handling latency does not add up), while we sleep
 * in LHCALL_HALT between them: they must take 2 s (+-10%) by the TSC,
 * whose rate the host tells us.
 */
#include "guest.h"

static volatile u32 ticks;
static u64 t0;

/* Nanoseconds from now to tick n's deadline, t0 + n * 10 ms (at least 1 us). */
static u32 until_tick(u32 n)
{
	u64 deadline = t0 + (u64)n * 10 * lguest_data.tsc_khz, now = rdtsc();

	if (deadline <= now + lguest_data.tsc_khz / 1000)
		return 1000;
	return (u32)((deadline - now) * 1000000 / lguest_data.tsc_khz);
}

void irq_handler(unsigned int irq)
{
	if (irq != 0) {
		printf("not ok - unexpected irq %u\n", irq);
		failures++;
		return;
	}
	if (++ticks < 200)
		hcall(LHCALL_SET_CLOCKEVENT, until_tick(ticks + 1), 0, 0);
}

void guest_main(void)
{
	u64 t1;
	u32 ms;

	lg_init();
	ok(lguest_data.tsc_khz > 0, "the host tells the TSC rate (%u kHz)", lguest_data.tsc_khz);
	ok(lguest_data.wallclock_sec > 1600000000, "the host tells the time of day (%u)",
	   lguest_data.wallclock_sec);
	set_trap(LGUEST_IRQ_BASE + 0);
	irqs_on();
	t0 = rdtsc();
	hcall(LHCALL_SET_CLOCKEVENT, 10000000, 0, 0);
	while (ticks < 200)
		hcall(LHCALL_HALT, 0, 0, 0);
	t1 = rdtsc();
	ms = (u32)((t1 - t0) / lguest_data.tsc_khz);
	ok(ms >= 1800 && ms <= 2200, "200 ticks at 100 Hz took %u ms (2000 +-10%%)", ms);
	finish();
}
