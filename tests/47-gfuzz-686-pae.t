#!/bin/sh
# The guest-side fuzzer (tests/guests/hostile/gfuzz.c) against lg.ko on
# the stock 686-pae host (PTI, SMEP, SMAP, UMIP and NX on), GFUZZ_SECONDS
# (default 90) of random seeds.
. "$(dirname "$0")/lib/e2e.sh"
s=${GFUZZ_SECONDS:-90}
RIG_SMP=2 RIG_APPEND="gfuzz.seconds=$s ${RIG_APPEND:-}" e2e_run 686-pae gfuzz.sh $((s + 300))
