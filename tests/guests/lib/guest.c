// SPDX-License-Identifier: GPL-2.0
/* The tiny guests' runtime: console, traps, power off. */
#include <stdarg.h>
#include "guest.h"

u32 boot_eax, boot_ebx, boot_ecx, boot_edx, boot_esi;
/* One page, so it never straddles two; no queued async calls at first. */
struct lguest_data lguest_data __attribute__((aligned(4096))) = {
	.hcall_status = { [0 ... LHCALL_RING_SIZE - 1] = 0xff },
};
static unsigned int next_async;

void async_hcall(u32 call, u32 a1, u32 a2, u32 a3)
{
	unsigned int i = next_async;

	/* A full ring: let the host run it. */
	while (lguest_data.hcall_status[i] != 0xff)
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	lguest_data.hcalls[i].call = call;
	lguest_data.hcalls[i].arg1 = a1;
	lguest_data.hcalls[i].arg2 = a2;
	lguest_data.hcalls[i].arg3 = a3;
	asm volatile("" ::: "memory");
	lguest_data.hcall_status[i] = 0;
	next_async = (i + 1) % LHCALL_RING_SIZE;
}
int failures;
volatile struct trap_record last_trap;
volatile u32 resume_eip;
extern char trap_stubs[];

static char line[LGUEST_CONSOLE_MAX];
static unsigned int used;

static void flush(void)
{
	if (used)
		hcall(LHCALL_CONSOLE_WRITE, (u32)line, used, 0);
	used = 0;
}

static void putc(char c)
{
	line[used++] = c;
	if (c == '\n' || used == sizeof(line))
		flush();
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void put_u64(u64 v, unsigned int base, int width)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		buf[n++] = '0';
	while (n)
		putc(buf[--n]);
}

static void vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, longlong = 0;

		if (*fmt != '%') {
			putc(*fmt);
			continue;
		}
		fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l') {
			longlong++;
			fmt++;
		}
		switch (*fmt) {
		case 'u':
			put_u64(longlong == 2 ? va_arg(ap, u64) : va_arg(ap, u32), 10, width);
			break;
		case 'x':
			put_u64(longlong == 2 ? va_arg(ap, u64) : va_arg(ap, u32), 16, width);
			break;
		case 's':
			puts(va_arg(ap, const char *));
			break;
		default:
			putc(*fmt);
		}
	}
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	puts(cond ? "ok - " : "not ok - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putc('\n');
	if (!cond)
		failures++;
}

void poweroff(const char *reason)
{
	flush();
	hcall(LHCALL_SHUTDOWN, (u32)reason, LGUEST_SHUTDOWN_POWEROFF, 0);
	for (;;)
		;
}

void finish(void)
{
	puts(failures ? "GUEST: FAIL\n" : "GUEST: PASS\n");
	poweroff(failures ? "fail" : "pass");
}

u32 idt_gate_lo(u32 handler)
{
	return ((u32)LGUEST_BOOT_CS << 16) | (handler & 0xffff);
}

u32 idt_gate_hi(u32 handler)
{
	/* present, DPL 1, 32-bit interrupt gate */
	return (handler & 0xffff0000) | 0x8000 | (1 << 13) | (0xE << 8);
}

void set_trap(unsigned int vector)
{
	u32 h = (u32)trap_stubs + vector * 16;

	hcall(LHCALL_LOAD_IDT_ENTRY, vector, idt_gate_lo(h), idt_gate_hi(h));
}

void set_all_traps(void)
{
	for (unsigned int v = 0; v < 32; v++)
		if (v != 2)
			set_trap(v);
}

void enter_ring3(void (*entry)(void), void *ustack_top, void *kstack_top)
{
	u32 limit = (boot_ebx >> 12) - 1;
	u32 lo = limit & 0xffff, hi = (limit & 0xf0000) | 0x00c00000;

	hcall(LHCALL_LOAD_GDT_ENTRY, 14, lo, hi | 0xfb00);	/* DPL 3 code */
	hcall(LHCALL_LOAD_GDT_ENTRY, 15, lo, hi | 0xf300);	/* DPL 3 data */
	hcall(LHCALL_SET_STACK, LGUEST_BOOT_DS, (u32)kstack_top, 0);
	asm volatile("movl %0, %%ds\n\t"
		     "movl %0, %%es\n\t"
		     "pushl %0\n\t"
		     "pushl %1\n\t"
		     "pushfl\n\t"
		     "pushl %2\n\t"
		     "pushl %3\n\t"
		     "iret"
		     : : "r" (USER_DS), "r" (ustack_top), "r" (USER_CS),
		       "r" (entry) : "memory");
	__builtin_unreachable();
}

extern char noirq_start[], noirq_end[];

void lg_init(void)
{
	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	lguest_data.noirq_start = (u32)noirq_start;
	lguest_data.noirq_end = (u32)noirq_end;
}

void __attribute__((weak)) irq_handler(unsigned int irq)
{
	printf("not ok - unexpected interrupt %u\n", irq);
	failures++;
}

int __attribute__((weak)) trap_hook(struct frame *f)
{
	(void)f;
	return 0;
}

void trap_dispatch(struct frame *f)
{
	if (trap_hook(f))
		return;
	if (f->vector >= LGUEST_IRQ_BASE && f->vector < LGUEST_IRQ_BASE + LGUEST_IRQS) {
		irq_handler(f->vector - LGUEST_IRQ_BASE);
		return;
	}
	last_trap.count++;
	last_trap.vector = f->vector;
	last_trap.err = f->err;
	last_trap.eip = f->eip;
	last_trap.cr2 = lguest_data.cr2;
	if (resume_eip) {
		f->eip = resume_eip;
		resume_eip = 0;
	} else if (f->vector != 3 && f->vector != 4) {
		printf("not ok - unexpected trap %u, error 0x%x at eip 0x%x\n",
		       f->vector, f->err, f->eip);
		failures++;
		finish();
	}
}

void spin_ms(u32 ms)
{
	u64 end = rdtsc() + (u64)ms * lguest_data.tsc_khz;

	while (rdtsc() < end)
		hcall(LHCALL_SEND_INTERRUPTS, 0, 0, 0);
}

static u32 rng = 2463534242u;

void srand32(u32 seed)
{
	rng = seed ? seed : 1;
}

u32 rand32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}
