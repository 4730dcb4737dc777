#!/bin/sh
# fetch-i386.sh: unpack the i386 pieces the launcher and the rig's initramfs
# need (libelf and zlib static libraries and headers, a static busybox)
# into a sysroot in the cache, and print its path.  They are downloaded,
# never installed, so this machine's own busybox and libraries stay as they
# are.  The sysroot is keyed by the exact .debs it was made from.
set -eu
. "$(dirname "$0")/lib.sh"

debs=""
for p in libelf-dev:i386 zlib1g-dev:i386 busybox-static:i386; do
	d=$(fetch_deb "$p") || die "could not download $p from Debian's registry"
	debs="$debs $d"
done
key=$(for d in $debs; do basename "$d"; done | sha256sum | cut -c1-16)
root=$CACHE/i386/$key
if [ ! -f "$root/.done" ]; then
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"
	for d in $debs; do
		dpkg-deb -x "$d" "$root.tmp"
	done
	for f in usr/lib/i386-linux-gnu/libelf.a usr/lib/i386-linux-gnu/libz.a \
		usr/include/libelf.h usr/include/gelf.h bin/busybox; do
		[ -e "$root.tmp/$f" ] || die "i386 sysroot lacks $f"
	done
	rm -rf "$root"
	mv "$root.tmp" "$root"
	touch "$root/.done"
fi
echo "$root"
