#!/bin/sh
# Runs at boot inside the Debian i386 system that tests/61-packages-debian.t
# installs lguest's .debs into (as the systemd unit lguest-pkgtest.service):
# what a sysadmin and a user meet after `apt install`, with no manual step.
# TAP goes to ttyS1 (the host reads it); the console is ttyS0.  Then the
# system powers off.
exec >/dev/ttyS1 2>&1
. "${0%/*}/tap.sh"

# tty_session USER OUT PROMPT CMD...: USER runs CMD on a pseudo-terminal of
# its own (script(1)), the way a user types it.  Its keyboard is the FIFO
# $w/in, held open on fd 3 for type_in; returns once PROMPT is on its
# screen (OUT), or after 200 s.  tty_end waits for it and sets rc.
tty_session() {
	who=$1 out=$2 prompt=$3
	shift 3
	rm -f $w/in
	mkfifo -m 0600 $w/in
	: >"$out"
	chown "$who" "$out"
	runuser -u "$who" -- timeout 300 script -qfec "$*" /dev/null <$w/in >"$out" 2>&1 &
	pid=$!
	exec 3>$w/in
	wait_for "$out" "$prompt"
}
type_in() { printf '%s\r' "$@" >&3; }
tty_end() {
	wait $pid
	rc=$?
	exec 3>&-
}
# wait_for FILE TEXT: until TEXT is in FILE, or 200 s.
wait_for() {
	i=0
	while [ $i -lt 400 ] && ! grep -q "$2" "$1"; do
		sleep 0.5
		i=$((i + 1))
	done
}

# The README's five-minute tour, each step as README.md says it, as alice
# unless the step says root.  Step 2's image was made as root with
# lguest-mkimage before this boot (tests/61: it downloads Debian, and this
# system has no network); step 6 is the systemd check above.
tour() {
	echo "# the README's five-minute tour"
	# 1. A throwaway guest, a shell on your terminal: lguest, then poweroff.
	tty_session alice $w/tour1.out '/ # ' lguest
	type_in 'echo "tour: $((6 * 7))"' poweroff
	tty_end
	if [ $rc = 0 ] && grep -q '^tour: 42' $w/tour1.out; then
		ok "tour 1: 'lguest' on alice's terminal gives a shell; poweroff ends it, exit 0"
	else
		nok "tour 1: 'lguest' on alice's terminal (exit $rc)"
		tail -20 $w/tour1.out | diag
	fi

	# 2. A Debian system, as root, throwaway (-x).
	img=/var/lib/lguest/deb.img
	before=$(stat -c %Y.%s $img 2>&1)
	tty_session root $w/tour2.out 'root@lguest' lguest -x --disk=$img 256m /usr/lib/lguest/$want root=/dev/vda
	type_in 'echo "tour: $(cat /etc/debian_version) $(id -un)" >/tour-was-here; cat /tour-was-here' poweroff
	tty_end
	# Not anchored: bash in the Debian guest turns bracketed paste off
	# (an escape sequence) before each command's output.
	if [ $rc = 0 ] && grep -q 'tour: 12\.[0-9]* root' $w/tour2.out &&
		[ "$(stat -c %Y.%s $img 2>&1)" = "$before" ]; then
		ok "tour 2: lguest-mkimage's Debian image boots as a throwaway (-x) guest to root's shell; the image is untouched"
	else
		nok "tour 2: the Debian image as a throwaway guest (exit $rc; image $before, now $(stat -c %Y.%s $img 2>&1))"
		tail -30 $w/tour2.out | diag
	fi

	# 3. A host directory inside, read-only.
	runuser -u alice -- sh -c 'mkdir -p /home/alice/src && echo shared-from-the-host >/home/alice/src/hello'
	tty_session alice $w/tour3.out '/ # ' lguest --share=/home/alice/src,ro
	type_in 'mount -t 9p -o trans=virtio src /mnt && cat /mnt/hello' \
		'echo "tour: $(touch /mnt/new 2>&1)"' poweroff
	tty_end
	if [ $rc = 0 ] && grep -q '^shared-from-the-host' $w/tour3.out &&
		grep -q '^tour: .*Read-only file system' $w/tour3.out && [ ! -e /home/alice/src/new ]; then
		ok "tour 3: --share=\$HOME/src,ro: the guest mounts it, reads the host's file, and writing gives EROFS"
	else
		nok "tour 3: --share=\$HOME/src,ro (exit $rc)"
		tail -20 $w/tour3.out | diag
	fi

	# 4. The network, without root: the host's port 8080 reaches the
	# guest's web server on 80.
	tty_session alice $w/tour4.out '/ # ' lguest --net=user --forward=tcp:8080:80 \
		--initrd=/usr/lib/lguest/initrd.gz 128m /usr/lib/lguest/$want lguest.net=dhcp
	type_in 'mkdir -p /www && echo served-by-the-guest >/www/index.html && httpd -p 80 -h /www && echo "tour: httpd $((40 + 2))"'
	wait_for $w/tour4.out '^tour: httpd 42'
	page=$(runuser -u alice -- timeout 30 bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 &&
		printf "GET / HTTP/1.0\r\n\r\n" >&3 && cat <&3' 2>&1)
	type_in poweroff
	tty_end
	if [ $rc = 0 ] && echo "$page" | grep -q '^served-by-the-guest'; then
		ok "tour 4: --net=user --forward=tcp:8080:80: the host's port 8080 fetches the guest's page"
	else
		nok "tour 4: --net=user --forward=tcp:8080:80 (exit $rc)"
		echo "$page" | diag 10
		tail -20 $w/tour4.out | diag
	fi

	# 5. Guests in the background: start, list, console (Ctrl-] on a real
	# terminal leaves it running), stop.
	runuser -u alice -- timeout 60 lguest --name=web --detach >$w/tour5-detach.out 2>&1
	drc=$?
	out=$(cat $w/tour5-detach.out)
	i=0
	while [ $i -lt 240 ] && ! runuser -u alice -- lguest list 2>/dev/null | grep -q '^web .*running'; do
		sleep 0.5
		i=$((i + 1))
	done
	listed=$(runuser -u alice -- lguest list 2>&1)
	tty_session alice $w/tour5.out '/ # ' lguest console web
	sleep 1
	type_in 'echo "tour: console $((6 * 7))"'
	wait_for $w/tour5.out '^tour: console 42'
	printf '\035' >&3
	tty_end
	still=$(runuser -u alice -- lguest list 2>&1)
	t0=$(date +%s)
	runuser -u alice -- timeout 60 lguest stop web >$w/tour5-stop.out 2>&1
	src=$?
	t1=$(date +%s)
	gone=$(runuser -u alice -- lguest list 2>&1)
	if [ $drc = 0 ] && echo "$listed" | grep -q '^web .*running' && grep -q '^tour: console 42' $w/tour5.out && [ $rc = 0 ] &&
		echo "$still" | grep -q '^web .*running' && [ $src = 0 ] && [ $((t1 - t0)) -le 10 ] &&
		! echo "$gone" | grep -q '^web '; then
		ok "tour 5: --name=web --detach, list, console on a terminal (Ctrl-] detaches, it runs on), stop powers it off ($((t1 - t0)) s, exit 0)"
	else
		nok "tour 5: named guest in the background (detach exit $drc '$out', console exit $rc, stop exit $src in $((t1 - t0)) s)"
		{ echo "$listed"; echo "$still"; echo "$gone"; tail -15 $w/tour5.out; cat $w/tour5-stop.out; } | diag
	fi
}

checks() {
	krel=$(uname -r)
	echo "# kernel $krel"
	udevadm settle -t 60 || true

	if grep -q '^lg ' /proc/modules; then
		ok "lg.ko was loaded at boot (modules-load.d)"
	else
		nok "lg.ko was loaded at boot (modules-load.d)"
		systemctl status systemd-modules-load.service --no-pager 2>&1 | diag
	fi
	path=$(modinfo -n lg 2>&1)
	if [ "$path" = "/lib/modules/$krel/updates/dkms/lg.ko" ]; then
		ok "lg.ko is DKMS's build for $krel"
	else
		nok "lg.ko is DKMS's build for $krel (modinfo -n: $path)"
	fi
	perm=$(stat -c '%F %U:%G %a' /dev/lguest 2>&1)
	if [ "$perm" = "character special file root:lguest 660" ]; then
		ok "/dev/lguest is root:lguest 0660"
	else
		nok "/dev/lguest is root:lguest 0660 (got '$perm')"
	fi

	# alice (in group lguest) runs `lguest` with no arguments (but
	# --verbose): the default guest boots to its shell; she types two commands
	# and it powers off.  Her terminal is a FIFO and a file in a directory
	# of our own: we open both (not alice), and /tmp's protected_fifos
	# (procps turns it on) would refuse root a FIFO another user owns there.
	w=/run/lguest-pkgtest
	mkdir -p -m 0700 $w
	mkfifo -m 0600 $w/in
	runuser -u alice -- timeout 300 lguest --verbose <$w/in >$w/alice.out 2>&1 &
	pid=$!
	exec 3>$w/in
	i=0
	while [ $i -lt 240 ] && ! grep -q '/ # ' $w/alice.out; do
		sleep 0.5
		i=$((i + 1))
	done
	echo 'echo "guest says: $(uname -sr) $(id -un)"' >&3
	echo poweroff >&3
	wait $pid
	rc=$?
	exec 3>&-
	if [ $rc = 0 ]; then
		ok "alice (group lguest) runs 'lguest': the default guest powers off, exit 0"
	else
		nok "alice (group lguest) runs 'lguest': exit $rc, want 0"
	fi
	if grep -q '^guest says: Linux 6\.1\.[^ ]* root' $w/alice.out; then
		ok "the default guest booted to a root shell on alice's console"
	else
		nok "the default guest booted to a root shell on alice's console"
	fi
	# The default guest's page tables must be the host kernel's format.
	if grep -qx 'CONFIG_X86_PAE=y' "/boot/config-$krel"; then want=vmlinux-pae; else want=vmlinux; fi
	if grep -q "^lguest: default guest: /usr/lib/lguest/$want, initrd /usr/lib/lguest/initrd.gz\$" $w/alice.out; then
		ok "the launcher chose /usr/lib/lguest/$want for this host"
	else
		nok "the launcher chose /usr/lib/lguest/$want for this host"
	fi
	if [ $rc != 0 ] || ! grep -q '^guest says' $w/alice.out; then
		tail -40 $w/alice.out | diag
	fi

	# alice's guest on the user network: the packaged lguest-slirp, with
	# the libslirp0 apt installed for it, answers the guest's DHCP.
	runuser -u alice -- timeout 300 lguest --net=user --initrd=/usr/lib/lguest/initrd.gz \
		128m /usr/lib/lguest/$want lguest.net=dhcp lguest.nettest=user:1 \
		</dev/null >$w/net.out 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q 'NET: 10\.0\.2\.15/24' $w/net.out; then
		ok "alice's guest on --net=user gets 10.0.2.15 by DHCP from the packaged lguest-slirp"
	else
		nok "alice's guest on --net=user gets 10.0.2.15 by DHCP (exit $rc)"
		tail -30 $w/net.out | diag
	fi

	[ -e /etc/lguest-pkgtest-tour ] && tour

	# A guest as a service (the tour's step 6): the packaged example copied
	# to /etc/lguest/t.conf, "systemctl start lguest@t" boots it with its
	# console in the journal, "lguest list" shows it, and "systemctl stop
	# lguest@t" presses its power button: it shuts down in order, the
	# launcher exits 0 and the unit ends inactive, not failed.
	cp /etc/lguest/example.conf /etc/lguest/t.conf
	systemctl start lguest@t
	i=0
	while [ $i -lt 240 ] && ! journalctl -u lguest@t -q -o cat 2>/dev/null | grep -q 'lguest guest up'; do
		sleep 0.5
		i=$((i + 1))
	done
	listed=$(lguest list 2>&1)
	echo "$listed" | diag
	t0=$(date +%s)
	systemctl stop lguest@t
	t1=$(date +%s)
	journalctl -u lguest@t -q -o cat >$w/unit.log 2>&1
	res=$(systemctl show -p Result --value lguest@t)
	st=$(systemctl show -p ExecMainStatus --value lguest@t)
	if grep -q 'lguest guest up' $w/unit.log && echo "$listed" | grep -q '^t .* 128M .* running' &&
	   grep -q 'power button pressed' $w/unit.log && grep -q 'The system is going down' $w/unit.log &&
	   [ "$res" = success ] && [ "$st" = 0 ] && [ $((t1 - t0)) -le 60 ]; then
		ok "systemctl start lguest@t boots /etc/lguest/t.conf's guest, its console is in the journal, systemctl stop powers it off in order ($((t1 - t0)) s, exit $st)"
	else
		nok "systemctl start/stop lguest@t (result '$res', exit '$st', $((t1 - t0)) s)"
		tail -40 $w/unit.log | diag
		systemctl status lguest@t --no-pager 2>&1 | diag
	fi
	rm -f /etc/lguest/t.conf

	# bob is not in the group: a clear message, not a crash or a hang.
	out=$(runuser -u bob -- timeout 60 lguest </dev/null 2>&1)
	rc=$?
	echo "# bob: $out"
	if [ $rc = 1 ] && echo "$out" | grep -q "permission denied opening /dev/lguest: only root and members of group 'lguest' may run guests"; then
		ok "bob (not in group lguest) gets a clear permission message, exit 1"
	else
		nok "bob (not in group lguest) gets a clear permission message, exit 1 (exit $rc)"
	fi

	# Installing on a running system must not need a reboot: the lguest
	# package's postinst (as dpkg runs it on configure) loads lg.ko, and
	# udev gives the new /dev/lguest to the group at once.
	if rmmod lg && [ ! -e /dev/lguest ] &&
		/var/lib/dpkg/info/lguest.postinst configure >$w/postinst.out 2>&1 &&
		udevadm settle -t 60 && grep -q '^lg ' /proc/modules &&
		[ "$(stat -c '%U:%G %a' /dev/lguest)" = "root:lguest 660" ]; then
		ok "on a running system, lguest's postinst loads lg.ko and /dev/lguest is root:lguest 0660"
	else
		nok "on a running system, lguest's postinst loads lg.ko and /dev/lguest is root:lguest 0660"
		diag <$w/postinst.out
		ls -l /dev/lguest 2>&1 | diag
	fi

	if dmesg | grep -qE 'Oops|BUG:|WARNING:|general protection|Kernel panic'; then
		nok "the host kernel log is clean"
		dmesg | grep -E 'Oops|BUG:|WARNING:|general protection|Kernel panic' | diag
	else
		ok "the host kernel log is clean"
	fi
	echo "PKGTEST DONE $tap_n"
}

# Whatever happens to the checks, the system powers off: the host waits.
(checks)
systemctl poweroff --no-block
