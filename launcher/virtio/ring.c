// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 450: The split ring
 *
 * A virtqueue lives in guest RAM and the guest writes it while we read it,
 * so nothing in it is trusted or read twice: each descriptor is copied
 * once, each buffer checked to lie wholly in guest RAM before it becomes an
 * iovec, a chain may not visit more descriptors than its table holds (so a
 * loop ends), and an index that jumps by more than the queue size is a
 * broken ring.  Any of these stops the device (the caller sets
 * NEEDS_RESET); none reaches memory outside guest RAM.
 */
#include "virtio.h"

#include <string.h>

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT	1

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

/* Sizes of the three parts, with the EVENT_IDX words at their ends. */
static uint64_t desc_bytes(uint16_t num) { return 16ull * num; }
static uint64_t avail_bytes(uint16_t num) { return 6ull + 2ull * num; }
static uint64_t used_bytes(uint16_t num) { return 6ull + 8ull * num; }

/* Where the driver put the queue must be RAM, aligned as the spec says. */
int vq_check(const struct guest_mem *m, const struct vq *q, const char **why)
{
	if (!q->num || q->num > VQ_SIZE_MAX || (q->num & (q->num - 1)))
		*why = "queue size is not a power of 2 we offered";
	else if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
		*why = "queue parts are misaligned";
	else if (!gpa_ptr(m, q->desc, desc_bytes(q->num)) ||
		 !gpa_ptr(m, q->avail, avail_bytes(q->num)) ||
		 !gpa_ptr(m, q->used, used_bytes(q->num)))
		*why = "queue parts lie outside guest RAM";
	else
		return 0;
	return -1;
}

static uint16_t *avail_ring(const struct guest_mem *m, const struct vq *q)
{
	return (uint16_t *)((uint8_t *)gpa_ptr(m, q->avail, avail_bytes(q->num)) + 4);
}

static uint16_t *used_hdr(const struct guest_mem *m, const struct vq *q)
{
	return gpa_ptr(m, q->used, used_bytes(q->num));
}

static int bad(const char **why, const char *what)
{
	*why = what;
	return -1;
}

/*
 * The next request, as iovecs: 1, 0 if there is none, -1 with *why if the
 * ring is broken.  The queue must have passed vq_check().
 */
int vq_pop(const struct guest_mem *m, struct vq *q, bool indirect, struct vq_req *r,
	   const char **why)
{
	const uint16_t *avail = gpa_ptr(m, q->avail, avail_bytes(q->num));
	const struct vring_desc *table = gpa_ptr(m, q->desc, desc_bytes(q->num));
	unsigned int tnum = q->num, seen = 0, i;
	bool in_indirect = false;
	uint16_t idx;

	/* The index first, then the entries it covers. */
	idx = __atomic_load_n(&avail[1], __ATOMIC_ACQUIRE);
	if ((uint16_t)(idx - q->last_avail) > q->num)
		return bad(why, "the available index moved by more than the queue size");
	if (idx == q->last_avail)
		return 0;
	i = __atomic_load_n(&avail_ring(m, q)[q->last_avail & (q->num - 1)], __ATOMIC_RELAXED);
	if (i >= q->num)
		return bad(why, "an available entry names no descriptor");
	r->head = (uint16_t)i;
	r->nout = r->nin = 0;
	r->in_bytes = 0;
	for (;;) {
		struct vring_desc d;
		void *p;

		memcpy(&d, &table[i], sizeof(d));	/* once: the guest may change it */
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (!indirect || in_indirect || (d.flags & VRING_DESC_F_NEXT))
				return bad(why, "an indirect descriptor where none may be");
			if (!d.len || d.len % 16 || d.len / 16 > VQ_SEG_MAX)
				return bad(why, "an indirect table of a bad size");
			table = gpa_ptr(m, d.addr, d.len);
			if (!table)
				return bad(why, "an indirect table outside guest RAM");
			tnum = d.len / 16;
			in_indirect = true;
			seen = 0;
			i = 0;
			continue;
		}
		if (++seen > tnum)
			return bad(why, "a descriptor chain loops");
		p = gpa_ptr(m, d.addr, d.len);
		if (!p)
			return bad(why, "a buffer outside guest RAM");
		if (d.flags & VRING_DESC_F_WRITE) {
			if (r->nin == VQ_SEG_MAX)
				return bad(why, "a chain of too many buffers");
			r->in[r->nin++] = (struct iovec){ p, d.len };
			r->in_bytes += d.len;
		} else {
			if (r->nin)
				return bad(why, "a device-readable buffer after a writable one");
			if (r->nout == VQ_SEG_MAX)
				return bad(why, "a chain of too many buffers");
			r->out[r->nout++] = (struct iovec){ p, d.len };
		}
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= tnum)
			return bad(why, "a chain leads past its table");
	}
	q->last_avail++;
	return 1;
}

/*
 * Hand n requests back at once, each with the bytes written into its
 * buffers: the driver sees all of them or none (a network frame spread
 * over several receive buffers must arrive whole).
 */
void vq_push_n(const struct guest_mem *m, struct vq *q, const struct vq_done *done,
	       unsigned int n, bool event_idx)
{
	uint16_t *used = used_hdr(m, q);
	struct vring_used_elem *ring = (struct vring_used_elem *)(used + 2);

	for (unsigned int i = 0; i < n; i++)
		ring[(uint16_t)(q->used_idx + i) & (q->num - 1)] =
			(struct vring_used_elem){ done[i].head, done[i].len };
	q->used_idx = (uint16_t)(q->used_idx + n);
	/* The entries before the index that publishes them. */
	__atomic_store_n(&used[1], q->used_idx, __ATOMIC_RELEASE);
	/* EVENT_IDX: notify us again once the driver passes what we took. */
	if (event_idx)
		__atomic_store_n((uint16_t *)&ring[q->num], q->last_avail, __ATOMIC_RELEASE);
}

/* Hand a request back with len bytes written into its buffers. */
void vq_push(const struct guest_mem *m, struct vq *q, uint16_t head, uint32_t len,
	     bool event_idx)
{
	struct vq_done d = { head, len };

	vq_push_n(m, q, &d, 1, event_idx);
}

bool vq_want_notify(const struct guest_mem *m, struct vq *q, bool event_idx)
{
	const uint16_t *avail = gpa_ptr(m, q->avail, avail_bytes(q->num));
	uint16_t *used = used_hdr(m, q);

	/* avail_event: the two bytes after the used ring's entries. */
	if (event_idx)
		__atomic_store_n((uint16_t *)&((struct vring_used_elem *)(used + 2))[q->num],
				 q->last_avail, __ATOMIC_RELAXED);
	/* The request to notify out before we look at the index again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&avail[1], __ATOMIC_ACQUIRE) == q->last_avail;
}

/* After pushes: does the driver want an interrupt for them? */
bool vq_should_interrupt(const struct guest_mem *m, struct vq *q, bool event_idx)
{
	const uint16_t *avail = gpa_ptr(m, q->avail, avail_bytes(q->num));
	uint16_t old = q->signalled, now = q->used_idx, event;
	bool first = !q->signalled_ever;

	/* Our used index out before we read what the driver asks. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->signalled = now;
	q->signalled_ever = true;
	if (!event_idx)
		return !(__atomic_load_n(&avail[0], __ATOMIC_RELAXED) & VRING_AVAIL_F_NO_INTERRUPT);
	if (first)
		return true;
	event = __atomic_load_n(&avail_ring(m, q)[q->num], __ATOMIC_RELAXED);
	/* The spec's vring_need_event(): did now pass event since old? */
	return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}
