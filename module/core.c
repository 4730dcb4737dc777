// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 120: lg.ko loads
 *
 * lg.ko on a 32-bit x86 kernel: where the host's side starts.  At load we
 * decide whether this kernel can be a host at all, set the Switcher up
 * (x86/switcher.c) and open /dev/lguest (lguest_user.c) for launchers.
 * Elsewhere refuse.c takes this file's place.
 */
#define pr_fmt(fmt) "lguest: " fmt

#include <linux/module.h>
#include "lg.h"

static int __init lg_init(void)
{
	const char *why = lg_host_unsupported();
	int err;

	if (why) {
		pr_err("refusing to load: %s\n", why);
		return -ENODEV;
	}
	err = lg_switcher_init();
	if (err)
		return err;
	err = lg_user_init();
	if (err) {
		lg_switcher_exit();
		return err;
	}
	pr_info("ready: /dev/%s (ABI %d), Switcher at 0x%08lx\n",
		LGUEST_DEVICE_NAME, LGUEST_ABI_VERSION, lg_sw.base);
	return 0;
}

static void __exit lg_exit(void)
{
	lg_user_exit();
	lg_switcher_exit();
	pr_info("unloaded\n");
}

module_init(lg_init);
module_exit(lg_exit);
MODULE_DESCRIPTION("lguest: paravirtual hypervisor for 32-bit x86 hosts");
MODULE_AUTHOR("lguest developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(LG_VERSION);
