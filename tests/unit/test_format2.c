// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of format 2 (docs/layers-format.md, include/ovllayers/overlayfs.h):
 * a value built here from the kernel's structs, decoded field by field;
 * each rule of the validator broken once, with its error and offset;
 * every truncation; the library's own builder (lib/format2.c, what the
 * mountinfo fallback writes) against the value built here, and its round
 * trip.  Part of the unit suite (test_decode.c's main() runs it); linked
 * with the static library, for the builder.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ovllayers/overlayfs.h>

#include "internal.h"
#include "test_units.h"

/* A value under construction: the tables, and the data area (handles,
 * paths) with offsets from its start, fixed up by bytes(). */
struct v2 {
	struct ovl_layers_hdr h;
	struct ovl_layers_fs fs[OVL_LAYERS_MAX_RECORDS];
	struct ovl_layers_layer l[OVL_LAYERS_MAX_RECORDS];
	unsigned int nfs, nl;
	unsigned char data[65536];
	size_t nd;
	size_t hdr_size, fs_size, layer_size;	/* > VER0: a later version's */
};

static struct v2 *v2_new(void)
{
	struct v2 *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	t->hdr_size = sizeof(t->h);
	t->fs_size = sizeof(t->fs[0]);
	t->layer_size = sizeof(t->l[0]);
	return t;
}

static unsigned int v2_fs(struct v2 *t, unsigned int major, unsigned int minor,
			  unsigned long long magic, unsigned int uuid_len,
			  unsigned char uuid_byte)
{
	struct ovl_layers_fs *f = &t->fs[t->nfs];

	f->dev_major = major;
	f->dev_minor = minor;
	f->magic = magic;
	f->uuid_len = uuid_len;
	memset(f->uuid, uuid_byte, uuid_len);
	return t->nfs++;
}

/* A layer: fid bytes 0xA0.. (none for NOFH), path (NULL: NOPATH). */
static void v2_layer(struct v2 *t, unsigned int kind, unsigned int fs,
		     unsigned int index, unsigned int flags,
		     unsigned int fid_len, const char *path)
{
	struct ovl_layers_layer *e = &t->l[t->nl++];

	e->kind = kind;
	e->fs = fs;
	e->index = index;
	e->flags = flags;
	e->attr = kind == OVL_LAYERS_LOWER ? 0x01 : 0;	/* RDONLY */
	if (!(flags & OVL_LAYERS_LAYER_NOFH)) {
		e->handle_type = 1;
		e->handle_bytes = fid_len;
		e->handle_off = t->nd;
		for (unsigned int i = 0; i < fid_len; i++)
			t->data[t->nd++] = 0xa0 + i;
	}
	if (path) {
		e->path_off = t->nd;
		e->path_len = strlen(path);
		memcpy(t->data + t->nd, path, e->path_len + 1);
		t->nd += e->path_len + 1;
	} else {
		e->flags |= OVL_LAYERS_LAYER_NOPATH;
	}
}

/* The bytes, laid out as the library's builder does (header, fs table,
 * layer table, data); structs grown past VER0 get 0xEE bytes. */
static size_t v2_bytes(const struct v2 *t, unsigned char *out)
{
	struct ovl_layers_hdr h = t->h;
	size_t data, off;

	h.size = t->hdr_size;
	h.fs_off = t->hdr_size;
	h.nr_fs = t->nfs;
	h.layer_off = h.fs_off + t->nfs * t->fs_size;
	h.nr_layers = t->nl;
	data = h.layer_off + t->nl * t->layer_size;
	h.len = data + t->nd;
	memset(out, 0xee, data);
	memcpy(out, &h, sizeof(h));
	for (unsigned int i = 0; i < t->nfs; i++) {
		struct ovl_layers_fs f = t->fs[i];

		f.size = t->fs_size;
		memcpy(out + h.fs_off + i * t->fs_size, &f, sizeof(f));
	}
	for (unsigned int i = 0; i < t->nl; i++) {
		struct ovl_layers_layer e = t->l[i];

		e.size = t->layer_size;
		if (!(e.flags & OVL_LAYERS_LAYER_NOFH))
			e.handle_off += data;
		if (!(e.flags & OVL_LAYERS_LAYER_NOPATH))
			e.path_off += data;
		off = h.layer_off + i * t->layer_size;
		memcpy(out + off, &e, sizeof(e));
	}
	memcpy(out + data, t->data, t->nd);
	return h.len;
}

/*
 * The sample: upper and work on an ext4 (fs 0, 8:1), two lowers and a
 * data-only layer on a tmpfs (fs 1, 0:40).  Offsets: header 0, fs 32 and
 * 80, layers 128, 176, 224, 272, 320, data from 368.
 */
#define L(i)	(128 + 48 * (i))
#define DATA	368

static struct v2 *sample(void)
{
	struct v2 *t = v2_new();

	v2_fs(t, 8, 1, 0xef53, 16, 0x11);
	v2_fs(t, 0, 40, 0x01021994, 16, 0x22);
	v2_layer(t, OVL_LAYERS_UPPER, 0, 0, 0, 8, "/u");
	v2_layer(t, OVL_LAYERS_WORK, 0, 0, 0, 8, "/w");
	v2_layer(t, OVL_LAYERS_LOWER, 1, 1, 0, 12, "/l1");
	v2_layer(t, OVL_LAYERS_LOWER, 1, 2, 0, 12, "/lower/two");
	v2_layer(t, OVL_LAYERS_DATA, 1, 3, 0, 12, "/d");
	return t;
}

static unsigned char buf[1 << 17], out[1 << 17];

static void ck_fb(const struct ovl_layer_record *rec)
{
	const unsigned char *fb = rec->fb;

	ck_assert_uint_eq(rec->fb_len, 21 + rec->fid_len);
	ck_assert_uint_eq(fb[0], 0);
	ck_assert_uint_eq(fb[1], 0xfb);
	ck_assert_uint_eq(fb[2], 21 + rec->fid_len);
	ck_assert_uint_eq(fb[3], rec->fh_flags);
	ck_assert_uint_eq(fb[4], (unsigned int)rec->fh_type & 0xff);
	ck_assert(!memcmp(fb + 5, rec->uuid, 16));
	ck_assert_ptr_eq(rec->fid, fb + 21);
}

/* The sample, field by field. */
START_TEST(t2_decode)
{
	struct v2 *t = sample();
	size_t n = v2_bytes(t, buf);
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;
	const struct ovl_layer_info *info;

	ck_assert_uint_eq(n, DATA + (8 + 3) * 2 + (12 + 4) + (12 + 11) + (12 + 3));
	ck_assert_int_eq(ovl_layers_validate(buf, n, NULL), 0);
	ck_assert_int_eq(ovl_layers_decode(buf, n, &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 5);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_BUFFER);

	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_UPPER);
	ck_assert_uint_eq(rec.index, 0);
	ck_assert_uint_eq(rec.flags, 0);
	ck_assert_uint_eq(rec.dev_major, 8);
	ck_assert_uint_eq(rec.dev_minor, 1);
	ck_assert_uint_eq(rec.uuid[0], 0x11);
	ck_assert_uint_eq(rec.uuid[15], 0x11);
	ck_assert_int_eq(rec.fh_type, 1);
	ck_assert_uint_eq(rec.fh_flags & OVL_FB_FLAG_PATH_UPPER, OVL_FB_FLAG_PATH_UPPER);
	ck_assert_uint_eq(rec.fid_len, 8);
	ck_assert_uint_eq(rec.fid[0], 0xa0);
	ck_assert_uint_eq(rec.fid[7], 0xa7);
	ck_fb(&rec);
	info = ovl_layers_info(l, 0);
	ck_assert_str_eq(info->path, "/u");
	ck_assert_uint_eq(info->path_len, 2);
	ck_assert(!info->nopath);
	ck_assert_uint_eq(info->fs, 0);
	ck_assert_uint_eq(info->fs_magic, 0xef53);
	ck_assert_uint_eq(info->uuid_len, 16);
	ck_assert_uint_eq(info->attr, 0);
	/* the same through the public record (1.3) */
	ck_assert_uint_eq(rec.valid, OVL_RECORD_VALID_FS | OVL_RECORD_VALID_ATTR |
				     OVL_RECORD_VALID_PATH);
	ck_assert_str_eq(rec.fs_path, "/u");
	ck_assert_uint_eq(rec.fs_index, 0);
	ck_assert_uint_eq(rec.fs_magic, 0xef53);
	ck_assert_uint_eq(rec.uuid_len, 16);
	ck_assert_uint_eq(rec.attr, 0);

	ck_assert_int_eq(ovl_layers_get_record(l, 1, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_WORK);
	ck_assert_uint_eq(rec.fh_flags & OVL_FB_FLAG_PATH_UPPER, OVL_FB_FLAG_PATH_UPPER);
	ck_fb(&rec);

	ck_assert_int_eq(ovl_layers_get_record(l, 3, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_LOWER);
	ck_assert_uint_eq(rec.index, 2);
	ck_assert_uint_eq(rec.dev_major, 0);
	ck_assert_uint_eq(rec.dev_minor, 40);
	ck_assert_uint_eq(rec.uuid[0], 0x22);
	ck_assert_uint_eq(rec.fh_flags & OVL_FB_FLAG_PATH_UPPER, 0);
	ck_assert_uint_eq(rec.fid_len, 12);
	ck_assert_uint_eq(rec.fid[11], 0xab);
	ck_fb(&rec);
	info = ovl_layers_info(l, 3);
	ck_assert_str_eq(info->path, "/lower/two");
	ck_assert_uint_eq(info->path_len, 10);
	ck_assert_uint_eq(info->fs, 1);
	ck_assert_uint_eq(info->fs_magic, 0x01021994);
	ck_assert_uint_eq(info->attr, 0x01);
	ck_assert_str_eq(rec.fs_path, "/lower/two");
	ck_assert_uint_eq(rec.fs_index, 1);
	ck_assert_uint_eq(rec.fs_magic, 0x01021994);
	ck_assert_uint_eq(rec.attr, 0x01);
	/* VER0 is the whole 2.0 record: every field of format 2 in it */
	memset(&rec, 0xa5, sizeof(rec));
	ck_assert_uint_eq(OVL_RECORD_SIZE_VER0, sizeof(rec));
	ck_assert_int_eq(ovl_layers_get_record(l, 3, &rec, OVL_RECORD_SIZE_VER0),
			 (int)sizeof(rec));
	ck_assert_str_eq(rec.fs_path, "/lower/two");
	ck_assert_uint_eq(rec.valid, OVL_RECORD_VALID_FS | OVL_RECORD_VALID_ATTR |
				     OVL_RECORD_VALID_PATH);
	/* a smaller size (1.x's layouts) is refused, nothing written */
	memset(&rec, 0xa5, sizeof(rec));
	ck_assert_int_eq(ovl_layers_get_record(l, 3, &rec,
					       offsetof(struct ovl_layer_record, valid)),
			 -EINVAL);
	ck_assert_int_eq(ovl_layers_get_record(l, 3, &rec, OVL_RECORD_SIZE_VER0 - 1),
			 -EINVAL);
	ck_assert_uint_eq(rec.kind, 0xa5a5a5a5);

	ck_assert_int_eq(ovl_layers_get_record(l, 4, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_DATA);
	ck_assert_uint_eq(rec.index, 3);
	ck_assert_int_eq(ovl_layers_get_record(l, 5, &rec, sizeof(rec)), -EINVAL);

	/* encoding gives back the very bytes */
	ck_assert_int_eq(ovl_layers_encode(l, NULL, 0), (ssize_t)n);
	ck_assert_int_eq(ovl_layers_encode(l, out, n - 1), -ERANGE);
	ck_assert_int_eq(ovl_layers_encode(l, out, sizeof(out)), (ssize_t)n);
	ck_assert(!memcmp(out, buf, n));
	ovl_layers_free(l);
	free(t);
}
END_TEST

/* FID, NOFH, NOPATH, and the filesystems' uuids: BAD_UUID where the
 * kernel says so, and where the uuid cannot tell the filesystem. */
START_TEST(t2_flags)
{
	struct v2 *t = v2_new();
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;
	size_t n;

	v2_fs(t, 0, 60, 0x794c7630, 16, 0x33);		/* 0: nested overlay */
	v2_fs(t, 0, 61, 0x1234, 0, 0);			/* 1: no uuid */
	v2_fs(t, 0, 62, 0x1234, 16, 0);			/* 2: a null uuid */
	v2_fs(t, 0, 63, 0x1234, 16, 0x44);		/* 3 and 4: one uuid */
	v2_fs(t, 0, 64, 0x1234, 16, 0x44);
	v2_fs(t, 0, 0, 0, 8, 0x55);			/* 5: short uuid, 0:0 */
	v2_fs(t, 0, 66, 0x1234, 16, 0x66);		/* 6: the kernel's flag */
	t->fs[6].flags = OVL_LAYERS_FS_BAD_UUID;
	v2_layer(t, OVL_LAYERS_LOWER, 0, 1, OVL_LAYERS_LAYER_FID, 12, "/fid");
	v2_layer(t, OVL_LAYERS_LOWER, 1, 2, OVL_LAYERS_LAYER_NOFH, 0, "/nofh");
	v2_layer(t, OVL_LAYERS_LOWER, 2, 3, 0, 8, NULL);
	v2_layer(t, OVL_LAYERS_LOWER, 3, 4, 0, 8, "/");
	v2_layer(t, OVL_LAYERS_LOWER, 4, 5, 0, 8, "/");
	v2_layer(t, OVL_LAYERS_DATA, 5, 6, OVL_LAYERS_LAYER_NOFH, 0, NULL);
	v2_layer(t, OVL_LAYERS_DATA, 6, 7, 0, 128, "/x");
	n = v2_bytes(t, buf);
	ck_assert_int_eq(ovl_layers_decode(buf, n, &l, NULL), 0);

	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	/* the kernel's flags, as the value has them */
	ck_assert_uint_eq(rec.flags, OVL_LAYERS_LAYER_FID);
	ck_assert(rec.flags & OVL_LAYERS_LAYER_FID);
	ck_assert_uint_eq(rec.fs_flags, 0);
	ck_assert_uint_eq(rec.fid_len, 12);
	ck_fb(&rec);
	ck_assert_int_eq(ovl_layers_get_record(l, 1, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.flags, OVL_LAYERS_LAYER_NOFH);
	ck_assert_uint_eq(rec.fs_flags, OVL_LAYERS_FS_BAD_UUID);
	ck_assert_uint_eq(rec.fid_len, 0);
	ck_assert_int_eq(rec.fh_type, 0);
	ck_assert_uint_eq(rec.fb_len, 21);
	ck_fb(&rec);
	ck_assert_uint_eq(ovl_layers_info(l, 1)->uuid_len, 0);
	ck_assert_int_eq(ovl_layers_get_record(l, 2, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.flags, OVL_LAYERS_LAYER_NOPATH);
	ck_assert_uint_eq(rec.fs_flags, OVL_LAYERS_FS_BAD_UUID);
	ck_assert(ovl_layers_info(l, 2)->nopath);
	ck_assert_ptr_null(ovl_layers_info(l, 2)->path);
	ck_assert_uint_eq(rec.valid, OVL_RECORD_VALID_FS | OVL_RECORD_VALID_ATTR);
	ck_assert_ptr_null(rec.fs_path);
	ck_assert_int_eq(ovl_layers_get_record(l, 3, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.flags, 0);
	ck_assert_uint_eq(rec.fs_flags, OVL_LAYERS_FS_BAD_UUID);
	ck_assert_str_eq(ovl_layers_info(l, 3)->path, "/");
	ck_assert_int_eq(ovl_layers_get_record(l, 4, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.flags, 0);
	ck_assert_uint_eq(rec.fs_flags, OVL_LAYERS_FS_BAD_UUID);
	ck_assert_int_eq(ovl_layers_get_record(l, 5, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.flags, OVL_LAYERS_LAYER_NOFH | OVL_LAYERS_LAYER_NOPATH);
	ck_assert_uint_eq(rec.fs_flags, 0);
	/* no device: 0:0 (1.x's NODEV flag) */
	ck_assert_uint_eq(rec.dev_major, 0);
	ck_assert_uint_eq(rec.dev_minor, 0);
	ck_assert_uint_eq(rec.uuid[7], 0x55);
	ck_assert_uint_eq(rec.uuid[8], 0);	/* uuid_len bytes, then zeros */
	ck_assert_uint_eq(ovl_layers_info(l, 5)->uuid_len, 8);
	ck_assert_int_eq(ovl_layers_get_record(l, 6, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.flags, 0);
	ck_assert_uint_eq(rec.fs_flags, OVL_LAYERS_FS_BAD_UUID);
	ck_assert_uint_eq(rec.fid_len, 128);
	ck_fb(&rec);
	ck_assert_int_eq(ovl_layers_encode(l, out, sizeof(out)), (ssize_t)n);
	ck_assert(!memcmp(out, buf, n));
	ovl_layers_free(l);
	free(t);
}
END_TEST

/* Structs larger than this library knows (a later version's fields, 0xEE
 * bytes here) are stepped over; no layers at all is well formed; so are
 * 502 layers. */
START_TEST(t2_grown_empty_502)
{
	struct v2 *t = sample();
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;
	size_t n;

	t->hdr_size = 40;
	t->fs_size = 64;
	t->layer_size = 56;
	n = v2_bytes(t, buf);
	ck_assert_int_eq(ovl_layers_decode(buf, n, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_get_record(l, 4, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_DATA);
	ck_assert_uint_eq(rec.dev_minor, 40);
	ck_assert_str_eq(ovl_layers_info(l, 4)->path, "/d");
	ck_assert_int_eq(ovl_layers_encode(l, out, sizeof(out)), (ssize_t)n);
	ck_assert(!memcmp(out, buf, n));
	ovl_layers_free(l);
	free(t);

	t = v2_new();
	n = v2_bytes(t, buf);
	ck_assert_uint_eq(n, 32);
	ck_assert_int_eq(ovl_layers_decode(buf, n, &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 0);
	ovl_layers_free(l);
	free(t);

	t = v2_new();
	v2_fs(t, 8, 1, 0xef53, 16, 0x11);
	v2_layer(t, OVL_LAYERS_UPPER, 0, 0, 0, 8, "/u");
	v2_layer(t, OVL_LAYERS_WORK, 0, 0, 0, 8, "/w");
	for (unsigned int i = 1; i <= 500; i++)
		v2_layer(t, OVL_LAYERS_LOWER, 0, i, 0, 8, "/l");
	n = v2_bytes(t, buf);
	ck_assert_int_eq(ovl_layers_decode(buf, n, &l, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 502);
	ovl_layers_free(l);
	v2_layer(t, OVL_LAYERS_LOWER, 0, 501, 0, 8, "/l");
	n = v2_bytes(t, buf);
	ck_assert_int_eq(ovl_layers_decode(buf, n, &l, NULL), -EINVAL);
	free(t);
}
END_TEST

/* ---- one case per rule ---------------------------------------------- */

static void set32(unsigned char *v, size_t at, uint32_t x) { memcpy(v + at, &x, 4); }
static void set16(unsigned char *v, size_t at, uint16_t x) { memcpy(v + at, &x, 2); }

#define HDR(f)		offsetof(struct ovl_layers_hdr, f)
#define FS(i, f)	(32 + 48 * (i) + offsetof(struct ovl_layers_fs, f))
#define LY(i, f)	(L(i) + offsetof(struct ovl_layers_layer, f))

/* Each make() gets the sample's bytes (*n of them) and breaks one rule. */
struct bad2 {
	const char *what;
	void (*make)(unsigned char *v, size_t *n);
	int err;
	size_t offset;
};

static uint32_t get32(const unsigned char *v, size_t at)
{
	uint32_t x;

	memcpy(&x, v + at, 4);
	return x;
}

static void b_short(unsigned char *v, size_t *n) { (void)v; *n = 7; }
static void b_len(unsigned char *v, size_t *n) { set32(v, HDR(len), *n + 8); }
static void b_len_short(unsigned char *v, size_t *n) { (void)v; (*n)--; }
static void b_size_small(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(size), 24); }
static void b_size_odd(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(size), 36); }
static void b_size_big(unsigned char *v, size_t *n) { set32(v, HDR(size), (*n + 8) & ~7u); }
static void b_size_4104(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(size), 4104); }
static void b_hdr_flags(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(flags), 1); }
static void b_nr_layers(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(nr_layers), 503); }
static void b_nr_fs_more(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(nr_fs), 6); }
static void b_nr_fs_zero(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(nr_fs), 0); }
static void b_fs_off_odd(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(fs_off), 36); }
static void b_fs_off_hdr(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(fs_off), 24); }
static void b_fs_off_past(unsigned char *v, size_t *n) { set32(v, HDR(fs_off), (*n + 8) & ~7u); }
static void b_layer_off_odd(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(layer_off), 132); }
static void b_layer_off_hdr(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(layer_off), 0); }
static void b_overlap(unsigned char *v, size_t *n) { (void)n; set32(v, HDR(nr_fs), 3); }
static void b_fs_size_small(unsigned char *v, size_t *n) { (void)n; set32(v, FS(1, size), 40); }
static void b_fs_size_odd(unsigned char *v, size_t *n) { (void)n; set32(v, FS(1, size), 52); }
static void b_layer_size_small(unsigned char *v, size_t *n) { (void)n; set32(v, LY(2, size), 8); }
static void b_layer_size_odd(unsigned char *v, size_t *n) { (void)n; set32(v, LY(2, size), 60); }
static void b_layer_past(unsigned char *v, size_t *n) { (void)n; set32(v, LY(4, size), 4096); }
static void b_fs_flags(unsigned char *v, size_t *n) { (void)n; set32(v, FS(0, flags), 2); }
static void b_uuid_len(unsigned char *v, size_t *n) { (void)n; v[FS(1, uuid_len)] = 17; }
static void b_kind0(unsigned char *v, size_t *n) { (void)n; set16(v, LY(2, kind), 0); }
static void b_kind5(unsigned char *v, size_t *n) { (void)n; set16(v, LY(4, kind), 5); }
static void b_fs_index(unsigned char *v, size_t *n) { (void)n; set16(v, LY(3, fs), 2); }
static void b_layer_flags(unsigned char *v, size_t *n) { (void)n; set32(v, LY(2, flags), 8); }
static void b_fid_nofh(unsigned char *v, size_t *n) { (void)n; set32(v, LY(2, flags), 3); }
static void b_nofh_type(unsigned char *v, size_t *n)
{
	(void)n;
	set32(v, LY(2, flags), OVL_LAYERS_LAYER_NOFH);
}
static void b_nofh_bytes(unsigned char *v, size_t *n)
{
	(void)n;
	set32(v, LY(2, flags), OVL_LAYERS_LAYER_NOFH);
	set32(v, LY(2, handle_type), 0);
}
static void b_no_handle(unsigned char *v, size_t *n) { (void)n; set32(v, LY(2, handle_bytes), 0); }
static void b_handle_long(unsigned char *v, size_t *n) { (void)n; set32(v, LY(2, handle_bytes), 129); }
static void b_handle_in_table(unsigned char *v, size_t *n) { (void)n; set32(v, LY(2, handle_off), DATA - 1); }
static void b_handle_past(unsigned char *v, size_t *n) { set32(v, LY(4, handle_off), *n - 11); }
static void b_nopath_len(unsigned char *v, size_t *n) { (void)n; set32(v, LY(1, flags), OVL_LAYERS_LAYER_NOPATH); }
static void b_path_in_table(unsigned char *v, size_t *n) { (void)n; set32(v, LY(0, path_off), 0); }
static void b_path_past(unsigned char *v, size_t *n) { (void)n; set32(v, LY(4, path_len), 3); }
static void b_path_no_nul(unsigned char *v, size_t *n) { (void)n; set32(v, LY(3, path_len), 9); }
static void b_path_nul(unsigned char *v, size_t *n) { (void)n; v[get32(v, LY(3, path_off)) + 6] = 0; }
static void b_path_relative(unsigned char *v, size_t *n) { (void)n; v[get32(v, LY(2, path_off))] = 'l'; }
static void b_path_empty(unsigned char *v, size_t *n)
{
	(void)n;
	set32(v, LY(2, path_len), 0);
	v[get32(v, LY(2, path_off))] = 0;
}
static void b_work_first(unsigned char *v, size_t *n) { (void)n; set16(v, LY(0, kind), OVL_LAYERS_WORK); }
static void b_upper_second(unsigned char *v, size_t *n) { (void)n; set16(v, LY(1, kind), OVL_LAYERS_UPPER); }
static void b_upper_no_work(unsigned char *v, size_t *n)
{
	(void)n;
	set16(v, LY(1, kind), OVL_LAYERS_LOWER);
	set32(v, LY(1, index), 1);
}
static void b_upper_index(unsigned char *v, size_t *n) { (void)n; set32(v, LY(0, index), 1); }
static void b_work_index(unsigned char *v, size_t *n) { (void)n; set32(v, LY(1, index), 1); }
static void b_index_gap(unsigned char *v, size_t *n) { (void)n; set32(v, LY(3, index), 3); }
static void b_index_zero(unsigned char *v, size_t *n) { (void)n; set32(v, LY(2, index), 0); }
static void b_lower_after_data(unsigned char *v, size_t *n)
{
	(void)n;
	set16(v, LY(3, kind), OVL_LAYERS_DATA);
	set16(v, LY(4, kind), OVL_LAYERS_LOWER);
}
static void b_data_first(unsigned char *v, size_t *n) { (void)n; set16(v, LY(2, kind), OVL_LAYERS_DATA); }
static void b_work_other_fs(unsigned char *v, size_t *n) { (void)n; set16(v, LY(1, fs), 1); }
static void b_no_lower(unsigned char *v, size_t *n)
{
	/* upper and work only: 2 layers, the others' entries trailing in
	 * the data area */
	(void)n;
	set32(v, HDR(nr_layers), 2);
}

static const struct bad2 bad2[] = {
	{ "shorter than 8 bytes", b_short, -EINVAL, 7 },
	{ "len says 8 more", b_len, -EINVAL, HDR(len) },
	{ "one byte cut", b_len_short, -EINVAL, HDR(len) },
	{ "header size 24", b_size_small, -EINVAL, 0 },
	{ "header size 36", b_size_odd, -EINVAL, 0 },
	{ "header size past the end", b_size_big, -EINVAL, 0 },
	{ "header size over 4096 (0xfc00 would read as format 1)", b_size_4104, -EINVAL, 0 },
	{ "header flags", b_hdr_flags, -EPROTONOSUPPORT, HDR(flags) },
	{ "503 layers", b_nr_layers, -EINVAL, HDR(nr_layers) },
	{ "more fs than layers", b_nr_fs_more, -EINVAL, HDR(nr_fs) },
	{ "layers without fs", b_nr_fs_zero, -EINVAL, HDR(nr_fs) },
	{ "fs_off unaligned", b_fs_off_odd, -EINVAL, HDR(fs_off) },
	{ "fs_off in the header", b_fs_off_hdr, -EINVAL, HDR(fs_off) },
	{ "fs_off past the end", b_fs_off_past, -EINVAL, HDR(fs_off) },
	{ "layer_off unaligned", b_layer_off_odd, -EINVAL, HDR(layer_off) },
	{ "layer_off 0", b_layer_off_hdr, -EINVAL, HDR(layer_off) },
	{ "tables overlap", b_overlap, -EINVAL, L(0) },
	{ "fs entry size 40", b_fs_size_small, -EINVAL, FS(1, size) },
	{ "fs entry size 52", b_fs_size_odd, -EINVAL, FS(1, size) },
	{ "layer entry size 8", b_layer_size_small, -EINVAL, LY(2, size) },
	{ "layer entry size 60", b_layer_size_odd, -EINVAL, LY(2, size) },
	{ "layer entry past the end", b_layer_past, -EINVAL, LY(4, size) },
	{ "unknown fs flag", b_fs_flags, -EPROTONOSUPPORT, FS(0, flags) },
	{ "uuid_len 17", b_uuid_len, -EINVAL, FS(1, uuid_len) },
	{ "kind 0", b_kind0, -EPROTONOSUPPORT, LY(2, kind) },
	{ "kind 5", b_kind5, -EPROTONOSUPPORT, LY(4, kind) },
	{ "fs past the table", b_fs_index, -EINVAL, LY(3, fs) },
	{ "unknown layer flag", b_layer_flags, -EPROTONOSUPPORT, LY(2, flags) },
	{ "FID with NOFH", b_fid_nofh, -EINVAL, LY(2, flags) },
	{ "NOFH with a handle type", b_nofh_type, -EINVAL, LY(2, handle_type) },
	{ "NOFH with handle bytes", b_nofh_bytes, -EINVAL, LY(2, handle_bytes) },
	{ "no handle, not NOFH", b_no_handle, -EINVAL, LY(2, handle_bytes) },
	{ "handle of 129 bytes", b_handle_long, -EINVAL, LY(2, handle_bytes) },
	{ "handle in the layer table", b_handle_in_table, -EINVAL, LY(2, handle_off) },
	{ "handle past the end", b_handle_past, -EINVAL, LY(4, handle_off) },
	{ "NOPATH with a path length", b_nopath_len, -EINVAL, LY(1, path_len) },
	{ "path in the header", b_path_in_table, -EINVAL, LY(0, path_off) },
	{ "path past the end", b_path_past, -EINVAL, LY(4, path_off) },
	/* in the data area: the paths of layers 2 and 3 at DATA + 34 and
	 * DATA + 50 ("/lower/two") */
	{ "path not NUL-terminated", b_path_no_nul, -EINVAL, DATA + 50 + 9 },
	{ "path holds a NUL", b_path_nul, -EINVAL, DATA + 50 + 6 },
	{ "path relative", b_path_relative, -EINVAL, DATA + 34 },
	{ "path empty", b_path_empty, -EINVAL, DATA + 34 },
	{ "work first", b_work_first, -EINVAL, LY(0, kind) },
	{ "upper second", b_upper_second, -EINVAL, LY(1, kind) },
	{ "upper without work", b_upper_no_work, -EINVAL, LY(1, kind) },
	{ "upper index 1", b_upper_index, -EINVAL, LY(0, index) },
	{ "work index 1", b_work_index, -EINVAL, LY(1, index) },
	{ "lower index gap", b_index_gap, -EINVAL, LY(3, index) },
	{ "lower index 0", b_index_zero, -EINVAL, LY(2, index) },
	{ "lower after data", b_lower_after_data, -EINVAL, LY(4, kind) },
	{ "data before lower", b_data_first, -EINVAL, LY(2, kind) },
	{ "work on another fs", b_work_other_fs, -EINVAL, LY(1, fs) },
	{ "no lower layer", b_no_lower, -EINVAL, L(2) },
};

START_TEST(t2_malformed)
{
	const struct bad2 *c = &bad2[_i];
	struct v2 *t = sample();
	size_t n = v2_bytes(t, buf);
	struct ovl_layers *l = (void *)1;
	struct ovl_error *e = ovl_error_new();
	unsigned char *copy;
	int err;

	ck_assert_ptr_nonnull(e);
	c->make(buf, &n);
	/* an exact-size heap copy: a read past its end is caught (ASan) */
	copy = malloc(n);
	memcpy(copy, buf, n);
	err = ovl_layers_validate(copy, n, e);
	ck_assert_msg(err == c->err, "%s: got %d (%s at %lld)", c->what, err,
		      ovl_error_message(e), (long long)ovl_error_offset(e));
	ck_assert_int_eq(ovl_error_code(e), c->err);
	ck_assert_msg(ovl_error_offset(e) == (int64_t)c->offset,
		      "%s: offset %lld (%s), want %zu", c->what,
		      (long long)ovl_error_offset(e), ovl_error_message(e),
		      c->offset);
	ck_assert_ptr_nonnull(ovl_error_message(e));
	ck_assert_int_eq(ovl_layers_decode(copy, n, &l, NULL), c->err);
	ck_assert_ptr_eq(l, (void *)1);
	/* --load of the raw bytes: the same verdict */
	ck_assert_int_eq(ovl_layers_load(copy, n, &l, e), c->err);
	ck_assert_int_eq(ovl_error_offset(e), (int64_t)c->offset);
	ovl_error_free(e);
	free(copy);
	free(t);
}
END_TEST

/* What the error object says of a malformed format 2 value: the layer
 * entry a broken rule is in is the record it is about; the header is
 * about none. */
START_TEST(t2_error)
{
	static const struct {
		void (*make)(unsigned char *v, size_t *n);
		int err;
		size_t offset;
		int layer;
	} cases[] = {
		{ b_kind5, -EPROTONOSUPPORT, LY(4, kind), 4 },
		{ b_layer_flags, -EPROTONOSUPPORT, LY(2, flags), 2 },
		{ b_fid_nofh, -EINVAL, LY(2, flags), 2 },
		{ b_hdr_flags, -EPROTONOSUPPORT, HDR(flags), -1 },
		{ b_short, -EINVAL, 7, -1 },
	};
	struct ovl_error *e = ovl_error_new();
	struct v2 *t = sample();

	ck_assert_ptr_nonnull(e);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = v2_bytes(t, buf);

		cases[i].make(buf, &n);
		ck_assert_int_eq(ovl_layers_validate(buf, n, e), cases[i].err);
		ck_assert_int_eq(ovl_error_code(e), cases[i].err);
		ck_assert_ptr_nonnull(ovl_error_message(e));
		ck_assert_msg(ovl_error_offset(e) == (int64_t)cases[i].offset,
			      "case %zu: offset %lld, want %zu", i,
			      (long long)ovl_error_offset(e), cases[i].offset);
	}
	/* the sample itself: reset */
	{
		size_t n = v2_bytes(t, buf);

		ck_assert_int_eq(ovl_layers_validate(buf, n, e), 0);
		ck_assert_int_eq(ovl_error_code(e), 0);
		ck_assert_ptr_null(ovl_error_message(e));
		ck_assert_int_eq(ovl_error_layer(e), -1);
		ck_assert_int_eq(ovl_error_offset(e), -1);
	}
	/* and the record each is about */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = v2_bytes(t, buf);

		cases[i].make(buf, &n);
		ck_assert_int_eq(ovl_layers_validate(buf, n, e), cases[i].err);
		ck_assert_msg(ovl_error_layer(e) == cases[i].layer,
			      "case %zu (%s): layer %d, want %d", i,
			      ovl_error_message(e), ovl_error_layer(e),
			      cases[i].layer);
	}
	ovl_error_free(e);
	free(t);
}
END_TEST

/* Every truncation of the sample, as read (its len then says more) and
 * with its len field made to agree (so the walk goes on into what is
 * missing): rejected, never read past. */
START_TEST(t2_truncated)
{
	struct v2 *t = sample();
	size_t n = v2_bytes(t, buf);
	struct ovl_error *e = ovl_error_new();

	ck_assert_ptr_nonnull(e);
	for (size_t k = 0; k < n; k++) {
		unsigned char *copy = malloc(k ? k : 1);
		struct ovl_layers *l = NULL;

		memcpy(copy, buf, k);
		ck_assert_int_eq(ovl_layers_validate(copy, k, e), -EINVAL);
		ck_assert_int_eq(ovl_error_offset(e), k < 8 ? (int64_t)k : 4);
		ck_assert_int_eq(ovl_layers_decode(copy, k, &l, NULL), -EINVAL);
		if (k >= 8) {
			set32(copy, HDR(len), k);
			ck_assert_int_ne(ovl_layers_validate(copy, k, e), 0);
			ck_assert_int_ge(ovl_error_offset(e), 0);
			ck_assert_int_le(ovl_error_offset(e), (int64_t)k);
			ck_assert_int_ne(ovl_layers_decode(copy, k, &l, NULL), 0);
		}
		free(copy);
	}
	ovl_error_free(e);
	free(t);
}
END_TEST

/* ---- the library's builder ----------------------------------------- */

static void build_sample(struct ovl_fmt2_builder *b)
{
	struct ovl_fmt2_fs ext4 = { .dev_major = 8, .dev_minor = 1,
				    .magic = 0xef53, .uuid_len = 16 };
	struct ovl_fmt2_fs tmpfs = { .dev_major = 0, .dev_minor = 40,
				     .magic = 0x01021994, .uuid_len = 16 };
	static const char *const paths[] = { "/u", "/w", "/l1", "/lower/two", "/d" };
	static const unsigned int kinds[] = { 1, 2, 3, 3, 4 };

	memset(ext4.uuid, 0x11, 16);
	memset(tmpfs.uuid, 0x22, 16);
	ovl_fmt2_init(b);
	ck_assert_int_eq(ovl_fmt2_add_fs(b, &ext4), 0);
	ck_assert_int_eq(ovl_fmt2_add_fs(b, &tmpfs), 1);
	ck_assert_int_eq(ovl_fmt2_find_fs(b, 0, 40), 1);
	ck_assert_int_eq(ovl_fmt2_find_fs(b, 0, 41), -ENOENT);
	for (unsigned int i = 0; i < 5; i++) {
		struct ovl_fmt2_layer e = {
			.kind = kinds[i], .fs = i < 2 ? 0 : 1,
			.index = i < 2 ? 0 : i - 1, .handle_type = 1,
			.handle_bytes = i < 2 ? 8 : 12, .path = paths[i],
			.attr = kinds[i] == 3 ? 0x01 : 0,
		};

		for (unsigned int k = 0; k < e.handle_bytes; k++)
			e.handle[k] = 0xa0 + k;
		ck_assert_int_eq(ovl_fmt2_add_layer(b, &e), 0);
	}
}

/* The builder writes the value built here from the kernel's structs;
 * encode -> decode -> encode gives the same bytes. */
START_TEST(t2_builder_round_trip)
{
	struct ovl_fmt2_builder b;
	struct v2 *t = sample();
	size_t n = v2_bytes(t, buf), len;
	unsigned char *v;
	struct ovl_layers *l = NULL, *l2 = NULL;
	char *json = NULL;

	build_sample(&b);
	ck_assert_int_eq(ovl_fmt2_finish(&b, &v, &len), 0);
	ck_assert_uint_eq(len, n);
	ck_assert(!memcmp(v, buf, n));
	ck_assert_int_eq(ovl_layers_decode(v, len, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_encode(l, out, sizeof(out)), (ssize_t)len);
	ck_assert(!memcmp(out, v, len));
	/* through a checkpoint record, and getfattr's hex */
	ck_assert_int_eq(ovl_layers_save_checkpoint(l, &json, NULL), 0);
	ck_assert_int_eq(ovl_layers_load(json, strlen(json), &l2, NULL), 0);
	ck_assert_int_eq(ovl_layers_encode(l2, out, sizeof(out)), (ssize_t)len);
	ck_assert(!memcmp(out, v, len));
	ovl_layers_free(l2);
	free(json);
	{
		char *text = malloc(2 * len + 64);
		int k = sprintf(text, "# file: m\ntrusted.overlay.layers=0x");

		for (size_t i = 0; i < len; i++)
			k += sprintf(text + k, "%02x", v[i]);
		ck_assert_int_eq(ovl_layers_load(text, k, &l2, NULL), 0);
		ck_assert_uint_eq(ovl_layers_count(l2), 5);
		ovl_layers_free(l2);
		free(text);
	}
	ovl_layers_free(l);
	free(v);

	/* NOFH writes no handle, no path is NOPATH */
	{
		struct ovl_fmt2_layer e = { .kind = 4, .index = 4, .nofh = true,
					    .handle_bytes = 8 };
		struct ovl_layer_record rec;

		ck_assert_int_eq(ovl_fmt2_add_layer(&b, &e), 0);
		ck_assert_int_eq(ovl_fmt2_finish(&b, &v, &len), 0);
		ck_assert_int_eq(ovl_layers_decode(v, len, &l, NULL), 0);
		ck_assert_int_eq(ovl_layers_get_record(l, 5, &rec, sizeof(rec)), (int)sizeof(rec));
		ck_assert_uint_eq(rec.flags, OVL_LAYERS_LAYER_NOFH | OVL_LAYERS_LAYER_NOPATH);
		ck_assert(ovl_layers_info(l, 5)->nopath);
		ovl_layers_free(l);
		free(v);
	}
	ovl_fmt2_free(&b);
	free(t);
}
END_TEST

TCase *format2_tcase(void)
{
	TCase *tc = tcase_create("format2");

	tcase_add_test(tc, t2_decode);
	tcase_add_test(tc, t2_flags);
	tcase_add_test(tc, t2_grown_empty_502);
	tcase_add_loop_test(tc, t2_malformed, 0, sizeof(bad2) / sizeof(bad2[0]));
	tcase_add_test(tc, t2_error);
	tcase_add_test(tc, t2_truncated);
	tcase_add_test(tc, t2_builder_round_trip);
	return tc;
}
