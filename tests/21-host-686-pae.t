#!/bin/sh
# The same on the stock 686-pae host with PTI, SMEP, SMAP, UMIP and NX on.
. "$(dirname "$0")/lib/e2e.sh"
e2e_run 686-pae host-basic.sh 180
