// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 160: /dev/lguest: one open file, one guest
 *
 * /dev/lguest: how the launcher creates and runs a guest.
 *
 * Each open file is one guest.  The launcher describes it with an
 * LHREQ_INITIALIZE write (its RAM is the launcher's own memory), then
 * read()s to run it: we loop between the guest and our trap handlers until
 * something needs the launcher (console output, a shutdown, a kill) and
 * return that as a struct lguest_exit.  Closing the file frees everything.
 */
#define pr_fmt(fmt) "lguest: " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/debugfs.h>
#include <linux/miscdevice.h>
#include <linux/seq_file.h>
#include <linux/moduleparam.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include "lg.h"

/*
 * What a guest's exits were for, while it lives:
 * /sys/kernel/debug/lguest/<launcher pid>-<guest>/exits, one "name count"
 * line each (read without the lock: counters a moment old are fine).
 */
static int lg_exits_show(struct seq_file *m, void *unused)
{
	struct lguest *lg = m->private;
	unsigned int i;

	seq_printf(m, "exits %lu\nhost_interrupts %lu\nshadow_faults %lu\nguest_faults %lu\n",
		   lg->nr_exits, lg->nr_host_irq, lg->nr_demand, lg->nr_guest_pf);
	seq_printf(m, "general_protection %lu\nother_traps %lu\nirqs_delivered %lu\n",
		   lg->nr_gp, lg->nr_trap_other, lg->nr_irq_delivered);
	seq_printf(m, "async_calls %lu\nmmio_reads %lu\nmmio_writes %lu\n",
		   lg->nr_async, lg->nr_mmio_read, lg->nr_mmio_write);
	/* Not exits: what the shadow page tables did meanwhile. */
	seq_printf(m, "prefetched %lu\nrefilled %lu\npgdir_hits %lu\npgdir_misses %lu\npgdir_kept %lu\n",
		   lg->nr_prefetched, lg->nr_refilled, lg->nr_pgdir_hit,
		   lg->nr_pgdir_miss, lg->nr_pgdir_kept);
	/* Switches the Switcher made without an exit (Tour 325). */
	seq_printf(m, "pgdir_fast %lu\n", lg->nr_pgdir_fast);
	/* And page faults it sent to the guest itself (Tour 327). */
	seq_printf(m, "pf_direct %lu\n", lg->nr_pf_direct);
	/*
	 * Entries under the host's SMEP, SMAP and UMIP (Tour 255), and the
	 * exits among them for a guest kernel touching user pages with AC off.
	 */
	seq_printf(m, "host_cr4_entries %lu\nsmap_fixups %lu\n",
		   lg->nr_host_cr4, lg->nr_smap);
	for (i = 0; i < ARRAY_SIZE(lg->nr_hcall); i++)
		if (lg->nr_hcall[i])
			seq_printf(m, "hypercall_%u %lu\n", i, lg->nr_hcall[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_exits);

static struct dentry *lg_debugfs_root;

static void lg_debugfs_add(struct lguest *lg)
{
	static atomic_t seq = ATOMIC_INIT(0);
	char name[32];

	/* Without debugfs (or with its errors) a guest runs just the same. */
	snprintf(name, sizeof(name), "%d-%d", task_tgid_vnr(current),
		 atomic_inc_return(&seq));
	lg->debugfs = debugfs_create_dir(name, lg_debugfs_root);
	debugfs_create_file("exits", 0400, lg->debugfs, lg, &lg_exits_fops);
}

/*
 * Tour 170: A guest is born
 *
 * LHREQ_INITIALIZE describes the guest: where its memory starts in the
 * launcher's address space, how big it is, where it starts running and
 * which page-table format it uses.  Everything is checked before anything
 * is allocated; then the FPU state, the first shadow page table (Tour 200)
 * and the boot GDT (Tour 210) are set up, and the registers the guest will
 * start with, following the boot protocol in docs/ABI.md.
 */
static int lg_initialize(struct lguest *lg, const char __user *in, size_t size)
{
	struct lguest_init init;
	u32 abi;
	int err;

	/* The version first: another ABI's request may have another size. */
	if (size < 2 * sizeof(u32))
		return -EINVAL;
	if (get_user(abi, (const u32 __user *)in + 1))
		return -EFAULT;
	if (abi != LGUEST_ABI_VERSION)
		return -EPROTO;
	if (size != sizeof(init))
		return -EINVAL;
	if (copy_from_user(&init, in, sizeof(init)))
		return -EFAULT;
	if (lg->initialized)
		return -EEXIST;
	if ((init.flags & LGUEST_INIT_PAE && !IS_ENABLED(CONFIG_X86_PAE)) ||
	    (init.flags & LGUEST_INIT_NOPAE && IS_ENABLED(CONFIG_X86_PAE)))
		return -ENOEXEC;
	if ((init.flags & ~(LGUEST_INIT_PAE | LGUEST_INIT_NOPAE)) ||
	    (init.flags & LGUEST_INIT_PAE && init.flags & LGUEST_INIT_NOPAE) ||
	    !init.mem_size || !PAGE_ALIGNED(init.mem_base) ||
	    !PAGE_ALIGNED(init.mem_size) ||
	    init.mem_size > lg_sw.base ||
	    (u64)init.mem_base + init.mem_size > TASK_SIZE ||
	    init.entry >= init.mem_size)
		return -EINVAL;
	/* The device window: whole pages between guest RAM and the Switcher. */
	if (!PAGE_ALIGNED(init.mmio_base) || !PAGE_ALIGNED(init.mmio_size) ||
	    init.mmio_size > LGUEST_MMIO_MAX ||
	    (init.mmio_size && (init.mmio_base < init.mem_size ||
				(u64)init.mmio_base + init.mmio_size > lg_sw.base)) ||
	    (!init.mmio_size && init.mmio_base))
		return -EINVAL;
	/* A guest bigger than the user may ever pin cannot run. */
	if (init.mem_size >> PAGE_SHIFT > lg_mem_limit())
		return -EDQUOT;

	lg->mem_base = init.mem_base;
	lg->mem_size = init.mem_size;
	lg->mmio_base = init.mmio_base;
	lg->mmio_size = init.mmio_size;
	if (!fpu_alloc_guest_fpstate(&lg->fpu))
		return -ENOMEM;
	err = lg_shadow_init(lg);
	if (err) {
		fpu_free_guest_fpstate(&lg->fpu);
		return err;
	}
	lg_setup_guest_gdt(lg);

	/* The boot protocol (lguest_abi.h, docs/ABI.md). */
	memset(&lg->regs, 0, sizeof(lg->regs));
	lg->regs.eax = LGUEST_BOOT_MAGIC;
	lg->regs.ebx = lg_sw.base;
	lg->regs.ecx = init.mem_size;
	lg->regs.edx = LGUEST_ABI_VERSION;
	lg->regs.esi = init.boot_esi;
	lg->regs.eip = init.entry;
	lg->regs.cs = LGUEST_BOOT_CS;
	lg->regs.ds = LGUEST_BOOT_DS;
	lg->regs.es = LGUEST_BOOT_DS;
	lg->regs.fs = LGUEST_BOOT_DS;
	lg->regs.gs = LGUEST_BOOT_DS;
	lg->regs.ss = LGUEST_BOOT_DS;
	lg->regs.eflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;

	mmgrab(current->mm);
	lg->mm = current->mm;
	get_task_struct(current);
	lg->tsk = current;
	spin_lock_init(&lg->tsk_lock);
	lg_irq_init(lg);
	lg_debugfs_add(lg);
	/* LHREQ_IRQ (unlocked) may see the guest from now on, set up. */
	smp_store_release(&lg->initialized, true);
	return 0;
}

static int lg_irq_request(struct lguest *lg, const char __user *in,
			  size_t size)
{
	u32 req[2];

	/* Paired with the release in lg_initialize(): all set up before. */
	if (size != sizeof(req) || !smp_load_acquire(&lg->initialized))
		return -EINVAL;
	if (copy_from_user(req, in, sizeof(req)))
		return -EFAULT;
	if (req[1] >= LGUEST_IRQS)
		return -EINVAL;
	lg_raise_irq(lg, req[1]);
	return 0;
}

/* The value of the device read the guest waits in (mmio.c). */
static int lg_mmio_done_request(struct lguest *lg, const char __user *in,
				size_t size)
{
	u32 req[2];
	int err;

	if (size != sizeof(req))
		return -EINVAL;
	if (copy_from_user(req, in, sizeof(req)))
		return -EFAULT;
	/* A running read() holds the lock; but then no read is pending. */
	if (mutex_lock_interruptible(&lg->lock))
		return -EINTR;
	err = lg->initialized ? lg_mmio_done(lg, req[1]) : -EINVAL;
	mutex_unlock(&lg->lock);
	return err;
}

static ssize_t lg_write(struct file *file, const char __user *in,
			size_t size, loff_t *off)
{
	struct lguest *lg = file->private_data;
	u32 req;
	int err;

	if (size < sizeof(req))
		return -EINVAL;
	if (get_user(req, (const u32 __user *)in))
		return -EFAULT;

	switch (req) {
	case LHREQ_INITIALIZE:
		/* A running read() holds the lock for as long as it runs. */
		if (mutex_lock_interruptible(&lg->lock))
			return -EINTR;
		err = lg_initialize(lg, in, size);
		mutex_unlock(&lg->lock);
		break;
	case LHREQ_MMIO_DONE:
		err = lg_mmio_done_request(lg, in, size);
		break;
	case LHREQ_IRQ:
		/*
		 * Without the lock: another thread may be running the guest
		 * (inside read(), holding it) and this must wake it.
		 */
		err = lg_irq_request(lg, in, size);
		break;
	default:
		err = -EINVAL;
	}
	return err ? err : size;
}

/*
 * Tour 240: read(): whose thread, whose FPU
 *
 * The launcher's read() is where the guest runs.  Only the launcher's own
 * threads may do it: the guest's FPU state is swapped in for the caller's
 * and back, which means nothing to a kernel thread or an io_uring worker.
 * Whichever thread reads becomes the one interrupts wake (lg->tsk).
 */
static ssize_t lg_read(struct file *file, char __user *out, size_t size,
		       loff_t *off)
{
	struct lguest *lg = file->private_data;
	size_t len;
	int err;

	if (mutex_lock_interruptible(&lg->lock))
		return -EINTR;
	err = -EINVAL;
	if (!lg->initialized || size < LGUEST_EXIT_MAX)
		goto out;
	/* A device read waits for its value (LHREQ_MMIO_DONE) first. */
	err = -EBUSY;
	if (lg->mmio_pending)
		goto out;
	/*
	 * Guest memory is in the launcher's address space, and only there.
	 * Only the launcher's own threads may run it: kernel threads and
	 * io_uring workers share its memory, but the FPU state we swap in
	 * and out below is not theirs to keep.
	 */
	err = -EPERM;
	if (current->mm != lg->mm ||
	    current->flags & (PF_KTHREAD | PF_IO_WORKER))
		goto out;
	/*
	 * Interrupts for the guest wake whichever thread runs it.  The timer
	 * and LHREQ_IRQ use lg->tsk under tsk_lock: the old thread may exit
	 * and be freed as soon as we let go of it.
	 */
	if (lg->tsk != current) {
		struct task_struct *old = lg->tsk;

		get_task_struct(current);
		spin_lock_irq(&lg->tsk_lock);
		lg->tsk = current;
		spin_unlock_irq(&lg->tsk_lock);
		put_task_struct(old);
	}
	/* The launcher's FPU state goes aside, the guest's comes in. */
	fpu_swap_kvm_fpstate(&lg->fpu, true);
	err = lg_run(lg);
	fpu_swap_kvm_fpstate(&lg->fpu, false);
	if (err)
		goto out;
	len = sizeof(*lg->exit) + lg->exit->len;
	err = -EFAULT;
	if (copy_to_user(out, lg->exit, len))
		goto out;
	/* Console output is handed over once; a stopped guest stays so. */
	if (!lg->dead)
		lg->exit_ready = false;
	err = len;
out:
	mutex_unlock(&lg->lock);
	return err;
}

static int lg_open(struct inode *inode, struct file *file)
{
	struct lg_user *user = lg_get_user(current_euid());
	struct lguest *lg;

	if (IS_ERR(user))
		return PTR_ERR(user);
	lg = kzalloc(sizeof(*lg), GFP_KERNEL_ACCOUNT);
	if (lg)
		lg->exit = kzalloc(LGUEST_EXIT_MAX, GFP_KERNEL_ACCOUNT);
	if (!lg || !lg->exit) {
		kfree(lg);
		lg_put_user(user);
		return -ENOMEM;
	}
	lg->user = user;
	mutex_init(&lg->lock);
	lg_run_init(lg);
	file->private_data = lg;
	return 0;
}

/*
 * Tour 420: The end
 *
 * Closing the file ends the guest, however the launcher went: exit, crash
 * or kill -9.  The timer is stopped, the reader task let go, every pinned
 * page released (dirty: the guest wrote to them), every shadow table
 * freed, and what the guest cost its user given back.  Nothing of the
 * guest outlives the file.
 */
static int lg_release(struct inode *inode, struct file *file)
{
	struct lguest *lg = file->private_data;

	/* Readers of the counters are waited for; then none can come. */
	debugfs_remove(lg->debugfs);
	if (lg->initialized) {
		lg_irq_exit(lg);
		put_task_struct(lg->tsk);
		lg_shadow_free(lg);
		fpu_free_guest_fpstate(&lg->fpu);
		mmdrop(lg->mm);
	}
	lg_put_user(lg->user);
	kfree(lg->exit);
	kfree(lg);
	return 0;
}

static const struct file_operations lg_fops = {
	.owner		= THIS_MODULE,
	.open		= lg_open,
	.release	= lg_release,
	.read		= lg_read,
	.write		= lg_write,
	.llseek		= no_llseek,
};

/*
 * 0660: the launcher needs no privilege beyond being let in by the
 * administrator (root, or the group a udev rule gives the node).
 */
static struct miscdevice lg_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= LGUEST_DEVICE_NAME,
	.fops	= &lg_fops,
	.mode	= 0660,
};

int lg_user_init(void)
{
	int err;

	lg_debugfs_root = debugfs_create_dir("lguest", NULL);
	err = misc_register(&lg_dev);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", LGUEST_DEVICE_NAME, err);
		debugfs_remove(lg_debugfs_root);
	}
	return err;
}

void lg_user_exit(void)
{
	misc_deregister(&lg_dev);
	debugfs_remove(lg_debugfs_root);
}
