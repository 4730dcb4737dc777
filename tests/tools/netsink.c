// SPDX-License-Identifier: GPL-2.0
/*
 * netsink PATH STALL: a slow network peer for --net=stream:PATH.  Listens
 * on the unix socket PATH, accepts one connection, reads nothing for STALL
 * seconds (so the launcher's sends back up to the guest), then reads and
 * counts the QEMU-framed frames until the peer closes.  Prints
 * "NETSINK: listening" once it listens, "NETSINK: reading" when the stall
 * ends, and "NETSINK: N frames, B bytes" at the end.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char frame[70000];
	unsigned long frames = 0, bytes = 0;
	int s, c;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: netsink PATH STALL_SECONDS\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1)) {
		perror("netsink: listen");
		return 1;
	}
	printf("NETSINK: listening\n");
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0) {
		perror("netsink: accept");
		return 1;
	}
	sleep((unsigned int)atoi(argv[2]));
	printf("NETSINK: reading\n");
	fflush(stdout);
	for (;;) {
		uint32_t len;

		if (read_all(c, &len, 4))
			break;
		len = ntohl(len);
		if (len > sizeof(frame) || read_all(c, frame, len)) {
			printf("NETSINK: a bad frame length %u\n", len);
			return 1;
		}
		frames++;
		bytes += len;
	}
	printf("NETSINK: %lu frames, %lu bytes\n", frames, bytes);
	return 0;
}
