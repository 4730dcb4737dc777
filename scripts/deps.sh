#!/bin/sh
# Install what building and testing lguest needs on a Debian bookworm amd64
# machine, idempotently.  Nothing already installed is ever removed
# (--no-remove): gcc-multilib is our 32-bit compiler route, and it conflicts
# with crossbuild-essential-i386, so a machine that has the latter must fail
# here rather than lose it.
#
# On a machine that already has everything this only runs dpkg-query.
set -eu

# Native amd64 packages: compiler with -m32 support, QEMU, kernel build
# tools; for the packages (make packages): debhelper with dh-dkms, i386
# binutils for dh_strip, lintian, rpm and rpmlint; for the packaging test:
# debootstrap and mke2fs (-d).
PKGS="make gcc gcc-multilib libc6-dev-i386 qemu-system-x86 cpio gzip xz-utils
quilt ccache flex bison bc libelf-dev libssl-dev kmod perl file
debhelper dh-dkms dpkg-dev fakeroot binutils-i686-linux-gnu lintian rpm rpmlint
debootstrap e2fsprogs"

missing_pkgs() {
	for p in $PKGS; do
		st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		case "$st" in
		ii*) ;;
		*) printf '%s ' "$p" ;;
		esac
	done
}

has_i386() {
	dpkg --print-foreign-architectures | grep -qx i386
}

missing=$(missing_pkgs)
if [ -z "$missing" ] && has_i386; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing: ${missing:-i386 multiarch}" >&2
	echo "deps: run 'make deps' as root (or apt-get install --no-remove $missing)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! has_i386; then
	echo "deps: enabling i386 multiarch (we download stock i386 kernels)"
	dpkg --add-architecture i386
fi

# A mirror in mid-sync makes apt-get update fail for one index (seen here
# with bookworm-security's i386 Packages.xz).  What we need is in the main
# index, so carry on and let the install below be the judge.
echo "deps: apt-get update"
apt-get update -q >/dev/null 2>&1 || echo "deps: apt-get update reported errors; continuing" >&2

if [ -n "$missing" ]; then
	echo "deps: installing: $missing"
	# Upgrade-By-Source-Package=false: installing one binary of the linux
	# source package must not drag the others (and linux-source) forward.
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends --no-remove \
		-o APT::Get::Upgrade-By-Source-Package=false $missing ||
		{ echo "deps: apt-get install failed for: $missing" >&2; exit 1; }
fi

still=$(missing_pkgs)
if [ -n "$still" ]; then
	echo "deps: still missing after install: $still" >&2
	exit 1
fi
echo "deps: all build dependencies present"
