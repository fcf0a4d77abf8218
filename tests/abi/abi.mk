# The library as its users get it: symbols vs version script, the ABI
# against the baselines of its major (tests/abi/run says why not the
# others'), the header on its own (C11, C++), make install + pkg-config +
# a consumer outside the tree.

CHECK_SUITES += abi
.PHONY: check-abi
check-abi: all
	$(Q)OVT_RESULTS=$(RESULTS) tests/abi/run

# This version's ABI baseline, for a deliberate change of its ABI (before
# it is released; a released version's baseline is never rewritten).
.PHONY: abi-baseline
abi-baseline: all
	$(Q)abidw --headers-dir include --drop-private-types \
		--out-file tests/abi/baseline/$(LIB_VERSION).abi $(LIB_SO)
	$(Q)echo "abi: wrote tests/abi/baseline/$(LIB_VERSION).abi: review git diff"
