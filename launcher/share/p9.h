/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 575: A host directory, shared
 *
 * The file server behind --share (virtio/9p.c carries its messages): the
 * 9P2000.L protocol, which Linux's v9fs speaks, answered from one host
 * directory.  Every message is the guest's and hostile: sizes, strings,
 * fids and offsets are checked before use, and a bad one gets an error
 * reply (Rlerror), never a crash.  Paths never leave the directory: each
 * lookup is the kernel's (openat2 with RESOLVE_BENEATH and no symlinks
 * followed at all; the guest follows its own), names are single
 * components, and ".." stops at the top.  Files are created as the
 * launcher's user; a read-only share answers EROFS to every change.
 */
#ifndef LGUEST_P9_H
#define LGUEST_P9_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define P9_MSIZE_MAX	(128u << 10)	/* the largest message, either way */
#define P9_FIDS_MAX	1024		/* files the guest may hold at once */
#define P9_HDR		7		/* size[4] type[1] tag[2] */
#define P9_ERR_LEN	11		/* Rlerror: the header and ecode[4] */

struct p9_fid {
	bool used;
	uint32_t num;
	char *path;		/* below the share: "." or "a/b" */
	int fd;			/* opened by Tlopen/Tlcreate, or -1 */
	bool ro_fd;		/* that fd was opened for reading only */
};

struct p9_server {
	int root;		/* the shared directory (O_PATH) */
	bool ro;
	uint32_t msize;		/* agreed in Tversion */
	struct p9_fid fid[P9_FIDS_MAX];
	uint64_t msgs, errors;
	uint8_t dents[P9_MSIZE_MAX];	/* one Treaddir's getdents64 */
};

/* Open dir as a share: 0, or -1 and err naming the fix. */
int p9_open(struct p9_server *s, const char *dir, bool ro, char *err, size_t errlen);

/*
 * Answer one T-message of len bytes into resp (room: at least
 * P9_ERR_LEN): the R-message's length.  The reply is the answer or an
 * Rlerror, and never longer than room or the agreed msize.
 */
uint32_t p9_handle(struct p9_server *s, const uint8_t *req, uint32_t len,
		   uint8_t *resp, uint32_t room);

/* Forget every fid (a new Tversion, or the guest reset the device). */
void p9_reset(struct p9_server *s);
void p9_close(struct p9_server *s);

#endif
