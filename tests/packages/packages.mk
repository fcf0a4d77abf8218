# The Debian packages (debian/) as a user gets them: built with
# dpkg-buildpackage from the tree's files, checked with lintian and
# dpkg-deb, installed with apt-get in a chroot of the stock-kernel VM's
# writable root (DKMS builds the module for its 6.12 kernel there), used in
# the VM booted from that root (modprobe, the xattr, criu finding the
# plugin itself), removed and purged: nothing is left
# (tests/packages/run).  The .debs stay in build/packages/debs/.

CHECK_SUITES += packages
.PHONY: packages check-packages
packages:
	$(Q)tests/packages/run --build-only

check-packages: stock-kernel
	$(Q)OVT_RESULTS=$(RESULTS) tests/packages/run
