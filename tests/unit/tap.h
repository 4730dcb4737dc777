/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP for the unit test programs: ok() prints one numbered result line,
 * tap_done() the plan and the exit status.  stdout is line-buffered
 * first, since prove merges our stderr (the launcher's messages) into
 * stdout and a block-buffered "ok 102" could be cut by one.
 */
#ifndef LGUEST_UNIT_TAP_H
#define LGUEST_UNIT_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static inline void tap_start(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline __attribute__((format(printf, 2, 3))) void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
