#!/bin/sh
# The tiny test guests, hostile ones included, on the debug host kernel.
. "$(dirname "$0")/lib/e2e.sh"
RIG_SMP=2 e2e_run debug guests.sh 1800
