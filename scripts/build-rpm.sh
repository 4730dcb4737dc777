#!/bin/sh
# build-rpm.sh TOPDIR [RELEASE]: rpmbuild lguest's .rpms (i686 and noarch)
# from TOPDIR/SOURCES/lguest-<version>.tar.gz into TOPDIR/RPMS, as release
# RELEASE (default 1: the spec's own), with no network: the spec's Sources
# are all it may use.  This script puts Source1 (Debian's kernel source
# tarball at the pinned version) beside Source0 first, as a packager
# would, and hands rpmbuild the i386 libraries and busybox this Debian
# machine has only in the sysroot (scripts/fetch-i386.sh).  Debian's rpm
# has no database of build dependencies (--nodeps) and its brp-compress
# needs bash.
set -eu
. "$(dirname "$0")/lib.sh"
r=$1
rel=${2:-}
[ "$(id -u)" = 0 ] || die "building the rpms with the network cut off (unshare) needs root"
sysroot=$("$TOP/scripts/fetch-i386.sh")
ln -f "$("$TOP/scripts/fetch-source.sh")" "$r/SOURCES/linux-source-6.1.tar.xz" 2>/dev/null ||
	cp "$("$TOP/scripts/fetch-source.sh")" "$r/SOURCES/linux-source-6.1.tar.xz"
unshare --net rpmbuild -bb --nodeps --target i686 --define "_topdir $r" \
	--define "lguest_cache $CACHE" \
	--define "lguest_sysroot $sysroot" --define "lguest_busybox $sysroot/bin/busybox" \
	${rel:+--define "lguest_release $rel"} \
	--define "__brp_compress /bin/bash /usr/lib/rpm/brp-compress %{?_prefix}" \
	"$TOP/rpm/lguest.spec" >"$r/build.log" 2>&1 ||
	{ tail -30 "$r/build.log" >&2; die "rpmbuild failed (log: $r/build.log)"; }
