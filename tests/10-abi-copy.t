#!/bin/sh
# The guest series must carry include/lguest_abi.h byte for byte.
. "$(dirname "$0")/lib/rig.sh"
. "$RIG_TOP/tests/lib/tap.sh"
GP=$RIG_TOP/guest-patches
p=$(grep -l '^+++ b/arch/x86/include/uapi/asm/lguest_abi.h' "$GP"/*.patch)
if [ -n "$p" ] && grep -qxF "$(basename "$p")" "$GP/series"; then
	ok "a patch in the series adds asm/lguest_abi.h ($(basename "$p"))"
else
	nok "a patch in the series adds asm/lguest_abi.h"
fi
tmp=$(mktemp)
awk '/^\+\+\+ b\/arch\/x86\/include\/uapi\/asm\/lguest_abi.h/ {on=1; next}
     on && /^@@/ {next}
     on && /^\+/ {print substr($0, 2); next}
     on {exit}' "$p" >"$tmp"
if cmp -s "$tmp" "$RIG_TOP/include/lguest_abi.h"; then
	ok "guest copy of lguest_abi.h is identical to include/lguest_abi.h"
else
	nok "guest copy of lguest_abi.h is identical to include/lguest_abi.h"
	{ diff "$RIG_TOP/include/lguest_abi.h" "$tmp"; echo "run scripts/sync-abi-patch.sh"; } | diag
fi
rm -f "$tmp"
done_testing
