# The test kernel: tinyconfig + kernel/config.fragment with the series from
# kernel-patches/ (cached in build/kernel/, see kernel/build).

.PHONY: kernel check-series
kernel: deps
	$(Q)kernel/build >/dev/null

# Reviewer's check of the series: patch by patch W=1 build and checkpatch.
CHECK_SUITES += series
check-series: kernel
	$(Q)kernel/build --series && \
		cat $(B)/kernel/series-check.result >> $(RESULTS)
