# Benchmarks (make bench): ratios measured side by side in one run, never
# absolute thresholds.  See bench/run.

BENCH_RESOLVE := $(B)/bench/resolve
$(BENCH_RESOLVE): bench/resolve.c $(B)/lib/libovllayers.so
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(MOUNT_CFLAGS) -o $@ $< $(LDFLAGS) $(TEST_LIB_LINK) $(MOUNT_LIBS)

.PHONY: bench
bench: deps all kernel $(BENCH_RESOLVE)
	$(Q)bench/run

BENCH_KERNEL := $(B)/bench/kernel
$(BENCH_KERNEL): bench/kernel.c
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

bench: $(BENCH_KERNEL)
