// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: what a guest sends through virtio-net
 * (launcher/virtio/net.c).  The input gives the backend's kind (with the
 * header or without), the features the driver agreed to (bits 0-15), a descriptor chain (sizes, which buffers are writable) and
 * the bytes of the buffers, laid out in fenced guest RAM; the card's send
 * queue is kicked once.  Either the card stops (NEEDS_RESET) or the frame
 * reaches the backend, and then it must be one the rules allow: a whole
 * Ethernet header, no longer than 64 KiB, its header asking only for the
 * offloads agreed, a checksum inside the frame; and every byte handed to
 * the backend must lie in guest RAM or in the card's own copy of the header.
 */
#include "fuzz.h"
#include "virtio/devices.h"

#include <fcntl.h>
#include <string.h>

#define MEM	(256u << 10)
#define DESC	0x1000u
#define AVAIL	0x2000u
#define USED	0x3000u
#define BUFS	0x4000u

static uint8_t *ram;
static struct nic nic;
static int sent;
static struct virtio_net_hdr sent_hdr;
static size_t sent_len;

static int fake_send(struct net_backend *b, const struct iovec *iov, int n)
{
	size_t total = 0;

	fuzz_assert(n >= 1 && n <= NET_IOV_MAX);
	for (int i = 0; i < n; i++) {
		const uint8_t *p = iov[i].iov_base;

		fuzz_assert(iov[i].iov_len);
		/* The header copy (first, with a tap's header) or guest RAM. */
		if (!(i == 0 && b->vnet_hdr))
			fuzz_assert(p >= ram && p + iov[i].iov_len <= ram + MEM);
		total += iov[i].iov_len;
	}
	/* With a tap's header, the card's copy; else the frame alone. */
	if (b->vnet_hdr) {
		fuzz_assert(iov[0].iov_len == VNET_HDR_LEN);
		memcpy(&sent_hdr, iov[0].iov_base, sizeof(sent_hdr));
		sent_len = total - VNET_HDR_LEN;
	} else {
		memcpy(&sent_hdr, ram + BUFS, sizeof(sent_hdr));	/* the guest's */
		sent_len = total;
	}
	sent++;
	return 0;
}

static bool has(uint64_t f, unsigned int bit)
{
	return f >> bit & 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vdev d;
	static const struct guest_mem *gm;
	static struct guest_mem m;
	uint64_t agreed;
	unsigned int nbuf, at = 4, pos = BUFS;
	uint16_t one = 1;

	if (size < 4)
		return 0;
	if (!ram) {
		ram = fuzz_ram_map(MEM);
		m = (struct guest_mem){ ram, MEM };
		gm = &m;
	}
	memset(ram, 0, MEM);
	memset(&d, 0, sizeof(d));
	pthread_mutex_init(&d.lock, NULL);
	nic.be = (struct net_backend){ .vnet_hdr = data[0] & 1, .send = fake_send, .fd = -1 };
	nic.link_up = true;
	d.ops = &virtio_net_ops;
	d.priv = &nic;
	d.mem = gm;
	d.lfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	/* Features from the input, among those the card would offer. */
	agreed = 1ull << VIRTIO_F_VERSION_1 | (uint64_t)data[2] << 8 | data[1];
	if (!nic.be.vnet_hdr)
		agreed &= ~(1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_HOST_TSO4 |
			    1ull << VIRTIO_NET_F_HOST_TSO6 | 1ull << VIRTIO_NET_F_HOST_ECN);
	d.driver_features = agreed;
	d.status = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK;
	d.vq[1] = (struct vq){ .num = 8, .ready = true, .desc = DESC, .avail = AVAIL, .used = USED };
	/* The chain: 1 to 8 buffers, 3 bytes each (length, writable bit). */
	nbuf = 1 + data[3] % 8;
	if (size < at + 3 * nbuf)
		goto out;
	for (unsigned int i = 0; i < nbuf; i++, at += 3) {
		uint32_t len = ((uint32_t)data[at] | (uint32_t)data[at + 1] << 8) +
			       (data[at + 2] & 0x80 ? 65536u : 0);
		uint16_t flags = (uint16_t)((i + 1 < nbuf ? 1 : 0) | (data[at + 2] & 1 ? 2 : 0));
		uint16_t next = (uint16_t)(i + 1);
		uint64_t addr = pos;
		uint8_t *e = ram + DESC + 16 * i;

		if (pos + len > MEM)
			len = MEM - pos;
		memcpy(e, &addr, 8);
		memcpy(e + 8, &len, 4);
		memcpy(e + 12, &flags, 2);
		memcpy(e + 14, &next, 2);
		pos += len;
	}
	/* The buffers' bytes: the rest of the input, in order. */
	memcpy(ram + BUFS, data + at, size - at < MEM - BUFS ? size - at : MEM - BUFS);
	memcpy(ram + AVAIL + 2, &one, 2);	/* head 0 at slot 0, index 1 */

	sent = 0;
	pthread_mutex_lock(&d.lock);
	d.ops->notify(&d, 1);
	pthread_mutex_unlock(&d.lock);
	if (getenv("FUZZ_NET_VERBOSE"))
		fprintf(stderr, "sent %d (%zu bytes), stopped: %s\n", sent, sent_len,
			d.broken ? d.broken : "no");
	fuzz_assert(sent <= 1);
	fuzz_assert(sent || d.broken);
	if (sent) {
		uint8_t gso = sent_hdr.gso_type & ~VNET_GSO_ECN;

		fuzz_assert(!d.broken);
		fuzz_assert(sent_len >= 14 && sent_len <= NET_FRAME_MAX);
		if (sent_hdr.flags & VNET_HDR_F_NEEDS_CSUM)
			fuzz_assert(has(agreed, VIRTIO_NET_F_CSUM) &&
				    sent_hdr.csum_start + sent_hdr.csum_offset + 2u <= sent_len);
		fuzz_assert(!(sent_hdr.flags & ~VNET_HDR_F_NEEDS_CSUM));
		fuzz_assert(gso == VNET_GSO_NONE ||
			    (gso == VNET_GSO_TCPV4 && has(agreed, VIRTIO_NET_F_HOST_TSO4)) ||
			    (gso == VNET_GSO_TCPV6 && has(agreed, VIRTIO_NET_F_HOST_TSO6)));
		fuzz_assert(!(sent_hdr.gso_type & VNET_GSO_ECN) || has(agreed, VIRTIO_NET_F_HOST_ECN));
		fuzz_assert(!sent_hdr.gso_type || sent_hdr.gso_size);
	}
out:
	close(d.lfd);
	pthread_mutex_destroy(&d.lock);
	return 0;
}
