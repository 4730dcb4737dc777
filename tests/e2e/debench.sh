#!/bin/sh
# Runs inside the stock i386 host for make bench, when its disk (/dev/vda)
# is the Debian bench image (scripts/build-image.sh bench) and lg.ko is
# loaded: Debian's own tools (benchwork.sh) natively, chrooted into the
# image; in an lguest guest booted from it; and in User-Mode Linux booted
# from it.  Figures, not tests: "# bench:" lines to $RES.
RES=${RES:-/dev/stdout}
# Runs of each workload, here and in the kernels' init (their command
# lines pass it on).
REPS=${REPS:-3}
W=/usr/local/sbin/lguest-benchwork

[ -b /dev/vda ] || { echo "# bench: debian workloads: no /dev/vda" >"$RES"; exit 0; }
# ext4 for the native run's mount (the stock kernel builds it as a module).
for m in crc16 mbcache jbd2 crc32c_generic ext4; do
	[ -d /sys/module/$m ] || insmod /modules/$m.ko ||
		{ echo "# bench: debian workloads: insmod $m.ko failed" >"$RES"; exit 0; }
done
mkdir -p /mnt
mount -t ext4 /dev/vda /mnt ||
	{ echo "# bench: debian workloads: cannot mount /dev/vda" >"$RES"; exit 0; }
if [ ! -x /mnt/usr/bin/sysbench ]; then
	umount /mnt
	echo "# bench: debian workloads: /dev/vda is not the bench image (no sysbench)" >"$RES"
	exit 0
fi
# The workloads and the build workload's sources (e2e.sh packed them).
cp "${0%/*}/benchwork.sh" "/mnt$W" && chmod 0755 "/mnt$W"
mkdir -p /mnt/usr/local/src/lguest
tar -C /mnt/usr/local/src/lguest -xf /benchsrc.tar

# Natively: the same binaries on this host's kernel.
mount -t proc proc /mnt/proc
mount -t sysfs sys /mnt/sys
mount -o bind /dev /mnt/dev
mount -t tmpfs tmp /mnt/tmp
chroot /mnt env REPS=$REPS $W >/tmp/wn.out 2>&1
for m in tmp dev sys proc; do umount /mnt/$m; done
umount /mnt
sync

# In lguest: the image is the guest's root, the workloads its init.
/bin/timeout 3600 /lguest --disk=/dev/vda 256m /guest/vmlinux root=/dev/vda rw init=$W REPS=$REPS \
	</dev/null 2>&1 | tr -d '\r' >/tmp/wg.out
# In User-Mode Linux, when make bench brought it: the same disk (rseq
# off as in microbench.sh).
rm -f /tmp/wu.out
[ -x /uml ] && GLIBC_TUNABLES=glibc.pthread.rseq=0 TMPDIR=/tmp /bin/timeout 3600 /uml mem=256M ubd0=/dev/vda root=/dev/ubda rw \
	init=$W REPS=$REPS </dev/null 2>&1 | tr -d '\r' >/tmp/wu.out

grep -q '^WL-DONE' /tmp/wg.out ||
	{ echo "# bench: debian workloads: the guest did not finish:"; tail -20 /tmp/wg.out | sed 's/^/#   /'; } >"$RES"
[ -x /uml ] && ! grep -q '^WL-DONE' /tmp/wu.out &&
	{ echo "# bench: debian workloads: User-Mode Linux did not finish:"; tail -20 /tmp/wu.out | sed 's/^/#   /'; } >"$RES"
grep -h '^WL-FAILED' /tmp/wn.out /tmp/wg.out /tmp/wu.out 2>/dev/null | sed 's/^/# bench: /' >"$RES"

# stats NAME FILE: "median min max" of NAME's runs in FILE.
stats() {
	grep "^WL: $1 " "$2" 2>/dev/null | awk '{ print $3 }' | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) printf "%s %s %s", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
echo "# bench: Debian's tools (rt-tests, stress-ng, sysbench, gcc), seconds per run (median of the runs, min-max), guest vs native and vs User-Mode Linux" >"$RES"
for name in $(grep '^WL: ' /tmp/wn.out | awk '{ print $2 }' | uniq | sort -u); do
	set -- $(stats "$name" /tmp/wn.out)
	n=$1 nl=$2 nh=$3
	set -- $(stats "$name" /tmp/wg.out)
	[ -n "${1:-}" ] || continue
	g=$1 gl=$2 gh=$3
	set -- $(stats "$name" /tmp/wu.out)
	uml="UML none"
	[ -n "${1:-}" ] && uml="UML $1 s ($2-$3), guest/UML $(awk "BEGIN{printf \"%.2f\", $g / $1}")"
	echo "# bench: $name: guest $g s ($gl-$gh), native $n s ($nl-$nh), guest/native $(awk "BEGIN{printf \"%.2f\", $g / $n}"), $uml" >"$RES"
done
