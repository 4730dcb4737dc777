#!/bin/sh
# The guided tour (scripts/tour.sh, `make tour`): every stop number is
# used once, every stop a stop refers to exists, every file of the module,
# the Switcher and the launcher has its place, and the extracted document
# reads in order, its contents matching its sections.
. "$(dirname "$0")/lib/rig.sh"
. "$RIG_TOP/tests/lib/tap.sh"
cd "$RIG_TOP" || exit 1

if out=$(scripts/tour.sh --check 2>&1); then
	ok "tour: numbers unique, references resolve, every file has a stop"
else
	nok "tour: numbers unique, references resolve, every file has a stop"
	printf '%s\n' "$out" | diag
fi

doc=$(mktemp)
trap 'rm -f "$doc"' EXIT
if scripts/tour.sh >"$doc" && [ -s "$doc" ]; then
	ok "tour: the document is extracted"
else
	nok "tour: the document is extracted"
fi
nums=$(sed -n 's/^## \([0-9][0-9]*\)\. .*/\1/p' "$doc")
sorted=$(printf '%s\n' "$nums" | sort -n -u)
if [ -n "$nums" ] && [ "$nums" = "$sorted" ]; then
	ok "tour: $(printf '%s\n' "$nums" | wc -l) stops, in increasing order"
else
	nok "tour: stops in increasing order, each once"
fi
contents=$(sed -n 's/^- \([0-9][0-9]*\)\. .*/\1/p' "$doc")
if [ "$contents" = "$nums" ]; then
	ok "tour: the table of contents lists every stop"
else
	nok "tour: the table of contents lists every stop"
fi
empty=$(awk '/^## [0-9]/ { if (h && !body) print h; h = $0; body = 0; next }
	h && NF && !/^`/ { body = 1 } END { if (h && !body) print h }' "$doc")
if [ -z "$empty" ]; then
	ok "tour: every stop says something"
else
	nok "tour: every stop says something"
	printf '%s\n' "$empty" | diag
fi
done_testing
