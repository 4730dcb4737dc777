/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The lguest ABI: what the host module (lg.ko), the launcher and the guest
 * kernel agree on.  This file is shared verbatim by all three; the guest
 * patch series carries an identical copy as
 * arch/x86/include/uapi/asm/lguest_abi.h, and a test checks they match.
 *
 * Any incompatible change bumps LGUEST_ABI_VERSION, which every side checks
 * before it trusts anything else in here.
 */
#ifndef _LGUEST_ABI_H
#define _LGUEST_ABI_H

#include <linux/types.h>

#define LGUEST_ABI_VERSION	1

/* The misc device the launcher drives, relative to /dev. */
#define LGUEST_DEVICE_NAME	"lguest"

/*
 * Requests to /dev/lguest are write()s whose first 32-bit word names the
 * request; the words after it are its arguments.  A request the module does
 * not understand, or one of the wrong length, fails with EINVAL.
 */
enum lguest_req {
	LHREQ_INITIALIZE = 0,	/* abi_version, then struct lguest_init */
};

#endif /* _LGUEST_ABI_H */
