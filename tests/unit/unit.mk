# Unit tests: the format code, the option and mountinfo parsers; no
# privilege and no mounts needed.

UNIT_TEST := $(B)/tests/unit/test_decode
UNIT_SRCS := tests/unit/test_decode.c tests/unit/test_format2.c tests/unit/test_options.c \
	tests/unit/test_strerror.c tests/unit/test_mountinfo.c tests/unit/test_json.c
# in-tree test binaries link the shared library of the tree
TEST_LIB_LINK = -L$(B)/lib -lovllayers -Wl,-rpath,$(abspath $(B)/lib)

# ... but this one the static library: the format 2 cases compare the
# library's own builder of values (internal, lib/format2.c) with theirs,
# the JSON cases its writer (lib/json.c) with json-c (dlopen()ed)
$(UNIT_TEST): $(UNIT_SRCS) tests/unit/test_units.h tests/common/testrun.h \
		lib/internal.h include/ovllayers/overlayfs.h $(LIB_A)
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) -Ilib $(LIB_DEP_CFLAGS) -o $@ $(UNIT_SRCS) $(LDFLAGS) $(LIB_A) $(LIB_DEP_LIBS) $(TEST_LIBS) -ldl

CHECK_SUITES += unit
.PHONY: check-unit
check-unit: $(UNIT_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) $(UNIT_TEST)
