// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 530: A tap device
 *
 * The fastest way out: frames go to a tap device in the host's network
 * stack, with the virtio-net header in front (IFF_VNET_HDR), so a guest's
 * unchecksummed 64 KiB TCP segment travels as one write and the host's
 * stack finishes it.  The tap is either one the administrator made for the
 * user (ip tuntap add tap0 mode tap user alice: no privilege needed to
 * attach), or one we create, which needs CAP_NET_ADMIN, and which we
 * bring up, attach to a bridge (bridge:BR) or give an address (--tunnet=IP).
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int tap_send(struct net_backend *b, const struct iovec *iov, int n)
{
	/* A tap takes a frame whole or drops it; it never blocks. */
	return writev(b->fd, iov, n) < 0 ? -1 : 0;
}

static ssize_t tap_recv(struct net_backend *b, void *buf, size_t len)
{
	ssize_t n = read(b->fd, buf, len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return n;
}

/* One ioctl on a throwaway socket: interface flags, addresses, bridges. */
static int if_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -1;
	r = ioctl(s, req, ifr);
	if (r) {
		int e = errno;

		close(s);
		errno = e;
		return -1;
	}
	close(s);
	return 0;
}

static int set_addr(const char *ifname, unsigned long req, const char *ip)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin->sin_addr);
	return if_ioctl(req, &ifr);
}

/* A tap we made: up, and on its bridge or with its address. */
static int tap_setup(const struct lg_net_arg *a, const char *ifname, char *err, size_t errlen)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (a->tunnet_ip &&
	    (set_addr(ifname, SIOCSIFADDR, a->tunnet_ip) ||
	     set_addr(ifname, SIOCSIFNETMASK, "255.255.255.0"))) {
		snprintf(err, errlen, "cannot give %s the address %s/24: %s", ifname, a->tunnet_ip,
			 strerror(errno));
		return -1;
	}
	if (if_ioctl(SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (if_ioctl(SIOCSIFFLAGS, &ifr) == 0)
			goto bridge;
	}
	snprintf(err, errlen, "cannot bring %s up: %s", ifname, strerror(errno));
	return -1;
bridge:
	if (a->kind != LG_NET_BRIDGE)
		return 0;
	if (if_ioctl(SIOCGIFINDEX, &ifr)) {
		snprintf(err, errlen, "cannot find %s: %s", ifname, strerror(errno));
		return -1;
	}
	{
		int idx = ifr.ifr_ifindex;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, IFNAMSIZ, "%s", a->what);
		ifr.ifr_ifindex = idx;
	}
	if (if_ioctl(SIOCBRADDIF, &ifr)) {
		snprintf(err, errlen, errno == ENODEV || errno == EINVAL ?
			 "cannot attach %s to bridge %s: there is no such bridge (ip link add %s type bridge)" :
			 "cannot attach %s to bridge %s: %s",
			 ifname, a->what, errno == ENODEV || errno == EINVAL ? a->what : strerror(errno));
		return -1;
	}
	return 0;
}

/* The offloads the guest's driver accepted, for frames towards it. */
static int tap_offload(struct net_backend *b, bool csum, bool tso4, bool tso6, bool ecn)
{
	unsigned int f = 0;

	if (csum) {
		f |= TUN_F_CSUM;
		if (tso4)
			f |= TUN_F_TSO4;
		if (tso6)
			f |= TUN_F_TSO6;
		if (ecn && (tso4 || tso6))
			f |= TUN_F_TSO_ECN;
	}
	return ioctl(b->fd, TUNSETOFFLOAD, f);
}

int tap_open(const struct lg_net_arg *a, struct net_backend *b, char *err, size_t errlen)
{
	bool create = a->kind == LG_NET_BRIDGE || !a->what[0];
	struct ifreq ifr = { 0 };
	int hdr = VNET_HDR_LEN;

	b->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (b->fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun: %s%s", strerror(errno),
			 errno == ENOENT || errno == ENODEV ? " (load the tun module: modprobe tun)" :
			 errno == EACCES ? " (it is normally mode 0666, as udev makes it)" : "");
		return -1;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (a->kind == LG_NET_TAP)
		snprintf(ifr.ifr_name, IFNAMSIZ, "%s", a->what);
	if (ioctl(b->fd, TUNSETIFF, &ifr)) {
		if (errno == EPERM && create)
			snprintf(err, errlen, "creating a tap device needs CAP_NET_ADMIN (root); without it, have the administrator make one for you (ip tuntap add tap0 mode tap user $USER) and use --net=tap:tap0");
		else if (errno == EPERM)
			snprintf(err, errlen, "cannot attach to tap %s: it belongs to another user, or does not exist and creating it needs CAP_NET_ADMIN (ip tuntap add %s mode tap user $USER)",
				 a->what, a->what);
		else if (errno == EBUSY)
			snprintf(err, errlen, "tap %s is in use (another guest?)", a->what);
		else
			snprintf(err, errlen, "cannot attach to tap %s: %s", a->what, strerror(errno));
		goto fail;
	}
	/* No offloads towards the guest until its driver says what it takes. */
	if (ioctl(b->fd, TUNSETVNETHDRSZ, &hdr) || ioctl(b->fd, TUNSETOFFLOAD, 0)) {
		snprintf(err, errlen, "tap %s: cannot set up the virtio-net header: %s", ifr.ifr_name,
			 strerror(errno));
		goto fail;
	}
	if (create && tap_setup(a, ifr.ifr_name, err, errlen))
		goto fail;
	b->vnet_hdr = true;
	b->send = tap_send;
	b->recv = tap_recv;
	b->offload = tap_offload;
	snprintf(b->desc, sizeof(b->desc), "tap %s%s%s", ifr.ifr_name,
		 a->kind == LG_NET_BRIDGE ? " on bridge " : "",
		 a->kind == LG_NET_BRIDGE ? a->what : "");
	return 0;
fail:
	close(b->fd);
	b->fd = -1;
	return -1;
}

