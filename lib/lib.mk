# libovllayers: shared (SONAME libovllayers.so.2: the API's major) and
# static library.
# Symbols are hidden by default; OVL_EXPORT marks the exported ones and
# lib/libovllayers.map versions them.

# One version for the library, the CLI, the plugin and the man pages: the
# top-level VERSION file (debian/changelog must say the same).
LIB_VERSION := $(shell cat VERSION)
LIB_SONAME  := libovllayers.so.$(firstword $(subst ., ,$(LIB_VERSION)))
LIB_SO      := $(B)/lib/libovllayers.so.$(LIB_VERSION)
LIB_A       := $(B)/lib/libovllayers.a
LIB_SRCS    := $(wildcard lib/*.c)
LIB_OBJS    := $(patsubst lib/%.c,$(B)/obj/lib/%.o,$(LIB_SRCS))
LIB_MAP     := lib/libovllayers.map
# The format code: decode, encode, validate, load and save a layers value
# and its descriptor.  It links on its own, without views, mounts or the
# resolver (the format fuzzers link only it).
LIB_FORMAT_SRCS := $(addprefix lib/,error.c decode.c format2.c layers.c load.c \
	value.c record.c json.c log.c common.c options.c)

# What the library links: libc alone.  It parses mountinfo itself
# (lib/mount_mountinfo.c says why not libmount), and loads json-c, which
# only the checkpoint record needs, when a record is first written or read
# (lib/json.h): by the SONAME of the json-c it was built against.  Its
# headers are needed to build; LIB_DEP_LIBS is what a static link of the
# library needs besides libc: nothing.
LIB_DEP_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
LIB_DEP_LIBS   :=
JSONC_SONAME   := $(shell objdump -p "$$($(CC) -print-file-name=libjson-c.so)" 2>/dev/null | \
			awk '$$1 == "SONAME" { print $$2 }')
ifneq ($(JSONC_SONAME),)
LIB_DEP_CFLAGS += -DOVL_JSONC_SONAME='"$(JSONC_SONAME)"'
endif

all: $(LIB_SO) $(LIB_A) $(B)/lib/libovllayers.so

$(B)/obj/lib/%.o: lib/%.c lib/internal.h lib/common.h lib/json.h lib/missing.h include/ovllayers.h \
		include/ovllayers/overlayfs.h
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -fPIC -fvisibility=hidden $(LIB_DEP_CFLAGS) -c -o $@ $<

$(LIB_SO): $(LIB_OBJS) $(LIB_MAP)
	$(call quiet,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,$(LIB_SONAME) \
		-Wl,--version-script,$(LIB_MAP) -Wl,-z,defs \
		-o $@ $(LIB_OBJS) $(LIB_DEP_LIBS)

$(B)/lib/libovllayers.so: $(LIB_SO)
	$(Q)ln -sf libovllayers.so.$(LIB_VERSION) $(B)/lib/$(LIB_SONAME)
	$(Q)ln -sf $(LIB_SONAME) $@

$(LIB_A): $(LIB_OBJS)
	$(call quiet,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# The library with its test seam (-DOVL_TEST_SEAM, lib/internal.h): for
# the host tests that need a value a kernel with the series produced, on a
# host whose kernel has none.  Never installed, never in a package.
LIB_SEAM_A    := $(B)/tests/lib/libovllayers-seam.a
LIB_SEAM_OBJS := $(patsubst lib/%.c,$(B)/obj/lib-seam/%.o,$(LIB_SRCS))

$(B)/obj/lib-seam/%.o: lib/%.c lib/internal.h include/ovllayers.h \
		include/ovllayers/overlayfs.h
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -DOVL_TEST_SEAM -fvisibility=hidden $(LIB_DEP_CFLAGS) -c -o $@ $<

$(LIB_SEAM_A): $(LIB_SEAM_OBJS)
	$(call quiet,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

INSTALL_TARGETS += install-lib
.PHONY: install-lib
install-lib: $(LIB_SO) $(LIB_A) $(B)/lib/libovllayers.pc $(MAN3)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/ovllayers $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(LIB_SO) $(LIB_A) $(DESTDIR)$(LIBDIR)/
	ln -sf libovllayers.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libovllayers.so
	install -m 644 include/ovllayers.h $(DESTDIR)$(INCDIR)/
	install -m 644 include/ovllayers/overlayfs.h $(DESTDIR)$(INCDIR)/ovllayers/
	install -m 644 $(B)/lib/libovllayers.pc $(DESTDIR)$(PKGCONFIGDIR)/
	cp -P $(MAN3) $(DESTDIR)$(MANDIR)/man3/

# Regenerated whenever the directories it names change, so that a
# `make install PREFIX=/usr` after a plain `make install` is not stale.
$(B)/lib/libovllayers.pc: pkgconfig/libovllayers.pc.in FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(LIB_VERSION)|' \
		-e 's|@CRIU_PLUGINDIR@|$(CRIU_PLUGINDIR)|' $< > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

.PHONY: FORCE
FORCE:
