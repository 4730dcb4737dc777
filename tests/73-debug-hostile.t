#!/bin/sh
# Attacks on the debug host kernel in one boot (tests/e2e/hostile.sh), with
# its checkers watching: the per-user limits and 200 launchers killed with
# SIGKILL at random moments (KILLS), the /dev/lguest fuzzer as an
# unprivileged member of the device's group (DEVFUZZ_SECONDS, default 60;
# DEVFUZZ_SEED and DEVFUZZ_ARGS replay a run) and the guest-side fuzzer
# (GFUZZ_SECONDS, default 60), then FAILINJECT_RUNS (default 60) guests
# while a share of lg.ko's allocations fail (tests/e2e/failinject.sh).
. "$(dirname "$0")/lib/e2e.sh"
k=${KILLS:-200} d=${DEVFUZZ_SECONDS:-60} g=${GFUZZ_SECONDS:-60} f=${FAILINJECT_RUNS:-60}
RIG_SMP=2 RIG_APPEND="hardening.kills=$k devfuzz.seconds=$d devfuzz.args=${DEVFUZZ_ARGS:--u}${DEVFUZZ_SEED:+ devfuzz.seed=$DEVFUZZ_SEED} gfuzz.seconds=$g failinject.runs=$f" \
	e2e_run debug hostile.sh $((k * 6 + d + g + f * 10 + 1800))
