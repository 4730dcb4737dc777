// SPDX-License-Identifier: GPL-2.0
/*
 * spin (and, built with -DHALT, halt): never stop.  The launcher must still
 * be stoppable by a signal, whether we spin or sleep in LHCALL_HALT.
 */
#include "guest.h"

void guest_main(void)
{
	puts("spinning forever\n");
	for (;;) {
#ifdef HALT
		hcall(LHCALL_HALT, 0, 0, 0);
#endif
	}
}
