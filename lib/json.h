/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json.c: json-c helpers the library shares with the CRIU plugin (which
 * carries the library statically, as the CLI carries common.c): exactly
 * one JSON object in text[0..len) (whitespace around it allowed) into
 * *out, or what is wrong with *bad its offset; members by type, NULL /
 * false when missing or of another type.
 */
#ifndef OVL_JSON_H
#define OVL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
enum ovl_json_err {
	OVL_JSON_OK, OVL_JSON_NOMEM, OVL_JSON_NOT_OBJECT, OVL_JSON_TRAILING
};
enum ovl_json_err ovl_json_object(const char *text, size_t len,
				  struct json_object **out, size_t *bad);
const char *ovl_json_str(struct json_object *o, const char *key);
bool ovl_json_int(struct json_object *o, const char *key, int64_t *n);

#endif
