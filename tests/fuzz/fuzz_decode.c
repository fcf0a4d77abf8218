// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target: the layers value decoder and validator.  Whatever the
 * bytes: no crash, no read past the buffer or unaligned read (ASan,
 * UBSan), validate and decode agree, a decoded value (format 0, 1 or 2)
 * encodes back to the same bytes, every record has only the flags its
 * format knows (as the kernel's OVL_LAYERS_LAYER_* and _FS_BAD_UUID),
 * never NOFH with FID, and an ovl_fb that says what the record says
 * (format 2's, which the library builds, included); the error object
 * says why and where a value fails, and nothing after a success.
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
	struct ovl_error *e = ovl_error_new();
	int v, d;

	if (!e)
		return 0;
	v = ovl_layers_validate(data, size, e);
	d = ovl_layers_decode(data, size, &l, NULL);
	if (v != d || ovl_error_code(e) != v)
		abort();
	if (v) {
		/* a reason, and the first bad byte: within the value (its
		 * end, for a value cut short), or none; a record, or none */
		if (!ovl_error_message(e) || ovl_error_offset(e) < -1 ||
		    ovl_error_offset(e) > (int64_t)size ||
		    ovl_error_layer(e) < -1 ||
		    ovl_error_layer(e) >= OVL_LAYERS_MAX_RECORDS)
			abort();
	} else {
		unsigned char *out = malloc(size ? size : 1);

		/* a success says nothing */
		if (ovl_error_message(e) || ovl_error_offset(e) != -1 ||
		    ovl_error_layer(e) != -1)
			abort();
		if (!out || ovl_layers_encode(l, out, size) != (ssize_t)size ||
		    memcmp(out, data, size))
			abort();
		free(out);
		bool v1 = size >= 2 && data[1] == 0xfc;	/* formats 1 and 0 */
		bool v0 = v1 && data[0] == 0;

		for (unsigned int i = 0; i < ovl_layers_count(l); i++) {
			struct ovl_layer_record rec;
			const uint8_t *fb;

			/* the kernel's flags (formats 1 and 0 mapped to
			 * them), never NOFH with FID; BAD_UUID the fs's */
			if ((ovl_layers_get_record(l, i, &rec, sizeof(rec)) < 0) ||
			    rec.fid_len > OVL_LAYERS_FID_MAX ||
			    rec.fb_len != rec.fid_len + 21 ||
			    (rec.flags & ~(OVL_LAYERS_LAYER_FID |
					   OVL_LAYERS_LAYER_NOFH |
					   OVL_LAYERS_LAYER_NOPATH)) ||
			    (rec.fs_flags & ~OVL_LAYERS_FS_BAD_UUID) ||
			    ((rec.flags & OVL_LAYERS_LAYER_NOFH) &&
			     (rec.flags & OVL_LAYERS_LAYER_FID)) ||
			    ((rec.flags & OVL_LAYERS_LAYER_NOFH) && rec.fid_len) ||
			    ((rec.flags & OVL_LAYERS_LAYER_NOPATH) && rec.fs_path) ||
			    (v1 && (rec.valid || rec.fs_path ||
				    (rec.flags & OVL_LAYERS_LAYER_NOPATH))) ||
			    (v0 && ((rec.flags & ~OVL_LAYERS_LAYER_NOFH) ||
				    rec.fs_flags)))
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
	if (!ovl_layers_decode_origin(data, size, &l, e)) {
		if (ovl_error_code(e))
			abort();
		ovl_layers_free(l);
	} else if (!ovl_error_message(e)) {
		abort();
	}
	ovl_error_free(e);
	return 0;
}
