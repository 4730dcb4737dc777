#!/bin/sh
# Runs inside the i386 host: what one user may make lg.ko hold is bounded
# (module parameters max_mem_mb and max_guests), with a clear error when
# reached; and a launcher killed with SIGKILL at random moments, 200 times,
# leaves nothing behind: no guest, no pinned page, a module that unloads.
# TAP lines (unnumbered) go to $RES.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
L=/lguest
G=/guests
P=/sys/module/lg/parameters
# hardening.kills=N on the host's command line: how many launchers to kill.
KILLS=$(sed -n 's/.*hardening\.kills=\([0-9]*\).*/\1/p' /proc/cmdline)
KILLS=${KILLS:-200}

check() { if [ "$2" = "$3" ]; then ok "$1"; else nok "$1 (got '$2', want '$3')"; fi; }

# expect DESC RC PATTERN CMD...: CMD exits RC and its output has PATTERN.
expect() {
	desc=$1 want=$2 pat=$3
	shift 3
	out=$(/bin/timeout 120 "$@" 2>&1)
	rc=$?
	echo "RIG: \$ $* -> $rc"
	printf '%s\n' "$out" | tail -3 | sed 's/^/RIG:   /'
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -qF -- "$pat"; then
		ok "$desc"
	else
		nok "$desc (wanted rc $want and '$pat')"
		printf 'got rc %s:\n%s\n' "$rc" "$out" | diag 30
	fi
}

insmod /lg.ko || { nok "insmod lg.ko"; exit 1; }
ok "insmod lg.ko"
# An unprivileged member of the device's group: uid and gid 1000.
chgrp 1000 /dev/lguest
U="/runas 1000"
check "nothing pinned at first" "$(cat $P/pinned_pages)" 0

# --- Resource limits ---
echo 16 >$P/max_mem_mb
expect "a guest bigger than the user may pin is refused at start, naming the limit" 1 \
	"more than the 16 MiB the host lets one user's guests hold (lg module parameter max_mem_mb)" \
	$U $L 32m $G/touch
# One guest holds 10 MiB; the user's next guest reaches the limit.
$U $L 10m $G/hold >/tmp/hold.out 2>&1 &
hold=$!
i=0
while ! grep -q holding /tmp/hold.out && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
echo "# one guest holds $(cat $P/pinned_pages) pinned pages" >"$RES"
expect "a guest that touches more than the user's limit is killed, naming the limit" 3 \
	"the most memory the host allows them (16 MiB; module parameter max_mem_mb)" \
	$U $L 10m $G/touch
kill -KILL $hold
wait $hold
check "the killed guests' pages are all unpinned" "$(cat $P/pinned_pages)" 0
echo 0 >$P/max_mem_mb
expect "with the default limit the same guest runs" 0 "GUEST: PASS" $U $L 16m $G/touch

echo 2 >$P/max_guests
# Two opens held by another process of the user's (the launcher closes
# descriptors it inherits, so they cannot be its own).
$U sh -c "exec 3<>/dev/lguest 4<>/dev/lguest; exec sleep 300" &
holder=$!
i=0
while [ "$(cat $P/guests)" != 2 ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
expect "a user's guest beyond max_guests is refused, naming the limit" 1 \
	"has 2 guests open already, the most the host allows (lg module parameter max_guests)" \
	$U $L 16m $G/hello
kill $holder
wait $holder 2>/dev/null
sh -c "exec 3<>/dev/lguest; exec sleep 300" &
holder=$!
$U sh -c "exec 4<>/dev/lguest; exec sleep 300" &
holder2=$!
i=0
while [ "$(cat $P/guests)" != 2 ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
expect "another user's guests are not counted against it" 0 "hello from a guest" \
	$U $L 16m $G/hello
kill $holder $holder2
wait $holder $holder2 2>/dev/null
echo 16 >$P/max_guests
check "no guest left open" "$(cat $P/guests)" 0

# --- kill -9 anywhere ---
# In rounds of four launchers side by side, each starting a guest doing
# something else (a Linux boot with its console output, a hypercall storm,
# address-space switches, memory being touched, timer interrupts), as the
# unprivileged user or as root, each killed after its own random delay of
# up to 2 s.
kinds="linux fuzz paging touch timer"
i=0
rm -f /tmp/kills.alive
start=$(date +%s)
while [ $i -lt "$KILLS" ]; do
	pids=
	for j in 1 2 3 4; do
		[ $i -lt "$KILLS" ] || break
		set -- $kinds
		shift $((RANDOM % 5))
		case $1 in
		linux) cmd="$L --initrd=/guest/initrd.gz 64m /guest/vmlinux" ;;
		fuzz) cmd="$L 32m $G/hostile-fuzz" ;;
		*) cmd="$L 32m $G/$1" ;;
		esac
		[ $((RANDOM % 2)) = 0 ] && cmd="$U $cmd"
		$cmd </dev/null >/dev/null 2>&1 &
		p=$!
		(
			sleep "$((RANDOM % 2)).$((RANDOM % 10))$((RANDOM % 10))"
			# Not yet reaped: a launcher that ended is a zombie (Z).
			st=$(awk '{print $3}' /proc/$p/stat 2>/dev/null)
			[ -n "$st" ] && [ "$st" != Z ] && echo alive >>/tmp/kills.alive
			kill -KILL $p 2>/dev/null
		) &
		pids="$pids $p $!"
		i=$((i + 1))
	done
	wait $pids 2>/dev/null
done
secs=$(($(date +%s) - start))
alive=$(grep -c alive /tmp/kills.alive 2>/dev/null)
echo "# $KILLS launchers killed in ${secs}s ($alive still running their guest when killed)" >"$RES"
if [ "${alive:-0}" -ge $((KILLS / 2)) ]; then
	ok "kill -9: $alive of $KILLS launchers were killed while their guest ran"
else
	nok "kill -9: only $alive of $KILLS launchers were still running when killed"
fi
check "kill -9: no guest left open" "$(cat $P/guests)" 0
check "kill -9: every pinned page is released" "$(cat $P/pinned_pages)" 0
expect "a guest runs fine after the kills" 0 "hello from a guest" $L 16m $G/hello

if rmmod lg; then ok "rmmod lg after the kills"; else nok "rmmod lg after the kills"; fi
