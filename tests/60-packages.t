#!/bin/sh
# The packages build from a clean copy of the tree (make packages),
# lintian --pedantic and rpmlint find nothing, and each package holds what
# it must: files, maintainer scripts/scriptlets, dependencies.
. "$(dirname "$0")/lib/rig.sh"
cd "$RIG_TOP" || exit 1
. "$RIG_TOP/tests/lib/tap.sh"
# check DESC TEXT PATTERN...: every grep -E PATTERN is found in TEXT.
check() {
	desc=$1 text=$2
	shift 2
	for pat; do
		if ! printf '%s\n' "$text" | grep -qE -- "$pat"; then
			nok "$desc: no match for '$pat'"
			printf '%s\n' "$text" | sed 's/^/#   /'
			return
		fi
	done
	ok "$desc"
}
# lacks DESC TEXT PATTERN: grep -E PATTERN is not in TEXT.
lacks() {
	if printf '%s\n' "$2" | grep -qE -- "$3"; then
		nok "$1: unexpected '$3'"
		printf '%s\n' "$2" | grep -E -- "$3" | sed 's/^/#   /'
	else
		ok "$1"
	fi
}

V=$(cat VERSION)
P=$RIG_BUILD/packages
log=$RIG_BUILD/packages.log
mkdir -p "$RIG_BUILD"
if scripts/build-packages.sh >"$log" 2>&1; then
	ok "make packages: .debs and .rpms built from a clean copy; lintian --pedantic and rpmlint clean"
else
	nok "make packages (log: $log)"
	tail -40 "$log" | sed 's/^/#   /'
	echo "Bail out! no packages to check"
	exit 1
fi
check "lintian --pedantic said nothing" "$(cat "$P/deb/lintian.log")" '^running with root|^$'
lacks "lintian --pedantic: no errors or warnings" "$(cat "$P/deb/lintian.log")" '^[EW]: '
check "the source package was built too (dpkg-buildpackage, native 3.0)" "$(ls "$P/deb")" \
	"^lguest_$V\.dsc\$" "^lguest_$V\.tar\.xz\$" "^lguest_${V}_i386\.changes\$"
check "the build ran in the i386 buildd chroot, as user builder, with its network cut off" \
	"$(grep -E '^dpkg-buildpackage: info: (source package|host architecture)|^builder:|^network:' "$P/deb/build.log")" \
	'host architecture i386' 'builder: uid=[0-9]+\(builder\)' 'network: unreachable'
check "rpmlint: 0 errors, 0 warnings" "$(cat "$P/rpm/rpmlint.log")" '0 errors, 0 warnings'

# Versions agree everywhere a user can see one.
# The module, the launcher and dkms.conf take it from VERSION when built;
# the package histories must have an entry for it.
check "debian/changelog and the spec's history are at VERSION ($V)" \
	"$(head -1 debian/changelog; grep '^Version:' rpm/lguest.spec)" \
	"^lguest \($V\)" "^Version: +$V\$"
lacks "no version is written into the sources" \
	"$(grep -n 'VERSION.*"[0-9][0-9]*\.[0-9][0-9]*"' module/*.[ch] module/x86/*.c launcher/*.[ch] dkms.conf)" '.'

deb=$P/deb
d=$deb/lguest-dkms_${V}_all.deb
check "lguest-dkms: arch all, depends on dkms with BUILD_EXCLUSIVE support" "$(dpkg-deb -f "$d" Architecture Depends)" \
	'^Architecture: all' 'dkms \(>= 3\.0\.3-4~\)'
check "lguest-dkms: module, ABI header, Switcher and dkms.conf under /usr/src/lguest-$V" "$(dpkg-deb -c "$d")" \
	"usr/src/lguest-$V/dkms.conf" "usr/src/lguest-$V/module/Kbuild" "usr/src/lguest-$V/module/core.c" \
	"usr/src/lguest-$V/include/lguest_abi.h" "usr/src/lguest-$V/switcher/switcher.S"
check "lguest-dkms: dkms.conf is 32-bit x86 only, AUTOINSTALL, version $V" "$(dpkg-deb --fsys-tarfile "$d" | tar -xO ./usr/src/lguest-$V/dkms.conf)" \
	"^PACKAGE_VERSION=\"$V\"" '^BUILD_EXCLUSIVE_CONFIG="CONFIG_X86_32"' '^AUTOINSTALL="yes"' '^BUILT_MODULE_NAME\[0\]="lg"'
check "lguest-dkms: postinst builds with DKMS, prerm removes" "$(dpkg-deb --ctrl-tarfile "$d" | tar -xO ./postinst ./prerm)" \
	'^DKMS_NAME=lguest$' "^DKMS_VERSION=$V\$" '/usr/lib/dkms/common\.postinst' 'dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all'
d=$deb/lguest_${V}_i386.deb
check "lguest: i386, depends on the same lguest-dkms, adduser, and (shlibs) i386 libc6, libelf1 and libslirp0" "$(dpkg-deb -f "$d" Architecture Depends Recommends)" \
	'^Architecture: i386' "lguest-dkms \(= $V\)" 'adduser' 'libc6 \(>= 2\.[0-9]+\)' 'libelf1 \(>= 0\.' 'libslirp0 \(>= 4' 'Recommends: lguest-guest, passt, debootstrap, e2fsprogs'
lacks "lguest: nothing is linked in statically, so no Built-Using" "$(dpkg-deb -f "$d" Built-Using)" '.'
check "lguest: launcher, its user-network helper, man page, udev rule, modules-load.d entry" "$(dpkg-deb -c "$d")" \
	'\./usr/bin/lguest$' '\./usr/lib/lguest/lguest-slirp$' './usr/bin/lguest-mkimage$' 'usr/share/man/man1/lguest\.1\.gz' 'usr/share/man/man1/lguest-mkimage\.1\.gz' 'lib/udev/rules\.d/60-lguest\.rules' 'usr/lib/modules-load\.d/lguest\.conf'
check "lguest: the launcher is a 32-bit i386 executable, linked against Debian's shared libraries" "$(dpkg-deb --fsys-tarfile "$d" | tar -xO ./usr/bin/lguest | file -)" \
	'ELF 32-bit LSB .*Intel 80386.*dynamically linked'
check "lguest: /var/lib/lguest, where the README's tour keeps its image" "$(dpkg-deb -c "$d")" '\./var/lib/lguest/$'
check "lguest: udev rule gives /dev/lguest to group lguest, 0660" \
	"$(dpkg-deb --fsys-tarfile "$d" | tar -xO ./lib/udev/rules.d/60-lguest.rules)" \
	'KERNEL=="lguest", SUBSYSTEM=="misc", GROUP="lguest", MODE="0660"'
check "lguest: postinst creates the system group, postrm purge deletes it" \
	"$(dpkg-deb --ctrl-tarfile "$d" | tar -xO ./postinst ./postrm)" 'addgroup --system --quiet lguest' 'delgroup --system --quiet lguest'
d=$deb/lguest-guest_${V}_i386.deb
check "lguest-guest: both guest kernels and the initramfs where the launcher looks" "$(dpkg-deb -c "$d")" \
	'\./usr/lib/lguest/vmlinux$' '\./usr/lib/lguest/vmlinux-pae$' '\./usr/lib/lguest/initrd\.gz$'
check "lguest-guest: records the linux and busybox sources it is built from" "$(dpkg-deb -f "$d" Built-Using)" \
	"linux \(= $DEB_KERNEL_VERSION\)" 'busybox \(= '

rpm=$P/rpm/RPMS
r=$rpm/noarch/lguest-dkms-$V-1.noarch.rpm
check "lguest-dkms.rpm: noarch, sources and dkms.conf" "$(rpm -qpl "$r"; rpm -qp --qf 'arch=%{ARCH}\n' "$r")" \
	'arch=noarch' "^/usr/src/lguest-$V/dkms.conf" "^/usr/src/lguest-$V/module/core.c" "^/usr/src/lguest-$V/include/lguest_abi.h" "^/usr/src/lguest-$V/switcher/switcher.S"
check "lguest-dkms.rpm: %post adds and builds with --rpm_safe_upgrade, %preun removes" "$(rpm -qp --scripts "$r")" \
	"dkms add -m lguest -v $V -q --rpm_safe_upgrade" "dkms install -m lguest -v $V" "preuninstall" \
	"dkms remove -m lguest -v $V -q --all --rpm_safe_upgrade"
check "lguest-dkms.rpm: requires dkms >= 3.0.3, ps (for --rpm_safe_upgrade), gcc, make" "$(rpm -qpR "$r")" \
	'^dkms >= 3\.0\.3' '^/usr/bin/ps$' '^gcc' '^make'
r=$rpm/i686/lguest-$V-1.i686.rpm
check "lguest.rpm: launcher, its user-network helper, man page, udev rule, modules-load.d, sysusers" "$(rpm -qpl "$r")" \
	'^/usr/bin/lguest$' '^/usr/lib/lguest/lguest-slirp$' '^/usr/bin/lguest-mkimage$' '^/usr/share/man/man1/lguest\.1' '^/usr/share/man/man1/lguest-mkimage\.1' '/udev/rules\.d/60-lguest\.rules$' '/modules-load\.d/lguest\.conf$' '/sysusers\.d/lguest\.conf$'
check "lguest.rpm: %pre creates the lguest group" "$(rpm -qp --scripts "$r")" 'preinstall' 'groupadd -r lguest'
check "lguest.rpm: requires lguest-dkms of its version, shadow-utils for %pre, the shared libelf and libslirp" "$(rpm -qpR "$r")" \
	"^lguest-dkms = $V" 'shadow-utils' '^libelf\.so\.1' '^libslirp\.so\.0'
r=$rpm/i686/lguest-guest-$V-1.i686.rpm
check "lguest-guest.rpm: both guest kernels and the initramfs" "$(rpm -qpl "$r")" \
	'^/usr/lib/lguest/vmlinux$' '^/usr/lib/lguest/vmlinux-pae$' '^/usr/lib/lguest/initrd\.gz$'
done_testing
