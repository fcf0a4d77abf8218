# Test suites.  Each fragment adds its suite name to CHECK_SUITES and
# defines check-<name>, which appends "<name> <passed> <failed>" to
# $(RESULTS) (Check suites do it through tests/common/testrun.h).
# `make check` runs them all with -k, so one red suite does not hide the
# others, and ends with tests/summary's single "N passed, N failed" line.

RESULTS := $(abspath $(B)/results/results.txt)
CHECK_SUITES :=

TEST_CFLAGS = $(CFLAGS) -Itests/common $(shell pkg-config --cflags check 2>/dev/null)
TEST_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

# vm.mk first: it defines VM_RUN and the VM test binaries other fragments
# name as prerequisites (expanded when the rule is read).
include tests/vm/vm.mk
include tests/uapi/uapi.mk
include tests/unit/unit.mk
include tests/host/host.mk
include tests/cli/cli.mk
include tests/criu/cr.mk
include tests/abi/abi.mk
include tests/fuzz/fuzz.mk
include tests/asan.mk
include tests/criu/criu.mk
include tests/zdtm/zdtm.mk
include tests/plugin/plugin.mk
include tests/hostile/hostile.mk
include tests/debug/debug.mk
include tests/packages/packages.mk
include tests/runtimes/runtimes.mk
include tests/oldkernel/oldkernel.mk

.PHONY: check
check: deps
	$(Q)rm -f $(RESULTS); mkdir -p $(dir $(RESULTS))
	$(Q)date +%s > $(TIMES)
	$(Q)$(MAKE) --no-print-directory -k $(foreach s,$(CHECK_SUITES),check-$(s) check-time-$(s)) || true
	$(Q)tests/summary $(RESULTS) $(CHECK_SUITES)

# A serial make runs its goals in order: check-time-<suite>, the goal after
# check-<suite>, writes when that suite ended, and tests/summary prints each
# suite's seconds (a suite's include the builds it was the first to need).
TIMES := $(RESULTS:.txt=.times)
check-time-%:
	@echo "$* $$(date +%s)" >> $(TIMES)

# A subset of the suites into a results file of its own, then its summary
# line: $(call run-suites,RESULTS-FILE,SUITES,MAKE-VARIABLES).  No `deps`.
define run-suites
	$(Q)rm -f $(1); mkdir -p $(dir $(1))
	$(Q)$(MAKE) --no-print-directory -k RESULTS=$(1) $(3) \
		$(addprefix check-,$(2)) || true
	$(Q)tests/summary $(1) $(2)
endef

# For development: the suites that need no VM, no apt and no network
# (`make deps` once first, as `make check` does), fuzzers for 5 s each;
# about 2 minutes.  .ci/run keeps the full `make check`.
QUICK_SUITES := unit host views cli abi plugin hostile asan fuzz
.PHONY: check-quick
check-quick: all
	$(call run-suites,$(abspath $(B)/results/quick.txt),$(QUICK_SUITES),FUZZ_TIME=5)

# What a package build can run (debian/rules' dh_auto_test): the suites that
# need neither root, nor a VM, nor apt or a network; their root-only parts
# are skipped even when run as root (OVT_UNPRIVILEGED=1).
BUILD_SUITES := unit cli abi
.PHONY: check-build
check-build: all
	$(call run-suites,$(abspath $(B)/results/build.txt),$(BUILD_SUITES),OVT_UNPRIVILEGED=1)
