# One TAP vocabulary for every shell test: the .t files on this machine,
# the scripts inside the rig's hosts (tests/e2e/, where e2e.sh copies this
# file beside them) and the one inside the packaged Debian system.  Plain
# POSIX sh, so busybox runs it too.
# shellcheck shell=sh

# Where the lines go: the rig's result port ($RES) or a file if set
# (appending), standard output if not.
TAP_OUT=${TAP_OUT:-${RES:-}}
tap_n=0

tap_put() {
	if [ -n "$TAP_OUT" ]; then
		cat >>"$TAP_OUT"
	else
		cat
	fi
}
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*" | tap_put; }
nok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $*" | tap_put; }
# is DESC CMD...: ok if CMD succeeds.
is() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else nok "$desc"; fi
}
# diag [N]: standard input as TAP comments, at most N lines (default 40).
diag() { sed 's/^/#   /' | head -n "${1:-40}" | tap_put; }
bail() { echo "Bail out! $*" | tap_put; exit 1; }
# The plan, last: how many tests ran.
done_testing() { echo "1..$tap_n" | tap_put; }

# tap_line LINE: a TAP line from elsewhere (a rig host, a booted system),
# renumbered into ours; comments pass through; anything else is dropped.
tap_line() {
	case $1 in
	"ok "*" - "* | "ok - "*) ok "${1#* - }" ;;
	"not ok "*" - "* | "not ok - "*) nok "${1#* - }" ;;
	"#"*) echo "$1" | tap_put ;;
	esac
}
