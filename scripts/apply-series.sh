#!/bin/sh
# apply-series.sh TREE PATCHDIR: apply PATCHDIR/series to TREE with quilt,
# strictly: a patch that needs fuzz or lands at an offset is an error, since
# the series is made for one exact pinned tree.  Quilt's output is kept in
# TREE/.quilt.log.
set -eu
tree=${1:?usage: apply-series.sh TREE PATCHDIR}
pdir=$(cd "${2:?usage: apply-series.sh TREE PATCHDIR}" && pwd)
log=$tree/.quilt.log
: >"$log"
if [ -z "$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pdir/series")" ]; then
	exit 0
fi
if ! (cd "$tree" && QUILT_PATCHES=$pdir QUILT_PC=.pc \
	quilt --quiltrc="$pdir/quiltrc" push -a --fuzz=0) >"$log" 2>&1; then
	sed 's/^/  /' "$log" >&2
	echo "apply-series: $pdir/series does not apply cleanly" >&2
	exit 1
fi
if grep -E 'with fuzz|offset -?[0-9]+ lines?' "$log" >&2; then
	echo "apply-series: $pdir/series applies only with fuzz or offset; refresh the patches" >&2
	exit 1
fi
