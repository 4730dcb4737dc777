#!/bin/sh
# The tiny test guests under lg.ko on the stock 686-pae host (PTI, SMEP,
# SMAP, UMIP and NX on), with 40 machine checks injected while guests run
# (RIG_MCE; tests/lib/rig.sh).
. "$(dirname "$0")/lib/e2e.sh"
RIG_SMP=2 RIG_MCE=40 e2e_run 686-pae guests.sh 600
