# lguest: top-level build.  Every target runs `deps` first, which installs
# what is missing (as root) and otherwise costs a second.
#
#   make run     boot a throwaway guest under lguest in the QEMU rig
#   make test    build everything and run all tests (prove)
#   make bench   print performance figures
#
# Downloads and kernel builds are cached in $(LGUEST_CACHE)
# (default ~/.cache/lguest); build products go to build/.

SHELL := /bin/sh
BUILD := $(CURDIR)/build
FLAVOURS := 686 686-pae
export LGUEST_BUILD := $(BUILD)

all: modules launcher tools guest guests

deps:
	@scripts/deps.sh

# lg.ko is also built for the stock amd64 kernel, which it cannot serve:
# the tests check that it refuses to load there.
modules: deps
	@for f in $(FLAVOURS) amd64; do scripts/build-module.sh $$f >/dev/null || exit 1; done
	@echo "built lg.ko for: $(FLAVOURS) (and amd64, for the refusal test)"

launcher: deps
	@$(MAKE) -s -C launcher O=$(BUILD)/launcher SYSROOT=$$(scripts/fetch-i386.sh)

tools: deps
	@mkdir -p $(BUILD)/tools
	@for t in runas devpoke speedloop fpuloop; do \
		gcc -m32 -static -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -Itests/guests/lib \
			-o $(BUILD)/tools/$$t tests/tools/$$t.c || exit 1; done

# The Linux guest kernel (guest-patches/) and its default initramfs.
guest: deps
	@scripts/build-guest.sh >/dev/null
	@scripts/build-guest.sh pae >/dev/null
	@scripts/build-initramfs.sh $(BUILD)/guest/initrd.gz >/dev/null

# The tiny freestanding test guests (tests/guests/).
guests: deps
	@$(MAKE) -s -C tests/guests O=$(BUILD)/guests

test: all
	@prove -v tests/

run: all
	@scripts/run.sh

bench: all
	@scripts/bench.sh

clean:
	rm -rf $(BUILD)

.PHONY: all deps modules launcher tools guest guests test run bench clean
