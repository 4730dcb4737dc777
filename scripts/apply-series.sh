#!/bin/sh
# apply-series.sh TREE PATCHDIR: apply PATCHDIR/series to TREE in order,
# strictly: a patch that needs fuzz or lands at an offset is an error, since
# the series is made for one exact pinned tree.  Plain patch(1) does it
# (dpkg-dev brings it to every Debian build), so building needs no quilt;
# quilt stays the tool for working on the series (scripts/guest-dev.sh,
# guest-patches/quiltrc).  patch's output is kept in TREE/.series.log.
set -eu
tree=${1:?usage: apply-series.sh TREE PATCHDIR}
pdir=$(cd "${2:?usage: apply-series.sh TREE PATCHDIR}" && pwd)
log=$tree/.series.log
: >"$log"
for p in $(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/[[:space:]].*//' "$pdir/series"); do
	echo "Applying $p" >>"$log"
	if ! patch -d "$tree" -p1 --fuzz=0 --forward --batch --no-backup-if-mismatch \
		-r - -i "$pdir/$p" >>"$log" 2>&1; then
		sed 's/^/  /' "$log" >&2
		echo "apply-series: $p does not apply cleanly" >&2
		exit 1
	fi
done
if grep -E 'with fuzz|offset -?[0-9]+ lines?' "$log" >&2; then
	echo "apply-series: $pdir/series applies only with fuzz or offset; refresh the patches" >&2
	exit 1
fi
