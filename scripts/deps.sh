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
# debootstrap and mke2fs (-d); for the launcher's fuzzers (make
# fuzz-launcher): clang with libFuzzer and the sanitizers' runtimes, linked
# against the native libelf-dev the kernel builds need anyway; tmux, for
# the test that types into `make run` on a pseudo-terminal; bash-completion,
# for the test of the launcher's completion.
PKGS="make gcc gcc-multilib libc6-dev-i386 qemu-system-x86 cpio gzip xz-utils
quilt ccache flex bison bc libelf-dev libssl-dev kmod perl file
debhelper dh-dkms dpkg-dev fakeroot binutils-i686-linux-gnu lintian rpm rpmlint
debootstrap e2fsprogs clang libclang-rt-14-dev tmux bash-completion"

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

# i386 programs must run on this machine: the stock kernel headers' build
# tools (fixdep, modpost) when DKMS builds in the i386 test system, the
# launcher's unit tests, and everything in that system's chroot.  An amd64
# kernel normally runs them itself; some (e.g. a PVM guest, or
# ia32_emulation=off) refuse with ENOEXEC.  There we register QEMU's user
# mode emulator for i386 ELF files with binfmt_misc, flag F (the
# interpreter is opened now, so it also works inside a chroot).
I386_MAGIC='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00'
I386_MASK='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
BINFMT=/proc/sys/fs/binfmt_misc

runs_i386() {
	t=$(mktemp -d)
	printf 'int main(void) { return 42; }\n' >"$t/t.c"
	rc=0
	gcc -m32 -static -o "$t/t" "$t/t.c" 2>/dev/null && "$t/t" 2>/dev/null || rc=$?
	rm -rf "$t"
	[ "$rc" = 42 ]
}

ensure_i386_exec() {
	runs_i386 && return 0
	echo "deps: this kernel does not run i386 programs; registering qemu-i386-static with binfmt_misc"
	if [ "$(id -u)" != 0 ]; then
		echo "deps: i386 programs do not run here and only root can register an emulator: run 'make deps' as root" >&2
		exit 1
	fi
	[ -e "$BINFMT/register" ] || mount -t binfmt_misc binfmt_misc "$BINFMT" ||
		{ echo "deps: cannot mount binfmt_misc on $BINFMT" >&2; exit 1; }
	[ -e "$BINFMT/lguest-i386" ] && echo -1 >"$BINFMT/lguest-i386"
	printf '%s' ":lguest-i386:M::$I386_MAGIC:$I386_MASK:/usr/bin/qemu-i386-static:F" >"$BINFMT/register" ||
		{ echo "deps: binfmt_misc refused the i386 entry" >&2; exit 1; }
	runs_i386 || { echo "deps: i386 programs still do not run under qemu-i386-static" >&2; exit 1; }
}

# qemu-user-static only where it is needed (decided once gcc -m32 exists).
if dpkg-query -W -f='${db:Status-Abbrev}' gcc-multilib 2>/dev/null | grep -q '^ii' && ! runs_i386; then
	PKGS="$PKGS qemu-user-static"
fi

missing=$(missing_pkgs)
if [ -z "$missing" ] && has_i386; then
	ensure_i386_exec
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
# The first install on a fresh machine brings gcc -m32 only now.
if ! runs_i386 && [ ! -x /usr/bin/qemu-i386-static ]; then
	apt-get install -y -q --no-install-recommends --no-remove qemu-user-static ||
		{ echo "deps: apt-get install failed for: qemu-user-static" >&2; exit 1; }
fi
ensure_i386_exec
echo "deps: all build dependencies present"
