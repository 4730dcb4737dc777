/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Tour 110: The ABI the three parties share
 *
 * The lguest ABI: what the host module (lg.ko), the launcher and the guest
 * kernel agree on.  This file is shared verbatim by all three; the guest
 * patch series carries an identical copy as
 * arch/x86/include/uapi/asm/lguest_abi.h, and a test checks they match.
 * docs/ABI.md is the prose version.
 *
 * Any incompatible change bumps LGUEST_ABI_VERSION, which every side checks
 * before it trusts anything else in here.  The versions so far:
 *  1  /dev/lguest with LHREQ_INITIALIZE only (the rig's first module).
 *  2  the Switcher runs a guest: LGUEST_INIT, SHUTDOWN, CONSOLE_WRITE,
 *     LOAD_IDT_ENTRY, LOAD_GDT_ENTRY, SET_STACK and HALT on an identity map.
 *  3  virtual interrupts: lguest_data.irq_enabled, SET_CLOCKEVENT, LHREQ_IRQ.
 *  4  the guest's own page tables, shadowed: NEW_PGTABLE, FLUSH_TLB,
 *     SET_PTE, SET_PMD, SET_PGD; PAE.
 *  5  the async hypercall ring in lguest_data; FLUSH_ASYNC.
 *  6  Linux: CONSOLE_READ, LGUEST_CONSOLE_IRQ, SEND_INTERRUPTS, shutdown
 *     reasons, the kernel-half split of NEW_PGTABLE.
 *  7  three hypercall arguments, not four: struct lguest_hcall lost arg4
 *     (never read), so the ring's slots are 16 bytes.
 *  8  devices: a device window in struct lguest_init (mmio_base,
 *     mmio_size), LGUEST_EXIT_MMIO and LHREQ_MMIO_DONE.  Later, without
 *     a new version (either side may be older: 0 means none),
 *     lguest_data.features, and LGUEST_POWER_IRQ (an older guest leaves
 *     it masked).
 */
#ifndef _LGUEST_ABI_H
#define _LGUEST_ABI_H

#ifndef __ASSEMBLY__
#include <linux/types.h>
#endif

#define LGUEST_ABI_VERSION	8

/* The misc device the launcher drives, relative to /dev. */
#define LGUEST_DEVICE_NAME	"lguest"

/*
 * Hypercalls: "int $LGUEST_TRAP_ENTRY" from the guest kernel (ring 1) with
 * the call number in %eax and arguments in %ebx, %ecx and %edx.  The
 * result, if any, comes back in %eax; other registers are preserved.  An
 * unknown call, or one with a bad argument, kills the guest.
 */
#define LGUEST_TRAP_ENTRY	0x1F

#define LHCALL_FLUSH_ASYNC	0	/* nothing: run the queued calls now */
#define LHCALL_LGUEST_INIT	1	/* ebx: guest-physical &lguest_data */
#define LHCALL_SHUTDOWN		2	/* ebx: gpa of reason (NUL-terminated), ecx: LGUEST_SHUTDOWN_* */
#define LHCALL_CONSOLE_WRITE	3	/* ebx: gpa of bytes, ecx: count (<= LGUEST_CONSOLE_MAX) */
#define LHCALL_NEW_PGTABLE	4	/* ebx: gpa of the top-level table to run on, ecx: forget its mappings below this address (0: keep), edx: LGUEST_PGTABLE_UNQUEUED or 0 */
#define LHCALL_FLUSH_TLB	5	/* ebx: 0 this address space, 1 all of them */
#define LHCALL_LOAD_IDT_ENTRY	6	/* ebx: vector, ecx: low word, edx: high word */
#define LHCALL_SET_STACK	7	/* ebx: ss, ecx: esp of the ring-1 stack for traps from ring 3 */
#define LHCALL_SET_CLOCKEVENT	9	/* ebx: ns from now to raise irq 0; 0 cancels */
#define LHCALL_HALT		10	/* sleep until an interrupt is pending */
#define LHCALL_SET_PMD		13	/* ebx: gpa of top level, ecx: vaddr */
#define LHCALL_SET_PTE		14	/* ebx: gpa of top level, ecx: vaddr */
#define LHCALL_SET_PGD		15	/* ebx: gpa of top level, ecx: vaddr */
#define LHCALL_LOAD_GDT_ENTRY	18	/* ebx: index, ecx: low word, edx: high word */
#define LHCALL_SEND_INTERRUPTS	19	/* nothing: deliver pending interrupts now */
#define LHCALL_CONSOLE_READ	20	/* ebx: gpa of a struct lguest_console_input, ecx: bytes it holds */

/*
 * Virtual interrupts: irq n (n < LGUEST_IRQS) arrives at IDT vector
 * LGUEST_IRQ_BASE + n, through an interrupt gate, when the guest's
 * virtual interrupt flag (lguest_data.irq_enabled) is on.  irq 0 is the
 * clock event; the launcher raises the others.
 */
#define LGUEST_IRQS		32
#define LGUEST_IRQ_BASE		32
#define LGUEST_CONSOLE_IRQ	1	/* the launcher has console input */
/*
 * The launcher's power button ("lguest stop"): a guest that can, powers
 * off in an orderly way, as a machine's init does when its button is
 * pressed.  The launcher's devices take the irqs between the two.
 */
#define LGUEST_POWER_IRQ	15

/*
 * LHCALL_NEW_PGTABLE keeping the table whole (ecx 0), from a guest with no
 * calls in its async ring: the host may switch to a shadow it holds
 * without leaving its Switcher, and the ring would then wait for the next
 * exit.  Older hosts ignore it.
 */
#define LGUEST_PGTABLE_UNQUEUED		1

#define LGUEST_SHUTDOWN_POWEROFF	0
#define LGUEST_SHUTDOWN_RESTART		1
#define LGUEST_SHUTDOWN_PANIC		2	/* the guest kernel panicked */

#define LGUEST_CONSOLE_MAX	1024	/* bytes per LHCALL_CONSOLE_WRITE */
#define LGUEST_REASON_MAX	256	/* bytes of a shutdown or kill reason */

/*
 * The guest's segments.  The host owns GDT entries 10, 11 (its own ring-0
 * code and data while switching) and 16 (the TSS); the guest may load any
 * other entry below LGUEST_GDT_ENTRIES with LHCALL_LOAD_GDT_ENTRY.  At boot
 * it runs on these two, flat from 0 up to (not including) the Switcher:
 */
#define LGUEST_GDT_ENTRIES	32
#define LGUEST_GDT_HOST_CS	10
#define LGUEST_GDT_HOST_DS	11
#define LGUEST_GDT_TSS		16
#define LGUEST_BOOT_CS		((12 << 3) | 1)	/* like Linux's __KERNEL_CS, RPL 1 */
#define LGUEST_BOOT_DS		((13 << 3) | 1)	/* like Linux's __KERNEL_DS, RPL 1 */

/*
 * The boot protocol.  A guest starts at its ELF entry point in 32-bit
 * protected mode, in ring 1, with paging on: guest-physical memory
 * [0, mem) is mapped at the same virtual addresses, read/write, and the
 * Switcher occupies [switcher_base, 4G), which the guest must leave alone.
 *   %eax = LGUEST_BOOT_MAGIC      %ebx = switcher_base
 *   %ecx = size of guest memory   %edx = LGUEST_ABI_VERSION
 *   %esi = boot_esi from LHREQ_INITIALIZE (Linux: &boot_params)
 *   %edi = %ebp = %esp = 0 (set up a stack before anything can trap)
 *   cs = LGUEST_BOOT_CS, ds = es = fs = gs = ss = LGUEST_BOOT_DS
 *   eflags: interrupts on (the real flag; the guest cannot change it)
 * No IDT entry is loaded: until the guest loads one, any trap kills it.
 */
#define LGUEST_BOOT_MAGIC	0x5453474c	/* "LGST" */

/*
 * The asynchronous hypercall ring in lguest_data: the guest queues calls
 * (page table updates, say) in order, and the host runs every queued one,
 * in order, at the guest's next exit of any kind (LHCALL_FLUSH_ASYNC is an
 * exit that does nothing else).  A slot is free when its status is 0xff;
 * the guest fills its args and then sets the status to 0; the host sets it
 * back to 0xff once the call is done.  The guest sets all statuses to 0xff
 * before LHCALL_LGUEST_INIT.  A bad queued call kills the guest like a bad
 * direct one.
 */
#define LHCALL_RING_SIZE	64

/*
 * An ELF note a guest may carry to say which page tables it uses:
 * name "lguest", type LGUEST_NOTE_PAGING, a __u32 of 2 (levels) or 3 (PAE).
 */
#define LGUEST_NOTE_NAME	"lguest"
#define LGUEST_NOTE_PAGING	1

#ifndef __ASSEMBLY__
struct lguest_hcall {
	__u32 call, arg1, arg2, arg3;
};

/*
 * The page the guest shares with the host, registered with
 * LHCALL_LGUEST_INIT.  It must lie within guest memory and not cross a
 * page boundary.
 */
/*
 * lguest_data.features.  LGUEST_FEATURE_HOST_CR4: once on its own page
 * tables, the guest's kernel can run under the host's SMEP, SMAP and UMIP
 * (it never executes user pages and never uses sgdt, sidt, sldt, str or
 * smsw), so the host need not switch them off and on around every entry.
 * For SMAP the host sets EFLAGS.AC in the guest kernel's flags when it
 * delivers a trap, and on a supervisor access to a user page made with AC
 * clear; the guest sets AC itself where the CPU enters it directly (a
 * direct system call).
 */
#define LGUEST_FEATURE_HOST_CR4	1
/*
 * LGUEST_FEATURE_DIRECT_PF: a page fault the guest's own tables cause in
 * its user mode (a protection fault: the entry is present) may reach its
 * handler straight from the Switcher, which writes cr2 and irq_enabled
 * through lguest_data.data_va as the host would.  In return, the guest
 * tells the host (with a TLB flush of the page) when it finds a user
 * fault spurious or makes an entry more permissive, since the host's copy
 * of the entry, unlike a TLB's, is not dropped by a fault.
 */
#define LGUEST_FEATURE_DIRECT_PF	2

struct lguest_data {
	/*
	 * Guest: X86_EFLAGS_IF (0x200) while its virtual interrupts are on.
	 * The host clears it when it delivers through an interrupt gate.
	 */
	__u32 irq_enabled;
	/* Host -> guest: the faulting address of the last page fault. */
	__u32 cr2;
	/* Host -> guest, at LHCALL_LGUEST_INIT: */
	__u32 reserve_mem;	/* bytes at the top of the address space to avoid */
	__u32 switcher_base;	/* == 4G - reserve_mem */
	__u32 tsc_khz;		/* TSC frequency, 0 if unknown */
	/*
	 * Host: non-zero while an interrupt waits for the guest.  A guest
	 * turning irq_enabled on should then make a hypercall (any, e.g.
	 * LHCALL_SEND_INTERRUPTS) to take it.
	 */
	__u32 irq_pending;
	__u32 blocked_interrupts;	/* guest: bit n set holds irq n back */
	/* Guest: no interrupt is delivered while eip is in [start, end). */
	__u32 noirq_start, noirq_end;
	/* Host -> guest, at LHCALL_LGUEST_INIT: the time of day. */
	__u32 wallclock_sec, wallclock_nsec;
	/* Host -> guest: 1 if page tables are PAE (3 levels), 0 if 2 levels. */
	__u32 pae;
	/* Guest, before LHCALL_LGUEST_INIT: LGUEST_FEATURE_* it honours. */
	__u32 features;
	/* Guest, before LHCALL_LGUEST_INIT: this structure's virtual address. */
	__u32 data_va;
	__u32 reserved[2];	/* zero; for later ABI versions */
	__u8 hcall_status[LHCALL_RING_SIZE];
	struct lguest_hcall hcalls[LHCALL_RING_SIZE];
};

/*
 * /dev/lguest requests are write()s starting with a 32-bit word naming the
 * request; the rest of the write is its argument.  A request the module
 * does not understand, or one of the wrong length, fails with EINVAL.
 */
enum lguest_req {
	LHREQ_INITIALIZE = 0,	/* struct lguest_init */
	LHREQ_IRQ = 1,		/* then a __u32 irq (< LGUEST_IRQS) to raise */
	LHREQ_MMIO_DONE = 2,	/* then the __u32 value an LGUEST_EXIT_MMIO read gets */
};

struct lguest_init {
	__u32 req;		/* LHREQ_INITIALIZE */
	__u32 abi_version;	/* LGUEST_ABI_VERSION, else EPROTO */
	__u32 mem_base;		/* launcher address of guest-physical 0, page aligned */
	__u32 mem_size;		/* bytes of guest RAM, a multiple of the page size */
	__u32 entry;		/* guest-physical entry point, within mem_size */
	__u32 boot_esi;		/* %esi at entry */
	__u32 flags;		/* LGUEST_INIT_*; other bits zero */
	/*
	 * The device window, guest-physical: page aligned, above guest
	 * RAM, below the Switcher, at most LGUEST_MMIO_MAX bytes; 0 and 0
	 * for none.  The guest's accesses there come out as LGUEST_EXIT_MMIO.
	 */
	__u32 mmio_base;
	__u32 mmio_size;
};

#define LGUEST_MMIO_MAX		(16 << 20)

/*
 * The guest's page table format, when the launcher knows it (from the
 * guest's ELF note, below): a host of the other format refuses the guest
 * with ENOEXEC.  Neither flag: the guest reads lguest_data.pae.
 */
#define LGUEST_INIT_PAE		1	/* the guest uses 3-level PAE tables */
#define LGUEST_INIT_NOPAE	2	/* the guest uses 2-level tables */

/*
 * read() on /dev/lguest runs the guest until something needs the launcher,
 * and then returns one struct lguest_exit (the buffer must hold
 * LGUEST_EXIT_MAX bytes).  It fails with EINTR when a signal is pending.
 * Once the guest has stopped (SHUTDOWN or KILLED), every later read()
 * returns that same exit again.
 */
enum lguest_exit_reason {
	LGUEST_EXIT_CONSOLE = 1,	/* data: bytes the guest wrote */
	LGUEST_EXIT_SHUTDOWN = 2,	/* arg[0]: LGUEST_SHUTDOWN_*, data: reason */
	LGUEST_EXIT_KILLED = 3,		/* data: why the host killed the guest */
	/* arg[0]: gpa of a struct lguest_console_input, arg[1]: its size */
	LGUEST_EXIT_CONSOLE_READ = 4,
	/*
	 * The guest kernel touched the device window: arg[0] the gpa,
	 * arg[1] the size (1, 2 or 4 bytes, never crossing a page), arg[2]
	 * 1 for a write of arg[3], 0 for a read.  A write is done (the guest
	 * is past it); a read waits for LHREQ_MMIO_DONE with its value, and
	 * read() fails with EBUSY until then.
	 */
	LGUEST_EXIT_MMIO = 5,
};

struct lguest_exit {
	__u32 reason;		/* enum lguest_exit_reason */
	__u32 len;		/* bytes in data[] */
	__u32 arg[4];
	char data[];
};

#define LGUEST_EXIT_MAX	(sizeof(struct lguest_exit) + LGUEST_CONSOLE_MAX)

/*
 * LHCALL_CONSOLE_READ: the launcher fills data[] with up to (size - 4)
 * bytes of console input and sets len (0: none waiting).  It raises
 * LGUEST_CONSOLE_IRQ when input arrives.
 */
struct lguest_console_input {
	__u32 len;
	char data[];
};
#endif /* !__ASSEMBLY__ */

#endif /* _LGUEST_ABI_H */
