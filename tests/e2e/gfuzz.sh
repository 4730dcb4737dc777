#!/bin/sh
# Runs inside the stock i386 host: the guest-side fuzzer
# (tests/guests/hostile/gfuzz.c) attacks lg.ko from inside a guest, once
# per random seed, for about gfuzz.seconds (from the host's kernel command
# line, default 90) in all.  TAP lines (unnumbered) to $RES.
#
# A run may end three ways that are fine: the step budget used up
# (launcher exit 0), or the host killing the guest with a reason (exit 3).
# Anything else is a failure to look at: a gfuzz panic (exit 4: something
# it did not provoke happened to it), a run that needs the timeout (the
# guest or the launcher stopped making progress; SIGKILL needed means the
# launcher hangs in the kernel), a launcher crash.  Each line names the
# seed: `lguest 64m /guests/hostile-gfuzz gfuzz.seed=N` replays it (add
# gfuzz.trace=1 to see every step).  The host's own log is checked
# after all runs here, and for the whole boot by the rig (e2e.sh).
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
L=/lguest
G=/guests/hostile-gfuzz
MEM=64m

arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

SECS=$(arg gfuzz.seconds)
SECS=${SECS:-${GFUZZ_SECONDS:-90}}
# Steps per run: enough to build up state, few enough that a run that
# survives ends well inside its timeout under QEMU's TCG.
STEPS=$(arg gfuzz.steps)
STEPS=${STEPS:-20000}
RUN_TMO=$(arg gfuzz.timeout)
RUN_TMO=${RUN_TMO:-120}

insmod /lg.ko || { nok "insmod lg.ko"; exit 1; }
ok "insmod lg.ko"
dmesg -c >/dev/null

seed32() { od -An -N4 -tu4 /dev/urandom | tr -d ' '; }

start=$(date +%s)
runs=0 fails=0 killed=0 survived=0 pfd=0
while [ $(($(date +%s) - start)) -lt "$SECS" ]; do
	seed=$(seed32)
	runs=$((runs + 1))
	t0=$(date +%s)
	# Said before the run, to the console and the results: a host that
	# dies on the spot leaves the seed that killed it.
	echo "RIG: gfuzz seed $seed starting"
	echo "# gfuzz seed $seed starting" >"$RES"
	# stdin from /dev/null: the launcher's console must not wait on ours.
	/bin/timeout -k 10 "$RUN_TMO" $L $MEM $G gfuzz.seed=$seed gfuzz.steps=$STEPS \
		</dev/null >/tmp/gfuzz.out 2>&1 &
	lp=$!
	# Meanwhile, how many of its ring-3 faults the Switcher passed on
	# itself (Tour 327): the guest's counters go with it, so the last
	# reading stands (one guest runs at a time).
	n=0
	while kill -0 $lp 2>/dev/null; do
		v=$(sed -n 's/^pf_direct //p' /sys/kernel/debug/lguest/*/exits 2>/dev/null | tail -1)
		[ -n "$v" ] && n=$v
		sleep 0.5
	done
	wait $lp
	rc=$?
	pfd=$((pfd + n))
	t=$(($(date +%s) - t0))
	last=$(grep -a "gfuzz: step [0-9]*:" /tmp/gfuzz.out | tail -1 | cut -c1-60)
	why=$(grep -a "lguest: guest killed:" /tmp/gfuzz.out | tail -1 | sed 's/^lguest: guest killed: //' | cut -c1-150)
	# The guest notes each step meant to get it killed: the likely cause.
	fop=$(grep -a "fatal op:" /tmp/gfuzz.out | grep -v "step 0:" | tail -1 | sed 's/^gfuzz: //' | cut -c1-80)
	echo "RIG: gfuzz seed $seed -> $rc after ${t}s: ${why:-$last}${fop:+ [$fop]}"
	case $rc in
	0)
		survived=$((survived + 1))
		ok "gfuzz seed $seed: survived $STEPS steps (${t}s)" ;;
	3)
		killed=$((killed + 1))
		ok "gfuzz seed $seed: killed by the host (${t}s): $why${fop:+ [$fop]}" ;;
	124|143)
		fails=$((fails + 1))
		nok "gfuzz seed $seed: no end after ${RUN_TMO}s (stopped by SIGTERM); last: $last"
		tail -15 /tmp/gfuzz.out | diag ;;
	137)
		fails=$((fails + 1))
		nok "gfuzz seed $seed: the launcher ignored SIGTERM and needed SIGKILL"
		tail -15 /tmp/gfuzz.out | diag ;;
	*)
		fails=$((fails + 1))
		nok "gfuzz seed $seed: launcher exit $rc (${t}s)"
		tail -15 /tmp/gfuzz.out | diag ;;
	esac
	# Stop at the first host complaint: what follows would only blur it.
	if dmesg | grep -qE 'Oops|BUG|WARNING|general protection|lockdep|UBSAN|KFENCE|INFO: task'; then
		nok "host log clean after gfuzz seed $seed"
		dmesg | grep -E -A20 'Oops|BUG|WARNING|general protection|lockdep|UBSAN|KFENCE|INFO: task' | diag 40
		break
	fi
done
echo "# gfuzz: $runs runs in $(($(date +%s) - start))s: $survived survived $STEPS steps, $killed killed by the host, $fails failed" >"$RES"
[ $fails = 0 ] && ok "gfuzz: $runs runs, none hung, crashed or panicked" ||
	nok "gfuzz: $fails of $runs runs failed"
# Its ring-3 steps take their traps on a kernel-only alias of the stack
# now and then, which opens the Switcher's direct page faults to them: the
# fuzzing must have reached that path, or it tested less than it claims.
if [ $pfd -gt 0 ]; then
	ok "gfuzz: $pfd ring-3 faults went from the Switcher straight to the guest"
else
	nok "gfuzz: no ring-3 fault went from the Switcher straight to the guest (pf_direct stayed 0 in $runs runs)"
fi

# The host is still whole: a normal guest runs and the module unloads.
out=$(/bin/timeout 120 $L $MEM /guests/hello 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -qF "hello from a guest"; then
	ok "a guest runs fine after the fuzzing"
else
	nok "a guest runs fine after the fuzzing (exit $rc)"
	printf '%s\n' "$out" | diag
fi
if rmmod lg; then ok "rmmod lg after the fuzzing"; else nok "rmmod lg after the fuzzing"; fi
if bad=$(dmesg | grep -E 'Oops|BUG|WARNING|general protection|lockdep|UBSAN|KFENCE|INFO: task|refcount_t|list_(add|del) corruption'); then
	nok "dmesg has no Oops/BUG/WARNING/general protection/lockdep/UBSAN/KFENCE lines"
	printf '%s\n' "$bad" | diag 30
else
	ok "dmesg has no Oops/BUG/WARNING/general protection/lockdep/UBSAN/KFENCE lines"
fi
