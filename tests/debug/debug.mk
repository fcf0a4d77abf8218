# The debug suite: the series under KASAN, kmemleak and fault injection,
# in QEMU on the debug kernel (make kernel-debug, build/kernel-debug/);
# see tests/debug/README.md.  Two boots (the series' module, then the
# unpatched one), about 10 minutes (20 with DEBUG_N500=1000) plus the
# debug tree's first build (about 40): not in `make check` yet.
# Adding it there is the one line
#   CHECK_SUITES += $(DEBUG_SUITES)

DEBUG_SUITES := debug
DEBUG_TEST := $(B)/tests/debug/debug_stress

$(DEBUG_TEST): tests/debug/debug_stress.c
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

.PHONY: check-debug
check-debug: kernel-debug $(DEBUG_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) tests/debug/run $(abspath $(DEBUG_TEST))
