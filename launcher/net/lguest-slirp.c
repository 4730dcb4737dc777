// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 560: lguest-slirp, user networking without root
 *
 * --net=user needs a TCP/IP stack that speaks Ethernet to the guest and
 * plain sockets to the host: DHCP, DNS forwarding, outgoing TCP and UDP
 * through the user's own sockets, and port forwards into the guest.
 * libslirp (what QEMU uses) is that stack.  The launcher is static and
 * libslirp comes only as a shared library that pulls in glib, so it lives
 * in this small helper: the launcher starts it on one end of a socket pair
 * and the two exchange frames in QEMU's stream framing (a 32-bit
 * big-endian length, then the frame), as with passt.
 *
 *   lguest-slirp --fd N [--forward tcp|udp:HOSTPORT:GUESTPORT]... [--ready FD] [--debug]
 *
 * The network is QEMU's user network, which users know: the guest is
 * 10.0.2.15 (by DHCP), the gateway 10.0.2.2 is the host itself (its
 * loopback), 10.0.2.3 forwards DNS to the host's resolver.  The helper ends
 * when the launcher closes its socket.  What comes over the socket is a
 * guest's and is not trusted: libslirp parses it as QEMU has it parse a
 * guest's frames; a length no Ethernet frame has ends the helper.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "net.h"	/* NET_FRAME_MAX: the launcher's largest frame */

#define FORWARDS_MAX	16
#define POLLS_MAX	1024

static const char *prog = "lguest-slirp";
static int link_fd = -1;
static bool debug;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* --- the clock and timers libslirp asks for ------------------------------- */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* libslirp has a handful of timers (router advertisements): a list will do. */
struct timer {
	struct timer *next;
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms;	/* -1: not armed */
};
static struct timer *timers;

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return now_ns();
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct timer *t = calloc(1, sizeof(*t));

	(void)opaque;
	if (!t)
		die("out of memory");
	t->id = id;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = timers;
	timers = t;
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	(void)opaque;
	for (struct timer **p = &timers; *p; p = &(*p)->next) {
		if (*p == timer) {
			*p = ((struct timer *)timer)->next;
			free(timer);
			return;
		}
	}
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	(void)opaque;
	((struct timer *)timer)->expire_ms = expire_ms;
}

/* Fire what is due; return how many ms until the next one (or -1). */
static int run_timers(Slirp *slirp)
{
	int64_t ms = now_ns() / 1000000, next = -1;

	for (struct timer *t = timers; t; t = t->next) {
		if (t->expire_ms < 0)
			continue;
		if (t->expire_ms <= ms) {
			t->expire_ms = -1;
			slirp_handle_timer(slirp, t->id, t->cb_opaque);
			/* The handler may have re-armed or freed timers: start over. */
			return 0;
		}
		if (next < 0 || t->expire_ms - ms < next)
			next = t->expire_ms - ms;
	}
	return next > 1000 ? 1000 : (int)next;
}

/* --- frames to the guest ---------------------------------------------------- */

/*
 * A frame libslirp has for the guest.  If the launcher is not reading
 * (the guest's receive queue is full), drop it, as a wire would: TCP
 * retransmits, and a blocked helper could never read the guest's frames
 * that would drain its queue.  A frame begun is finished, or the framing
 * is lost.
 */
static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	uint32_t be = htonl((uint32_t)len);
	struct iovec v[2] = { { &be, 4 }, { (void *)buf, len } };
	struct msghdr m = { .msg_iov = v, .msg_iovlen = 2 };
	size_t left = 4 + len;
	ssize_t w;
	int flags = MSG_DONTWAIT | MSG_NOSIGNAL;

	(void)opaque;
	while (left) {
		w = sendmsg(link_fd, &m, flags);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN && left == 4 + len)
			return (ssize_t)len;	/* dropped whole */
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { link_fd, POLLOUT, 0 };

			poll(&p, 1, 1000);
			continue;
		}
		if (w < 0)
			exit(0);	/* the launcher is gone */
		left -= (size_t)w;
		flags = MSG_NOSIGNAL;	/* finish this frame, waiting if need be */
		while (m.msg_iovlen && (size_t)w >= m.msg_iov[0].iov_len) {
			w -= (ssize_t)m.msg_iov[0].iov_len;
			m.msg_iov++;
			m.msg_iovlen--;
		}
		if (m.msg_iovlen) {
			m.msg_iov[0].iov_base = (char *)m.msg_iov[0].iov_base + w;
			m.msg_iov[0].iov_len -= (size_t)w;
		}
	}
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	if (debug)
		fprintf(stderr, "%s: guest error: %s\n", prog, msg);
}

/* We poll every socket afresh each round, so nothing to do for these. */
static void cb_register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_notify(void *opaque)
{
	(void)opaque;
}

/* --- the poll set ------------------------------------------------------------ */

static struct pollfd polls[POLLS_MAX];
static unsigned int npolls;

static int cb_add_poll(int fd, int events, void *opaque)
{
	short ev = 0;

	(void)opaque;
	if (npolls == POLLS_MAX)
		die("more than %d sockets open for the guest", POLLS_MAX - 1);
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	polls[npolls] = (struct pollfd){ fd, ev, 0 };
	return (int)npolls++;
}

static int cb_get_revents(int idx, void *opaque)
{
	short r = polls[idx].revents;
	int ev = 0;

	(void)opaque;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

/* --- frames from the guest ----------------------------------------------------- */

static uint8_t inbuf[4 + NET_FRAME_MAX];
static size_t have;

/* Read what the launcher sent; hand each whole frame to libslirp. */
static void from_launcher(Slirp *slirp)
{
	ssize_t n = recv(link_fd, inbuf + have, sizeof(inbuf) - have, MSG_DONTWAIT);
	uint32_t len;
	size_t off = 0;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		exit(0);	/* the launcher closed its end: the guest is gone */
	have += (size_t)n;
	while (have - off >= 4) {
		memcpy(&len, inbuf + off, 4);
		len = ntohl(len);
		if (len > NET_FRAME_MAX || len < 14)
			die("the launcher sent a %u-byte frame: the stream is broken", len);
		if (have - off < 4 + len)
			break;
		slirp_input(slirp, inbuf + off + 4, (int)len);
		off += 4 + len;
	}
	memmove(inbuf, inbuf + off, have - off);
	have -= off;
}

/* --- start-up ------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: %s --fd N [--forward tcp|udp:HOSTPORT:GUESTPORT]... [--ready FD] [--debug]\n"
		"  the user network for lguest --net=user: the launcher starts it\n", prog);
	exit(2);
}

static int number(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die("bad %s '%s'", what, s);
	return (int)v;
}

int main(int argc, char **argv)
{
	static const SlirpCb cb = {
		.send_packet = cb_send_packet,
		.guest_error = cb_guest_error,
		.clock_get_ns = cb_clock_get_ns,
		.timer_free = cb_timer_free,
		.timer_mod = cb_timer_mod,
		.register_poll_fd = cb_register_poll_fd,
		.unregister_poll_fd = cb_register_poll_fd,
		.notify = cb_notify,
		.timer_new_opaque = cb_timer_new_opaque,
	};
	struct { int udp, host, guest; } fw[FORWARDS_MAX];
	SlirpConfig cfg = { .version = 4 };
	int nfw = 0, ready = -1;
	Slirp *slirp;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--debug")) {
			debug = true;
		} else if (!strcmp(argv[i], "--fd") && i + 1 < argc) {
			link_fd = number(argv[++i], 0, 65535, "--fd");
		} else if (!strcmp(argv[i], "--ready") && i + 1 < argc) {
			ready = number(argv[++i], 0, 65535, "--ready");
		} else if (!strcmp(argv[i], "--forward") && i + 1 < argc) {
			char proto[4], *s = argv[++i];
			unsigned int h, g;
			int end = 0;

			if (nfw == FORWARDS_MAX)
				die("at most %d forwards", FORWARDS_MAX);
			if (sscanf(s, "%3[a-z]:%u:%u%n", proto, &h, &g, &end) != 3 || s[end] ||
			    (strcmp(proto, "tcp") && strcmp(proto, "udp")) || !h || h > 65535 || !g ||
			    g > 65535)
				die("bad forward '%s': want tcp|udp:HOSTPORT:GUESTPORT", s);
			fw[nfw].udp = !strcmp(proto, "udp");
			fw[nfw].host = (int)h;
			fw[nfw++].guest = (int)g;
		} else {
			usage();
		}
	}
	if (link_fd < 0)
		usage();
	/* Nothing we exec gains privileges; we go when the launcher does. */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGPIPE, SIG_IGN);

	cfg.in_enabled = true;
	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
	inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
	cfg.vhostname = "lguest";
	cfg.if_mtu = 1500;
	cfg.if_mru = 1500;
	slirp = slirp_new(&cfg, &cb, NULL);
	if (!slirp)
		die("libslirp would not start");
	for (int i = 0; i < nfw; i++) {
		struct in_addr any = { .s_addr = htonl(INADDR_ANY) }, guest = cfg.vdhcp_start;

		if (slirp_add_hostfwd(slirp, fw[i].udp, any, fw[i].host, guest, fw[i].guest))
			die("cannot forward %s port %d (in use, or below 1024?)",
			    fw[i].udp ? "UDP" : "TCP", fw[i].host);
	}
	/* Tell the launcher we are up (it saw our errors on its stderr otherwise). */
	if (ready >= 0) {
		if (write(ready, "R", 1) != 1)
			die("cannot tell the launcher we are ready: %s", strerror(errno));
		close(ready);
	}
	if (debug)
		fprintf(stderr, "%s: libslirp %s on fd %d, %d forwards\n", prog,
			slirp_version_string(), link_fd, nfw);

	for (;;) {
		uint32_t timeout = 1000;
		int t = run_timers(slirp);

		if (t >= 0 && (uint32_t)t < timeout)
			timeout = (uint32_t)t;
		npolls = 0;
		polls[npolls++] = (struct pollfd){ link_fd, POLLIN, 0 };
		slirp_pollfds_fill(slirp, &timeout, cb_add_poll, NULL);
		int r = poll(polls, npolls, (int)timeout);

		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (r > 0 && polls[0].revents)
			from_launcher(slirp);
		slirp_pollfds_poll(slirp, r < 0, cb_get_revents, NULL);
	}
}
