// SPDX-License-Identifier: GPL-2.0
/*
 * v9p: a tiny driver of the launcher's virtio-9p (run with --no-rng and
 * one --share, so the share is the first device), speaking 9P2000.L by
 * hand the way a hostile guest would.  The share (tests/e2e/guests.sh)
 * holds "file" and symlinks out of it to a secret beside it: relative,
 * absolute, through /proc/self/root, and a directory.  Every way out must
 * be refused: ".." stays at the top, names with '/' are refused, symlinks
 * are never followed, the secret never comes back in any reply.
 * Malformed messages (cut short, sizes that lie, strings past the end,
 * unknown types, more fids than allowed) each get an error reply; a
 * request with no room for any reply stops the device until a reset; and
 * afterwards the share works as before.
 */
#include "vdrv.h"

static struct desc desc[NUM] __attribute__((aligned(16)));
static struct { unsigned short flags, idx, ring[NUM], used_event; } avail __attribute__((aligned(4)));
static struct { unsigned short flags, idx; struct { u32 id, len; } ring[NUM]; unsigned short avail_event; }
	used __attribute__((aligned(4)));
static unsigned char req[8192], resp[8192];
static u32 at, leaks;

static int setup(void)
{
	wr(STATUS, 0);
	avail.idx = 0;
	used.idx = 0;
	wr(STATUS, S_ACK | S_DRIVER);
	wr(DRV_FEAT_SEL, 1);
	wr(DRV_FEAT, 1);			/* VERSION_1 */
	wr(DRV_FEAT_SEL, 0);
	wr(DRV_FEAT, 1);			/* MOUNT_TAG */
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(STATUS) & S_FEATURES_OK))
		return 0;
	wr(QUEUE_SEL, 0);
	wr(QUEUE_NUM, NUM);
	wr(DESC_LO, (u32)desc);
	wr(DESC_HI, 0);
	wr(AVAIL_LO, (u32)&avail);
	wr(AVAIL_HI, 0);
	wr(USED_LO, (u32)&used);
	wr(USED_HI, 0);
	wr(QUEUE_READY, 1);
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return !(rd(STATUS) & S_NEEDS_RESET);
}

static u32 kick(void)
{
	avail.ring[avail.idx % NUM] = 0;
	asm volatile("" ::: "memory");
	avail.idx++;
	wr(QUEUE_NOTIFY, 0);
	for (unsigned int i = 0; i < 100000; i++) {
		u32 isr = rd(INT_STATUS);

		if (isr) {
			wr(INT_ACK, isr);
			return isr;
		}
	}
	return 0;
}

/* Building a T-message in req. */
static void put(u64 v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		req[at++] = (unsigned char)(v >> (8 * i));
}

static void str(const char *s)
{
	unsigned int n = 0;

	while (s[n])
		n++;
	put(n, 2);
	for (unsigned int i = 0; i < n; i++)
		req[at++] = (unsigned char)s[i];
}

static void begin(unsigned int type)
{
	at = 4;
	put(type, 1);
	put(0x1234, 2);
}

static u32 le(const unsigned char *p, unsigned int n)
{
	u32 v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (u32)p[i] << (8 * i);
	return v;
}

static int contains(const unsigned char *p, u32 len, const char *s)
{
	for (u32 i = 0; i < len; i++) {
		unsigned int j = 0;

		while (s[j] && i + j < len && p[i + j] == (unsigned char)s[j])
			j++;
		if (!s[j])
			return 1;
	}
	return 0;
}

/* Send req (its size field set to size, or to its length if 0), with room for the reply. */
static u32 send_sized(u32 size, u32 room)
{
	u32 len = at;

	if (!size)
		size = len;
	req[0] = (unsigned char)size;
	req[1] = (unsigned char)(size >> 8);
	req[2] = (unsigned char)(size >> 16);
	req[3] = (unsigned char)(size >> 24);
	for (unsigned int i = 0; i < sizeof(resp); i++)
		resp[i] = 0;
	desc[0] = (struct desc){ (u32)req, len, F_NEXT, 1 };
	desc[1] = (struct desc){ (u32)resp, room, F_WRITE, 0 };
	if (kick() != 1)
		return 0;
	len = used.ring[(unsigned short)(used.idx - 1) % NUM].len;
	leaks += contains(resp, sizeof(resp), "V9P-SECRET");
	return len;
}

static u32 send(void)
{
	return send_sized(0, sizeof(resp));
}

/* The reply's type, and its errno when it is an Rlerror. */
#define RTYPE	resp[4]
#define RERR	le(resp + 7, 4)
#define RLERROR	7

static void walk(u32 fid, u32 newfid, unsigned int n, const char *const *names)
{
	begin(110);
	put(fid, 4);
	put(newfid, 4);
	put(n, 2);
	for (unsigned int i = 0; i < n; i++)
		str(names[i]);
	send();
}

static void fid_op(unsigned int type, u32 fid)
{
	begin(type);
	put(fid, 4);
	if (type == 12)		/* Tlopen: read-only */
		put(0, 4);
	send();
}

static void read_fid(u32 fid)
{
	begin(116);
	put(fid, 4);
	put(0, 8);
	put(4096, 4);
	send();
}

static void version(void)
{
	begin(100);
	put(131072, 4);
	str("9P2000.L");
	send();
}

static void attach(u32 fid)
{
	begin(104);
	put(fid, 4);
	put(0xffffffffu, 4);
	str("hostile");
	str("");
	put(0, 4);
	send();
}

/* A walk from the root to names that must not yield a fid to open. */
static void no_way(const char *what, unsigned int n, const char *const *names, u32 newfid)
{
	u32 type, err, nwqid;

	walk(1, newfid, n, names);
	type = RTYPE;
	err = RERR;
	nwqid = le(resp + 7, 2);
	fid_op(12, newfid);
	if (RTYPE == RLERROR && RERR == 9) {
		ok(1, "%s: the walk stops short (%s %u), no fid", what,
		   type == RLERROR ? "errno" : "nwqid", type == RLERROR ? err : nwqid);
	} else {
		ok(RTYPE == RLERROR && RERR == 40, "%s: walks to the symlink itself, which does not open (type %u, errno %u)",
		   what, RTYPE, RERR);
		read_fid(newfid);
	}
}

static void works(const char *after)
{
	static const char *const file[] = { "file" };

	ok(setup(), "after %s: the device sets up", after);
	version();
	ok(RTYPE == 101 && contains(resp, 64, "9P2000.L") && le(resp + 7, 4) <= 131072,
	   "after %s: Tversion gives 9P2000.L, msize %u", after, le(resp + 7, 4));
	attach(1);
	ok(RTYPE == 105, "after %s: Tattach (type %u)", after, RTYPE);
	walk(1, 2, 1, file);
	fid_op(12, 2);
	read_fid(2);
	ok(RTYPE == 117 && contains(resp + 11, le(resp + 7, 4), "share-file"),
	   "after %s: walk, open and read \"file\" (type %u, %u bytes)", after, RTYPE, le(resp + 7, 4));
	fid_op(120, 2);
}

void guest_main(void)
{
	static const char *const dotdot[] = { ".." }, *const out3[] = { "..", "outside", "secret" },
		*const slash[] = { "../outside" }, *const up[] = { "up" }, *const abs[] = { "abs" },
		*const magic[] = { "magic" }, *const updir[] = { "updir", "secret" },
		*const evil[] = { "evil", "etc" };
	u32 rootq, n, room;
	char tag[8];

	lg_init();
	set_all_traps();
	map_window();
	ok(rd(MAGIC) == 0x74726976 && rd(DEVICE_ID) == 9, "the first device is virtio-9p (id %u)",
	   rd(DEVICE_ID));
	wr(DEV_FEAT_SEL, 0);
	ok(rd(DEV_FEAT) & 1, "it offers VIRTIO_9P_MOUNT_TAG");
	for (unsigned int i = 0; i < 8; i += 4) {
		u32 w = rd(0x102 + i);

		for (unsigned int j = 0; j < 4; j++)
			tag[i + j] = (char)(w >> (8 * j));
	}
	ok((rd(0x100) & 0xffff) == 7 && contains((unsigned char *)tag, 8, "hostile"),
	   "its tag is the one given (length %u)", rd(0x100) & 0xffff);
	works("a fresh start");

	/* The share's root, to compare ".." with. */
	begin(24);
	put(1, 4);
	put(0x7ff, 8);
	send();
	rootq = le(resp + 7 + 8 + 5, 4);
	walk(1, 3, 1, dotdot);
	ok(RTYPE == 111 && le(resp + 7, 2) == 1 && le(resp + 9 + 5, 4) == rootq,
	   "\"..\" from the top is the top (qid path 0x%x, the top's 0x%x)", le(resp + 9 + 5, 4), rootq);
	no_way("\"..\", \"outside\", \"secret\"", 3, out3, 4);
	walk(1, 5, 1, slash);
	ok(RTYPE == RLERROR && RERR == 2, "a name with '/' in it: ENOENT (errno %u)", RERR);
	no_way("a relative symlink out", 1, up, 6);
	no_way("an absolute symlink", 1, abs, 7);
	no_way("a /proc/self/root symlink", 1, magic, 8);
	no_way("a symlinked directory out", 2, updir, 9);
	begin(16);			/* Tsymlink evil -> / in the top */
	put(1, 4);
	str("evil");
	str("/");
	put(0, 4);
	send();
	ok(RTYPE == 17, "a symlink to / may be made (type %u, errno %u)", RTYPE, RERR);
	no_way("through a symlink to / just made", 2, evil, 10);
	begin(14);			/* Tlcreate "../escaped" */
	put(1, 4);
	str("../escaped");
	put(2, 4);
	put(0644, 4);
	put(0, 4);
	send();
	ok(RTYPE == RLERROR && RERR == 22, "creating \"../escaped\": EINVAL (errno %u)", RERR);
	begin(74);			/* Trenameat file -> ../moved */
	put(1, 4);
	str("file");
	put(1, 4);
	str("../moved");
	send();
	ok(RTYPE == RLERROR && RERR == 22, "renaming to \"../moved\": EINVAL (errno %u)", RERR);

	/* Malformed messages: each an error reply. */
	at = 7;
	req[4] = 100;
	req[5] = 1;
	req[6] = 0;
	at = 3;
	n = send();
	ok(n == 11 && RTYPE == RLERROR, "3 bytes, no header: Rlerror (%u bytes, type %u)", n, RTYPE);
	begin(104);
	put(20, 4);
	n = send_sized(1000, sizeof(resp));
	ok(RTYPE == RLERROR && RERR == 22, "a size field that lies: EINVAL (errno %u)", RERR);
	begin(110);
	put(1, 4);
	put(11, 4);
	put(1, 2);
	put(5000, 2);
	put(0x41414141, 4);
	send();
	ok(RTYPE == RLERROR && RERR == 22, "a name longer than the message: EINVAL (errno %u)", RERR);
	begin(0xee);
	send();
	ok(RTYPE == RLERROR && RERR == 95, "an unknown type: EOPNOTSUPP (errno %u)", RERR);
	begin(110);
	put(1, 4);
	put(12, 4);
	put(17, 2);
	for (int i = 0; i < 17; i++)
		str("a");
	send();
	ok(RTYPE == RLERROR && RERR == 22, "17 names in one walk: EINVAL (errno %u)", RERR);
	begin(118);			/* Twrite of 4000 bytes with 4 given */
	put(2, 4);
	put(0, 8);
	put(4000, 4);
	put(0, 4);
	send();
	ok(RTYPE == RLERROR, "a write whose count is past its data: refused (errno %u)", RERR);
	walk(1, 2, 1, (const char *const[]){ "file" });
	fid_op(12, 2);
	begin(116);
	put(2, 4);
	put(0, 8);
	put(0xffffffffu, 4);
	room = 16;
	n = send_sized(0, room);
	ok(n <= room && RTYPE == 117 && le(resp + 7, 4) <= room - 11,
	   "a read of 4 GiB into 16 bytes of room: %u bytes back", n);
	/* More fids than a guest may hold: the server says so, and lives. */
	for (n = 100; n < 2200; n++) {
		walk(1, n, 0, NULL);
		if (RTYPE == RLERROR)
			break;
	}
	ok(n < 2200 && RERR == 23, "fids run out at %u with ENFILE (errno %u)", n, RERR);
	for (u32 f = 100; f < n; f++)
		fid_op(120, f);
	/* No room for any reply: the device stops until a reset. */
	begin(100);
	put(8192, 4);
	str("9P2000.L");
	n = at;
	desc[0] = (struct desc){ (u32)req, n, 0, 0 };
	ok(kick() & 2 && rd(STATUS) & S_NEEDS_RESET,
	   "a request with nowhere to answer: the device needs a reset (status 0x%x)", rd(STATUS));
	works("a reset");
	ok(!leaks, "the secret beside the share never came back (%u replies had it)", leaks);
	finish();
}
