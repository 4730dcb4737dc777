// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's console: output comes back as exits of read() (vm.c), input
 * is gathered from our stdin by a thread and handed over when the guest
 * asks.
 */
#include "launcher.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/*
 * Tour 225: Console input
 *
 * A thread reads our stdin into a buffer and raises the
 * console interrupt; the guest then asks for the bytes (an exit of
 * read(), handled in run_guest()).
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t room;
	char buf[4096];
	size_t len;
	int lfd;
} input = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, -1 };

/* Tell the guest there is console input: LHREQ_IRQ, from any thread. */
static bool raise_console_irq(int lfd)
{
	uint32_t irq[2] = { LHREQ_IRQ, LGUEST_CONSOLE_IRQ };

	return write(lfd, irq, sizeof(irq)) == (ssize_t)sizeof(irq);
}

/* Bytes typed into the guest's console: from our stdin, or an attached "lguest console". */
bool console_input(const char *buf, size_t len)
{
	while (len) {
		size_t n;

		pthread_mutex_lock(&input.lock);
		while (input.len == sizeof(input.buf))
			pthread_cond_wait(&input.room, &input.lock);
		n = sizeof(input.buf) - input.len < len ? sizeof(input.buf) - input.len : len;
		memcpy(input.buf + input.len, buf, n);
		input.len += n;
		pthread_mutex_unlock(&input.lock);
		if (!raise_console_irq(input.lfd))
			return false;
		buf += n;
		len -= n;
	}
	return true;
}

static void *input_thread(void *arg)
{
	char buf[256];

	(void)arg;
	for (;;) {
		ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || !console_input(buf, (size_t)r))
			return NULL;
	}
}

/*
 * Tour 410: Console input, handed over
 *
 * LGUEST_EXIT_CONSOLE_READ: the guest's console driver asked for input
 * (LHCALL_CONSOLE_READ) and the host handed the question to us with the
 * place of its struct lguest_console_input.  We fill it with what the
 * input thread has gathered, as much as fits, and the guest runs on.
 * What does not fit waits: if anything is left, the console interrupt is
 * raised again, so the guest comes back for it without a new keystroke.
 */
void console_read(uint8_t *ram, uint64_t mem, uint32_t gpa, uint32_t size)
{
	struct lguest_console_input *in;
	size_t n, left;

	if (size < sizeof(*in) || gpa > mem || size > mem - gpa)
		fail("lg.ko asked for console input into a bad buffer (0x%08x, %u bytes)",
		     gpa, size);
	in = (struct lguest_console_input *)(ram + gpa);
	pthread_mutex_lock(&input.lock);
	n = input.len < size - sizeof(*in) ? input.len : size - sizeof(*in);
	memcpy(in->data, input.buf, n);
	memmove(input.buf, input.buf + n, input.len - n);
	input.len -= n;
	left = input.len;
	pthread_cond_signal(&input.room);
	pthread_mutex_unlock(&input.lock);
	in->len = (uint32_t)n;
	if (left)
		raise_console_irq(input.lfd);
}

/* A terminal on stdin becomes the guest's: raw, until we exit. */
static struct termios saved_tio;
static bool tty_saved;

void restore_terminal(void)
{
	if (tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

void start_console_input(int lfd, bool from_stdin)
{
	pthread_t t;

	input.lfd = lfd;
	if (!from_stdin)
		return;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
		struct termios raw = saved_tio;

		/* The guest echoes and edits lines; ^C goes to it too. */
		raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
		raw.c_iflag &= ~(ICRNL | IXON);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
			tty_saved = true;
			atexit(restore_terminal);
		}
	}
	if (pthread_create(&t, NULL, input_thread, NULL) != 0)
		fail("cannot start the console input thread");
	pthread_detach(t);
}
