// SPDX-License-Identifier: GPL-2.0
/*
 * test-slirp HELPER: lguest-slirp as the launcher drives it, on this
 * machine (no guest needed): it says it is ready, answers DHCP and ARP,
 * turns a connection to a forwarded host port into a SYN for the guest,
 * survives thousands of garbage frames, ends when its socket closes and
 * refuses a broken stream and bad arguments.  Prints TAP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static const char *helper;
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* Start the helper with extra arguments; *fd is our end; 'R', or what we read. */
static pid_t start(int *fd, int *ready, const char *a1, const char *a2)
{
	int sv[2], st[2];
	pid_t pid;
	char r = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(st)) {
		perror("socketpair");
		exit(1);
	}
	pid = fork();
	if (pid == 0) {
		if (dup2(sv[1], 3) != 3 || dup2(st[1], 4) != 4)
			_exit(126);
		close_range(5, ~0u, 0);
		execl(helper, "lguest-slirp", "--fd", "3", "--ready", "4", a1, a2, (char *)NULL);
		_exit(126);
	}
	close(sv[1]);
	close(st[1]);
	*ready = read(st[0], &r, 1) == 1 ? r : 0;
	close(st[0]);
	*fd = sv[0];
	return pid;
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void send_frame(int fd, const uint8_t *f, size_t len)
{
	uint32_t be = htonl((uint32_t)len);

	if (write(fd, &be, 4) != 4 || write(fd, f, len) != (ssize_t)len) {
		perror("write");
		exit(1);
	}
}

/* The next frame within ms milliseconds: its length, or -1. */
static int recv_frame(int fd, uint8_t *f, size_t max, int ms)
{
	uint32_t len;
	size_t got = 0;

	while (got < 4) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, ms) != 1)
			return -1;
		r = read(fd, (uint8_t *)&len + got, 4 - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	len = ntohl(len);
	if (len > max)
		return -1;
	for (got = 0; got < len;) {
		ssize_t r = read(fd, f + got, len - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return (int)len;
}

/* A DHCP DISCOVER from our MAC, broadcast. */
static size_t dhcp_discover(uint8_t *f)
{
	uint8_t *ip = f + 14, *udp = ip + 20, *bootp = udp + 8;
	size_t blen = 240 + 4, ulen = 8 + blen;

	memset(f, 0, 14 + 20 + ulen);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + ulen) >> 8);
	ip[3] = (uint8_t)(20 + ulen);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4);
	uint16_t c = csum(ip, 20);

	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[1] = 68;
	udp[3] = 67;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	bootp[0] = 1;	/* request */
	bootp[1] = 1;	/* Ethernet */
	bootp[2] = 6;
	bootp[4] = 0x12;
	bootp[10] = 0x80;	/* broadcast reply */
	memcpy(bootp + 28, mac, 6);
	memcpy(bootp + 236, "\x63\x82\x53\x63", 4);
	memcpy(bootp + 240, "\x35\x01\x01\xff", 4);	/* DISCOVER, end */
	return 14 + 20 + ulen;
}

/* Wait for a DHCP answer; the address offered, or 0. */
static uint32_t dhcp_offer(int fd)
{
	uint8_t f[2048];
	int len;

	while ((len = recv_frame(fd, f, sizeof(f), 5000)) > 0) {
		if (len >= 14 + 20 + 8 + 20 && f[12] == 0x08 && f[13] == 0 && f[14 + 9] == 17 &&
		    f[14 + 20 + 3] == 68) {
			uint32_t a;

			memcpy(&a, f + 14 + 20 + 8 + 16, 4);
			return a;
		}
	}
	return 0;
}

static bool alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

/* How the helper ended within 5 s: its wait status, or -1. */
static int ended(pid_t pid)
{
	int st;

	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

int main(int argc, char **argv)
{
	uint8_t f[2048];
	char fwd[32];
	int fd, ready, len, st;
	unsigned int port = 20000 + (unsigned int)getpid() % 20000;
	pid_t pid;

	tap_start();
	if (argc != 2) {
		fprintf(stderr, "usage: test-slirp PATH-OF-lguest-slirp\n");
		return 2;
	}
	helper = argv[1];
	signal(SIGPIPE, SIG_IGN);
	snprintf(fwd, sizeof(fwd), "tcp:%u:7", port);
	pid = start(&fd, &ready, "--forward", fwd);
	ok(ready == 'R', "lguest-slirp starts and says it is ready (%c)", ready ? ready : '-');
	if (ready != 'R') {
		printf("Bail out! lguest-slirp does not start (its libraries, libslirp0 and glib, in LD_LIBRARY_PATH?)\n");
		return 1;
	}

	send_frame(fd, f, dhcp_discover(f));
	uint32_t a = dhcp_offer(fd);
	struct in_addr ia = { a };

	ok(a == inet_addr("10.0.2.15"), "DHCP offers the guest 10.0.2.15 (%s)", inet_ntoa(ia));

	/* ARP: who has 10.0.2.2 (the host)? */
	memset(f, 0, 42);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	memcpy(f + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, "\x0a\x00\x02\x0f", 4);
	memcpy(f + 38, "\x0a\x00\x02\x02", 4);
	send_frame(fd, f, 42);
	bool arp = false;

	while (!arp && (len = recv_frame(fd, f, sizeof(f), 5000)) > 0)
		arp = len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 &&
		      !memcmp(f + 28, "\x0a\x00\x02\x02", 4);
	ok(arp, "ARP: the gateway 10.0.2.2 answers");

	/* A host client on the forwarded port: a SYN to the guest's port 7. */
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bool syn = false;

	if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS)
		perror("connect");
	while (!syn && (len = recv_frame(fd, f, sizeof(f), 5000)) > 0)
		syn = len >= 54 && f[12] == 0x08 && f[14 + 9] == 6 &&
		      !memcmp(f + 14 + 16, "\x0a\x00\x02\x0f", 4) && f[14 + 20 + 3] == 7 &&
		      (f[14 + 20 + 13] & 0x02);
	ok(syn, "--forward=tcp:%u:7: a host connection becomes a SYN to 10.0.2.15 port 7", port);
	close(c);

	/* Garbage, as a hostile guest sends it: the helper lives on. */
	srandom(1);
	for (int i = 0; i < 3000; i++) {
		size_t l = 14 + (size_t)random() % 1500;

		for (size_t j = 0; j < l; j++)
			f[j] = (uint8_t)random();
		if (i & 1) {	/* half of them IPv4 with a plausible header */
			memcpy(f, "\xff\xff\xff\xff\xff\xff", 6);
			f[12] = 0x08;
			f[13] = 0;
			f[14] = 0x45;
		}
		send_frame(fd, f, l);
		/* Drain what it answers, so it never drops for us. */
		while (recv_frame(fd, f + 1600, 400, 0) > 0)
			;
	}
	while (recv_frame(fd, f, sizeof(f), 200) > 0)
		;
	send_frame(fd, f, dhcp_discover(f));
	ok(alive(pid) && dhcp_offer(fd) == inet_addr("10.0.2.15"),
	   "after 3000 garbage frames it is alive and still answers DHCP");

	/* A length no frame has: the stream is broken, the helper ends. */
	uint32_t bad = htonl(0x7fffffff);

	if (write(fd, &bad, 4) != 4)
		perror("write");
	st = ended(pid);
	ok(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
	   "a 2 GiB frame length ends it with an error (status %#x)", st);
	close(fd);

	pid = start(&fd, &ready, NULL, NULL);
	close(fd);
	st = ended(pid);
	ok(ready == 'R' && st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "it ends quietly when the launcher closes its socket (status %#x)", st);

	pid = start(&fd, &ready, "--forward", "sctp:1:2");
	close(fd);
	st = ended(pid);
	ok(ready != 'R' && st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
	   "a bad --forward is refused before it says ready (status %#x)", st);

	return tap_done();
}
