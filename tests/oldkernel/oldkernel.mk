# Debian 12's default kernel (6.1: before Linux 6.7, overlayfs answers any
# trusted.overlay.* name on its own inodes with EOPNOTSUPP), booted once in
# the VM (vm-run --stock --kernel-version) with its own overlay module: as
# root the library reads the layers from the mountinfo fallback, and
# nothing can be stored under the name (issue 25).  tests/oldkernel/run
# installs the pinned kernel package (apt-get) when it is missing, and
# counts a VM that did not report as a failure.

.PHONY: oldkernel-kernel check-oldkernel
oldkernel-kernel: deps
	$(Q)tests/oldkernel/run --install

CHECK_SUITES += oldkernel
check-oldkernel: deps $(CLI)
	$(Q)OVT_RESULTS=$(RESULTS) tests/oldkernel/run
