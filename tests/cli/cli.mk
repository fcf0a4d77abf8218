# CLI tests: golden outputs, JSON through jq, real overlays on the host.

CHECK_SUITES += cli
.PHONY: check-cli
check-cli: $(CLI)
	$(Q)OVT_RESULTS=$(RESULTS) tests/cli/run
