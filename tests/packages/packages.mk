# The Debian packages (debian/) as a user gets them: built with
# dpkg-buildpackage from the tree's files, checked with lintian and
# dpkg-deb, then installed with apt-get in the stock-kernel VM on a
# writable copy of the root (vm-run --root-upper), where DKMS builds the
# module and criu finds the plugin itself; removed and purged, nothing is
# left (tests/packages/run).  The .debs stay in build/packages/debs/.

CHECK_SUITES += packages
.PHONY: packages check-packages
packages:
	$(Q)tests/packages/run --build-only

check-packages: stock-kernel
	$(Q)OVT_RESULTS=$(RESULTS) tests/packages/run
