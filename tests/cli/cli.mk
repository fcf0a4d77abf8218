# CLI tests: golden outputs, JSON through jq, real overlays on the host.

CHECK_SUITES += cli
.PHONY: check-cli
check-cli: $(CLI)
	$(Q)OVT_RESULTS=$(RESULTS) tests/cli/run

# The same tool on the patched kernel, in the VM.
CHECK_SUITES += cli-vm
.PHONY: check-cli-vm
check-cli-vm: kernel $(CLI)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) -- tests/cli/vm.sh
