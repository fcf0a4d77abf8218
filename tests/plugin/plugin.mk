# The "plugin" suite: the CRIU plugin on the host kernel (root), no VM
# (real criu runs in the VM: tests/criu/).  tests/plugin/test_plugin.c loads
# $(CRIU_PLUGIN) with dlopen() and drives it as criu does (dump: init and
# exit around real mountpoints images made by crit encode; restore: the
# RESTORE_EXT_MOUNT hook on a yard of real mounts).  It defines criu's
# criu_get_image_dir() and print_on_level(), exported with -rdynamic.
PLUGIN_TEST := $(B)/tests/plugin/test_plugin

$(PLUGIN_TEST): tests/plugin/test_plugin.c VERSION tests/common/testrun.h tests/common/fixture.h tests/common/plugin_harness.h
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) $(JSON_CFLAGS) -DPLUGIN_SO='"$(abspath $(CRIU_PLUGIN))"' -DPLUGIN_VERSION='"$(LIB_VERSION)"' \
		-o $@ $< $(LDFLAGS) -rdynamic $(TEST_LIBS) \
		$(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c) -ldl

CHECK_SUITES += plugin
.PHONY: check-plugin
check-plugin: $(PLUGIN_TEST) $(CRIU_PLUGIN)
	$(Q)OVT_RESULTS=$(RESULTS) $(PLUGIN_TEST)
