#!/bin/sh
# Per-user limits and 200 launchers killed at random moments on the stock
# 686 host: nothing is left pinned, the module unloads.
. "$(dirname "$0")/lib/e2e.sh"
RIG_SMP=2 e2e_run 686 hardening.sh 900
