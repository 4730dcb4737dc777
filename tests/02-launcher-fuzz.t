#!/bin/sh
# The launcher's input fuzzers (tests/fuzz/, docs/fuzzing.md): every
# regression input replayed, then each harness run for a while
# (LGUEST_FUZZ_SECONDS, default 20).  Builds the harnesses itself: they
# need only clang, not the rest of 'make all'.
. "$(dirname "$0")/lib/rig.sh"
exec "$RIG_TOP/scripts/fuzz-launcher.sh" --tap "${LGUEST_FUZZ_SECONDS:-20}"
