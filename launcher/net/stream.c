// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 550: Frames on a stream, and the user network's helper
 *
 * QEMU's stream framing (a 32-bit big-endian length, then the frame) over
 * a unix stream socket: stream:PATH connects to one, fd:N uses one we were
 * given, and user starts a user-mode network stack (DHCP, DNS, NAT through
 * the user's own sockets, port forwards) on one end of a socket pair: our
 * lguest-slirp (tour 560), or Debian's passt, which sandboxes itself but
 * whose bookworm i386 build is killed by its own seccomp filter.  What the
 * peer sends is not trusted: a frame longer than any Ethernet frame ends
 * the connection.
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

struct stream {
	pid_t helper;			/* user: the lguest-slirp or passt we started */
	bool slirp;			/* ... and which */
	size_t have;			/* bytes in buf: frames, the last maybe partial */
	uint8_t buf[4 + NET_FRAME_MAX];
};

static int stream_send(struct net_backend *b, const struct iovec *iov, int n)
{
	struct iovec v[NET_IOV_MAX + 1];
	uint32_t len = 0;
	size_t left;
	int cnt = 0;

	if (n > NET_IOV_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	for (int i = 0; i < n; i++)
		len += (uint32_t)iov[i].iov_len;
	len = htonl(len);
	v[cnt++] = (struct iovec){ &len, 4 };
	for (int i = 0; i < n; i++)
		v[cnt++] = iov[i];
	left = 4 + ntohl(len);
	/* The whole frame, or the stream loses its framing. */
	while (left) {
		ssize_t w = writev(b->fd, v, cnt);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		left -= (size_t)w;
		while (cnt && (size_t)w >= v[0].iov_len) {
			w -= (ssize_t)v[0].iov_len;
			memmove(v, v + 1, sizeof(v[0]) * (size_t)--cnt);
		}
		if (cnt) {
			v[0].iov_base = (uint8_t *)v[0].iov_base + w;
			v[0].iov_len -= (size_t)w;
		}
	}
	return 0;
}

static ssize_t stream_recv(struct net_backend *b, void *out, size_t len)
{
	struct stream *s = b->priv;
	uint32_t flen;

	for (;;) {
		if (s->have >= 4) {
			memcpy(&flen, s->buf, 4);
			flen = ntohl(flen);
			if (flen > NET_FRAME_MAX || flen > len) {
				errno = EPROTO;	/* not a frame: a broken or hostile peer */
				return -1;
			}
			if (s->have >= 4 + flen) {
				memcpy(out, s->buf + 4, flen);
				s->have -= 4 + flen;
				memmove(s->buf, s->buf + 4 + flen, s->have);
				return flen;
			}
		}
		ssize_t n = recv(b->fd, s->buf + s->have, sizeof(s->buf) - s->have, MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		s->have += (size_t)n;
	}
}

/*
 * Where lguest-slirp is: $LGUEST_SLIRP, beside the launcher (a build
 * tree, the test rig), or where the package puts it.
 */
#ifndef LGUEST_LIBEXECDIR
#define LGUEST_LIBEXECDIR "/usr/lib/lguest"
#endif
static const char *slirp_path(char *buf, size_t len)
{
	const char *env = getenv("LGUEST_SLIRP");
	ssize_t n;

	if (env && env[0])
		return env;
	n = readlink("/proc/self/exe", buf, len - sizeof("/lguest-slirp"));
	if (n > 0) {
		buf[n] = '\0';
		if (strrchr(buf, '/')) {
			strcpy(strrchr(buf, '/'), "/lguest-slirp");
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return LGUEST_LIBEXECDIR "/lguest-slirp";
}

/*
 * The user network's helper (lguest-slirp or passt) on the other end of a
 * socket pair, with the forwards.  It quits when the socket closes, so it
 * goes when we go, even after kill -9.  Returns 0; or -1 and a reason,
 * with *absent set when the helper is not installed (or, for lguest-slirp,
 * its library is not), so the other one may be tried.
 */
static int start_helper(bool slirp, int sv, const struct lg_forward *fw, unsigned int nfw,
			pid_t *child, bool *absent, char *err, size_t errlen)
{
	char path[256], ports[2][LG_FORWARDS * 12 + 1] = { "", "" };
	char fwd[LG_FORWARDS][24];
	const char *argv[12 + 2 * LG_FORWARDS], *prog;
	bool debug = getenv("LGUEST_NET_DEBUG");
	int st[2], argc = 0, e = 0, status;
	ssize_t got;
	pid_t pid;

	*absent = false;
	if (slirp) {
		prog = slirp_path(path, sizeof(path));
		argv[argc++] = "lguest-slirp";
		argv[argc++] = "--fd";
		argv[argc++] = "3";
		/* It says 'R' on fd 4 once its stack and forwards are up. */
		argv[argc++] = "--ready";
		argv[argc++] = "4";
		for (unsigned int i = 0; i < nfw; i++) {
			snprintf(fwd[i], sizeof(fwd[i]), "%s:%u:%u", fw[i].udp ? "udp" : "tcp",
				 fw[i].host_port, fw[i].guest_port);
			argv[argc++] = "--forward";
			argv[argc++] = fwd[i];
		}
		if (debug)
			argv[argc++] = "--debug";
	} else {
		for (unsigned int i = 0; i < nfw; i++) {
			char *p = ports[fw[i].udp];

			snprintf(p + strlen(p), sizeof(ports[0]) - strlen(p), "%s%u:%u",
				 p[0] ? "," : "", fw[i].host_port, fw[i].guest_port);
		}
		prog = "passt";
		argv[argc++] = "passt";
		argv[argc++] = "--foreground";
		/* LGUEST_NET_DEBUG=1: the helper says what it does, on our stderr. */
		argv[argc++] = debug ? "--debug" : "--quiet";
		argv[argc++] = "--fd";
		argv[argc++] = "3";
		argv[argc++] = "--tcp-ports";
		argv[argc++] = ports[0][0] ? ports[0] : "none";
		argv[argc++] = "--udp-ports";
		argv[argc++] = ports[1][0] ? ports[1] : "none";
	}
	argv[argc] = NULL;
	/* The child says on st[1] why exec failed (an errno); success closes it. */
	if (pipe2(st, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/*
		 * The helper gets its socket as fd 3 and nothing else of ours
		 * (not /dev/lguest, not the disks); our stdin may be a
		 * terminal in raw mode, of no use to it.  lguest-slirp keeps
		 * fd 4 to say it is ready.
		 */
		if (dup2(sv, 3) != 3 || dup2(st[1], 4) != 4)
			_exit(127);
		close_range(5, ~0u, 0);
		fcntl(4, F_SETFD, slirp ? 0 : FD_CLOEXEC);
		close(0);
		if (open("/dev/null", O_RDONLY) != 0)
			_exit(127);
		if (slirp)
			execv(prog, (char **)argv);
		else
			execvp(prog, (char **)argv);
		e = errno;
		if (write(4, &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(st[1]);
	if (pid < 0) {
		e = errno;
		close(st[0]);
		snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(e));
		return -1;
	}
	do
		got = read(st[0], &e, sizeof(e));
	while (got < 0 && errno == EINTR);
	close(st[0]);
	if (got == 1 && (char)e == 'R') {
		*child = pid;
		return 0;
	}
	if (!slirp && got == 0) {
		*child = pid;	/* exec'd: passt is running */
		return 0;
	}
	waitpid(pid, &status, 0);
	if (got == sizeof(e)) {
		*absent = e == ENOENT;
		snprintf(err, errlen, "cannot start %s: %s", prog, strerror(e));
		return -1;
	}
	/* lguest-slirp ended before it was ready; it said why on our stderr. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		*absent = true;	/* the dynamic loader's exit: no libslirp0 */
		snprintf(err, errlen, "%s cannot run: is libslirp0 installed? (apt install libslirp0)", prog);
	} else {
		snprintf(err, errlen, "%s would not start (%s %d)", prog,
			 WIFSIGNALED(status) ? "signal" : "exit",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	return -1;
}

/* Why the peer went: for a helper, how it ended (passt may be killed by its own seccomp filter). */
static const char *stream_gone(struct net_backend *b, int err)
{
	struct stream *s = b->priv;
	int status, i = 0;
	pid_t got = 0;

	/* Its socket closed, the helper is ending: a second at most. */
	while (s->helper > 0 && (got = waitpid(s->helper, &status, WNOHANG)) == 0 && i++ < 100)
		usleep(10000);
	if (s->helper > 0 && got == s->helper) {
		s->helper = 0;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
			return s->slirp ? "lguest-slirp was killed by a seccomp filter (SIGSYS)" :
				"passt was killed by its own seccomp filter (SIGSYS: a system call it did not expect; bookworm's i386 passt does this: use --net=user:slirp)";
		if (WIFSIGNALED(status))
			return strsignal(WTERMSIG(status));
		snprintf(b->desc + strlen(b->desc), sizeof(b->desc) - strlen(b->desc), ", exit %d",
			 WEXITSTATUS(status));
		return s->slirp ? "lguest-slirp exited" : "passt exited";
	}
	return strerror(err);
}

/*
 * --net=user: lguest-slirp, or passt if lguest-slirp (or libslirp0) is
 * not installed; --net=user:slirp or user:passt for just that one.
 */
static int start_user(const struct lg_net_arg *a, int sv, const struct lg_forward *fw,
		      unsigned int nfw, struct stream *s, char *err, size_t errlen)
{
	bool try_slirp = strcmp(a->what, "passt"), try_passt = strcmp(a->what, "slirp");
	bool absent = true;
	char why[256] = "";

	if (try_slirp) {
		if (!start_helper(true, sv, fw, nfw, &s->helper, &absent, err, errlen)) {
			s->slirp = true;
			return 0;
		}
		if (absent && !try_passt) {
			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "--net=user:slirp needs lguest-slirp (package lguest) and libslirp0 (apt install libslirp0); %s",
				 why);
		}
		if (!absent || !try_passt)
			return -1;
		snprintf(why, sizeof(why), "%s", err);
	}
	if (!start_helper(false, sv, fw, nfw, &s->helper, &absent, err, errlen))
		return 0;
	if (absent && try_slirp)
		snprintf(err, errlen, "--net=user needs lguest-slirp with libslirp0 (apt install libslirp0) or passt (apt install passt); %s", why);
	else if (absent)
		snprintf(err, errlen, "--net=user:passt needs passt, which is not installed (apt install passt)");
	return -1;
}

int stream_open(const struct lg_net_arg *a, const struct lg_forward *fw, unsigned int nfw,
		struct net_backend *b, char *err, size_t errlen)
{
	struct stream *s = calloc(1, sizeof(*s));
	int sv[2];

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b->fd = -1;
	if (a->kind == LG_NET_FD) {
		int type;
		socklen_t tl = sizeof(type);

		if (getsockopt(a->fd, SOL_SOCKET, SO_TYPE, &type, &tl) || type != SOCK_STREAM) {
			snprintf(err, errlen, "--net=fd:%d: not a stream socket we were given", a->fd);
			goto fail;
		}
		/* Not close-on-exec: a guest's restart (an exec) keeps it. */
		b->fd = a->fd;
		snprintf(b->desc, sizeof(b->desc), "stream on fd %d", a->fd);
	} else if (a->kind == LG_NET_STREAM) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		if (strlen(a->what) >= sizeof(sa.sun_path)) {
			snprintf(err, errlen, "--net=stream:%.64s: the path is too long for a socket",
				 a->what);
			goto fail;
		}
		strcpy(sa.sun_path, a->what);
		b->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (b->fd < 0 || connect(b->fd, (struct sockaddr *)&sa, sizeof(sa))) {
			snprintf(err, errlen, "cannot connect to %s: %s", a->what, strerror(errno));
			goto fail;
		}
		snprintf(b->desc, sizeof(b->desc), "stream %.100s", a->what);
	} else {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
			snprintf(err, errlen, "cannot make a socket pair for --net=user: %s",
				 strerror(errno));
			goto fail;
		}
		fcntl(sv[0], F_SETFD, FD_CLOEXEC);
		if (start_user(a, sv[1], fw, nfw, s, err, errlen)) {
			close(sv[0]);
			close(sv[1]);
			goto fail;
		}
		close(sv[1]);
		b->fd = sv[0];
		snprintf(b->desc, sizeof(b->desc), "user (%s)", s->slirp ? "lguest-slirp" : "passt");
	}
	b->priv = s;
	b->send = stream_send;
	b->recv = stream_recv;
	b->gone = stream_gone;
	return 0;
fail:
	if (b->fd >= 0 && a->kind != LG_NET_FD)
		close(b->fd);
	free(s);
	return -1;
}

int net_backend_open(const struct lg_net_arg *a, const struct lg_forward *fw,
		     unsigned int nfw, struct net_backend *b, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	switch (a->kind) {
	case LG_NET_TAP:
	case LG_NET_BRIDGE:
		return tap_open(a, b, err, errlen);
	case LG_NET_HUB:
		return hub_open(a, b, err, errlen);
	default:
		return stream_open(a, fw, nfw, b, err, errlen);
	}
}
