# The launcher's sources, for its Makefile and for the test variants built
# from them (tests/tools/Makefile).
LAUNCHER_SRCS := lguest.c vm.c console.c devices.c control.c manage.c privs.c args.c boot.c elfload.c \
	virtio/mmio.c virtio/ring.c virtio/rng.c virtio/blk.c virtio/net.c virtio/9p.c \
	disk/disk.c net/tap.c net/hub.c net/stream.c net/offload.c share/p9.c
