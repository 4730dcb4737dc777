// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's devices: which ones it gets (from the command line), where
 * (the device window and the guest's command line), and each device
 * access lg.ko hands us (LGUEST_EXIT_MMIO), passed to its device.
 */
#include "launcher.h"
#include "virtio/devices.h"
#include "disk/disk.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/*
 * Tour 430: The guest's devices
 *
 * Each device is one page of the device window, from DEV_WINDOW up, with
 * an irq of its own from DEV_IRQ_FIRST (0 is the clock, 1 the console).
 * The guest learns of them from its command line, one
 * "virtio_mmio.device=4K@<address>:<irq>" each, so Linux's own
 * virtio_mmio driver does the guest's side.
 */
#define DEV_WINDOW	0xd0000000u
#define DEV_IRQ_FIRST	2u
/* A 6.1 guest has 16 irqs; the last is the power button (LGUEST_POWER_IRQ). */
#define DEV_MAX		(LGUEST_POWER_IRQ - DEV_IRQ_FIRST)

static struct {
	const struct vdev_ops *ops;
	void *priv;
	uint64_t features;
} dev_plan[DEV_MAX];
static struct disk disks[LG_DISKS];
static struct nic nics[LG_NICS];
static struct share *shares[LG_SHARES];
static unsigned int nnics;
static unsigned int ndevs;
static struct vdev devs[DEV_MAX];
static struct guest_mem gmem;

/*
 * A MAC of our own (locally administered, unicast): from name= the same
 * every time, so a guest's DHCP lease and the host's ARP cache survive
 * a restart; otherwise random.
 */
static void make_mac(uint8_t mac[6], const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

	if (name) {
		for (const char *c = name; *c; c++)
			h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
	} else if (getrandom(&h, sizeof(h), 0) != sizeof(h)) {
		h = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ (uint64_t)time(NULL);
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
}

/* A hub's socket goes with us (one left by kill -9 is removed by the next sender). */
static void close_nics(void)
{
	for (unsigned int i = 0; i < nnics; i++)
		nic_close(&nics[i]);
}

/* kill PID ends us as cleanly as a poweroff, as far as others can see. */
static void on_term(int sig)
{
	close_nics();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * What devices the guest gets, from the command line: its disks first
 * (so the first is /dev/vda), its network cards (eth0, ...), then the
 * rest.  Images are opened and
 * locked here, before the host is asked for anything.
 */
void plan_devices(const struct lg_args *a)
{
	unsigned int want = a->ndisks + a->nnets + a->nshares + !a->no_rng;
	char err[4200];

	if (want > DEV_MAX)
		fail("%u devices asked for (disks, networks, shares and the rng); a guest has irqs for %u: give fewer, or --no-rng",
		     want, DEV_MAX);
	for (unsigned int i = 0; i < a->ndisks; i++) {
		const struct lg_disk_arg *da = &a->disks[i];
		bool overlay = da->snapshot || a->ephemeral;

		if (disk_open(&disks[i], da->path, da->ro, overlay,
			      da->serial[0] ? da->serial : NULL, err, sizeof(err)))
			fail("%s", err);
		note("disk %s: %llu MiB%s%s, serial '%s'", da->path,
		     (unsigned long long)(disks[i].size >> 20), da->ro ? ", read-only" : "",
		     overlay ? ", writes to a throwaway overlay" : "", disks[i].serial);
		dev_plan[ndevs].ops = &virtio_blk_ops;
		dev_plan[ndevs].priv = &disks[i];
		dev_plan[ndevs++].features = da->ro ? 1ull << VIRTIO_BLK_F_RO : 0;
	}
	for (unsigned int i = 0; i < a->nnets; i++) {
		struct lg_net_arg na = a->nets[i];
		uint64_t features;

		if (!na.has_mac)
			make_mac(na.mac, na.name);
		if (nic_init(&nics[i], &na, a->forwards, a->nforwards, &features, err, sizeof(err)))
			fail("%s", err);
		nnics++;
		note("network %u: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x", i, nics[i].be.desc,
		     na.mac[0], na.mac[1], na.mac[2], na.mac[3], na.mac[4], na.mac[5]);
		dev_plan[ndevs].ops = &virtio_net_ops;
		dev_plan[ndevs].priv = &nics[i];
		dev_plan[ndevs++].features = features;
	}
	if (nnics) {
		atexit(close_nics);
		signal(SIGTERM, on_term);
		signal(SIGHUP, on_term);
	}
	for (unsigned int i = 0; i < a->nshares; i++) {
		const struct lg_share_arg *sa = &a->shares[i];

		shares[i] = calloc(1, sizeof(*shares[i]));
		if (!shares[i])
			fail("out of memory for --share=%s", sa->dir);
		if (p9_open(&shares[i]->srv, sa->dir, sa->ro, err, sizeof(err)))
			fail("%s", err);
		strcpy(shares[i]->tag, sa->tag);
		note("share %s: tag '%s'%s (in the guest: mount -t 9p -o trans=virtio %s DIR)",
		     sa->dir, sa->tag, sa->ro ? ", read-only" : "", sa->tag);
		dev_plan[ndevs].ops = &virtio_9p_ops;
		dev_plan[ndevs++].priv = shares[i];
	}
	if (!a->no_rng)
		dev_plan[ndevs++].ops = &virtio_rng_ops;
}

/* The guest's half of the story: where each device is, on its command line. */
void devices_cmdline(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < ndevs && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%svirtio_mmio.device=4K@0x%x:%u",
					 i ? " " : "", DEV_WINDOW + 4096 * i, DEV_IRQ_FIRST + i);
	if (used >= len)
		fail("the devices' part of the kernel command line is longer than %zu bytes",
		     len - 1);
}

void start_devices(int lfd, uint8_t *ram, uint64_t mem)
{
	gmem = (struct guest_mem){ ram, mem };
	for (unsigned int i = 0; i < ndevs; i++) {
		if (vdev_create(&devs[i], dev_plan[i].ops, dev_plan[i].priv, &gmem,
				DEV_WINDOW + 4096 * i, DEV_IRQ_FIRST + i, lfd))
			fail("cannot start the %s device: %s", dev_plan[i].ops->name,
			     strerror(errno));
		devs[i].features = dev_plan[i].features;
		note("%s at 0x%08x, irq %u", dev_plan[i].ops->name, DEV_WINDOW + 4096 * i,
		     DEV_IRQ_FIRST + i);
	}
}

/*
 * Tour 480: A device access, answered
 *
 * LGUEST_EXIT_MMIO: the guest kernel read or wrote one of our devices'
 * registers.  A write is done already; a read waits in the guest until
 * LHREQ_MMIO_DONE brings its value.
 */
void mmio_exit(int lfd, const struct lguest_exit *e)
{
	uint32_t gpa = e->arg[0], size = e->arg[1], off = gpa - DEV_WINDOW;
	struct vdev *d = off / 4096 < ndevs ? &devs[off / 4096] : NULL;
	uint32_t req[2] = { LHREQ_MMIO_DONE, 0 };

	/* lg.ko only lets accesses inside the window we declared through. */
	if (!d)
		fail("lg.ko reported a device access at 0x%08x, outside our devices", gpa);
	if (e->arg[2]) {
		vdev_write(d, off % 4096, size, e->arg[3]);
		return;
	}
	req[1] = vdev_read(d, off % 4096, size);
	if (write(lfd, req, sizeof(req)) != (ssize_t)sizeof(req))
		fail("cannot complete the guest's device read (LHREQ_MMIO_DONE): %s",
		     strerror(errno));
}

/* The device window LHREQ_INITIALIZE declares: a page per device. */
void devices_window(uint32_t *base, uint32_t *size)
{
	*base = ndevs ? DEV_WINDOW : 0;
	*size = 4096 * ndevs;
}
