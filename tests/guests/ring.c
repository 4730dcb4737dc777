// SPDX-License-Identifier: GPL-2.0
/*
 * ring: we really run in ring 1, started as docs/ABI.md says, and cli/sti
 * cannot touch the real interrupt flag.
 */
#include "guest.h"

#define IF (1u << 9)

static u32 sel(int which)
{
	u32 v = 0;

	switch (which) {
	case 0: asm volatile("mov %%cs, %0" : "=r" (v)); break;
	case 1: asm volatile("mov %%ss, %0" : "=r" (v)); break;
	case 2: asm volatile("mov %%ds, %0" : "=r" (v)); break;
	}
	return v & 0xffff;
}

void guest_main(void)
{
	u32 before, after;

	ok(boot_eax == LGUEST_BOOT_MAGIC, "boot %%eax is LGUEST_BOOT_MAGIC (0x%x)", boot_eax);
	ok(boot_edx == LGUEST_ABI_VERSION, "boot %%edx is the ABI version (%u)", boot_edx);
	ok(boot_ecx && !(boot_ecx & 0xfff), "boot %%ecx is the memory size (%u MiB)", boot_ecx >> 20);
	ok(boot_ebx >= boot_ecx, "boot %%ebx is the Switcher, above our memory (0x%x)", boot_ebx);
	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	ok(lguest_data.switcher_base == boot_ebx &&
	   lguest_data.reserve_mem == 0 - boot_ebx,
	   "lguest_data tells the same Switcher base and reserve (0x%x)", lguest_data.reserve_mem);
	ok((sel(0) & 3) == 1, "code segment privilege level is 1 (cs 0x%x)", sel(0));
	ok(sel(0) == LGUEST_BOOT_CS && sel(1) == LGUEST_BOOT_DS && sel(2) == LGUEST_BOOT_DS,
	   "boot segments are LGUEST_BOOT_CS/DS");
	set_all_traps();

	before = read_eflags();
	ok(before & IF, "real interrupt flag is on");
	ok(!(before & 0x3000), "IOPL is 0");

	EXPECT_TRAP("cli");
	after = read_eflags();
	ok(last_trap.vector == 13 && last_trap.err == 0, "cli raises #GP (vector %u)", last_trap.vector);
	ok(after & IF, "cli did not clear the real interrupt flag");

	last_trap.vector = 0;
	EXPECT_TRAP("sti");
	ok(last_trap.vector == 13, "sti raises #GP too");

	asm volatile("pushl %0; popfl" : : "r" (before & ~IF) : "memory", "cc");
	ok(read_eflags() & IF, "popf cannot clear the real interrupt flag");
	asm volatile("pushl %0; popfl" : : "r" (before | 0x3000) : "memory", "cc");
	ok(!(read_eflags() & 0x3000), "popf cannot raise IOPL");
	finish();
}
