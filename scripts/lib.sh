# Shared by the build and rig scripts: where things live, and the pins.
# shellcheck shell=sh
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../pins.env
. "$TOP/pins.env"
CACHE=${LGUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lguest}
BUILD=${LGUEST_BUILD:-$TOP/build}
DEBS=$CACHE/debs
# A package build brings its own kernel source (debian/rules: the
# linux-source-6.1 Build-Depends; the rpm spec: a Source) and must not
# download one: LGUEST_KERNEL_SOURCE names the tarball, and
# LGUEST_KERNEL_VERSION its Debian version when that is not the pinned one.
KERNEL_SOURCE=${LGUEST_KERNEL_SOURCE:-}
DEB_KERNEL_VERSION=${LGUEST_KERNEL_VERSION:-$DEB_KERNEL_VERSION}
FLAVOURS="686 686-pae"

die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# fetch_deb PKG[:ARCH] [VERSION]: make sure the .deb is in $DEBS and print
# its path.  Without VERSION, apt's candidate is used (and recorded in the
# file name, so the cache key follows the registry).
fetch_deb() {
	pkg=$1
	ver=${2:-}
	if [ -z "$ver" ]; then
		ver=$(apt-cache policy "$pkg" 2>/dev/null |
			sed -n 's/^ *Candidate: *//p')
		[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
			die "Debian's registry has no package $pkg (is i386 multiarch enabled and apt-get update run? try 'make deps')"
	fi
	name=${pkg%%:*}
	arch=${pkg#*:}
	[ "$arch" = "$pkg" ] && arch=
	mkdir -p "$DEBS"
	# Debian file names drop the epoch and escape ':' as %3a.
	fver=${ver#*:}
	for f in "$DEBS/${name}_${fver}_"*.deb; do
		if [ -f "$f" ] && { [ -z "$arch" ] || [ "${f%_"$arch".deb}" != "$f" ] ||
			[ "${f%_all.deb}" != "$f" ]; }; then
			echo "$f"
			return 0
		fi
	done
	tmp=$(mktemp -d "$DEBS/.dl.XXXXXX")
	if ! (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>"$tmp/err"); then
		cat "$tmp/err" >&2
		rm -rf "$tmp"
		return 1
	fi
	f=$(ls "$tmp"/*.deb)
	mv "$f" "$DEBS/"
	rm -rf "$tmp"
	echo "$DEBS/$(basename "$f")"
}

# Explain a pinned package that the registry no longer serves.
pin_gone() {
	die "Debian's registry does not serve $1 at the pinned version $DEB_KERNEL_VERSION any more.
  Bump DEB_KERNEL_VERSION and DEB_KERNEL_ABI in pins.env to a version that
  'apt-cache madison linux-source-6.1 linux-image-686:i386' lists, then run
  'make test' (the guest series must still apply with no fuzz or offset)."
}

# Kernels built from the pinned linux-source (the guest's, User-Mode
# Linux's) share one life cycle, in $CACHE/AREA:
#   kbuild_start AREA KEY [VARIANT]  print out/KEY and exit when it is
#       built; else take AREA's lock (one build at a time: tests side by
#       side all ask, and whoever waited finds it built), unpack a fresh
#       source into work$VARIANT/src and set src, obj, log and out;
#   kbuild_mk ARCH TARGET...         make in that tree, quietly, with ccache
#       where there is one (the rig always has: make deps);
#   kbuild_finish FILE[=NAME]...     copy the files from obj to out/KEY
#       (as NAME if given), mark it built and print it.
# The work tree's path never changes, so ccache hits across keys.
kbuild_start() {
	out=$CACHE/$1/out/$2
	if [ -f "$out/.done" ]; then
		echo "$out"
		exit 0
	fi
	mkdir -p "$CACHE/$1"
	exec 9>"$CACHE/$1/.lock${3:-}"
	flock 9
	if [ -f "$out/.done" ]; then
		echo "$out"
		exit 0
	fi
	tarball=${KERNEL_SOURCE:-$("$TOP/scripts/fetch-source.sh")}
	[ -f "$tarball" ] || die "no kernel source at $tarball"
	kbuild_cc=gcc
	if command -v ccache >/dev/null; then
		kbuild_cc="ccache gcc"
		export CCACHE_DIR=$CACHE/ccache
	fi
	work=$CACHE/$1/work${3:-}
	src=$work/src
	obj=$work/obj
	log=$work/build.log
	rm -rf "$work"
	mkdir -p "$src" "$obj"
	echo "$1: unpacking linux-source $DEB_KERNEL_VERSION" >&2
	tar -xJf "$tarball" -C "$src" --strip-components=1
}

kbuild_mk() {
	kbuild_arch=$1
	shift
	make -s -C "$src" O="$obj" ARCH="$kbuild_arch" CC="$kbuild_cc" HOSTCC="$kbuild_cc" \
		KBUILD_BUILD_USER=lguest KBUILD_BUILD_HOST=lguest "$@"
}

kbuild_finish() {
	rm -rf "$out.tmp"
	mkdir -p "$out.tmp"
	for f in "$@"; do
		case $f in
		*=*) cp "$obj/${f%%=*}" "$out.tmp/${f#*=}" ;;
		*) cp "$obj/$f" "$out.tmp/" ;;
		esac
	done
	rm -rf "$out"
	mv "$out.tmp" "$out"
	touch "$out/.done"
	echo "$out"
}
