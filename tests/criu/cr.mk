# Checkpoint/restore of an overlay, CRIU's way, on the VM's kernel:
# with the series every step works; without it, the predicted failure.
# `make demo` tells the same story on screen, then real criu's.

CR_DEPS := kernel $(CLI)

CHECK_SUITES += cr cr-unpatched
.PHONY: check-cr check-cr-unpatched demo
check-cr: $(CR_DEPS)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) -- tests/criu/scenario.sh

check-cr-unpatched: $(CR_DEPS)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) --unpatched -- tests/criu/scenario.sh --unpatched

# Then the same with the real criu 3.17.1 and the plugin, on Debian's
# stock kernel with the series' module (tests/criu/criu.sh --demo); a
# summary at the end (tests/criu/demo).
demo: deps
	$(Q)tests/criu/demo
