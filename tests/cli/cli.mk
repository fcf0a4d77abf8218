# CLI tests: golden outputs, JSON through jq, real overlays on the host.

CHECK_SUITES += cli
.PHONY: check-cli
check-cli: $(CLI)
	$(Q)OVL_LAYERS=$(abspath $(CLI)) OVT_RESULTS=$(RESULTS) tests/cli/run

# The same tool on the patched kernel, in the VM.
CHECK_SUITES += cli-vm
.PHONY: check-cli-vm
check-cli-vm: kernel $(CLI)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) -- tests/cli/vm.sh

# The CLI tests again, every run of the tool under valgrind (memcheck,
# leaks), each run judged by valgrind's report (tests/cli/valgrind).
CHECK_SUITES += cli-valgrind
.PHONY: check-cli-valgrind
check-cli-valgrind: $(CLI)
	$(Q)OVT_RESULTS=$(RESULTS) tests/cli/valgrind $(abspath $(CLI))
