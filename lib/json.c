// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * json-c, loaded on first use (json.h says why), and the JSON the library
 * and the criu plugin read: one object per text and its members by type;
 * the JSON they write, as json-c would, without it.  The plugin carries
 * the library (libovllayers.a), so it uses these too.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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
	JC_SYM(array_length, json_object_array_length),
	JC_SYM(array_get_idx, json_object_array_get_idx),
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

/* ---- writing: json-c's pretty text, without json-c (json.h) ---- */

/* as deep as the bits of had and array go; a description nests 3 deep */
#define OUT_DEPTH_MAX	31

/* Room for n more bytes and a NUL. */
static bool out_room(struct ovl_json_out *w, size_t n)
{
	size_t cap;
	char *more;

	if (w->failed)
		return false;
	if (n < w->cap - w->len)
		return true;
	if (n > SIZE_MAX / 2 - w->len) {
		w->failed = true;
		return false;
	}
	cap = w->cap ? w->cap : 256;
	while (cap - w->len <= n)
		cap *= 2;
	more = realloc(w->buf, cap);
	if (!more) {
		w->failed = true;
		return false;
	}
	w->buf = more;
	w->cap = cap;
	return true;
}

static void out_put(struct ovl_json_out *w, const char *s, size_t n)
{
	if (!out_room(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* json-c's json_escape_str() with JSON_C_TO_STRING_NOSLASHESCAPE */
static void out_escaped(struct ovl_json_out *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	out_put(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = *s;
		char esc[7] = "\\";
		size_t n = 2;

		switch (c) {
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		default:
			if (c >= 0x20)
				continue;
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		out_put(w, run, s - run);
		out_put(w, esc, n);
		run = s + 1;
	}
	out_put(w, run, s - run);
	out_put(w, "\"", 1);
}

/* What comes before a value: the comma and the line after the one
 * before, the indent (two spaces a level), the key. */
static void out_value(struct ovl_json_out *w, const char *key)
{
	static const char spaces[] = "                                ";
	uint32_t bit = 1u << w->depth;

	if (!w->depth)
		return;
	if (w->had & bit)
		out_put(w, ",\n", 2);
	w->had |= bit;
	for (unsigned int i = 0; i < w->depth; i++)
		out_put(w, spaces, 2);
	if (key && !(w->array & bit)) {
		out_escaped(w, key);
		out_put(w, ":", 1);
	}
}

void ovl_json_out_begin(struct ovl_json_out *w, const char *key, char open)
{
	uint32_t bit;

	out_value(w, key);
	if (w->depth >= OUT_DEPTH_MAX) {
		w->failed = true;
		return;
	}
	out_put(w, open == '[' ? "[\n" : "{\n", 2);
	bit = 1u << ++w->depth;
	w->had &= ~bit;
	if (open == '[')
		w->array |= bit;
	else
		w->array &= ~bit;
}

void ovl_json_out_end(struct ovl_json_out *w)
{
	uint32_t bit = 1u << w->depth;
	bool array = w->array & bit;

	if (!w->depth) {
		w->failed = true;
		return;
	}
	if (w->had & bit)
		out_put(w, "\n", 1);
	w->depth--;
	for (unsigned int i = 0; i < w->depth; i++)
		out_put(w, "  ", 2);
	out_put(w, array ? "]" : "}", 1);
}

void ovl_json_out_string(struct ovl_json_out *w, const char *key,
			 const char *s)
{
	out_value(w, key);
	out_escaped(w, s);
}

void ovl_json_out_int(struct ovl_json_out *w, const char *key, int64_t n)
{
	char num[24];

	out_value(w, key);
	out_put(w, num, snprintf(num, sizeof(num), "%" PRId64, n));
}

void ovl_json_out_hex(struct ovl_json_out *w, const char *key,
		      const unsigned char *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	out_value(w, key);
	if (len > SIZE_MAX / 2 - 2 || !out_room(w, 2 * len + 2)) {
		w->failed = true;
		return;
	}
	w->buf[w->len++] = '"';
	for (size_t i = 0; i < len; i++) {
		w->buf[w->len++] = digits[bytes[i] >> 4];
		w->buf[w->len++] = digits[bytes[i] & 15];
	}
	w->buf[w->len++] = '"';
	w->buf[w->len] = '\0';
}

void ovl_json_out_rewind(struct ovl_json_out *w,
			 const struct ovl_json_out *mark)
{
	if (mark->len > w->len) {	/* not a mark of w's */
		w->failed = true;
		return;
	}
	w->len = mark->len;
	w->depth = mark->depth;
	w->had = mark->had;
	w->array = mark->array;
	if (w->buf)
		w->buf[w->len] = '\0';
}

char *ovl_json_out_text(struct ovl_json_out *w, size_t *len)
{
	char *text = NULL;

	if (!w->failed && !w->depth && out_room(w, 0)) {
		text = w->buf;
		if (len)
			*len = w->len;
		w->buf = NULL;
	}
	ovl_json_out_free(w);
	return text;
}

void ovl_json_out_free(struct ovl_json_out *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}
