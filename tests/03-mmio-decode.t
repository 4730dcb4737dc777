#!/bin/sh
# The module's MMIO decoder (module/x86/mmio_insn.c), built in user space,
# against the assembler's encoding of every mov form Linux's readb/w/l()
# and writeb/w/l() can compile to, and of instructions it must refuse.
. "$(dirname "$0")/lib/rig.sh"
rig_need "$RIG_BUILD/tools/test-mmio-insn"
exec "$RIG_BUILD/tools/test-mmio-insn"
