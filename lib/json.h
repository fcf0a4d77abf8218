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
 * (reading a record then fails with -ELIBACC).
 *
 * ovl_json_object(): exactly one JSON object in text[0..len) (whitespace
 * around it allowed) into *out, or what is wrong and *bad its offset;
 * ovl_json_str(), ovl_json_int(): members by type, NULL / false when
 * missing or of another type.
 *
 * Writing needs no json-c (struct ovl_json_out): a checkpoint, and the
 * plugin's description at the end of every criu dump, are written as
 * text, byte for byte as json-c's json_object_to_json_string_ext() with
 * JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE writes them
 * (what the records and images written before were, and what
 * tests/unit compares it with), so that a dump never loads json-c.
 */
#ifndef OVL_JSON_H
#define OVL_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The SONAME of the json-c the library was built against (lib.mk). */
#ifndef OVL_JSONC_SONAME
#define OVL_JSONC_SONAME "libjson-c.so.5"
#endif

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
	typeof(&json_object_array_length) array_length;
	typeof(&json_object_array_get_idx) array_get_idx;
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

/*
 * JSON text, written as json-c writes it pretty-printed, without json-c.
 * A zeroed struct is an empty text; begin() opens an object ('{') or an
 * array ('['), end() closes the innermost; each value is a member (key)
 * of the innermost object, an element of the innermost array (key NULL),
 * or the text's one value (key NULL, nothing open).  Every string is
 * escaped as json-c escapes it: '"', '\\' and the bytes below 0x20 (\b,
 * \f, \n, \r, \t, else \u00xx), the rest as it is (json-c checks no
 * UTF-8 either, so a name that is not UTF-8 reads back the same bytes).
 * Out of memory or nested too deep is remembered: text() then returns
 * NULL.  text() hands over the NUL-terminated text (free() it), its
 * length in *len unless len is NULL, and empties the struct; free()
 * drops it.
 */
struct ovl_json_out {
	char *buf;
	size_t len, cap;
	unsigned int depth;	/* containers open */
	uint32_t had;		/* bit d: the container at depth d has a value */
	uint32_t array;		/* bit d: it is an array */
	bool failed;
};
void ovl_json_out_begin(struct ovl_json_out *w, const char *key, char open);
void ovl_json_out_end(struct ovl_json_out *w);
void ovl_json_out_string(struct ovl_json_out *w, const char *key,
			 const char *s);
void ovl_json_out_int(struct ovl_json_out *w, const char *key, int64_t n);
/* bytes as a string of lower-case hex digits, two a byte */
void ovl_json_out_hex(struct ovl_json_out *w, const char *key,
		      const unsigned char *bytes, size_t len);
/* Back to where w was when mark was copied from it (mark = *w): what was
 * written since is dropped; out of memory stays remembered. */
void ovl_json_out_rewind(struct ovl_json_out *w,
			 const struct ovl_json_out *mark);
char *ovl_json_out_text(struct ovl_json_out *w, size_t *len);
void ovl_json_out_free(struct ovl_json_out *w);

/*
 * The checkpoint record of layers (record.c's first comment), written as
 * the value key (NULL: the text's one value) of w: what
 * ovl_layers_save_checkpoint(3) returns, the criu plugin's description's
 * "record".  0, -EINVAL (an origin descriptor: no overlay to mount
 * again) or -ENOMEM.
 */
struct ovl_layers;
int ovl_record_write(struct ovl_json_out *w, const char *key,
		     const struct ovl_layers *layers);

#endif
