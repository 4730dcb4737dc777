// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher and the host module: opening /dev/lguest (with a message
 * for each way that fails), LHREQ_INITIALIZE, and the run loop that turns
 * each exit of read() into what it asks of us.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The tests build a launcher that claims another ABI (lguest-wrongabi). */
#ifndef LG_ABI_SENT
#define LG_ABI_SENT LGUEST_ABI_VERSION
#endif

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
const char *lg_param(const char *name, char *buf, size_t len)
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
int open_lguest(void)
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
 * Tour 100: LHREQ_INITIALIZE
 *
 * Hand the guest to the host module: one write() of struct lguest_init
 * (lguest_abi.h) says where its memory is in our address space, where it
 * starts and which page tables it uses.  Each way lg.ko can refuse gets a
 * message that says what to do about it.
 */
void init_guest(int lfd, uint8_t *ram, uint64_t mem, uint32_t entry,
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
	};

	devices_window(&init.mmio_base, &init.mmio_size);
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
int run_guest(int lfd, uint8_t *ram, uint64_t mem, bool reboot_exit)
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
			control_console_out(e->data, e->len);
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
