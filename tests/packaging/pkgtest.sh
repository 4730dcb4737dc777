#!/bin/sh
# Runs at boot inside the Debian i386 system that tests/61-packages-debian.t
# installs lguest's .debs into (as the systemd unit lguest-pkgtest.service):
# what a sysadmin and a user meet after `apt install`, with no manual step.
# TAP goes to ttyS1 (the host reads it); the console is ttyS0.  Then the
# system powers off.
exec >/dev/ttyS1 2>&1
. "${0%/*}/tap.sh"

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

	# A guest as a service: /etc/lguest/t.conf (the packaged example's
	# form), "systemctl start lguest@t" boots it with its console in the
	# journal, "lguest list" shows it, and "systemctl stop lguest@t"
	# presses its power button: it shuts down in order, the launcher
	# exits 0 and the unit ends inactive, not failed.
	printf '# the test guest\nmemory=64m\n' >/etc/lguest/t.conf
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
	if grep -q 'lguest guest up' $w/unit.log && echo "$listed" | grep -q '^t .* 64M .* running' &&
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
