#!/bin/sh
# Unit tests of the launcher's pure parts (argument, size and ELF checks).
. "$(dirname "$0")/lib/rig.sh"
rig_need "$RIG_BUILD/launcher/test-launcher"
exec "$RIG_BUILD/launcher/test-launcher"
