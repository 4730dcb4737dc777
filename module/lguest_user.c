// SPDX-License-Identifier: GPL-2.0
/*
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
#include <linux/miscdevice.h>
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
 * What a user may make the host hold.  Whoever can open /dev/lguest (root
 * and group lguest) drives kernel allocations: each guest's structures and
 * shadow page tables, and the guest memory pinned while it runs.  Pinned
 * pages and shadow tables count against max_mem_mb per user (by default
 * three quarters of RAM: the host keeps the rest); open guests against
 * max_guests.  They are charged to the user who opened the file, for as
 * long as the file lives, whoever holds its descriptors by then.
 */
static unsigned int lg_max_guests = 16;
module_param_named(max_guests, lg_max_guests, uint, 0644);
MODULE_PARM_DESC(max_guests, "guests one user may have open at once");
static unsigned int lg_max_mem_mb;
module_param_named(max_mem_mb, lg_max_mem_mb, uint, 0644);
MODULE_PARM_DESC(max_mem_mb, "MiB of pinned guest memory and shadow page tables one user's guests may hold (0: 3/4 of RAM)");

/* In pages. */
unsigned long lg_mem_limit(void)
{
	unsigned int mb = READ_ONCE(lg_max_mem_mb);

	if (mb)
		return (unsigned long)mb << (20 - PAGE_SHIFT);
	return totalram_pages() / 4 * 3;
}

/* What the host holds right now, for the tests and for the curious. */
atomic_long_t lg_pinned_pages = ATOMIC_LONG_INIT(0);
static atomic_t lg_nr_guests = ATOMIC_INIT(0);

static int lg_get_pinned(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&lg_pinned_pages));
}

static int lg_get_guests(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&lg_nr_guests));
}

static int lg_get_limit(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", lg_mem_limit() >> (20 - PAGE_SHIFT));
}

static const struct kernel_param_ops lg_limit_ops = { .get = lg_get_limit };
module_param_cb(mem_limit_mb, &lg_limit_ops, NULL, 0444);
MODULE_PARM_DESC(mem_limit_mb, "the limit max_mem_mb sets, in MiB (read-only)");
static const struct kernel_param_ops lg_pinned_ops = { .get = lg_get_pinned };
static const struct kernel_param_ops lg_guests_ops = { .get = lg_get_guests };
module_param_cb(pinned_pages, &lg_pinned_ops, NULL, 0444);
MODULE_PARM_DESC(pinned_pages, "guest pages pinned by all guests (read-only)");
module_param_cb(guests, &lg_guests_ops, NULL, 0444);
MODULE_PARM_DESC(guests, "open guests (read-only)");

static LIST_HEAD(lg_users);
static DEFINE_MUTEX(lg_users_lock);

/* Account n more pages to the guest's user, if the limit allows. */
bool lg_charge(struct lguest *lg, unsigned long n)
{
	if (atomic_long_add_return(n, &lg->user->pages) > lg_mem_limit()) {
		atomic_long_sub(n, &lg->user->pages);
		return false;
	}
	return true;
}

void lg_uncharge(struct lguest *lg, unsigned long n)
{
	atomic_long_sub(n, &lg->user->pages);
}

static struct lg_user *lg_get_user(kuid_t uid)
{
	struct lg_user *u;

	mutex_lock(&lg_users_lock);
	list_for_each_entry(u, &lg_users, list)
		if (uid_eq(u->uid, uid))
			goto found;
	u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (!u) {
		u = ERR_PTR(-ENOMEM);
		goto out;
	}
	u->uid = uid;
	atomic_long_set(&u->pages, 0);
	list_add(&u->list, &lg_users);
found:
	if (u->refs >= READ_ONCE(lg_max_guests)) {
		/* A user record is kept only while it has guests. */
		if (!u->refs) {
			list_del(&u->list);
			kfree(u);
		}
		u = ERR_PTR(-EMFILE);
		goto out;
	}
	u->refs++;
out:
	mutex_unlock(&lg_users_lock);
	return u;
}

static void lg_put_user(struct lg_user *u)
{
	mutex_lock(&lg_users_lock);
	if (!--u->refs) {
		WARN_ON(atomic_long_read(&u->pages));
		list_del(&u->list);
		kfree(u);
	}
	mutex_unlock(&lg_users_lock);
}

static int lg_initialize(struct lguest *lg, const char __user *in, size_t size)
{
	struct lguest_init init;
	int err;

	if (size != sizeof(init))
		return -EINVAL;
	if (copy_from_user(&init, in, sizeof(init)))
		return -EFAULT;
	if (init.abi_version != LGUEST_ABI_VERSION)
		return -EPROTO;
	if (lg->initialized)
		return -EEXIST;
	if ((init.flags & LGUEST_INIT_PAE && !IS_ENABLED(CONFIG_X86_PAE)) ||
	    (init.flags & LGUEST_INIT_NOPAE && IS_ENABLED(CONFIG_X86_PAE)))
		return -ENOEXEC;
	if ((init.flags & ~(LGUEST_INIT_PAE | LGUEST_INIT_NOPAE)) ||
	    (init.flags & LGUEST_INIT_PAE && init.flags & LGUEST_INIT_NOPAE) ||
	    !init.mem_size || !PAGE_ALIGNED(init.mem_base) ||
	    !PAGE_ALIGNED(init.mem_size) ||
	    init.mem_size > lg_switcher_base ||
	    (u64)init.mem_base + init.mem_size > TASK_SIZE ||
	    init.entry >= init.mem_size)
		return -EINVAL;
	/* A guest bigger than the user may ever pin cannot run. */
	if (init.mem_size >> PAGE_SHIFT > lg_mem_limit())
		return -EDQUOT;

	lg->mem_base = init.mem_base;
	lg->mem_size = init.mem_size;
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
	lg->regs.ebx = lg_switcher_base;
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

/* Run the guest until the launcher has something to do. */
static int lg_run(struct lguest *lg)
{
	bool entered;

	while (!lg->exit_ready) {
		if (signal_pending(current))
			return -EINTR;
		cond_resched();

		/* A halted guest sleeps until an interrupt is due for it. */
		if (lg->halted) {
			/*
			 * Which interrupts it blocks is in its memory: read
			 * that while we may still fault, before sleeping.
			 */
			unsigned long blocked = lg_irqs_blocked(lg);

			set_current_state(TASK_INTERRUPTIBLE);
			if (!(READ_ONCE(lg->irqs_pending) & ~blocked)) {
				schedule();
				continue;
			}
			__set_current_state(TASK_RUNNING);
			lg->halted = false;
		}
		lg_maybe_deliver_irq(lg);
		if (lg->exit_ready || !lg_fixup_regs(lg))
			break;

		preempt_disable();
		local_irq_disable();
		/*
		 * The guest's FPU state is this task's while read() runs
		 * (lg_read swaps it in); after a context switch it must be
		 * back in the registers before the guest sees them.  Only
		 * now, with interrupts off: an interrupt's kernel_fpu_begin()
		 * in between would leave its own state there.
		 */
		if (test_thread_flag(TIF_NEED_FPU_LOAD))
			switch_fpu_return();
		entered = lg_run_guest_once(lg);
		local_irq_enable();
		preempt_enable();
		if (!entered) {
			lg_kill(lg, "internal error: the Switcher's pages for CPU %d are not mapped",
				raw_smp_processor_id());
			break;
		}

		lg_handle_trap(lg);
	}
	return 0;
}

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
	file->private_data = lg;
	atomic_inc(&lg_nr_guests);
	return 0;
}

static int lg_release(struct inode *inode, struct file *file)
{
	struct lguest *lg = file->private_data;

	if (lg->initialized) {
		unsigned int i;

		/* What the guest cost us, for "dmesg" when tuning (debug level). */
		pr_debug("guest exits %lu: host irq %lu, shadow faults %lu, guest faults %lu, #GP %lu, other traps %lu, irqs %lu, async calls %lu\n",
			 lg->nr_exits, lg->nr_host_irq, lg->nr_demand,
			 lg->nr_guest_pf, lg->nr_gp, lg->nr_trap_other,
			 lg->nr_irq_delivered, lg->nr_async);
		for (i = 0; i < ARRAY_SIZE(lg->nr_hcall); i++)
			if (lg->nr_hcall[i])
				pr_debug("  hypercall %u: %lu\n", i, lg->nr_hcall[i]);
		lg_irq_exit(lg);
		put_task_struct(lg->tsk);
		lg_shadow_free(lg);
		fpu_free_guest_fpstate(&lg->fpu);
		mmdrop(lg->mm);
	}
	lg_put_user(lg->user);
	kfree(lg->exit);
	kfree(lg);
	atomic_dec(&lg_nr_guests);
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
	int err = misc_register(&lg_dev);

	if (err)
		pr_err("cannot register /dev/%s: %d\n", LGUEST_DEVICE_NAME, err);
	return err;
}

void lg_user_exit(void)
{
	misc_deregister(&lg_dev);
}
