// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mount option parser (lib/options.c): the strings mountinfo and the
 * descriptor give it, split as the kernel would (quote aware, mountinfo's
 * octal escapes undone in raw mode), the one table of layer options, and
 * the writer that builds an option string back.  No privilege needed.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_units.h"

/* split s; the pieces as "name=value|name|..." (value "(null)" without) */
static int split(const char *s, bool raw, char *out, size_t size)
{
	struct ovl_opt_iter it;
	char *name, *value;
	int rc;

	out[0] = '\0';
	rc = ovl_opt_begin(&it, s);
	while (!rc && (rc = ovl_opt_next(&it, raw, &name, &value)) == 1) {
		size_t used = strlen(out);

		snprintf(out + used, size - used, "%s%s=%s", used ? "|" : "",
			 name, value ? value : "(null)");
		rc = 0;
		if (it.quoted)
			strncat(out, "[q]", size - strlen(out) - 1);
	}
	ovl_opt_end(&it);
	return rc;
}

START_TEST(t_split)
{
	char out[1024];

	ck_assert_int_eq(split("rw,lowerdir=/a:/b,upperdir=/u,workdir=/w",
			       false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "rw=(null)|lowerdir=/a:/b|upperdir=/u|workdir=/w");
	/* empty pieces are skipped, an empty string has none */
	ck_assert_int_eq(split(",,ro,,", false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "ro=(null)");
	ck_assert_int_eq(split("", false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(split(NULL, false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	/* an SELinux context is one option; its quotes go, and are noted */
	ck_assert_int_eq(split("context=\"system_u:object_r:c_t:s0:c1,c2\",lowerdir=/l",
			       false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "context=system_u:object_r:c_t:s0:c1,c2[q]|lowerdir=/l");
	/* an empty value is not a missing one */
	ck_assert_int_eq(split("redirect_dir=,x", false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "redirect_dir=|x=(null)");
}
END_TEST

START_TEST(t_raw_unescapes)
{
	char out[1024];

	/* mountinfo's octal escapes: space, tab, newline, backslash; overlayfs
	 * also escapes ',' and '=' in layer paths (\054, \075) */
	ck_assert_int_eq(split("lowerdir=/a\\040b:/c\\054d,upperdir=/e\\075f\\134",
			       true, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "lowerdir=/a b:/c,d|upperdir=/e=f\\");
	/* not raw: left as written */
	ck_assert_int_eq(split("lowerdir=/a\\040b", false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "lowerdir=/a\\040b");
}
END_TEST

START_TEST(t_quotes_refused)
{
	char out[1024];

	/* an unclosed quote would end the list quietly: refused */
	ck_assert_int_eq(split("lowerdir=/a\"b,upperdir=/c", true, out,
			       sizeof(out)), -EINVAL);
	/* a container's quote pair inside paths joins two options into one:
	 * the value says it held a quote, and its users refuse it */
	ck_assert_int_eq(split("lowerdir=/a\"b,upperdir=/c\"d,workdir=/w", true,
			       out, sizeof(out)), 0);
	ck_assert_str_eq(out, "lowerdir=/a\"b,upperdir=/c\"d[q]|workdir=/w");
}
END_TEST

START_TEST(t_layer_options)
{
	static const struct { const char *name; unsigned int kind; bool list; }
	want[] = {
		{ "upperdir", OVL_LAYERS_UPPER, false },
		{ "workdir", OVL_LAYERS_WORK, false },
		{ "lowerdir+", OVL_LAYERS_LOWER, false },
		{ "datadir+", OVL_LAYERS_DATA, false },
		{ "lowerdir", OVL_LAYERS_LOWER, true },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct ovl_layer_option *o = ovl_layer_option(want[i].name);

		ck_assert_ptr_nonnull(o);
		ck_assert_str_eq(o->name, want[i].name);
		ck_assert_uint_eq(o->kind, want[i].kind);
		ck_assert(o->list == want[i].list);
		ck_assert(ovl_is_layer_option(want[i].name));
	}
	ck_assert_ptr_null(ovl_layer_option("lowerdir+x"));
	ck_assert_ptr_null(ovl_layer_option("metacopy"));
	ck_assert(!ovl_is_layer_option("index"));
	ck_assert(!ovl_is_layer_option(""));
	/* one fsconfig() key per kind: never the colon list */
	ck_assert_str_eq(ovl_layer_option_key(OVL_LAYERS_UPPER), "upperdir");
	ck_assert_str_eq(ovl_layer_option_key(OVL_LAYERS_WORK), "workdir");
	ck_assert_str_eq(ovl_layer_option_key(OVL_LAYERS_LOWER), "lowerdir+");
	ck_assert_str_eq(ovl_layer_option_key(OVL_LAYERS_DATA), "datadir+");
	ck_assert_ptr_null(ovl_layer_option_key(0));
	ck_assert_ptr_null(ovl_layer_option_key(5));
}
END_TEST

START_TEST(t_append_round_trip)
{
	struct ovl_buf b = { 0 };
	char out[1024];

	ck_assert_int_eq(ovl_opt_append(&b, "ro", NULL), 0);
	ck_assert_int_eq(ovl_opt_append(&b, "context", "u:r:t:s0:c1,c2"), 0);
	ck_assert_int_eq(ovl_opt_append(&b, "lowerdir", "/a:/b"), 0);
	ck_assert_int_eq(ovl_opt_append(&b, "lowerdir", "/q\"uote"), -EINVAL);
	ck_assert_int_eq(ovl_buf_put(&b, "", 1), 0);
	ck_assert_str_eq((char *)b.data,
			 "ro,context=\"u:r:t:s0:c1,c2\",lowerdir=/a:/b");
	/* and it splits back into what was appended */
	ck_assert_int_eq(split((char *)b.data, false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "ro=(null)|context=u:r:t:s0:c1,c2[q]|lowerdir=/a:/b");
	free(b.data);
}
END_TEST

START_TEST(t_buf_grows)
{
	struct ovl_buf b = { 0 };
	char chunk[700];

	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(ovl_buf_put(&b, chunk, sizeof(chunk)), 0);
	ck_assert_uint_eq(b.len, 70000);
	ck_assert_uint_ge(b.cap, b.len);
	for (size_t i = 0; i < b.len; i++)
		ck_assert_int_eq(b.data[i], 'x');
	free(b.data);
}
END_TEST

TCase *options_tcase(void)
{
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, t_split);
	tcase_add_test(tc, t_raw_unescapes);
	tcase_add_test(tc, t_quotes_refused);
	tcase_add_test(tc, t_layer_options);
	tcase_add_test(tc, t_append_round_trip);
	tcase_add_test(tc, t_buf_grows);
	return tc;
}
