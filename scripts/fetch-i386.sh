#!/bin/sh
# fetch-i386.sh: unpack the i386 pieces the launcher and the rig's initramfs
# need (libelf and zlib static libraries and headers, and their shared
# ones for the rpm's dynamic launcher; a static busybox;
# libslirp and the libraries behind it, to link lguest-slirp; Debian's
# hackbench and its C library, for make bench) into a
# sysroot in the cache, and print its path.  pkg/libslirp0 and pkg/libc6
# hold those two packages whole (control files too), for dpkg-shlibdeps to
# derive lguest-slirp's dependencies from when the .deb is built.  They are downloaded,
# never installed, so this machine's own busybox and libraries stay as they
# are.  The sysroot is keyed by the exact .debs it was made from.
set -eu
. "$(dirname "$0")/lib.sh"

debs=""
for p in libelf-dev:i386 libelf1:i386 zlib1g-dev:i386 zlib1g:i386 busybox-static:i386 \
	libslirp-dev:i386 libslirp0:i386 libglib2.0-0:i386 libpcre2-8-0:i386 libc6:i386 \
	rt-tests:i386; do
	d=$(fetch_deb "$p") || die "could not download $p from Debian's registry"
	debs="$debs $d"
done
key=$(for d in $debs; do basename "$d"; done | sha256sum | cut -c1-16)
root=$CACHE/i386/$key
if [ ! -f "$root/.done" ]; then
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"
	for d in $debs; do
		case ${d##*/} in
		libc6_* | rt-tests_*) ;;	# pkg/ and bench/ only: this libc.so.6 must not shadow gcc-multilib's
		*) dpkg-deb -x "$d" "$root.tmp" ;;
		esac
		case ${d##*/} in
		libslirp0_* | libc6_* | rt-tests_*) n=${d##*/}; mkdir -p "$root.tmp/pkg"; dpkg-deb -R "$d" "$root.tmp/pkg/${n%%_*}" ;;
		esac
	done
	# bench/: Debian's hackbench with the C library it needs, a tree make
	# bench adds to the rig's host and the guest's initramfs alike.
	mkdir -p "$root.tmp/bench/usr/bin" "$root.tmp/bench/lib/i386-linux-gnu"
	cp "$root.tmp/pkg/rt-tests/usr/bin/hackbench" "$root.tmp/bench/usr/bin/"
	for f in ld-linux.so.2 libc.so.6 libpthread.so.0; do
		cp "$root.tmp/pkg/libc6/lib/i386-linux-gnu/$f" "$root.tmp/bench/lib/i386-linux-gnu/"
	done
	ln -s i386-linux-gnu/ld-linux.so.2 "$root.tmp/bench/lib/ld-linux.so.2"
	rm -rf "$root.tmp/pkg/rt-tests"
	for f in usr/lib/i386-linux-gnu/libelf.a usr/lib/i386-linux-gnu/libz.a \
		usr/include/libelf.h usr/include/gelf.h bin/busybox \
		usr/lib/i386-linux-gnu/libelf.so.1 lib/i386-linux-gnu/libz.so.1 \
		usr/include/slirp/libslirp.h usr/lib/i386-linux-gnu/libslirp.so.0 \
		usr/lib/i386-linux-gnu/libglib-2.0.so.0 usr/lib/i386-linux-gnu/libpcre2-8.so.0 \
		pkg/libslirp0/DEBIAN/symbols pkg/libc6/DEBIAN/symbols bench/usr/bin/hackbench; do
		[ -e "$root.tmp/$f" ] || die "i386 sysroot lacks $f"
	done
	rm -rf "$root"
	mv "$root.tmp" "$root"
	touch "$root/.done"
fi
echo "$root"
