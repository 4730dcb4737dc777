#!/bin/sh
# debian-system.sh: print the path of a tarball holding a Debian bookworm
# i386 system, set up the way a sysadmin's 32-bit host is: systemd, udev,
# the *older* stock kernel (DEB_KERNEL_OLD_ABI) and its headers, dkms,
# and two users (alice, who will join the lguest group, and bob, who will
# not), and procps (DKMS's --rpm_safe_upgrade needs ps).
# lguest itself is not installed: the packaging test
# does that with apt, as a user would.
#
# It starts from the tree of the Debian guest image (build-image.sh keeps
# it as a tar): the same debootstrap of minbase and systemd, made once.
# Where i386 programs run under emulation, a debootstrap costs minutes.
#
# Cached under $CACHE/system, keyed by this script, pins.env and that
# tree, since the kernel install costs minutes and ~600 MB.
set -eu
. "$(dirname "$0")/lib.sh"

MIRROR=http://deb.debian.org/debian
[ "$(id -u)" = 0 ] || die "making the Debian test system needs root (chroot, mounts)"
image=$("$TOP/scripts/build-image.sh") || die "the Debian guest image (its tree) could not be made"
base=${image%.img}.tar
[ -f "$base" ] || die "$base is missing beside $image"
# The image's name carries its key: a new base tree, a new system.
key=$( {
	cat "$0" "$TOP/pins.env"
	basename "$image"
} | sha256sum | cut -c1-16)
out=$CACHE/system/bookworm-i386-$key.tar
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi
mkdir -p "$CACHE/system"
# One maker at a time (61 and 62, or two runs side by side); the next
# one finds the system made.
exec 9>"$CACHE/system/.lock"
flock 9
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi
root=$(mktemp -d "$CACHE/system/.root.XXXXXX")
log=$CACHE/system/build.log
cleanup() {
	for m in dev/pts dev proc sys; do
		umount "$root/$m" 2>/dev/null || umount -l "$root/$m" 2>/dev/null || true
	done
	# Never delete through a mount that is still there (the host's /dev).
	grep -q " $root/" /proc/mounts || rm -rf "$root"
}
trap cleanup EXIT INT TERM

echo "debian-system: from the guest image's tree $base (log: $log)" >&2
tar --numeric-owner -C "$root" -xf "$base" || die "cannot unpack $base"
: >"$log"
# A host, not the guest the image is: its own name, no autologin on the
# guest's console, a machine id of its own.
rm -rf "$root/etc/systemd/system/serial-getty@hvc0.service.d"
# apt in the chroot below resolves names as this machine does (the image
# names the user network's nameserver).
rm -f "$root/etc/resolv.conf"
cp /etc/resolv.conf "$root/etc/resolv.conf"
linux32 chroot "$root" systemd-machine-id-setup >>"$log" 2>&1

# Debian's own layout for a bookworm host: the release, its updates and
# security.  apt in the test upgrades from the old kernel to the current
# one through these, so they must be what a real system has.
cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
echo lguest-host >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tlguest-host\n' >"$root/etc/hosts"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
# A throwaway test system: no passwords, no getty on the serial console
# (the test's own service owns it).
chroot "$root" passwd -d root >/dev/null

# This system only ever boots under QEMU from a virtio disk, so its
# initramfs carries just those drivers and ext4 (crc32c for ext4's
# metadata checksums) instead of "most" modules.  That changes nothing
# lguest depends on, and update-initramfs, which runs at every kernel
# install, takes a minute instead of ten on machines that run i386
# programs through qemu-i386 (docs/rig.md).
# (A conf.d file and a hook, not /etc/initramfs-tools/modules: that is a
# conffile of initramfs-tools, which is installed below.)
mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/etc/initramfs-tools/hooks"
echo MODULES=list >"$root/etc/initramfs-tools/conf.d/lguest-test-system.conf"
cat >"$root/etc/initramfs-tools/hooks/lguest-test-system" <<'HOOK'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
for m in virtio_pci virtio_blk ext4 crc32c_generic; do
	force_load "$m"
done
HOOK
chmod 755 "$root/etc/initramfs-tools/hooks/lguest-test-system"

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts devpts "$root/dev/pts"

old=$DEB_KERNEL_OLD_ABI-686
echo "debian-system: installing linux-image-$old, its headers and dkms" >&2
# A mirror in mid-sync can fail one index (seen with bookworm-security's
# i386 Packages); what we install is in the others, so the install below
# is the judge, as in deps.sh.
linux32 chroot "$root" apt-get update -q >>"$log" 2>&1 ||
	echo "debian-system: apt-get update reported errors; continuing" >&2
{
	DEBIAN_FRONTEND=noninteractive linux32 chroot "$root" \
		apt-get install -y -q --no-install-recommends \
		"linux-image-$old" "linux-headers-$old" dkms initramfs-tools \
		kmod adduser login passwd procps ccache
} >>"$log" 2>&1 || { tail -20 "$log" >&2; die "installing the kernel in the chroot failed"; }

linux32 chroot "$root" useradd -m -s /bin/sh alice
linux32 chroot "$root" useradd -m -s /bin/sh bob
linux32 chroot "$root" systemctl mask serial-getty@ttyS0.service getty@tty1.service \
	systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer >>"$log" 2>&1 || true
linux32 chroot "$root" apt-get clean

for m in dev/pts dev proc sys; do
	umount "$root/$m"
done
tar -C "$root" -cf "$out.tmp" .
mv "$out.tmp" "$out"
# Older systems (other keys) are dead weight: ~800 MB each.
for f in "$CACHE/system"/bookworm-i386-*.tar; do
	[ "$f" = "$out" ] || rm -f "$f"
done
echo "$out"
