/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 520: Where a guest's frames go
 *
 * A network backend moves whole Ethernet frames between a virtio-net
 * device (virtio/net.c) and the host.  Each kind is one file:
 *
 *   tap.c     a tap device: one the administrator gave the user
 *             (tap:IFNAME), or a new one (tap, bridge:BR; CAP_NET_ADMIN).
 *             Frames carry the virtio-net header, so checksums and TCP
 *             segmentation stay offloaded all the way into the host.
 *   hub.c     hub:NAME: every guest of one user on hub NAME on one
 *             Ethernet segment, through datagram sockets in a directory
 *             of the user's; no root, no daemon.
 *   offload.c checksums and TCP segmentation for the backends below,
 *             which take plain frames only.
 *   stream.c  stream:PATH and fd:N (QEMU's framing: a 32-bit big-endian
 *             length, then the frame), and user: a user-mode network
 *             stack on such a socket (lguest-slirp, our libslirp
 *             helper, or Debian's passt).
 */
#ifndef LGUEST_NET_H
#define LGUEST_NET_H

#include "args.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* The virtio-net header (virtio 1.x, so num_buffers is always there). */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};
#define VNET_HDR_LEN	12
#define VNET_HDR_F_NEEDS_CSUM	1
#define VNET_HDR_F_DATA_VALID	2
#define VNET_GSO_NONE		0
#define VNET_GSO_TCPV4		1
#define VNET_GSO_TCPV6		4
#define VNET_GSO_ECN		0x80

/* The largest frame we move: a 64 KiB TSO segment plus its headers. */
#define NET_FRAME_MAX	(65536 + 14 + 4)
/* The most pieces one frame comes in (a descriptor chain, and a header). */
#define NET_IOV_MAX	300

struct net_backend {
	const char *kind;	/* for messages: "tap tap0", "hub t", ... */
	char desc[128];
	int fd;			/* readable when a frame waits */
	bool vnet_hdr;		/* frames both ways start with a virtio_net_hdr */
	/* Send one frame (the header first when vnet_hdr): 0, or -1 and errno. */
	int (*send)(struct net_backend *b, const struct iovec *iov, int n);
	/*
	 * Receive one frame into buf: its length, 0 if none waits, or -1
	 * and errno when the backend is gone.
	 */
	ssize_t (*recv)(struct net_backend *b, void *buf, size_t len);
	/* Optional: the offloads the guest takes (tap), and the goodbye. */
	int (*offload)(struct net_backend *b, bool csum, bool tso4, bool tso6, bool ecn);
	void (*close)(struct net_backend *b);
	/* Optional: why the peer went, given recv()'s errno. */
	const char *(*gone)(struct net_backend *b, int err);
	void *priv;
	const uint8_t *mac;	/* the guest's, for backends that filter */
};

/*
 * Open the backend an --net argument asks for: 0, or -1 with a reason in
 * err that names the fix.  user needs the --forward list.
 */
int net_backend_open(const struct lg_net_arg *a, const struct lg_forward *fw,
		     unsigned int nfw, struct net_backend *b, char *err, size_t errlen);

/*
 * Complete a frame (linear, len bytes, the guest's) whose header asks for
 * offloads its backend cannot do (offload.c): fill in the checksum, or
 * cut the TCP segment into frames of gso_size bytes built in seg
 * (NET_FRAME_MAX bytes), and hand each whole frame to emit.  Returns 0 or
 * emit's non-zero return; or -1 with *why set when the header does not
 * describe the frame.
 */
int net_offload(const struct virtio_net_hdr *h, uint8_t *frame, size_t len, uint8_t *seg,
		int (*emit)(const uint8_t *f, size_t len, void *ctx), void *ctx, const char **why);

int tap_open(const struct lg_net_arg *a, struct net_backend *b, char *err, size_t errlen);
int hub_open(const struct lg_net_arg *a, struct net_backend *b, char *err, size_t errlen);
int stream_open(const struct lg_net_arg *a, const struct lg_forward *fw, unsigned int nfw,
		struct net_backend *b, char *err, size_t errlen);

#endif
