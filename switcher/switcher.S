/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 280: The Switcher
 *
 * The Switcher: the few hundred bytes that move a CPU from the host to a
 * guest and back.
 *
 * The host module copies this blob into pages it maps read-only and
 * executable at one address, and maps those pages at the same address in
 * every guest's page tables.  That is what makes the switch possible: we
 * can change %cr3 in the middle of this code and keep running.  The code is
 * position-independent; it finds its data through the per-CPU pages
 * (switcher.h), never through absolute addresses.
 *
 * The journey in:  the host calls switch_to_guest with interrupts off.  We
 * save the host's registers on its stack and its descriptor tables and
 * control registers in the state page, load the guest's GDT, IDT, TSS,
 * CR4 and page tables, pop the guest's registers from the regs page and
 * "iret" into the guest, in ring 1.
 *
 * The journey out: anything that interrupts the guest (a fault, a
 * hypercall, a host interrupt) arrives through the IDT we loaded, whose
 * every entry points at one of the trap stubs below.  The CPU switches to
 * the stack in the guest TSS, which is the end of the regs page, and pushes
 * its trap frame there; the stub pushes the trap number and the rest of the
 * guest's registers, and we undo everything the way in did.  The host's
 * "lcall" returns, and the host reads the trap number from the regs page.
 */
#include "switcher.h"

	.text
	.code32

blob:
	.long	SW_MAGIC
	.long	switch_to_guest - blob
	.long	trap_stubs - blob
	.long	SW_STUB_SIZE
	.long	blob_end - blob

/*
 * switch_to_guest: reached by "pushfl; lcall *entry" from the host with
 * interrupts off and %eax = this CPU's regs page.  Clobbers %ecx, %edx;
 * returns %eax unchanged.
 */
switch_to_guest:
	pushl	%ss
	pushl	%es
	pushl	%ds
	pushl	%gs
	pushl	%fs
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	/* From here on, a trap inside the Switcher can find the way home. */
	movl	%esp, SW_STATE + SW_HOST_SP(%eax)
	sgdt	SW_STATE + SW_HOST_GDT + 2(%eax)
	sidt	SW_STATE + SW_HOST_IDT + 2(%eax)
	movl	%cr3, %edx
	movl	%edx, SW_STATE + SW_HOST_CR3(%eax)
	movl	%cr4, %edx
	movl	%edx, SW_STATE + SW_HOST_CR4(%eax)
	/* The launcher's LDT, if it has one, is nothing the guest may use. */
	sldt	SW_STATE + SW_HOST_LDT(%eax)
	xorl	%edx, %edx
	lldt	%dx

	/*
	 * Move to code and data selectors that mean the same in the host's
	 * GDT and the guest's (entries 10 and 11 of both), so an NMI taken
	 * while we swap the tables returns to a valid %cs.
	 */
	call	1f
1:	popl	%edx
	addl	$(2f - 1b), %edx
	pushl	$(SW_GDT_CS << 3)
	pushl	%edx
	lret
2:	movl	$(SW_GDT_DS << 3), %edx
	movl	%edx, %ds
	movl	%edx, %es

	lidt	SW_STATE + SW_GUEST_IDT + 2(%eax)
	lgdt	SW_STATE + SW_GUEST_GDT + 2(%eax)
	/* ltr refuses a busy TSS; ours was busy since the last run. */
	andb	$0xFD, SW_STATE + SW_GDT_TABLE + SW_GDT_TSS * 8 + 5(%eax)
	movl	$(SW_GDT_TSS << 3), %edx
	ltr	%dx

	/* The guest's registers are the stack now. */
	leal	SW_REGS_OFF(%eax), %esp

	/*
	 * Global TLB entries would survive the %cr3 switch and hand the
	 * guest host mappings: dropping PGE flushes them.  SMEP, SMAP and
	 * UMIP would stop a guest kernel that does not cope with them (ring
	 * 1 is "supervisor") from using its own pages and instructions; the
	 * host says which bits go in cr4_clear.  Each write of CR4 costs a
	 * TLB flush, so none when PGE is still off from the last exit.
	 */
	movl	SW_STATE + SW_HOST_CR4(%eax), %edx
	movl	SW_STATE + SW_CR4_CLEAR(%eax), %ecx
	notl	%ecx
	andl	%edx, %ecx
	cmpl	%edx, %ecx
	je	7f
	movl	%ecx, %cr4
7:	movl	SW_STATE + SW_GUEST_CR3(%eax), %edx
	movl	%edx, %cr3

	/*
	 * On CPUs whose buffers can leak what the host just touched (MDS
	 * and its kin), the host asks for them to be cleared as it does on
	 * its own way to user mode: the memory form of "verw" with a valid
	 * data selector, as late as we can.  What the pops below load is
	 * the guest's own.
	 */
	cmpl	$0, SW_STATE + SW_VERW_SEL(%eax)
	je	3f
	verw	SW_STATE + SW_VERW_SEL(%eax)
3:
	/* Now in the guest's address space: only our pages are the same. */
	popl	%eax
	popl	%ebx
	popl	%ecx
	popl	%edx
	popl	%esi
	popl	%edi
	popl	%ebp
	popl	%gs
	popl	%fs
	popl	%ds
	popl	%es
	addl	$8, %esp		/* trapnum, errcode */
	iret

/*
 * Tour 320: Back out, on a trap
 *
 * Every way out of the guest lands here, on the regs page's stack, with
 * the CPU's trap frame, an error code and the trap number pushed.
 */
guest_exit:
	/*
	 * A guest in virtual-8086 mode: real CPUs never let ring 1 in (iret
	 * ignores eflags.VM outside ring 0), emulators may.  Its trap frame
	 * has four more words, so nothing below would find the registers:
	 * go home and have the host kill it.
	 */
	testl	$0x20000, 16(%esp)
	jnz	vm86_exit
	/* A trap from ring 0 is one inside the Switcher itself. */
	testb	$3, 12(%esp)
	jz	switcher_fault
	pushl	%es
	pushl	%ds
	pushl	%fs
	pushl	%gs
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%edx
	pushl	%ecx
	pushl	%ebx
	pushl	%eax
	/* The guest's segments may not reach our pages: use our own. */
	movl	$(SW_GDT_DS << 3), %edx
	movl	%edx, %ds
	movl	%edx, %es
	leal	-SW_REGS_OFF(%esp), %eax
	/* The guest may have changed address space in here (Tour 325). */
	movl	%cr3, %edx
	movl	%edx, SW_EXIT_CR3(%eax)

	/*
	 * The guest filled the return stack buffer with its own return
	 * addresses; the host's next "ret"s must not be predicted to them.
	 * Overwrite all 32 entries with harmless ones (an int3 stops any
	 * speculation there), as the host kernel does after a VM exit, and
	 * drop the frames.
	 */
	movl	$16, %ecx
4:	call	5f
	int3
5:	call	6f
	int3
6:	decl	%ecx
	jnz	4b
	addl	$(32 * 4), %esp

/* Back to the host, with %eax = the regs page and %ds = our data segment. */
restore_host:
	movl	SW_STATE + SW_HOST_CR3(%eax), %edx
	movl	%edx, %cr3
	/*
	 * The host's CR4 comes back, but PGE alone may stay off: the host
	 * runs correctly without global pages, and the next entry need not
	 * flush again.  The module turns it back on when this task leaves
	 * the CPU or the run loop (Tour 255).
	 */
	movl	%cr4, %ecx
	movl	SW_STATE + SW_HOST_CR4(%eax), %edx
	xorl	%edx, %ecx
	andl	$~SW_CR4_PGE, %ecx
	jz	8f
	movl	%edx, %cr4
8:
	/*
	 * The host's TSS descriptor is busy, and its everyday GDT is a
	 * read-only alias: clear the busy bit and load TR through the
	 * writable GDT, then put the read-only one back, as the host itself
	 * does.
	 */
	lgdt	SW_STATE + SW_HOST_GDT_RW + 2(%eax)
	movl	SW_STATE + SW_HOST_GDT_RW + 4(%eax), %edx
	andb	$0xFD, SW_GDT_TSS * 8 + 5(%edx)
	movl	$(SW_GDT_TSS << 3), %edx
	ltr	%dx
	lgdt	SW_STATE + SW_HOST_GDT + 2(%eax)
	lldt	SW_STATE + SW_HOST_LDT(%eax)
	/* The host's stack before its IDT: host handlers need a real stack. */
	movl	SW_STATE + SW_HOST_SP(%eax), %esp
	lidt	SW_STATE + SW_HOST_IDT + 2(%eax)
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	popl	%fs
	popl	%gs
	popl	%ds
	popl	%es
	popl	%ss
	iret				/* to the host's lcall, %cs and flags too */

/*
 * Tour 325: Switching address spaces without leaving
 *
 * A Linux guest changes address space at every process switch, with
 * LHCALL_NEW_PGTABLE.  Most of the time it switches back to a table whose
 * shadow the host still holds and whose user half it may keep (the guest
 * changed nothing there since it left), with no queued calls waiting:
 * then all the host would do is load another %cr3.  The host lists those
 * shadows in this CPU's state page, which the guest cannot write (Tour
 * 364), with this CPU's pages mapped in each; here we look the guest's
 * table up and switch, and "iret" straight back.  Anything else, or a
 * table not listed, leaves as any hypercall does.  On the way out, the
 * %cr3 the guest left on tells the host where it went.  The call's own
 * %ecx and %edx are known values, so they are our scratch registers.
 */
hcall_stub:
	cmpl	$SW_HCALL_NEW_PGTABLE, %eax
	jne	hcall_exit
	testl	%ecx, %ecx
	jnz	hcall_exit
	cmpl	$SW_PGTABLE_UNQUEUED, %edx
	jne	hcall_exit
	/* Only from ring 1, and never vm86 (guest_exit sorts those out). */
	testl	$0x20000, 8(%esp)
	jnz	hcall_exit
	testb	$3, 4(%esp)
	jz	hcall_exit
	/* The guest's %ds may be anything: %ss is ours. */
	movl	%esp, %edx
	andl	$SW_PAGE_MASK, %edx
	imull	$SW_FAST_HASH, %ebx, %eax
	shrl	$(32 - SW_FAST_BITS), %eax
	movl	$SW_FAST_SLOTS, %ecx
1:	cmpl	$0, %ss:SW_STATE + SW_FAST_TABLE + 4(%edx, %eax, 8)
	je	hcall_miss
	cmpl	%ebx, %ss:SW_STATE + SW_FAST_TABLE(%edx, %eax, 8)
	je	2f
	incl	%eax
	andl	$(SW_FAST_SLOTS - 1), %eax
	decl	%ecx
	jnz	1b
	jmp	hcall_miss
2:	movl	%ss:SW_STATE + SW_FAST_TABLE + 4(%edx, %eax, 8), %eax
	movl	%eax, %cr3
	/* Only a count for the host's statistics: the guest could write it. */
	incl	%ss:SW_FAST_COUNT(%edx)
	xorl	%eax, %eax
	xorl	%ecx, %ecx
	movl	$SW_PGTABLE_UNQUEUED, %edx
	iret
hcall_miss:
	movl	$SW_HCALL_NEW_PGTABLE, %eax
	xorl	%ecx, %ecx
	movl	$SW_PGTABLE_UNQUEUED, %edx
hcall_exit:
	pushl	$0
	pushl	$SW_HCALL_TRAP
	jmp	guest_exit

/*
 * Tour 327: Page faults that are the guest's own
 *
 * A page fault in the guest's user mode on a page that is present in the
 * shadow is a protection fault (a write to a read-only page, a user
 * touching a kernel page): for a guest that asked for this
 * (LGUEST_FEATURE_DIRECT_PF) and keeps every entry we copied no more
 * permissive than its own, it is the guest's, and the host would only
 * pass it on, as the CPU would have: write cr2 and the virtual interrupt
 * flag into lguest_data, push the frame on the guest's kernel stack and
 * go to its handler.  We do that here, without the two world switches.
 * The host checks everything we use before each entry (Tour 376): the
 * handler is a ring-1 gate, and lguest_data and the frame's 24 bytes are
 * writable kernel pages in every shadow the guest may be on, so none of
 * our stores can fault.  Faults on pages not present (which may be ours
 * to fill), from ring 1, from vm86 or on our own pages leave as before.
 */
pf_stub:
	pushl	%eax
	pushl	%ecx
	pushl	%edx
	pushl	%ebx
	/* Now 16(%esp): error code, then eip, cs, eflags, esp and ss. */
	movl	%esp, %edx
	andl	$SW_PAGE_MASK, %edx
	movl	%ss:SW_STATE + SW_PF_DATA(%edx), %ecx
	testl	%ecx, %ecx
	jz	pf_leave
	testb	$1, 16(%esp)
	jz	pf_leave
	testl	$0x20000, 28(%esp)
	jnz	pf_leave
	movl	24(%esp), %eax
	andl	$3, %eax
	cmpl	$3, %eax
	jne	pf_leave
	movl	%cr2, %eax
	cmpl	%ss:SW_STATE + SW_PF_LIMIT(%edx), %eax
	jae	pf_leave

	/* The guest's %ds is its own: every store below goes through %ss. */
	movl	%eax, %ss:SW_DATA_CR2(%ecx)
	movl	%ss:SW_STATE + SW_PF_FRAME(%edx), %ebx
	movl	16(%esp), %eax
	movl	%eax, %ss:0(%ebx)
	movl	20(%esp), %eax
	movl	%eax, %ss:4(%ebx)
	movl	24(%esp), %eax
	movl	%eax, %ss:8(%ebx)
	/* The flags it sees carry its virtual interrupt flag. */
	movl	28(%esp), %eax
	andl	$~0x200, %eax
	testl	$0x200, %ss:SW_DATA_IRQ_ENABLED(%ecx)
	jz	1f
	orl	$0x200, %eax
1:	movl	%eax, %ss:12(%ebx)
	movl	32(%esp), %eax
	movl	%eax, %ss:16(%ebx)
	movl	36(%esp), %eax
	movl	%eax, %ss:20(%ebx)
	cmpl	$0, %ss:SW_STATE + SW_PF_CLEAR_IF(%edx)
	je	2f
	movl	$0, %ss:SW_DATA_IRQ_ENABLED(%ecx)
2:
	/*
	 * Our own frame becomes the way into the handler: the real
	 * interrupt flag stays on (host interrupts must still stop the
	 * guest), trap, nested-task and resume flags go, as the CPU would.
	 */
	movl	%ss:SW_STATE + SW_PF_EIP(%edx), %eax
	movl	%eax, 20(%esp)
	movl	%ss:SW_STATE + SW_PF_CS(%edx), %eax
	movl	%eax, 24(%esp)
	movl	28(%esp), %eax
	andl	$~0x14100, %eax
	orl	%ss:SW_STATE + SW_PF_FLAGS(%edx), %eax
	orl	$0x200, %eax
	movl	%eax, 28(%esp)
	movl	%ss:SW_STATE + SW_PF_ESP(%edx), %eax
	movl	%eax, 32(%esp)
	movl	%ss:SW_STATE + SW_PF_SS(%edx), %eax
	movl	%eax, 36(%esp)
	/* Only a count for the host's statistics, as SW_FAST_COUNT. */
	incl	%ss:SW_PF_COUNT(%edx)
	popl	%ebx
	popl	%edx
	popl	%ecx
	popl	%eax
	addl	$4, %esp		/* the error code */
	iret
pf_leave:
	popl	%ebx
	popl	%edx
	popl	%ecx
	popl	%eax
	pushl	$14
	jmp	guest_exit

/*
 * A trap taken in ring 0 while our IDT is loaded: never expected (we run
 * with interrupts off and do not fault), but if it happens we record it
 * and go home; the host kills the guest rather than the machine.
 */
switcher_fault:
	movl	(%esp), %edx
	incl	%edx
	jmp	record_fault

/*
 * A vm86 trap frame (guest_exit): the same way home, with its own code and
 * the vector, which may be a host interrupt the host must still handle.
 */
vm86_exit:
	movl	(%esp), %edx
	orl	$SW_FAULT_VM86, %edx

/* %edx: what to tell the host in SW_FAULT; then home. */
record_fault:
	call	find_state
	call	write_protect_off
	movl	%edx, %ss:SW_FAULT(%eax)
	call	write_protect_on
	subl	$SW_STATE, %eax
	movl	$(SW_GDT_DS << 3), %edx
	movl	%edx, %ds
	movl	%edx, %es
	jmp	restore_host

/*
 * An NMI.  From the guest it leaves like any trap and the host passes it
 * to its own handler.  Inside the Switcher (ring 0, our IDT loaded) we
 * cannot stop: note it in the state page, where the guest cannot forge it,
 * and the host delivers it as soon as we are back.
 */
nmi_stub:
	testb	$3, 4(%esp)
	jz	1f
	pushl	$0
	pushl	$2
	jmp	guest_exit
1:	pushl	%eax
	pushl	%edx
	call	find_state
	call	write_protect_off
	movl	$1, %ss:SW_NMI_PENDING(%eax)
	call	write_protect_on
	popl	%edx
	popl	%eax
	iret

/*
 * find_state: %eax = this CPU's state page, found through the IDT
 * register, since inside the Switcher %esp may be on either stack.
 */
find_state:
	subl	$8, %esp
	sidt	2(%esp)
	movl	4(%esp), %eax
	addl	$8, %esp
	subl	$SW_IDT_TABLE, %eax
	ret

/* The state page is read-only in the guest's page tables, even to us. */
write_protect_off:
	pushl	%ecx
	movl	%cr0, %ecx
	andl	$~0x10000, %ecx
	movl	%ecx, %cr0
	popl	%ecx
	ret

write_protect_on:
	pushl	%ecx
	movl	%cr0, %ecx
	orl	$0x10000, %ecx
	movl	%ecx, %cr0
	popl	%ecx
	ret

/*
 * 256 trap stubs, SW_STUB_SIZE bytes apart.  The CPU pushes an error code
 * for some exceptions only; the others get a zero so the frame is always
 * the same shape.
 */
	.balign	SW_STUB_SIZE
trap_stubs:
	.set	vec, 0
	.rept	256
	.balign	SW_STUB_SIZE
	.if vec == 2
	jmp	nmi_stub
	.elseif vec == 14
	jmp	pf_stub
	.elseif vec == SW_HCALL_TRAP
	jmp	hcall_stub
	.else
	.if (vec >= 32) || (((SW_ERRCODE_VECTORS >> (vec & 31)) & 1) == 0)
	pushl	$0
	.endif
	pushl	$vec
	jmp	guest_exit
	.endif
	.set	vec, vec + 1
	.endr

	.balign	SW_STUB_SIZE
blob_end:
