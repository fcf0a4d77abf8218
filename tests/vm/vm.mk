# The VM suite: the kernel side of trusted.overlay.layers on real mounts,
# in QEMU on build/kernel/ (see tests/vm/README.md).  vm-run is shared
# infrastructure: other suites run their own binaries in the same VM.

VM_RUN := tests/vm/vm-run
VM_TEST := $(B)/tests/vm/test_layers_xattr

$(VM_TEST): tests/vm/test_layers_xattr.c tests/common/testrun.h tests/common/fixture.h
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) -o $@ $< $(LDFLAGS) $(TEST_LIBS)

CHECK_SUITES += vm vm-unpatched

.PHONY: check-vm check-vm-unpatched
check-vm: kernel $(VM_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) -- $(abspath $(VM_TEST))

check-vm-unpatched: kernel $(VM_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) --unpatched -- $(abspath $(VM_TEST)) unpatched

# The library against the kernel's value (issue: library, vm tier).
LIBVM_TEST := $(B)/tests/vm/test_lib_vm
$(LIBVM_TEST): tests/vm/test_lib_vm.c tests/common/testrun.h tests/common/fixture.h lib/missing.h $(B)/lib/libovllayers.so
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) -Ilib -o $@ $< $(LDFLAGS) $(TEST_LIB_LINK) $(TEST_LIBS)

CHECK_SUITES += libvm
.PHONY: check-libvm
check-libvm: kernel $(LIBVM_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) -- $(abspath $(LIBVM_TEST))

# The kernel tree's own overlayfs selftests (built through their kselftest
# Makefile), with and without the series.
CHECK_SUITES += selftests
.PHONY: check-selftests
check-selftests: kernel
	$(Q)OVT_RESULTS=$(RESULTS) tests/vm/selftests
