// SPDX-License-Identifier: GPL-2.0
/* runas UID CMD...: drop to UID/GID and exec CMD (for permission tests). */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	gid_t id;

	if (argc < 3) {
		fprintf(stderr, "usage: runas UID CMD...\n");
		return 127;
	}
	id = (gid_t)atoi(argv[1]);
	if (setgroups(0, NULL) || setgid(id) || setuid(id)) {
		perror("runas");
		return 127;
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
