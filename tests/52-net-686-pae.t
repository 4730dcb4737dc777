#!/bin/sh
# virtio-net on the stock 686-pae host: a tap given to an unprivileged user,
# a bridge, a hub of unprivileged guests, and the errors for what cannot
# work (tests/e2e/net.sh).
. "$(dirname "$0")/lib/e2e.sh"
e2e_run 686-pae net.sh 900
