# The unit, host, CLI and plugin suites again, with library, tool, CRIU
# plugin and tests built with ASan + UBSan (in build/san/): one "asan"
# line in the summary.  The plugin suite's test program and the
# ovl_layers_plugin.so it dlopen()s are both built with the sanitizer
# flags (SANITIZE=1 adds them to CFLAGS and LDFLAGS), so the ASan runtime
# the program starts with also checks the plugin.

CHECK_SUITES += asan
ASAN_SUITES := unit host cli plugin hostile
.PHONY: check-asan
check-asan:
	$(Q)rm -f $(B)/san/results.txt
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 B=$(B)/san RESULTS=$(abspath $(B)/san/results.txt) \
		$(addprefix check-,$(ASAN_SUITES)) || true
	$(Q)awk '{ p += $$2; f += $$3; n++ } END { if (n != $(words $(ASAN_SUITES))) f++; print "asan", p, f }' \
		$(B)/san/results.txt 2>/dev/null >> $(RESULTS) || echo "asan 0 1" >> $(RESULTS)
