#!/bin/sh
# fetch-nettools.sh: unpack what the network tests run on the rig's host
# and in its guests, from Debian's i386 packages: passt, the shared
# libraries of passt and of our lguest-slirp (libc, libslirp0, glib,
# pcre2), and iperf3 with its own (libiperf0, libsctp1, libssl3's
# libcrypto), into a directory in the cache laid out as the host wants
# them (/usr/bin/..., /lib/...), and print its path.  The rig's host is a
# static busybox world; the tests start these there as a user would.
# guest.cpio.gz in it holds iperf3 and what it needs, to append to a
# guest's initramfs.  Keyed by the exact .debs.
set -eu
. "$(dirname "$0")/lib.sh"

debs=""
for p in passt:i386 libc6:i386 libslirp0:i386 libglib2.0-0:i386 libpcre2-8-0:i386 \
	iperf3:i386 libiperf0:i386 libsctp1:i386 libssl3:i386; do
	d=$(fetch_deb "$p") || die "could not download $p from Debian's registry"
	debs="$debs $d"
done
key=$(for d in $debs; do basename "$d"; done | sha256sum | cut -c1-16)
root=$CACHE/nettools/$key
if [ ! -f "$root/.done" ]; then
	rm -rf "$root.tmp" "$root.x" "$root.g"
	mkdir -p "$root.tmp/usr/bin" "$root.tmp/lib/i386-linux-gnu" "$root.x"
	for d in $debs; do
		dpkg-deb -x "$d" "$root.x"
	done
	cp "$root.x/usr/bin/passt" "$root.x/usr/bin/iperf3" "$root.tmp/usr/bin/"
	libc="lib/i386-linux-gnu/ld-linux.so.2 lib/i386-linux-gnu/libc.so.6 lib/i386-linux-gnu/libm.so.6"
	iperf="usr/lib/i386-linux-gnu/libiperf.so.0 usr/lib/i386-linux-gnu/libsctp.so.1
		usr/lib/i386-linux-gnu/libcrypto.so.3"
	for l in $libc $iperf usr/lib/i386-linux-gnu/libslirp.so.0 \
		usr/lib/i386-linux-gnu/libglib-2.0.so.0 usr/lib/i386-linux-gnu/libpcre2-8.so.0; do
		cp -L "$root.x/$l" "$root.tmp/lib/i386-linux-gnu/" || die "the i386 packages lack $l"
	done
	ln -s i386-linux-gnu/ld-linux.so.2 "$root.tmp/lib/ld-linux.so.2"
	# For a guest: iperf3, its libraries and the C library.
	mkdir -p "$root.g/usr/bin" "$root.g/lib/i386-linux-gnu"
	cp "$root.tmp/usr/bin/iperf3" "$root.g/usr/bin/"
	for l in $libc $iperf; do
		cp "$root.tmp/lib/i386-linux-gnu/${l##*/}" "$root.g/lib/i386-linux-gnu/"
	done
	ln -s i386-linux-gnu/ld-linux.so.2 "$root.g/lib/ld-linux.so.2"
	(cd "$root.g" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		gzip -9n >"$root.tmp/guest.cpio.gz" || die "cannot make guest.cpio.gz"
	rm -rf "$root.x" "$root.g" "$root"
	mv "$root.tmp" "$root"
	touch "$root/.done"
fi
echo "$root"
