#!/bin/sh
# Linux from guest-patches/ as an lguest guest on the stock 686 host: the
# self-test of its initramfs, its disks, its console, panic and reboot;
# then the Debian image (scripts/build-image.sh) booting from disk.
. "$(dirname "$0")/lib/e2e.sh"
RIG_DISK=$("$RIG_TOP/scripts/build-image.sh") ||
	{ echo "Bail out! no Debian guest image (scripts/build-image.sh failed)"; exit 1; }
RIG_DISK=$RIG_DISK RIG_SMP=2 e2e_run 686 linux.sh 2400
