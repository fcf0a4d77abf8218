// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The layers description, format 2 (docs/layers-format.md; the structs
 * are the kernel's, include/ovllayers/overlayfs.h): validation, the records of a
 * validated value, and the builder of one (the mountinfo fallback writes
 * format 2, tests build values with it).  Formats 1 and 0 are decode.c's,
 * which sends here every value whose second byte is not their 0xfc.
 *
 * Native endian, natural alignment: the structs are copied out of the
 * bytes (memcpy), never read in place, so a value at any address and of
 * any content is read without an unaligned access or a read past its end.
 * Each struct starts with its size and may grow at its end: the fields
 * this library knows are read, the rest stepped over.
 *
 * A format 2 layer has no struct ovl_fb, which the 1.x record hands out
 * (fb, fb_len): the library builds one from the layer's fields, as
 * overlayfs builds its origin file handles, so that callers that store it
 * keep working.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ovllayers/overlayfs.h>

#include "internal.h"

/* docs/layers-format.md: a header grows, never past this, so its second
 * byte can never be format 1's magic 0xfc */
#define OVL_LAYERS_HDR_SIZE_MAX	4096

_Static_assert(sizeof(struct ovl_layers_hdr) == OVL_LAYERS_HDR_SIZE_VER0,
	       "the header is the size the format says");
_Static_assert(sizeof(struct ovl_layers_fs) == OVL_LAYERS_FS_SIZE_VER0,
	       "an fs entry is the size the format says");
_Static_assert(sizeof(struct ovl_layers_layer) == OVL_LAYERS_LAYER_SIZE_VER0,
	       "a layer entry is the size the format says");

#define LAYER_FLAGS_KNOWN	(OVL_LAYERS_LAYER_FID | OVL_LAYERS_LAYER_NOFH | \
				 OVL_LAYERS_LAYER_NOPATH)
#define FS_FLAGS_KNOWN		OVL_LAYERS_FS_BAD_UUID

/* The struct of size (the value's) at p: the fields this library knows,
 * those a shorter one lacks zeroed (the caller checked size >= VER0). */
static void get_struct(void *dst, size_t dsize, const unsigned char *p,
		       size_t size)
{
	memset(dst, 0, dsize);
	memcpy(dst, p, size < dsize ? size : dsize);
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t x;

	memcpy(&x, p, sizeof(x));
	return x;
}

/* The parts of a value that its tables and data area are laid out in. */
struct layout {
	struct ovl_layers_hdr hdr;
	size_t fs_end, layer_end;	/* where each table ends */
	size_t data;			/* the data area: [data, len) */
};

/*
 * A table of n entries back to back from off, each at least min bytes
 * and a multiple of 8, inside len; *end is where it ends.
 */
static int walk_table(const unsigned char *p, size_t len, size_t off,
		      unsigned int n, size_t min, bool fs, size_t *end,
		      struct ovl_verdict *v)
{
	for (unsigned int i = 0; i < n; i++) {
		uint32_t size;

		if (len - off < sizeof(size))
			return ovl_bad(v, -EINVAL, off, fs ?
				       "fs entry runs past the end" :
				       "layer entry runs past the end");
		size = get_u32(p + off);
		if (size < min)
			return ovl_bad(v, -EINVAL, off, fs ?
				       "fs entry size is below 48" :
				       "layer entry size is below 48");
		if (size % 8)
			return ovl_bad(v, -EINVAL, off, fs ?
				       "fs entry size is not a multiple of 8" :
				       "layer entry size is not a multiple of 8");
		if (size > len - off)
			return ovl_bad(v, -EINVAL, off, fs ?
				       "fs entry runs past the end" :
				       "layer entry runs past the end");
		off += size;
	}
	*end = off;
	return 0;
}

/* A table's offset in the header: 8-aligned, past the header, in len. */
static int check_table_off(uint32_t off, size_t at, const struct layout *lay,
			   size_t len, struct ovl_verdict *v)
{
	if (off % 8)
		return ovl_bad(v, -EINVAL, at,
			       "table offset is not a multiple of 8");
	if (off < lay->hdr.size)
		return ovl_bad(v, -EINVAL, at, "table starts inside the header");
	if (off > len)
		return ovl_bad(v, -EINVAL, at, "table starts past the end");
	return 0;
}

static int check_header(const unsigned char *p, size_t len,
			struct layout *lay, struct ovl_verdict *v)
{
	struct ovl_layers_hdr *h = &lay->hdr;
	size_t lo, hi;
	int err;

	if (len < 2 * sizeof(uint32_t))
		return ovl_bad(v, -EINVAL, len,
			       "value is shorter than its 8-byte size and length");
	if (get_u32(p + offsetof(struct ovl_layers_hdr, len)) != len)
		return ovl_bad(v, -EINVAL, offsetof(struct ovl_layers_hdr, len),
			       "header length is not the value's length");
	h->size = get_u32(p);
	if (h->size < OVL_LAYERS_HDR_SIZE_VER0)
		return ovl_bad(v, -EINVAL, 0, "header size is below 32");
	if (h->size % 8)
		return ovl_bad(v, -EINVAL, 0,
			       "header size is not a multiple of 8");
	if (h->size > OVL_LAYERS_HDR_SIZE_MAX)
		return ovl_bad(v, -EINVAL, 0, "header size is over 4096");
	if (h->size > len)
		return ovl_bad(v, -EINVAL, 0, "header runs past the end");
	get_struct(h, sizeof(*h), p, h->size);
	if (h->flags)
		return ovl_bad(v, -EPROTONOSUPPORT,
			       offsetof(struct ovl_layers_hdr, flags),
			       "unknown header flags");
	if (h->nr_layers > OVL_LAYERS_MAX_RECORDS)
		return ovl_bad(v, -EINVAL,
			       offsetof(struct ovl_layers_hdr, nr_layers),
			       "more than 502 layers");
	if (h->nr_fs > h->nr_layers)
		return ovl_bad(v, -EINVAL, offsetof(struct ovl_layers_hdr, nr_fs),
			       "more filesystems than layers");
	if (!h->nr_fs && h->nr_layers)
		return ovl_bad(v, -EINVAL, offsetof(struct ovl_layers_hdr, nr_fs),
			       "layers without a filesystem");
	err = check_table_off(h->fs_off, offsetof(struct ovl_layers_hdr, fs_off),
			      lay, len, v);
	if (!err)
		err = check_table_off(h->layer_off,
				      offsetof(struct ovl_layers_hdr, layer_off),
				      lay, len, v);
	if (!err)
		err = walk_table(p, len, h->fs_off, h->nr_fs,
				 OVL_LAYERS_FS_SIZE_VER0, true, &lay->fs_end, v);
	if (!err)
		err = walk_table(p, len, h->layer_off, h->nr_layers,
				 OVL_LAYERS_LAYER_SIZE_VER0, false,
				 &lay->layer_end, v);
	if (err)
		return err;
	/* two tables that hold entries share no byte */
	lo = h->fs_off > h->layer_off ? h->fs_off : h->layer_off;
	hi = lay->fs_end < lay->layer_end ? lay->fs_end : lay->layer_end;
	if (h->nr_fs && h->nr_layers && lo < hi)
		return ovl_bad(v, -EINVAL, lo, "the fs and layer tables overlap");
	lay->data = lay->fs_end > lay->layer_end ? lay->fs_end : lay->layer_end;
	return 0;
}

static int check_fs(const unsigned char *p, size_t off, struct ovl_verdict *v)
{
	struct ovl_layers_fs fs;

	get_struct(&fs, sizeof(fs), p + off, get_u32(p + off));
	if (fs.flags & ~FS_FLAGS_KNOWN)
		return ovl_bad(v, -EPROTONOSUPPORT,
			       off + offsetof(struct ovl_layers_fs, flags),
			       "unknown fs flags");
	if (fs.uuid_len > sizeof(fs.uuid))
		return ovl_bad(v, -EINVAL,
			       off + offsetof(struct ovl_layers_fs, uuid_len),
			       "fs uuid length is over 16");
	return 0;
}

/* [off, off + n) inside the data area of a value of len bytes */
static bool in_data(const struct layout *lay, size_t len, uint64_t off,
		    uint64_t n)
{
	return off >= lay->data && off <= len && n <= len - off;
}

#define AT(field)	(off + offsetof(struct ovl_layers_layer, field))

static int check_layer(const unsigned char *p, size_t len, size_t off,
		       const struct layout *lay, struct ovl_verdict *v)
{
	struct ovl_layers_layer e;
	const unsigned char *nul;

	get_struct(&e, sizeof(e), p + off, get_u32(p + off));
	if (e.kind < OVL_LAYERS_UPPER || e.kind > OVL_LAYERS_DATA)
		return ovl_bad(v, -EPROTONOSUPPORT, AT(kind),
			       "unknown layer kind");
	if (e.fs >= lay->hdr.nr_fs)
		return ovl_bad(v, -EINVAL, AT(fs),
			       "layer's filesystem is not in the fs table");
	if (e.flags & ~LAYER_FLAGS_KNOWN)
		return ovl_bad(v, -EPROTONOSUPPORT, AT(flags),
			       "unknown layer flags");
	if ((e.flags & OVL_LAYERS_LAYER_FID) &&
	    (e.flags & OVL_LAYERS_LAYER_NOFH))
		return ovl_bad(v, -EINVAL, AT(flags),
			       "layer is flagged both NOFH and FID");
	if (e.flags & OVL_LAYERS_LAYER_NOFH) {
		if (e.handle_type)
			return ovl_bad(v, -EINVAL, AT(handle_type),
				       "NOFH layer has a handle type");
		if (e.handle_bytes)
			return ovl_bad(v, -EINVAL, AT(handle_bytes),
				       "NOFH layer has handle bytes");
	} else {
		if (!e.handle_bytes)
			return ovl_bad(v, -EINVAL, AT(handle_bytes),
				       "layer without a file handle (and not NOFH)");
		if (e.handle_bytes > OVL_LAYERS_FID_MAX)
			return ovl_bad(v, -EINVAL, AT(handle_bytes),
				       "file handle is longer than 128 bytes");
		if (!in_data(lay, len, e.handle_off, e.handle_bytes))
			return ovl_bad(v, -EINVAL, AT(handle_off),
				       "file handle lies outside the data area");
	}
	if (e.flags & OVL_LAYERS_LAYER_NOPATH) {
		if (e.path_len)
			return ovl_bad(v, -EINVAL, AT(path_len),
				       "NOPATH layer has a path length");
		return 0;
	}
	if (!in_data(lay, len, e.path_off, (uint64_t)e.path_len + 1))
		return ovl_bad(v, -EINVAL, AT(path_off),
			       "path lies outside the data area");
	if (p[(size_t)e.path_off + e.path_len])
		return ovl_bad(v, -EINVAL, (size_t)e.path_off + e.path_len,
			       "path is not NUL-terminated at its length");
	nul = memchr(p + e.path_off, '\0', e.path_len);
	if (nul)
		return ovl_bad(v, -EINVAL, nul - p, "path holds a NUL");
	if (p[e.path_off] != '/')
		return ovl_bad(v, -EINVAL, e.path_off,
			       "path does not start with '/'");
	return 0;
}

int ovl_fmt2_check(const unsigned char *p, size_t len, unsigned int *count,
		   struct ovl_verdict *v)
{
	struct ovl_order order = OVL_ORDER_INIT;
	struct layout lay;
	unsigned int i, upper_fs = 0;
	size_t off;
	int err;

	err = check_header(p, len, &lay, v);
	for (i = 0, off = lay.hdr.fs_off; !err && i < lay.hdr.nr_fs; i++) {
		err = check_fs(p, off, v);
		off += get_u32(p + off);
	}
	for (i = 0, off = lay.hdr.layer_off; !err && i < lay.hdr.nr_layers; i++) {
		struct ovl_layers_layer e;

		v->record = (int)i;	/* what fails from here is layer i's */
		err = check_layer(p, len, off, &lay, v);
		if (err)
			break;
		get_struct(&e, sizeof(e), p + off, get_u32(p + off));
		err = ovl_check_order(&order, i, e.kind, e.index, AT(kind),
				      AT(index), v);
		if (err)
			break;
		if (e.kind == OVL_LAYERS_UPPER)
			upper_fs = e.fs;
		else if (e.kind == OVL_LAYERS_WORK && e.fs != upper_fs)
			err = ovl_bad(v, -EINVAL, AT(fs),
				      "work directory is not on the upper "
				      "layer's filesystem");
		off += e.size;
	}
	if (!err) {
		v->record = -1;
		err = ovl_check_order_end(&order, lay.hdr.nr_layers,
					  lay.layer_end, v);
	}
	if (!err)
		*count = lay.hdr.nr_layers;
	return err;
}

#undef AT

/* The uuid as the 1.x record holds it: its bytes, then zeros. */
static void fs_uuid16(const struct ovl_layers_fs *fs, unsigned char *uuid)
{
	memset(uuid, 0, 16);
	memcpy(uuid, fs->uuid, fs->uuid_len <= 16 ? fs->uuid_len : 16);
}

/*
 * BAD_UUID of each filesystem: overlayfs's flag, and also a filesystem
 * without a uuid or whose uuid another one of the table has, which the
 * resolver must not take a uuid for (a value need not say what the
 * kernel would).
 */
static void bad_uuids(const struct ovl_layers_fs *fs, unsigned int n,
		      bool *bad)
{
	unsigned char a[16], b[16];

	for (unsigned int i = 0; i < n; i++) {
		fs_uuid16(&fs[i], a);
		bad[i] = (fs[i].flags & OVL_LAYERS_FS_BAD_UUID) ||
			 !fs[i].uuid_len || ovl_uuid_is_null(a);
		for (unsigned int j = 0; j < n && !bad[i]; j++) {
			fs_uuid16(&fs[j], b);
			bad[i] = j != i && !memcmp(a, b, 16);
		}
	}
}

int ovl_fmt2_fill(struct ovl_layers *l)
{
	const unsigned char *p = l->raw;
	struct ovl_layers_hdr h;
	struct ovl_layers_fs *fs;
	unsigned char *fb;
	size_t off, fbs_len = 0;
	bool *bad;
	unsigned int i;

	get_struct(&h, sizeof(h), p, get_u32(p));
	fs = calloc(h.nr_fs ? h.nr_fs : 1, sizeof(*fs));
	bad = calloc(h.nr_fs ? h.nr_fs : 1, sizeof(*bad));
	if (!fs || !bad)
		goto nomem;
	for (i = 0, off = h.fs_off; i < h.nr_fs; i++) {
		get_struct(&fs[i], sizeof(fs[i]), p + off, get_u32(p + off));
		off += fs[i].size;
	}
	bad_uuids(fs, h.nr_fs, bad);
	for (i = 0, off = h.layer_off; i < h.nr_layers; i++) {
		struct ovl_layers_layer e;

		get_struct(&e, sizeof(e), p + off, get_u32(p + off));
		fbs_len += OVL_FB_HDR_LEN + e.handle_bytes;
		off += e.size;
	}
	l->fbs = malloc(fbs_len ? fbs_len : 1);
	if (!l->fbs)
		goto nomem;
	fb = l->fbs;
	for (i = 0, off = h.layer_off; i < h.nr_layers; i++) {
		struct ovl_layer_record *rec = &l->recs[i];
		struct ovl_layer_info *info = &l->info[i];
		struct ovl_layers_layer e;
		const struct ovl_layers_fs *f;

		get_struct(&e, sizeof(e), p + off, get_u32(p + off));
		off += e.size;
		f = &fs[e.fs];
		memset(rec, 0, sizeof(*rec));
		rec->kind = e.kind;
		rec->index = e.index;
		rec->flags = e.flags & (OVL_LAYERS_LAYER_FID |
					OVL_LAYERS_LAYER_NOFH |
					OVL_LAYERS_LAYER_NOPATH);
		if (bad[e.fs])
			rec->fs_flags |= OVL_LAYERS_FS_BAD_UUID;
		rec->dev_major = f->dev_major;
		rec->dev_minor = f->dev_minor;
		fs_uuid16(f, rec->uuid);
		rec->fh_type = e.handle_type;
		rec->fh_flags = e.kind == OVL_LAYERS_UPPER ||
				e.kind == OVL_LAYERS_WORK ?
				OVL_FB_FLAG_PATH_UPPER : 0;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		rec->fh_flags |= OVL_FB_FLAG_BIG_ENDIAN;
#endif
		rec->fid_len = e.handle_bytes;
		/* the struct ovl_fb overlayfs would write for it */
		fb[0] = OVL_FB_VERSION;
		fb[1] = OVL_FB_MAGIC;
		fb[2] = OVL_FB_HDR_LEN + e.handle_bytes;
		fb[3] = rec->fh_flags;
		fb[4] = e.handle_type;
		memcpy(fb + 5, rec->uuid, 16);
		memcpy(fb + OVL_FB_HDR_LEN, p + e.handle_off, e.handle_bytes);
		rec->fb = fb;
		rec->fb_len = OVL_FB_HDR_LEN + e.handle_bytes;
		rec->fid = fb + OVL_FB_HDR_LEN;
		fb += rec->fb_len;

		info->nopath = e.flags & OVL_LAYERS_LAYER_NOPATH;
		info->path = info->nopath ? NULL : (const char *)p + e.path_off;
		info->path_len = e.path_len;
		info->attr = e.attr;
		info->fs = e.fs;
		info->fs_magic = f->magic;
		info->uuid_len = f->uuid_len;
		/* the same, public (1.3) */
		rec->valid = OVL_RECORD_VALID_FS | OVL_RECORD_VALID_ATTR |
			     (info->path ? OVL_RECORD_VALID_PATH : 0);
		rec->fs_index = e.fs;
		rec->fs_magic = f->magic;
		rec->uuid_len = f->uuid_len;
		rec->attr = e.attr;
		rec->fs_path = info->path;
	}
	free(fs);
	free(bad);
	return 0;
nomem:
	free(fs);
	free(bad);
	return -ENOMEM;
}

/* ---- the builder --------------------------------------------------- */

void ovl_fmt2_init(struct ovl_fmt2_builder *b)
{
	memset(b, 0, sizeof(*b));
}

void ovl_fmt2_free(struct ovl_fmt2_builder *b)
{
	for (unsigned int i = 0; i < b->nr_layers; i++)
		free((char *)b->layers[i].path);	/* its own copy */
	free(b->layers);
	free(b->fs);
	memset(b, 0, sizeof(*b));
}

int ovl_fmt2_add_fs(struct ovl_fmt2_builder *b, const struct ovl_fmt2_fs *fs)
{
	struct ovl_fmt2_fs *grown;

	if (b->nr_fs >= OVL_LAYERS_MAX_RECORDS || fs->uuid_len > 16)
		return -EINVAL;
	grown = realloc(b->fs, (b->nr_fs + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	b->fs = grown;
	b->fs[b->nr_fs] = *fs;
	return b->nr_fs++;
}

int ovl_fmt2_find_fs(const struct ovl_fmt2_builder *b, unsigned int major,
		     unsigned int minor)
{
	for (unsigned int i = 0; i < b->nr_fs; i++)
		if (b->fs[i].dev_major == major && b->fs[i].dev_minor == minor)
			return i;
	return -ENOENT;
}

int ovl_fmt2_add_layer(struct ovl_fmt2_builder *b,
		       const struct ovl_fmt2_layer *layer)
{
	struct ovl_fmt2_layer *grown, *n;

	if (b->nr_layers >= OVL_LAYERS_MAX_RECORDS ||
	    layer->handle_bytes > OVL_LAYERS_FID_MAX)
		return -EINVAL;
	grown = realloc(b->layers, (b->nr_layers + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	b->layers = grown;
	n = &b->layers[b->nr_layers];
	*n = *layer;
	if (layer->path) {
		n->path = strdup(layer->path);
		if (!n->path)
			return -ENOMEM;
	}
	b->nr_layers++;
	return 0;
}

/*
 * The value: the header, the fs table, the layer table, then for each
 * layer in turn its handle bytes and its path with its NUL.  A layer
 * without a path is NOPATH; one flagged NOFH has no handle.
 */
int ovl_fmt2_finish(const struct ovl_fmt2_builder *b, unsigned char **out,
		    size_t *len)
{
	struct ovl_layers_hdr h = { .size = sizeof(h) };
	size_t n, data;
	unsigned char *v;
	unsigned int i;

	h.fs_off = sizeof(h);
	h.nr_fs = b->nr_fs;
	h.layer_off = h.fs_off + b->nr_fs * sizeof(struct ovl_layers_fs);
	h.nr_layers = b->nr_layers;
	n = data = h.layer_off + b->nr_layers * sizeof(struct ovl_layers_layer);
	for (i = 0; i < b->nr_layers; i++) {
		const struct ovl_fmt2_layer *s = &b->layers[i];

		if (!s->nofh)
			n += s->handle_bytes;
		if (s->path)
			n += strlen(s->path) + 1;
	}
	if (n > UINT32_MAX)
		return -E2BIG;
	v = calloc(1, n);
	if (!v)
		return -ENOMEM;
	h.len = n;
	memcpy(v, &h, sizeof(h));
	for (i = 0; i < b->nr_fs; i++) {
		const struct ovl_fmt2_fs *s = &b->fs[i];
		struct ovl_layers_fs fs = {
			.size = sizeof(fs),
			.flags = s->bad_uuid ? OVL_LAYERS_FS_BAD_UUID : 0,
			.dev_major = s->dev_major,
			.dev_minor = s->dev_minor,
			.magic = s->magic,
			.uuid_len = s->uuid_len,
		};

		memcpy(fs.uuid, s->uuid, s->uuid_len);
		memcpy(v + h.fs_off + i * sizeof(fs), &fs, sizeof(fs));
	}
	for (i = 0; i < b->nr_layers; i++) {
		const struct ovl_fmt2_layer *s = &b->layers[i];
		struct ovl_layers_layer e = {
			.size = sizeof(e),
			.kind = s->kind,
			.fs = s->fs,
			.index = s->index,
			.flags = (s->fid ? OVL_LAYERS_LAYER_FID : 0) |
				 (s->nofh ? OVL_LAYERS_LAYER_NOFH : 0),
			.attr = s->attr,
		};

		if (!s->nofh) {
			e.handle_type = s->handle_type;
			e.handle_bytes = s->handle_bytes;
			e.handle_off = data;
			memcpy(v + data, s->handle, s->handle_bytes);
			data += s->handle_bytes;
		}
		if (s->path) {
			e.path_off = data;
			e.path_len = strlen(s->path);
			memcpy(v + data, s->path, e.path_len + 1);
			data += e.path_len + 1;
		} else {
			e.flags |= OVL_LAYERS_LAYER_NOPATH;
		}
		memcpy(v + h.layer_off + i * sizeof(e), &e, sizeof(e));
	}
	*out = v;
	*len = n;
	return 0;
}
