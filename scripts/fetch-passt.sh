#!/bin/sh
# fetch-passt.sh: unpack Debian's i386 passt and the C library it needs
# (it is dynamically linked) into a directory in the cache, laid out as the
# rig's host wants them (/usr/bin/passt, /lib/...), and print its path.
# The rig's host is a static busybox world; the user-network test starts
# passt there as a user's launcher would.  Keyed by the exact .debs.
set -eu
. "$(dirname "$0")/lib.sh"

debs=""
for p in passt:i386 libc6:i386; do
	d=$(fetch_deb "$p") || die "could not download $p from Debian's registry"
	debs="$debs $d"
done
key=$(for d in $debs; do basename "$d"; done | sha256sum | cut -c1-16)
root=$CACHE/passt/$key
if [ ! -f "$root/.done" ]; then
	rm -rf "$root.tmp" "$root.x"
	mkdir -p "$root.tmp/usr/bin" "$root.tmp/lib/i386-linux-gnu" "$root.x"
	for d in $debs; do
		dpkg-deb -x "$d" "$root.x"
	done
	cp "$root.x/usr/bin/passt" "$root.tmp/usr/bin/"
	for l in ld-linux.so.2 libc.so.6; do
		cp -L "$root.x/lib/i386-linux-gnu/$l" "$root.tmp/lib/i386-linux-gnu/" ||
			die "libc6:i386 lacks $l"
	done
	ln -s i386-linux-gnu/ld-linux.so.2 "$root.tmp/lib/ld-linux.so.2"
	rm -rf "$root.x" "$root"
	mv "$root.tmp" "$root"
	touch "$root/.done"
fi
echo "$root"
