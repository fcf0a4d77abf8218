# ovl-layers, the command line tool (tools/ovl-layers.c), its man page
# (man/man1) and bash completion.  build/bin/ovl-layers finds the library
# through RUNPATH $ORIGIN/../lib, in the tree and installed side by side.

CLI := $(B)/bin/ovl-layers
CLI_CFLAGS := $(shell pkg-config --cflags smartcols mount 2>/dev/null)
CLI_LIBS := $(shell pkg-config --libs smartcols mount 2>/dev/null || echo -lsmartcols -lmount)

all: $(CLI)

$(CLI): tools/ovl-layers.c include/ovllayers.h $(B)/lib/libovllayers.so
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(CLI_CFLAGS) -DVERSION='"$(LIB_VERSION)"' -o $@ $< \
		$(LDFLAGS) -L$(B)/lib -lovllayers -Wl,-rpath,'$$ORIGIN/../lib' $(CLI_LIBS)

INSTALL_TARGETS += install-tools
.PHONY: install-tools
install-tools: $(CLI)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/
	install -m 644 man/man1/ovl-layers.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 tools/ovl-layers.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/ovl-layers
