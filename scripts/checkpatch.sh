#!/bin/sh
# checkpatch.sh [FILE...]: run the pinned kernel's scripts/checkpatch.pl
# (--no-tree -f) over the host module and Switcher sources, or FILEs;
# "checkpatch.sh --patch PATCH" checks a patch of the guest series.
set -eu
. "$(dirname "$0")/lib.sh"
dst=$CACHE/src/checkpatch-$DEB_KERNEL_VERSION
if [ ! -f "$dst/.done" ]; then
	tarball=$("$TOP/scripts/fetch-source.sh")
	rm -rf "$dst"
	mkdir -p "$dst"
	tar -xJf "$tarball" -C "$dst" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch "$dst/.done"
fi
if [ $# = 0 ]; then
	set -- $(cd "$TOP" && ls module/*.c module/*.h switcher/*.S switcher/*.c 2>/dev/null || true)
fi
cd "$TOP"
# "--patch FILE": check a patch (its description too) instead of source files.
# Outside our git tree: checkpatch would take the patch for a file of it.
if [ "$1" = --patch ]; then
	p=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	cd /
	exec "$dst/scripts/checkpatch.pl" --no-tree --quiet --show-types "$p"
fi
"$dst/scripts/checkpatch.pl" --no-tree --quiet --show-types -f "$@"
