#!/bin/sh
# build-chroot.sh: print the path of a tarball holding a fresh Debian
# bookworm build chroot of this machine's architecture (amd64) that builds
# lguest's i386 packages the way `sbuild --host=i386` does: debootstrap's
# buildd variant (build-essential and nothing else), i386 added as a foreign
# architecture, crossbuild-essential-i386, and exactly the source package's
# Build-Depends from debian/control resolved for host architecture i386
# (apt-get build-dep -a i386), plus an unprivileged user, builder, to run
# dpkg-buildpackage (Rules-Requires-Root: no).  build-packages.sh builds
# the .debs in it with the network cut off: the build must need nothing it
# does not declare.
#
# Why a cross build: an amd64 kernel built without IA-32 emulation runs
# i386 programs only through qemu-user (scripts/deps.sh), where a native
# i386 chroot would compile the guest kernels ten times slower.  On a real
# i386 machine, dpkg-buildpackage builds natively from the same rules.
#
# linux-source-6.1 is installed at the pinned version (pins.env): the
# Build-Depends ask for that version or newer, and the guest series is
# proven against the pinned one.
#
# Cached under $CACHE/chroot, keyed by this script, pins.env and the
# Build-Depends: an unchanged list costs nothing, a new one a fresh chroot
# (from a kept debootstrap of the bare buildd system).
set -eu
. "$(dirname "$0")/lib.sh"

MIRROR=http://deb.debian.org/debian
[ "$(id -u)" = 0 ] || die "making the build chroot needs root (debootstrap, chroot): run it as root"
arch=$(dpkg --print-architecture)
[ "$arch" = amd64 ] || [ "$arch" = i386 ] || die "the build chroot is made on amd64 or i386, not $arch"
# The Build-Depends field of debian/control, continuation lines joined and
# comments dropped: the key.
bdeps=$(sed -n '/^Build-Depends:/,/^[^ #]/{/^#/d;/^Build-Depends:/{s/^Build-Depends://;p;d};/^ /p}' \
	"$TOP/debian/control" | tr -d '\n' | tr -s ' ')
[ -n "$bdeps" ] || die "debian/control has no Build-Depends"
key=$( {
	cat "$0" "$TOP/pins.env"
	echo "$bdeps"
} | sha256sum | cut -c1-16)
out=$CACHE/chroot/bookworm-$arch-buildd-$key.tar
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi
mkdir -p "$CACHE/chroot"
exec 9>"$CACHE/chroot/.lock"
flock 9
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi
root=$(mktemp -d "$CACHE/chroot/.root.XXXXXX")
chmod 755 "$root"
log=$CACHE/chroot/build.log
cleanup() {
	for m in dev/pts dev proc; do
		umount "$root/$m" 2>/dev/null || umount -l "$root/$m" 2>/dev/null || true
	done
	grep -q " $root/" /proc/mounts || rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM

base=$CACHE/chroot/bookworm-$arch-buildd-base.tar
if [ -f "$base" ]; then
	tar --numeric-owner -C "$root" -xf "$base" || die "cannot unpack $base"
	: >"$log"
else
	echo "build-chroot: debootstrap --variant=buildd bookworm (log: $log)" >&2
	debootstrap --arch="$arch" --variant=buildd bookworm "$root" "$MIRROR" >"$log" 2>&1 ||
		{ tail -20 "$log" >&2; die "debootstrap failed (log: $log)"; }
	tar --numeric-owner -C "$root" -cf "$base.tmp" . && mv "$base.tmp" "$base" ||
		die "cannot pack $base"
fi
cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
		LC_ALL=C.UTF-8 "$@" >>"$log" 2>&1
}
echo "build-chroot: installing the Build-Depends (for host architecture i386)" >&2
[ "$arch" = i386 ] || in_root dpkg --add-architecture i386
in_root apt-get update || die "apt-get update in the chroot failed (log: $log)"
[ "$arch" = i386 ] || in_root apt-get -y --no-install-recommends install crossbuild-essential-i386 ||
	{ tail -20 "$log" >&2; die "crossbuild-essential-i386 cannot be installed (log: $log)"; }
# The pinned kernel source first, held: it meets the Build-Depends' lower
# bound, and build-dep would otherwise upgrade it to the newest.
in_root apt-get -y --no-install-recommends install "linux-source-6.1=$DEB_KERNEL_VERSION" ||
	{ tail -20 "$log" >&2; die "linux-source-6.1 $DEB_KERNEL_VERSION cannot be installed (log: $log)"; }
in_root apt-mark hold linux-source-6.1
# build-dep reads debian/control itself, as sbuild has it do.
mkdir -p "$root/tmp/bd/debian"
cp "$TOP/debian/control" "$root/tmp/bd/debian/control"
in_root apt-get -y --no-install-recommends build-dep -a i386 /tmp/bd ||
	{ tail -20 "$log" >&2; die "the Build-Depends cannot be installed (log: $log)"; }
rm -rf "$root/tmp/bd"
in_root apt-mark unhold linux-source-6.1
have=$(chroot "$root" dpkg-query -W -f='${Version}' linux-source-6.1)
[ "$have" = "$DEB_KERNEL_VERSION" ] ||
	die "the chroot has linux-source-6.1 $have, not the pinned $DEB_KERNEL_VERSION"
in_root apt-get clean
in_root useradd --create-home --shell /bin/sh builder
for m in dev/pts dev proc; do
	umount "$root/$m"
done
rm -f "$root/etc/resolv.conf" "$root"/var/lib/apt/lists/*_Packages "$root"/var/lib/apt/lists/*_Translation-*
tar --numeric-owner -C "$root" -cf "$out.tmp" . || die "cannot pack the chroot"
mv "$out.tmp" "$out"
echo "$out"
