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

trap_common:
	pushal
	pushl	%esp
	call	trap_dispatch
	addl	$4, %esp
	popal
	addl	$8, %esp
	iret
