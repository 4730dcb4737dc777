// SPDX-License-Identifier: GPL-2.0
/*
 * lgprobe: a helper module for lg.ko's tests in the rig, never shipped.
 * It makes the host do, on demand, what a real host does only now and
 * then, so that a test can show lg.ko copes:
 *
 * sce=1	EFER.SCE on every CPU while loaded, as a 64-bit kernel that
 *		started a 32-bit one can leave it: a guest's "syscall" would
 *		then enter ring 0, so lg.ko must refuse to load.
 * fpu_us=N	every N microseconds on every CPU, a timer interrupt uses the
 *		FPU (kernel_fpu_begin(), as crypto or RAID code in an interrupt
 *		may) and leaves its marker in st0-7 and xmm0-7.  A guest must
 *		never see the marker.
 * flush_cost=1	at load, print what a world switch's own instructions
 *		cost on this CPU in TSC cycles (make bench): reloading %cr3,
 *		turning CR4.PGE off and on, and touching pages afresh after
 *		a flush.  Under QEMU's TCG each of these empties its software
 *		TLB and jump cache.
 */
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <asm/fpu/api.h>
#include <asm/msr.h>

static bool sce;
module_param(sce, bool, 0444);
MODULE_PARM_DESC(sce, "set EFER.SCE on every CPU while loaded");

static unsigned int fpu_us;
module_param(fpu_us, uint, 0444);
MODULE_PARM_DESC(fpu_us, "period of the FPU-using timer interrupt (0: none)");

static bool flush_cost;
module_param(flush_cost, bool, 0444);
MODULE_PARM_DESC(flush_cost, "print the cost of a %cr3 reload and a CR4.PGE toggle at load");

/* What the interrupt leaves in the registers: "LGPB" in every word. */
#define LGPROBE_MARK 0x4250474cu

static u32 mark[32] __aligned(16);
static DEFINE_PER_CPU(struct hrtimer, fpu_timer);
static atomic_long_t fpu_used;
static bool sce_was[NR_CPUS];

static enum hrtimer_restart lgprobe_fpu(struct hrtimer *t)
{
	/* Whatever it interrupted, if the kernel allows the FPU here. */
	if (irq_fpu_usable()) {
		kernel_fpu_begin();
		asm volatile(".rept 8\n\tfildl %0\n\t.endr\n\t"
			     "movdqa %0, %%xmm0\n\tmovdqa %0, %%xmm1\n\t"
			     "movdqa %0, %%xmm2\n\tmovdqa %0, %%xmm3\n\t"
			     "movdqa %0, %%xmm4\n\tmovdqa %0, %%xmm5\n\t"
			     "movdqa %0, %%xmm6\n\tmovdqa %0, %%xmm7"
			     : : "m" (*(u32 (*)[4])mark));
		kernel_fpu_end();
		atomic_long_inc(&fpu_used);
	}
	hrtimer_forward_now(t, ns_to_ktime((u64)fpu_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void lgprobe_fpu_start(void *unused)
{
	struct hrtimer *t = this_cpu_ptr(&fpu_timer);

	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	t->function = lgprobe_fpu;
	hrtimer_start(t, ns_to_ktime((u64)fpu_us * NSEC_PER_USEC), HRTIMER_MODE_REL_PINNED_HARD);
}

static void lgprobe_sce(void *on)
{
	u64 efer;

	if (rdmsrl_safe(MSR_EFER, &efer))
		return;
	if (on) {
		sce_was[smp_processor_id()] = efer & EFER_SCE;
		efer |= EFER_SCE;
	} else if (!sce_was[smp_processor_id()]) {
		efer &= ~EFER_SCE;
	}
	wrmsrl_safe(MSR_EFER, efer);
}

#define FLUSH_ROUNDS	2000
#define FLUSH_PAGES	32

static unsigned long lgprobe_read_cr(bool cr4)
{
	unsigned long v;

	if (cr4)
		asm volatile("mov %%cr4, %0" : "=r" (v));
	else
		asm volatile("mov %%cr3, %0" : "=r" (v));
	return v;
}

static void lgprobe_write_cr(bool cr4, unsigned long v)
{
	if (cr4)
		asm volatile("mov %0, %%cr4" : : "r" (v) : "memory");
	else
		asm volatile("mov %0, %%cr3" : : "r" (v) : "memory");
}

/*
 * Cycles per round of: nothing but the touches (0), a %cr3 reload (1),
 * a CR4.PGE toggle (2), with touch pages read after each.
 */
static u64 lgprobe_rounds(int what, const u8 *buf, unsigned int touch)
{
	unsigned long cr3 = lgprobe_read_cr(false), cr4 = lgprobe_read_cr(true);
	unsigned long flags;
	unsigned int i, p;
	u64 t;

	local_irq_save(flags);
	t = rdtsc_ordered();
	for (i = 0; i < FLUSH_ROUNDS; i++) {
		if (what == 1) {
			lgprobe_write_cr(false, cr3);
		} else if (what == 2) {
			lgprobe_write_cr(true, cr4 & ~X86_CR4_PGE);
			lgprobe_write_cr(true, cr4);
		}
		for (p = 0; p < touch; p++)
			READ_ONCE(buf[p * PAGE_SIZE]);
	}
	t = rdtsc_ordered() - t;
	local_irq_restore(flags);
	return div_u64(t, FLUSH_ROUNDS);
}

static void lgprobe_flush_cost(void)
{
	u8 *buf = kzalloc(FLUSH_PAGES * PAGE_SIZE, GFP_KERNEL);
	u64 base, base_t, cr3, cr3_t, pge;

	if (!buf)
		return;
	base = lgprobe_rounds(0, buf, 0);
	base_t = lgprobe_rounds(0, buf, FLUSH_PAGES);
	cr3 = lgprobe_rounds(1, buf, 0);
	cr3_t = lgprobe_rounds(1, buf, FLUSH_PAGES);
	pge = lgprobe_rounds(2, buf, 0);
	kfree(buf);
	pr_info("lgprobe: flush cost: %%cr3 reload %llu cycles, CR4.PGE off and on %llu, %u pages touched after a reload %llu more than without (empty loop %llu, touches alone %llu)\n",
		cr3 - base, pge - base, FLUSH_PAGES,
		(cr3_t - cr3) - (base_t - base), base, base_t);
}

static int __init lgprobe_init(void)
{
	int i;

	if (flush_cost)
		lgprobe_flush_cost();
	if (sce) {
		/* Only CPUs that have "syscall" let the bit be set. */
		if (!boot_cpu_has(X86_FEATURE_SYSCALL)) {
			pr_err("lgprobe: sce=1 needs a CPU with syscall\n");
			return -ENODEV;
		}
		on_each_cpu(lgprobe_sce, (void *)1, 1);
		pr_info("lgprobe: EFER.SCE set on every CPU\n");
	}
	if (fpu_us) {
		for (i = 0; i < ARRAY_SIZE(mark); i++)
			mark[i] = LGPROBE_MARK;
		on_each_cpu(lgprobe_fpu_start, NULL, 1);
		pr_info("lgprobe: an FPU-using interrupt every %u us\n", fpu_us);
	}
	return 0;
}

static void __exit lgprobe_exit(void)
{
	int cpu;

	if (fpu_us) {
		for_each_online_cpu(cpu)
			hrtimer_cancel(per_cpu_ptr(&fpu_timer, cpu));
		pr_info("lgprobe: %ld interrupts used the FPU\n",
			atomic_long_read(&fpu_used));
	}
	if (sce)
		on_each_cpu(lgprobe_sce, NULL, 1);
}

module_init(lgprobe_init);
module_exit(lgprobe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lguest test helper: EFER.SCE and FPU-using interrupts");
