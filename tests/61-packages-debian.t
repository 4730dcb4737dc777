#!/bin/sh
# The packages as a sysadmin meets them: a Debian bookworm i386 system made with
# debootstrap (scripts/debian-system.sh, cached) starting on an older stock
# 686 kernel gets the .debs from `make packages` through `apt install`;
# DKMS builds lg.ko inside it (chroot, linux32).  The system then boots
# under qemu-system-i386 and tests/packaging/pkgtest.sh checks, at boot,
# that lg.ko loaded by itself, /dev/lguest is root:lguest 0660, a user in
# group lguest runs `lguest` with no arguments to a guest that powers off,
# and one outside it gets a clear message.  Then apt upgrades the kernel:
# DKMS must rebuild on its own, and the same checks pass on the new
# kernel.  A PAE kernel installed beside them gets its lg.ko too, and
# there the launcher's default is the PAE guest.  Last, two purge/install
# cycles must leave nothing behind.
. "$(dirname "$0")/lib/debsys.sh"

V=$(cat "$RIG_TOP/VERSION")
debs=$RIG_BUILD/packages/deb
rig_need "$debs/lguest_${V}_i386.deb" "$debs/lguest-dkms_${V}_all.deb" "$debs/lguest-guest_${V}_i386.deb"
debsys_start packages-debian
old=$DEB_KERNEL_OLD_ABI-686

install_debs() {
	mkdir -p "$root/tmp/debs"
	cp "$debs/lguest_${V}_i386.deb" "$debs/lguest-dkms_${V}_all.deb" \
		"$debs/lguest-guest_${V}_i386.deb" "$root/tmp/debs/"
	step "$1: apt install ./lguest*.deb" "$2" apt-get install -y --no-install-recommends \
		/tmp/debs/lguest_${V}_i386.deb /tmp/debs/lguest-dkms_${V}_all.deb /tmp/debs/lguest-guest_${V}_i386.deb
	rm -rf "$root/tmp/debs"
}

# boot KREL LABEL: make a disk of the system and boot KREL from it; the
# unit runs pkgtest.sh, whose TAP we renumber into ours.
boot() {
	krel=$1 label=$2
	install -D -m 0755 "$RIG_TOP/tests/packaging/pkgtest.sh" "$root/usr/local/sbin/lguest-pkgtest"
	install -D -m 0644 "$RIG_TOP/tests/lib/tap.sh" "$root/usr/local/sbin/tap.sh"
	install -D -m 0644 "$RIG_TOP/tests/packaging/lguest-pkgtest.service" \
		"$root/etc/systemd/system/lguest-pkgtest.service"
	mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
	ln -sf ../lguest-pkgtest.service "$root/etc/systemd/system/multi-user.target.wants/"
	down
	rm -f "$dir/disk.img"
	mkfs.ext4 -q -F -L root -d "$root" "$dir/disk.img" 4G >"$dir/mkfs-$label.log" 2>&1 ||
		{ up; nok "$label: disk image (log: $dir/mkfs-$label.log)"; return; }
	con=$dir/console-$label.log res=$dir/results-$label.log
	: >"$res"
	timeout -k 5 900 qemu-system-i386 -nographic -no-reboot -monitor none -nic none \
		-m 1024 -cpu "${RIG_BOOT_CPU:-$(rig_cpu 686)}" -kernel "$root/boot/vmlinuz-$krel" \
		-initrd "$root/boot/initrd.img-$krel" \
		-drive file="$dir/disk.img",format=raw,if=virtio \
		-serial "file:$con" -serial "file:$res" \
		-append "root=/dev/vda rw console=ttyS0 ignore_loglevel panic=-1 cryptomgr.notests noisapnp" \
		</dev/null >"$con.qemu" 2>&1
	qrc=$?
	up
	# The serial port writes CRLF.
	tr -d '\r' <"$res" >"$res.txt"
	res=$res.txt
	grep -q "^# kernel $krel\$" "$res" && ok "$label: the system booted $krel" ||
		nok "$label: the system booted $krel"
	while IFS= read -r line; do
		case $line in
		"#"*) echo "#   $line" ;;
		*) tap_line "$(printf '%s' "$line" | sed 's/ - / - '"$label"': /')" ;;
		esac
	done <"$res"
	if grep -q '^PKGTEST DONE' "$res" && [ $qrc = 0 ]; then
		ok "$label: the in-system checks ran to the end and the system powered off"
	else
		nok "$label: the in-system checks ran to the end and the system powered off (qemu $qrc; logs $con, $res)"
		tail -30 "$con" | diag
	fi
}

# --- First install, on the older kernel ---
install_debs "first install on $old" install-1.log
is "DKMS built lg.ko for $old inside the system" ko_for "$old"
vm=$(modinfo -F vermagic "$root/lib/modules/$old/updates/dkms/lg.ko" 2>&1)
case $vm in
"$old SMP "*) ok "lg.ko's vermagic is the stock kernel's ($vm)" ;;
*) nok "lg.ko's vermagic is the stock kernel's (got '$vm')" ;;
esac
is "the lguest group exists" grep -q '^lguest:' "$root/etc/group"
step "alice joins group lguest (adduser alice lguest)" admin.log adduser alice lguest
boot "$old" "$old"

# --- Kernel upgrade: apt brings the current kernel; DKMS follows ---
in_chroot upgrade.log apt-get update || true
step "apt upgrades to the current stock kernel (linux-image-686, linux-headers-686)" upgrade.log \
	apt-get install -y --no-install-recommends -o APT::Get::Upgrade-By-Source-Package=false \
	linux-image-686 linux-headers-686
new=$(cd "$root/boot" && ls vmlinuz-*-686 | sed 's/^vmlinuz-//' | grep -vx "$old" | sort -V | tail -1)
if [ -n "$new" ]; then
	ok "a newer kernel was installed: $new"
	is "DKMS rebuilt lg.ko for $new on its own" ko_for "$new"
	# This boot also walks the README's five-minute tour (pkgtest.sh).
	# Its step 2 makes a Debian image as root with the packaged
	# lguest-mkimage, which downloads: here, where the network is, before
	# the boot.  Its debootstrap runs i386 programs, which take minutes
	# where they run under qemu-user, so the image is kept, keyed by the
	# script that made it and the pins, and made again when either changes.
	mk=$root/usr/bin/lguest-mkimage
	tourimg=$CACHE/tour/deb-$(cat "$mk" "$RIG_TOP/pins.env" | sha256sum | cut -c1-16).img
	if [ -f "$tourimg" ]; then
		mkdir -p "$root/var/lib/lguest"
		cp --sparse=always "$tourimg" "$root/var/lib/lguest/deb.img" &&
			ok "tour 2: as root, lguest-mkimage /var/lib/lguest/deb.img (this lguest-mkimage's image, kept from an earlier run: $tourimg)" ||
			nok "tour 2: copying the kept image $tourimg"
	else
		# lguest recommends debootstrap for it; this test installs
		# without recommends.
		step "tour 2: apt install debootstrap (lguest recommends it)" mkimage.log \
			apt-get install -y --no-install-recommends debootstrap
		step "tour 2: as root, lguest-mkimage /var/lib/lguest/deb.img" mkimage.log \
			lguest-mkimage /var/lib/lguest/deb.img
		mkdir -p "$CACHE/tour"
		[ -f "$root/var/lib/lguest/deb.img" ] &&
			cp --sparse=always "$root/var/lib/lguest/deb.img" "$tourimg.tmp" && mv "$tourimg.tmp" "$tourimg"
	fi
	touch "$root/etc/lguest-pkgtest-tour"
	boot "$new" "$new"
	rm -f "$root/etc/lguest-pkgtest-tour" "$root/var/lib/lguest/deb.img"
else
	nok "a newer kernel was installed (only $old in /boot)"
fi

# --- A PAE kernel beside them: DKMS builds for it, and the launcher
# picks the PAE default guest there ---
step "apt installs the stock PAE kernel (linux-image-686-pae, linux-headers-686-pae)" pae.log \
	apt-get install -y --no-install-recommends -o APT::Get::Upgrade-By-Source-Package=false \
	linux-image-686-pae linux-headers-686-pae
pae=$(cd "$root/boot" && ls vmlinuz-*-686-pae 2>/dev/null | sed 's/^vmlinuz-//' | sort -V | tail -1)
if [ -n "$pae" ]; then
	is "DKMS built lg.ko for $pae on its own" ko_for "$pae"
	RIG_BOOT_CPU=$(rig_cpu 686-pae) boot "$pae" "$pae"
else
	nok "a PAE kernel was installed"
fi

# --- Purge, then a second install/purge cycle ---
# leftovers: what of lguest is on the system (files, group, dpkg state).
leftovers() {
	left=$(cd "$root" && ls -d lib/modules/*/updates/dkms/lg.ko usr/src/lguest-* var/lib/dkms/lguest \
		usr/bin/lguest usr/lib/lguest lib/udev/rules.d/60-lguest.rules \
		usr/lib/modules-load.d/lguest.conf usr/share/doc/lguest* 2>/dev/null)
	grep -q '^lguest:' "$root/etc/group" && left="$left group:lguest"
	st=$(linux32 chroot "$root" dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' \
		lguest lguest-dkms lguest-guest 2>/dev/null | grep -v '^un ' | grep -v '^ *$')
	[ -n "$st" ] && left="$left dpkg:[$st]"
	echo $left
}
gone() {
	left=$(leftovers)
	if [ -z "$left" ]; then
		ok "$1: nothing of lguest is left (module, files, group, dpkg state)"
	else
		nok "$1: left behind: $left"
	fi
}
step "apt purge lguest lguest-dkms lguest-guest" purge-1.log apt-get purge -y lguest lguest-dkms lguest-guest
gone "after the first purge"
install_debs "second install" install-2.log
is "second install: DKMS built lg.ko for $old" ko_for "$old"
[ -n "$new" ] && is "second install: DKMS built lg.ko for $new" ko_for "$new"
[ -n "$pae" ] && is "second install: DKMS built lg.ko for $pae" ko_for "$pae"
# What the kernels' ccache switch saved (in_chroot): the repeats' hits.
in_chroot ccache.log ccache -s
grep -i 'hits\|misses' "$dir/ccache.log" | sed 's/^/ccache: /' | diag
is "second install: the lguest group is back" grep -q '^lguest:' "$root/etc/group"
# The leftover check must see an installed lguest, or it proves nothing.
present=$(leftovers)
seen=1
for w in /lg.ko usr/src/lguest- usr/bin/lguest usr/lib/lguest 60-lguest.rules modules-load.d/lguest.conf group:lguest dpkg:; do
	case $present in *"$w"*) ;; *) seen=0 ;; esac
done
if [ $seen = 1 ]; then
	ok "the leftover check sees an installed lguest"
else
	nok "the leftover check sees an installed lguest (saw: $present)"
fi
step "second apt purge" purge-2.log apt-get purge -y lguest lguest-dkms lguest-guest
gone "after the second purge"
done_testing
