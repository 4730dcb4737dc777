#!/bin/sh
# module/ is layered: module/lg.h lists its files lowest first ("LAYER"
# lines), and a file may use only what the files listed before it define.
# Checked on the objects themselves, built for both host flavours: every
# symbol a file needs from another file of the module must come from one
# listed earlier.  The checker is also run on the list reversed, where it
# must find violations, so that a checker that sees nothing cannot pass.
. "$(dirname "$0")/lib/rig.sh"
. "$RIG_TOP/scripts/lib.sh"
. "$RIG_TOP/tests/lib/tap.sh"
cd "$RIG_TOP" || exit 1

# The files in order, as module-relative paths.
order=$(sed -n 's/^ \* LAYER [a-z]*: //p' module/lg.h)
if [ -n "$order" ]; then
	ok "module/lg.h lists the layers"
else
	nok "module/lg.h lists the layers (no ' * LAYER name: files' lines)"
fi

# Every source file has its place (refuse.c stands in for all of them on
# kernels that cannot be hosts), and every listed file exists.
missing=
for f in $(cd module && ls ./*.c x86/*.c x86/*.S | sed 's|^\./||'); do
	[ "$f" = refuse.c ] && continue
	case " $(echo $order) " in *" $f "*) ;; *) missing="$missing $f" ;; esac
done
for f in $order; do
	[ -f "module/$f" ] || missing="$missing $f(listed, absent)"
done
if [ -z "$missing" ]; then
	ok "every file of module/ has a layer"
else
	nok "every file of module/ has a layer: not listed:$missing"
fi

# Only lg.h is included from the tree, so the include graph is a star,
# apart from leaves: headers that include nothing of the tree themselves
# (x86/mmio_insn.h, so that its decoder also builds in user space).
bad=
for f in module/*.c module/x86/*.c module/*.h module/x86/*.h; do
	for h in $(sed -n 's/^#include "\(.*\)"/\1/p' "$f"); do
		p=$(realpath -m "$(dirname "$f")/$h")
		if [ "$p" = "$PWD/module/lg.h" ]; then
			case $f in *.c) continue ;; esac
		elif [ -f "$p" ] && ! grep -q '^#include "' "$p"; then
			continue
		fi
		bad="$bad $f:$h"
	done
done
if [ -z "$bad" ]; then
	ok "module/ includes no local header but lg.h and leaves"
else
	nok "module/ includes no local header but lg.h and leaves:$bad"
fi

# check OBJDIR FILES...: print "user uses sym from definer" for every
# symbol a file takes from a file listed after it.
check() {
	dir=$1
	shift
	rank=0
	for f in "$@"; do
		rank=$((rank + 1))
		o=$dir/${f%.*}.o
		nm --defined-only -g "$o" | awk -v r=$rank -v f="$f" 'NF == 3 { print "D", r, f, $3 }'
		nm -u "$o" | awk -v r=$rank -v f="$f" '{ print "U", r, f, $NF }'
	done | awk '
		$1 == "D" { rank[$4] = $2; file[$4] = $3; next }
		{ need[n++] = $0 }
		END {
			for (i = 0; i < n; i++) {
				split(need[i], u, " ")
				if ((u[4] in rank) && rank[u[4]] >= u[2])
					print u[3] " uses " u[4] " from " file[u[4]]
			}
		}'
}

for flavour in $FLAVOURS; do
	root=$(scripts/fetch-host.sh "$flavour") || { nok "$flavour headers"; continue; }
	kdir=$root/usr/src/linux-headers-$DEB_KERNEL_ABI-$flavour
	tmp=$(mktemp -d)
	cp -a module include switcher VERSION "$tmp/"
	if ! make -C "$kdir" M="$tmp/module" modules >"$tmp/build.log" 2>&1; then
		nok "lg.ko builds for $flavour"
		tail -20 "$tmp/build.log" | diag
		rm -rf "$tmp"
		continue
	fi
	# shellcheck disable=SC2086
	v=$(check "$tmp/module" $order)
	if [ -z "$v" ]; then
		ok "$flavour: no file uses a file listed after it"
	else
		nok "$flavour: no file uses a file listed after it"
		printf '%s\n' "$v" | diag
	fi
	# The async ring is drained in one place: the run loop.
	users=$(cd "$tmp/module" && for o in $(find . -name '*.o' ! -name 'lg.o' ! -name '*.mod.o'); do
		nm -u "$o" | grep -qw lg_do_async_hcalls && echo "${o#./}"; done)
	if [ "$users" = run.o ]; then
		ok "$flavour: only run.c drains the async ring"
	else
		nok "$flavour: only run.c drains the async ring (callers: $(echo $users))"
	fi
	# shellcheck disable=SC2086
	rev=$(for f in $order; do echo "$f"; done | tac)
	# shellcheck disable=SC2086
	if [ -n "$(check "$tmp/module" $rev)" ]; then
		ok "$flavour: the checker finds violations in the reversed order"
	else
		nok "$flavour: the checker finds violations in the reversed order"
	fi
	rm -rf "$tmp"
done
done_testing
