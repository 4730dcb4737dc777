// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: 10^6 hypercalls with random arguments, then random hypercalls
 * until the host kills us.
 *
 * A bad argument kills the guest at once, so the first million are random
 * within what the ABI allows (random vectors, gates, segments, stacks and
 * buffers, including entries that are cleared or not present): they drive
 * the host's hypercall paths a million times with data it has never seen.
 * Then every register is random, and the host must find something to
 * refuse without harming itself.  The seed comes from the boot %esi.
 */
#include "guest.h"

static u32 pick(const u32 *set, unsigned int n)
{
	return set[rand32() % n];
}

static void valid_random_call(void)
{
	/* GDT slots a guest may load, minus the two it is running on. */
	static const u32 gdt_slots[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 17,
					 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
					 28, 29, 30, 31 };
	u32 r = rand32(), handler, base, limit, hi, lo;

	switch (r % 5) {
	case 0:	/* an IDT entry: a gate into our memory, or none */
		handler = rand32() % boot_ecx;
		if (rand32() & 1)
			hcall(LHCALL_LOAD_IDT_ENTRY, rand32() % 256,
			      idt_gate_lo(handler), idt_gate_hi(handler));
		else
			hcall(LHCALL_LOAD_IDT_ENTRY, rand32() % 256, rand32(),
			      rand32() & ~0x8000u);
		break;
	case 1:	/* a ring-1 or ring-3 data or code segment below the Switcher */
		base = rand32() % (boot_ebx / 2);
		limit = rand32() % ((boot_ebx - base) >> 12);
		hi = (base & 0xff000000) | ((base >> 16) & 0xff) |
		     (limit & 0xf0000) | 0x00c09000 |
		     ((rand32() & 1 ? 1u : 3u) << 13) |
		     ((rand32() & 1) ? 0x0a00 : 0x0200);
		lo = (base << 16) | (limit & 0xffff);
		if (rand32() % 8 == 0)
			hi &= ~0x8000u;	/* not present */
		hcall(LHCALL_LOAD_GDT_ENTRY, pick(gdt_slots, ARRAY_SIZE(gdt_slots)), lo, hi);
		break;
	case 2:	/* a kernel stack anywhere */
		hcall(LHCALL_SET_STACK, LGUEST_BOOT_DS, rand32(), 0);
		break;
	case 3:	/* console writes of nothing, from anywhere in memory */
		hcall(LHCALL_CONSOLE_WRITE, rand32() % boot_ecx, 0, rand32());
		break;
	default:	/* a hypercall with ignored arguments randomised */
		hcall(LHCALL_LOAD_IDT_ENTRY, rand32() % 256, 0, rand32() & ~0x8000u);
		break;
	}
}

void guest_main(void)
{
	u32 i;

	srand32(boot_esi ^ 0x9e3779b9);
	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	for (i = 0; i < 1000000; i++)
		valid_random_call();
	printf("fuzz: survived 1000000 random valid hypercalls; now fully random\n");
	for (i = 0;; i++) {
		u32 call = rand32();

		/* Sometimes a real call number with garbage arguments. */
		if (i & 1)
			call %= 24;
		if (call == LHCALL_HALT)
			continue;
		hcall(call, rand32(), rand32(), rand32());
	}
}
