#!/bin/sh
# The /dev/lguest fuzzer (tests/tools/devfuzz.c) as an unprivileged member of
# the device's group, on the debug host kernel; DEVFUZZ_SECONDS (default 120).
. "$(dirname "$0")/lib/e2e.sh"
secs=${DEVFUZZ_SECONDS:-120}
RIG_SMP=2 RIG_APPEND="devfuzz.seconds=$secs${DEVFUZZ_SEED:+ devfuzz.seed=$DEVFUZZ_SEED}${DEVFUZZ_ARGS:+ devfuzz.args=$DEVFUZZ_ARGS}" \
	e2e_run debug devfuzz.sh $((secs + 900))
