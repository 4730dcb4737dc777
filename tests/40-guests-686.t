#!/bin/sh
# The tiny test guests under lg.ko on the stock 686 host.
. "$(dirname "$0")/lib/e2e.sh"
RIG_SMP=2 e2e_run 686 guests.sh 600
