#!/bin/sh
# bench.sh [FLAVOUR...]: boot each stock host (default: both) in the rig and
# print lguest's figures: hypercall and guest-to-launcher round trips in
# TSC cycles, the speed guest's loop against the same loop run natively,
# the Linux guest's boot time against the same kernel booting natively
# under QEMU, its fork+exec, tmpfs and disk figures against the host's,
# the Debian image's boot time, the kernel-entry microbenchmarks natively,
# in the guest and in User-Mode Linux, Debian's tools (tests/e2e/debench.sh) the
# same three ways, and the network's (iperf3 over tap, user and hub, ping
# over tap) against this host's own loopback.
# The rig's host is itself emulated by QEMU (TCG), so compare figures with
# each other, not with real hardware.
set -eu
RIG_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$RIG_TOP/tests/lib/e2e.sh"
uml=$("$RIG_TOP/scripts/build-uml.sh") || exit 1
for f in ${*:-686 686-pae}; do
	img=$("$RIG_TOP/scripts/build-image.sh" bench) || exit 1
	# noxsave: User-Mode Linux's stub catches its signals on a one-page
	# stack, which the signal frame with the rig CPU's full XSAVE state
	# (PKRU at 2688) overflows; the host kills it ("overflowed
	# sigaltstack").  The same boot measures natively and in lguest, so
	# all three see the same FPU state.
	out=$(RIG_DISK=$img RIG_UML=$uml/linux RIG_APPEND=noxsave e2e_run "$f" bench.sh 5400)
	if printf '%s\n' "$out" | grep -q '^not ok'; then
		printf '%s\n' "$out" >&2
		echo "bench: the $f run failed (logs in $RIG_LOGS/$f-bench)" >&2
		exit 1
	fi
	printf '%s\n' "$out" | sed -n "s/^# bench: /$f: /p"
	# The workloads measured natively, in the guest and in UML: one table.
	echo
	printf '%s\n' "$out" | "$RIG_TOP/scripts/bench-table.pl" "$f" || exit 1
	echo
	# The same guest kernel booting natively under QEMU (TCG, like the
	# rig's host), from QEMU's start to the kernel running /init.
	case $f in *-pae) gv=pae ;; *) gv= ;; esac
	g=$("$RIG_TOP/scripts/build-guest.sh" $gv)
	nat=$(perl -MTime::HiRes=time -e '
		$t0 = time;
		$pid = open(my $q, "-|", @ARGV) or die;
		$SIG{ALRM} = sub { kill 9, $pid; exit 1; };
		alarm 300;
		while (<$q>) {
			if (/Run \/init as init process/) { printf "%.2f\n", time - $t0; last; }
		}
		kill 9, $pid;' -- qemu-system-i386 -nographic -no-reboot -monitor none \
		-nic none -m 512 -cpu "$(rig_cpu "$f")" -kernel "$g/bzImage" \
		-initrd "$RIG_BUILD/guest/initrd.gz" -append "console=ttyS0" </dev/null)
	gb=$(printf '%s\n' "$out" | sed -n 's/^# bench: linux guest boot, launcher start to \/init: \([0-9.]*\) s/\1/p')
	[ -n "$nat" ] && [ -n "$gb" ] &&
		echo "$f: linux boot to /init: lguest guest (nested in the TCG host) $gb s, same kernel natively under QEMU $nat s, ratio $(awk "BEGIN{printf \"%.2f\", $gb / $nat}")"
done
