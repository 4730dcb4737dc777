// SPDX-License-Identifier: GPL-2.0
/*
 * mktap NAME UID: what "ip tuntap add NAME mode tap user UID" does (the
 * rig's busybox tunctl cannot give a tap to a user): a persistent tap
 * device that user may attach to without privilege.
 */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct ifreq ifr = { 0 };
	int fd;

	if (argc != 3 || strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "usage: mktap NAME UID\n");
		return 2;
	}
	fd = open("/dev/net/tun", O_RDWR);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strcpy(ifr.ifr_name, argv[1]);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) ||
	    ioctl(fd, TUNSETOWNER, (unsigned long)atol(argv[2])) || ioctl(fd, TUNSETPERSIST, 1)) {
		perror("mktap");
		return 1;
	}
	return 0;
}
