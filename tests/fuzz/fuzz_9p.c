// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the 9P2000.L server behind --share
 * (launcher/share/p9.c), fed a session of T-messages from the input.
 *
 * The share is a small tree in a scratch directory, next to a directory
 * "outside" holding a secret, and the share holds symlinks out: absolute,
 * by "..", and through /proc/self/root.  Input: a mode byte (bit 0: the
 * share is read-only; bit 1: the size fields are the input's own, not
 * fixed up), then messages, each len[2] and that many bytes (type, tag,
 * fields).  Whatever the messages, every reply must be well formed
 * (its size, its tag, a type answering the request or Rlerror, inside the
 * room given), the secret must never appear in a reply, nothing outside
 * the share may change, and a read-only share must not change at all.
 */
#include "fuzz.h"
#include "share/p9.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>

#define SECRET "TOP-SECRET-outside-the-share"

static char top[64], share[96], outside[96];
static struct p9_server srv;
static uint8_t req[P9_MSIZE_MAX], resp[P9_MSIZE_MAX];
static char listing[8192], listing_before[8192];
static size_t listing_len;

static void put(const char *dir, const char *name, const char *text)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fuzz_assert(fd >= 0);
	fuzz_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void link_to(const char *target, const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", share, name);
	fuzz_assert(symlink(target, p) == 0);
}

/* One line per entry below dir: name, type, size and mode. */
static int add_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)flag;
	(void)f;
	if (listing_len < sizeof(listing) - 300)
		listing_len += (size_t)snprintf(listing + listing_len, sizeof(listing) - listing_len,
						"%s %o %lld\n", path, (unsigned int)st->st_mode,
						S_ISREG(st->st_mode) ? (long long)st->st_size : 0LL);
	return 0;
}

static void list(const char *dir)
{
	listing_len = 0;
	listing[0] = '\0';
	fuzz_assert(nftw(dir, add_entry, 16, FTW_PHYS) == 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		return rmdir(path) ? 0 : 0;
	/* A directory the session left without search permission: open it up. */
	if (flag == FTW_DNR)
		return chmod(path, 0700);
	return unlink(path) ? 0 : 0;
}

/* The share as it was: the session before may have changed anything in it. */
static void fresh_share(void)
{
	char p[256];

	/* Each pass opens up one more level of unreadable directories. */
	for (int i = 0; i < 64 && access(share, F_OK) == 0; i++) {
		chmod(share, 0755);
		nftw(share, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	fuzz_assert(mkdir(share, 0755) == 0);
	put(share, "file", "hello from the share\n");
	snprintf(p, sizeof(p), "%s/dir", share);
	fuzz_assert(mkdir(p, 0755) == 0);
	put(p, "inner", "inner file\n");
	link_to("/etc/passwd", "abs");
	link_to("../outside/secret", "up");
	link_to("../outside", "updir");
	link_to("/proc/self/root/etc/hostname", "magic");
	link_to("dir/inner", "inside");
}

static void cleanup(void)
{
	for (int i = 0; i < 64 && access(top, F_OK) == 0; i++) {
		chmod(share, 0755);
		nftw(top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	atexit(cleanup);
	snprintf(top, sizeof(top), "/tmp/fuzz-9p-%d", (int)getpid());
	fuzz_assert(mkdir(top, 0700) == 0);
	snprintf(share, sizeof(share), "%s/share", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	fuzz_assert(mkdir(outside, 0755) == 0);
	put(outside, "secret", SECRET "\n");
	list(outside);
	memcpy(listing_before, listing, listing_len + 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char share_before[8192];
	char err[512];
	size_t at = 1;
	bool ro, raw;

	if (size < 1)
		return 0;
	ro = data[0] & 1;
	raw = data[0] & 2;
	fresh_share();
	list(share);
	memcpy(share_before, listing, listing_len + 1);
	fuzz_assert(p9_open(&srv, share, ro, err, sizeof(err)) == 0);

	while (at + 2 <= size) {
		uint32_t len = (uint32_t)data[at] | (uint32_t)data[at + 1] << 8, n, rsize;
		uint32_t room = P9_ERR_LEN + len % 4096 * 32;
		uint8_t type = 0;
		uint16_t tag = 0;

		at += 2;
		if (len > size - at)
			len = (uint32_t)(size - at);
		if (len + 4 > sizeof(req))
			len = sizeof(req) - 4;
		/* The size field first, unless the input gives its own. */
		if (raw) {
			memcpy(req, data + at, len);
			n = len;
		} else {
			n = len + 4;
			req[0] = (uint8_t)n;
			req[1] = (uint8_t)(n >> 8);
			req[2] = (uint8_t)(n >> 16);
			req[3] = (uint8_t)(n >> 24);
			memcpy(req + 4, data + at, len);
		}
		at += len;
		if (room > sizeof(resp))
			room = sizeof(resp);
		if (n >= 7) {
			type = req[4];
			tag = (uint16_t)(req[5] | req[6] << 8);
		}
		memset(resp, 0xa5, sizeof(resp));
		rsize = p9_handle(&srv, req, n, resp, room);
		fuzz_assert(rsize >= 7 && rsize <= room);
		fuzz_assert((uint32_t)(resp[0] | resp[1] << 8 | resp[2] << 16 |
				       (uint32_t)resp[3] << 24) == rsize);
		fuzz_assert(resp[4] == 7 || (n >= 7 && resp[4] == (uint8_t)(type + 1)));
		if (n >= 7)
			fuzz_assert((uint16_t)(resp[5] | resp[6] << 8) == tag);
		fuzz_assert(resp[4] != 7 || rsize == P9_ERR_LEN);
		fuzz_assert(room == sizeof(resp) || resp[room] == 0xa5);
		fuzz_assert(!memmem(resp, rsize, SECRET, sizeof(SECRET) - 1));
	}
	p9_close(&srv);
	list(outside);
	fuzz_assert(!strcmp(listing, listing_before));
	if (ro) {
		list(share);
		fuzz_assert(!strcmp(listing, share_before));
	}
	return 0;
}
