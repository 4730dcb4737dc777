#!/bin/sh
# lguest-slirp, the user network's helper, as the launcher drives it, on
# this machine: DHCP, ARP, a port forward, garbage frames, a broken stream.
# It is dynamic (libslirp0, glib): their i386 copies are in the sysroot.
. "$(dirname "$0")/lib/rig.sh"
rig_need "$RIG_BUILD/launcher/test-slirp"
rig_need "$RIG_BUILD/launcher/lguest-slirp"
sysroot=$("$RIG_TOP/scripts/fetch-i386.sh") || { echo "Bail out! no i386 sysroot (scripts/fetch-i386.sh)"; exit 1; }
LD_LIBRARY_PATH=$sysroot/usr/lib/i386-linux-gnu exec "$RIG_BUILD/launcher/test-slirp" "$RIG_BUILD/launcher/lguest-slirp"
