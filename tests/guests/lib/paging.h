/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building page tables in a tiny guest, in the host's format (two levels,
 * or three with PAE: lguest_data.pae says which).  Tables come from a
 * static pool; addresses are guest-physical == the boot identity map.
 */
#ifndef PAGING_H
#define PAGING_H
#include "guest.h"

#define PTE_P	0x001u
#define PTE_RW	0x002u
#define PTE_US	0x004u
#define PTE_A	0x020u
#define PTE_D	0x040u
#define PTE_PS	0x080u

struct as {
	u32 top;	/* what LHCALL_NEW_PGTABLE takes */
};

void as_create(struct as *as);
/* Map one 4K page (creating tables as needed) with flags. */
void as_map(struct as *as, u32 va, u32 pa, u32 flags);
/* The PTE slot for va: 32 or 64 bits, read/written as a u64. */
u64 as_get(struct as *as, u32 va);
void as_set(struct as *as, u32 va, u64 pte);
/* The same without telling the host (queue LHCALL_SET_PTE yourself). */
void as_set_quiet(struct as *as, u32 va, u64 pte);
/* The directory entry (PDE / PMD) for va. */
u64 as_get_dir(struct as *as, u32 va);
void as_set_dir(struct as *as, u32 va, u64 entry);
void as_switch(struct as *as);

#endif
