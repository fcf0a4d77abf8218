# Real container runtimes: Debian 12's podman with runc checkpoints,
# restores and migrates (two VM boots) containers that mounted their own
# overlay, with the plugin where a packaged install has it; crun's answer;
# LXC's lxc-checkpoint (tests/runtimes/run).  Uses the .debs of
# `make packages`.

CHECK_SUITES += runtimes
.PHONY: check-runtimes
check-runtimes: stock-kernel packages
	$(Q)OVT_RESULTS=$(RESULTS) tests/runtimes/run
