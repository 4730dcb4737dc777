#!/bin/sh
# The README's main job, `make run`, as a user types it in a terminal: run
# under a pseudo-terminal (tmux), it must reach the guest's shell, answer
# commands typed there (one at once, with no key pressed after it: input
# must not wait for the next keystroke), and end when the user types
# `poweroff`.  The other tests' standard input is not a terminal, which
# once hid QEMU being stopped by SIGTTOU in a background process group.
. "$(dirname "$0")/lib/rig.sh"
. "$RIG_TOP/tests/lib/tap.sh"
command -v tmux >/dev/null || bail "tmux is missing: run 'make deps'"
S=lgrun$$
T="tmux -L $S"
log=$RIG_LOGS/run-terminal.log
mkdir -p "$RIG_LOGS"
cleanup() { $T kill-server 2>/dev/null; }
trap cleanup EXIT

# wait_for PATTERN SECONDS: until the terminal shows PATTERN (tmux drops
# trailing blanks: the prompt "/ # " shows as "/ #").
wait_for() {
	i=0
	while [ $i -lt "$2" ]; do
		$T capture-pane -p -S -3000 -t $S >"$log" 2>/dev/null
		grep -qF -- "$1" "$log" && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}

cd "$RIG_TOP" || exit 1
$T new-session -d -s $S -x 160 -y 50 "make run; echo RUN-EXIT-\$?; sleep 600"
if wait_for "/ #" 600; then
	ok "make run in a terminal reaches the guest's shell prompt"
else
	nok "make run in a terminal reaches the guest's shell prompt"
	tail -20 "$log" | diag
fi
for q in 6 7; do
	$T send-keys -t $S "echo answer-\$(($q * 7))" Enter
	if wait_for "answer-$((q * 7))" 60; then
		ok "command $((q - 5)) typed in the terminal runs in the guest and its answer comes back"
	else
		nok "command $((q - 5)) typed in the terminal runs in the guest and its answer comes back"
		tail -20 "$log" | diag
	fi
done
$T send-keys -t $S poweroff Enter
if wait_for "RUN-EXIT-" 300; then
	ok "poweroff typed in the guest ends make run"
else
	nok "poweroff typed in the guest ends make run"
	tail -20 "$log" | diag
fi
if grep -q "run: launcher exited 0" "$log" && grep -q "RUN-EXIT-0" "$log"; then
	ok "the launcher and make run exit 0"
else
	nok "the launcher and make run exit 0"
	tail -20 "$log" | diag
fi
done_testing
