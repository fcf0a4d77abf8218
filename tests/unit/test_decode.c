// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the format code (no privilege, no mounts): decode,
 * validate, encode, load, records, names.  Values of formats 1 and 0 are
 * built here from their layout, byte by byte; format 2 has its own cases
 * (test_format2.c), added to this suite.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ovllayers.h"
#include "test_units.h"
#include "testrun.h"

/* The flags of a format 1 record, as on the wire (docs/layers-format.md;
 * version 0 knows NOFH only).  The library maps them to the kernel's
 * names: NOFH and FID into rec.flags (OVL_LAYERS_LAYER_NOFH, _FID, with
 * format 2's values, not these), BAD_UUID into rec.fs_flags
 * (OVL_LAYERS_FS_BAD_UUID), NODEV into a 0:0 device. */
#define W_NOFH		0x01
#define W_FID		0x02
#define W_BAD_UUID	0x04
#define W_NODEV		0x08

struct val {
	unsigned char b[70000];
	size_t n;
};

static void put(struct val *v, const void *p, size_t n)
{
	memcpy(v->b + v->n, p, n);
	v->n += n;
}

/* The format version header() and record() write: 0 or 1. */
static unsigned int ver = 1;

static void header(struct val *v, unsigned int count)
{
	unsigned char h[4] = { ver, 0xfc, count & 0xff, count >> 8 };

	v->n = 0;
	put(v, h, 4);
}

/* One record: (version 1: le16 len,) kind, flags, index, dev 8:1 (0:0
 * for NODEV), fb with fid_len bytes 0xA0..; version 1: extra bytes 0xEE
 * after the fb, counted in len, as a later version may add. */
static void record_x(struct val *v, unsigned int kind, unsigned int flags,
		     unsigned int index, unsigned int fid_len,
		     unsigned int extra)
{
	unsigned int dev = flags & W_NODEV ? 0 : 1;
	unsigned char r[12 + 21 + 128] = {
		kind, flags, index & 0xff, index >> 8,
		8 * dev, 0, 0, 0, dev, 0, 0, 0,
		0, 0xfb, 21 + fid_len, kind <= 2 ? 0x04 : 0, fid_len ? 1 : 0,
	};
	unsigned int len = 2 + 33 + fid_len + extra;
	unsigned char l[2] = { len & 0xff, len >> 8 };

	for (int i = 0; i < 16; i++)
		r[17 + i] = 0x10 + i;	/* uuid */
	for (unsigned int i = 0; i < fid_len; i++)
		r[33 + i] = 0xa0 + i;
	if (ver)
		put(v, l, 2);
	put(v, r, 33 + fid_len);
	for (unsigned int i = 0; i < extra; i++)
		v->b[v->n++] = 0xee;
}

static void record(struct val *v, unsigned int kind, unsigned int flags,
		   unsigned int index, unsigned int fid_len)
{
	record_x(v, kind, flags, index, fid_len, 0);
}

/* upper, work, two lowers, a data layer: the spec's shape */
static void sample(struct val *v)
{
	header(v, 5);
	record(v, 1, 0, 0, 8);
	record(v, 2, 0, 0, 8);
	record(v, 3, 0, 1, 12);
	record(v, 3, 0, 2, 12);
	record(v, 4, 0, 3, 12);
}

static struct val cur;

/* Either version decodes to the same records and encodes back to its own
 * bytes (_i: the version). */
START_TEST(t_round_trip)
{
	struct ovl_layers *l = NULL;
	unsigned char out[1024];
	struct ovl_layer_record rec;

	ver = _i;
	sample(&cur);
	ck_assert_uint_eq(cur.n, ver ? 4 + 2 * 43 + 3 * 47 : 4 + 2 * 41 + 3 * 45);
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, NULL), 0);
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 5);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_BUFFER);
	ck_assert_int_eq(ovl_layers_encode(l, NULL, 0), (ssize_t)cur.n);
	ck_assert_int_eq(ovl_layers_encode(l, out, cur.n - 1), -ERANGE);
	ck_assert_int_eq(ovl_layers_encode(l, out, sizeof(out)), (ssize_t)cur.n);
	ck_assert(!memcmp(out, cur.b, cur.n));

	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_UPPER);
	ck_assert_uint_eq(rec.fh_flags, 0x04);
	ck_assert_uint_eq(rec.fid_len, 8);
	ck_assert_uint_eq(rec.dev_major, 8);
	ck_assert_uint_eq(rec.dev_minor, 1);
	ck_assert_uint_eq(rec.uuid[0], 0x10);
	ck_assert_uint_eq(rec.fid[7], 0xa7);
	ck_assert_uint_eq(rec.fb_len, 29);
	ck_assert_uint_eq(rec.flags, 0);
	ck_assert_ptr_eq(rec.fb, rec.fid - 21);
	/* formats 1 and 0 have none of format 2's fields */
	ck_assert_uint_eq(rec.valid, 0);
	ck_assert_ptr_null(rec.fs_path);
	ck_assert_int_eq(ovl_layers_get_record(l, 2, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_LOWER);
	ck_assert_uint_eq(rec.index, 1);
	ck_assert_uint_eq(rec.fid_len, 12);
	ck_assert_uint_eq(rec.fid[11], 0xab);
	ck_assert_int_eq(ovl_layers_get_record(l, 4, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_DATA);
	ck_assert_uint_eq(rec.index, 3);
	ck_assert_int_eq(rec.fh_type, 1);
	ck_assert_int_eq(ovl_layers_get_record(l, 5, &rec, sizeof(rec)), -EINVAL);
	ck_assert_ptr_null(ovl_layers_options(l));
	ovl_layers_free(l);
}
END_TEST

START_TEST(t_empty_and_nofh)
{
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;

	ver = _i;
	header(&cur, 0);
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 0);
	ovl_layers_free(l);

	header(&cur, 1);
	record(&cur, 3, W_NOFH, 1, 0);
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	/* the wire's 0x01 is the kernel's NOFH (0x02) in the record */
	ck_assert_uint_eq(rec.flags, OVL_LAYERS_LAYER_NOFH);
	ck_assert(rec.flags & OVL_LAYERS_LAYER_NOFH);
	ck_assert(!(rec.flags & OVL_LAYERS_LAYER_FID));
	ck_assert_uint_eq(rec.fs_flags, 0);
	ck_assert_uint_eq(rec.fid_len, 0);
	ovl_layers_free(l);
}
END_TEST

START_TEST(t_500_records)
{
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;

	ver = _i;
	header(&cur, 502);
	record(&cur, 1, 0, 0, 12);
	record(&cur, 2, 0, 0, 12);
	for (unsigned int i = 1; i <= 500; i++)
		record(&cur, 3, 0, i, 12);
	ck_assert_uint_eq(cur.n, 4 + 502 * (ver ? 47 : 45));
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 502);
	ck_assert_int_eq(ovl_layers_get_record(l, 501, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.index, 500);
	ovl_layers_free(l);
}
END_TEST

/* The malformed and unsupported cases, each with its error and offset. */
struct bad_case {
	const char *what;
	void (*make)(struct val *v);
	int err;
	size_t offset;
	unsigned int version;	/* of the values make() builds */
};

static void m_empty(struct val *v) { v->n = 0; }
static void m_short_header(struct val *v) { header(v, 0); v->n = 3; }
static void m_magic(struct val *v) { sample(v); v->b[1] = 0xfd; }	/* 0xfb: an origin */
static void m_version(struct val *v) { sample(v); v->b[0] = 2; }
static void m_count_too_big(struct val *v) { header(v, 503); }
static void m_count_more(struct val *v) { sample(v); v->b[2] = 6; }
static void m_count_fewer(struct val *v) { sample(v); v->b[2] = 4; }
static void m_record_cut(struct val *v) { header(v, 1); v->b[4] = 3; v->n = 10; }
static void m_fb_cut(struct val *v) { header(v, 1); record(v, 3, 0, 1, 12); v->n = 4 + 12 + 10; }
static void m_kind_zero(struct val *v) { sample(v); v->b[4] = 0; }
static void m_kind_five(struct val *v) { sample(v); v->b[4] = 5; }
static void m_flags(struct val *v) { sample(v); v->b[5] = 0x02; }
static void m_fb_magic(struct val *v) { sample(v); v->b[4 + 13] = 0xfc; }
static void m_fb_version(struct val *v) { sample(v); v->b[4 + 12] = 1; }
static void m_fb_len_short(struct val *v) { sample(v); v->b[4 + 14] = 20; }
static void m_fid_too_long(struct val *v)
{
	header(v, 1);
	record(v, 3, 0, 1, 128);
	v->b[4 + 14] = 21 + 129;
	v->b[v->n++] = 0;
}
static void m_fb_past_end(struct val *v) { sample(v); v->n -= 1; }
static void m_trailing(struct val *v) { sample(v); v->b[v->n++] = 0; }
static void m_nofh_with_fid(struct val *v) { header(v, 1); record(v, 3, 1, 1, 8); }
static void m_nofh_type(struct val *v) { header(v, 1); record(v, 3, 1, 1, 0); v->b[4 + 16] = 1; }
static void m_fb_flags(struct val *v) { sample(v); v->b[4 + 15] = 0x08; }
static void m_last_fb_len(struct val *v) { sample(v); v->b[v->n - 12 - 21 + 2] = 34; }
/* record order and indexes; in sample() the records start at 4 (upper),
 * 45 (work), 86 and 131 (lower 1 and 2), 176 (data 3) */
static void m_upper_index(struct val *v) { sample(v); v->b[4 + 2] = 1; }
static void m_work_index(struct val *v) { sample(v); v->b[45 + 3] = 1; }
static void m_upper_no_work(struct val *v) { sample(v); v->b[45] = 3; }
static void m_work_first(struct val *v) { sample(v); v->b[4] = 2; }
static void m_upper_second(struct val *v) { sample(v); v->b[45] = 1; }
static void m_index_gap(struct val *v) { sample(v); v->b[131 + 2] = 3; }
static void m_index_zero(struct val *v) { sample(v); v->b[86 + 2] = 0; }
static void m_index_repeat(struct val *v) { sample(v); v->b[131 + 2] = 1; }
static void m_lower_after_data(struct val *v)
{
	header(v, 3);
	record(v, 3, 0, 1, 12);
	record(v, 4, 0, 2, 12);
	record(v, 3, 0, 3, 12);
}
static void m_data_first(struct val *v)
{
	header(v, 2);
	record(v, 4, 0, 1, 12);
	record(v, 3, 0, 2, 12);
}
static void m_no_lower(struct val *v)
{
	header(v, 2);
	record(v, 1, 0, 0, 8);
	record(v, 2, 0, 0, 8);
}

/* Version 1: in sample() the records start at 4 (upper), 47 (work), 90
 * and 137 (lower 1 and 2), 184 (data 3), and it ends at 231; the fields
 * of a record follow its 2-byte len. */
static void set_len(struct val *v, size_t at, unsigned int len)
{
	v->b[at] = len & 0xff;
	v->b[at + 1] = len >> 8;
}
static void m1_len_past_end(struct val *v) { sample(v); set_len(v, 184, 48); }
static void m1_len_short_of_fb(struct val *v) { sample(v); set_len(v, 4, 42); }
static void m1_len_short_of_fields(struct val *v) { sample(v); set_len(v, 4, 34); }
static void m1_len_zero(struct val *v) { sample(v); set_len(v, 90, 0); }
static void m1_len_cut(struct val *v) { header(v, 1); v->b[v->n++] = 47; }
static void m1_fields_cut(struct val *v) { header(v, 1); record(v, 3, 0, 1, 12); v->n = 4 + 2 + 11; }
static void m1_len_long(struct val *v)
{
	/* len claims 3 bytes past the fb that are not there */
	header(v, 1);
	record(v, 3, 0, 1, 12);
	set_len(v, 4, 50);
}
static void m1_extra_then_trailing(struct val *v)
{
	header(v, 1);
	record_x(v, 3, 0, 1, 12, 5);
	v->b[v->n++] = 0;
}
static void m1_nofh_fid(struct val *v) { header(v, 1); record(v, 3, 0x03, 1, 0); }
static void m1_nofh_handle(struct val *v) { header(v, 1); record(v, 3, 0x01, 1, 8); }
static void m1_fid_empty(struct val *v) { header(v, 1); record(v, 3, 0x02, 1, 0); }
static void m1_nodev_dev(struct val *v) { header(v, 1); record(v, 3, 0x08, 1, 8); v->b[4 + 2 + 8] = 3; }
static void m1_flag_10(struct val *v) { sample(v); v->b[90 + 3] = 0x10; }
static void m1_flag_80(struct val *v) { sample(v); v->b[4 + 3] = 0x80; }
static void m1_kind_zero(struct val *v) { sample(v); v->b[137 + 2] = 0; }
static void m1_kind_five(struct val *v) { sample(v); v->b[184 + 2] = 5; }
static void m1_version(struct val *v) { sample(v); v->b[0] = 0x1f; }
static void m1_magic(struct val *v) { sample(v); v->b[1] = 0xfd; }
static void m1_fb_magic(struct val *v) { sample(v); v->b[47 + 2 + 13] = 0xfc; }
static void m1_fb_len_short(struct val *v) { sample(v); v->b[90 + 2 + 14] = 20; }
static void m1_fid_too_long(struct val *v)
{
	header(v, 1);
	record(v, 3, 0, 1, 128);
	v->b[4 + 2 + 14] = 21 + 129;
	set_len(v, 4, 2 + 12 + 21 + 129);
	v->b[v->n++] = 0;
}
static void m1_fb_past_end(struct val *v) { sample(v); v->b[184 + 2 + 14] = 34; v->n--; set_len(v, 184, 46); }
static void m1_trailing(struct val *v) { sample(v); v->b[v->n++] = 0; }
static void m1_count_more(struct val *v) { sample(v); v->b[2] = 6; }
static void m1_count_fewer(struct val *v) { sample(v); v->b[2] = 4; }
static void m1_index_gap(struct val *v) { sample(v); v->b[137 + 4] = 3; }
static void m1_upper_no_work(struct val *v) { sample(v); v->b[47 + 2] = 3; }
static void m1_short_header(struct val *v) { header(v, 0); v->n = 3; }

static const struct bad_case bad_cases[] = {
	{ "empty", m_empty, -EINVAL, 0, 0 },
	{ "short header", m_short_header, -EINVAL, 3, 0 },
	/* not 0xfc: read as format 2, whose length field (bytes 4-7) is not
	 * the value's length */
	{ "wrong magic: format 2", m_magic, -EINVAL, 4, 0 },
	{ "unknown version", m_version, -EPROTONOSUPPORT, 0, 0 },
	{ "count > 502", m_count_too_big, -EINVAL, 2, 0 },
	{ "count says more than there is", m_count_more, -EINVAL, 4 + 2 * 41 + 3 * 45, 0 },
	{ "count says fewer: trailing record", m_count_fewer, -EINVAL, 4 + 2 * 41 + 2 * 45, 0 },
	{ "record header cut", m_record_cut, -EINVAL, 4, 0 },
	{ "fb header cut", m_fb_cut, -EINVAL, 16, 0 },
	{ "kind 0", m_kind_zero, -EPROTONOSUPPORT, 4, 0 },
	{ "kind 5", m_kind_five, -EPROTONOSUPPORT, 4, 0 },
	{ "version 0: FID is an unknown flag", m_flags, -EPROTONOSUPPORT, 5, 0 },
	{ "fb magic", m_fb_magic, -EINVAL, 17, 0 },
	{ "fb version", m_fb_version, -EPROTONOSUPPORT, 16, 0 },
	{ "fb.len < 21", m_fb_len_short, -EINVAL, 18, 0 },
	{ "fid > 128 bytes", m_fid_too_long, -EINVAL, 18, 0 },
	{ "fb runs past the end", m_fb_past_end, -EINVAL, 4 + 2 * 41 + 2 * 45 + 14, 0 },
	{ "trailing byte", m_trailing, -EINVAL, 4 + 2 * 41 + 3 * 45, 0 },
	{ "NOFH with a fid", m_nofh_with_fid, -EINVAL, 18, 0 },
	{ "NOFH with a type", m_nofh_type, -EINVAL, 18, 0 },
	{ "unknown fb flag", m_fb_flags, -EPROTONOSUPPORT, 19, 0 },
	{ "last fb.len one too long", m_last_fb_len, -EINVAL, 4 + 2 * 41 + 2 * 45 + 14, 0 },
	{ "upper index 1", m_upper_index, -EINVAL, 6, 0 },
	{ "work index 256", m_work_index, -EINVAL, 47, 0 },
	{ "upper without work", m_upper_no_work, -EINVAL, 45, 0 },
	{ "work first", m_work_first, -EINVAL, 4, 0 },
	{ "upper second", m_upper_second, -EINVAL, 45, 0 },
	{ "lower index gap", m_index_gap, -EINVAL, 133, 0 },
	{ "lower index 0", m_index_zero, -EINVAL, 88, 0 },
	{ "lower index repeated", m_index_repeat, -EINVAL, 133, 0 },
	{ "lower after data", m_lower_after_data, -EINVAL, 4 + 2 * 45, 0 },
	{ "data before any lower", m_data_first, -EINVAL, 4, 0 },
	{ "upper and work, no lower", m_no_lower, -EINVAL, 4 + 2 * 41, 0 },

	{ "v1: short header", m1_short_header, -EINVAL, 3, 1 },
	{ "v1: wrong magic: format 2", m1_magic, -EINVAL, 4, 1 },
	{ "v1: unknown version 0x1f", m1_version, -EPROTONOSUPPORT, 0, 1 },
	{ "v1: len runs past the end", m1_len_past_end, -EINVAL, 184, 1 },
	{ "v1: len < 14 + fb.len", m1_len_short_of_fb, -EINVAL, 4, 1 },
	{ "v1: len < 35", m1_len_short_of_fields, -EINVAL, 4, 1 },
	{ "v1: len 0", m1_len_zero, -EINVAL, 90, 1 },
	{ "v1: len cut", m1_len_cut, -EINVAL, 4, 1 },
	{ "v1: fields cut", m1_fields_cut, -EINVAL, 4, 1 },
	{ "v1: len past the bytes there", m1_len_long, -EINVAL, 4, 1 },
	{ "v1: extra bytes skipped, then a trailing byte", m1_extra_then_trailing, -EINVAL, 4 + 47 + 5, 1 },
	{ "v1: NOFH with FID", m1_nofh_fid, -EINVAL, 7, 1 },
	{ "v1: NOFH with a fid", m1_nofh_handle, -EINVAL, 20, 1 },
	{ "v1: FID without a fid", m1_fid_empty, -EINVAL, 20, 1 },
	{ "v1: NODEV with a device", m1_nodev_dev, -EINVAL, 10, 1 },
	{ "v1: unknown flag 0x10", m1_flag_10, -EPROTONOSUPPORT, 93, 1 },
	{ "v1: unknown flag 0x80", m1_flag_80, -EPROTONOSUPPORT, 7, 1 },
	{ "v1: kind 0", m1_kind_zero, -EPROTONOSUPPORT, 139, 1 },
	{ "v1: kind 5", m1_kind_five, -EPROTONOSUPPORT, 186, 1 },
	{ "v1: fb magic", m1_fb_magic, -EINVAL, 62, 1 },
	{ "v1: fb.len < 21", m1_fb_len_short, -EINVAL, 106, 1 },
	{ "v1: fid > 128 bytes", m1_fid_too_long, -EINVAL, 20, 1 },
	{ "v1: fb runs past the end", m1_fb_past_end, -EINVAL, 200, 1 },
	{ "v1: trailing byte", m1_trailing, -EINVAL, 231, 1 },
	{ "v1: count says more", m1_count_more, -EINVAL, 231, 1 },
	{ "v1: count says fewer", m1_count_fewer, -EINVAL, 184, 1 },
	{ "v1: lower index gap", m1_index_gap, -EINVAL, 141, 1 },
	{ "v1: upper without work", m1_upper_no_work, -EINVAL, 49, 1 },
};

START_TEST(t_malformed)
{
	const struct bad_case *c = &bad_cases[_i];
	struct ovl_layers *l = (void *)1;
	struct ovl_error *e = ovl_error_new();
	unsigned char *copy;

	memset(&cur, 0, sizeof(cur));
	ver = c->version;
	c->make(&cur);
	/* an exact-size heap copy, so a read past the end is caught by
	 * valgrind and ASan */
	copy = malloc(cur.n ? cur.n : 1);
	memcpy(copy, cur.b, cur.n);
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(ovl_layers_validate(copy, cur.n, e) == c->err,
		      "%s: got %d", c->what,
		      ovl_layers_validate(copy, cur.n, NULL));
	ck_assert_int_eq(ovl_error_code(e), c->err);
	ck_assert_msg(ovl_error_offset(e) == (int64_t)c->offset,
		      "%s: offset %lld, want %zu", c->what,
		      (long long)ovl_error_offset(e), c->offset);
	ck_assert_ptr_nonnull(ovl_error_message(e));
	/* decode says the same, and where */
	ck_assert_int_eq(ovl_layers_decode(copy, cur.n, &l, e), c->err);
	ck_assert_ptr_eq(l, (void *)1);	/* untouched on failure */
	ck_assert_int_eq(ovl_error_code(e), c->err);
	ck_assert_int_eq(ovl_error_offset(e), (int64_t)c->offset);
	ck_assert_ptr_nonnull(ovl_error_message(e));
	/* raw bytes (a magic, or a NUL: format 2) are a value to load */
	ck_assert_int_eq(ovl_layers_load(copy, cur.n, &l, NULL), c->err);
	/* the same bytes as getfattr hex: the same verdict */
	if (cur.n) {
		char *hex = malloc(2 * cur.n + 3);

		strcpy(hex, "0x");
		for (size_t i = 0; i < cur.n; i++)
			sprintf(hex + 2 + 2 * i, "%02x", copy[i]);
		ck_assert_int_eq(ovl_layers_load(hex, strlen(hex), &l, e),
				 c->err);
		/* a malformed value: the offset is into the decoded bytes */
		ck_assert_int_eq(ovl_error_offset(e), (int64_t)c->offset);
		free(hex);
	}
	free(copy);
	ovl_error_free(e);
}
END_TEST

/* Version 1 flags, each decoded as it is on the wire, alone and together
 * (NOFH with FID being the one pair that is malformed). */
START_TEST(t_v1_flags)
{
	static const unsigned int flags[] = {
		W_NOFH, W_FID, W_BAD_UUID, W_NODEV,
		W_NOFH | W_BAD_UUID | W_NODEV, W_FID | W_BAD_UUID | W_NODEV,
	};
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;
	unsigned char out[256];

	ver = 1;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		unsigned int f = flags[i];
		unsigned int fid = f & W_NOFH ? 0 : 8;

		header(&cur, 2);
		record(&cur, 3, f, 1, fid);
		record(&cur, 3, 0, 2, 12);
		ck_assert_msg(ovl_layers_decode(cur.b, cur.n, &l, NULL) == 0,
			      "flags %#x", f);
		ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
		/* each wire flag where 2.0 puts it: the kernel's NOFH and
		 * FID (values swapped), BAD_UUID among the fs flags, NODEV
		 * as the 0:0 device alone */
		ck_assert_msg(rec.flags == ((f & W_NOFH ? OVL_LAYERS_LAYER_NOFH : 0) |
					    (f & W_FID ? OVL_LAYERS_LAYER_FID : 0)),
			      "wire flags %#x: rec.flags %#x", f, rec.flags);
		ck_assert_uint_eq(rec.fs_flags, f & W_BAD_UUID ? OVL_LAYERS_FS_BAD_UUID : 0);
		ck_assert_uint_eq(rec.valid, 0);
		ck_assert_uint_eq(rec.fid_len, fid);
		ck_assert_uint_eq(rec.dev_major, f & W_NODEV ? 0 : 8);
		ck_assert_uint_eq(rec.dev_minor, f & W_NODEV ? 0 : 1);
		ck_assert_uint_eq(rec.uuid[0], 0x10);
		ck_assert_int_eq(ovl_layers_get_record(l, 1, &rec, sizeof(rec)), (int)sizeof(rec));
		ck_assert_uint_eq(rec.flags, 0);
		ck_assert_uint_eq(rec.fs_flags, 0);
		ck_assert_uint_eq(rec.index, 2);
		ck_assert_int_eq(ovl_layers_encode(l, out, sizeof(out)),
				 (ssize_t)cur.n);
		ck_assert(!memcmp(out, cur.b, cur.n));
		ovl_layers_free(l);
	}
	/* the same flags in a version 0 value: only NOFH is known there */
	ver = 0;
	for (size_t i = 1; i < sizeof(flags) / sizeof(flags[0]); i++) {
		header(&cur, 1);
		record(&cur, 3, flags[i], 1, flags[i] & W_NOFH ? 0 : 8);
		ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, NULL),
				 -EPROTONOSUPPORT);
	}
}
END_TEST

/* A version 1 record longer than the fields known here (what a later
 * version adds after fb) is read up to its fb and skipped to its len. */
START_TEST(t_v1_longer_records)
{
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;
	unsigned char out[2048];
	const unsigned int extra[] = { 1, 7, 200 };

	ver = 1;
	header(&cur, 4);
	record_x(&cur, 1, 0, 0, 8, extra[0]);
	record(&cur, 2, 0, 0, 8);
	record_x(&cur, 3, W_FID, 1, 12, extra[1]);
	record_x(&cur, 4, W_NOFH, 2, 0, extra[2]);
	ck_assert_uint_eq(cur.n, 4 + 44 + 43 + 54 + 235);
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, NULL), 0);
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 4);
	ck_assert_int_eq(ovl_layers_get_record(l, 1, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_WORK);
	ck_assert_uint_eq(rec.fid[0], 0xa0);
	ck_assert_int_eq(ovl_layers_get_record(l, 2, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_LOWER);
	ck_assert_uint_eq(rec.flags, OVL_LAYERS_LAYER_FID);
	ck_assert_uint_eq(rec.fid_len, 12);
	ck_assert_uint_eq(rec.fid[11], 0xab);	/* not the 0xee after it */
	ck_assert_uint_eq(rec.fb_len, 33);
	ck_assert_int_eq(ovl_layers_get_record(l, 3, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_DATA);
	ck_assert_uint_eq(rec.index, 2);
	ck_assert_uint_eq(rec.fid_len, 0);
	/* encoded as read, the bytes a later version added included */
	ck_assert_int_eq(ovl_layers_encode(l, out, sizeof(out)), (ssize_t)cur.n);
	ck_assert(!memcmp(out, cur.b, cur.n));
	ovl_layers_free(l);
}
END_TEST

/* The spec's example: an upper on ext4 and two tmpfs lowers. */
START_TEST(t_spec_example)
{
	static const char hex[] =
		"01fc0400"
		"2b00" "0100" "0000" "08000000" "01000000" "00fb1d0401"
		"11111111111111111111111111111111" "0c00000001000000"
		"2b00" "0200" "0000" "08000000" "01000000" "00fb1d0401"
		"11111111111111111111111111111111" "0d00000001000000"
		"2f00" "0300" "0100" "00000000" "28000000" "00fb210001"
		"22222222222222222222222222222222" "a1b2c3d40100000000000000"
		"2f00" "0300" "0200" "00000000" "28000000" "00fb210001"
		"22222222222222222222222222222222" "a2b2c3d40100000000000000";
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;

	ck_assert_int_eq(ovl_layers_load(hex, strlen(hex), &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 4);
	ck_assert_int_eq(ovl_layers_get_record(l, 3, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_LOWER);
	ck_assert_uint_eq(rec.index, 2);
	ck_assert_uint_eq(rec.dev_minor, 40);
	ck_assert_uint_eq(rec.fid_len, 12);
	ck_assert_uint_eq(rec.fid[0], 0xa2);
	ovl_layers_free(l);
}
END_TEST

START_TEST(t_bad_arguments)
{
	struct ovl_layers *l;

	ck_assert_int_eq(ovl_layers_decode(NULL, 4, &l, NULL), -EINVAL);
	sample(&cur);
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, NULL, NULL), -EINVAL);
	ck_assert_int_eq(ovl_layers_encode(NULL, NULL, 0), -EINVAL);
	ck_assert_uint_eq(ovl_layers_count(NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(NULL, NULL, 0, NULL, NULL), -EINVAL);
	/* no target, or more than one */
	ck_assert_int_eq(ovl_layers_read(NULL, -1, NULL, 0, 0, &l, NULL), -EINVAL);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, NULL, 0, OVL_READ_MNT_ID, &l,
					 NULL), -EINVAL);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, NULL, 1, OVL_READ_MNT_ID |
					 OVL_READ_MNT_ID_UNIQUE, &l, NULL),
			 -EINVAL);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, "/proc", 1, OVL_READ_MNT_ID,
					 &l, NULL), -EINVAL);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, "/proc", 0, 0, NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, "/proc", 0, OVL_READ_KERNEL_ONLY |
					 OVL_READ_MOUNTINFO_ONLY, &l, NULL),
			 -EINVAL);
	/* a flag this library does not know */
	ck_assert_int_eq(ovl_layers_read(NULL, -1, "/proc", 0, 1u << 4, &l, NULL),
			 -EINVAL);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, "/proc", 0, 0, &l, NULL),
			 -EMEDIUMTYPE);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, "/nonexistent/x", 0, 0, &l, NULL),
			 -ENOENT);
	ovl_layers_free(NULL);
}
END_TEST

static void origin(struct val *o, unsigned int fid_len)
{
	unsigned char fb[21 + 128] = { 0, 0xfb, 21 + fid_len, 0, 1 };

	memset(fb + 5, 0x33, 16);
	memset(fb + 21, 0x44, fid_len);
	o->n = 0;
	put(o, fb, 21 + fid_len);
}

START_TEST(t_origin)
{
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;
	unsigned char out[256];

	origin(&cur, 8);
	ck_assert_int_eq(ovl_layers_decode_origin(cur.b, cur.n, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_ORIGIN);
	ck_assert_uint_eq(ovl_layers_count(l), 1);
	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_ORIGIN);
	ck_assert_uint_eq(rec.fid_len, 8);
	ck_assert_uint_eq(rec.uuid[15], 0x33);
	ck_assert_int_eq(ovl_layers_encode(l, out, sizeof(out)), 29);
	ck_assert(!memcmp(out, cur.b, 29));
	char *json = NULL;

	ck_assert_int_eq(ovl_layers_save_checkpoint(l, &json, NULL), -EINVAL);
	ovl_layers_free(l);

	/* the raw value through load picks the origin decoder */
	ck_assert_int_eq(ovl_layers_load(cur.b, cur.n, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_ORIGIN);
	ovl_layers_free(l);

	/* malformed origins */
	cur.b[2] = 30;	/* len past the end */
	ck_assert_int_eq(ovl_layers_decode_origin(cur.b, cur.n, &l, NULL), -EINVAL);
	cur.b[2] = 28;	/* trailing byte */
	ck_assert_int_eq(ovl_layers_decode_origin(cur.b, cur.n, &l, NULL), -EINVAL);
	cur.b[2] = 29;
	cur.b[1] = 0xfa;
	ck_assert_int_eq(ovl_layers_decode_origin(cur.b, cur.n, &l, NULL), -EINVAL);
	cur.b[1] = 0xfb;
	cur.b[0] = 1;
	ck_assert_int_eq(ovl_layers_decode_origin(cur.b, cur.n, &l, NULL), -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_layers_decode_origin(cur.b, 20, &l, NULL), -EINVAL);
}
END_TEST

static char *to_hex(const unsigned char *p, size_t n)
{
	char *s = malloc(2 * n + 1);

	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	return s;
}

/* Text that holds no valid value: where (into the text) and why. */
static const struct {
	const char *text;
	size_t offset;
	const char *reason;
} bad_text[] = {
	{ "0x00f", 4, "odd number of hex digits" },
	{ "0x0g", 3, "not a hex digit" },
	{ "00fc0g00", 5, "not a hex digit" },
	{ "0x", 2, "empty value" },
	{ "0sA*==", 3, "not a base64 character" },
	{ "0sA=AA", 3, "base64 padding before the end" },
	{ "0sAPwAA", 7, "base64 length is not a multiple of 4" },
	{ "0sA===", 3, "too much base64 padding" },
	{ "trusted.overlay.layers=0x00fc0g00", 30, "not a hex digit" },
	{ "# file: a\nuser.comment=0x00fc0000\n", 10,
	  "not an overlay layers or origin xattr" },
	{ "trusted.overlay.layersx=0x00fc0000", 0,
	  "not an overlay layers or origin xattr" },
};

/* What getfattr prints, in its three forms, and bare hex. */
START_TEST(t_load_text)
{
	struct ovl_layers *l = NULL;
	char text[4096], *hex;
	unsigned char out[1024];
	struct ovl_error *e = ovl_error_new();

	ck_assert_ptr_nonnull(e);
	sample(&cur);
	hex = to_hex(cur.b, cur.n);
	snprintf(text, sizeof(text), "# file: mnt/ovl\n"
		 "trusted.overlay.layers=0x%s\n\n", hex);
	ck_assert_int_eq(ovl_layers_load(text, strlen(text), &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_encode(l, out, sizeof(out)), (ssize_t)cur.n);
	ck_assert(!memcmp(out, cur.b, cur.n));
	ovl_layers_free(l);

	snprintf(text, sizeof(text), "0x%s", hex);
	ck_assert_int_eq(ovl_layers_load(text, strlen(text), &l, NULL), 0);
	ovl_layers_free(l);
	ck_assert_int_eq(ovl_layers_load(hex, strlen(hex), &l, NULL), 0);
	ovl_layers_free(l);

	/* base64 of the 4-byte empty value: 00 fc 00 00 */
	snprintf(text, sizeof(text), "trusted.overlay.layers=0sAPwAAA==\n");
	ck_assert_int_eq(ovl_layers_load(text, strlen(text), &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 0);
	ovl_layers_free(l);
	/* bare, its '=' padding is no name=value separator */
	ck_assert_int_eq(ovl_layers_load("0sAPwAAA==\n", 11, &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 0);
	ovl_layers_free(l);

	/* an origin line selects the origin decoder */
	snprintf(text, sizeof(text),
		 "trusted.overlay.origin=0x00fb1d0001%032x%016x\n", 0, 7);
	ck_assert_int_eq(ovl_layers_load(text, strlen(text), &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_ORIGIN);
	ovl_layers_free(l);

	/* a bare value: its magic says whether it is an origin */
	snprintf(text, sizeof(text), "00fb1d0001%032x%016x\n", 0, 7);
	ck_assert_int_eq(ovl_layers_load(text, strlen(text), &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_ORIGIN);
	ovl_layers_free(l);
	/* userxattr overlays: user.overlay.layers */
	snprintf(text, sizeof(text), "user.overlay.layers=0x%s\n", hex);
	ck_assert_int_eq(ovl_layers_load(text, strlen(text), &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 5);
	ovl_layers_free(l);

	/* bad text says where in buf and what */
	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
		const char *t = bad_text[i].text;

		ck_assert_msg(ovl_layers_load(t, strlen(t), &l, e) ==
			      -EINVAL, "%s: loaded", t);
		ck_assert_int_eq(ovl_error_code(e), -EINVAL);
		ck_assert_msg(ovl_error_offset(e) == (int64_t)bad_text[i].offset,
			      "%s: offset %lld, want %zu", t,
			      (long long)ovl_error_offset(e), bad_text[i].offset);
		ck_assert_msg(ovl_error_message(e) &&
			      !strcmp(ovl_error_message(e), bad_text[i].reason),
			      "%s: reason %s", t, ovl_error_message(e));
		ck_assert_int_eq(ovl_error_layer(e), -1);
	}
	snprintf(text, sizeof(text), "0x%s\n0x%s\n", hex, hex);
	ck_assert_int_eq(ovl_layers_load(text, strlen(text), &l, e), -EINVAL);
	ck_assert_str_eq(ovl_error_message(e), "more than one value");
	ck_assert_int_eq(ovl_error_offset(e), (int64_t)strlen(hex) + 3);	/* the second line */
	ck_assert_int_eq(ovl_layers_load("a=\"x\"", 5, &l, NULL), -EINVAL);
	ck_assert_int_eq(ovl_layers_load("", 0, &l, NULL), -EINVAL);
	ck_assert_int_eq(ovl_layers_load("# only\n", 7, &l, NULL), -EINVAL);
	/* a malformed value says where, in the decoded bytes */
	ck_assert_int_eq(ovl_layers_load("0x00fc0100", 10, &l, e), -EINVAL);
	ck_assert_int_eq(ovl_error_offset(e), 4);
	ck_assert_str_eq(ovl_error_message(e), "record runs past the end");
	/* and a load that works says so */
	ck_assert_int_eq(ovl_layers_load(hex, strlen(hex), &l, e), 0);
	ck_assert_int_eq(ovl_error_code(e), 0);
	ck_assert_ptr_null(ovl_error_message(e));
	ck_assert_int_eq(ovl_error_offset(e), -1);
	ovl_layers_free(l);
	ovl_error_free(e);
	free(hex);
}
END_TEST

START_TEST(t_record_json)
{
	struct ovl_layers *l = NULL, *back = NULL;
	unsigned char out[1024];
	char *json = NULL;
	struct ovl_error *e = ovl_error_new();
	static const char newer[] =
		"{\"format\":\"libovllayers-checkpoint\",\"version\":2,"
		"\"options\":\"\",\"descriptor\":\"00fc0000\"}";
	static const char other[] = "{\"format\":\"something\",\"version\":1}";
	static const char bad_hex[] =
		"{\"format\": \"libovllayers-checkpoint\", \"version\": 1,\n"
		" \"options\": \"\", \"descriptor\" :\t\"00fc0g00\"}";
	static const char short_value[] =
		"{\"format\":\"libovllayers-checkpoint\",\"version\":1,"
		"\"options\":\"\",\"descriptor\":\"00fc0100\"}";

	ck_assert_ptr_nonnull(e);
	sample(&cur);
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_save_checkpoint(l, &json, e), 0);
	ck_assert_int_eq(ovl_error_code(e), 0);
	ck_assert_ptr_nonnull(strstr(json, "\"version\":1"));
	ck_assert_int_eq(ovl_layers_load(json, strlen(json), &back, NULL), 0);
	ck_assert_int_eq(ovl_layers_encode(back, out, sizeof(out)), (ssize_t)cur.n);
	ck_assert(!memcmp(out, cur.b, cur.n));
	ck_assert_str_eq(ovl_layers_options(back), "");
	free(json);
	ovl_layers_free(back);
	ovl_layers_free(l);

	/* the kernel's sources are kept, another is a buffer */
	{
		static const char *const kept[][2] = {
			{ "statmount", "statmount" }, { "xattr", "xattr" },
			{ "mountinfo", "mountinfo" }, { "elsewhere", "buffer" },
		};
		char rec[256];

		for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
			snprintf(rec, sizeof(rec),
				 "{\"format\":\"libovllayers-checkpoint\",\"version\":1,"
				 "\"source\":\"%s\",\"options\":\"\",\"descriptor\":\"00fc0000\"}",
				 kept[i][0]);
			ck_assert_int_eq(ovl_layers_load(rec, strlen(rec), &l, NULL), 0);
			ck_assert_str_eq(ovl_layers_source_name(ovl_layers_source(l)),
					 kept[i][1]);
			ovl_layers_free(l);
		}
	}
	ck_assert_int_eq(ovl_layers_load(newer, strlen(newer), &l, e),
			 -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_error_code(e), -EPROTONOSUPPORT);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(e), "version"));
	ck_assert_int_eq(ovl_layers_load(other, strlen(other), &l, NULL),
			 -EINVAL);
	ck_assert_int_eq(ovl_layers_load("{\"format\":", 10, &l, NULL),
			 -EINVAL);

	/* bad text in the descriptor: the offset is into the record */
	ck_assert_int_eq(ovl_layers_load(bad_hex, strlen(bad_hex), &l, e),
			 -EINVAL);
	ck_assert_str_eq(ovl_error_message(e), "not a hex digit");
	ck_assert_int_eq(ovl_error_offset(e), strstr(bad_hex, "0g") + 1 - bad_hex);
	/* a malformed value: the offset is into the value */
	ck_assert_int_eq(ovl_layers_load(short_value, strlen(short_value), &l,
					 e), -EINVAL);
	ck_assert_str_eq(ovl_error_message(e), "record runs past the end");
	ck_assert_int_eq(ovl_error_offset(e), 4);
	ovl_error_free(e);
}
END_TEST

/* Whether /proc/self/maps names a file whose name contains name: -1 when
 * maps cannot be read. */
static int mapped(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4096];
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, name))
			found = 1;
	fclose(f);
	return found;
}

/*
 * json-c is the record's alone, and only to read one: decoding,
 * validating, encoding and loading a value do not load it, nor does
 * writing a record; the first record read does (lib/json.h).  In
 * a child of its own, so that no earlier test (CK_FORK=no) loaded it.
 */
START_TEST(t_json_lazy)
{
	int status;
	pid_t pid;

	sample(&cur);
	ck_assert_int_eq(mapped("libc.so"), 1);	/* maps are readable */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ovl_layers *l = NULL, *back = NULL;
		unsigned char out[1024];
		char *json = NULL;

		if (mapped("libjson-c") != 0)
			_exit(10);
		if (ovl_layers_decode(cur.b, cur.n, &l, NULL) ||
		    ovl_layers_validate(cur.b, cur.n, NULL) ||
		    ovl_layers_encode(l, out, sizeof(out)) != (ssize_t)cur.n ||
		    ovl_layers_load(cur.b, cur.n, &back, NULL))
			_exit(11);
		ovl_layers_free(back);
		if (mapped("libjson-c") != 0)
			_exit(12);
		/* writing one needs none (the criu plugin's dump) */
		if (ovl_layers_save_checkpoint(l, &json, NULL) || !json)
			_exit(13);
		if (mapped("libjson-c") != 0)
			_exit(14);
		if (ovl_layers_load(json, strlen(json), &back, NULL))
			_exit(15);
		ovl_layers_free(back);
		if (mapped("libjson-c") != 1)
			_exit(16);
		free(json);
		ovl_layers_free(l);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/*
 * The error object (2.0), which replaced validate's offset and reason
 * pointers and read_reason(): a failure's code, the library's phrase,
 * the record and the offset of the first bad byte; a success resets it;
 * NULL is accepted wherever one is taken.
 */
START_TEST(t_error)
{
	struct ovl_error *e = ovl_error_new();
	struct ovl_layers *l = (void *)1;

	ck_assert_ptr_nonnull(e);
	/* a new one tells of no failure */
	ck_assert_int_eq(ovl_error_code(e), 0);
	ck_assert_ptr_null(ovl_error_message(e));
	ck_assert_int_eq(ovl_error_layer(e), -1);
	ck_assert_int_eq(ovl_error_offset(e), -1);

	/* a failing validate: format 1's data record (the fifth, at 184)
	 * of an unknown kind, its kind byte at 186 */
	ver = 1;
	sample(&cur);
	cur.b[184 + 2] = 5;
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, e), -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_error_code(e), -EPROTONOSUPPORT);
	ck_assert_str_eq(ovl_error_message(e), "unknown record kind");
	ck_assert_int_eq(ovl_error_offset(e), 186);
	/* decode fails alike and leaves *out alone */
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, e), -EPROTONOSUPPORT);
	ck_assert_ptr_eq(l, (void *)1);
	ck_assert_int_eq(ovl_error_code(e), -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_error_offset(e), 186);
	/* NULL: the same answer, nothing said */
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, NULL), -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, NULL), -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_layers_load(cur.b, cur.n, &l, NULL), -EPROTONOSUPPORT);

	/* a success resets it */
	cur.b[184 + 2] = OVL_LAYERS_DATA;
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, e), 0);
	ck_assert_int_eq(ovl_error_code(e), 0);
	ck_assert_ptr_null(ovl_error_message(e));
	ck_assert_int_eq(ovl_error_layer(e), -1);
	ck_assert_int_eq(ovl_error_offset(e), -1);

	/* a short header is about no record; the offset is where it ends */
	header(&cur, 0);
	cur.n = 3;
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, e), -EINVAL);
	ck_assert_int_eq(ovl_error_code(e), -EINVAL);
	ck_assert_ptr_nonnull(ovl_error_message(e));
	ck_assert_int_eq(ovl_error_offset(e), 3);
	ck_assert_int_eq(ovl_error_layer(e), -1);
	/* an unknown version: its byte, the first */
	sample(&cur);
	cur.b[0] = 0x1f;
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, e), -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_error_offset(e), 0);
	ck_assert_int_eq(ovl_error_layer(e), -1);

	/* a decode that works resets it too */
	sample(&cur);
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, e), 0);
	ck_assert_int_eq(ovl_error_code(e), 0);
	ck_assert_ptr_null(ovl_error_message(e));
	ck_assert_int_eq(ovl_error_offset(e), -1);
	ovl_layers_free(l);

	/* a failing read: the library's phrase, not strerror()'s; no
	 * record, no offset */
	l = (void *)1;
	ck_assert_int_eq(ovl_layers_read(NULL, -1, "/proc", 0, 0, &l, e),
			 -EMEDIUMTYPE);
	ck_assert_ptr_eq(l, (void *)1);
	ck_assert_int_eq(ovl_error_code(e), -EMEDIUMTYPE);
	ck_assert_str_eq(ovl_error_message(e), "not on an overlay");
	ck_assert_str_ne(ovl_error_message(e), ovl_layers_strerror(-EMEDIUMTYPE));
	ck_assert_int_eq(ovl_error_layer(e), -1);
	ck_assert_int_eq(ovl_error_offset(e), -1);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, "/nonexistent/x", 0, 0, &l, e),
			 -ENOENT);
	ck_assert_int_eq(ovl_error_code(e), -ENOENT);
	ck_assert_ptr_nonnull(ovl_error_message(e));
	ck_assert_int_eq(ovl_layers_read(NULL, -1, NULL, 0, 0, &l, e), -EINVAL);
	ck_assert_int_eq(ovl_error_code(e), -EINVAL);
	ck_assert_ptr_nonnull(ovl_error_message(e));
	ck_assert_int_eq(ovl_layers_read(NULL, -1, "/proc", 0, 0, &l, NULL),
			 -EMEDIUMTYPE);
	ck_assert_ptr_eq(l, (void *)1);
	/* ... and a success after it resets it */
	ck_assert_int_eq(ovl_layers_load(cur.b, cur.n, &l, e), 0);
	ck_assert_int_eq(ovl_error_code(e), 0);
	ck_assert_ptr_null(ovl_error_message(e));
	ck_assert_int_eq(ovl_error_layer(e), -1);
	ck_assert_int_eq(ovl_error_offset(e), -1);
	ovl_layers_free(l);

	/* an origin has no checkpoint */
	origin(&cur, 8);
	ck_assert_int_eq(ovl_layers_decode_origin(cur.b, cur.n, &l, e), 0);
	{
		char *json = NULL;

		ck_assert_int_eq(ovl_layers_save_checkpoint(l, &json, e), -EINVAL);
		ck_assert_int_eq(ovl_error_code(e), -EINVAL);
		ck_assert_ptr_nonnull(ovl_error_message(e));
		ck_assert_ptr_null(json);
	}
	ovl_layers_free(l);

	ovl_error_free(e);
	ovl_error_free(NULL);
}
END_TEST

/* The record a malformed value's failure is about (ovl_error_layer():
 * "a record of a malformed value"): format 1's fifth record (4) of an
 * unknown kind, and its third (2) with NOFH and FID; in format 0, its
 * fourth (3) with an unknown flag.  The header is about none (t_error). */
START_TEST(t_error_record)
{
	struct ovl_error *e = ovl_error_new();
	struct ovl_layers *l = NULL;

	ck_assert_ptr_nonnull(e);
	ver = 1;
	sample(&cur);
	cur.b[184 + 2] = 5;
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, e), -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_error_layer(e), 4);
	ck_assert_int_eq(ovl_layers_decode(cur.b, cur.n, &l, e), -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_error_layer(e), 4);
	sample(&cur);
	cur.b[90 + 3] = W_NOFH | W_FID;
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, e), -EINVAL);
	ck_assert_int_eq(ovl_error_offset(e), 93);
	ck_assert_int_eq(ovl_error_layer(e), 2);
	ver = 0;
	sample(&cur);
	cur.b[131 + 1] = W_FID;
	ck_assert_int_eq(ovl_layers_validate(cur.b, cur.n, e), -EPROTONOSUPPORT);
	ck_assert_int_eq(ovl_error_offset(e), 132);
	ck_assert_int_eq(ovl_error_layer(e), 3);
	ovl_error_free(e);
}
END_TEST

START_TEST(t_names)
{
	ck_assert_str_eq(ovl_layers_kind_name(OVL_LAYERS_UPPER), "upper");
	ck_assert_str_eq(ovl_layers_kind_name(OVL_LAYERS_DATA), "data");
	ck_assert_str_eq(ovl_layers_kind_name(OVL_LAYERS_WORK), "work");
	ck_assert_str_eq(ovl_layers_kind_name(OVL_LAYERS_LOWER), "lower");
	ck_assert_str_eq(ovl_layers_kind_name(OVL_LAYERS_ORIGIN), "origin");
	ck_assert_ptr_null(ovl_layers_kind_name(5));
	ck_assert_ptr_null(ovl_layers_kind_name(-1u));
	ck_assert_str_eq(ovl_layers_status_name(OVL_STATUS_SHADOWED), "shadowed");
	ck_assert_str_eq(ovl_layers_status_name(OVL_STATUS_NO_MOUNT), "no-mount");
	ck_assert_str_eq(ovl_layers_status_name(OVL_STATUS_NOT_PROBED),
			 "not-probed");
	ck_assert_str_eq(ovl_layers_status_name(OVL_STATUS_UNRESOLVED),
			 "unresolved");
	/* new in 2.0 */
	ck_assert_int_eq(OVL_STATUS_SUSPECT, 10);
	ck_assert_str_eq(ovl_layers_status_name(OVL_STATUS_SUSPECT), "suspect");
	ck_assert_ptr_null(ovl_layers_status_name(11));
	ck_assert_ptr_null(ovl_layers_status_name(-1));
	ck_assert_str_eq(ovl_layers_source_name(OVL_SOURCE_MOUNTINFO),
			 "mountinfo");
	ck_assert_str_eq(ovl_layers_source_name(OVL_SOURCE_STATMOUNT),
			 "statmount");
	ck_assert_ptr_null(ovl_layers_source_name(0));
	ck_assert_ptr_null(ovl_layers_source_name(6));
	ck_assert_str_eq(ovl_layers_strerror(-EMEDIUMTYPE), "Not an overlay");
	ck_assert_ptr_nonnull(strstr(ovl_layers_strerror(-ENODATA), "xattr"));
	ck_assert_ptr_nonnull(strstr(ovl_layers_strerror(-EOPNOTSUPP), "thread"));
	ck_assert_str_eq(ovl_layers_strerror(-EMFILE), "Too many open files");
	ck_assert_str_eq(ovl_layers_strerror(-EBUSY), "Device or resource busy");
	ck_assert_ptr_nonnull(strstr(ovl_layers_strerror(-ENOSYS), "kernel"));
	ck_assert_str_eq(ovl_layers_strerror(-EBADF), "Bad file descriptor");
	ck_assert_str_eq(ovl_layers_strerror(-12345), "Unknown error");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("unit");
	TCase *tc = tcase_create("format");

	tcase_add_loop_test(tc, t_round_trip, 0, 2);
	tcase_add_loop_test(tc, t_empty_and_nofh, 0, 2);
	tcase_add_loop_test(tc, t_500_records, 0, 2);
	tcase_add_test(tc, t_v1_flags);
	tcase_add_test(tc, t_v1_longer_records);
	tcase_add_test(tc, t_spec_example);
	tcase_add_loop_test(tc, t_malformed, 0,
			    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, t_bad_arguments);
	tcase_add_test(tc, t_origin);
	tcase_add_test(tc, t_load_text);
	tcase_add_test(tc, t_record_json);
	tcase_add_test(tc, t_json_lazy);
	tcase_add_test(tc, t_error);
	tcase_add_test(tc, t_error_record);
	tcase_add_test(tc, t_names);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, format2_tcase());
	suite_add_tcase(s, options_tcase());
	suite_add_tcase(s, strerror_tcase());
	suite_add_tcase(s, mountinfo_tcase());
	suite_add_tcase(s, json_tcase());
	return ovt_run(s, "unit");
}
