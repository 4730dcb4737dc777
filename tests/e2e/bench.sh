#!/bin/sh
# Runs inside the stock i386 host for `make bench`: figures, not tests.
RES=${RES:-/dev/stdout}
insmod /lg.ko || { echo "not ok - insmod lg.ko" >"$RES"; exit 1; }
echo "ok - insmod lg.ko" >"$RES"
/lguest 64m /guests/bench 2>&1 | grep '^bench:' | sed 's/^/# /' >"$RES"
for i in 1 2 3; do
	g=$(/lguest 64m /guests/speed 2>&1 | sed -n 's/.*took \([0-9]*\) cycles.*/\1/p')
	n=$(/speedloop | sed -n 's/.*took \([0-9]*\) cycles.*/\1/p')
	[ -n "$g" ] && [ -n "$n" ] &&
		echo "# bench: speed loop, run $i: guest $g cycles, native $n cycles, ratio $(awk "BEGIN {printf \"%.3f\", $g / $n}")" >"$RES"
done
rmmod lg
