# Host tests: the library on real mounts of the host kernel (root), in a
# private mount namespace per test.  The host kernel has no layers xattr:
# this exercises the mountinfo fallback and the resolver.  It links the
# library with its test seam (lib/lib.mk), through which the one test that
# needs a value of the series' kernel gets it (never through setxattr:
# on this kernel that is the attack, and the library refuses it).  It
# links libmount, which the library does not: the oracle its own
# mountinfo parser is held to.

HOST_TEST := $(B)/tests/host/test_host

$(HOST_TEST): tests/host/test_host.c tests/common/testrun.h tests/common/fixture.h tests/common/kvalue.h $(LIB_SEAM_A)
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) $(LIB_DEP_CFLAGS) $(shell pkg-config --cflags mount) -Ilib -DOVL_TEST_SEAM -o $@ $< $(LDFLAGS) $(LIB_SEAM_A) $(LIB_DEP_LIBS) -lmount $(TEST_LIBS)

CHECK_SUITES += host
.PHONY: check-host
check-host: $(HOST_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) $(HOST_TEST)

# The two ways of reading a mount table agree (tests/host/views).
CHECK_SUITES += views
.PHONY: check-views
check-views: $(B)/bench/views
	$(Q)OVT_RESULTS=$(RESULTS) tests/host/views $(abspath $(B)/bench/views)
