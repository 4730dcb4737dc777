#!/bin/sh
# run.sh: the main job.  Boot Debian's stock i386 kernel under QEMU as the
# lguest host, load lg.ko, and run a throwaway guest with the launcher:
#
#   lguest --initrd=/guest/initrd.gz 128m /guest/vmlinux <guest args>
#
# GUEST picks the guest: "linux" (the default: the kernel built from
# guest-patches/ with the busybox initramfs from initramfs/, which gives a
# shell on the console; "poweroff" ends it), "debian" (the same kernel
# booting Debian bookworm from a disk image that lguest-mkimage makes,
# scripts/build-image.sh: the image is the QEMU host's /dev/vda, which the
# launcher gives the guest as its own /dev/vda; QEMU's snapshot keeps the
# cached image unchanged), "hello" (the smallest of the
# tiny test guests), or a path to any ELF32 guest (GUEST_INITRD=file for
# its initrd).  Override with FLAVOUR=686-pae (or debug: the debug host
# kernel, tests/debug-host/), MEM=256m, GUEST_ARGS="...".
# On a terminal, what you type goes to the guest (QEMU's Ctrl-A x quits
# QEMU); the launcher's output is shown as it happens; we exit with the
# launcher's status.
set -eu
. "$(dirname "$0")/../tests/lib/rig.sh"

FLAVOUR=${FLAVOUR:-686}
GUEST=${GUEST:-linux}
if [ "$GUEST" = debian ]; then MEM=${MEM:-256m}; else MEM=${MEM:-128m}; fi
GUEST_ARGS=${GUEST_ARGS:-}
# A session on a terminal lasts as long as you like; otherwise 10 minutes.
if [ -t 0 ]; then
	TIMEOUT=${TIMEOUT:-0}
	input=/dev/stdin
else
	TIMEOUT=${TIMEOUT:-600}
	input=/dev/null
fi
kk=$(rig_kernel "$FLAVOUR")
kernel=${kk% *} krel=${kk#* }
disk= qdisk= modules= root_args=
case $GUEST in
hello) vmlinux=$RIG_BUILD/guests/hello ;;
linux|debian)
	case $FLAVOUR in *-pae|debug) gv=pae ;; *) gv= ;; esac
	vmlinux=$("$RIG_TOP/scripts/build-guest.sh" $gv)/vmlinux
	if [ "$GUEST" = linux ]; then
		GUEST_INITRD=${GUEST_INITRD-$RIG_BUILD/guest/initrd.gz}
	else
		[ "$FLAVOUR" != debug ] ||
			{ echo "run: GUEST=debian needs a stock host (its virtio disk modules)" >&2; exit 1; }
		img=$("$RIG_TOP/scripts/build-image.sh")
		qdisk="-drive file=$img,format=raw,if=virtio,snapshot=on"
		modules=${kernel%/boot/*}/lib/modules/$krel/kernel/drivers
		disk=--disk=/dev/vda root_args=root=/dev/vda
	fi
	;;
*) vmlinux=$GUEST ;;
esac
ko=$RIG_BUILD/$FLAVOUR/module/lg.ko
# make all builds lg.ko for the stock hosts; the debug host's, here.
[ "$FLAVOUR" != debug ] || "$RIG_TOP/scripts/build-module.sh" debug >/dev/null
rig_need "$ko" "$RIG_BUILD/launcher/lguest" "$vmlinux"

dir=$RIG_LOGS/run
rm -rf "$dir"
mkdir -p "$dir"
rig_rootfs "$dir/root"
mkdir -p "$dir/root/guest"
cp "$ko" "$RIG_BUILD/launcher/lguest" "$dir/root/"
# The stock host drives its virtio disk with modules.
vmods="virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk"
if [ -n "$modules" ]; then
	mkdir -p "$dir/root/modules"
	for m in $vmods; do
		cp "$modules/virtio/$m.ko" "$dir/root/modules/" 2>/dev/null ||
			cp "$modules/block/$m.ko" "$dir/root/modules/"
	done
fi
cp "$vmlinux" "$dir/root/guest/vmlinux"
initrd_opt=
if [ -n "${GUEST_INITRD:-}" ]; then
	cp "$GUEST_INITRD" "$dir/root/guest/initrd.gz"
	initrd_opt="--initrd=/guest/initrd.gz"
fi
cat >"$dir/root/init" <<INIT
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
echo "host: \$(uname -r) up; loading lg.ko"
insmod /lg.ko ${LG_DYNDBG:+dyndbg=+p} && dmesg | grep 'lguest:' | tail -1
if [ -d /modules ]; then
	for m in $vmods; do insmod /modules/\$m.ko; done
	i=0; while [ ! -b /dev/vda ] && [ \$i -lt 30 ]; do sleep 1; i=\$((i + 1)); done
fi
echo "host: \\\$ lguest $initrd_opt $disk $MEM /guest/vmlinux $root_args $GUEST_ARGS"
${LG_TIMEOUT:+timeout $LG_TIMEOUT} /lguest $initrd_opt $disk $MEM /guest/vmlinux $root_args $GUEST_ARGS
echo "LGUEST-EXIT: \$?"
${LG_DYNDBG:+dmesg | grep 'lguest:' | tail -20}
rmmod lg
[ -d /sys/firmware/acpi ] && poweroff -f
reboot -f
INIT
chmod +x "$dir/root/init"
rig_initramfs "$dir/root" "$dir/initrd.gz"

echo "run: booting the $FLAVOUR host kernel $krel under QEMU (-cpu $(rig_cpu "$FLAVOUR")); log in $dir/console.log"
# --foreground: timeout must not put QEMU in a process group of its own,
# or on a terminal QEMU is stopped (SIGTTOU) as soon as it sets it up.
timeout --foreground -k 5 "$TIMEOUT" qemu-system-i386 -nographic -no-reboot -monitor none -nic none \
	-m 512 -cpu "$(rig_cpu "$FLAVOUR")" -kernel "$kernel" $qdisk \
	-initrd "$dir/initrd.gz" -serial stdio \
	-append "console=ttyS0 panic=-1 quiet cryptomgr.notests noisapnp" \
	<"$input" | tee "$dir/console.log" || true
st=$(sed -n 's/^LGUEST-EXIT: \([0-9]*\).*/\1/p' "$dir/console.log" | tr -d '\r')
if [ -z "$st" ]; then
	echo "run: the host did not get as far as running the launcher (see $dir/console.log)" >&2
	exit 1
fi
echo "run: launcher exited $st"
exit "$st"
