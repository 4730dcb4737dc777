#!/bin/sh
# build-module.sh FLAVOUR: build lg.ko (and the rig's test helper
# lgprobe.ko, tests/kmod/, beside it) against the unpacked headers of the
# stock Debian kernel FLAVOUR (or, for "debug", the debug host kernel's
# tree) and print its path.  Sources are mirrored into
# build/FLAVOUR/ (kbuild writes objects beside them) so both flavours can be
# built from one checkout.  Warnings are errors (module/Kbuild).
set -eu
. "$(dirname "$0")/lib.sh"

flavour=${1:?usage: build-module.sh 686|686-pae|amd64|debug}
if [ "$flavour" = debug ]; then
	# The debug host kernel's own build tree (build-debug-host.sh).
	root=$("$TOP/scripts/build-debug-host.sh")
	kdir=$root/obj
else
	root=$("$TOP/scripts/fetch-host.sh" "$flavour")
	kdir=$root/usr/src/linux-headers-$DEB_KERNEL_ABI-$flavour
fi
dst=$BUILD/$flavour
ko=$dst/module/lg.ko
# Tests running side by side may both want the debug host's lg.ko: one
# builds, and a build of the same sources is not redone, so that nobody
# removes a lg.ko another test is about to copy.
mkdir -p "$dst"
exec 8>"$dst/.lock"
flock 8
key=$( (tar -C "$TOP" -cf - --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
	module include switcher VERSION tests/kmod; echo "$kdir") | sha256sum | cut -c1-16)
if [ ! -f "$ko" ] || [ "$(cat "$dst/.key" 2>/dev/null)" != "$key" ]; then
	rm -rf "$dst/module" "$dst/include" "$dst/switcher" "$dst/VERSION" "$dst/kmod" "$dst/.key"
	cp -a "$TOP/module" "$TOP/include" "$TOP/switcher" "$TOP/VERSION" "$TOP/tests/kmod" "$dst/"
	log=$dst/module-build.log
	if ! make -C "$kdir" M="$dst/module" modules >"$log" 2>&1; then
		cat "$log" >&2
		die "lg.ko failed to build for $flavour"
	fi
	# lgprobe only means something on a host lg.ko serves.
	if [ "$flavour" != amd64 ] && ! make -C "$kdir" M="$dst/kmod" modules >>"$log" 2>&1; then
		cat "$log" >&2
		die "lgprobe.ko (tests/kmod) failed to build for $flavour"
	fi
	echo "$key" >"$dst/.key"
fi
if [ "$flavour" = debug ]; then
	want=$(cat "$kdir/include/config/kernel.release")
	got=$(modinfo -F vermagic "$ko")
	[ "${got%% *}" = "$want" ] || die "lg.ko vermagic '$got' is not for the debug kernel $want"
	echo "$ko"
	exit 0
fi
want=$(modinfo -F vermagic "$root/lib/modules/$DEB_KERNEL_ABI-$flavour/kernel/drivers/virtio/virtio.ko")
got=$(modinfo -F vermagic "$ko")
[ "$want" = "$got" ] || die "lg.ko vermagic '$got' differs from the stock kernel's '$want'"
echo "$ko"
