// SPDX-License-Identifier: GPL-2.0
/*
 * pfdirect: user-mode protection faults straight to our handler, sent by
 * the Switcher without leaving the guest (Tour 327).  We ask for them
 * (LGUEST_FEATURE_DIRECT_PF) and run on page tables of our own whose
 * kernel half, from 1 GiB, is an alias of our memory: the host lets the
 * Switcher store only there, so lguest_data and the kernel stack are named
 * by their aliases.  Our ring-3 code writes a read-only page FAULTS times;
 * each write must reach our handler with the right cr2, error code and
 * frame, virtual interrupts off as the interrupt gate says, and go through
 * once the handler made the page writable; a system call makes it
 * read-only again.  tests/e2e/guests.sh reads the host's counters while we
 * spin at the end: the faults were the Switcher's, not the host's.
 *
 * Built with -DBADDATA (pfdirect-baddata), we name lguest_data by an
 * address outside the kernel half (a user page): the Switcher must not be
 * let near it, so every fault comes through the host, and still works.
 * With -DBADSTACK (hostile-pf-stack), the handler moves its kernel stack
 * outside guest memory after 100 faults: the next fault must not reach
 * it, and the host kills us with a reason.
 */
#include "paging.h"

#define FAULTS	1000
#define KHALF	0x40000000u	/* our kernel half: an alias of 0-4 MiB */

static char kstack[8192] __attribute__((aligned(16)));
static char ustack[8192] __attribute__((aligned(16)));
char target[4096] __attribute__((aligned(4096)));
extern char trap_stubs[];
static struct as a;
static volatile u32 faults, bad;

void user_loop(void);
void user_write(void);
asm(".text\n"
    "user_loop:\n\t"
    "movl $1000, %ecx\n"	/* FAULTS */
    "1:\n"
    ".globl user_write\n"
    "user_write:\n\t"
    "movl $1, target\n\t"
    "movl $1, %eax\n\t"
    "int $0x80\n\t"
    "loop 1b\n\t"
    "movl $2, %eax\n\t"
    "int $0x80\n"
    "2:\tjmp 2b\n");

static void target_writable(int rw)
{
	as_map(&a, (u32)target, (u32)target,
	       PTE_P | PTE_US | PTE_A | (rw ? PTE_RW | PTE_D : 0));
}

static void done(void)
{
	u64 end;

	ok(faults == FAULTS, "%u writes to a read-only page reached our handler (%u)",
	   FAULTS, faults);
	ok(!bad, "each with its cr2, error code 7, eip and flags, virtual interrupts off (%u wrong)",
	   bad);
	printf("pfdirect: faults done\n");
	/* Spin without hypercalls, while the host reads our counters. */
	end = rdtsc() + 2000ull * lguest_data.tsc_khz;
	while (rdtsc() < end)
		;
	finish();
}

int trap_hook(struct frame *f)
{
	if ((f->cs & 3) != 3)
		return 0;
	if (f->vector == 0x80) {
		if (f->eax == 2)
			done();
		target_writable(0);
		return 1;
	}
	if (f->vector != 14)
		return 0;
	faults++;
	if (lguest_data.cr2 != (u32)target || f->err != 7 ||
	    f->eip != (u32)user_write || !(f->eflags & 0x200) ||
	    lguest_data.irq_enabled)
		bad++;
#ifdef BADSTACK
	if (faults == 100) {
		/* Past the end of guest memory: no frame can be pushed there. */
		hcall(LHCALL_SET_STACK, LGUEST_BOOT_DS, boot_ebx + 0x100000, 0);
		return 1;
	}
#endif
	target_writable(1);
	return 1;
}

void guest_main(void)
{
	u32 h = (u32)trap_stubs + 0x80 * 16;

	lguest_data.features = LGUEST_FEATURE_DIRECT_PF;
#ifdef BADDATA
	lguest_data.data_va = (u32)&lguest_data;
#else
	lguest_data.data_va = KHALF + (u32)&lguest_data;
#endif
	lg_init();
	set_all_traps();
	/* A trap gate ring 3 may use, which the CPU takes straight to us. */
	hcall(LHCALL_LOAD_IDT_ENTRY, 0x80, idt_gate_lo(h),
	      (h & 0xffff0000) | 0x8000 | (3 << 13) | (0xF << 8));

	as_create(&a);
	for (u32 pa = 0; pa < (4u << 20); pa += 4096) {
		as_map(&a, pa, pa, PTE_P | PTE_RW | PTE_US);
		as_map(&a, KHALF + pa, pa, PTE_P | PTE_RW);
	}
	target_writable(0);
	/* The kernel half starts at KHALF: LHCALL_NEW_PGTABLE says so. */
	hcall(LHCALL_NEW_PGTABLE, a.top, KHALF, 0);
	lguest_data.irq_enabled = 0x200;
	enter_ring3(user_loop, ustack + sizeof(ustack),
		    (void *)(KHALF + (u32)kstack + sizeof(kstack)));
}
