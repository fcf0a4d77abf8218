# criu's own test suite, zdtm, on criu 4.2.1 with the criu-patches/ series
# (criu-patches/build, cached under build/cache/criu-build-*), in the stock
# VM: the series' zdtm tests (mntns_overlay and mntns_overlay_str in both
# mount engines and both flavours, --iters 3, and mntns_overlay_str once
# on the stock kernel's own overlay module; mnt_tmpfs_xattr,
# mnt_long_mountinfo) and five
# existing mount tests of criu, each test x flavour x engine one check
# (tests/zdtm/run, tests/zdtm/zdtm.sh); in the same boot, podman with runc
# and that criu first in PATH, no plugin: three checkpoint/restore cycles
# of a container that mounted its own overlay, and the control with
# Debian's criu 3.17.1 (tests/zdtm/podman.sh; ZDTM_PODMAN=0: not).
#
#   make check-zdtm ZDTM_SERIES=DIR         another series than criu-patches/

ZDTM_SERIES ?= criu-patches

CHECK_SUITES += zdtm
.PHONY: check-zdtm
check-zdtm: stock-kernel
	$(Q)OVT_RESULTS=$(RESULTS) tests/zdtm/run --series $(ZDTM_SERIES)
