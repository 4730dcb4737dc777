#!/bin/sh
# build-initramfs.sh OUT: the default guest userland as a gzipped cpio:
# busybox (static, i386) with busybox init, initramfs/inittab, rcS and the
# self-test.  The kernel runs /init; ours is busybox init.  The busybox is
# Debian's busybox-static for i386, downloaded into the sysroot, or the one
# LGUEST_BUSYBOX names (a package build's, from its build dependencies).
set -eu
. "$(dirname "$0")/lib.sh"
out=$1
busybox=${LGUEST_BUSYBOX:-$("$TOP/scripts/fetch-i386.sh")/bin/busybox}
[ -x "$busybox" ] || die "no busybox at $busybox (install busybox-static)"
# The initramfs has no C library: a dynamic busybox would not start.
! LC_ALL=C readelf -l "$busybox" 2>/dev/null | grep -q 'Requesting program interpreter' ||
	die "$busybox is linked dynamically; the guest's initramfs needs a static one (busybox-static)"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/bin" "$d/sbin" "$d/etc" "$d/proc" "$d/sys" "$d/dev" "$d/tmp" "$d/root" "$d/mnt"
cp "$busybox" "$d/bin/busybox"
# Only the links that start the guest are made here; rcS links the other
# applets at boot (busybox --install), so this busybox is never run on the
# build machine, which need not run i386 programs (a cross build).
ln -s busybox "$d/bin/sh"
ln -s bin/busybox "$d/init"
# Where the kernel looks for it when the power button is pressed
# (poweroff_cmd): busybox's poweroff asks init to shut down in order.
ln -s ../bin/busybox "$d/sbin/poweroff"
cp "$TOP/initramfs/inittab" "$d/etc/inittab"
cp "$TOP/initramfs/rcS" "$d/etc/rcS"
cp "$TOP/initramfs/udhcpc.script" "$d/etc/udhcpc.script"
cp "$TOP/initramfs/selftest" "$TOP/initramfs/disktest" "$TOP/initramfs/nettest" "$d/bin/"
chmod 755 "$d/etc/rcS" "$d/etc/udhcpc.script" "$d/bin/selftest" "$d/bin/disktest" "$d/bin/nettest"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$d/etc/passwd"
printf 'root:x:0:\n' >"$d/etc/group"
mkdir -p "$(dirname "$out")"
(cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
