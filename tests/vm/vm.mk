# The VM suite: the kernel side of trusted.overlay.layers on real mounts,
# in QEMU on build/kernel/ (see tests/vm/README.md).  vm-run is shared
# infrastructure: other suites run their own binaries in the same VM.

VM_RUN := tests/vm/vm-run
VM_TEST := $(B)/tests/vm/test_layers_xattr

$(VM_TEST): tests/vm/test_layers_xattr.c tests/common/testrun.h
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) -o $@ $< $(LDFLAGS) $(TEST_LIBS)

CHECK_SUITES += vm vm-unpatched

.PHONY: check-vm check-vm-unpatched
check-vm: kernel $(VM_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) -- $(abspath $(VM_TEST))

check-vm-unpatched: kernel $(VM_TEST)
	$(Q)OVT_RESULTS=$(RESULTS) $(VM_RUN) --unpatched -- $(abspath $(VM_TEST)) unpatched
