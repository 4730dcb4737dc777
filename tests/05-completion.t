#!/bin/bash
# The launcher's bash completion (launcher/lguest.bash-completion), as
# bash-completion loads it: the subcommands first, options with their =,
# the names of running guests (from "lguest list": a stand-in here, so
# no guest is needed) after stop and console, directories after --share.
. "$(dirname "$0")/lib/rig.sh"
. "$RIG_TOP/tests/lib/tap.sh"
bc=/usr/share/bash-completion/bash_completion
if [ ! -r $bc ]; then
	echo "Bail out! $bc is missing: install bash-completion ('make deps' does)"
	exit 1
fi
. $bc
. "$RIG_TOP/launcher/lguest.bash-completion"

# What completing the last word of the line gives.
complete_line() {
	COMP_WORDS=(lguest "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="lguest $*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_lguest lguest "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
# "lguest list" as a user with two guests would see it.
lguest() {
	printf '%s\n' 'NAME                     PID  MEMORY    UPTIME STATE     DISKS / NETWORKS / SHARES' \
		'web                     1234    128M     0m05s running   - / - / -' \
		'db                      1235     64M     0m04s running   - / - / -'
}
expect() {
	got=$(complete_line "${@:2}")
	if [ "$got" = "$1" ]; then ok "lguest ${*:2} <TAB>: $got"; else nok "lguest ${*:2} <TAB>: '$got', want '$1'"; fi
}
expect "console list stop " ""
expect "stop " "st"
expect "--share= " --s
expect "--detach --disk= " --d
expect "db web " stop ""
expect "web " console w
expect "--force --help --timeout= " stop -
expect "--help --json " list -
mkdir -p "$RIG_BUILD/comp/adir/bdir" && : >"$RIG_BUILD/comp/afile"
cd "$RIG_BUILD/comp" || exit 1
expect "adir " --share a
done_testing
