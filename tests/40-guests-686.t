#!/bin/sh
# The tiny test guests under lg.ko on the stock 686 host.  Machine checks
# are injected on the Intel hosts only (41, 71): this host's CPU says AMD,
# where Linux panics on any uncorrected machine check, and QEMU raises #MC
# for uncorrected ones only.
. "$(dirname "$0")/lib/e2e.sh"
RIG_SMP=2 e2e_run 686 guests.sh 600
