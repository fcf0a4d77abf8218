// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fallback for kernels without the layers xattr: the same descriptor,
 * derived from the layer path strings of the overlay's mount options.  It
 * trusts those strings, which is exactly what can be stale; the descriptor
 * is marked OVL_SOURCE_MOUNTINFO so callers can tell.  The strings
 * are the mounter's, so they are resolved beneath the root of the view
 * they were read in: a symlink on the way stays inside that root.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

/* btrfs answers FS_IOC_GETFSUUID with ENOTTY; its fsid is the s_uuid. */
#define OVL_BTRFS_MAGIC 0x9123683e
struct ovl_btrfs_fs_info {
	uint64_t max_id;
	uint64_t num_devices;
	uint8_t fsid[16];
	uint8_t rest[1024 - 32];
};
#define OVL_BTRFS_IOC_FS_INFO _IOR(0x94, 31, struct ovl_btrfs_fs_info)

int ovl_fs_uuid(int fd, const char *fstype, unsigned char uuid[16])
{
	struct ovl_fsuuid2 u = { .len = 16 };
	struct statfs sfs;
	bool btrfs;

	memset(uuid, 0, 16);
	if (ioctl(fd, OVL_FS_IOC_GETFSUUID, &u) == 0) {
		if (u.len > 16)
			return -EIO;
		memcpy(uuid, u.uuid, u.len);
		return u.len;
	}
	/* the kernel (before 6.9) or the filesystem cannot say: unknown,
	 * which is not the same as a null uuid */
	if (errno != ENOTTY && errno != EINVAL && errno != EOPNOTSUPP)
		return -errno;
	if (fstype)
		btrfs = !strcmp(fstype, "btrfs");
	else
		btrfs = !fstatfs(fd, &sfs) && sfs.f_type == OVL_BTRFS_MAGIC;
	if (btrfs) {
		struct ovl_btrfs_fs_info info;

		memset(&info, 0, sizeof(info));
		if (ioctl(fd, OVL_BTRFS_IOC_FS_INFO, &info))
			return -errno;
		memcpy(uuid, info.fsid, 16);
		return 16;
	}
	return 0;
}

/* /proc/self/fd/N, /proc/PID/fd/N: a layer handed to the kernel as an fd
 * (ovl_layers_mount() does that); the string names the mounter's fd. */
static bool is_fd_link(const char *dir)
{
	const char *p;
	size_t digits;

	if (strncmp(dir, "/proc/", strlen("/proc/")))
		return false;
	p = dir + strlen("/proc/");
	if (!strncmp(p, "self/", 5)) {
		p += 5;
	} else if (!strncmp(p, "thread-self/", 12)) {
		p += 12;
	} else {
		digits = strspn(p, "0123456789");
		if (!digits || p[digits] != '/')
			return false;
		p += digits + 1;
		if (!strncmp(p, "task/", 5)) {	/* /proc/PID/task/TID/ */
			digits = strspn(p + 5, "0123456789");
			if (!digits || p[5 + digits] != '/')
				return false;
			p += 5 + digits + 1;
		}
	}
	if (strncmp(p, "fd/", 3))
		return false;
	p += 3;
	digits = strspn(p, "0123456789");
	return digits && !p[digits];
}

/*
 * The handle of a layer root, as the kernel would record it: a handle
 * that decodes, else a FID (a filesystem that encodes handles it cannot
 * decode: a nested overlay without nfs_export), else none (NOFH).
 * Returns the record flag, or -errno.
 */
static int layer_handle(int fd, struct ovl_handle *h)
{
	int mnt_id;

	h->fh.handle_bytes = OVL_LAYERS_FID_MAX;
	if (!name_to_handle_at(fd, "", &h->fh, &mnt_id, AT_EMPTY_PATH))
		return 0;
	if (errno != EOPNOTSUPP && errno != EOVERFLOW)
		return -errno;
	h->fh.handle_bytes = OVL_LAYERS_FID_MAX;
	if (errno == EOPNOTSUPP &&
	    !name_to_handle_at(fd, "", &h->fh, &mnt_id,
			       AT_EMPTY_PATH | AT_HANDLE_FID))
		return OVL_LAYERS_LAYER_FID;
	/* EINVAL: a kernel before 6.5 knows no AT_HANDLE_FID */
	if (errno != EOPNOTSUPP && errno != EOVERFLOW && errno != EINVAL)
		return -errno;
	h->fh.handle_bytes = 0;
	h->fh.handle_type = 0;
	return OVL_LAYERS_LAYER_NOFH;
}

/*
 * The MOUNT_ATTR_* the kernel gives a layer (docs/layers-format.md: RDONLY,
 * NOSUID, NODEV, NOEXEC, NOSYMFOLLOW, IDMAP), from statfs(2) f_flags: the
 * mount's flags, but for ST_RDONLY, which a read-only superblock sets too
 * (the layer is then read-only whatever its mount says).  IDMAP is not in
 * f_flags: it comes from statmount's mnt_attr of the mount the path string
 * leads to, where the kernel can say (layer_attr()).  Overlayfs makes its
 * own clones of lower and data-only layers read-only: RDONLY for those
 * kinds.
 */
static uint64_t mount_attr(const struct statfs *sfs, unsigned int kind)
{
	static const struct {
		unsigned long st;
		uint64_t attr;
	} map[] = {
		{ ST_RDONLY, MOUNT_ATTR_RDONLY },
		{ ST_NOSUID, MOUNT_ATTR_NOSUID },
		{ ST_NODEV, MOUNT_ATTR_NODEV },
		{ ST_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ ST_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
	};
	uint64_t attr = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (sfs->f_flags & map[i].st)
			attr |= map[i].attr;
	if (kind == OVL_LAYERS_LOWER || kind == OVL_LAYERS_DATA)
		attr |= MOUNT_ATTR_RDONLY;
	return attr;
}

/* mount_attr() and the IDMAP of the mount fd is on */
static uint64_t layer_attr(int fd, const struct statfs *sfs, unsigned int kind)
{
	uint64_t attr = mount_attr(sfs, kind), mnt;

	if (!ovl_fd_mount_attr(fd, &mnt))
		attr |= mnt & MOUNT_ATTR_IDMAP;
	return attr;
}

/* What follows prefix in path ("" for prefix itself, no leading '/'), or
 * NULL when path is not at or below it. */
static const char *below(const char *path, const char *prefix)
{
	size_t n = strcmp(prefix, "/") ? strlen(prefix) : 0;

	if (strncmp(path, prefix, n) || (path[n] && path[n] != '/'))
		return NULL;
	for (path += n; *path == '/'; path++)
		;
	return path;
}

/*
 * The path of the layer directory fd from its filesystem's root, as
 * format 2 gives it: its mount's root (mountinfo's fourth field) and the
 * path below the mount point.  The kernel names fd and the view's root
 * in our view, so the part of one below the other is fd's path in the
 * view, which lies below the mount point mountinfo shows there.  NULL
 * where that cannot be told (a name that leads elsewhere, a removed
 * directory): the layer is then NOPATH.
 */
static char *layer_path(const struct ovl_view *v, struct ovl_mount_table *t,
			int fd, const struct ovl_ident *id)
{
	struct ovl_mnt *m = ovl_mount_table_find_id(t, id->mnt_id);
	const char *root = NULL, *target = NULL;
	char *kpath, *vroot, *out = NULL;

	if (m && !ovl_mnt_strings(t, m)) {
		root = m->root;
		target = m->target;
	}
	const char *in_view, *rel = NULL;

	if (!root || *root != '/' || !target || !id->nlink)
		return NULL;
	kpath = ovl_fd_path(fd);
	vroot = ovl_fd_path(v->rootfd);
	if (kpath && vroot && (in_view = below(kpath, vroot))) {
		/* below() dropped the '/' that in_view starts with */
		char *abs;

		if (asprintf(&abs, "/%s", in_view) >= 0) {
			rel = below(abs, target);
			if (rel && asprintf(&out, "%s%s%s", root,
					    *rel && strcmp(root, "/") ? "/" : "",
					    rel) < 0)
				out = NULL;
			free(abs);
		}
	}
	free(kpath);
	free(vroot);
	return out;
}

/*
 * Why the layer found at a path string may not be the overlay's: the path
 * leads through a mount younger than the overlay's (mount_age.c), made on
 * it or on a directory above it since the overlay was mounted.  NULL where
 * nothing says so, or nothing can tell (no unique mount IDs).
 */
static const char *doubt(uint64_t made_from, const struct ovl_mnt *on,
			 const struct ovl_mnt *overlay)
{
	if (!made_from || !on || !overlay || !on->unique_id ||
	    !overlay->unique_id || on->unique_id <= overlay->unique_id ||
	    on->unique_id < made_from)
		return NULL;
	return "its path string leads through a mount made after the "
	       "overlay's: the directory there may cover the layer the "
	       "overlay uses";
}

/*
 * Add one layer directory to the value as the kernel would: its
 * filesystem to the fs table the first time one of its layers comes
 * (keyed by the device of its superblock, mountinfo's: one for every
 * btrfs subvolume), then its layer entry.  BAD_UUID is set once all are
 * in (ovl_layers_from_mountinfo()).
 */
static int put_layer(struct ovl_fmt2_builder *b, const struct ovl_view *v,
		     struct ovl_mount_table *t, const char *dir,
		     unsigned int kind, unsigned int index, const char **why,
		     uint64_t made_from, const struct ovl_mnt *overlay,
		     const char **doubted)
{
	struct ovl_fmt2_layer layer = { .kind = kind, .index = index };
	struct ovl_handle h;
	struct ovl_ident id;
	struct ovl_mnt *mnt;
	struct statfs sfs;
	bool have_sfs;
	char *path = NULL;
	dev_t sb;
	int fd, err, flag;

	if (dir[0] != '/') {
		*why = "a layer path in the mount options is relative: it "
		       "depended on the mounter's working directory";
		ovl_err(&v->log, "%s layer %u (%s): relative, as the mounter's working directory resolved it",
			ovl_layers_kind_name(kind), index, dir);
		return -EINVAL;
	}
	if (is_fd_link(dir)) {
		*why = "a layer in the mount options was given as a file "
		       "descriptor (/proc/.../fd/N), a string that is stale "
		       "once the mounter closes it: only the layers xattr "
		       "can name that layer";
		return -EINVAL;
	}
	/* O_RDONLY, not O_PATH: FS_IOC_GETFSUUID needs a real open */
	fd = ovl_view_openat(v, dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		err = fd;
		*why = err == -ENOENT ?
		       "a layer path in the mount options does not exist: "
		       "the path strings are stale" :
		       err == -EXDEV || err == -ELOOP ?
		       "a layer path in the mount options leads through a "
		       "magic link out of the task's root" :
		       "a layer path in the mount options cannot be opened";
		ovl_err(&v->log, "%s layer %u (%s): %s", ovl_layers_kind_name(kind),
			index, dir, err == -ENOENT ?
			"does not exist: the path strings are stale" :
			err == -EXDEV || err == -ELOOP ?
			"leads through a magic link out of the task's root" :
			strerror(-err));
		return err;
	}
	err = ovl_ident(fd, &id);
	if (err)
		goto out;
	mnt = ovl_mount_table_find_id(t, id.mnt_id);
	sb = mnt ? mnt->dev : id.dev;
	*doubted = doubt(made_from, mnt, overlay);
	if (*doubted)
		ovl_log(&v->log, LOG_WARNING, __func__,
			"%s layer %u (%s): on mount %d, made after the "
			"overlay's (unique ID %llu > %llu): suspect",
			ovl_layers_kind_name(kind), index, dir, mnt->id,
			(unsigned long long)mnt->unique_id,
			(unsigned long long)overlay->unique_id);
	have_sfs = !fstatfs(fd, &sfs);
	err = ovl_fmt2_find_fs(b, major(sb), minor(sb));
	if (err < 0) {
		struct ovl_fmt2_fs fs = {
			.dev_major = major(sb),
			.dev_minor = minor(sb),
			.magic = ovl_fd_fs_magic(fd),
		};

		err = ovl_fs_uuid(fd, NULL, fs.uuid);
		if (err < 0) {
			*why = "cannot read the uuid of a layer's filesystem";
			goto out;
		}
		fs.uuid_len = err;
		err = ovl_fmt2_add_fs(b, &fs);
		if (err < 0)
			goto out;
	}
	layer.fs = err;
	flag = layer_handle(fd, &h);
	if (flag < 0) {
		err = flag;
		*why = "cannot encode the file handle of a layer root";
		goto out;
	}
	layer.fid = flag == OVL_LAYERS_LAYER_FID;
	layer.nofh = flag == OVL_LAYERS_LAYER_NOFH;
	layer.handle_type = h.fh.handle_type;
	layer.handle_bytes = h.fh.handle_bytes;
	memcpy(layer.handle, h.fh.f_handle, h.fh.handle_bytes);
	layer.attr = have_sfs ? layer_attr(fd, &sfs, kind) : 0;
	path = layer_path(v, t, fd, &id);
	layer.path = path;
	err = ovl_fmt2_add_layer(b, &layer);
out:
	free(path);
	close(fd);
	return err;
}

/*
 * Undo overlayfs's own escaping of a lowerdir list element, upperdir or
 * workdir (ovl_unescape()): a backslash quotes the next character.
 * lowerdir+ and datadir+ values are taken as they are by the kernel.
 */
static void unescape_layer(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (*s == '\\' && !*++s)
			break;
		*d++ = *s;
	}
	*d = '\0';
}

struct layer_list {
	char *upper, *work;
	char **lower;		/* lower then data, in order */
	unsigned int *kind;
	unsigned int n, cap;
};

static int list_add(struct layer_list *l, const char *path, size_t len,
		    unsigned int kind, bool escaped)
{
	char *copy;

	if (l->n == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 8;
		char **lower = realloc(l->lower, cap * sizeof(*lower));
		unsigned int *k;

		if (!lower)
			return -ENOMEM;
		l->lower = lower;
		k = realloc(l->kind, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		l->kind = k;
		l->cap = cap;
	}
	copy = strndup(path, len);
	if (!copy)
		return -ENOMEM;
	if (escaped)
		unescape_layer(copy);
	l->lower[l->n] = copy;
	l->kind[l->n++] = kind;
	return 0;
}

/* lowerdir=a:b::d1::d2 — "::" starts the data-only layers. */
static int split_lowerdir(struct layer_list *l, const char *v, size_t len)
{
	unsigned int kind = OVL_LAYERS_LOWER;
	size_t start = 0, i;
	int err;

	for (i = 0; i <= len; i++) {
		if (i < len && v[i] == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (i < len && v[i] != ':')
			continue;
		if (i > start) {
			err = list_add(l, v + start, i - start, kind, true);
			if (err)
				return err;
		}
		if (i + 1 < len && v[i + 1] == ':') {
			kind = OVL_LAYERS_DATA;
			i++;
		}
		start = i + 1;
	}
	return 0;
}

static void list_free(struct layer_list *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		free(l->lower[i]);
	free(l->lower);
	free(l->kind);
	free(l->upper);
	free(l->work);
}

static const char *const why_split =
	"the mount options do not split into options (an unbalanced quote)";
static const char *const why_quote =
	"a layer path in the mount options holds a double quote: the options "
	"cannot be split with certainty";

static int parse_options(const char *raw, struct layer_list *l,
			 const char **why)
{
	struct ovl_opt_iter it;
	char *name, *value;
	int err;

	err = ovl_opt_begin(&it, raw);
	while (!err && (err = ovl_opt_next(&it, true, &name, &value)) > 0) {
		const struct ovl_layer_option *o;
		char **one = NULL;

		err = 0;
		if (!value || !(o = ovl_layer_option(name)))
			continue;
		if (it.quoted) {
			*why = why_quote;
			err = -EINVAL;
		} else if (o->list) {
			err = split_lowerdir(l, value, strlen(value));
		} else if (o->kind == OVL_LAYERS_LOWER || o->kind == OVL_LAYERS_DATA) {
			err = list_add(l, value, strlen(value), o->kind, false);
		} else {
			one = o->kind == OVL_LAYERS_UPPER ? &l->upper : &l->work;
		}
		if (one) {
			free(*one);
			*one = strdup(value);
			if (*one)
				unescape_layer(*one);
			else
				err = -ENOMEM;
		}
	}
	if (err == -EINVAL && !*why)
		*why = why_split;
	ovl_opt_end(&it);
	return err;
}

/*
 * The layers of raw options in record order (upper, work, every lower
 * layer, then every data-only layer, each in mount order), checked to
 * make a value: at least one lower layer, upper and work together, at
 * most 500.
 */
static int ordered_layers(const char *raw, struct layer_list *l,
			  unsigned int *count, const char **why)
{
	unsigned int i, n = 0;
	int err;

	err = parse_options(raw, l, why);
	if (err)
		return err;
	/* a stable partition: the lower layers, then the data-only ones */
	for (i = 0; i < l->n; i++) {
		char *path = l->lower[i];

		if (l->kind[i] == OVL_LAYERS_DATA)
			continue;
		memmove(l->lower + n + 1, l->lower + n,
			(i - n) * sizeof(*l->lower));
		memmove(l->kind + n + 1, l->kind + n, (i - n) * sizeof(*l->kind));
		l->lower[n] = path;
		l->kind[n++] = OVL_LAYERS_LOWER;
	}
	*why = "the mount options name no lower layer";
	if (!l->n)
		return -EINVAL;
	*why = "the mount options name an upper layer without a work "
	       "directory, or the reverse";
	if (!l->upper != !l->work)
		return -EINVAL;
	*why = "the mount options name more than 500 layers";
	*count = l->n + (l->upper ? 2 : 0);
	if (*count > OVL_LAYERS_MAX_RECORDS)
		return -EINVAL;
	*why = NULL;
	return 0;
}

/* Record i's path and kind in an ordered list. */
static const char *nth_layer(const struct layer_list *l, unsigned int i,
			     unsigned int *kind)
{
	if (l->upper && i < 2) {
		*kind = i ? OVL_LAYERS_WORK : OVL_LAYERS_UPPER;
		return i ? l->work : l->upper;
	}
	i -= l->upper ? 2 : 0;
	*kind = l->kind[i];
	return l->lower[i];
}

/* Move the ordered list's strings into l->paths; one that cannot name a
 * directory of the view (relative, an fd's link) is left out. */
static int take_paths(struct ovl_layers *l, struct layer_list *list)
{
	unsigned int upper = list->upper ? 2 : 0;

	l->paths = calloc(l->count ? l->count : 1, sizeof(*l->paths));
	if (!l->paths)
		return -ENOMEM;
	for (unsigned int i = 0; i < l->count; i++) {
		char **slot = i < upper ? (i ? &list->work : &list->upper) :
			      &list->lower[i - upper];

		if (**slot == '/' && !is_fd_link(*slot)) {
			l->paths[i] = *slot;
			*slot = NULL;
		}
	}
	return 0;
}

/* BAD_UUID as the kernel sets it: a filesystem without a uuid, or whose
 * uuid another filesystem of the overlay has. */
static void mark_bad_uuids(struct ovl_fmt2_builder *b)
{
	for (unsigned int i = 0; i < b->nr_fs; i++) {
		struct ovl_fmt2_fs *fs = &b->fs[i];

		fs->bad_uuid = !fs->uuid_len || ovl_uuid_is_null(fs->uuid);
		for (unsigned int j = 0; j < b->nr_fs && !fs->bad_uuid; j++)
			fs->bad_uuid = j != i &&
				       !memcmp(b->fs[j].uuid, fs->uuid, 16);
	}
}

int ovl_layers_from_mountinfo(const struct ovl_view *v,
			      struct ovl_mount_table *t,
			      const struct ovl_mnt *overlay, const char *opts,
			      struct ovl_layers **out, const char **why)
{
	const char **doubts = NULL;
	uint64_t made_from;
	struct layer_list list = { 0 };
	struct ovl_fmt2_builder b;
	unsigned char *value = NULL;
	unsigned int count, i, kind, index = 0;
	struct ovl_layers *l;
	size_t len;
	int err;

	*why = NULL;
	if (!opts)
		return -EIO;
	ovl_fmt2_init(&b);
	made_from = ovl_mount_table_made_from(t);
	err = ordered_layers(opts, &list, &count, why);
	if (!err && count && !(doubts = calloc(count, sizeof(*doubts))))
		err = -ENOMEM;
	for (i = 0; !err && i < count; i++) {
		const char *path = nth_layer(&list, i, &kind);

		err = put_layer(&b, v, t, path, kind,
				kind == OVL_LAYERS_UPPER ||
				kind == OVL_LAYERS_WORK ? 0 : ++index, why,
				made_from, overlay, &doubts[i]);
	}
	if (!err) {
		mark_bad_uuids(&b);
		err = ovl_fmt2_finish(&b, &value, &len);
	}
	if (!err)
		err = ovl_layers_new_from_raw(value, len,
					      OVL_SOURCE_MOUNTINFO,
					      false, &l);
	if (!err) {
		err = take_paths(l, &list);
		if (err) {
			ovl_layers_free(l);
		} else {
			l->doubts = doubts;
			doubts = NULL;
			*out = l;
		}
	}
	free(doubts);
	ovl_fmt2_free(&b);
	list_free(&list);
	return err;
}

int ovl_layers_attach_paths(struct ovl_layers *l, const char *raw)
{
	struct layer_list list = { 0 };
	unsigned int count, kind, i;
	const char *why;
	int err;

	err = ordered_layers(raw, &list, &count, &why);
	if (err || count != l->count) {
		/* not the layers of these records: none kept */
		err = err == -ENOMEM ? err : 0;
		goto out;
	}
	for (i = 0; i < count; i++) {
		nth_layer(&list, i, &kind);
		if (kind != l->recs[i].kind)
			goto out;
	}
	err = take_paths(l, &list);
out:
	list_free(&list);
	return err;
}

int ovl_options_have(const char *raw, const char *name, bool *found)
{
	struct ovl_opt_iter it;
	char *opt, *value;
	int err;

	*found = false;
	err = ovl_opt_begin(&it, raw);
	while (!err && !*found &&
	       (err = ovl_opt_next(&it, true, &opt, &value)) > 0) {
		*found = !strcmp(opt, name);
		err = 0;
	}
	ovl_opt_end(&it);
	return err < 0 ? err : 0;
}

/*
 * The overlay's options other than the layer paths, as a checkpoint must
 * keep them to mount it again (redirect_dir, index, metacopy, uuid, an
 * LSM's context, ...), unescaped; a value with a comma is quoted again.
 */
int ovl_overlay_other_options(const char *raw, char **out, const char **why)
{
	struct ovl_opt_iter it;
	struct ovl_buf b = { 0 };
	char *name, *value;
	int err;

	*why = NULL;
	err = ovl_opt_begin(&it, raw);
	while (!err && (err = ovl_opt_next(&it, true, &name, &value)) > 0) {
		err = 0;
		/* the layers come from the descriptor; "rw" is the default */
		if (ovl_is_layer_option(name)) {
			if (value && it.quoted) {
				*why = why_quote;
				err = -EINVAL;
			}
			continue;
		}
		if (strcmp(name, "rw")) {
			err = ovl_opt_append(&b, name, value);
			if (err == -EINVAL)
				*why = "a mount option's value holds both a comma "
				       "and a double quote";
		}
	}
	if (!err)
		err = ovl_buf_put(&b, "", 1);
	if (err == -EINVAL && !*why)
		*why = why_split;
	ovl_opt_end(&it);
	if (err) {
		free(b.data);
		return err;
	}
	*out = (char *)b.data;
	return 0;
}
