#!/bin/sh
# Runs inside the stock 686-pae kernel on a 64-bit CPU (qemu-system-x86_64),
# as when a 64-bit kernel started it: with EFER.SCE on, a guest's
# "syscall" would enter ring 0 at whatever STAR names, so lg.ko must refuse
# to load and say why (review item 8); with it off again, lg.ko loads and
# runs a guest.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"

if ! grep -qw syscall /proc/cpuinfo; then
	nok "the CPU has syscall (it needs qemu-system-x86_64)"
	exit 0
fi
insmod /lgprobe.ko sce=1 && ok "lgprobe sets EFER.SCE on every CPU" ||
	nok "lgprobe sets EFER.SCE on every CPU"
out=$(insmod /lg.ko 2>&1)
rc=$?
echo "RIG: insmod -> $rc: $out"
[ $rc != 0 ] && ok "with EFER.SCE on, insmod lg.ko fails" ||
	nok "with EFER.SCE on, insmod lg.ko fails"
if dmesg | grep -qF "lguest: refusing to load: EFER.SCE is set"; then
	ok "dmesg says why: EFER.SCE is set"
else
	nok "dmesg says why: EFER.SCE is set"
	dmesg | tail -5 | diag
fi
[ ! -e /dev/lguest ] && ok "no /dev/lguest" || nok "no /dev/lguest"
rmmod lg 2>/dev/null
rmmod lgprobe && ok "lgprobe clears EFER.SCE again" || nok "rmmod lgprobe"
insmod /lg.ko && ok "with EFER.SCE off, lg.ko loads" || nok "with EFER.SCE off, lg.ko loads"
out=$(/bin/timeout 120 /lguest 64m /guests/hello 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "hello from a guest"; then
	ok "and runs a guest"
else
	nok "and runs a guest (exit $rc)"
	printf '%s\n' "$out" | diag
fi
