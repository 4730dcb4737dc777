#!/bin/sh
# /init of the rig's host initramfs: set up a tiny busybox system, run the
# test script named on the kernel command line (rig_test=...), then power
# off.  The test writes TAP lines to ttyS1 ($RES); the console is ttyS0.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# /run and a /tmp anyone may write, as a real host has them: the
# launcher's control sockets go there (a user's without XDG_RUNTIME_DIR in
# /tmp/lguest-UID).
mkdir -p /run /tmp && mount -t tmpfs -o mode=0755 run /run
chmod 1777 /tmp
RES=/dev/ttyS1
export RES
. /tests/tap.sh
t=$(sed -n 's/.*rig_test=\([^ ]*\).*/\1/p' /proc/cmdline)
# The network test's passt sandboxes itself with pivot_root(), which the
# initramfs as root refuses (and a chroot would refuse it the user
# namespace it also needs): that test gets the root a real host has, a
# tmpfs moved over the initramfs (switch_root), and this script again.
if [ "$t" = net.sh ] && [ ! -e /.realroot ]; then
	mkdir /newroot && mount -t tmpfs -o size=256m root /newroot &&
		for f in /*; do
			case $f in
			/proc | /sys | /dev | /newroot) mkdir -p "/newroot$f" ;;
			*) cp -a "$f" /newroot/ ;;
			esac
		done && touch /newroot/.realroot && exec switch_root /newroot /init
	echo "RIG: switch_root failed; $t runs on the initramfs"
fi
# Where KASLR put the kernel, for naming a hung CPU's addresses
# (tests/lib/hangdump.pl).
echo "RIG: kernel text at $(grep -m1 ' _text$' /proc/kallsyms | cut -d' ' -f1)"
# And lg.ko's, each time a test loads it.
(
	last=
	while :; do
		at=$(cat /sys/module/lg/sections/.text 2>/dev/null)
		[ "$at" = "$last" ] || [ -z "$at" ] || echo "RIG: lg.ko text at $at"
		last=$at
		sleep 1
	done
) </dev/null &
echo "RIG: running ${t:-nothing}"
echo "# cpuflags: $(grep -m1 '^flags' /proc/cpuinfo)" >"$RES"
# The debug host has kmemleak: forget what booting left, so that only what
# the test leaks is reported.
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
KML=/sys/kernel/debug/kmemleak
[ -e $KML ] && echo clear >$KML
if [ -n "$t" ] && [ -x "/tests/$t" ]; then
	"/tests/$t"
	echo "RIG: $t exited $?"
else
	nok "no test '/tests/$t' in the initramfs"
fi
# Objects younger than 5 s are not reported yet, nor any whose contents
# changed since the last scan: three scans, a little apart.  Reports go to
# the kernel log ("new suspected memory leaks"), where the rig looks.
if [ -e $KML ]; then
	sleep 6
	for i in 1 2 3; do
		echo scan >$KML
		sleep 1
	done
	sed 's/^/kmemleak report: /' $KML >/dev/kmsg
	echo "# kmemleak: $(grep -c '^unreferenced object' $KML) leaked objects after the test" >"$RES"
fi
echo "# rig done" >"$RES"
sync
# Stock kernels have ACPI to power off with; without it (the debug host)
# poweroff would halt for good, and a reboot is what ends QEMU
# (-no-reboot).
[ -d /sys/firmware/acpi ] && poweroff -f
reboot -f
