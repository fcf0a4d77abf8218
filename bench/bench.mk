# Benchmarks (make bench): ratios measured side by side in one run, never
# absolute thresholds.  See bench/run.
#
#   make bench                 P1 (host), P2 and P3 (VM, the patched kernel)
#   make bench BENCH_ONLY=P1   P1 alone: no kernel build, no VM
#
# bench/resolve links the static library: it sets the library's internal
# knob ovl_mount_table_way (lib/internal.h) to time each way of reading
# the mount table.

# its floor and today's way parse mountinfo with libmount, which the
# library no longer links: its headers from pkg-config
BENCH_MOUNT_CFLAGS = $(shell pkg-config --cflags mount 2>/dev/null)
BENCH_RESOLVE := $(B)/bench/resolve
$(BENCH_RESOLVE): bench/resolve.c bench/way.h bench/util.h $(LIB_A)
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Ilib $(LIB_DEP_CFLAGS) $(BENCH_MOUNT_CFLAGS) -o $@ $< $(LDFLAGS) $(LIB_A) $(LIB_DEP_LIBS) -lmount -ldl

BENCH_KERNEL := $(B)/bench/kernel
$(BENCH_KERNEL): bench/kernel.c
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

.PHONY: bench
ifeq ($(BENCH_ONLY),P1)
bench: deps all $(BENCH_RESOLVE)
	$(Q)BENCH_ONLY=P1 bench/run
else
bench: deps all kernel $(BENCH_RESOLVE) $(BENCH_KERNEL)
	$(Q)bench/run
endif

BENCH_VIEWS := $(B)/bench/views
$(BENCH_VIEWS): bench/views.c bench/way.h $(LIB_A)
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Ilib $(LIB_DEP_CFLAGS) -o $@ $< $(LDFLAGS) $(LIB_A) $(LIB_DEP_LIBS)
bench: $(BENCH_VIEWS)

# P4's floor (bench/plugin-floor.c): a plugin that does nothing, linked
# with libc alone (as the plugin is) and with json-c (JSON_LIBS, as the
# plugin was until it wrote its images itself)
BENCH_FLOOR := $(B)/bench/floor-libc/floor.so $(B)/bench/floor-libs/floor.so
$(B)/bench/floor-libc/floor.so: bench/plugin-floor.c
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -shared -fPIC -o $@ $< $(LDFLAGS)
$(B)/bench/floor-libs/floor.so: bench/plugin-floor.c
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -shared -fPIC -o $@ $< $(LDFLAGS) -Wl,--no-as-needed $(JSON_LIBS)
ifneq ($(CRIU_PLUGIN_H),)
bench: $(BENCH_FLOOR)
endif

# P1 in the VM (bench/readview.c): ovl_layers_read() of one overlay
# among a namespace's few mounts and among 50,000 (bench/run runs it
# through tests/vm/vm-run, the 7.3 kernel with the series)
BENCH_READVIEW := $(B)/bench/readview
$(BENCH_READVIEW): bench/readview.c bench/util.h $(LIB_A)
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Ilib $(LIB_DEP_CFLAGS) -o $@ $< $(LDFLAGS) $(LIB_A) $(LIB_DEP_LIBS) -ldl
bench: $(BENCH_READVIEW)
