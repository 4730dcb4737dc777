// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 500: virtio-blk
 *
 * A disk: each request is a 16-byte header (type, sector) the guest
 * wrote, its data, and one status byte for us to fill.  Every request is
 * checked before it touches the image: the header and status must be
 * there, data must be whole sectors inside the disk, a read-only disk is
 * never written.  A bad request gets VIRTIO_BLK_S_IOERR (the guest's
 * problem); a broken ring stops the device (NEEDS_RESET).
 */
#include "virtio.h"
#include "devices.h"
#include "../disk/disk.h"

#include <errno.h>
#include <string.h>

#define VIRTIO_ID_BLOCK		2

#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9
#define VIRTIO_BLK_F_DISCARD	13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_T_DISCARD	11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define BLK_SEG_MAX		(VQ_SIZE_MAX - 2)	/* data buffers per request */
#define BLK_SIZE_MAX		(1u << 20)		/* bytes per buffer */
#define BLK_DISCARD_SEGS	16
#define BLK_DISCARD_SECTORS	(1u << 22)		/* 2 GiB per segment */

/* The configuration space, as the spec lays it out (60 bytes). */
struct blk_config {
	uint64_t capacity;
	uint32_t size_max, seg_max;
	uint16_t cylinders;
	uint8_t heads, sectors;
	uint32_t blk_size;
	uint8_t physical_block_exp, alignment_offset;
	uint16_t min_io_size;
	uint32_t opt_io_size;
	uint8_t writeback, unused0;
	uint16_t num_queues;
	uint32_t max_discard_sectors, max_discard_seg, discard_sector_alignment;
	uint32_t max_write_zeroes_sectors, max_write_zeroes_seg;
	uint8_t write_zeroes_may_unmap, unused1[3];
} __attribute__((packed));

static void blk_config(struct vdev *d, uint32_t off, void *buf, uint32_t len)
{
	struct disk *disk = d->priv;
	struct blk_config c = {
		.capacity = disk->size / 512,
		.size_max = BLK_SIZE_MAX,
		.seg_max = BLK_SEG_MAX,
		.blk_size = 512,
		.num_queues = 1,
		.max_discard_sectors = BLK_DISCARD_SECTORS,
		.max_discard_seg = BLK_DISCARD_SEGS,
		.discard_sector_alignment = 1,
		.max_write_zeroes_sectors = BLK_DISCARD_SECTORS,
		.max_write_zeroes_seg = BLK_DISCARD_SEGS,
	};

	if (off < sizeof(c) && len <= sizeof(c) - off)
		memcpy(buf, (uint8_t *)&c + off, len);
}

/* Copy len bytes out of the iovecs, from byte skip on: false if short. */
static bool iov_get(const struct iovec *iov, unsigned int n, uint64_t skip, void *buf,
		    size_t len)
{
	uint8_t *p = buf;

	for (unsigned int i = 0; i < n && len; i++) {
		size_t l = iov[i].iov_len, c;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		c = l - skip < len ? l - skip : len;
		memcpy(p, (uint8_t *)iov[i].iov_base + skip, c);
		p += c;
		len -= c;
		skip = 0;
	}
	return !len;
}

/* The iovecs from byte skip on, for len bytes, into out (at most max). */
static int iov_slice(const struct iovec *iov, unsigned int n, uint64_t skip, uint64_t len,
		     struct iovec *out, int max)
{
	int k = 0;

	for (unsigned int i = 0; i < n && len; i++) {
		uint64_t l = iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		if (k == max)
			return -1;
		out[k].iov_base = (uint8_t *)iov[i].iov_base + skip;
		out[k].iov_len = (size_t)(l - skip < len ? l - skip : len);
		len -= out[k].iov_len;
		skip = 0;
		k++;
	}
	return len ? -1 : k;
}

static bool in_disk(const struct disk *disk, uint64_t sector, uint64_t bytes)
{
	return sector <= disk->size / 512 && bytes <= disk->size - sector * 512;
}

/* Discard and write-zeroes: segments of {sector, sectors, flags}. */
static uint8_t blk_ranges(struct disk *disk, const struct vq_req *r, uint32_t type)
{
	struct { uint64_t sector; uint32_t num, flags; } seg;
	uint64_t bytes = 0;

	for (unsigned int i = 0; i < r->nout; i++)
		bytes += r->out[i].iov_len;
	bytes -= 16;
	if (!bytes || bytes % sizeof(seg) || bytes / sizeof(seg) > BLK_DISCARD_SEGS)
		return VIRTIO_BLK_S_IOERR;
	for (uint64_t at = 16; at < 16 + bytes; at += sizeof(seg)) {
		int e;

		iov_get(r->out, r->nout, at, &seg, sizeof(seg));
		if (seg.num > BLK_DISCARD_SECTORS || (seg.flags & ~1u) ||
		    !in_disk(disk, seg.sector, (uint64_t)seg.num * 512))
			return VIRTIO_BLK_S_IOERR;
		e = type == VIRTIO_BLK_T_DISCARD ?
		    disk_discard(disk, seg.sector * 512, (uint64_t)seg.num * 512) :
		    disk_write_zeroes(disk, seg.sector * 512, (uint64_t)seg.num * 512);
		if (e)
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

/* One request: the status, and how many bytes we wrote into the guest's buffers. */
uint8_t virtio_blk_request(struct disk *disk, const struct vq_req *r, uint32_t *written)
{
	struct { uint32_t type, ioprio; uint64_t sector; } hdr;
	struct iovec v[VQ_SEG_MAX];
	uint64_t in = r->in_bytes - 1, out = 0;
	int k;

	*written = 0;
	for (unsigned int i = 0; i < r->nout; i++)
		out += r->out[i].iov_len;
	if (!iov_get(r->out, r->nout, 0, &hdr, sizeof(hdr)))
		return VIRTIO_BLK_S_IOERR;
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
		if (in % 512 || !in_disk(disk, hdr.sector, in))
			return VIRTIO_BLK_S_IOERR;
		k = iov_slice(r->in, r->nin, 0, in, v, VQ_SEG_MAX);
		if (k < 0 || disk_read(disk, v, k, hdr.sector * 512))
			return VIRTIO_BLK_S_IOERR;
		*written = (uint32_t)in;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_OUT:
		out -= sizeof(hdr);
		if (disk->ro || out % 512 || !in_disk(disk, hdr.sector, out))
			return VIRTIO_BLK_S_IOERR;
		k = iov_slice(r->out, r->nout, sizeof(hdr), out, v, VQ_SEG_MAX);
		if (k < 0 || disk_write(disk, v, k, hdr.sector * 512))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		return disk_flush(disk) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID: {
		size_t n = in < 20 ? (size_t)in : 20;

		k = iov_slice(r->in, r->nin, 0, n, v, VQ_SEG_MAX);
		if (k < 0)
			return VIRTIO_BLK_S_IOERR;
		for (int i = 0, at = 0; i < k; at += (int)v[i].iov_len, i++)
			memcpy(v[i].iov_base, disk->serial + at, v[i].iov_len);
		*written = (uint32_t)n;
		return VIRTIO_BLK_S_OK;
	}
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (disk->ro)
			return VIRTIO_BLK_S_IOERR;
		return blk_ranges(disk, r, hdr.type);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_notify(struct vdev *d, unsigned int qi)
{
	struct vq *q = &d->vq[qi];
	bool event_idx = vdev_has(d, VIRTIO_F_EVENT_IDX);
	unsigned int answered = 0;
	static __thread struct vq_req r;	/* big: one per I/O thread, not on its stack */
	const char *why;
	int got;

	while ((got = vq_pop(d->mem, q, vdev_has(d, VIRTIO_F_INDIRECT_DESC), &r, &why)) > 0) {
		uint32_t written = 0;
		uint8_t status;

		/* The status byte is the last writable one; there must be one. */
		if (!r.in_bytes || !r.in[r.nin - 1].iov_len) {
			vdev_broken(d, "a block request without room for its status");
			return;
		}
		status = virtio_blk_request(d->priv, &r, &written);
		((uint8_t *)r.in[r.nin - 1].iov_base)[r.in[r.nin - 1].iov_len - 1] = status;
		vq_push(d->mem, q, r.head, written + 1, event_idx);
		answered++;
	}
	if (got < 0)
		vdev_broken(d, why);
	else if (answered && vq_should_interrupt(d->mem, q, event_idx))
		vdev_interrupt(d, qi);
}

const struct vdev_ops virtio_blk_ops = {
	.name = "virtio-blk",
	.id = VIRTIO_ID_BLOCK,
	.features = 1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX |
		    1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH |
		    1ull << VIRTIO_BLK_F_DISCARD | 1ull << VIRTIO_BLK_F_WRITE_ZEROES,
	.nqueues = 1,
	.qsize = VQ_SIZE_MAX,
	.config = blk_config,
	.notify = blk_notify,
};
