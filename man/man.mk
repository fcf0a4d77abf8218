# Man pages: the sources in man/man1 and man/man3 say "libovllayers
# @VERSION@" in their .TH line; `make` writes them with the VERSION file's
# number to build/man/, which is what `make install` installs.
# (Included before the fragments whose install rules name $(MAN1), $(MAN3).)

MAN1 := $(patsubst man/%,$(B)/man/%,$(wildcard man/man1/*.1))
MAN3 := $(patsubst man/%,$(B)/man/%,$(wildcard man/man3/*.3))

all: $(MAN1) $(MAN3)

$(B)/man/%: man/% VERSION
	$(Q)mkdir -p $(dir $@)
	$(Q)sed 's/@VERSION@/$(LIB_VERSION)/g' $< > $@.tmp && mv -f $@.tmp $@
