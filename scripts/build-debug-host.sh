#!/bin/sh
# build-debug-host.sh: build the debug host kernel and print the directory
# holding it: bzImage (what the rig boots), config, and obj/ and src/, the
# kernel tree lg.ko is built against (scripts/build-module.sh debug).
#
# Debian's linux-source-6.1 at the pinned version, unpatched, with
# tests/debug-host/debug.config merged over tinyconfig: the stock 686-pae
# options that matter to lg.ko plus lockdep, KFENCE, kmemleak, UBSAN, page
# allocation and SLUB debugging and the rest (the fragment says which and
# why).  The tree is kept and rebuilt in place when the fragment or this
# script change (Kbuild rebuilds only what a changed option touches, and
# ccache has the rest); "key" names what it was last built from.  Only a
# new source version unpacks it again.
set -eu
. "$(dirname "$0")/lib.sh"

frag=$TOP/tests/debug-host/debug.config
key=$( {
	echo "$DEB_KERNEL_VERSION"
	cat "$0" "$frag"
} | sha256sum | cut -c1-16)
tree=$CACHE/debughost
if [ "$(cat "$tree/key" 2>/dev/null)" = "$key" ]; then
	echo "$tree"
	exit 0
fi
# One build at a time (tests side by side all ask for it); whoever waited
# finds it built.
mkdir -p "$tree"
exec 9>"$tree/.lock"
flock 9
if [ "$(cat "$tree/key" 2>/dev/null)" = "$key" ]; then
	echo "$tree"
	exit 0
fi
rm -f "$tree/key"
command -v ccache >/dev/null || die "ccache missing (run 'make deps')"
export CCACHE_DIR=$CACHE/ccache
# ccache sees paths below the tree as relative: a tree moved or unpacked
# again still hits.
export CCACHE_BASEDIR=$tree
src=$tree/src
obj=$tree/obj
log=$tree/build.log
if [ "$(cat "$src/.lguest-version" 2>/dev/null)" != "$DEB_KERNEL_VERSION" ]; then
	tarball=$("$TOP/scripts/fetch-source.sh")
	rm -rf "$src" "$obj"
	mkdir -p "$src"
	echo "debug host: unpacking linux-source $DEB_KERNEL_VERSION" >&2
	tar -xJf "$tarball" -C "$src" --strip-components=1
	echo "$DEB_KERNEL_VERSION" >"$src/.lguest-version"
fi
mkdir -p "$obj"

echo "debug host: configuring" >&2
# The release ends in "-pae" like Debian's PAE kernels, which is how the
# launcher (and the tests) tell a PAE host without /boot/config-*.
mk() {
	make -s -C "$src" O="$obj" ARCH=i386 CC="ccache gcc" HOSTCC="ccache gcc" \
		KBUILD_BUILD_USER=lguest KBUILD_BUILD_HOST=lguest \
		LOCALVERSION=-debug-pae "$@"
}
mk tinyconfig >"$log" 2>&1 || { tail -30 "$log" >&2; die "tinyconfig failed"; }
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
	"$frag") >>"$log" 2>&1 || { tail -30 "$log" >&2; die "merging debug.config failed"; }
mk olddefconfig >>"$log" 2>&1 || { tail -30 "$log" >&2; die "olddefconfig failed"; }
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$obj/.config" || { echo "debug.config: '$line' did not survive olddefconfig" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$obj/.config" || { echo "debug.config: '$opt' is still set" >&2; bad=1; } ;;
	esac
done <"$frag"
[ $bad = 0 ] || die "debug.config is not what the kernel built"

echo "debug host: building bzImage and the module tree (log: $log)" >&2
# "all": bzImage, and Module.symvers for building lg.ko against the tree.
mk -j"$(nproc)" all >>"$log" 2>&1 ||
	{ tail -40 "$log" >&2; die "debug host kernel build failed"; }
cp "$obj/arch/x86/boot/bzImage" "$tree/bzImage"
cp "$obj/.config" "$tree/config"
echo "$key" >"$tree/key"
echo "$tree"
