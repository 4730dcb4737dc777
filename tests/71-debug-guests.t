#!/bin/sh
# The tiny test guests, hostile ones included, on the debug host kernel,
# with 40 machine checks injected while guests run (RIG_MCE).
. "$(dirname "$0")/lib/e2e.sh"
RIG_SMP=2 RIG_MCE=40 e2e_run debug guests.sh 1800
