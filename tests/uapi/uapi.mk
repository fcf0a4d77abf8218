# The "uapi" suite, on the host (no VM, only the tree): the series' uapi
# header against docs/layers-format.md and the library's copy of it
# (include/ovllayers/overlayfs.h), compiled with -I<tree>/include/uapi
# (build/kernel/tree, the tree `make kernel` built).  A constant that
# differs fails a _Static_assert: then the line is "uapi 0 1".
UAPI_TEST := $(B)/tests/uapi/test_uapi
CHECK_SUITES += uapi
.PHONY: check-uapi
check-uapi: kernel
	$(call quiet,CC,$(UAPI_TEST))
	$(Q)mkdir -p $(dir $(UAPI_TEST)) $(dir $(RESULTS)); tree=$$(cat $(B)/kernel/tree) && \
	if ! $(CC) $(CFLAGS) -D__EXPORTED_HEADERS__ -Iinclude -I$$tree/include/uapi \
		-o $(UAPI_TEST) tests/uapi/test_uapi.c $(LDFLAGS); then \
		echo "uapi: tests/uapi/test_uapi.c does not compile against $$tree/include/uapi"; \
		echo "uapi 0 1" >> $(RESULTS); exit 1; \
	fi; \
	OVT_RESULTS=$(RESULTS) $(UAPI_TEST) $$tree/include/uapi/linux/overlayfs.h include/ovllayers/overlayfs.h
