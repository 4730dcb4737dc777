// SPDX-License-Identifier: GPL-2.0
/*
 * hostcr4: a guest that says it can run under the host's SMEP, SMAP and
 * UMIP (LGUEST_FEATURE_HOST_CR4).  On the boot identity map nothing
 * changes; on its own page tables the host's bits stay on: a ring-1 read
 * or write of a user page with EFLAGS.AC clear still works (the host turns
 * AC on), traps the host delivers start with AC on, and sgdt faults where
 * the CPU has UMIP.  Built with -DSMEP, it executes a user page in ring 1,
 * which must kill it.
 */
#include "paging.h"

#define LOW	(8u << 20)	/* below and at it we map supervisor, 1:1 */
#define VA_U	0x40000000u	/* a user page, at physical LOW */
#define EFLAGS_AC 0x40000u

static struct as as;
static volatile u32 trap_ac, traps_seen;
static struct {
	unsigned short limit;
	u32 base;
} __attribute__((packed)) gdtr;

int trap_hook(struct frame *f)
{
	if (f->vector == 3) {
		trap_ac = read_eflags() & EFLAGS_AC;
		traps_seen++;
		return 1;
	}
	return 0;
}

static void cpuid7(u32 *ebx, u32 *ecx)
{
	u32 eax = 0, edx;

	asm volatile("cpuid" : "+a" (eax), "=b" (*ebx), "=c" (*ecx), "=d" (edx) : "2" (0));
	if (eax < 7) {
		*ebx = *ecx = 0;
		return;
	}
	eax = 7;
	asm volatile("cpuid" : "+a" (eax), "=b" (*ebx), "=c" (*ecx), "=d" (edx) : "2" (0));
}

static inline void clear_ac(void)
{
	asm volatile("pushfl; andl %0, (%%esp); popfl" : : "i" (~EFLAGS_AC) : "memory", "cc");
}

/* Does sgdt trap?  1 if it did (a #GP), 0 if it stored the GDT. */
static int sgdt_traps(void)
{
	u32 before = last_trap.count;

	/* EXPECT_TRAP, with gdtr as an operand. */
	asm volatile("movl $1f, resume_eip\n\tsgdt %0\n1:" : "=m" (gdtr) : : "memory");
	resume_eip = 0;
	return last_trap.count != before && last_trap.vector == 13;
}

void guest_main(void)
{
	u32 ebx, ecx, smap, umip, v;

	lguest_data.features = LGUEST_FEATURE_HOST_CR4;
	lg_init();
	set_all_traps();
	cpuid7(&ebx, &ecx);
	smap = (ebx >> 20) & 1;
	umip = (ecx >> 2) & 1;
	printf("# host CPU: SMEP %u, SMAP %u, UMIP %u\n", (ebx >> 7) & 1, smap, umip);

	/* The identity map marks every page user: the old rules hold. */
	asm volatile("int3");
	ok(traps_seen == 1 && !trap_ac, "on the identity map, a delivered trap starts with AC clear");
	ok(!sgdt_traps(), "on the identity map, sgdt works (UMIP is off)");

	as_create(&as);
	for (u32 pa = 0; pa < LOW; pa += 4096)
		as_map(&as, pa, pa, PTE_P | PTE_RW);
	as_map(&as, LOW, LOW, PTE_P | PTE_RW);
	as_map(&as, VA_U, LOW, PTE_P | PTE_RW | PTE_US);
	*(volatile u32 *)LOW = 0x5ca1ab1e;
#ifdef SMEP
	*(volatile uint8_t *)LOW = 0xc3;	/* ret */
	as_switch(&as);
	puts("calling a user page from ring 1\n");
	((void (*)(void))VA_U)();
	poweroff("still alive after executing a user page");
#endif
	as_switch(&as);

	clear_ac();
	v = *(volatile u32 *)VA_U;
	ok(v == 0x5ca1ab1e, "a ring-1 read of a user page with AC clear works (0x%x)", v);
	ok(!!(read_eflags() & EFLAGS_AC) == (int)smap,
	   "AC is %s after it (the host %s)", smap ? "on" : "off",
	   smap ? "kept SMAP and turned AC on" : "CPU has no SMAP");
	clear_ac();
	*(volatile u32 *)VA_U = 0xfeedface;
	ok(*(volatile u32 *)LOW == 0xfeedface, "a ring-1 write of a user page with AC clear works");

	clear_ac();
	asm volatile("int3");
	ok(traps_seen == 2 && trap_ac, "on its own tables, a delivered trap starts with AC on");
	ok(sgdt_traps() == (int)umip, "on its own tables, sgdt %s", umip ? "faults (the host kept UMIP)" : "works (no UMIP)");
	finish();
}
