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

struct disk;
/*
 * One block request (header, data, and room for the status byte last),
 * done on disk: the status, and in *written how many bytes went into the
 * request's device-writable buffers (the status byte not counted).
 */
uint8_t virtio_blk_request(struct disk *disk, const struct vq_req *r, uint32_t *written);

#endif
