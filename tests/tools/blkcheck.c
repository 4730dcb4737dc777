// SPDX-License-Identifier: GPL-2.0
/*
 * blkcheck: a verifying random-I/O workload and a small disk benchmark,
 * run inside the Linux guest on its virtio disk (tests/e2e/linux.sh, make
 * bench) and on the host on a file, for the ratios.
 *
 *   blkcheck verify DEV OPS THREADS SEED
 *	THREADS threads write and read back random extents of 4 KiB to
 *	256 KiB across the whole of DEV, with O_DIRECT so every one is a
 *	request to the device, several in flight at once.  Every 4 KiB block
 *	written carries its number, a generation and a pattern made from
 *	both; every read checks them; at the end every block written is read
 *	back once more.  Prints one BLKCHECK line; exits 1 on any mismatch.
 *   blkcheck bench FILE MB
 *	Sequential write and read of MB MiB in 1 MiB requests, then 4 KiB
 *	random writes and reads over the same span for a few seconds each:
 *	BENCH lines with MB/s and IOPS.
 *
 * Threads own disjoint stripes (chunk c belongs to thread c % THREADS), so
 * each knows the generation of every block it may read without locks.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLK		4096u
#define CHUNK_BLKS	64u	/* 256 KiB: the largest extent */

static int fd;
static uint64_t nblocks, nchunks;
static uint32_t *gen;		/* per block; 0: never written */
static unsigned int nthreads;
static unsigned long ops_per_thread;
static uint64_t seed;

struct worker {
	pthread_t tid;
	unsigned int id;
	uint64_t rng;
	unsigned long mismatches, writes, reads;
	uint64_t bytes_w, bytes_r;
};

static uint64_t next(uint64_t *s)
{
	/* splitmix64: small, good enough, and replayable from the seed. */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void fill_block(uint8_t *p, uint64_t blk, uint32_t g)
{
	uint64_t s = blk * 0x100000001b3ull ^ ((uint64_t)g << 32) ^ seed;

	for (unsigned int i = 0; i < BLK; i += 8) {
		uint64_t v = next(&s);

		memcpy(p + i, &v, 8);
	}
	memcpy(p, &blk, 8);
	memcpy(p + 8, &g, 4);
}

static int check_block(const uint8_t *p, uint64_t blk, uint32_t g, uint8_t *tmp)
{
	fill_block(tmp, blk, g);
	return memcmp(p, tmp, BLK) != 0;
}

static void *alloc_aligned(size_t n)
{
	void *p;

	if (posix_memalign(&p, BLK, n)) {
		fprintf(stderr, "blkcheck: out of memory\n");
		exit(2);
	}
	return p;
}

static int xfer(int write, void *buf, size_t len, uint64_t off)
{
	ssize_t n = write ? pwrite(fd, buf, len, (off_t)off) : pread(fd, buf, len, (off_t)off);

	if (n != (ssize_t)len) {
		fprintf(stderr, "blkcheck: %s of %zu at %" PRIu64 ": %s\n",
			write ? "write" : "read", len, off,
			n < 0 ? strerror(errno) : "short");
		return -1;
	}
	return 0;
}

/* Read [b, b+n) back and check every block this thread wrote. */
static void verify_extent(struct worker *w, uint8_t *buf, uint8_t *tmp,
			  uint64_t b, unsigned int n)
{
	if (xfer(0, buf, (size_t)n * BLK, b * BLK)) {
		w->mismatches++;
		return;
	}
	w->reads++;
	w->bytes_r += (uint64_t)n * BLK;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t g = gen[b + i];

		if (g && check_block(buf + (size_t)i * BLK, b + i, g, tmp)) {
			if (w->mismatches < 5)
				fprintf(stderr, "blkcheck: MISMATCH at block %" PRIu64 " (generation %u)\n",
					b + i, g);
			w->mismatches++;
		}
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint8_t *buf = alloc_aligned(CHUNK_BLKS * BLK);
	uint8_t *tmp = alloc_aligned(BLK);
	uint64_t mine = (nchunks - w->id + nthreads - 1) / nthreads;

	for (unsigned long op = 0; op < ops_per_thread && mine; op++) {
		uint64_t r = next(&w->rng);
		uint64_t chunk = (r % mine) * nthreads + w->id;
		unsigned int start = (r >> 20) % CHUNK_BLKS;
		/* Mixed sizes, small ones more often: 1, 2, 4 ... 64 blocks. */
		unsigned int n = 1u << ((r >> 32) % 7);
		uint64_t b = chunk * CHUNK_BLKS + start;

		if (start + n > CHUNK_BLKS)
			n = CHUNK_BLKS - start;
		if (b + n > nblocks)
			continue;
		if ((r >> 40) % 10 < 6) {
			for (unsigned int i = 0; i < n; i++)
				fill_block(buf + (size_t)i * BLK, b + i, gen[b + i] + 1);
			if (xfer(1, buf, (size_t)n * BLK, b * BLK)) {
				w->mismatches++;
				continue;
			}
			for (unsigned int i = 0; i < n; i++)
				gen[b + i]++;
			w->writes++;
			w->bytes_w += (uint64_t)n * BLK;
		} else {
			verify_extent(w, buf, tmp, b, n);
		}
	}
	/* Everything this thread wrote, once more. */
	for (uint64_t c = w->id; c < nchunks; c += nthreads) {
		uint64_t b = c * CHUNK_BLKS;
		unsigned int n = CHUNK_BLKS, any = 0;

		if (b + n > nblocks)
			n = (unsigned int)(nblocks - b);
		for (unsigned int i = 0; i < n; i++)
			any |= gen[b + i];
		if (any)
			verify_extent(w, buf, tmp, b, n);
	}
	free(buf);
	free(tmp);
	return NULL;
}

static uint64_t dev_size(void)
{
	struct stat st;
	uint64_t sz = 0;

	if (fstat(fd, &st))
		return 0;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &sz))
			return 0;
		return sz;
	}
	return (uint64_t)st.st_size;
}

/* O_DIRECT where the file allows it (not tmpfs before 6.6). */
static int open_dev(const char *path)
{
	int f = open(path, O_RDWR | O_DIRECT);

	if (f < 0 && errno == EINVAL)
		f = open(path, O_RDWR);
	if (f < 0) {
		fprintf(stderr, "blkcheck: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return f;
}

static int verify(char **argv)
{
	struct worker *ws;
	unsigned long mism = 0, writes = 0, reads = 0;
	uint64_t bw = 0, br = 0;

	fd = open_dev(argv[0]);
	ops_per_thread = strtoul(argv[1], NULL, 0);
	nthreads = (unsigned int)strtoul(argv[2], NULL, 0);
	seed = strtoull(argv[3], NULL, 0);
	nblocks = dev_size() / BLK;
	nchunks = (nblocks + CHUNK_BLKS - 1) / CHUNK_BLKS;
	if (!nblocks || !nthreads || nthreads > 64) {
		fprintf(stderr, "blkcheck: need a disk of 4 KiB or more and 1 to 64 threads\n");
		return 2;
	}
	gen = calloc(nblocks, sizeof(*gen));
	ws = calloc(nthreads, sizeof(*ws));
	if (!gen || !ws) {
		fprintf(stderr, "blkcheck: out of memory\n");
		return 2;
	}
	ops_per_thread /= nthreads;
	for (unsigned int t = 0; t < nthreads; t++) {
		ws[t].id = t;
		ws[t].rng = seed ^ (0x1234567ull * (t + 1));
		if (pthread_create(&ws[t].tid, NULL, work, &ws[t])) {
			fprintf(stderr, "blkcheck: pthread_create failed\n");
			return 2;
		}
	}
	for (unsigned int t = 0; t < nthreads; t++) {
		pthread_join(ws[t].tid, NULL);
		mism += ws[t].mismatches;
		writes += ws[t].writes;
		reads += ws[t].reads;
		bw += ws[t].bytes_w;
		br += ws[t].bytes_r;
	}
	printf("BLKCHECK: %" PRIu64 " blocks, %u threads, seed %" PRIu64 ": %lu writes (%" PRIu64
	       " MiB), %lu reads (%" PRIu64 " MiB), %lu mismatches\n",
	       nblocks, nthreads, seed, writes, bw >> 20, reads, br >> 20, mism);
	return mism ? 1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(char **argv)
{
	uint64_t mb = strtoull(argv[1], NULL, 0), span = mb << 20;
	uint8_t *buf = alloc_aligned(1u << 20);
	uint64_t s = 42;
	double t0, t;
	unsigned long n;

	fd = open_dev(argv[0]);
	if (!mb || dev_size() < span) {
		fprintf(stderr, "blkcheck: %s is smaller than %" PRIu64 " MiB\n", argv[0], mb);
		return 2;
	}
	for (unsigned int i = 0; i < (1u << 20); i++)
		buf[i] = (uint8_t)next(&s);
	t0 = now();
	for (uint64_t off = 0; off < span; off += 1u << 20)
		if (xfer(1, buf, 1u << 20, off))
			return 1;
	if (fdatasync(fd))
		return 1;
	t = now() - t0;
	printf("BENCH: sequential write %.1f MB/s\n", (double)span / 1e6 / t);
	t0 = now();
	for (uint64_t off = 0; off < span; off += 1u << 20)
		if (xfer(0, buf, 1u << 20, off))
			return 1;
	t = now() - t0;
	printf("BENCH: sequential read %.1f MB/s\n", (double)span / 1e6 / t);
	for (int wr = 1; wr >= 0; wr--) {
		t0 = now();
		for (n = 0; (n & 63) || now() - t0 < 5; n++)
			if (xfer(wr, buf, BLK, (next(&s) % (span / BLK)) * BLK))
				return 1;
		t = now() - t0;
		printf("BENCH: 4k random %s %.0f IOPS\n", wr ? "write" : "read", n / t);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "verify"))
		return verify(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "bench"))
		return bench(argv + 2);
	fprintf(stderr, "usage: blkcheck verify DEV OPS THREADS SEED\n"
		"       blkcheck bench FILE MB\n");
	return 2;
}
