#!/bin/sh
# lg.ko, /dev/lguest and the launcher's error paths on the stock 686 host.
. "$(dirname "$0")/lib/e2e.sh"
e2e_run 686 host-basic.sh 180
