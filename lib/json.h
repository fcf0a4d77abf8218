/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json.c: json-c, loaded when first used, and the helpers the library
 * shares with the CRIU plugin (which carries the library statically, as
 * the CLI carries common.c).
 *
 * Only the checkpoint record (record.c) is JSON, and a reader or a
 * resolver never touches it, so the library does not link json-c: it is
 * dlopen()ed the first time a record is written or read (ovl_json()),
 * and a program that only reads and resolves layers (a criu linking the
 * library) never loads it.  ovl_json() returns the table of the json-c
 * functions the library calls, or NULL when libjson-c cannot be loaded
 * (the record calls then fail with -ELIBACC).
 *
 * ovl_json_object(): exactly one JSON object in text[0..len) (whitespace
 * around it allowed) into *out, or what is wrong and *bad its offset;
 * ovl_json_str(), ovl_json_int(): members by type, NULL / false when
 * missing or of another type.
 */
#ifndef OVL_JSON_H
#define OVL_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The json-c calls the library makes, typed by json-c's own header. */
struct ovl_json_lib {
	typeof(&json_tokener_new) tokener_new;
	typeof(&json_tokener_parse_ex) tokener_parse_ex;
	typeof(&json_tokener_get_parse_end) tokener_get_parse_end;
	typeof(&json_tokener_free) tokener_free;
	typeof(&json_object_put) object_put;
	typeof(&json_object_is_type) object_is_type;
	typeof(&json_object_object_get_ex) object_object_get_ex;
	typeof(&json_object_get_string) object_get_string;
	typeof(&json_object_get_int64) object_get_int64;
	typeof(&json_object_new_object) object_new_object;
	typeof(&json_object_object_add) object_object_add;
	typeof(&json_object_new_string) object_new_string;
	typeof(&json_object_new_int) object_new_int;
	typeof(&json_object_to_json_string_ext) object_to_json_string_ext;
};
const struct ovl_json_lib *ovl_json(void);

enum ovl_json_err {
	OVL_JSON_OK, OVL_JSON_NOMEM, OVL_JSON_NOT_OBJECT, OVL_JSON_TRAILING,
	OVL_JSON_NO_LIB
};
enum ovl_json_err ovl_json_object(const char *text, size_t len,
				  struct json_object **out, size_t *bad);
const char *ovl_json_str(struct json_object *o, const char *key);
bool ovl_json_int(struct json_object *o, const char *key, int64_t *n);

#endif
