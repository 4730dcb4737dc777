#!/bin/sh
# built-using.sh launcher|guest: the Built-Using value of a package, for
# the other sources linked or built into it: the static launcher embeds
# glibc, elfutils (libelf) and zlib; the default guest is Debian's linux
# kernel and its initramfs Debian's busybox.
set -eu
. "$(dirname "$0")/lib.sh"

# src_of DEB: "source (= version)" of a .deb file.
src_of() {
	s=$(dpkg-deb -f "$1" Source)
	v=$(dpkg-deb -f "$1" Version)
	case "$s" in
	"") s=$(dpkg-deb -f "$1" Package) ;;
	*"("*) v=${s#*(}; v=${v%)}; s=${s%% *} ;;
	esac
	echo "$s (= $v)"
}

case "${1:-}" in
launcher)
	libc=$(dpkg-query -W -f='${source:Package} (= ${source:Version})' libc6-dev-i386)
	echo "$libc, $(src_of "$(fetch_deb libelf-dev:i386)"), $(src_of "$(fetch_deb zlib1g-dev:i386)")"
	;;
guest)
	echo "linux (= $DEB_KERNEL_VERSION), $(src_of "$(fetch_deb busybox-static:i386)")"
	;;
*)
	die "usage: built-using.sh launcher|guest"
	;;
esac
