/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of a tiny guest.  The host starts us in ring 1 with paging on,
 * the boot registers of docs/ABI.md and no stack: make one, keep the
 * registers, register lguest_data and run main().
 */
	.text
	.globl	_start
_start:
	movl	$stack_top, %esp
	movl	%eax, boot_eax
	movl	%ebx, boot_ebx
	movl	%ecx, boot_ecx
	movl	%edx, boot_edx
	movl	%esi, boot_esi
	call	guest_main
	pushl	$0
	call	poweroff

	.bss
	.balign	16
	.space	16384
stack_top:
