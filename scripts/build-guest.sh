#!/bin/sh
# build-guest.sh [pae]: build the lguest guest kernel and print the
# directory holding vmlinux (what the launcher boots), bzImage (for booting
# the same kernel natively under QEMU) and its .config.  With "pae", the
# PAE guest (guest-pae.config over guest.config) for PAE hosts.
#
# Debian's linux-source-6.1 at the pinned version (or the tarball a package
# build names, lib.sh) is unpacked, the quilt
# series in guest-patches/ is applied (any fuzz or offset is an error: the
# series must match the pinned tree exactly), guest.config is merged over
# tinyconfig and the result built with ccache.  The output is cached under a
# key made of the source version, the series, the patches, the config and
# this script, so an unchanged series costs nothing.
set -eu
. "$(dirname "$0")/lib.sh"

GP=$TOP/guest-patches
frags=$GP/guest.config
variant=
case ${1:-} in
"") ;;
pae) frags="$frags $GP/guest-pae.config" variant=-pae ;;
*) die "usage: build-guest.sh [pae]" ;;
esac
key=$( {
	echo "$DEB_KERNEL_VERSION"
	cat "$0" "$TOP/scripts/apply-series.sh" "$GP/series" $frags "$GP/quiltrc"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$GP/series" | while read -r p _; do
		cat "$GP/$p"
	done
} | sha256sum | cut -c1-16)
kbuild_start guest "$key" "$variant"

echo "guest: applying guest-patches/series" >&2
"$TOP/scripts/apply-series.sh" "$src" "$GP" ||
	die "guest-patches/series does not apply to linux-source $DEB_KERNEL_VERSION exactly"

echo "guest: configuring" >&2
mk() {
	kbuild_mk i386 "$@"
}
mk tinyconfig >"$log" 2>&1 || { tail -30 "$log" >&2; die "tinyconfig failed"; }
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
	$frags) >>"$log" 2>&1 || { tail -30 "$log" >&2; die "merging guest.config failed"; }
mk olddefconfig >>"$log" 2>&1 || { tail -30 "$log" >&2; die "olddefconfig failed"; }
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$obj/.config" || { echo "guest.config: '$line' did not survive olddefconfig" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$obj/.config" || { echo "guest.config: '$opt' is still set" >&2; bad=1; } ;;
	esac
done <<EOF
$(cat $frags)
EOF
[ $bad = 0 ] || die "guest.config is not what the kernel built"

echo "guest: building vmlinux and bzImage (log: $log)" >&2
mk -j"${LGUEST_JOBS:-$(nproc)}" vmlinux bzImage >>"$log" 2>&1 || { tail -40 "$log" >&2; die "guest kernel build failed"; }

kbuild_finish vmlinux arch/x86/boot/bzImage .config .config=config
