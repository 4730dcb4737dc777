// SPDX-License-Identifier: GPL-2.0
/*
 * Tour 60: Why a vmlinux, and what we refuse
 *
 * The guest kernel is an uncompressed vmlinux: the bzImage decompressor
 * starts with "cli; lgdt", which a ring-1 guest may not do.  We read it
 * with libelf and refuse anything we could not boot before we ask the
 * kernel for a guest, so a wrong file costs one clear line, not a crash.
 */
#include "elfload.h"

#include <lguest_abi.h>

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The guest's lguest note, if it has one: which page tables it uses. */
static int read_notes(Elf *e, const Elf32_Phdr *ph, size_t n, const char *name,
		      uint64_t filesize, struct lg_image *img, char *err,
		      size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (ph[i].p_type != PT_NOTE ||
		    (uint64_t)ph[i].p_offset + ph[i].p_filesz > filesize)
			continue;
		d = elf_getdata_rawchunk(e, ph[i].p_offset, ph[i].p_filesz, ELF_T_NHDR);
		if (!d)
			continue;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			uint32_t v;

			if (nh.n_type != LGUEST_NOTE_PAGING ||
			    nh.n_namesz != sizeof(LGUEST_NOTE_NAME) ||
			    memcmp((char *)d->d_buf + noff, LGUEST_NOTE_NAME,
				   sizeof(LGUEST_NOTE_NAME)))
				continue;
			if (nh.n_descsz != 4)
				goto bad;
			memcpy(&v, (char *)d->d_buf + doff, 4);
			if (v != 2 && v != 3)
				goto bad;
			img->paging = v;
		}
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: corrupt lguest paging note", name);
	return -1;
}

static int check(Elf *e, const char *name, uint64_t filesize, uint64_t mem,
		 struct lg_image *img, char *err, size_t errlen)
{
	Elf32_Ehdr *eh;
	Elf32_Phdr *ph;
	size_t n;
	int cls;

	if (elf_kind(e) != ELF_K_ELF) {
		snprintf(err, errlen, "%s: not an ELF file", name);
		return -1;
	}
	cls = gelf_getclass(e);
	if (cls == ELFCLASS64) {
		snprintf(err, errlen, "%s: 64-bit ELF; lguest boots 32-bit i386 kernels only", name);
		return -1;
	}
	if (cls != ELFCLASS32) {
		snprintf(err, errlen, "%s: ELF of unknown class", name);
		return -1;
	}
	eh = elf32_getehdr(e);
	if (!eh) {
		snprintf(err, errlen, "%s: corrupt ELF header (%s)", name, elf_errmsg(-1));
		return -1;
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_386) {
		snprintf(err, errlen, "%s: ELF for machine %u, not i386", name,
			 (unsigned int)eh->e_machine);
		return -1;
	}
	if (eh->e_type != ET_EXEC) {
		snprintf(err, errlen, "%s: not an executable ELF (type %u); boot a vmlinux",
			 name, (unsigned int)eh->e_type);
		return -1;
	}
	if (elf_getphdrnum(e, &n) != 0 || n == 0 ||
	    (uint64_t)eh->e_phoff + (uint64_t)n * sizeof(Elf32_Phdr) > filesize ||
	    !(ph = elf32_getphdr(e))) {
		snprintf(err, errlen, "%s: truncated or corrupt ELF: program headers unreadable", name);
		return -1;
	}

	memset(img, 0, sizeof(*img));
	img->entry = eh->e_entry;
	for (size_t i = 0; i < n; i++) {
		const Elf32_Phdr *p = &ph[i];
		uint64_t end = (uint64_t)p->p_paddr + p->p_memsz;

		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		if (p->p_filesz > p->p_memsz) {
			snprintf(err, errlen, "%s: corrupt ELF: segment %zu has more file than memory bytes",
				 name, i);
			return -1;
		}
		if ((uint64_t)p->p_offset + p->p_filesz > filesize) {
			snprintf(err, errlen, "%s: truncated ELF: segment %zu ends past the end of the file",
				 name, i);
			return -1;
		}
		if (end > mem) {
			snprintf(err, errlen, "%s: segment %zu (0x%08x-0x%08llx) lies beyond the guest's %llu MiB of memory",
				 name, i, (unsigned int)p->p_paddr,
				 (unsigned long long)end - 1,
				 (unsigned long long)(mem >> 20));
			return -1;
		}
		if (img->nseg == LG_MAX_SEGMENTS) {
			snprintf(err, errlen, "%s: more than %d loadable segments",
				 name, LG_MAX_SEGMENTS);
			return -1;
		}
		img->seg[img->nseg++] = (struct lg_segment){
			.offset = p->p_offset, .paddr = p->p_paddr,
			.filesz = p->p_filesz, .memsz = p->p_memsz,
		};
	}
	if (img->nseg == 0) {
		snprintf(err, errlen, "%s: no loadable segment", name);
		return -1;
	}
	return read_notes(e, ph, n, name, filesize, img, err, errlen);
}

int elf_check_fd(int fd, const char *name, uint64_t mem, struct lg_image *img,
		 char *err, size_t errlen)
{
	struct stat st;
	Elf *e;
	int ret;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", name);
		return -1;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf is unusable: %s", elf_errmsg(-1));
		return -1;
	}
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e) {
		snprintf(err, errlen, "%s: not an ELF file (%s)", name, elf_errmsg(-1));
		return -1;
	}
	ret = check(e, name, (uint64_t)st.st_size, mem, img, err, errlen);
	elf_end(e);
	return ret;
}

int elf_check_file(const char *path, uint64_t mem, struct lg_image *img,
		   char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	ret = elf_check_fd(fd, path, mem, img, err, errlen);
	close(fd);
	return ret;
}
