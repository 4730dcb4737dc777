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
#include <lguest_abi.h>

static void show(const char *name, ssize_t r)
{
	printf("%s=%s ", name, r >= 0 ? "OK" : strerrorname_np(errno));
}

int main(void)
{
	uint32_t words[8] = { 0xdeadbeef };
	static char buf[LGUEST_EXIT_MAX];
	struct lguest_init init;
	void *unmapped, *ram;
	int fd = open("/dev/lguest", O_RDWR);

	if (fd < 0) {
		perror("/dev/lguest");
		return 1;
	}
	ram = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
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

	init = (struct lguest_init){
		.req = LHREQ_INITIALIZE, .abi_version = LGUEST_ABI_VERSION,
		.mem_base = (uint32_t)(uintptr_t)ram, .mem_size = 1 << 20,
		.entry = 0x1000,
	};
	show("initshort", write(fd, &init, 8));
	init.abi_version = 999;
	show("badabi", write(fd, &init, sizeof(init)));
	init.abi_version = LGUEST_ABI_VERSION;
	init.mem_base += 12;
	show("unaligned", write(fd, &init, sizeof(init)));
	init.mem_base = 0xC0000000u;
	show("kernelmem", write(fd, &init, sizeof(init)));
	init.mem_base = (uint32_t)(uintptr_t)ram;
	init.entry = 2 << 20;
	show("badentry", write(fd, &init, sizeof(init)));
	init.entry = 0x1000;
	init.flags = 0x80;
	show("flags", write(fd, &init, sizeof(init)));
	init.flags = 0;
	show("init", write(fd, &init, sizeof(init)));
	show("again", write(fd, &init, sizeof(init)));
	show("readsmall", read(fd, buf, 16));
	putchar('\n');
	return 0;
}
