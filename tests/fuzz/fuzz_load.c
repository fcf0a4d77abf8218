// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target: the reader of saved descriptors (raw bytes, getfattr
 * hex and base64 text, bare hex, JSON checkpoints).
 */
#include <stdint.h>
#include <stdlib.h>

#include "ovllayers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovl_layers *l = NULL;
	struct ovl_error *e = ovl_error_new();
	int err;

	if (!e)
		return 0;
	err = ovl_layers_load(data, size, &l, e);
	if (ovl_error_code(e) != err)
		abort();
	if (err) {
		/* into buf, or into the value it decodes to: never past
		 * size; or none (-1) */
		if (!ovl_error_message(e) || ovl_error_offset(e) < -1 ||
		    ovl_error_offset(e) > (int64_t)size)
			abort();
		ovl_error_free(e);
		return 0;
	}
	if (ovl_error_message(e) || ovl_error_offset(e) != -1)
		abort();
	ovl_error_free(e);
	/* what loads can be saved as a checkpoint and loaded back */
	if (ovl_layers_source(l) != OVL_SOURCE_ORIGIN) {
		char *json = NULL;
		struct ovl_layers *back = NULL;

		if (ovl_layers_save_checkpoint(l, &json, NULL))
			abort();
		for (size_t n = 0; json[n]; n++)
			;
		if (ovl_layers_load(json, __builtin_strlen(json), &back, NULL))
			abort();
		ovl_layers_free(back);
		free(json);
	}
	ovl_layers_free(l);
	return 0;
}
