#!/bin/sh
# guest-dev.sh: work on guest-patches/ as git commits.
#
#   guest-dev.sh init    make $CACHE/dev/linux: the pinned linux-source as a
#                        git tree with the series applied, one commit per
#                        patch (0001, the ABI header, included)
#   guest-dev.sh export  write the commits after the ABI header back as
#                        guest-patches/0002-*... and series; 0001 always
#                        comes from include/ (scripts/sync-abi-patch.sh)
#   guest-dev.sh build   build vmlinux there (O=$CACHE/dev/obj, the guest
#                        config; "build pae" for the PAE one)
#
# Commit with "git commit -s"; amend or "git rebase -i" to keep one commit
# per patch.  checkpatch: scripts/checkpatch.sh --patch guest-patches/N.
set -eu
. "$(dirname "$0")/lib.sh"
GP=$TOP/guest-patches
dev=$CACHE/dev/linux
git_() { git -C "$dev" -c user.name="lguest developers" -c user.email=lguest@localhost "$@"; }

case ${1:-} in
init)
	tarball=$("$TOP/scripts/fetch-source.sh")
	rm -rf "$dev"
	mkdir -p "$dev"
	tar -xJf "$tarball" -C "$dev" --strip-components=1
	git_ init -q
	# Debian's tree ignores everything at its top level: add by force.
	git_ add -f -A . && git_ commit -q -m "linux-source $DEB_KERNEL_VERSION"
	git_ tag base
	for p in $(sed -e 's/#.*//' "$GP/series"); do
		git_ am -q --keep-cr "$GP/$p" || die "$p does not apply"
	done
	echo "$dev: $(git_ rev-list --count base..HEAD) patches applied"
	;;
export)
	abi=$(git_ rev-list --reverse base..HEAD | head -1)
	out=$(mktemp -d)
	git_ format-patch -q --no-signature --zero-commit --abbrev=9 -o "$out" "$abi..HEAD"
	rm -f "$GP"/0[0-9][0-9][0-9]-*.patch.new
	"$TOP/scripts/sync-abi-patch.sh"
	for f in "$GP"/0*.patch; do
		case $f in */0001-*) ;; *) rm -f "$f" ;; esac
	done
	i=2
	for f in "$out"/*.patch; do
		name=$(printf '%04d-%s' $i "$(basename "$f" | sed 's/^[0-9]*-//')")
		# One line per header (checkpatch misreads a folded Subject).
		sed -e '1{/^From 0000/d}' "$f" |
			awk 'body { print; next } /^$/ { body = 1 }
			     /^ / && !body { hdr = hdr $0; next }
			     { if (hdr != "") print hdr; hdr = body ? "" : $0; if (body) print }
			     END { if (hdr != "" && !body) print hdr }' >"$GP/$name"
		i=$((i + 1))
	done
	rm -rf "$out"
	(cd "$GP" && ls 0*.patch >series)
	cat "$GP/series"
	;;
build)
	obj=$CACHE/dev/obj${2:+-$2}
	frags=$GP/guest.config
	[ "${2:-}" = pae ] && frags="$frags $GP/guest-pae.config"
	export CCACHE_DIR=$CACHE/ccache
	mk() { make -s -C "$dev" O="$obj" ARCH=i386 CC="ccache gcc" HOSTCC="ccache gcc" \
		KBUILD_BUILD_USER=lguest KBUILD_BUILD_HOST=lguest "$@"; }
	mkdir -p "$obj"
	mk tinyconfig
	(cd "$obj" && "$dev/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" $frags >/dev/null)
	mk olddefconfig
	mk -j"$(nproc)" vmlinux bzImage
	echo "$obj/vmlinux"
	;;
*)
	sed -n '2,16s/^# \{0,1\}//p' "$0"
	exit 1
	;;
esac
