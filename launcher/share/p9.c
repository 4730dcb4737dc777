// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server (p9.h tells what it promises).  A message is
 * size[4] type[1] tag[2] and its fields, little-endian; strings are
 * len[2] and bytes.  Each handler reads its fields through struct rd
 * (which stops at the end of the message), writes its answer through
 * struct wr (which stops at the room the guest gave) and returns 0 or
 * the errno of the Rlerror to send instead.
 */
#include "p9.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

enum {
	Tlerror = 6, Rlerror, Tstatfs = 8, Tlopen = 12, Tlcreate = 14,
	Tsymlink = 16, Tmknod = 18, Trename = 20, Treadlink = 22,
	Tgetattr = 24, Tsetattr = 26, Txattrwalk = 30, Txattrcreate = 32,
	Treaddir = 40, Tfsync = 50, Tlock = 52, Tgetlock = 54, Tlink = 70,
	Tmkdir = 72, Trenameat = 74, Tunlinkat = 76, Tversion = 100,
	Tauth = 102, Tattach = 104, Tflush = 108, Twalk = 110, Tread = 116,
	Twrite = 118, Tclunk = 120, Tremove = 122,
};

#define P9_NOFID	0xffffffffu
#define P9_MAXWELEM	16
#define P9_QTDIR	0x80
#define P9_QTSYMLINK	0x02
#define P9_STATS_BASIC	0x7ffull
#define P9_IOHDR	24		/* what a Tread/Twrite's data sits behind */

/* Tsetattr's valid bits. */
#define SA_MODE		0x001
#define SA_UID		0x002
#define SA_GID		0x004
#define SA_SIZE		0x008
#define SA_ATIME	0x010
#define SA_MTIME	0x020
#define SA_ATIME_SET	0x080
#define SA_MTIME_SET	0x100

struct rd {
	const uint8_t *p;
	uint32_t left;
	bool bad;
};

struct wr {
	uint8_t *p;
	uint32_t at, room;
	bool full;
};

static uint64_t rd_n(struct rd *r, unsigned int n)
{
	uint64_t v = 0;

	if (r->bad || r->left < n) {
		r->bad = true;
		return 0;
	}
	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	r->left -= n;
	return v;
}

/* Fields we take no notice of. */
static void rd_skip(struct rd *r, unsigned int n)
{
	rd_n(r, n);
}

#define rd8(r)	((uint8_t)rd_n(r, 1))
#define rd16(r)	((uint16_t)rd_n(r, 2))
#define rd32(r)	((uint32_t)rd_n(r, 4))
#define rd64(r)	rd_n(r, 8)

/*
 * A string into buf (NUL-terminated, at most max - 1 bytes): false for one
 * that is cut off, too long or holds a NUL (no name or path has one).
 */
static bool rd_str(struct rd *r, char *buf, size_t max)
{
	uint16_t len = rd16(r);

	if (r->bad || len > r->left || len >= max || memchr(r->p, 0, len)) {
		r->bad = true;
		return false;
	}
	memcpy(buf, r->p, len);
	buf[len] = '\0';
	r->p += len;
	r->left -= len;
	return true;
}

static void wr_n(struct wr *w, uint64_t v, unsigned int n)
{
	if (w->full || w->room - w->at < n) {
		w->full = true;
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		w->p[w->at++] = (uint8_t)(v >> (8 * i));
}

#define wr8(w, v)	wr_n(w, v, 1)
#define wr16(w, v)	wr_n(w, v, 2)
#define wr32(w, v)	wr_n(w, v, 4)
#define wr64(w, v)	wr_n(w, v, 8)

/* A little-endian u32 at p, for counts known only once their data is written. */
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void wr_bytes(struct wr *w, const void *b, size_t len)
{
	if (w->full || w->room - w->at < len) {
		w->full = true;
		return;
	}
	memcpy(w->p + w->at, b, len);
	w->at += (uint32_t)len;
}

static void wr_str(struct wr *w, const char *s)
{
	size_t len = strlen(s);

	wr16(w, len);
	wr_bytes(w, s, len);
}

/* A qid: what the guest's inodes are told apart by. */
static void wr_qid(struct wr *w, const struct stat *st)
{
	wr8(w, S_ISDIR(st->st_mode) ? P9_QTDIR : S_ISLNK(st->st_mode) ? P9_QTSYMLINK : 0);
	wr32(w, 0);
	wr64(w, (uint64_t)st->st_ino ^ (uint64_t)st->st_dev << 48);
}

/*
 * Tour 577: Lookups the kernel keeps inside
 *
 * Every path below the share is opened from its root with openat2():
 * RESOLVE_BENEATH refuses ".." out of it and absolute names,
 * RESOLVE_NO_SYMLINKS refuses every symlink on the way (a trailing one is
 * opened as itself with O_PATH | O_NOFOLLOW), magic links included.  The
 * guest resolves its symlinks itself, as v9fs does, by reading them.
 */
static int p9_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	do {
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	} while (fd < 0 && errno == EINTR);
	return fd;
}

/* A single name in a directory: not empty, ".", ".." or with a '/'. */
static bool p9_name_ok(const char *name)
{
	return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

static struct p9_fid *fid_get(struct p9_server *s, uint32_t num)
{
	for (unsigned int i = 0; i < P9_FIDS_MAX; i++)
		if (s->fid[i].used && s->fid[i].num == num)
			return &s->fid[i];
	return NULL;
}

/* A new fid num at path (taken over): NULL and *e if there is none. */
static struct p9_fid *fid_new(struct p9_server *s, uint32_t num, char *path, int *e)
{
	if (num == P9_NOFID || fid_get(s, num)) {
		*e = EBADF;
		free(path);
		return NULL;
	}
	for (unsigned int i = 0; i < P9_FIDS_MAX; i++) {
		struct p9_fid *f = &s->fid[i];

		if (!f->used) {
			*f = (struct p9_fid){ .used = true, .num = num, .path = path, .fd = -1 };
			return f;
		}
	}
	*e = ENFILE;
	free(path);
	return NULL;
}

static void fid_put(struct p9_fid *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	*f = (struct p9_fid){ .fd = -1 };
}

/* dir/name as a new path, or NULL (ENAMETOOLONG, ENOMEM) in *e. */
static char *path_join(const char *dir, const char *name, int *e)
{
	size_t len = strcmp(dir, ".") ? strlen(dir) + 1 + strlen(name) : strlen(name);
	char *p;

	if (len >= PATH_MAX) {
		*e = ENAMETOOLONG;
		return NULL;
	}
	p = malloc(len + 1);
	if (!p) {
		*e = ENOMEM;
		return NULL;
	}
	if (strcmp(dir, "."))
		snprintf(p, len + 1, "%s/%s", dir, name);
	else
		memcpy(p, name, len + 1);
	return p;
}

/* The directory holding path, opened (O_PATH), with its last name in *base. */
static int p9_parent(struct p9_server *s, const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	if (!strcmp(path, ".")) {
		errno = EBUSY;		/* the share itself has no name to change */
		return -1;
	}
	*base = slash ? slash + 1 : path;
	if (!slash)
		return p9_openat(s->root, ".", O_PATH | O_DIRECTORY, 0);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return p9_openat(s->root, dir, O_PATH | O_DIRECTORY, 0);
}

static int p9_stat(struct p9_server *s, const char *path, struct stat *st)
{
	int fd = p9_openat(s->root, path, O_PATH, 0), e = 0;

	if (fd < 0)
		return errno;
	if (fstat(fd, st))
		e = errno;
	close(fd);
	return e;
}

/* A directory fid's own directory, opened (O_PATH). */
static int p9_dir(struct p9_server *s, const struct p9_fid *f)
{
	return p9_openat(s->root, f->path, O_PATH | O_DIRECTORY, 0);
}

/* After a rename, fids at or below old are at new. */
static void fix_paths(struct p9_server *s, const char *old, const char *new)
{
	size_t ol = strlen(old);

	for (unsigned int i = 0; i < P9_FIDS_MAX; i++) {
		struct p9_fid *f = &s->fid[i];
		char *p;
		int e;

		if (!f->used || strncmp(f->path, old, ol) || (f->path[ol] && f->path[ol] != '/'))
			continue;
		p = f->path[ol] ? path_join(new, f->path + ol + 1, &e) : strdup(new);
		if (p) {
			free(f->path);
			f->path = p;
		}
	}
}

static int h_version(struct p9_server *s, struct rd *r, struct wr *w)
{
	uint32_t msize = rd32(r);
	char version[32];

	if (!rd_str(r, version, sizeof(version)))
		return EINVAL;
	p9_reset(s);
	if (msize > P9_MSIZE_MAX)
		msize = P9_MSIZE_MAX;
	if (msize < 4096)
		return EINVAL;
	s->msize = msize;
	wr32(w, msize);
	wr_str(w, strcmp(version, "9P2000.L") ? "unknown" : "9P2000.L");
	return 0;
}

static int h_attach(struct p9_server *s, struct rd *r, struct wr *w)
{
	uint32_t num = rd32(r);
	char name[256], *path;
	struct stat st;
	int e;

	rd_skip(r, 4);			/* afid: there is no authentication */
	if (!rd_str(r, name, sizeof(name)) || !rd_str(r, name, sizeof(name)))
		return EINVAL;
	e = p9_stat(s, ".", &st);
	if (e)
		return e;
	path = strdup(".");
	if (!path)
		return ENOMEM;
	if (!fid_new(s, num, path, &e))
		return e;
	wr_qid(w, &st);
	return 0;
}

static int h_walk(struct p9_server *s, struct rd *r, struct wr *w)
{
	uint32_t num = rd32(r), newnum = rd32(r);
	uint16_t n = rd16(r), done = 0;
	struct p9_fid *f = fid_get(s, num);
	uint32_t count_at;
	char *path;
	int e = 0;

	if (r->bad || n > P9_MAXWELEM)
		return EINVAL;
	if (!f)
		return EBADF;
	if (newnum != num && fid_get(s, newnum))
		return EBADF;
	path = strdup(f->path);
	if (!path)
		return ENOMEM;
	count_at = w->at;
	wr16(w, 0);
	for (; done < n; done++) {
		char name[NAME_MAX + 1], *next;
		struct stat st;

		if (!rd_str(r, name, sizeof(name))) {
			e = EINVAL;
			break;
		}
		if (!strcmp(name, "..")) {
			/* Up, but never above the share. */
			char *slash = strrchr(path, '/');

			next = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
			if (!next) {
				e = ENOMEM;
				break;
			}
		} else if (!p9_name_ok(name)) {
			e = ENOENT;
			break;
		} else if (!(next = path_join(path, name, &e))) {
			break;
		}
		e = p9_stat(s, next, &st);
		if (e) {
			free(next);
			break;
		}
		free(path);
		path = next;
		wr_qid(w, &st);
	}
	/* The room for nwqid was there: an Rlerror is longer. */
	w->p[count_at] = (uint8_t)done;
	w->p[count_at + 1] = (uint8_t)(done >> 8);
	if (done < n) {
		free(path);
		/* A walk that fails at its first name is an error; later, it ends short. */
		return done ? 0 : e;
	}
	if (newnum == num) {
		free(f->path);
		f->path = path;
		return 0;
	}
	return fid_new(s, newnum, path, &e) ? 0 : e;
}

/* What the guest may ask open(2) for; the rest is ours to choose. */
static int open_flags(uint32_t l)
{
	return (int)(l & (O_ACCMODE | O_TRUNC | O_APPEND | O_EXCL));
}

static int h_lopen(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	int flags = open_flags(rd32(r)), fd;
	struct stat st;
	int e;

	flags &= ~O_EXCL;
	if (r->bad)
		return EINVAL;
	if (!f || f->fd >= 0)
		return EBADF;
	e = p9_stat(s, f->path, &st);
	if (e)
		return e;
	if ((flags & O_ACCMODE) > O_RDWR)
		return EINVAL;
	if (s->ro && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)))
		return EROFS;
	/* Regular files and directories only: a FIFO or a device would block us or worse. */
	if (S_ISDIR(st.st_mode)) {
		if ((flags & O_ACCMODE) != O_RDONLY)
			return EISDIR;
		flags = O_RDONLY | O_DIRECTORY;
	} else if (!S_ISREG(st.st_mode)) {
		return S_ISLNK(st.st_mode) ? ELOOP : EOPNOTSUPP;
	}
	fd = p9_openat(s->root, f->path, flags | O_NONBLOCK | O_LARGEFILE, 0);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		close(fd);
		return EOPNOTSUPP;
	}
	f->fd = fd;
	f->ro_fd = (flags & O_ACCMODE) == O_RDONLY;
	wr_qid(w, &st);
	wr32(w, s->msize - P9_IOHDR);
	return 0;
}

static int h_lcreate(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	char name[NAME_MAX + 1], *path;
	int flags, dfd, fd, e = 0;
	uint32_t mode;
	struct stat st;

	if (!rd_str(r, name, sizeof(name)))
		return EINVAL;
	flags = open_flags(rd32(r));
	mode = rd32(r);
	rd_skip(r, 4);			/* gid: files are the launcher user's */
	if (r->bad || (flags & O_ACCMODE) > O_RDWR)
		return EINVAL;
	if (!f || f->fd >= 0)
		return EBADF;
	if (!p9_name_ok(name))
		return EINVAL;
	if (s->ro)
		return EROFS;
	path = path_join(f->path, name, &e);
	if (!path)
		return e;
	dfd = p9_dir(s, f);
	if (dfd < 0) {
		e = errno;
		free(path);
		return e;
	}
	fd = p9_openat(dfd, name, flags | O_CREAT | O_LARGEFILE, mode & 07777);
	e = fd < 0 ? errno : 0;
	close(dfd);
	if (!e && (fstat(fd, &st) || !S_ISREG(st.st_mode)))
		e = EOPNOTSUPP;
	if (e) {
		if (fd >= 0)
			close(fd);
		free(path);
		return e;
	}
	free(f->path);
	f->path = path;
	f->fd = fd;
	f->ro_fd = (flags & O_ACCMODE) == O_RDONLY;
	wr_qid(w, &st);
	wr32(w, s->msize - P9_IOHDR);
	return 0;
}

/* The qid of name in dirfd, for a reply; closes dirfd. */
static int reply_qid_at(struct wr *w, int dfd, const char *name)
{
	struct stat st;
	int e = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) ? errno : 0;

	close(dfd);
	if (!e)
		wr_qid(w, &st);
	return e;
}

/*
 * After name was made in dfd (rc: the making call's result): its qid, or
 * the errno of a failure.  Closes dfd either way.
 */
static int reply_made(struct wr *w, int dfd, const char *name, int rc)
{
	if (rc) {
		int e = errno;

		close(dfd);
		return e;
	}
	return reply_qid_at(w, dfd, name);
}

static int h_symlink(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	char name[NAME_MAX + 1], target[PATH_MAX];
	int dfd;

	if (!rd_str(r, name, sizeof(name)) || !rd_str(r, target, sizeof(target)))
		return EINVAL;
	rd_skip(r, 4);
	if (r->bad || !target[0] || !p9_name_ok(name))
		return EINVAL;
	if (!f)
		return EBADF;
	if (s->ro)
		return EROFS;
	dfd = p9_dir(s, f);
	if (dfd < 0)
		return errno;
	/* Any target: we never follow it; the guest does, in its own tree. */
	return reply_made(w, dfd, name, symlinkat(target, dfd, name));
}

static int h_mknod(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	char name[NAME_MAX + 1];
	uint32_t mode;
	int dfd;

	if (!rd_str(r, name, sizeof(name)))
		return EINVAL;
	mode = rd32(r);
	rd_skip(r, 4);			/* major, minor: no device nodes */
	rd_skip(r, 4);
	rd_skip(r, 4);
	if (r->bad || !p9_name_ok(name))
		return EINVAL;
	if (!f)
		return EBADF;
	if (s->ro)
		return EROFS;
	if (!S_ISFIFO(mode) && !S_ISSOCK(mode) && !S_ISREG(mode))
		return EPERM;
	dfd = p9_dir(s, f);
	if (dfd < 0)
		return errno;
	return reply_made(w, dfd, name, mknodat(dfd, name, mode & (S_IFMT | 07777), 0));
}

/* Rename the entry old (dir odfd, name oname) to name nname in fid nd. */
static int do_rename(struct p9_server *s, int odfd, const char *opath, const char *oname,
		     const struct p9_fid *nd, const char *nname)
{
	char *npath;
	int ndfd, e = 0;

	if (!p9_name_ok(oname) || !p9_name_ok(nname))
		return EINVAL;
	if (s->ro)
		return EROFS;
	npath = path_join(nd->path, nname, &e);
	if (!npath)
		return e;
	ndfd = p9_dir(s, nd);
	if (ndfd < 0 || renameat(odfd, oname, ndfd, nname))
		e = errno;
	if (ndfd >= 0)
		close(ndfd);
	if (!e)
		fix_paths(s, opath, npath);
	free(npath);
	return e;
}

static int h_rename(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r)), *nd = fid_get(s, rd32(r));
	char name[NAME_MAX + 1], *opath;
	const char *base;
	int odfd, e;

	(void)w;
	if (!rd_str(r, name, sizeof(name)))
		return EINVAL;
	if (!f || !nd)
		return EBADF;
	if (s->ro)
		return EROFS;
	odfd = p9_parent(s, f->path, &base);
	if (odfd < 0)
		return errno;
	opath = strdup(f->path);
	e = opath ? do_rename(s, odfd, opath, base, nd, name) : ENOMEM;
	free(opath);
	close(odfd);
	return e;
}

static int h_renameat(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *od = fid_get(s, rd32(r)), *nd;
	char oname[NAME_MAX + 1], nname[NAME_MAX + 1], *opath;
	int odfd, e = 0;

	(void)w;
	if (!rd_str(r, oname, sizeof(oname)))
		return EINVAL;
	nd = fid_get(s, rd32(r));
	if (!rd_str(r, nname, sizeof(nname)))
		return EINVAL;
	if (!od || !nd)
		return EBADF;
	if (!p9_name_ok(oname))
		return EINVAL;
	if (s->ro)
		return EROFS;
	opath = path_join(od->path, oname, &e);
	if (!opath)
		return e;
	odfd = p9_dir(s, od);
	e = odfd < 0 ? errno : do_rename(s, odfd, opath, oname, nd, nname);
	if (odfd >= 0)
		close(odfd);
	free(opath);
	return e;
}

static int h_readlink(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	char target[PATH_MAX];
	ssize_t n;
	int fd;

	if (r->bad)
		return EINVAL;
	if (!f)
		return EBADF;
	fd = p9_openat(s->root, f->path, O_PATH, 0);
	if (fd < 0)
		return errno;
	n = readlinkat(fd, "", target, sizeof(target) - 1);
	close(fd);
	if (n < 0)
		return errno;
	target[n] = '\0';
	wr_str(w, target);
	return 0;
}

static int h_getattr(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	struct stat st;
	int e;

	rd_skip(r, 8);			/* request_mask: we always have the basics */
	if (r->bad)
		return EINVAL;
	if (!f)
		return EBADF;
	e = f->fd >= 0 ? (fstat(f->fd, &st) ? errno : 0) : p9_stat(s, f->path, &st);
	if (e)
		return e;
	wr64(w, P9_STATS_BASIC);
	wr_qid(w, &st);
	wr32(w, st.st_mode);
	wr32(w, st.st_uid);
	wr32(w, st.st_gid);
	wr64(w, st.st_nlink);
	wr64(w, st.st_rdev);
	wr64(w, (uint64_t)st.st_size);
	wr64(w, (uint64_t)st.st_blksize);
	wr64(w, (uint64_t)st.st_blocks);
	wr64(w, (uint64_t)st.st_atim.tv_sec);
	wr64(w, (uint64_t)st.st_atim.tv_nsec);
	wr64(w, (uint64_t)st.st_mtim.tv_sec);
	wr64(w, (uint64_t)st.st_mtim.tv_nsec);
	wr64(w, (uint64_t)st.st_ctim.tv_sec);
	wr64(w, (uint64_t)st.st_ctim.tv_nsec);
	for (int i = 0; i < 4; i++)	/* btime, gen, data_version: none */
		wr64(w, 0);
	return 0;
}

static int h_setattr(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	uint32_t valid = rd32(r), mode = rd32(r);
	struct timespec ts[2];
	const char *base;
	struct stat st;
	uint64_t size;
	int dfd, e = 0;

	(void)w;
	rd_skip(r, 4);			/* uid, gid: files stay the launcher user's */
	rd_skip(r, 4);
	size = rd64(r);
	ts[0].tv_sec = (time_t)rd64(r);
	ts[0].tv_nsec = (long)rd64(r);
	ts[1].tv_sec = (time_t)rd64(r);
	ts[1].tv_nsec = (long)rd64(r);
	if (r->bad)
		return EINVAL;
	if (!f)
		return EBADF;
	valid &= SA_MODE | SA_SIZE | SA_ATIME | SA_MTIME | SA_ATIME_SET | SA_MTIME_SET;
	if (!valid)
		return 0;
	if (s->ro)
		return EROFS;
	/* The share's own directory has no parent we may see: itself, as ".". */
	if (strcmp(f->path, ".")) {
		dfd = p9_parent(s, f->path, &base);
	} else {
		dfd = p9_openat(s->root, ".", O_PATH | O_DIRECTORY, 0);
		base = ".";
	}
	if (dfd < 0)
		return errno;
	/* Checked not to be a symlink first: fchmodat() would follow one. */
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW)) {
		e = errno;
	} else if ((valid & SA_MODE) && !S_ISLNK(st.st_mode) &&
		   fchmodat(dfd, base, mode & 07777, 0)) {
		e = errno;
	} else if ((valid & SA_SIZE) && !S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	} else if (valid & SA_SIZE) {
		int fd = f->fd >= 0 && !f->ro_fd ? dup(f->fd) :
			 p9_openat(s->root, f->path, O_WRONLY | O_NONBLOCK | O_LARGEFILE, 0);

		if (fd < 0 || ftruncate(fd, (off_t)size))
			e = errno;
		if (fd >= 0)
			close(fd);
	}
	if (!e && (valid & (SA_ATIME | SA_MTIME))) {
		if (!(valid & SA_ATIME))
			ts[0].tv_nsec = UTIME_OMIT;
		else if (!(valid & SA_ATIME_SET))
			ts[0].tv_nsec = UTIME_NOW;
		if (!(valid & SA_MTIME))
			ts[1].tv_nsec = UTIME_OMIT;
		else if (!(valid & SA_MTIME_SET))
			ts[1].tv_nsec = UTIME_NOW;
		if (utimensat(dfd, base, ts, AT_SYMLINK_NOFOLLOW))
			e = errno;
	}
	close(dfd);
	return e;
}

static int h_readdir(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	uint64_t offset = rd64(r);
	uint32_t count = rd32(r), count_at, start;
	struct stat dst;
	ssize_t n;

	if (r->bad)
		return EINVAL;
	if (!f || f->fd < 0)
		return EBADF;
	if (fstat(f->fd, &dst))
		return errno;
	if (!S_ISDIR(dst.st_mode))
		return ENOTDIR;
	if (count > s->msize - 11)
		count = s->msize - 11;
	if (count > w->room - w->at - 4)
		count = w->room - w->at - 4;
	/* The offsets are the host's own directory cookies, as getdents gave them. */
	if (lseek(f->fd, (off_t)offset, SEEK_SET) < 0)
		return errno;
	n = getdents64(f->fd, s->dents, count < sizeof(s->dents) ? count : sizeof(s->dents));
	if (n < 0)
		return errno;
	count_at = w->at;
	wr32(w, 0);
	start = w->at;
	for (ssize_t at = 0; at < n;) {
		struct dirent64 *d = (struct dirent64 *)(s->dents + at);
		size_t len = strlen(d->d_name);
		uint8_t qt = d->d_type == DT_DIR ? P9_QTDIR : d->d_type == DT_LNK ? P9_QTSYMLINK : 0;

		if (w->at - start + 24 + len > count)
			break;
		wr8(w, qt);
		wr32(w, 0);
		wr64(w, (uint64_t)d->d_ino ^ (uint64_t)dst.st_dev << 48);
		wr64(w, (uint64_t)d->d_off);
		wr8(w, d->d_type);
		wr_str(w, d->d_name);
		at += d->d_reclen;
	}
	if (!w->full)
		put32(w->p + count_at, w->at - start);
	return 0;
}

static int h_fsync(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	uint32_t datasync = rd32(r);

	(void)w;
	if (r->bad)
		return EINVAL;
	if (!f || f->fd < 0)
		return EBADF;
	return (datasync ? fdatasync(f->fd) : fsync(f->fd)) ? errno : 0;
}

/* One guest, one client: every lock it asks for is free. */
static int h_lock(struct p9_server *s, struct rd *r, struct wr *w)
{
	if (!fid_get(s, rd32(r)))
		return EBADF;
	wr8(w, 0);			/* P9_LOCK_SUCCESS */
	return 0;
}

static int h_getlock(struct p9_server *s, struct rd *r, struct wr *w)
{
	char client[256];
	uint64_t start, length;
	uint32_t pid;

	if (!fid_get(s, rd32(r)))
		return EBADF;
	rd_skip(r, 1);
	start = rd64(r);
	length = rd64(r);
	pid = rd32(r);
	if (!rd_str(r, client, sizeof(client)))
		return EINVAL;
	wr8(w, 2);			/* F_UNLCK: nobody holds it */
	wr64(w, start);
	wr64(w, length);
	wr32(w, pid);
	wr_str(w, client);
	return 0;
}

static int h_link(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *d = fid_get(s, rd32(r)), *f = fid_get(s, rd32(r));
	char name[NAME_MAX + 1];
	const char *base;
	int dfd, ofd, e = 0;

	(void)w;
	if (!rd_str(r, name, sizeof(name)) || !p9_name_ok(name))
		return EINVAL;
	if (!d || !f)
		return EBADF;
	if (s->ro)
		return EROFS;
	ofd = p9_parent(s, f->path, &base);
	if (ofd < 0)
		return errno;
	dfd = p9_dir(s, d);
	if (dfd < 0 || linkat(ofd, base, dfd, name, 0))
		e = errno;
	if (dfd >= 0)
		close(dfd);
	close(ofd);
	return e;
}

static int h_mkdir(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	char name[NAME_MAX + 1];
	uint32_t mode;
	int dfd;

	if (!rd_str(r, name, sizeof(name)))
		return EINVAL;
	mode = rd32(r);
	rd_skip(r, 4);
	if (r->bad || !p9_name_ok(name))
		return EINVAL;
	if (!f)
		return EBADF;
	if (s->ro)
		return EROFS;
	dfd = p9_dir(s, f);
	if (dfd < 0)
		return errno;
	return reply_made(w, dfd, name, mkdirat(dfd, name, mode & 07777));
}

static int h_unlinkat(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	char name[NAME_MAX + 1];
	uint32_t flags;
	int dfd, e = 0;

	(void)w;
	if (!rd_str(r, name, sizeof(name)))
		return EINVAL;
	flags = rd32(r);
	if (r->bad || !p9_name_ok(name) || (flags & ~(uint32_t)AT_REMOVEDIR))
		return EINVAL;
	if (!f)
		return EBADF;
	if (s->ro)
		return EROFS;
	dfd = p9_dir(s, f);
	if (dfd < 0 || unlinkat(dfd, name, (int)flags))
		e = errno;
	if (dfd >= 0)
		close(dfd);
	return e;
}

static int h_statfs(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct statfs sf;

	if (!fid_get(s, rd32(r)))
		return EBADF;
	if (fstatfs(s->root, &sf))
		return errno;
	wr32(w, (uint32_t)sf.f_type);
	wr32(w, (uint32_t)sf.f_bsize);
	wr64(w, sf.f_blocks);
	wr64(w, sf.f_bfree);
	wr64(w, sf.f_bavail);
	wr64(w, sf.f_files);
	wr64(w, sf.f_ffree);
	wr64(w, (uint64_t)(uint32_t)sf.f_fsid.__val[0] |
		(uint64_t)(uint32_t)sf.f_fsid.__val[1] << 32);
	wr32(w, (uint32_t)sf.f_namelen);
	return 0;
}

static int h_read(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	uint64_t offset = rd64(r);
	uint32_t count = rd32(r);
	ssize_t n;

	if (r->bad || offset > INT64_MAX)
		return EINVAL;
	if (!f || f->fd < 0)
		return EBADF;
	if (count > w->room - w->at - 4)
		count = w->room - w->at - 4;
	do {
		n = pread(f->fd, w->p + w->at + 4, count, (off_t)offset);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	wr32(w, (uint32_t)n);
	w->at += (uint32_t)n;
	return 0;
}

static int h_write(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	uint64_t offset = rd64(r);
	uint32_t count = rd32(r);
	ssize_t n;

	if (r->bad || count > r->left || offset > INT64_MAX)
		return EINVAL;
	if (!f || f->fd < 0 || f->ro_fd)
		return EBADF;
	if (s->ro)
		return EROFS;
	do {
		n = pwrite(f->fd, r->p, count, (off_t)offset);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	wr32(w, (uint32_t)n);
	return 0;
}

static int h_clunk(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));

	(void)w;
	if (!f)
		return EBADF;
	fid_put(f);
	return 0;
}

/* Tremove: unlink, and the fid goes whatever happens. */
static int h_remove(struct p9_server *s, struct rd *r, struct wr *w)
{
	struct p9_fid *f = fid_get(s, rd32(r));
	const char *base;
	struct stat st;
	int dfd, e = 0;

	(void)w;
	if (!f)
		return EBADF;
	if (s->ro) {
		e = EROFS;
	} else if ((dfd = p9_parent(s, f->path, &base)) < 0) {
		e = errno;
	} else {
		if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) ||
		    unlinkat(dfd, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
			e = errno;
		close(dfd);
	}
	fid_put(f);
	return e;
}

static int h_flush(struct p9_server *s, struct rd *r, struct wr *w)
{
	(void)s;
	(void)w;
	rd_skip(r, 2);	/* oldtag: every request is answered before the next is read */
	return r->bad ? EINVAL : 0;
}

/* Extended attributes and authentication: not offered. */
static int h_unsupported(struct p9_server *s, struct rd *r, struct wr *w)
{
	(void)s;
	(void)r;
	(void)w;
	return EOPNOTSUPP;
}

static int (*const handlers[256])(struct p9_server *, struct rd *, struct wr *) = {
	[Tstatfs] = h_statfs, [Tlopen] = h_lopen, [Tlcreate] = h_lcreate,
	[Tsymlink] = h_symlink, [Tmknod] = h_mknod, [Trename] = h_rename,
	[Treadlink] = h_readlink, [Tgetattr] = h_getattr, [Tsetattr] = h_setattr,
	[Txattrwalk] = h_unsupported, [Txattrcreate] = h_unsupported,
	[Treaddir] = h_readdir, [Tfsync] = h_fsync, [Tlock] = h_lock,
	[Tgetlock] = h_getlock, [Tlink] = h_link, [Tmkdir] = h_mkdir,
	[Trenameat] = h_renameat, [Tunlinkat] = h_unlinkat,
	[Tversion] = h_version, [Tauth] = h_unsupported, [Tattach] = h_attach,
	[Tflush] = h_flush, [Twalk] = h_walk, [Tread] = h_read,
	[Twrite] = h_write, [Tclunk] = h_clunk, [Tremove] = h_remove,
};

uint32_t p9_handle(struct p9_server *s, const uint8_t *req, uint32_t len,
		   uint8_t *resp, uint32_t room)
{
	struct rd r = { req, len, false };
	uint32_t size = rd32(&r);
	uint8_t type = rd8(&r);
	uint16_t tag = rd16(&r);
	struct wr w = { resp, P9_HDR, room < s->msize ? room : s->msize, false };
	int e;

	s->msgs++;
	if (r.bad || size != len)
		e = EINVAL;
	else if (!handlers[type])
		e = EOPNOTSUPP;
	else
		e = handlers[type](s, &r, &w);
	/* A handler that read past the message saw garbage, whatever it answered. */
	if (!e && (r.bad || w.full))
		e = r.bad ? EINVAL : EMSGSIZE;
	if (e) {
		s->errors++;
		w = (struct wr){ resp, P9_HDR, room, false };
		wr32(&w, (uint32_t)e);
		type = Tlerror;
	}
	size = w.at;
	w.at = 0;
	wr32(&w, size);
	wr8(&w, type + 1);
	wr16(&w, tag);
	return size;
}

void p9_reset(struct p9_server *s)
{
	for (unsigned int i = 0; i < P9_FIDS_MAX; i++)
		if (s->fid[i].used)
			fid_put(&s->fid[i]);
}

int p9_open(struct p9_server *s, const char *dir, bool ro, char *err, size_t errlen)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC };
	int fd;

	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < P9_FIDS_MAX; i++)
		s->fid[i].fd = -1;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (fd < 0) {
		if (errno == ENOSYS)
			snprintf(err, errlen, "--share=%.256s: this kernel has no openat2(), which keeps the guest inside the directory (Linux 5.6 or later is needed)",
				 dir);
		else
			snprintf(err, errlen, "--share=%.256s: %s (give a directory that exists)",
				 dir, strerror(errno));
		return -1;
	}
	s->root = fd;
	s->ro = ro;
	s->msize = P9_MSIZE_MAX;
	return 0;
}

void p9_close(struct p9_server *s)
{
	p9_reset(s);
	if (s->root > 0)
		close(s->root);
	s->root = -1;
}
