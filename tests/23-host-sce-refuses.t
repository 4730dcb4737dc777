#!/bin/sh
# The stock 686-pae kernel on a 64-bit CPU, with EFER.SCE turned on (as a
# 64-bit kernel that started it could leave it): lg.ko must refuse to load
# (tests/e2e/host-sce.sh).
. "$(dirname "$0")/lib/e2e.sh"
RIG_QEMU=qemu-system-x86_64 e2e_run 686-pae host-sce.sh 240
