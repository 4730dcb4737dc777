#!/bin/sh
# The guest kernel pipeline's products: the pinned linux-source with
# guest-patches/ applied, configured from guest-patches/guest.config (and
# guest-pae.config for the PAE one), with CONFIG_LGUEST_GUEST=y.  Both must
# still boot natively under QEMU to an initramfs marker: a distribution
# could turn the option on.
. "$(dirname "$0")/lib/rig.sh"

. "$RIG_TOP/tests/lib/tap.sh"
ver=${DEB_KERNEL_VERSION%-*}

for gv in "" pae; do
name=guest${gv:+-$gv}
guest=$("$RIG_TOP/scripts/build-guest.sh" $gv) || { echo "Bail out! $name kernel build failed"; exit 1; }
rig_need "$guest/bzImage" "$guest/vmlinux"
dir=$RIG_LOGS/$name-native
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

file "$guest/vmlinux" | grep -q "ELF 32-bit LSB executable, Intel 80386" &&
	ok "$name: vmlinux is an ELF32 i386 executable" || nok "$name: vmlinux is an ELF32 i386 executable ($(file -b "$guest/vmlinux"))"
grep -qx "CONFIG_X86_32=y" "$guest/config" && grep -qx "CONFIG_LGUEST_GUEST=y" "$guest/config" &&
	ok "$name: configured for i386 with CONFIG_LGUEST_GUEST=y" || nok "$name: configured for i386 with CONFIG_LGUEST_GUEST=y"
if [ "$gv" = pae ]; then
	grep -qx "CONFIG_X86_PAE=y" "$guest/config" && ok "$name: PAE page tables" || nok "$name: PAE page tables"
fi

rig_boot "$guest/bzImage" "$dir/initrd.gz" max 60 "$dir/console.log" "$dir/results.log"
rc=$?
[ $rc = 0 ] && ok "$name: qemu exited by itself" || { nok "$name: qemu exited by itself (rc $rc)"; rig_tail "$dir/console.log"; }
if grep -q "GUEST-MARKER: Linux version $ver" "$dir/console.log"; then
	ok "$name: kernel $ver with LGUEST_GUEST=y booted natively to the initramfs marker"
else
	nok "$name: kernel $ver with LGUEST_GUEST=y booted natively to the initramfs marker"
	rig_tail "$dir/console.log"
fi
if bad=$(rig_host_log_bad "$dir/console.log"); then
	nok "$name: no Oops/BUG/WARNING in its native log"
	printf '%s\n' "$bad" | head | sed 's/^/#   /'
else
	ok "$name: no Oops/BUG/WARNING in its native log"
fi
done
done_testing
