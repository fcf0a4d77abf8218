# ovl-layers, the command line tool (tools/*.c: tools/README.md says
# which file does what), its man page (man/man1), its bash completion and
# its zsh completion (tools/_ovl-layers).  build/bin/ovl-layers, the one
# the tests run, finds the tree's library through RUNPATH $ORIGIN/../lib;
# `make install` installs a copy linked without any RUNPATH
# ($(B)/install/ovl-layers), which finds the library where the dynamic
# linker looks, as packaged binaries must.

CLI := $(B)/bin/ovl-layers
CLI_INSTALLED := $(B)/install/ovl-layers
CLI_CFLAGS := $(shell pkg-config --cflags smartcols 2>/dev/null)
CLI_LIBS := $(shell pkg-config --libs smartcols 2>/dev/null || echo -lsmartcols)
# What the tool shares with the library (escaping a container's text for
# stderr, telling a thread from a process): compiled in, as the library's
# copy is hidden in it.
CLI_SHARED := lib/common.c
# The tool's own files beside ovl-layers.c (main), each a job of its own
# (tools/README.md), and what they share
CLI_SRCS := tools/say.c tools/table.c tools/view.c tools/files.c \
	tools/origin.c tools/mount.c tools/check.c
CLI_HDRS := tools/ovl-layers.h tools/check.h

all: $(CLI)

$(CLI): tools/ovl-layers.c $(CLI_SRCS) $(CLI_HDRS) $(CLI_SHARED) lib/common.h include/ovllayers.h VERSION $(B)/lib/libovllayers.so
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(CLI_CFLAGS) -Ilib -DVERSION='"$(LIB_VERSION)"' -o $@ $< $(CLI_SRCS) $(CLI_SHARED) \
		$(LDFLAGS) -L$(B)/lib -lovllayers -Wl,-rpath,'$$ORIGIN/../lib' $(CLI_LIBS)

$(CLI_INSTALLED): tools/ovl-layers.c $(CLI_SRCS) $(CLI_HDRS) $(CLI_SHARED) lib/common.h include/ovllayers.h VERSION $(B)/lib/libovllayers.so
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(CLI_CFLAGS) -Ilib -DVERSION='"$(LIB_VERSION)"' -o $@ $< $(CLI_SRCS) $(CLI_SHARED) \
		$(LDFLAGS) -L$(B)/lib -lovllayers $(CLI_LIBS)

INSTALL_TARGETS += install-tools
.PHONY: install-tools
install-tools: $(CLI_INSTALLED) $(MAN1)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
	install -m 755 $(CLI_INSTALLED) $(DESTDIR)$(BINDIR)/
	install -m 644 $(B)/man/man1/ovl-layers.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 tools/ovl-layers.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/ovl-layers
	install -m 644 tools/_ovl-layers \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_ovl-layers
