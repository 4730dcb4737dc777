#!/bin/sh
# Runs inside the debug host (its kernel has fault injection): every
# allocation made on lg.ko's behalf may fail.  failslab and fail_page_alloc
# fail a random share of the allocations whose call stack passes through
# lg.ko's code (its own tables and arrays, and the page faults and pins it
# causes), while guests start, map, switch address spaces and touch their
# memory.  Each launcher must end by itself with a reason; afterwards
# nothing is pinned, no guest is left, the module unloads, and the log
# check (oopses, KFENCE, kmemleak) finds nothing.  This is how the rig
# shows review items 3 (never enter without the Switcher's mappings), 4
# and 6 (a shadow whose set-up failed half way once oopsed in its
# clean-up, through a missing PAE directory, and leaked its kernel half).
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
runs=$(sed -n 's/.*failinject.runs=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ -z "$runs" ]; then
	echo "# failinject: not asked for on this host (failinject.runs=)" >"$RES"
	exit 0
fi
D=/sys/kernel/debug
P=/sys/module/lg/parameters
if [ ! -d $D/failslab ] || [ ! -d $D/fail_page_alloc ]; then
	nok "fault injection: the kernel has failslab and fail_page_alloc (debug.config)"
	exit 0
fi
insmod /lg.ko || { nok "insmod lg.ko"; exit 0; }
text=$(cat /sys/module/lg/sections/.text)
end=$(printf '0x%x' $((text + $(cat /sys/module/lg/coresize))))
TIMES=1000000
# setfail PERCENT: fail that share of lg.ko's allocations (0: none).
setfail() {
	for a in failslab fail_page_alloc; do
		echo "$1" >$D/$a/probability
	done
}
for a in failslab fail_page_alloc; do
	echo 0 >$D/$a/verbose
	echo N >$D/$a/task-filter
	echo N >$D/$a/ignore-gfp-wait
	echo 1 >$D/$a/interval
	echo 0 >$D/$a/space
	echo $TIMES >$D/$a/times
	echo 32 >$D/$a/stacktrace-depth
	echo "$text" >$D/$a/require-start
	echo "$end" >$D/$a/require-end
done
echo N >$D/fail_page_alloc/ignore-gfp-highmem
echo 0 >$D/fail_page_alloc/min-order
echo "# failinject: lg.ko's code at $text-$end" >"$RES"

# Guests that allocate in different places: set-up (hello), shadows and
# address-space switches (paging), pins of all their memory (touch).
i=0 hung=0 crashed=0 failed=0
while [ $i -lt "$runs" ]; do
	case $((i % 3)) in 0) g=paging ;; 1) g=touch ;; 2) g=hello ;; esac
	case $((RANDOM % 4)) in 0) pct=1 ;; 1) pct=3 ;; 2) pct=10 ;; 3) pct=30 ;; esac
	setfail $pct
	out=$(/bin/timeout 120 /lguest 64m /guests/$g 2>&1)
	rc=$?
	setfail 0
	case $rc in
	0) ;;
	124)
		hung=$((hung + 1))
		echo "# failinject: $g at $pct% hung" >"$RES"
		;;
	1 | 3) failed=$((failed + 1)) ;;
	*)
		crashed=$((crashed + 1))
		echo "# failinject: $g at $pct% ended with status $rc" >"$RES"
		printf '%s\n' "$out" | tail -3 | diag
		;;
	esac
	i=$((i + 1))
done
n=$(($(cat $D/failslab/times) + $(cat $D/fail_page_alloc/times)))
injected=$((2 * TIMES - n))
echo "# failinject: $runs guests, $failed ended early with a reason, $injected allocations failed" >"$RES"
[ "$injected" -gt 0 ] && ok "fault injection: $injected of lg.ko's allocations failed" ||
	nok "fault injection: some of lg.ko's allocations failed (none did: the test proved nothing)"
[ "$failed" -gt 0 ] && ok "fault injection: $failed of $runs guests ended early, each with a reason" ||
	nok "fault injection: some guests ended early (none of $runs did)"
[ $hung = 0 ] && ok "fault injection: no launcher hung" || nok "fault injection: no launcher hung ($hung did)"
[ $crashed = 0 ] && ok "fault injection: every launcher ended by itself (exit 0, 1 or 3)" ||
	nok "fault injection: every launcher ended by itself ($crashed did not)"
[ "$(cat $P/guests)" = 0 ] && ok "fault injection: no guest left" || nok "fault injection: no guest left ($(cat $P/guests))"
[ "$(cat $P/pinned_pages)" = 0 ] && ok "fault injection: nothing left pinned" ||
	nok "fault injection: nothing left pinned ($(cat $P/pinned_pages) pages)"
out=$(/bin/timeout 120 /lguest 64m /guests/paging 2>&1)
rc=$?
[ $rc = 0 ] && printf '%s\n' "$out" | grep -q "GUEST: PASS" && ok "fault injection: then a guest runs as before" ||
	{ nok "fault injection: then a guest runs as before (exit $rc)"; printf '%s\n' "$out" | tail -5 | diag; }
rmmod lg && ok "fault injection: rmmod lg" || nok "fault injection: rmmod lg"
