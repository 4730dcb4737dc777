// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 10: lguest, the launcher
 *
 * A guest's life starts here.  We check the command line and the guest's
 * vmlinux, give the guest memory out of our own address space, load the
 * kernel into it and hand it to the host module through /dev/lguest.
 *
 * A Linux guest finds what a boot loader would give it at %esi: a
 * boot_params page (the x86 boot protocol's "zero page") with the memory
 * map, the command line and the initrd, and hardware_subarch set to
 * X86_SUBARCH_LGUEST so it takes the lguest way in (no bzImage: its
 * decompressor cannot run in ring 1).  Its console is ours: output comes
 * back as exits of read(), input goes in through LHCALL_CONSOLE_READ and
 * an interrupt a second thread raises when our stdin has something.
 *
 * Exit status (also in --help and docs/launcher.md):
 *   0  the guest powered off cleanly
 *   1  the guest could not be started (bad arguments, bad vmlinux or
 *      initrd, /dev/lguest missing or refused us)
 *   2  the guest asked to restart and --reboot-exit was given (without
 *      it the launcher starts the guest again in place)
 *   3  the guest was killed; the reason is printed
 *   4  the guest kernel panicked; its message is printed
 */
#include "args.h"
#include "boot.h"
#include "elfload.h"
#include "virtio/devices.h"
#include "disk/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#include <lguest_abi.h>

/* The tests build a launcher that claims another ABI (lguest-wrongabi). */
#ifndef LG_ABI_SENT
#define LG_ABI_SENT LGUEST_ABI_VERSION
#endif

/*
 * Where the lguest-guest package puts the default guest: vmlinux for a
 * non-PAE host, vmlinux-pae for a PAE one, and the initramfs both boot.
 * The build sets it from its PREFIX.
 */
#ifndef LGUEST_GUESTDIR
#define LGUEST_GUESTDIR "/usr/lib/lguest"
#endif

enum {
	EXIT_POWEROFF = 0,
	EXIT_SETUP = 1,
	EXIT_RESTART = 2,
	EXIT_KILLED = 3,
	EXIT_PANIC = 4,
};

static int verbose;

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
#define DEV_MAX		(16u - DEV_IRQ_FIRST)	/* a 6.1 guest has 16 irqs */

static struct {
	const struct vdev_ops *ops;
	void *priv;
	uint64_t features;
} dev_plan[DEV_MAX];
static struct disk disks[LG_DISKS];
static unsigned int ndevs;
static struct vdev devs[DEV_MAX];
static struct guest_mem gmem;

static _Noreturn void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fputs("lguest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_SETUP);
}

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	fputs("lguest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: lguest [options] [<mem> [<vmlinux> [kernel args...]]]\n"
		"Run <vmlinux> (an uncompressed 32-bit lguest guest kernel) as a\n"
		"guest with <mem> of RAM: 64m, 512M, 1g or a plain number of MiB\n"
		"(default 128m).  Without <vmlinux>, run the default guest from\n"
		LGUEST_GUESTDIR " (package lguest-guest) with its initramfs.\n"
		"\n"
		"Options:\n"
		"  -i, --initrd=FILE  give the guest FILE as its initial ramdisk\n"
		"  -r, --reboot-exit  exit (status 2) when the guest restarts, instead\n"
		"                     of starting it again\n"
		"  --disk=FILE[,ro][,snapshot][,serial=ID]\n"
		"                     give the guest FILE (a raw image) as a virtio\n"
		"                     disk: /dev/vda, vdb, ... in order (repeatable;\n"
		"                     --block=FILE too).  ro: read-only; snapshot:\n"
		"                     writes go to a throwaway overlay\n"
		"  -x, --ephemeral    every disk gets a throwaway overlay: images are\n"
		"                     never written, nothing is left behind\n"
		"      --no-rng       no virtio-rng device (the guest gets one by\n"
		"                     default, fed from the host's getrandom())\n"
		"  -v, --verbose      say what the launcher does\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version and ABI\n"
		"\n"
		"The guest's command line starts with '" DEFAULT_CMDLINE "';\n"
		"its console is this terminal.\n"
		"\n"
		"Exit status: 0 guest powered off, 1 guest could not be started,\n"
		"2 guest restarted (with --reboot-exit), 3 guest was killed (reason\n"
		"printed), 4 guest kernel panicked.\n");
}

/* Map the guest's RAM: it is simply part of our address space. */
static uint8_t *map_guest_memory(uint64_t mem)
{
	void *p = mmap(NULL, (size_t)mem, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		fail("cannot map %llu MiB of guest memory: %s",
		     (unsigned long long)(mem >> 20), strerror(errno));
	return p;
}

static void load_segments(int fd, const char *name, const struct lg_image *img,
			  uint8_t *ram, uint64_t mem)
{
	char err[512];

	for (unsigned int i = 0; i < img->nseg; i++) {
		if (boot_load_segment(fd, name, img, i, ram, mem, err, sizeof(err)))
			fail("%s", err);
		note("loaded %s segment %u at guest-physical 0x%08x (%u bytes)",
		     name, i, img->seg[i].paddr, img->seg[i].memsz);
	}
}

/*
 * The group name of gid, read from /etc/group by hand: this launcher is
 * static, and glibc's getgrgid() cannot load NSS modules there.
 */
static const char *group_name(gid_t gid, char *buf, size_t len)
{
	FILE *f = fopen("/etc/group", "re");
	char line[1024];

	snprintf(buf, len, "%u", (unsigned int)gid);
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {
		char *name = strtok(line, ":"), *id;

		if (!name || !strtok(NULL, ":") || !(id = strtok(NULL, ":")))
			continue;
		if (strtoul(id, NULL, 10) == gid) {
			snprintf(buf, len, "%s", name);
			break;
		}
	}
	fclose(f);
	return buf;
}

/* Tell a user who may not use /dev/lguest how to get in. */
static _Noreturn void permission_denied(const char *dev)
{
	struct stat st;
	char grp[64];

	if (stat(dev, &st) != 0 || st.st_gid == 0)
		fail("permission denied opening %s: only root may run guests here (ls -l %s)",
		     dev, dev);
	group_name(st.st_gid, grp, sizeof(grp));
	fail("permission denied opening %s: only root and members of group '%s' may run guests; ask an administrator to run 'adduser %s %s', then log in again",
	     dev, grp, getenv("USER") ? getenv("USER") : "<you>", grp);
}

/* A limit lg.ko enforces, from its module parameters, or "?" */
static const char *lg_param(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/lg/parameters/%s", name);
	snprintf(buf, len, "?");
	f = fopen(path, "re");
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
	return buf;
}

/*
 * Tour 90: Opening /dev/lguest
 *
 * The one door into the host.  It is root:lguest 0660, so a user who may
 * not open it gets told which group to join rather than a bare EACCES.
 */
static int open_lguest(void)
{
	const char *dev = "/dev/" LGUEST_DEVICE_NAME;
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	char lim[32];

	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
		fail("%s does not exist: the lg module is not loaded (try 'modprobe lg')", dev);
	case ENXIO:
	case ENODEV:
		fail("%s has no driver behind it: the lg module is not loaded (try 'modprobe lg')", dev);
	case EACCES:
	case EPERM:
		permission_denied(dev);
	case EMFILE:
		fail("cannot open %s: this user has %s guests open already, the most the host allows (lg module parameter max_guests); stop one, or ask an administrator to raise it",
		     dev, lg_param("max_guests", lim, sizeof(lim)));
	default:
		fail("cannot open %s: %s", dev, strerror(errno));
	}
}

/*
 * Load the initrd near the top of (low) guest memory, clear of the
 * kernel, as a boot loader would.  Returns its guest-physical address.
 */
static uint32_t load_initrd(const char *name, uint8_t *ram, uint64_t mem,
			    const struct lg_image *img, uint32_t *size)
{
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	uint32_t gpa;
	char err[512];

	if (fd < 0)
		fail("cannot open initrd %s: %s", name, strerror(errno));
	if (boot_load_initrd(fd, name, ram, mem, img, &gpa, size, err, sizeof(err)))
		fail("%s", err);
	close(fd);
	note("loaded initrd %s at guest-physical 0x%08llx (%u bytes)", name,
	     (unsigned long long)gpa, *size);
	return gpa;
}

/*
 * What devices the guest gets, from the command line: its disks first
 * (so the first is /dev/vda), then the rest.  Images are opened and
 * locked here, before the host is asked for anything.
 */
static void plan_devices(const struct lg_args *a)
{
	char err[4200];

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
	if (!a->no_rng)
		dev_plan[ndevs++].ops = &virtio_rng_ops;
}

/* The guest's half of the story: where each device is, on its command line. */
static void devices_cmdline(char *buf, size_t len)
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

static void start_devices(int lfd, uint8_t *ram, uint64_t mem)
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
static void mmio_exit(int lfd, const struct lguest_exit *e)
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

/*
 * The boot_params page a Linux guest reads at entry (%esi).  Returns its
 * guest-physical address, or 0 if the image uses that memory itself (a
 * guest that is not Linux, which has no use for it).
 */
static uint32_t setup_boot_params(uint8_t *ram, uint64_t mem,
				  const struct lg_image *img,
				  const struct lg_args *a)
{
	uint32_t initrd = 0, initrd_size = 0;
	char err[512], devices[GUEST_CMDLINE_MAX];

	if (!boot_params_fit(mem, img)) {
		if (a->initrd)
			fail("--initrd given, but %s uses the memory where its boot parameters would go",
			     a->vmlinux);
		return 0;
	}
	if (a->initrd)
		initrd = load_initrd(a->initrd, ram, mem, img, &initrd_size);
	devices_cmdline(devices, sizeof(devices));
	if (boot_write_params(ram, mem, devices, a->cmdline, getenv("LGUEST_RESTARTS"),
			      initrd, initrd_size, err, sizeof(err)))
		fail("%s", err);
	note("boot parameters at 0x%08x, command line '%s'", BOOT_PARAMS_GPA,
	     (char *)ram + CMDLINE_GPA);
	return BOOT_PARAMS_GPA;
}

/*
 * Tour 225: Console input
 *
 * A thread reads our stdin into a buffer and raises the
 * console interrupt; the guest then asks for the bytes (an exit of
 * read(), handled in run_guest()).
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t room;
	char buf[4096];
	size_t len;
	int lfd;
} input = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, -1 };

/* Tell the guest there is console input: LHREQ_IRQ, from any thread. */
static bool raise_console_irq(int lfd)
{
	uint32_t irq[2] = { LHREQ_IRQ, LGUEST_CONSOLE_IRQ };

	return write(lfd, irq, sizeof(irq)) == (ssize_t)sizeof(irq);
}

static void *input_thread(void *arg)
{
	char buf[256];

	(void)arg;
	for (;;) {
		ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return NULL;
		pthread_mutex_lock(&input.lock);
		while (input.len + (size_t)r > sizeof(input.buf))
			pthread_cond_wait(&input.room, &input.lock);
		memcpy(input.buf + input.len, buf, (size_t)r);
		input.len += (size_t)r;
		pthread_mutex_unlock(&input.lock);
		if (!raise_console_irq(input.lfd))
			return NULL;
	}
}

/*
 * Tour 410: Console input, handed over
 *
 * LGUEST_EXIT_CONSOLE_READ: the guest's console driver asked for input
 * (LHCALL_CONSOLE_READ) and the host handed the question to us with the
 * place of its struct lguest_console_input.  We fill it with what the
 * input thread has gathered, as much as fits, and the guest runs on.
 * What does not fit waits: if anything is left, the console interrupt is
 * raised again, so the guest comes back for it without a new keystroke.
 */
static void console_read(uint8_t *ram, uint64_t mem, uint32_t gpa, uint32_t size)
{
	struct lguest_console_input *in;
	size_t n, left;

	if (size < sizeof(*in) || gpa > mem || size > mem - gpa)
		fail("lg.ko asked for console input into a bad buffer (0x%08x, %u bytes)",
		     gpa, size);
	in = (struct lguest_console_input *)(ram + gpa);
	pthread_mutex_lock(&input.lock);
	n = input.len < size - sizeof(*in) ? input.len : size - sizeof(*in);
	memcpy(in->data, input.buf, n);
	memmove(input.buf, input.buf + n, input.len - n);
	input.len -= n;
	left = input.len;
	pthread_cond_signal(&input.room);
	pthread_mutex_unlock(&input.lock);
	in->len = (uint32_t)n;
	if (left)
		raise_console_irq(input.lfd);
}

/* A terminal on stdin becomes the guest's: raw, until we exit. */
static struct termios saved_tio;
static bool tty_saved;

static void restore_terminal(void)
{
	if (tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

static void start_console_input(int lfd)
{
	pthread_t t;

	input.lfd = lfd;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
		struct termios raw = saved_tio;

		/* The guest echoes and edits lines; ^C goes to it too. */
		raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
		raw.c_iflag &= ~(ICRNL | IXON);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
			tty_saved = true;
			atexit(restore_terminal);
		}
	}
	if (pthread_create(&t, NULL, input_thread, NULL) != 0)
		fail("cannot start the console input thread");
	pthread_detach(t);
}

/*
 * Tour 100: LHREQ_INITIALIZE
 *
 * Hand the guest to the host module: one write() of struct lguest_init
 * (lguest_abi.h) says where its memory is in our address space, where it
 * starts and which page tables it uses.  Each way lg.ko can refuse gets a
 * message that says what to do about it.
 */
static void init_guest(int lfd, uint8_t *ram, uint64_t mem, uint32_t entry,
		       unsigned int paging, uint32_t boot_esi)
{
	struct lguest_init init = {
		.req = LHREQ_INITIALIZE,
		.abi_version = LG_ABI_SENT,
		.mem_base = (uint32_t)(uintptr_t)ram,
		.mem_size = (uint32_t)mem,
		.entry = entry,
		.boot_esi = boot_esi,
		.flags = paging == 3 ? LGUEST_INIT_PAE :
			 paging == 2 ? LGUEST_INIT_NOPAE : 0,
		.mmio_base = ndevs ? DEV_WINDOW : 0,
		.mmio_size = 4096 * ndevs,
	};

	if (entry >= mem)
		fail("entry point 0x%08x is outside the guest's memory", entry);
	if (write(lfd, &init, sizeof(init)) == (ssize_t)sizeof(init))
		return;
	if (errno == ENOEXEC)
		fail("this guest uses %s page tables and this host's kernel does not: run it on a%s host kernel",
		     paging == 3 ? "PAE" : "2-level (non-PAE)",
		     paging == 3 ? " -pae" : " non-PAE");
	if (errno == EPROTO)
		fail("lg.ko speaks a different ABI than this launcher (ABI %d): install matching versions",
		     LG_ABI_SENT);
	if (errno == EDQUOT) {
		char lim[32];

		fail("%llu MiB of guest memory is more than the %s MiB the host lets one user's guests hold (lg module parameter max_mem_mb): give the guest less",
		     (unsigned long long)(mem >> 20),
		     lg_param("mem_limit_mb", lim, sizeof(lim)));
	}
	fail("/dev/%s refused to create the guest (LHREQ_INITIALIZE): %s",
	     LGUEST_DEVICE_NAME, strerror(errno));
}

/*
 * Tour 230: read() runs the guest
 *
 * The guest runs inside read(); each return is something for us to do:
 * console output to print, console input to hand over, or the end (a
 * shutdown, a restart, a panic or a kill, each with its reason).  Returns
 * our exit status.
 */
static int run_guest(int lfd, uint8_t *ram, uint64_t mem, bool reboot_exit)
{
	static union {
		struct lguest_exit exit;
		char buf[LGUEST_EXIT_MAX + 1];
	} u;
	struct lguest_exit *e = &u.exit;

	for (;;) {
		ssize_t r = read(lfd, u.buf, LGUEST_EXIT_MAX);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			fail("running the guest failed: %s", strerror(errno));
		}
		if ((size_t)r < sizeof(*e) || e->len > LGUEST_CONSOLE_MAX ||
		    (size_t)r != sizeof(*e) + e->len)
			fail("lg.ko returned a malformed exit (%zd bytes)", r);
		e->data[e->len] = '\0';
		switch (e->reason) {
		case LGUEST_EXIT_CONSOLE:
			if (fwrite(e->data, 1, e->len, stdout) != e->len)
				fail("cannot write the guest's console output: %s",
				     strerror(errno));
			fflush(stdout);
			break;
		case LGUEST_EXIT_CONSOLE_READ:
			console_read(ram, mem, e->arg[0], e->arg[1]);
			break;
		case LGUEST_EXIT_MMIO:
			mmio_exit(lfd, e);
			break;
		case LGUEST_EXIT_SHUTDOWN:
			fflush(stdout);
			if (e->arg[0] == LGUEST_SHUTDOWN_RESTART) {
				fprintf(stderr, "lguest: guest asked to restart: %s\n",
					e->data);
				return reboot_exit ? EXIT_RESTART : -1;
			}
			if (e->arg[0] == LGUEST_SHUTDOWN_PANIC) {
				fprintf(stderr, "lguest: guest kernel panicked: %s\n",
					e->data);
				return EXIT_PANIC;
			}
			note("guest powered off: %s", e->data);
			return EXIT_POWEROFF;
		case LGUEST_EXIT_KILLED:
			fflush(stdout);
			fprintf(stderr, "lguest: guest killed: %s\n", e->data);
			return EXIT_KILLED;
		default:
			fail("lg.ko returned an unknown exit reason %u", e->reason);
		}
	}
}

/*
 * Does the host kernel use PAE page tables?  lg.ko refuses a guest of the
 * other format, so the default guest must match.  Distros install the
 * kernel's config beside it; failing that, Debian names PAE kernels
 * "-pae".  A wrong guess is harmless: lg.ko refuses it and we say why.
 */
static bool host_is_pae(void)
{
	struct utsname u;
	char path[128], line[256];
	bool pae = false;
	size_t n;
	FILE *f;

	if (uname(&u) != 0)
		return false;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "re");
	if (f) {
		while (!pae && fgets(line, sizeof(line), f))
			pae = !strcmp(line, "CONFIG_X86_PAE=y\n");
		fclose(f);
		return pae;
	}
	n = strlen(u.release);
	return n > 4 && !strcmp(u.release + n - 4, "-pae");
}

/* No <vmlinux> given: the installed default guest, and its initramfs. */
static void use_default_guest(struct lg_args *a, char *kbuf, char *ibuf,
			      size_t len)
{
	const char *dir = getenv("LGUEST_GUESTDIR");

	if (!dir || !dir[0])
		dir = LGUEST_GUESTDIR;
	snprintf(kbuf, len, "%s/%s", dir,
		 host_is_pae() ? "vmlinux-pae" : "vmlinux");
	if (access(kbuf, R_OK) != 0)
		fail("no <vmlinux> given, and the default guest kernel %s is not there: %s (install the lguest-guest package, or run 'lguest <mem> <vmlinux>')",
		     kbuf, strerror(errno));
	a->vmlinux = kbuf;
	if (a->initrd)
		return;
	snprintf(ibuf, len, "%s/initrd.gz", dir);
	if (access(ibuf, R_OK) == 0)
		a->initrd = ibuf;
	note("default guest: %s, initrd %s", a->vmlinux,
	     a->initrd ? a->initrd : "(none)");
}

/*
 * Tour 40: main(): everything checked before the host is asked
 *
 * The order matters to a user: the arguments, the vmlinux and the initrd
 * are checked first, so a typo costs one clear line and no lg.ko is
 * needed to see it.  Only then do we open /dev/lguest, take the guest's
 * memory out of our own address space, load the kernel into it, write the
 * boot parameters and hand the guest to the host (Tour 100).  run_guest()
 * (Tour 230) then runs it until it stops; a guest that asks to restart
 * gets a fresh launcher, by exec, and so fresh memory and a fresh guest.
 */
int main(int argc, char *argv[])
{
	char kbuf[4096], ibuf[4096];
	struct lg_args a;
	struct lg_image img;
	char err[512];
	uint8_t *ram;
	uint32_t boot_esi;
	int kfd, lfd, status;

	if (parse_args(argc, argv, &a, err, sizeof(err))) {
		fprintf(stderr, "lguest: %s\nTry 'lguest --help'.\n", err);
		return EXIT_SETUP;
	}
	if (a.help) {
		usage(stdout);
		return 0;
	}
	if (a.version) {
		printf("lguest %s (ABI %d)\n", LGUEST_VERSION, LGUEST_ABI_VERSION);
		return 0;
	}
	verbose = a.verbose;
	if (!a.vmlinux)
		use_default_guest(&a, kbuf, ibuf, sizeof(kbuf));

	kfd = open(a.vmlinux, O_RDONLY | O_CLOEXEC);
	if (kfd < 0)
		fail("cannot open %s: %s", a.vmlinux, strerror(errno));
	if (elf_check_fd(kfd, a.vmlinux, a.mem, &img, err, sizeof(err)))
		fail("%s", err);
	note("%s: %u loadable segment(s), entry 0x%08x", a.vmlinux, img.nseg,
	     img.entry);

	if (a.initrd) {
		struct stat st;
		uint32_t at;
		int ifd = open(a.initrd, O_RDONLY | O_CLOEXEC);

		if (ifd < 0 || fstat(ifd, &st) != 0)
			fail("cannot open initrd %s: %s", a.initrd, strerror(errno));
		if (!S_ISREG(st.st_mode))
			fail("initrd %s is not a regular file", a.initrd);
		/* The rule load_initrd() will apply, before the host is asked. */
		if (boot_place_initrd(a.initrd, a.mem, &img, (uint64_t)st.st_size,
				      &at, err, sizeof(err)))
			fail("%s", err);
		close(ifd);
	}

	plan_devices(&a);
	/* Only now the host: every check above works without lg.ko. */
	lfd = open_lguest();

	ram = map_guest_memory(a.mem);
	load_segments(kfd, a.vmlinux, &img, ram, a.mem);
	close(kfd);
	boot_esi = setup_boot_params(ram, a.mem, &img, &a);

	init_guest(lfd, ram, a.mem, img.entry, img.paging, boot_esi);
	start_devices(lfd, ram, a.mem);
	start_console_input(lfd);
	status = run_guest(lfd, ram, a.mem, a.reboot_exit);
	if (status >= 0)
		return status;
	/*
	 * A restart in place: start over as a new process, so the guest gets
	 * fresh memory and a fresh /dev/lguest (ours close on exec).
	 */
	{
		const char *s = getenv("LGUEST_RESTARTS");
		char buf[16];

		snprintf(buf, sizeof(buf), "%ld", (s ? strtol(s, NULL, 10) : 0) + 1);
		setenv("LGUEST_RESTARTS", buf, 1);
	}
	fprintf(stderr, "lguest: restarting the guest\n");
	fflush(NULL);
	restore_terminal();
	execv("/proc/self/exe", argv);
	fail("cannot restart the guest: exec /proc/self/exe: %s", strerror(errno));
}
