// SPDX-License-Identifier: GPL-2.0
/*
 * touch: write a pattern into every page of our memory above our image,
 * then read it all back.  Every first touch is a page the host must map
 * (and pin) for us; the launcher's exit must give them all back.  Built
 * with -DHOLD (hold), it then keeps its memory until it is killed.
 */
#include "guest.h"

extern char _end[];

void guest_main(void)
{
	u32 start = ((u32)_end + 4095) & ~4095u, bad = 0, pages = 0;

	hcall(LHCALL_LGUEST_INIT, (u32)&lguest_data, 0, 0);
	for (u32 a = start; a < boot_ecx; a += 4096, pages++)
		for (u32 o = 0; o < 4096; o += 1024)
			*(volatile u32 *)(a + o) = a ^ o ^ 0x5a5aa5a5;
	for (u32 a = start; a < boot_ecx; a += 4096)
		for (u32 o = 0; o < 4096; o += 1024)
			if (*(volatile u32 *)(a + o) != (a ^ o ^ 0x5a5aa5a5))
				bad++;
	ok(bad == 0, "touched and verified %u pages (%u bad words)", pages, bad);
#ifdef HOLD
	/* hold: keep it all (pinned by the host) until we are killed. */
	puts("holding\n");
	for (;;)
		hcall(LHCALL_HALT, 0, 0, 0);
#endif
	finish();
}
