#!/bin/sh
# fetch-host.sh FLAVOUR: unpack Debian's stock i386 kernel FLAVOUR (686 or
# 686-pae) with its headers into the cache, never touching this machine's
# /boot or /usr/src, and print the tree's path.  The tree holds
# boot/vmlinuz-*, lib/modules/* and usr/src/linux-headers-* ready for an
# out-of-tree module build.
#
# FLAVOUR amd64 fetches the 64-bit kernel instead: not a host lguest can
# serve, but the one the tests use to see lg.ko refuse to load.
set -eu
. "$(dirname "$0")/lib.sh"

flavour=${1:?usage: fetch-host.sh 686|686-pae}
case " $FLAVOURS amd64 " in *" $flavour "*) ;; *) die "unknown flavour '$flavour' (want one of: $FLAVOURS)" ;; esac
arch=i386
[ "$flavour" = amd64 ] && arch=amd64
krel=$DEB_KERNEL_ABI-$flavour
# Kbuild's host programs (fixdep, modpost, ...) run on this machine, so
# they come from linux-kbuild for this machine's architecture, as in a
# cross build: the i386 ones would need an i386-capable kernel or an
# emulator, and would be slower.
build_arch=$(dpkg --print-architecture)
root=$CACHE/host/$DEB_KERNEL_VERSION/$flavour
if [ "$(cat "$root/.done" 2>/dev/null)" = "kbuild=$build_arch" ]; then
	echo "$root"
	exit 0
fi

debs=""
for p in "linux-image-$krel:$arch" "linux-headers-$krel:$arch" \
	"linux-headers-$DEB_KERNEL_ABI-common" "linux-kbuild-6.1:$build_arch"; do
	d=$(fetch_deb "$p" "$DEB_KERNEL_VERSION") || pin_gone "$p"
	debs="$debs $d"
done

rm -rf "$root.tmp"
mkdir -p "$root.tmp"
for d in $debs; do
	dpkg-deb -x "$d" "$root.tmp"
done
# The flavour's Makefile is a single absolute include of the common tree;
# point it at our unpacked copy.
hdr=$root.tmp/usr/src/linux-headers-$krel
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$hdr/Makefile"
grep -q "^include $root/usr/src/" "$hdr/Makefile" ||
	die "could not repoint $hdr/Makefile at the unpacked common headers"
rm -rf "$root"
mv "$root.tmp" "$root"
echo "kbuild=$build_arch" >"$root/.done"
echo "$root"
