// SPDX-License-Identifier: LGPL-2.1-or-later
/* A program outside the tree, built only with what `make install` put in
 * the stage and what pkg-config says (<ovllayers.h> and the uapi header
 * it includes, <ovllayers/overlayfs.h>).  Exit 0 when the installed
 * library decodes and re-encodes a value, and its error object says why a
 * value is refused. */
#include <ovllayers.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	static const unsigned char v[] = { 0x00, 0xfc, 0x00, 0x00 };
	unsigned char out[8];
	struct ovl_layers *l = NULL;
	struct ovl_error *err = ovl_error_new();

	if (!err || ovl_layers_decode(v, sizeof(v), &l, err) ||
	    ovl_error_code(err) != 0 || ovl_error_message(err) ||
	    ovl_layers_count(l) != 0 ||
	    ovl_layers_encode(l, out, sizeof(out)) != (ssize_t)sizeof(v) ||
	    memcmp(out, v, sizeof(v)) ||
	    ovl_layers_validate("\x00\xfb", 2, NULL) != -22 ||
	    ovl_layers_validate("\x00\xfb", 2, err) != -22 ||
	    ovl_error_code(err) != -22 || !ovl_error_message(err) ||
	    ovl_error_offset(err) < 0 ||
	    strcmp(OVL_LAYERS_XATTR, "trusted.overlay.layers")) {
		fprintf(stderr, "consumer: the installed library misbehaves\n");
		return 1;
	}
	ovl_error_free(err);
	ovl_layers_free(l);
	puts("consumer: ok");
	return 0;
}
