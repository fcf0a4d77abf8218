// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * json-c, loaded on first use (json.h says why), and the JSON the library
 * and the criu plugin read: one object per text and its members by type.
 * The plugin carries the library (libovllayers.a), so it uses these too.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The SONAME of the json-c the library was built against (lib.mk). */
#ifndef OVL_JSONC_SONAME
#define OVL_JSONC_SONAME "libjson-c.so.5"
#endif

static struct ovl_json_lib jc;
static bool jc_loaded;
static pthread_once_t jc_once = PTHREAD_ONCE_INIT;

#define JC_SYM(field, name) { offsetof(struct ovl_json_lib, field), #name }
static const struct {
	size_t offset;
	const char *name;
} jc_syms[] = {
	JC_SYM(tokener_new, json_tokener_new),
	JC_SYM(tokener_parse_ex, json_tokener_parse_ex),
	JC_SYM(tokener_get_parse_end, json_tokener_get_parse_end),
	JC_SYM(tokener_free, json_tokener_free),
	JC_SYM(object_put, json_object_put),
	JC_SYM(object_is_type, json_object_is_type),
	JC_SYM(object_object_get_ex, json_object_object_get_ex),
	JC_SYM(object_get_string, json_object_get_string),
	JC_SYM(object_get_int64, json_object_get_int64),
	JC_SYM(object_new_object, json_object_new_object),
	JC_SYM(object_object_add, json_object_object_add),
	JC_SYM(object_new_string, json_object_new_string),
	JC_SYM(object_new_int, json_object_new_int),
	JC_SYM(object_to_json_string_ext, json_object_to_json_string_ext),
};

/* Never dlclose()d: the table lives as long as the process. */
static void jc_load(void)
{
	struct ovl_json_lib t;
	void *h = dlopen(OVL_JSONC_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
	for (size_t i = 0; i < sizeof(jc_syms) / sizeof(jc_syms[0]); i++) {
		void *sym = dlsym(h, jc_syms[i].name);

		if (!sym) {
			dlclose(h);
			return;
		}
		memcpy((char *)&t + jc_syms[i].offset, &sym, sizeof(sym));
	}
	jc = t;
	jc_loaded = true;
}

const struct ovl_json_lib *ovl_json(void)
{
	pthread_once(&jc_once, jc_load);
	return jc_loaded ? &jc : NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum ovl_json_err ovl_json_object(const char *text, size_t len,
				  struct json_object **out, size_t *bad)
{
	const struct ovl_json_lib *j = ovl_json();
	struct json_tokener *tok;
	struct json_object *o;
	size_t end;

	*out = NULL;
	*bad = 0;
	if (!j)
		return OVL_JSON_NO_LIB;
	if (len > INT32_MAX)	/* json-c takes an int */
		return OVL_JSON_NOT_OBJECT;
	tok = j->tokener_new();
	if (!tok)
		return OVL_JSON_NOMEM;
	o = j->tokener_parse_ex(tok, text, (int)len);
	end = j->tokener_get_parse_end(tok);
	j->tokener_free(tok);
	if (!o || !j->object_is_type(o, json_type_object)) {
		j->object_put(o);
		*bad = end;
		return OVL_JSON_NOT_OBJECT;
	}
	while (end < len && is_space(text[end]))
		end++;
	if (end != len) {
		j->object_put(o);
		*bad = end;
		return OVL_JSON_TRAILING;
	}
	*out = o;
	return OVL_JSON_OK;
}

/* o came from ovl_json_object(): json-c is loaded. */
const char *ovl_json_str(struct json_object *o, const char *key)
{
	const struct ovl_json_lib *j = ovl_json();
	struct json_object *v;

	if (!j || !j->object_object_get_ex(o, key, &v) ||
	    !j->object_is_type(v, json_type_string))
		return NULL;
	return j->object_get_string(v);
}

bool ovl_json_int(struct json_object *o, const char *key, int64_t *n)
{
	const struct ovl_json_lib *j = ovl_json();
	struct json_object *v;

	if (!j || !j->object_object_get_ex(o, key, &v) ||
	    !j->object_is_type(v, json_type_int))
		return false;
	*n = j->object_get_int64(v);
	return true;
}
