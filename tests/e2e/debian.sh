#!/bin/sh
# Runs inside the stock i386 host, after linux.sh's guests (lg.ko loaded):
# the Debian image that lguest-mkimage made (scripts/build-image.sh) is
# this host's own virtio disk, /dev/vda; the lguest guest boots from it
# with root=/dev/vda and no initramfs, as a user would, and we talk to it
# on its console as a user would: wait for root's prompt, type commands,
# read the answers, type poweroff.  TAP lines (unnumbered) to $RES.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
L=/lguest
K=/guest/vmlinux

for m in virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
	insmod /modules/$m.ko || { nok "insmod $m.ko (the host's virtio disk driver)"; exit 1; }
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
[ -b /dev/vda ] && ok "the host sees the Debian image as /dev/vda ($(cat /sys/block/vda/size) sectors)" ||
	{ nok "the host sees the Debian image as /dev/vda"; exit 1; }

# The guest's network: user-mode (lguest-slirp), with this host's iperf3
# server on its loopback, which the guest reaches as 10.0.2.2.
ip link set lo up
/usr/bin/iperf3 -s -D || nok "iperf3 -s on the host"

rm -f /tmp/din /tmp/deb.out
mkfifo /tmp/din
: >/tmp/deb.out
# The answers are printed under names the typed commands do not contain
# (the console echoes what we type): "MUT=active" answers
# 'echo "MUT=$(...)"'.
(
	i=0
	while ! grep -q 'root@lguest:' /tmp/deb.out && [ $i -lt 900 ]; do sleep 1; i=$((i + 1)); done
	echo "PROMPT-AT $(cut -d' ' -f1 /proc/uptime)" >/tmp/deb.prompt
	sleep 2
	printf '%s\n' 'echo "STATE=$(systemctl is-system-running --wait)"' \
		'echo "MUT=$(systemctl is-active multi-user.target)"' \
		'echo "APT=$(apt-get --version | head -n1)"' \
		'echo "ROOT=$(findmnt -n -o SOURCE,FSTYPE /)"' \
		'for i in $(seq 60); do hostname -I | grep -q . && break; sleep 1; done' \
		'echo "ADDR=$(hostname -I)"' \
		'echo "IPERF=$(iperf3 -c 10.0.2.2 -t 2 -f m | grep -c receiver)"' \
		'systemctl --failed --no-legend --plain | sed "s/^/FAILED: /"' \
		'systemd-analyze time | sed -n "s/^/ANALYZE: /p"' \
		'echo "DONE=$((40 + 2))"'
	i=0
	while ! grep -q 'DONE=42' /tmp/deb.out && [ $i -lt 300 ]; do sleep 1; i=$((i + 1)); done
	printf 'poweroff\n'
	sleep 300
) >/tmp/din &
w=$!
t0=$(cut -d' ' -f1 /proc/uptime)
/bin/timeout 1500 $L --disk=/dev/vda --net=user 256m $K root=/dev/vda </tmp/din >/tmp/deb.out 2>&1
rc=$?
kill $w 2>/dev/null
echo "RIG: debian -> $rc"
sed 's/^/RIG:   /' /tmp/deb.out
tp=$(sed -n 's/^PROMPT-AT //p' /tmp/deb.prompt 2>/dev/null)
# bash's prompt switches bracketed paste on and off around each command
# (ESC [ ? 2004 h/l): answers start after such sequences.
esc=$(printf '\033')
tr -d '\r' </tmp/deb.out | sed "s/$esc\[[0-9;?]*[a-zA-Z]//g" >/tmp/deb.txt
val() { sed -n "s/^$1=//p" /tmp/deb.txt | head -n1; }
st=$(val STATE) mut=$(val MUT) apt=$(val APT) rt=$(val ROOT) addr=$(val ADDR) iperf=$(val IPERF)
check() { if eval "$1"; then ok "$2"; else nok "$2"; tail -40 /tmp/deb.out | diag; fi; }
check 'grep -q "Run /init as init process\|Run /sbin/init as init process" /tmp/deb.out && [ -n "$tp" ]' \
	"the Debian guest boots from /dev/vda to root's shell on hvc0" 
check '[ "$mut" = active ]' "systemd reaches multi-user.target (is-active: '$mut'; system: '$st')"
sed -n 's/^FAILED: //p' /tmp/deb.txt | sed 's/^/failed unit: /' | diag
check 'case "$rt" in "/dev/vda ext4") true ;; *) false ;; esac' "its root is ext4 on /dev/vda ('$rt')"
check 'case "$apt" in "apt "[0-9]*) true ;; *) false ;; esac' "a program of the image runs: '$apt'"
check 'case "$addr" in *10.0.2.15*) true ;; *) false ;; esac' \
	"systemd-networkd in the Debian guest takes its address by DHCP on --net=user ('$addr')"
check '[ "$iperf" = 1 ]' "the Debian guest runs iperf3 against this host's loopback server (receiver lines: '$iperf')"
kill "$(pidof iperf3)" 2>/dev/null
check '[ $rc = 0 ]' "'poweroff' in the Debian guest ends the launcher with 0 (got $rc)"
if bad=$(grep -aE '(Oops|BUG:|WARNING:|general protection|Call Trace|segfault)' /tmp/deb.out); then
	nok "the Debian guest's kernel log is clean"
	printf '%s\n' "$bad" | diag
else
	ok "the Debian guest's kernel log is clean"
fi
[ -n "$tp" ] && echo "# bench: debian guest boot, launcher start to root's prompt: $(awk "BEGIN{printf \"%.1f\", $tp - $t0}") s" >"$RES"
sed -n 's/^ANALYZE: //p' /tmp/deb.txt | sed 's/^/# bench: debian guest: /' >"$RES"
