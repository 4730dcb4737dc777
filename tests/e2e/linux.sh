#!/bin/sh
# Runs inside the stock i386 host: Linux, built from guest-patches/, boots
# under lg.ko as an lguest guest with the default initramfs (initramfs/)
# and runs its self-test; then the ways a guest ends (panic, reboot) and
# its console input, and the Debian image.  TAP lines (unnumbered) to $RES.
RES=${RES:-/dev/stdout}
. "${0%/*}/tap.sh"
L=/lguest
K=/guest/vmlinux
I=/guest/initrd.gz
MEM=256m

check() { if eval "$1"; then ok "$2"; else nok "$2"; tail -25 "$3" | diag; fi; }
# The guest kernel's own complaints (its log is on our console).
guest_bad() { grep -aE '(Oops|BUG:|WARNING:|general protection|Call Trace|unchecked MSR|segfault)' "$1"; }

# kill9_at PATTERN OUT CMD...: run CMD with its output in OUT, kill -9 it
# once OUT has a line matching PATTERN (or after 300 s), show OUT, and
# return CMD's status (137 when the kill ended it).
kill9_at() {
	pat=$1 out=$2
	shift 2
	"$@" >"$out" 2>&1 &
	p=$!
	i=0
	while ! grep -q "$pat" "$out" && [ $i -lt 300 ]; do sleep 1; i=$((i + 1)); done
	kill -9 $p
	wait $p
	st=$?
	sed 's/^/RIG:   /' "$out"
	return $st
}

insmod /lg.ko || { nok "insmod lg.ko"; exit 1; }
ok "insmod lg.ko"

# The self-test (initramfs/selftest), timed from the launcher's start.
t0=$(cut -d' ' -f1 /proc/uptime)
# Three disks: read-write, read-only, and one behind a throwaway overlay
# (in TMPDIR); the self-test uses each.
dd if=/dev/zero of=/tmp/vda.img bs=1048576 count=12 2>/dev/null
head -c 2097152 /dev/urandom >/tmp/vdb.img
head -c 2097152 /dev/urandom >/tmp/vdc.img
sum_b=$(md5sum </tmp/vdb.img) sum_c=$(md5sum </tmp/vdc.img)
# And a 3 GiB one, sparse: the launcher is an i386 program.
dd if=/dev/zero of=/tmp/vdd.img bs=1 count=0 seek=3221225472 2>/dev/null
rm -rf /tmp/ovl && mkdir /tmp/ovl
# Two shared directories: "share" read-write, with symlinks out of it
# and a secret beside it, and "ro" read-only.  When the guest says it is
# ready, we create, rename and remove files there while it runs.
rm -rf /tmp/sh && mkdir -p /tmp/sh/share /tmp/sh/outside /tmp/sh/ro
echo from-host >/tmp/sh/share/from-host
echo doomed >/tmp/sh/share/doomed
echo to-rename >/tmp/sh/share/to-rename
echo SECRET-OUTSIDE >/tmp/sh/outside/secret
echo ro-file >/tmp/sh/ro/file
ln -s ../outside/secret /tmp/sh/share/up
ln -s /tmp/sh/outside/secret /tmp/sh/share/abs
ln -s /proc/self/root/tmp/sh/outside/secret /tmp/sh/share/magic
ro_before=$(ls -la /tmp/sh/ro | md5sum)
(
	i=0
	while [ ! -e /tmp/sh/share/guest-ready ] && [ $i -lt 1200 ]; do sleep 1; i=$((i + 1)); done
	echo host-new >/tmp/sh/share/host-new
	mv /tmp/sh/share/to-rename /tmp/sh/share/renamed-by-host
	rm /tmp/sh/share/doomed
	touch /tmp/sh/share/host-done
) &
host_side=$!
TMPDIR=/tmp/ovl /bin/timeout 1200 $L --initrd=$I --disk=/tmp/vda.img,serial=lgtest-vda \
	--disk=/tmp/vdb.img,ro --disk=/tmp/vdc.img,snapshot --disk=/tmp/vdd.img \
	--share=/tmp/sh/share --share=/tmp/sh/ro,ro \
	$MEM $K lguest.selftest >/tmp/boot.out 2>&1
rc=$?
kill $host_side 2>/dev/null
echo "RIG: linux guest self-test -> $rc"
sed 's/^/RIG:   /' /tmp/boot.out
up=$(grep -m1 -n 'lguest guest up' /tmp/boot.out | cut -d: -f1)
check '[ $rc = 0 ]' "the launcher exits 0 when the guest powers off (got $rc)" /tmp/boot.out
check 'grep -q "Run /init as init process" /tmp/boot.out && [ -n "$up" ]' \
	"the guest boots to its initramfs /init" /tmp/boot.out
u=$(sed -n 's/^UNAME: //p' /tmp/boot.out | tr -d '\r')
check 'case "$u" in "Linux lguest "*i686*) true;; *) false;; esac' "uname -a in the guest: $u" /tmp/boot.out
m=$(sed -n 's/^CPU-MODEL: //p' /tmp/boot.out | tr -d '\r')
check '[ -n "$m" ] && [ "$m" != none ]' "/proc/cpuinfo model name: $m" /tmp/boot.out
f=$(sed -n 's/^FORK-EXEC: //p' /tmp/boot.out | tr -d '\r')
check 'case "$f" in "1000 processes in "*) true;; *) false;; esac' "fork+exec of 1000 processes: $f" /tmp/boot.out
tm=$(sed -n 's/^TMPFS: //p' /tmp/boot.out | tr -d '\r')
check 'case "$tm" in "52428800 bytes in "*) ! grep -q MISMATCH /tmp/boot.out;; *) false;; esac' \
	"50 MB written and read back in tmpfs with the same md5: $tm" /tmp/boot.out
s=$(sed -n 's/^SLEEP: 2 s took //p' /tmp/boot.out | tr -d '\r')
check '[ -n "$s" ] && ! grep -q "OUT OF RANGE" /tmp/boot.out' "sleep 2 takes 2 s of wall time, woken within 1 s: $s" /tmp/boot.out
rng=$(sed -n 's/^RNG: //p' /tmp/boot.out | head -1 | tr -d '\r')
check 'case "$rng" in "current '"'"'virtio_rng"*"read: 1048576 in "*) ! grep -q "RNG: BAD" /tmp/boot.out;; *) false;; esac' \
	"virtio-rng: the guest's hw_random uses it and /dev/hwrng gives 1 MiB that does not compress: $rng" /tmp/boot.out
d=$(sed -n 's/^DISK: vda serial //p' /tmp/boot.out | tr -d '\r')
check '[ "$d" = "'"'"'lgtest-vda'"'"', 24576 sectors" ]' "virtio-blk: the guest sees vda with its serial and size: $d" /tmp/boot.out
w=$(sed -n 's/^DISK: vda wrote \([0-9a-f]*\) read .*/\1/p' /tmp/boot.out | tr -d '\r')
img=$(dd if=/tmp/vda.img bs=65536 skip=16 count=16 2>/dev/null | md5sum | cut -d' ' -f1)
check '[ -n "$w" ] && grep -q "^DISK: vda wrote $w read $w" /tmp/boot.out && [ "$img" = "$w" ]' \
	"virtio-blk: 1 MiB the guest wrote reads back the same, and is in the image ($w, image $img)" /tmp/boot.out
# The eight concurrent writers' regions: as the guest read them, and in the image.
bad=0 n=0
for r in 3 4 5 6 7 8 9 10; do
	l=$(grep -a "^REGION: $r " /tmp/boot.out | tr -d '\r')
	a=$(echo "$l" | cut -d' ' -f3) b=$(echo "$l" | cut -d' ' -f4)
	img=$(dd if=/tmp/vda.img bs=1048576 skip=$r count=1 2>/dev/null | md5sum | cut -d' ' -f1)
	[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$img" ] || bad=$((bad + 1))
	n=$((n + 1))
done
check '[ $bad = 0 ]' "virtio-blk: 8 writers at once, block sizes 512 B to 1 MiB: every region reads back and is in the image ($bad of $n bad)" /tmp/boot.out
check 'grep -q "^DISK: vdb ro 1" /tmp/boot.out && [ "$(md5sum </tmp/vdb.img)" = "$sum_b" ]' \
	"virtio-blk: a read-only disk is read-only in the guest and its image unchanged" /tmp/boot.out
check 'grep -q "^DISK: vdc written" /tmp/boot.out && [ "$(md5sum </tmp/vdc.img)" = "$sum_c" ] && [ -z "$(ls -A /tmp/ovl)" ]' \
	"virtio-blk: a snapshot disk takes writes, its image is unchanged and its overlay left nothing in TMPDIR" /tmp/boot.out
w=$(sed -n 's/^DISK: vdd 6291456 sectors, at 2.5 GiB wrote \([0-9a-f]*\) read .*/\1/p' /tmp/boot.out | tr -d '\r')
img=$(dd if=/tmp/vdd.img bs=65536 skip=40960 count=1 2>/dev/null | md5sum | cut -d' ' -f1)
check '[ -n "$w" ] && grep -q "wrote $w read $w" /tmp/boot.out && [ "$img" = "$w" ]' \
	"virtio-blk: a 3 GiB disk: 64 KiB written at 2.5 GiB reads back, and is there in the image ($w, image $img)" /tmp/boot.out
rm -f /tmp/vda.img /tmp/vdb.img /tmp/vdc.img /tmp/vdd.img
check 'grep -q "^SHARE: host file '"'"'from-host'"'"'" /tmp/boot.out && grep -q "^SHARE: the host'"'"'s changes show" /tmp/boot.out' \
	"virtio-9p: the guest reads the host's file, and sees what the host creates, renames and removes while it runs" /tmp/boot.out
check '[ "$(cat /tmp/sh/share/g2)" = guest-data ] && [ ! -e /tmp/sh/share/g1 ] && [ ! -e /tmp/sh/share/gone ] && [ "$(cat /tmp/sh/share/gdir/f)" = inside ]' \
	"virtio-9p: what the guest created, renamed and removed is so on the host" /tmp/boot.out
w=$(sed -n 's/^SHARE: 4 MiB wrote \([0-9a-f]*\) read .*/\1/p' /tmp/boot.out | tr -d '\r')
img=$(md5sum </tmp/sh/share/big | cut -d' ' -f1)
check '[ -n "$w" ] && grep -q "^SHARE: 4 MiB wrote $w read $w" /tmp/boot.out && [ "$img" = "$w" ]' \
	"virtio-9p: 4 MiB the guest wrote reads back the same in the guest and on the host ($w, host $img)" /tmp/boot.out
check '! grep -a "^SHARE: symlink" /tmp/boot.out | grep -q SECRET && [ "$(cat /tmp/sh/outside/secret)" = SECRET-OUTSIDE ]' \
	"virtio-9p: symlinks out of the share (relative, absolute, /proc/self/root) lead nowhere in the guest" /tmp/boot.out
check 'grep -q "^SHARE: ro refuses writes: .*Read-only file system" /tmp/boot.out && grep -q "^SHARE: ro file '"'"'ro-file'"'"'" /tmp/boot.out && [ "$(ls -la /tmp/sh/ro | md5sum)" = "$ro_before" ]' \
	"virtio-9p: a read-only share reads, refuses writes with EROFS and stays unchanged" /tmp/boot.out
check 'grep -q "^SELFTEST: PASS" /tmp/boot.out' "the guest's self-test passes" /tmp/boot.out
if bad=$(guest_bad /tmp/boot.out); then
	nok "the guest kernel's log is clean"
	printf '%s\n' "$bad" | diag
else
	ok "the guest kernel's log is clean"
fi
echo "# guest boot + self-test took $(awk "BEGIN{print $(cut -d' ' -f1 /proc/uptime) - $t0}") s in the rig"

# Across boots and kills (initramfs/disktest).  First a file and its
# sha256 go onto the first of two disks, synced, and the guest powers off:
# the host finds the file in the image, identical, and the next boot reads
# it back too.  The second disk, read-only, holds ext4: the guest mounts
# it read-only, reads it, and a write fails with EROFS; its image stays the same.
dd if=/dev/zero of=/tmp/p.img bs=1048576 count=16 2>/dev/null
cp /guest/ro.ext4 /tmp/ro.img
sum_ro=$(sha256sum </tmp/ro.img)
/bin/timeout 300 $L --initrd=$I --disk=/tmp/p.img --disk=/tmp/ro.img,ro 64m $K \
	lguest.disktest=persist-write >/tmp/pw.out 2>&1
rc=$?
sed 's/^/RIG:   /' /tmp/pw.out
w=$(sed -n 's/^PERSIST: wrote \([0-9a-f]*\).*/\1/p' /tmp/pw.out | tr -d '\r')
rm -rf /tmp/pback && mkdir /tmp/pback
dd if=/tmp/p.img bs=512 skip=$((11 * 2048)) count=4096 2>/dev/null | tar -xf - -C /tmp/pback 2>/dev/null
h=$(sha256sum </tmp/pback/file 2>/dev/null | cut -d' ' -f1)
check '[ $rc = 0 ] && [ -n "$w" ] && [ "$h" = "$w" ] && (cd /tmp/pback && sha256sum -c file.sha256 >/dev/null)' \
	"a file and its sha256 written and synced in the guest are in the image, identical (guest $w, host $h)" /tmp/pw.out
/bin/timeout 300 $L --initrd=$I --disk=/tmp/p.img 64m $K lguest.disktest=persist-read >/tmp/pr.out 2>&1
rc=$?
sed 's/^/RIG:   /' /tmp/pr.out
check '[ $rc = 0 ] && grep -q "^PERSIST: read $w file: OK" /tmp/pr.out' \
	"a second boot reads the file back and its sha256 checks" /tmp/pr.out
e=$(sed -n 's/^EROFS: touch: //p' /tmp/pw.out | tr -d '\r')
check 'grep -q "^EROFS: mounted ro" /tmp/pw.out && grep -q "^EROFS: read hello from ext4" /tmp/pw.out &&
	case "$e" in *"Read-only file system"*) true ;; *) false ;; esac' \
	"the read-only disk's ext4 mounts read-only, reads, and a write fails: '$e'" /tmp/pw.out
check '[ "$(sha256sum </tmp/ro.img)" = "$sum_ro" ]' "the read-only disk's image is byte-identical after" /tmp/pw.out
rm -rf /tmp/p.img /tmp/ro.img /tmp/pback

# -x: the guest writes 100 MB to a disk behind a throwaway overlay in
# TMPDIR and powers off: the base image is unchanged, TMPDIR empty.
dd if=/dev/zero of=/tmp/base.img bs=1 count=0 seek=134217728 2>/dev/null
head -c 65536 /dev/urandom | dd of=/tmp/base.img conv=notrunc 2>/dev/null
sum_base=$(sha256sum </tmp/base.img)
rm -rf /tmp/ovl && mkdir /tmp/ovl
TMPDIR=/tmp/ovl /bin/timeout 600 $L -x --initrd=$I --disk=/tmp/base.img 128m $K \
	lguest.disktest=fill >/tmp/fill.out 2>&1
rc=$?
sed 's/^/RIG:   /' /tmp/fill.out
l=$(sed -n 's/^FILL: done //p' /tmp/fill.out | tr -d '\r')
check '[ $rc = 0 ] && case "$l" in "100 MB, last MiB "*) a=${l#*MiB } a=${a%% *} b=${l##*written } b=${b%)}; [ "$a" = "$b" ] ;; *) false ;; esac' \
	"-x: the guest writes 100 MB and reads its last MiB back ($l)" /tmp/fill.out
check '[ "$(sha256sum </tmp/base.img)" = "$sum_base" ] && [ -z "$(ls -A /tmp/ovl)" ]' \
	"-x: after 100 MB of writes the base image's sha256 is unchanged and TMPDIR is empty" /tmp/fill.out
# The same, with the launcher killed (-9) in the middle of the writes.
kill9_at "^FILL: 30 MB" /tmp/fill9.out env TMPDIR=/tmp/ovl $L -x --initrd=$I --disk=/tmp/base.img 128m $K lguest.disktest=fill
rc=$?
check '[ $rc = 137 ] && grep -q "^FILL: 30 MB" /tmp/fill9.out && ! grep -q "^FILL: done" /tmp/fill9.out &&
	[ "$(sha256sum </tmp/base.img)" = "$sum_base" ] && [ -z "$(ls -A /tmp/ovl)" ]' \
	"-x: kill -9 in the middle of the writes (exit $rc): base image unchanged, TMPDIR empty" /tmp/fill9.out
rm -f /tmp/base.img

# What the guest wrote and synced survives a kill -9 of the launcher.
dd if=/dev/zero of=/tmp/s.img bs=1048576 count=16 2>/dev/null
kill9_at "^SYNCED: " /tmp/synced.out $L --initrd=$I --disk=/tmp/s.img 64m $K lguest.disktest=synced
rc=$?
w=$(sed -n 's/^SYNCED: //p' /tmp/synced.out | tr -d '\r')
h=$(dd if=/tmp/s.img bs=1048576 skip=9 count=1 2>/dev/null | md5sum | cut -d' ' -f1)
check '[ $rc = 137 ] && [ -n "$w" ] && [ "$w" = "$h" ]' \
	"1 MiB written and synced, then kill -9 (exit $rc): it is in the image (guest $w, image $h)" /tmp/synced.out
rm -f /tmp/s.img

# Integrity under load: blkcheck (tests/tools/) writes and reads back
# random extents of 4 KiB to 256 KiB over the whole of a 64 MiB disk from
# four threads (requests in flight together), checking every block, then
# reads everything back once more: no mismatch allowed.
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
dd if=/dev/zero of=/tmp/v.img bs=1 count=0 seek=67108864 2>/dev/null
/bin/timeout 900 $L --initrd=/guest/initrd-blk.gz --disk=/tmp/v.img 128m $K \
	lguest.disktest=verify:8000:$seed >/tmp/verify.out 2>&1
rc=$?
sed 's/^/RIG:   /' /tmp/verify.out
b=$(sed -n 's/^BLKCHECK: //p' /tmp/verify.out | tr -d '\r')
check '[ $rc = 0 ] && case "$b" in *", 0 mismatches") true ;; *) false ;; esac' \
	"random I/O of mixed sizes, 4 threads over the whole disk, verified: $b" /tmp/verify.out
rm -f /tmp/v.img

# Console input: a shell on hvc0 reads what we type, once it is there
# (like a person, we wait for the prompt).
rm -f /tmp/in /tmp/shell.out
mkfifo /tmp/in
: >/tmp/shell.out
(
	i=0
	while ! grep -q '/ # ' /tmp/shell.out && [ $i -lt 240 ]; do sleep 1; i=$((i + 1)); done
	sleep 1
	printf 'echo "typed-into-the-guest $((6 * 7))"\n'
	sleep 3
	printf 'poweroff\n'
	sleep 60
) >/tmp/in &
w=$!
/bin/timeout 180 $L --initrd=$I 64m $K </tmp/in >/tmp/shell.out 2>&1
rc=$?
kill $w 2>/dev/null
echo "RIG: shell -> $rc"
check '[ $rc = 0 ] && grep -q "typed-into-the-guest 42" /tmp/shell.out' \
	"the default guest gives a shell on its console; 'poweroff' there exits 0 (got $rc)" /tmp/shell.out

# A panic: its text is shown and the launcher exits 4.
# (No init to run: the kernel panics "Requested init ... failed".)
/bin/timeout 180 $L --initrd=$I 64m $K rdinit=/no/such/init init=/no/such/init >/tmp/panic.out 2>&1
rc=$?
echo "RIG: panic -> $rc"
check '[ $rc = 4 ] && grep -q "Kernel panic - not syncing" /tmp/panic.out && grep -q "lguest: guest kernel panicked: " /tmp/panic.out' \
	"a guest panic shows the panic and the launcher exits 4 (got $rc)" /tmp/panic.out

# reboot: with --reboot-exit the launcher exits 2 ...
/bin/timeout 180 $L --reboot-exit --initrd=$I 64m $K lguest.reboot >/tmp/reboot.out 2>&1
rc=$?
echo "RIG: reboot-exit -> $rc"
check '[ $rc = 2 ] && grep -q "lguest: guest asked to restart" /tmp/reboot.out' \
	"guest reboot with --reboot-exit: the launcher exits 2 (got $rc)" /tmp/reboot.out
# ... and without it the guest starts again in place.
/bin/timeout 240 $L --initrd=$I 64m $K lguest.reboot=once >/tmp/restart.out 2>&1
rc=$?
echo "RIG: restart -> $rc"
n=$(grep -c "lguest guest up" /tmp/restart.out)
check '[ $rc = 0 ] && [ "$n" = 2 ] && grep -q "lguest: restarting the guest" /tmp/restart.out' \
	"guest reboot: the launcher starts it again in place (booted $n times, exit $rc)" /tmp/restart.out

# Named guests: two started in the background by root, listed (as JSON
# too) and not to another user; a console attached from "another
# terminal" types into one and reads its answer, and detaching leaves it
# running; the power button stops the other in order within 10 s with
# exit status 0 (its console shows the shutdown); a guest that ignores
# the button (the spin test guest) is ended by --force.
$L --name=alpha --detach --initrd=$I 64m $K >/tmp/alpha.out 2>&1
ra=$?
$L --name=beta --detach --initrd=$I 64m $K >/tmp/beta.out 2>&1
rb=$?
sed 's/^/RIG:   /' /tmp/alpha.out /tmp/beta.out
$L --name=alpha --initrd=$I 64m $K >/tmp/clash.out 2>&1
rcl=$?
check '[ $ra = 0 ] && [ $rb = 0 ] && grep -q "guest .alpha. is running" /tmp/alpha.out && [ $rcl = 1 ] && grep -q "running already" /tmp/clash.out' \
	"--detach starts two named guests and returns; a third with a name in use is refused (exit $ra $rb $rcl)" /tmp/clash.out
$L list >/tmp/list.out 2>&1
$L list --json >/tmp/list.json 2>&1
/runas 1000 $L list >/tmp/list-other.out 2>&1
cat /tmp/list.out /tmp/list.json /tmp/list-other.out | sed 's/^/RIG:   /'
check 'grep -q "^alpha .* 64M .* running" /tmp/list.out && grep -q "^beta .* 64M .* running" /tmp/list.out && grep -q "\"name\":\"alpha\"" /tmp/list.json && grep -q "\"name\":\"beta\"" /tmp/list.json && ! grep -q "alpha\|beta" /tmp/list-other.out' \
	"lguest list shows both (and --json), another user's list neither" /tmp/list.out
# Typed once the guest's shell is up (the console replays what it printed).
(
	i=0
	while ! grep -q '/ # ' /tmp/con.out 2>/dev/null && [ $i -lt 240 ]; do sleep 1; i=$((i + 1)); done
	sleep 1
	printf 'echo "through-lguest-console $((6 * 7))"\n'
	sleep 5
) | /bin/timeout 300 $L console alpha >/tmp/con.out 2>&1
rcc=$?
$L list >/tmp/list2.out 2>&1
check '[ $rcc = 0 ] && grep -q "through-lguest-console 42" /tmp/con.out && grep -q "^alpha .* running" /tmp/list2.out' \
	"lguest console: input reaches the guest, its output comes back, and detaching leaves it running (exit $rcc)" /tmp/con.out
sleep 60 | /bin/timeout 120 $L console beta >/tmp/beta.con 2>&1 &
cw=$!
sleep 3
t0=$(date +%s)
/bin/timeout 60 $L stop beta >/tmp/stop.out 2>&1
rs=$?
t1=$(date +%s)
sleep 1
kill $cw 2>/dev/null
cat /tmp/stop.out | sed 's/^/RIG:   /'
check '[ $rs = 0 ] && [ $((t1 - t0)) -le 10 ] && grep -q "powered off (exit status 0)" /tmp/stop.out && grep -q "power button pressed" /tmp/beta.con && grep -q "The system is going down" /tmp/beta.con && ! $L list | grep -q "^beta "' \
	"lguest stop: the power button powers the guest off in order in $((t1 - t0)) s, exit status 0 (got $rs)" /tmp/beta.con
/bin/timeout 60 $L stop alpha >/tmp/stop2.out 2>&1
rs2=$?
$L --name=spinner --detach 64m /guests/spin >/tmp/spin.out 2>&1
/bin/timeout 60 $L stop --timeout=3 spinner >/tmp/stop3.out 2>&1
rs3=$?
$L --name=spinner2 --detach 64m /guests/spin >/tmp/spin2.out 2>&1
/bin/timeout 60 $L stop --force spinner2 >/tmp/stop4.out 2>&1
rs4=$?
cat /tmp/stop2.out /tmp/stop3.out /tmp/stop4.out | sed 's/^/RIG:   /'
check '[ $rs2 = 0 ] && [ $rs3 = 3 ] && grep -q "did not power off within 3 s" /tmp/stop3.out && [ $rs4 = 3 ] && grep -q "ended by force" /tmp/stop4.out && [ -z "$($L list | sed 1d)" ]' \
	"lguest stop: a guest that ignores the button is ended after --timeout, or at once with --force (exit $rs2 $rs3 $rs4)" /tmp/stop4.out

# Least privilege: as root with --user and --chroot, the launcher runs the
# guest as that user inside that directory once set up; as root without
# them, with no capability left; either way with no new privileges, and
# without a descriptor its caller left open (7 here, on /tmp/inherited).
rm -rf /tmp/jail && mkdir -p /tmp/jail
: >/tmp/inherited
(exec 7</tmp/inherited; $L --name=jailed --detach --user=65534:65534 --chroot=/tmp/jail --initrd=$I 64m $K >/tmp/jail.out 2>&1)
(exec 7</tmp/inherited; $L --name=rootless --detach --initrd=$I 64m $K >/tmp/rootless.out 2>&1)
pj=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' /tmp/jail.out)
pr=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' /tmp/rootless.out)
sleep 2
uj=$(sed -n 's/^Uid:[[:space:]]*//p' /proc/$pj/status 2>/dev/null | tr -s ' \t' '  ')
gj=$(sed -n 's/^Gid:[[:space:]]*//p' /proc/$pj/status 2>/dev/null | tr -s ' \t' '  ')
rj=$(readlink /proc/$pj/root 2>/dev/null)
nj=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/$pj/status 2>/dev/null)
cr=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/$pr/status 2>/dev/null)
cb=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/$pr/status 2>/dev/null)
leak=$(for p in $pj $pr; do for f in /proc/$p/fd/*; do readlink $f; done; done | grep -c inherited)
echo "RIG: jailed pid $pj: Uid $uj, Gid $gj, root $rj, NoNewPrivs $nj; rootless pid $pr: CapEff $cr, CapBnd $cb; the inherited file open $leak times"
cat /tmp/jail.out /tmp/rootless.out | sed 's/^/RIG:   /'
check '[ "$uj" = "65534 65534 65534 65534" ] && [ "$gj" = "65534 65534 65534 65534" ] && [ "$rj" = /tmp/jail ] && [ "$nj" = 1 ]' \
	"--user=65534:65534 --chroot=DIR: the guest runs as that user in DIR, with no new privileges (Uid $uj, root $rj)" /tmp/jail.out
check '[ "$cr" = 0000000000000000 ] && [ "$cb" = 0000000000000000 ] && [ "$leak" = 0 ]' \
	"as root without --user: no capability left, none in the bounding set; a descriptor the caller left open is closed (CapEff $cr)" /tmp/rootless.out
/bin/timeout 60 $L stop jailed >/tmp/stopj.out 2>&1
rsj=$?
/bin/timeout 60 $L stop rootless >/tmp/stopr.out 2>&1
rsr=$?
check '[ $rsj = 0 ] && [ $rsr = 0 ]' "the dropped launchers still power off on lguest stop (exit $rsj $rsr)" /tmp/stopj.out
/runas 1000 $L --user=nobody 64m $K >/tmp/notroot.out 2>&1
rn=$?
check '[ $rn = 1 ] && grep -q "need the launcher to start as root" /tmp/notroot.out' \
	"--user without root is refused, naming the fix (exit $rn)" /tmp/notroot.out

# Issue 16's fast paths, taken by Linux itself: its system calls go from
# its user mode to its kernel without leaving the guest (Tour 375), and a
# fault copies the valid entries around the faulting one (Tour 362).
# microbench (initrd-blk.gz) runs a tenth of each
# workload while we read the exit counters around it.
. "${0%/*}/mbsnap.sh"
mb_snap /tmp/mbs.out --initrd=/guest/initrd-blk.gz $MEM $K lguest.microbench=syscall,pipe,hackbench
rc=$?
ops=$(tr -d '\r' </tmp/mbs.out | sed -n 's/^MB: syscall .* \([0-9]*\)$/\1/p')
rt=$(mb_delta /tmp/mbs.out syscall other_traps) ex=$(mb_delta /tmp/mbs.out syscall exits)
echo "# linux guest: ${ops:-?} system calls, ${ex:-?} exits meanwhile, ${rt:-?} of them traps reflected to the guest" >"$RES"
check '[ $rc = 0 ] && [ -n "$ops" ] && [ -n "$rt" ] && [ "$ops" -ge 10000 ] && [ $((rt * 100)) -lt "$ops" ] && [ $((ex * 2)) -lt "$ops" ]' \
	"Linux's system calls do not leave the guest (${ops:-?} calls: ${ex:-?} exits, ${rt:-?} reflected traps)" /tmp/mbs.out
# Context switches (guest patches 0007 and 0008): the kernel stack for
# traps from user mode is the per-CPU entry stack, named once, so a switch
# hands the host no stack (LHCALL_SET_STACK, hypercall 7); and the guest
# remembers which of its many address spaces it left unchanged, so the
# host keeps their shadows across hackbench's 80 processes.  A switch to a
# shadow kept whole, with nothing queued, stays in the Switcher (Tour 325):
# a pipe round trip's two switches leave the guest no more.
po=$(tr -d '\r' </tmp/mbs.out | sed -n 's/^MB: pipe .* \([0-9]*\)$/\1/p')
sp=$(mb_delta /tmp/mbs.out pipe hypercall_7) shk=$(mb_delta /tmp/mbs.out hackbench hypercall_7)
hs=$(mb_delta /tmp/mbs.out hackbench hypercall_4) hk=$(mb_delta /tmp/mbs.out hackbench pgdir_kept)
hf=$(mb_delta /tmp/mbs.out hackbench pgdir_fast) hx=$(mb_delta /tmp/mbs.out hackbench exits)
pf=$(mb_delta /tmp/mbs.out pipe pgdir_fast) px=$(mb_delta /tmp/mbs.out pipe exits)
p4=$(mb_delta /tmp/mbs.out pipe hypercall_4)
echo "# linux guest: LHCALL_SET_STACK ${sp:-?} times over ${po:-?} pipe round trips, ${shk:-?} over hackbench; hackbench switched page tables ${hs:-?} times through the host, keeping its copy ${hk:-?} times, and ${hf:-?} times in the Switcher (${hx:-?} exits)" >"$RES"
echo "# linux guest: ${po:-?} pipe round trips: ${pf:-?} switches in the Switcher, ${px:-?} exits" >"$RES"
check '[ -n "$po" ] && [ "$po" -gt 0 ] && [ "$sp" = 0 ] && [ "$shk" = 0 ]' \
	"a context switch names no kernel stack to the host (LHCALL_SET_STACK ${sp:-?} times over ${po:-?} pipe round trips, ${shk:-?} over hackbench)" /tmp/mbs.out
check '[ -n "$hs" ] && [ -n "$hk" ] && [ -n "$hf" ] && [ $((hs + hf)) -gt 100 ] && [ $(((hk + hf) * 3)) -ge $(((hs + hf) * 2)) ]' \
	"hackbench's 80 processes keep their shadow page tables across most switches ($((${hk:-0} + ${hf:-0})) of $((${hs:-0} + ${hf:-0})); a third before)" /tmp/mbs.out
# Counted by where the switches went, not by all exits: the timer's and
# the idle pauses' exits over the workload grow with a slower host.
check '[ -n "$pf" ] && [ -n "$p4" ] && [ "$pf" -ge "$po" ] && [ $((p4 * 10)) -lt "$po" ] && [ $((hf * 2)) -ge "$hs" ]' \
	"switches to a kept shadow stay in the Switcher (pipe: ${pf:-?} for ${po:-?} round trips, ${p4:-?} through the host, 2 per trip before; ${px:-?} exits in all; hackbench: ${hf:-?}, ${hs:-?} through the host)" /tmp/mbs.out
# Prefetch: fork+exec's new processes fault in pages Linux already mapped
# for them; with their neighbours copied too, the shadow faults fall.
for pf in 0 1; do
	echo $pf >/sys/module/lg/parameters/prefetch
	mb_snap /tmp/mbf$pf.out --initrd=/guest/initrd-blk.gz $MEM $K lguest.microbench=fork-exec,cow
	eval "sf$pf=\$(mb_delta /tmp/mbf$pf.out fork-exec shadow_faults)"
	eval "pr$pf=\$(mb_delta /tmp/mbf$pf.out fork-exec prefetched)"
	eval "cs$pf=\$(mb_delta /tmp/mbf$pf.out cow shadow_faults)"
	eval "cr$pf=\$(mb_delta /tmp/mbf$pf.out cow refilled)"
	eval "cx$pf=\$(mb_delta /tmp/mbf$pf.out cow exits)"
	eval "cd$pf=\$(mb_delta /tmp/mbf$pf.out cow pf_direct)"
	eval "cg$pf=\$(mb_delta /tmp/mbf$pf.out cow guest_faults)"
done
co=$(tr -d '\r' </tmp/mbf1.out | sed -n 's/^MB: cow .* \([0-9]*\)$/\1/p')
echo "# linux guest, fork+exec: ${sf0:-?} shadow faults without prefetch, ${sf1:-?} with (${pr1:-?} entries prefetched)" >"$RES"
# Under the host's CR4 (Tour 255): Linux asks for it, so every entry after
# boot keeps the host's SMEP, SMAP and UMIP and writes CR4 only for PGE;
# its own paths set EFLAGS.AC, so the host's SMAP fix-ups stay rare.
fx=$(mb_delta /tmp/mbf1.out fork-exec exits) hc=$(mb_delta /tmp/mbf1.out fork-exec host_cr4_entries)
sm=$(mb_delta /tmp/mbf1.out fork-exec smap_fixups)
echo "# linux guest, fork+exec: ${fx:-?} exits, ${hc:-?} entries under the host's CR4, ${sm:-?} SMAP fix-ups" >"$RES"
# The debugfs file shows exits before entries and is read while the guest
# runs (its idle ticks go on in the pause): a round trip or two may fall
# between the two lines of one snapshot (once, 3033 entries for 3035
# exits).  Without the host's CR4, entries under it would be none.
check '[ -n "$fx" ] && [ -n "$hc" ] && [ -n "$sm" ] && [ "$fx" -gt 0 ] && [ $((hc + 4)) -ge "$fx" ] && [ $((sm * 10)) -lt "$fx" ]' \
	"Linux runs under the host's SMEP, SMAP and UMIP: every entry (${hc:-?} for ${fx:-?} exits), ${sm:-?} SMAP fix-ups" /tmp/mbf1.out
check '[ -n "$sf0" ] && [ -n "$sf1" ] && [ "${pr0:-1}" = 0 ] && [ "${pr1:-0}" -gt 0 ] && [ $((sf1 * 4)) -lt $((sf0 * 3)) ]' \
	"prefetch: fork+exec takes under 3/4 of the shadow faults (${sf0:-?} -> ${sf1:-?})" /tmp/mbf1.out
# Refill on a flush (Tour 363, guest patch 0011): a copy-on-write fault's
# flush copies the new entry, so the write that follows does not fault
# again (the microbenchmark checks that parent and child kept their own).
echo "# linux guest, copy-on-write: ${co:-?} copies, ${cx0:-?} exits and ${cs0:-?} shadow faults without prefetch; ${cx1:-?} and ${cs1:-?} with, ${cr1:-?} entries refilled" >"$RES"
check '[ -n "$co" ] && [ -n "$cr1" ] && [ -n "$cs0" ] && [ -n "$cs1" ] && [ "${cr0:-1}" = 0 ] && [ $((cr1 * 4)) -ge $((co * 3)) ] && [ $((cs1 + co / 2)) -le "$cs0" ]' \
	"copy-on-write: the flush refills the new entry, no second fault (${cr1:-?} refills for ${co:-?} copies; shadow faults ${cs0:-?} -> ${cs1:-?})" /tmp/mbf1.out
# Direct page faults (Tour 327, guest patch 0012): the child's writes to
# pages it shares copy-on-write are protection faults that the Switcher
# sends straight to Linux; the host sees the first of each block of 16,
# and keeps the entries around it (Tour 378, with prefetch on).
echo "# linux guest, copy-on-write: ${cd1:-?} faults sent by the Switcher, ${cg1:-?} by the host, for ${co:-?} copies" >"$RES"
check '[ -n "$co" ] && [ -n "$cd1" ] && [ -n "$cg1" ] && [ $((cd1 * 4)) -ge $((co * 3)) ] && [ $((cg1 * 4)) -lt "$co" ]' \
	"copy-on-write faults go from the Switcher straight to Linux (${cd1:-?} of ${co:-?}; ${cg1:-?} through the host)" /tmp/mbf1.out
# Anonymous fault-around (guest patch 0010): writing fresh anonymous pages
# one after another faults once per block of 16, which the host's prefetch
# then shadows whole; anon_fault_around=1 turns it off: once per page.
for fa in 16 1; do
	mb_snap /tmp/mba$fa.out --initrd=/guest/initrd-blk.gz $MEM $K lguest.microbench=fault anon_fault_around=$fa
	eval "ao$fa=\$(tr -d '\r' </tmp/mba$fa.out | sed -n 's/^MB: fault .* \([0-9]*\)$/\1/p')"
	eval "ag$fa=\$(mb_delta /tmp/mba$fa.out fault guest_faults)"
	eval "ax$fa=\$(mb_delta /tmp/mba$fa.out fault exits)"
done
echo "# linux guest, fresh anonymous pages: ${ao16:-?} written with ${ag16:-?} guest faults and ${ax16:-?} exits; ${ao1:-?} with ${ag1:-?} and ${ax1:-?} when anon_fault_around=1" >"$RES"
check '[ -n "$ao16" ] && [ -n "$ag16" ] && [ -n "$ag1" ] && [ -n "$ax16" ] && [ -n "$ax1" ] && [ $((ag16 * 8)) -lt "$ao16" ] && [ $((ag1 * 2)) -gt "$ao1" ] && [ $((ax16 * 2)) -lt "$ax1" ]' \
	"anonymous fault-around: a fault per 16 fresh pages, not per page (${ag16:-?} guest faults for ${ao16:-?} pages; ${ag1:-?} when off), under half the exits (${ax16:-?} vs ${ax1:-?})" /tmp/mba16.out

# The Debian image, where this host has it as its disk (tests 50 and 51;
# the debug host's run, 72, has no disk).
if [ -d /modules ]; then
	"${0%/*}/debian.sh"
else
	echo "# this host has no Debian disk: tests 50 and 51 boot it" >"$RES"
fi

rmmod lg && ok "rmmod lg after the guests" || nok "rmmod lg after the guests"
