#!/bin/sh
# Linux from guest-patches/ as an lguest guest on the stock 686-pae host: the
# self-test of its initramfs, its console, panic and reboot.
. "$(dirname "$0")/lib/e2e.sh"
RIG_SMP=2 e2e_run 686-pae linux.sh 1800
