/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libovllayers: where are the layers of an overlay, really?
 *
 * Overlayfs shows its layers in mountinfo only as the path strings given at
 * mount time, and those go stale (checkpoint/restore yards, overmounts,
 * renames, fds).  A patched kernel exposes the read-only xattr
 * trusted.overlay.layers (user.overlay.layers on userxattr mounts) on the
 * overlay root, and the same bytes through statmount(2): for each layer
 * its kind, index, filesystem (device, uuid) and the file handle of the
 * layer root (format 2, docs/layers-format.md; formats 1 and 0, of the
 * series' earlier kernels, are still read).  This library reads, decodes
 * and encodes that value,
 * derives it from mountinfo on kernels without it, and resolves each layer
 * to a mount and a path through open_by_handle_at(2).
 *
 * Conventions: functions return 0 (or a count) on success and a negative
 * errno on failure; errno is not part of the API.  Objects are opaque and
 * created through out-pointers.  The errors each function can return are a
 * fixed set listed in its man page; the library-wide meanings are:
 *
 *   -EINVAL          bad argument, or a malformed value (libovllayers(3))
 *   -EPROTONOSUPPORT well-formed but unsupported: unknown format version,
 *                    record kind or flag bits
 *   -EMEDIUMTYPE     the path is not on an overlay
 *   -ENODATA         the kernel does not export the layers xattr
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
 * threads without locking (a view may be shared by several).
 */
#ifndef OVLLAYERS_H
#define OVLLAYERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The xattr names: the second one on overlays mounted with userxattr. */
#define OVL_LAYERS_XATTR		"trusted.overlay.layers"
#define OVL_LAYERS_XATTR_USER		"user.overlay.layers"
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

/* Record kinds, as on the wire.  ORIGIN is the library's own: the single
 * record of a descriptor decoded from a trusted.overlay.origin value. */
enum ovl_layer_kind {
	OVL_LAYER_ORIGIN	= 0,
	OVL_LAYER_UPPER		= 1,
	OVL_LAYER_WORK		= 2,
	OVL_LAYER_LOWER		= 3,
	OVL_LAYER_DATA		= 4,	/* data-only lower layer */
};

/* Record flags, as on the wire (version 0 knows NOFH only). */
#define OVL_LAYER_NOFH		0x01	/* fs cannot encode handles; uuid only */
#define OVL_LAYER_FID		0x02	/* the fid identifies the directory but
					   open_by_handle_at(2) cannot decode
					   it: compared, never opened */
#define OVL_LAYER_BAD_UUID	0x04	/* the uuid is null or shared with
					   another fs of the overlay: it does
					   not identify the filesystem */
#define OVL_LAYER_NODEV		0x08	/* no st_dev hint (dev 0:0) */

/* Where a descriptor came from. */
enum ovl_layers_source {
	OVL_LAYERS_SOURCE_XATTR		= 1,	/* the kernel's layers xattr */
	OVL_LAYERS_SOURCE_MOUNTINFO	= 2,	/* derived from mount option
						   path strings: trusts them */
	OVL_LAYERS_SOURCE_BUFFER	= 3,	/* ovl_layers_decode() */
	OVL_LAYERS_SOURCE_ORIGIN	= 4,	/* ovl_layers_decode_origin() */
	OVL_LAYERS_SOURCE_STATMOUNT	= 5,	/* the kernel's, through
						   statmount(2)'s layers field
						   (1.2; read before the xattr) */
};

/* ovl_layers_read() flags: which source to use.  Default: the xattr, and
 * the mountinfo fallback only when the kernel does not export it. */
#define OVL_LAYERS_READ_XATTR_ONLY	(1u << 0)
#define OVL_LAYERS_READ_MOUNTINFO_ONLY	(1u << 1)

/*
 * Records that grow (LIBOVLLAYERS_1.0).  struct ovl_layer_record and
 * struct ovl_layer_location gain fields at their end only, in later
 * releases too.  ovl_layers_get_record() and ovl_layers_get_location()
 * take the size of the caller's struct (sizeof(rec), from the header the
 * caller was built with) and fill that much: a caller built against an
 * older header gets the fields it knows, one built against a newer header
 * gets the fields past this library's zeroed (0 and NULL mean "unknown"
 * in every field added later).  They return the size this library fills,
 * so "ret >= offsetof(field) + sizeof(field)" says a field is known.
 * ovl_layers_record() and ovl_layers_location() (0.1) fill the 0.1
 * layout, and nothing past it, for the programs built against it.
 * Functions taking flags reject bits they do not know with -EINVAL, so a
 * program asking for a later behaviour fails clearly on an older library.
 * libovllayers(3), ABI.
 */
#ifndef OVL_LAYERS_DEPRECATED_0_1
#define OVL_LAYERS_DEPRECATED_0_1 __attribute__((deprecated("the 0.1 layout: see ovl_layers_get_record() and ovl_layers_get_location()")))
#endif
#define OVL_LAYER_RECORD_SIZE_VER0	(offsetof(struct ovl_layer_record, fb_len) + \
					 sizeof(size_t))
#define OVL_LAYER_LOCATION_SIZE_VER0	(offsetof(struct ovl_layer_location, fd) + \
					 sizeof(int))

/* One decoded record.  Pointers stay valid until ovl_layers_free(). */
struct ovl_layer_record {
	unsigned int kind;		/* enum ovl_layer_kind */
	unsigned int flags;		/* OVL_LAYER_NOFH, _FID, _BAD_UUID,
					   _NODEV */
	unsigned int index;		/* 0 upper/work, 1..n lower/data */
	unsigned int dev_major;		/* st_dev hint, host-local: the layer
					   directory's st_dev (formats 1, 0),
					   its superblock's device as
					   mountinfo shows it (format 2) */
	unsigned int dev_minor;
	unsigned int fh_flags;		/* struct ovl_fb flags */
	int fh_type;			/* file_handle.handle_type */
	unsigned char uuid[16];		/* the layer fs's uuid (may be zero) */
	size_t fid_len;			/* 0 for NOFH */
	const unsigned char *fid;	/* file_handle.f_handle bytes */
	const void *fb;			/* the raw struct ovl_fb bytes; format
					   2 has none: the library builds the
					   one overlayfs would write */
	size_t fb_len;
	/* since 1.3: what format 2 adds; valid says which of the fields
	   below are known (none for formats 1 and 0) */
	unsigned int valid;		/* OVL_LAYER_VALID_* */
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
	const char *fs_path;		/* _PATH: the layer directory's path
					   from its filesystem's root, as
					   mountinfo's root field names a
					   bind mount's root */
	unsigned int uuid_len;		/* _FS: bytes of uuid in use; 0: the
					   filesystem has none */
};
/* struct ovl_layer_record's valid bits (1.3) */
#define OVL_LAYER_VALID_FS	(1u << 0)	/* fs_index, fs_magic, uuid_len */
#define OVL_LAYER_VALID_ATTR	(1u << 1)	/* attr */
#define OVL_LAYER_VALID_PATH	(1u << 2)	/* fs_path (the kernel could
						   name the directory) */

/* Where a layer is now.  Strings stay valid until the next resolve or
 * ovl_layers_free(). */
enum ovl_layer_status {
	OVL_LAYER_UNRESOLVED	= 0,	/* ovl_layers_resolve() not called */
	OVL_LAYER_OK		= 1,	/* path leads to the layer root */
	OVL_LAYER_SHADOWED	= 2,	/* path covered by another mount; fd
					   and mount id are still right */
	OVL_LAYER_UNREACHABLE	= 3,	/* fs mounted, but no mount's root
					   contains the layer root */
	OVL_LAYER_NO_MOUNT	= 4,	/* no mount of that filesystem */
	OVL_LAYER_STALE		= 5,	/* the handle no longer decodes */
	OVL_LAYER_NO_HANDLE	= 6,	/* NOFH record: cannot be resolved;
					   FID record: no known path leads
					   to the directory its fid names */
	OVL_LAYER_NO_PERMISSION	= 7,	/* open_by_handle_at(2) needs
					   CAP_DAC_READ_SEARCH */
	OVL_LAYER_AMBIGUOUS	= 8,	/* null uuid matched several fs */
	OVL_LAYER_NOT_PROBED	= 9,	/* on no filesystem probed; those
					   that can block (FUSE, network,
					   autofs) were not asked */
};

struct ovl_layer_location {
	int status;			/* enum ovl_layer_status */
	int mnt_id;			/* mountinfo mount ID, -1 unknown */
	uint64_t mnt_id_unique;		/* STATX_MNT_ID_UNIQUE, 0 unknown */
	const char *mount_point;	/* in the resolving namespace */
	const char *root;		/* the layer root inside that mount
					   (relative to the mount's root) */
	const char *path;		/* absolute path in that namespace */
	int fd;				/* O_PATH fd (OVL_RESOLVE_FD, or a
					   placed layer), else -1; owned by
					   the descriptor */
	/* since 1.0 */
	const char *reason;		/* why the status is what it is, a
					   static English phrase (e.g. "no
					   mount of the layer's filesystem
					   contains the directory its handle
					   names"); NULL when the status says
					   it all */
};

/* ovl_layers_resolve() flags */
#define OVL_RESOLVE_FD		(1u << 0)	/* keep an O_PATH fd per layer */

struct ovl_layers;

/*
 * The view of a process: its root directory and its mount table, opened
 * once (LIBOVLLAYERS_0.3).  pid 0 is the caller; otherwise the process is
 * pinned by a pidfd, and a call made through the view after it exited (or
 * after its pid was reused) fails with -ESRCH.  ovl_view_open_pidfd()
 * takes a pidfd the caller already holds (it is duplicated).  Reference
 * counted: ovl_view_unref() frees at the last reference.
 */
struct ovl_view;

int ovl_view_open(pid_t pid, unsigned int flags, struct ovl_view **out);
int ovl_view_open_pidfd(int pidfd, unsigned int flags,
			struct ovl_view **out);
struct ovl_view *ovl_view_ref(struct ovl_view *view);
void ovl_view_unref(struct ovl_view *view);
/* 0 for the caller's own view */
pid_t ovl_view_pid(const struct ovl_view *view);
/* A new read-only fd of the view's mountinfo, checked to be the pinned
 * process's; the caller closes it. */
int ovl_view_open_mountinfo(const struct ovl_view *view);

/*
 * The view's mount table (LIBOVLLAYERS_1.2), as the library reads it:
 * with listmount(2)/statmount(2) where the kernel answers exactly as the
 * view's mountinfo would (Linux 6.8+, the same root), else from its
 * mountinfo; the snapshot's when the view has one (ovl_view_snapshot()).
 * Fails with -EFBIG past 64 MiB of mountinfo or 1,000,000 mounts, -ESRCH
 * once the process is gone.  flags: 0.  The table is the caller's until
 * ovl_mount_table_free(), the view's unref'ing does not end it.
 *
 * struct ovl_mount grows as the records do (above): ovl_mount_table_get()
 * and ovl_mount_table_find() take sizeof(struct ovl_mount) and return the
 * size they fill.  Strings are the kernel's, unescaped (mountinfo's octal
 * escapes undone), and stay valid until ovl_mount_table_free().
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
#define OVL_MOUNT_SIZE_VER0	(offsetof(struct ovl_mount, source) + \
				 sizeof(const char *))

int ovl_view_read_mounts(struct ovl_view *view, unsigned int flags,
			 struct ovl_mount_table **out);
/* In mountinfo's order. */
size_t ovl_mount_table_count(const struct ovl_mount_table *table);
int ovl_mount_table_get(const struct ovl_mount_table *table, size_t i,
			struct ovl_mount *mount, size_t size);
/* The mount whose mountinfo ID is mnt_id; -ENOENT when the view has none. */
int ovl_mount_table_find(const struct ovl_mount_table *table, int mnt_id,
			 struct ovl_mount *mount, size_t size);
void ovl_mount_table_free(struct ovl_mount_table *table);

/*
 * A snapshot of the view's mount table (LIBOVLLAYERS_1.0), for a caller
 * that keeps the mounts still while it works (a checkpointer, whose tasks
 * are frozen; a listing of every overlay): ovl_view_snapshot() reads the
 * view's mount table now, and every later read and resolution through the
 * view uses it, and what earlier resolutions learned of its mounts (their
 * filesystems' uuids, their roots opened), instead of reading the table
 * again each time.  What is found is checked as ever (the handle of each
 * layer root, the mount ID of each mount root opened), so a mount gone or
 * moved since is not found where it was; a location's path is the one of
 * the snapshot's moment.  Called again, a new snapshot; on failure the
 * view has none.  ovl_view_snapshot_drop(): back to a new read at every
 * call (also done by the last ovl_view_unref()).  Calls through the view
 * are serialized while it holds one; take and drop it where no other
 * thread uses the view.  flags: 0.
 */
int ovl_view_snapshot(struct ovl_view *view, unsigned int flags);
void ovl_view_snapshot_drop(struct ovl_view *view);

/*
 * The log (LIBOVLLAYERS_1.0), in the libkmod style: messages of syslog(3)
 * priority (LOG_ERR ... LOG_DEBUG) up to the set one go to fn (NULL: a
 * line "libovllayers[PID]: func: message" on stderr).  LOG_ERR: what the
 * kernel said about a mount that failed (its fs_context messages, read
 * from the fs fd; LOG_WARNING and LOG_INFO for its "w" and "i" lines);
 * LOG_DEBUG: the resolver's choices (which mount was tried for each
 * layer, and why it was rejected).  The default: nothing, unless the
 * environment variable OVL_LAYERS_DEBUG is set ("all", "debug" or 1:
 * LOG_DEBUG; "info", "err", or a number 0-7; read when a view is opened),
 * then stderr.  A view logs
 * its reads and resolutions; a descriptor logs its mounts, through the
 * log of the view it was last resolved in unless ovl_layers_set_log()
 * gave it its own.  Set a view's log before sharing it between threads.
 * flags: 0 (-EINVAL otherwise, also for a priority outside -1 to 7; -1
 * logs nothing).
 */
typedef void (*ovl_log_fn)(void *data, int priority, const char *func,
			   const char *format, va_list args);
int ovl_view_set_log(struct ovl_view *view, int priority, ovl_log_fn fn,
		     void *data, unsigned int flags);

/* Read the descriptor of the overlay that contains path in view (any path
 * inside it).  In the caller's own view path is looked up as open(2)
 * would; in another process's view beneath its root (RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS).  reason as for ovl_layers_read_reason(). */
int ovl_layers_read_view(struct ovl_view *view, const char *path,
			 unsigned int flags, struct ovl_layers **out,
			 const char **reason);
/* The same for the overlay mount mnt_id (the mountinfo mount ID) of view:
 * -ENOENT when the view has no such mount.  Two overlays stacked on one
 * mount point are two IDs. */
int ovl_layers_read_mount(struct ovl_view *view, int mnt_id,
			  unsigned int flags, struct ovl_layers **out,
			  const char **reason);
/* The same by its unique mount ID (LIBOVLLAYERS_1.0): statx(2)
 * STATX_MNT_ID_UNIQUE, statmount(2) and listmount(2)'s mnt_id, Linux 6.8+;
 * never reused, unlike a mountinfo ID.  -ENOENT when no overlay of the
 * view has it, -EOPNOTSUPP on a kernel without unique IDs. */
int ovl_layers_read_mount_unique(struct ovl_view *view, uint64_t mnt_id,
				 unsigned int flags, struct ovl_layers **out,
				 const char **reason);

/* Read the descriptor of the overlay that contains path (any path inside
 * it; the mount root is found).  pid 0: the caller's view; otherwise path
 * is taken in that process's root and mount namespace (/proc/PID/root,
 * /proc/PID/mountinfo), as a dumper does. */
int ovl_layers_read(pid_t pid, const char *path, unsigned int flags,
		    struct ovl_layers **out);
/* ovl_layers_read() that also says why it failed: on failure *reason
 * (when not NULL) is a static English phrase, e.g. "a layer path in the
 * mount options is relative: it depended on the mounter's working
 * directory" (-EINVAL) or "a layer path in the mount options does not
 * exist: the path strings are stale" (-ENOENT, as opposed to path itself
 * not existing); NULL on success.  For an fd, pass "/proc/self/fd/N". */
int ovl_layers_read_reason(pid_t pid, const char *path, unsigned int flags,
			   struct ovl_layers **out, const char **reason);
/* The same for an fd anywhere inside the overlay, in the caller's view. */
int ovl_layers_read_fd(int fd, unsigned int flags, struct ovl_layers **out);

/* Decode a layers xattr value / an origin xattr value.  Never reads past
 * buf[len - 1]. */
int ovl_layers_decode(const void *buf, size_t len, struct ovl_layers **out);
int ovl_layers_decode_origin(const void *buf, size_t len,
			     struct ovl_layers **out);
/* Check a layers xattr value without decoding it: same return value as
 * ovl_layers_decode(); on failure *offset (when not NULL) is the offset of
 * the first bad byte and *reason (when not NULL) a static English phrase
 * saying what is wrong with it, e.g. "record 3 runs past the end". */
int ovl_layers_validate(const void *buf, size_t len, size_t *offset,
			const char **reason);

/* Load a descriptor saved as bytes or text: raw bytes; what getfattr(1)
 * prints ("0x" hex or "0s" base64, alone or as the whole name=value line,
 * comments and the "# file:" header allowed; an origin xattr name selects
 * the origin decoder); bare hex; or a checkpoint record written by
 * ovl_layers_save_record(), which also restores ovl_layers_options().
 * Same errors as ovl_layers_decode(); on failure *offset and *reason
 * (each optional) say where and what: the offset is into the decoded value
 * for a malformed descriptor, into buf for malformed text. */
int ovl_layers_load(const void *buf, size_t len, struct ovl_layers **out,
		    size_t *offset, const char **reason);
/* A checkpoint record of the descriptor and its ovl_layers_options(): a
 * small versioned JSON object (libovllayers(3) documents it), malloc'd
 * into *json, NUL-terminated; free() it.  -EINVAL for an origin. */
int ovl_layers_save_record(const struct ovl_layers *layers, char **json);

/* The log of a descriptor's mounts, as ovl_view_set_log() for a view. */
int ovl_layers_set_log(struct ovl_layers *layers, int priority,
		       ovl_log_fn fn, void *data, unsigned int flags);

/* Encode back, byte-identical to what was decoded or read (the origin
 * form for an origin descriptor).  Returns the length; with size 0 only
 * the length; -ERANGE when size is too small. */
ssize_t ovl_layers_encode(const struct ovl_layers *layers, void *buf,
			  size_t size);

void ovl_layers_free(struct ovl_layers *layers);

int ovl_layers_source(const struct ovl_layers *layers);
/* The overlay's mount options other than the layer paths (redirect_dir,
 * index, metacopy, uuid, userxattr, ...), comma separated, as mountinfo
 * shows them, for a descriptor read from an overlay; NULL otherwise. */
const char *ovl_layers_options(const struct ovl_layers *layers);
unsigned int ovl_layers_count(const struct ovl_layers *layers);
/* Record i, size bytes of it (sizeof(*rec)): the size this library
 * fills on success (see "Records that grow"), -EINVAL for a bad argument
 * or a size below OVL_LAYER_RECORD_SIZE_VER0 or above 4096. */
int ovl_layers_get_record(const struct ovl_layers *layers, unsigned int i,
			  struct ovl_layer_record *rec, size_t size);
/* The 0.1 layout only: use ovl_layers_get_record(). */
int ovl_layers_record(const struct ovl_layers *layers, unsigned int i,
		      struct ovl_layer_record *rec) OVL_LAYERS_DEPRECATED_0_1;

/* Resolve every record to a mount and a path in the view of pid (0: the
 * caller's).  Per-layer outcomes are statuses, not errors: returns 0 when
 * the resolution ran (whatever the statuses), -errno when it could not
 * (no /proc/PID, out of memory, ...).  Returns the number of records not
 * OK through *unresolved when that is not NULL. */
int ovl_layers_resolve(struct ovl_layers *layers, pid_t pid,
		       unsigned int flags, unsigned int *unresolved);
/* The same in view: pid 0 or pid are ovl_view_open(pid) of it. */
int ovl_layers_resolve_view(struct ovl_layers *layers, struct ovl_view *view,
			    unsigned int flags, unsigned int *unresolved);
/* Where record i is now, as ovl_layers_get_record() fills a record. */
int ovl_layers_get_location(const struct ovl_layers *layers, unsigned int i,
			    struct ovl_layer_location *loc, size_t size);
/* The 0.1 layout only: use ovl_layers_get_location(). */
int ovl_layers_location(const struct ovl_layers *layers, unsigned int i,
			struct ovl_layer_location *loc) OVL_LAYERS_DEPRECATED_0_1;

/* Set where record i is now, for a restorer that re-created or re-mounted
 * the layer filesystems itself and knows where each layer went (CRIU's
 * mount yard, say); ovl_layers_mount() then uses that path.  path must be
 * a directory.  If the filesystem there has the record's (non-null) uuid,
 * it was re-mounted, not re-created, and path must be the very directory
 * the record's handle names: -ESTALE otherwise.  On a filesystem with
 * another uuid (a new tmpfs filled from an archive) the handles are new
 * and identity cannot be checked.  Returns 1 when the handle confirmed
 * path, 0 when nothing could confirm it, a negative errno on failure
 * (-EINVAL for a bad argument or an origin record; the errors of
 * open(2) for path).  The location becomes OK, with path, the mount
 * ID and an O_PATH fd of the directory, which is what ovl_layers_mount()
 * mounts; flags: 0.  Since 0.3 the handle is compared whenever the record
 * has one, also where the filesystem cannot name its uuid. */
int ovl_layers_place(struct ovl_layers *layers, unsigned int i,
		     const char *path, unsigned int flags);
/* The same with a directory the restorer opened (and may have looked up
 * beneath its yard with openat2(2) RESOLVE_BENEATH): the fd is duplicated
 * and that very directory is mounted. */
int ovl_layers_place_fd(struct ovl_layers *layers, unsigned int i, int dirfd,
			unsigned int flags);

/* Mount a new overlay at target from a resolved descriptor (checkpoint/
 * restore): every layer must be OK or SHADOWED with an fd; else nothing
 * is mounted and -ENOENT is returned with the record's number in *failed.
 * Each layer is given to the kernel as /proc/self/fd/N of its fd; an OK
 * layer without one (resolved without OVL_RESOLVE_FD) is opened again by
 * its path beneath the root it was resolved in and must be the same
 * directory, -ESTALE otherwise.  options are the overlay's other options
 * (ovl_layers_options() of the saved overlay, plus the caller's), comma
 * separated, a value with commas in double quotes; they must not name
 * layers (-EINVAL).  Uses the new mount API (fsopen "overlay", lowerdir+
 * / datadir+ one layer at a time), so 500 layers fit.  flags: 0.  Other
 * errors come from fsconfig(2)/fsmount(2)/move_mount(2). */
int ovl_layers_mount(const struct ovl_layers *layers, const char *options,
		     const char *target, unsigned int flags,
		     unsigned int *failed);
/* The same, detached: returns the fsmount(2) fd of the new overlay, with
 * the mount attributes attr (MOUNT_ATTR_RDONLY, _NOSUID, _NODEV, _NOEXEC,
 * _NOATIME / _STRICTATIME / _RELATIME, _NODIRATIME, _NOSYMFOLLOW) set
 * before anyone sees it; the caller move_mount(2)s it and closes it. */
int ovl_layers_fsmount(const struct ovl_layers *layers, const char *options,
		       unsigned int attr, unsigned int flags,
		       unsigned int *failed);

/* Names for printing: "upper", "work", "lower", "data", "origin";
 * "ok", "shadowed", "unreachable", "no-mount", "stale", "no-handle",
 * "no-permission", "ambiguous", "not-probed", "unresolved"; "xattr", "statmount", "mountinfo",
 * "buffer", "origin".  NULL for an unknown value. */
const char *ovl_layer_kind_name(int kind);
const char *ovl_layer_status_name(int status);
const char *ovl_layers_source_name(int source);

/*
 * Who writes the layers xattr on this kernel (LIBOVLLAYERS_1.1).  Since
 * Linux 6.7 overlayfs stores any trusted.overlay.* or user.overlay.* name a
 * user sets and returns it on read, so without the series a value under
 * OVL_LAYERS_XATTR is whatever a user (a container) wrote.  The library
 * asks the running overlayfs on an overlay of its own, in a mount namespace
 * of its own, and believes a value only where the kernel is shown to
 * produce it; ovl_layers_read() and friends do this themselves.
 * ovl_layers_kernel_probe() returns the answer for the trusted name, or
 * with OVL_LAYERS_PROBE_USERXATTR for the user name of userxattr overlays,
 * or -errno where the kernel could not be asked (-EPERM: no privilege to
 * mount the probe's overlay, not even in a user namespace of its own).
 * ovl_layers_kernel_probe(3).
 */
enum ovl_layers_kernel {
	OVL_LAYERS_KERNEL_PRODUCES	= 1,	/* the series: read-only, the
						   kernel's own value */
	OVL_LAYERS_KERNEL_STORES	= 2,	/* 6.7+ without the series: the
						   name holds what a user set */
	OVL_LAYERS_KERNEL_NO_XATTR	= 3,	/* before 6.7: no overlay xattr
						   can be set or read */
};
#define OVL_LAYERS_PROBE_USERXATTR	(1u << 0)
int ovl_layers_kernel_probe(unsigned int flags);

/* A human-readable message for any error this library returns, including
 * its own meanings of -EMEDIUMTYPE, -ENODATA, -EPROTONOSUPPORT and
 * -EBADMSG (a layers value stored by a user, not produced by the kernel). */
const char *ovl_layers_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* OVLLAYERS_H */
