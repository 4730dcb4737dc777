/* SPDX-License-Identifier: GPL-2.0 */
/* Trap entry stubs for vectors 0-255: build a struct frame, call C. */
	.text
	.altmacro
.macro stub vector
	.balign	16
	.if (\vector == 8) || ((\vector >= 10) && (\vector <= 14)) || (\vector == 17) || (\vector == 21)
	.else
	pushl	$0
	.endif
	pushl	$\vector
	jmp	trap_common
.endm

	.balign	16
	.globl	trap_stubs
trap_stubs:
	.set	v, 0
	.rept	256
	stub	%v
	.set	v, v + 1
	.endr

/*
 * The host pushed eflags with our virtual interrupt flag in it (and turned
 * the flag off for an interrupt gate): turn it back on if it was, right
 * before the iret, inside the window where the host delivers nothing.
 */
trap_common:
	pushal
	pushl	%esp
	call	trap_dispatch
	addl	$4, %esp
	popal
	addl	$8, %esp
	testl	$0x200, 8(%esp)
	jz	noirq_start
	movl	$0x200, lguest_data
	.globl	noirq_start
	.globl	noirq_end
noirq_start:
	iret
noirq_end:
