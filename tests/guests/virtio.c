// SPDX-License-Identifier: GPL-2.0
/*
 * virtio: a tiny guest that drives the launcher's virtio-rng (the first
 * page of the device window, which lguest always gives a guest) the way a
 * driver does, and then the way a hostile one does: a ring in bad memory,
 * buffers outside RAM, a looping chain, nested indirect tables, a length
 * that overflows, an available index that runs away.  Each must put the
 * device in NEEDS_RESET (never crash the launcher or touch memory outside
 * ours), and after a reset the device must work again.
 *
 * Built as hostile-mmio-outside: a touch of the window's second page, where
 * no device is, which must kill us.
 */
#include "vdrv.h"

#ifdef OUTSIDE
void guest_main(void)
{
	lg_init();
	set_all_traps();
	map_window();
	puts("touching the device window where no device is\n");
	(void)rd(4096 + MAGIC);
	poweroff("still alive after touching no device");
}
#else
static struct desc desc[NUM] __attribute__((aligned(16)));
static struct desc table[4] __attribute__((aligned(16)));
static struct { unsigned short flags, idx, ring[NUM], used_event; } avail __attribute__((aligned(4)));
static struct { unsigned short flags, idx; struct { u32 id, len; } ring[NUM]; unsigned short avail_event; }
	used __attribute__((aligned(4)));
static unsigned char buf[64];

/* Bring the device up with ring at our arrays; false if it refused. */
static int setup(u32 desc_addr)
{
	wr(STATUS, 0);
	for (unsigned int i = 0; i < sizeof(desc); i++)
		((volatile char *)desc)[i] = 0;
	avail.idx = 0;
	used.idx = 0;
	wr(STATUS, S_ACK | S_DRIVER);
	wr(DRV_FEAT_SEL, 1);
	wr(DRV_FEAT, 1);			/* VERSION_1 */
	wr(DRV_FEAT_SEL, 0);
	wr(DRV_FEAT, 1u << 28);		/* INDIRECT_DESC */
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(STATUS) & S_FEATURES_OK))
		return 0;
	wr(QUEUE_SEL, 0);
	wr(QUEUE_NUM, NUM);
	wr(DESC_LO, desc_addr);
	wr(DESC_HI, 0);
	wr(AVAIL_LO, (u32)&avail);
	wr(AVAIL_HI, 0);
	wr(USED_LO, (u32)&used);
	wr(USED_HI, 0);
	wr(QUEUE_READY, 1);
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return !(rd(STATUS) & S_NEEDS_RESET);
}

/* Offer head, tell the device, and wait (bounded) for it to act. */
static u32 kick(unsigned short head, unsigned short idx)
{
	avail.ring[(idx - 1) % NUM] = head;
	asm volatile("" ::: "memory");
	avail.idx = idx;
	wr(QUEUE_NOTIFY, 0);
	for (unsigned int i = 0; i < 100000; i++) {
		u32 isr = rd(INT_STATUS);	/* an exit each: the device runs meanwhile */

		if (isr) {
			wr(INT_ACK, isr);
			return isr;
		}
	}
	return 0;
}

static void good(const char *after)
{
	u32 isr;
	int nonzero = 0;

	ok(setup((u32)desc), "after %s: the device sets up again", after);
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = 0;
	desc[0] = (struct desc){ (u32)buf, sizeof(buf), F_WRITE, 0 };
	isr = kick(0, (unsigned short)(avail.idx + 1));
	for (unsigned int i = 0; i < sizeof(buf); i++)
		nonzero |= buf[i];
	ok(isr == 1 && used.idx == 1 && used.ring[0].id == 0 && used.ring[0].len == sizeof(buf) && nonzero,
	   "after %s: 64 random bytes come back (isr %u, used %u, len %u)", after, isr, used.idx,
	   used.ring[0].len);
}

/*
 * A hostile request, offered step entries after the last: the device must
 * say NEEDS_RESET (with a configuration interrupt).
 */
static void bad(const char *what, unsigned short step)
{
	u32 isr = kick(0, (unsigned short)(avail.idx + step));

	ok(isr & 2 && rd(STATUS) & S_NEEDS_RESET, "%s: the device needs a reset (isr %u, status 0x%x)",
	   what, isr, rd(STATUS));
	good(what);
}

void guest_main(void)
{
	lg_init();
	set_all_traps();
	map_window();
	ok(rd(MAGIC) == 0x74726976 && rd(VERSION) == 2 && rd(DEVICE_ID) == 4,
	   "the first device is virtio-mmio version 2, virtio-rng (magic 0x%x, version %u, id %u)",
	   rd(MAGIC), rd(VERSION), rd(DEVICE_ID));
	wr(DEV_FEAT_SEL, 1);
	ok(rd(DEV_FEAT) & 1, "it offers VIRTIO_F_VERSION_1");
	ok(rd(QUEUE_NUM_MAX) >= NUM, "its queue takes %u entries", rd(QUEUE_NUM_MAX));
	good("a fresh start");

	/* A ring outside RAM is refused when the driver makes it ready. */
	ok(!setup(0x7ff00000), "a descriptor table outside RAM: refused at QueueReady (status 0x%x)",
	   rd(STATUS));
	good("a ring outside RAM");

	desc[0] = (struct desc){ 0x7ff00000, 64, F_WRITE, 0 };
	bad("a buffer outside RAM", 1);
	desc[0] = (struct desc){ (u32)buf, 0xffffffffu, F_WRITE, 0 };
	bad("a buffer whose length overflows", 1);
	desc[0] = (struct desc){ (u32)buf, 8, F_WRITE | F_NEXT, 1 };
	desc[1] = (struct desc){ (u32)buf, 8, F_WRITE | F_NEXT, 0 };
	bad("a chain that loops", 1);
	desc[0] = (struct desc){ (u32)table, sizeof(table), F_INDIRECT, 0 };
	table[0] = (struct desc){ (u32)table, sizeof(table), F_INDIRECT, 0 };
	bad("an indirect table inside one", 1);
	desc[0] = (struct desc){ (u32)buf, 8, F_WRITE, 0 };
	bad("an available index that runs away", 100);
	finish();
}
#endif
