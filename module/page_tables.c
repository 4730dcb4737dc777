// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's address space, as the CPU sees it while the guest runs.
 *
 * For now the guest has no page tables of its own: it runs on an identity
 * mapping of its RAM, which we fill in lazily, a page at a time, as it
 * faults.  Each page is pinned while a shadow entry maps it and unpinned
 * when the mapping goes.  The Switcher's pages are mapped at the address
 * the host uses: its code read-only, this CPU's regs page writable (the
 * CPU pushes trap frames there) and its state page read-only.
 *
 * The format is the host's own (two levels, or three with PAE): we only
 * swap %cr3, never the paging mode.
 */
#include <linux/mm.h>
#include <linux/gfp.h>
#include "lg.h"

#define LG_TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define LG_RAM_FLAGS	(LG_TABLE_FLAGS | _PAGE_DIRTY)
#define LG_NX		(_PAGE_NX & __supported_pte_mask)

static lg_pte_t *lg_alloc_table(void)
{
	return (lg_pte_t *)get_zeroed_page(GFP_KERNEL);
}

/* The last-level table entry for vaddr, allocating tables as needed. */
static lg_pte_t *lg_pte(struct lguest *lg, u32 vaddr, bool alloc)
{
	lg_pte_t *dir, *pt;
	unsigned int i;

#ifdef CONFIG_X86_PAE
	dir = lg->shadow.mid[vaddr >> LG_TOP_SHIFT];
	i = (vaddr >> LG_MID_SHIFT) & (LG_MID_ENTRIES - 1);
#else
	dir = lg->shadow.top;
	i = vaddr >> LG_TOP_SHIFT;
#endif
	if (!(dir[i] & _PAGE_PRESENT)) {
		if (!alloc)
			return NULL;
		pt = lg_alloc_table();
		if (!pt)
			return NULL;
		dir[i] = __pa(pt) | LG_TABLE_FLAGS;
	}
	pt = __va(dir[i] & PTE_PFN_MASK);
	return &pt[(vaddr >> PAGE_SHIFT) & (LG_PTE_ENTRIES - 1)];
}

static int lg_map_kernel_page(struct lguest *lg, unsigned long va,
			      struct page *page, lg_pte_t flags)
{
	lg_pte_t *pte = lg_pte(lg, va, true);

	if (!pte)
		return -ENOMEM;
	*pte = ((lg_pte_t)page_to_pfn(page) << PAGE_SHIFT) | flags;
	return 0;
}

int lg_shadow_init(struct lguest *lg)
{
	struct lg_shadow *s = &lg->shadow;
	unsigned int i;

	s->top = lg_alloc_table();
	if (!s->top)
		return -ENOMEM;
#ifdef CONFIG_X86_PAE
	for (i = 0; i < LG_TOP_ENTRIES; i++) {
		s->mid[i] = lg_alloc_table();
		if (!s->mid[i])
			goto nomem;
		/* PDPT entries take no permission bits. */
		s->top[i] = __pa(s->mid[i]) | _PAGE_PRESENT;
	}
#endif
	s->mapped_cpu = -1;
	for (i = 0; i < lg_switcher_text_pages; i++)
		if (lg_map_kernel_page(lg, lg_switcher_text + i * PAGE_SIZE,
				       lg_text_pages[i],
				       _PAGE_PRESENT | _PAGE_ACCESSED))
			goto nomem;
	return 0;
nomem:
	lg_shadow_free(lg);
	return -ENOMEM;
}

/* Map this CPU's pair of pages; the guest never sees another CPU's. */
void lg_shadow_map_switcher(struct lguest *lg, int cpu)
{
	unsigned long va;
	lg_pte_t *pte;

	if (lg->shadow.mapped_cpu >= 0) {
		va = (unsigned long)lg_cpu_pages(lg->shadow.mapped_cpu);
		pte = lg_pte(lg, va, false);
		if (pte)
			*pte = 0;
		pte = lg_pte(lg, va + PAGE_SIZE, false);
		if (pte)
			*pte = 0;
	}
	va = (unsigned long)lg_cpu_pages(cpu);
	if (lg_map_kernel_page(lg, va, lg_percpu_pages[2 * cpu],
			       _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
			       _PAGE_DIRTY | LG_NX) ||
	    lg_map_kernel_page(lg, va + PAGE_SIZE, lg_percpu_pages[2 * cpu + 1],
			       _PAGE_PRESENT | _PAGE_ACCESSED | LG_NX)) {
		lg->shadow.mapped_cpu = -1;
		return;
	}
	lg->shadow.mapped_cpu = cpu;
}

/* Guest RAM at vaddr (== guest-physical for now) was touched: map it. */
int lg_demand_page(struct lguest *lg, u32 vaddr, u32 errcode)
{
	struct page *page;
	lg_pte_t *pte;

	pte = lg_pte(lg, vaddr, true);
	if (!pte)
		return -ENOMEM;
	if (*pte & _PAGE_PRESENT)
		return 0;
	if (pin_user_pages_fast(lg->mem_base + (vaddr & PAGE_MASK), 1,
				FOLL_WRITE | FOLL_LONGTERM, &page) != 1)
		return -EFAULT;
	*pte = ((lg_pte_t)page_to_pfn(page) << PAGE_SHIFT) | LG_RAM_FLAGS;
	lg->pinned++;
	return 0;
}

/* Free one last-level table, unpinning the guest RAM it maps. */
static void lg_free_pt(struct lguest *lg, lg_pte_t *pt, u32 base)
{
	unsigned int i;

	for (i = 0; i < LG_PTE_ENTRIES; i++) {
		u32 va = base + (i << PAGE_SHIFT);
		struct page *page;

		if (!(pt[i] & _PAGE_PRESENT) || va >= lg->mem_size)
			continue;
		page = pfn_to_page((pt[i] & PTE_PFN_MASK) >> PAGE_SHIFT);
		unpin_user_pages_dirty_lock(&page, 1, true);
		lg->pinned--;
	}
	free_page((unsigned long)pt);
}

static void lg_free_dir(struct lguest *lg, lg_pte_t *dir, u32 base,
			unsigned int n, unsigned int shift)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (dir[i] & _PAGE_PRESENT)
			lg_free_pt(lg, __va(dir[i] & PTE_PFN_MASK),
				   base + (i << shift));
	free_page((unsigned long)dir);
}

void lg_shadow_free(struct lguest *lg)
{
	struct lg_shadow *s = &lg->shadow;

	if (!s->top)
		return;
#ifdef CONFIG_X86_PAE
	{
		unsigned int i;

		for (i = 0; i < LG_TOP_ENTRIES; i++)
			if (s->mid[i])
				lg_free_dir(lg, s->mid[i], (u32)i << LG_TOP_SHIFT,
					    LG_MID_ENTRIES, LG_MID_SHIFT);
		free_page((unsigned long)s->top);
	}
#else
	lg_free_dir(lg, s->top, 0, LG_TOP_ENTRIES, LG_TOP_SHIFT);
#endif
	s->top = NULL;
	WARN_ON_ONCE(lg->pinned);
}

unsigned long lg_shadow_cr3(struct lguest *lg)
{
	return __pa(lg->shadow.top);
}
