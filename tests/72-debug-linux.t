#!/bin/sh
# The Linux guest (self-test, console, panic, reboot) on the debug host kernel.
. "$(dirname "$0")/lib/e2e.sh"
RIG_SMP=2 e2e_run debug linux.sh 1800
