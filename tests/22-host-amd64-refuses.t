#!/bin/sh
# lg.ko built for a kernel it cannot serve (the stock amd64 kernel) must
# refuse to load there with a clear dmesg line.
. "$(dirname "$0")/lib/e2e.sh"
RIG_QEMU=qemu-system-x86_64 e2e_run amd64 host-refuse.sh 180
