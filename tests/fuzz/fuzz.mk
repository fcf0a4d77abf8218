# libFuzzer targets (clang 14, ASan + UBSan): the xattr decoder, the
# reader of saved descriptors and the CRIU plugin's reader of mountpoints
# images.  `make fuzz FUZZ_TIME=N` runs each N seconds from the seed
# corpus (real values from the patched kernel included, images made by
# crit) and fails on any crash, leak or timeout.  `make check` runs them
# briefly.

FUZZ_CC    ?= clang-14
FUZZ_TIME  ?= 15
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -D_GNU_SOURCE -Iinclude -Ilib $(LIB_DEP_CFLAGS)
FUZZ_TARGETS := decode load criu_images
FUZZ_BINS := $(addprefix $(B)/fuzz/fuzz_,$(FUZZ_TARGETS))

# the format's fuzzers link the format code alone (lib/lib.mk): a call
# from it into views or mounts is a link error here
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_FORMAT_SRCS) lib/internal.h include/ovllayers.h
	$(call quiet,FUZZCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(LIB_FORMAT_SRCS) $(LIB_DEP_LIBS)

# criu/images.c stands alone: no library
$(B)/fuzz/fuzz_criu_images: tests/fuzz/fuzz_criu_images.c criu/images.c criu/images.h
	$(call quiet,FUZZCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -Icriu -o $@ $< criu/images.c

CHECK_SUITES += fuzz
.PHONY: fuzz check-fuzz
fuzz check-fuzz: $(FUZZ_BINS)
	$(Q)OVT_RESULTS=$(RESULTS) tests/fuzz/run $(FUZZ_TIME) $(FUZZ_BINS)
