# The hostile suite (root): attacks by containers and images on the
# library, the CLI and the CRIU plugin, each in a private mount namespace
# (tests/hostile/test_hostile.c).  It links the library statically, to
# reach two internal parsers no kernel can feed a hostile value to, and
# loads the plugin the way tests/plugin/test_plugin.c does (-rdynamic: the
# program defines criu's callbacks, and fsconfig(), which it hands to the
# kernel except for the SELinux option it mocks).

HOSTILE_TEST := $(B)/tests/hostile/test_hostile

$(HOSTILE_TEST): tests/hostile/test_hostile.c tests/common/testrun.h tests/common/fixture.h \
		tests/common/plugin_harness.h tests/common/kvalue.h $(LIB_A) $(CRIU_PLUGIN) $(CLI)
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) $(JSON_CFLAGS) -DPLUGIN_SO='"$(abspath $(CRIU_PLUGIN))"' \
		-DOVL_LAYERS_CLI='"$(abspath $(CLI))"' -DOVT_TOP='"$(abspath .)"' \
		-o $@ $< $(LIB_A) $(LDFLAGS) -rdynamic $(JSON_LIBS) $(TEST_LIBS) -ldl

CHECK_SUITES += hostile
.PHONY: check-hostile
check-hostile: $(HOSTILE_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) $(HOSTILE_TEST)
