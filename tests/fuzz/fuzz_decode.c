// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target: the layers value decoder and validator.  Whatever the
 * bytes: no crash, no read past the buffer or unaligned read (ASan,
 * UBSan), validate and decode agree, a decoded value (format 0, 1 or 2)
 * encodes back to the same bytes, every record has only the flags its
 * format knows, never NOFH with FID, and an ovl_fb that says what the
 * record says (format 2's, which the library builds, included).
 */
#include <stdbool.h>
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
		bool v0 = size >= 2 && data[1] == 0xfc && data[0] == 0;

		for (unsigned int i = 0; i < ovl_layers_count(l); i++) {
			struct ovl_layer_record rec;
			const uint8_t *fb;

			if ((ovl_layers_get_record(l, i, &rec, sizeof(rec)) < 0) ||
			    rec.fid_len > OVL_LAYERS_FID_MAX ||
			    rec.fb_len != rec.fid_len + 21 ||
			    (rec.flags & ~0x0fu) ||
			    ((rec.flags & OVL_LAYER_NOFH) &&
			     (rec.flags & OVL_LAYER_FID)) ||
			    ((rec.flags & OVL_LAYER_NOFH) && rec.fid_len) ||
			    (v0 && (rec.flags & ~OVL_LAYER_NOFH)))
				abort();
			fb = rec.fb;
			if (fb[1] != 0xfb || fb[2] != rec.fb_len ||
			    fb[3] != rec.fh_flags || fb + 21 != rec.fid ||
			    memcmp(fb + 5, rec.uuid, 16))
				abort();
		}
		ovl_layers_free(l);
	}
	/* the same bytes as an origin value */
	if (!ovl_layers_decode_origin(data, size, &l))
		ovl_layers_free(l);
	return 0;
}
