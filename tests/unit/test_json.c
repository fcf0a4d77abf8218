// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The JSON writer (struct ovl_json_out, lib/json.c) against json-c itself:
 * the checkpoint record and the criu plugin's ovl-layers-<id>.json were
 * json-c's J.to_string() text, JSON_C_TO_STRING_PRETTY
 * | JSON_C_TO_STRING_NOSLASHESCAPE, and are now written without json-c.
 * Every byte in a string, and random trees of objects, arrays, strings and
 * integers, must come out byte for byte as json-c writes them, and read
 * back (json-c's parser) as the same bytes.  json-c is dlopen()ed here, in
 * each test's child, as the library loads it: this program does not link
 * it, so that t_json_lazy can tell when the library loads it.
 */
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_units.h"

#define JC_FLAGS	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)

/* The json-c calls these tests make, typed by json-c's header. */
static struct {
	typeof(&json_object_new_object) new_object;
	typeof(&json_object_new_array) new_array;
	typeof(&json_object_new_string) new_string;
	typeof(&json_object_new_int64) new_int64;
	typeof(&json_object_new_int) new_int;
	typeof(&json_object_object_add) object_add;
	typeof(&json_object_array_add) array_add;
	typeof(&json_object_to_json_string_ext) to_string;
	typeof(&json_tokener_parse) parse;
	typeof(&json_object_object_get) object_get;
	typeof(&json_object_get_string) get_string;
	typeof(&json_object_put) put;
	typeof(&json_object_get) get;
} J;

#define JC_SYM(field, name) do {					\
		*(void **)&J.field = dlsym(h, #name);			\
		ck_assert_msg(J.field != NULL, "json-c has no " #name);	\
	} while (0)

static void jc_open(void)
{
	void *h = dlopen(OVL_JSONC_SONAME, RTLD_NOW | RTLD_LOCAL);

	ck_assert_msg(h != NULL, "%s: %s", OVL_JSONC_SONAME, dlerror());
	JC_SYM(new_object, json_object_new_object);
	JC_SYM(new_array, json_object_new_array);
	JC_SYM(new_string, json_object_new_string);
	JC_SYM(new_int64, json_object_new_int64);
	JC_SYM(new_int, json_object_new_int);
	JC_SYM(object_add, json_object_object_add);
	JC_SYM(array_add, json_object_array_add);
	JC_SYM(to_string, json_object_to_json_string_ext);
	JC_SYM(parse, json_tokener_parse);
	JC_SYM(object_get, json_object_object_get);
	JC_SYM(get_string, json_object_get_string);
	JC_SYM(put, json_object_put);
	JC_SYM(get, json_object_get);
}

static char *text_of(struct ovl_json_out *w)
{
	char *text = ovl_json_out_text(w, NULL);

	ck_assert_ptr_nonnull(text);
	return text;
}

/* Each byte 1..255 in a string, as a member and as an element. */
START_TEST(t_every_byte)
{
	for (int c = 1; c < 256; c++) {
		struct json_object *o = J.new_object();
		struct json_object *a = J.new_array();
		struct ovl_json_out w = { 0 };
		char s[8], *text;
		struct json_object *back;

		snprintf(s, sizeof(s), "a%cb/%c", c, c);
		J.object_add(o, "s", J.new_string(s));
		J.array_add(a, J.new_string(s));
		J.object_add(o, "a", a);
		ovl_json_out_begin(&w, NULL, '{');
		ovl_json_out_string(&w, "s", s);
		ovl_json_out_begin(&w, "a", '[');
		ovl_json_out_string(&w, NULL, s);
		ovl_json_out_end(&w);
		ovl_json_out_end(&w);
		text = text_of(&w);
		ck_assert_msg(!strcmp(text, J.to_string(o, JC_FLAGS)),
			      "byte 0x%02x: %s", c, text);
		/* and json-c reads the same bytes back */
		back = J.parse(text);
		ck_assert_ptr_nonnull(back);
		ck_assert_str_eq(J.get_string(J.object_get(back, "s")), s);
		J.put(back);
		J.put(o);
		free(text);
	}
}
END_TEST

static unsigned int seed;

static unsigned int rnd(unsigned int n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

static void random_string(char *s, size_t size)
{
	size_t n = rnd(size);

	for (size_t i = 0; i < n; i++)
		s[i] = (char)(1 + rnd(255));
	s[n] = '\0';
}

static int64_t random_int(void)
{
	static const int64_t edge[] = { 0, 1, -1, INT32_MAX, INT32_MIN,
					INT64_MAX, INT64_MIN, 4294967295 };

	if (rnd(3) == 0)
		return edge[rnd(sizeof(edge) / sizeof(edge[0]))];
	return ((int64_t)rnd(1u << 30) << 33) ^ rnd(1u << 30) ^ -(int64_t)rnd(2);
}

/* One random value, the same into parent (json-c) and w; key NULL in an
 * array. */
static void random_value(struct json_object *parent, const char *key,
			 struct ovl_json_out *w, int depth)
{
	struct json_object *v;
	char s[40];
	int kind = rnd(depth < 4 ? 4 : 2);

	if (kind == 0) {
		random_string(s, sizeof(s));
		v = J.new_string(s);
		ovl_json_out_string(w, key, s);
	} else if (kind == 1) {
		int64_t n = random_int();

		v = J.new_int64(n);
		ovl_json_out_int(w, key, n);
	} else {
		bool array = kind == 2;
		unsigned int members = rnd(4);

		v = array ? J.new_array() : J.new_object();
		ovl_json_out_begin(w, key, array ? '[' : '{');
		for (unsigned int i = 0; i < members; i++) {
			char k[16];

			/* keys distinct, as json-c keeps one per name */
			random_string(k, 8);
			snprintf(k + strlen(k), sizeof(k) - strlen(k), "%u", i);
			random_value(v, array ? NULL : k, w, depth + 1);
		}
		ovl_json_out_end(w);
	}
	if (!parent)
		return;
	if (key)
		J.object_add(parent, key, v);
	else
		J.array_add(parent, v);
}

START_TEST(t_random_trees)
{
	seed = 26;
	for (int i = 0; i < 3000; i++) {
		struct json_object *top = J.new_object();
		struct ovl_json_out w = { 0 };
		unsigned int members = rnd(6);
		char *text;

		ovl_json_out_begin(&w, NULL, '{');
		for (unsigned int m = 0; m < members; m++) {
			char k[16];

			snprintf(k, sizeof(k), "k%u", m);
			random_value(top, k, &w, 1);
		}
		ovl_json_out_end(&w);
		text = text_of(&w);
		ck_assert_msg(!strcmp(text, J.to_string(top, JC_FLAGS)),
			      "tree %d:\n%s\njson-c:\n%s", i, text,
			      J.to_string(top, JC_FLAGS));
		J.put(top);
		free(text);
	}
}
END_TEST

/* A checkpoint whose options hold every kind of byte json-c escapes:
 * saved as json-c wrote it (the text json-c makes of the object read
 * back, and a line feed), read back to the same options. */
START_TEST(t_checkpoint_as_json_c)
{
	static const char rec[] =
		"{\"format\":\"libovllayers-checkpoint\",\"version\":1,"
		"\"source\":\"statmount\",\"options\":"
		"\"redirect_dir=on,x=\\\"q\\\"\\\\\\u0001\\u001f/\\n\\t\xc3\xa9\xff\","
		"\"descriptor\":\"00fc0000\"}";
	struct ovl_layers *l = NULL, *back = NULL;
	struct json_object *o;
	char *json = NULL, *want;

	ck_assert_int_eq(ovl_layers_load(rec, strlen(rec), &l, NULL), 0);
	ck_assert_str_eq(ovl_layers_options(l),
			 "redirect_dir=on,x=\"q\"\\\x01\x1f/\n\t\xc3\xa9\xff");
	ck_assert_int_eq(ovl_layers_save_checkpoint(l, &json, NULL), 0);
	o = J.parse(json);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_ne(asprintf(&want, "%s\n",
				  J.to_string(o, JC_FLAGS)), -1);
	ck_assert_str_eq(json, want);
	ck_assert_str_eq(json,
		"{\n"
		"  \"format\":\"libovllayers-checkpoint\",\n"
		"  \"version\":1,\n"
		"  \"source\":\"statmount\",\n"
		"  \"options\":\"redirect_dir=on,x=\\\"q\\\"\\\\\\u0001\\u001f/\\n\\t\xc3\xa9\xff\",\n"
		"  \"descriptor\":\"00fc0000\"\n"
		"}\n");
	ck_assert_int_eq(ovl_layers_load(json, strlen(json), &back, NULL), 0);
	ck_assert_str_eq(ovl_layers_options(back), ovl_layers_options(l));
	/* as a member, indented as json-c indents an object in an object */
	{
		struct ovl_json_out w = { 0 };
		struct json_object *outer = J.new_object();
		char *text;

		ovl_json_out_begin(&w, NULL, '{');
		ovl_json_out_int(&w, "n", 1);
		ck_assert_int_eq(ovl_record_write(&w, "record", l), 0);
		ovl_json_out_end(&w);
		text = text_of(&w);
		J.object_add(outer, "n", J.new_int(1));
		J.object_add(outer, "record", J.get(o));
		ck_assert_str_eq(text, J.to_string(outer, JC_FLAGS));
		J.put(outer);
		free(text);
	}
	J.put(o);
	free(want);
	free(json);
	ovl_layers_free(back);
	ovl_layers_free(l);
}
END_TEST

/* Rewinding drops what was written since the mark; an unbalanced text
 * and one nested too deep give no text. */
START_TEST(t_rewind_and_failures)
{
	struct ovl_json_out w = { 0 }, mark;
	char *text;

	ovl_json_out_begin(&w, NULL, '{');
	ovl_json_out_int(&w, "a", 1);
	mark = w;
	ovl_json_out_begin(&w, "layers", '[');
	ovl_json_out_string(&w, NULL, "x");
	ovl_json_out_rewind(&w, &mark);
	ovl_json_out_string(&w, "error", "why");
	ovl_json_out_end(&w);
	text = text_of(&w);
	ck_assert_str_eq(text, "{\n  \"a\":1,\n  \"error\":\"why\"\n}");
	free(text);

	ovl_json_out_begin(&w, NULL, '{');
	ck_assert_ptr_null(ovl_json_out_text(&w, NULL));
	ck_assert_ptr_null(w.buf);

	for (int i = 0; i < 40; i++)
		ovl_json_out_begin(&w, NULL, '[');
	ck_assert(w.failed);
	ck_assert_ptr_null(ovl_json_out_text(&w, NULL));

	ovl_json_out_end(&w);	/* nothing open */
	ck_assert_ptr_null(ovl_json_out_text(&w, NULL));
}
END_TEST

TCase *json_tcase(void)
{
	TCase *tc = tcase_create("json");

	tcase_add_checked_fixture(tc, jc_open, NULL);
	tcase_add_test(tc, t_every_byte);
	tcase_add_test(tc, t_random_trees);
	tcase_add_test(tc, t_checkpoint_as_json_c);
	tcase_add_test(tc, t_rewind_and_failures);
	return tc;
}
