#!/bin/sh
# build-packages.sh: lguest's .deb and .rpm packages, built from a clean
# copy of the tree (the files git tracks, plus new ones it does not
# ignore), into build/packages/.  Then lintian and rpmlint judge them.
#
# Debian: the source package and its binaries, built by dpkg-buildpackage
# -ai386 as user builder in a fresh bookworm buildd chroot holding only
# crossbuild-essential-i386 and the Build-Depends
# (scripts/build-chroot.sh), with no network: what a Debian developer's
# `sbuild --host=i386` does.  The guest kernels it compiles are kept in a
# cache of that chroot's own ($CACHE/chroot/guest-KEY, bind-mounted as
# LGUEST_CACHE), keyed like every kernel build by their inputs.
# RPM: rpmbuild --target i686 from a tarball of the tree and the kernel
# source tarball, also with no network (lguest-dkms noarch, lguest and
# lguest-guest %{ix86}).
set -eu
. "$(dirname "$0")/lib.sh"
unset LGUEST_BUILD
export LGUEST_CACHE="$CACHE"
V=$(cat "$TOP/VERSION")
out=$BUILD/packages
[ "$(id -u)" = 0 ] || die "building the packages needs root (a chroot, with its own mounts and no network): run it as root"
rm -rf "$out"
mkdir -p "$out/deb" "$out/rpm"

copy_tree() {
	mkdir -p "$1"
	(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		cpio -0 -pdm --quiet "$1") || die "could not copy the tree to $1"
}

tarball=$("$TOP/scripts/build-chroot.sh") || die "no build chroot"
ckey=${tarball##*-}
ckey=${ckey%.tar}
root=$(mktemp -d "$CACHE/chroot/.build.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
tar --numeric-owner -C "$root" -xf "$tarball" || die "cannot unpack $tarball"
kcache=$CACHE/chroot/guest-$ckey
mkdir -p "$kcache" "$root/cache"
copy_tree "$root/build/lguest-$V"
ids=$(chroot "$root" id -u builder):$(chroot "$root" id -g builder)
chown -R "$ids" "$root/build" "$kcache"
# The build's first lines show it cannot reach the mirror it came from.
mirror_ip=$(getent ahostsv4 deb.debian.org | awk 'NR == 1 { print $1 }')
echo "packages: Debian, in a bookworm buildd chroot with no network (log: $out/deb/build.log)" >&2
# unshare: no network, and mounts that vanish with the build.
unshare --net --mount sh -c '
	set -e
	mount -t proc proc "$1/proc"
	mount --bind /dev "$1/dev"
	mount --bind "$2" "$1/cache"
	exec chroot --userspec="$4" "$1" env -i HOME=/home/builder \
		PATH=/usr/bin:/bin LC_ALL=C.UTF-8 LGUEST_CACHE=/cache \
		bash -c "echo \"builder: \$(id)\"
			if (exec 3<>/dev/tcp/$5/80) 2>/dev/null; then echo \"network: $5 reachable\"; else echo \"network: unreachable\"; fi
			cd /build/lguest-$3 && dpkg-buildpackage -ai386 -us -uc -j2"' \
	sh "$root" "$kcache" "$V" "$ids" "$mirror_ip" >"$out/deb/build.log" 2>&1 ||
	{ tail -30 "$out/deb/build.log" >&2; die "dpkg-buildpackage failed in the chroot"; }
for f in "$root"/build/*; do
	[ -f "$f" ] && cp "$f" "$out/deb/"
done
rm -rf "$root"
trap - EXIT INT TERM
echo "packages: lintian --pedantic" >&2
lintian --pedantic --fail-on error,warning --suppress-tags initial-upload-closes-no-bugs \
	"$out/deb/"lguest_*.changes >"$out/deb/lintian.log" 2>&1 ||
	{ cat "$out/deb/lintian.log" >&2; die "lintian found errors or warnings"; }
cat "$out/deb/lintian.log" >&2

if [ -f "$TOP/rpm/lguest.spec" ]; then
	echo "packages: RPM (log: $out/rpm/build.log)" >&2
	r=$out/rpm
	mkdir -p "$r/SOURCES" "$r/tree"
	copy_tree "$r/tree/lguest-$V"
	rm -rf "$r/tree/lguest-$V/debian"
	tar -C "$r/tree" -czf "$r/SOURCES/lguest-$V.tar.gz" "lguest-$V"
	rm -rf "$r/tree"
	"$TOP/scripts/build-rpm.sh" "$r"
	echo "packages: rpmlint" >&2
	rpmlint -c "$TOP/rpm/rpmlint.toml" "$TOP/rpm/lguest.spec" "$r"/RPMS/*/*.rpm >"$r/rpmlint.log" 2>&1 ||
		{ cat "$r/rpmlint.log" >&2; die "rpmlint found errors"; }
	cat "$r/rpmlint.log" >&2
fi
ls "$out"/deb/*.deb "$out"/rpm/RPMS/*/*.rpm 2>/dev/null || true
