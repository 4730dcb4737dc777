// SPDX-License-Identifier: GPL-2.0
/*
 * devpoke: throw malformed requests at /dev/lguest and print what each
 * one got back, as "name=ERRNO" words, for the rig to check.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void show(const char *name, ssize_t r)
{
	printf("%s=%s ", name, r >= 0 ? "OK" : strerrorname_np(errno));
}

int main(void)
{
	uint32_t words[8] = { 0xdeadbeef };
	char buf[64];
	void *unmapped;
	int fd = open("/dev/lguest", O_RDWR);

	if (fd < 0) {
		perror("/dev/lguest");
		return 1;
	}
	/* A page we own and then give back: a pointer that faults. */
	unmapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped, 4096);

	show("empty", write(fd, words, 0));
	show("short", write(fd, words, 2));
	show("unknown", write(fd, words, sizeof(words)));
	words[0] = 0x80000000u;
	show("huge", write(fd, words, sizeof(words)));
	show("fault", write(fd, unmapped, 16));
	show("read", read(fd, buf, sizeof(buf)));
	show("readfault", read(fd, unmapped, 16));
	putchar('\n');
	return 0;
}
