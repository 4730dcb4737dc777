// SPDX-License-Identifier: GPL-2.0
/*
 * hostile page tables, by the variant this is built as: a PTE pointing
 * far beyond guest memory or at the first page past it (the last page of
 * RAM must still work: the bound is exact), a large-page entry, or a page
 * table that is not in guest memory at all, named to the host or to its
 * Switcher.
 */
#include "paging.h"

void guest_main(void)
{
	struct as a;

	lg_init();
	as_create(&a);
	for (u32 pa = 0; pa < (4u << 20); pa += 4096)
		as_map(&a, pa, pa, PTE_P | PTE_RW);
#if defined(PTE_BEYOND)
	as_map(&a, 0x40000000, 0x7f000000, PTE_P | PTE_RW);
	as_switch(&a);
	puts("reading through a PTE that points beyond our memory\n");
	(void)*(volatile u32 *)0x40000000;
#elif defined(PTE_EDGE)
	as_map(&a, 0x40000000, boot_ecx - 4096, PTE_P | PTE_RW);
	as_map(&a, 0x40001000, boot_ecx, PTE_P | PTE_RW);
	as_switch(&a);
	*(volatile u32 *)0x40000000 = 0x1234abcd;
	if (*(volatile u32 *)0x40000000 != 0x1234abcd)
		poweroff("the last page of our memory does not keep what we wrote");
	puts("the last page of our memory works; reading the page after it\n");
	(void)*(volatile u32 *)0x40001000;
#elif defined(PTE_LARGE)
	as_set_dir(&a, 0x40000000, 0x00000000 | PTE_P | PTE_RW | PTE_PS);
	as_switch(&a);
	puts("reading through a large-page entry\n");
	(void)*(volatile u32 *)0x40000000;
#elif defined(PTE_SWITCHER)
	/* Our own page, mapped where the Switcher lives, then written. */
	as_map(&a, lguest_data.switcher_base, 0x00200000, PTE_P | PTE_RW);
	as_switch(&a);
	puts("writing through our mapping of the Switcher's address\n");
	*(volatile u32 *)lguest_data.switcher_base = 0xdeadbeef;
#elif defined(PGDIR_FAST)
	/*
	 * Switches the Switcher makes itself (LGUEST_PGTABLE_UNQUEUED) go
	 * where they should, and a name it does not list (the boot identity
	 * map's, ~0) still reaches the host, which refuses it.
	 */
	struct as b;
	u32 bad = 0;

	as_create(&b);
	for (u32 pa = 0; pa < (4u << 20); pa += 4096)
		as_map(&b, pa, pa, PTE_P | PTE_RW);
	as_map(&a, 0x40000000, 0x00300000, PTE_P | PTE_RW);
	as_map(&b, 0x40000000, 0x00301000, PTE_P | PTE_RW);
	*(volatile u32 *)0x00300000 = 0xaaaa;
	*(volatile u32 *)0x00301000 = 0xbbbb;
	as_switch(&a);
	as_switch(&b);
	for (u32 n = 0; n < 1000; n++) {
		struct as *to = n & 1 ? &a : &b;

		hcall(LHCALL_NEW_PGTABLE, to->top, 0, LGUEST_PGTABLE_UNQUEUED);
		if (*(volatile u32 *)0x40000000 != (n & 1 ? 0xaaaa : 0xbbbb))
			bad++;
	}
	if (bad)
		poweroff("a switch in the Switcher read the wrong address space");
	puts("1000 switches in the Switcher, each to the right table; now to ~0\n");
	hcall(LHCALL_NEW_PGTABLE, 0xffffffff, 0, LGUEST_PGTABLE_UNQUEUED);
#else
	puts("switching to a page table beyond our memory\n");
	hcall(LHCALL_NEW_PGTABLE, boot_ecx + 0x10000, 0, 0);
#endif
	poweroff("still alive after hostile page tables");
}
