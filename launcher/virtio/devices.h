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

#endif
