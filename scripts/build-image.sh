#!/bin/sh
# build-image.sh: print the path of the Debian bookworm i386 guest image
# (ext4, minbase plus systemd), made by the lguest-mkimage the lguest
# package ships.  Cached under $CACHE/image, keyed by that script and this
# one; the .debs it downloads are kept beside it for the next key.  The
# installed tree is kept too, as IMAGE's name with .tar: the packaging
# test's Debian host system (debian-system.sh) starts from it instead of
# a second debootstrap (minutes of emulated dpkg on some machines).
#
# build-image.sh bench: the same image with the tools make bench runs in
# it (rt-tests' hackbench, stress-ng, sysbench, and gcc, make and libelf's
# headers for its build workload), named debian-bookworm-i386-bench-*.
set -eu
. "$(dirname "$0")/lib.sh"

variant=${1:-}
case $variant in
"") name=debian-bookworm-i386 size=2G include= ;;
bench)
	name=debian-bookworm-i386-bench size=3G
	include=rt-tests,stress-ng,sysbench,gcc,libc6-dev,make,libelf-dev
	;;
*) die "usage: build-image.sh [bench]" ;;
esac
key=$(cat "$0" "$TOP/launcher/lguest-mkimage" | sha256sum | cut -c1-16)
out=$CACHE/image/$name-$key.img
tar=${out%.img}.tar
if [ -f "$out" ] && [ -f "$tar" ]; then
	echo "$out"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "making the Debian guest image needs root (debootstrap): run it as root"
mkdir -p "$CACHE/image"
# One maker at a time (make run beside make test); the next one finds the
# image made.
exec 9>"$CACHE/image/.lock"
flock 9
if [ -f "$out" ] && [ -f "$tar" ]; then
	echo "$out"
	exit 0
fi
"$TOP/launcher/lguest-mkimage" --size=$size ${include:+--include=$include} \
	--cache-dir="$CACHE/image/archives" --tar="$tar" --force "$out" >&2 ||
	die "lguest-mkimage failed"
# Older images (other keys) are dead weight.
for f in "$CACHE/image/$name"-????????????????.img "$CACHE/image/$name"-????????????????.tar; do
	[ "$f" = "$out" ] || [ "$f" = "$tar" ] || rm -f "$f"
done
echo "$out"
