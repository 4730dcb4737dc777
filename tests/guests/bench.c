// SPDX-License-Identifier: GPL-2.0
/*
 * bench: what trips out of the guest cost, in TSC cycles: a hypercall the
 * host answers by itself, one that goes all the way to the launcher, a
 * page fault the host resolves, an address-space switch, a timer
 * interrupt from arming to our handler, and a device register read (the
 * launcher's first device, its MagicValue: lg.ko decodes the access, the
 * launcher answers it with LHREQ_MMIO_DONE).
 */
#include "paging.h"

#define N 20000

static volatile u64 tick_tsc;

void irq_handler(unsigned int irq)
{
	if (irq == 0)
		tick_tsc = rdtsc();
}

void guest_main(void)
{
	static const char space = ' ';
	u64 t0, t1, t2, sum = 0;
	struct as a, b;
	u32 base = 16u << 20, n;

	lg_init();
	set_all_traps();
	t0 = rdtsc();
	for (int i = 0; i < N; i++)
		hcall(LHCALL_CONSOLE_WRITE, 0, 0, 0);
	t1 = rdtsc();
	for (int i = 0; i < N / 10; i++)
		hcall(LHCALL_CONSOLE_WRITE, (u32)&space, 1, 0);
	t2 = rdtsc();
	printf("\nbench: hypercall round trip: %llu cycles\n", (t1 - t0) / N);
	printf("bench: guest-to-launcher round trip: %llu cycles\n", (t2 - t1) / (N / 10));

	/* Fresh pages of the boot identity map: one host fault each. */
	n = (boot_ecx - base) >> 12;
	if (n > 4096)
		n = 4096;
	t0 = rdtsc();
	for (u32 i = 0; i < n; i++)
		*(volatile u32 *)(base + i * 4096) = i;
	t1 = rdtsc();
	printf("bench: page fault resolved by the host: %llu cycles\n", (t1 - t0) / n);

	as_create(&a);
	as_create(&b);
	for (u32 pa = 0; pa < (8u << 20); pa += 4096) {
		as_map(&a, pa, pa, PTE_P | PTE_RW);
		as_map(&b, pa, pa, PTE_P | PTE_RW);
	}
	/* The device window's first page, beside our memory in both. */
	as_map(&a, 0x50000000, 0xd0000000, PTE_P | PTE_RW);
	as_map(&b, 0x50000000, 0xd0000000, PTE_P | PTE_RW);
	as_switch(&a);
	as_switch(&b);
	t0 = rdtsc();
	for (int i = 0; i < N / 10; i++) {
		as_switch(&a);
		as_switch(&b);
	}
	t1 = rdtsc();
	printf("bench: address-space switch: %llu cycles\n", (t1 - t0) / (N / 5));

	t0 = rdtsc();
	for (int i = 0; i < N / 10; i++) {
		u32 v;

		asm volatile("movl 0x50000000, %0" : "=a" (v));
		if (v != 0x74726976)
			poweroff("the launcher's first device is not virtio-mmio");
	}
	t1 = rdtsc();
	printf("bench: device register read (MMIO exit to the launcher and back): %llu cycles\n",
	       (t1 - t0) / (N / 10));

	set_trap(LGUEST_IRQ_BASE + 0);
	irqs_on();
	for (int i = 0; i < 100; i++) {
		tick_tsc = 0;
		t0 = rdtsc();
		hcall(LHCALL_SET_CLOCKEVENT, 1000, 0, 0);
		while (!tick_tsc)
			hcall(LHCALL_SEND_INTERRUPTS, 0, 0, 0);
		sum += tick_tsc - t0;
	}
	irqs_off();
	printf("bench: timer interrupt, 1 us event armed to handler: %llu cycles\n", sum / 100);
	poweroff("bench done");
}
