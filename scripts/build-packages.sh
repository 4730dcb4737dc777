#!/bin/sh
# build-packages.sh: lguest's .deb and .rpm packages, built from a clean
# copy of the tree (the files git tracks, plus new ones it does not
# ignore), into build/packages/.  Then lintian and rpmlint judge them.
#
# Debian: dpkg-buildpackage -ai386 (lguest and lguest-guest are i386;
# lguest-dkms is arch all).  RPM: rpmbuild --target i686 (lguest-dkms
# noarch, lguest and lguest-guest %{ix86}).
set -eu
. "$(dirname "$0")/lib.sh"
unset LGUEST_BUILD
export LGUEST_CACHE="$CACHE"
V=$(cat "$TOP/VERSION")
out=$BUILD/packages
rm -rf "$out"
mkdir -p "$out/deb" "$out/rpm"
src=$out/deb/lguest-$V

copy_tree() {
	mkdir -p "$1"
	(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		cpio -0 -pdm --quiet "$1") || die "could not copy the tree to $1"
}

echo "packages: Debian (log: $out/deb/build.log)" >&2
copy_tree "$src"
(cd "$src" && dpkg-buildpackage -ai386 -b -us -uc -d) >"$out/deb/build.log" 2>&1 ||
	{ tail -30 "$out/deb/build.log" >&2; die "dpkg-buildpackage failed"; }
rm -rf "$src"
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
