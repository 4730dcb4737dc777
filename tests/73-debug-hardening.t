#!/bin/sh
# Per-user limits and launchers killed with SIGKILL at random moments, 200
# times, on the debug host kernel: nothing left pinned, the module unloads.
. "$(dirname "$0")/lib/e2e.sh"
RIG_SMP=2 RIG_APPEND="hardening.kills=${KILLS:-200}" e2e_run debug hardening.sh 1800
