#!/bin/sh
# bench.sh [FLAVOUR...]: boot each stock host (default: both) in the rig and
# print lguest's figures: hypercall and guest-to-launcher round trips in
# TSC cycles, and the speed guest's loop against the same loop run natively.
# The rig's host is itself emulated by QEMU (TCG), so compare figures with
# each other, not with real hardware.
set -eu
RIG_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$RIG_TOP/tests/lib/e2e.sh"
for f in ${*:-686 686-pae}; do
	out=$(e2e_run "$f" bench.sh 600)
	if printf '%s\n' "$out" | grep -q '^not ok'; then
		printf '%s\n' "$out" >&2
		echo "bench: the $f run failed (logs in $RIG_LOGS/$f-bench)" >&2
		exit 1
	fi
	printf '%s\n' "$out" | sed -n "s/^# bench: /$f: /p"
done
