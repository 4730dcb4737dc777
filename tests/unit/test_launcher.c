// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the launcher's pure parts: size and argument parsing, and
 * ELF validation against files built here (good, truncated, 64-bit, wrong
 * machine, garbage, ...).  Prints TAP for prove.
 */
#include "args.h"
#include "elfload.h"
#include "virtio/virtio.h"
#include "disk/disk.h"
#include "virtio/devices.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

static char dir[] = "/tmp/lguest-unit.XXXXXX";

/* --- memory sizes ------------------------------------------------------- */

static void mem_ok(const char *s, uint64_t want)
{
	char err[256] = "";
	uint64_t got = 0;
	int r = parse_mem(s, &got, err, sizeof(err));

	ok(r == 0 && got == want, "parse_mem(\"%s\") = %llu (got %llu, %s)", s,
	   (unsigned long long)want, (unsigned long long)got, r ? err : "ok");
}

static void mem_bad(const char *s, const char *why)
{
	char err[256] = "";
	uint64_t got = 0;
	int r = parse_mem(s, &got, err, sizeof(err));

	ok(r == -1 && strstr(err, why), "parse_mem(\"%s\") refused with '%s' (%s)",
	   s, why, err);
}

/* --- arguments ------------------------------------------------------------ */

static int args(struct lg_args *a, char *err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = "lguest";
	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return parse_args(argc, argv, a, err, 256);
}

static void test_args(void)
{
	struct lg_args a;
	char err[256];
	int r;

	r = args(&a, err, "64m", "vmlinux", NULL);
	ok(r == 0 && a.mem == 64ULL << 20 && !strcmp(a.vmlinux, "vmlinux") &&
	   !a.initrd && !a.verbose && a.cmdline[0] == 0, "plain <mem> <vmlinux>");

	r = args(&a, err, "--verbose", "--initrd=/tmp/i.gz", "512M", "vm",
		 "console=hvc0", "--weird", "root=/dev/vda", NULL);
	ok(r == 0 && a.verbose && a.initrd && !strcmp(a.initrd, "/tmp/i.gz") &&
	   a.mem == 512ULL << 20 &&
	   !strcmp(a.cmdline, "console=hvc0 --weird root=/dev/vda"),
	   "options, then kernel args passed through untouched ('%s')", a.cmdline);

	r = args(&a, err, "-v", "-i", "initrd", "1g", "vm", NULL);
	ok(r == 0 && a.verbose && !strcmp(a.initrd, "initrd") && a.mem == 1ULL << 30,
	   "short options -v -i FILE");

	r = args(&a, err, "vm", NULL);
	ok(r == -1, "a lone <vmlinux> is not enough: %s", err);
	r = args(&a, err, "--reboot-exit", "64m", "vm", NULL);
	ok(r == 0 && a.reboot_exit, "--reboot-exit");
	r = args(&a, err, "-r", "64m", "vm", "reboot=x", NULL);
	ok(r == 0 && a.reboot_exit && !strcmp(a.cmdline, "reboot=x"),
	   "-r, and kernel args after <vmlinux> stay the guest's");
	r = args(&a, err, "64m", "vm", NULL);
	ok(r == 0 && !a.reboot_exit, "restart in place by default");

	r = args(&a, err, "--help", NULL);
	ok(r == 0 && a.help, "--help alone is fine");
	r = args(&a, err, "--version", NULL);
	ok(r == 0 && a.version, "--version alone is fine");

	r = args(&a, err, NULL);
	ok(r == 0 && !a.vmlinux && a.mem == LG_MEM_DEFAULT,
	   "no arguments: the default guest with the default memory");
	r = args(&a, err, "64", NULL);
	ok(r == 0 && !a.vmlinux && a.mem == (64ULL << 20),
	   "<mem> alone: the default guest with that memory");
	r = args(&a, err, "-i", "rd", NULL);
	ok(r == 0 && !a.vmlinux && !strcmp(a.initrd, "rd"),
	   "--initrd alone: the default kernel with that initrd");
	r = args(&a, err, "64q", NULL);
	ok(r == -1 && strstr(err, "invalid memory size '64q'"), "bad <mem> alone: %s", err);
	r = args(&a, err, "--frobnicate", "64", "vm", NULL);
	ok(r == -1 && strstr(err, "unknown option '--frobnicate'"), "unknown option: %s", err);
	/* Found by tests/fuzz/fuzz_args.c: the program name was blamed. */
	r = args(&a, err, "-qv", "64", "vm", NULL);
	ok(r == -1 && strstr(err, "unknown option '-q'"), "unknown letter in a cluster: %s", err);
	r = args(&a, err, "--verbose", "-vq", "64", "vm", NULL);
	ok(r == -1 && strstr(err, "unknown option '-q'"), "unknown letter ending a cluster: %s", err);
	r = args(&a, err, "--verbose=1", "64", "vm", NULL);
	ok(r == -1 && strstr(err, "unknown option '--verbose=1'"), "long option given an argument: %s", err);
	r = args(&a, err, "64", "vm", NULL);
	r = args(&a, err, "--initrd", NULL);
	ok(r == -1 && strstr(err, "needs an argument"), "--initrd without file: %s", err);
	r = args(&a, err, "--initrd=", "64", "vm", NULL);
	ok(r == -1 && strstr(err, "needs a file name"), "--initrd= empty: %s", err);
	r = args(&a, err, "lots", "vm", NULL);
	ok(r == -1 && strstr(err, "invalid memory size 'lots'"), "bad size: %s", err);

	{
		static char big[3000];

		memset(big, 'x', sizeof(big) - 1);
		r = args(&a, err, "64", "vm", big, NULL);
		ok(r == -1 && strstr(err, "longer than"), "overlong kernel args: %s", err);
	}
}

/* --- ELF files -------------------------------------------------------------- */

static char *path(const char *name)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void write_file(const char *name, const void *p, size_t len)
{
	int fd = open(path(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, p, len) != (ssize_t)len) {
		perror(name);
		exit(1);
	}
	close(fd);
}

/*
 * A minimal vmlinux look-alike: ELF32 i386 executable with one PT_LOAD of
 * 4 KiB of "code" at guest-physical paddr.
 */
struct fake {
	Elf32_Ehdr eh;
	Elf32_Phdr ph[2];
	unsigned char code[4096];
};

static void make_fake(struct fake *f, uint32_t paddr)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.e_ident, ELFMAG, SELFMAG);
	f->eh.e_ident[EI_CLASS] = ELFCLASS32;
	f->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f->eh.e_ident[EI_VERSION] = EV_CURRENT;
	f->eh.e_type = ET_EXEC;
	f->eh.e_machine = EM_386;
	f->eh.e_version = EV_CURRENT;
	f->eh.e_entry = paddr;
	f->eh.e_phoff = offsetof(struct fake, ph);
	f->eh.e_ehsize = sizeof(Elf32_Ehdr);
	f->eh.e_phentsize = sizeof(Elf32_Phdr);
	f->eh.e_phnum = 2;
	f->ph[0].p_type = PT_LOAD;
	f->ph[0].p_offset = offsetof(struct fake, code);
	f->ph[0].p_vaddr = 0xC0000000u + paddr;
	f->ph[0].p_paddr = paddr;
	f->ph[0].p_filesz = sizeof(f->code);
	f->ph[0].p_memsz = 2 * sizeof(f->code);	/* with a bss */
	f->ph[0].p_flags = PF_R | PF_X;
	f->ph[0].p_align = 4096;
	f->ph[1].p_type = PT_NOTE;
	memset(f->code, 0x90, sizeof(f->code));
}

static void elf_good(const char *name, uint64_t mem, uint32_t paddr)
{
	struct lg_image img;
	char err[256] = "";
	int r = elf_check_file(path(name), mem, &img, err, sizeof(err));

	ok(r == 0 && img.nseg == 1 && img.seg[0].paddr == paddr &&
	   img.seg[0].filesz == 4096 && img.seg[0].memsz == 8192,
	   "%s accepted with %llu MiB (%s)", name, (unsigned long long)(mem >> 20),
	   r ? err : "ok");
}

static void elf_bad(const char *name, uint64_t mem, const char *why)
{
	struct lg_image img;
	char err[256] = "";
	int r = elf_check_file(path(name), mem, &img, err, sizeof(err));

	ok(r == -1 && strstr(err, why) && strstr(err, name),
	   "%s refused: '%s' (%s)", name, why, err);
}

static void test_elf(void)
{
	struct fake f;
	unsigned char junk[8192];

	make_fake(&f, 1 << 20);
	write_file("good", &f, sizeof(f));
	elf_good("good", 64ULL << 20, 1 << 20);
	elf_good("good", 2ULL << 20, 1 << 20);	/* exactly fits: 1M + 8K */
	elf_bad("good", 1ULL << 20, "lies beyond the guest's 1 MiB");

	/* Truncated in the segment, and in the program headers. */
	write_file("truncated", &f, sizeof(f) - 100);
	elf_bad("truncated", 64ULL << 20, "truncated ELF: segment 0");
	write_file("truncated-phdr", &f, sizeof(Elf32_Ehdr) + 8);
	elf_bad("truncated-phdr", 64ULL << 20, "program headers unreadable");
	write_file("header-only", &f, 20);
	elf_bad("header-only", 64ULL << 20, "");

	make_fake(&f, 1 << 20);
	f.eh.e_ident[EI_CLASS] = ELFCLASS64;
	{
		/* A real 64-bit header, not just a flipped byte. */
		Elf64_Ehdr e64;

		memset(&e64, 0, sizeof(e64));
		memcpy(e64.e_ident, f.eh.e_ident, EI_NIDENT);
		e64.e_type = ET_EXEC;
		e64.e_machine = EM_X86_64;
		e64.e_version = EV_CURRENT;
		e64.e_ehsize = sizeof(e64);
		write_file("elf64", &e64, sizeof(e64));
	}
	elf_bad("elf64", 64ULL << 20, "64-bit ELF");

	make_fake(&f, 1 << 20);
	f.eh.e_machine = EM_ARM;
	write_file("arm", &f, sizeof(f));
	elf_bad("arm", 64ULL << 20, "not i386");

	make_fake(&f, 1 << 20);
	f.eh.e_type = ET_REL;
	write_file("relocatable", &f, sizeof(f));
	elf_bad("relocatable", 64ULL << 20, "not an executable");

	make_fake(&f, 1 << 20);
	f.ph[0].p_type = PT_NOTE;
	write_file("noload", &f, sizeof(f));
	elf_bad("noload", 64ULL << 20, "no loadable segment");

	make_fake(&f, 1 << 20);
	f.ph[0].p_filesz = f.ph[0].p_memsz + 1;
	write_file("filesz", &f, sizeof(f));
	elf_bad("filesz", 64ULL << 20, "corrupt ELF");

	make_fake(&f, 0xFFFFF000u);
	write_file("wrap", &f, sizeof(f));
	elf_bad("wrap", 1ULL << 30, "lies beyond");

	srand(42);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rand();
	write_file("garbage", junk, sizeof(junk));
	elf_bad("garbage", 64ULL << 20, "not an ELF file");
	write_file("empty", junk, 0);
	elf_bad("empty", 64ULL << 20, "not an ELF file");
	elf_bad("missing", 64ULL << 20, "No such file");
	elf_bad("", 64ULL << 20, "not a regular file");	/* the directory */
}

/* --- the split ring, fed hostile queues ------------------------------- */

static uint8_t ram[64 << 10];
static const struct guest_mem gm = { ram, sizeof(ram) };

/* A queue of 8 at desc 0x1000, avail 0x2000, used 0x3000. */
static struct vq ring_reset(void)
{
	memset(ram, 0, sizeof(ram));
	return (struct vq){ .num = 8, .desc = 0x1000, .avail = 0x2000, .used = 0x3000 };
}

static void desc(unsigned int table, unsigned int i, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	uint8_t *d = ram + table + 16 * i;

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

/* Offer head in avail slot idx - 1 and move the index to idx. */
static void offer(uint16_t idx, uint16_t head)
{
	memcpy(ram + 0x2004 + 2 * ((idx - 1) & 7), &head, 2);
	memcpy(ram + 0x2002, &idx, 2);
}

static void pop_bad(struct vq *q, bool indirect, const char *want, const char *what)
{
	struct vq_req r;
	const char *why = NULL;
	int got = vq_pop(&gm, q, indirect, &r, &why);

	ok(got == -1 && why && strstr(why, want), "ring: %s is refused (%s)", what,
	   why ? why : "accepted");
}

static void test_ring(void)
{
	struct vq q = ring_reset();
	struct vq_req r;
	const char *why = NULL;
	int got;

	ok(vq_check(&gm, &q, &why) == 0, "ring: a queue in RAM, aligned, passes");
	q.num = 6;
	ok(vq_check(&gm, &q, &why) == -1, "ring: a queue size that is not a power of 2 is refused");
	q = ring_reset();
	q.used = sizeof(ram) - 8;
	ok(vq_check(&gm, &q, &why) == -1, "ring: a used ring running past RAM is refused");
	q = ring_reset();
	q.desc = 0x1008;
	ok(vq_check(&gm, &q, &why) == -1, "ring: a misaligned descriptor table is refused");

	/* A good chain: one readable, two writable buffers. */
	q = ring_reset();
	desc(0x1000, 0, 0x4000, 16, 1, 3);
	desc(0x1000, 3, 0x5000, 100, 1 | 2, 5);
	desc(0x1000, 5, 0x6000, 28, 2, 0);
	offer(1, 0);
	got = vq_pop(&gm, &q, false, &r, &why);
	ok(got == 1 && r.head == 0 && r.nout == 1 && r.nin == 2 && r.in_bytes == 128 &&
	   r.out[0].iov_base == ram + 0x4000 && r.in[1].iov_base == ram + 0x6000,
	   "ring: a chain of 1 readable and 2 writable buffers becomes iovecs");
	ok(vq_pop(&gm, &q, false, &r, &why) == 0, "ring: then the queue is empty");
	vq_push(&gm, &q, r.head, 128, false);
	{
		uint16_t idx;
		uint32_t id, len;

		memcpy(&idx, ram + 0x3002, 2);
		memcpy(&id, ram + 0x3004, 4);
		memcpy(&len, ram + 0x3008, 4);
		ok(idx == 1 && id == 0 && len == 128, "ring: the answer is in the used ring");
	}

	q = ring_reset();
	desc(0x1000, 0, 0x4000, 16, 1, 1);
	desc(0x1000, 1, 0x4000, 16, 1, 0);
	offer(1, 0);
	pop_bad(&q, false, "loops", "a chain that loops");

	q = ring_reset();
	desc(0x1000, 0, sizeof(ram) - 8, 16, 0, 0);
	offer(1, 0);
	pop_bad(&q, false, "outside guest RAM", "a buffer running past RAM");

	q = ring_reset();
	desc(0x1000, 0, 0xfffffffffffff000ull, 0x2000, 0, 0);
	offer(1, 0);
	pop_bad(&q, false, "outside guest RAM", "a buffer whose end wraps around");

	q = ring_reset();
	desc(0x1000, 0, 0x4000, 16, 2, 1 | 0);
	desc(0x1000, 0, 0x4000, 16, 2 | 1, 1);
	desc(0x1000, 1, 0x5000, 16, 0, 0);
	offer(1, 0);
	pop_bad(&q, false, "readable buffer after a writable", "a readable buffer after a writable one");

	q = ring_reset();
	desc(0x1000, 0, 0x4000, 16, 1, 8);
	offer(1, 0);
	pop_bad(&q, false, "past its table", "a next index past the table");

	q = ring_reset();
	offer(1, 9);
	pop_bad(&q, false, "names no descriptor", "an available entry past the table");

	q = ring_reset();
	offer(9, 0);
	pop_bad(&q, false, "more than the queue size", "an available index jumping by 9 in a queue of 8");

	/* Indirect: allowed once, when offered; never nested. */
	q = ring_reset();
	desc(0x1000, 0, 0x7000, 32, 4, 0);
	desc(0x7000, 0, 0x4000, 16, 1, 1);
	desc(0x7000, 1, 0x5000, 64, 2, 0);
	offer(1, 0);
	got = vq_pop(&gm, &q, true, &r, &why);
	ok(got == 1 && r.nout == 1 && r.nin == 1 && r.in_bytes == 64,
	   "ring: an indirect table of 2 buffers becomes iovecs");
	q = ring_reset();
	desc(0x1000, 0, 0x7000, 32, 4, 0);
	offer(1, 0);
	pop_bad(&q, false, "indirect descriptor where none may be", "an indirect table when not offered");
	q = ring_reset();
	desc(0x1000, 0, 0x7000, 16, 4, 0);
	desc(0x7000, 0, 0x7000, 16, 4, 0);
	offer(1, 0);
	pop_bad(&q, true, "indirect descriptor where none may be", "an indirect table inside one");
	q = ring_reset();
	desc(0x1000, 0, 0x7000, 20, 4, 0);
	offer(1, 0);
	pop_bad(&q, true, "bad size", "an indirect table of 20 bytes");
	q = ring_reset();
	desc(0x1000, 0, 0x7000, 32, 4, 0);
	desc(0x7000, 0, 0x4000, 16, 1, 1);
	desc(0x7000, 1, 0x4000, 16, 1, 0);
	offer(1, 0);
	pop_bad(&q, true, "loops", "a loop inside an indirect table");
}

/* --- --disk and the disk backends ------------------------------------- */

static void disk_arg_ok(const char *s, const char *path, bool ro, bool snap, const char *serial)
{
	struct lg_disk_arg d;
	char buf[4096], err[256] = "";
	int r = parse_disk(s, &d, buf, err, sizeof(err));

	ok(r == 0 && !strcmp(d.path, path) && d.ro == ro && d.snapshot == snap &&
	   !strcmp(d.serial, serial), "--disk=%s parses (%s)", s, err);
}

static void disk_arg_bad(const char *s, const char *want)
{
	struct lg_disk_arg d;
	char buf[4096], err[256] = "";

	ok(parse_disk(s, &d, buf, err, sizeof(err)) == -1 && strstr(err, want),
	   "--disk=%s refused: '%s' (%s)", s, want, err);
}

/* --- --share --------------------------------------------------------- */

static void share_arg_ok(const char *s, unsigned int index, const char *dir, const char *tag, bool ro)
{
	struct lg_share_arg sh;
	char buf[4096], err[256] = "";
	int r = parse_share(s, index, &sh, buf, err, sizeof(err));

	ok(r == 0 && !strcmp(sh.dir, dir) && !strcmp(sh.tag, tag) && sh.ro == ro,
	   "--share=%s parses: tag '%s' (%s)", s, r ? "" : sh.tag, err);
}

static void share_arg_bad(const char *s, const char *want)
{
	struct lg_share_arg sh;
	char buf[4096], err[256] = "";

	ok(parse_share(s, 0, &sh, buf, err, sizeof(err)) == -1 && strstr(err, want),
	   "--share=%s refused: '%s' (%s)", s, want, err);
}

static void test_share_args(void)
{
	char *two[] = { "lguest", "--share=/a/data", "--share=/b/data", NULL };
	char *tagged[] = { "lguest", "--share=/a/data", "--share=/b/data,tag=other,ro", NULL };
	struct lg_args *a = calloc(1, sizeof(*a));
	char err[256] = "";

	share_arg_ok("/srv/data", 0, "/srv/data", "data", false);
	share_arg_ok("/srv/data/,ro", 1, "/srv/data/", "data", true);
	share_arg_ok("/srv/data,tag=web_root-1.0", 0, "/srv/data", "web_root-1.0", false);
	share_arg_ok("/", 2, "/", "share2", false);
	share_arg_ok("..", 3, "..", "share3", false);
	share_arg_ok("/tmp/with space", 0, "/tmp/with space", "share0", false);
	share_arg_bad("", "needs a directory");
	share_arg_bad(",ro", "needs a directory");
	share_arg_bad("/x,tag=", "must be 1 to 64");
	share_arg_bad("/x,tag=a b", "must be 1 to 64");
	share_arg_bad("/x,tag=../etc", "must be 1 to 64");
	share_arg_bad("/x,rw", "unknown option 'rw'");
	ok(a && parse_args(3, two, a, err, sizeof(err)) == -1 && strstr(err, "tag=OTHER"),
	   "two shares with one tag are refused: %s", err);
	err[0] = '\0';
	ok(a && parse_args(3, tagged, a, err, sizeof(err)) == 0 && a->nshares == 2 &&
	   !strcmp(a->shares[1].tag, "other") && a->shares[1].ro,
	   "two shares, the second tagged and read-only (%s)", err);
	{
		char *named[] = { "lguest", "--name=web-1.test", "--detach", NULL };
		char *bad1[] = { "lguest", "--name=.hidden", NULL };
		char *bad2[] = { "lguest", "--name=a/b", NULL };
		char *bad3[] = { "lguest", "--name=abcdefghijabcdefghijabcdefghijabc", NULL };

		err[0] = '\0';
		ok(a && parse_args(3, named, a, err, sizeof(err)) == 0 && !strcmp(a->name, "web-1.test") &&
		   a->detach, "--name=web-1.test --detach (%s)", err);
		ok(a && parse_args(2, bad1, a, err, sizeof(err)) == -1 && strstr(err, "not starting with '.'"),
		   "--name=.hidden refused: %s", err);
		ok(a && parse_args(2, bad2, a, err, sizeof(err)) == -1 && strstr(err, "a name is 1 to 32"),
		   "--name=a/b refused: %s", err);
		ok(a && parse_args(2, bad3, a, err, sizeof(err)) == -1, "a 33-character --name refused: %s", err);
	}
	free(a);
}

/* --- --config ---------------------------------------------------------- */

static void test_config(void)
{
	char path[300], buf[4096], err[256] = "", joined[1024] = "";
	char *out[64], *plain[] = { "lguest", "--config=x", "--verbose", NULL },
		*pos[] = { "lguest", "--config", "x", "64m", "/k", "a=b", NULL };
	struct lg_args *a = calloc(1, sizeof(*a));
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/t.conf", dir);
	f = fopen(path, "w");
	fprintf(f, "# a guest\n\nmemory=256m\n  kernel=/usr/lib/lguest/vmlinux  \n"
		   "cmdline=root=/dev/vda quiet\ndisk=/var/lib/t.img,snapshot\n--net=user\n"
		   "share=/srv/www,ro\nuser=nobody\nno-rng\n");
	fclose(f);
	n = config_argv(path, 3, plain, out, 64, buf, sizeof(buf), err, sizeof(err));
	for (int i = 0; i < n; i++)
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s", i ? " " : "",
			 out[i]);
	ok(n == 11 && !strcmp(joined, "lguest --disk=/var/lib/t.img,snapshot --net=user --share=/srv/www,ro "
				 "--user=nobody --no-rng --verbose 256m /usr/lib/lguest/vmlinux root=/dev/vda quiet"),
	   "a configuration file becomes options, then the command line's, then its positionals: %s", joined);
	ok(a && parse_args(n, out, a, err, sizeof(err)) == 0 && a->mem == 256ull << 20 &&
	   a->ndisks == 1 && a->disks[0].snapshot && a->nshares == 1 && a->shares[0].ro &&
	   !strcmp(a->user, "nobody") && a->no_rng && a->verbose && !strcmp(a->cmdline, "root=/dev/vda quiet"),
	   "and parses (%s)", err);
	n = config_argv(path, 6, pos, out, 64, buf, sizeof(buf), err, sizeof(err));
	ok(n == 9 && !strcmp(out[6], "64m") && !strcmp(out[7], "/k") && !strcmp(out[8], "a=b"),
	   "the command line's <mem> and <vmlinux> win over the file's");
	f = fopen(path, "w");
	fprintf(f, "memory=64m\ndetach\n");
	fclose(f);
	ok(config_argv(path, 3, plain, out, 64, buf, sizeof(buf), err, sizeof(err)) == -1 &&
	   strstr(err, "t.conf:2: 'detach' has no place"), "detach in a file is refused: %s", err);
	ok(config_argv("/nonexistent.conf", 3, plain, out, 64, buf, sizeof(buf), err, sizeof(err)) == -1 &&
	   strstr(err, "No such file"), "a missing file: %s", err);
	free(a);
}

static void fill(uint8_t *b, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

/* Directory entries, "." and ".." included. */
static int entries(const char *path)
{
	DIR *dp = opendir(path);
	int n = 0;

	while (dp && readdir(dp))
		n++;
	if (dp)
		closedir(dp);
	return n;
}

static void test_disk(void)
{
	static uint8_t a[3 * DISK_CLUSTER], b[sizeof(a)];
	char path[300], err[4200] = "";
	struct disk d, d2;
	struct iovec v;
	int fd, before;

	disk_arg_ok("img", "img", false, false, "");
	disk_arg_ok("/x/img,ro", "/x/img", true, false, "");
	disk_arg_ok("img,snapshot,serial=disk0", "img", false, true, "disk0");
	disk_arg_ok("img,ro,serial=12345678901234567890", "img", true, false, "12345678901234567890");
	disk_arg_bad("", "needs a file name");
	disk_arg_bad(",ro", "needs a file name");
	disk_arg_bad("img,rw", "unknown option 'rw'");
	disk_arg_bad("img,serial=123456789012345678901", "longer than 20");

	/* An image of 3 clusters and a bit, with a pattern. */
	snprintf(path, sizeof(path), "%s/disk.img", dir);
	fill(a, sizeof(a), 1);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	ok(fd >= 0 && write(fd, a, sizeof(a)) == (ssize_t)sizeof(a) &&
	   write(fd, a, 700) == 700 && close(fd) == 0, "a test image is written");

	ok(disk_open(&d, path, false, false, NULL, err, sizeof(err)) == 0 &&
	   d.size == sizeof(a) + 512 && !strcmp(d.serial, "disk.img"),
	   "a raw image opens: size rounded down to sectors, serial from its name (%s)", err);
	ok(disk_open(&d2, path, false, false, NULL, err, sizeof(err)) == -1 &&
	   strstr(err, "in use by another guest"), "a second writer is refused: %s", err);
	ok(disk_open(&d2, path, true, false, NULL, err, sizeof(err)) == -1,
	   "a reader is refused while a writer has it");
	close(d.fd);
	ok(disk_open(&d, path, true, false, NULL, err, sizeof(err)) == 0 &&
	   disk_open(&d2, path, true, false, NULL, err, sizeof(err)) == 0,
	   "two readers share an image (%s)", err);
	v = (struct iovec){ b, 512 };
	ok(disk_write(&d, &v, 1, 0) == -EROFS, "a read-only disk is never written");
	close(d.fd);
	close(d2.fd);

	/* The overlay: writes land in it, reads see them, the image stays. */
	setenv("TMPDIR", dir, 1);
	before = entries(dir);
	ok(disk_open(&d, path, false, true, "s1", err, sizeof(err)) == 0 && d.ofd >= 0,
	   "an image opens with an overlay (%s)", err);
	fill(b, 4096, 99);
	v = (struct iovec){ b, 4096 };
	ok(disk_write(&d, &v, 1, DISK_CLUSTER - 2048) == 0, "a write across two clusters goes to the overlay");
	{
		static uint8_t got[3 * DISK_CLUSTER], want[3 * DISK_CLUSTER];
		struct iovec g[2] = { { got, 1000 }, { got + 1000, sizeof(got) - 1000 } };
		uint8_t img[sizeof(a)];
		int ifd = open(path, O_RDONLY);

		memcpy(want, a, sizeof(a));
		memcpy(want + DISK_CLUSTER - 2048, b, 4096);
		ok(disk_read(&d, g, 2, 0) == 0 && !memcmp(got, want, sizeof(want)),
		   "reads see the overlay's data where written, the image's elsewhere");
		ok(ifd >= 0 && read(ifd, img, sizeof(img)) == (ssize_t)sizeof(img) &&
		   !memcmp(img, a, sizeof(a)), "the image itself is unchanged");
		close(ifd);
	}
	ok(disk_write_zeroes(&d, 512, 1024) == 0, "write-zeroes through the overlay");
	{
		uint8_t z[1024], zero[1024] = { 0 };

		v = (struct iovec){ z, sizeof(z) };
		ok(disk_read(&d, &v, 1, 512) == 0 && !memcmp(z, zero, sizeof(z)), "and it reads back zero");
	}
	ok(entries(dir) == before, "the overlay leaves no file behind (%d entries, %d before)",
	   entries(dir), before);
	close(d.fd);
	close(d.ofd);
	unsetenv("TMPDIR");
}

/* --- --net, and virtio-net on a stream backend -------------------------- */

static void net_ok(const char *s, enum lg_net_kind kind, const char *what)
{
	struct lg_net_arg a;
	char buf[512], err[256] = "";
	int r = parse_net(s, &a, buf, err, sizeof(err));

	ok(r == 0 && a.kind == kind && !strcmp(a.what, what), "--net=%s parses (%s)", s, err);
}

static void net_bad(const char *s, const char *want)
{
	struct lg_net_arg a;
	char buf[512], err[256] = "";

	ok(parse_net(s, &a, buf, err, sizeof(err)) == -1 && strstr(err, want),
	   "--net=%s refused: '%s' (%s)", s, want, err);
}

/* Offer head at avail (a queue of 8) slot idx - 1; the index to idx. */
static void noffer(unsigned int avail, uint16_t idx, uint16_t head)
{
	memcpy(ram + avail + 4 + 2 * ((idx - 1) & 7), &head, 2);
	__atomic_store_n((uint16_t *)(ram + avail + 2), idx, __ATOMIC_RELEASE);
}

/* Wait (at most 5 s) for the used index at used to reach idx. */
static bool used_reaches(unsigned int used, uint16_t idx)
{
	for (int i = 0; i < 5000; i++) {
		if (__atomic_load_n((uint16_t *)(ram + used + 2), __ATOMIC_ACQUIRE) == idx)
			return true;
		usleep(1000);
	}
	return false;
}

static bool vdev_waits_for(struct vdev *d, uint32_t off, uint32_t mask, uint32_t want)
{
	for (int i = 0; i < 5000; i++) {
		if ((vdev_read(d, off, 4) & mask) == want)
			return true;
		usleep(1000);
	}
	return false;
}

/* Read exactly len bytes from a socket, within 5 s. */
static bool read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 5000) != 1)
			return false;
		n = read(fd, (uint8_t *)buf + got, len - got);
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* --- offloads done in the launcher (net/offload.c) ------------------------ */

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* A TCP segment's checksum is right: the sum with the pseudo-header is 0xffff. */
static bool tcp_ok(const uint8_t *f, size_t len, bool v6)
{
	size_t l4 = v6 ? 54 : 14 + (size_t)(f[14] & 15) * 4;
	uint8_t ph[4] = { 0, 0, (uint8_t)((len - l4) >> 8), (uint8_t)(len - l4) };
	uint32_t s = v6 ? sum16(f + 22, 32, 0) : sum16(f + 26, 8, 0);

	s = sum16(ph, 4, s) + 6;
	return sum16(f + l4, len - l4, s) == 0xffff;
}

struct segs {
	unsigned int n;
	size_t len[64];
	uint8_t f[64][1600];
};

static int keep_seg(const uint8_t *f, size_t len, void *ctx)
{
	struct segs *s = ctx;

	if (s->n == 64 || len > 1600)
		return -1;
	memcpy(s->f[s->n], f, len);
	s->len[s->n++] = len;
	return 0;
}

/* An Ethernet + IPv4 (or IPv6) + TCP frame with payload bytes i*5. */
static size_t tcp_frame(uint8_t *f, bool v6, size_t payload)
{
	size_t l4 = v6 ? 54 : 34;

	memset(f, 0, l4 + 20);
	memcpy(f, "\x52\x54\x00\x00\x00\x02\x52\x54\x00\x00\x00\x01", 12);
	if (v6) {
		f[12] = 0x86, f[13] = 0xdd, f[14] = 0x60, f[20] = 6, f[21] = 64;
		f[22 + 15] = 1, f[38 + 15] = 2;
	} else {
		f[12] = 0x08, f[14] = 0x45, f[18] = 0x12, f[19] = 0x34, f[20] = 0x40;
		f[22] = 64, f[23] = 6;
		memcpy(f + 26, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	}
	f[l4 + 1] = 80, f[l4 + 3] = 99;
	memcpy(f + l4 + 4, "\x00\x01\x00\x00", 4);	/* seq 65536 */
	f[l4 + 12] = 5 << 4;
	f[l4 + 13] = 0x18 | 0x01 | 0x80;	/* PSH ACK FIN CWR */
	for (size_t i = 0; i < payload; i++)
		f[l4 + 20 + i] = (uint8_t)(i * 5);
	return l4 + 20 + payload;
}

static void test_offload(void)
{
	static uint8_t f[NET_FRAME_MAX], seg[NET_FRAME_MAX];
	static struct segs s;
	struct virtio_net_hdr h = { .flags = VNET_HDR_F_NEEDS_CSUM };
	const char *why;
	size_t len;
	bool good;

	for (int v6 = 0; v6 < 2; v6++) {
		size_t l4 = v6 ? 54 : 34, payload = 10000, at = 0;

		len = tcp_frame(f, v6, payload);
		h.gso_type = v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4;
		h.gso_size = 1448;
		s.n = 0;
		why = NULL;
		good = net_offload(&h, f, len, seg, keep_seg, &s, &why) == 0 && !why && s.n == 7;
		for (unsigned int i = 0; good && i < s.n; i++) {
			const uint8_t *g = s.f[i];
			size_t n = s.len[i] - l4 - 20;
			uint32_t seq = (uint32_t)g[l4 + 4] << 24 | (uint32_t)g[l4 + 5] << 16 |
				       (uint32_t)g[l4 + 6] << 8 | g[l4 + 7];
			bool last = i == s.n - 1;

			good = n == (last ? payload - 6 * 1448 : 1448) && seq == 65536 + at &&
			       !memcmp(g + l4 + 20, f + l4 + 20 + at, n) && tcp_ok(g, s.len[i], v6) &&
			       (g[l4 + 13] & 0x09) == (last ? 0x09 : 0) &&
			       (g[l4 + 13] & 0x80) == (i ? 0 : 0x80) && (g[l4 + 13] & 0x10);
			if (good && v6)
				good = (size_t)(g[18] << 8 | g[19]) == 20 + n;
			if (good && !v6)
				good = (size_t)(g[16] << 8 | g[17]) == 40 + n &&
				       (g[18] << 8 | g[19]) == 0x1234 + (int)i && sum16(g + 14, 20, 0) == 0xffff;
			at += n;
		}
		ok(good, "offload: a 10000-byte TCP/IPv%d segment becomes 7 frames of 1448 bytes at most, each with its checksums, sequence number, length%s and flags (%u frames)",
		   v6 ? 6 : 4, v6 ? "" : ", IP id", s.n);
	}

	/* A checksum alone: UDP's, from csum_start, stored at csum_offset. */
	len = tcp_frame(f, false, 100);
	f[23] = 17;
	h = (struct virtio_net_hdr){ .flags = VNET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 6 };
	s.n = 0;
	why = NULL;
	ok(net_offload(&h, f, len, seg, keep_seg, &s, &why) == 0 && s.n == 1 && s.len[0] == len &&
	   sum16(s.f[0] + 34, len - 34, 0) == 0xffff, "offload: a checksum from csum_start is filled in at csum_offset");

	/* What a hostile guest may send instead: refused with a reason. */
	static const char *const bad[] = {
		"not IP", "IPv4 header length 4 words", "a fragment", "UDP",
		"TCP header length past the frame", "shorter than the headers",
		"checksum outside the frame",
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = tcp_frame(f, false, 3000);
		h = (struct virtio_net_hdr){ .flags = VNET_HDR_F_NEEDS_CSUM, .gso_type = VNET_GSO_TCPV4,
					     .gso_size = 1000 };
		switch (i) {
		case 0: f[12] = 0x88; break;
		case 1: f[14] = 0x44; break;
		case 2: f[20] = 0x20; break;
		case 3: f[23] = 17; break;
		case 4: f[34 + 12] = 0xf0; len = 34 + 40; break;
		case 5: len = 40; break;
		case 6: h.gso_type = VNET_GSO_NONE; h.csum_start = (uint16_t)len; break;
		}
		s.n = 0;
		why = NULL;
		int r = net_offload(&h, f, len, seg, keep_seg, &s, &why);

		ok(r == -1 && why && s.n == 0, "offload: %s is refused (%s)", bad[i],
		   why ? why : "accepted");
	}
}

static void test_net(void)
{
	static struct nic nic;
	struct lg_net_arg a;
	struct lg_forward f;
	struct vdev d;
	char buf[512], err[256] = "", spec[32];
	uint8_t frame[2500], got[2500 + 4], mac[6];
	uint32_t len;
	uint64_t feat;
	int sv[2], lfd;

	net_ok("tap:tap0", LG_NET_TAP, "tap0");
	net_ok("tap", LG_NET_TAP, "");
	net_ok("bridge:br0", LG_NET_BRIDGE, "br0");
	net_ok("hub:t,mac=52:54:00:12:34:56,name=web", LG_NET_HUB, "t");
	net_ok("user", LG_NET_USER, "");
	net_ok("user:slirp", LG_NET_USER, "slirp");
	net_ok("user:passt", LG_NET_USER, "passt");
	net_ok("stream:/run/x.sock", LG_NET_STREAM, "/run/x.sock");
	net_ok("fd:3", LG_NET_FD, "3");
	net_bad("wire:x", "unknown network; want tap:IFNAME, tap, bridge:BR, hub:NAME, user[:slirp|:passt], stream:PATH or fd:N");
	net_bad("hub", "want tap:IFNAME");
	net_bad("hub:", "want tap:IFNAME");
	net_bad("user:x", "want user, user:slirp or user:passt");
	net_bad("user:", "want tap:IFNAME");
	net_bad("tap:", "want tap:IFNAME");
	net_bad("hub:a/b", "may not contain");
	net_bad("tap:averyveryverylongname", "at most 15 characters");
	net_bad("fd:x", "file descriptor number");
	net_bad("hub:t,mac=01:00:5e:00:00:01", "not a multicast one");
	net_bad("hub:t,mac=52:54:00:12:34", "bad MAC");
	net_bad("hub:t,speed=10", "unknown option 'speed=10'");
	ok(parse_forward("tcp:8080:80", &f, err, sizeof(err)) == 0 && !f.udp && f.host_port == 8080 &&
	   f.guest_port == 80, "--forward=tcp:8080:80 parses");
	ok(parse_forward("udp:5353:53", &f, err, sizeof(err)) == 0 && f.udp, "--forward=udp:5353:53 parses");
	ok(parse_forward("sctp:1:2", &f, err, sizeof(err)) == -1 && strstr(err, "want tcp:HOSTPORT"),
	   "--forward=sctp:1:2 is refused (%s)", err);
	ok(parse_forward("tcp:0:80", &f, err, sizeof(err)) == -1 &&
	   parse_forward("tcp:70000:80", &f, err, sizeof(err)) == -1, "--forward ports 0 and 70000 are refused");
	{
		char *argv[] = { "lguest", "--net=hub:t", "--forward=tcp:80:80", NULL };
		struct lg_args *la = malloc(sizeof(*la));

		ok(parse_args(3, argv, la, err, sizeof(err)) == -1 && strstr(err, "--net=user"),
		   "--forward without --net=user is refused (%s)", err);
		free(la);
	}

	/* The device, driven as Linux's driver does, on a socket pair. */
	memset(ram, 0, sizeof(ram));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		ok(0, "socketpair: %s", strerror(errno));
		return;
	}
	snprintf(spec, sizeof(spec), "fd:%d,mac=52:54:00:ab:cd:ef", sv[0]);
	lfd = open("/dev/null", O_WRONLY);	/* where the irqs go */
	ok(parse_net(spec, &a, buf, err, sizeof(err)) == 0 &&
	   nic_init(&nic, &a, NULL, 0, &feat, err, sizeof(err)) == 0 &&
	   vdev_create(&d, &virtio_net_ops, &nic, &gm, 0, 5, lfd) == 0,
	   "virtio-net: a card on fd:%d (%s)", sv[0], err);
	d.features = feat;
	ok((feat & (1ull << VIRTIO_NET_F_CSUM)) && (feat & (1ull << VIRTIO_NET_F_HOST_TSO4)) &&
	   !(feat & (1ull << VIRTIO_NET_F_GUEST_CSUM)) && (feat & (1ull << VIRTIO_NET_F_MRG_RXBUF)),
	   "virtio-net: on a stream, checksum and TSO offered to the guest (done here), none towards it; merged buffers");
	vdev_write(&d, 0x070, 4, 1 | 2);
	vdev_write(&d, 0x024, 4, 0);
	vdev_write(&d, 0x020, 4, 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS |
		   1u << VIRTIO_NET_F_MRG_RXBUF);
	vdev_write(&d, 0x024, 4, 1);
	vdev_write(&d, 0x020, 4, 1);	/* VERSION_1 */
	vdev_write(&d, 0x070, 4, 1 | 2 | 8);
	ok(vdev_read(&d, 0x070, 4) & 8, "virtio-net: the driver's features are accepted");
	for (unsigned int q = 0; q < 2; q++) {
		vdev_write(&d, 0x030, 4, q);
		vdev_write(&d, 0x038, 4, 8);
		vdev_write(&d, 0x080, 4, 0x1000 + q * 0x3000);
		vdev_write(&d, 0x090, 4, 0x2000 + q * 0x3000);
		vdev_write(&d, 0x0a0, 4, 0x3000 + q * 0x3000);
		vdev_write(&d, 0x044, 4, 1);
	}
	vdev_write(&d, 0x070, 4, 1 | 2 | 8 | 4);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)vdev_read(&d, 0x100 + i, 1);
	ok(!memcmp(mac, "\x52\x54\x00\xab\xcd\xef", 6) && vdev_read(&d, 0x106, 1) == 1,
	   "virtio-net: the configuration space has the MAC and the link up");

	/* Send: a header and a 60-byte frame, in two buffers. */
	for (int i = 0; i < 60; i++)
		ram[0x7100 + i] = (uint8_t)(i * 3);
	desc(0x4000, 0, 0x7000, 12, 1, 1);
	desc(0x4000, 1, 0x7100, 60, 0, 0);
	noffer(0x5000, 1, 0);
	vdev_write(&d, 0x050, 4, 1);
	ok(read_all(sv[1], got, 64) && !memcmp(got, "\0\0\0\x3c", 4) && !memcmp(got + 4, ram + 0x7100, 60) &&
	   used_reaches(0x6000, 1), "virtio-net: a sent frame reaches the peer, length first, header stripped");

	/* Receive: 2500 bytes into three 1000-byte buffers, merged. */
	for (unsigned int i = 0; i < 3; i++)
		desc(0x1000, i, 0x8000 + i * 0x1000, 1000, 2, 0);
	for (uint16_t i = 0; i < 3; i++)
		noffer(0x2000, i + 1, i);
	vdev_write(&d, 0x050, 4, 0);
	for (int i = 0; i < 2500; i++)
		frame[i] = (uint8_t)(i * 7 + 1);
	len = htonl(sizeof(frame));
	ok(write(sv[1], &len, 4) == 4 && write(sv[1], frame, sizeof(frame)) == sizeof(frame) &&
	   used_reaches(0x3000, 3), "virtio-net: a 2500-byte frame arrives in three buffers");
	{
		uint32_t l[3];
		uint16_t nb;

		for (int i = 0; i < 3; i++)
			memcpy(&l[i], ram + 0x3008 + 8 * i, 4);
		memcpy(&nb, ram + 0x8000 + 10, 2);
		ok(l[0] == 1000 && l[1] == 1000 && l[2] == 512 && nb == 3 &&
		   !memcmp(ram + 0x8000 + 12, frame, 988) && !memcmp(ram + 0x9000, frame + 988, 1000) &&
		   !memcmp(ram + 0xa000, frame + 1988, 512),
		   "virtio-net: the header says 3 buffers and the bytes are the frame's (%u %u %u, %u)",
		   l[0], l[1], l[2], nb);
	}

	/* A hostile driver: a checksum offload it never agreed to. */
	ram[0x7000] = 1;	/* VIRTIO_NET_HDR_F_NEEDS_CSUM */
	desc(0x4000, 2, 0x7000, 12, 1, 3);
	desc(0x4000, 3, 0x7100, 60, 0, 0);
	noffer(0x5000, 2, 2);
	vdev_write(&d, 0x050, 4, 1);
	ok(vdev_waits_for(&d, 0x070, 64, 64),
	   "virtio-net: a header asking for an offload not agreed sets NEEDS_RESET");

	/* A hostile peer: a length no frame has.  The link goes down. */
	len = htonl(0x7fffffff);
	ok(write(sv[1], &len, 4) == 4 && vdev_waits_for(&d, 0x104, 0xff0000, 0),
	   "virtio-net: a peer that sends no frame takes the link down");
	close(sv[1]);
	close(lfd);
}

int main(void)
{
	tap_start();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}

	mem_ok("64m", 64ULL << 20);
	mem_ok("512M", 512ULL << 20);
	mem_ok("1g", 1ULL << 30);
	mem_ok("2G", 2ULL << 30);
	mem_ok("64", 64ULL << 20);
	mem_ok("1", 1ULL << 20);
	mem_bad("0", "less than");
	mem_bad("3g", "more than");
	mem_bad("4096", "more than");
	mem_bad("99999999999999999999999", "invalid memory size");
	mem_bad("64k", "invalid memory size");
	mem_bad("64mb", "invalid memory size");
	mem_bad("-64", "invalid memory size");
	mem_bad("m", "invalid memory size");
	mem_bad("", "invalid memory size");
	mem_bad(" 64", "invalid memory size");
	test_args();
	test_elf();
	test_ring();
	test_disk();
	test_share_args();
	test_config();
	test_offload();
	test_net();

	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return tap_done();
}
