#!/bin/sh
# build-initramfs.sh OUT: the default guest userland as a gzipped cpio:
# busybox (static, i386) with busybox init, initramfs/inittab, rcS and the
# self-test.  The kernel runs /init; ours is busybox init.
set -eu
. "$(dirname "$0")/lib.sh"
out=$1
sysroot=$("$TOP/scripts/fetch-i386.sh")
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/bin" "$d/sbin" "$d/etc" "$d/proc" "$d/sys" "$d/dev" "$d/tmp" "$d/root"
cp "$sysroot/bin/busybox" "$d/bin/busybox"
for app in $("$d/bin/busybox" --list); do
	[ "$app" = busybox ] || ln -s busybox "$d/bin/$app"
done
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
