// SPDX-License-Identifier: GPL-2.0
/*
 * syscall: 10^6 system calls from ring 3 through a trap gate, which the
 * host may let the CPU deliver straight to our ring-1 handler (Tour 375):
 * the host's exit counter must barely move meanwhile (tests/e2e/guests.sh
 * reads it while we spin afterwards).  Built with -DBADSTACK
 * (hostile-syscall-stack), the handler moves its kernel stack outside
 * guest memory after 1000 calls: the next call must not reach it, and the
 * host kills us with a reason.
 */
#include "guest.h"

#define CALLS	1000000

static char kstack[8192] __attribute__((aligned(16)));
static char ustack[8192] __attribute__((aligned(16)));
volatile u32 direct_calls;

void user_loop(void);
void sys_entry(void);
void sys_done(void);
void set_bad_stack(void);

/* Ring 3: CALLS system calls with %eax = 0, then one with %eax = 1. */
asm(".text\n"
    "user_loop:\n\t"
    "movl $1000000, %ecx\n"	/* CALLS */
    "1:\txorl %eax, %eax\n\t"
    "int $0x80\n\t"
    "loop 1b\n\t"
    "movl $1, %eax\n\t"
    "int $0x80\n"
    "2:\tjmp 2b\n");

/* Ring 1, through the trap gate: count, or end (on the kernel stack). */
asm(".text\n"
    "sys_entry:\n\t"
    "cmpl $1, %eax\n\t"
    "je sys_done\n\t"
    "incl direct_calls\n"
#ifdef BADSTACK
    "\tcmpl $1000, direct_calls\n\t"
    "je sys_badstack\n"
#endif
    "\tiret\n");

#ifdef BADSTACK
/* Past the end of guest memory: the CPU cannot push a frame there. */
void set_bad_stack(void)
{
	hcall(LHCALL_SET_STACK, LGUEST_BOOT_DS, boot_ebx + 0x100000, 0);
}

asm(".text\n"
    "sys_badstack:\n\t"
    "pushal\n\t"
    "call set_bad_stack\n\t"
    "popal\n\t"
    "iret\n");
#endif

void sys_done(void)
{
	u64 end;

	ok(direct_calls == CALLS, "%u system calls reached the ring-1 handler (%u)",
	   CALLS, direct_calls);
	printf("syscall: calls done\n");
	/* Spin without hypercalls, while the host reads our exit count. */
	end = rdtsc() + 2000ull * lguest_data.tsc_khz;
	while (rdtsc() < end)
		;
	finish();
}

void guest_main(void)
{
	u32 h = (u32)sys_entry;

	lg_init();
	set_all_traps();
	/* A trap gate (type 0xF) that ring 3 may use (DPL 3). */
	hcall(LHCALL_LOAD_IDT_ENTRY, 0x80, idt_gate_lo(h),
	      (h & 0xffff0000) | 0x8000 | (3 << 13) | (0xF << 8));
	enter_ring3(user_loop, ustack + sizeof(ustack), kstack + sizeof(kstack));
}
