// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The JSON the library and the criu plugin read (json-c): one object per
 * text and its members by type.  The plugin carries the library
 * (libovllayers.a), so it uses these too.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum ovl_json_err ovl_json_object(const char *text, size_t len,
				  struct json_object **out, size_t *bad)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t end;

	*out = NULL;
	*bad = 0;
	if (len > INT32_MAX)	/* json-c takes an int */
		return OVL_JSON_NOT_OBJECT;
	tok = json_tokener_new();
	if (!tok)
		return OVL_JSON_NOMEM;
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*bad = end;
		return OVL_JSON_NOT_OBJECT;
	}
	while (end < len && is_space(text[end]))
		end++;
	if (end != len) {
		json_object_put(o);
		*bad = end;
		return OVL_JSON_TRAILING;
	}
	*out = o;
	return OVL_JSON_OK;
}

const char *ovl_json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

bool ovl_json_int(struct json_object *o, const char *key, int64_t *n)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*n = json_object_get_int64(v);
	return true;
}
