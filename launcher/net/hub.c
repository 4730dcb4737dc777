// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 540: A hub of guests, without root
 *
 * The old lguest's --sharenet let guests talk through a shared file; this
 * is its heir.  Every guest on hub NAME binds a datagram socket in the
 * directory $XDG_RUNTIME_DIR/lguest/hub-NAME (else /tmp/lguest-UID/), only
 * the user's, and sends each frame to every other socket there: one
 * Ethernet segment, like a hub.  A guest that exits removes its socket;
 * one killed leaves it behind, and the first sender to find nobody there
 * removes it.  No daemon: the hub is the directory.
 */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define HUB_PEERS	64

/*
 * How long one frame may wait for room at a peer (its socket queue is
 * short: net.unix.max_dgram_qlen, 10 by default), and how long a peer
 * that made it wait in vain is sent to without waiting.  Waiting a little
 * turns a burst into backpressure instead of drops, which TCP through the
 * hub needs; giving up soon keeps a stopped guest from stalling the rest.
 */
#define HUB_WAIT_US	2000
#define HUB_SLOW_NS	50000000LL

struct hub {
	char dir[80];
	struct sockaddr_un self;
	struct sockaddr_un peer[HUB_PEERS];
	int64_t slow_until[HUB_PEERS];	/* CLOCK_MONOTONIC ns */
	unsigned int npeers;
	int tx;				/* blocking, with the wait above as its timeout */
	struct timespec seen;	/* the directory's mtime at the last scan */
};

/* A directory of the user's own, made if need be: not someone else's. */
static int own_dir(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(path, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", path, strerror(errno));
		return -1;
	}
	if (lstat(path, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077)) {
		snprintf(err, errlen, "%s is not a directory of yours that only you can use: remove it or set XDG_RUNTIME_DIR",
			 path);
		return -1;
	}
	return 0;
}

/* Who else is on the hub: the sockets in its directory but ours. */
static void scan(struct hub *h)
{
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (stat(h->dir, &st))
		return;
	if (st.st_mtim.tv_sec == h->seen.tv_sec && st.st_mtim.tv_nsec == h->seen.tv_nsec)
		return;
	h->seen = st.st_mtim;
	d = opendir(h->dir);
	if (!d)
		return;
	h->npeers = 0;
	while ((e = readdir(d)) && h->npeers < HUB_PEERS) {
		struct sockaddr_un *p = &h->peer[h->npeers];
		char path[sizeof(p->sun_path)];

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", h->dir, e->d_name) >= sizeof(path) ||
		    !strcmp(path, h->self.sun_path))
			continue;
		p->sun_family = AF_UNIX;
		memcpy(p->sun_path, path, sizeof(path));
		h->slow_until[h->npeers] = 0;
		h->npeers++;
	}
	closedir(d);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int hub_send(struct net_backend *b, const struct iovec *iov, int n)
{
	struct hub *h = b->priv;
	int64_t now = 0;

	scan(h);
	for (unsigned int i = 0; i < h->npeers; i++) {
		struct msghdr m = {
			.msg_name = &h->peer[i], .msg_namelen = sizeof(h->peer[i]),
			.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n,
		};
		int flags = 0;

		if (h->slow_until[i]) {
			now = now ? now : now_ns();
			flags = now < h->slow_until[i] ? MSG_DONTWAIT : 0;
		}
		if (sendmsg(h->tx, &m, flags) >= 0)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			/* A busy peer loses the frame, as on a real hub. */
			if (!flags)
				h->slow_until[i] = now_ns() + HUB_SLOW_NS;
			continue;
		}
		if (errno != ECONNREFUSED)
			continue;
		/* Nobody there: a guest that was killed. */
		unlink(h->peer[i].sun_path);
		h->npeers--;
		h->peer[i] = h->peer[h->npeers];
		h->slow_until[i] = h->slow_until[h->npeers];
		i--;
	}
	return 0;
}

static ssize_t hub_recv(struct net_backend *b, void *buf, size_t len)
{
	const uint8_t *dst = buf;
	ssize_t n = recv(b->fd, buf, len, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	/* Everyone gets every frame: keep ours, multicast and broadcast. */
	if (n < 14 || (!(dst[0] & 1) && memcmp(dst, b->mac, 6)))
		return 0;
	return n;
}

static void hub_close(struct net_backend *b)
{
	struct hub *h = b->priv;

	unlink(h->self.sun_path);
	close(h->tx);
}

int hub_open(const struct lg_net_arg *a, struct net_backend *b, char *err, size_t errlen)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	struct hub *h = calloc(1, sizeof(*h));
	char base[80];

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (run && run[0] == '/' && strlen(run) < 40)
		snprintf(base, sizeof(base), "%s/lguest", run);
	else
		snprintf(base, sizeof(base), "/tmp/lguest-%u", (unsigned int)getuid());
	if ((size_t)snprintf(h->dir, sizeof(h->dir), "%s/hub-%s", base, a->what) >= sizeof(h->dir) - 12) {
		snprintf(err, errlen, "hub name '%.64s' is too long", a->what);
		goto fail;
	}
	if (own_dir(base, err, errlen) || own_dir(h->dir, err, errlen))
		goto fail;
	b->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (b->fd < 0) {
		snprintf(err, errlen, "cannot make a socket for hub %s: %s", a->what, strerror(errno));
		goto fail;
	}
	h->self.sun_family = AF_UNIX;
	snprintf(h->self.sun_path, sizeof(h->self.sun_path), "%s/%d", h->dir, (int)getpid());
	/* A socket of a dead launcher with our pid: it is ours now. */
	unlink(h->self.sun_path);
	if (bind(b->fd, (struct sockaddr *)&h->self, sizeof(h->self))) {
		snprintf(err, errlen, "cannot join hub %s (%s): %s", a->what, h->self.sun_path,
			 strerror(errno));
		close(b->fd);
		goto fail;
	}
	h->tx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (h->tx < 0 || setsockopt(h->tx, SOL_SOCKET, SO_SNDTIMEO,
				    &(struct timeval){ 0, HUB_WAIT_US }, sizeof(struct timeval))) {
		snprintf(err, errlen, "cannot make a socket for hub %s: %s", a->what, strerror(errno));
		close(b->fd);
		if (h->tx >= 0)
			close(h->tx);
		goto fail;
	}
	b->priv = h;
	b->send = hub_send;
	b->recv = hub_recv;
	b->close = hub_close;
	snprintf(b->desc, sizeof(b->desc), "hub %s (%s)", a->what, h->dir);
	return 0;
fail:
	free(h);
	return -1;
}
