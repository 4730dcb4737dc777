#!/bin/sh
# lg.ko, /dev/lguest and the launcher's error paths on the debug host
# kernel (lockdep, KFENCE, kmemleak, UBSAN...: tests/debug-host/debug.config);
# any report of its checkers fails the test (tests/lib/rig.sh).
. "$(dirname "$0")/lib/e2e.sh"
e2e_run debug host-basic.sh 600
