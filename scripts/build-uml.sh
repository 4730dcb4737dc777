#!/bin/sh
# build-uml.sh: build User-Mode Linux for i386 from the same pinned
# linux-source as the guest (pristine: no lguest patches) and print the
# directory holding its "linux" binary.  It is the peer make bench runs
# beside the lguest guest and the host itself (tests/e2e/bench.sh): the
# other way to run Linux under Linux without hardware virtualization.
# Cached under a key of the source version, scripts/uml.config and this
# script; built with ccache.
set -eu
. "$(dirname "$0")/lib.sh"

frag=$TOP/scripts/uml.config
key=$( { echo "$DEB_KERNEL_VERSION"; cat "$0" "$frag"; } | sha256sum | cut -c1-16)
kbuild_start uml "$key"
mk() {
	kbuild_mk um SUBARCH=i386 "$@"
}
echo "uml: configuring" >&2
mk defconfig >"$log" 2>&1 || { tail -30 "$log" >&2; die "defconfig failed"; }
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag") \
	>>"$log" 2>&1 || { tail -30 "$log" >&2; die "merging uml.config failed"; }
mk olddefconfig >>"$log" 2>&1 || { tail -30 "$log" >&2; die "olddefconfig failed"; }
for opt in CONFIG_STATIC_LINK CONFIG_BLK_DEV_INITRD CONFIG_DEVTMPFS CONFIG_TMPFS; do
	grep -qx "$opt=y" "$obj/.config" || die "uml.config: $opt=y did not survive olddefconfig"
done
echo "uml: building linux (log: $log)" >&2
mk -j"$(nproc)" linux >>"$log" 2>&1 || { tail -40 "$log" >&2; die "User-Mode Linux build failed"; }
readelf -h "$obj/linux" | grep -q "Class: *ELF32" && ! readelf -l "$obj/linux" | grep -q INTERP ||
	die "User-Mode Linux: $obj/linux is not a static i386 program"

kbuild_finish linux .config
