# The test rig: a stock Debian i386 kernel booted under qemu-system-i386
# (TCG) as the lguest *host*, with an initramfs holding busybox, lg.ko,
# the launcher and whatever a test needs.  Sourced by the tests and by
# scripts/run.sh.
# shellcheck shell=sh

# Callers are tests/*.t or scripts/*.sh: the top is one level up, unless
# they say otherwise.
RIG_TOP=${RIG_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$RIG_TOP/pins.env"
RIG_BUILD=${LGUEST_BUILD:-$RIG_TOP/build}

# Boots are cheap to keep: every boot's logs stay under build/rig/.
RIG_LOGS=$RIG_BUILD/rig

# The -cpu for each host flavour.  686-pae with an Intel vendor string is
# the hardest host we support: PTI, SMEP, SMAP, UMIP and NX are all on.
rig_cpu() {
	case $1 in
	# With -smp, QEMU's "max" looks like an SMP-incapable Athlon (family
	# 6) to the 686 kernel, which WARNs at boot; family 15 is the same
	# CPU as far as lguest is concerned, without the warning.
	686) if [ "${RIG_SMP:-1}" -gt 1 ]; then echo max,family=15; else echo max; fi ;;
	686-pae|debug) echo max,vendor=GenuineIntel ;;
	amd64) echo max ;;
	*) echo "rig: unknown flavour $1" >&2; return 1 ;;
	esac
}

# rig_kernel FLAVOUR: the host kernel image to boot and its release, as
# "IMAGE RELEASE": a stock Debian kernel, or the debug host kernel
# (scripts/build-debug-host.sh), built from the same source with lockdep,
# KFENCE, kmemleak, UBSAN and the other checkers on.
rig_kernel() {
	if [ "$1" = debug ]; then
		d=$("$RIG_TOP/scripts/build-debug-host.sh") || return 1
		echo "$d/bzImage $(cat "$d/obj/include/config/kernel.release")"
	else
		d=$("$RIG_TOP/scripts/fetch-host.sh" "$1") || return 1
		echo "$d/boot/vmlinuz-$DEB_KERNEL_ABI-$1 $DEB_KERNEL_ABI-$1"
	fi
}

# rig_need FILE...: fail loudly (not skip) when a build product is missing.
rig_need() {
	for f in "$@"; do
		if [ ! -e "$f" ]; then
			echo "Bail out! $f is missing: run 'make test' (it builds everything first)"
			exit 1
		fi
	done
}

# rig_rootfs DIR: a minimal busybox userland in DIR.
rig_rootfs() {
	sysroot=$("$RIG_TOP/scripts/fetch-i386.sh") || exit 1
	mkdir -p "$1/bin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp" "$1/etc" "$1/root"
	cp "$sysroot/bin/busybox" "$1/bin/busybox"
	ln -sf busybox "$1/bin/sh"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:1000:1000:nobody:/tmp:/bin/sh\n' >"$1/etc/passwd"
	printf 'root:x:0:\nnogroup:x:1000:\n' >"$1/etc/group"
}

# rig_initramfs DIR OUT: pack DIR as a gzipped newc cpio owned by root.
rig_initramfs() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$2"
}

# rig_boot KERNEL INITRD CPU TIMEOUT CONSOLE_LOG RESULTS_LOG [APPEND...]
# ttyS0 is the console (kernel log, ignore_loglevel); ttyS1 is a clean
# channel for the test's own results.  Returns qemu's status; 124 means the
# boot hit the timeout.  RIG_QEMU_ARGS adds QEMU options for debugging, e.g.
# "-d int,cpu_reset -D /tmp/ints.log" or "-s -S" (see docs/rig.md).  A
# host still running 20 s before the timeout is taken for hung: every
# CPU's registers and stack, read through QEMU's monitor, go to
# CONSOLE_LOG.hang (hangdump.pl), since a hang with interrupts off leaves
# nothing on the console.
#
# Several CPUs are emulated in one thread, taking turns (thread=single):
# with a thread each (QEMU's default), a CPU once in a few hundred kernel
# text patches kept running the old code of a patched page.  lg.ko's load
# and unload patch the scheduler (the preempt notifiers' static key), and
# both CPUs then looped on an int3 the kernel had already removed, for
# good (docs/rig.md, "Debugging a boot").
rig_boot() {
	kernel=$1 initrd=$2 cpu=$3 tmo=$4 con=$5 res=$6
	shift 6
	accel=
	[ "${RIG_SMP:-1}" -le 1 ] || accel="-accel tcg,thread=single"
	: >"$con"
	: >"$res"
	rm -f "$con.mon" "$con.hang"
	timeout -k 5 "$tmo" "${RIG_QEMU:-qemu-system-i386}" -nographic -no-reboot -monitor none \
		-chardev "socket,id=hang,path=$con.mon,server=on,wait=off" -mon chardev=hang,mode=readline \
		$accel -nic none -m 512 -cpu "$cpu" -smp "${RIG_SMP:-1}" -kernel "$kernel" -initrd "$initrd" \
		-serial "file:$con" -serial "file:$res" ${RIG_QEMU_ARGS:-} \
		-append "console=ttyS0 panic=-1 oops=panic ignore_loglevel cryptomgr.notests noisapnp $*" \
		</dev/null >"$con.qemu" 2>&1 &
	qpid=$!
	map=$(ls "${kernel%/*}"/System.map-* "${kernel%/*}"/obj/System.map 2>/dev/null | head -1)
	RIG_KO=${ko:-} perl "$RIG_TOP/tests/lib/hangdump.pl" "$con.mon" $((tmo > 60 ? tmo - 20 : tmo * 2 / 3)) \
		"$qpid" "${RIG_SMP:-1}" "$map" </dev/null >"$con.hang" 2>&1 &
	dpid=$!
	wait "$qpid"
	qrc=$?
	kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	[ -s "$con.hang" ] || rm -f "$con.hang"
	rm -f "$con.mon"
	return $qrc
}

# rig_host_log_bad LOG: print the kernel's complaints, if any.  Only
# kernel lines count (they carry a timestamp): the tests' own output may
# legitimately quote "general protection", as a guest's kill reason.
# Besides oopses and warnings (lockdep's reports are warnings), what the
# debug host's checkers say: KFENCE and SLUB ("BUG kmalloc-64"), UBSAN,
# kmemleak, list debugging, hung tasks, lockups and RCU stalls.
rig_host_log_bad() {
	grep -naE '^\[ *[0-9]+\.[0-9]+\].*(Oops|BUG:| BUG [a-z]|WARNING:|general protection|Kernel panic|UBSAN:|KFENCE:|suspected memory leak|kmemleak report|list_(add|del) corruption|blocked for more than|soft lockup|rcu_.*stall)' "$1"
}

# rig_mce_inject RESULTS_LOG N: run beside rig_boot (RIG_MCE=N in
# e2e_run).  When the test inside prints "# rig: inject mce", inject N
# machine checks into CPU 0 through QEMU's monitor, 0.3 s apart, at
# whatever the CPU is doing then.  QEMU raises #MC only for uncorrected
# errors; this one (valid, enabled, uncorrected, not signalled, restart IP
# valid) is one Linux logs and survives.  The monitor is a FIFO pair,
# $RIG_MON.in and .out, that rig_boot hands QEMU.
rig_mce_inject() {
	res=$1 n=$2 i=0
	cat "$RIG_MON.out" >/dev/null &
	echo $! >"$RIG_MON.drain"
	exec 9>"$RIG_MON.in"
	until grep -q '^# rig: inject mce' "$res" 2>/dev/null; do
		sleep 0.2
	done
	while [ $i -lt "$n" ]; do
		echo "mce 0 1 0xb000000000000000 0x7 0 0" >&9
		i=$((i + 1))
		sleep 0.3
	done
	exec 9>&-
}

# rig_tail LOG [N]: the last N lines of a log, and first, when the kernel
# complained, its first complaint with what follows: a hang after an oops
# buries the oops' top under its own stack dump.
rig_tail() {
	first=$(rig_host_log_bad "$1" | head -1 | cut -d: -f1)
	if [ -n "$first" ]; then
		echo "# --- the kernel's first complaint in $1 (line $first) ---"
		sed -n "$((first > 5 ? first - 5 : 1)),$((first + 45))p" "$1" |
			sed 's/^/#   /'
	fi
	echo "# --- last lines of $1 ---"
	tail -n "${2:-40}" "$1" | sed 's/^/#   /'
}
