# Debian's stock 6.12 cloud kernel with the series' overlay.ko built
# against its headers (tests/criu/stock-kernel): the distribution kernel
# users run, and the one where a real criu runs.  The "stock" suite runs
# the library's VM tests and the checkpoint/restore scenario there.

.PHONY: stock-kernel check-stock
stock-kernel: deps
	$(Q)tests/criu/stock-kernel

CHECK_SUITES += stock
check-stock: stock-kernel $(LIBVM_TEST) $(CLI)
	$(Q)mkdir -p $(B)/results; rm -f $(B)/results/stock-suites.txt
	$(Q)OVT_RESULTS=$(abspath $(B)/results/stock-suites.txt) $(VM_RUN) --stock -- $(abspath $(LIBVM_TEST)) || true
	$(Q)OVT_RESULTS=$(abspath $(B)/results/stock-suites.txt) $(VM_RUN) --stock -- tests/criu/scenario.sh || true
	$(Q)awk '{ p += $$2; f += $$3; n++ } END { if (n != 2) f++; print "stock", p, f }' \
		$(B)/results/stock-suites.txt >> $(RESULTS) 2>/dev/null || echo "stock 0 1" >> $(RESULTS)

# Real CRIU on a container that mounted its own overlay, in the same VM:
# three checkpoint/restore cycles with the plugin (and the contrast
# without it) on the series' module; the plugin on the stock module
# (tests/criu/criu.sh).
CHECK_SUITES += criu criu-unpatched
.PHONY: check-criu check-criu-unpatched
# a parent that never reaps its child, for the zombie case (static: the
# test container has busybox alone)
CRIU_UNREAPED := $(B)/tests/criu/unreaped
$(CRIU_UNREAPED): tests/criu/unreaped.c
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $< $(LDFLAGS)
check-criu: stock-kernel $(CLI) $(CRIU_PLUGIN) $(CRIU_UNREAPED)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) --stock -- tests/criu/criu.sh

check-criu-unpatched: stock-kernel $(CLI) $(CRIU_PLUGIN)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) --stock --unpatched -- tests/criu/criu.sh --unpatched
