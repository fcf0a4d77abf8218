# libovllayers: top-level Makefile.
#
# One non-recursive make: each area keeps its rules in a fragment next to
# its sources (lib/lib.mk, tools/tools.mk, tests/*/…mk, kernel/kernel.mk)
# and this file includes them.  Everything built goes under build/.
#
#   make                  library, CLI
#   make check            install deps, build, run every suite, summary line
#   make demo             the checkpoint/restore story in the patched VM
#   make kernel           the patched kernel (cached in build/kernel/)
#   make install DESTDIR= PREFIX=
#   make clean
#
# CFLAGS is the user's (packagers' flags survive); what the build needs is
# added with override.  V=1 prints the full command lines.

PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wundef -Wvla -Wwrite-strings \
	-fno-common
override CFLAGS += -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -Iinclude
ifeq ($(WERROR),1)
override CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=address,undefined
endif

B := build

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n' $(1) $(2)
endif

all:

# Fragments add their install rules' names here.
INSTALL_TARGETS :=

include man/man.mk
include lib/lib.mk
include tools/tools.mk
include criu/criu.mk
include tests/tests.mk
include kernel/kernel.mk
include bench/bench.mk

.PHONY: all deps check demo install clean distclean

install: $(INSTALL_TARGETS)

# Debian packages every target may need; a no-op when all are present.
deps:
	$(Q)scripts/install-deps

# `make clean` removes all that make created under build/ except the
# caches, which are keyed by what they depend on and slow to remake: the
# sources (cache/), the kernels (kernel/, kernel-debug/) and the stock
# kernel's module tree (stock/).  `make distclean` removes those too.
CACHE_DIRS := cache kernel kernel-debug stock
clean:
	$(Q)[ ! -d $(B) ] || find $(B) -mindepth 1 -maxdepth 1 \
		$(foreach d,$(CACHE_DIRS),! -name $(d)) -exec rm -rf {} +

distclean:
	rm -rf $(B)
