/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 30: What the command line says
 *
 * Command-line parsing for the lguest launcher: pure functions, unit-tested.
 */
#ifndef LGUEST_ARGS_H
#define LGUEST_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest memory limits: the guest's RAM lives in this 32-bit process. */
#define LG_MEM_MIN	(1ULL << 20)
#define LG_MEM_MAX	(2ULL << 30)
/* Enough for the default guest: its kernel, initramfs and a shell. */
#define LG_MEM_DEFAULT	(128ULL << 20)

/* --disk=FILE[,ro][,snapshot][,serial=ID], at most LG_DISKS of them. */
#define LG_DISKS	8
#define LG_SERIAL_MAX	20	/* virtio-blk's serial number */
struct lg_disk_arg {
	const char *path;
	bool ro;
	bool snapshot;		/* writes go to a throwaway overlay */
	char serial[LG_SERIAL_MAX + 1];	/* "": the file's name */
};

/*
 * --net=KIND[:WHAT][,mac=MAC][,name=NAME], at most LG_NICS of them
 * (net/net.h says what each kind is).  --tunnet=IP and
 * --tunnet=bridge:BR are the old lguest's names for tap and bridge.
 */
#define LG_NICS		4
enum lg_net_kind {
	LG_NET_TAP,		/* tap:IFNAME (an existing tap), or tap (a new one) */
	LG_NET_BRIDGE,		/* bridge:BR: a new tap, attached to BR */
	LG_NET_HUB,		/* hub:NAME: guests of one user, one segment */
	LG_NET_USER,		/* user[:slirp|:passt]: NAT through a helper */
	LG_NET_STREAM,		/* stream:PATH: a QEMU-framed unix socket */
	LG_NET_FD,		/* fd:N: the same, on an inherited fd */
};
struct lg_net_arg {
	enum lg_net_kind kind;
	const char *what;	/* IFNAME, BR, NAME or PATH; "" for a new tap */
	int fd;			/* fd:N */
	bool has_mac;
	uint8_t mac[6];
	const char *name;	/* name=: a stable MAC derived from it */
	const char *tunnet_ip;	/* --tunnet=IP: the new tap's host address */
};

/*
 * --share=DIR[,tag=TAG][,ro], at most LG_SHARES of them: the guest mounts
 * DIR with "mount -t 9p -o trans=virtio TAG MOUNTPOINT".  The tag is DIR's
 * last name unless given (or "shareN" when that is no tag).
 */
#define LG_SHARES		8
#define LG_SHARE_TAG_MAX	64
struct lg_share_arg {
	const char *dir;
	char tag[LG_SHARE_TAG_MAX + 1];
	bool ro;
};

/* --forward=tcp|udp:HOSTPORT:GUESTPORT, for the user network. */
#define LG_FORWARDS	16
struct lg_forward {
	bool udp;
	uint16_t host_port, guest_port;
};

/*
 * --name=NAME: what "lguest list", "stop" and "console" call the guest
 * (letters, digits, '.', '_' and '-'; not starting with '.').
 */
#define LG_NAME_MAX		32
bool lg_name_ok(const char *name);

struct lg_args {
	uint64_t mem;		/* guest RAM in bytes */
	const char *vmlinux;	/* NULL: the installed default guest */
	const char *initrd;	/* NULL: none */
	bool verbose;
	bool reboot_exit;	/* --reboot-exit: a guest restart ends us (status 2) */
	bool no_rng;		/* --no-rng: no virtio-rng device */
	bool ephemeral;		/* -x: every disk gets a snapshot overlay */
	struct lg_disk_arg disks[LG_DISKS];
	unsigned int ndisks;
	char diskspec[LG_DISKS][4096];	/* the --disk arguments, split in place */
	struct lg_net_arg nets[LG_NICS];
	unsigned int nnets;
	char netspec[LG_NICS][512];	/* the --net arguments, split in place */
	struct lg_share_arg shares[LG_SHARES];
	unsigned int nshares;
	char sharespec[LG_SHARES][4096];	/* the --share arguments, split in place */
	struct lg_forward forwards[LG_FORWARDS];
	unsigned int nforwards;
	char name[LG_NAME_MAX + 1];	/* --name: "" for the default (guest-PID) */
	bool detach;		/* --detach: run in the background */
	const char *user;	/* --user: who runs the guest once set up (root only) */
	const char *chroot;	/* --chroot: where (root only) */
	bool help;
	bool version;
	char cmdline[2048];	/* kernel arguments, space-separated */
};

/*
 * parse_mem: "64m", "512M", "1g", "1G" or a plain number of MiB.  Returns
 * 0 and the size in bytes, or -1 with a reason in err.
 */
int parse_mem(const char *s, uint64_t *bytes, char *err, size_t errlen);

/*
 * parse_args: fill *a from argv.  Returns 0, or -1 with a one-line reason
 * in err (the caller prints usage).  --help/--version set a flag and
 * succeed without requiring the positional arguments.
 */
int parse_args(int argc, char *argv[], struct lg_args *a, char *err,
	       size_t errlen);

/*
 * parse_disk: one --disk argument ("FILE[,ro][,snapshot][,serial=ID]")
 * into *d, using buf (4096 bytes) for the file name.  0, or -1 and err.
 */
int parse_disk(const char *s, struct lg_disk_arg *d, char *buf, char *err,
	       size_t errlen);

/*
 * parse_net: one --net argument into *n, using buf (512 bytes) for its
 * strings.  0, or -1 and err (which lists the valid forms).
 */
int parse_net(const char *s, struct lg_net_arg *n, char *buf, char *err, size_t errlen);

/*
 * parse_share: one --share argument ("DIR[,tag=TAG][,ro]") into *sh, as
 * the index'th share, using buf (4096 bytes) for the directory's name.
 * 0, or -1 and err.
 */
int parse_share(const char *s, unsigned int index, struct lg_share_arg *sh, char *buf,
		char *err, size_t errlen);

/*
 * A guest's configuration file (--config=FILE, the systemd unit's
 * /etc/lguest/NAME.conf): one setting a line, "key=value" or "key", where
 * a key is a long option without its "--" (disk=..., net=..., share=...,
 * user=..., ...) or one of memory=, kernel= and cmdline= (the <mem>,
 * <vmlinux> and kernel arguments); '#' starts a comment line.
 * config_argv() makes argv (argv[0], the file's options, the rest of
 * args' options, then the positional arguments: the command line's if it
 * has any, else the file's) in out[] (max entries, strings in buf of
 * buflen).  The count, or -1 and err naming the file's line.
 */
int config_argv(const char *path, int argc, char *argv[], char **out, int max, char *buf,
		size_t buflen, char *err, size_t errlen);

/* parse_forward: "tcp:HOSTPORT:GUESTPORT" or "udp:...".  0, or -1 and err. */
int parse_forward(const char *s, struct lg_forward *f, char *err, size_t errlen);

#endif
