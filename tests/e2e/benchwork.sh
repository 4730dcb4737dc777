#!/bin/sh
# benchwork.sh: make bench's workloads from Debian i386 (issue 16,
# item 5), run in the Debian bench image (scripts/build-image.sh bench):
# natively on the rig's host (debench.sh chroots into the image), as an
# lguest guest's init, and as User-Mode Linux's.  Each workload runs
# $REPS times; each run prints "WL: NAME SECONDS", the wall time of a
# fixed amount of work, so guest/native is a slowdown like the other
# rows of the table.  As PID 1 (a kernel's init=) it mounts what the
# tools need first and powers the machine off at the end.
REPS=${REPS:-3}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C

if [ $$ = 1 ]; then
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev 2>/dev/null
	mount -t tmpfs tmp /tmp
	mount -o remount,rw /
fi

now() { date +%s.%N; }
# run NAME CMD...: one timed run; its output is kept for a failure.
run() {
	name=$1
	shift
	t0=$(now)
	if "$@" >/tmp/wl.out 2>&1; then
		t1=$(now)
		echo "WL: $name $(awk "BEGIN{printf \"%.3f\", $t1 - $t0}")"
	else
		echo "WL-FAILED: $name: $*"
		tail -5 /tmp/wl.out | sed 's/^/WL-FAILED:   /'
	fi
}

# The build-like workload: the launcher's own sources (debench.sh put
# them in /usr/local/src/lguest), each file compiled with gcc -O2, one
# at a time (lguest-slirp.c wants libslirp's headers, not in the image).
build() {
	rm -rf /tmp/b
	mkdir /tmp/b
	cd /usr/local/src/lguest/launcher || return 1
	for f in $(find . -name '*.c' ! -name lguest-slirp.c | sort); do
		gcc -O2 -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -I. -I../include \
			-DLGUEST_VERSION='"bench"' -c "$f" -o "/tmp/b/$(echo "$f" | tr / _).o" || return 1
	done
	cd /
}

i=0
while [ $i -lt "$REPS" ]; do
	i=$((i + 1))
	# Pipes, not its default socket pairs: the peer's kernel has no
	# networking.
	run hackbench-process hackbench -p -g 4 -l 100
	run hackbench-thread hackbench -p -T -g 4 -l 100
	run stress-ng-fork stress-ng --fork 1 --fork-ops 300 --quiet
	run stress-ng-switch stress-ng --switch 1 --switch-ops 20000 --quiet
	run stress-ng-mmap stress-ng --mmap 1 --mmap-ops 8 --mmap-bytes 8M --quiet
	run stress-ng-fault stress-ng --fault 1 --fault-ops 2000 --quiet
	run sysbench-cpu sysbench cpu --cpu-max-prime=2000 --events=2000 --time=0 run
	run sysbench-memory sysbench memory --memory-total-size=256M --time=0 run
	run sysbench-threads sysbench threads --threads=4 --events=250 --time=0 run
	run gcc-build build
done
echo "WL-DONE"

if [ $$ = 1 ]; then
	sync
	# No systemd here: poweroff -f asks the kernel directly.
	poweroff -f
fi
