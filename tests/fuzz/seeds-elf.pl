#!/usr/bin/perl
# seeds-elf.pl DIR: write the ELF fuzzer's seed kernels (tests/fuzz/fuzz_elf.c)
# into DIR.  Each is a few hand-laid headers: the shapes the launcher's ELF
# loader must take (one load segment, the lguest note saying 2-level or PAE
# page tables, a realistic four-header image) or refuse with a reason
# (another machine, byte order or class, a shared object, a load below the
# guest's boot parameters, program headers cut short).  Written here rather
# than kept as binaries, so the source says what each one is.
use strict;
use warnings;

my $dir = shift or die "usage: seeds-elf.pl DIR\n";
-d $dir or mkdir $dir or die "seeds-elf.pl: cannot make $dir: $!\n";

use constant { ET_EXEC => 2, ET_DYN => 3, EM_386 => 3, EM_ARM => 40, EM_X86_64 => 62,
	PT_LOAD => 1, PT_NOTE => 4, PT_GNU_STACK => 0x6474e551, PF_R => 4, PF_W => 2, PF_X => 1 };
my $EHDR = 52;	# bytes in a 32-bit ELF header
my $PHDR = 32;	# and in each of its program headers
# The code of every loaded image: hlt, then jump back to it, then padding.
my $CODE = "\xf4\xeb\xfd" . ("\x90" x 13);

# ehdr(TYPE, MACHINE, ENTRY, PHNUM): a little-endian 32-bit ELF header
# whose program headers follow it.
sub ehdr {
	my ($type, $machine, $entry, $phnum) = @_;
	return "\x7fELF" . pack('CCC', 1, 1, 1) . ("\0" x 9) .
	    pack('vvVVVVVvvvvvv', $type, $machine, 1, $entry, $EHDR, 0, 0,
		 $EHDR, $PHDR, $phnum, 0, 0, 0);
}

sub phdr {
	my ($type, $off, $addr, $filesz, $memsz, $flags, $align) = @_;
	return pack('V8', $type, $off, $addr, $addr, $filesz, $memsz, $flags, $align);
}

# The lguest note: owner "lguest", type 1, one word saying 2 (2-level) or
# 3 (PAE) page-table levels.
sub note {
	my ($levels) = @_;
	return pack('VVV', 7, 4, 1) . "lguest\0\0" . pack('V', $levels);
}

# one(ADDR, MEMSZ[, MACHINE[, TYPE[, CODE]]]): one load segment of code.
sub one {
	my ($addr, $memsz, $machine, $type, $code) = @_;
	$code //= $CODE;
	return ehdr($type // ET_EXEC, $machine // EM_386, $addr, 1) .
	    phdr(PT_LOAD, $EHDR + $PHDR, $addr, length($code), $memsz, PF_R | PF_X, 4) . $code;
}

my %seed;
$seed{'one-load.elf'} = one(0x1000000, 0x40);
$seed{'low-load.elf'} = one(0x100000, 0x100);
$seed{'over-bootparams.elf'} = one(0x90000, 0x3000);
$seed{'arm.elf'} = one(0x1000000, 4, EM_ARM, ET_EXEC, "\0" x 4);
$seed{'dyn.elf'} = one(0x1000000, 4, EM_386, ET_DYN, "\0" x 4);

# A kernel built for 2-level page tables, saying so in its note.
{
	my $code = $EHDR + 2 * $PHDR;
	my $note = $code + length($CODE);
	$seed{'note-2level.elf'} = ehdr(ET_EXEC, EM_386, 0x1000000, 2) .
	    phdr(PT_LOAD, $code, 0x1000000, length($CODE), 0x2000, PF_R | PF_X, 4) .
	    phdr(PT_NOTE, $note, 0, 24, 0, PF_R | PF_X, 4) . $CODE . note(2);
}
# A PAE kernel: two load segments, the second with a little data.
{
	my $code = $EHDR + 3 * $PHDR;
	my $data = $code + length($CODE);
	my $note = $data + 4;
	$seed{'note-pae.elf'} = ehdr(ET_EXEC, EM_386, 0x1000000, 3) .
	    phdr(PT_LOAD, $code, 0x1000000, length($CODE), length($CODE), PF_R | PF_X, 4) .
	    phdr(PT_LOAD, $data, 0x1100000, 4, 0x1000, PF_R | PF_X, 4) .
	    phdr(PT_NOTE, $note, 0, 24, 0, PF_R | PF_X, 4) . $CODE . 'data' . note(3);
}
# What gcc and ld make of three bytes of code and the note: the note in a
# read-only load segment of its own, and a GNU_STACK header.
{
	my $code = $EHDR + 4 * $PHDR;
	my $note = $code + 4;
	$seed{'tiny-i386.elf'} = ehdr(ET_EXEC, EM_386, 0x1000000, 4) .
	    phdr(PT_LOAD, $code, 0x1000000, 3, 3, PF_R | PF_X, 1) .
	    phdr(PT_LOAD, $note, 0x1000100, 24, 24, PF_R, 4) .
	    phdr(PT_NOTE, $note, 0x1000100, 24, 24, PF_R, 4) .
	    phdr(PT_GNU_STACK, 0, 0, 0, 0, PF_R | PF_W, 16) .
	    "\xf4\xeb\xfd\0" . note(2);
}
# Refused before any segment is read: four program headers promised, the
# file ends inside the first.
$seed{'truncated-phdr.elf'} = substr(ehdr(ET_EXEC, EM_386, 0x1000000, 4) .
    phdr(PT_LOAD, 0x54, 0x1000000, 4, 4, PF_R | PF_X, 4), 0, 72);
# Another byte order: an i386 header marked big-endian, every field of
# which then reads wrong (and no program header follows).
$seed{'big-endian.elf'} = ehdr(ET_EXEC, EM_386, 0x1000000, 1);
substr($seed{'big-endian.elf'}, 5, 1) = "\x02";
# Another class: a 64-bit header with nothing behind it.
$seed{'elf64.elf'} = "\x7fELF" . pack('CCC', 2, 1, 1) . ("\0" x 9) .
    pack('vvV', ET_EXEC, EM_X86_64, 1) . ("\0" x 40);

for my $name (sort keys %seed) {
	open(my $fh, '>:raw', "$dir/$name") or die "seeds-elf.pl: $dir/$name: $!\n";
	print $fh $seed{$name};
	close($fh) or die "seeds-elf.pl: $dir/$name: $!\n";
}
