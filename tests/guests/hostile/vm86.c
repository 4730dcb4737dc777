// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: an iret from ring 1 whose eflags has VM set.  A CPU ignores VM
 * outside ring 0, but QEMU's TCG (the rig's CPU) enters virtual-8086 mode,
 * and the next trap reaches the Switcher with a vm86 frame, four words
 * longer than any other: it once triple-faulted the host (found by gfuzz,
 * docs/fuzzing.md).  The host must kill us with a reason instead.  We
 * loop there until a host interrupt stops us, which the host must still
 * handle: once it did not, and the CPU's timer stopped for good (found
 * by devfuzz on the debug host).
 */
#include "guest.h"

void guest_main(void)
{
	/* In vm86 mode, 0x1000:0 is linear 0x10000: "jmp ." */
	*(volatile unsigned char *)0x10000 = 0xeb;
	*(volatile unsigned char *)0x10001 = 0xfe;
	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	asm volatile("pushl $0\n\t"		/* gs */
		     "pushl $0\n\t"		/* fs */
		     "pushl $0\n\t"		/* ds */
		     "pushl $0\n\t"		/* es */
		     "pushl $0x1000\n\t"	/* ss */
		     "pushl $0xff00\n\t"	/* esp */
		     "pushl $0x20202\n\t"	/* eflags: VM, IF */
		     "pushl $0x1000\n\t"	/* cs */
		     "pushl $0\n\t"		/* eip */
		     "iret" ::: "memory");
	poweroff("the iret with eflags.VM came back to ring 1 (a real CPU)");
}
