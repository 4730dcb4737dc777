#!/bin/sh
# Runs inside the stock i386 host for `make bench`: figures, not tests.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
insmod /lg.ko || { nok "insmod lg.ko"; exit 1; }
ok "insmod lg.ko"
/lguest 64m /guests/bench 2>&1 | grep '^bench:' | sed 's/^/# /' >"$RES"
for i in 1 2 3; do
	g=$(/lguest 64m /guests/speed 2>&1 | sed -n 's/.*took \([0-9]*\) cycles.*/\1/p')
	n=$(/speedloop | sed -n 's/.*took \([0-9]*\) cycles.*/\1/p')
	[ -n "$g" ] && [ -n "$n" ] &&
		echo "# bench: speed loop, run $i: guest $g cycles, native $n cycles, ratio $(awk "BEGIN {printf \"%.3f\", $g / $n}")" >"$RES"
done
rmmod lg

# The kernel-entry microbenchmarks: natively, in the Linux guest and in
# User-Mode Linux (microbench.sh).
RES=$RES sh "${0%/*}/microbench.sh"

# The Linux guest: its boot (launcher start to the kernel running /init, as
# the host sees the console) and its self-test's figures, then the same
# self-test on this host.
if [ -f /guest/initrd.gz ] && insmod /lg.ko; then
	t0=$(cut -d' ' -f1 /proc/uptime)
	/lguest --initrd=/guest/initrd.gz 256m /guest/vmlinux lguest.selftest 2>&1 |
		while IFS= read -r l; do
			case $l in *"Run /init as init process"*) echo "INIT-AT $(cut -d' ' -f1 /proc/uptime)" ;; esac
			printf '%s\n' "$l"
		done >/tmp/lb.out
	ti=$(sed -n 's/^INIT-AT //p' /tmp/lb.out)
	[ -n "$ti" ] && echo "# bench: linux guest boot, launcher start to /init: $(awk "BEGIN{printf \"%.2f\", $ti - $t0}") s" >"$RES"
	gf=$(sed -n 's/^FORK-EXEC: 1000 processes in \([0-9]*\) ms.*/\1/p' /tmp/lb.out)
	gt=$(sed -n 's/^TMPFS: 52428800 bytes in \([0-9]*\) ms.*/\1/p' /tmp/lb.out)
	/selftest >/tmp/hb.out 2>&1
	hf=$(sed -n 's/^FORK-EXEC: 1000 processes in \([0-9]*\) ms.*/\1/p' /tmp/hb.out)
	ht=$(sed -n 's/^TMPFS: 52428800 bytes in \([0-9]*\) ms.*/\1/p' /tmp/hb.out)
	[ -n "$gf" ] && [ -n "$hf" ] &&
		echo "# bench: fork+exec of 1000 processes: guest $gf ms, host $hf ms, guest/host $(awk "BEGIN{printf \"%.2f\", $gf / $hf}")" >"$RES"
	[ -n "$gt" ] && [ -n "$ht" ] &&
		echo "# bench: 50 MB through tmpfs with md5: guest $gt ms, host $ht ms, guest/host $(awk "BEGIN{printf \"%.2f\", $gt / $ht}")" >"$RES"
	rmmod lg
fi

# The disk: the same blkcheck job (sequential 1 MiB, random 4 KiB) on the
# guest's virtio disk and on this host's file that backs it.
if [ -f /guest/initrd-blk.gz ] && insmod /lg.ko; then
	dd if=/dev/zero of=/tmp/bench.img bs=1 count=0 seek=100663296 2>/dev/null
	/lguest --initrd=/guest/initrd-blk.gz --disk=/tmp/bench.img 128m /guest/vmlinux \
		lguest.disktest=bench:64 >/tmp/db.out 2>&1
	rm -f /tmp/bench.img
	dd if=/dev/zero of=/tmp/bench.img bs=1 count=0 seek=100663296 2>/dev/null
	/blkcheck bench /tmp/bench.img 64 >/tmp/hdb.out 2>&1
	rm -f /tmp/bench.img
	for what in "sequential write" "sequential read" "4k random write" "4k random read"; do
		g=$(sed -n "s/^BENCH: $what \([0-9.]*\) .*/\1/p" /tmp/db.out | tr -d '\r')
		h=$(sed -n "s/^BENCH: $what \([0-9.]*\) .*/\1/p" /tmp/hdb.out)
		u=$(sed -n "s/^BENCH: $what [0-9.]* \(.*\)/\1/p" /tmp/hdb.out)
		[ -n "$g" ] && [ -n "$h" ] &&
			echo "# bench: disk $what: guest $g $u, host file $h $u, guest/host $(awk "BEGIN{printf \"%.2f\", $g / $h}")" >"$RES"
	done
	# The Debian image, when the rig gave this host its disk.
	[ -d /modules ] && "${0%/*}/debian.sh"
	# Debian's tools natively, in lguest and in UML (make bench's image).
	[ -d /modules ] && RES=$RES "${0%/*}/debench.sh"
	rmmod lg
fi

# The network: iperf3 between a guest and this host over a tap (both
# ways), over the user network (a server on this host's loopback), and
# between two guests on a hub, each beside this host's own iperf3 over its
# loopback; ping's round trip to the host over the tap beside the
# loopback's.
mbits() { sed -n "s/^NET: iperf $1 $2 \([0-9.]*\) Mbits.*/\1/p" "$3" | tr -d '\r' | tail -1; }
ratio() { [ -n "$2" ] && [ -n "$3" ] && echo "# bench: $1: $2 and $3 $4, ratio $(awk "BEGIN{printf \"%.2f\", $2 / $3}")" >"$RES"; }
if [ -f /guest/initrd-net.gz ] && [ -f /modules/tun.ko ] && insmod /lg.ko; then
	insmod /modules/tun.ko
	ip link set lo up
	I=/guest/initrd-net.gz
	/usr/bin/iperf3 -s -D
	sleep 1
	lo=$(/usr/bin/iperf3 -c 127.0.0.1 -t 3 -f m | awk '/receiver/ { print $(NF - 2) }')
	lrtt=$(ping -c 20 -i 0.2 127.0.0.1 | awk -F/ '/round-trip/ { print $4 }')
	/mktap tap0 0 && ip addr add 10.1.0.1/24 dev tap0 && ip link set tap0 up
	/lguest --initrd=$I --net=tap:tap0 64m /guest/vmlinux lguest.net=10.1.0.2/24 \
		lguest.nettest=iperf:10.1.0.1+ping:10.1.0.1 >/tmp/nt.out 2>&1
	ratio "iperf3 guest->host over tap (Mbit/s, guest and host loopback)" "$(mbits up 10.1.0.1 /tmp/nt.out)" "$lo"
	ratio "iperf3 host->guest over tap (Mbit/s, guest and host loopback)" "$(mbits down 10.1.0.1 /tmp/nt.out)" "$lo"
	rtt=$(sed -n 's/^NET: rtt 10.1.0.1 \([0-9.]*\) ms.*/\1/p' /tmp/nt.out | tr -d '\r')
	ratio "ping round trip to the host over tap (ms, guest and host loopback)" "$rtt" "$lrtt"
	/lguest --initrd=$I --net=user 64m /guest/vmlinux lguest.net=dhcp \
		lguest.nettest=iperf:10.0.2.2 >/tmp/nu.out 2>&1
	ratio "iperf3 guest->host over user (Mbit/s, guest and host loopback)" "$(mbits up 10.0.2.2 /tmp/nu.out)" "$lo"
	ratio "iperf3 host->guest over user (Mbit/s, guest and host loopback)" "$(mbits down 10.0.2.2 /tmp/nu.out)" "$lo"
	/lguest --initrd=$I --net=hub:bench 64m /guest/vmlinux lguest.net=10.2.0.1/24 \
		lguest.nettest=serve:120 >/tmp/nh1.out 2>&1 &
	h1=$!
	i=0
	while ! grep -q "NET: serving" /tmp/nh1.out && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
	/lguest --initrd=$I --net=hub:bench 64m /guest/vmlinux lguest.net=10.2.0.2/24 \
		lguest.nettest=iperf:10.2.0.1 >/tmp/nh2.out 2>&1
	kill $h1
	wait $h1
	ratio "iperf3 guest->guest over hub, sending (Mbit/s, guest and host loopback)" "$(mbits up 10.2.0.1 /tmp/nh2.out)" "$lo"
	ratio "iperf3 guest->guest over hub, receiving (Mbit/s, guest and host loopback)" "$(mbits down 10.2.0.1 /tmp/nh2.out)" "$lo"
	kill "$(pidof iperf3)" 2>/dev/null
	rmmod lg
fi
