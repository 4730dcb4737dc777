#!/bin/sh
# Attacks on the stock 686 host in one boot (tests/e2e/hostile.sh): the
# per-user limits and launchers killed with SIGKILL at random moments
# (KILLS, default 40; 200 on the debug host), the /dev/lguest fuzzer as an
# unprivileged member of the device's group (DEVFUZZ_SECONDS, default 45;
# DEVFUZZ_SEED and DEVFUZZ_ARGS replay a run) and the guest-side fuzzer
# (GFUZZ_SECONDS, default 45).  Two CPUs, so that threads really race.
. "$(dirname "$0")/lib/e2e.sh"
k=${KILLS:-40} d=${DEVFUZZ_SECONDS:-45} g=${GFUZZ_SECONDS:-45}
RIG_SMP=2 RIG_APPEND="hardening.kills=$k devfuzz.seconds=$d devfuzz.args=${DEVFUZZ_ARGS:--u}${DEVFUZZ_SEED:+ devfuzz.seed=$DEVFUZZ_SEED} gfuzz.seconds=$g" \
	e2e_run 686 hostile.sh $((k * 3 + d + g + 900))
