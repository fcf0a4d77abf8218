# The CRIU plugin (criu/): ovl_layers_plugin.so, which criu loads from
# /usr/lib/criu/ (its default plugin folder) or from `criu -L DIR`.  It
# carries the library statically, so it does not depend on where
# libovllayers.so is installed.  Built when criu's plugin header is there
# (Debian package criu, which scripts/install-deps installs).

CRIU_PLUGIN     := $(B)/criu/ovl_layers_plugin.so
CRIU_PLUGIN_H   := $(wildcard /usr/include/criu/criu-plugin.h)
# criu's folder is /usr/lib/criu, also when LIBDIR is a multiarch one
CRIU_PLUGINDIR  ?= $(PREFIX)/lib/criu
CRIU_OBJS       := $(addprefix $(B)/obj/criu/,plugin.o find_task.o dump.o restore.o images.o)
# the plugin's image is JSON.  It links libc alone: the dump writes its
# images as json-c would, without it (struct ovl_json_out, lib/json.h),
# and the restore reads them with the json-c the library loads on first
# use (lib/json.c), so a dump never loads json-c.  JSON_LIBS: for the
# tests and the bench, which link json-c themselves.
JSON_CFLAGS     := $(shell pkg-config --cflags json-c 2>/dev/null)
JSON_LIBS       := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)

ifneq ($(CRIU_PLUGIN_H),)
all: $(CRIU_PLUGIN)
INSTALL_TARGETS += install-criu-plugin
endif

$(B)/obj/criu/%.o: criu/%.c criu/plugin.h criu/images.h include/ovllayers.h lib/json.h lib/common.h VERSION
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Ilib -fPIC $(LIB_DEP_CFLAGS) -DVERSION='"$(LIB_VERSION)"' -c -o $@ $<

# no -z defs: criu_get_image_dir() and print_on_level() come from criu
$(CRIU_PLUGIN): $(CRIU_OBJS) $(LIB_A) criu/plugin.map
	$(call quiet,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,--version-script,criu/plugin.map \
		-o $@ $(CRIU_OBJS) $(LIB_A)

.PHONY: install-criu-plugin
install-criu-plugin: $(CRIU_PLUGIN) $(MAN1)
	install -d $(DESTDIR)$(CRIU_PLUGINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(CRIU_PLUGIN) $(DESTDIR)$(CRIU_PLUGINDIR)/
	install -m 644 $(B)/man/man1/ovl_layers_plugin.1 $(DESTDIR)$(MANDIR)/man1/
