# The packaging tests' Debian system: a fresh copy of the cached Debian
# bookworm i386 system (scripts/debian-system.sh) under build/rig/NAME/root,
# with helpers to run commands in it (chroot under linux32, so it is an
# i386 userland through and through) and to print TAP.
# debsys_start NAME sets dir (logs, kept) and root (removed on exit).
# shellcheck shell=sh
. "$(dirname "$0")/lib/rig.sh"
. "$RIG_TOP/scripts/lib.sh"

. "$RIG_TOP/tests/lib/tap.sh"

debsys_start() {
	[ "$(id -u)" = 0 ] || bail "this test needs root (debootstrap, chroot, mounts): run 'make test' as root"
	tarball=$("$RIG_TOP/scripts/debian-system.sh") || bail "could not make the Debian i386 system"
	dir=$RIG_LOGS/$1
	rm -rf "$dir"
	mkdir -p "$dir"
	root=$dir/root
	mkdir -p "$root"
	tar -C "$root" -xf "$tarball" || bail "cannot unpack $tarball"
	# apt's downloads (kernel upgrades) are kept between runs.
	archives=$CACHE/system/archives
	mkdir -p "$archives/partial"
	mounted=""
	trap debsys_cleanup EXIT
	trap 'exit 1' INT TERM
	up
}

up() {
	mount -t proc proc "$root/proc" && mount -t sysfs sys "$root/sys" &&
	mount --bind /dev "$root/dev" && mount -t devpts devpts "$root/dev/pts" &&
	mount --bind "$archives" "$root/var/cache/apt/archives" || bail "cannot mount into the chroot"
	mounted=1
}

down() {
	[ -n "$mounted" ] || return 0
	for m in var/cache/apt/archives dev/pts dev sys proc; do
		umount "$root/$m" 2>/dev/null || umount -l "$root/$m"
	done
	mounted=""
}

debsys_cleanup() {
	down
	# Never delete through a mount that is still there (it could be the
	# machine's own /dev).
	if grep -q " $root/" /proc/mounts; then
		echo "# not removing $root: still mounted there" >&2
		return
	fi
	# Keep the logs; the system and its disk image are large.
	rm -rf "$root" "$dir/disk.img"
}

# in_chroot LOG CMD...: run CMD in the system, output to $dir/LOG.
# DKMS builds lg.ko six times in one run, the last three for kernels it
# built for before; where i386 programs run under qemu-i386 each build
# costs a minute or more, so the kernels' own switch for ccache
# (DEBIAN_KERNEL_USE_CCACHE, in their headers' .kernelvariables) lets
# the repeats hit, in a cache inside this run's copy of the system.
in_chroot() {
	l=$1
	shift
	echo "### $*" >>"$dir/$l"
	linux32 chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_KERNEL_USE_CCACHE=1 \
		CCACHE_DIR=/var/cache/lguest-test-ccache "$@" >>"$dir/$l" 2>&1
}

# step DESC LOG CMD...: one TAP line for a command in the chroot.
step() {
	desc=$1 l=$2
	shift 2
	if in_chroot "$l" "$@"; then
		ok "$desc"
	else
		nok "$desc (log: $dir/$l)"
		tail -25 "$dir/$l" | diag
	fi
}

# ko_for KREL: DKMS's lg.ko for KREL is installed.
ko_for() { [ -f "$root/lib/modules/$1/updates/dkms/lg.ko" ]; }
