# Unit tests: the format code, no privilege and no mounts needed.

UNIT_TEST := $(B)/tests/unit/test_decode
# in-tree test binaries link the shared library of the tree
TEST_LIB_LINK = -L$(B)/lib -lovllayers -Wl,-rpath,$(abspath $(B)/lib)

$(UNIT_TEST): tests/unit/test_decode.c tests/common/testrun.h $(B)/lib/libovllayers.so
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) -o $@ $< $(LDFLAGS) $(TEST_LIB_LINK) $(TEST_LIBS)

CHECK_SUITES += unit
.PHONY: check-unit
check-unit: $(UNIT_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) $(UNIT_TEST)
