#!/bin/sh
# build-rpm.sh TOPDIR [RELEASE]: rpmbuild lguest's .rpms (i686 and noarch)
# from TOPDIR/SOURCES/lguest-<version>.tar.gz into TOPDIR/RPMS, as release
# RELEASE (default 1: the spec's own).  Debian's rpm has no database of
# build dependencies (--nodeps) and its brp-compress needs bash.
set -eu
. "$(dirname "$0")/lib.sh"
r=$1
rel=${2:-}
rpmbuild -bb --nodeps --target i686 --define "_topdir $r" \
	--define "lguest_cache $CACHE" \
	${rel:+--define "lguest_release $rel"} \
	--define "__brp_compress /bin/bash /usr/lib/rpm/brp-compress %{?_prefix}" \
	"$TOP/rpm/lguest.spec" >"$r/build.log" 2>&1 ||
	{ tail -30 "$r/build.log" >&2; die "rpmbuild failed (log: $r/build.log)"; }
