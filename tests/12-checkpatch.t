#!/bin/sh
# Kernel-side code follows the kernel's coding style: checkpatch.pl from the
# pinned tree, --no-tree -f, must find nothing in module/, switcher/ and tests/kmod/, and
# no errors in the guest patch series.
. "$(dirname "$0")/lib/rig.sh"
cd "$RIG_TOP" || exit 1
files=$(ls module/*.c module/*.h tests/kmod/*.c module/x86/*.c module/x86/*.h module/x86/*.S switcher/*.S switcher/*.h 2>/dev/null)
. "$RIG_TOP/tests/lib/tap.sh"
for f in $files; do
	if out=$(scripts/checkpatch.sh "$f" 2>&1); then
		ok "checkpatch: $f"
	else
		nok "checkpatch: $f"
		printf '%s\n' "$out" | diag
	fi
done
# Each guest patch, as sent to LKML: no errors (warnings are allowed).
for p in $(sed -e 's/#.*//' guest-patches/series); do
	out=$(scripts/checkpatch.sh --patch "guest-patches/$p" 2>&1)
	if printf '%s\n' "$out" | grep -q '^ERROR'; then
		nok "checkpatch: guest-patches/$p has errors"
		printf '%s\n' "$out" | diag
	else
		ok "checkpatch: guest-patches/$p (no errors)"
	fi
done
done_testing
