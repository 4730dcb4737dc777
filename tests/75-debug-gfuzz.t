#!/bin/sh
# The guest-side fuzzer (tests/guests/hostile/gfuzz.c) on the debug host
# kernel; GFUZZ_SECONDS (default 120) of random seeds.
. "$(dirname "$0")/lib/e2e.sh"
s=${GFUZZ_SECONDS:-120}
RIG_SMP=2 RIG_APPEND="gfuzz.seconds=$s ${RIG_APPEND:-}" e2e_run debug gfuzz.sh $((s + 900))
