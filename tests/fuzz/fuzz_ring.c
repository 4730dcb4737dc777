// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the split ring (launcher/virtio/ring.c) over guest
 * RAM the input fills, with the queue wherever the input puts it.  Every
 * request vq_pop() hands out must lie wholly in guest RAM (its bytes are
 * read and written here, and RAM is fenced: a stray one crashes), a
 * broken ring must say why, and nothing may loop.
 */
#include "fuzz.h"
#include "virtio/virtio.h"

#include <string.h>

#define RAM_SIZE (64u << 10)

static uint32_t take32(const uint8_t **p, size_t *left)
{
	uint32_t v = 0;

	if (*left >= 4) {
		memcpy(&v, *p, 4);
		*p += 4;
		*left -= 4;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vq_req r;
	uint8_t *ram = fuzz_ram_map(RAM_SIZE);
	struct guest_mem m = { ram, RAM_SIZE };
	uint32_t shape = take32(&data, &size);
	struct vq q = {
		.num = (uint16_t)(1u << (shape & 7)),
		.desc = take32(&data, &size) % RAM_SIZE,
		.avail = take32(&data, &size) % RAM_SIZE,
		.used = take32(&data, &size) % RAM_SIZE,
		.last_avail = (uint16_t)(shape >> 16),
	};
	bool indirect = shape & 8, event_idx = shape & 16;
	const char *why = NULL;
	int got;

	q.used_idx = q.last_avail;
	/* The shape's low bits pick one of the queue sizes we offer. */
	if (q.num > VQ_SIZE_MAX)
		q.num = VQ_SIZE_MAX;
	memcpy(ram, data, size < RAM_SIZE ? size : RAM_SIZE);
	if (vq_check(&m, &q, &why)) {
		fuzz_assert(why);
		goto out;
	}
	for (unsigned int n = 0; n < 2u * VQ_SIZE_MAX; n++) {
		uint64_t total = 0;

		why = NULL;
		got = vq_pop(&m, &q, indirect, &r, &why);
		fuzz_assert(got >= -1 && got <= 1);
		if (got < 0)
			fuzz_assert(why);
		if (got <= 0)
			break;
		fuzz_assert(r.head < q.num && r.nout <= VQ_SEG_MAX && r.nin <= VQ_SEG_MAX);
		for (unsigned int i = 0; i < r.nout; i++) {
			const uint8_t *b = r.out[i].iov_base;

			fuzz_assert(b >= ram && r.out[i].iov_len <= (size_t)(ram + RAM_SIZE - b));
			for (size_t k = 0; k < r.out[i].iov_len; k++)
				total += b[k];
		}
		for (unsigned int i = 0; i < r.nin; i++) {
			uint8_t *b = r.in[i].iov_base;

			fuzz_assert(b >= ram && r.in[i].iov_len <= (size_t)(ram + RAM_SIZE - b));
			memset(b, 0xa5, r.in[i].iov_len);
		}
		(void)total;
		vq_push(&m, &q, r.head, (uint32_t)r.in_bytes, event_idx);
		vq_should_interrupt(&m, &q, event_idx);
	}
out:
	fuzz_ram_unmap(ram, RAM_SIZE);
	return 0;
}
