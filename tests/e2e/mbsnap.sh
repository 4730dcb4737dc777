# Sourced by microbench.sh and linux.sh, inside the rig's host.
# mb_snap OUT LAUNCHER-ARGS...: run the launcher on a guest that runs
# microbench -p (lguest.microbench...), its output in OUT, and copy its
# exit counters (debugfs) to OUT.x.N after the Nth line starting "MB" (N
# from 1: MB-START, then one per workload), in the second's pause
# microbench makes there.  Returns the launcher's status.
mb_snap() {
	out=$1
	shift
	rm -f "$out" "$out".x.*
	/bin/timeout 1800 /lguest "$@" >"$out" 2>&1 &
	p=$!
	seen=0
	while kill -0 $p 2>/dev/null; do
		ex=$(ls -d /sys/kernel/debug/lguest/*-* 2>/dev/null | head -1)
		n=$(grep -c '^MB' "$out")
		if [ -n "$ex" ] && [ "$n" != "$seen" ]; then
			cp "$ex/exits" "$out.x.$n" 2>/dev/null
			seen=$n
		fi
		sleep 0.2
	done
	wait $p
}

# mb_delta OUT NAME COUNTER: how much COUNTER rose over workload NAME's
# line (between the snapshots before and after it).
mb_delta() {
	i=$(tr -d '\r' <"$1" | grep '^MB' | grep -n "^MB: $2 " | cut -d: -f1)
	[ -n "$i" ] || return 1
	awk -v c="$3" 'NR == FNR { if ($1 == c) a = $2; next } $1 == c { print $2 - a }' \
		"$1.x.$((i - 1))" "$1.x.$i"
}
