#!/bin/sh
# The guest kernel pipeline's product: the pinned linux-source with
# guest-patches/ applied, configured from guest-patches/guest.config.  It
# must boot natively under QEMU to an initramfs marker (a sanity check of
# the pipeline, independent of lguest itself).
. "$(dirname "$0")/lib/rig.sh"

guest=$("$RIG_TOP/scripts/build-guest.sh") || { echo "Bail out! guest kernel build failed"; exit 1; }
rig_need "$guest/bzImage" "$guest/vmlinux"
dir=$RIG_LOGS/guest-native
rm -rf "$dir"
mkdir -p "$dir"
rig_rootfs "$dir/root"
cat >"$dir/root/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
echo "GUEST-MARKER: $(cat /proc/version)"
# No ACPI in this kernel: poweroff would only halt, reboot ends QEMU.
reboot -f
INIT
chmod +x "$dir/root/init"
rig_initramfs "$dir/root" "$dir/initrd.gz"

n=0
t() { n=$((n + 1)); echo "$1 $n - $2"; }

ver=${DEB_KERNEL_VERSION%-*}
file "$guest/vmlinux" | grep -q "ELF 32-bit LSB executable, Intel 80386" &&
	t ok "vmlinux is an ELF32 i386 executable" || t "not ok" "vmlinux is an ELF32 i386 executable ($(file -b "$guest/vmlinux"))"
grep -qx "CONFIG_X86_32=y" "$guest/config" && t ok "configured for i386" || t "not ok" "configured for i386"

rig_boot "$guest/bzImage" "$dir/initrd.gz" max 60 "$dir/console.log" "$dir/results.log"
rc=$?
[ $rc = 0 ] && t ok "qemu exited by itself" || { t "not ok" "qemu exited by itself (rc $rc)"; rig_tail "$dir/console.log"; }
if grep -q "GUEST-MARKER: Linux version $ver" "$dir/console.log"; then
	t ok "guest kernel $ver booted natively to the initramfs marker"
else
	t "not ok" "guest kernel $ver booted natively to the initramfs marker"
	rig_tail "$dir/console.log"
fi
if bad=$(rig_host_log_bad "$dir/console.log"); then
	t "not ok" "no Oops/BUG/WARNING in the guest's log"
	printf '%s\n' "$bad" | head | sed 's/^/#   /'
else
	t ok "no Oops/BUG/WARNING in the guest's log"
fi
echo "1..$n"
