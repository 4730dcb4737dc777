// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 460: The virtio-mmio transport
 *
 * The registers of one device's page (virtio 1.x, "MMIO Device Register
 * Layout", version 2).  The vCPU thread calls vdev_read()/vdev_write() for
 * each LGUEST_EXIT_MMIO; a notify wakes the device's I/O thread, which takes
 * requests off the ring and raises the device's irq when it has answered.
 * The driver is the guest's, so every value it writes is checked: a queue
 * in bad memory or a broken ring sets NEEDS_RESET and the device stops until
 * the driver resets it.
 */
#include "virtio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <lguest_abi.h>

enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008, R_VENDOR_ID = 0x00c,
	R_DEV_FEATURES = 0x010, R_DEV_FEATURES_SEL = 0x014,
	R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024,
	R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034, R_QUEUE_NUM = 0x038,
	R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = 0x050,
	R_INT_STATUS = 0x060, R_INT_ACK = 0x064, R_STATUS = 0x070,
	R_QUEUE_DESC_LO = 0x080, R_QUEUE_DESC_HI = 0x084,
	R_QUEUE_AVAIL_LO = 0x090, R_QUEUE_AVAIL_HI = 0x094,
	R_QUEUE_USED_LO = 0x0a0, R_QUEUE_USED_HI = 0x0a4,
	R_CONFIG_GEN = 0x0fc, R_CONFIG = 0x100,
};

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define LGUEST_VENDOR_ID	0x5453474c	/* "LGST" */
#define ISR_VRING		1
#define ISR_CONFIG		2

static uint64_t offered(const struct vdev *d)
{
	return d->ops->features | d->features | 1ull << VIRTIO_F_VERSION_1 |
	       1ull << VIRTIO_F_INDIRECT_DESC | 1ull << VIRTIO_F_EVENT_IDX;
}

bool vdev_has(const struct vdev *d, unsigned int feature)
{
	return d->driver_features >> feature & 1;
}

static void raise_irq(struct vdev *d)
{
	uint32_t req[2] = { LHREQ_IRQ, d->irq };

	if (write(d->lfd, req, sizeof(req)) != sizeof(req))
		fprintf(stderr, "lguest: %s: cannot raise irq %u: %s\n", d->ops->name,
			d->irq, strerror(errno));
}

/* The used ring has news for the driver (called with d->lock held). */
void vdev_interrupt(struct vdev *d, unsigned int q)
{
	(void)q;
	d->isr |= ISR_VRING;
	raise_irq(d);
}

/*
 * The driver broke the device's rules: stop it until it resets us, and
 * tell it so (NEEDS_RESET, with a configuration-change interrupt).
 */
void vdev_broken(struct vdev *d, const char *why)
{
	if (d->broken)
		return;
	d->broken = why;
	fprintf(stderr, "lguest: %s: %s; the device stops until the guest resets it\n",
		d->ops->name, why);
	d->status |= VIRTIO_S_NEEDS_RESET;
	d->isr |= ISR_CONFIG;
	raise_irq(d);
}

/* The configuration space changed (a link went down): tell the driver. */
void vdev_config_changed(struct vdev *d)
{
	d->config_generation++;
	d->isr |= ISR_CONFIG;
	raise_irq(d);
}

/* Status 0: back to the state before the driver came. */
static void reset(struct vdev *d)
{
	d->resets++;
	d->status = 0;
	d->dev_feat_sel = d->drv_feat_sel = 0;
	d->driver_features = 0;
	d->queue_sel = 0;
	d->isr = 0;
	d->kicked = 0;
	d->broken = NULL;
	memset(d->vq, 0, sizeof(d->vq));
}

/* The I/O thread: requests are taken here, off the vCPU thread. */
static void *io_thread(void *arg)
{
	struct vdev *d = arg;
	uint64_t n;

	for (;;) {
		if (read(d->kick, &n, sizeof(n)) != sizeof(n)) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		pthread_mutex_lock(&d->lock);
		for (unsigned int q = 0; q < d->ops->nqueues; q++) {
			if (!(d->kicked & 1u << q))
				continue;
			d->kicked &= ~(1u << q);
			if ((d->status & VIRTIO_S_DRIVER_OK) && d->vq[q].ready && !d->broken)
				d->ops->notify(d, q);
		}
		pthread_mutex_unlock(&d->lock);
	}
}

int vdev_create(struct vdev *d, const struct vdev_ops *ops, void *priv,
		const struct guest_mem *mem, uint32_t base, unsigned int irq, int lfd)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->priv = priv;
	d->mem = mem;
	d->base = base;
	d->irq = irq;
	d->lfd = lfd;
	pthread_mutex_init(&d->lock, NULL);
	d->kick = eventfd(0, EFD_CLOEXEC);
	if (d->kick < 0)
		return -1;
	if (pthread_create(&d->thread, NULL, io_thread, d))
		return -1;
	return ops->start ? ops->start(d) : 0;
}

static struct vq *cur_vq(struct vdev *d)
{
	return d->queue_sel < d->ops->nqueues ? &d->vq[d->queue_sel] : NULL;
}

static uint32_t reg_read(struct vdev *d, uint32_t off)
{
	struct vq *q = cur_vq(d);

	switch (off) {
	case R_MAGIC: return VIRTIO_MMIO_MAGIC;
	case R_VERSION: return 2;
	case R_DEVICE_ID: return d->ops->id;
	case R_VENDOR_ID: return LGUEST_VENDOR_ID;
	case R_DEV_FEATURES:
		return d->dev_feat_sel < 2 ? (uint32_t)(offered(d) >> (32 * d->dev_feat_sel)) : 0;
	case R_QUEUE_NUM_MAX: return q ? d->ops->qsize : 0;
	case R_QUEUE_READY: return q ? q->ready : 0;
	case R_INT_STATUS: return d->isr;
	case R_STATUS: return d->status;
	case R_CONFIG_GEN: return d->config_generation;
	default: return 0;
	}
}

/* A 64-bit queue address, written as two halves. */
static void set_half(uint64_t *a, bool high, uint32_t val)
{
	*a = high ? (*a & 0xffffffffull) | (uint64_t)val << 32 :
		    (*a & ~0xffffffffull) | val;
}

static void reg_write(struct vdev *d, uint32_t off, uint32_t val)
{
	struct vq *q = cur_vq(d);
	const char *why;
	uint64_t n = 1;

	switch (off) {
	case R_DEV_FEATURES_SEL: d->dev_feat_sel = val; return;
	case R_DRV_FEATURES_SEL: d->drv_feat_sel = val; return;
	case R_DRV_FEATURES:
		if (d->drv_feat_sel < 2 && !(d->status & VIRTIO_S_FEATURES_OK))
			set_half(&d->driver_features, d->drv_feat_sel, val);
		return;
	case R_QUEUE_SEL: d->queue_sel = val; return;
	case R_QUEUE_NOTIFY:
		if (val < d->ops->nqueues) {
			d->kicked |= 1u << val;
			if (write(d->kick, &n, sizeof(n)) != sizeof(n))
				vdev_broken(d, "cannot wake the device's thread");
		}
		return;
	case R_INT_ACK:
		d->isr &= ~val;
		if (d->isr)	/* more came meanwhile: a level line stays up */
			raise_irq(d);
		return;
	case R_STATUS:
		if (!val) {
			reset(d);
			return;
		}
		/* FEATURES_OK only for features we offered, VERSION_1 among them. */
		if ((val & VIRTIO_S_FEATURES_OK) && !(d->status & VIRTIO_S_FEATURES_OK) &&
		    ((d->driver_features & ~offered(d)) || !vdev_has(d, VIRTIO_F_VERSION_1)))
			val &= ~VIRTIO_S_FEATURES_OK;
		d->status = val | (d->status & VIRTIO_S_NEEDS_RESET);
		return;
	}
	/* The queue registers: only for a queue that exists and is not live. */
	if (!q || (q->ready && off != R_QUEUE_READY))
		return;
	switch (off) {
	case R_QUEUE_NUM: q->num = (uint16_t)(val <= d->ops->qsize ? val : 0); return;
	case R_QUEUE_DESC_LO: case R_QUEUE_DESC_HI:
		set_half(&q->desc, off == R_QUEUE_DESC_HI, val);
		return;
	case R_QUEUE_AVAIL_LO: case R_QUEUE_AVAIL_HI:
		set_half(&q->avail, off == R_QUEUE_AVAIL_HI, val);
		return;
	case R_QUEUE_USED_LO: case R_QUEUE_USED_HI:
		set_half(&q->used, off == R_QUEUE_USED_HI, val);
		return;
	case R_QUEUE_READY:
		if (!val) {
			q->ready = false;
			return;
		}
		if (vq_check(d->mem, q, &why)) {
			vdev_broken(d, why);
			return;
		}
		q->ready = true;
		return;
	}
}

uint32_t vdev_read(struct vdev *d, uint32_t off, unsigned int size)
{
	uint32_t v = 0;

	pthread_mutex_lock(&d->lock);
	if (off >= R_CONFIG) {
		if (d->ops->config)
			d->ops->config(d, off - R_CONFIG, &v, size);
	} else if (size == 4 && !(off & 3)) {
		v = reg_read(d, off);
	}
	pthread_mutex_unlock(&d->lock);
	return v;
}

void vdev_write(struct vdev *d, uint32_t off, unsigned int size, uint32_t val)
{
	pthread_mutex_lock(&d->lock);
	/* Registers are 32-bit; the configuration space is read-only here. */
	if (off < R_CONFIG && size == 4 && !(off & 3))
		reg_write(d, off, val);
	pthread_mutex_unlock(&d->lock);
}
