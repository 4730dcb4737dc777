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

#endif
