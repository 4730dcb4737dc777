/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 435: The devices on offer
 *
 * The devices the launcher can give a guest, each one ops table: the
 * transport (mmio.c) knows nothing of what a device does.
 */
#ifndef LGUEST_DEVICES_H
#define LGUEST_DEVICES_H

#include "virtio.h"

extern const struct vdev_ops virtio_rng_ops;
extern const struct vdev_ops virtio_blk_ops;
#define VIRTIO_BLK_F_RO		5

/* virtio-net (net.c): one network card on one backend (net/). */
extern const struct vdev_ops virtio_net_ops;
#define VIRTIO_NET_F_CSUM	0
#define VIRTIO_NET_F_GUEST_CSUM	1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4	7
#define VIRTIO_NET_F_GUEST_TSO6	8
#define VIRTIO_NET_F_GUEST_ECN	9
#define VIRTIO_NET_F_HOST_TSO4	11
#define VIRTIO_NET_F_HOST_TSO6	12
#define VIRTIO_NET_F_HOST_ECN	13
#define VIRTIO_NET_F_MRG_RXBUF	15
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1

#include "net/net.h"

struct nic {
	struct net_backend be;
	uint8_t mac[6];
	bool link_up;
	int rxkick;			/* eventfd: the driver gave receive buffers */
	pthread_t rx_tid;
	uint64_t offloads;		/* what the backend was told the guest takes */
	bool offloads_set;
	struct vq_req tx, rx;		/* the chains in hand, one per thread */
	struct iovec txv[VQ_SEG_MAX + 1];
	struct vq_done done[VQ_SIZE_MAX];
	uint64_t rx_frames, rx_dropped, tx_frames, tx_dropped;
	uint8_t frame[VNET_HDR_LEN + NET_FRAME_MAX];	/* one received frame */
	/* A sent frame made whole, and one of its segments (net/offload.c). */
	uint8_t txlin[NET_FRAME_MAX], txseg[NET_FRAME_MAX];
};
/* Open the backend: 0, or -1 and err; *features are what the card offers. */
int nic_init(struct nic *n, const struct lg_net_arg *a, const struct lg_forward *fw,
	     unsigned int nfw, uint64_t *features, char *err, size_t errlen);
void nic_close(struct nic *n);

/* virtio-9p (9p.c): one host directory, served by share/p9.c. */
extern const struct vdev_ops virtio_9p_ops;
#include "share/p9.h"
#include "args.h"
struct share {
	struct p9_server srv;
	char tag[LG_SHARE_TAG_MAX + 1];
	uint32_t resets;		/* the device's resets we have seen */
	uint8_t req[P9_MSIZE_MAX], resp[P9_MSIZE_MAX];	/* one message each way */
};

struct disk;
/*
 * One block request (header, data, and room for the status byte last),
 * done on disk: the status, and in *written how many bytes went into the
 * request's device-writable buffers (the status byte not counted).
 */
uint8_t virtio_blk_request(struct disk *disk, const struct vq_req *r, uint32_t *written);

#endif
