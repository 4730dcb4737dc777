#!/bin/sh
# fetch-usernet.sh: unpack what the user network's helpers need at run time
# on the rig's host: Debian's i386 passt, and the shared libraries of
# passt and of our lguest-slirp (libc, libslirp0, glib, pcre2), into a
# directory in the cache laid out as the host wants them (/usr/bin/passt,
# /lib/...), and print its path.  The rig's host is a static busybox
# world; the user-network test starts the helpers there as a user's
# launcher would.  Keyed by the exact .debs.
set -eu
. "$(dirname "$0")/lib.sh"

debs=""
for p in passt:i386 libc6:i386 libslirp0:i386 libglib2.0-0:i386 libpcre2-8-0:i386; do
	d=$(fetch_deb "$p") || die "could not download $p from Debian's registry"
	debs="$debs $d"
done
key=$(for d in $debs; do basename "$d"; done | sha256sum | cut -c1-16)
root=$CACHE/usernet/$key
if [ ! -f "$root/.done" ]; then
	rm -rf "$root.tmp" "$root.x"
	mkdir -p "$root.tmp/usr/bin" "$root.tmp/lib/i386-linux-gnu" "$root.x"
	for d in $debs; do
		dpkg-deb -x "$d" "$root.x"
	done
	cp "$root.x/usr/bin/passt" "$root.tmp/usr/bin/"
	for l in lib/i386-linux-gnu/ld-linux.so.2 lib/i386-linux-gnu/libc.so.6 \
		lib/i386-linux-gnu/libm.so.6 usr/lib/i386-linux-gnu/libslirp.so.0 \
		usr/lib/i386-linux-gnu/libglib-2.0.so.0 usr/lib/i386-linux-gnu/libpcre2-8.so.0; do
		cp -L "$root.x/$l" "$root.tmp/lib/i386-linux-gnu/" || die "the i386 packages lack $l"
	done
	ln -s i386-linux-gnu/ld-linux.so.2 "$root.tmp/lib/ld-linux.so.2"
	rm -rf "$root.x" "$root"
	mv "$root.tmp" "$root"
	touch "$root/.done"
fi
echo "$root"
