/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 490: Disk images
 *
 * What virtio-blk reads and writes: a raw image file, opened read-write
 * or read-only and locked so two guests cannot both write one (readers
 * share), optionally behind a copy-on-write overlay in an unlinked
 * temporary file (--ephemeral, or ",snapshot"), so that the image is never
 * written and nothing is left behind however the launcher ends.
 */
#ifndef LGUEST_DISK_H
#define LGUEST_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct disk {
	const char *path;
	int fd;			/* the image */
	uint64_t size;		/* bytes: the image's, rounded down to 512 */
	bool ro;		/* the guest may not write */
	/* The overlay: written clusters live in ofd, the rest in fd. */
	int ofd;		/* -1: none */
	uint8_t *written;	/* a bit per cluster */
	char serial[21];	/* VIRTIO_BLK_ID_BYTES, NUL-terminated */
};

#define DISK_CLUSTER	65536u
#define DISK_IOV_MAX	260	/* iovecs of one request, at most */

/*
 * Open path for a guest: ro, and/or with an overlay (in tmpdir, or
 * TMPDIR, or /var/tmp).  Returns 0, or -1 with a message naming the fix.
 */
int disk_open(struct disk *d, const char *path, bool ro, bool overlay,
	      const char *serial, char *err, size_t errlen);
/* Whole-sector I/O at byte offset off; 0 or -errno. */
int disk_read(struct disk *d, const struct iovec *iov, int n, uint64_t off);
int disk_write(struct disk *d, const struct iovec *iov, int n, uint64_t off);
int disk_flush(struct disk *d);
/* Sectors that need not hold data any more (discard), or must read zero. */
int disk_discard(struct disk *d, uint64_t off, uint64_t len);
int disk_write_zeroes(struct disk *d, uint64_t off, uint64_t len);

#endif
