# Real container runtimes: Debian 12's podman with runc checkpoints,
# restores and migrates (two VM boots) containers that mounted their own
# overlay, with the plugin where a packaged install has it; crun's answer
# (tests/runtimes/run).  Uses the .debs of `make packages`.
# Not in `make check` yet: its 16 minutes under TCG join once the rest of
# make check is cut to fit them in CI's 45 (see README).

.PHONY: check-runtimes
check-runtimes: deps stock-kernel packages
	$(Q)OVT_RESULTS=$(RESULTS) tests/runtimes/run
