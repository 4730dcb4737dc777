#!/bin/sh
# Runs inside a kernel lguest cannot serve (the stock amd64 one): lg.ko
# must refuse to load, say why in dmesg, and leave no /dev/lguest behind.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"

out=$(insmod /lg.ko 2>&1)
rc=$?
echo "RIG: insmod -> $rc: $out"
if [ $rc != 0 ]; then ok "insmod lg.ko fails"; else nok "insmod lg.ko fails"; fi
if dmesg | grep -qF "lguest: refusing to load: this kernel is not 32-bit x86"; then
	ok "dmesg says why: not 32-bit x86"
else
	nok "dmesg says why: not 32-bit x86"
	dmesg | tail -5 | sed 's/^/#   /' >"$RES"
fi
[ ! -e /dev/lguest ] && ok "no /dev/lguest" || nok "no /dev/lguest"
grep -qw '^lg' /proc/modules && nok "lg not loaded" || ok "lg not loaded"
