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
#include "launcher.h"
#include "boot.h"
#include "elfload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Where the lguest-guest package puts the default guest: vmlinux for a
 * non-PAE host, vmlinux-pae for a PAE one, and the initramfs both boot.
 * The build sets it from its PREFIX.
 */
#ifndef LGUEST_GUESTDIR
#define LGUEST_GUESTDIR "/usr/lib/lguest"
#endif

int verbose;

_Noreturn void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fputs("lguest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_SETUP);
}

void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
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
		"       lguest list [--json] | stop [--force] NAME | console NAME\n"
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
		"  --net=KIND[:WHAT][,mac=MAC][,name=NAME]\n"
		"                     a virtio network card (eth0, eth1, ...; repeatable):\n"
		"                     tap:IFNAME  a tap the administrator gave you\n"
		"                     tap, bridge:BR  a new tap (alone, or on BR; root)\n"
		"                     hub:NAME    your guests on hub NAME, one segment\n"
		"                     user[:slirp|:passt]  NAT without root (10.0.2.15)\n"
		"                     stream:PATH, fd:N  QEMU-framed unix stream socket\n"
		"  --forward=tcp|udp:HOSTPORT:GUESTPORT\n"
		"                     with --net=user: a host port into the guest\n"
		"  --tunnet=IP|bridge:BR  the old lguest's tap and bridge\n"
		"  --share=DIR[,tag=TAG][,ro]\n"
		"                     share host directory DIR (repeatable); in the\n"
		"                     guest: mount -t 9p -o trans=virtio TAG /mnt.\n"
		"                     TAG is DIR's last name unless given; ro: the\n"
		"                     guest gets EROFS for any change\n"
		"      --no-rng       no virtio-rng device (the guest gets one by\n"
		"                     default, fed from the host's getrandom())\n"
		"  --name=NAME        what lguest list, stop and console call this\n"
		"                     guest (default guest-PID)\n"
		"  --detach           run the guest in the background; lguest console\n"
		"                     NAME attaches to it, lguest stop NAME ends it\n"
		"  --user=USER        once set up, run as USER (root only; a name in\n"
		"                     /etc/passwd or UID[:GID]); as root without it,\n"
		"                     the launcher drops every capability instead\n"
		"  --chroot=DIR       once set up, run inside DIR (root only)\n"
		"  --config=FILE      settings from FILE, one a line: any long option\n"
		"                     without its --, and memory=, kernel=, cmdline=\n"
		"  -v, --verbose      say what the launcher does\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version and ABI\n"
		"\n"
		"The guest's command line starts with '" DEFAULT_CMDLINE "';\n"
		"its console is this terminal.\n"
		"\n"
		"lguest list [--json]: your running guests (root: everyone's).\n"
		"lguest stop [--force] [--timeout=S] NAME: press its power button;\n"
		"  after S seconds (default 30), or with --force at once, end it.\n"
		"lguest console NAME: attach to its console; Ctrl-] detaches.\n"
		"Each takes --help.\n"
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

static int null_fd = -1, log_fd = -1;	/* for detached_ready() */

/*
 * --detach: the guest runs on in a child of ours, in a session of its
 * own, and we return once it is running, or with its status if it could
 * not start (its complaint has gone to our stderr, which it still has
 * until then).  The child tells us through a pipe; the write end is
 * returned for detached_ready().
 */
static int detach(void)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		fail("cannot detach: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		fail("cannot detach: %s", strerror(errno));
	if (pid == 0) {
		char dir[256], err[256], log[400];

		close(p[0]);
		setsid();
		null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (runtime_dir(dir, sizeof(dir), false, err, sizeof(err)) == 0) {
			snprintf(log, sizeof(log), "%s/%s.log", dir, control_name());
			log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		}
		return p[1];
	}
	close(p[1]);
	if (read(p[0], &c, 1) == 1) {
		printf("lguest: guest '%s' is running (pid %d); 'lguest console %s' attaches, 'lguest stop %s' powers it off\n",
		       control_name(), (int)pid, control_name(), control_name());
		fflush(stdout);
		_exit(0);
	}
	/* It could not start, and said why. */
	{
		int st;

		if (waitpid(pid, &st, 0) == pid && WIFEXITED(st))
			_exit(WEXITSTATUS(st));
		_exit(EXIT_SETUP);
	}
}

/*
 * The detached guest runs: the parent may go, and our stdio is no one's:
 * /dev/null, and for our own messages (why a guest was killed) NAME.log
 * beside the control socket, both opened by detach() before --chroot.
 */
static void detached_ready(int fd)
{
	fflush(NULL);
	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		dup2(null_fd, STDOUT_FILENO);
		dup2(log_fd >= 0 ? log_fd : null_fd, STDERR_FILENO);
	}
	if (write(fd, "r", 1) != 1)
		fprintf(stderr, "lguest: the launcher that started us is gone\n");
	close(fd);
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
	int kfd, lfd, status, ready = -1;
	bool no_restart;
	bool restarted = getenv("LGUEST_RESTARTS") != NULL;

	/* "lguest list", "lguest stop NAME", "lguest console NAME" (manage.c). */
	if (argc > 1 && (!strcmp(argv[1], "list") || !strcmp(argv[1], "stop") ||
			 !strcmp(argv[1], "console")))
		return manage_main(argc - 1, argv + 1);
	/* --config=FILE: its settings, then the command line's (args.h). */
	for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
		static char *cargv[512], cbuf[65536];
		const char *path = !strncmp(argv[i], "--config=", 9) ? argv[i] + 9 :
				   !strcmp(argv[i], "--config") && i + 1 < argc ? argv[i + 1] : NULL;

		if (!path)
			continue;
		argc = config_argv(path, argc, argv, cargv, 512, cbuf, sizeof(cbuf), err,
				   sizeof(err));
		if (argc < 0) {
			fprintf(stderr, "lguest: %s\n", err);
			return EXIT_SETUP;
		}
		argv = cargv;
		break;
	}
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
	/* Nothing our caller left open reaches the guest, but what --net=fd:N gives it. */
	{
		int keep[LG_NICS];
		unsigned int n = 0;

		for (unsigned int i = 0; i < a.nnets; i++)
			if (a.nets[i].kind == LG_NET_FD)
				keep[n++] = a.nets[i].fd;
		privs_close_fds(keep, n);
	}
	privs_check(&a);
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

	/* Our name is free, or we stop here; then, with --detach, the background. */
	control_prepare(&a);
	/* A restarted guest is in the background already. */
	if (a.detach && !restarted)
		ready = detach();

	plan_devices(&a);
	/* Only now the host: every check above works without lg.ko. */
	lfd = open_lguest();

	ram = map_guest_memory(a.mem);
	load_segments(kfd, a.vmlinux, &img, ram, a.mem);
	close(kfd);
	boot_esi = setup_boot_params(ram, a.mem, &img, &a);

	init_guest(lfd, ram, a.mem, img.entry, img.paging, boot_esi);
	start_devices(lfd, ram, a.mem);
	no_restart = privs_drop(&a);
	control_start(lfd);
	start_console_input(lfd, !a.detach);
	if (ready >= 0)
		detached_ready(ready);
	status = run_guest(lfd, ram, a.mem, a.reboot_exit);
	if (status >= 0) {
		control_exiting(status);
		return status;
	}
	/* Set-up needs what --user and --chroot gave up. */
	if (no_restart) {
		fprintf(stderr, "lguest: the guest asked to restart; with --user or --chroot the launcher cannot set it up again: start it again\n");
		control_exiting(EXIT_RESTART);
		return EXIT_RESTART;
	}
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

