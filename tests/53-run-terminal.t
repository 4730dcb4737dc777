#!/bin/sh
# The README's main job, `make run`, as a user types it in a terminal: run
# under a pseudo-terminal (tmux), it must reach the guest's shell, answer a
# command typed there, and end when the user types `poweroff`.  (The other
# tests' standard input is not a terminal, which once hid QEMU being
# stopped by SIGTTOU in a background process group.)
. "$(dirname "$0")/lib/rig.sh"
command -v tmux >/dev/null || { echo "Bail out! tmux is missing: run 'make deps'"; exit 1; }
echo "1..4"
S=lgrun$$
T="tmux -L $S"
log=$RIG_LOGS/run-terminal.log
mkdir -p "$RIG_LOGS"
cleanup() { $T kill-server 2>/dev/null; }
trap cleanup EXIT

# wait_for PATTERN SECONDS: until the terminal shows PATTERN.
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
if wait_for "/ # " 600; then
	echo "ok 1 - make run in a terminal reaches the guest's shell prompt"
else
	echo "not ok 1 - make run in a terminal reaches the guest's shell prompt"
	tail -20 "$log" | sed 's/^/#   /'
fi
$T send-keys -t $S 'echo "answer-$((6 * 7))"' Enter
if wait_for "answer-42" 120; then
	echo "ok 2 - a command typed in the terminal runs in the guest and its answer comes back"
else
	echo "not ok 2 - a command typed in the terminal runs in the guest and its answer comes back"
	tail -20 "$log" | sed 's/^/#   /'
fi
$T send-keys -t $S poweroff Enter
if wait_for "RUN-EXIT-" 300; then
	echo "ok 3 - poweroff typed in the guest ends make run"
else
	echo "not ok 3 - poweroff typed in the guest ends make run"
	tail -20 "$log" | sed 's/^/#   /'
fi
if grep -q "run: launcher exited 0" "$log" && grep -q "RUN-EXIT-0" "$log"; then
	echo "ok 4 - the launcher and make run exit 0"
else
	echo "not ok 4 - the launcher and make run exit 0"
	tail -20 "$log" | sed 's/^/#   /'
fi
