#!/bin/sh
# virtio-net on the stock 686 host (tests/e2e/net.sh; 52 is the 686-pae one).
. "$(dirname "$0")/lib/e2e.sh"
e2e_run 686 net.sh 900
