// SPDX-License-Identifier: GPL-2.0
/*
 * vnet: a tiny guest that drives the launcher's virtio-net (the first page
 * of the device window: run it with one --net) as a driver does, then as a
 * hostile one does: headers asking for offloads it never agreed to, a
 * checksum outside the frame, a frame that is all header or longer than
 * any, a buffer to send that the device should write.  Each must put the
 * card in NEEDS_RESET with a reason (never crash the launcher or pass the
 * frame on), and after a reset the card must send again.
 *
 * Built as vnet-flood: FLOOD_FRAMES full-size frames as fast as the card
 * takes them, eight in flight, for the backpressure test (net.sh): a peer
 * that stops reading must hold us back, not make the launcher queue.
 */
#include "vdrv.h"

#define RXQ 0
#define TXQ 1
#define NEEDS_CSUM 1
#define GSO_TCPV4 1

struct vring {
	struct desc desc[NUM] __attribute__((aligned(16)));
	struct { unsigned short flags, idx, ring[NUM], used_event; } avail __attribute__((aligned(4)));
	struct { unsigned short flags, idx; struct { u32 id, len; } ring[NUM];
		unsigned short avail_event; } used __attribute__((aligned(4)));
};

static struct vring vq[2];
/* What the driver takes: MAC and MRG_RXBUF; later CSUM and HOST_TSO4 too. */
static u32 features = 1u << 5 | 1u << 15;

static int setup(void)
{
	wr(STATUS, 0);
	for (unsigned int i = 0; i < sizeof(vq); i++)
		((volatile char *)vq)[i] = 0;
	wr(STATUS, S_ACK | S_DRIVER);
	wr(DRV_FEAT_SEL, 1);
	wr(DRV_FEAT, 1);			/* VERSION_1 */
	wr(DRV_FEAT_SEL, 0);
	wr(DRV_FEAT, features);
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(STATUS) & S_FEATURES_OK))
		return 0;
	for (unsigned int q = 0; q < 2; q++) {
		wr(QUEUE_SEL, q);
		wr(QUEUE_NUM, NUM);
		wr(DESC_LO, (u32)vq[q].desc);
		wr(DESC_HI, 0);
		wr(AVAIL_LO, (u32)&vq[q].avail);
		wr(AVAIL_HI, 0);
		wr(USED_LO, (u32)&vq[q].used);
		wr(USED_HI, 0);
		wr(QUEUE_READY, 1);
	}
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return !(rd(STATUS) & S_NEEDS_RESET);
}

#ifdef FLOOD
#define FLOOD_FRAMES 5000

static unsigned char big[NUM][12 + 1514];

void guest_main(void)
{
	struct vring *v = &vq[TXQ];
	unsigned short next = 0;

	lg_init();
	set_all_traps();
	map_window();
	ok(setup(), "the card sets up");
	for (unsigned int i = 0; i < NUM; i++) {
		for (unsigned int b = 0; b < 6; b++)
			big[i][12 + b] = 0xff;
		big[i][12 + 6] = 2;
		big[i][12 + 12] = 0x88;
		big[i][12 + 13] = 0xb5;
		v->desc[i] = (struct desc){ (u32)big[i], sizeof(big[i]), 0, 0 };
	}
	while (next < FLOOD_FRAMES) {
		/* All eight in flight: wait for the card to take one. */
		while ((unsigned short)(next - v->used.idx) >= NUM)
			asm volatile("pause" ::: "memory");
		v->avail.ring[next % NUM] = next % NUM;
		asm volatile("" ::: "memory");
		v->avail.idx = ++next;
		wr(QUEUE_NOTIFY, TXQ);
	}
	while (v->used.idx != next)
		asm volatile("pause" ::: "memory");
	ok(!(rd(STATUS) & S_NEEDS_RESET), "%u frames of 1514 bytes sent", FLOOD_FRAMES);
	finish();
}
#else
static struct {
	unsigned char flags, gso_type;
	unsigned short hdr_len, gso_size, csum_start, csum_offset, num_buffers;
} hdr;
static unsigned char frame[1514];

/* Offer descriptor 0 of the send queue, and wait (bounded) for the card. */
static u32 send(void)
{
	struct vring *v = &vq[TXQ];
	unsigned short idx = (unsigned short)(v->avail.idx + 1);

	v->avail.ring[(idx - 1) % NUM] = 0;
	asm volatile("" ::: "memory");
	v->avail.idx = idx;
	wr(QUEUE_NOTIFY, TXQ);
	for (unsigned int i = 0; i < 100000; i++) {
		u32 isr = rd(INT_STATUS);

		if (isr) {
			wr(INT_ACK, isr);
			return isr;
		}
	}
	return 0;
}

/* A header and a frame, in two buffers. */
static void chain(u32 frame_len)
{
	vq[TXQ].desc[0] = (struct desc){ (u32)&hdr, sizeof(hdr), F_NEXT, 1 };
	vq[TXQ].desc[1] = (struct desc){ (u32)frame, frame_len, 0, 0 };
}

static void good(const char *after)
{
	u32 isr;

	ok(setup(), "after %s: the card sets up again", after);
	hdr = (typeof(hdr)){ 0 };
	chain(60);
	isr = send();
	ok(isr == 1 && vq[TXQ].used.idx == 1 && vq[TXQ].used.ring[0].id == 0 &&
	   !(rd(STATUS) & S_NEEDS_RESET),
	   "after %s: a 60-byte frame is sent (isr %u, used %u)", after, isr, vq[TXQ].used.idx);
}

static void bad(const char *what)
{
	u32 isr = send();

	ok(isr & 2 && rd(STATUS) & S_NEEDS_RESET, "%s: the card needs a reset (isr %u, status 0x%x)",
	   what, isr, rd(STATUS));
	good(what);
}

void guest_main(void)
{
	lg_init();
	set_all_traps();
	map_window();
	ok(rd(MAGIC) == 0x74726976 && rd(VERSION) == 2 && rd(DEVICE_ID) == 1,
	   "the first device is virtio-mmio version 2, virtio-net (magic 0x%x, version %u, id %u)",
	   rd(MAGIC), rd(VERSION), rd(DEVICE_ID));
	for (unsigned int i = 0; i < 6; i++)
		frame[i] = 0xff;	/* broadcast, from a made-up MAC */
	frame[6] = 2;
	frame[12] = 0x88;
	frame[13] = 0xb5;		/* local experimental EtherType */
	good("a fresh start");

	hdr = (typeof(hdr)){ .flags = NEEDS_CSUM, .csum_start = 14, .csum_offset = 16 };
	chain(60);
	bad("a checksum offload not agreed");
	hdr = (typeof(hdr)){ .flags = NEEDS_CSUM, .gso_type = GSO_TCPV4, .gso_size = 1448,
			     .csum_start = 34, .csum_offset = 16 };
	chain(1514);
	bad("TCP segmentation not agreed");
	hdr = (typeof(hdr)){ .flags = 0x80 };
	chain(60);
	bad("unknown header flags");
	hdr = (typeof(hdr)){ 0 };
	vq[TXQ].desc[0] = (struct desc){ (u32)&hdr, sizeof(hdr), 0, 0 };
	bad("a frame that is all header");
	chain(70000);
	bad("a frame longer than 64 KiB");
	vq[TXQ].desc[0] = (struct desc){ (u32)&hdr, sizeof(hdr), F_NEXT, 1 };
	vq[TXQ].desc[1] = (struct desc){ (u32)frame, 60, F_WRITE, 0 };
	bad("a frame to send in a buffer the card may write");

	/*
	 * Checksum and TSO agreed: on a hub the launcher does them.  A whole
	 * TCP/IPv4 segment is cut and sent; one that is not TCP/IP stops the
	 * card.
	 */
	features |= 1u << 0 | 1u << 11;	/* CSUM, HOST_TSO4 */
	good("agreeing to checksum and TSO");
	frame[12] = 0x08;
	frame[13] = 0;
	frame[14] = 0x45;
	frame[22] = 64;
	frame[23] = 6;
	frame[46] = 5 << 4;
	hdr = (typeof(hdr)){ .flags = NEEDS_CSUM, .gso_type = GSO_TCPV4, .gso_size = 500,
			     .csum_start = 34, .csum_offset = 16 };
	chain(1514);
	u32 isr = send();

	ok(isr == 1 && vq[TXQ].used.idx == 2 && !(rd(STATUS) & S_NEEDS_RESET),
	   "a 1460-byte TCP segment for the launcher to cut in three is sent (isr %u, used %u)",
	   isr, vq[TXQ].used.idx);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	bad("TCP segmentation of a frame that is not TCP/IP");
	finish();
}
#endif
