// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 495: Copy-on-write, cluster by cluster
 *
 * Disk images: raw files, locked, with an optional copy-on-write overlay
 * (disk.h).  The overlay is a sparse file as big as the image; a cluster
 * (64 KiB) is copied up from the image the first time the guest writes
 * into it, and read from the overlay from then on (one bit each).  All offsets are 64-bit: the launcher is an i386 program and
 * images are often bigger than 2 GiB.
 */
#include "disk.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE	0x01
#define FALLOC_FL_PUNCH_HOLE	0x02
#define FALLOC_FL_ZERO_RANGE	0x10
#endif

/* An unlinked file for the overlay: gone with us, whatever happens. */
static int overlay_file(uint64_t size, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	/* Not /tmp by default: it is often tmpfs, and overlays grow. */
	if (!dir || !dir[0])
		dir = "/var/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(path, sizeof(path), "%s/lguest-overlay.XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	if (fd < 0 || ftruncate(fd, (off_t)size)) {
		snprintf(err, errlen, "cannot create a copy-on-write overlay in %s: %s (set TMPDIR to a writable directory with room)",
			 dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int disk_open(struct disk *d, const char *path, bool ro, bool overlay,
	      const char *serial, char *err, size_t errlen)
{
	struct flock lk = { .l_whence = SEEK_SET };
	bool base_ro = ro || overlay;
	struct stat st;
	char name[4096];

	memset(d, 0, sizeof(*d));
	d->path = path;
	d->ro = ro;
	d->ofd = -1;
	d->fd = open(path, (base_ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(err, errlen, "cannot open disk image %s: %s%s", path, strerror(errno),
			 errno == EACCES || errno == EROFS ?
			 " (add ,ro or ,snapshot to use it without writing)" : "");
		return -1;
	}
	if (fstat(d->fd, &st) || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		snprintf(err, errlen, "disk image %s is not a regular file or block device", path);
		goto fail;
	}
	d->size = (uint64_t)lseek(d->fd, 0, SEEK_END) & ~511ull;
	if (!d->size) {
		snprintf(err, errlen, "disk image %s is smaller than one 512-byte sector", path);
		goto fail;
	}
	/* One writer, or any number of readers, per image. */
	lk.l_type = base_ro ? F_RDLCK : F_WRLCK;
	if (fcntl(d->fd, F_OFD_SETLK, &lk)) {
		snprintf(err, errlen, "disk image %s is in use by another guest (it is locked%s)",
			 path, base_ro ? " for writing" : "; add ,ro or ,snapshot to share it read-only");
		goto fail;
	}
	if (overlay) {
		d->ofd = overlay_file(d->size, err, errlen);
		if (d->ofd < 0)
			goto fail;
		d->written = calloc(d->size / DISK_CLUSTER / 8 + 1, 1);
		if (!d->written) {
			snprintf(err, errlen, "out of memory for the overlay of %s", path);
			goto fail;
		}
	}
	if (serial) {
		snprintf(d->serial, sizeof(d->serial), "%s", serial);
	} else {
		snprintf(name, sizeof(name), "%s", path);
		snprintf(d->serial, sizeof(d->serial), "%s", basename(name));
	}
	return 0;
fail:
	close(d->fd);
	if (d->ofd >= 0)
		close(d->ofd);
	return -1;
}

/* All of [off, off + len) through iov, looping over short transfers. */
static int rw_all(int fd, const struct iovec *iov, int n, uint64_t off, bool write)
{
	struct iovec v[64];
	int cnt;

	while (n) {
		cnt = n < 64 ? n : 64;
		memcpy(v, iov, sizeof(v[0]) * (size_t)cnt);
		for (int i = 0; i < cnt;) {
			ssize_t r = write ? pwritev(fd, v + i, cnt - i, (off_t)off) :
					    preadv(fd, v + i, cnt - i, (off_t)off);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -errno;
			if (r == 0)
				return -EIO;
			off += (uint64_t)r;
			while (i < cnt && (size_t)r >= v[i].iov_len)
				r -= (ssize_t)v[i++].iov_len;
			if (i < cnt) {
				v[i].iov_base = (char *)v[i].iov_base + r;
				v[i].iov_len -= (size_t)r;
			}
		}
		iov += cnt;
		n -= cnt;
	}
	return 0;
}

/* The part [skip, skip + len) of an iovec array, as a new one. */
static int sub_iov(const struct iovec *iov, int n, uint64_t skip, uint64_t len,
		   struct iovec *out, int max)
{
	int k = 0;

	for (int i = 0; i < n && len; i++) {
		uint64_t l = iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		if (k == max)
			return -1;
		out[k].iov_base = (char *)iov[i].iov_base + skip;
		out[k].iov_len = (size_t)(l - skip < len ? l - skip : len);
		len -= out[k].iov_len;
		skip = 0;
		k++;
	}
	return k;
}

static bool cluster_written(const struct disk *d, uint64_t c)
{
	return d->written[c / 8] >> (c % 8) & 1;
}

/* Before a cluster of the overlay is written: bring the image's data up. */
static int copy_up(struct disk *d, uint64_t c)
{
	static __thread uint8_t buf[DISK_CLUSTER];	/* each disk has its own thread */
	uint64_t off = c * DISK_CLUSTER;
	size_t len = d->size - off < DISK_CLUSTER ? (size_t)(d->size - off) : DISK_CLUSTER;
	struct iovec v = { buf, len };
	int r;

	if (cluster_written(d, c))
		return 0;
	r = rw_all(d->fd, &v, 1, off, false);
	if (!r)
		r = rw_all(d->ofd, &v, 1, off, true);
	if (!r)
		d->written[c / 8] |= (uint8_t)(1u << (c % 8));
	return r;
}

/* I/O through the overlay, one cluster at a time. */
static int overlay_io(struct disk *d, const struct iovec *iov, int n, uint64_t off,
		      uint64_t len, bool write)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t c = (off + done) / DISK_CLUSTER;
		uint64_t chunk = DISK_CLUSTER - (off + done) % DISK_CLUSTER;
		struct iovec v[DISK_IOV_MAX];
		int k, r;

		if (chunk > len - done)
			chunk = len - done;
		k = sub_iov(iov, n, done, chunk, v, DISK_IOV_MAX);
		if (k < 0)
			return -EINVAL;
		if (write && (r = copy_up(d, c)))
			return r;
		r = rw_all(write || cluster_written(d, c) ? d->ofd : d->fd, v, k, off + done, write);
		if (r)
			return r;
		done += chunk;
	}
	return 0;
}

static uint64_t iov_bytes(const struct iovec *iov, int n)
{
	uint64_t t = 0;

	for (int i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

int disk_read(struct disk *d, const struct iovec *iov, int n, uint64_t off)
{
	if (d->ofd >= 0)
		return overlay_io(d, iov, n, off, iov_bytes(iov, n), false);
	return rw_all(d->fd, iov, n, off, false);
}

int disk_write(struct disk *d, const struct iovec *iov, int n, uint64_t off)
{
	if (d->ro)
		return -EROFS;
	if (d->ofd >= 0)
		return overlay_io(d, iov, n, off, iov_bytes(iov, n), true);
	return rw_all(d->fd, iov, n, off, true);
}

int disk_flush(struct disk *d)
{
	/* An overlay dies with us: nothing to make durable. */
	if (d->ro || d->ofd >= 0)
		return 0;
	return fdatasync(d->fd) ? -errno : 0;
}

/* Zeroes written the slow way, where the filesystem cannot do better. */
static int write_zero_bytes(struct disk *d, uint64_t off, uint64_t len)
{
	static const uint8_t zero[DISK_CLUSTER];

	while (len) {
		struct iovec v = { (void *)zero, len < sizeof(zero) ? (size_t)len : sizeof(zero) };
		int r = disk_write(d, &v, 1, off);

		if (r)
			return r;
		off += v.iov_len;
		len -= v.iov_len;
	}
	return 0;
}

int disk_discard(struct disk *d, uint64_t off, uint64_t len)
{
	if (d->ro)
		return -EROFS;
	/* A hint: the overlay keeps its data, and a raw image may punch a hole. */
	if (d->ofd < 0 && fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				    (off_t)off, (off_t)len) && errno != EOPNOTSUPP)
		return -errno;
	return 0;
}

int disk_write_zeroes(struct disk *d, uint64_t off, uint64_t len)
{
	if (d->ro)
		return -EROFS;
	if (d->ofd < 0 && !fallocate(d->fd, FALLOC_FL_ZERO_RANGE, (off_t)off, (off_t)len))
		return 0;
	return write_zero_bytes(d, off, len);
}
