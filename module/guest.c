// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 190: Guest memory is the launcher's
 *
 * The ground every other part of lg.ko stands on: a guest's memory, the
 * page it shares with us, and how it dies.
 *
 * Guest-physical memory is nothing but a range of the launcher's own
 * address space, [mem_base, mem_base + mem_size): we reach it with
 * copy_from_user() and copy_to_user() while running in the launcher's
 * read(), so a bad address is just a failed copy, never a host fault.
 * Every helper says whether it worked; the caller decides whether that is
 * the guest's end, with lg_kill() and a reason the launcher prints.
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include "lg.h"

/* Where the Switcher sits; x86/switcher.c fills it in at load. */
struct lg_switcher_map lg_sw;

/*
 * The guest dies at its next stop: read() hands the reason to the
 * launcher, and the guest never runs again.  The first reason wins.
 */
void lg_kill(struct lguest *lg, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (lg->dead)
		return;
	va_start(ap, fmt);
	len = vscnprintf(lg->exit->data, LGUEST_REASON_MAX, fmt, ap);
	va_end(ap);
	lg->exit->reason = LGUEST_EXIT_KILLED;
	lg->exit->len = len;
	lg->dead = true;
	lg->exit_ready = true;
}

bool lg_read_guest(struct lguest *lg, u32 gpa, void *buf, size_t len)
{
	if (len > lg->mem_size || gpa > lg->mem_size - len)
		return false;
	return !copy_from_user(buf, (void __user *)(lg->mem_base + gpa), len);
}

bool lg_write_guest(struct lguest *lg, u32 gpa, const void *buf, size_t len)
{
	if (len > lg->mem_size || gpa > lg->mem_size - len)
		return false;
	return !copy_to_user((void __user *)(lg->mem_base + gpa), buf, len);
}

/*
 * One field of lguest_data, named by lg_data_read() and lg_data_write()
 * in lg.h: false before LHCALL_LGUEST_INIT, when there is none.
 */
bool lg_data_rw(struct lguest *lg, size_t off, void *buf, size_t len,
		bool write)
{
	if (!lg->lguest_data)
		return false;
	if (write)
		return lg_write_guest(lg, lg->lguest_data + off, buf, len);
	return lg_read_guest(lg, lg->lguest_data + off, buf, len);
}
