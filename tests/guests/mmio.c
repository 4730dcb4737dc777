// SPDX-License-Identifier: GPL-2.0
/*
 * mmio: the device window, through our own page tables.  Every form of
 * access Linux's readb/w/l() and writeb/w/l() compile to, with several
 * registers, the byte registers %ah..%bh, SIB addressing and the short
 * forms through %eax with an absolute address.  The launcher
 * (tests/tools/mmiolaunch) answers each read with mmio_pattern() of its
 * address and checks each write carries it; we check each read landed in
 * the right register with the other bits kept, and end by writing how many
 * accesses we made.
 *
 * Built as hostile variants, one forbidden access each: an instruction
 * that is not a mov (MMIO_BADINSN), an access crossing the window's page
 * (MMIO_CROSS), and one from ring 3 (MMIO_USER).
 */
#include "paging.h"
#include "mmio_pattern.h"

#define W(off)	(MMIO_WINDOW + (off))
#define V(off)	((volatile void *)(MMIO_VA + (off)))

#if !defined(MMIO_BADINSN) && !defined(MMIO_CROSS) && !defined(MMIO_USER)
static unsigned int accesses;

/* Writes: the value in the register's low bits, garbage above. */
static void writes(void)
{
	u32 junk = 0xdead0000u;

	asm volatile("movl %0, (%1)" : : "a" (mmio_pattern(W(0x00), 4)), "b" (V(0x00)) : "memory");
	asm volatile("movl %0, 4(%1)" : : "c" (mmio_pattern(W(0x04), 4)), "d" (V(0x00)) : "memory");
	asm volatile("movl %0, (%1,%2,4)" : : "S" (mmio_pattern(W(0x08), 4)), "D" (V(0x00)), "b" (2) : "memory");
	asm volatile("movw %w0, (%1)" : : "d" (junk | mmio_pattern(W(0x10), 2)), "S" (V(0x10)) : "memory");
	asm volatile("movb %b0, (%1)" : : "b" (junk | mmio_pattern(W(0x20), 1)), "c" (V(0x20)) : "memory");
	asm volatile("movb %%ah, (%0)" : : "b" (V(0x21)), "a" (junk | mmio_pattern(W(0x21), 1) << 8) : "memory");
	asm volatile("movb %%dh, 0x1000(%0)" : : "c" (V(0x22)), "d" (junk | mmio_pattern(W(0x1022), 1) << 8) : "memory");
	asm volatile("movl %%eax, 0x50000030" : : "a" (mmio_pattern(W(0x30), 4)) : "memory");
	asm volatile("movb %%al, 0x50000034" : : "a" (junk | mmio_pattern(W(0x34), 1)) : "memory");
	/* Through %ebp and %esp as base registers. */
	asm volatile("pushl %%ebp\n\t"
		     "movl %1, %%ebp\n\t"
		     "movl %0, 0x40(%%ebp)\n\t"
		     "popl %%ebp"
		     : : "a" (mmio_pattern(W(0x40), 4)), "c" (V(0)) : "memory");
	accesses += 10;
}

#define CHECK(got, want, what)	ok((got) == (want), "%s: 0x%08x (want 0x%08x)", what, got, want)

static void reads(void)
{
	u32 keep = 0x12345678u, v;

	asm volatile("movl (%1), %0" : "=a" (v) : "b" (V(0x100)));
	CHECK(v, mmio_pattern(W(0x100), 4), "movl (%ebx), %eax");
	asm volatile("movl 8(%1), %0" : "=D" (v) : "S" (V(0x100)));
	CHECK(v, mmio_pattern(W(0x108), 4), "movl 8(%esi), %edi");
	asm volatile("movl 0x1000(%1,%2,2), %0" : "=c" (v) : "d" (V(0x100)), "b" (6));
	CHECK(v, mmio_pattern(W(0x110c), 4), "movl 0x1000(%edx,%ebx,2), %ecx");
	v = keep;
	asm volatile("movw (%1), %w0" : "+d" (v) : "a" (V(0x120)));
	CHECK(v, (keep & 0xffff0000u) | mmio_pattern(W(0x120), 2), "movw (%eax), %dx keeps the top half");
	v = keep;
	asm volatile("movb (%1), %b0" : "+c" (v) : "S" (V(0x130)));
	CHECK(v, (keep & 0xffffff00u) | mmio_pattern(W(0x130), 1), "movb (%esi), %cl keeps the rest");
	v = keep;
	asm volatile("movb (%1), %%bh" : "+b" (v) : "D" (V(0x131)));
	CHECK(v, (keep & 0xffff00ffu) | mmio_pattern(W(0x131), 1) << 8, "movb (%edi), %bh keeps the rest");
	asm volatile("movl 0x50000140, %%eax" : "=a" (v));
	CHECK(v, mmio_pattern(W(0x140), 4), "movl 0x50000140, %eax (A1)");
	v = keep;
	asm volatile("movb 0x50000144, %%al" : "+a" (v));
	CHECK(v, (keep & 0xffffff00u) | mmio_pattern(W(0x144), 1), "movb 0x50000144, %al (A0)");
	accesses += 8;
}
#endif

#ifdef MMIO_USER
#define USER_CS	((14 << 3) | 3)
#define USER_DS	((15 << 3) | 3)
static char kstack[8192] __attribute__((aligned(16)));
static char ustack[8192] __attribute__((aligned(16)));

void user_code(void);
asm(".text\nuser_code:\n\tmovl 0x50000000, %eax\n1:\tjmp 1b\n");
#endif

void guest_main(void)
{
	struct as a;

	lg_init();
	set_all_traps();
	as_create(&a);
	for (u32 pa = 0; pa < (4u << 20); pa += 4096)
		as_map(&a, pa, pa, PTE_P | PTE_RW | PTE_US);
	for (u32 i = 0; i < MMIO_PAGES; i++)
		as_map(&a, MMIO_VA + 4096 * i, MMIO_WINDOW + 4096 * i, PTE_P | PTE_RW | PTE_US);
	as_switch(&a);
#if defined(MMIO_BADINSN)
	puts("adding to a device register\n");
	asm volatile("addl $1, 0x50000000" : : : "memory");
#elif defined(MMIO_CROSS)
	puts("a device access crossing a page\n");
	asm volatile("movl %%eax, 0x50000ffe" : : "a" (0) : "memory");
#elif defined(MMIO_USER)
	{
		u32 limit = (boot_ebx >> 12) - 1;
		u32 lo = limit & 0xffff, hi = (limit & 0xf0000) | 0x00c00000;

		hcall(LHCALL_LOAD_GDT_ENTRY, 14, lo, hi | 0xfb00);
		hcall(LHCALL_LOAD_GDT_ENTRY, 15, lo, hi | 0xf300);
		hcall(LHCALL_SET_STACK, LGUEST_BOOT_DS, (u32)kstack + sizeof(kstack), 0);
		puts("a device access from ring 3\n");
		asm volatile("movl %0, %%ds\n\tmovl %0, %%es\n\t"
			     "pushl %0\n\tpushl %1\n\tpushfl\n\tpushl %2\n\tpushl %3\n\tiret"
			     : : "r" (USER_DS), "r" ((u32)ustack + sizeof(ustack)),
			       "r" (USER_CS), "r" (user_code) : "memory");
	}
#else
	writes();
	reads();
	/* The count, last: the launcher checks it saw as many. */
	asm volatile("movl %0, (%1)" : : "r" (accesses), "r" (V(MMIO_COUNT)) : "memory");
	finish();
#endif
	poweroff("still alive after a forbidden device access");
}
