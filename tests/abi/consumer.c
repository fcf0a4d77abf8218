// SPDX-License-Identifier: LGPL-2.1-or-later
/* A program outside the tree, built only with what `make install` put in
 * the stage and what pkg-config says.  Exit 0 when the installed library
 * decodes and re-encodes a value. */
#include <ovllayers.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	static const unsigned char v[] = { 0x00, 0xfc, 0x00, 0x00 };
	unsigned char out[8];
	struct ovl_layers *l = NULL;

	if (ovl_layers_decode(v, sizeof(v), &l) ||
	    ovl_layers_count(l) != 0 ||
	    ovl_layers_encode(l, out, sizeof(out)) != (ssize_t)sizeof(v) ||
	    memcmp(out, v, sizeof(v)) ||
	    ovl_layers_validate("\x00\xfb", 2, NULL, NULL) != -22) {
		fprintf(stderr, "consumer: the installed library misbehaves\n");
		return 1;
	}
	ovl_layers_free(l);
	puts("consumer: ok");
	return 0;
}
