// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The layers value (docs/layers-format.md): formats 1 and 0 here, format 2
 * in format2.c, all three read; and the origin xattr value: validation,
 * decoding, encoding, accessors.  A value whose second byte is 0xfc (the
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
	case OVL_LAYER_UPPER:
		if (i)
			return ovl_bad(v, -EINVAL, kind_at,
				       "upper record is not the first");
		o->state = O_UPPER;
		break;
	case OVL_LAYER_WORK:
		if (o->state != O_UPPER)
			return ovl_bad(v, -EINVAL, kind_at,
				       "work record does not follow the upper record");
		o->state = O_WORK;
		break;
	case OVL_LAYER_LOWER:
		if (o->state == O_UPPER)
			return ovl_bad(v, -EINVAL, kind_at,
				       "upper record without a work record");
		if (o->state == O_DATA)
			return ovl_bad(v, -EINVAL, kind_at,
				       "lower record after a data-only record");
		o->state = O_LOWER;
		break;
	case OVL_LAYER_DATA:
		if (o->state != O_LOWER && o->state != O_DATA)
			return ovl_bad(v, -EINVAL, kind_at,
				       "data-only record before any lower record");
		o->state = O_DATA;
		break;
	}
	if (kind == OVL_LAYER_UPPER || kind == OVL_LAYER_WORK) {
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
		rec->flags = r[1];
		rec->index = get_le16(r + 2);
		rec->dev_major = get_le32(r + 4);
		rec->dev_minor = get_le32(r + 8);
	} else {
		rec->kind = OVL_LAYER_ORIGIN;
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

	if (r[0] < OVL_LAYER_UPPER || r[0] > OVL_LAYER_DATA)
		return ovl_bad(v, -EPROTONOSUPPORT, at, "unknown record kind");
	if (r[1] & ~known_flags)
		return ovl_bad(v, -EPROTONOSUPPORT, at + 1, "unknown record flags");
	if ((r[1] & OVL_LAYER_NOFH) && (r[1] & OVL_LAYER_FID))
		return ovl_bad(v, -EINVAL, at + 1, "record is flagged both NOFH and FID");
	if ((r[1] & OVL_LAYER_NODEV) && (get_le32(r + 4) || get_le32(r + 8)))
		return ovl_bad(v, -EINVAL, at + 4,
			   "NODEV record carries a device number");
	err = check_fb(fb, avail - OVL_REC_LEN, at + OVL_REC_LEN, v);
	if (err)
		return err;
	if ((r[1] & OVL_LAYER_NOFH) &&
	    (fb[2] != OVL_FB_HDR_LEN || fb[4]))
		return ovl_bad(v, -EINVAL, at + OVL_REC_LEN + 2,
			   "NOFH record carries a file handle");
	if ((r[1] & OVL_LAYER_FID) && fb[2] == OVL_FB_HDR_LEN)
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
int ovl_layers_validate(const void *buf, size_t len, size_t *offset,
			const char **reason)
{
	struct ovl_verdict v = { 0, NULL };
	unsigned int count;
	int err;

	if (!buf && len)
		return -EINVAL;
	err = check_layers(buf, len, &count, &v);
	if (err) {
		if (offset)
			*offset = v.offset;
		if (reason)
			*reason = v.reason;
	}
	return err;
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
	struct ovl_verdict v;
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
		  struct ovl_layers **out)
{
	struct ovl_verdict v;
	unsigned int count;
	unsigned char *raw;
	int err;

	if (!out || (!buf && len))
		return -EINVAL;
	err = origin ? check_origin(buf, len, &v) :
		       check_layers(buf, len, &count, &v);
	if (err)
		return err;
	raw = malloc(len);
	if (!raw)
		return -ENOMEM;
	memcpy(raw, buf, len);
	return ovl_layers_new_from_raw(raw, len, origin ?
				       OVL_LAYERS_SOURCE_ORIGIN :
				       OVL_LAYERS_SOURCE_BUFFER, origin, out);
}

OVL_EXPORT
int ovl_layers_decode(const void *buf, size_t len, struct ovl_layers **out)
{
	return decode(buf, len, false, out);
}

OVL_EXPORT
int ovl_layers_decode_origin(const void *buf, size_t len,
			     struct ovl_layers **out)
{
	return decode(buf, len, true, out);
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

void ovl_loc_clear(struct ovl_loc *loc)
{
	if (loc->fd >= 0)
		close(loc->fd);
	free(loc->mount_point);
	free(loc->root);
	free(loc->path);
	memset(loc, 0, sizeof(*loc));
	loc->fd = -1;
	loc->mnt_id = -1;
}

void ovl_layers_clear_locations(struct ovl_layers *l)
{
	for (unsigned int i = 0; i < l->count; i++)
		ovl_loc_clear(&l->locs[i]);
	ovl_view_unref(l->view);
	l->view = NULL;
}

OVL_EXPORT
void ovl_layers_free(struct ovl_layers *layers)
{
	if (!layers)
		return;
	ovl_layers_clear_locations(layers);
	free(layers->locs);
	free(layers->recs);
	free(layers->info);
	free(layers->fbs);
	free(layers->raw);
	free(layers->mount_options);
	for (unsigned int i = 0; layers->paths && i < layers->count; i++)
		free(layers->paths[i]);
	free(layers->paths);
	free(layers);
}

OVL_EXPORT
int ovl_layers_source(const struct ovl_layers *layers)
{
	return layers ? layers->source : -EINVAL;
}

OVL_EXPORT
unsigned int ovl_layers_count(const struct ovl_layers *layers)
{
	return layers ? layers->count : 0;
}

/*
 * Copy a record that may grow, as the kernel copies an extensible struct
 * (copy_struct_to_user()): the caller's size of it, the fields this
 * library does not know zeroed.  Returns the size this library fills.
 */
#define OVL_STRUCT_SIZE_MAX	4096

static int copy_out(void *dst, size_t usize, const void *src, size_t ksize,
		    size_t min)
{
	if (usize < min || usize > OVL_STRUCT_SIZE_MAX)
		return -EINVAL;
	memcpy(dst, src, usize < ksize ? usize : ksize);
	if (usize > ksize)
		memset((unsigned char *)dst + ksize, 0, usize - ksize);
	return (int)ksize;
}

OVL_EXPORT
int ovl_layers_get_record(const struct ovl_layers *layers, unsigned int i,
			  struct ovl_layer_record *rec, size_t size)
{
	if (!layers || !rec || i >= layers->count)
		return -EINVAL;
	return copy_out(rec, size, &layers->recs[i], sizeof(*rec),
			OVL_LAYER_RECORD_SIZE_VER0);
}

OVL_EXPORT
int ovl_layers_get_location(const struct ovl_layers *layers, unsigned int i,
			    struct ovl_layer_location *loc, size_t size)
{
	struct ovl_layer_location out;
	const struct ovl_loc *l;

	if (!layers || !loc || i >= layers->count)
		return -EINVAL;
	l = &layers->locs[i];
	memset(&out, 0, sizeof(out));
	out.status = l->status;
	out.mnt_id = l->mnt_id;
	out.mnt_id_unique = l->mnt_id_unique;
	out.mount_point = l->mount_point;
	out.root = l->root;
	out.path = l->path;
	out.fd = l->fd;
	out.reason = l->reason;
	return copy_out(loc, size, &out, sizeof(out),
			OVL_LAYER_LOCATION_SIZE_VER0);
}

/* The 0.1 calls: the 0.1 layout, not a byte past it. */
OVL_EXPORT
int ovl_layers_record(const struct ovl_layers *layers, unsigned int i,
		      struct ovl_layer_record *rec)
{
	int n = ovl_layers_get_record(layers, i, rec,
				      OVL_LAYER_RECORD_SIZE_VER0);

	return n < 0 ? n : 0;
}

OVL_EXPORT
int ovl_layers_location(const struct ovl_layers *layers, unsigned int i,
			struct ovl_layer_location *loc)
{
	int n = ovl_layers_get_location(layers, i, loc,
					OVL_LAYER_LOCATION_SIZE_VER0);

	return n < 0 ? n : 0;
}

OVL_EXPORT
const char *ovl_layers_options(const struct ovl_layers *layers)
{
	return layers ? layers->mount_options : NULL;
}

OVL_EXPORT
const char *ovl_layer_kind_name(int kind)
{
	static const char *const names[] = {
		[OVL_LAYER_ORIGIN] = "origin",
		[OVL_LAYER_UPPER] = "upper",
		[OVL_LAYER_WORK] = "work",
		[OVL_LAYER_LOWER] = "lower",
		[OVL_LAYER_DATA] = "data",
	};

	if (kind < 0 || kind >= (int)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[kind];
}

OVL_EXPORT
const char *ovl_layer_status_name(int status)
{
	static const char *const names[] = {
		[OVL_LAYER_UNRESOLVED] = "unresolved",
		[OVL_LAYER_OK] = "ok",
		[OVL_LAYER_SHADOWED] = "shadowed",
		[OVL_LAYER_UNREACHABLE] = "unreachable",
		[OVL_LAYER_NO_MOUNT] = "no-mount",
		[OVL_LAYER_STALE] = "stale",
		[OVL_LAYER_NO_HANDLE] = "no-handle",
		[OVL_LAYER_NO_PERMISSION] = "no-permission",
		[OVL_LAYER_AMBIGUOUS] = "ambiguous",
		[OVL_LAYER_NOT_PROBED] = "not-probed",
	};

	if (status < 0 || status >= (int)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[status];
}

const char *ovl_status_reason(const struct ovl_layer_record *rec, int status)
{
	switch (status) {
	case OVL_LAYER_SHADOWED:
		return "its path is covered by another mount; its fd and mount "
		       "ID still lead to it";
	case OVL_LAYER_UNREACHABLE:
		return "its filesystem is mounted, but no mount of it shows "
		       "the directory its handle names";
	case OVL_LAYER_NO_MOUNT:
		return ovl_uuid_is_null(rec->uuid) ?
		       "no mounted filesystem holds the directory its handle "
		       "names" :
		       "no filesystem with the record's uuid is mounted in "
		       "this view";
	case OVL_LAYER_STALE:
		return "its handle no longer opens a directory (deleted, or "
		       "the filesystem re-created)";
	case OVL_LAYER_NO_HANDLE:
		return rec->flags & OVL_LAYER_NOFH ?
		       "its filesystem cannot encode file handles: nothing "
		       "but a path could find it" :
		       "its fid cannot be opened, and no path the overlay was "
		       "mounted with leads to the directory it names";
	case OVL_LAYER_NO_PERMISSION:
		return "opening a file handle needs CAP_DAC_READ_SEARCH";
	case OVL_LAYER_AMBIGUOUS:
		return "its uuid is null and several filesystems hold a "
		       "directory with its handle";
	case OVL_LAYER_NOT_PROBED:
		return "on none of the filesystems looked at; those that can "
		       "block (FUSE, network, autofs) were not asked";
	}
	return NULL;	/* ok, unresolved: the status says it all */
}

OVL_EXPORT
const char *ovl_layers_source_name(int source)
{
	switch (source) {
	case OVL_LAYERS_SOURCE_XATTR:
		return "xattr";
	case OVL_LAYERS_SOURCE_MOUNTINFO:
		return "mountinfo";
	case OVL_LAYERS_SOURCE_BUFFER:
		return "buffer";
	case OVL_LAYERS_SOURCE_ORIGIN:
		return "origin";
	}
	return NULL;
}

OVL_EXPORT
const char *ovl_layers_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return "Success";
	case EINVAL:
		return "Invalid argument or malformed descriptor";
	case EPROTONOSUPPORT:
		return "Unsupported descriptor version, kind or flags";
	case EMEDIUMTYPE:
		return "Not an overlay";
	case ENODATA:
		return "The kernel does not export the overlay layers xattr";
	case EPERM:
		return "No privilege to read the layers xattr (needs CAP_SYS_ADMIN)";
	case ENOENT:
		return "No such file or directory, or a layer is not resolved";
	case EACCES:
		return "Permission denied";
	case ENOTDIR:
		return "Not a directory";
	case ELOOP:
		return "A symbolic link where none may be followed, or too many";
	case EXDEV:
		return "A path leads out of the root it is looked up in";
	case ENAMETOOLONG:
		return "File name too long";
	case ESRCH:
		return "No such process";
	case ENOMEM:
		return "Out of memory";
	case ERANGE:
		return "Buffer too small";
	case ESTALE:
		return "A layer directory is not the one the descriptor names";
	case EIO:
		return "Unexpected answer from the kernel or /proc";
	case EBADMSG:
		return "A layers value stored by a user, not produced by this kernel";
	case EOPNOTSUPP:
		return "Not supported by this kernel, or not on this task (a thread)";
	case ENOSYS:
		return "A system call this needs is not in this kernel";
	case EMFILE:
		return "Too many open files";
	case EBADF:
		return "Bad file descriptor";
	case EBUSY:
		return "Device or resource busy";
	case EFBIG:
		return "The mount table is larger than the library reads "
		       "(64 MiB of mountinfo, 1,000,000 mounts)";
	}
	return "Unknown error";
}
