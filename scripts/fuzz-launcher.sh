#!/bin/sh
# fuzz-launcher.sh [--tap] [SECONDS]: fuzz what the launcher reads from the
# user and the guest's files (docs/fuzzing.md).  Builds the libFuzzer
# harnesses in tests/fuzz/ natively with ASan and UBSan into
# $LGUEST_BUILD/fuzz (default build/fuzz), replays every input in
# tests/fuzz/regressions/<target>/, then runs each harness for SECONDS
# (default 60), one after the other; 0 builds and replays only.  New interesting inputs collect in
# build/fuzz/corpus/<target>/, so later runs start where earlier ones
# stopped.  Any crash fails the run and names the input that caused it.
#
# --tap prints TAP for prove (tests/02-launcher-fuzz.t): one line per
# target for its regressions and one for its run, with the exec count.
set -eu
. "$(dirname "$0")/lib.sh"

TAP=0
if [ "${1:-}" = --tap ]; then
	TAP=1
	shift
fi
SECS=${1:-60}
case $SECS in
''|*[!0-9]*) die "SECONDS must be a whole number, not '$SECS'" ;;
esac

TARGETS="args elf boot ring blk net 9p"
SRC=$TOP/tests/fuzz
OUT=$BUILD/fuzz
CC=${FUZZ_CC:-clang}
# -O1 -g: fast enough to fuzz, and readable stack traces.  Native x86_64
# is fine here: the code fuzzed is plain C with explicit widths.
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror"
LAUNCHER_SRCS="$TOP/launcher/args.c $TOP/launcher/elfload.c $TOP/launcher/boot.c $TOP/launcher/virtio/ring.c $TOP/launcher/virtio/mmio.c $TOP/launcher/virtio/blk.c $TOP/launcher/disk/disk.c $TOP/launcher/virtio/net.c $TOP/launcher/net/tap.c $TOP/launcher/net/hub.c $TOP/launcher/net/stream.c $TOP/launcher/net/offload.c $TOP/launcher/share/p9.c"

n=0
failed=0
# result OK|NOTOK TEXT: one TAP line, or a plain one.
result() {
	n=$((n + 1))
	if [ "$1" = OK ]; then
		if [ $TAP = 1 ]; then echo "ok $n - $2"; else echo "fuzz: $2"; fi
	else
		failed=$((failed + 1))
		if [ $TAP = 1 ]; then echo "not ok $n - $2"; else echo "fuzz: FAILED: $2" >&2; fi
	fi
}

# diag FILE: the end of a log, as TAP comments.
diag() {
	tail -n 30 "$1" | sed 's/^/# /'
}

ntargets=$(echo "$TARGETS" | wc -w)
if [ $TAP = 1 ]; then
	if [ "$SECS" = 0 ]; then echo "1..$ntargets"; else echo "1..$((ntargets * 2))"; fi
fi

mkdir -p "$OUT"
for t in $TARGETS; do
	# shellcheck disable=SC2086
	if ! $CC $CFLAGS -I"$TOP/include" -I"$TOP/launcher" -o "$OUT/fuzz_$t" \
		"$SRC/fuzz_$t.c" $LAUNCHER_SRCS -lelf -lpthread >"$OUT/build-$t.log" 2>&1; then
		[ $TAP = 1 ] || cat "$OUT/build-$t.log" >&2
		msg="cannot build the $t fuzzer with $CC (see $OUT/build-$t.log; 'make deps' installs clang, libclang-rt-14-dev and libelf-dev)"
		if [ $TAP = 1 ]; then echo "Bail out! $msg"; exit 1; fi
		die "$msg"
	fi
done

# Replayed first: a fix that regressed is the cheapest thing to find.
for t in $TARGETS; do
	files=$(find "$SRC/regressions/$t" -type f ! -name '.*' 2>/dev/null | LC_ALL=C sort)
	count=$(printf '%s' "$files" | grep -c . || true)
	log=$OUT/regressions-$t.log
	# shellcheck disable=SC2086
	if [ "$count" = 0 ] || "$OUT/fuzz_$t" $files >"$log" 2>&1; then
		result OK "$t: $count regression input(s) replayed"
	else
		bad=$(sed -n 's/^Running: //p' "$log" | tail -n 1)
		result NOTOK "$t: regression input crashes again: ${bad:-see $log}"
		[ $TAP = 1 ] && diag "$log"
	fi
done
[ $TAP = 1 ] || [ $failed = 0 ] || exit 1
[ "$SECS" = 0 ] && exit 0

for t in $TARGETS; do
	corpus=$OUT/corpus/$t
	arts=$OUT/artifacts/$t
	log=$OUT/run-$t.log
	mkdir -p "$corpus" "$arts"
	[ $TAP = 1 ] || echo "fuzz: running $t for $SECS s (log: $log)"
	# New inputs go to the first directory; the seeds and the
	# regressions are read only.  git keeps no empty directory, and
	# libFuzzer refuses a missing one.
	regs=$SRC/regressions/$t
	[ -d "$regs" ] || regs=
	# The ELF seeds are written by a script that says what each is.
	seeds=$SRC/corpus/$t
	if [ -f "$SRC/seeds-$t.pl" ]; then
		seeds=$OUT/seeds/$t
		rm -rf "$seeds"
		mkdir -p "$OUT/seeds"
		perl "$SRC/seeds-$t.pl" "$seeds" || die "$SRC/seeds-$t.pl failed"
	fi
	if "$OUT/fuzz_$t" -max_total_time="$SECS" -print_final_stats=1 \
		-timeout=30 -rss_limit_mb=2048 -max_len=16384 \
		-artifact_prefix="$arts/" "$corpus" "$seeds" \
		${regs:+"$regs"} >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		result OK "$t: ${execs:-?} execs in $SECS s, no crash"
	else
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		result NOTOK "$t: crash input ${crash:-unknown (see $log)}"
		if [ $TAP = 1 ]; then diag "$log"; else tail -n 40 "$log" >&2; fi
		[ $TAP = 1 ] || exit 1
	fi
done
[ $failed = 0 ]
