// SPDX-License-Identifier: GPL-2.0
/*
 * runas UID[:GID[:GROUP,...]] CMD...: drop to UID, GID (default: UID)
 * and the supplementary GROUPs (default: none), and exec CMD (for
 * permission tests).  The groups let a test be what a real user of
 * /dev/lguest is: a member of group lguest besides their own.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	gid_t groups[32];
	size_t ngroups = 0;
	uid_t uid;
	gid_t gid;
	char *p;

	if (argc < 3) {
		fprintf(stderr, "usage: runas UID[:GID[:GROUP,...]] CMD...\n");
		return 127;
	}
	uid = (uid_t)strtoul(argv[1], &p, 10);
	gid = (gid_t)uid;
	if (*p == ':')
		gid = (gid_t)strtoul(p + 1, &p, 10);
	if (*p == ':')
		do
			groups[ngroups++] = (gid_t)strtoul(p + 1, &p, 10);
		while (*p == ',' && ngroups < sizeof(groups) / sizeof(groups[0]));
	if (*p) {
		fprintf(stderr, "runas: bad UID[:GID[:GROUP,...]] '%s'\n", argv[1]);
		return 127;
	}
	if (setgroups(ngroups, groups) || setgid(gid) || setuid(uid)) {
		perror("runas");
		return 127;
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
