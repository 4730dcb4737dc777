// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 48: Least privilege
 *
 * Root is needed for one thing only: making taps and bridges.  So before
 * the guest runs, once every file, device and socket it needs is open,
 * we give up what we can: with --chroot=DIR the file system outside DIR,
 * with --user=USER root itself (groups, gid and uid, for good), and as
 * root without --user every capability (the bounding set too, so that
 * not even our own exec gets one back).  No-new-privileges is set either
 * way: nothing we exec can gain any.  Descriptors we were started with
 * are closed first, all but those --net=fd:N names: a guest must not
 * reach what its launcher's caller happened to leave open.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Close every descriptor above stderr but those keep[] names. */
void privs_close_fds(const int *keep, unsigned int nkeep)
{
	unsigned int from = 3;

	for (;;) {
		unsigned int next = ~0u;

		/* The next descriptor to keep at or above from: close up to it. */
		for (unsigned int i = 0; i < nkeep; i++)
			if (keep[i] >= (int)from && (unsigned int)keep[i] < next)
				next = (unsigned int)keep[i];
		if (next > from && syscall(SYS_close_range, from, next - 1, 0) && errno == ENOSYS) {
			for (int fd = (int)from; fd < 1024 && (unsigned int)fd < next; fd++)
				close(fd);
		}
		if (next == ~0u)
			return;
		from = next + 1;
	}
}

/*
 * USER as uid and gid: a name in /etc/passwd (read by hand: a static
 * program has no NSS), or UID[:GID].  0, or -1 and err.
 */
static int find_user(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	char line[1024], *end;
	unsigned long u, g;
	FILE *f;

	u = strtoul(user, &end, 10);
	if (end != user && (*end == '\0' || *end == ':')) {
		g = u;
		if (*end == ':')
			g = strtoul(end + 1, &end, 10);
		if (*end == '\0') {
			*uid = (uid_t)u;
			*gid = (gid_t)g;
			return 0;
		}
	}
	f = fopen("/etc/passwd", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *name = strtok(line, ":"), *pw = strtok(NULL, ":"),
		     *us = strtok(NULL, ":"), *gs = strtok(NULL, ":");

		if (name && pw && us && gs && !strcmp(name, user)) {
			fclose(f);
			*uid = (uid_t)strtoul(us, NULL, 10);
			*gid = (gid_t)strtoul(gs, NULL, 10);
			return 0;
		}
	}
	if (f)
		fclose(f);
	snprintf(err, errlen, "--user=%s: no such user in /etc/passwd (give a name there, or UID[:GID])",
		 user);
	return -1;
}

/* Before anything is set up: --user and --chroot are root's to give. */
void privs_check(const struct lg_args *a)
{
	uid_t uid;
	gid_t gid;
	char err[512];

	if ((a->user || a->chroot) && geteuid() != 0)
		fail("--user and --chroot need the launcher to start as root (they drop root after set-up); without root, leave them out");
	if (a->user && find_user(a->user, &uid, &gid, err, sizeof(err)))
		fail("%s", err);
	if (a->user && uid == 0)
		fail("--user=%s is root: give an unprivileged user", a->user);
	if (a->chroot && access(a->chroot, X_OK))
		fail("--chroot=%s: %s (give a directory root can enter)", a->chroot, strerror(errno));
}

/* No capability left, now or after an exec. */
static void drop_capabilities(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	/* A restarted launcher finds the set empty already (and may not drop from it). */
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			fail("cannot drop capability %d from the bounding set: %s", cap,
			     strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &h, d))
		fail("cannot drop our capabilities: %s", strerror(errno));
}

/* Everything is open: give up what the guest does not need.  True if a restart can no longer be done in place. */
bool privs_drop(const struct lg_args *a)
{
	uid_t uid = 0;
	gid_t gid = 0;
	char err[512];

	if (a->user && find_user(a->user, &uid, &gid, err, sizeof(err)))
		fail("%s", err);
	if (a->chroot && (chroot(a->chroot) || chdir("/")))
		fail("--chroot=%s: %s", a->chroot, strerror(errno));
	if (a->user) {
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
			fail("--user=%s: cannot become uid %u gid %u: %s", a->user,
			     (unsigned int)uid, (unsigned int)gid, strerror(errno));
		/* For good: root must be out of reach now. */
		if (setuid(0) == 0)
			fail("--user=%s: still able to become root after dropping it", a->user);
		note("running as uid %u, gid %u", (unsigned int)uid, (unsigned int)gid);
	} else if (geteuid() == 0) {
		drop_capabilities();
		note("running as root without capabilities");
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		fail("cannot set no-new-privileges: %s", strerror(errno));
	return a->user || a->chroot;
}
