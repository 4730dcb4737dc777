// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 570: virtio-9p
 *
 * A host directory the guest mounts with "mount -t 9p -o trans=virtio
 * TAG DIR": one queue, each request a 9P T-message in the buffers the
 * guest wrote and room for the R-message in those it gave us.  The
 * message is gathered into one buffer, answered by the file server
 * (share/p9.c) and scattered back; Linux's zero-copy reads and writes
 * (a small header buffer, then the data's own pages) come out right
 * because the gathered bytes are the same.  The configuration space is
 * the tag the guest mounts by.
 */
#include "virtio.h"
#include "devices.h"

#include <string.h>

#define VIRTIO_ID_9P		9
#define VIRTIO_9P_F_MOUNT_TAG	0

static void p9_config(struct vdev *d, uint32_t off, void *buf, uint32_t len)
{
	const struct share *sh = d->priv;
	uint8_t cfg[2 + LG_SHARE_TAG_MAX];
	size_t tl = strlen(sh->tag);

	/* tag_len[2] (little-endian) and the tag, without a NUL. */
	cfg[0] = (uint8_t)tl;
	cfg[1] = (uint8_t)(tl >> 8);
	memcpy(cfg + 2, sh->tag, tl);
	memset(buf, 0, len);
	if (off < 2 + tl)
		memcpy(buf, cfg + off, len < 2 + tl - off ? len : 2 + tl - off);
}

static void p9_notify(struct vdev *d, unsigned int qi)
{
	struct share *sh = d->priv;
	struct vq *q = &d->vq[qi];
	bool event_idx = vdev_has(d, VIRTIO_F_EVENT_IDX);
	static __thread struct vq_req r;
	unsigned int answered = 0;
	const char *why;
	int got;

	/*
	 * A reset device starts afresh: the fids of the driver that went
	 * are no more (resets counts them for us).
	 */
	if (sh->resets != d->resets) {
		sh->resets = d->resets;
		p9_reset(&sh->srv);
	}
	while ((got = vq_pop(d->mem, q, vdev_has(d, VIRTIO_F_INDIRECT_DESC), &r, &why)) > 0) {
		uint32_t len = 0, room, n, at = 0;

		if (r.in_bytes < P9_ERR_LEN) {
			vdev_broken(d, "a 9p request without room for an answer");
			return;
		}
		/* More than a message holds is cut short: its size field then disagrees. */
		for (unsigned int i = 0; i < r.nout && len < sizeof(sh->req); i++) {
			size_t k = r.out[i].iov_len;

			if (k > sizeof(sh->req) - len)
				k = sizeof(sh->req) - len;
			memcpy(sh->req + len, r.out[i].iov_base, k);
			len += (uint32_t)k;
		}
		room = r.in_bytes < sizeof(sh->resp) ? (uint32_t)r.in_bytes : sizeof(sh->resp);
		n = p9_handle(&sh->srv, sh->req, len, sh->resp, room);
		for (unsigned int i = 0; i < r.nin && at < n; i++) {
			size_t k = r.in[i].iov_len < n - at ? r.in[i].iov_len : n - at;

			memcpy(r.in[i].iov_base, sh->resp + at, k);
			at += (uint32_t)k;
		}
		vq_push(d->mem, q, r.head, n, event_idx);
		answered++;
	}
	if (got < 0)
		vdev_broken(d, why);
	else if (answered && vq_should_interrupt(d->mem, q, event_idx))
		vdev_interrupt(d, qi);
}

const struct vdev_ops virtio_9p_ops = {
	.name = "virtio-9p",
	.id = VIRTIO_ID_9P,
	.features = 1ull << VIRTIO_9P_F_MOUNT_TAG,
	.nqueues = 1,
	.qsize = 128,
	.config = p9_config,
	.notify = p9_notify,
};
