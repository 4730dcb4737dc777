#!/bin/sh
# Runs inside the stock i386 host: the tiny test guests (tests/guests/) run
# under lg.ko through the real launcher.  TAP lines (unnumbered) to $RES.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
L=/lguest
G=/guests
MEM=64m
LOPTS=


# guest NAME RC PATTERN [DESC]: run a guest; it exits RC, prints PATTERN
# and nothing that says "not ok".
guest() {
	name=$1 want=$2 pat=$3 desc=${4:-$1}
	out=$(/bin/timeout 120 $L $LOPTS $MEM $G/$name 2>&1)
	rc=$?
	echo "RIG: guest $name -> $rc"
	printf '%s\n' "$out" | tail -5 | sed 's/^/RIG:   /'
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -qF -- "$pat" &&
		! printf '%s\n' "$out" | grep -q "^not ok"; then
		ok "$desc"
	else
		nok "$desc (wanted exit $want and '$pat', got exit $rc)"
		printf '%s\n' "$out" | diag 30
	fi
}

insmod /lg.ko || { nok "insmod lg.ko"; exit 1; }
ok "insmod lg.ko"

guest hello 0 "hello from a guest in ring 1" "hello: prints and powers off, launcher exits 0"
guest ring 0 "GUEST: PASS" "ring: runs in ring 1, cli/sti cannot touch the real IF"
guest traps 0 "GUEST: PASS" "traps: exceptions reach the guest's handlers with vector, error code, cr2"
guest user 0 "GUEST: PASS" "user: ring-3 code's system calls and faults reach the ring-1 kernel on its own stack"
# counted_run GUEST OUT MARK: run GUEST with its output in OUT and, once
# it prints MARK (it then spins for the reading), read its exit counters
# (debugfs) into $cnt; returns the launcher's exit status.
counted_run() {
	$L $MEM $G/$1 >"$2" 2>&1 &
	p=$!
	ex= cnt= i=0
	while kill -0 $p 2>/dev/null && [ $i -lt 1200 ]; do
		[ -n "$ex" ] || ex=$(ls -d /sys/kernel/debug/lguest/$p-* 2>/dev/null | head -1)
		if grep -q "$3" "$2"; then
			cnt=$(cat "$ex/exits" 2>/dev/null)
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	wait $p
}
# counter NAME: one counter of the last counted_run.
counter() { printf '%s\n' "$cnt" | sed -n "s/^$1 //p"; }
# System calls through a trap gate go straight from ring 3 to the guest's
# ring-1 handler (Tour 375): 10^6 of them must leave the exit counter
# (debugfs) nearly where it was; reflected, each would be an exit.
counted_run syscall /tmp/sys.out "calls done"
rc=$?
n=$(counter exits)
echo "# syscall guest: ${n:-?} exits in all for 10^6 system calls" >"$RES"
if [ $rc = 0 ] && grep -q "GUEST: PASS" /tmp/sys.out && [ -n "$n" ] && [ "$n" -lt 20000 ]; then
	ok "direct system calls: 10^6 from ring 3 reach the guest's handler with $n exits in all"
else
	nok "direct system calls: 10^6 from ring 3 reach the guest's handler with under 20000 exits (exit $rc, '$n' exits)"
	diag </tmp/sys.out
fi
# User-mode protection faults go from the Switcher straight to the guest's
# handler (Tour 327) when it asks: 1000 of them, each checked by the guest,
# must show in pf_direct, not as faults the host passed on; the first
# comes through the host, which keeps the entry (Tour 378).  Named by an
# address outside the kernel half, lguest_data is not for the Switcher:
# every fault comes through the host, and still works.
counted_run pfdirect /tmp/pf.out "faults done"
rc=$?
pd=$(counter pf_direct) gf=$(counter guest_faults)
echo "# pfdirect guest: ${pd:-?} faults sent by the Switcher, ${gf:-?} passed on by the host" >"$RES"
if [ $rc = 0 ] && grep -q "GUEST: PASS" /tmp/pf.out && [ -n "$pd" ] && [ "$pd" -ge 990 ] && [ "$gf" -le 10 ]; then
	ok "direct page faults: 1000 user protection faults reach the guest's handler, $pd of them from the Switcher ($gf through the host)"
else
	nok "direct page faults: 1000 user protection faults reach the guest's handler, at least 990 from the Switcher (exit $rc, '$pd' direct, '$gf' through the host)"
	diag </tmp/pf.out
fi
counted_run pfdirect-baddata /tmp/pf.out "faults done"
rc=$?
pd=$(counter pf_direct) gf=$(counter guest_faults)
if [ $rc = 0 ] && grep -q "GUEST: PASS" /tmp/pf.out && [ "$pd" = 0 ] && [ -n "$gf" ] && [ "$gf" -ge 1000 ]; then
	ok "direct page faults: lguest_data named outside the kernel half keeps the Switcher out; all $gf faults come through the host and work"
else
	nok "direct page faults: lguest_data named outside the kernel half keeps the Switcher out (exit $rc, '$pd' direct, '$gf' through the host)"
	diag </tmp/pf.out
fi
# A guest that runs under the host's SMEP, SMAP and UMIP (Tour 255): user
# pages still work from ring 1, traps start with AC on, sgdt faults.
guest hostcr4 0 "GUEST: PASS" "hostcr4: under the host's CR4, ring 1 still reaches user pages, traps start with AC on, UMIP holds"
guest paging 0 "GUEST: PASS" "paging: 64 MB through two address spaces of its own, 4000 switches, A/D bits, its own faults"
case $(uname -r) in *-pae) fmt="PAE tables" ;; *) fmt="2-level tables" ;; esac
if printf '%s\n' "$out" | grep -q "paging: $fmt"; then
	ok "paging: the guest's tables are in the host's format ($fmt)"
else
	nok "paging: the guest's tables are in the host's format ($fmt)"
fi

LOPTS=--reboot-exit
guest restart 2 "lguest: guest asked to restart: restart please" \
	"restart: with --reboot-exit the launcher exits 2 when the guest asks to restart"
LOPTS=

# stop NAME: a guest that never stops must still die with its launcher.
stop() {
	$L $MEM $G/$1 >/tmp/stop.out 2>&1 &
	p=$!
	sleep 2
	kill -TERM $p
	(sleep 10; kill -KILL $p 2>/dev/null) &
	w=$!
	wait $p
	rc=$?
	kill $w 2>/dev/null
	if [ $rc = 143 ]; then
		ok "$1: SIGTERM stops the launcher promptly"
	else
		nok "$1: SIGTERM stops the launcher promptly (exit $rc)"
		diag </tmp/stop.out
	fi
}
stop spin
stop halt

# Every hostile guest is killed with its reason, and the next one runs.
hostile() {
	guest "hostile-$1" 3 "lguest: guest killed: $2" "hostile $1: killed ($2)"
	hostile_out=$out
	guest hello 0 "hello from a guest" "a guest runs fine after hostile $1"
	out=$hostile_out
}
hostile syscall-stack "cannot deliver trap 128"
hostile hcall "unknown hypercall 999"
hostile idt "IDT entry 14: handler"
hostile gdt-dpl0 "GDT entry 20 has DPL 0"
hostile gdt-switcher "GDT entry 20 (0x00000000-0xffffffff) covers the Switcher"
hostile gdt-callgate "GDT entry 20 is a system descriptor"
hostile write-switcher "touched the Switcher's pages"
hostile jump-switcher "jumped into the Switcher's pages"
hostile noidt "unhandled trap 6 (invalid opcode)"
hostile pte-beyond "page table entry for 0x40000000 points beyond guest memory"
hostile pte-edge "page table entry for 0x40001000 points beyond guest memory"
hostile pte-large "large page mapping 0x40000000"
hostile pgdir-beyond "LHCALL_NEW_PGTABLE: 0x04010000 is not a page table in guest memory"
hostile pgdir-fast "LHCALL_NEW_PGTABLE: 0xffffffff is not a page table in guest memory"
hostile pf-stack "cannot deliver trap 14 (page fault)"
hostile async "unknown hypercall"
hostile pte-switcher "page table update for 0x"
hostile conread "LHCALL_CONSOLE_READ: a buffer of 64 bytes"
hostile smep "its kernel executed a user page at 0x40000000"
# QEMU's TCG lets ring 1 into vm86 mode (real CPUs do not): the Switcher
# must not take the vm86 trap frame for its own (found by gfuzz).  The
# guest loops there until a host interrupt stops it, which the host must
# still handle (found by devfuzz): every CPU's timer must tick on.
hostile vm86 "entered virtual-8086 mode"
for cpu in $(seq 0 $(($(nproc) - 1))); do
	for i in 1 2 3; do taskset "$(printf %x $((1 << cpu)))" $L $MEM $G/hostile-vm86 >/dev/null 2>&1; done
done
# Local timer interrupts per CPU, "n0 n1 ...", and CPU 0's alone.
loc() { awk '/^ *LOC:/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) printf "%s ", $i }' /proc/interrupts; }
loc0() { loc | awk '{print $1}'; }
l0=$(loc)
sleep 1
l1=$(loc)
stuck=$(echo "$l0 / $l1" | awk '{ n = (NF - 1) / 2; for (i = 1; i <= n; i++) if ($(n + 1 + i) == $i) printf "CPU%d ", i - 1 }')
if [ -z "$stuck" ]; then
	ok "hostile vm86: every CPU's timer still ticks after guests stopped in vm86 mode by it ($l0-> $l1)"
else
	nok "hostile vm86: the timer stopped on $stuck($l0-> $l1)"
fi

# The device window: every mov form Linux's MMIO accessors compile to
# reaches the launcher with the right address, size and value, and reads
# land in the right register (tests/guests/mmio.c, tests/tools/mmiolaunch.c).
out=$(/bin/timeout 120 /mmiolaunch 16 $G/mmio 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "GUEST: PASS" &&
	printf '%s\n' "$out" | grep -q "8 reads, 10 writes, each as expected"; then
	ok "mmio: 8 reads and 10 writes of every form reach the launcher and come back right"
else
	nok "mmio: 8 reads and 10 writes of every form reach the launcher and come back right (exit $rc)"
	printf '%s\n' "$out" | diag
fi
# Forbidden device accesses kill the guest with the reason.
for v in "badinsn:by an instruction lguest does not emulate (eip 0x" \
	"cross:device access at 0xd0000ffe of 4 bytes crosses a page" \
	"user:device access at 0xd0000000 from ring 3"; do
	out=$(/bin/timeout 120 /mmiolaunch 16 $G/hostile-mmio-${v%%:*} 2>&1)
	rc=$?
	if [ $rc = 3 ] && printf '%s\n' "$out" | grep -qF "${v#*:}"; then
		ok "hostile mmio-${v%%:*}: killed (${v#*:})"
	else
		nok "hostile mmio-${v%%:*}: killed (${v#*:}) (exit $rc)"
		printf '%s\n' "$out" | diag
	fi
done

# A tiny driver of the launcher's virtio-rng: it works, and every hostile
# ring puts it in NEEDS_RESET (the launcher says why) until a reset; the
# launcher lives on.  A touch of the window where no device is kills.
out=$(/bin/timeout 120 $L $MEM $G/virtio 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "GUEST: PASS" &&
	[ "$(printf '%s\n' "$out" | grep -c "the device stops until the guest resets it")" = 6 ]; then
	ok "virtio: the rng works, and 6 hostile rings each stop it until a reset (the launcher says why)"
else
	nok "virtio: the rng works, and 6 hostile rings each stop it until a reset (exit $rc)"
	printf '%s\n' "$out" | diag
fi

# A hostile driver of the launcher's virtio-9p: no way out of the share
# (the secret beside it never comes back, nothing beside it changes),
# malformed messages get error replies, a request with no room for one
# stops the device until a reset; the launcher lives on.
rm -rf /tmp/v9 && mkdir -p /tmp/v9/share /tmp/v9/outside
echo share-file >/tmp/v9/share/file
echo V9P-SECRET >/tmp/v9/outside/secret
ln -s ../outside/secret /tmp/v9/share/up
ln -s /tmp/v9/outside/secret /tmp/v9/share/abs
ln -s /proc/self/root/tmp/v9/outside/secret /tmp/v9/share/magic
ln -s ../outside /tmp/v9/share/updir
# Beside the share: the names there, and the secret's directory whole (the
# share itself changes: the guest makes a symlink in it).
beside() { ls /tmp/v9; ls -l /tmp/v9/outside; cat /tmp/v9/outside/secret; }
before=$(beside | md5sum)
out=$(/bin/timeout 300 $L --no-rng --share=/tmp/v9/share,tag=hostile $MEM $G/v9p 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "GUEST: PASS" &&
	[ "$(printf '%s\n' "$out" | grep -c "virtio-9p: .*the device stops until the guest resets it")" = 1 ] &&
	! printf '%s\n' "$out" | grep -q V9P-SECRET &&
	[ "$(beside | md5sum)" = "$before" ]; then
	ok "v9p: a hostile 9p client finds no way out of the share, malformed messages get errors, no room for an answer stops the device until a reset"
else
	nok "v9p: a hostile 9p client finds no way out of the share, malformed messages get errors, no room for an answer stops the device until a reset (exit $rc)"
	printf '%s\n' "$out" | diag
fi

# A tiny driver of the launcher's virtio-net (on a hub of its own): frames
# go out, and every hostile header or chain stops the card with a reason
# until a reset; the launcher lives on.
out=$(/bin/timeout 120 $L --net=hub:vnet $MEM $G/vnet 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "GUEST: PASS" &&
	[ "$(printf '%s\n' "$out" | grep -c "virtio-net: .*the device stops until the guest resets it")" = 7 ]; then
	ok "vnet: the network card sends (a TSO frame too, cut by the launcher), and 7 hostile frames each stop it until a reset (the launcher says why)"
else
	nok "vnet: the network card sends (a TSO frame too, cut by the launcher), and 7 hostile frames each stop it until a reset (exit $rc)"
	printf '%s\n' "$out" | diag
fi
hostile mmio-outside "page table entry for 0x50001000 points beyond guest memory (0xd0001000)"

# Disk images are locked: while a guest writes one, a second launcher
# given it is refused, saying why.  -x: the overlay is an unlinked file
# from the start, so TMPDIR stays empty while the guest runs and after a
# kill -9, and the image is never written.
head -c 1048576 /dev/urandom >/tmp/d.img
sum=$(md5sum </tmp/d.img)
rm -rf /tmp/ovl && mkdir /tmp/ovl
$L --disk=/tmp/d.img $MEM $G/spin >/tmp/spin.out 2>&1 &
p=$!
sleep 1
out=$($L --disk=/tmp/d.img $MEM $G/hello 2>&1)
rc=$?
kill $p
wait $p
if [ $rc = 1 ] && printf '%s\n' "$out" | grep -q "disk image /tmp/d.img is in use by another guest"; then
	ok "a second launcher on a disk image in use is refused: $out"
else
	nok "a second launcher on a disk image in use is refused (exit $rc)"
	printf '%s\n' "$out" | diag
fi
TMPDIR=/tmp/ovl $L -x --disk=/tmp/d.img $MEM $G/spin >/tmp/spin.out 2>&1 &
p=$!
sleep 1
during=$(ls -A /tmp/ovl)
kill -9 $p
wait $p
if [ -z "$during" ] && [ -z "$(ls -A /tmp/ovl)" ] && [ "$(md5sum </tmp/d.img)" = "$sum" ]; then
	ok "-x: nothing in TMPDIR while the guest runs or after kill -9; the image unchanged"
else
	nok "-x: nothing in TMPDIR while the guest runs or after kill -9 ('$during', '$(ls -A /tmp/ovl)')"
fi
rm -f /tmp/d.img

# A guest whose ELF note names the other page table format is refused.
case $(uname -r) in *-pae) good=note3 bad=note2 ;; *) good=note2 bad=note3 ;; esac
guest $good 0 "hello from a guest" "a guest noting the host's page table format runs"
guest $bad 1 "page tables and this host's kernel does not" "a guest noting the other page table format is refused at INITIALIZE"
hostile fuzz ""
if printf '%s\n' "$out" | grep -q "survived 1000000 random valid hypercalls"; then
	ok "fuzz: 10^6 random valid hypercalls, then killed by random ones"
else
	nok "fuzz: 10^6 random valid hypercalls"
	printf '%s\n' "$out" | diag
fi

# Many guests at once, one per open /dev/lguest.
pids=
for i in 1 2 3 4; do
	/bin/timeout 120 $L 16m $G/ring >/tmp/par$i.out 2>&1 &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait $p || fails=$((fails + 1)); done
if [ $fails = 0 ] && [ "$(cat /tmp/par*.out | grep -c 'GUEST: PASS')" = 4 ]; then
	ok "4 guests at once all pass"
else
	nok "4 guests at once all pass ($fails failed)"
	cat /tmp/par*.out | diag
fi

# Host interrupts and NMIs that arrive while a guest runs reach the
# host's own handlers: the local timer keeps ticking on the guest's CPU,
# and an NMI backtrace request is answered from inside the guest's run.
if [ "$(grep -c ^processor /proc/cpuinfo)" -ge 2 ]; then
	# What CPU 0's tick is with a busy host program on it (it depends on
	# the host kernel's HZ and on the emulator): the guest must get at
	# least a quarter of it.  A dead timer, or host interrupts held until
	# the guest exits for its own reasons, gives none; a busy emulator
	# (the debug kernel's tick costs more with a world switch around it)
	# gives a third on a loaded CI machine.
	taskset 1 /bin/timeout 4 sh -c 'while :; do :; done' &
	b=$!
	sleep 1
	b0=$(loc0)
	sleep 2
	b1=$(loc0)
	wait $b
	taskset 1 $L $MEM $G/spin >/tmp/spin.out 2>&1 &
	p=$!
	sleep 1
	t0=$(loc0)
	sleep 2
	t1=$(loc0)
	dmesg -c >/dev/null
	# Five NMIs: every one must be answered for CPU 0 (none dropped), and
	# at least one (the guest runs most of the time) from inside its run.
	for i in 1 2 3 4 5; do
		taskset 2 sh -c 'echo l >/proc/sysrq-trigger'
		sleep 0.5
	done
	kill -TERM $p
	wait $p
	echo "# CPU0 local timer interrupts in 2 s: $((b1 - b0)) with a host program, $((t1 - t0)) with a guest" >"$RES"
	if [ $((b1 - b0)) -gt 0 ] && [ $(((t1 - t0) * 4)) -ge $((b1 - b0)) ]; then
		ok "timer interrupts reach the host while a guest runs ($((t1 - t0)) in 2 s; $((b1 - b0)) with a host program)"
	else
		nok "timer interrupts reach the host while a guest runs ($((t1 - t0)) in 2 s; $((b1 - b0)) with a host program)"
	fi
	n0=$(dmesg | grep -c "NMI backtrace for cpu 0")
	inguest=$(dmesg | awk '/NMI backtrace for cpu/ {cpu0 = /cpu 0/} cpu0 && /lg_run_guest_once/ {n++} END {print n + 0}')
	echo "# NMIs answered for CPU 0: $n0 of 5, $inguest from inside the guest's run" >"$RES"
	if [ "$n0" = 5 ]; then
		ok "every NMI sent to the guest's CPU is handled by the host (5 of 5)"
	else
		nok "every NMI sent to the guest's CPU is handled by the host ($n0 of 5)"
	fi
	if [ "$inguest" -ge 1 ]; then
		ok "NMIs that arrive while the guest runs reach the host's handler ($inguest of 5)"
	else
		nok "NMIs that arrive while the guest runs reach the host's handler (none of 5 did)"
		dmesg | grep -A15 "NMI backtrace for cpu 0" | diag 30
	fi
else
	nok "the interrupt tests need an SMP host (-smp 2)"
fi

# FPU: two guests and a host program share CPU 0, each filling the x87
# and SSE registers with its own pattern and checking it 10^4 times.
taskset 1 $L $MEM $G/fpu >/tmp/fpu1.out 2>&1 &
p1=$!
taskset 1 $L $MEM $G/fpu >/tmp/fpu2.out 2>&1 &
p2=$!
taskset 1 /fpuloop >/tmp/fpu3.out 2>&1
r3=$?
wait $p1
r1=$?
wait $p2
r2=$?
if [ $r1$r2$r3 = 000 ] && grep -q "GUEST: PASS" /tmp/fpu1.out &&
	grep -q "GUEST: PASS" /tmp/fpu2.out && grep -q "^ok - host" /tmp/fpu3.out; then
	ok "fpu: two guests and the host keep their own x87/SSE state"
else
	nok "fpu: two guests and the host keep their own x87/SSE state (exits $r1 $r2 $r3)"
	cat /tmp/fpu1.out /tmp/fpu2.out /tmp/fpu3.out | tr -d '\000' | grep -v '^$' | diag
fi

# FPU and host interrupts: lgprobe.ko's timer interrupt uses the FPU every
# 20 us on every CPU and leaves its marker in the registers; the guest's
# pattern must survive 10^5 exits (review item 5: the reload once ran
# before interrupts were off, and such an interrupt in between handed the
# guest its values).
if insmod /lgprobe.ko fpu_us=20; then
	guest fpuirq 0 "GUEST: PASS" "fpu: the guest's x87/SSE state survives 10^5 exits beside FPU-using host interrupts"
	rmmod lgprobe
	used=$(dmesg | sed -n 's/.*lgprobe: \([0-9]*\) interrupts used the FPU.*/\1/p' | tail -1)
	echo "# lgprobe: ${used:-?} interrupts used the FPU" >"$RES"
	[ "${used:-0}" -gt 1000 ] && ok "lgprobe's interrupts used the FPU ($used times)" ||
		nok "lgprobe's interrupts used the FPU (${used:-no} times; a test that never raced proves nothing)"
else
	nok "insmod lgprobe.ko fpu_us=20"
fi

# Many: 8 guests of 32 MB at once, each touching all of its memory.
pids=
for i in 1 2 3 4 5 6 7 8; do
	/bin/timeout 300 $L 32m $G/touch >/tmp/many$i.out 2>&1 &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait $p || fails=$((fails + 1)); done
if [ $fails = 0 ] && [ "$(cat /tmp/many*.out | grep -c 'GUEST: PASS')" = 8 ]; then
	ok "8 guests of 32 MB at once each touch and verify all their memory"
else
	nok "8 guests of 32 MB at once ($fails failed)"
	cat /tmp/many*.out | diag
fi

# 200 guest lifecycles: what they pinned all comes back.  A few first,
# so that caches the first runs fill do not count.
for i in 1 2 3 4 5 6 7 8 9 10; do $L 4m $G/touch >/dev/null 2>&1; done
sync
echo 3 >/proc/sys/vm/drop_caches
free0=$(awk '/MemFree/ {print $2}' /proc/meminfo)
fails=0
i=0
while [ $i -lt 200 ]; do
	$L 4m $G/touch >/tmp/life.out 2>&1 || fails=$((fails + 1))
	i=$((i + 1))
done
sync
echo 3 >/proc/sys/vm/drop_caches
free1=$(awk '/MemFree/ {print $2}' /proc/meminfo)
echo "# MemFree before 200 lifecycles: $free0 kB, after: $free1 kB" >"$RES"
# Other memory may come back in the meantime (free goes up); a leak of
# pinned pages would make it go down.
if [ $fails = 0 ] && [ $((free0 - free1)) -le 2048 ]; then
	ok "200 guest lifecycles: all pass, free memory back to within 2 MB"
else
	nok "200 guest lifecycles: $fails failed, free memory $free0 -> $free1 kB"
	diag </tmp/life.out
fi

# Time and virtual interrupts.
guest timer 0 "GUEST: PASS" "timer: a 100 Hz clock event for 2 s arrives at 100 Hz +-10%"
# While it halts between ticks, the launcher must sleep: sample its CPU
# time (in USER_HZ ticks) over one second of the guest's two.
cputicks() { awk '{print $14 + $15}' /proc/$1/stat; }
$L $MEM $G/timer >/dev/null 2>&1 &
p=$!
sleep 0.5
c0=$(cputicks $p)
sleep 1
c1=$(cputicks $p)
wait $p
echo "# halting timer guest: launcher used $((c1 - c0)) of 100 CPU ticks in 1 s" >"$RES"
# 100 wakeups a second cost a few percent under TCG; a launcher that
# spun instead of sleeping would use all of it.
if [ -n "$c0" ] && [ -n "$c1" ] && [ $((c1 - c0)) -le 15 ]; then
	ok "halt: the launcher uses under 15% of a CPU while the guest halts ($((c1 - c0))%)"
else
	nok "halt: the launcher uses under 15% of a CPU while the guest halts ('$c0' -> '$c1' ticks)"
fi
out=$(/bin/timeout 120 /irqlaunch 64 $G/irq 1 5 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "GUEST: PASS"; then
	ok "irq: launcher interrupts reach the guest only when its virtual IF is on"
else
	nok "irq: launcher interrupts reach the guest only when its virtual IF is on (exit $rc)"
	printf '%s\n' "$out" | diag
fi

# Threads that ran the guest and exited while irqs keep waking "the
# guest's thread": lg.ko must hold the last one's task_struct (review item
# 1: it once woke a freed task; the debug host's slab poisoning and
# spinlock checks report it, the log check below fails on the report).
out=$(/bin/timeout 600 /irqlaunch 16 $G/halt 2 1 100 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "100 readers ran the guest"; then
	ok "100 reader threads ran the guest and exited while irqs woke the last one"
else
	nok "100 reader threads ran the guest and exited while irqs woke the last one (exit $rc)"
	printf '%s\n' "$out" | diag
fi

# The host moves the launcher between CPUs while its guest runs.
$L $MEM $G/paging >/tmp/migrate.out 2>&1 &
p=$!
moves=0
while kill -0 $p 2>/dev/null; do
	taskset -p $((1 + moves % 2)) $p >/dev/null 2>&1
	moves=$((moves + 1))
	sleep 0.05
done
wait $p
rc=$?
if [ $rc = 0 ] && grep -q "GUEST: PASS" /tmp/migrate.out; then
	ok "a guest moved between CPUs $moves times keeps running correctly"
else
	nok "a guest moved between CPUs keeps running correctly (exit $rc, $moves moves)"
	diag </tmp/migrate.out
fi

# Speed: the guest's loop against the same loop run natively, same boot;
# the best of three of each, taken in turn (the rig's emulated CPU slows
# down whenever its host is busy, as beside the other chain of make test).
g= n=
for i in 1 2 3; do
	x=$(/bin/timeout 120 $L $MEM $G/speed 2>&1 | sed -n 's/.*took \([0-9]*\) cycles.*/\1/p')
	[ -n "$x" ] && { [ -z "$g" ] || [ "$x" -lt "$g" ]; } && g=$x
	x=$(/speedloop | sed -n 's/.*took \([0-9]*\) cycles.*/\1/p')
	[ -n "$x" ] && { [ -z "$n" ] || [ "$x" -lt "$n" ]; } && n=$x
done
echo "# speed: guest $g cycles, native $n cycles" >"$RES"
if [ -n "$g" ] && [ -n "$n" ] && [ "$n" -gt 0 ] && [ $((g * 2)) -le $((n * 3)) ]; then
	ok "speed: guest loop within 1.5x of native (guest $g, native $n cycles)"
else
	nok "speed: guest loop within 1.5x of native (guest '$g', native '$n' cycles)"
fi

out=$(/lguest-wrongabi $MEM $G/hello 2>&1)
rc=$?
if [ $rc = 1 ] && printf '%s\n' "$out" | grep -qF "lg.ko speaks a different ABI than this launcher (ABI 9999)"; then
	ok "ABI mismatch: INITIALIZE refused, the launcher says so"
else
	nok "ABI mismatch: INITIALIZE refused, the launcher says so (exit $rc)"
	printf '%s\n' "$out" | diag
fi

# Machine checks (review item 9): the rig injects rig_mce= of them into
# CPU 0, at random moments while guests make hypercalls there.  Every one
# must reach the host's own handler (counted in /proc/interrupts), also
# those that land inside the Switcher, where our IDT is loaded: such a
# guest is killed, once without the host ever seeing its machine check.
n=$(sed -n 's/.*rig_mce=\([0-9]*\).*/\1/p' /proc/cmdline)
mcount() { awk '$1 == "MCE:" { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s }' /proc/interrupts; }
m0=$(mcount)
if [ -z "$n" ]; then
	# tests/40 says why not there.
	echo "# machine checks: none injected on this host (no rig_mce=)" >"$RES"
elif [ -z "$m0" ]; then
	nok "machine checks: the host counts them in /proc/interrupts"
else
	echo "# rig: inject mce" >"$RES"
	runs=0 inside=0 other=0 t0=$(date +%s)
	while [ $(($(mcount) - m0)) -lt "$n" ] && [ $(($(date +%s) - t0)) -lt 180 ]; do
		out=$(taskset 1 /bin/timeout 60 $L $MEM $G/fpuirq 2>&1)
		rc=$?
		runs=$((runs + 1))
		if [ $rc = 3 ] && printf '%s\n' "$out" | grep -qF "trap 18 inside the Switcher"; then
			inside=$((inside + 1))
		elif [ $rc != 0 ]; then
			other=$((other + 1))
			printf '%s\n' "$out" | tail -3 | diag
		fi
	done
	sleep 1
	m=$(($(mcount) - m0))
	echo "# machine checks: $m of $n reached the host; $runs guests, $inside killed inside the Switcher" >"$RES"
	[ "$m" = "$n" ] && ok "machine checks: the host's handler ran for all $n injected while guests ran" ||
		nok "machine checks: the host's handler ran for all $n injected while guests ran (it ran $m times)"
	[ "$inside" -gt 0 ] && ok "machine checks: some landed inside the Switcher ($inside guests killed for it, the host handled them)" ||
		nok "machine checks: some landed inside the Switcher (none of $runs guests was killed for it: the test proved nothing there)"
	[ "$other" = 0 ] && ok "machine checks: no guest died of anything else" ||
		nok "machine checks: no guest died of anything else ($other did)"
	# One landing on the way out, after the host interrupt that stopped
	# the guest was recorded, must not swallow that interrupt: its vector
	# would stay in service and CPU 0's timer stop (seen under load).
	a=$(loc0)
	sleep 1
	b=$(loc0)
	[ "$b" -gt "$a" ] && ok "machine checks: CPU 0's timer still ticks after them ($a -> $b)" ||
		nok "machine checks: CPU 0's timer still ticks after them ($a -> $b)"
fi

# (Malformed requests to /dev/lguest: host-basic.sh.)

if rmmod lg; then ok "rmmod lg after all the guests"; else nok "rmmod lg after all the guests"; fi
