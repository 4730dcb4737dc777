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

static struct as a, b, c, d;

/* Does the CPU do no-execute (CPUID 0x80000001, EDX bit 20)? */
static int cpu_has_nx(void)
{
	u32 eax = 0x80000000u, ebx, ecx, edx;

	asm volatile("cpuid" : "+a" (eax), "=b" (ebx), "=c" (ecx), "=d" (edx));
	if (eax < 0x80000001u)
		return 0;
	eax = 0x80000001u;
	asm volatile("cpuid" : "+a" (eax), "=b" (ebx), "=c" (ecx), "=d" (edx));
	return (edx >> 20) & 1;
}

static u32 val(u32 page, u32 off);

/*
 * A new table under a top-level entry (LHCALL_SET_PGD) replaces all the
 * host copied from under the old one: 1 GiB with PAE (once, only the first
 * 2 MiB went), 4 MiB without.  And no-execute in a directory entry holds
 * for every page under it (once, it was checked on faults but not copied).
 * Pages 20-24 above LOW hold what the first test wrote (val(i, 0)).
 */
#define V1	0x40000000u
static void top_level_changes(void)
{
	u32 span = lguest_data.pae ? 0x40000000u : 0x400000u;
	u32 v2 = V1 + span / 2, v5 = V1 + 0x200000u;
	u32 p[5];

	for (u32 i = 0; i < 5; i++)
		p[i] = LOW + (20 + i) * 4096;
	as_create(&c);
	as_create(&d);
	for (u32 pa = 0; pa < LOW; pa += 4096) {
		as_map(&c, pa, pa, PTE_P | PTE_RW);
		as_map(&d, pa, pa, PTE_P | PTE_RW);
	}
	as_map(&c, V1, p[0], PTE_P | PTE_RW);
	as_map(&c, v2, p[1], PTE_P | PTE_RW);
	as_switch(&c);
	ok(*(volatile u32 *)V1 == val(20, 0) && *(volatile u32 *)v2 == val(21, 0),
	   "two pages under one top-level entry read right");

	/* The same addresses under a new table, which the host is told of. */
	as_map(&d, V1, p[2], PTE_P | PTE_RW);
	as_map(&d, v2, p[3], PTE_P | PTE_RW);
	if (lguest_data.pae)
		((u64 *)c.top)[V1 >> 30] = ((u64 *)d.top)[V1 >> 30];
	else
		((u32 *)c.top)[V1 >> 22] = ((u32 *)d.top)[V1 >> 22];
	hcall(LHCALL_SET_PGD, c.top, V1, 0);
	ok(*(volatile u32 *)V1 == val(22, 0) && *(volatile u32 *)v2 == val(23, 0),
	   "after LHCALL_SET_PGD both read through the new table (0x%x apart)",
	   v2 - V1);

	if (!lguest_data.pae || !cpu_has_nx()) {
		printf("paging: no NX here: directory no-execute not checked\n");
		return;
	}
	/* "jmp *%ecx" in a page under a no-execute directory entry. */
	as_switch(&a);
	((volatile unsigned char *)(VA_A + 24 * 4096))[0] = 0xff;
	((volatile unsigned char *)(VA_A + 24 * 4096))[1] = 0xe1;
	as_switch(&c);
	as_map(&c, v5, p[4], PTE_P | PTE_RW);
	as_set_dir(&c, v5, as_get_dir(&c, v5) | (1ull << 63));
	/* A read first: the host maps the page then, and must keep it NX. */
	(void)*(volatile u32 *)v5;
	last_trap.vector = 0;
	EXPECT_TRAP("movl $1f, %%ecx\n\tmovl $0x40200000, %%eax\n\tjmp *%%eax");
	ok(last_trap.vector == 14 && (last_trap.err & 0x10) && last_trap.cr2 == v5,
	   "no-execute in a directory entry stops a fetch from a page under it (vector %u, error 0x%x)",
	   last_trap.vector, last_trap.err);
}

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
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	ok(*(volatile u32 *)VA_A == val(1, 0) && lguest_data.hcall_status[0] == 0xff,
	   "a PTE change queued in the async ring is in place after LHCALL_FLUSH_ASYNC");
	/* Many, through a ring that fills up and drains. */
	bad = 0;
	for (u32 n = 0; n < 1000; n++) {
		as_set_quiet(&a, VA_A, (LOW + (n % 3) * 4096) | PTE_P | PTE_RW);
		async_hcall(LHCALL_SET_PTE, a.top, VA_A, 0);
		if (n % 7 == 0) {
			hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
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
	top_level_changes();
	finish();
}
