// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target: the layers value decoder and validator.  Whatever the
 * bytes: no crash, no read past the buffer (ASan), validate and decode
 * agree, a decoded value (version 0 or 1) encodes back to the same bytes,
 * every record stays inside the value and has only the flags its version
 * knows, never NOFH with FID.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ovllayers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovl_layers *l = NULL;
	const char *reason = NULL;
	size_t off = 0;
	int v = ovl_layers_validate(data, size, &off, &reason);
	int d = ovl_layers_decode(data, size, &l);

	if (v != d)
		abort();
	if (v) {
		if (!reason || off > size)
			abort();
	} else {
		unsigned char *out = malloc(size ? size : 1);

		if (!out || ovl_layers_encode(l, out, size) != (ssize_t)size ||
		    memcmp(out, data, size))
			abort();
		free(out);
		for (unsigned int i = 0; i < ovl_layers_count(l); i++) {
			struct ovl_layer_record rec;

			if ((ovl_layers_get_record(l, i, &rec, sizeof(rec)) < 0) ||
			    (const uint8_t *)rec.fb < (const uint8_t *)0 ||
			    rec.fid_len > OVL_LAYERS_FID_MAX ||
			    rec.fb_len != rec.fid_len + 21 ||
			    (rec.flags & ~0x0fu) ||
			    ((rec.flags & OVL_LAYER_NOFH) &&
			     (rec.flags & OVL_LAYER_FID)) ||
			    (data[0] == 0 && (rec.flags & ~OVL_LAYER_NOFH)))
				abort();
		}
		ovl_layers_free(l);
	}
	/* the same bytes as an origin value */
	if (!ovl_layers_decode_origin(data, size, &l))
		ovl_layers_free(l);
	return 0;
}
