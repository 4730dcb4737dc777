// SPDX-License-Identifier: GPL-2.0
/*
 * paging: our own page tables.  All of our RAM above 8 MiB is mapped in
 * two address spaces (one in order, one backwards); we fill it through
 * one, check it through the other, and switch between them thousands of
 * times.  The accessed and dirty bits show what we touched, and what is
 * unmapped or read-only faults into our own handler.
 */
#include "paging.h"

#define LOW	(8u << 20)
#define VA_A	0x40000000u
#define VA_B	0x80000000u

static struct as a, b;

static u32 val(u32 page, u32 off)
{
	return (page * 2654435761u) ^ off ^ 0xc0ffee;
}

void guest_main(void)
{
	u32 pages = (boot_ecx - LOW) >> 12, bad = 0, k;
	u64 pte;

	lg_init();
	set_all_traps();
	as_create(&a);
	as_create(&b);
	for (u32 pa = 0; pa < LOW; pa += 4096) {
		as_map(&a, pa, pa, PTE_P | PTE_RW);
		as_map(&b, pa, pa, PTE_P | PTE_RW);
	}
	for (u32 i = 0; i < pages; i++) {
		as_map(&a, VA_A + i * 4096, LOW + i * 4096, PTE_P | PTE_RW);
		as_map(&b, VA_B + i * 4096, LOW + (pages - 1 - i) * 4096, PTE_P | PTE_RW);
	}
	printf("paging: %s tables, %u pages in two address spaces\n",
	       lguest_data.pae ? "PAE" : "2-level", pages);

	as_switch(&a);
	for (u32 i = 0; i < pages; i++)
		for (u32 off = 0; off < 4096; off += 1024)
			*(volatile u32 *)(VA_A + i * 4096 + off) = val(i, off);
	as_switch(&b);
	for (u32 j = 0; j < pages; j++)
		for (u32 off = 0; off < 4096; off += 1024)
			if (*(volatile u32 *)(VA_B + j * 4096 + off) != val(pages - 1 - j, off))
				bad++;
	ok(bad == 0, "every page written through one address space reads back through the other (%u bad)",
	   bad);

	bad = 0;
	srand32(7);
	for (u32 n = 0; n < 4000; n++) {
		u32 i = rand32() % pages, off = (rand32() % 4) * 1024;

		if (n & 1) {
			as_switch(&a);
			if (*(volatile u32 *)(VA_A + i * 4096 + off) != val(i, off))
				bad++;
		} else {
			as_switch(&b);
			if (*(volatile u32 *)(VA_B + i * 4096 + off) != val(pages - 1 - i, off))
				bad++;
		}
	}
	ok(bad == 0, "4000 switches between the address spaces, every read right (%u bad)", bad);

	/* Accessed and dirty bits, on a page of B we have not touched via B since. */
	as_switch(&b);
	k = 5;
	as_set(&b, VA_B + k * 4096, (LOW + (pages - 1 - k) * 4096) | PTE_P | PTE_RW);
	pte = as_get(&b, VA_B + k * 4096);
	ok(!(pte & (PTE_A | PTE_D)), "a fresh PTE is neither accessed nor dirty");
	(void)*(volatile u32 *)(VA_B + k * 4096);
	pte = as_get(&b, VA_B + k * 4096);
	ok((pte & PTE_A) && !(pte & PTE_D), "a read sets accessed, not dirty");
	*(volatile u32 *)(VA_B + k * 4096) = val(pages - 1 - k, 0);
	pte = as_get(&b, VA_B + k * 4096);
	ok((pte & PTE_A) && (pte & PTE_D), "a write sets dirty");

	/* A remap queued in the async ring takes effect at our next exit. */
	as_switch(&a);
	(void)*(volatile u32 *)VA_A;
	as_set_quiet(&a, VA_A, (LOW + 4096) | PTE_P | PTE_RW);
	async_hcall(LHCALL_SET_PTE, a.top, VA_A, 0);
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0, 0);
	ok(*(volatile u32 *)VA_A == val(1, 0) && lguest_data.hcall_status[0] == 0xff,
	   "a PTE change queued in the async ring is in place after LHCALL_FLUSH_ASYNC");
	/* Many, through a ring that fills up and drains. */
	bad = 0;
	for (u32 n = 0; n < 1000; n++) {
		as_set_quiet(&a, VA_A, (LOW + (n % 3) * 4096) | PTE_P | PTE_RW);
		async_hcall(LHCALL_SET_PTE, a.top, VA_A, 0);
		if (n % 7 == 0) {
			hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0, 0);
			if (*(volatile u32 *)VA_A != val(n % 3, 0))
				bad++;
		}
	}
	ok(bad == 0, "1000 queued PTE changes, each in place after a flush (%u bad)", bad);
	as_set(&a, VA_A, LOW | PTE_P | PTE_RW);
	as_switch(&b);

	/* Faults that are ours: unmapped, and a write to a read-only page. */
	lguest_data.cr2 = 0;
	EXPECT_TRAP("movl 0x30000000, %%eax");
	ok(last_trap.vector == 14 && last_trap.err == 0 && last_trap.cr2 == 0x30000000,
	   "an unmapped address faults into our handler (vector %u, error %u, cr2 0x%x)",
	   last_trap.vector, last_trap.err, last_trap.cr2);
	as_set(&b, VA_B + k * 4096, (LOW + (pages - 1 - k) * 4096) | PTE_P);
	EXPECT_TRAP("movl %%eax, 0x80005000");
	ok(last_trap.vector == 14 && last_trap.err == 3 && last_trap.cr2 == VA_B + k * 4096,
	   "a write to a read-only page faults into our handler (error %u, cr2 0x%x)",
	   last_trap.err, last_trap.cr2);
	finish();
}
