# The test kernel: tinyconfig + kernel/config.fragment with the series from
# kernel-patches/ (cached in build/kernel/, see kernel/build).

.PHONY: kernel check-series
kernel: deps
	$(Q)kernel/build >/dev/null

# The debug variant: the same tree, series and modules with
# kernel/debug.fragment on top (KASAN, kmemleak, fault injection), in
# build/kernel-debug/ with a tree of its own (tests/debug/ boots it).
.PHONY: kernel-debug
kernel-debug: deps
	$(Q)kernel/build --debug >/dev/null

# Reviewer's check of both series, patch by patch: a W=1 build and the
# tree's own checkpatch.pl --strict; 7.3 in-tree (kernel/build), the 6.12
# backport as the stock kernel's module (tests/criu/stock-kernel).
CHECK_SUITES += series series-6.12
.PHONY: check-series-6.12
check-series: kernel
	$(Q)kernel/build --series && \
		cat $(B)/kernel/series-check.result >> $(RESULTS)

check-series-6.12: deps
	$(Q)tests/criu/stock-kernel --series && \
		cat $(B)/stock/series-check.result >> $(RESULTS)
