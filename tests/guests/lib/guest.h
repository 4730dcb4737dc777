/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny freestanding lguest guest's runtime, written against
 * docs/ABI.md and lguest_abi.h alone.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include <stddef.h>
#include <lguest_abi.h>

typedef uint32_t u32;
typedef uint64_t u64;

/* What the host gave us at boot (start.S). */
extern u32 boot_eax, boot_ebx, boot_ecx, boot_edx, boot_esi;
extern struct lguest_data lguest_data;

static inline u32 hcall(u32 call, u32 a1, u32 a2, u32 a3)
{
	asm volatile("int $0x1f"
		     : "+a" (call)
		     : "b" (a1), "c" (a2), "d" (a3)
		     : "memory");
	return call;
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return ((u64)hi << 32) | lo;
}

static inline u32 read_eflags(void)
{
	u32 f;

	asm volatile("pushfl; popl %0" : "=r" (f));
	return f;
}

/* Queue a call in lguest_data's async ring; it runs at our next exit. */
void async_hcall(u32 call, u32 a1, u32 a2, u32 a3);

/* Console */
void puts(const char *s);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern int failures;

/* Power off with a reason; never returns. */
void __attribute__((noreturn)) poweroff(const char *reason);
/* Ends the test: "PASS" or "FAIL" and power off. */
void __attribute__((noreturn)) finish(void);

/* Traps: a frame as our entry stubs (traps.S) leave it. */
struct frame {
	u32 edi, esi, ebp, esp0, ebx, edx, ecx, eax;
	u32 vector, err;
	u32 eip, cs, eflags;
};

/* A test's own first look at every trap: return 1 if it handled it. */
int trap_hook(struct frame *f);

/* Install our stub for vector as a ring-1 interrupt gate. */
void set_trap(unsigned int vector);
void set_all_traps(void);
u32 idt_gate_lo(u32 handler);
u32 idt_gate_hi(u32 handler);

/* The last trap the handler saw. */
struct trap_record {
	u32 count, vector, err, eip, cr2;
};
extern volatile struct trap_record last_trap;
/*
 * Where the handler resumes after a fault: set by EXPECT_TRAP just before
 * the faulting instruction, so the handler need not decode it.
 */
extern volatile u32 resume_eip;
#define EXPECT_TRAP(insn) \
	asm volatile("movl $1f, resume_eip\n\t" insn "\n1:" \
		     ::: "memory", "eax", "ecx", "edx", "cc")

/*
 * Ring 3 for the rest of this run: flat user segments in GDT entries 14
 * (code) and 15 (data), the kernel stack ring-3 traps land on, then
 * "iret" to entry on ustack_top.
 */
#define USER_CS	((14 << 3) | 3)
#define USER_DS	((15 << 3) | 3)
void __attribute__((noreturn)) enter_ring3(void (*entry)(void), void *ustack_top,
					   void *kstack_top);

/* LHCALL_LGUEST_INIT, with our no-interrupt window (traps.S) registered. */
void lg_init(void);
/* Our handler for irq n (vector LGUEST_IRQ_BASE + n); set_trap() it. */
void irq_handler(unsigned int irq);

static inline void irqs_on(void)
{
	lguest_data.irq_enabled = 0x200;
	if (lguest_data.irq_pending)
		hcall(LHCALL_SEND_INTERRUPTS, 0, 0, 0);
}

static inline void irqs_off(void)
{
	lguest_data.irq_enabled = 0;
}

/* Busy-wait ms milliseconds by the TSC, making exits to the host. */
void spin_ms(u32 ms);

/* A small deterministic PRNG. */
u32 rand32(void);
void srand32(u32 seed);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
