// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target: the reader of saved descriptors (raw bytes, getfattr
 * hex and base64 text, bare hex, JSON checkpoint records).
 */
#include <stdint.h>
#include <stdlib.h>

#include "ovllayers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovl_layers *l = NULL;
	const char *reason = NULL;
	size_t off = 0;
	int err = ovl_layers_load(data, size, &l, &off, &reason);

	if (err) {
		/* into buf, or into the value it decodes to: never past size */
		if (!reason || off > size)
			abort();
		return 0;
	}
	/* what loads can be saved as a record and loaded back */
	if (ovl_layers_source(l) != OVL_LAYERS_SOURCE_ORIGIN) {
		char *json = NULL;
		struct ovl_layers *back = NULL;

		if (ovl_layers_save_record(l, &json))
			abort();
		for (size_t n = 0; json[n]; n++)
			;
		if (ovl_layers_load(json, __builtin_strlen(json), &back, NULL,
				    NULL))
			abort();
		ovl_layers_free(back);
		free(json);
	}
	ovl_layers_free(l);
	return 0;
}
