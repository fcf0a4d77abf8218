# Checkpoint/restore of an overlay, CRIU's way, on the VM's kernel:
# with the series every step works; without it, the predicted failure.
# `make demo` tells the same story on screen.

CR_DEPS := kernel $(CLI)

CHECK_SUITES += cr cr-unpatched
.PHONY: check-cr check-cr-unpatched demo
check-cr: $(CR_DEPS)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) -- tests/cr/scenario.sh

check-cr-unpatched: $(CR_DEPS)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) --unpatched -- tests/cr/scenario.sh --unpatched

demo: deps
	$(Q)$(MAKE) --no-print-directory all kernel >/dev/null
	$(Q)$(VM_RUN) -- tests/cr/scenario.sh --demo
