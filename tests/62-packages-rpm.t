#!/bin/sh
# The rpm side of the packages, as far as a Debian machine allows: the .rpms from
# `make packages` installed with rpm (--root, --nodeps: the system's
# packages are Debian's) into the same Debian i386 system, so their
# scriptlets really run DKMS there.  An upgrade to a new release of
# lguest-dkms must keep the module (the old %preun runs after the new
# %post: --rpm_safe_upgrade), and erasing must remove it.
. "$(dirname "$0")/lib/debsys.sh"

V=$(cat "$RIG_TOP/VERSION")
rpms=$RIG_BUILD/packages/rpm/RPMS
rig_need "$rpms/noarch/lguest-dkms-$V-1.noarch.rpm" "$rpms/i686/lguest-$V-1.i686.rpm" \
	"$rpms/i686/lguest-guest-$V-1.i686.rpm" "$RIG_BUILD/packages/rpm/SOURCES/lguest-$V.tar.gz"
debsys_start packages-rpm
old=$DEB_KERNEL_OLD_ABI-686

# Release 2 of the same version: what an rpm distribution ships as a fix.
r2=$dir/rpm2
mkdir -p "$r2/SOURCES"
cp "$RIG_BUILD/packages/rpm/SOURCES/lguest-$V.tar.gz" "$r2/SOURCES/"
if "$RIG_TOP/scripts/build-rpm.sh" "$r2" 2 >"$dir/rpmbuild.log" 2>&1; then
	ok "rpmbuild of release $V-2"
else
	nok "rpmbuild of release $V-2 (log: $dir/rpmbuild.log)"
	tail -20 "$dir/rpmbuild.log" | diag
fi

# rpm CMD...: the host's rpm on the system (scriptlets run chrooted
# there, under linux32 so DKMS sees an i386 machine).
rpm_in() {
	l=$1
	shift
	echo "### rpm $*" >>"$dir/$l"
	linux32 rpm --root "$root" --nodeps "$@" >>"$dir/$l" 2>&1
}
rstep() {
	desc=$1 l=$2
	shift 2
	if rpm_in "$l" "$@"; then ok "$desc"; else nok "$desc (log: $dir/$l)"; tail -20 "$dir/$l" | diag; fi
}
dkms_status() { linux32 chroot "$root" dkms status -m lguest 2>&1; }

linux32 rpm --root "$root" --initdb || bail "rpm --initdb failed"
cp "$rpms/noarch/lguest-dkms-$V-1.noarch.rpm" "$rpms/i686/lguest-$V-1.i686.rpm" \
	"$rpms/i686/lguest-guest-$V-1.i686.rpm" "$r2/RPMS/noarch/lguest-dkms-$V-2.noarch.rpm" "$root/tmp/" ||
	bail "no release 2 rpm to upgrade to"
rstep "rpm -i lguest-dkms, lguest, lguest-guest ($V-1)" rpm.log -i \
	"$root/tmp/lguest-dkms-$V-1.noarch.rpm" "$root/tmp/lguest-$V-1.i686.rpm" "$root/tmp/lguest-guest-$V-1.i686.rpm"
is "%post: DKMS built and installed lg.ko for $old" ko_for "$old"
st=$(dkms_status)
case $st in *"lguest/$V, $old, "*": installed"*) ok "dkms status: installed for $old" ;;
*) nok "dkms status: installed for $old (got: $st)" ;; esac
is "%pre created the lguest group" grep -q '^lguest:' "$root/etc/group"
is "the launcher, udev rule, modules-load.d entry and default guest are in place" \
	test -x "$root/usr/bin/lguest" -a -f "$root/usr/lib/udev/rules.d/60-lguest.rules" \
	-a -f "$root/usr/lib/modules-load.d/lguest.conf" -a -f "$root/usr/lib/lguest/vmlinux-pae"

rstep "rpm -U lguest-dkms to $V-2" rpm.log -U "$root/tmp/lguest-dkms-$V-2.noarch.rpm"
is "after the upgrade lg.ko for $old is still installed" ko_for "$old"
st=$(dkms_status)
case $st in *"lguest/$V, $old, "*": installed"*) ok "after the upgrade dkms status still says installed" ;;
*) nok "after the upgrade dkms status still says installed (got: $st)" ;; esac
v=$(linux32 rpm --root "$root" -q lguest-dkms 2>&1)
[ "$v" = "lguest-dkms-$V-2.noarch" ] && ok "rpm -q: $v" || nok "rpm -q lguest-dkms: $v"

rstep "rpm -e lguest lguest-guest lguest-dkms" rpm.log -e lguest lguest-guest lguest-dkms
is "%preun: lg.ko is removed" sh -c "! ls '$root'/lib/modules/*/updates/dkms/lg.ko 2>/dev/null"
is "%preun: DKMS forgot lguest" sh -c "[ -z \"\$(linux32 chroot '$root' dkms status -m lguest 2>/dev/null)\" ]"
is "the sources and the default guest are gone" test ! -e "$root/usr/src/lguest-$V" -a ! -e "$root/usr/lib/lguest"
done_testing
