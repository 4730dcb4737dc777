# e2e_run FLAVOUR TEST [TIMEOUT]: boot Debian's stock FLAVOUR kernel under
# QEMU with an initramfs holding lg.ko (built for FLAVOUR), the launcher,
# the guest vmlinux and initramfs and tests/e2e/TEST, run TEST there, and
# print TAP: the
# test's own results, then the rig's checks of the boot itself.
# RIG_APPEND adds words to the host's kernel command line, for the test
# to read from /proc/cmdline (e.g. devfuzz.seconds=600).  RIG_EXTRA
# names files for a one-off experiment, copied to the host's /extra.
# shellcheck shell=sh
. "${RIG_TOP:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib/rig.sh"
. "$RIG_TOP/tests/lib/tap.sh"

e2e_run() {
	flavour=$1 test=$2 tmo=${3:-180}
	kk=$(rig_kernel "$flavour") || { echo "Bail out! no $flavour host kernel"; exit 1; }
	kernel=${kk% *} krel=${kk#* }
	# The guest's page tables have the host's format: PAE on a PAE host
	# (the debug host is one).
	case $flavour in *-pae|debug) gv=pae ov= ;; *) gv= ov=pae ;; esac
	guest=$("$RIG_TOP/scripts/build-guest.sh" $gv) || { echo "Bail out! no guest kernel"; exit 1; }
	other=$("$RIG_TOP/scripts/build-guest.sh" $ov) || { echo "Bail out! no guest kernel"; exit 1; }
	ko=$RIG_BUILD/$flavour/module/lg.ko
	# The debug host and its lg.ko are built by the first test that
	# needs them (make test runs them beside the stock hosts' tests: Makefile).
	if [ "$flavour" = debug ]; then
		"$RIG_TOP/scripts/build-module.sh" debug >/dev/null ||
			{ echo "Bail out! lg.ko does not build for the debug host kernel"; exit 1; }
	fi
	# The tests' helper module (tests/kmod/lgprobe.c), beside lg.ko on
	# every host lg.ko serves.
	probe=
	[ "$flavour" = amd64 ] || probe=${ko%/module/lg.ko}/kmod/lgprobe.ko
	rig_need "$kernel" "$ko" $probe "$RIG_BUILD/launcher/lguest" "$RIG_BUILD/tools/blkcheck" \
		"$RIG_BUILD/tools/runas" "$RIG_BUILD/tools/devpoke" "$RIG_BUILD/tools/devfuzz" \
		"$guest/vmlinux"

	dir=$RIG_LOGS/$flavour-${test%.sh}
	rm -rf "$dir"
	mkdir -p "$dir"
	root=$dir/root
	rig_rootfs "$root"
	# Our timeout(1) beside busybox's: the tests call /bin/timeout, since
	# busybox's shell runs its own applet for a plain "timeout"
	# (tests/tools/timeout.c says why).
	cp "$RIG_BUILD/tools/timeout" "$root/bin/timeout"
	mkdir -p "$root/tests" "$root/guest"
	cp "$RIG_TOP/tests/e2e/host-init.sh" "$root/init"
	# All of them: a test may run others in the same boot (hardening.sh).
	cp "$RIG_TOP"/tests/e2e/*.sh "$RIG_TOP/tests/lib/tap.sh" "$root/tests/"
	cp "$ko" $probe "$RIG_BUILD/launcher/lguest" "$RIG_BUILD/tools/runas" "$RIG_BUILD/tools/devpoke" \
		"$RIG_BUILD/tools/devfuzz" "$root/"
	cp "$guest/vmlinux" "$root/guest/vmlinux"
	cp "$other/vmlinux" "$root/guest/vmlinux-other"
	if [ -f "$RIG_BUILD/guest/initrd.gz" ]; then
		cp "$RIG_BUILD/guest/initrd.gz" "$root/guest/initrd.gz"
		# The same with blkcheck, microbench and hackbench added (a second cpio
		# after the first, which the kernel unpacks over it), for the
		# disk workload and the benchmarks.
		mkdir -p "$dir/blk/bin"
		cp "$RIG_BUILD/tools/blkcheck" "$RIG_BUILD/tools/microbench" "$dir/blk/bin/"
		# Debian's hackbench and its C library (fetch-i386.sh), for
		# microbench here and on the host below.
		bench=$("$RIG_TOP/scripts/fetch-i386.sh")/bench
		cp -a "$bench/." "$dir/blk/"
		cp -a "$bench/." "$root/"
		{ cat "$RIG_BUILD/guest/initrd.gz"; (cd "$dir/blk" && find . | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet | gzip -1); } >"$root/guest/initrd-blk.gz"
	fi
	# A small ext4 filesystem with one file, for the read-only disk checks
	# (linux.sh): made here, since this host has no mke2fs -d.
	mkdir -p "$dir/ext4src"
	echo "hello from ext4" >"$dir/ext4src/hello"
	mke2fs -q -t ext4 -d "$dir/ext4src" "$root/guest/ro.ext4" 4M ||
		{ echo "Bail out! mke2fs -d failed (e2fsprogs)"; exit 1; }
	# Files for a one-off experiment (RIG_EXTRA="FILE..."), in /extra.
	if [ -n "${RIG_EXTRA:-}" ]; then
		mkdir -p "$root/extra"
		cp $RIG_EXTRA "$root/extra/"
	fi
	# User-Mode Linux, the peer make bench measures (scripts/bench.sh).
	# Stripped: its symbols are most of its 45 MB.
	[ -z "${RIG_UML:-}" ] || strip -o "$root/uml" "$RIG_UML"
	# The guest's self-test, for the host to run too (make bench).
	cp "$RIG_TOP/initramfs/selftest" "$root/selftest"
	if [ -d "$RIG_BUILD/guests" ]; then
		mkdir -p "$root/guests"
		find "$RIG_BUILD/guests" -maxdepth 1 -type f ! -name '*.o' -exec cp {} "$root/guests/" \;
	fi
	cp "$RIG_BUILD/tools/speedloop" "$RIG_BUILD/tools/fpuloop" "$RIG_BUILD/tools/blkcheck" \
		"$RIG_BUILD/tools/microbench" \
		"$RIG_BUILD/tools/netsink" "$RIG_BUILD/tools/mktap" \
		"$RIG_BUILD/tools/lguest-wrongabi" "$RIG_BUILD/tools/irqlaunch" \
		"$RIG_BUILD/tools/mmiolaunch" "$root/"
	# Any 64-bit ELF will do for the wrong-class check: this machine's own.
	cp /bin/true "$root/tests/elf64"
	# The stock host's network modules, for the network tests.
	if [ "$flavour" != debug ]; then
		md=${kernel%/boot/*}/lib/modules/$krel/kernel
		mkdir -p "$root/modules"
		for m in drivers/net/tun drivers/net/dummy net/llc/llc net/802/stp net/bridge/bridge; do
			cp "$md/$m.ko" "$root/modules/" ||
				{ echo "Bail out! no $m.ko for $krel"; exit 1; }
		done
	fi
	# The network tests' programs (net.sh, bench.sh, and debian.sh where
	# the host has the Debian image): lguest-slirp beside the launcher,
	# passt and iperf3 with the shared libraries they need, and iperf3 for
	# the guests, to append to their initramfs.
	case $test:${RIG_DISK:+disk} in
	net.sh:* | bench.sh:* | *:disk)
		p=$("$RIG_TOP/scripts/fetch-nettools.sh") ||
			{ echo "Bail out! no i386 passt, libslirp0 and iperf3"; exit 1; }
		cp -a "$p/usr" "$p/lib" "$root/"
		cat "$RIG_BUILD/guest/initrd.gz" "$p/guest.cpio.gz" >"$root/guest/initrd-net.gz"
		cp "$RIG_BUILD/launcher/lguest-slirp" "$root/"
		;;
	esac
	# RIG_DISK: an image for this host's own virtio disk (/dev/vda here,
	# QEMU's snapshot keeps the file unchanged), with the stock modules
	# that drive it (Debian builds virtio as modules).
	qargs=
	if [ -n "${RIG_DISK:-}" ]; then
		md=${kernel%/boot/*}/lib/modules/$krel/kernel/drivers
		mkdir -p "$root/modules"
		for m in virtio/virtio virtio/virtio_ring virtio/virtio_pci_modern_dev \
			virtio/virtio_pci_legacy_dev virtio/virtio_pci block/virtio_blk; do
			cp "$md/$m.ko" "$root/modules/" ||
				{ echo "Bail out! no $m.ko for $krel"; exit 1; }
		done
		# ext4, for make bench to mount it here (debench.sh).
		for m in lib/crc16 fs/mbcache fs/jbd2/jbd2 crypto/crc32c_generic fs/ext4/ext4; do
			cp "${md%/drivers}/$m.ko" "$root/modules/" ||
				{ echo "Bail out! no $m.ko for $krel"; exit 1; }
		done
		qargs="-drive file=$RIG_DISK,format=raw,if=virtio,snapshot=on"
	fi
	# make bench's build workload: the launcher's sources (debench.sh).
	[ -z "${RIG_DISK:-}" ] ||
		tar -C "$RIG_TOP" -cf "$root/benchsrc.tar" launcher include
	rig_initramfs "$root" "$dir/initrd.gz"

	got=$(modinfo -F vermagic "$ko")
	[ "${got%% *}" = "$krel" ] && ok "lg.ko vermagic is for $krel ($got)" ||
		nok "lg.ko vermagic '$got' is for '$krel'"

	# RIG_MCE=N: machine checks injected while the test runs
	# (rig_mce_inject); the test reads N from rig_mce= on its command line.
	mce= injector=
	if [ -n "${RIG_MCE:-}" ]; then
		RIG_MON=$dir/monitor
		mkfifo "$RIG_MON.in" "$RIG_MON.out"
		qargs="$qargs -chardev pipe,id=mce,path=$RIG_MON -mon chardev=mce,mode=readline"
		mce="rig_mce=$RIG_MCE"
		rig_mce_inject "$dir/results.log" "$RIG_MCE" &
		injector=$!
	fi
	start=$(date +%s)
	RIG_QEMU_ARGS="$qargs ${RIG_QEMU_ARGS:-}" \
		rig_boot "$kernel" "$dir/initrd.gz" "$(rig_cpu "$flavour")" "$tmo" \
		"$dir/console.log" "$dir/results.log" "rig_test=$test" $mce ${RIG_APPEND:-}
	rc=$?
	# An injector still waiting (the test never asked, or QEMU never
	# opened the monitor) goes with the boot.
	if [ -n "$injector" ]; then
		kill "$injector" $(cat "$RIG_MON.drain" 2>/dev/null) 2>/dev/null
		wait "$injector" 2>/dev/null
	fi
	secs=$(($(date +%s) - start))
	echo "# $flavour host booted with -cpu $(rig_cpu "$flavour"): qemu rc $rc after ${secs}s; logs in $dir"

	[ $rc = 0 ] && ok "qemu exited by itself (rc 0)" ||
		{ nok "qemu exited by itself (rc $rc$([ $rc = 124 ] && echo ', timed out after '"$tmo"'s'))"; rig_tail "$dir/console.log"; cat "$dir/console.log.qemu" | sed 's/^/#   /'
		  [ ! -f "$dir/console.log.hang" ] || { echo "# --- the hung host's CPUs (console.log.hang) ---"; grep -E -- '^(==|EIP|ESI|CR0)|->' "$dir/console.log.hang" | head -80 | sed 's/^/#   /'; }; }
	if grep -q "Linux version" "$dir/console.log" && grep -q "$krel" "$dir/console.log"; then
		ok "the $flavour host kernel $krel booted"
	else
		nok "the $flavour host kernel $krel booted"
	fi

	# The host must be the one we meant: SMEP and SMAP on both (-cpu max),
	# and on 686-pae also NX and page-table isolation.
	flags=$(sed -n 's/^# cpuflags: //p' "$dir/results.log" | tr -d '\r')
	want="smep smap umip"
	case $flavour in 686-pae|debug) want="$want nx pti" ;; esac
	missing=
	for f in $want; do
		case " $flags " in *" $f "*) ;; *) missing="$missing $f" ;; esac
	done
	[ -z "$missing" ] && ok "host CPU has: $want" ||
		nok "host CPU has: $want (missing:$missing)"
	if [ "$flavour" = 686-pae ] || [ "$flavour" = debug ]; then
		grep -q "Kernel/User page tables isolation: enabled" "$dir/console.log" &&
			ok "host runs with page-table isolation" ||
			nok "host runs with page-table isolation"
	fi

	# The test's own lines, renumbered.
	while IFS= read -r line; do
		tap_line "$(printf '%s' "$line" | tr -d '\r')"
	done <"$dir/results.log"
	if grep -q "^# rig done" "$dir/results.log"; then
		ok "$test ran to the end"
	else
		nok "$test ran to the end"
		rig_tail "$dir/console.log"
	fi
	if bad=$(rig_host_log_bad "$dir/console.log"); then
		nok "host log has no Oops/BUG/WARNING/general protection"
		printf '%s\n' "$bad" | head -20 | sed 's/^/#   /'
		rig_tail "$dir/console.log"
	else
		ok "host log has no Oops/BUG/WARNING/general protection"
	fi
	done_testing
}
