// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the launcher's command line (launcher/args.c).  The input is the
 * whole argv, each argument ended by a NUL (a last one may lack it), so
 * argv[0] is fuzzed too and an empty input is argc == 0, which execve()
 * allows on kernels before 5.18.
 */
#include "args.h"
#include "fuzz.h"

#include <string.h>

/*
 * An error about an option must quote one the user gave (never argv[0]):
 * a whole argument, or "-x" for a letter x of a cluster of short options.
 * Only the two messages about options are read, by their fixed parts: any
 * message may quote arguments holding quotes or these very words.
 */
static void check_quote(int argc, char *argv[], const char *err, size_t errlen)
{
	static const char unknown[] = "unknown option '", needs[] = "option '",
			  needs_end[] = "' needs an argument";
	size_t elen = strlen(err), len;
	const char *opt;
	char buf[512];

	if (elen + 1 >= errlen)
		return;		/* cut short by snprintf */
	if (!strncmp(err, unknown, sizeof(unknown) - 1) && err[elen - 1] == '\'' &&
	    elen >= sizeof(unknown)) {
		opt = err + sizeof(unknown) - 1;
		len = elen - (sizeof(unknown) - 1) - 1;
	} else if (!strncmp(err, needs, sizeof(needs) - 1) &&
		   elen >= sizeof(needs) - 1 + sizeof(needs_end) - 1 &&
		   !strcmp(err + elen - (sizeof(needs_end) - 1), needs_end)) {
		opt = err + sizeof(needs) - 1;
		len = elen - (sizeof(needs) - 1) - (sizeof(needs_end) - 1);
	} else {
		return;
	}
	fuzz_assert(len < sizeof(buf));
	memcpy(buf, opt, len);
	buf[len] = '\0';
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], buf))
			return;
		if (len == 2 && buf[0] == '-' && argv[i][0] == '-' &&
		    argv[i][1] != '-' && strchr(argv[i] + 1, buf[1]))
			return;
	}
	fprintf(stderr, "error '%s' quotes no argument given\n", err);
	fuzz_assert(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), **argv, err[512];
	struct lg_args a;
	int argc = 0, r;

	fuzz_assert(buf);
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i < size; i++)
		argc += !data[i];
	if (size && data[size - 1])
		argc++;
	/* Exactly argc + 1 pointers: ASan sees a read past argv[argc]. */
	argv = malloc((size_t)(argc + 1) * sizeof(*argv));
	fuzz_assert(argv);
	for (int i = 0, off = 0; i < argc; i++) {
		argv[i] = buf + off;
		off += (int)strlen(buf + off) + 1;
	}
	argv[argc] = NULL;

	memset(err, 0, sizeof(err));
	r = parse_args(argc, argv, &a, err, sizeof(err));
	fuzz_assert(r == 0 || r == -1);
	if (r) {
		fuzz_assert(err[0] != '\0');
		check_quote(argc, argv, err, sizeof(err));
	} else if (!a.help && !a.version) {
		fuzz_assert(a.mem >= LG_MEM_MIN && a.mem <= LG_MEM_MAX);
		fuzz_assert(a.mem % (1ULL << 20) == 0);
		fuzz_assert(!a.vmlinux || a.vmlinux[0]);
		fuzz_assert(!a.initrd || a.initrd[0]);
		fuzz_assert(memchr(a.cmdline, '\0', sizeof(a.cmdline)));
	}

	/* Every argument as a <mem>, too: the sizes it accepts are sane. */
	for (int i = 0; i < argc; i++) {
		uint64_t mem = 0;

		if (parse_mem(argv[i], &mem, err, sizeof(err)) == 0)
			fuzz_assert(mem >= LG_MEM_MIN && mem <= LG_MEM_MAX &&
				    mem % (1ULL << 20) == 0);
	}
	free(argv);
	free(buf);
	return 0;
}
