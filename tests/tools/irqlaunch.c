// SPDX-License-Identifier: GPL-2.0
/*
 * irqlaunch MEM_MB GUEST IRQ PERIOD_MS [READERS]: a bare-bones launcher
 * for the irq test guest.  It runs GUEST like lguest does, while a second
 * thread raises IRQ with LHREQ_IRQ every PERIOD_MS milliseconds.  Exits 0
 * when the guest powers off, 3 when it is killed.
 *
 * With READERS, the guest is run by READERS threads one after another,
 * each stopped by a signal after a few milliseconds and then gone, while
 * the irqs keep coming: each irq wakes the last thread that ran the guest,
 * which has exited by then.  lg.ko must hold on to that thread's
 * task_struct (it once did not: a use-after-free that the debug host's
 * slab poisoning turns into a report).  Exits 0 once all have run.
 */
#include "elfload.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <lguest_abi.h>

static int lfd;
static uint32_t irq, period_ms;
static union {
	struct lguest_exit e;
	char buf[LGUEST_EXIT_MAX];
} u;

static void *raiser(void *unused)
{
	struct timespec ts = { 0, (long)period_ms * 1000000L };
	uint32_t req[2] = { LHREQ_IRQ, 0 };

	(void)unused;
	req[1] = irq;
	for (;;) {
		if (write(lfd, req, sizeof(req)) != sizeof(req)) {
			perror("irqlaunch: LHREQ_IRQ");
			exit(1);
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* One reader: run the guest until our signal stops us, then exit. */
static void *reader(void *unused)
{
	(void)unused;
	for (;;) {
		ssize_t r = read(lfd, u.buf, sizeof(u.buf));

		if (r < 0 && errno == EINTR)
			return NULL;
		if (r < (ssize_t)sizeof(u.e) || u.e.reason != LGUEST_EXIT_CONSOLE) {
			printf("irqlaunch: a reader's read() gave %zd, reason %u\n", r,
			       r >= (ssize_t)sizeof(u.e) ? u.e.reason : 0);
			exit(3);
		}
	}
}

static int readers(unsigned int n)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */

	sigaction(SIGUSR1, &sa, NULL);
	for (unsigned int i = 0; i < n; i++) {
		pthread_t t;

		pthread_create(&t, NULL, reader, NULL);
		sleep_ms(2 + (unsigned int)rand() % 20);
		/*
		 * A signal that lands outside read() (the thread not yet in
		 * it, or between two exits: likely on a loaded host) only
		 * runs the handler, and the next read() would run the halted
		 * guest for ever: signal until the thread is gone.
		 */
		for (;;) {
			struct timespec dl;

			pthread_kill(t, SIGUSR1);
			clock_gettime(CLOCK_REALTIME, &dl);
			dl.tv_nsec += 20000000L;
			if (dl.tv_nsec >= 1000000000L) {
				dl.tv_sec++;
				dl.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(t, NULL, &dl) != ETIMEDOUT)
				break;
		}
		/* The thread is gone; irqs still wake "the guest's thread". */
		sleep_ms(1 + (unsigned int)rand() % 5);
	}
	printf("irqlaunch: %u readers ran the guest and exited while irqs came\n", n);
	return 0;
}

int main(int argc, char *argv[])
{
	struct lguest_init init = { .req = LHREQ_INITIALIZE,
				    .abi_version = LGUEST_ABI_VERSION };
	struct lg_image img;
	char err[256];
	uint64_t mem;
	uint8_t *ram;
	pthread_t t;
	int fd;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: irqlaunch MEM_MB GUEST IRQ PERIOD_MS [READERS]\n");
		return 1;
	}
	mem = strtoull(argv[1], NULL, 10) << 20;
	irq = (uint32_t)atoi(argv[3]);
	period_ms = (uint32_t)atoi(argv[4]);
	if (elf_check_file(argv[2], mem, &img, err, sizeof(err))) {
		fprintf(stderr, "irqlaunch: %s\n", err);
		return 1;
	}
	ram = mmap(NULL, mem, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open(argv[2], O_RDONLY);
	if (ram == MAP_FAILED || fd < 0)
		return 1;
	for (unsigned int i = 0; i < img.nseg; i++)
		if (pread(fd, ram + img.seg[i].paddr, img.seg[i].filesz,
			  img.seg[i].offset) != (ssize_t)img.seg[i].filesz)
			return 1;
	lfd = open("/dev/lguest", O_RDWR);
	init.mem_base = (uint32_t)(uintptr_t)ram;
	init.mem_size = (uint32_t)mem;
	init.entry = img.entry;
	if (lfd < 0 || write(lfd, &init, sizeof(init)) != sizeof(init)) {
		perror("irqlaunch: /dev/lguest");
		return 1;
	}
	pthread_create(&t, NULL, raiser, NULL);
	if (argc == 6)
		return readers((unsigned int)atoi(argv[5]));
	for (;;) {
		ssize_t r = read(lfd, u.buf, sizeof(u.buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < (ssize_t)sizeof(u.e))
			return 1;
		if (u.e.reason == LGUEST_EXIT_CONSOLE) {
			fwrite(u.e.data, 1, u.e.len, stdout);
			fflush(stdout);
		} else if (u.e.reason == LGUEST_EXIT_SHUTDOWN) {
			return 0;
		} else {
			printf("irqlaunch: guest killed: %.*s\n", (int)u.e.len, u.e.data);
			return 3;
		}
	}
}
