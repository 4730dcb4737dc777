// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 45: A guest with a name
 *
 * Every guest has a name (--name, or guest-PID) and a control socket,
 * NAME.sock in the user's runtime directory ($XDG_RUNTIME_DIR/lguest;
 * /run/lguest for root), which "lguest list", "stop" and "console"
 * (manage.c) talk to.  The directory is the user's own (0700), and a
 * peer that is neither our user nor root is hung up on.  One line asks,
 * and the connection then answers or becomes something:
 *
 *   info     one line of JSON: name, pid, memory, start time, state,
 *            disks, networks and shares
 *   stop     press the power button (LGUEST_POWER_IRQ); the connection
 *            stays open and gets "exit N" (our exit status) as we go
 *   kill     the same, without asking the guest: we end at once
 *   console  the console: what it printed lately, then everything it
 *            prints, and what the peer sends is typed into it
 *
 * The guest's console output also goes to a ring of the last 64 KiB, so
 * that a console attached later starts with some context.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define RING_SIZE	(64u << 10)
#define WAITERS_MAX	8

static struct {
	pthread_mutex_t lock;
	char name[LG_NAME_MAX + 1];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int sock, lfd;
	bool stopping;
	time_t started;
	uint64_t mem;
	char devices[4096];		/* the JSON of disks, networks and shares */
	char ring[RING_SIZE];		/* console output, circular */
	size_t ring_at, ring_len;
	int console;			/* the attached console's connection, or -1 */
	int waiters[WAITERS_MAX];	/* stop/kill connections told our exit */
	unsigned int nwaiters;
} ctl = { .lock = PTHREAD_MUTEX_INITIALIZER, .sock = -1, .console = -1 };

/*
 * The user's directory of guests: $XDG_RUNTIME_DIR/lguest, /run/lguest
 * for root, else /tmp/lguest-UID.  Made if asked (0700); one that is not
 * a directory of ours, for us alone, is refused (it could be someone
 * else's trap).  0, or -1 and err.
 */
int runtime_dir(char *buf, size_t len, bool create, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	uid_t uid = geteuid();
	struct stat st;

	if (uid == 0)
		snprintf(buf, len, "/run/lguest");
	else if (xdg && xdg[0] == '/')
		snprintf(buf, len, "%s/lguest", xdg);
	else
		snprintf(buf, len, "/tmp/lguest-%u", (unsigned int)uid);
	if (create && mkdir(buf, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s for the guest's control socket: %s",
			 buf, strerror(errno));
		return -1;
	}
	if (lstat(buf, &st)) {
		snprintf(err, errlen, "%s: %s", buf, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != uid || (st.st_mode & 077)) {
		snprintf(err, errlen, "%s is not a directory of this user's alone (remove it, or set XDG_RUNTIME_DIR)",
			 buf);
		return -1;
	}
	return 0;
}

/* A JSON string: quotes and control characters escaped. */
static size_t json_str(char *buf, size_t len, const char *s)
{
	size_t at = 0;

#define PUT(c) do { if (at + 1 < len) buf[at] = (c); at++; } while (0)
	PUT('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			PUT('\\');
			PUT((char)c);
		} else if (c < 0x20) {
			char hex[8];

			snprintf(hex, sizeof(hex), "\\u%04x", c);
			for (char *h = hex; *h; h++)
				PUT(*h);
		} else {
			PUT((char)c);
		}
	}
	PUT('"');
#undef PUT
	if (len)
		buf[at < len ? at : len - 1] = '\0';
	return at;
}

/* Append ["a","b"] of n strings from get(i) to buf at *at. */
static void json_list(char *buf, size_t len, size_t *at, const char *key,
		      unsigned int n, const char *(*get)(const struct lg_args *, unsigned int, char *),
		      const struct lg_args *a)
{
	char one[512];

	*at += (size_t)snprintf(buf + *at, *at < len ? len - *at : 0, ",\"%s\":[", key);
	for (unsigned int i = 0; i < n && *at < len; i++) {
		if (i)
			buf[(*at)++] = ',';
		if (*at < len)
			*at += json_str(buf + *at, len - *at, get(a, i, one));
	}
	*at += (size_t)snprintf(buf + *at, *at < len ? len - *at : 0, "]");
}

static const char *disk_of(const struct lg_args *a, unsigned int i, char *b)
{
	snprintf(b, 512, "%s%s%s", a->disks[i].path, a->disks[i].ro ? ",ro" : "",
		 a->disks[i].snapshot || a->ephemeral ? ",snapshot" : "");
	return b;
}

static const char *net_of(const struct lg_args *a, unsigned int i, char *b)
{
	static const char *const kinds[] = { "tap", "bridge", "hub", "user", "stream", "fd" };
	const struct lg_net_arg *n = &a->nets[i];

	if (n->kind == LG_NET_FD)
		snprintf(b, 512, "fd:%d", n->fd);
	else
		snprintf(b, 512, "%s%s%s", kinds[n->kind], n->what && n->what[0] ? ":" : "",
			 n->what ? n->what : "");
	return b;
}

static const char *share_of(const struct lg_args *a, unsigned int i, char *b)
{
	snprintf(b, 512, "%s,tag=%s%s", a->shares[i].dir, a->shares[i].tag,
		 a->shares[i].ro ? ",ro" : "");
	return b;
}

/* Is something listening at path? */
static bool socket_live(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	live = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return live;
}

static void unlink_socket(void)
{
	if (ctl.path[0])
		unlink(ctl.path);
}

/* Our name and socket, checked before anything starts: a clash is the user's to fix. */
void control_prepare(const struct lg_args *a)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[256], err[512];
	size_t at = 0;

	if (a->name[0])
		snprintf(ctl.name, sizeof(ctl.name), "%s", a->name);
	else
		snprintf(ctl.name, sizeof(ctl.name), "guest-%d", (int)getpid());
	if (runtime_dir(dir, sizeof(dir), true, err, sizeof(err))) {
		/* Asked for by name, a guest must be reachable; otherwise it runs on, unlisted. */
		if (a->name[0] || a->detach)
			fail("%s", err);
		fprintf(stderr, "lguest: %s; 'lguest list' will not show this guest\n", err);
		return;
	}
	if ((size_t)snprintf(ctl.path, sizeof(ctl.path), "%s/%s.sock", dir, ctl.name) >=
	    sizeof(ctl.path))
		fail("the control socket's path %s/%s.sock is too long for a unix socket: set XDG_RUNTIME_DIR to a shorter directory",
		     dir, ctl.name);
	if (socket_live(ctl.path)) {
		ctl.path[0] = '\0';
		fail("a guest named '%s' is running already (lguest list shows it): give this one another --name",
		     ctl.name);
	}
	unlink(ctl.path);		/* one left by a launcher that was killed */
	ctl.sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memcpy(sa.sun_path, ctl.path, sizeof(ctl.path));
	if (ctl.sock < 0 || bind(ctl.sock, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(ctl.sock, 8))
		fail("cannot make the control socket %s: %s", ctl.path, strerror(errno));
	atexit(unlink_socket);
	ctl.started = time(NULL);
	ctl.mem = a->mem;
	json_list(ctl.devices, sizeof(ctl.devices), &at, "disks", a->ndisks, disk_of, a);
	json_list(ctl.devices, sizeof(ctl.devices), &at, "networks", a->nnets, net_of, a);
	json_list(ctl.devices, sizeof(ctl.devices), &at, "shares", a->nshares, share_of, a);
	if (at >= sizeof(ctl.devices))
		snprintf(ctl.devices, sizeof(ctl.devices), ",\"disks\":[],\"networks\":[],\"shares\":[]");
}

const char *control_name(void)
{
	return ctl.name;
}

/* Send all of buf, as far as the peer takes it without making us wait long. */
static bool send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * Console output, from the run loop: into the ring, and to an attached
 * console.  A console that does not keep up (its socket full for a
 * second) is dropped rather than stall the guest.
 */
void control_console_out(const char *buf, size_t len)
{
	pthread_mutex_lock(&ctl.lock);
	for (size_t i = 0; i < len; i++) {
		ctl.ring[(ctl.ring_at + ctl.ring_len) % RING_SIZE] = buf[i];
		if (ctl.ring_len < RING_SIZE)
			ctl.ring_len++;
		else
			ctl.ring_at = (ctl.ring_at + 1) % RING_SIZE;
	}
	if (ctl.console >= 0 && !send_all(ctl.console, buf, len)) {
		shutdown(ctl.console, SHUT_RDWR);
		ctl.console = -1;
	}
	pthread_mutex_unlock(&ctl.lock);
}

/* We are about to exit with status: tell whoever asked us to stop. */
void control_exiting(int status)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "exit %d\n", status);

	pthread_mutex_lock(&ctl.lock);
	for (unsigned int i = 0; i < ctl.nwaiters; i++)
		send_all(ctl.waiters[i], line, (size_t)n);
	ctl.nwaiters = 0;
	pthread_mutex_unlock(&ctl.lock);
	unlink_socket();
}

/* The power button: LHREQ_IRQ for LGUEST_POWER_IRQ. */
static bool press_power_button(void)
{
	uint32_t irq[2] = { LHREQ_IRQ, LGUEST_POWER_IRQ };

	return write(ctl.lfd, irq, sizeof(irq)) == (ssize_t)sizeof(irq);
}

static void do_info(int fd)
{
	char line[8192], name[128];
	int n;

	json_str(name, sizeof(name), ctl.name);
	n = snprintf(line, sizeof(line),
		     "{\"name\":%s,\"pid\":%d,\"uid\":%u,\"memory_mib\":%llu,\"started\":%lld,\"uptime_s\":%lld,\"state\":\"%s\"%s}\n",
		     name, (int)getpid(), (unsigned int)geteuid(),
		     (unsigned long long)(ctl.mem >> 20), (long long)ctl.started,
		     (long long)(time(NULL) - ctl.started), ctl.stopping ? "stopping" : "running",
		     ctl.devices);
	if (n > 0 && (size_t)n < sizeof(line))
		send_all(fd, line, (size_t)n);
}

/* The connection becomes the console until either side goes. */
static void do_console(int fd)
{
	struct timeval tv = { .tv_sec = 1 };
	char buf[4096];

	/* A console that stops reading holds the guest's output up for a second at most. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	pthread_mutex_lock(&ctl.lock);
	if (ctl.console >= 0) {
		pthread_mutex_unlock(&ctl.lock);
		send_all(fd, "error: another lguest console is attached to this guest\n", 56);
		return;
	}
	/* What the guest printed lately, oldest first. */
	for (size_t done = 0; done < ctl.ring_len;) {
		size_t from = (ctl.ring_at + done) % RING_SIZE;
		size_t n = ctl.ring_len - done;

		if (n > RING_SIZE - from)
			n = RING_SIZE - from;
		if (!send_all(fd, ctl.ring + from, n))
			break;
		done += n;
	}
	ctl.console = fd;
	pthread_mutex_unlock(&ctl.lock);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		console_input(buf, (size_t)n);
	}
	pthread_mutex_lock(&ctl.lock);
	if (ctl.console == fd)
		ctl.console = -1;
	pthread_mutex_unlock(&ctl.lock);
}

/* Until we exit: the connection waits for our exit status. */
static void wait_for_exit(int fd)
{
	char c;

	pthread_mutex_lock(&ctl.lock);
	if (ctl.nwaiters == WAITERS_MAX) {
		pthread_mutex_unlock(&ctl.lock);
		return;
	}
	ctl.waiters[ctl.nwaiters++] = fd;
	pthread_mutex_unlock(&ctl.lock);
	/* The peer may give up; then it is no longer told. */
	for (;;) {
		ssize_t n = recv(fd, &c, 1, 0);

		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	pthread_mutex_lock(&ctl.lock);
	for (unsigned int i = 0; i < ctl.nwaiters; i++)
		if (ctl.waiters[i] == fd)
			ctl.waiters[i] = ctl.waiters[--ctl.nwaiters];
	pthread_mutex_unlock(&ctl.lock);
}

static void *connection(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct timeval tv = { .tv_sec = 5 };
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	char cmd[32];
	size_t len = 0;

	/* Only our user, or root. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) ||
	    (cred.uid != geteuid() && cred.uid != 0)) {
		close(fd);
		return NULL;
	}
	/* The command line, within 5 s. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < sizeof(cmd) - 1) {
		ssize_t n = recv(fd, cmd + len, 1, 0);

		if (n <= 0 || cmd[len] == '\n')
			break;
		len++;
	}
	cmd[len] = '\0';
	tv.tv_sec = 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!strcmp(cmd, "info")) {
		do_info(fd);
	} else if (!strcmp(cmd, "console")) {
		do_console(fd);
	} else if (!strcmp(cmd, "stop")) {
		ctl.stopping = true;
		if (press_power_button()) {
			send_all(fd, "ok\n", 3);
			wait_for_exit(fd);
		} else {
			send_all(fd, "error: the power button did not work\n", 37);
		}
	} else if (!strcmp(cmd, "kill")) {
		pthread_mutex_lock(&ctl.lock);
		if (ctl.nwaiters < WAITERS_MAX)
			ctl.waiters[ctl.nwaiters++] = fd;
		pthread_mutex_unlock(&ctl.lock);
		fprintf(stderr, "lguest: guest '%s' stopped by force (lguest stop --force)\n",
			ctl.name);
		control_exiting(EXIT_KILLED);
		restore_terminal();
		exit(EXIT_KILLED);
	} else {
		send_all(fd, "error: unknown command\n", 23);
	}
	close(fd);
	return NULL;
}

static void *accept_thread(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept4(ctl.sock, NULL, NULL, SOCK_CLOEXEC);
		pthread_t t;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE ||
			    errno == ENFILE)
				continue;
			return NULL;
		}
		if (pthread_create(&t, NULL, connection, (void *)(intptr_t)fd)) {
			close(fd);
			continue;
		}
		pthread_detach(t);
	}
}

/* Answer on the socket from now on (the guest exists: lfd can raise its irqs). */
void control_start(int lfd)
{
	pthread_t t;

	ctl.lfd = lfd;
	if (ctl.sock < 0)
		return;
	if (pthread_create(&t, NULL, accept_thread, NULL))
		fail("cannot start the control socket's thread");
	pthread_detach(t);
}
