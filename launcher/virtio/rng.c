// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 470: virtio-rng
 *
 * The simplest device: one queue of buffers the guest wants filled with
 * randomness, which getrandom() gives us.  The guest's hw_random core
 * feeds its entropy pool from it, so a fresh guest has good randomness at
 * boot without waiting for interrupts to supply it.
 */
#include "virtio.h"
#include "devices.h"

#include <errno.h>
#include <sys/random.h>

#define VIRTIO_ID_RNG	4

static void rng_notify(struct vdev *d, unsigned int qi)
{
	struct vq *q = &d->vq[qi];
	bool event_idx = vdev_has(d, VIRTIO_F_EVENT_IDX);
	unsigned int answered = 0;
	struct vq_req r;
	const char *why;
	int got;

	while ((got = vq_pop(d->mem, q, vdev_has(d, VIRTIO_F_INDIRECT_DESC), &r, &why)) > 0) {
		uint32_t len = 0;

		for (unsigned int i = 0; i < r.nin; i++) {
			size_t done = 0;

			while (done < r.in[i].iov_len) {
				ssize_t n = getrandom((char *)r.in[i].iov_base + done,
						      r.in[i].iov_len - done, 0);

				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					break;
				done += (size_t)n;
			}
			len += (uint32_t)done;
			if (done < r.in[i].iov_len)
				break;
		}
		vq_push(d->mem, q, r.head, len, event_idx);
		answered++;
	}
	if (got < 0)
		vdev_broken(d, why);
	else if (answered && vq_should_interrupt(d->mem, q, event_idx))
		vdev_interrupt(d, qi);
}

const struct vdev_ops virtio_rng_ops = {
	.name = "virtio-rng",
	.id = VIRTIO_ID_RNG,
	.nqueues = 1,
	.qsize = 64,
	.notify = rng_notify,
};
