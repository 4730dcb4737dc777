/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 150: The Switcher, carried as data
 *
 * The Switcher (../switcher/switcher.S), assembled on its own, as data.
 */
	.section .rodata, "a"
	.balign 16
	.globl lg_switcher_blob
	.globl lg_switcher_blob_end
lg_switcher_blob:
	.incbin LG_SWITCHER_BIN
lg_switcher_blob_end:
