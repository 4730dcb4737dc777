// SPDX-License-Identifier: GPL-2.0
/*
 * lguest: the host module.
 *
 * This is where a guest's journey starts: the launcher opens /dev/lguest,
 * describes the guest with LHREQ_INITIALIZE and then read()s to run it.
 * This file registers that device and decides whether this kernel can be a
 * host at all.
 */
#define pr_fmt(fmt) "lguest: " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <lguest_abi.h>

#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#include <asm/hypervisor.h>
#include <asm/segment.h>
#endif

/*
 * Every request is a write() whose first word names it.  We understand
 * none yet, so all of them are refused; what matters is that a malformed
 * one can never do harm.
 */
static ssize_t lg_write(struct file *file, const char __user *in,
			size_t size, loff_t *off)
{
	u32 req;

	if (size < sizeof(req))
		return -EINVAL;
	if (get_user(req, (const u32 __user *)in))
		return -EFAULT;

	switch (req) {
	default:
		return -EINVAL;
	}
}

/* read() runs the guest; without an initialized guest there is nothing. */
static ssize_t lg_read(struct file *file, char __user *out, size_t size,
		       loff_t *off)
{
	return -EINVAL;
}

static const struct file_operations lg_fops = {
	.owner	= THIS_MODULE,
	.read	= lg_read,
	.write	= lg_write,
	.llseek	= no_llseek,
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

/*
 * The guest runs in ring 1 while we own ring 0.  That needs a 32-bit x86
 * kernel which is itself in ring 0: a paravirtualized kernel (a Xen PV
 * guest, or an lguest guest) already gave ring 1 to itself.  A kernel
 * running under hardware or emulated virtualization (KVM, QEMU) is in
 * ring 0 and is fine.
 */
static const char *lg_unsupported(void)
{
#ifndef CONFIG_X86_32
	return "this kernel is not 32-bit x86 (lguest hosts are i386 only)";
#else
	unsigned int cs;

	asm volatile("mov %%cs, %0" : "=r" (cs));
	if (cs & SEGMENT_RPL_MASK)
		return "this kernel runs outside ring 0 (it is a paravirtualized guest itself)";
	if (boot_cpu_has(X86_FEATURE_XENPV) ||
	    hypervisor_is_type(X86_HYPER_XEN_PV))
		return "this kernel is a Xen PV guest";
	return NULL;
#endif
}

static int __init lg_init(void)
{
	const char *why = lg_unsupported();
	int err;

	if (why) {
		pr_err("refusing to load: %s\n", why);
		return -ENODEV;
	}

	err = misc_register(&lg_dev);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", LGUEST_DEVICE_NAME, err);
		return err;
	}
	pr_info("ready: /dev/%s (ABI %d)\n", LGUEST_DEVICE_NAME,
		LGUEST_ABI_VERSION);
	return 0;
}

static void __exit lg_exit(void)
{
	misc_deregister(&lg_dev);
	pr_info("unloaded\n");
}

module_init(lg_init);
module_exit(lg_exit);
MODULE_DESCRIPTION("lguest: paravirtual hypervisor for 32-bit x86 hosts");
MODULE_AUTHOR("lguest developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1");
