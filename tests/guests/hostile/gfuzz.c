// SPDX-License-Identifier: GPL-2.0
/*
 * gfuzz: a guest that attacks its host from the inside, at random.
 *
 * Each step picks one attack: hypercalls (valid numbers with random
 * arguments, and invalid ones), the asynchronous ring, its own page tables
 * (random frames, flags, reserved bits, NX, large pages, stale entries the
 * host is or is not told about, switches between address spaces with
 * random kernel splits) and touching what they map, IDT and GDT entries,
 * segment loads, iret with random frames to ring 1 and ring 3, kernel
 * stacks, faults and instructions ring 1 may not run, the FPU, and virtual
 * interrupts switched on and off at random while a short one-shot clock
 * keeps interrupts arriving at random points.
 *
 * Every step runs under gf_try(): any trap it provokes lands in our
 * handler, which throws us back to the start of the step with clean
 * segments and stack, so the next step starts from a known state.  Being
 * killed by the host (launcher exit 3, "guest killed: <reason>") is an
 * expected end; so is using up the step budget (exit 0).  A trap where we
 * did not expect one, or a stuck ring, ends us with a panic (exit 4): the
 * host has changed something it should not have (or this fuzzer has a bug).
 *
 * Replay: the command line (boot_params at %esi, as for Linux) gives
 * gfuzz.seed=N, gfuzz.steps=N (0: no limit), gfuzz.fatal=N (one step in N,
 * on average, may do something the host must kill us for; 0: never;
 * default: from the seed), gfuzz.trace=1 (print every step) and
 * gfuzz.vm86=0 (keep eflags.VM out of iret frames: see op_iret()).  The seed
 * is printed first.  Only the main loop draws from the seeded generator
 * (interrupt handlers use their own), so a seed replays the same steps;
 * where interrupts land differs from run to run.
 *
 * What keeps us alive while we scribble on our own page tables: every
 * table reachable through the fuzzed part of the address space (the
 * "window") holds only entries that obey one rule, whatever else is random
 * about them: a writable leaf maps one of our scratch pages (or lies
 * beyond RAM, which is fatal by design), a directory entry points at one
 * of our window tables.  Stale copies the host keeps obey the same rule,
 * so no write through the window, nor an accessed/dirty bit the host
 * sets, can land in our code or data.  Our own code and data are mapped
 * only in the low identity region, which no step writes through another
 * route.  (One exception: a kernel-only alias of lguest_data and of our
 * kernel stack, below, which the steps' writes stay out of.)
 *
 * The alias is what lets the Switcher pass our ring-3 protection faults
 * straight to our handler (LGUEST_FEATURE_DIRECT_PF, which we ask for):
 * the host allows that only while lguest_data and the kernel stack are
 * kernel-half pages without the user bit, so the ring-3 steps sometimes
 * take their traps on the alias of the stack, in address spaces whose
 * random kernel split puts it in the kernel half.  int $0x80 is a trap
 * gate, so their system calls go straight to us too (Tour 375).
 */
#include "guest.h"

#define BOOT_DS		LGUEST_BOOT_DS
#define BOOT_CS		LGUEST_BOOT_CS
#define USER_CS		((14 << 3) | 3)
#define USER_DS		((15 << 3) | 3)
#define STACK_SLOT	9	/* a ring-1 data segment for odd kernel stacks */

#define P_P	0x001ull
#define P_RW	0x002ull
#define P_US	0x004ull
#define P_A	0x020ull
#define P_D	0x040ull
#define P_PS	0x080ull
#define P_NX	(1ull << 63)

/* The identity region: our image, mapped in each of our address spaces. */
#define IDMAP_END	(4u << 20)
/* The window: 8 MB whose tables are all random (within the rule above). */
#define WIN		0x40000000u
#define WIN_SIZE	(8u << 20)
#define NAS		4	/* address spaces of our own */
#define NTP		8	/* window tables */
#define NSCR		16	/* writable scratch pages */
/* The kernel-only alias of the identity region: only a few pages of it. */
#define KALIAS		0xc0000000u

typedef unsigned char u8;

/* ---- state ---- */

static u32 steps_max = 20000, fatal_rate, trace, vm86 = 1;
static u32 seed;
static u32 step;
static u32 traps[256], irqs;
static u32 pae;
static u32 mem;

/* Page-aligned pools: all in our image, so all below IDMAP_END. */
static u8 tp[NTP][4096] __attribute__((aligned(4096)));	/* window tables */
static u8 etp[4096] __attribute__((aligned(4096)));		/* window table for execution */
static u8 scr[NSCR][4096] __attribute__((aligned(4096)));	/* writable leaves */
static u8 sled[4096] __attribute__((aligned(4096)));		/* int3s, executed */
static u8 tops[NAS][4096] __attribute__((aligned(4096)));	/* 2-level: page dirs */
static u8 pdpts[4096] __attribute__((aligned(4096)));		/* PAE: 4 PDPTs */
static u8 wpmd[NAS][4096] __attribute__((aligned(4096)));	/* PAE: window PMDs */
static u8 idpmd[4096] __attribute__((aligned(4096)));		/* PAE: identity PMD */
static u8 idpt[2][4096] __attribute__((aligned(4096)));	/* identity PTEs */
static u8 kpt[2][4096] __attribute__((aligned(4096)));		/* the alias's tables */
static u8 kpmd[4096] __attribute__((aligned(4096)));		/* PAE: the alias's PMD */
static u8 kstack[8192] __attribute__((aligned(16)));		/* for traps from ring 3 */
static u8 sstack[8192] __attribute__((aligned(16)));		/* odd kernel stacks land here */
static u32 conbuf[17];		/* a struct lguest_console_input */
static u32 dirty_vec = ~0u;	/* an IDT entry a step changed */
static u32 cur_as;

/* GDT slots 17-31 we load only directly and remember; 1-8 any way. */
static u64 gdt_copy[LGUEST_GDT_ENTRIES];

/* The recovery point (gf_try) and the frame for the iret step. */
volatile u32 gf_armed, gf_ctx_esp;
volatile u32 gf_if[7];	/* eip, cs, eflags, esp, ss, eax, ebx */
volatile u32 gf_sel, gf_addr, gf_val, gf_esp_alt;
extern char gf_stubs[], gf_recover[], gf_noirq_start[], gf_noirq_end[];
extern char gf_int_table[], gf_pad_r1[], gf_pad_r1_nop[];
extern char gf_upad_int80[], gf_upad_cli[], gf_upad_read[], gf_upad_write[],
	gf_upad_hcall[], gf_upad_int3[], gf_upad_ud2[], gf_upad_hlt[], gf_upad_stack[];
extern char _end[];
int gf_try(void (*fn)(u32), u32 arg);

/* ---- traps ---- */

/*
 * 256 entry stubs (16 bytes each) into one common path that saves every
 * register and data segment, reloads our own, and calls gf_trap().  A
 * trap that arrives on a stack segment that is not our flat one (we
 * loaded an odd %ss, or a kernel stack with a base) cannot run C code: it
 * goes straight to the recovery point.  The return restores the virtual
 * interrupt flag inside the no-interrupt window, as docs/ABI.md asks.
 */
asm(".text\n"
    ".altmacro\n"
    ".macro gfstub v\n"
    "	.balign 16\n"
    "	.if (\\v == 8) || ((\\v >= 10) && (\\v <= 14)) || (\\v == 17) || (\\v == 21) || (\\v == 29) || (\\v == 30)\n"
    "	.else\n"
    "	pushl $0\n"
    "	.endif\n"
    "	pushl $\\v\n"
    "	jmp gf_common\n"
    ".endm\n"
    "	.balign 16\n"
    "	.globl gf_stubs\n"
    "gf_stubs:\n"
    "	.set v, 0\n"
    "	.rept 256\n"
    "	gfstub %v\n"
    "	.set v, v + 1\n"
    "	.endr\n"
    "gf_common:\n"
    "	pushal\n"
    "	movl %ss, %eax\n"
    "	andl $0xffff, %eax\n"
    "	cmpl $0x69, %eax\n"
    "	jne gf_bad_ss\n"
    "	pushl %ds\n"
    "	pushl %es\n"
    "	pushl %fs\n"
    "	pushl %gs\n"
    "	movl $0x69, %eax\n"
    "	movl %eax, %ds\n"
    "	movl %eax, %es\n"
    "	cld\n"
    "	pushl %esp\n"
    "	call gf_trap\n"
    "	addl $4, %esp\n"
    "	popl %gs\n"
    "	popl %fs\n"
    "	popl %es\n"
    "	popl %ds\n"
    "	popal\n"
    "	addl $8, %esp\n"
    "	testl $0x200, 8(%esp)\n"
    "	jz gf_noirq_start\n"
    "	movl $0x200, %ss:lguest_data\n"
    "	.globl gf_noirq_start\n"
    "gf_noirq_start:\n"
    "	iret\n"
    "	.globl gf_noirq_end\n"
    "gf_noirq_end:\n"
    /* An odd stack: no C; recover if a step is running, else panic. */
    "gf_bad_ss:\n"
    "	movl $0x69, %eax\n"
    "	movl %eax, %ds\n"
    "	cmpl $0, gf_armed\n"
    "	jne gf_recover\n"
    "	movl %eax, %ss\n"
    "	movl $kstack + 4096, %esp\n"
    "	call gf_panic_ss\n"
    /*
     * int gf_try(fn, arg): run fn(arg); 0 if it returned, 1 if a trap
     * threw us back here (gf_recover, entered by iret or by a gate).
     */
    "	.globl gf_try\n"
    "gf_try:\n"
    "	pushl %ebp\n"
    "	pushl %ebx\n"
    "	pushl %esi\n"
    "	pushl %edi\n"
    "	movl %esp, gf_ctx_esp\n"
    "	movl $1, gf_armed\n"
    "	pushl 24(%esp)\n"
    "	call *24(%esp)\n"
    "	addl $4, %esp\n"
    "	xorl %eax, %eax\n"
    "gf_try_out:\n"
    "	movl $0, gf_armed\n"
    "	cld\n"
    "	movl $0x69, %ecx\n"
    "	movl %ecx, %ds\n"
    "	movl %ecx, %es\n"
    "	movl %ecx, %fs\n"
    "	movl %ecx, %gs\n"
    "	popl %edi\n"
    "	popl %esi\n"
    "	popl %ebx\n"
    "	popl %ebp\n"
    "	ret\n"
    "	.globl gf_recover\n"
    "gf_recover:\n"
    "	movl $0x69, %eax\n"
    "	movl %eax, %ds\n"
    "	movl %eax, %es\n"
    "	movl %eax, %fs\n"
    "	movl %eax, %gs\n"
    "	movl %eax, %ss\n"
    "	movl gf_ctx_esp, %esp\n"
    "	movl $1, %eax\n"
    "	jmp gf_try_out\n"
    /* int $n for every n: call gf_int_table + 4 * n. */
    "	.balign 4\n"
    "	.globl gf_int_table\n"
    "gf_int_table:\n"
    "	.set v, 0\n"
    "	.rept 256\n"
    "	.byte 0xcd, v\n"
    "	ret\n"
    "	nop\n"
    "	.set v, v + 1\n"
    "	.endr\n"
    /* Landing pads for iret: each ends in a trap. */
    "	.globl gf_pad_r1, gf_pad_r1_nop\n"
    "gf_pad_r1: int3\n"
    "	ud2\n"
    "gf_pad_r1_nop: nop\n"
    "	nop\n"
    "	movl $0x1f, %eax\n"
    "	int $0x80\n"
    "	ud2\n"
    "	.globl gf_upad_int80, gf_upad_cli, gf_upad_read, gf_upad_write\n"
    "	.globl gf_upad_hcall, gf_upad_int3, gf_upad_ud2, gf_upad_hlt, gf_upad_stack\n"
    "gf_upad_int80: int $0x80\n"
    "	ud2\n"
    "gf_upad_cli: cli\n"
    "	ud2\n"
    "gf_upad_read: movl (%eax), %ecx\n"
    "	int $0x80\n"
    "	ud2\n"
    "gf_upad_write: movl %ebx, (%eax)\n"
    "	int $0x80\n"
    "	ud2\n"
    "gf_upad_hcall: movl %ebx, %eax\n"
    "	int $0x1f\n"
    "	ud2\n"
    "gf_upad_int3: int3\n"
    "	ud2\n"
    "gf_upad_ud2: ud2\n"
    "gf_upad_hlt: hlt\n"
    "	ud2\n"
    /* Ring 3 with a random esp: push (may fault) and trap. */
    "gf_upad_stack: pushl %eax\n"
    "	popl %eax\n"
    "	int $0x80\n"
    "	ud2\n");

struct gframe {
	u32 gs, fs, es, ds;
	u32 edi, esi, ebp, esp0, ebx, edx, ecx, eax;
	u32 vector, err;
	u32 eip, cs, eflags;
};

void gf_trap(struct gframe *f);
void gf_panic_ss(void);

static void __attribute__((noreturn)) panic(const char *why)
{
	printf("gfuzz: PANIC at step %u (seed %u): %s\n", step, seed, why);
	hcall(LHCALL_SHUTDOWN, (u32)"gfuzz panic", LGUEST_SHUTDOWN_PANIC, 0);
	for (;;)
		;
}

void gf_panic_ss(void)
{
	panic("a trap arrived on an odd stack segment outside any step");
}

/* The interrupt side draws from its own generator (see the top). */
static u32 irng = 0x12345678;

static u32 irand(void)
{
	irng ^= irng << 13;
	irng ^= irng >> 17;
	irng ^= irng << 5;
	return irng;
}

void gf_trap(struct gframe *f)
{
	traps[f->vector & 0xff]++;
	if (f->vector >= LGUEST_IRQ_BASE && f->vector < LGUEST_IRQ_BASE + LGUEST_IRQS) {
		irqs++;
		/* Keep the clock coming, now and then, at random points. */
		if (f->vector == LGUEST_IRQ_BASE && irand() % 4 == 0)
			hcall(LHCALL_SET_CLOCKEVENT, 1 + irand() % 200000, 0, 0);
		return;
	}
	if (!gf_armed) {
		printf("gfuzz: trap %u (error 0x%x) at %x:%x outside a step\n",
		       f->vector, f->err, f->cs, f->eip);
		panic("unexpected trap");
	}
	/*
	 * Throw back to the step's start: an iret to gf_recover in ring 1
	 * (from ring 3, the ring-3 ss:esp stays behind, unused).  TF, NT, AC,
	 * DF and RF stay behind too, so they cannot follow us into C.
	 */
	f->eip = (u32)gf_recover;
	f->cs = BOOT_CS;
	f->eflags &= ~(0x100u | 0x4000u | 0x40000u | 0x400u | 0x10000u);
}

/* ---- helpers ---- */

static u32 rnd(u32 n)
{
	return n ? rand32() % n : 0;
}

static int chance(u32 n)
{
	return rnd(n) == 0;
}

/* One step in fatal_rate may do what the host must kill us for. */
static int fatal_ok(void)
{
	return fatal_rate && chance(fatal_rate);
}

static void fatal_note(const char *what)
{
	printf("gfuzz: step %u: fatal op: %s\n", step, what);
}

static u32 pick(const u32 *set, u32 n)
{
	return set[rnd(n)];
}

static u32 odd_value(void)
{
	static const u32 odd[] = { 0, 1, 0xffffffff, 0x7fffffff, 0x80000000,
				   0xfff, 0x1000, 0xffff, 0x10000, 0xc0000000 };

	switch (rnd(4)) {
	case 0:
		return pick(odd, ARRAY_SIZE(odd));
	case 1:
		return rnd(mem);
	case 2:
		return lguest_data.switcher_base - 1 - rnd(0x10000);
	default:
		return rand32();
	}
}

static u64 rand64(void)
{
	return ((u64)rand32() << 32) | rand32();
}

/* Entries are 8 bytes with PAE, 4 without. */
static void put_entry(void *table, u32 i, u64 v)
{
	if (pae)
		((volatile u64 *)table)[i & 511] = v;
	else
		((volatile u32 *)table)[i & 1023] = (u32)v;
}

static u32 entries(void)
{
	return pae ? 512 : 1024;
}

static u32 top_of(u32 as)
{
	return pae ? (u32)pdpts + 32 * as : (u32)tops[as];
}

/* A frame beyond guest memory, up to what the format can name. */
static u64 beyond_frame(void)
{
	u64 f = mem + ((u64)rand32() << 12) % (0x100000000ull - mem);

	if (pae && chance(4))
		f |= (u64)(rand32() & 0xfffff) << 32;
	return f & ~0xfffull;
}

/* Flag bits, random: the low 12 and, with PAE, the ignored high ones and NX. */
static u64 rand_flags(void)
{
	u64 fl = rand32() & 0xfff & ~P_PS;

	if (pae) {
		if (chance(2))
			fl |= P_NX;
		if (chance(4))
			fl |= (u64)(rand32() & 0x7ff) << 52;
	}
	return fl;
}

/*
 * A leaf entry obeying the rule: writable only onto scratch; read-only
 * onto anything in RAM; beyond RAM only when a fatal step is allowed.
 */
static u64 rand_leaf(void)
{
	u64 fl = rand_flags(), frame;

	if (!chance(8))
		fl |= P_P;
	if (fatal_ok()) {
		fatal_note("a window PTE beyond guest memory");
		return beyond_frame() | fl;
	}
	switch (rnd(4)) {
	case 0:
		return (u32)sled | (fl & ~P_RW);
	case 1:
		frame = (u32)rnd(mem) & ~0xfffu;
		return frame | (fl & ~P_RW);
	default:
		return (u32)scr[rnd(NSCR)] | fl;
	}
}

/* A directory entry obeying the rule: onto a window table. */
static u64 rand_dir(void)
{
	u64 fl = rand_flags(), frame = (u32)tp[rnd(NTP)];

	if (!chance(8))
		fl |= P_P;
	if (fatal_ok()) {
		if (chance(2)) {
			fatal_note("a large-page directory entry in the window");
			fl |= P_PS | P_P;
		} else {
			fatal_note("a window page table beyond guest memory");
			frame = beyond_frame();
		}
	}
	return frame | fl;
}

/* A PAE top-level entry: onto one of our window PMDs. */
static u64 rand_pdpte(void)
{
	u64 v = (u32)wpmd[rnd(NAS)] | (rand_flags() & ~P_NX) | P_P;

	if (chance(8))
		v &= ~P_P;
	if (fatal_ok()) {
		fatal_note("a PDPT entry beyond guest memory");
		v = beyond_frame() | P_P;
	}
	return v;
}

/* A window address; sometimes one past it (unmapped or random PDPTs). */
static u32 win_addr(void)
{
	if (chance(8))
		return 0x40000000u + rand32() % 0x80000000u;
	return WIN + rnd(WIN_SIZE);
}

/* Writes are safe anywhere but our identity region and its alias (see the top). */
static u32 writable_addr(void)
{
	u32 a;

	do
		a = chance(2) ? win_addr() : rand32();
	while (a < IDMAP_END || (a >= KALIAS && a < KALIAS + IDMAP_END) ||
	       a >= lguest_data.switcher_base);
	return a;
}

/* ---- the async ring, kept in step with the host ---- */

static u32 ring_next;

static void ring_queue(u32 call, u32 a1, u32 a2, u32 a3)
{
	u32 i = ring_next, tries = 0;

	while (lguest_data.hcall_status[i] != 0xff) {
		/* A slot we left with an odd status is still ours: refill it. */
		if (lguest_data.hcall_status[i] != 0)
			break;
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
		if (++tries > 4)
			panic("the async ring does not drain");
	}
	lguest_data.hcalls[i].call = call;
	lguest_data.hcalls[i].arg1 = a1;
	lguest_data.hcalls[i].arg2 = a2;
	lguest_data.hcalls[i].arg3 = a3;
	asm volatile("" ::: "memory");
	lguest_data.hcall_status[i] = 0;
	ring_next = (i + 1) % LHCALL_RING_SIZE;
}

/* ---- GDT and IDT ---- */

static u64 make_desc(u32 base, u32 limit, u32 type, u32 dpl, u32 flags)
{
	u32 lo = (base << 16) | (limit & 0xffff);
	u32 hi = (base & 0xff000000) | ((base >> 16) & 0xff) | (limit & 0xf0000) |
		 (flags << 20) | (1u << 15) | (dpl << 13) | (1u << 12) | (type << 8);

	return ((u64)hi << 32) | lo;
}

static u32 d_base(u64 d)
{
	return ((u32)d >> 16) | (((u32)(d >> 32) & 0xff) << 16) | ((u32)(d >> 32) & 0xff000000);
}

/* A descriptor the host should accept: DPL 1 or 3, below the Switcher. */
static u64 good_desc(int code)
{
	u32 sb = lguest_data.switcher_base;
	u32 base = chance(2) ? 0 : rnd(sb / 2);
	u32 room = sb - 1 - base, limit, gran = rnd(2);

	limit = gran ? rnd(room >> 12) : rnd(room < 0xfffff ? room : 0xfffff);
	if (gran && ((limit << 12) | 0xfff) > room)
		limit = 0;
	return make_desc(base, limit, code ? (chance(2) ? 0xa : 0x8) : (chance(2) ? 0x2 : 0x0),
			 chance(2) ? 1 : 3, (gran ? 8 : 0) | (chance(8) ? 0 : 4));
}

/* A descriptor the host must refuse (fatal), or one not present (fine). */
static u64 bad_desc(void)
{
	u64 d = good_desc(chance(2));

	switch (rnd(5)) {
	case 0:	/* DPL 0 or 2 */
		d = (d & ~(3ull << 45)) | ((u64)(chance(2) ? 0 : 2) << 45);
		break;
	case 1:	/* a system descriptor */
		d &= ~(1ull << 44);
		break;
	case 2:	/* conforming / expand-down */
		d |= 1ull << 42;
		break;
	case 3:	/* over the Switcher */
		d = make_desc(rand32(), 0xfffff, 0x2, 1, 0xc);
		break;
	default:
		d = rand64() | (1ull << 47);
	}
	return d;
}

static void load_gdt(u32 i, u64 d)
{
	hcall(LHCALL_LOAD_GDT_ENTRY, i, (u32)d, (u32)(d >> 32));
	if (i < LGUEST_GDT_ENTRIES)
		gdt_copy[i] = (d >> 47) & 1 ? d : 0;
}

static u32 gate_lo(u32 h)
{
	return ((u32)BOOT_CS << 16) | (h & 0xffff);
}

static u32 gate_hi(u32 h, u32 type, u32 dpl)
{
	return (h & 0xffff0000) | 0x8000 | (dpl << 13) | (type << 8);
}

static void set_gate(u32 v)
{
	u32 h = (u32)gf_stubs + 16 * v;

	/*
	 * int3, into and int $0x80 must be reachable from ring 3; int $0x80
	 * through a trap gate, so that it comes straight to us (Tour 375).
	 */
	hcall(LHCALL_LOAD_IDT_ENTRY, v, gate_lo(h),
	      gate_hi(h, v == 0x80 ? 0xF : 0xE, (v == 3 || v == 4 || v == 0x80) ? 3 : 1));
}

/* A descriptor from base up to just below the Switcher, 4K granular. */
static u64 flat_desc(u32 base, u32 type, u32 dpl)
{
	return make_desc(base, ((lguest_data.switcher_base - base) >> 12) - 1, type, dpl, 0xc);
}

/* The three "this entry changed" calls. */
static u32 set_call(void)
{
	static const u32 calls[] = { LHCALL_SET_PTE, LHCALL_SET_PMD, LHCALL_SET_PGD };

	return pick(calls, ARRAY_SIZE(calls));
}

/*
 * What to subtract from a linear address to aim at it through the
 * segment a selector names, as far as we know it; 0 for a base above it
 * (the offset would wrap beyond the limit, which QEMU's TCG does not
 * check in an iret: the host would kill us for an eip in the Switcher).
 */
static u32 sel_base(u32 sel, u32 linear)
{
	u32 b = (sel >> 3) < LGUEST_GDT_ENTRIES ? d_base(gdt_copy[sel >> 3]) : 0;

	return b <= linear ? b : 0;
}

/* ---- the steps ---- */

static void op_hcall(u32 unused)
{
	u32 sb = lguest_data.switcher_base;

	(void)unused;
	switch (rnd(12)) {
	case 0:
		hcall(LHCALL_CONSOLE_WRITE, odd_value(), 0, rand32());
		break;
	case 1:
		hcall(LHCALL_FLUSH_TLB, chance(2) ? rand32() : 0, rand32(), 0);
		break;
	case 2:
		hcall(LHCALL_SET_CLOCKEVENT, chance(4) ? 0 : 1 + rnd(chance(4) ? 100000000 : 100000), 0, 0);
		break;
	case 3:	/* a kernel stack anywhere, on a ring-1 data segment */
		hcall(LHCALL_SET_STACK, chance(4) && gdt_copy[STACK_SLOT] ? (STACK_SLOT << 3) | 1 : BOOT_DS,
		      odd_value(), 0);
		break;
	case 4:
		hcall(LHCALL_SEND_INTERRUPTS, rand32(), rand32(), rand32());
		break;
	case 5:
		hcall(LHCALL_FLUSH_ASYNC, rand32(), rand32(), rand32());
		break;
	case 6: {
		/*
		 * A halt with the clock due soon, so it ends: interrupts off
		 * until then, or the tick could be taken before the halt and
		 * leave it nothing to wake for.  A pending one ends it anyway.
		 */
		u32 was = lguest_data.irq_enabled;

		lguest_data.irq_enabled = 0;
		lguest_data.blocked_interrupts &= ~1u;
		hcall(LHCALL_SET_CLOCKEVENT, 1 + rnd(50000), 0, 0);
		hcall(LHCALL_HALT, rand32(), rand32(), 0);
		lguest_data.irq_enabled = was;
		break;
	}
	case 7:	/* console input: usually nothing waits */
		hcall(LHCALL_CONSOLE_READ, (u32)conbuf, 4 + 4 * rnd(17), 0);
		break;
	case 8:	/* SET_PTE/PMD/PGD for a random table and address below the Switcher */
		hcall(set_call(), chance(2) ? top_of(rnd(NAS)) : rand32(),
		      rand32() % sb, rand32());
		break;
	case 9:	/* the boot segments again, unchanged */
		load_gdt(12, gdt_copy[12]);
		load_gdt(13, gdt_copy[13]);
		break;
	default:
		if (!fatal_ok()) {
			hcall(LHCALL_SEND_INTERRUPTS, 0, 0, 0);
			break;
		}
		switch (rnd(10)) {
		case 0:
			fatal_note("an unknown hypercall");
			hcall(pick((const u32[]){ 8, 11, 12, 16, 17, 21, 31, 0x100, 0xffffffff }, 9),
			      rand32(), rand32(), rand32());
			break;
		case 1:
			fatal_note("a hypercall with every register random");
			hcall(rand32() % 24, rand32(), rand32(), rand32());
			break;
		case 2:
			fatal_note("LHCALL_LGUEST_INIT again");
			hcall(LHCALL_LGUEST_INIT, odd_value(), 0, 0);
			break;
		case 3:
			fatal_note("LHCALL_SHUTDOWN of an unknown kind");
			hcall(LHCALL_SHUTDOWN, (u32)"x", 3 + rnd(100), 0);
			break;
		case 4:
			fatal_note("LHCALL_CONSOLE_WRITE too long or outside memory");
			hcall(LHCALL_CONSOLE_WRITE, chance(2) ? mem - rnd(8) : 0, 1025 + rnd(1 << 20), 0);
			break;
		case 5:
			fatal_note("LHCALL_CONSOLE_READ of a bad buffer");
			hcall(LHCALL_CONSOLE_READ, odd_value() | 1, odd_value(), 0);
			break;
		case 6:
			fatal_note("LHCALL_SET_STACK with a bad segment");
			hcall(LHCALL_SET_STACK, rand32() & ~0x68u, rand32(), 0);
			break;
		case 7:
			fatal_note("LHCALL_NEW_PGTABLE beyond memory or misaligned");
			hcall(LHCALL_NEW_PGTABLE, chance(2) ? mem + rnd(1 << 20) : top_of(0) + 1 + rnd(31), 0, 0);
			break;
		case 8:
			fatal_note("a page table update for a Switcher address");
			hcall(LHCALL_SET_PTE + rnd(2), top_of(cur_as), sb + rnd(0 - sb), 0);
			break;
		default:
			fatal_note("LHCALL_SHUTDOWN with a reason outside memory");
			hcall(LHCALL_SHUTDOWN, mem + rnd(0x1000), 0, 0);
		}
	}
}

/* Calls the ring may carry: harmless, whatever their arguments. */
static void op_ring(u32 unused)
{
	u32 n = 1 + rnd(LHCALL_RING_SIZE + 8), sb = lguest_data.switcher_base;

	(void)unused;
	for (u32 k = 0; k < n; k++) {
		switch (rnd(9)) {
		case 0:
			ring_queue(set_call(), top_of(rnd(NAS)),
				   chance(2) ? win_addr() : rand32() % sb, rand32());
			break;
		case 1:
			ring_queue(LHCALL_NEW_PGTABLE, top_of(cur_as = rnd(NAS)),
				   chance(2) ? 0 : odd_value(), rand32());
			break;
		case 2:
			ring_queue(LHCALL_FLUSH_TLB, rand32() & 1, 0, 0);
			break;
		case 3:
			ring_queue(LHCALL_SET_CLOCKEVENT, rnd(100000), 0, 0);
			break;
		case 4:
			ring_queue(LHCALL_SET_STACK, BOOT_DS, odd_value(), 0);
			break;
		case 5: {	/* an untracked GDT slot: data only (see gdt_copy) */
			u64 d = chance(4) ? rand64() & ~(1ull << 47) : good_desc(0);

			ring_queue(LHCALL_LOAD_GDT_ENTRY, 1 + rnd(8), (u32)d, (u32)(d >> 32));
			break;
		}
		case 6: {	/* vectors we never take: 64-255 but 0x80 */
			u32 v = 64 + rnd(192), h = (u32)gf_stubs + 16 * rnd(256);

			if (v == 0x80)
				v++;
			ring_queue(LHCALL_LOAD_IDT_ENTRY, v, gate_lo(h),
				   chance(4) ? 0 : gate_hi(h, 0xE + rnd(2), chance(2) ? 1 : 3));
			break;
		}
		case 7:
			ring_queue(LHCALL_CONSOLE_WRITE, odd_value(), 0, 0);
			break;
		default:
			ring_queue(chance(2) ? LHCALL_FLUSH_ASYNC : LHCALL_SEND_INTERRUPTS,
				   rand32(), rand32(), rand32());
		}
		/* Sometimes an exit mid-way, so the host runs part of a batch. */
		if (chance(16))
			hcall(LHCALL_SEND_INTERRUPTS, 0, 0, 0);
	}
	/* A slot left with an odd status stops the host there, until refilled. */
	if (chance(8))
		lguest_data.hcall_status[ring_next] = 1 + rnd(0xfe);
	if (fatal_ok()) {
		fatal_note("garbage in the async ring");
		ring_queue(rand32() | 0x100, rand32(), rand32(), rand32());
	}
	if (chance(2))
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
}

/* With gfuzz.trace=1: what a step does, before it does it. */
#define TR(...) do { if (trace) printf("gfuzz:   " __VA_ARGS__); } while (0)

/* Page-table changes: tell the host directly, through the ring, or not. */
static void tell(u32 call, u32 top, u32 va)
{
	switch (rnd(4)) {
	case 0:
		break;
	case 1:
		TR("queue call %u (0x%x, 0x%x)\n", call, top, va);
		ring_queue(call, top, va, 0);
		break;
	default:
		TR("call %u (0x%x, 0x%x)\n", call, top, va);
		hcall(call, top, va, 0);
	}
}

static u32 win_dir_index(u32 va)
{
	return pae ? (va >> 21) & 511 : va >> 22;
}

static void op_pgtable(u32 unused)
{
	u32 as = rnd(NAS), va = WIN + rnd(WIN_SIZE);

	(void)unused;
	switch (rnd(8)) {
	case 0:
	case 1:
	case 2: {	/* a few window PTEs */
		u32 n = 1 + rnd(16);

		for (u32 k = 0; k < n; k++) {
			u32 t = rnd(NTP), i = rnd(entries());

			u64 e = rand_leaf();

			TR("tp[%u][%u] = 0x%llx\n", t, i, e);
			put_entry(tp[t], i, e);
			tell(LHCALL_SET_PTE, top_of(rnd(NAS)),
			     WIN + (chance(2) ? rnd(WIN_SIZE) : (i << 12)));
		}
		break;
	}
	case 3:	/* a window directory entry */
		TR("window directory entry of as %u for 0x%x\n", as, va);
		if (pae)
			put_entry(wpmd[as], win_dir_index(va) + (chance(4) ? rnd(512) : 0), rand_dir());
		else
			put_entry(tops[as], win_dir_index(va) + (chance(8) ? rnd(4) : 0), rand_dir());
		tell(LHCALL_SET_PMD, top_of(as), va);
		break;
	case 4:	/* PAE: the upper three top-level entries; 2-level: near the Switcher */
		TR("top-level entry of as %u\n", as);
		if (pae) {
			u32 i = 1 + rnd(3);

			((volatile u64 *)(pdpts + 32 * as))[i] = chance(4) ? 0 : rand_pdpte();
			if ((i << 30) < lguest_data.switcher_base)
				tell(LHCALL_SET_PGD, top_of(as), i << 30);
		} else {
			u32 slot = (lguest_data.switcher_base >> 22) - 1 - rnd(4);

			put_entry(tops[as], slot, chance(4) ? 0 : rand_dir());
			tell(LHCALL_SET_PGD, top_of(as), slot << 22);
		}
		break;
	case 5: {	/* switch address space, with a random kernel split */
		static const u32 splits[] = { 0, 0, 0, 0x40000000, 0xc0000000, 0x00400000,
					      0x00001000, 0xffffffff };
		u32 split = chance(4) ? rand32() : pick(splits, ARRAY_SIZE(splits));

		cur_as = as;
		TR("NEW_PGTABLE 0x%x split 0x%x\n", top_of(as), split);
		hcall(LHCALL_NEW_PGTABLE, top_of(as), split, 0);
		break;
	}
	case 6:
		TR("FLUSH_TLB\n");
		hcall(LHCALL_FLUSH_TLB, rnd(2), 0, 0);
		break;
	default:	/* wipe a whole window table */
		TR("rewrite a window table\n");
		for (u32 i = 0; i < entries(); i++)
			put_entry(tp[rnd(NTP)], i, chance(2) ? 0 : rand_leaf());
		tell(LHCALL_SET_PMD, top_of(rnd(NAS)), va);
	}
}

static void op_touch(u32 unused)
{
	u32 a;

	(void)unused;
	switch (rnd(6)) {
	case 0:
	case 1:	/* read anywhere below the Switcher */
		a = chance(2) ? win_addr() : rnd(lguest_data.switcher_base);
		gf_val = *(volatile u32 *)a;
		break;
	case 2:
	case 3:
		a = writable_addr();
		if (chance(4) && (a | 0xfff) + 1 < lguest_data.switcher_base)
			a |= 0xffd;	/* straddle two pages */
		*(volatile u32 *)a = rand32();
		break;
	case 4: {	/* execute in the window: a fresh chain down to the int3 page */
		u32 as = cur_as;
		u64 fl = (rand_flags() & ~P_RW) | P_P;

		for (u32 i = 0; i < entries(); i++)
			put_entry(etp, i, (u32)sled | fl);
		a = WIN + rnd(WIN_SIZE);
		if (pae) {
			((volatile u64 *)(pdpts + 32 * as))[1] = (u32)wpmd[as] | P_P;
			put_entry(wpmd[as], win_dir_index(a), (u32)etp | P_P | P_RW | P_US |
				  (chance(4) ? P_NX : 0));
			hcall(LHCALL_SET_PGD, top_of(as), a, 0);
		} else {
			put_entry(tops[as], win_dir_index(a), (u32)etp | P_P | P_RW | P_US);
		}
		hcall(LHCALL_SET_PMD, top_of(as), a, 0);
		asm volatile("call *%0" : : "r" (a) : "memory", "eax", "ecx", "edx");
		break;
	}
	default:
		if (!fatal_ok()) {
			gf_val = *(volatile u32 *)(rnd(IDMAP_END) & ~3u);
			break;
		}
		a = lguest_data.switcher_base + rnd(0 - lguest_data.switcher_base);
		switch (rnd(3)) {
		case 0:
			fatal_note("reading the Switcher's pages");
			gf_val = *(volatile u32 *)a;
			break;
		case 1:
			fatal_note("writing the Switcher's pages");
			*(volatile u32 *)a = 0;
			break;
		default:
			fatal_note("jumping into the Switcher's pages");
			asm volatile("call *%0" : : "r" (a) : "memory", "eax", "ecx", "edx");
		}
	}
}

static void op_gdt(u32 unused)
{
	(void)unused;
	if (fatal_ok()) {
		fatal_note("a GDT entry the host must refuse");
		if (chance(4))
			load_gdt(pick((const u32[]){ 0, 10, 11, 16, 32, 0xffff }, 6), good_desc(0));
		else
			load_gdt(1 + rnd(31), bad_desc());
		return;
	}
	if (chance(2)) {
		u32 i = 17 + rnd(15);

		load_gdt(i, chance(8) ? good_desc(0) & ~(1ull << 47) : good_desc(rnd(2)));
	} else {
		load_gdt(1 + rnd(8), good_desc(0));
	}
}

static void op_idt(u32 unused)
{
	u32 v = rnd(256), h, hi;

	(void)unused;
	if (fatal_ok()) {
		switch (rnd(4)) {
		case 0:
			fatal_note("an IDT entry with a bad type");
			hcall(LHCALL_LOAD_IDT_ENTRY, v, gate_lo((u32)gf_pad_r1),
			      gate_hi((u32)gf_pad_r1, pick((const u32[]){ 0x5, 0x6, 0x7, 0xC, 0x1, 0 }, 6), 1));
			break;
		case 1:
			fatal_note("an IDT entry with a bad selector");
			hcall(LHCALL_LOAD_IDT_ENTRY, v, (rand32() << 16) | 0x1234, gate_hi(0, 0xE, 1));
			break;
		case 2:
			fatal_note("an IDT entry into the Switcher");
			h = lguest_data.switcher_base + rnd(0 - lguest_data.switcher_base);
			hcall(LHCALL_LOAD_IDT_ENTRY, v, gate_lo(h), gate_hi(h, 0xE, 1));
			break;
		default:
			fatal_note("a trap with no IDT entry");
			hcall(LHCALL_LOAD_IDT_ENTRY, 6, 0, 0);
			asm volatile("ud2");
		}
		return;
	}
	/*
	 * Any vector to another of our stubs (the frame then names another
	 * vector, which is fine), a trap gate or an interrupt gate, DPL 1 or
	 * 3, or removed; then provoked where we can, then ours again.
	 */
	dirty_vec = v;
	/*
	 * Not an interrupt's stub: our handler returns from those, and a
	 * fault would come back at once, for ever.
	 */
	h = rnd(224);
	h = (u32)gf_stubs + 16 * (h < 32 ? h : h + 32);
	if (chance(4))
		h = (u32)gf_recover;
	/* Interrupts arrive between steps too: their own stub, always there. */
	if (v >= LGUEST_IRQ_BASE && v < LGUEST_IRQ_BASE + LGUEST_IRQS)
		h = (u32)gf_stubs + 16 * v;
	hi = gate_hi(h, 0xE + rnd(2), chance(2) ? 1 : 3);
	/* Removed, or garbage without the present bit: only where no trap comes. */
	if (v >= LGUEST_IRQ_BASE + LGUEST_IRQS && chance(8))
		hi = chance(2) ? 0 : rand32() & ~0x8000u;
	hcall(LHCALL_LOAD_IDT_ENTRY, v, gate_lo(h), hi);
	if ((hi & 0x8000) && v != LGUEST_TRAP_ENTRY) {
		if (v == 3 || v == 4 || v == 0x80 || v < 32 || chance(4))
			asm volatile("call *%0" : : "r" (gf_int_table + 4 * v) : "memory", "eax", "ecx", "edx");
		else if (v == 6)
			asm volatile("ud2");
	}
}

/* After the step, trapped or not: our own gate again. */
static void idt_restore(void)
{
	if (dirty_vec == 2 || dirty_vec == LGUEST_TRAP_ENTRY)
		hcall(LHCALL_LOAD_IDT_ENTRY, dirty_vec, 0, 0);
	else if (dirty_vec < 256)
		set_gate(dirty_vec);
	dirty_vec = ~0u;
}

static u32 rand_selector(void)
{
	switch (rnd(4)) {
	case 0:
		return rand32() & 0xffff;
	case 1:
		return (rnd(32) << 3) | rnd(8);
	default:
		return ((1 + rnd(31)) << 3) | (chance(2) ? 1 : 3);
	}
}

/*
 * Segment loads: an odd selector into a data segment register, then an
 * exit with it (the host must check it before entering again) and a read
 * through it; our handlers reload their own.
 */
static void op_segment(u32 unused)
{
	(void)unused;
	gf_sel = rand_selector();
	/*
	 * QEMU's TCG does not check data segment limits: keep base + offset
	 * below the Switcher (bases we load are below half of it), or the
	 * host kills us for touching it, a verdict we need not ask for often.
	 */
	gf_addr = rnd(lguest_data.switcher_base / 2);
	if (fatal_ok()) {
		fatal_note("a read through a segment beyond its limit");
		gf_addr = rand32();
	}
	lguest_data.irq_enabled = chance(2) ? 0x200 : 0;
	switch (rnd(5)) {
#define SEGOP(reg)							\
		asm volatile("movl gf_sel, %%eax\n\t"			\
			     "movl %%eax, %%" reg "\n\t"		\
			     "movl $19, %%eax\n\t"			\
			     "int $0x1f\n\t"				\
			     "movl gf_addr, %%eax\n\t"			\
			     "movl %%" reg ":(%%eax), %%eax\n\t"	\
			     "movl $0x69, %%eax\n\t"			\
			     "movl %%eax, %%" reg			\
			     : : : "eax", "memory")
	case 0:
		SEGOP("ds");
		break;
	case 1:
		SEGOP("es");
		break;
	case 2:
		SEGOP("fs");
		break;
	case 3:
		SEGOP("gs");
		break;
	default: {
		/*
		 * %ss: with interrupts off nothing is pushed on it but, now
		 * and then, an int3 whose gate leads straight to gf_recover
		 * (no C on an odd stack), on a stack segment whose base puts
		 * the frame in sstack.
		 */
		u32 slot = 17 + rnd(15);
		u32 target = (u32)sstack + 4096 + rnd(2048);
		u32 base = rnd(target) & ~(chance(2) ? 0xfffu : 0);
		u64 d = flat_desc(base, 0x2, 1);
		int ours = chance(2);

		lguest_data.irq_enabled = 0;
		if (ours) {
			load_gdt(slot, d);
			gf_sel = (slot << 3) | 1;
		}
		gf_esp_alt = target - base;
		/* Only on a segment we know: the frame must land in sstack. */
		if (ours && chance(2)) {
			dirty_vec = 3;
			hcall(LHCALL_LOAD_IDT_ENTRY, 3, gate_lo((u32)gf_recover),
			      gate_hi((u32)gf_recover, 0xE, 3));
			asm volatile("movl gf_sel, %%eax\n\t"
				     "movl %%eax, %%ss\n\t"
				     "movl gf_esp_alt, %%esp\n\t"
				     "int3\n\t"
				     "ud2" : : : "eax", "memory");
		}
		asm volatile("movl gf_sel, %%eax\n\t"
			     "movl %%eax, %%ss\n\t"
			     "movl $19, %%eax\n\t"
			     "int $0x1f\n\t"
			     "movl $0x69, %%eax\n\t"
			     "movl %%eax, %%ss" : : : "eax", "memory");
	}
	}
}

/* ring-3 landing pads, and what %eax/%ebx they get */
static u32 upad(void)
{
	switch (rnd(9)) {
	case 0:
		return (u32)gf_upad_int80;
	case 1:
		return (u32)gf_upad_cli;
	case 2:
		gf_if[5] = chance(2) ? rnd(lguest_data.switcher_base) : (u32)sstack + rnd(4096);
		return (u32)gf_upad_read;
	case 3:
		gf_if[5] = writable_addr();
		gf_if[6] = rand32();
		return (u32)gf_upad_write;
	case 4:
		gf_if[6] = rand32() % 24;
		return (u32)gf_upad_hcall;
	case 5:
		return (u32)gf_upad_int3;
	case 6:
		return (u32)gf_upad_hlt;
	case 7:
		return (u32)gf_upad_stack;
	default:
		return (u32)gf_upad_ud2;
	}
}

/*
 * iret with a random frame.  Targets are our landing pads (each traps at
 * once), addresses beyond the code segment's limit, or unmapped ones, so
 * the CPU or the host refuses them; never random code.  To ring 3 the
 * kernel stack is set first: a random one, but where a frame may land.
 */
/*
 * The kernel stack on the alias, with the alias back in our current
 * address space if a page-table step took it out (PAE's top-level entry 3
 * is one of theirs).  Its faults from ring 3 may then come straight from
 * the Switcher, when the address space's kernel split covers the alias.
 */
static void alias_stack(void)
{
	if (pae) {
		((volatile u64 *)(pdpts + 32 * cur_as))[KALIAS >> 30] = (u32)kpmd | P_P;
		hcall(LHCALL_SET_PGD, top_of(cur_as), KALIAS, 0);
	} else {
		put_entry(tops[cur_as], KALIAS >> 22, (u32)kpt[0] | P_P | P_RW);
		hcall(LHCALL_SET_PGD, top_of(cur_as), KALIAS, 0);
	}
	hcall(LHCALL_SET_STACK, BOOT_DS, KALIAS + (u32)kstack + 1024 + rnd(7168), 0);
}

static void op_iret(u32 unused)
{
	u32 fl = rand32() & ~0x4000u, cs, eip, ss, esp, ring3 = chance(2);

	(void)unused;
	/* Usually tame flags: TF, AC and DF sometimes. */
	if (!chance(4))
		fl = 0x202 | (chance(8) ? 0x100 : 0) | (chance(4) ? 0x40000 : 0) |
		     (chance(8) ? 0x400 : 0);
	/*
	 * VM set: a CPU ignores it in an iret from ring 1, but QEMU's TCG
	 * enters virtual-8086 mode; the Switcher once took the next trap's
	 * vm86 frame for its own and triple-faulted the host (docs/
	 * fuzzing.md).  Now the host kills us for it, so it is one of our
	 * fatal steps (as rare as the others).  gfuzz.vm86=0 leaves it out.
	 */
	if ((fl & 0x20000u) && (!vm86 || !fatal_ok()))
		fl &= ~0x20000u;
	else if (fl & 0x20000u)
		fatal_note("an iret into virtual-8086 mode");
	gf_if[5] = rand32();
	gf_if[6] = rand32();
	if (ring3) {
		u32 k = rnd(4);

		cs = chance(8) ? rand_selector() : USER_CS;
		ss = chance(8) ? rand_selector() : USER_DS;
		eip = upad();
		/* A random cs may be ring 1: its int $0x1f would be a real call. */
		if (eip == (u32)gf_upad_hcall && cs != USER_CS)
			eip = (u32)gf_upad_int80;
		eip -= sel_base(cs, eip);
		esp = chance(2) ? (u32)sstack + rnd(8192) : writable_addr();
		if (k == 0) {
			/* A kernel stack on a segment with a base. */
			u32 target = (u32)kstack + 4096 + 4 * rnd(512);
			u32 base = rnd(target);

			load_gdt(STACK_SLOT, flat_desc(base, 0x2, 1));
			hcall(LHCALL_SET_STACK, (STACK_SLOT << 3) | 1, target - base, 0);
		} else if (k == 2) {
			alias_stack();
			/* Half the time, ring 3 reads the alias: a protection fault. */
			if (chance(2) && cs == USER_CS) {
				eip = (u32)gf_upad_read;
				gf_if[5] = KALIAS + (u32)kstack + rnd(8192);
			}
		} else {
			hcall(LHCALL_SET_STACK, BOOT_DS,
			      (u32)kstack + 1024 + rnd(7168) - (k == 1 ? rnd(4) : 0), 0);
		}
		if (fatal_ok()) {
			fatal_note("a ring-3 trap onto a kernel stack outside memory");
			hcall(LHCALL_SET_STACK, BOOT_DS, mem + 16 + rnd(1 << 20), 0);
			cs = USER_CS;
			ss = USER_DS;
			eip = (u32)gf_upad_int80;
		}
		/* Ring 3 needs a data segment of its own for its reads. */
		asm volatile("movl %0, %%ds\n\tmovl %0, %%es" : : "r" (USER_DS));
	} else {
		ss = BOOT_DS;
		esp = 0;
		cs = chance(4) ? rand_selector() : BOOT_CS;
		eip = chance(2) ? (u32)gf_pad_r1 : (u32)gf_pad_r1_nop;
		/* A code segment we loaded with a base: aim at the pad through it. */
		eip -= sel_base(cs, eip);
		/* Unmapped (never random code). */
		if (cs == BOOT_CS && chance(8))
			eip = 0x20000000u + rnd(0x10000000);
		/*
		 * Beyond the limit, in the Switcher's range: the CPU refuses
		 * the iret, but QEMU's TCG does not check, and the host must
		 * then kill us for jumping into the Switcher.
		 */
		if (cs == BOOT_CS && fatal_ok()) {
			fatal_note("an iret beyond the code segment's limit");
			eip = 0xfffffff0u - rnd(0x1000);
		}
	}
	gf_if[0] = eip;
	gf_if[1] = cs;
	gf_if[2] = fl;
	gf_if[3] = esp;
	gf_if[4] = ss;
	if (chance(16)) {
		/* NT set: the iret is a task return, through the host's TSS. */
		asm volatile("pushfl\n\t"
			     "orl $0x4000, (%%esp)\n\t"
			     "popfl\n\t"
			     "pushl gf_if+16\n\t"
			     "pushl gf_if+12\n\t"
			     "pushl gf_if+8\n\t"
			     "pushl gf_if+4\n\t"
			     "pushl gf_if\n\t"
			     "iret" : : : "memory");
	}
	asm volatile("pushl gf_if+16\n\t"
		     "pushl gf_if+12\n\t"
		     "pushl gf_if+8\n\t"
		     "pushl gf_if+4\n\t"
		     "pushl gf_if\n\t"
		     "movl gf_if+20, %%eax\n\t"
		     "movl gf_if+24, %%ebx\n\t"
		     "iret" : : : "eax", "ebx", "memory");
}

/* Faults and what ring 1 may not do. */
static void op_fault(u32 unused)
{
	u32 n;

	(void)unused;
	switch (rnd(24)) {
	case 0:
		asm volatile("xorl %%ecx, %%ecx\n\tdivl %%ecx" : : "a" (rand32()), "d" (0) : "ecx");
		break;
	case 1:
		asm volatile("ud2");
		break;
	case 2:
		asm volatile("int3");
		break;
	case 3:
		n = rnd(256);
		if (n == LGUEST_TRAP_ENTRY)
			n = 0x80;
		asm volatile("call *%0" : : "r" (gf_int_table + 4 * n) : "memory", "eax", "ecx", "edx");
		break;
	case 4:
		asm volatile("cli");
		break;
	case 5:
		asm volatile("hlt");
		break;
	case 6:
		asm volatile("inb $0x80, %%al" : : : "eax");
		break;
	case 7:
		asm volatile("outl %%eax, %%dx" : : "a" (rand32()), "d" (rand32() & 0xffff));
		break;
	case 8:
		asm volatile("rdmsr" : : "c" (rand32()) : "eax", "edx");
		break;
	case 9:
		asm volatile("movl %%cr3, %%eax" : : : "eax");
		break;
	case 10:
		asm volatile("movl %0, %%cr0" : : "r" (rand32()));
		break;
	case 11:
		asm volatile("lgdt gf_if");
		break;
	case 12:
		asm volatile("invlpg (%0)" : : "r" (rand32()));
		break;
	case 13:
		asm volatile("sysenter");
		break;
	case 14:	/* into, with OF set */
		asm volatile("movl $0x7fffffff, %%eax\n\taddl $1, %%eax\n\t.byte 0xce" : : : "eax");
		break;
	case 15:	/* bound, out of range */
		gf_if[0] = 10;
		gf_if[1] = 20;
		asm volatile("movl $5, %%eax\n\tboundl %%eax, gf_if" : : : "eax");
		break;
	case 16:
		asm volatile(".byte 0xf1");	/* icebp: #DB */
		break;
	case 17:	/* x87 error: divide by zero, unmasked */
		gf_if[0] = 0x37a;
		asm volatile("fninit\n\tfldcw gf_if\n\tfld1\n\tfldz\n\tfdivp\n\tfwait\n\t"
			     "fld1\n\tfldz\n\tfdivrp\n\tfwait\n\tfninit");
		break;
	case 18:	/* SIMD error: 0/0, unmasked; or a bad MXCSR */
		gf_if[0] = chance(2) ? 0x1f00 : rand32();
		gf_if[1] = 0;
		asm volatile("ldmxcsr gf_if\n\t"
			     "xorps %%xmm0, %%xmm0\n\t"
			     "xorps %%xmm1, %%xmm1\n\t"
			     "divps %%xmm1, %%xmm0\n\t"
			     "movl $0x1f80, gf_if+4\n\t"
			     "ldmxcsr gf_if+4" : : : "memory");
		break;
	case 19:	/* popf of anything, then a step of code */
		asm volatile("pushl %0\n\tpopfl\n\tnop\n\tnop\n\tcld\n\t"
			     "pushfl\n\tandl $0xfffbbeff, (%%esp)\n\tpopfl"
			     : : "r" (rand32()) : "cc", "memory");
		break;
	case 20:	/* pushes on a stack anywhere writable: fatal unless the window maps it */
		if (!fatal_ok())
			break;
		fatal_note("a ring-1 stack outside our memory");
		asm volatile("movl %%esp, %%ebx\n\tmovl %0, %%esp\n\tpushl $1\n\tpushl $2\n\tmovl %%ebx, %%esp"
			     : : "r" (writable_addr() & ~3u) : "ebx", "memory");
		break;
	case 21:
		asm volatile("wbinvd");
		break;
	case 22:
		asm volatile("movl %0, %%db7" : : "r" (rand32()));
		break;
	default:	/* a far jump to a random selector */
		gf_if[0] = (u32)gf_pad_r1;
		gf_if[1] = rand_selector();
		gf_if[0] -= sel_base(gf_if[1], gf_if[0]);
		asm volatile("ljmp *gf_if" : : : "memory");
	}
}

/* Virtual interrupts: on, off, blocked, and the clock soon. */
static void op_irq(u32 unused)
{
	(void)unused;
	switch (rnd(6)) {
	case 0:
		lguest_data.irq_enabled = chance(4) ? rand32() : 0x200;
		break;
	case 1:
		lguest_data.irq_enabled = 0;
		break;
	case 2:
		lguest_data.blocked_interrupts = chance(2) ? 0 : rand32();
		break;
	case 3:
		hcall(LHCALL_SET_CLOCKEVENT, 1 + rnd(chance(2) ? 1000 : 200000), 0, 0);
		break;
	case 4:	/* a no-interrupt window anywhere, for a moment */
		lguest_data.noirq_start = rand32();
		lguest_data.noirq_end = rand32();
		lguest_data.irq_enabled = 0x200;
		hcall(LHCALL_SEND_INTERRUPTS, 0, 0, 0);
		lguest_data.noirq_start = (u32)gf_noirq_start;
		lguest_data.noirq_end = (u32)gf_noirq_end;
		break;
	default:	/* host-written fields, scribbled on */
		lguest_data.irq_pending = rand32();
		lguest_data.cr2 = rand32();
		lguest_data.reserved[rnd(sizeof(lguest_data.reserved) / sizeof(u32))] = rand32();
		/* Read once, at LHCALL_LGUEST_INIT: later it changes nothing. */
		lguest_data.features = rand32();
		lguest_data.irq_enabled = 0x200;
		hcall(LHCALL_SEND_INTERRUPTS, 0, 0, 0);
	}
}

/* ---- setup ---- */

static void build_address_spaces(void)
{
	u32 idflags = P_P | P_RW | P_US;

	for (u32 i = 0; i < sizeof(sled); i++)
		sled[i] = 0xcc;
	for (u32 pa = 0; pa < IDMAP_END; pa += 4096)
		put_entry(idpt[pae ? pa >> 21 : 0], (pa >> 12) & (entries() - 1), pa | idflags);
	for (u32 t = 0; t < NTP; t++)
		for (u32 i = 0; i < entries(); i++)
			put_entry(tp[t], i, rand_leaf());
	/* The alias: lguest_data's page and the kernel stack's, kernel-only. */
	for (u32 pa = (u32)&lguest_data & ~0xfffu; pa < (u32)(&lguest_data + 1); pa += 4096)
		put_entry(kpt[pae ? pa >> 21 : 0], (pa >> 12) & (entries() - 1), pa | P_P | P_RW);
	for (u32 pa = (u32)kstack & ~0xfffu; pa < (u32)kstack + sizeof(kstack); pa += 4096)
		put_entry(kpt[pae ? pa >> 21 : 0], (pa >> 12) & (entries() - 1), pa | P_P | P_RW);
	if (pae) {
		put_entry(kpmd, 0, (u32)kpt[0] | P_P | P_RW);
		put_entry(kpmd, 1, (u32)kpt[1] | P_P | P_RW);
		put_entry(idpmd, 0, (u32)idpt[0] | idflags);
		put_entry(idpmd, 1, (u32)idpt[1] | idflags);
		for (u32 as = 0; as < NAS; as++) {
			volatile u64 *pdpt = (volatile u64 *)(pdpts + 32 * as);

			pdpt[0] = (u32)idpmd | P_P;
			pdpt[1] = (u32)wpmd[as] | P_P;
			pdpt[KALIAS >> 30] = (u32)kpmd | P_P;
			for (u32 i = 0; i < 4; i++)
				put_entry(wpmd[as], i, (u32)tp[rnd(NTP)] | P_P | P_RW | P_US);
		}
	} else {
		for (u32 as = 0; as < NAS; as++) {
			put_entry(tops[as], 0, (u32)idpt[0] | idflags);
			put_entry(tops[as], KALIAS >> 22, (u32)kpt[0] | P_P | P_RW);
			put_entry(tops[as], WIN >> 22, (u32)tp[rnd(NTP)] | P_P | P_RW | P_US);
			put_entry(tops[as], (WIN >> 22) + 1, (u32)tp[rnd(NTP)] | P_P | P_RW | P_US);
		}
	}
}

/* "gfuzz.NAME=value" on the command line, decimal or 0x hex. */
static int param(const char *cmdline, const char *name, u32 *val)
{
	for (const char *p = cmdline; *p; p++) {
		const char *n = name, *q = p;
		u32 v = 0, base = 10;

		if (p != cmdline && p[-1] != ' ')
			continue;
		while (*n && *q == *n) {
			n++;
			q++;
		}
		if (*n || *q != '=')
			continue;
		q++;
		if (q[0] == '0' && q[1] == 'x') {
			base = 16;
			q += 2;
		}
		for (;; q++) {
			u32 d;

			if (*q >= '0' && *q <= '9')
				d = *q - '0';
			else if (base == 16 && *q >= 'a' && *q <= 'f')
				d = *q - 'a' + 10;
			else
				break;
			v = v * base + d;
		}
		*val = v;
		return 1;
	}
	return 0;
}

static void read_params(void)
{
	const char *cmdline = "";
	int have_fatal = 0;

	/* boot_params.hdr.cmd_line_ptr is at offset 0x228 of the page. */
	if (boot_esi && boot_esi + 0x1000 <= mem) {
		u32 p = *(u32 *)(boot_esi + 0x228);

		if (p && p < mem - 0x1000)
			cmdline = (const char *)p;
	}
	seed = (u32)rdtsc();
	param(cmdline, "gfuzz.seed", &seed);
	param(cmdline, "gfuzz.steps", &steps_max);
	have_fatal = param(cmdline, "gfuzz.fatal", &fatal_rate);
	param(cmdline, "gfuzz.trace", &trace);
	param(cmdline, "gfuzz.vm86", &vm86);
	srand32(seed);
	irng = seed ^ 0x5bd1e995;
	if (!irng)
		irng = 1;
	/* The seed also picks how soon we try to be killed: 1/256 to 1/32768. */
	if (!have_fatal)
		fatal_rate = 1u << (8 + rnd(8));
}

static const struct {
	void (*fn)(u32);
	const char *name;
	u32 weight;
} ops[] = {
	{ op_hcall, "hcall", 6 },
	{ op_ring, "ring", 3 },
	{ op_pgtable, "pgtable", 8 },
	{ op_touch, "touch", 8 },
	{ op_gdt, "gdt", 3 },
	{ op_idt, "idt", 3 },
	{ op_segment, "segment", 4 },
	{ op_iret, "iret", 6 },
	{ op_fault, "fault", 6 },
	{ op_irq, "irq", 4 },
};

void guest_main(void)
{
	u32 total = 0, trapped = 0;

	mem = boot_ecx;
	read_params();
	/* First, so that a failure replays. */
	printf("gfuzz: seed %u\n", seed);
	printf("gfuzz: steps %u, fatal 1/%u\n", steps_max, fatal_rate);
	if ((u32)_end > IDMAP_END)
		panic("the image does not fit the identity region");

	lguest_data.features = LGUEST_FEATURE_DIRECT_PF;
	lguest_data.data_va = KALIAS + (u32)&lguest_data;
	lg_init();
	lguest_data.noirq_start = (u32)gf_noirq_start;
	lguest_data.noirq_end = (u32)gf_noirq_end;
	pae = lguest_data.pae;
	for (u32 v = 0; v < 256; v++)
		if (v != 2 && v != LGUEST_TRAP_ENTRY)
			set_gate(v);
	/* Our boot segments, as the host made them, so we can reload them. */
	gdt_copy[12] = make_desc(0, (lguest_data.switcher_base >> 12) - 1, 0xb, 1, 0xc);
	gdt_copy[13] = make_desc(0, (lguest_data.switcher_base >> 12) - 1, 0x3, 1, 0xc);
	load_gdt(14, make_desc(0, (lguest_data.switcher_base >> 12) - 1, 0xb, 3, 0xc));
	load_gdt(15, make_desc(0, (lguest_data.switcher_base >> 12) - 1, 0x3, 3, 0xc));
	hcall(LHCALL_SET_STACK, BOOT_DS, (u32)kstack + sizeof(kstack), 0);
	build_address_spaces();
	hcall(LHCALL_NEW_PGTABLE, top_of(0), 0, 0);
	printf("gfuzz: %s tables, switcher at 0x%x, %u MB\n", pae ? "PAE" : "2-level",
	       lguest_data.switcher_base, mem >> 20);
	hcall(LHCALL_SET_CLOCKEVENT, 100000, 0, 0);
	lguest_data.irq_enabled = 0x200;

	for (u32 i = 0; i < ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	for (step = 1; !steps_max || step <= steps_max; step++) {
		u32 r = rnd(total), i = 0;

		while (r >= ops[i].weight)
			r -= ops[i++].weight;
		if (trace)
			printf("gfuzz: step %u: %s\n", step, ops[i].name);
		if (gf_try(ops[i].fn, 0))
			trapped++;
		/* What a step may have left changed that the next must not inherit. */
		idt_restore();
		lguest_data.noirq_start = (u32)gf_noirq_start;
		lguest_data.noirq_end = (u32)gf_noirq_end;
		if (step % 5000 == 0)
			printf("gfuzz: step %u: %u steps trapped, %u interrupts\n", step, trapped, irqs);
	}
	printf("gfuzz: survived %u steps (%u trapped, %u interrupts; #GP %u, #PF %u, #UD %u)\n",
	       steps_max, trapped, irqs, traps[13], traps[14], traps[6]);
	poweroff("gfuzz: done");
}
