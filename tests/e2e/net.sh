#!/bin/sh
# Runs inside the stock i386 host: guests with virtio-net on each backend
# the host can offer without an outside network: a tap the administrator
# gave an unprivileged user, a bridge, a hub of unprivileged guests, and
# user-mode NAT through lguest-slirp (and bookworm's i386 passt's fate);
# and the errors a user gets for what cannot work.  All traffic stays in
# this host.  The guests are Linux with the default initramfs, whose
# nettest (initramfs/nettest) prints NET: lines.  TAP lines to $RES.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
L=/lguest
K=/guest/vmlinux
# The default initramfs with iperf3 appended (tests/lib/e2e.sh).
I=/guest/initrd-net.gz
MEM=64m
U=1000:1000:1001	# a user whose only privilege is group lguest

check() { if eval "$1"; then ok "$2"; else nok "$2"; tail -30 "$3" | diag; fi; }
show() { sed "s/^/RIG: $1: /" "$2"; }
# The kernel's complaints, ours or the guests' (their logs are ours to read).
guest_bad() { grep -aE '(Oops|BUG:|WARNING:|general protection|Call Trace|segfault)' "$1"; }
# wait_for PATTERN FILE SECS: until FILE has a line matching PATTERN.
wait_for() {
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null; do
		[ $i -ge "$3" ] && return 1
		sleep 1
		i=$((i + 1))
	done
}
# The features a guest's virtio-net agreed on, as 0/1 characters by bit.
feature() { sed -n 's/^NET: features //p' "$1" | tr -d '\r' | head -1 | cut -c$(($2 + 1)); }
# guest_pid TEXT: the launcher whose command line has TEXT (no pkill here).
guest_pid() {
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" = lguest ] &&
			tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -q -- "$1" && echo "${d#/proc/}"
	done
}
# guest NAME NETARGS KERNELARGS...: a guest as the user, output in /tmp/NAME.out.
guest() {
	name=$1 net=$2
	shift 2
	# shellcheck disable=SC2086
	/runas $U /bin/timeout 300 $L --initrd=$I $net $MEM $K "$@" >/tmp/$name.out 2>&1
}

insmod /lg.ko || { nok "insmod lg.ko"; exit 1; }
for m in tun dummy llc stp bridge; do
	insmod /modules/$m.ko || { nok "insmod $m.ko"; exit 1; }
done
ok "insmod lg.ko and the host's tun, dummy and bridge modules"
# passt (for --net=user:passt) lives in /usr/bin, as on a Debian host.
export PATH=/usr/bin:$PATH
echo "lguest:x:1001:nobody" >>/etc/group
chgrp 1001 /dev/lguest && chmod 660 /dev/lguest
# What Debian's udev rules do for the tun device: anyone may open it.
chmod 666 /dev/net/tun
chmod 1777 /tmp
ip link set lo up
# The host's echo server, on every address: what the guests reach.
nc -ll -p 7 -e /bin/cat &
echo_pid=$!
# ... and its iperf3 server (every address, port 5201).
iperf3 -s -D || nok "iperf3 -s on the host"

# --- bad input: clear errors ---------------------------------------------
/runas $U $L --net=wire:x $MEM $K >/tmp/bad.out 2>&1
rc=$?
check '[ $rc = 1 ] && grep -qF "unknown network; want tap:IFNAME, tap, bridge:BR, hub:NAME, user[:slirp|:passt], stream:PATH or fd:N" /tmp/bad.out' \
	"--net=wire:x is refused with the valid forms (rc $rc)" /tmp/bad.out
/runas $U $L --net=tap $MEM $K >/tmp/bad.out 2>&1
rc=$?
check '[ $rc = 1 ] && grep -q "creating a tap device needs CAP_NET_ADMIN" /tmp/bad.out && grep -q "ip tuntap add" /tmp/bad.out' \
	"--net=tap without CAP_NET_ADMIN says so and names the way out (rc $rc)" /tmp/bad.out
/runas $U $L --net=bridge:br9 $MEM $K >/tmp/bad.out 2>&1
rc=$?
check '[ $rc = 1 ] && grep -q "CAP_NET_ADMIN" /tmp/bad.out' \
	"--net=bridge:BR without CAP_NET_ADMIN says so (rc $rc)" /tmp/bad.out
/runas $U $L --net=hub:a/b $MEM $K >/tmp/bad.out 2>&1
rc=$?
check '[ $rc = 1 ] && grep -q "may not contain" /tmp/bad.out' "a hub name with '/' is refused (rc $rc)" /tmp/bad.out

# --- tap: one the administrator made for the user ------------------------
/mktap tap0 1000 && ip addr add 10.1.0.1/24 dev tap0 && ip link set tap0 up ||
	nok "the administrator makes tap0 for user 1000"
guest tap --net=tap:tap0,name=tapguest lguest.net=10.1.0.2/24 lguest.nettest=peer:10.1.0.1+iperf:10.1.0.1
rc=$?
show tap /tmp/tap.out
check '[ $rc = 0 ] && grep -q "NET: ping 10.1.0.1 ok" /tmp/tap.out && grep -q "NET: tcp 10.1.0.1 ok" /tmp/tap.out' \
	"tap: an unprivileged user's guest on tap0 pings the host and talks TCP to it (rc $rc)" /tmp/tap.out
check 'grep -q "NET: iperf up 10.1.0.1 [0-9.]* Mbits/sec" /tmp/tap.out && grep -q "NET: iperf down 10.1.0.1 [0-9.]* Mbits/sec" /tmp/tap.out' \
	"tap: iperf3 with the host both ways ($(grep -o 'iperf [a-z]* 10.1.0.1 [0-9.]* Mbits' /tmp/tap.out | tr '\n' ' '))" /tmp/tap.out
# Bits 0 (CSUM), 1 (GUEST_CSUM), 11 (HOST_TSO4), 7 (GUEST_TSO4): agreed.
f="$(feature /tmp/tap.out 0)$(feature /tmp/tap.out 1)$(feature /tmp/tap.out 7)$(feature /tmp/tap.out 11)"
check '[ "$f" = 1111 ]' "tap: the guest has checksum offload and TSO both ways (CSUM, GUEST_CSUM, GUEST_TSO4, HOST_TSO4: $f)" /tmp/tap.out
check '! guest_bad /tmp/tap.out' "tap: the guest's kernel said nothing bad" /tmp/tap.out

# --- bridge: two guests and the host on br0 (root makes the taps) --------
brctl addbr br0 && ip addr add 10.3.0.1/24 dev br0 && ip link set br0 up ||
	nok "make bridge br0"
/bin/timeout 300 $L --initrd=$I --net=bridge:br0 $MEM $K lguest.net=10.3.0.2/24 \
	lguest.nettest=serve:60 >/tmp/br1.out 2>&1 &
br1=$!
if wait_for "NET: serving" /tmp/br1.out 120; then
	/bin/timeout 300 $L --initrd=$I --tunnet=bridge:br0 $MEM $K lguest.net=10.3.0.3/24 \
		lguest.nettest=peer:10.3.0.1,10.3.0.2 >/tmp/br2.out 2>&1
	rc=$?
else
	rc=timeout
fi
kill $br1 2>/dev/null
wait $br1
show br1 /tmp/br1.out
show br2 /tmp/br2.out
check '[ "$rc" = 0 ] && grep -q "NET: tcp 10.3.0.1 ok" /tmp/br2.out && grep -q "NET: tcp 10.3.0.2 ok" /tmp/br2.out' \
	"bridge: two guests on br0 reach each other and the host (rc $rc)" /tmp/br2.out
ports=$(ls /sys/class/net/br0/brif 2>/dev/null | wc -l)
check '[ "$ports" = 0 ]' "bridge: the guests' taps are gone with them ($ports ports left)" /tmp/br2.out

# --- hub: unprivileged guests, no daemon ----------------------------------
guest hub1 --net=hub:t lguest.net=10.2.0.1/24 lguest.nettest=serve:180 &
h1=$!
wait_for "NET: serving" /tmp/hub1.out 120
# The second pings the first and runs iperf3 with it, both ways, then serves.
guest hub2 --net=hub:t lguest.net=10.2.0.2/24 lguest.nettest=peer:10.2.0.1+iperf:10.2.0.1+serve:150 &
h2=$!
wait_for "NET: serving" /tmp/hub2.out 180
check 'grep -q "NET: ping 10.2.0.1 ok" /tmp/hub2.out && grep -q "NET: tcp 10.2.0.1 ok" /tmp/hub2.out' \
	"hub: two unprivileged guests on hub:t ping each other and talk TCP" /tmp/hub2.out
check 'grep -q "NET: iperf up 10.2.0.1 [0-9.]* Mbits/sec" /tmp/hub2.out && grep -q "NET: iperf down 10.2.0.1 [0-9.]* Mbits/sec" /tmp/hub2.out' \
	"hub: the two run iperf3 both ways ($(grep -o 'iperf [a-z]* 10.2.0.1 [0-9.]* Mbits' /tmp/hub2.out | tr '\n' ' '))" /tmp/hub2.out
# A third joins later and reaches both.
guest hub3 --net=hub:t lguest.net=10.2.0.3/24 lguest.nettest=peer:10.2.0.1,10.2.0.2
rc=$?
show hub3 /tmp/hub3.out
check '[ $rc = 0 ] && grep -q "NET: tcp 10.2.0.1 ok" /tmp/hub3.out && grep -q "NET: tcp 10.2.0.2 ok" /tmp/hub3.out' \
	"hub: a guest that joins later reaches the two already there (rc $rc)" /tmp/hub3.out
# kill -9 of one (the launcher, as the user's kill would): the others go on.
kill -9 $(guest_pid 10.2.0.1/24)
wait $h1
guest hub4 --net=hub:t lguest.net=10.2.0.4/24 lguest.nettest=peer:10.2.0.2
rc=$?
show hub4 /tmp/hub4.out
check '[ $rc = 0 ] && grep -q "NET: tcp 10.2.0.2 ok" /tmp/hub4.out' \
	"hub: after kill -9 of one guest the others still talk (rc $rc)" /tmp/hub4.out
# A plain kill (SIGTERM) is a clean end: the guest's socket goes with it.
kill $(guest_pid 10.2.0.2/24)
wait $h2
left=$(ls /tmp/lguest-1000/hub-t 2>/dev/null | wc -l)
check '[ "$left" = 0 ]' "hub: no sockets left once every guest is gone ($left left; the killed one's is removed by the next sender)" /tmp/hub4.out
# --- backpressure: a peer that stops reading -------------------------------
# The vnet-flood guest sends 5000 full frames to a stream peer (netsink)
# that reads nothing for 8 s: the guest must be held back (still sending
# when the peer starts reading), nothing lost, the launcher's memory flat.
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$1/status 2>/dev/null; }
/netsink /tmp/sink.sock 8 >/tmp/sink.out 2>&1 &
sink=$!
wait_for "NETSINK: listening" /tmp/sink.out 10
/bin/timeout 300 $L --net=stream:/tmp/sink.sock 32m /guests/vnet-flood >/tmp/flood.out 2>&1 &
fl=$!
sleep 2
lp=$(pidof lguest | cut -d' ' -f1)
rss0=$(rss "$lp") max=$rss0 held=no
while kill -0 $sink 2>/dev/null && ! grep -q "NETSINK: reading" /tmp/sink.out; do
	r=$(rss "$lp")
	[ -n "$r" ] && [ "$r" -gt "$max" ] && max=$r
	sleep 1
done
kill -0 $fl 2>/dev/null && held=yes
wait $fl
rc=$?
wait $sink
show flood /tmp/flood.out
show sink /tmp/sink.out
check '[ $rc = 0 ] && grep -q "GUEST: PASS" /tmp/flood.out' "backpressure: the flooding guest finishes once the peer reads (rc $rc)" /tmp/flood.out
check '[ $held = yes ]' "backpressure: while the peer reads nothing the guest is held back (still sending after 8 s)" /tmp/flood.out
check 'grep -q "NETSINK: 5000 frames, 7570000 bytes" /tmp/sink.out' "backpressure: all 5000 frames arrive, none dropped" /tmp/sink.out
check '[ -n "$rss0" ] && [ $((max - rss0)) -lt 1024 ]' \
	"backpressure: the launcher's memory stays flat while held (RSS ${rss0:-?} kB, at most ${max:-?} kB)" /tmp/flood.out

# --- user: NAT without root, through lguest-slirp (or passt) ------------
# The helpers need a route out to copy: a dummy interface with a default
# route.  (The dummy module makes dummy0 when it loads.)
[ -e /sys/class/net/dummy0 ] && ip addr add 10.9.0.1/24 dev dummy0 && ip link set dummy0 up &&
	ip route add default via 10.9.0.2 dev dummy0 || nok "a dummy default route for the user network"
# The guest gets its address by DHCP, reaches the host's echo server on
# the host's loopback through the gateway (10.0.2.2 is the host's
# 127.0.0.1), then serves on port 7, which the host reaches on its own
# 127.0.0.1:8007 through --forward.
guest user "--net=user --forward=tcp:8007:7" lguest.net=dhcp lguest.nettest=iperf:10.0.2.2+user:60 &
upid=$!
slirp= passt=
if wait_for "NET: serving" /tmp/user.out 240; then
	got=$(echo "echo-forward" | nc -w 5 127.0.0.1 8007)
	slirp=$(pidof lguest-slirp) passt=$(pidof passt)
else
	got="(the guest never served)"
fi
kill "$(guest_pid "--net=user --forward")" 2>/dev/null
wait $upid
show user /tmp/user.out
check '[ -n "$slirp" ] && [ -z "$passt" ]' \
	"user: lguest-slirp is the helper, not passt (pids: lguest-slirp '$slirp', passt '$passt')" /tmp/user.out
check 'grep -q "NET: 10.0.2.15/24" /tmp/user.out' "user: an unprivileged guest gets 10.0.2.15 by DHCP" /tmp/user.out
check 'grep -q "NET: tcp 10.0.2.2 ok" /tmp/user.out' \
	"user: the guest opens a TCP connection to a server on the host's loopback" /tmp/user.out
check 'grep -q "NET: iperf up 10.0.2.2 [0-9.]* Mbits/sec" /tmp/user.out && grep -q "NET: iperf down 10.0.2.2 [0-9.]* Mbits/sec" /tmp/user.out' \
	"user: iperf3 both ways with a server on the host's loopback ($(grep -o 'iperf [a-z]* 10.0.2.2 [0-9.]* Mbits' /tmp/user.out | tr '\n' ' '))" /tmp/user.out
check '[ "$got" = echo-forward ]' \
	"user: a host client on 127.0.0.1:8007 reaches the guest's server (--forward=tcp:8007:7; got '$got')" /tmp/user.out
left=$(pidof lguest-slirp | wc -w)
check '[ "$left" = 0 ]' "user: lguest-slirp is gone with the guest ($left left)" /tmp/user.out

# Bookworm's i386 passt (0.0~git20230309), asked for by name, starts, then
# its own seccomp filter kills it (SIGSYS, socketcall) at the guest's first
# frame.  (passt sandboxes itself with pivot_root(), which the initramfs as
# root refuses: host-init.sh gives this test a real root first.)  What must
# hold: the launcher says why the link went down, the guest runs on
# without its network, and passt leaves nothing behind.
guest passt "--net=user:passt --forward=tcp:8007:7" lguest.net=dhcp lguest.nettest=user:1
rc=$?
show passt /tmp/passt.out
check '[ $rc = 0 ] && grep -q "virtio-net (user (passt)): passt was killed by its own seccomp filter" /tmp/passt.out' \
	"user:passt: with bookworm's i386 passt, killed by its seccomp filter, the launcher says so and the guest runs on (rc $rc)" /tmp/passt.out
left=$(pidof passt | wc -w)
check '[ "$left" = 0 ]' "user:passt: passt is gone with the guest ($left left)" /tmp/passt.out
# Without the helpers: the errors name the packages.
LGUEST_SLIRP=/nonexistent PATH=/bin /runas $U $L --net=user $MEM $K >/tmp/bad.out 2>&1
rc=$?
check '[ $rc = 1 ] && grep -q "needs lguest-slirp with libslirp0 (apt install libslirp0) or passt (apt install passt)" /tmp/bad.out' \
	"--net=user with neither helper names both packages (rc $rc)" /tmp/bad.out
PATH=/bin /runas $U $L --net=user:passt $MEM $K >/tmp/bad.out 2>&1
rc=$?
check '[ $rc = 1 ] && grep -q "needs passt, which is not installed (apt install passt)" /tmp/bad.out' \
	"--net=user:passt without passt names the package (rc $rc)" /tmp/bad.out
mv /lib/i386-linux-gnu/libslirp.so.0 /lib/i386-linux-gnu/libslirp.so.0.away
/runas $U $L --net=user:slirp $MEM $K >/tmp/bad.out 2>&1
rc=$?
mv /lib/i386-linux-gnu/libslirp.so.0.away /lib/i386-linux-gnu/libslirp.so.0
check '[ $rc = 1 ] && grep -q "needs lguest-slirp (package lguest) and libslirp0 (apt install libslirp0)" /tmp/bad.out' \
	"--net=user:slirp without libslirp0 names the package (rc $rc)" /tmp/bad.out

for g in hub1 hub2 hub3 hub4 br1 br2 user passt; do
	if guest_bad /tmp/$g.out >/dev/null; then
		nok "$g: the guest's kernel said nothing bad"
		guest_bad /tmp/$g.out | diag
	fi
done

kill $echo_pid 2>/dev/null
kill "$(pidof iperf3)" 2>/dev/null
rmmod lg && ok "rmmod lg" || nok "rmmod lg"
