#!/bin/sh
# scripts/apply-series.sh, which applies guest-patches/ to the pinned tree,
# must refuse a series that needs fuzz or lands at an offset, and accept
# one that applies exactly.  Checked on a tiny tree so it runs in a second.
. "$(dirname "$0")/lib/rig.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$RIG_TOP/tests/lib/tap.sh"

mk_tree() {
	rm -rf "$tmp/tree"
	mkdir -p "$tmp/tree"
	seq 1 40 >"$tmp/tree/file"
}
mk_series() {	# mk_series NAME: one patch changing line 20 of seq 1 40
	mkdir -p "$tmp/$1"
	cp "$RIG_TOP/guest-patches/quiltrc" "$tmp/$1/"
	echo "0001-change.patch" >"$tmp/$1/series"
	cat >"$tmp/$1/0001-change.patch" <<'P'
From: test <test@localhost>
Subject: [PATCH] change line 20

---
--- a/file
+++ b/file
@@ -17,7 +17,7 @@
 17
 18
 19
-20
+twenty
 21
 22
 23
P
}
mk_series exact
mk_tree
if "$RIG_TOP/scripts/apply-series.sh" "$tmp/tree" "$tmp/exact" 2>"$tmp/err" &&
	grep -qx twenty "$tmp/tree/file"; then
	ok "an exact series applies"
else
	nok "an exact series applies"; diag <"$tmp/err"
fi

mk_tree
{ echo 0; seq 1 40; } >"$tmp/tree/file"	# everything moves down a line
if "$RIG_TOP/scripts/apply-series.sh" "$tmp/tree" "$tmp/exact" 2>"$tmp/err"; then
	nok "a patch landing at an offset is refused"
else
	grep -q "fuzz or offset" "$tmp/err" && ok "a patch landing at an offset is refused" ||
		{ nok "offset refused with a clear message"; diag <"$tmp/err"; }
fi

mk_tree
sed -i 's/^17$/seventeen/' "$tmp/tree/file"	# outer context changed: fuzz
if "$RIG_TOP/scripts/apply-series.sh" "$tmp/tree" "$tmp/exact" 2>"$tmp/err"; then
	nok "a patch needing fuzz is refused"
else
	ok "a patch needing fuzz is refused"
fi

mk_tree
sed -i 's/^20$/XX/' "$tmp/tree/file"
if "$RIG_TOP/scripts/apply-series.sh" "$tmp/tree" "$tmp/exact" 2>"$tmp/err"; then
	nok "a patch that does not apply is refused"
else
	ok "a patch that does not apply is refused"
fi
done_testing
