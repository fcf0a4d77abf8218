/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libovllayers 2: where are the layers of an overlay, really?
 *
 * Overlayfs shows its layers in mountinfo only as the path strings given at
 * mount time, and those go stale (checkpoint/restore yards, overmounts,
 * renames, fds).  A patched kernel describes them itself, through
 * statmount(2) (STATMOUNT_FS_LAYERS) and the read-only xattr
 * trusted.overlay.layers (user.overlay.layers on userxattr mounts) of the
 * overlay root: for each layer its kind, index, filesystem (device, uuid),
 * the file handle of the layer root and its path from its filesystem's root
 * (format 2, <ovllayers/overlayfs.h>, a copy of the series' uapi header;
 * docs/layers-format.md; formats 1 and 0, of the series' earlier kernels,
 * are still read).  This library reads, decodes and encodes that
 * description, derives it from mountinfo on kernels without it, and
 * resolves each layer to a mount and a path.
 *
 * Conventions: functions return 0 (or a count) on success and a negative
 * errno on failure; errno is not part of the API.  Objects are opaque and
 * created through out-pointers.  Every call that can fail for a reason
 * worth telling takes, last, an optional struct ovl_error (NULL: none
 * wanted) that says why: ovl_error_code(), ovl_error_message(), and the
 * layer or the byte offset it is about.  The library-wide meanings of the
 * codes:
 *
 *   -EINVAL          bad argument, or a malformed value
 *   -EPROTONOSUPPORT well-formed but unsupported: unknown format version,
 *                    record kind or flag bits
 *   -EMEDIUMTYPE     the path is not on an overlay
 *   -ENODATA         the kernel does not describe the overlay's layers
 *   -EBADMSG         a layers xattr stored by a user, not the kernel's
 *   -EPERM           no privilege to read it (CAP_SYS_ADMIN needed)
 *   -ENOENT, -EACCES, -ENOTDIR, -ELOOP, -EXDEV, -ENAMETOOLONG, -ESRCH
 *                    the path or the process could not be looked up
 *                    (-ELOOP: a symlink where none may be followed;
 *                    -EXDEV: a path that would leave its root; -ESRCH:
 *                    the process is gone, or its pid was reused)
 *   -EMFILE, -ENFILE out of file descriptors
 *   -ENOMEM          out of memory
 *   -ESTALE          a layer directory is not the one the descriptor
 *                    names (ovl_layers_place())
 *   -EIO             the kernel or /proc answered something unexpected
 *
 * Containers are not trusted.  A process's view (struct ovl_view) is its
 * root directory and mount table, opened once, and every path of that view
 * (the caller's, mountinfo's, a layer option's) is looked up beneath that
 * root with openat2(2) RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, never as
 * "/proc/PID/root" + path; mounts are checked by mount ID, layers by
 * device and inode and, where the filesystem has one, by handle and uuid;
 * what is mounted is the fd that was checked.  libovllayers(3), SECURITY.
 *
 * No global mutable state: separate objects may be used from separate
 * threads without locking (a view may be shared by several; an error
 * object may not).
 *
 * Names: the layer kinds and the record's flags are the kernel's
 * (OVL_LAYERS_UPPER, OVL_LAYERS_LAYER_FID, OVL_LAYERS_FS_BAD_UUID from
 * <ovllayers/overlayfs.h>); the library's own enums each have a prefix of
 * their own: OVL_STATUS_, OVL_SOURCE_, OVL_KERNEL_, and the flags of each
 * call OVL_READ_, OVL_RESOLVE_, OVL_PROBE_.  A "record" is one layer of a
 * description; a "checkpoint" is the JSON text ovl_layers_save_checkpoint()
 * writes.  libovllayers(3), "Migrating from 1.x".
 */
#ifndef OVLLAYERS_H
#define OVLLAYERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <ovllayers/overlayfs.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OVL_LAYERS_VERSION_MAJOR	2

/* The origin xattr of a copied-up file (a bare struct ovl_fb). */
#define OVL_ORIGIN_XATTR		"trusted.overlay.origin"
#define OVL_ORIGIN_XATTR_USER		"user.overlay.origin"

/* The header of formats 1 and 0 (still read): version byte, then magic.
 * The library writes format 2, which has neither (docs/layers-format.md). */
#define OVL_LAYERS_VERSION		1	/* format 1 */
#define OVL_LAYERS_VERSION_0		0	/* the first one, still decoded */
#define OVL_LAYERS_MAGIC		0xfc
#define OVL_LAYERS_MAX_RECORDS		502	/* 500 layers + upper + work */
#define OVL_LAYERS_FID_MAX		128	/* MAX_HANDLE_SZ */

/* The kind of the single record of a descriptor decoded from an origin
 * xattr (the library's own; the others are the kernel's OVL_LAYERS_UPPER,
 * _WORK, _LOWER, _DATA). */
#define OVL_LAYERS_ORIGIN		0

/*
 * The details of a failure (libpathrs's error info, as an object the
 * caller owns): pass one as the last argument of any call that takes it,
 * and after a failure it says what failed and why; after a success its
 * code is 0.  One per thread.
 */
struct ovl_error;

struct ovl_error *ovl_error_new(void);		/* NULL: out of memory */
void ovl_error_free(struct ovl_error *err);
/* The negative errno the call returned; 0 after a success. */
int ovl_error_code(const struct ovl_error *err);
/* Why, in English, escaped for a terminal: a phrase of the library's
 * ("a layer path in the mount options does not exist: the path strings
 * are stale") or the kernel's (a mount's fs_context message), else
 * ovl_layers_strerror() of the code; NULL after a success.  Valid until
 * the next call given err. */
const char *ovl_error_message(const struct ovl_error *err);
/* The record the failure is about (a layer that could not be mounted, a
 * record of a malformed value), or -1. */
int ovl_error_layer(const struct ovl_error *err);
/* The offset of the first bad byte of a malformed value (into the
 * decoded value; for ovl_layers_load(), into its text when the text is
 * what is malformed), or -1. */
int64_t ovl_error_offset(const struct ovl_error *err);

/* Where a descriptor came from. */
enum ovl_source {
	OVL_SOURCE_XATTR	= 1,	/* the kernel's layers xattr */
	OVL_SOURCE_MOUNTINFO	= 2,	/* derived from mount option path
					   strings: trusts them */
	OVL_SOURCE_BUFFER	= 3,	/* decoded or loaded bytes */
	OVL_SOURCE_ORIGIN	= 4,	/* ovl_layers_decode_origin() */
	OVL_SOURCE_STATMOUNT	= 5,	/* the kernel's, through statmount(2)'s
					   layers field (read first) */
};

/*
 * Records, locations and mounts grow: fields are added at their end only.
 * ovl_layers_get_record(), ovl_layers_get_location() and the mount table's
 * getters take the size of the caller's struct (sizeof, from the header
 * the caller was built with) and fill that much: a caller built against
 * an older header gets the fields it knows, one built against a newer
 * header gets the fields past this library's zeroed (0 and NULL mean
 * "unknown" in every field added later).  They return the size this
 * library fills, so "ret >= offsetof(field) + sizeof(field)" says a field
 * is known.  Functions taking flags reject bits they do not know with
 * -EINVAL, so a program asking for a later behaviour fails clearly on an
 * older library.  libovllayers(3), ABI.
 */
#define OVL_RECORD_SIZE_VER0	(offsetof(struct ovl_layer_record, fs_path) + \
				 sizeof(const char *))
#define OVL_LOCATION_SIZE_VER0	(offsetof(struct ovl_layer_location, \
					  reason) + sizeof(const char *))
#define OVL_MOUNT_SIZE_VER0	(offsetof(struct ovl_mount, source) + \
				 sizeof(const char *))

/* One record: a layer as the description names it.  Pointers stay valid
 * until ovl_layers_free(). */
struct ovl_layer_record {
	unsigned int kind;		/* OVL_LAYERS_UPPER, _WORK, _LOWER,
					   _DATA; OVL_LAYERS_ORIGIN */
	unsigned int index;		/* 0 upper/work, 1..n lower/data */
	unsigned int flags;		/* OVL_LAYERS_LAYER_FID (the handle
					   identifies the directory, it is
					   compared, never opened), _NOFH (no
					   handle), _NOPATH (no fs_path) */
	unsigned int fs_flags;		/* OVL_LAYERS_FS_BAD_UUID: the uuid is
					   null or shared with another
					   filesystem of the overlay, it does
					   not identify the filesystem */
	unsigned int valid;		/* OVL_RECORD_VALID_*: which of the
					   fields of format 2 are known (none
					   for formats 1 and 0) */
	unsigned int dev_major;		/* the st_dev hint, host-local: the
					   layer filesystem's device as
					   mountinfo shows it (format 2), the
					   layer directory's st_dev (formats
					   1, 0); 0:0 none */
	unsigned int dev_minor;
	unsigned int fs_index;		/* _FS: its filesystem's entry in the
					   value's table (layers sharing a
					   filesystem share it) */
	uint64_t fs_magic;		/* _FS: that filesystem's s_magic
					   (0x794c7630: a layer that is
					   itself an overlay) */
	uint64_t attr;			/* _ATTR: MOUNT_ATTR_* of the mount the
					   layer was given through: RDONLY,
					   NOSUID, NODEV, NOEXEC, NOSYMFOLLOW,
					   IDMAP (an idmapped mount, whose
					   mapping a restore must re-create) */
	unsigned char uuid[16];		/* the layer fs's uuid (may be zero) */
	unsigned int uuid_len;		/* _FS: bytes of uuid in use; 0: the
					   filesystem has none */
	int fh_type;			/* file_handle.handle_type */
	unsigned int fh_flags;		/* struct ovl_fb flags */
	size_t fid_len;			/* 0 for NOFH */
	const unsigned char *fid;	/* file_handle.f_handle bytes */
	const void *fb;			/* the struct ovl_fb overlayfs would
					   write for this layer (format 1
					   carries it; for format 2 the
					   library builds it) */
	size_t fb_len;
	const char *fs_path;		/* _PATH: the layer directory's path
					   from its filesystem's root, as
					   mountinfo's root field names a
					   bind mount's root */
};
#define OVL_RECORD_VALID_FS	(1u << 0)	/* fs_index, fs_magic, uuid_len */
#define OVL_RECORD_VALID_ATTR	(1u << 1)	/* attr */
#define OVL_RECORD_VALID_PATH	(1u << 2)	/* fs_path */

/* Where a layer is now.  Strings stay valid until the next resolve or
 * ovl_layers_free(). */
enum ovl_status {
	OVL_STATUS_UNRESOLVED	= 0,	/* ovl_layers_resolve() not called */
	OVL_STATUS_OK		= 1,	/* path leads to the layer root */
	OVL_STATUS_SHADOWED	= 2,	/* path covered by another mount; fd
					   and mount ID are still right */
	OVL_STATUS_UNREACHABLE	= 3,	/* fs mounted, but no mount's root
					   contains the layer root */
	OVL_STATUS_NO_MOUNT	= 4,	/* no mount of that filesystem */
	OVL_STATUS_STALE	= 5,	/* the handle no longer decodes */
	OVL_STATUS_NO_HANDLE	= 6,	/* NOFH record: cannot be resolved;
					   FID record: no known path leads
					   to the directory its fid names */
	OVL_STATUS_NO_PERMISSION = 7,	/* open_by_handle_at(2) needs
					   CAP_DAC_READ_SEARCH */
	OVL_STATUS_AMBIGUOUS	= 8,	/* null uuid matched several fs */
	OVL_STATUS_NOT_PROBED	= 9,	/* on no filesystem probed; those
					   that can block (FUSE, network,
					   autofs) were not asked */
	OVL_STATUS_SUSPECT	= 10,	/* a fallback read's layer whose
					   path string leads through a mount
					   made after the overlay's (since
					   2.0.1; 2.0.0 reserved it) */
};

struct ovl_layer_location {
	int status;			/* enum ovl_status */
	int mnt_id;			/* mountinfo mount ID, -1 unknown */
	uint64_t mnt_id_unique;		/* STATX_MNT_ID_UNIQUE, 0 unknown */
	const char *mount_point;	/* in the resolving namespace */
	const char *root;		/* the layer root inside that mount
					   (relative to the mount's root) */
	const char *path;		/* absolute path in that namespace */
	int fd;				/* O_PATH fd (OVL_RESOLVE_FD, or a
					   placed layer), else -1; owned by
					   the descriptor */
	const char *reason;		/* why the status is what it is, a
					   static English phrase; NULL when
					   the status says it all */
};

struct ovl_layers;

/*
 * The view of a process: its root directory and its mount table, opened
 * once.  pid 0 is the caller; otherwise the process is pinned by a pidfd,
 * and a call made through the view after it exited (or after its pid was
 * reused) fails with -ESRCH.  ovl_view_open_pidfd() takes a pidfd the
 * caller already holds (it is duplicated).  Reference counted:
 * ovl_view_unref() frees at the last reference.  flags: 0.
 */
struct ovl_view;

int ovl_view_open(pid_t pid, unsigned int flags, struct ovl_view **out,
		  struct ovl_error *err);
int ovl_view_open_pidfd(int pidfd, unsigned int flags, struct ovl_view **out,
			struct ovl_error *err);
struct ovl_view *ovl_view_ref(struct ovl_view *view);
void ovl_view_unref(struct ovl_view *view);
/* 0 for the caller's own view */
pid_t ovl_view_pid(const struct ovl_view *view);
/* A new read-only fd of the view's mountinfo, checked to be the pinned
 * process's; the caller closes it. */
int ovl_view_open_mountinfo(const struct ovl_view *view,
			    struct ovl_error *err);

/*
 * The view's mount table, as the library reads it: with
 * listmount(2)/statmount(2) where the kernel answers exactly as the view's
 * mountinfo would (Linux 6.8+, the same root), else from its mountinfo;
 * the snapshot's when the view has one (ovl_view_snapshot()).  Fails with
 * -EFBIG past 64 MiB of mountinfo or 1,000,000 mounts, -ESRCH once the
 * process is gone.  flags: 0.  The table is the caller's until
 * ovl_mount_table_free(), the view's unref'ing does not end it.  Strings
 * are the kernel's, unescaped (mountinfo's octal escapes undone), and stay
 * valid until ovl_mount_table_free().
 */
struct ovl_mount_table;

struct ovl_mount {
	int mnt_id;			/* mountinfo's mount ID */
	int parent_id;			/* its parent's */
	uint64_t mnt_id_unique;		/* STATX_MNT_ID_UNIQUE; 0 unknown
					   (a table read from mountinfo) */
	unsigned int dev_major;		/* its superblock's device, as */
	unsigned int dev_minor;		/* mountinfo shows it */
	const char *root;		/* the mount's root in its filesystem */
	const char *mount_point;	/* in the view */
	const char *fstype;		/* "type.subtype" as mountinfo */
	const char *source;		/* "" when none */
};

int ovl_view_read_mounts(struct ovl_view *view, unsigned int flags,
			 struct ovl_mount_table **out, struct ovl_error *err);
/* In mountinfo's order. */
size_t ovl_mount_table_count(const struct ovl_mount_table *table);
int ovl_mount_table_get(const struct ovl_mount_table *table, size_t i,
			struct ovl_mount *mount, size_t size);
/* The mount whose mountinfo ID is mnt_id; -ENOENT when the view has none. */
int ovl_mount_table_find(const struct ovl_mount_table *table, int mnt_id,
			 struct ovl_mount *mount, size_t size);
void ovl_mount_table_free(struct ovl_mount_table *table);

/*
 * A snapshot of the view's mount table, for a caller that keeps the mounts
 * still while it works (a checkpointer, whose tasks are frozen; a listing
 * of every overlay): ovl_view_snapshot() reads the view's mount table now,
 * and every later read and resolution through the view uses it, and what
 * earlier resolutions learned of its mounts (their filesystems' uuids,
 * their roots opened), instead of reading the table again each time.  What
 * is found is checked as ever (the handle of each layer root, the mount ID
 * of each mount root opened), so a mount gone or moved since is not found
 * where it was; a location's path is the one of the snapshot's moment.
 * Called again, a new snapshot; on failure the view has none.
 * ovl_view_snapshot_drop(): back to a new read at every call (also done by
 * the last ovl_view_unref()).  Calls through the view are serialized while
 * it holds one; take and drop it where no other thread uses the view.
 * flags: 0.
 */
int ovl_view_snapshot(struct ovl_view *view, unsigned int flags,
		      struct ovl_error *err);
void ovl_view_snapshot_drop(struct ovl_view *view);

/*
 * The log, in the libkmod style: messages of syslog(3) priority (LOG_ERR
 * ... LOG_DEBUG) up to the set one go to fn (NULL: a line
 * "libovllayers[PID]: func: message" on stderr).  LOG_ERR: what the kernel
 * said about a mount that failed (its fs_context messages, read from the
 * fs fd; LOG_WARNING and LOG_INFO for its "w" and "i" lines); LOG_DEBUG:
 * the resolver's choices (which mount was tried for each layer, and why it
 * was rejected).  The default: nothing, unless the environment variable
 * OVL_LAYERS_DEBUG is set ("all", "debug" or 1: LOG_DEBUG; "info", "err",
 * or a number 0-7; read when a view is opened), then stderr.  A view logs
 * its reads and resolutions; a descriptor logs its mounts, through the log
 * of the view it was last resolved in unless ovl_layers_set_log() gave it
 * its own.  Set a view's log before sharing it between threads.  flags: 0
 * (-EINVAL otherwise, also for a priority outside -1 to 7; -1 logs
 * nothing).
 */
typedef void (*ovl_log_fn)(void *data, int priority, const char *func,
			   const char *format, va_list args);
int ovl_view_set_log(struct ovl_view *view, int priority, ovl_log_fn fn,
		     void *data, unsigned int flags);
int ovl_layers_set_log(struct ovl_layers *layers, int priority,
		       ovl_log_fn fn, void *data, unsigned int flags);

/*
 * Read the description of an overlay of view (NULL: the caller's own),
 * chosen by one of:
 *   path       any path inside the overlay (fd -1, mnt_id 0).  In the
 *              caller's own view it is looked up as open(2) would; in
 *              another process's beneath its root (RESOLVE_IN_ROOT |
 *              RESOLVE_NO_MAGICLINKS).
 *   fd         an fd anywhere inside the overlay (path NULL, mnt_id 0), in
 *              the caller's own view.
 *   mnt_id     with OVL_READ_MNT_ID, the overlay mount of that mountinfo
 *              mount ID; with OVL_READ_MNT_ID_UNIQUE, of that unique
 *              mount ID (statx STATX_MNT_ID_UNIQUE, statmount(2),
 *              listmount(2); never reused, Linux 6.8+; -EOPNOTSUPP
 *              without).  -ENOENT when the view has no such overlay.  Two
 *              overlays stacked on one mount point are two IDs.
 * The description is read from where the kernel gives it (statmount(2)'s
 * layers field, then the xattr where the kernel is shown to produce it),
 * else derived from the mount options' path strings (OVL_SOURCE_MOUNTINFO,
 * weaker: ovl_layers_source()).  flags select the target and the sources.
 */
#define OVL_READ_KERNEL_ONLY	(1u << 0)	/* no fallback: -ENODATA */
#define OVL_READ_MOUNTINFO_ONLY	(1u << 1)	/* the fallback only */
#define OVL_READ_MNT_ID		(1u << 2)	/* by mountinfo mount ID */
#define OVL_READ_MNT_ID_UNIQUE	(1u << 3)	/* by unique mount ID */
int ovl_layers_read(struct ovl_view *view, int fd, const char *path,
		    uint64_t mnt_id, unsigned int flags,
		    struct ovl_layers **out, struct ovl_error *err);

/* Decode a layers value / an origin xattr value.  Never reads past
 * buf[len - 1]. */
int ovl_layers_decode(const void *buf, size_t len, struct ovl_layers **out,
		      struct ovl_error *err);
int ovl_layers_decode_origin(const void *buf, size_t len,
			     struct ovl_layers **out, struct ovl_error *err);
/* Check a layers value without decoding it: same return value as
 * ovl_layers_decode(); err says where (ovl_error_offset()) and what. */
int ovl_layers_validate(const void *buf, size_t len, struct ovl_error *err);

/* Load a descriptor saved as bytes or text: raw bytes; what getfattr(1)
 * prints ("0x" hex or "0s" base64, alone or as the whole name=value line,
 * comments and the "# file:" header allowed; an origin xattr name selects
 * the origin decoder); bare hex; or a checkpoint written by
 * ovl_layers_save_checkpoint(), which also restores ovl_layers_options()
 * and the source it was read from.  Same errors as ovl_layers_decode(). */
int ovl_layers_load(const void *buf, size_t len, struct ovl_layers **out,
		    struct ovl_error *err);
/* A checkpoint of the descriptor and its ovl_layers_options(): a small
 * versioned JSON object (libovllayers(3) documents it), malloc'd into
 * *json, NUL-terminated; free() it.  -EINVAL for an origin. */
int ovl_layers_save_checkpoint(const struct ovl_layers *layers, char **json,
			       struct ovl_error *err);

/* Encode back, byte-identical to what was decoded or read (the origin
 * form for an origin descriptor).  Returns the length; with size 0 only
 * the length; -ERANGE when size is too small. */
ssize_t ovl_layers_encode(const struct ovl_layers *layers, void *buf,
			  size_t size);

void ovl_layers_free(struct ovl_layers *layers);

/* enum ovl_source */
int ovl_layers_source(const struct ovl_layers *layers);
/* The overlay's mount options other than the layer paths (redirect_dir,
 * index, metacopy, uuid, userxattr, ...), comma separated, as mountinfo
 * shows them, for a descriptor read from an overlay; NULL otherwise. */
const char *ovl_layers_options(const struct ovl_layers *layers);
unsigned int ovl_layers_count(const struct ovl_layers *layers);
/* Record i, size bytes of it (sizeof(*rec)): the size this library fills
 * on success, -EINVAL for a bad argument or a size below
 * OVL_RECORD_SIZE_VER0 or above 4096. */
int ovl_layers_get_record(const struct ovl_layers *layers, unsigned int i,
			  struct ovl_layer_record *rec, size_t size);

/* Resolve every record to a mount and a path in view (NULL: the
 * caller's).  Per-layer outcomes are statuses, not errors: returns 0 when
 * the resolution ran (whatever the statuses), -errno when it could not
 * (the process gone, out of memory, ...).  The number of records not OK
 * through *unresolved when that is not NULL. */
#define OVL_RESOLVE_FD		(1u << 0)	/* keep an O_PATH fd per layer */
int ovl_layers_resolve(struct ovl_layers *layers, struct ovl_view *view,
		       unsigned int flags, unsigned int *unresolved,
		       struct ovl_error *err);
/* Where record i is now, as ovl_layers_get_record() fills a record. */
int ovl_layers_get_location(const struct ovl_layers *layers, unsigned int i,
			    struct ovl_layer_location *loc, size_t size);

/* Set where record i is now, for a restorer that re-created or re-mounted
 * the layer filesystems itself and knows where each layer went (CRIU's
 * mount yard, say); ovl_layers_mount() then uses that path.  path must be
 * a directory.  If the filesystem there has the record's (non-null) uuid,
 * it was re-mounted, not re-created, and path must be the very directory
 * the record's handle names: -ESTALE otherwise.  On a filesystem with
 * another uuid (a new tmpfs filled from an archive) the handles are new
 * and identity cannot be checked.  Returns 1 when the handle confirmed
 * path, 0 when nothing could confirm it, a negative errno on failure
 * (-EINVAL for a bad argument or an origin record; the errors of open(2)
 * for path).  The location becomes OK, with path, the mount ID and an
 * O_PATH fd of the directory, which is what ovl_layers_mount() mounts;
 * flags: 0. */
int ovl_layers_place(struct ovl_layers *layers, unsigned int i,
		     const char *path, unsigned int flags,
		     struct ovl_error *err);
/* The same with a directory the restorer opened (and may have looked up
 * beneath its yard with openat2(2) RESOLVE_BENEATH): the fd is duplicated
 * and that very directory is mounted. */
int ovl_layers_place_fd(struct ovl_layers *layers, unsigned int i, int dirfd,
			unsigned int flags, struct ovl_error *err);

/* Mount a new overlay at target from a resolved descriptor (checkpoint/
 * restore): every layer must be OK or SHADOWED with an fd; else nothing
 * is mounted and -ENOENT is returned, the record's number in
 * ovl_error_layer().  Each layer is given to the kernel as
 * /proc/self/fd/N of its fd; an OK layer without one (resolved without
 * OVL_RESOLVE_FD) is opened again by its path beneath the root it was
 * resolved in and must be the same directory, -ESTALE otherwise.  The
 * target is checked first (its error is the target's, layer -1).  options
 * are the overlay's other options (ovl_layers_options() of the saved
 * overlay, plus the caller's), comma separated, a value with commas in
 * double quotes; they must not name layers (-EINVAL).  A layer whose mount
 * was idmapped (MOUNT_ATTR_IDMAP) is refused (-EOPNOTSUPP) unless the
 * directory it was placed at is on an idmapped mount too: the library
 * cannot re-create a mapping, and mounting it without one would change its
 * owners.  Uses the new mount API
 * (fsopen "overlay", lowerdir+ / datadir+ one layer at a time), so 500
 * layers fit.  flags: 0.  Other errors come from fsconfig(2)/fsmount(2)/
 * move_mount(2), with the kernel's own message in ovl_error_message(). */
int ovl_layers_mount(const struct ovl_layers *layers, const char *options,
		     const char *target, unsigned int flags,
		     struct ovl_error *err);
/* The same, detached: returns the fsmount(2) fd of the new overlay, with
 * the mount attributes attr (MOUNT_ATTR_RDONLY, _NOSUID, _NODEV, _NOEXEC,
 * _NOATIME / _STRICTATIME / _RELATIME, _NODIRATIME, _NOSYMFOLLOW) set
 * before anyone sees it; the caller move_mount(2)s it and closes it. */
int ovl_layers_fsmount(const struct ovl_layers *layers, const char *options,
		       unsigned int attr, unsigned int flags,
		       struct ovl_error *err);

/* Names for printing: "upper", "work", "lower", "data", "origin";
 * "ok", "shadowed", "unreachable", "no-mount", "stale", "no-handle",
 * "no-permission", "ambiguous", "not-probed", "suspect", "unresolved";
 * "xattr", "statmount", "mountinfo", "buffer", "origin".  NULL for an
 * unknown value. */
const char *ovl_layers_kind_name(unsigned int kind);
const char *ovl_layers_status_name(int status);
const char *ovl_layers_source_name(int source);

/*
 * Who writes the layers xattr on this kernel.  Since Linux 6.7 overlayfs
 * stores any trusted.overlay.* or user.overlay.* name a user sets and
 * returns it on read, so without the series a value under
 * OVL_LAYERS_XATTR is whatever a user (a container) wrote.  The library
 * asks the running overlayfs on an overlay of its own that no one else
 * can reach, and believes a value only where the kernel is
 * shown to produce it; ovl_layers_read() does this itself.
 * ovl_layers_kernel_probe() returns the answer for the trusted name, or
 * with OVL_PROBE_USERXATTR for the user name of userxattr overlays, or
 * -errno where the kernel could not be asked (-EPERM: no privilege to
 * mount the probe's overlay, not even in a user namespace of its own).
 * ovl_layers_kernel_probe(3).
 */
enum ovl_kernel {
	OVL_KERNEL_PRODUCES	= 1,	/* the series: read-only, the kernel's
					   own value */
	OVL_KERNEL_STORES	= 2,	/* 6.7+ without the series: the name
					   holds what a user set */
	OVL_KERNEL_NO_XATTR	= 3,	/* before 6.7: no overlay xattr can be
					   set or read */
};
#define OVL_PROBE_USERXATTR	(1u << 0)
int ovl_layers_kernel_probe(unsigned int flags, struct ovl_error *err);

/* A message for any error code this library returns: its own meanings of
 * -EMEDIUMTYPE, -ENODATA, -EPROTONOSUPPORT and -EBADMSG, else
 * strerror(3)'s.  For the details of one failure, ovl_error_message(). */
const char *ovl_layers_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* OVLLAYERS_H */
