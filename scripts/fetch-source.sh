#!/bin/sh
# fetch-source.sh: make sure Debian's linux-source-6.1 at the pinned version
# is unpacked (pristine) in the cache and print the tree's path.  We
# download the .deb rather than install it: apt would pick the newest
# version and keep it in step with the rest of the linux packages.
set -eu
. "$(dirname "$0")/lib.sh"

dst=$CACHE/src/linux-source-$DEB_KERNEL_VERSION
if [ ! -f "$dst/.done" ]; then
	d=$(fetch_deb linux-source-6.1 "$DEB_KERNEL_VERSION") || pin_gone linux-source-6.1
	rm -rf "$dst.tmp"
	mkdir -p "$dst.tmp"
	dpkg-deb --fsys-tarfile "$d" |
		tar -x -C "$dst.tmp" ./usr/src/linux-source-6.1.tar.xz
	mv "$dst.tmp/usr/src/linux-source-6.1.tar.xz" "$dst.tmp/linux.tar.xz"
	rm -rf "$dst.tmp/usr"
	rm -rf "$dst"
	mv "$dst.tmp" "$dst"
	touch "$dst/.done"
fi
echo "$dst/linux.tar.xz"
