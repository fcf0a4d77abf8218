// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The layers value (docs/layers-format.md): formats 1 and 0 here, format 2
 * in format2.c, all three read; and the origin xattr value: validation,
 * decoding, encoding.  The descriptor it builds (struct ovl_layers: its
 * lifetime, accessors and names) is layers.c's.  A value whose second byte is 0xfc (the
 * magic of formats 0 and 1) is format 0 or 1, its first byte says which;
 * any other value is format 2, whose first bytes are its header's size.
 *
 * One validator walks the bytes, and the same walk fills the records of a
 * validated value; decoding keeps a private copy of the value and points
 * the records into it, so encoding gives back the very bytes that were
 * decoded or read: a format 0 or 1 value stays what it was (a converted
 * one would be bytes no kernel wrote, and a checkpoint record would no
 * longer hold what was read).  What the library builds itself (the
 * mountinfo fallback) is format 2.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static unsigned int get_le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static unsigned int get_le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned int)p[3] << 24;
}

/* A struct ovl_fb of fb_len bytes available at p. */
static int check_fb(const unsigned char *p, size_t avail, size_t at,
		    struct ovl_verdict *v)
{
	if (avail < OVL_FB_HDR_LEN)
		return ovl_bad(v, -EINVAL, at, "file handle header runs past the end");
	if (p[1] != OVL_FB_MAGIC)
		return ovl_bad(v, -EINVAL, at + 1, "file handle magic is not 0xfb");
	if (p[0] != OVL_FB_VERSION)
		return ovl_bad(v, -EPROTONOSUPPORT, at,
			   "unsupported file handle version");
	if (p[2] < OVL_FB_HDR_LEN)
		return ovl_bad(v, -EINVAL, at + 2,
			   "file handle length is shorter than its header");
	if (p[2] - OVL_FB_HDR_LEN > OVL_LAYERS_FID_MAX)
		return ovl_bad(v, -EINVAL, at + 2,
			   "file handle is longer than 128 bytes");
	if (p[2] > avail)
		return ovl_bad(v, -EINVAL, at + 2, "file handle runs past the end");
	if (p[3] & ~OVL_FB_FLAGS_KNOWN)
		return ovl_bad(v, -EPROTONOSUPPORT, at + 3,
			   "unknown file handle flags");
	return 0;
}

/* Record order and indexes: see internal.h. */
enum order { O_START, O_UPPER, O_WORK, O_LOWER, O_DATA };

int ovl_check_order(struct ovl_order *o, unsigned int i, unsigned int kind,
		    unsigned int index, size_t kind_at, size_t index_at,
		    struct ovl_verdict *v)
{
	switch (kind) {
	case OVL_LAYERS_UPPER:
		if (i)
			return ovl_bad(v, -EINVAL, kind_at,
				       "upper record is not the first");
		o->state = O_UPPER;
		break;
	case OVL_LAYERS_WORK:
		if (o->state != O_UPPER)
			return ovl_bad(v, -EINVAL, kind_at,
				       "work record does not follow the upper record");
		o->state = O_WORK;
		break;
	case OVL_LAYERS_LOWER:
		if (o->state == O_UPPER)
			return ovl_bad(v, -EINVAL, kind_at,
				       "upper record without a work record");
		if (o->state == O_DATA)
			return ovl_bad(v, -EINVAL, kind_at,
				       "lower record after a data-only record");
		o->state = O_LOWER;
		break;
	case OVL_LAYERS_DATA:
		if (o->state != O_LOWER && o->state != O_DATA)
			return ovl_bad(v, -EINVAL, kind_at,
				       "data-only record before any lower record");
		o->state = O_DATA;
		break;
	}
	if (kind == OVL_LAYERS_UPPER || kind == OVL_LAYERS_WORK) {
		if (index)
			return ovl_bad(v, -EINVAL, index_at,
				       "upper or work record with a nonzero index");
	} else if (index != o->next_index++) {
		return ovl_bad(v, -EINVAL, index_at,
			       "layer index out of sequence");
	}
	return 0;
}

int ovl_check_order_end(const struct ovl_order *o, unsigned int n,
			size_t end, struct ovl_verdict *v)
{
	if (n && o->state != O_LOWER && o->state != O_DATA)
		return ovl_bad(v, -EINVAL, end, "no lower layer record");
	return 0;
}

static void fill_record(struct ovl_layer_record *rec, const unsigned char *r,
			const unsigned char *fb)
{
	memset(rec, 0, sizeof(*rec));
	if (r) {
		rec->kind = r[0];
		rec->flags = (r[1] & OVL_WIRE_NOFH ? OVL_LAYERS_LAYER_NOFH : 0) |
			     (r[1] & OVL_WIRE_FID ? OVL_LAYERS_LAYER_FID : 0);
		rec->fs_flags = r[1] & OVL_WIRE_BAD_UUID ?
				OVL_LAYERS_FS_BAD_UUID : 0;
		rec->index = get_le16(r + 2);
		rec->dev_major = get_le32(r + 4);
		rec->dev_minor = get_le32(r + 8);
	} else {
		rec->kind = OVL_LAYERS_ORIGIN;
	}
	rec->fb = fb;
	rec->fb_len = fb[2];
	rec->fh_flags = fb[3];
	rec->fh_type = fb[4];
	memcpy(rec->uuid, fb + 5, sizeof(rec->uuid));
	rec->fid_len = fb[2] - OVL_FB_HDR_LEN;
	rec->fid = fb + OVL_FB_HDR_LEN;
}

/*
 * The fields of a record that follow its length (version 1) or start it
 * (version 0): kind, flags, index, dev, and the ovl_fb after them, its
 * header known to be in the buffer.  at is their offset in the value.
 */
static int check_fields(const unsigned char *r, size_t avail, size_t at,
			unsigned int known_flags, struct ovl_verdict *v)
{
	const unsigned char *fb = r + OVL_REC_LEN;
	int err;

	if (r[0] < OVL_LAYERS_UPPER || r[0] > OVL_LAYERS_DATA)
		return ovl_bad(v, -EPROTONOSUPPORT, at, "unknown record kind");
	if (r[1] & ~known_flags)
		return ovl_bad(v, -EPROTONOSUPPORT, at + 1, "unknown record flags");
	if ((r[1] & OVL_WIRE_NOFH) && (r[1] & OVL_WIRE_FID))
		return ovl_bad(v, -EINVAL, at + 1, "record is flagged both NOFH and FID");
	if ((r[1] & OVL_WIRE_NODEV) && (get_le32(r + 4) || get_le32(r + 8)))
		return ovl_bad(v, -EINVAL, at + 4,
			   "NODEV record carries a device number");
	err = check_fb(fb, avail - OVL_REC_LEN, at + OVL_REC_LEN, v);
	if (err)
		return err;
	if ((r[1] & OVL_WIRE_NOFH) &&
	    (fb[2] != OVL_FB_HDR_LEN || fb[4]))
		return ovl_bad(v, -EINVAL, at + OVL_REC_LEN + 2,
			   "NOFH record carries a file handle");
	if ((r[1] & OVL_WIRE_FID) && fb[2] == OVL_FB_HDR_LEN)
		return ovl_bad(v, -EINVAL, at + OVL_REC_LEN + 2,
			   "FID record without a file handle");
	return 0;
}

/* Formats 0 and 1 have the magic 0xfc in their second byte. */
static bool is_format01(const unsigned char *p, size_t len)
{
	return len >= 2 && p[1] == OVL_LAYERS_MAGIC;
}

/*
 * The one walk over a format 0 or 1 value: checks every byte the format
 * defines and, with recs (room for the header's count), fills the
 * records.  Format 1 records start with their length, which may exceed
 * the fields known here (a later version's additions, skipped); format 0
 * records end with their ovl_fb.
 */
static int check_format01(const unsigned char *p, size_t len,
			  unsigned int *count, struct ovl_verdict *v,
			  struct ovl_layer_record *recs)
{
	size_t off = OVL_HDR_LEN, hdr, rlen = 0;
	unsigned int i, n, known_flags;
	struct ovl_order order = OVL_ORDER_INIT;
	int err;

	if (len < OVL_HDR_LEN)
		return ovl_bad(v, -EINVAL, len, "value is shorter than its 4-byte header");
	if (p[0] == OVL_LAYERS_VERSION_0) {
		hdr = 0;
		known_flags = OVL_LAYER_FLAGS_V0;
	} else if (p[0] == OVL_LAYERS_VERSION) {
		hdr = OVL_REC_LEN_FIELD;
		known_flags = OVL_LAYER_FLAGS_V1;
	} else {
		return ovl_bad(v, -EPROTONOSUPPORT, 0, "unsupported format version");
	}
	n = get_le16(p + 2);
	if (n > OVL_LAYERS_MAX_RECORDS)
		return ovl_bad(v, -EINVAL, 2, "more than 502 records");
	for (i = 0; i < n; i++) {
		const unsigned char *r = p + off + hdr;
		size_t avail = len - off;

		v->record = (int)i;	/* what fails from here is record i's */

		if (avail < hdr + OVL_REC_LEN)
			return ovl_bad(v, -EINVAL, off, "record runs past the end");
		if (hdr) {
			rlen = get_le16(p + off);
			if (rlen > avail)
				return ovl_bad(v, -EINVAL, off,
					   "record runs past the end");
			if (rlen < hdr + OVL_REC_LEN + OVL_FB_HDR_LEN)
				return ovl_bad(v, -EINVAL, off,
					   "record length is shorter than its fields");
		}
		/* the ovl_fb is checked against the buffer; a version 1
		 * record's length must then hold it */
		err = check_fields(r, avail - hdr, off + hdr, known_flags, v);
		if (err)
			return err;
		if (!hdr)
			rlen = OVL_REC_LEN + r[OVL_REC_LEN + 2];
		else if (rlen < hdr + OVL_REC_LEN + r[OVL_REC_LEN + 2])
			return ovl_bad(v, -EINVAL, off,
				   "record length is shorter than its fields");
		err = ovl_check_order(&order, i, r[0], get_le16(r + 2),
				      off + hdr, off + hdr + 2, v);
		if (err)
			return err;
		if (recs)
			fill_record(&recs[i], r, r + OVL_REC_LEN);
		off += rlen;
	}
	v->record = -1;
	if (off != len)
		return ovl_bad(v, -EINVAL, off, "trailing bytes after the last record");
	err = ovl_check_order_end(&order, n, off, v);
	if (err)
		return err;
	*count = n;
	return 0;
}

/* A layers value of any format: its verdict, and its count when good. */
static int check_layers(const unsigned char *p, size_t len, unsigned int *count,
			struct ovl_verdict *v)
{
	return is_format01(p, len) ? check_format01(p, len, count, v, NULL) :
				     ovl_fmt2_check(p, len, count, v);
}

static int check_origin(const unsigned char *p, size_t len, struct ovl_verdict *v)
{
	int err = check_fb(p, len, 0, v);

	if (err)
		return err;
	if (p[2] != len)
		return ovl_bad(v, -EINVAL, p[2], "trailing bytes after the file handle");
	return 0;
}

OVL_EXPORT
int ovl_layers_validate(const void *buf, size_t len, struct ovl_error *err)
{
	struct ovl_verdict v = OVL_VERDICT_INIT;
	unsigned int count;
	int ret;

	if (!buf && len)
		return ovl_seterr(err, -EINVAL, "bad argument");
	ret = check_layers(buf, len, &count, &v);
	return ovl_seterr_at(err, ret, v.reason, v.record,
			     ret ? (int64_t)v.offset : -1);
}

/*
 * Take ownership of raw (a malloc'd value that already passed validation
 * for its kind) and build the descriptor around it.
 */
int ovl_layers_new_from_raw(unsigned char *raw, size_t len, int source,
			    bool origin, struct ovl_layers **out)
{
	struct ovl_layers *l;
	unsigned int i, count = 1;
	struct ovl_verdict v = OVL_VERDICT_INIT;
	int err;

	l = calloc(1, sizeof(*l));
	if (!l) {
		free(raw);
		return -ENOMEM;
	}
	l->source = source;
	l->raw = raw;
	l->raw_len = len;
	err = origin ? 0 : check_layers(raw, len, &count, &v);
	if (err)
		goto fail;	/* not validated after all */
	l->count = count;
	l->format = origin ? 0 : is_format01(raw, len) ? raw[0] : 2;
	err = -ENOMEM;
	l->recs = calloc(count ? count : 1, sizeof(*l->recs));
	l->locs = calloc(count ? count : 1, sizeof(*l->locs));
	l->info = calloc(count ? count : 1, sizeof(*l->info));
	if (!l->recs || !l->locs || !l->info)
		goto fail;
	/* a second walk fills the records */
	err = 0;
	if (origin)
		fill_record(&l->recs[0], NULL, raw);
	else if (l->format == 2)
		err = ovl_fmt2_fill(l);
	else
		err = check_format01(raw, len, &count, &v, l->recs);
	if (err)
		goto fail;
	for (i = 0; i < count; i++) {
		l->locs[i].fd = -1;
		l->locs[i].mnt_id = -1;
	}
	*out = l;
	return 0;
fail:
	free(l->recs);
	free(l->locs);
	free(l->info);
	free(l->fbs);
	free(l);
	free(raw);
	return err;
}

static int decode(const void *buf, size_t len, bool origin,
		  struct ovl_layers **out, struct ovl_verdict *v)
{
	unsigned int count;
	unsigned char *raw;
	int err;

	if (!out || (!buf && len)) {
		v->reason = "bad argument";
		return -EINVAL;
	}
	err = origin ? check_origin(buf, len, v) :
		       check_layers(buf, len, &count, v);
	if (err)
		return err;
	raw = malloc(len);
	if (!raw)
		return -ENOMEM;
	memcpy(raw, buf, len);
	return ovl_layers_new_from_raw(raw, len, origin ?
				       OVL_SOURCE_ORIGIN :
				       OVL_SOURCE_BUFFER, origin, out);
}

static int decode_err(const void *buf, size_t len, bool origin,
		      struct ovl_layers **out, struct ovl_error *err)
{
	struct ovl_verdict v = { (size_t)-1, NULL, -1 };
	int ret = decode(buf, len, origin, out, &v);

	return ovl_seterr_at(err, ret, v.reason, v.record,
			     ret && v.offset != (size_t)-1 ?
			     (int64_t)v.offset : -1);
}

OVL_EXPORT
int ovl_layers_decode(const void *buf, size_t len, struct ovl_layers **out,
		      struct ovl_error *err)
{
	return decode_err(buf, len, false, out, err);
}

OVL_EXPORT
int ovl_layers_decode_origin(const void *buf, size_t len,
			     struct ovl_layers **out, struct ovl_error *err)
{
	return decode_err(buf, len, true, out, err);
}

OVL_EXPORT
ssize_t ovl_layers_encode(const struct ovl_layers *layers, void *buf,
			  size_t size)
{
	if (!layers || (!buf && size))
		return -EINVAL;
	if (!size)
		return layers->raw_len;
	if (size < layers->raw_len)
		return -ERANGE;
	memcpy(buf, layers->raw, layers->raw_len);
	return layers->raw_len;
}
