#!/bin/sh
# Runs inside the stock i386 host, for make bench (bench.sh runs it):
# figures, not tests.
RES=${RES:-/dev/stdout}
# The kernel-entry microbenchmarks (tests/tools/microbench.c), natively on
# this host, in the Linux guest and in User-Mode Linux, in this one boot:
# per workload the medians (and spread) of each, the guest's ratios to the
# other two, and what the guest's exits
# were for while it ran (its debugfs counters, read in the second's pause
# microbench -p makes after each line).  The guest runs once per setting
# of lg.ko's parameters that issue 16 added (prefetch, shadows, host_cr4,
# fast_switch, direct_pf)
# and of the guest's anon_fault_around, so each change is measured
# against its absence in the same boot.
. "${0%/*}/mbsnap.sh"
mb_guest() {	# mb_guest LABEL [GUEST-ARG...]: one guest run, its lines labelled
	l=$1
	shift
	# The native run just before it: the rig's speed drifts through a
	# boot (a memory walk slowed from 90 to 160 us per MiB over one), so
	# a ratio compares runs next to each other.
	/microbench >/tmp/mbn.out 2>&1
	mb_snap /tmp/mbg.out --initrd=/guest/initrd-blk.gz 256m /guest/vmlinux lguest.microbench "$@"
	echo "# bench: kernel-entry paths ($l), ns per operation (median of 5, min-max), guest vs native and vs User-Mode Linux; exits per operation in the guest" >"$RES"
	i=1
	tr -d '\r' </tmp/mbg.out | grep '^MB:' | while read -r _ name gm gl gh _ ops; do
		i=$((i + 1))
		set -- $(grep "^MB: $name " /tmp/mbn.out)
		nm=$3 nl=$4 nh=$5
		[ -n "$nm" ] || continue
		set -- $(grep "^MB: $name " /tmp/mbu.out 2>/dev/null)
		uml="UML none"
		[ -n "${3:-}" ] && uml="UML $3 ns ($4-$5), guest/UML $(awk "BEGIN{printf \"%.2f\", $gm / $3}")"
		# What the guest's exits were for, over this line.
		why=$(awk -v ops="$ops" 'NR == FNR { a[$1] = $2; next }
			{ d = $2 - a[$1]; if ($1 == "exits") { t = d; next } if (d / ops >= 0.01) r = r sprintf(" %s %.2f", $1, d / ops) }
			END { printf "%.2f:%s", t / ops, r }' /tmp/mbg.out.x.$((i - 1)) /tmp/mbg.out.x.$i 2>/dev/null)
		echo "# bench: $name: guest $gm ns ($gl-$gh), native $nm ns ($nl-$nh), guest/native $(awk "BEGIN{printf \"%.2f\", $gm / $nm}"), $uml; exits/op ${why%%:*} (${why#*:} )" >"$RES"
	done
}
# What one world switch's own instructions cost here (issue 16, item 4).
if [ -f /lgprobe.ko ] && insmod /lgprobe.ko flush_cost=1; then
	rmmod lgprobe
	dmesg | sed -n 's/.*lgprobe: flush cost: /# bench: world switch pieces: /p' | tail -1 >"$RES"
fi
if [ -f /guest/initrd-blk.gz ] && insmod /lg.ko; then
	# The peer: User-Mode Linux (scripts/build-uml.sh) on the same
	# initramfs, when make bench brought it.
	rm -f /tmp/mbu.out
	if [ -x /uml ]; then
		# rseq off: its glibc registers an rseq area that the stub
		# processes inherit and that their exec-time unmap removes;
		# the host then kills the stub on its next return to user.
		GLIBC_TUNABLES=glibc.pthread.rseq=0 TMPDIR=/tmp /bin/timeout 1200 /uml mem=256M initrd=/guest/initrd-blk.gz \
			lguest.microbench </dev/null 2>&1 | tr -d '\r' >/tmp/mbu.out
		grep -q '^MB: memwalk' /tmp/mbu.out ||
			{ echo "# bench: User-Mode Linux did not run the benchmark:"; tail -20 /tmp/mbu.out | sed 's/^/#   /'; } >"$RES"
	fi
	# As before issue 16's item 2, then with its changes, then with the
	# guest under the host's CR4 (item 4), all three without the guest's
	# anonymous fault-around or the Switcher's own page-table switches;
	# then with fault-around, then with those switches; last, everything
	# as shipped (with direct page faults).
	for set in "0 8 0 1 0 0" "1 128 0 1 0 0" "1 128 1 1 0 0" "1 128 1 16 0 0" "1 128 1 16 1 0" "1 128 1 16 1 1"; do
		set -- $set
		echo $1 >/sys/module/lg/parameters/prefetch
		echo $2 >/sys/module/lg/parameters/shadows
		echo $3 >/sys/module/lg/parameters/host_cr4
		echo $5 >/sys/module/lg/parameters/fast_switch
		echo $6 >/sys/module/lg/parameters/direct_pf
		mb_guest "prefetch=$1 shadows=$2 host_cr4=$3 anon_fault_around=$4 fast_switch=$5 direct_pf=$6" anon_fault_around=$4
	done
	rmmod lg
fi

