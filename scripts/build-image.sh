#!/bin/sh
# build-image.sh: print the path of the Debian bookworm i386 guest image
# (ext4, minbase plus systemd), made by the lguest-mkimage the lguest
# package ships.  Cached under $CACHE/image, keyed by that script and this
# one; the .debs it downloads are kept beside it for the next key.  The
# installed tree is kept too, as IMAGE's name with .tar: the packaging
# test's Debian host system (debian-system.sh) starts from it instead of
# a second debootstrap (minutes of emulated dpkg on some machines).
set -eu
. "$(dirname "$0")/lib.sh"

key=$(cat "$0" "$TOP/launcher/lguest-mkimage" | sha256sum | cut -c1-16)
out=$CACHE/image/debian-bookworm-i386-$key.img
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
"$TOP/launcher/lguest-mkimage" --size=2G --cache-dir="$CACHE/image/archives" \
	--tar="$tar" --force "$out" >&2 ||
	die "lguest-mkimage failed"
# Older images (other keys) are dead weight.
for f in "$CACHE/image"/debian-bookworm-i386-*.img "$CACHE/image"/debian-bookworm-i386-*.tar; do
	[ "$f" = "$out" ] || [ "$f" = "$tar" ] || rm -f "$f"
done
echo "$out"
