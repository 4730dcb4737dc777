// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: virtio-blk requests (launcher/virtio/blk.c) on a
 * 256 KiB disk, read-write, read-only or behind an overlay.  The input
 * gives the request's shape (buffers and their sizes) and the bytes of
 * its device-readable buffers (the header first); device-writable ones
 * sit in fenced memory.  A request must never write more than its
 * writable buffers hold, a read-only disk or an overlaid image must stay
 * unchanged, and the status must be one the spec has.
 */
#include "fuzz.h"
#include "virtio/devices.h"
#include "disk/disk.h"

#include <string.h>

#define DISK_SIZE	(256u << 10)
#define BUF_SPACE	(512u << 10)

static uint8_t image[DISK_SIZE], before[DISK_SIZE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vq_req r;
	static uint8_t out_space[BUF_SPACE];
	uint8_t *in_space;
	struct disk d;
	char path[64], err[4200];
	size_t at = 0, used_out = 0, used_in = 0;
	uint32_t written = 0;
	uint8_t status, mode;
	int fd;

	if (size < 3)
		return 0;
	mode = data[0];
	r.nout = 1 + data[1] % 4;
	r.nin = 1 + data[2] % 4;
	at = 3;
	/* Sizes, 2 bytes each; the contents of the readable buffers follow. */
	if (size < at + 2 * (r.nout + r.nin))
		return 0;
	in_space = fuzz_ram_map(BUF_SPACE);
	r.in_bytes = 0;
	for (unsigned int i = 0; i < r.nout + r.nin; i++) {
		size_t len = (size_t)data[at] | (size_t)data[at + 1] << 8;

		at += 2;
		if (i < r.nout) {
			len %= 4 * 4096;
			r.out[i] = (struct iovec){ out_space + used_out, len };
			used_out += len;
		} else {
			len = len % (4 * 4096) + (i == r.nout + r.nin - 1);
			r.in[i - r.nout] = (struct iovec){ in_space + used_in, len };
			used_in += len;
			r.in_bytes += len;
		}
	}
	for (unsigned int i = 0; i < r.nout && at < size; i++) {
		size_t n = size - at < r.out[i].iov_len ? size - at : r.out[i].iov_len;

		memcpy(r.out[i].iov_base, data + at, n);
		at += n;
	}

	for (unsigned int i = 0; i < DISK_SIZE; i++)
		image[i] = (uint8_t)(i * 13 + 7);
	fd = fuzz_memfd("disk", image, DISK_SIZE);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fuzz_assert(!disk_open(&d, path, mode & 1, mode & 2, NULL, err, sizeof(err)));
	status = virtio_blk_request(&d, &r, &written);
	fuzz_assert(status <= 2);
	fuzz_assert(written <= r.in_bytes - 1);
	if (mode & 3) {
		fuzz_assert(pread(fd, before, DISK_SIZE, 0) == DISK_SIZE);
		fuzz_assert(!memcmp(before, image, DISK_SIZE));
	}
	close(d.fd);
	if (d.ofd >= 0)
		close(d.ofd);
	free(d.written);
	close(fd);
	fuzz_ram_unmap(in_space, BUF_SPACE);
	return 0;
}
