#!/bin/sh
# run.sh: the main job.  Boot Debian's stock i386 kernel under QEMU as the
# lguest host, load lg.ko, and run a throwaway guest with the launcher:
#
#   lguest 64m /guest/vmlinux <guest args>
#
# GUEST picks the guest: "hello" (the default until the Linux guest boots:
# the smallest of the test guests, tests/guests/hello.c), "linux" (the
# kernel built from guest-patches/), or a path to any ELF32 guest.
# Override with FLAVOUR=686-pae, MEM=128m, GUEST_ARGS="...".  The launcher's
# output is shown as it happens; we exit with the launcher's status.
set -eu
. "$(dirname "$0")/../tests/lib/rig.sh"

FLAVOUR=${FLAVOUR:-686}
MEM=${MEM:-64m}
GUEST_ARGS=${GUEST_ARGS:-console=hvc0}
TIMEOUT=${TIMEOUT:-600}
krel=$DEB_KERNEL_ABI-$FLAVOUR
host=$("$RIG_TOP/scripts/fetch-host.sh" "$FLAVOUR")
GUEST=${GUEST:-hello}
case $GUEST in
hello) vmlinux=$RIG_BUILD/guests/hello ;;
linux) vmlinux=$("$RIG_TOP/scripts/build-guest.sh")/vmlinux ;;
*) vmlinux=$GUEST ;;
esac
ko=$RIG_BUILD/$FLAVOUR/module/lg.ko
rig_need "$ko" "$RIG_BUILD/launcher/lguest" "$vmlinux"

dir=$RIG_LOGS/run
rm -rf "$dir"
mkdir -p "$dir"
rig_rootfs "$dir/root"
mkdir -p "$dir/root/guest"
cp "$ko" "$RIG_BUILD/launcher/lguest" "$dir/root/"
cp "$vmlinux" "$dir/root/guest/vmlinux"
cat >"$dir/root/init" <<INIT
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
echo "host: \$(uname -r) up; loading lg.ko"
insmod /lg.ko && dmesg | grep 'lguest:' | tail -1
echo "host: \\\$ lguest $MEM /guest/vmlinux $GUEST_ARGS"
/lguest $MEM /guest/vmlinux $GUEST_ARGS
echo "LGUEST-EXIT: \$?"
rmmod lg
poweroff -f
INIT
chmod +x "$dir/root/init"
rig_initramfs "$dir/root" "$dir/initrd.gz"

echo "run: booting the stock $krel host under QEMU (-cpu $(rig_cpu "$FLAVOUR")); log in $dir/console.log"
timeout -k 5 "$TIMEOUT" qemu-system-i386 -nographic -no-reboot -monitor none -nic none \
	-m 512 -cpu "$(rig_cpu "$FLAVOUR")" -kernel "$host/boot/vmlinuz-$krel" \
	-initrd "$dir/initrd.gz" -serial stdio \
	-append "console=ttyS0 panic=-1 quiet cryptomgr.notests noisapnp" \
	</dev/null | tee "$dir/console.log" || true
st=$(sed -n 's/^LGUEST-EXIT: \([0-9]*\).*/\1/p' "$dir/console.log" | tr -d '\r')
if [ -z "$st" ]; then
	echo "run: the host did not get as far as running the launcher (see $dir/console.log)" >&2
	exit 1
fi
echo "run: launcher exited $st"
exit "$st"
