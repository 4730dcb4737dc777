#!/bin/sh
# Runs inside the stock i386 host: lg.ko loads and unloads cleanly,
# /dev/lguest looks right and refuses malformed requests, and the launcher's
# error paths say what they should.  TAP lines (unnumbered) go to $RES.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
L=/lguest
V=/guest/vmlinux


# expect DESC RC PATTERN CMD...: CMD exits RC and its output has PATTERN.
expect() {
	desc=$1 want=$2 pat=$3
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	echo "RIG: \$ $* -> $rc: $out"
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -qF -- "$pat"; then
		ok "$desc"
	else
		nok "$desc (wanted rc $want and '$pat')"
		printf 'got rc %s:\n%s\n' "$rc" "$out" | diag
	fi
}

dmesg_has() {
	if dmesg | grep -qF -- "$2"; then ok "$1"; else nok "$1 (no '$2' in dmesg)"; dmesg | tail -5 | diag; fi
}

expect "launcher --version names the ABI" 0 "(ABI " $L --version
expect "launcher --help shows usage" 0 "Usage: lguest [options] [<mem> [<vmlinux>" $L --help
expect "no module: clear 'not loaded' message" 1 \
	"/dev/lguest does not exist: the lg module is not loaded" $L 64m $V

if insmod /lg.ko; then ok "insmod lg.ko"; else nok "insmod lg.ko"; dmesg | tail -5 | diag; fi
dmesg_has "module says it is ready" "lguest: ready: /dev/lguest"
mode=$(stat -c '%F %a' /dev/lguest 2>&1)
if [ "$mode" = "character special file 660" ]; then
	ok "/dev/lguest is a char device with mode 0660"
else
	nok "/dev/lguest is a char device with mode 0660 (got '$mode')"
fi

expect "unprivileged user: permission denied" 1 \
	"permission denied opening /dev/lguest" /runas 1000 $L 64m $V
expect "no arguments and no default guest installed" 1 \
	"no <vmlinux> given, and the default guest kernel /usr/lib/lguest/vmlinux" $L
expect "unknown option" 1 "unknown option '--bogus'" $L --bogus 64m $V
expect "bad memory size" 1 "invalid memory size '64q'" $L 64q $V
expect "memory size too big" 1 "more than the 2048 MiB" $L 3g $V
expect "missing vmlinux" 1 "cannot open /nope: No such file or directory" $L 64m /nope
head -c 65536 /dev/urandom >/tmp/garbage
expect "garbage vmlinux" 1 "/tmp/garbage: not an ELF file" $L 64m /tmp/garbage
expect "64-bit ELF" 1 "64-bit ELF; lguest boots 32-bit i386 kernels only" $L 64m /tests/elf64
expect "relocatable ELF (lg.ko)" 1 "/lg.ko: not an executable ELF" $L 64m /lg.ko
head -c 300000 $V >/tmp/truncated
expect "truncated vmlinux" 1 "/tmp/truncated: truncated ELF" $L 64m /tmp/truncated
expect "vmlinux beyond guest memory" 1 "lies beyond the guest's 8 MiB of memory" $L 8m $V
expect "missing initrd" 1 "cannot open initrd /nope" $L --initrd=/nope 64m $V
# The guest kernel for the other page table format (PAE or not) says so in
# its ELF note: refused before it runs, with the host kernel it needs.
expect "a guest kernel built for the other page table format is refused" 1 \
	"page tables and this host's kernel does not: run it on a" $L 64m /guest/vmlinux-other

poke=$(/devpoke 2>&1)
echo "RIG: devpoke: $poke"
want="empty=EINVAL short=EINVAL unknown=EINVAL huge=EINVAL fault=EFAULT read=EINVAL readfault=EINVAL initshort=EINVAL badabi=EPROTO unaligned=EINVAL kernelmem=EINVAL badentry=EINVAL flags=EINVAL init=OK again=EEXIST readsmall=EINVAL"
if [ "$poke" = "$want " ]; then
	ok "malformed requests get EINVAL/EFAULT"
else
	nok "malformed requests get EINVAL/EFAULT"
	printf 'want: %s\ngot:  %s\n' "$want" "$poke" | diag
fi

if rmmod lg; then ok "rmmod lg"; else nok "rmmod lg"; fi
if [ ! -e /dev/lguest ]; then ok "/dev/lguest gone after unload"; else nok "/dev/lguest gone after unload"; fi
dmesg_has "module says it unloaded" "lguest: unloaded"
expect "after unload: 'not loaded' again" 1 "the lg module is not loaded" $L 64m $V
if grep -qw '^lg' /proc/modules; then nok "lg not in /proc/modules"; else ok "lg not in /proc/modules"; fi
