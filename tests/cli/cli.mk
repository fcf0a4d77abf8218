# CLI tests: golden outputs, JSON through jq, real overlays on the host.

# a process with a second thread, for -N of a thread (tests/cli/thread.c)
CLI_THREAD := $(B)/tests/cli/thread
$(CLI_THREAD): tests/cli/thread.c
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -pthread -o $@ $< $(LDFLAGS)

CHECK_SUITES += cli
.PHONY: check-cli
check-cli: $(CLI) $(CLI_THREAD)
	$(Q)OVL_LAYERS=$(abspath $(CLI)) OVT_CLI_THREAD=$(abspath $(CLI_THREAD)) \
		OVT_RESULTS=$(RESULTS) tests/cli/run

# The same tool on the patched kernel, in the VM.
CHECK_SUITES += cli-vm
.PHONY: check-cli-vm
check-cli-vm: kernel $(CLI)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) -- tests/cli/vm.sh

# The CLI tests again, every run of the tool under valgrind (memcheck,
# leaks), each run judged by valgrind's report (tests/cli/valgrind).
CHECK_SUITES += cli-valgrind
.PHONY: check-cli-valgrind
check-cli-valgrind: $(CLI) $(CLI_THREAD)
	$(Q)OVT_CLI_THREAD=$(abspath $(CLI_THREAD)) OVT_RESULTS=$(RESULTS) \
		tests/cli/valgrind $(abspath $(CLI))
