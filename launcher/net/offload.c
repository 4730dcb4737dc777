// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 535: Offloads done here, for backends without a header
 *
 * A tap takes the virtio-net header and lets the host's stack fill in
 * checksums and cut TCP segments.  A hub, a stream peer and the user
 * network's helpers take plain Ethernet frames only.  Offering the guest
 * checksum and TSO anyway, and doing the work here, saves it most of its
 * exits: one 64 KiB frame instead of 45, and the notifications with them,
 * which is what a frame costs a guest under lguest.
 *
 * The frame and its header are the guest's: every offset is checked
 * against the frame before use.  Only what Linux's driver sends is
 * taken: TCP over IPv4 (no fragments) or IPv6 (no extension headers),
 * after an untagged Ethernet header.
 */
#include "net.h"

#include <arpa/inet.h>
#include <string.h>

/* The 16-bit ones' complement sum of len bytes, added to sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* TCP's checksum over its pseudo-header and the segment at l4 (tcplen bytes). */
static void tcp_csum(uint8_t *f, size_t l3, size_t l4, size_t tcplen, bool v6)
{
	uint32_t sum = 0;
	uint8_t ph[4];

	if (v6)
		sum = csum_add(sum, f + l3 + 8, 32);	/* source, destination */
	else
		sum = csum_add(sum, f + l3 + 12, 8);
	put32(ph, (uint32_t)tcplen);
	sum = csum_add(sum, ph, 4);
	sum += 6;				/* IPPROTO_TCP */
	put16(f + l4 + 16, 0);
	sum = csum_add(sum, f + l4, tcplen);
	put16(f + l4 + 16, csum_fold(sum));
}

int net_offload(const struct virtio_net_hdr *h, uint8_t *frame, size_t len, uint8_t *seg,
		int (*emit)(const uint8_t *f, size_t len, void *ctx), void *ctx, const char **why)
{
	uint8_t gso = h->gso_type & ~VNET_GSO_ECN;
	size_t l3 = 14, l4, payload, hdrs, mss, off;
	uint32_t seq;
	uint16_t id = 0;
	bool v6;

	if (gso == VNET_GSO_NONE) {
		/* The checksum from csum_start to the end, where csum_offset says. */
		size_t at = (size_t)h->csum_start + h->csum_offset;

		if (h->flags & VNET_HDR_F_NEEDS_CSUM) {
			if (h->csum_start >= len || at + 2 > len) {
				*why = "a sent frame asks for a checksum outside itself";
				return -1;
			}
			put16(frame + at, csum_fold(csum_add(0, frame + h->csum_start,
							     len - h->csum_start)));
		}
		return emit(frame, len, ctx);
	}

	/* Cut a TCP segment of the guest's into frames of gso_size bytes. */
	v6 = gso == VNET_GSO_TCPV6;
	if (len < l3 + 40 || get16(frame + 12) != (v6 ? 0x86dd : 0x0800))
		goto bad;
	if (v6) {
		if ((frame[l3] >> 4) != 6 || frame[l3 + 6] != 6)
			goto bad;
		l4 = l3 + 40;
	} else {
		size_t ihl = (size_t)(frame[l3] & 15) * 4;

		if ((frame[l3] >> 4) != 4 || ihl < 20 || frame[l3 + 9] != 6 ||
		    (get16(frame + l3 + 6) & 0x3fff))	/* MF, or an offset */
			goto bad;
		l4 = l3 + ihl;
	}
	if (l4 + 20 > len || l4 + (size_t)(frame[l4 + 12] >> 4) * 4 > len ||
	    (frame[l4 + 12] >> 4) < 5)
		goto bad;
	hdrs = l4 + (size_t)(frame[l4 + 12] >> 4) * 4;
	payload = len - hdrs;
	mss = h->gso_size;
	if (!mss || hdrs + mss > NET_FRAME_MAX)
		goto bad;
	if (!v6)
		id = get16(frame + l3 + 4);
	seq = get32(frame + l4 + 4);
	off = 0;
	do {
		size_t n = payload - off < mss ? payload - off : mss;
		bool last = off + n == payload;
		uint8_t flags = frame[l4 + 13];
		int r;

		memcpy(seg, frame, hdrs);
		memcpy(seg + hdrs, frame + hdrs + off, n);
		put32(seg + l4 + 4, seq + (uint32_t)off);
		/* FIN and PSH end the segment; CWR was for its first frame. */
		if (!last)
			flags &= (uint8_t)~0x09;
		if (off)
			flags &= (uint8_t)~0x80;
		seg[l4 + 13] = flags;
		if (v6) {
			put16(seg + l3 + 4, (uint16_t)(hdrs - l4 + n));
		} else {
			put16(seg + l3 + 2, (uint16_t)(hdrs - l3 + n));
			put16(seg + l3 + 4, (uint16_t)(id + off / mss));
			put16(seg + l3 + 10, 0);
			put16(seg + l3 + 10, csum_fold(csum_add(0, seg + l3, l4 - l3)));
		}
		tcp_csum(seg, l3, l4, hdrs - l4 + n, v6);
		r = emit(seg, hdrs + n, ctx);
		if (r)
			return r;
		off += n;
	} while (off < payload);
	return 0;
bad:
	*why = "a sent frame asks for TCP segmentation but is not a whole TCP/IP header";
	return -1;
}
