// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 510: virtio-net
 *
 * A network card: queue 0 holds buffers the guest gives us for frames
 * that arrive, queue 1 the frames it sends.  Frames come and go through a
 * backend (net/: a tap, a hub of guests, passt), each with a virtio-net
 * header in front that says which checksum and segmentation work is left
 * undone.  A backend that carries the header (tap) lets both sides skip
 * that work; for the others we offer no such offloads, so frames are
 * always complete.
 *
 * Sending happens on the device's I/O thread; receiving on a thread of
 * its own that waits for the backend, or for buffers when the guest has
 * none left (which is how a guest that reads slowly slows the sender
 * down).  Neither holds the device lock while it waits on the backend.
 */
#include "virtio.h"
#include "devices.h"
#include "net/net.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define VIRTIO_ID_NET		1

_Static_assert(VQ_SEG_MAX + 1 <= NET_IOV_MAX, "a chain and our header fit one send");

#define RXQ	0
#define TXQ	1

static uint64_t nic_features(const struct net_backend *b)
{
	uint64_t f = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS |
		     1ull << VIRTIO_NET_F_MRG_RXBUF;

	/*
	 * The guest may leave checksums and TCP segmentation to us: a tap
	 * takes them on with the header, for the others we do them
	 * (net/offload.c).  Offloads towards the guest only where the
	 * header comes with the frame.
	 */
	f |= 1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_HOST_TSO4 |
	     1ull << VIRTIO_NET_F_HOST_TSO6 | 1ull << VIRTIO_NET_F_HOST_ECN;
	if (b->vnet_hdr)
		f |= 1ull << VIRTIO_NET_F_GUEST_CSUM | 1ull << VIRTIO_NET_F_GUEST_TSO4 |
		     1ull << VIRTIO_NET_F_GUEST_TSO6 | 1ull << VIRTIO_NET_F_GUEST_ECN;
	return f;
}

int nic_init(struct nic *n, const struct lg_net_arg *a, const struct lg_forward *fw,
	     unsigned int nfw, uint64_t *features, char *err, size_t errlen)
{
	if (net_backend_open(a, fw, nfw, &n->be, err, errlen))
		return -1;
	memcpy(n->mac, a->mac, 6);
	n->be.mac = n->mac;
	n->link_up = true;
	n->rxkick = eventfd(0, EFD_CLOEXEC);
	if (n->rxkick < 0) {
		snprintf(err, errlen, "cannot make an eventfd: %s", strerror(errno));
		return -1;
	}
	*features = nic_features(&n->be);
	return 0;
}

/* Configuration space: the MAC, then the link status. */
static void nic_config(struct vdev *d, uint32_t off, void *buf, uint32_t len)
{
	struct nic *n = d->priv;
	uint8_t cfg[8];

	memcpy(cfg, n->mac, 6);
	cfg[6] = n->link_up ? VIRTIO_NET_S_LINK_UP : 0;
	cfg[7] = 0;
	if (off < sizeof(cfg) && len <= sizeof(cfg) - off)
		memcpy(buf, cfg + off, len);
}

/* The backend is gone (passt exited, the peer closed): the link is down. */
static void link_down(struct vdev *d, const char *why)
{
	struct nic *n = d->priv;

	if (!n->link_up)
		return;
	fprintf(stderr, "lguest: virtio-net (%s): %s; the link is down\n", n->be.desc, why);
	n->link_up = false;
	vdev_config_changed(d);
}

/*
 * A header the guest sent is checked against what its driver agreed to:
 * the backend (and behind it the host's stack) is given nothing else.
 */
static const char *bad_tx_header(const struct vdev *d, const struct virtio_net_hdr *h,
				 uint32_t flen)
{
	uint8_t gso = h->gso_type & ~VNET_GSO_ECN;

	if (h->flags & ~VNET_HDR_F_NEEDS_CSUM)
		return "a sent frame's header has unknown flags";
	if (h->flags & VNET_HDR_F_NEEDS_CSUM &&
	    (!vdev_has(d, VIRTIO_NET_F_CSUM) ||
	     (uint32_t)h->csum_start + h->csum_offset + 2 > flen))
		return "a sent frame asks for a checksum it may not, or outside itself";
	if (gso == VNET_GSO_NONE && h->gso_type == VNET_GSO_NONE)
		return NULL;
	if (!(h->flags & VNET_HDR_F_NEEDS_CSUM) || !h->gso_size ||
	    (gso == VNET_GSO_TCPV4 && !vdev_has(d, VIRTIO_NET_F_HOST_TSO4)) ||
	    (gso == VNET_GSO_TCPV6 && !vdev_has(d, VIRTIO_NET_F_HOST_TSO6)) ||
	    (gso != VNET_GSO_TCPV4 && gso != VNET_GSO_TCPV6) ||
	    (h->gso_type & VNET_GSO_ECN && !vdev_has(d, VIRTIO_NET_F_HOST_ECN)))
		return "a sent frame asks for a segmentation offload that was not agreed";
	return NULL;
}

/* Copy the first len bytes of a chain's buffers out, as far as they go. */
static size_t iov_peek(const struct iovec *iov, unsigned int n, void *out, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t c = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;

		memcpy((uint8_t *)out + done, iov[i].iov_base, c);
		done += c;
	}
	return done;
}

/* One whole frame from net_offload() to the backend. */
static int send_one(const uint8_t *f, size_t len, void *ctx)
{
	struct nic *n = ctx;
	struct iovec v = { (void *)f, len };

	return n->be.send(&n->be, &v, 1);
}

/*
 * Queue 1, on the I/O thread with the device lock held: each frame is
 * checked, then sent without the lock (a stream peer may make us wait).
 */
static void nic_tx(struct vdev *d)
{
	struct nic *n = d->priv;
	struct vq *q = &d->vq[TXQ];
	bool event_idx = vdev_has(d, VIRTIO_F_EVENT_IDX);
	unsigned int sent = 0;
	const char *why;
	int got;

	while ((got = vq_pop(d->mem, q, vdev_has(d, VIRTIO_F_INDIRECT_DESC), &n->tx, &why)) > 0) {
		struct virtio_net_hdr h;
		struct iovec *v = n->txv;
		uint64_t total = 0;
		uint32_t resets = d->resets;
		unsigned int nv = 0;
		size_t skip = VNET_HDR_LEN, flen = 0;
		bool sw;
		int r;

		for (unsigned int i = 0; i < n->tx.nout; i++)
			total += n->tx.out[i].iov_len;
		if (n->tx.nin) {
			vdev_broken(d, "a frame to send with buffers for us to write");
			return;
		}
		if (total < VNET_HDR_LEN + 14 || total > VNET_HDR_LEN + NET_FRAME_MAX) {
			vdev_broken(d, "a frame to send shorter than an Ethernet header or longer than 64 KiB");
			return;
		}
		iov_peek(n->tx.out, n->tx.nout, &h, VNET_HDR_LEN);
		why = bad_tx_header(d, &h, (uint32_t)(total - VNET_HDR_LEN));
		if (why) {
			vdev_broken(d, why);
			return;
		}
		/* Our copy of the header (the guest may change its own), then the frame. */
		h.num_buffers = 0;
		if (n->be.vnet_hdr)
			v[nv++] = (struct iovec){ &h, VNET_HDR_LEN };
		for (unsigned int i = 0; i < n->tx.nout; i++) {
			const struct iovec *o = &n->tx.out[i];

			if (skip >= o->iov_len) {
				skip -= o->iov_len;
				continue;
			}
			v[nv++] = (struct iovec){ (uint8_t *)o->iov_base + skip, o->iov_len - skip };
			skip = 0;
		}
		/* Offloads for a backend without the header: done here, on a copy. */
		sw = !n->be.vnet_hdr &&
		     (h.flags & VNET_HDR_F_NEEDS_CSUM || h.gso_type != VNET_GSO_NONE);
		if (sw)
			flen = iov_peek(v, nv, n->txlin, sizeof(n->txlin));
		pthread_mutex_unlock(&d->lock);
		why = NULL;
		if (!n->link_up)
			r = -1;
		else if (sw)
			r = net_offload(&h, n->txlin, flen, n->txseg, send_one, n, &why);
		else
			r = n->be.send(&n->be, v, (int)nv);
		if (why) {
			pthread_mutex_lock(&d->lock);
			if (d->resets == resets && !d->broken)
				vdev_broken(d, why);
			return;
		}
		if (r) {
			n->tx_dropped++;
			if (n->link_up && (errno == EPIPE || errno == ECONNRESET)) {
				pthread_mutex_lock(&d->lock);
				link_down(d, strerror(errno));
				pthread_mutex_unlock(&d->lock);
			}
		} else {
			n->tx_frames++;
		}
		pthread_mutex_lock(&d->lock);
		/* Reset while we sent: the request went with the old queue. */
		if (d->resets != resets || d->broken)
			return;
		vq_push(d->mem, q, n->tx.head, 0, event_idx);
		sent++;
		if (sent % 16 == 0 && vq_should_interrupt(d->mem, q, event_idx))
			vdev_interrupt(d, TXQ);
	}
	if (got < 0)
		vdev_broken(d, why);
	else if (sent && vq_should_interrupt(d->mem, q, event_idx))
		vdev_interrupt(d, TXQ);
}

static void nic_notify(struct vdev *d, unsigned int q)
{
	struct nic *n = d->priv;
	uint64_t one = 1;

	if (q == TXQ)
		nic_tx(d);
	else if (write(n->rxkick, &one, sizeof(one)) != sizeof(one))
		vdev_broken(d, "cannot wake the receive thread");
}

/* The offloads the driver agreed to receive, told to the backend once. */
static void rx_offloads(struct vdev *d, struct nic *n)
{
	uint64_t want = d->driver_features & nic_features(&n->be);

	if (!n->be.offload || (n->offloads_set && n->offloads == want))
		return;
	n->offloads = want;
	n->offloads_set = true;
	if (n->be.offload(&n->be, vdev_has(d, VIRTIO_NET_F_GUEST_CSUM),
			  vdev_has(d, VIRTIO_NET_F_GUEST_TSO4), vdev_has(d, VIRTIO_NET_F_GUEST_TSO6),
			  vdev_has(d, VIRTIO_NET_F_GUEST_ECN)))
		fprintf(stderr, "lguest: virtio-net (%s): cannot set offloads: %s\n", n->be.desc,
			strerror(errno));
}

enum { RX_DONE, RX_NOBUFS };

/*
 * One frame (header and data: the backend's header, or ours) into the
 * receive queue, over as many buffers as it takes when the driver merges
 * them.  With the device lock held.
 */
static int rx_deliver(struct vdev *d, struct nic *n, const uint8_t *frame, size_t len)
{
	struct vq *q = &d->vq[RXQ];
	bool mrg = vdev_has(d, VIRTIO_NET_F_MRG_RXBUF), event_idx = vdev_has(d, VIRTIO_F_EVENT_IDX);
	struct virtio_net_hdr h = { 0 };
	const uint8_t *data = frame;
	uint8_t *nb[2] = { NULL, NULL };	/* where num_buffers went */
	size_t total, filled = 0;
	unsigned int k = 0;
	const char *why;
	int got;

	if (!(d->status & VIRTIO_S_DRIVER_OK) || !q->ready || d->broken)
		return RX_DONE;		/* nobody to give it to: dropped */
	rx_offloads(d, n);
	if (n->be.vnet_hdr) {
		memcpy(&h, frame, VNET_HDR_LEN);
		data += VNET_HDR_LEN;
		len -= VNET_HDR_LEN;
		/* From before the driver said what it takes: not for it. */
		if ((h.flags & VNET_HDR_F_NEEDS_CSUM && !vdev_has(d, VIRTIO_NET_F_GUEST_CSUM)) ||
		    (h.gso_type != VNET_GSO_NONE && !vdev_has(d, VIRTIO_NET_F_GUEST_TSO4) &&
		     !vdev_has(d, VIRTIO_NET_F_GUEST_TSO6))) {
			n->rx_dropped++;
			return RX_DONE;
		}
	}
	total = VNET_HDR_LEN + len;
	while (filled < total) {
		size_t at = filled;

		if (k == VQ_SIZE_MAX || (k && !mrg))
			goto too_big;
		got = vq_pop(d->mem, q, vdev_has(d, VIRTIO_F_INDIRECT_DESC), &n->rx, &why);
		if (got < 0) {
			vdev_broken(d, why);
			return RX_DONE;
		}
		if (got == 0) {
			vq_unpop(q, k);
			/* Tell the driver to kick us, then look once more. */
			if (vq_want_notify(d->mem, q, event_idx))
				return RX_NOBUFS;
			continue;
		}
		if (n->rx.nout) {
			vdev_broken(d, "a receive buffer we may not write");
			return RX_DONE;
		}
		for (unsigned int i = 0; i < n->rx.nin && filled < total; i++) {
			uint8_t *p = n->rx.in[i].iov_base;
			size_t room = n->rx.in[i].iov_len;

			while (room && filled < total) {
				size_t c;

				if (filled < VNET_HDR_LEN) {
					/* The header a byte at a time: it may straddle buffers. */
					if (filled == 10 || filled == 11)
						nb[filled - 10] = p;
					*p = ((uint8_t *)&h)[filled];
					c = 1;
				} else {
					c = total - filled < room ? total - filled : room;
					memcpy(p, data + filled - VNET_HDR_LEN, c);
				}
				p += c;
				room -= c;
				filled += c;
			}
		}
		n->done[k].head = n->rx.head;
		n->done[k++].len = (uint32_t)(filled - at);
	}
	/* How many buffers the frame took (1 unless merged), little-endian. */
	*nb[0] = (uint8_t)k;
	*nb[1] = (uint8_t)(k >> 8);
	vq_push_n(d->mem, q, n->done, k, event_idx);
	n->rx_frames++;
	if (vq_should_interrupt(d->mem, q, event_idx))
		vdev_interrupt(d, RXQ);
	return RX_DONE;
too_big:
	/* Larger than the buffers the driver gives: dropped, buffers kept. */
	vq_unpop(q, k);
	n->rx_dropped++;
	return RX_DONE;
}

/* The receive thread: frames from the backend into the guest. */
static void *rx_thread(void *arg)
{
	struct vdev *d = arg;
	struct nic *n = d->priv;
	size_t have = 0;

	for (;;) {
		struct pollfd p;
		uint64_t cnt;

		if (!have) {
			ssize_t got = n->be.recv(&n->be, n->frame, sizeof(n->frame));

			if (got < 0 && errno == EIO) {
				/* A tap that is down: it may come up again. */
				usleep(200000);
				continue;
			}
			if (got < 0) {
				pthread_mutex_lock(&d->lock);
				int e = errno;

				link_down(d, e == EPROTO ? "the peer sent something that is not a frame" :
					  n->be.gone ? n->be.gone(&n->be, e) : strerror(e));
				pthread_mutex_unlock(&d->lock);
				return NULL;
			}
			if (got == 0 || (n->be.vnet_hdr && got < VNET_HDR_LEN)) {
				p = (struct pollfd){ .fd = n->be.fd, .events = POLLIN };
				poll(&p, 1, -1);
				continue;
			}
			have = (size_t)got;
		}
		pthread_mutex_lock(&d->lock);
		if (rx_deliver(d, n, n->frame, have) == RX_DONE)
			have = 0;
		pthread_mutex_unlock(&d->lock);
		if (!have)
			continue;
		/* No buffers: wait for the driver's kick (the frame waits too). */
		p = (struct pollfd){ .fd = n->rxkick, .events = POLLIN };
		if (poll(&p, 1, -1) > 0 && read(n->rxkick, &cnt, sizeof(cnt)) < 0)
			return NULL;
	}
}

static int nic_start(struct vdev *d)
{
	struct nic *n = d->priv;

	return pthread_create(&n->rx_tid, NULL, rx_thread, d) ? -1 : 0;
}

void nic_close(struct nic *n)
{
	if (n->be.close)
		n->be.close(&n->be);
}

const struct vdev_ops virtio_net_ops = {
	.name = "virtio-net",
	.id = VIRTIO_ID_NET,
	.nqueues = 2,
	.qsize = 256,
	.config = nic_config,
	.notify = nic_notify,
	.start = nic_start,
};
