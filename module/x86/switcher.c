// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 140: The Switcher's pages
 *
 * The x86 glue around the Switcher (../../switcher/switcher.S): the only
 * file that knows how the CPU is handed to a guest and taken back.
 *
 * At load we copy the Switcher into pages mapped at one address, read-only
 * and executable, with two pages per CPU beside it (the guest's registers,
 * then the tables and stack the Switcher runs on); every guest's shadow
 * page tables map the same pages at the same address (page_tables.c).
 * lg_run_guest_once() hands the CPU over and sorts out what came back:
 * host interrupts, NMIs and machine checks go to the host's own handlers
 * first.
 */
#define pr_fmt(fmt) "lguest: " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/hypervisor.h>
#include <asm/segment.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/irq_vectors.h>
#include <asm/pgtable.h>
#include <asm/trapnr.h>
#include <asm/tlbflush.h>
#include "../lg.h"

/* The Switcher blob, from ../switcher/switcher.S (switcher_blob.S). */
extern const u8 lg_switcher_blob[], lg_switcher_blob_end[];


/* The far pointer we "lcall" through; the Switcher returns with "iret". */
static struct {
	u32 offset;
	u16 segment;
} __packed lg_entry;

/* What a guest that cannot run under the host's CR4 runs without. */
#define LG_CR4_CLEAR	(X86_CR4_PGE | X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_UMIP)

/* The gate for int $0x80 when it comes to us: the same on every CPU. */
static u64 lg_syscall_stub_gate;

/* An interrupt gate to one of the Switcher's trap stubs. */
static u64 lg_gate(u32 offset, unsigned int dpl)
{
	u32 lo = ((SW_GDT_CS << 3) << 16) | (offset & 0xffff);
	u32 hi = (offset & 0xffff0000) | 0x8000 | (dpl << 13) | (0xE << 8);

	return ((u64)hi << 32) | lo;
}

/* Flat 4G ring-0 code and data: entries 10 and 11, host and guest alike. */
#define LG_HOST_CS_DESC	lg_desc(0, 0xfffff, 0xc09b)
#define LG_HOST_DS_DESC	lg_desc(0, 0xfffff, 0xc093)

/*
 * Which "int $n" the guest may issue itself: the hypercall from its
 * kernel, int3/into and the system call from its user programs too.  Any
 * other software interrupt gets a #GP, so a trap number >= 32 that is not
 * one of these can only be a host interrupt.
 */
static unsigned int lg_gate_dpl(unsigned int vector)
{
	switch (vector) {
	case LGUEST_TRAP_ENTRY:
		return 1;
	case 3:
	case 4:
	case IA32_SYSCALL_VECTOR:
		return 3;
	default:
		return 0;
	}
}

static void lg_init_cpu_pages(int cpu, u32 stubs, u32 stub_size)
{
	struct lg_cpu_pages *p = lg_cpu_pages(cpu);
	struct lg_state_page *st = &p->state;
	unsigned int v;

	for (v = 0; v < 256; v++)
		st->idt[v] = lg_gate(stubs + v * stub_size, lg_gate_dpl(v));
	lg_syscall_stub_gate = st->idt[IA32_SYSCALL_VECTOR];
	st->guest_idt.limit = sizeof(st->idt) - 1;
	st->guest_idt.base = (u32)st->idt;
	st->guest_gdt.limit = sizeof(st->gdt) - 1;
	st->guest_gdt.base = (u32)st->gdt;
	st->host_gdt_rw.limit = GDT_SIZE - 1;
	st->host_gdt_rw.base = (u32)get_cpu_gdt_rw(cpu);

	/* Traps from the guest land at the end of the regs page. */
	st->tss.esp0 = (u32)p + PAGE_SIZE;
	st->tss.ss0 = SW_GDT_DS << 3;
	/* No I/O bitmap: every port access from the guest traps. */
	st->tss.io_bitmap_base = sizeof(st->tss);
	st->gdt[SW_GDT_CS] = LG_HOST_CS_DESC;
	st->gdt[SW_GDT_DS] = LG_HOST_DS_DESC;
	st->gdt[SW_GDT_TSS] = lg_desc((u32)&st->tss, sizeof(st->tss) - 1,
				      0x89);
	/* Clear the CPU's buffers on the way in where the host does. */
	if (boot_cpu_has(X86_FEATURE_CLEAR_CPU_BUF) ||
	    boot_cpu_has(X86_FEATURE_CLEAR_CPU_BUF_VM))
		st->verw_sel = SW_GDT_DS << 3;
}

/* Our code and data segments in the host's GDT, where Linux leaves a gap. */
static int lg_host_gdt_entries(bool install)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		u64 *gdt = (u64 *)get_cpu_gdt_rw(cpu);

		if (!install) {
			gdt[SW_GDT_CS] = 0;
			gdt[SW_GDT_DS] = 0;
			continue;
		}
		if (gdt[SW_GDT_CS] || gdt[SW_GDT_DS]) {
			pr_err("refusing to load: GDT entries %d and %d are in use on CPU %d\n",
			       SW_GDT_CS, SW_GDT_DS, cpu);
			return -EBUSY;
		}
	}
	if (!install)
		return 0;
	for_each_possible_cpu(cpu) {
		u64 *gdt = (u64 *)get_cpu_gdt_rw(cpu);

		gdt[SW_GDT_CS] = LG_HOST_CS_DESC;
		gdt[SW_GDT_DS] = LG_HOST_DS_DESC;
	}
	return 0;
}

static void lg_free_pages(struct page **pages, unsigned int n)
{
	unsigned int i;

	if (!pages)
		return;
	for (i = 0; i < n; i++)
		if (pages[i])
			__free_page(pages[i]);
	kfree(pages);
}

static struct page **lg_alloc_pages(unsigned int n)
{
	struct page **pages = kcalloc(n, sizeof(*pages), GFP_KERNEL);
	unsigned int i;

	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i]) {
			lg_free_pages(pages, n);
			return NULL;
		}
	}
	return pages;
}

static void lg_switcher_pages_free(void)
{
	if (lg_sw.percpu)
		vunmap((void *)lg_sw.percpu);
	if (lg_sw.text)
		vunmap((void *)lg_sw.text);
	lg_free_pages(lg_sw.percpu_page, 2 * nr_cpu_ids);
	lg_free_pages(lg_sw.text_page, lg_sw.text_pages);
}

static void lg_flush_host_tlb(void *unused)
{
	__flush_tlb_all();
}

/*
 * vmap() maps pages no-execute whatever we ask for; the Switcher's code,
 * already read-only, must be executable.  Nothing else we map is.
 */
static int lg_make_executable(unsigned long addr, unsigned int n)
{
	unsigned int i, level;

	for (i = 0; i < n; i++) {
		pte_t *pte = lookup_address(addr + i * PAGE_SIZE, &level);

		if (!pte || level != PG_LEVEL_4K || pte_write(*pte))
			return -EINVAL;
		set_pte(pte, pte_clear_flags(*pte, _PAGE_NX));
	}
	on_each_cpu(lg_flush_host_tlb, NULL, 1);
	return 0;
}

/*
 * The Switcher's code goes into pages mapped read-only and executable; the
 * per-CPU pages are mapped read-write and never executable.  Nothing is
 * ever writable and executable at once.
 */
static int lg_switcher_pages_init(void)
{
	size_t size = lg_switcher_blob_end - lg_switcher_blob;
	const u32 *hdr = (const u32 *)lg_switcher_blob;
	unsigned int i, n;
	int cpu;

	if (size < 32 || hdr[SW_HDR_MAGIC / 4] != SW_MAGIC ||
	    hdr[SW_HDR_SIZE / 4] > size ||
	    hdr[SW_HDR_STUB_SIZE / 4] != SW_STUB_SIZE ||
	    hdr[SW_HDR_STUBS / 4] + 256 * SW_STUB_SIZE > hdr[SW_HDR_SIZE / 4]) {
		pr_err("the built-in Switcher is corrupt\n");
		return -EINVAL;
	}

	n = DIV_ROUND_UP(hdr[SW_HDR_SIZE / 4], PAGE_SIZE);
	lg_sw.text_page = lg_alloc_pages(n);
	if (!lg_sw.text_page)
		return -ENOMEM;
	lg_sw.text_pages = n;
	for (i = 0; i < n; i++) {
		size_t off = i * PAGE_SIZE;

		memcpy(page_address(lg_sw.text_page[i]), lg_switcher_blob + off,
		       min_t(size_t, PAGE_SIZE, size - off));
	}
	lg_sw.text = (unsigned long)vmap(lg_sw.text_page, n, VM_MAP,
					       PAGE_KERNEL_RO);
	if (lg_sw.text && lg_make_executable(lg_sw.text, n)) {
		lg_switcher_pages_free();
		return -ENOMEM;
	}

	lg_sw.percpu_page = lg_alloc_pages(2 * nr_cpu_ids);
	if (lg_sw.percpu_page)
		lg_sw.percpu = (unsigned long)vmap(lg_sw.percpu_page,
						   2 * nr_cpu_ids, VM_MAP,
						   PAGE_KERNEL);
	if (!lg_sw.text || !lg_sw.percpu) {
		lg_switcher_pages_free();
		return -ENOMEM;
	}
	lg_sw.base = min(lg_sw.text, lg_sw.percpu);

	lg_entry.offset = lg_sw.text + hdr[SW_HDR_ENTRY / 4];
	lg_entry.segment = __KERNEL_CS;
	for_each_possible_cpu(cpu)
		lg_init_cpu_pages(cpu, lg_sw.text + hdr[SW_HDR_STUBS / 4],
				  SW_STUB_SIZE);
	return 0;
}

/*
 * Tour 330: Host interrupts are the host's
 *
 * Hand a host interrupt (or NMI) that arrived while the guest ran to the
 * host's own handler, through the host's IDT, as if the CPU had: a ring-0
 * interrupt frame and a call.  Interrupts are still off.
 */
static void lg_host_vector(unsigned int vector)
{
	struct desc_ptr dt;
	gate_desc *gate;
	unsigned long addr;

	store_idt(&dt);
	gate = (gate_desc *)dt.address + vector;
	addr = gate_offset(gate);
	asm volatile("pushfl\n\t"
		     "pushl %[cs]\n\t"
		     "call *%[addr]"
		     : ASM_CALL_CONSTRAINT
		     : [addr] "r" (addr), [cs] "i" (__KERNEL_CS)
		     : "memory", "cc");
}

/* A trap that is really the host's: an NMI, a machine check, an IRQ. */
static bool lg_is_host_vector(u32 trap)
{
	return trap == 2 || trap == 18 ||
	       (trap >= FIRST_EXTERNAL_VECTOR && trap < 256 &&
		trap != IA32_SYSCALL_VECTOR);
}

/*
 * Tour 255: Global pages, lazily
 *
 * Entering the guest turns CR4.PGE off, and every write of CR4 costs a
 * TLB flush (under QEMU's TCG, a quarter of an exit).  For a guest that
 * runs under the host's SMEP, SMAP and UMIP (LGUEST_FEATURE_HOST_CR4), PGE
 * is the only difference, and the Switcher leaves it off on the way out:
 * the host runs correctly without global pages, its TLB entries just do
 * not outlive a %cr3 switch, and the next entry writes only %cr3.  Here it
 * comes back, when the task that runs the guest leaves the CPU (run.c's
 * preempt notifier: other tasks never run without it) or returns to the
 * launcher.  The host's own idea of CR4 keeps PGE all along, so whatever
 * it writes to CR4 meanwhile (a global flush, say) only turns PGE on
 * early, and the next entry turns it off again.
 */
void lg_restore_pge(void)
{
	unsigned long flags, cr4;

	if (!boot_cpu_has(X86_FEATURE_PGE))
		return;
	local_irq_save(flags);
	cr4 = native_read_cr4();
	if (!(cr4 & X86_CR4_PGE))
		asm volatile("mov %0, %%cr4" : : "r" (cr4 | X86_CR4_PGE) : "memory");
	local_irq_restore(flags);
}

/*
 * Tour 260: Handing the CPU over
 *
 * One trip into the guest and back.  Called with interrupts off; on return
 * lg->regs holds the guest's registers and trap number, and any host
 * interrupt that stopped the guest has already been handled.  Returns
 * false, without entering, if this CPU's Switcher pages could not be
 * mapped for the guest (the tables for them are allocated beforehand, so
 * that is an internal error).
 */
bool lg_run_guest_once(struct lguest *lg)
{
	int cpu = smp_processor_id();
	struct lg_cpu_pages *p = lg_cpu_pages(cpu);
	struct lg_state_page *st = &p->state;
	u64 sysenter_cs = 0;
	unsigned int i;
	u32 fault;
	void *clobber;

	if (!lg_switcher_mapped(lg, cpu) && !lg_shadow_map_switcher(lg, cpu))
		return false;
	p->regs.regs = lg->regs;
	/* Until a trap brings the guest back (a fault inside us reads it). */
	p->regs.regs.trapnum = LG_TRAP_NONE;
	for (i = 0; i < LGUEST_GDT_ENTRIES; i++)
		if (!lg_host_gdt_slot(i))
			st->gdt[i] = lg->gdt[i];
	/* int $0x80: straight to the guest, or to us (Tour 375). */
	st->idt[IA32_SYSCALL_VECTOR] = lg->syscall_gate ?: lg_syscall_stub_gate;
	st->tss.ss1 = lg->ss1;
	st->tss.esp1 = lg->esp1;
	st->guest_cr3 = lg_shadow_cr3(lg);
	lg_shadow_fast_table(lg, cpu, st->fast);
	p->regs.exit_cr3 = st->guest_cr3;
	p->regs.fast_switches = 0;
	/* User protection faults: straight to the guest, or to us (Tour 327). */
	st->pf_data = lg->pf_on ? lg->data_va : 0;
	if (lg->pf_on) {
		u64 gate = lg->idt[14];

		st->pf_eip = ((gate >> 32) & 0xffff0000) | (gate & 0xffff);
		st->pf_cs = (gate >> 16) & 0xffff;
		st->pf_ss = lg->ss1;
		st->pf_esp = lg->esp1 - SW_PF_FRAME_SIZE;
		st->pf_frame = lg->syscall_stack - SW_PF_FRAME_SIZE;
		st->pf_flags = lg_under_host_cr4(lg) ? X86_EFLAGS_AC : 0;
		st->pf_clear_if = ((gate >> 40) & 0xf) == 0xE;
		st->pf_limit = lg_sw.base;
		p->regs.direct_pfs = 0;
	}
	if (lg_under_host_cr4(lg)) {
		st->cr4_clear = X86_CR4_PGE;
		lg->nr_host_cr4++;
	} else {
		st->cr4_clear = LG_CR4_CLEAR;
	}
	st->nmi_pending = 0;
	st->fault = 0;

	/* "sysenter" from the guest must not land in the host's kernel. */
	if (boot_cpu_has(X86_FEATURE_SEP)) {
		rdmsrl(MSR_IA32_SYSENTER_CS, sysenter_cs);
		wrmsrl(MSR_IA32_SYSENTER_CS, 0);
	}

	asm volatile("pushfl\n\t"
		     "lcall *%[entry]"
		     : "=a" (clobber), ASM_CALL_CONSTRAINT
		     : "0" (p), [entry] "m" (lg_entry)
		     : "memory", "cc", "ecx", "edx");

	if (boot_cpu_has(X86_FEATURE_SEP))
		wrmsrl(MSR_IA32_SYSENTER_CS, sysenter_cs);

	/* Before anything else can fault and overwrite it. */
	if (p->regs.regs.trapnum == 14)
		lg->cr2 = read_cr2();
	lg->regs = p->regs.regs;
	lg->nr_pgdir_fast += p->regs.fast_switches;
	if (lg->pf_on)
		lg->nr_pf_direct += p->regs.direct_pfs;
	/* The Switcher may have changed its shadow (Tour 325). */
	if (p->regs.exit_cr3 != st->guest_cr3 &&
	    !lg_shadow_follow(lg, p->regs.exit_cr3))
		lg_kill(lg, "internal error: the guest left on page tables at 0x%08x, which are not its shadows",
			p->regs.exit_cr3);
	fault = st->fault;
	if (st->nmi_pending)
		lg_host_vector(2);
	if (fault) {
		/*
		 * A trap inside the Switcher, or one from a guest in vm86
		 * mode.  Either way the guest is done for, but a host
		 * interrupt or machine check among them is still the host's
		 * to handle: unacknowledged, a timer interrupt would leave
		 * this CPU without a tick for good.
		 */
		u32 vector = fault & SW_FAULT_VM86 ? fault & 0xff : fault - 1;

		if (lg_is_host_vector(vector))
			lg_host_vector(vector);
		/*
		 * A machine check can land on the way out too, after the stub
		 * recorded the host interrupt that stopped the guest.  That
		 * one must reach the host as well, or its vector stays in
		 * service in the local APIC and every interrupt of its
		 * priority or below (the timer's) stops on this CPU for good.
		 * The stub pushed a zero error code for it; a fault on the way
		 * in leaves the Switcher's own eflags (never 0) in that slot,
		 * or the trap number we left there.
		 */
		if (!(fault & SW_FAULT_VM86) && lg->regs.trapnum != LG_TRAP_NONE &&
		    !lg->regs.errcode && lg_is_host_vector(lg->regs.trapnum))
			lg_host_vector(lg->regs.trapnum);
		lg->regs.trapnum = fault & SW_FAULT_VM86 ? LG_TRAP_VM86 :
				   LG_TRAP_SWITCHER_FAULT + vector;
		return true;
	}
	if (lg_is_host_vector(lg->regs.trapnum)) {
		lg_host_vector(lg->regs.trapnum);
		lg->regs.trapnum = LG_TRAP_HOST;
	}
	return true;
}

/*
 * "syscall" in a 32-bit kernel's legacy mode goes to ring 0 at whatever
 * the STAR MSR names if EFER.SCE is on (AMD); our IDT cannot catch it.  A
 * 32-bit Linux never turns it on, but check every CPU.
 */
static void lg_check_sce(void *any)
{
	u64 efer;

	if (!rdmsrl_safe(MSR_EFER, &efer) && (efer & EFER_SCE))
		WRITE_ONCE(*(bool *)any, true);
}

static bool lg_syscall_enabled(void)
{
	bool any = false;

	on_each_cpu(lg_check_sce, &any, 1);
	return any;
}

/* The C layout must be the one switcher.S assumes. */
static void __init lg_check_layout(void)
{
	BUILD_BUG_ON(sizeof(struct lguest_regs) != SW_REGS_SIZE);
	BUILD_BUG_ON(offsetof(struct lguest_regs, trapnum) != SW_R_TRAPNUM);
	BUILD_BUG_ON(offsetof(struct lguest_regs, eip) != SW_R_EIP);
	BUILD_BUG_ON(offsetof(struct lguest_regs, ss) != SW_R_SS);
	BUILD_BUG_ON(offsetof(struct lguest_regs, es) != SW_R_ES);
	BUILD_BUG_ON(offsetof(struct lg_cpu_pages, regs.regs) != SW_REGS_OFF);
	BUILD_BUG_ON(sizeof(struct lg_regs_page) != PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct lg_state_page) != PAGE_SIZE);
	BUILD_BUG_ON(offsetof(struct lg_state_page, host_cr3) != SW_HOST_CR3);
	BUILD_BUG_ON(offsetof(struct lg_state_page, host_cr4) != SW_HOST_CR4);
	BUILD_BUG_ON(X86_CR4_PGE != SW_CR4_PGE);
	BUILD_BUG_ON(offsetof(struct lg_state_page, host_sp) != SW_HOST_SP);
	BUILD_BUG_ON(offsetof(struct lg_state_page, guest_cr3) != SW_GUEST_CR3);
	BUILD_BUG_ON(offsetof(struct lg_state_page, cr4_clear) != SW_CR4_CLEAR);
	BUILD_BUG_ON(offsetof(struct lg_state_page, pf_data) != SW_PF_DATA);
	BUILD_BUG_ON(offsetof(struct lg_state_page, pf_eip) != SW_PF_EIP);
	BUILD_BUG_ON(offsetof(struct lg_state_page, pf_cs) != SW_PF_CS);
	BUILD_BUG_ON(offsetof(struct lg_state_page, pf_ss) != SW_PF_SS);
	BUILD_BUG_ON(offsetof(struct lg_state_page, pf_esp) != SW_PF_ESP);
	BUILD_BUG_ON(offsetof(struct lg_state_page, pf_frame) != SW_PF_FRAME);
	BUILD_BUG_ON(offsetof(struct lg_state_page, pf_flags) != SW_PF_FLAGS);
	BUILD_BUG_ON(offsetof(struct lg_state_page, pf_clear_if) != SW_PF_CLEAR_IF);
	BUILD_BUG_ON(offsetof(struct lg_state_page, pf_limit) != SW_PF_LIMIT);
	BUILD_BUG_ON(offsetof(struct lg_regs_page, direct_pfs) != SW_PF_COUNT);
	BUILD_BUG_ON(offsetof(struct lguest_data, irq_enabled) != SW_DATA_IRQ_ENABLED);
	BUILD_BUG_ON(offsetof(struct lguest_data, cr2) != SW_DATA_CR2);
	BUILD_BUG_ON(offsetof(struct lg_state_page, nmi_pending) !=
		     SW_NMI_PENDING);
	BUILD_BUG_ON(offsetof(struct lg_state_page, fault) != SW_FAULT);
	BUILD_BUG_ON(offsetof(struct lg_state_page, host_ldt) != SW_HOST_LDT);
	BUILD_BUG_ON(offsetof(struct lg_state_page, host_gdt) != SW_HOST_GDT);
	BUILD_BUG_ON(offsetof(struct lg_state_page, host_gdt_rw) !=
		     SW_HOST_GDT_RW);
	BUILD_BUG_ON(offsetof(struct lg_state_page, host_idt) != SW_HOST_IDT);
	BUILD_BUG_ON(offsetof(struct lg_state_page, guest_gdt) != SW_GUEST_GDT);
	BUILD_BUG_ON(offsetof(struct lg_state_page, guest_idt) != SW_GUEST_IDT);
	BUILD_BUG_ON(offsetof(struct lg_state_page, verw_sel) != SW_VERW_SEL);
	BUILD_BUG_ON(offsetof(struct lg_state_page, tss) != SW_GUEST_TSS);
	BUILD_BUG_ON(offsetof(struct lg_state_page, gdt) != SW_GDT_TABLE);
	BUILD_BUG_ON(offsetof(struct lg_state_page, idt) != SW_IDT_TABLE);
	BUILD_BUG_ON(offsetof(struct lg_state_page, fast) != SW_FAST_TABLE);
	BUILD_BUG_ON(offsetof(struct lg_regs_page, exit_cr3) != SW_EXIT_CR3);
	BUILD_BUG_ON(offsetof(struct lg_regs_page, fast_switches) !=
		     SW_FAST_COUNT);
	BUILD_BUG_ON(LGUEST_TRAP_ENTRY != SW_HCALL_TRAP);
	BUILD_BUG_ON(LHCALL_NEW_PGTABLE != SW_HCALL_NEW_PGTABLE);
	BUILD_BUG_ON(LGUEST_PGTABLE_UNQUEUED != SW_PGTABLE_UNQUEUED);
	BUILD_BUG_ON(sizeof(struct lg_tss) != 104);
	BUILD_BUG_ON(GDT_ENTRY_TSS != SW_GDT_TSS);
	BUILD_BUG_ON(LGUEST_GDT_TSS != SW_GDT_TSS);
	BUILD_BUG_ON(LGUEST_GDT_HOST_CS != SW_GDT_CS);
	BUILD_BUG_ON(LGUEST_GDT_HOST_DS != SW_GDT_DS);
}

/*
 * The guest runs in ring 1 while we own ring 0.  That needs a 32-bit x86
 * kernel which is itself in ring 0: a paravirtualized kernel (a Xen PV
 * guest, or an lguest guest) already gave ring 1 to itself.  A kernel
 * running under hardware or emulated virtualization (KVM, QEMU) is in
 * ring 0 and is fine.
 */
const char *lg_host_unsupported(void)
{
	unsigned int cs;

	asm volatile("mov %%cs, %0" : "=r" (cs));
	if (cs & SEGMENT_RPL_MASK)
		return "this kernel runs outside ring 0 (it is a paravirtualized guest itself)";
	if (boot_cpu_has(X86_FEATURE_XENPV) ||
	    hypervisor_is_type(X86_HYPER_XEN_PV))
		return "this kernel is a Xen PV guest";
	if (lg_syscall_enabled())
		return "EFER.SCE is set: a guest's \"syscall\" would enter ring 0 (a 32-bit kernel never sets it; was it started from a 64-bit one?)";
	return NULL;
}

int lg_switcher_init(void)
{
	int err;

	lg_check_layout();
	err = lg_switcher_pages_init();
	if (err)
		return err;
	err = lg_host_gdt_entries(true);
	if (err) {
		lg_switcher_pages_free();
		return err;
	}
	preempt_notifier_inc();
	return 0;
}

void lg_switcher_exit(void)
{
	preempt_notifier_dec();
	lg_host_gdt_entries(false);
	lg_switcher_pages_free();
}
