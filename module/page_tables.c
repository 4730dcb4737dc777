// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 200: Shadow page tables
 *
 * The guest's address space, as the CPU sees it while the guest runs.
 *
 * The guest keeps its own page tables, in its own memory; the CPU never
 * sees them.  It runs on shadow page tables we build from them, lazily:
 * a page fault the guest did not cause itself is us not having copied an
 * entry yet.  We walk the guest's tables, check the entry (it must lead to
 * guest memory), set the accessed and dirty bits the guest would see from
 * the hardware, pin the page and map it.  The guest tells us when it
 * changes its tables (LHCALL_SET_PTE and friends, LHCALL_FLUSH_TLB) and we
 * drop what we copied.  Until its first LHCALL_NEW_PGTABLE the guest runs
 * on an identity mapping of its RAM, built the same lazy way.
 *
 * A guest page is pinned the first time a shadow entry maps it, once
 * however many entries map it, and stays pinned until the guest goes:
 * what a guest pins is bounded by its memory size, and every pinned page
 * and shadow table is charged to its user (account.c).  Guest memory
 * must be anonymous or shmem (memfd, tmpfs): a long-term writable pin of
 * a page of some other file would break its filesystem's write-back.
 * The Switcher's pages are mapped at the address the host uses: its code
 * read-only, this CPU's regs page writable (the CPU pushes trap frames
 * there) and its state page read-only.
 *
 * The format is the host's own (two levels, or three with PAE; the guest's
 * tables must match): we only swap %cr3, never the paging mode.  A few
 * shadows are kept, so switching between address spaces is cheap.
 */
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include "lg.h"

#define LG_TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define LG_NX		(_PAGE_NX & __supported_pte_mask)
/* What we copy from a guest PTE (besides RW, which we may hold back). */
#define LG_COPY_FLAGS	(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | \
			 _PAGE_DIRTY | LG_NX)

static lg_pte_t *lg_alloc_table(struct lguest *lg)
{
	lg_pte_t *t;

	if (!lg_charge(lg, 1)) {
		lg_kill(lg, "shadow page tables: this user's guests hold the most memory the host allows them (%lu MiB; module parameter max_mem_mb)",
			lg_mem_limit() >> (20 - PAGE_SHIFT));
		return NULL;
	}
	t = (lg_pte_t *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!t) {
		lg_uncharge(lg, 1);
		return NULL;
	}
	lg->tables++;
	return t;
}

static void lg_free_table(struct lguest *lg, void *t)
{
	free_page((unsigned long)t);
	lg_uncharge(lg, 1);
	lg->tables--;
}

static struct lg_pgdir *lg_cur(struct lguest *lg)
{
	return &lg->shadow.dirs[lg->shadow.cur];
}

/*
 * The guest's kernel half (from kernel_start up, which it gave us with
 * LHCALL_NEW_PGTABLE) is the same in all its page tables, like global
 * pages on the hardware.  So its last-level shadow tables are shared by
 * all our shadows: a kernel page the guest touched once is mapped in every
 * address space, and a new process does not fault the kernel in again.
 * The slot holding the Switcher stays per shadow.  Returns the shared
 * slot for vaddr, or -1.
 */
#ifdef CONFIG_X86_PAE
#define LG_PT_SHIFT	LG_MID_SHIFT
#else
#define LG_PT_SHIFT	LG_TOP_SHIFT
#endif
#define LG_KSLOTS	(1u << (32 - LG_PT_SHIFT))

static int lg_kslot(struct lguest *lg, u32 vaddr)
{
	u32 slot = vaddr >> LG_PT_SHIFT;

	if (!lg->kernel_start || !lg->ktab ||
	    (slot << LG_PT_SHIFT) < lg->kernel_start ||
	    slot >= (lg_sw.base >> LG_PT_SHIFT))
		return -1;
	return slot;
}

static bool lg_is_shared(struct lguest *lg, u32 vaddr, lg_pte_t *pt)
{
	int k = lg_kslot(lg, vaddr);

	return k >= 0 && lg->ktab[k] == pt;
}

/* The last-level entry for vaddr in pd, allocating a table if asked. */
static lg_pte_t *lg_pte(struct lguest *lg, struct lg_pgdir *pd, u32 vaddr,
		       bool alloc)
{
	lg_pte_t *dir, *pt;
	unsigned int i;

#ifdef CONFIG_X86_PAE
	dir = pd->mid[vaddr >> LG_TOP_SHIFT];
	i = (vaddr >> LG_MID_SHIFT) & (LG_MID_ENTRIES - 1);
#else
	dir = pd->top;
	i = vaddr >> LG_TOP_SHIFT;
#endif
	if (!(dir[i] & _PAGE_PRESENT)) {
		int k = lg_kslot(lg, vaddr);

		if (k >= 0 && lg->ktab[k]) {
			pt = lg->ktab[k];
		} else {
			if (!alloc)
				return NULL;
			pt = lg_alloc_table(lg);
			if (!pt)
				return NULL;
			if (k >= 0)
				lg->ktab[k] = pt;
		}
		dir[i] = __pa(pt) | LG_TABLE_FLAGS;
	}
	pt = __va(dir[i] & PTE_PFN_MASK);
	return &pt[(vaddr >> PAGE_SHIFT) & (LG_PTE_ENTRIES - 1)];
}

/*
 * The guest page gpfn, pinned (the first time it is asked for), or NULL
 * with the guest killed.
 */
static struct page *lg_guest_page(struct lguest *lg, u32 gpfn)
{
	struct page *page = lg->pages[gpfn];
	u32 gpa = gpfn << PAGE_SHIFT;

	if (page)
		return page;
	if (!lg_charge(lg, 1)) {
		lg_kill(lg, "guest page 0x%08x: this user's guests hold the most memory the host allows them (%lu MiB; module parameter max_mem_mb)",
			gpa, lg_mem_limit() >> (20 - PAGE_SHIFT));
		return NULL;
	}
	if (pin_user_pages_fast(lg->mem_base + gpa, 1,
				FOLL_WRITE | FOLL_LONGTERM, &page) != 1) {
		lg_uncharge(lg, 1);
		lg_kill(lg, "cannot map guest page 0x%08x: the launcher's memory is gone",
			gpa);
		return NULL;
	}
	if (!PageAnon(page) && !PageSwapBacked(page)) {
		unpin_user_page(page);
		lg_uncharge(lg, 1);
		lg_kill(lg, "guest page 0x%08x is a page of a file: guest memory must be anonymous memory, memfd or tmpfs",
			gpa);
		return NULL;
	}
	lg->pages[gpfn] = page;
	lg->pinned++;
	atomic_long_inc(&lg_pinned_pages);
	return page;
}

/*
 * The directory entries for addresses below limit (at most the Switcher:
 * its own entries always stay).
 */
static void lg_clear_dir(struct lguest *lg, lg_pte_t *dir, u32 base,
			 unsigned int n, unsigned int shift, u32 limit)
{
	unsigned int i;

	/* A shadow whose set-up failed half way has no directory here. */
	if (!dir)
		return;
	for (i = 0; i < n; i++) {
		u32 start = base + (i << shift);

		if (!(dir[i] & _PAGE_PRESENT) || start >= limit)
			continue;
		/* A table reaching past the limit is kept, emptied below it. */
		if (start + (1u << shift) - 1 >= limit) {
			lg_pte_t *pt = __va(dir[i] & PTE_PFN_MASK);
			unsigned int j;

			for (j = 0; j < LG_PTE_ENTRIES; j++)
				if (start + (j << PAGE_SHIFT) < limit)
					pt[j] = 0;
			continue;
		}
		/* A shared kernel table stays, emptied, for the others. */
		if (lg_is_shared(lg, start, __va(dir[i] & PTE_PFN_MASK))) {
			memset(__va(dir[i] & PTE_PFN_MASK), 0, PAGE_SIZE);
			continue;
		}
		lg_free_table(lg, __va(dir[i] & PTE_PFN_MASK));
		dir[i] = 0;
	}
}

/* Unhook the shared kernel tables from pd, leaving them to the others. */
static void lg_detach_shared(struct lguest *lg, struct lg_pgdir *pd)
{
	u32 slot;

	lg->fast_gen = 0;
	if (!lg->ktab)
		return;
	for (slot = 0; slot < LG_KSLOTS; slot++) {
		lg_pte_t *dir;
		unsigned int i;

		if (!lg->ktab[slot])
			continue;
#ifdef CONFIG_X86_PAE
		dir = pd->mid[slot / LG_MID_ENTRIES];
		i = slot % LG_MID_ENTRIES;
		if (!dir)
			continue;
#else
		dir = pd->top;
		i = slot;
#endif
		if ((dir[i] & _PAGE_PRESENT) &&
		    __va(dir[i] & PTE_PFN_MASK) == lg->ktab[slot])
			dir[i] = 0;
	}
}

/* Empty and free the shared tables; no shadow may point at them. */
static void lg_free_shared(struct lguest *lg)
{
	u32 slot;

	if (!lg->ktab)
		return;
	for (slot = 0; slot < LG_KSLOTS; slot++)
		if (lg->ktab[slot]) {
			lg_free_table(lg, lg->ktab[slot]);
			lg->ktab[slot] = NULL;
		}
}

/* Forget the guest's mappings in pd below limit (a guest TLB flush). */
static void lg_flush_below(struct lguest *lg, struct lg_pgdir *pd, u32 limit)
{
#ifdef CONFIG_X86_PAE
	unsigned int i;

	for (i = 0; i < LG_TOP_ENTRIES; i++)
		lg_clear_dir(lg, pd->mid[i], (u32)i << LG_TOP_SHIFT,
			     LG_MID_ENTRIES, LG_MID_SHIFT, limit);
#else
	lg_clear_dir(lg, pd->top, 0, LG_TOP_ENTRIES, LG_TOP_SHIFT, limit);
#endif
}

static void lg_flush_pgdir(struct lguest *lg, struct lg_pgdir *pd)
{
	lg_flush_below(lg, pd, lg_sw.base);
}

static void lg_free_pgdir(struct lguest *lg, struct lg_pgdir *pd)
{
	unsigned int i;

	if (!pd->top)
		return;
	/* No CPU's table may list it from now on (Tour 364). */
	lg->fast_gen = 0;
	lg_detach_shared(lg, pd);
	lg_flush_pgdir(lg, pd);
#ifdef CONFIG_X86_PAE
	for (i = 0; i < LG_TOP_ENTRIES; i++) {
		lg_pte_t *dir = pd->mid[i];
		unsigned int j;

		if (!dir)
			continue;
		for (j = 0; j < LG_MID_ENTRIES; j++)
			if (dir[j] & _PAGE_PRESENT)
				lg_free_table(lg, __va(dir[j] & PTE_PFN_MASK));
		lg_free_table(lg, dir);
		pd->mid[i] = NULL;
	}
#else
	for (i = 0; i < LG_TOP_ENTRIES; i++)
		if (pd->top[i] & _PAGE_PRESENT)
			lg_free_table(lg, __va(pd->top[i] & PTE_PFN_MASK));
#endif
	lg_free_table(lg, pd->top);
	pd->top = NULL;
}

static int lg_map_kernel_page(struct lguest *lg, struct lg_pgdir *pd,
			      unsigned long va, struct page *page,
			      lg_pte_t flags, bool alloc)
{
	lg_pte_t *pte = lg_pte(lg, pd, va, alloc);

	if (!pte)
		return -ENOMEM;
	*pte = ((lg_pte_t)page_to_pfn(page) << PAGE_SHIFT) | flags;
	return 0;
}

/*
 * A fresh shadow: empty but for the Switcher's code, with the tables for
 * every CPU's Switcher pages in place, so that mapping them just before
 * entering the guest (interrupts off) never needs to allocate.
 */
static int lg_new_pgdir(struct lguest *lg, struct lg_pgdir *pd, u32 gpgdir)
{
	unsigned int i;
	int cpu;

	pd->top = lg_alloc_table(lg);
	if (!pd->top)
		return -ENOMEM;
#ifdef CONFIG_X86_PAE
	for (i = 0; i < LG_TOP_ENTRIES; i++) {
		pd->mid[i] = lg_alloc_table(lg);
		if (!pd->mid[i])
			goto nomem;
		/* PDPT entries take no permission bits. */
		pd->top[i] = __pa(pd->mid[i]) | _PAGE_PRESENT;
	}
#endif
	pd->gpgdir = gpgdir;
	pd->mapped_cpu = -1;
	for (i = 0; i < lg_sw.text_pages; i++)
		if (lg_map_kernel_page(lg, pd, lg_sw.text + i * PAGE_SIZE,
				       lg_sw.text_page[i],
				       _PAGE_PRESENT | _PAGE_ACCESSED, true))
			goto nomem;
	for_each_possible_cpu(cpu) {
		unsigned long va = (unsigned long)lg_cpu_pages(cpu);

		if (!lg_pte(lg, pd, va, true) ||
		    !lg_pte(lg, pd, va + PAGE_SIZE, true))
			goto nomem;
	}
	lg->fast_gen = 0;
	return 0;
nomem:
	lg_free_pgdir(lg, pd);
	return -ENOMEM;
}

/* The pages[] array costs the user too: a 2 GiB guest's is 2 MiB. */
static unsigned long lg_pages_cost(struct lguest *lg)
{
	return DIV_ROUND_UP((lg->mem_size >> PAGE_SHIFT) * sizeof(*lg->pages),
			    PAGE_SIZE);
}

/*
 * How many address spaces a guest's shadows cover.  Linux switches
 * between all its runnable processes: a shadow thrown away is every page
 * of that process faulted in again.  With 8, hackbench's 80 processes
 * found their shadow 40% of the time and paid 12 faults for each that was
 * gone (docs/bench.md); a shadow costs a page or two beyond the pages it
 * maps, charged to the guest's user like them.
 */
static unsigned int lg_nr_shadows = LG_PGDIRS;
module_param_named(shadows, lg_nr_shadows, uint, 0644);
MODULE_PARM_DESC(shadows, "address spaces whose shadow page tables a new guest keeps (2-128)");

int lg_shadow_init(struct lguest *lg)
{
	lg->shadow.n = clamp(lg_nr_shadows, 2u, (unsigned int)LG_PGDIRS);
	if (!lg_charge(lg, lg_pages_cost(lg)))
		return -EDQUOT;
	lg->pages = kvcalloc(lg->mem_size >> PAGE_SHIFT, sizeof(*lg->pages),
			     GFP_KERNEL_ACCOUNT);
	lg->ktab = kcalloc(LG_KSLOTS, sizeof(*lg->ktab), GFP_KERNEL_ACCOUNT);
	lg->shadow.cur = 0;
	if (lg->pages && lg->ktab &&
	    !lg_new_pgdir(lg, &lg->shadow.dirs[0], LG_IDENTITY))
		return 0;
	kfree(lg->ktab);
	lg->ktab = NULL;
	kvfree(lg->pages);
	lg->pages = NULL;
	lg_uncharge(lg, lg_pages_cost(lg));
	return -ENOMEM;
}

void lg_shadow_free(struct lguest *lg)
{
	unsigned long i;

	for (i = 0; i < lg->shadow.n; i++)
		lg_free_pgdir(lg, &lg->shadow.dirs[i]);
	lg_free_shared(lg);
	kfree(lg->ktab);
	lg->ktab = NULL;
	WARN_ON_ONCE(lg->tables);
	/* What the guest wrote is in these pages: they are dirty. */
	for (i = 0; i < lg->mem_size >> PAGE_SHIFT; i++)
		if (lg->pages[i])
			unpin_user_pages_dirty_lock(&lg->pages[i], 1, true);
	lg_uncharge(lg, lg->pinned);
	atomic_long_sub(lg->pinned, &lg_pinned_pages);
	lg->pinned = 0;
	kvfree(lg->pages);
	lg->pages = NULL;
	lg_uncharge(lg, lg_pages_cost(lg));
}

/*
 * Map this CPU's pair of pages; the guest never sees another CPU's.  With
 * interrupts off: the tables are there already (lg_new_pgdir()).
 */
static bool lg_map_switcher_pd(struct lguest *lg, struct lg_pgdir *pd,
			       int cpu)
{
	unsigned long va;
	lg_pte_t *pte;

	if (pd->mapped_cpu == cpu)
		return true;
	if (pd->mapped_cpu >= 0) {
		va = (unsigned long)lg_cpu_pages(pd->mapped_cpu);
		pte = lg_pte(lg, pd, va, false);
		if (pte)
			*pte = 0;
		pte = lg_pte(lg, pd, va + PAGE_SIZE, false);
		if (pte)
			*pte = 0;
	}
	va = (unsigned long)lg_cpu_pages(cpu);
	if (lg_map_kernel_page(lg, pd, va, lg_sw.percpu_page[2 * cpu],
			       _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
			       _PAGE_DIRTY | LG_NX, false) ||
	    lg_map_kernel_page(lg, pd, va + PAGE_SIZE, lg_sw.percpu_page[2 * cpu + 1],
			       _PAGE_PRESENT | _PAGE_ACCESSED | LG_NX, false)) {
		pd->mapped_cpu = -1;
		return false;
	}
	pd->mapped_cpu = cpu;
	return true;
}

bool lg_shadow_map_switcher(struct lguest *lg, int cpu)
{
	return lg_map_switcher_pd(lg, lg_cur(lg), cpu);
}

bool lg_switcher_mapped(struct lguest *lg, int cpu)
{
	return lg_cur(lg)->mapped_cpu == cpu;
}

/*
 * Tour 364: Shadows the Switcher may switch to
 *
 * The Switcher answers the guest's switches to a shadow we hold itself
 * (Tour 325), from a table in this CPU's state page: which shadow %cr3
 * stands for which guest page directory.  We write it with interrupts
 * off, just before entering, and only when it no longer describes this
 * guest's shadows on this CPU: a shadow made or freed, the kernel half's
 * shared tables rearranged, the guest moved to another CPU or another
 * guest ran on this one.  Every shadow listed maps this CPU's Switcher
 * pages, for the Switcher must go on running after the switch; and,
 * while the CPU takes the guest's system calls straight to it (Tour 375),
 * the stack it pushes them on, which must be writable without a fault in
 * the shadow switched to as in the one we checked; so must lguest_data
 * and the frame the Switcher itself stores for a direct page fault (Tour
 * 327).  That holds for a stack
 * in the kernel half, whose tables all shadows share: a shadow is listed
 * once it points at them.  The identity map is never listed.  The guest
 * names a page directory; the worst it gets is one of its own shadows.
 */
static bool lg_fast_on = true;
module_param_named(fast_switch, lg_fast_on, bool, 0644);
MODULE_PARM_DESC(fast_switch, "let guests switch to a shadow page table we hold without leaving the Switcher (default on)");

static atomic64_t lg_fast_seq;
static DEFINE_PER_CPU(u64, lg_fast_owner);

/* Does pd's entry for va allow a write from ring 1, outside mask's bits? */
static bool lg_pte_rw(struct lguest *lg, struct lg_pgdir *pd, u32 va,
		      lg_pte_t mask)
{
	lg_pte_t *spte = lg_pte(lg, pd, va, false);

	return spte && (*spte & (mask | _PAGE_PRESENT | _PAGE_RW)) ==
		       (_PAGE_PRESENT | _PAGE_RW);
}

/* The same for [va, va + len), in the kernel half, as every shadow has it. */
static bool lg_fast_rw(struct lguest *lg, struct lg_pgdir *pd, u32 va,
		       u32 len, lg_pte_t mask)
{
	u32 last = va + len - 1;

	if (!len || last < va)
		return false;
	for (va &= PAGE_MASK;; va += PAGE_SIZE) {
		if (lg_kslot(lg, va) < 0 || !lg_pte_rw(lg, pd, va, mask))
			return false;
		if (va == (last & PAGE_MASK))
			return true;
	}
}

/*
 * Tour 376: What a direct page fault stores to
 *
 * Can the Switcher store to [va, va + len) (len <= a page) in every
 * shadow the guest may be on until its next exit (Tour 327)?  Made so in
 * the current one where the guest's tables allow.  Kernel-half pages only,
 * whose last-level tables all our shadows share (the Switcher switches
 * only to shadows listed with them linked in, below), and never a user
 * page, which the host's SMAP would refuse even to ring 0.
 */
bool lg_shadow_kernel_writable(struct lguest *lg, u32 va, u32 len)
{
	u32 last = va + len - 1;

	if (!len || last < va || lg_cur(lg)->gpgdir == LG_IDENTITY ||
	    lg_kslot(lg, va) < 0 || lg_kslot(lg, last) < 0)
		return false;
	return lg_shadow_writable(lg, va, len, true);
}

void lg_shadow_fast_table(struct lguest *lg, int cpu,
			  struct lg_fast_slot *table)
{
	u32 stack = lg->syscall_gate ? lg->syscall_stack : 0;
	u32 pf = lg->pf_on ? lg->data_va : 0;
	bool on = READ_ONCE(lg_fast_on);
	unsigned int i;

	BUILD_BUG_ON(LG_PGDIRS > SW_FAST_SLOTS);
	if (lg->fast_gen && lg->fast_cpu == cpu && lg->fast_stack == stack &&
	    lg->fast_pf == pf && lg->fast_on == on &&
	    __this_cpu_read(lg_fast_owner) == lg->fast_gen)
		return;
	memset(table, 0, SW_FAST_SLOTS * sizeof(*table));
	lg->fast_gen = atomic64_inc_return(&lg_fast_seq);
	lg->fast_cpu = cpu;
	lg->fast_stack = stack;
	lg->fast_pf = pf;
	lg->fast_on = on;
	__this_cpu_write(lg_fast_owner, lg->fast_gen);
	if (!on)
		return;
	for (i = 0; i < lg->shadow.n; i++) {
		struct lg_pgdir *pd = &lg->shadow.dirs[i];
		u32 h;

		if (!pd->top || pd->gpgdir == LG_IDENTITY ||
		    !lg_map_switcher_pd(lg, pd, cpu))
			continue;
		if (stack && !lg_fast_rw(lg, pd, stack - 20, 20, 0))
			continue;
		/* A direct page fault's stores, never to a user page (SMAP). */
		if (pf && (!lg_fast_rw(lg, pd, pf, 8, _PAGE_USER) ||
			   !lg_fast_rw(lg, pd, stack - SW_PF_FRAME_SIZE,
				       SW_PF_FRAME_SIZE, _PAGE_USER)))
			continue;
		/* At most 128 listed in as many slots: one is free here. */
		h = (u32)(pd->gpgdir * SW_FAST_HASH) >> (32 - SW_FAST_BITS);
		while (table[h].cr3)
			h = (h + 1) % SW_FAST_SLOTS;
		table[h].gpgdir = pd->gpgdir;
		table[h].cr3 = __pa(pd->top);
	}
}

/*
 * The guest came back on the shadow at cr3, which the Switcher may have
 * switched to: that one is current now.  False if it is none of ours.
 */
bool lg_shadow_follow(struct lguest *lg, u32 cr3)
{
	unsigned int i;

	for (i = 0; i < lg->shadow.n; i++) {
		struct lg_pgdir *pd = &lg->shadow.dirs[i];

		if (pd->top && pd->gpgdir != LG_IDENTITY &&
		    __pa(pd->top) == cr3) {
			lg->shadow.cur = i;
			return true;
		}
	}
	return false;
}

unsigned long lg_shadow_cr3(struct lguest *lg)
{
	return __pa(lg_cur(lg)->top);
}

/*
 * Does the guest run under the host's SMEP, SMAP and UMIP now (Tour 255)?
 * Only one that said it can (LGUEST_FEATURE_HOST_CR4), and only on its
 * own page tables: the boot identity map marks every page user.  The
 * parameter is for measuring it against its absence (make bench).
 */
static bool lg_host_cr4_on = true;
module_param_named(host_cr4, lg_host_cr4_on, bool, 0644);
MODULE_PARM_DESC(host_cr4, "let guests that can run under the host's SMEP, SMAP and UMIP, writing CR4 only for PGE (default on)");

bool lg_under_host_cr4(struct lguest *lg)
{
	return lg->host_cr4 && READ_ONCE(lg_host_cr4_on) &&
	       lg_cur(lg)->gpgdir != LG_IDENTITY;
}

/* Does the shadow map vaddr as a present user page? */
bool lg_shadow_user_page(struct lguest *lg, u32 vaddr)
{
	const lg_pte_t want = _PAGE_PRESENT | _PAGE_USER;
	lg_pte_t *spte = lg_pte(lg, lg_cur(lg), vaddr, false);

	return spte && (*spte & want) == want;
}

/* Read one entry of the guest's page tables, which must be in its RAM. */
static enum lg_verdict lg_read_gentry(struct lguest *lg, u64 gpa,
				      lg_pte_t *e)
{
	if (gpa >= lg->mem_size || !lg_read_guest(lg, gpa, e, sizeof(*e))) {
		lg_kill(lg, "a page table entry at 0x%08llx is outside guest memory",
			gpa);
		return LG_KILLED;
	}
	return LG_OK;
}

static bool lg_write_gentry(struct lguest *lg, u64 gpa, lg_pte_t e)
{
	return lg_write_guest(lg, gpa, &e, sizeof(e));
}

/* What a guest PTE under directory entry dir lets the CPU do through us. */
static lg_pte_t lg_limit_pte(lg_pte_t pte, lg_pte_t dir)
{
	/* Writable only once dirty, so that the first write tells us. */
	if (!(dir & _PAGE_RW) || !(pte & _PAGE_DIRTY))
		pte &= ~(lg_pte_t)_PAGE_RW;
	if (!(dir & _PAGE_USER))
		pte &= ~(lg_pte_t)_PAGE_USER;
	/* No-execute in the directory entry holds for the whole table. */
	return pte | (dir & LG_NX);
}

struct lg_gwalk {
	lg_pte_t dir;		/* the directory entry above the PTE */
	u64 table;		/* the guest-physical address of its table */
};

/*
 * Walk the guest's tables for vaddr as the CPU would for an access of
 * kind errcode.  LG_OK with the guest PTE (the accessed and dirty bits set
 * as the hardware would), LG_GUEST_FAULT with errcode adjusted,
 * LG_KILLED, or LG_MMIO with the PTE when it points into the device
 * window (which is never mapped: each access there must reach the host).
 * w gets the directory entry and table the PTE came from.
 */
/* Where in guest memory the directory entry for vaddr in pd is. */
static enum lg_verdict lg_dir_gpa(struct lguest *lg, struct lg_pgdir *pd,
				  u32 vaddr, u64 *dir_gpa)
{
#ifdef CONFIG_X86_PAE
	lg_pte_t pdpte;

	if (lg_read_gentry(lg, pd->gpgdir + (vaddr >> LG_TOP_SHIFT) * 8,
			   &pdpte) != LG_OK)
		return LG_KILLED;
	if (!(pdpte & _PAGE_PRESENT))
		return LG_GUEST_FAULT;
	*dir_gpa = (pdpte & PTE_PFN_MASK) +
		   ((vaddr >> LG_MID_SHIFT) & (LG_MID_ENTRIES - 1)) * 8;
#else
	*dir_gpa = pd->gpgdir + (vaddr >> LG_TOP_SHIFT) * sizeof(lg_pte_t);
#endif
	return LG_OK;
}

static enum lg_verdict lg_walk(struct lguest *lg, u32 vaddr, u32 *errcode,
			       lg_pte_t *out, struct lg_gwalk *w)
{
	struct lg_pgdir *pd = lg_cur(lg);
	bool write = *errcode & 2, user = *errcode & 4, fetch = *errcode & 16;
	u64 dir_gpa, pte_gpa;
	lg_pte_t dir, pte;
	bool mmio = false;
	enum lg_verdict r;
	unsigned int i;

	r = lg_dir_gpa(lg, pd, vaddr, &dir_gpa);
	if (r != LG_OK)
		return r;
	if (lg_read_gentry(lg, dir_gpa, &dir) != LG_OK)
		return LG_KILLED;
	if (!(dir & _PAGE_PRESENT))
		return LG_GUEST_FAULT;
	if (dir & _PAGE_PSE) {
		lg_kill(lg, "large page mapping 0x%08x: lguest guests use 4K pages only",
			vaddr);
		return LG_KILLED;
	}
	i = (vaddr >> PAGE_SHIFT) & (LG_PTE_ENTRIES - 1);
	w->dir = dir;
	w->table = dir & PTE_PFN_MASK;
	pte_gpa = w->table + i * sizeof(lg_pte_t);
	if (lg_read_gentry(lg, pte_gpa, &pte) != LG_OK)
		return LG_KILLED;
	if (!(pte & _PAGE_PRESENT))
		return LG_GUEST_FAULT;

	/* Present: from here on a refusal is a protection fault. */
	if ((write && !(dir & pte & _PAGE_RW)) ||
	    (user && !(dir & pte & _PAGE_USER)) ||
	    (fetch && ((dir | pte) & LG_NX))) {
		*errcode |= 1;
		return LG_GUEST_FAULT;
	}
	if (((pte & PTE_PFN_MASK) >> PAGE_SHIFT) >= lg->mem_size >> PAGE_SHIFT) {
		u64 gpa = pte & PTE_PFN_MASK;

		if (gpa < lg->mmio_base ||
		    gpa >= (u64)lg->mmio_base + lg->mmio_size) {
			lg_kill(lg, "page table entry for 0x%08x points beyond guest memory (0x%08llx)",
				vaddr, gpa);
			return LG_KILLED;
		}
		mmio = true;
	}
	if (!(dir & _PAGE_ACCESSED))
		lg_write_gentry(lg, dir_gpa, dir | _PAGE_ACCESSED);
	if (!(pte & _PAGE_ACCESSED) || (write && !(pte & _PAGE_DIRTY))) {
		pte |= _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
		lg_write_gentry(lg, pte_gpa, pte);
	}
	*out = lg_limit_pte(pte, dir);
	return mmio ? LG_MMIO : LG_OK;
}

/*
 * Tour 362: Prefetch
 *
 * A fault on one page of a table is seldom alone: a new process touches
 * its program's pages one after another, and Linux maps a file's pages
 * around a fault in one go.  So with the entry that faulted we copy its
 * neighbours in the same guest table, LG_PREFETCH of them, as a TLB may
 * cache any entry the guest left valid.  Only entries the CPU could have
 * used already (present, accessed) to pages we hold pinned: a prefetch
 * never pins, charges, kills or writes guest memory; anything else waits
 * for its own fault.  A changed entry is flushed like any cached one.
 */
#define LG_PREFETCH	16
static bool lg_prefetch_on = true;
module_param_named(prefetch, lg_prefetch_on, bool, 0644);
MODULE_PARM_DESC(prefetch, "copy a faulting entry's valid neighbours too (for comparing: make bench)");

/*
 * Our copy of guest entry g (under directory entry dir), if the CPU could
 * have used g already (present, accessed) and we hold its page pinned;
 * else 0, and a fault will copy it when it is used.
 */
static lg_pte_t lg_valid_copy(struct lguest *lg, lg_pte_t g, lg_pte_t dir)
{
	u64 gpfn = (g & PTE_PFN_MASK) >> PAGE_SHIFT;
	struct page *page;

	if ((g & (_PAGE_PRESENT | _PAGE_ACCESSED)) !=
	    (_PAGE_PRESENT | _PAGE_ACCESSED) ||
	    gpfn >= lg->mem_size >> PAGE_SHIFT)
		return 0;
	page = lg->pages[gpfn];
	if (!page)
		return 0;
	return ((lg_pte_t)page_to_pfn(page) << PAGE_SHIFT) |
	       (lg_limit_pte(g, dir) & (LG_COPY_FLAGS | _PAGE_RW));
}

static void lg_prefetch(struct lguest *lg, u32 vaddr, lg_pte_t *spte,
			const struct lg_gwalk *w)
{
	unsigned int i, at = (vaddr >> PAGE_SHIFT) & (LG_PREFETCH - 1);
	u32 first = ((vaddr >> PAGE_SHIFT) & (LG_PTE_ENTRIES - 1)) - at;
	u32 va0 = (vaddr & PAGE_MASK) - at * PAGE_SIZE;
	lg_pte_t g[LG_PREFETCH], *s = spte - at;

	if (!lg_read_guest(lg, w->table + first * sizeof(lg_pte_t), g, sizeof(g)))
		return;
	for (i = 0; i < LG_PREFETCH; i++) {
		/* The Switcher's pages may share the table: never theirs. */
		if (va0 + i * PAGE_SIZE >= lg_sw.base)
			break;
		if (i == at || (s[i] & _PAGE_PRESENT))
			continue;
		s[i] = lg_valid_copy(lg, g[i], w->dir);
		if (s[i])
			lg->nr_prefetched++;
	}
}

/*
 * Tour 378: Keeping what the guest refused
 *
 * A protection fault the guest must take (a write to a page it shares
 * copy-on-write since a fork, say) reaches us when we hold no copy of the
 * entry: a fork's flush dropped them all, and a new child's entries start
 * unused.  When the Switcher may send such faults straight to the guest
 * (Tour 327), copy the entry as the guest has it and the present entries
 * around it, LG_PREFETCH in all: the next protection fault in the block
 * then never leaves the guest.  As the CPU would for an entry it loads, we
 * set the accessed bit of each entry we copy; that the program has not
 * touched the neighbours yet is all a guest could tell, and Linux only
 * ages its pages by that bit.  Otherwise a prefetch's rules (Tour 362).
 */
static void lg_keep_refused(struct lguest *lg, struct lg_pgdir *pd,
			    u32 vaddr, const struct lg_gwalk *w)
{
	unsigned int i, at = (vaddr >> PAGE_SHIFT) & (LG_PREFETCH - 1);
	u32 first = ((vaddr >> PAGE_SHIFT) & (LG_PTE_ENTRIES - 1)) - at;
	u32 va0 = (vaddr & PAGE_MASK) - at * PAGE_SIZE;
	u64 gpa = w->table + first * sizeof(lg_pte_t);
	lg_pte_t g[LG_PREFETCH], *s;

	if (!lg->pf_on || !lg_prefetch_on || !(w->dir & _PAGE_ACCESSED) ||
	    vaddr >= lg_sw.base)
		return;
	s = lg_pte(lg, pd, vaddr, true);
	if (!s || !lg_read_guest(lg, gpa, g, sizeof(g)))
		return;
	s -= at;
	for (i = 0; i < LG_PREFETCH; i++) {
		if (va0 + i * PAGE_SIZE >= lg_sw.base)
			break;
		if ((s[i] & _PAGE_PRESENT) || !(g[i] & _PAGE_PRESENT))
			continue;
		if (!(g[i] & _PAGE_ACCESSED) &&
		    !lg_write_gentry(lg, gpa + i * sizeof(lg_pte_t),
				     g[i] | _PAGE_ACCESSED))
			continue;
		s[i] = lg_valid_copy(lg, g[i] | _PAGE_ACCESSED, w->dir);
		if (s[i])
			lg->nr_prefetched++;
	}
}

/*
 * Tour 360: Demand faults
 *
 * A page fault the guest may not have caused: map what its page tables
 * (or, before it has any, the identity mapping) say: LG_OK if the guest
 * can go on, LG_GUEST_FAULT if it must take the fault (errcode adjusted),
 * LG_KILLED, or LG_MMIO with the guest-physical address in the device
 * window that the access was for (mmio.c takes it from there).
 */
enum lg_verdict lg_demand_page(struct lguest *lg, u32 vaddr, u32 *errcode,
			       u32 *mmio_gpa)
{
	struct lg_pgdir *pd = lg_cur(lg);
	lg_pte_t gpte, *spte, flags;
	struct lg_gwalk w = { .table = U64_MAX };
	struct page *page;
	enum lg_verdict r;
	u32 gpfn;

	if (pd->gpgdir == LG_IDENTITY) {
		if ((*errcode & 1) || vaddr >= lg->mem_size)
			return LG_GUEST_FAULT;
		gpfn = vaddr >> PAGE_SHIFT;
		flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
			_PAGE_ACCESSED | _PAGE_DIRTY;
	} else {
		r = lg_walk(lg, vaddr, errcode, &gpte, &w);
		if (r == LG_MMIO)
			*mmio_gpa = (gpte & PTE_PFN_MASK) | (vaddr & ~PAGE_MASK);
		if (r == LG_GUEST_FAULT && (*errcode & 1) && w.table != U64_MAX)
			lg_keep_refused(lg, pd, vaddr, &w);
		if (r != LG_OK)
			return r;
		gpfn = (gpte & PTE_PFN_MASK) >> PAGE_SHIFT;
		flags = (gpte & (LG_COPY_FLAGS | _PAGE_RW));
	}

	spte = lg_pte(lg, pd, vaddr, true);
	if (!spte) {
		lg_kill(lg, "out of memory for shadow page tables");
		return LG_KILLED;
	}
	page = lg_guest_page(lg, gpfn);
	if (!page)
		return LG_KILLED;
	*spte = ((lg_pte_t)page_to_pfn(page) << PAGE_SHIFT) | flags;
	if (w.table != U64_MAX && lg_prefetch_on)
		lg_prefetch(lg, vaddr, spte, &w);
	return LG_OK;
}

/*
 * Can the CPU write [vaddr, vaddr + len) in ring 1 through the shadow
 * without faulting (and, if kernel, are none of its pages user pages)?
 * Made so now where the guest's own tables allow it: a direct system
 * call's trap frame (Tour 375) is pushed by the CPU, with nobody to fix a
 * fault on the way.
 */
bool lg_shadow_writable(struct lguest *lg, u32 vaddr, u32 len, bool kernel)
{
	lg_pte_t mask = kernel ? _PAGE_USER : 0;
	u32 va, last = vaddr + len - 1;

	if (!len || last < vaddr || last >= lg_sw.base)
		return false;
	for (va = vaddr & PAGE_MASK;; va += PAGE_SIZE) {
		if (!lg_pte_rw(lg, lg_cur(lg), va, mask)) {
			u32 err = 2, gpa;

			if (lg_demand_page(lg, va, &err, &gpa) != LG_OK ||
			    !lg_pte_rw(lg, lg_cur(lg), va, mask))
				return false;
		}
		if (va == (last & PAGE_MASK))
			return true;
	}
}

/* Where the guest's top-level table for pgdir may be. */
static bool lg_valid_gpgdir(struct lguest *lg, u32 gpgdir)
{
#ifdef CONFIG_X86_PAE
	return !(gpgdir & 31) && gpgdir < lg->mem_size;
#else
	return !(gpgdir & ~PAGE_MASK) && gpgdir < lg->mem_size;
#endif
}

static struct lg_pgdir *lg_find_pgdir(struct lguest *lg, u32 gpgdir)
{
	unsigned int i;

	for (i = 0; i < lg->shadow.n; i++)
		if (lg->shadow.dirs[i].top && lg->shadow.dirs[i].gpgdir == gpgdir)
			return &lg->shadow.dirs[i];
	return NULL;
}

/*
 * LHCALL_NEW_PGTABLE: run on the guest's table at gpgdir from now on.  A
 * kernel like Linux treats loading a page table as flushing the TLB of
 * everything but its global (kernel) mappings, and skips flushes for page
 * tables that are not loaded: it passes flush_below (its user/kernel
 * split) so what we keep of that table's user half is forgotten.  The
 * kernel half stays cached, as global pages would.
 */
void lg_new_pgtable(struct lguest *lg, u32 gpgdir, u32 flush_below)
{
	struct lg_pgdir *pd;
	unsigned int i;
	bool hit;

	if (!lg_valid_gpgdir(lg, gpgdir)) {
		lg_kill(lg, "LHCALL_NEW_PGTABLE: 0x%08x is not a page table in guest memory",
			gpgdir);
		return;
	}
	pd = lg_find_pgdir(lg, gpgdir);
	hit = pd;
	if (hit)
		lg->nr_pgdir_hit++;
	else
		lg->nr_pgdir_miss++;
	if (!pd) {
		/* A free slot, or the next victim in turn (not the current). */
		for (i = 0; i < lg->shadow.n && lg->shadow.dirs[i].top; i++)
			;
		if (i == lg->shadow.n) {
			i = lg->shadow.victim++ % lg->shadow.n;
			if (i == lg->shadow.cur)
				i = lg->shadow.victim++ % lg->shadow.n;
			lg_free_pgdir(lg, &lg->shadow.dirs[i]);
		}
		pd = &lg->shadow.dirs[i];
		if (lg_new_pgdir(lg, pd, gpgdir)) {
			lg_kill(lg, "out of memory for shadow page tables");
			return;
		}
	}
	lg->shadow.cur = pd - lg->shadow.dirs;
	/* A hit the guest lets us keep whole: the cache's real worth. */
	if (hit && !flush_below)
		lg->nr_pgdir_kept++;
	if (flush_below) {
		flush_below = min(flush_below, lg_sw.base);
		if (flush_below != lg->kernel_start) {
			/* A new split: nothing we shared or kept holds. */
			for (i = 0; i < lg->shadow.n; i++)
				if (lg->shadow.dirs[i].top) {
					lg_detach_shared(lg, &lg->shadow.dirs[i]);
					lg_flush_pgdir(lg, &lg->shadow.dirs[i]);
				}
			lg_free_shared(lg);
			lg->kernel_start = flush_below;
		}
		lg_flush_below(lg, pd, lg->kernel_start);
	}
}

/* LHCALL_FLUSH_TLB: forget what we copied, of one table or of all. */
void lg_flush_tlb(struct lguest *lg, bool all)
{
	unsigned int i;

	if (!all) {
		lg_flush_pgdir(lg, lg_cur(lg));
		return;
	}
	for (i = 0; i < lg->shadow.n; i++)
		if (lg->shadow.dirs[i].top)
			lg_flush_pgdir(lg, &lg->shadow.dirs[i]);
}

/*
 * Forget what pd maps in [start, start + len) (below the Switcher): the
 * guest changed an entry above its last level, which covered that much.
 */
static void lg_drop_range(struct lguest *lg, struct lg_pgdir *pd, u32 start,
			  u32 len)
{
	u64 va, end = min_t(u64, (u64)start + len, lg_sw.base);

	for (va = start; va < end; va += LG_PTE_ENTRIES << PAGE_SHIFT) {
		lg_pte_t *spte = lg_pte(lg, pd, va, false);
		unsigned int i, n;

		if (!spte)
			continue;
		n = min_t(u64, LG_PTE_ENTRIES, (end - va) >> PAGE_SHIFT);
		for (i = 0; i < n; i++)
			spte[i] = 0;
	}
}

/* Drop our copy of vaddr's entry at a level of the guest's tables. */
/*
 * Tour 363: Refill on a flush
 *
 * When the guest flushes one entry of the address space it runs, the
 * entry it wrote is usually the one the next access wants: Linux on one
 * CPU puts a copied page's new entry in before it flushes the old one
 * (guest patch 0011), so copying it now spares that access a fault.  The
 * rules are a prefetch's: only what the CPU could use already, to a page
 * we hold pinned; nothing is written to guest memory.
 */
static void lg_refill(struct lguest *lg, struct lg_pgdir *pd, u32 vaddr,
		      lg_pte_t *spte)
{
	lg_pte_t dir, g;
	u64 dir_gpa;

	if (!lg_prefetch_on || pd != lg_cur(lg) ||
	    lg_dir_gpa(lg, pd, vaddr, &dir_gpa) != LG_OK ||
	    lg_read_gentry(lg, dir_gpa, &dir) != LG_OK ||
	    (dir & (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_PSE)) !=
	    (_PAGE_PRESENT | _PAGE_ACCESSED) ||
	    lg_read_gentry(lg, (dir & PTE_PFN_MASK) +
			   ((vaddr >> PAGE_SHIFT) & (LG_PTE_ENTRIES - 1)) *
			   sizeof(lg_pte_t), &g) != LG_OK)
		return;
	*spte = lg_valid_copy(lg, g, dir);
	if (*spte)
		lg->nr_refilled++;
}

static void lg_drop_entry(struct lguest *lg, struct lg_pgdir *pd, u32 vaddr,
			  unsigned int level)
{
	lg_pte_t *spte;
	u32 len;

	if (level == 0) {
		spte = lg_pte(lg, pd, vaddr, false);
		if (spte) {
			*spte = 0;
			lg_refill(lg, pd, vaddr, spte);
		}
		return;
	}
	/* A last-level table's reach, or (PAE) a page directory's: 1 GiB. */
	len = level == 1 ? 1u << LG_PT_SHIFT : 1u << 30;
	lg_drop_range(lg, pd, vaddr & ~(len - 1), len);
}

/*
 * LHCALL_SET_PTE / SET_PMD / SET_PGD: the guest changed the entry for
 * vaddr in its table gpgdir, at the last level (0), the one above (1) or,
 * with PAE, the top (2).  We drop our copy; the next access copies it
 * again.  Kernel addresses (at or above the split a guest gave with
 * LHCALL_NEW_PGTABLE) are mapped the same in all its tables, so every copy
 * we keep of them goes.
 */
void lg_drop_guest_entry(struct lguest *lg, u32 gpgdir, u32 vaddr,
			 unsigned int level)
{
	struct lg_pgdir *pd;
	unsigned int i;

	if (vaddr >= lg_sw.base) {
		lg_kill(lg, "page table update for 0x%08x, which is the Switcher's",
			vaddr);
		return;
	}
	if (lg->kernel_start && vaddr >= lg->kernel_start) {
		for (i = 0; i < lg->shadow.n; i++)
			if (lg->shadow.dirs[i].top)
				lg_drop_entry(lg, &lg->shadow.dirs[i], vaddr, level);
		return;
	}
	pd = lg_find_pgdir(lg, gpgdir);
	if (pd)
		lg_drop_entry(lg, pd, vaddr, level);
}

/*
 * The guest-physical address of a guest virtual one in guest memory, for
 * an access of kind access (a page fault's error code bits: 2 a write, 16
 * a fetch) by the guest kernel: pushing a trap frame, fetching the
 * instruction of a device access.  LG_OK, LG_GUEST_FAULT if it has none,
 * or LG_KILLED (a device window is no memory).  The accessed and dirty
 * bits are set as the CPU would.
 */
enum lg_verdict lg_gva_to_gpa(struct lguest *lg, u32 vaddr, u32 access,
			      u32 *gpa)
{
	enum lg_verdict r;
	u32 errcode = access;
	struct lg_gwalk w;
	lg_pte_t pte;

	if (vaddr >= lg_sw.base)
		return LG_GUEST_FAULT;
	if (lg_cur(lg)->gpgdir == LG_IDENTITY) {
		*gpa = vaddr;
		return vaddr < lg->mem_size ? LG_OK : LG_GUEST_FAULT;
	}
	r = lg_walk(lg, vaddr, &errcode, &pte, &w);
	if (r == LG_MMIO) {
		lg_kill(lg, "0x%08x is in the device window, not memory (%s by the host for the guest)",
			vaddr, access & 16 ? "fetched" : access & 2 ? "written" : "read");
		return LG_KILLED;
	}
	if (r != LG_OK)
		return r;
	*gpa = (pte & PTE_PFN_MASK) | (vaddr & ~PAGE_MASK);
	return LG_OK;
}
