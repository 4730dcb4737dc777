#!/bin/sh
# Runs inside the stock i386 host: devfuzz (tests/tools/devfuzz.c) drives
# /dev/lguest as an unprivileged user who is a member of the device's
# group, for devfuzz.seconds (kernel command line; default 90), with a
# random seed (devfuzz.seed= replays one; devfuzz.args=-u,-v adds options).
# Then: the host still runs guests, lg unloads once every fd is closed, and
# the kernel said nothing bad.  TAP lines (unnumbered) to $RES.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
FUZZ_UID=1000
FUZZ_GID=1001	# group "lguest", a supplementary group of the user only

arg() { sed -n "s/.*devfuzz\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

SECS=$(arg seconds)
SECS=${SECS:-90}
SEED=$(arg seed)
[ -n "$SEED" ] || SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
[ -n "$SEED" ] || SEED=$$$(date +%s)
ARGS=$(arg args | tr ',' ' ')
# Said before anything can go wrong: a host crash still leaves the seed.
echo "# devfuzz: seed $SEED, $SECS s, options '$ARGS'" >"$RES"

# Hung tasks and soft lockups reported within the run, not after 2 min.
echo 20 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
dmesg -c >/dev/null

insmod /lg.ko || { nok "insmod lg.ko"; exit 1; }
ok "insmod lg.ko"
# What a distribution's udev rule does: root:lguest 0660.
echo "lguest:x:$FUZZ_GID:nobody" >>/etc/group
chgrp $FUZZ_GID /dev/lguest
mode=$(stat -c '%a %u:%g' /dev/lguest)
if [ "$mode" = "660 0:$FUZZ_GID" ]; then
	ok "/dev/lguest is 0660 root:lguest"
else
	nok "/dev/lguest is 0660 root:lguest (got '$mode')"
fi
out=$(/runas $FUZZ_UID /devfuzz -t 0 2>&1)
if [ $? = 1 ] && printf '%s\n' "$out" | grep -q "cannot open /dev/lguest: Permission denied"; then
	ok "outside group lguest the user cannot open /dev/lguest"
else
	nok "outside group lguest the user cannot open /dev/lguest"
	printf '%s\n' "$out" | diag
fi

# Guest RAM backed by files: /tmp is the initramfs (tmpfs), plus ramfs (not
# shmem) and a tmpfs of its own; and a few huge pages for MAP_HUGETLB.
mkdir -p /mnt/ramfs /mnt/tmpfs
mount -t ramfs ramfs /mnt/ramfs && chmod 1777 /mnt/ramfs
mount -t tmpfs -o size=128m tmpfs /mnt/tmpfs && chmod 1777 /mnt/tmpfs
chmod 1777 /tmp
echo 8 >/proc/sys/vm/nr_hugepages 2>/dev/null
echo "RIG: / is $(stat -f -c %T /), huge pages: $(cat /proc/sys/vm/nr_hugepages 2>/dev/null)"

# The run: its output goes to the console as it happens (a host that dies
# leaves it in console.log) and to a file for the checks below.
start=$(date +%s)
{
	/bin/timeout -s KILL $((SECS + 240)) /runas $FUZZ_UID:$FUZZ_UID:$FUZZ_GID \
		/devfuzz -s "$SEED" -t "$SECS" -f /tmp -f /mnt/ramfs -f /mnt/tmpfs -v -v $ARGS 2>&1
	echo $? >/tmp/devfuzz.rc
} | tee /tmp/devfuzz.out | sed 's/^/RIG: /'
rc=$(cat /tmp/devfuzz.rc)
echo "# devfuzz ran $(($(date +%s) - start)) s, exit $rc" >"$RES"
grep -E '^devfuzz: (io_uring|  |FAIL|PASS|guests of)' /tmp/devfuzz.out |
	grep -vE '^devfuzz:   (killed|shutdown):' | sed 's/^/# /' >"$RES"
if [ "$rc" = 0 ]; then
	ok "devfuzz: $SECS s as a member of group lguest (seed $SEED): no violations"
else
	nok "devfuzz: $SECS s as a member of group lguest (seed $SEED): exit $rc"
	grep -E 'VIOLATION|hang|left over|wchan|task ' /tmp/devfuzz.out | diag 40
	echo w >/proc/sysrq-trigger
fi

# The host is alive: it runs a guest, as root, through the real launcher.
if out=$(/bin/timeout 120 /lguest 16m /guests/hello 2>&1); then
	ok "after the fuzzing a guest still runs"
else
	nok "after the fuzzing a guest still runs"
	printf '%s\n' "$out" | diag
fi

# Every process of the user goes, so every fd; then lg must unload.
/runas $FUZZ_UID kill -9 -1 2>/dev/null
i=0
while ! rmmod lg 2>/dev/null; do
	i=$((i + 1))
	if [ $i -ge 60 ]; then
		nok "rmmod lg after all fds are closed (still busy after 30 s)"
		grep '^lg ' /proc/modules | diag
		ps -o pid,user,stat,args 2>/dev/null | diag
		echo w >/proc/sysrq-trigger
		break
	fi
	sleep 0.5
done
[ $i -lt 60 ] && ok "rmmod lg after all fds are closed"

# The kernel's complaints, from insmod on.
bad=$(dmesg | grep -nE 'Oops|BUG|WARNING|general protection|kernel BUG|lockdep|UBSAN|KFENCE|possible circular|blocked for more than|soft lockup|hard LOCKUP|rcu.*stall|Kernel panic|Bad page|refcount_t|list_add corruption|list_del corruption')
if [ -z "$bad" ]; then
	ok "dmesg has no Oops/BUG/WARNING/general protection/lockdep/UBSAN/KFENCE/hung task lines"
else
	nok "dmesg has no Oops/BUG/WARNING/general protection/lockdep/UBSAN/KFENCE/hung task lines"
	printf '%s\n' "$bad" | diag 40
fi
oom=$(dmesg | grep -c 'invoked oom-killer')
echo "# OOM killer invocations during the run: $oom" >"$RES"
