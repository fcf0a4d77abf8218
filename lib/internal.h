/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libovllayers: what the sources share and the public header does not. */
#ifndef OVL_INTERNAL_H
#define OVL_INTERNAL_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <syslog.h>

#include "ovllayers.h"
#include "json.h"
#include "missing.h"

/* Built with -fvisibility=hidden: only these are exported (and listed in
 * libovllayers.map). */
#define OVL_EXPORT __attribute__((visibility("default")))

#define OVL_HDR_LEN		4	/* version, magic, le16 count */
#define OVL_REC_LEN		12	/* kind, flags, le16 index, le32 dev x2 */
#define OVL_REC_LEN_FIELD	2	/* version 1: le16 len before them */
/* The record flags each format version knows. */
/* The record flags of formats 1 and 0, on the wire; a decoded record
 * carries the kernel's names for them (OVL_LAYERS_LAYER_*, fs_flags'
 * OVL_LAYERS_FS_BAD_UUID; NODEV is its dev 0:0). */
#define OVL_WIRE_NOFH		0x01
#define OVL_WIRE_FID		0x02
#define OVL_WIRE_BAD_UUID	0x04
#define OVL_WIRE_NODEV		0x08
#define OVL_LAYER_FLAGS_V0	OVL_WIRE_NOFH
#define OVL_LAYER_FLAGS_V1	(OVL_WIRE_NOFH | OVL_WIRE_FID | \
				 OVL_WIRE_BAD_UUID | OVL_WIRE_NODEV)
#define OVL_FB_HDR_LEN		21	/* version, magic, len, flags, type, uuid */
#define OVL_FB_VERSION		0
#define OVL_FB_MAGIC		0xfb
#define OVL_FB_FLAG_BIG_ENDIAN	0x01	/* set by a big-endian CPU */
#define OVL_FB_FLAG_PATH_UPPER	0x04
#define OVL_FB_FLAGS_KNOWN	0x07	/* BIG_ENDIAN, ANY_ENDIAN, PATH_UPPER */
#define OVERLAYFS_MAGIC		0x794c7630

/* struct ovl_error (error.c): what a failed call says, the caller's. */
struct ovl_error {
	int code;			/* the negative errno returned */
	int layer;			/* the record it is about, or -1 */
	int64_t offset;			/* the first bad byte, or -1 */
	const char *why;		/* a static phrase, or msg, or NULL */
	char msg[512];			/* a message that is not static */
};

/* Reset err at a call's start (err may be NULL). */
void ovl_seterr_reset(struct ovl_error *err);
/* Set err's code and static phrase (NULL: none) and return code: the
 * last statement of a public call, "return ovl_seterr(err, ret, why)"; a
 * code >= 0 leaves err reset. */
int ovl_seterr(struct ovl_error *err, int code, const char *why);
/* The same with a record's index / a byte offset. */
int ovl_seterr_at(struct ovl_error *err, int code, const char *why, int layer,
	       int64_t offset);
/* The same with a message formatted into err (the kernel's). */
int ovl_seterr_fmt(struct ovl_error *err, int code, int layer,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A file handle with room for the largest one (MAX_HANDLE_SZ). */
struct ovl_handle {
	struct file_handle fh;
	unsigned char bytes[OVL_LAYERS_FID_MAX];
};

/* Where one layer is now: what ovl_layers_get_location() hands out. */
struct ovl_loc {
	int status;
	int mnt_id;
	uint64_t mnt_id_unique;
	char *mount_point;
	char *root;
	char *path;
	char *strings;		/* NULL, or the one block the three above
				   lie in (fast_hint()): freed instead */
	bool by_handle;		/* its identity is the record's handle on
				   mount mnt_id_unique (dev, ino unknown) */
	int fd;
	const char *reason;	/* static, or NULL */
	dev_t dev;		/* the identity of the directory found, */
	ino_t ino;		/* checked again before it is mounted */
};

/*
 * log.c: where messages go.  Zeroed (a calloc'd object): not set yet, and
 * the environment (OVL_LAYERS_DEBUG) decides at the first message.
 */
struct ovl_log {
	bool set;		/* priority, fn and data are decided */
	int priority;		/* -1: nothing */
	ovl_log_fn fn;		/* NULL: stderr */
	void *data;
};

/*
 * What a format 2 value says of a layer beyond struct ovl_layer_record
 * (not public yet: getters are to come).  Zero, path NULL, for a record
 * of format 1 or 0 or an origin.
 */
struct ovl_layer_info {
	const char *path;	/* from its filesystem's root, NUL-terminated,
				   in the value; NULL: none */
	size_t path_len;
	bool nopath;		/* the kernel could give no path */
	uint64_t attr;		/* MOUNT_ATTR_* of the layer's mount */
	unsigned int fs;	/* its filesystem's index in the fs table */
	uint64_t fs_magic;	/* its filesystem's s_magic, 0 unknown */
	unsigned int uuid_len;	/* bytes of its uuid in use */
};

struct ovl_layers {
	int source;			/* enum ovl_source */
	unsigned int format;		/* of raw: 0, 1 or 2; origin: 0 */
	unsigned int count;
	unsigned char *raw;		/* the value, as read or decoded */
	size_t raw_len;
	struct ovl_layer_record *recs;	/* pointers into raw (format 2:
					   fb and fid into fbs) */
	struct ovl_layer_info *info;	/* count entries */
	unsigned char *fbs;		/* format 2: the ovl_fb of each record,
					   built by the library */
	struct ovl_loc *locs;		/* count entries */
	char *mount_options;		/* the overlay's other options, or NULL */
	struct ovl_view *view;		/* the view of the last resolution */
	void (*view_unref)(struct ovl_view *);	/* how it is let go: set
					   with it (resolve.c), so that the
					   format code links without views */
	char **paths;			/* count entries or NULL: the layer
					   path strings of the overlay's
					   mount options, record by record
					   (NULL where unknown), to verify a
					   FID record by */
	const char **doubts;		/* count entries or NULL: a fallback
					   read's static reason for a record
					   whose path string led through a
					   mount newer than the overlay (its
					   location is then "suspect", not
					   "ok": fallback.c) */
	struct ovl_log log;		/* its mounts'; unset: its view's */
	int table_way;			/* how the last resolution read the
					   mount table (0: none yet) */
};

/* decode.c, format2.c: what is wrong with a value, and where */
struct ovl_verdict {
	size_t offset;
	const char *reason;
	int record;		/* the record (layer entry) at fault, or -1 */
};
#define OVL_VERDICT_INIT	{ 0, NULL, -1 }

static inline int ovl_bad(struct ovl_verdict *v, int err, size_t offset,
			  const char *reason)
{
	v->offset = offset;
	v->reason = reason;
	return err;
}

/*
 * Record order and indexes, the same in every format: upper and work
 * first, both index 0, then lower layers, then data-only layers,
 * numbered 1..n without gaps; at least one lower layer when there are
 * records.  ovl_check_order() for record i (kind_at and index_at: where
 * its fields are, for the verdict), ovl_check_order_end() after the n
 * records (end: where they end).
 */
struct ovl_order {
	int state;
	unsigned int next_index;
};
#define OVL_ORDER_INIT	{ 0, 1 }
int ovl_check_order(struct ovl_order *o, unsigned int i, unsigned int kind,
		    unsigned int index, size_t kind_at, size_t index_at,
		    struct ovl_verdict *v);
int ovl_check_order_end(const struct ovl_order *o, unsigned int n,
			size_t end, struct ovl_verdict *v);

/* The info of record i (see struct ovl_layer_info) */
static inline const struct ovl_layer_info *
ovl_layers_info(const struct ovl_layers *l, unsigned int i)
{
	return &l->info[i];
}

/*
 * format2.c.  ovl_fmt2_check(): a format 2 value (any bytes: decode.c
 * sends every value whose second byte is not 0xfc); ovl_fmt2_fill(): the
 * records and infos of l, whose raw passed it.
 */
int ovl_fmt2_check(const unsigned char *p, size_t len, unsigned int *count,
		   struct ovl_verdict *v);
int ovl_fmt2_fill(struct ovl_layers *l);

/*
 * A format 2 value built by the library (the mountinfo fallback; tests):
 * filesystems and layers added in order, then ovl_fmt2_finish() lays out
 * the header, the fs table, the layer table and the data (each layer's
 * handle bytes, then its path and NUL).  What is added is not checked
 * beyond what fits: a test may build a value the decoder rejects.
 */
struct ovl_fmt2_fs {
	bool bad_uuid;			/* OVL_LAYERS_FS_BAD_UUID */
	unsigned int dev_major, dev_minor;	/* sb->s_dev */
	uint64_t magic;			/* statfs f_type, 0 unknown */
	unsigned int uuid_len;		/* 0..16 */
	unsigned char uuid[16];
};

struct ovl_fmt2_layer {
	unsigned int kind;		/* enum ovl_layer_kind */
	unsigned int fs;		/* index of its ovl_fmt2_fs */
	unsigned int index;
	bool fid, nofh;			/* NOFH: no handle is written */
	uint64_t attr;			/* MOUNT_ATTR_*, 0 unknown */
	int handle_type;
	unsigned int handle_bytes;
	unsigned char handle[OVL_LAYERS_FID_MAX];
	const char *path;		/* from the fs root; NULL: NOPATH */
};

struct ovl_fmt2_builder {
	struct ovl_fmt2_fs *fs;
	unsigned int nr_fs;
	struct ovl_fmt2_layer *layers;	/* their paths are copies */
	unsigned int nr_layers;
};

void ovl_fmt2_init(struct ovl_fmt2_builder *b);
void ovl_fmt2_free(struct ovl_fmt2_builder *b);
/* its index in the fs table, or -errno */
int ovl_fmt2_add_fs(struct ovl_fmt2_builder *b, const struct ovl_fmt2_fs *fs);
/* the index of the filesystem of that device, or -ENOENT */
int ovl_fmt2_find_fs(const struct ovl_fmt2_builder *b, unsigned int major,
		     unsigned int minor);
int ovl_fmt2_add_layer(struct ovl_fmt2_builder *b,
		       const struct ovl_fmt2_layer *layer);
/* the value, malloc'd */
int ovl_fmt2_finish(const struct ovl_fmt2_builder *b, unsigned char **out,
		    size_t *len);

/* decode.c */
int ovl_layers_new_from_raw(unsigned char *raw, size_t len, int source,
			    bool origin, struct ovl_layers **out);
/* layers.c */
void ovl_layers_clear_locations(struct ovl_layers *l);
void ovl_loc_clear(struct ovl_loc *loc);
/* Why a layer of record rec has status: a static phrase, NULL for ok and
 * unresolved (the resolver may give a more precise one). */
const char *ovl_status_reason(const struct ovl_layer_record *rec, int status);

/* mount.c: 1 when the handle of the directory fd is the record's (asked
 * with AT_HANDLE_FID for a FID record), 0 when not, or -errno.
 * ovl_same_handle_mnt() also gives the unique ID of fd's mount, in the
 * same call (-EINVAL before Linux 6.12). */
int ovl_same_handle(int fd, const struct ovl_layer_record *rec);
int ovl_same_handle_mnt(int fd, const struct ovl_layer_record *rec,
			uint64_t *unique);

/* A growing byte buffer. */
struct ovl_buf {
	unsigned char *data;
	size_t len, cap;
};
int ovl_buf_put(struct ovl_buf *b, const void *p, size_t n);

/*
 * view.c: a process's view, opened once (the public struct ovl_view).
 * Its mount table: mount_table.c, below.
 */
struct ovl_view {
	int refs;
	pid_t pid;		/* 0: the caller's own view */
	int pidfd;		/* -1 for the caller */
	int procfd;		/* its /proc/<pid> directory */
	int rootfd;		/* its root directory, O_PATH */
	struct ovl_log log;
	int table_way;		/* OVL_MOUNT_TABLE_*: mount_table.c */
	struct ovl_snapshot *snap;	/* ovl_view_snapshot(); NULL: none */
};

/*
 * The caps on what a view's mount table may take (-EFBIG past them): a
 * container makes its mount table as large as it likes, the kernel's
 * default limit is 100,000 mounts a namespace (fs.mount-max), and a few
 * hundred bytes a line.  Documented in ovl_view_open_mountinfo(3) and
 * ovl-layers(1).
 */
#define OVL_MOUNTINFO_MAX	(64u << 20)	/* bytes of mountinfo read, or of
					   strings a statmount table keeps */
#define OVL_LISTMOUNT_MAX	1000000u	/* mounts listmount lists */

/*
 * ovl_view_snapshot(): the view's mount table read once, whole, and the
 * resolver built on it kept with what it learned (uuids probed, mount
 * roots open).  Every call that reads the view's mounts holds its lock
 * for the call (ovl_view_lock(): nothing without a snapshot).
 */
struct resolver;
struct ovl_mount_table;
struct ovl_snapshot {
	pthread_mutex_t lock;
	struct ovl_mount_table *t;
	struct resolver *r;	/* resolve.c: built at the first resolution */
	void (*r_free)(struct resolver *);	/* set with r: the view
						   calls nothing of the
						   resolver's itself */
};
void ovl_view_lock(const struct ovl_view *v);
void ovl_view_unlock(const struct ovl_view *v);

/* openat2() under the view's root: RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS
 * always, plus resolve; returns an fd or -errno. */
int ovl_view_openat(const struct ovl_view *v, const char *path, int oflags,
		    uint64_t resolve);
/* openat2() with how; an fd or -errno (EAGAIN retried). */
int ovl_openat2(int dirfd, const char *path, int oflags, uint64_t resolve);
/* -ESRCH once the view's process is gone (a pid that may be reused). */
int ovl_view_alive(const struct ovl_view *v);

/*
 * ident.c: the identity of an open file, from statx(2) without asking the
 * filesystem to revalidate anything (AT_STATX_DONT_SYNC: a FUSE or NFS
 * server is not asked), so that checking identity cannot block.
 */
struct ovl_ident {
	dev_t dev;
	ino_t ino;
	mode_t mode;
	unsigned int nlink;
	int mnt_id;
	bool mount_root;	/* the root of its mount */
};
int ovl_ident(int fd, struct ovl_ident *id);
uint64_t ovl_unique_mount_id(int fd);
/* sb->s_magic of fd's filesystem (statmount; else statfs f_type); 0 */
uint64_t ovl_fd_fs_magic(int fd);
/* MOUNT_ATTR_* of fd's mount (statmount): 0 or -errno */
int ovl_fd_mount_attr(int fd, uint64_t *attr);
/* The kernel's name for what fd is, in the caller's view; NULL if none. */
char *ovl_fd_path(int fd);
/* "/proc/self/fd/N": how the kernel is given an fd where it takes a path */
#define OVL_FD_PATH_MAX 32
void ovl_fd_link(int fd, char buf[OVL_FD_PATH_MAX]);
/* Out of descriptors or memory, or a kernel without openat2(2) (or a
 * tool that does not know it, valgrind 3.19): an error of the call, never
 * a layer's status. */
static inline bool ovl_fatal_errno(int e)
{
	return e == EMFILE || e == ENFILE || e == ENOMEM || e == ENOBUFS ||
	       e == ENOSYS;
}

/* options.c: mount option strings, split as libmount does (quote aware) */
struct ovl_opt_iter {
	char *copy, *next;
	char *name, *value;
	bool quoted;		/* the last value held a double quote */
};
/* The next option of a comma separated string: name and bare value (quotes
 * around it removed; NULL when there is none), unescaped when raw (as
 * mountinfo spells them).  Returns 1, 0 at the end, -EINVAL when the string
 * does not split (an unbalanced quote), -ENOMEM; name and value are valid
 * until the next call.  ovl_opt_end() frees. */
int ovl_opt_begin(struct ovl_opt_iter *it, const char *options);
int ovl_opt_next(struct ovl_opt_iter *it, bool raw, char **name,
		 char **value);
void ovl_opt_end(struct ovl_opt_iter *it);
/* mountinfo's octal escapes (the kernel's mangle()) undone in place */
void ovl_unmangle(char *s);
/* Options that name layers: the descriptor decides those. */
struct ovl_layer_option {
	const char *name;
	unsigned int kind;	/* enum ovl_layer_kind */
	bool list;		/* "lowerdir": a colon-separated list */
};
const struct ovl_layer_option *ovl_layer_option(const char *name);
bool ovl_is_layer_option(const char *name);
/* The option that gives the kernel one layer of kind (fsconfig() key),
 * NULL for a kind that is not a layer. */
const char *ovl_layer_option_key(unsigned int kind);
/* Append name[=value] to an option string, quoting the value if it holds
 * a comma; -EINVAL for a value that cannot be written (a quote in it). */
int ovl_opt_append(struct ovl_buf *b, const char *name, const char *value);

/* fallback.c: the fallback; t is v's mount table (for BAD_UUID, which
 * compares the layers' superblocks as the kernel does, and for which
 * layer mounts are newer than the overlay's mount) */
struct ovl_mnt;
int ovl_layers_from_mountinfo(const struct ovl_view *v,
			      struct ovl_mount_table *t,
			      const struct ovl_mnt *overlay, const char *raw,
			      struct ovl_layers **out, const char **why);
/* Give l->paths the layer path strings of the overlay's raw options when
 * they name exactly the layers of l's records (kind by kind), as a value
 * read from the kernel's xattr does; otherwise l keeps none.  -ENOMEM
 * only. */
int ovl_layers_attach_paths(struct ovl_layers *l, const char *raw);
/* The overlay's other options (unescaped, comma separated, quoted where
 * needed), or -EINVAL/-ENOMEM with *why. */
int ovl_overlay_other_options(const char *raw, char **out, const char **why);
int ovl_options_have(const char *raw, const char *name, bool *found);

static inline bool ovl_uuid_is_null(const unsigned char *u)
{
	static const unsigned char zero[16];

	return !memcmp(u, zero, 16);
}

/* The uuid of the filesystem of fd (an O_RDONLY fd: FS_IOC_GETFSUUID needs
 * one); fstype (NULL: asked with fstatfs) tells btrfs, which answers with
 * its own ioctl.  Its length (1..16) when known, 0 unknown (the kernel or
 * the filesystem cannot say: uuid is then zeroed, the format's "no
 * uuid"), or -errno; the bytes past its length are zero. */
int ovl_fs_uuid(int fd, const char *fstype, unsigned char uuid[16]);

/* trust.c: what the running overlayfs does with the layers name (enum
 * ovl_layers_kernel), or -errno where it could not be asked; probed once a
 * boot and module, on an overlay of its own (detached, or in a child's
 * namespace). */
int ovl_kernel_trust(bool userxattr, const struct ovl_log *lg);
/* The layers value of the overlay whose root is open as root (O_PATH),
 * read only where the running overlayfs is shown to produce it.  root may
 * be -ENOENT (covered): returned where the value would be the kernel's,
 * -ENODATA where no value there would be believed anyway.
 * -ENODATA: the kernel gives none (a fallback may be taken); -EBADMSG: a
 * value is there that a user stored; -EPERM: no privilege to read it;
 * *why says which. */
int ovl_kernel_value(int root, bool userxattr, const struct ovl_log *lg,
		     unsigned char **val, size_t *len, const char **why);
#ifdef OVL_TEST_SEAM
/* Test builds only (tests/host, which link libovllayers-seam.a): a
 * stand-in for a kernel with the series on a host without it.  Returns
 * 1 to let the real read go on, else what ovl_kernel_value() returns. */
extern int (*ovl_test_kernel_value)(int root, bool userxattr,
				    unsigned char **val, size_t *len);
/* The kernel probe's ways not to take (lib/trust.c): OVL_TEST_NO_DETACHED,
 * OVL_TEST_NO_VFORK; while any bit is set, no answer is cached or taken
 * from the cache (OVL_TEST_NO_CACHE alone: every way may answer). */
#define OVL_TEST_NO_DETACHED	(1u << 0)
#define OVL_TEST_NO_VFORK	(1u << 1)
#define OVL_TEST_NO_CACHE	(1u << 2)
extern unsigned int ovl_test_probe_skip;
extern int ovl_test_probe_way;	/* the way that answered last: 1, 2, 3 */
#endif

/* log.c.  ovl_log_on() is cheap: test it before building a message.
 * ovl_log_from_env(): the log OVL_LAYERS_DEBUG asks for (a new view's). */
void ovl_log_from_env(struct ovl_log *lg);
bool ovl_log_on(const struct ovl_log *lg, int priority);
void ovl_log(const struct ovl_log *lg, int priority, const char *func,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The log a descriptor's operations use: its own, else its view's, else
 * the environment's. */
const struct ovl_log *ovl_layers_log(const struct ovl_layers *l);
#define ovl_dbg(lg, ...) do {						\
		if (ovl_log_on(lg, LOG_DEBUG))				\
			ovl_log(lg, LOG_DEBUG, __func__, __VA_ARGS__);	\
	} while (0)
#define ovl_err(lg, ...) do {						\
		if (ovl_log_on(lg, LOG_ERR))				\
			ovl_log(lg, LOG_ERR, __func__, __VA_ARGS__);	\
	} while (0)

/* load.c, record.c, value.c: loading saved descriptors; load.c calls the
 * other two, record.c calls value.c, value.c neither */
struct ovl_load_error {
	size_t offset;
	const char *reason;
};
/* value.c: a value as bytes, or as text (its name stripped); kind
 * BY_MAGIC lets the bytes tell.  On failure *text says whether the text of
 * v was wrong (why->offset is into v) or the value it decodes to
 * (why->offset is into that). */
enum ovl_value_kind { OVL_VALUE_LAYERS, OVL_VALUE_ORIGIN, OVL_VALUE_BY_MAGIC };
int ovl_decode_bytes(const unsigned char *bytes, size_t len, bool origin,
		     struct ovl_layers **out, struct ovl_load_error *why);
int ovl_load_value(const char *v, size_t n, enum ovl_value_kind kind,
		   struct ovl_layers **out, struct ovl_load_error *why,
		   bool *text);
int ovl_record_load(const char *text, size_t len, struct ovl_layers **out,
		    struct ovl_load_error *why);

/* resolve/view performance */
/*
 * mount_table.c: a view's mount table, the one the library, its tools and
 * the public ovl_view_read_mounts() read: with listmount(2)/statmount(2)
 * (mount_statmount.c) where the kernel gives exactly what the view's
 * mountinfo would, else from mountinfo (mount_mountinfo.c).  The strings
 * are unescaped; fstype as mountinfo spells it ("fuse.sshfs"); source
 * may be "" (none).
 */
enum {
	OVL_MOUNT_TABLE_AUTO,
	OVL_MOUNT_TABLE_MOUNTINFO,
	OVL_MOUNT_TABLE_STATMOUNT,
};
/* A view reads its table the way it was told (AUTO: as it can; a forced
 * STATMOUNT still falls back to mountinfo where it cannot be used): for
 * the benchmarks and the tests that compare both ways, which link the
 * static library; set before the view is shared.  A descriptor keeps the
 * way its last resolution's table was read (ovl_layers.table_way). */
void ovl_view_set_table_way(struct ovl_view *v, int way);

struct ovl_mnt {
	int id, parent;			/* mountinfo's 32-bit IDs */
	uint64_t unique_id;		/* statmount's; 0 from mountinfo */
	dev_t dev;
	uint64_t magic;			/* statmount: the superblock's; 0 from
					   mountinfo */
	bool strings;			/* the four below are there: always
					   from mountinfo, on demand from
					   statmount (ovl_mnt_strings()) */
	const char *root, *target, *fstype, *source;
	const char *super;		/* mountinfo: the super options as it
					   spells them (escaped); NULL from
					   statmount, which is asked */
	char *block;			/* statmount: where the strings are */
};

struct ovl_statmount;
struct ovl_mount_table {
	struct ovl_mnt *mnts;		/* in mountinfo's order */
	size_t n;
	int way;			/* OVL_MOUNT_TABLE_MOUNTINFO or _STATMOUNT */
	bool whole;			/* every mount's strings read and kept:
					   shared (a snapshot's), never
					   forgotten */
	unsigned int refs;
	uint64_t ns_id;			/* statmount: the namespace, 0 ours */
	struct ovl_statmount *sm_buf;	/* statmount: its buffer, kept */
	size_t sm_size;
	uint64_t sm_buf_all;		/* the unique ID whose whole answer
					   (strings, super options, layers
					   field) sm_buf holds, or 0 */
	void *arena;			/* statmount, whole: the chunks its
					   strings are in, each linked to the
					   one before by its first bytes */
	char *arena_next;		/* and the room left in the last */
	size_t arena_left;
	char *text;			/* mountinfo: the text, split in place */
};
/*
 * The view's table: its snapshot's when it has one (held: the same
 * table, one more reference), else read now.  want: how many mounts'
 * strings the caller expects to need (its records): when that is most of
 * the table, statmount reads them with the rest, one call a mount instead
 * of two.  ovl_mount_table_free() drops the reference.
 */
/* Why the view's mount table could not be read: a static phrase. */
const char *ovl_mounts_why(int err);
int ovl_mount_table_read(const struct ovl_view *v, size_t want,
			 unsigned int flags, struct ovl_mount_table **out);
/* ovl_mount_table_read() flags */
#define OVL_TABLE_WHOLE	(1u << 0)	/* every string read now, kept */
#define OVL_TABLE_FRESH	(1u << 1)	/* not the snapshot's: read now */
struct ovl_mount_table *ovl_mount_table_hold(struct ovl_mount_table *t);
struct ovl_mnt *ovl_mount_table_find_id(const struct ovl_mount_table *t,
					int id);
/* m's strings, read now if they are not yet: 0 or -ENOMEM; a mount gone
 * since the listing keeps empty strings and no type */
int ovl_mnt_strings(struct ovl_mount_table *t, struct ovl_mnt *m);
/* A statmount table's m without its strings again (read again when next
 * asked for): what a scan over many mounts' strings keeps memory with.
 * Nothing for a whole table. */
void ovl_mnt_forget(const struct ovl_mount_table *t, struct ovl_mnt *m);
/* raw: the super options of m as mountinfo spells them (escaped) */
int ovl_mnt_super_options(const struct ovl_mount_table *t,
			  const struct ovl_mnt *m, char **raw);
/* mount_age.c: the unique mount ID from which t's mounts were made in its
 * namespace one by one, so that of two such the larger ID is the younger
 * (before it, copies of a clone, whose IDs are in tree order); UINT64_MAX
 * where every mount may be such a copy, 0 where t cannot tell (mountinfo:
 * no unique IDs; out of memory) */
uint64_t ovl_mount_table_made_from(const struct ovl_mount_table *t);
/* The two back ends: t zeroed but for refs; on failure the caller frees */
int ovl_mount_table_from_mountinfo(const struct ovl_view *v,
				   struct ovl_mount_table *t);
/* text[0..len) (malloc'd, t's from now on) as mountinfo, split in place:
 * 0, -EIO for a line that is not mountinfo's, -ENOMEM */
int ovl_mountinfo_parse(struct ovl_mount_table *t, char *text, size_t len);
int ovl_mount_table_from_statmount(struct ovl_mount_table *t,
				   uint64_t ns_id, size_t want);
int ovl_mount_table_one_statmount(struct ovl_mount_table *t, uint64_t ns_id,
				  uint64_t id);
/* A table of the one mount whose unique ID is id, read with statmount, in
 * the caller's own namespace and root: 0, 1 where it cannot be read so
 * (mountinfo's view, a snapshot, another namespace: read the table), or
 * -errno */
int ovl_mount_table_read_one(const struct ovl_view *v, uint64_t id,
			     struct ovl_mount_table **out);
int ovl_statmount_strings(struct ovl_mount_table *t, struct ovl_mnt *m);
int ovl_statmount_super_options(const struct ovl_mount_table *t,
				const struct ovl_mnt *m, char **raw);
/* The series' layers description of overlay m from statmount, by its ID
 * or through fd (its root, open): mount_statmount.c says when */
int ovl_statmount_fs_layers(const struct ovl_mount_table *t,
			    const struct ovl_mnt *m, int fd,
			    unsigned char **val, size_t *len, bool *offered);
/* A struct that grows (include/ovllayers.h): src (ksize bytes) into the
 * caller's usize, zeroed past ksize; ksize, or -EINVAL below min */
int ovl_copy_out(void *dst, size_t usize, const void *src, size_t ksize,
		 size_t min);
/* ovl_ident() with the unique mount ID instead of the 32-bit one (one
 * statx: it gives one or the other); id->mnt_id is then -1. */
int ovl_ident_unique(int fd, struct ovl_ident *id, uint64_t *unique);

#endif
