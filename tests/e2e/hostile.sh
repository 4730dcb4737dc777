#!/bin/sh
# Runs inside the i386 host: every attack on the host in one boot (a boot
# of the debug kernel is not cheap): the per-user limits and SIGKILL at
# random moments (hardening.sh), the /dev/lguest fuzzer (devfuzz.sh), the
# guest-side fuzzer (gfuzz.sh) and, on the debug host, failing lg.ko's
# allocations (failinject.sh).  Each loads lg.ko, attacks, and unloads it.
# How long each runs comes on the kernel command line (hardening.kills=,
# devfuzz.seconds=, gfuzz.seconds=, failinject.runs=).
RES=${RES:-/dev/stdout}
for t in hardening.sh devfuzz.sh gfuzz.sh failinject.sh; do
	echo "# --- $t ---" >"$RES"
	/tests/$t
	echo "RIG: $t exited $?"
done
