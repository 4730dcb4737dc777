// SPDX-License-Identifier: GPL-2.0
/* Page tables for tiny guests (see paging.h). */
#include "paging.h"

static char pool[160][4096] __attribute__((aligned(4096)));
static unsigned int used;

static void *table(void)
{
	char *t;

	if (used == sizeof(pool) / sizeof(pool[0]))
		poweroff("out of page table pool");
	t = pool[used++];
	for (int i = 0; i < 4096; i++)
		t[i] = 0;
	return t;
}

void as_create(struct as *as)
{
	as->top = (u32)table();
	if (lguest_data.pae) {
		u64 *pdpt = (u64 *)as->top;

		for (int i = 0; i < 4; i++)
			pdpt[i] = (u32)table() | PTE_P;
	}
}

/* The directory entry slot for va. */
static void *dir_slot(struct as *as, u32 va)
{
	if (lguest_data.pae) {
		u64 *pdpt = (u64 *)as->top;
		u64 *pmd = (u64 *)(u32)(pdpt[va >> 30] & ~0xfffull);

		return &pmd[(va >> 21) & 511];
	}
	return &((u32 *)as->top)[va >> 22];
}

static void *pte_slot(struct as *as, u32 va, int alloc)
{
	if (lguest_data.pae) {
		u64 *d = dir_slot(as, va);

		if (!(*d & PTE_P)) {
			if (!alloc)
				return 0;
			*d = (u32)table() | PTE_P | PTE_RW | PTE_US;
		}
		return &((u64 *)(u32)(*d & ~0xfffull))[(va >> 12) & 511];
	} else {
		u32 *d = dir_slot(as, va);

		if (!(*d & PTE_P)) {
			if (!alloc)
				return 0;
			*d = (u32)table() | PTE_P | PTE_RW | PTE_US;
		}
		return &((u32 *)(*d & ~0xfffu))[(va >> 12) & 1023];
	}
}

void as_map(struct as *as, u32 va, u32 pa, u32 flags)
{
	as_set(as, va, (pa & ~0xfffu) | flags);
}

u64 as_get(struct as *as, u32 va)
{
	void *p = pte_slot(as, va, 0);

	if (!p)
		return 0;
	return lguest_data.pae ? *(u64 *)p : *(u32 *)p;
}

void as_set_quiet(struct as *as, u32 va, u64 pte)
{
	void *p = pte_slot(as, va, 1);

	if (lguest_data.pae)
		*(u64 *)p = pte;
	else
		*(u32 *)p = (u32)pte;
}

void as_set(struct as *as, u32 va, u64 pte)
{
	as_set_quiet(as, va, pte);
	hcall(LHCALL_SET_PTE, as->top, va, (u32)pte);
}

u64 as_get_dir(struct as *as, u32 va)
{
	void *p = dir_slot(as, va);

	return lguest_data.pae ? *(u64 *)p : *(u32 *)p;
}

void as_set_dir(struct as *as, u32 va, u64 entry)
{
	void *p = dir_slot(as, va);

	if (lguest_data.pae)
		*(u64 *)p = entry;
	else
		*(u32 *)p = (u32)entry;
	hcall(LHCALL_SET_PMD, as->top, va, 0);
}

void as_switch(struct as *as)
{
	hcall(LHCALL_NEW_PGTABLE, as->top, 0, 0);
}
