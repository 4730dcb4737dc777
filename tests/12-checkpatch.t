#!/bin/sh
# Kernel-side code follows the kernel's coding style: checkpatch.pl from the
# pinned tree, --no-tree -f, must find nothing in module/ and switcher/, and
# no errors in the guest patch series.
. "$(dirname "$0")/lib/rig.sh"
cd "$RIG_TOP" || exit 1
files=$(ls module/*.c module/*.h module/*.S switcher/*.S switcher/*.h 2>/dev/null)
n=0
for f in $files; do
	n=$((n + 1))
	if out=$(scripts/checkpatch.sh "$f" 2>&1); then
		echo "ok $n - checkpatch: $f"
	else
		echo "not ok $n - checkpatch: $f"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
done
# Each guest patch, as sent to LKML: no errors (warnings are allowed).
for p in $(sed -e 's/#.*//' guest-patches/series); do
	n=$((n + 1))
	out=$(scripts/checkpatch.sh --patch "guest-patches/$p" 2>&1)
	if printf '%s\n' "$out" | grep -q '^ERROR'; then
		echo "not ok $n - checkpatch: guest-patches/$p has errors"
		printf '%s\n' "$out" | sed 's/^/#   /'
	else
		echo "ok $n - checkpatch: guest-patches/$p (no errors)"
	fi
done
echo "1..$n"
