// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 180: What a user may hold
 *
 * Ground, beside guest.c: what a user may make the host hold.  Whoever
 * can open /dev/lguest (root and group lguest) drives kernel allocations:
 * each guest's structures and shadow page tables, and the guest memory
 * pinned while it runs.  Pinned pages and shadow tables count against
 * max_mem_mb per user (by default three quarters of RAM: the host keeps
 * the rest); open guests against max_guests.  They are charged to the
 * user who opened the file, for as long as the file lives, whoever holds
 * its descriptors by then.
 */
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "lg.h"

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

struct lg_user *lg_get_user(kuid_t uid)
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
	atomic_inc(&lg_nr_guests);
out:
	mutex_unlock(&lg_users_lock);
	return u;
}

void lg_put_user(struct lg_user *u)
{
	atomic_dec(&lg_nr_guests);
	mutex_lock(&lg_users_lock);
	if (!--u->refs) {
		WARN_ON(atomic_long_read(&u->pages));
		list_del(&u->list);
		kfree(u);
	}
	mutex_unlock(&lg_users_lock);
}

