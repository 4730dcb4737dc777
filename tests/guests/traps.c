// SPDX-License-Identifier: GPL-2.0
/*
 * traps: exceptions reach our own handlers through our IDT with the right
 * vector, error code and (for page faults) address; privileged
 * instructions never reach the hardware.
 */
#include "guest.h"

u32 scratch[2];

static void expect(u32 vector, u32 err, const char *what)
{
	ok(last_trap.vector == vector && last_trap.err == err,
	   "%s: vector %u error 0x%x (got vector %u error 0x%x)", what, vector, err,
	   last_trap.vector, last_trap.err);
	last_trap.vector = 0xffff;
	last_trap.err = 0xffff;
}

void guest_main(void)
{
	u32 unmapped, count;

	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	set_all_traps();

	EXPECT_TRAP("xorl %%ecx, %%ecx; divl %%ecx");
	expect(0, 0, "divide error");
	EXPECT_TRAP("ud2");
	expect(6, 0, "invalid opcode");
	count = last_trap.count;
	asm volatile("int3; 1: movl $1b, %0" : "=m" (resume_eip));
	ok(last_trap.vector == 3 && last_trap.count == count + 1 &&
	   last_trap.eip == resume_eip, "int3: vector 3, eip after the int3");
	resume_eip = 0;
	last_trap.vector = 0xffff;

	/* Privileged or I/O instructions: a #GP each, never the hardware. */
	EXPECT_TRAP("hlt");
	expect(13, 0, "hlt");
	EXPECT_TRAP("lgdt scratch");
	expect(13, 0, "lgdt");
	EXPECT_TRAP("lidt scratch");
	expect(13, 0, "lidt");
	EXPECT_TRAP("movl %%eax, %%cr3");
	expect(13, 0, "mov to %cr3");
	EXPECT_TRAP("movl %%cr0, %%eax");
	expect(13, 0, "mov from %cr0");
	EXPECT_TRAP("movl %%eax, %%dr7");
	expect(13, 0, "mov to %dr7");
	EXPECT_TRAP("inb $0x80, %%al");
	expect(13, 0, "in from port 0x80");
	EXPECT_TRAP("outb %%al, $0x80");
	expect(13, 0, "out to port 0x80");
	EXPECT_TRAP("movl $0x10, %%ecx; rdmsr");
	expect(13, 0, "rdmsr");
	EXPECT_TRAP("xorl %%eax, %%eax; xorl %%edx, %%edx; movl $0x174, %%ecx; wrmsr");
	expect(13, 0, "wrmsr SYSENTER_CS");
	EXPECT_TRAP("wbinvd");
	expect(13, 0, "wbinvd");
	EXPECT_TRAP("invlpg scratch");
	expect(13, 0, "invlpg");
	EXPECT_TRAP("clts");
	expect(13, 0, "clts");
	EXPECT_TRAP("int $0x20");
	expect(13, (0x20 << 3) | 2, "int $0x20 (a gate we may not use)");

	/* Between our RAM and the Switcher: nothing is mapped. */
	unmapped = boot_ecx + (boot_ebx - boot_ecx) / 2;
	unmapped &= ~0xfffu;
	lguest_data.cr2 = 0;
	asm volatile("movl $1f, resume_eip\n\tmovl (%0), %%eax\n1:"
		     : : "r" (unmapped) : "eax", "memory");
	expect(14, 0, "read of an unmapped page");
	ok(last_trap.cr2 == unmapped, "page fault address 0x%x (got 0x%x)", unmapped, last_trap.cr2);
	asm volatile("movl $1f, resume_eip\n\tmovl %%eax, 8(%0)\n1:"
		     : : "r" (unmapped) : "memory");
	expect(14, 2, "write to an unmapped page");
	ok(last_trap.cr2 == unmapped + 8, "page fault address 0x%x (got 0x%x)", unmapped + 8,
	   last_trap.cr2);
	finish();
}
