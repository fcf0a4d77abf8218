# The library as its users get it: symbols vs version script, the header on
# its own (C11, C++), make install + pkg-config + a consumer outside the tree.

CHECK_SUITES += abi
.PHONY: check-abi
check-abi: all
	$(Q)OVT_RESULTS=$(RESULTS) tests/abi/run
