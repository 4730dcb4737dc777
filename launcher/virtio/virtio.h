/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 440: Devices, the virtio way
 *
 * The guest's devices are virtio devices on the virtio-mmio transport
 * (version 2): one page of registers each in the device window lg.ko
 * traps for us (LGUEST_EXIT_MMIO), which Linux's own virtio_mmio driver
 * finds from "virtio_mmio.device=" on its command line.  So the guest
 * needs no driver of ours.
 *
 * Here: the transport (mmio.c: the registers and the status/feature/queue
 * state machine), the split ring (ring.c: every address and length from the
 * guest checked against its RAM, chains that loop or outgrow the queue
 * caught) and the interface each device (rng.c, ...) implements, one small
 * ops table.  Each device does its I/O on a thread of its own, woken by the
 * guest's notify; the vCPU thread only moves registers.
 */
#ifndef LGUEST_VIRTIO_H
#define LGUEST_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* Guest RAM as we see it: [ram, ram + size) is guest-physical [0, size). */
struct guest_mem {
	uint8_t *ram;
	uint64_t size;
};

/* A pointer to guest-physical [gpa, gpa + len), or NULL if not all RAM. */
static inline void *gpa_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (gpa > m->size || len > m->size - gpa)
		return NULL;
	return m->ram + gpa;
}

/* Feature bits the transport itself knows. */
#define VIRTIO_F_INDIRECT_DESC	28
#define VIRTIO_F_EVENT_IDX	29
#define VIRTIO_F_VERSION_1	32

/* Device status bits (the driver's progress). */
#define VIRTIO_S_ACKNOWLEDGE	1
#define VIRTIO_S_DRIVER		2
#define VIRTIO_S_DRIVER_OK	4
#define VIRTIO_S_FEATURES_OK	8
#define VIRTIO_S_NEEDS_RESET	64
#define VIRTIO_S_FAILED		128

#define VQ_MAX		4	/* queues per device */
#define VQ_SIZE_MAX	256	/* entries per queue we offer */
#define VQ_SEG_MAX	(VQ_SIZE_MAX + 2)	/* buffers in one chain */

/* One split virtqueue, as the driver set it up. */
struct vq {
	uint16_t num;			/* entries, a power of 2 <= VQ_SIZE_MAX */
	bool ready;
	uint64_t desc, avail, used;	/* guest-physical */
	uint16_t last_avail;		/* the next avail entry we take */
	uint16_t used_idx;		/* the next used entry we fill */
	uint16_t signalled;		/* used_idx when we last interrupted */
	bool signalled_ever;
};

/* One request: a descriptor chain as buffers in our address space. */
struct vq_req {
	uint16_t head;
	unsigned int nout, nin;		/* driver-to-device, then device-to-driver */
	struct iovec out[VQ_SEG_MAX], in[VQ_SEG_MAX];
	uint64_t in_bytes;
};

struct vdev;

/* What a device is: what it offers, and what it does when kicked. */
struct vdev_ops {
	const char *name;
	uint32_t id;			/* VIRTIO_ID_* */
	uint64_t features;		/* device-specific; the transport adds its own */
	unsigned int nqueues;
	uint16_t qsize;			/* entries each queue may have */
	/* Configuration space: bytes [off, off + len) of it, into buf. */
	void (*config)(struct vdev *d, uint32_t off, void *buf, uint32_t len);
	/* A queue has new requests: take them (vq_pop), answer (vq_push). */
	void (*notify)(struct vdev *d, unsigned int q);
	/* Optional: threads of its own, once the device exists. */
	int (*start)(struct vdev *d);
};

/* A device on the transport. */
struct vdev {
	const struct vdev_ops *ops;
	void *priv;
	const struct guest_mem *mem;
	uint32_t base;			/* gpa of its register page */
	unsigned int irq;
	int lfd;			/* /dev/lguest, for LHREQ_IRQ */
	int kick;			/* eventfd: the I/O thread's wake-up */
	pthread_t thread;
	pthread_mutex_t lock;		/* registers and queues: vCPU vs I/O thread */

	uint64_t features;		/* offered beyond ops->features (e.g. a read-only disk) */
	uint32_t status;
	uint32_t dev_feat_sel, drv_feat_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	uint32_t isr;			/* interrupt status: 1 used ring, 2 config */
	uint32_t kicked;		/* bit q: queue q was notified */
	uint32_t config_generation;
	struct vq vq[VQ_MAX];
	const char *broken;		/* why the device needs a reset, or NULL */
	uint32_t resets;		/* how many times the driver reset it */
};

/* mmio.c */
int vdev_create(struct vdev *d, const struct vdev_ops *ops, void *priv,
		const struct guest_mem *mem, uint32_t base, unsigned int irq, int lfd);
uint32_t vdev_read(struct vdev *d, uint32_t off, unsigned int size);
void vdev_write(struct vdev *d, uint32_t off, unsigned int size, uint32_t val);
bool vdev_has(const struct vdev *d, unsigned int feature);
void vdev_interrupt(struct vdev *d, unsigned int q);
void vdev_broken(struct vdev *d, const char *why);
void vdev_config_changed(struct vdev *d);

/* ring.c: -1 and *why for a ring the device must stop using. */
int vq_check(const struct guest_mem *m, const struct vq *q, const char **why);
int vq_pop(const struct guest_mem *m, struct vq *q, bool indirect, struct vq_req *r,
	   const char **why);
void vq_push(const struct guest_mem *m, struct vq *q, uint16_t head, uint32_t len,
	     bool event_idx);
struct vq_done {
	uint16_t head;
	uint32_t len;
};
void vq_push_n(const struct guest_mem *m, struct vq *q, const struct vq_done *done,
	       unsigned int n, bool event_idx);
/*
 * Out of requests: ask the driver to notify us of the next one.  True if
 * there is still none (then the notify will come), false if one came.
 */
bool vq_want_notify(const struct guest_mem *m, struct vq *q, bool event_idx);
/* Give back the last n requests taken, unanswered (they are taken again). */
static inline void vq_unpop(struct vq *q, unsigned int n)
{
	q->last_avail = (uint16_t)(q->last_avail - n);
}
bool vq_should_interrupt(const struct guest_mem *m, struct vq *q, bool event_idx);

#endif
