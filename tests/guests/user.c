// SPDX-License-Identifier: GPL-2.0
/*
 * user: ring 3.  With user segments of our own and a kernel stack set by
 * LHCALL_SET_STACK, we "iret" into ring-3 code, which makes system calls
 * (int $0x80) and a privileged instruction: each reaches our ring-1
 * handler on the kernel stack, with the user's cs, ss and esp pushed.
 */
#include "guest.h"

static char kstack[8192] __attribute__((aligned(16)));
static char ustack[8192] __attribute__((aligned(16)));
static volatile u32 calls, user_cs, user_ss, user_esp, gp_from_user, on_kstack;

void user_code(void);
asm(".text\n"
    "user_code:\n\t"
    "movl %cs, %ebx\n\t"
    "movl $1, %eax\n\t"
    "int $0x80\n\t"		/* a system call, with our cs in %ebx */
    "cli\n\t"			/* a #GP, which the kernel skips */
    "movl $2, %eax\n\t"
    "int $0x80\n\t"		/* the end: the kernel does not return */
    "1: jmp 1b\n");

int trap_hook(struct frame *f)
{
	u32 *above = (u32 *)(f + 1);	/* the user's esp and ss */
	u32 here = (u32)&here;

	if ((f->cs & 3) != 3)
		return 0;
	on_kstack = here > (u32)kstack && here < (u32)kstack + sizeof(kstack);
	user_cs = f->cs;
	user_esp = above[0];
	user_ss = above[1];
	if (f->vector == 13) {
		gp_from_user = 1;
		f->eip += 1;	/* cli */
		return 1;
	}
	if (f->vector != 0x80)
		return 0;
	calls++;
	if (f->eax == 1) {
		ok(f->ebx == USER_CS, "ring-3 code runs with its user cs (0x%x)", f->ebx);
		return 1;
	}
	ok(calls == 2, "two system calls reached the kernel (%u)", calls);
	ok(user_cs == USER_CS && user_ss == USER_DS, "the user's cs and ss were pushed (0x%x 0x%x)",
	   user_cs, user_ss);
	ok(user_esp > (u32)ustack && user_esp <= (u32)ustack + sizeof(ustack),
	   "the user's esp was pushed (0x%x)", user_esp);
	ok(on_kstack, "the handler ran on the kernel stack from LHCALL_SET_STACK");
	ok(gp_from_user, "a privileged instruction in ring 3 reached the kernel as #GP");
	finish();
}

void guest_main(void)
{
	lg_init();
	set_all_traps();
	set_trap(0x80);
	enter_ring3(user_code, ustack + sizeof(ustack), kstack + sizeof(kstack));
}
