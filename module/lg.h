/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 130: The layers of lg.ko
 *
 * lguest host: what the pieces of lg.ko share.
 *
 * A guest's journey: the launcher opens /dev/lguest (lguest_user.c) and
 * describes the guest; each read() runs it (lg_run() in run.c) by handing
 * the CPU to the Switcher (x86/switcher.c, ../switcher/switcher.S), which
 * comes back with a trap number for run.c to act on.
 *
 * The files are layers, lowest first.  A file uses only what the files
 * listed before it provide (tests/13-layers.t checks the objects):
 *
 * LAYER ground: guest.c account.c
 * LAYER mechanisms: x86/mmio_insn.c segments.c page_tables.c mmio.c traps.c interrupts.c hypercalls.c
 * LAYER switcher: x86/switcher_blob.S x86/switcher.c
 * LAYER run: run.c
 * LAYER device: lguest_user.c core.c
 *
 * ground:     guest memory, the lguest_data page, killing a guest, and
 *             what each user may hold;
 * mechanisms: the guest's descriptor tables, its shadow page tables,
 *             its device accesses (decoded, handed to the launcher), trap
 *             and interrupt delivery, and the hypercalls;
 * switcher:   the x86 glue that hands the CPU to the guest and back;
 * run:        the run loop, the only place that drains the async ring;
 * device:     /dev/lguest, and the module's load and unload.
 */
#ifndef LG_H
#define LG_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/mm_types.h>
#include <linux/hrtimer.h>
#include <linux/preempt.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <lguest_abi.h>
#include "../switcher/switcher.h"
#include "x86/mmio_insn.h"

/* The guest's registers, as the Switcher saves them (switcher.h). */
struct lguest_regs {
	u32 eax, ebx, ecx, edx, esi, edi, ebp;
	u32 gs, fs, ds, es;
	u32 trapnum, errcode;
	u32 eip, cs, eflags, esp, ss;
};

/* An "lgdt"/"lidt" operand, placed so that it is naturally aligned. */
struct lg_dtr {
	u16 pad;
	u16 limit;
	u32 base;
} __packed;

struct lg_tss {
	u32 link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
	u32 eax, ecx, edx, ebx, esp, ebp, esi, edi;
	u32 es, cs, ss, ds, fs, gs, ldt;
	u16 trace, io_bitmap_base;
} __packed;

struct lg_regs_page {
	u32 exit_cr3;			/* the Switcher's, on the way out */
	u32 fast_switches;		/* made in the Switcher this trip */
	u32 direct_pfs;			/* page faults it sent on (Tour 327) */
	u8 spare[SW_REGS_OFF - 12];
	struct lguest_regs regs;
};

/* A shadow the guest may switch to inside the Switcher (Tour 325). */
struct lg_fast_slot {
	u32 gpgdir, cr3;
};

struct lg_state_page {
	u32 host_cr3, host_cr4, host_sp, guest_cr3, cr4_clear;
	u32 nmi_pending, fault, host_ldt;
	struct lg_dtr host_gdt, host_gdt_rw, host_idt, guest_gdt, guest_idt;
	u32 verw_sel;
	/* A user-mode protection fault straight to the guest (Tour 327). */
	u32 pf_data, pf_eip, pf_cs, pf_ss, pf_esp, pf_frame, pf_flags;
	u32 pf_clear_if, pf_limit;
	u8 pad1[SW_GUEST_TSS - SW_PF_LIMIT - sizeof(u32)];
	struct lg_tss tss;
	u8 pad2[SW_GDT_TABLE - SW_GUEST_TSS - sizeof(struct lg_tss)];
	u64 gdt[LGUEST_GDT_ENTRIES];
	u8 pad3[SW_IDT_TABLE - SW_GDT_TABLE - 8 * LGUEST_GDT_ENTRIES];
	u64 idt[256];
	struct lg_fast_slot fast[SW_FAST_SLOTS];
};

struct lg_cpu_pages {
	struct lg_regs_page regs;
	struct lg_state_page state;
};

/*
 * The shadow page tables: what the CPU really uses while the guest runs.
 * Two levels on a non-PAE host, three with PAE (the guest must match).
 */
#ifdef CONFIG_X86_PAE
typedef u64 lg_pte_t;
#define LG_TOP_ENTRIES	4
#define LG_TOP_SHIFT	30
#define LG_MID_ENTRIES	512
#define LG_MID_SHIFT	21
#define LG_PTE_ENTRIES	512
#else
typedef u32 lg_pte_t;
#define LG_TOP_ENTRIES	1024
#define LG_TOP_SHIFT	22
#define LG_PTE_ENTRIES	1024
#endif

/* One shadow: of a guest page table, or of the boot identity map. */
struct lg_pgdir {
	u32 gpgdir;			/* gpa of the guest's top level */
	lg_pte_t *top;			/* page directory, or PDPT with PAE */
#ifdef CONFIG_X86_PAE
	lg_pte_t *mid[LG_TOP_ENTRIES];	/* page directories */
#endif
	int mapped_cpu;			/* whose Switcher pages are mapped */
};

#define LG_PGDIRS	128		/* most shadows kept for quick switches */
#define LG_IDENTITY	0xffffffffu	/* gpgdir of the boot identity map */

struct lg_shadow {
	struct lg_pgdir dirs[LG_PGDIRS];
	unsigned int n;			/* how many of dirs[] we use */
	unsigned int cur;		/* the one in use */
	unsigned int victim;		/* the next to recycle */
};

/*
 * What one user's guests may hold of the host, whoever has their file
 * descriptors now (account.c): how many guests, and how many pages of
 * guest memory pinned plus shadow page tables.
 */
struct lg_user {
	struct list_head list;
	kuid_t uid;
	unsigned int refs;		/* open guests, under lg_users_lock */
	atomic_long_t pages;
};

/* One guest: one open /dev/lguest. */
struct lguest {
	struct mutex lock;
	struct mm_struct *mm;		/* the launcher's, holding guest RAM */
	bool initialized;
	unsigned long mem_base;		/* launcher address of guest-physical 0 */
	unsigned long mem_size;
	u32 mmio_base, mmio_size;	/* the device window, guest-physical */
	/* Where the guest's kernel half starts (LHCALL_NEW_PGTABLE), or 0. */
	u32 kernel_start;
	/* Last-level shadow tables of the kernel half, shared by all shadows. */
	lg_pte_t **ktab;
	/* Exit counts, in debugfs (lguest_user.c). */
	struct dentry *debugfs;
	unsigned long nr_exits, nr_host_irq, nr_demand, nr_guest_pf, nr_hcall[32],
		      nr_async, nr_gp, nr_trap_other, nr_irq_delivered,
		      nr_mmio_read, nr_mmio_write, nr_prefetched, nr_refilled,
		      nr_pgdir_hit, nr_pgdir_miss, nr_pgdir_kept, nr_pgdir_fast,
		      nr_smap, nr_host_cr4, nr_pf_direct;

	struct lguest_regs regs;
	u64 gdt[LGUEST_GDT_ENTRIES];
	u64 idt[256];
	u32 ss1, esp1;			/* LHCALL_SET_STACK */
	u64 syscall_gate;		/* int $0x80 straight to the guest, or 0 */
	u32 syscall_stack;		/* and the linear address of its stack */
	u32 lguest_data;		/* gpa, 0: not registered */
	bool host_cr4;			/* LGUEST_FEATURE_HOST_CR4 */
	bool direct_pf;			/* LGUEST_FEATURE_DIRECT_PF */
	u32 data_va;			/* lguest_data.data_va, for the Switcher */
	/* This entry: user protection faults straight to the guest (Tour 376). */
	bool pf_on;
	/* Puts the host's global pages back as we leave the CPU (run.c). */
	struct preempt_notifier pn;
	unsigned int next_hcall;	/* the async ring's next slot */
	unsigned long cr2;		/* of the last page fault */

	struct fpu_guest fpu;		/* the guest's own FPU and SIMD state */

	/* Virtual interrupts (interrupts.c). */
	spinlock_t tsk_lock;		/* tsk changes while timers wake it */
	struct task_struct *tsk;	/* the launcher task that runs us */
	unsigned long irqs_pending;	/* bit n: irq n is raised */
	struct hrtimer hrt;		/* the clock event: irq 0 */
	bool irq_pending_shown;		/* what lguest_data.irq_pending says */
	bool halted;

	struct lg_shadow shadow;
	/*
	 * What a CPU's table of shadows to switch to in the Switcher lists
	 * (Tour 364): a number no other listing shares, 0 once the shadows
	 * changed; for which CPU, and the direct system call's stack then;
	 */
	u64 fast_gen;
	int fast_cpu;
	u32 fast_stack;
	u32 fast_pf;			/* and lguest_data's address, if pf_on */
	bool fast_on;			/* module parameter fast_switch, then */
	/*
	 * Each guest page the shadows map is pinned once, the first time,
	 * and stays pinned until the guest goes: pages[gpfn], or NULL.
	 */
	struct page **pages;
	unsigned long pinned;		/* pages pinned */
	unsigned long tables;		/* shadow page-table pages */
	struct lg_user *user;		/* who pays for both */

	/* A device read the launcher has yet to answer (mmio.c). */
	struct lg_mmio_insn mmio;
	bool mmio_pending;

	/* What the next read() returns. */
	struct lguest_exit *exit;
	bool exit_ready;
	bool dead;
};

/* Trap numbers lg_run_guest_once() gives that are not the CPU's. */
#define LG_TRAP_HOST		0x1000	/* a host interrupt, already handled */
#define LG_TRAP_SWITCHER_FAULT	0x2000	/* + vector: a trap inside the Switcher */
#define LG_TRAP_VM86		0x3000	/* the guest got into virtual-8086 mode */
#define LG_TRAP_NONE		0x4000	/* in the regs page until a trap comes */

/* Ground (guest.c, account.c). */

/*
 * What a mechanism that checks something of the guest's found (the page
 * table walker, the descriptor loaders): the guest may go on, it must
 * take a fault itself, or it is dead (lg_kill() said why); or (the page
 * table walker only) the address is in the device window, not memory.
 */
enum lg_verdict { LG_OK, LG_GUEST_FAULT, LG_KILLED, LG_MMIO };

/* Where the Switcher is, the same in the host and in every guest. */
struct lg_switcher_map {
	unsigned long base;		/* its lowest address: guests stay below */
	unsigned long text;		/* its code, read-only */
	unsigned int text_pages;
	struct page **text_page;
	unsigned long percpu;		/* two pages per CPU (struct lg_cpu_pages) */
	struct page **percpu_page;
};
extern struct lg_switcher_map lg_sw;

static inline struct lg_cpu_pages *lg_cpu_pages(int cpu)
{
	return (struct lg_cpu_pages *)(lg_sw.percpu + cpu * 2 * PAGE_SIZE);
}

/* GDT entries that are the Switcher's, never the guest's. */
static inline bool lg_host_gdt_slot(unsigned int i)
{
	return i == SW_GDT_CS || i == SW_GDT_DS || i == SW_GDT_TSS;
}

/* A code, data or system segment descriptor. */
static inline u64 lg_desc(u32 base, u32 limit, u32 flags)
{
	u32 lo = (base << 16) | (limit & 0xffff);
	u32 hi = (base & 0xff000000) | ((base >> 16) & 0xff) |
		 (limit & 0xf0000) | (flags << 8);

	return ((u64)hi << 32) | lo;
}

__printf(2, 3) void lg_kill(struct lguest *lg, const char *fmt, ...);
bool lg_read_guest(struct lguest *lg, u32 gpa, void *buf, size_t len);
bool lg_write_guest(struct lguest *lg, u32 gpa, const void *buf, size_t len);
bool lg_data_rw(struct lguest *lg, size_t off, void *buf, size_t len,
		bool write);
/*
 * A field of the guest's lguest_data, by name ("hcalls[i]" too), through
 * a variable of the field's size.
 */
#define lg_data_field(lg, field, ptr, write)				\
	lg_data_rw(lg, offsetof(struct lguest_data, field), ptr,	\
		   sizeof(*(ptr)) +					\
		   BUILD_BUG_ON_ZERO(sizeof(*(ptr)) !=			\
				     sizeof_field(struct lguest_data, field)), \
		   write)
#define lg_data_read(lg, field, ptr)	lg_data_field(lg, field, ptr, false)
#define lg_data_write(lg, field, ptr)	lg_data_field(lg, field, ptr, true)

extern atomic_long_t lg_pinned_pages;
unsigned long lg_mem_limit(void);
struct lg_user *lg_get_user(kuid_t uid);
void lg_put_user(struct lg_user *u);
bool lg_charge(struct lguest *lg, unsigned long pages);
void lg_uncharge(struct lguest *lg, unsigned long pages);

/* Mechanisms: segments.c */
void lg_setup_guest_gdt(struct lguest *lg);
enum lg_verdict lg_load_gdt_entry(struct lguest *lg, u32 index, u32 lo, u32 hi);
enum lg_verdict lg_load_idt_entry(struct lguest *lg, u32 vector, u32 lo,
				  u32 hi);
bool lg_fixup_regs(struct lguest *lg);
bool lg_valid_stack_segment(struct lguest *lg, u32 sel, unsigned int rpl);
bool lg_kernel_code(struct lguest *lg, u32 sel);
u32 lg_segment_base(struct lguest *lg, u32 sel);

/* Mechanisms: page_tables.c */
int lg_shadow_init(struct lguest *lg);
void lg_shadow_free(struct lguest *lg);
bool lg_shadow_map_switcher(struct lguest *lg, int cpu);
bool lg_switcher_mapped(struct lguest *lg, int cpu);
void lg_shadow_fast_table(struct lguest *lg, int cpu,
			  struct lg_fast_slot *table);
bool lg_shadow_follow(struct lguest *lg, u32 cr3);
enum lg_verdict lg_demand_page(struct lguest *lg, u32 vaddr, u32 *errcode,
			       u32 *mmio_gpa);
unsigned long lg_shadow_cr3(struct lguest *lg);
bool lg_under_host_cr4(struct lguest *lg);
bool lg_shadow_user_page(struct lguest *lg, u32 vaddr);
bool lg_shadow_writable(struct lguest *lg, u32 vaddr, u32 len, bool kernel);
bool lg_shadow_kernel_writable(struct lguest *lg, u32 va, u32 len);
void lg_new_pgtable(struct lguest *lg, u32 gpgdir, u32 flush_below);
void lg_flush_tlb(struct lguest *lg, bool all);
void lg_drop_guest_entry(struct lguest *lg, u32 gpgdir, u32 vaddr,
			 unsigned int level);
enum lg_verdict lg_gva_to_gpa(struct lguest *lg, u32 vaddr, u32 access,
			      u32 *gpa);

/* Mechanisms: mmio.c */
void lg_mmio_access(struct lguest *lg, u32 vaddr, u32 gpa);
int lg_mmio_done(struct lguest *lg, u32 value);

/* Mechanisms: traps.c */
u32 lg_guest_eflags(struct lguest *lg, bool clear_if);
bool lg_deliver_trap(struct lguest *lg, unsigned int vector, bool has_err);
void lg_page_fault(struct lguest *lg);
u64 lg_direct_syscall_gate(struct lguest *lg);
bool lg_direct_pf(struct lguest *lg);

/* Mechanisms: interrupts.c */
void lg_irq_init(struct lguest *lg);
void lg_irq_exit(struct lguest *lg);
void lg_raise_irq(struct lguest *lg, unsigned int irq);
void lg_set_clockevent(struct lguest *lg, u32 delta_ns);
unsigned long lg_irqs_blocked(struct lguest *lg);
int lg_irq_due(struct lguest *lg);
void lg_deliver_irq(struct lguest *lg, unsigned int irq);

/* Mechanisms: hypercalls.c */
void lg_do_hypercall(struct lguest *lg);
void lg_do_async_hcalls(struct lguest *lg);

/* The Switcher glue: x86/switcher.c */
const char *lg_host_unsupported(void);
int lg_switcher_init(void);
void lg_switcher_exit(void);
bool lg_run_guest_once(struct lguest *lg);
void lg_restore_pge(void);

/* The run loop: run.c */
void lg_run_init(struct lguest *lg);
int lg_run(struct lguest *lg);

/* The device: lguest_user.c */
int lg_user_init(void);
void lg_user_exit(void);

#endif
