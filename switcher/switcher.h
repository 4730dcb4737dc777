/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 270: The Switcher's layout, shared with C
 *
 * The layout the Switcher (switcher.S) and the host module (module/) agree
 * on.  The module checks its C structures against these numbers at build
 * time, so the two cannot drift apart silently.
 *
 * Every CPU has two pages, mapped at the same address in the host and in
 * any guest running on that CPU:
 *   the regs page: guest-writable; the guest's registers are saved at its
 *     end (the guest TSS's esp0 is the page's end, so the CPU pushes the
 *     trap frame there and the Switcher pushes the rest below it);
 *   the state page: read-only for the guest: the host's saved state and
 *     the GDT, IDT and TSS the CPU uses while the guest runs.
 * The state page follows its regs page.
 */
#ifndef LGUEST_SWITCHER_H
#define LGUEST_SWITCHER_H

#define SW_MAGIC		0x48435753	/* "SWCH" */
#define SW_PAGE_SIZE		4096
#define SW_PAGE_MASK		(~(SW_PAGE_SIZE - 1))

/* struct lguest_regs, in the order the Switcher pushes and pops it */
#define SW_R_EAX		0
#define SW_R_EBX		4
#define SW_R_ECX		8
#define SW_R_EDX		12
#define SW_R_ESI		16
#define SW_R_EDI		20
#define SW_R_EBP		24
#define SW_R_GS			28
#define SW_R_FS			32
#define SW_R_DS			36
#define SW_R_ES			40
#define SW_R_TRAPNUM		44
#define SW_R_ERRCODE		48
#define SW_R_EIP		52	/* from here on, the CPU's trap frame */
#define SW_R_CS			56
#define SW_R_EFLAGS		60
#define SW_R_ESP		64
#define SW_R_SS			68
#define SW_REGS_SIZE		72
#define SW_REGS_OFF		(SW_PAGE_SIZE - SW_REGS_SIZE)

/* Also in the regs page, far below the stack: written on the way out. */
#define SW_EXIT_CR3		0	/* the shadow the guest left on */
#define SW_FAST_COUNT		4	/* switches made in the Switcher (Tour 325) */
#define SW_PF_COUNT		8	/* page faults sent straight on (Tour 327) */

/* The state page, as offsets from the regs page */
#define SW_STATE		SW_PAGE_SIZE
#define SW_HOST_CR3		0
#define SW_HOST_CR4		4
#define SW_HOST_SP		8
#define SW_GUEST_CR3		12
#define SW_CR4_CLEAR		16	/* CR4 bits the guest must not run with */
#define SW_CR4_PGE		0x80	/* X86_CR4_PGE */
#define SW_NMI_PENDING		20	/* set by the Switcher, read by the host */
#define SW_FAULT		24	/* vector + 1 of a trap inside the Switcher, */
#define SW_FAULT_VM86		0x1000	/* or: this + the vector of a trap from vm86 mode */
#define SW_HOST_LDT		28	/* the host's LDT selector */
/* Descriptor-table pointers: 8-byte slots, the 6-byte operand at +2 */
#define SW_HOST_GDT		32
#define SW_HOST_GDT_RW		40
#define SW_HOST_IDT		48
#define SW_GUEST_GDT		56
#define SW_GUEST_IDT		64
/* Nonzero: "verw" this selector just before entering the guest (MDS) */
#define SW_VERW_SEL		72
/*
 * A user-mode protection fault straight to the guest's handler (Tour 327):
 * where lguest_data is (0: all page faults leave), the handler, the
 * guest's kernel stack (its new %esp and the frame's linear address),
 * eflags bits to set, 1 if the gate turns virtual interrupts off, and the
 * lowest address whose faults must leave (the Switcher's pages).
 */
#define SW_PF_DATA		76
#define SW_PF_EIP		80
#define SW_PF_CS		84
#define SW_PF_SS		88
#define SW_PF_ESP		92
#define SW_PF_FRAME		96
#define SW_PF_FLAGS		100
#define SW_PF_CLEAR_IF		104
#define SW_PF_LIMIT		108
#define SW_PF_FRAME_SIZE	24	/* error code, eip, cs, eflags, esp, ss */
/* lguest_data's first two fields (lguest_abi.h) */
#define SW_DATA_IRQ_ENABLED	0
#define SW_DATA_CR2		4
#define SW_GUEST_TSS		128	/* 104 bytes */
#define SW_GDT_TABLE		256	/* 32 entries */
#define SW_IDT_TABLE		1024	/* 256 entries */
/*
 * The shadows a guest may switch to without leaving the Switcher (Tour
 * 325): SW_FAST_SLOTS pairs of (guest page directory, shadow %cr3), an
 * open-addressed hash table; a %cr3 of 0 is an empty slot.
 */
#define SW_FAST_TABLE		3072
#define SW_FAST_BITS		7
#define SW_FAST_SLOTS		(1 << SW_FAST_BITS)
#define SW_FAST_HASH		0x61C88647	/* as the kernel's hash_32() */

/* Host and guest GDT slots the Switcher relies on (see lguest_abi.h) */
#define SW_GDT_CS		10
#define SW_GDT_DS		11
#define SW_GDT_TSS		16

/*
 * The hypercall the Switcher may answer itself (lguest_abi.h):
 * LHCALL_NEW_PGTABLE, keeping the table whole, with nothing queued.
 */
#define SW_HCALL_TRAP		0x1f	/* LGUEST_TRAP_ENTRY */
#define SW_HCALL_NEW_PGTABLE	4
#define SW_PGTABLE_UNQUEUED	1

/* The blob's header and trap stubs */
#define SW_HDR_MAGIC		0
#define SW_HDR_ENTRY		4	/* offset of switch_to_guest */
#define SW_HDR_STUBS		8	/* offset of the 256 trap stubs */
#define SW_HDR_STUB_SIZE	12
#define SW_HDR_SIZE		16	/* bytes of code */
#define SW_STUB_SIZE		16

/*
 * The exceptions for which the CPU pushes an error code (bit n: vector n):
 * 8, 10-14, 17, 21, 29 and 30.  The trap stubs push a zero for the rest;
 * the host pushes the code again when it passes the trap to the guest.
 */
#define SW_ERRCODE_VECTORS	0x60227d00

#endif
