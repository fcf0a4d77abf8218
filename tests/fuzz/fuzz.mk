# libFuzzer targets (clang 14, ASan + UBSan): the xattr decoder and the
# reader of saved descriptors.  `make fuzz FUZZ_TIME=N` runs each N seconds
# from the seed corpus (real values from the patched kernel included) and
# fails on any crash, leak or timeout.  `make check` runs them briefly.

FUZZ_CC    ?= clang-14
FUZZ_TIME  ?= 15
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -D_GNU_SOURCE -Iinclude -Ilib $(MOUNT_CFLAGS)
FUZZ_TARGETS := decode load
FUZZ_BINS := $(addprefix $(B)/fuzz/fuzz_,$(FUZZ_TARGETS))

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) lib/internal.h include/ovllayers.h
	$(call quiet,FUZZCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(LIB_SRCS) $(MOUNT_LIBS)

CHECK_SUITES += fuzz
.PHONY: fuzz check-fuzz
fuzz check-fuzz: $(FUZZ_BINS)
	$(Q)OVT_RESULTS=$(RESULTS) tests/fuzz/run $(FUZZ_TIME) $(FUZZ_BINS)
