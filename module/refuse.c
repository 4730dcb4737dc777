// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 125: Where lg.ko cannot be a host
 *
 * lg.ko on a kernel that cannot be an lguest host (Kbuild picks this file
 * instead of core.c unless the kernel is 32-bit x86): it only refuses to
 * load, with a reason in the kernel log.  DKMS normally skips such kernels
 * (BUILD_EXCLUSIVE_CONFIG); this is for whoever builds it by hand.
 */
#define pr_fmt(fmt) "lguest: " fmt

#include <linux/module.h>

static int __init lg_init(void)
{
	pr_err("refusing to load: this kernel is not 32-bit x86 (lguest hosts are i386 only)\n");
	return -ENODEV;
}

module_init(lg_init);
MODULE_DESCRIPTION("lguest: paravirtual hypervisor for 32-bit x86 hosts");
MODULE_AUTHOR("lguest developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(LG_VERSION);
