# lguest: top-level build.  Every target runs `deps` first, which installs
# what is missing (as root) and otherwise costs a second.
#
#   make run     boot a throwaway guest under lguest in the QEMU rig
#   make test    build everything and run all tests (prove)
#   make bench   print performance figures
#   make fuzz-launcher  fuzz the launcher's inputs (FUZZ_SECONDS per
#                target, default 600; docs/fuzzing.md)
#   make fuzz-dev  fuzz /dev/lguest in the rig for FUZZ_SECONDS
#   make fuzz-guest  fuzz lg.ko from inside a guest in the rig for
#                FUZZ_SECONDS (FLAVOUR=686-pae|686|debug)
#   make packages  build the .deb and .rpm packages from a clean copy
#                of the tree (build/packages/)
#   make image   the Debian guest image (lguest-mkimage; needs root),
#                cached; make run GUEST=debian boots it
#   make tour    the guided tour of the code, in reading order, as one
#                document (build/tour.md; scripts/tour.sh)
#
# Downloads and kernel builds are cached in $(LGUEST_CACHE)
# (default ~/.cache/lguest); build products go to build/.

SHELL := /bin/sh
BUILD := $(CURDIR)/build
# The stock host flavours, from the one place the scripts read them.
FLAVOURS := $(shell sed -n 's/^FLAVOURS="\(.*\)"$$/\1/p' scripts/lib.sh)
VERSION := $(shell cat VERSION)
export LGUEST_BUILD := $(BUILD)

# Install locations (make install-*; the packages use these).
PREFIX ?= /usr
DESTDIR ?=
GUESTDIR := $(PREFIX)/lib/lguest
# Package builds set DEPS= : they must not install anything.
DEPS ?= deps

all: modules launcher tools guest guests

deps:
	@scripts/deps.sh

# lg.ko is also built for the stock amd64 kernel, which it cannot serve:
# the tests check that it refuses to load there.  The debug host kernel
# (about 10 minutes cold) and its lg.ko are built by the first debug test,
# which make test runs beside the others.
modules: $(DEPS)
	@for f in $(FLAVOURS) amd64; do scripts/build-module.sh $$f >/dev/null || exit 1; done
	@echo "built lg.ko for: $(FLAVOURS) (and amd64, for the refusal test)"

launcher: $(DEPS)
	@$(MAKE) -s -C launcher O=$(BUILD)/launcher SYSROOT=$$(scripts/fetch-i386.sh) \
		VERSION=$(VERSION) GUESTDIR=$(GUESTDIR)

# What the rig runs beside lguest (tests/tools/Makefile).
tools: $(DEPS)
	@$(MAKE) -s -C tests/tools O=$(BUILD)/tools SYSROOT=$$(scripts/fetch-i386.sh)

# The Linux guest kernel (guest-patches/) and its default initramfs.
guest: $(DEPS)
	@scripts/build-guest.sh >/dev/null
	@scripts/build-guest.sh pae >/dev/null
	@scripts/build-initramfs.sh $(BUILD)/guest/initrd.gz >/dev/null

# The tiny freestanding test guests (tests/guests/).
guests: $(DEPS)
	@$(MAKE) -s -C tests/guests O=$(BUILD)/guests

# Two chains side by side, each in order, on a 2-core machine.  The
# second starts by building the debug host kernel (tests/70, about 18
# minutes cold) beside the first chain's stock-host tests, then builds the
# packages (60), runs the Debian system (61: cold, it makes the Debian
# guest image and the system from its tree first; DKMS builds lg.ko six
# times under emulation), the rpm test (62) and the debug host's tiny
# guests (71).  The first chain ends with the debug host's Linux guest and
# hostile tests (72, 73), by which time the debug kernel is there (a test
# that needs it first waits for its build).  Balanced so that neither
# chain idles long beside the other, cold or warm; every test runs in
# full; docs/rig.md has the timings.
CHAIN_A := $(sort $(wildcard tests/[0-5]*.t)) tests/72-debug-linux.t tests/73-debug-hostile.t
CHAIN_B := tests/70-debug-host.t tests/60-packages.t tests/61-packages-debian.t tests/62-packages-rpm.t \
	tests/71-debug-guests.t
# --merge: prove stalls one chain while a test of the other writes to
# stderr (the debug host's build did, for half an hour of a cold run);
# merged, a test's stderr is just more of its output.
# The packages' build chroot (tests/60) is mostly downloading: it starts
# now, beside the first tests, and 60 waits for it if it must.
test: all
	@mkdir -p $(BUILD) && (scripts/build-chroot.sh >$(BUILD)/chroot.log 2>&1 &)
	@prove -v --merge --timer -j2 --rules='seq=tests/{0,1,2,3,4,5,72,73}*.t' \
		--rules='seq=tests/{70,60,61,62,71}*.t' $(CHAIN_A) $(CHAIN_B)

run: all
	@scripts/run.sh

bench: all
	@scripts/bench.sh

# The launcher's libFuzzer harnesses (tests/fuzz/), each run FUZZ_SECONDS;
# `make test` runs them briefly (tests/02-launcher-fuzz.t).
FUZZ_SECONDS ?= 600
fuzz-launcher: $(DEPS)
	@scripts/fuzz-launcher.sh $(FUZZ_SECONDS)

# The /dev/lguest fuzzer (tests/tools/devfuzz.c): one boot of the rig on
# FLAVOUR (686-pae, 686 or debug), running it FUZZ_SECONDS as a member of
# group lguest; DEVFUZZ_SEED=N replays a run, DEVFUZZ_ARGS=-u adds options
# (comma separated).  Logs: build/rig/FLAVOUR-devfuzz/ (docs/fuzzing.md).
fuzz-dev: FLAVOUR ?= 686-pae
fuzz-dev: $(DEPS) launcher tools guests
	@scripts/build-module.sh $(FLAVOUR) >/dev/null
	@RIG_TOP=$(CURDIR) DEVFUZZ_FLAVOUR=$(FLAVOUR) DEVFUZZ_SECONDS=$(FUZZ_SECONDS) \
		sh -c '. tests/lib/e2e.sh; RIG_SMP=2 RIG_APPEND="devfuzz.seconds=$$DEVFUZZ_SECONDS$${DEVFUZZ_SEED:+ devfuzz.seed=$$DEVFUZZ_SEED}$${DEVFUZZ_ARGS:+ devfuzz.args=$$DEVFUZZ_ARGS}" e2e_run $$DEVFUZZ_FLAVOUR devfuzz.sh $$((DEVFUZZ_SECONDS + 900))' | \
		tee $(BUILD)/fuzz-dev.tap
	@! grep -q '^not ok' $(BUILD)/fuzz-dev.tap

# The guest-side fuzzer (tests/guests/hostile/gfuzz.c): one boot of the rig
# on FLAVOUR (686-pae, 686 or debug) runs tests/e2e/gfuzz.sh, a guest per
# random seed for FUZZ_SECONDS in all; its TAP names each seed, which
# replays it.  Logs: build/rig/FLAVOUR-gfuzz/ (docs/fuzzing.md).
fuzz-guest: FLAVOUR ?= 686-pae
fuzz-guest: $(DEPS) launcher tools guests
	@scripts/build-module.sh $(FLAVOUR) >/dev/null
	@RIG_TOP=$(CURDIR) GFUZZ_FLAVOUR=$(FLAVOUR) GFUZZ_SECONDS=$(FUZZ_SECONDS) \
		sh -c '. tests/lib/e2e.sh; RIG_SMP=2 RIG_APPEND="gfuzz.seconds=$$GFUZZ_SECONDS" e2e_run $$GFUZZ_FLAVOUR gfuzz.sh $$((GFUZZ_SECONDS + 600))' | \
		tee /dev/stderr | awk '/^not ok/ { bad = 1 } END { exit bad }'

packages: $(DEPS)
	@scripts/build-packages.sh

image: $(DEPS)
	@scripts/build-image.sh

# The pieces each package holds.  lg.ko is not built here: DKMS builds it
# on the user's machine from the sources install-dkms lays out.
install-launcher:
	install -D -m 0755 $(BUILD)/launcher/lguest $(DESTDIR)$(PREFIX)/bin/lguest
	install -D -m 0755 $(BUILD)/launcher/lguest-slirp $(DESTDIR)$(GUESTDIR)/lguest-slirp
	install -D -m 0644 launcher/lguest.1 $(DESTDIR)$(PREFIX)/share/man/man1/lguest.1
	install -D -m 0755 launcher/lguest-mkimage $(DESTDIR)$(PREFIX)/bin/lguest-mkimage
	install -D -m 0644 launcher/lguest-mkimage.1 $(DESTDIR)$(PREFIX)/share/man/man1/lguest-mkimage.1
	install -D -m 0644 launcher/lguest.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/lguest
	install -D -m 0644 packaging/example.conf $(DESTDIR)/etc/lguest/example.conf

# The numbered "Tour N:" comments, in order: where a newcomer starts.
tour:
	@mkdir -p $(BUILD) && scripts/tour.sh >$(BUILD)/tour.md
	@echo "the tour: $(BUILD)/tour.md ($$(grep -c '^## [0-9]' $(BUILD)/tour.md) stops)"

install-guest:
	install -D -m 0644 $$(scripts/build-guest.sh)/vmlinux $(DESTDIR)$(GUESTDIR)/vmlinux
	install -D -m 0644 $$(scripts/build-guest.sh pae)/vmlinux $(DESTDIR)$(GUESTDIR)/vmlinux-pae
	install -D -m 0644 $(BUILD)/guest/initrd.gz $(DESTDIR)$(GUESTDIR)/initrd.gz

# DKMS gets the module with what its Kbuild reaches for beside it (the ABI
# header, the Switcher and VERSION), under dkms.conf with the version put in.
install-dkms:
	d=$(DESTDIR)$(PREFIX)/src/lguest-$(VERSION) && \
	install -d $$d/module/x86 $$d/include $$d/switcher && \
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$$d/dkms.conf && \
	install -m 0644 VERSION $$d/ && \
	install -m 0644 module/Kbuild module/Makefile module/*.[ch] $$d/module/ && \
	install -m 0644 module/x86/*.[chS] $$d/module/x86/ && \
	install -m 0644 include/lguest_abi.h $$d/include/ && \
	install -m 0644 switcher/switcher.S switcher/switcher.h $$d/switcher/

clean:
	rm -rf $(BUILD)

.PHONY: all deps modules launcher tools guest guests test run bench fuzz-launcher fuzz-dev fuzz-guest packages image tour \
	install-launcher install-guest install-dkms clean
