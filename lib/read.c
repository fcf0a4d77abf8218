// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Read the descriptor of an overlay: find the overlay mount (by a path in
 * a view, an fd, or its mount ID), read the layers xattr of its root
 * where the kernel is shown to produce it (trust.c), or fall back to
 * mountinfo.
 *
 * The overlay is named by its mount ID once it is known: two overlays
 * stacked on one mount point share the path, not the ID.  Its root is
 * opened beneath the view's root through a mount of it that shows it
 * whole, without following symlinks, and must then be the root of that
 * very mount (statx mount ID and STATX_ATTR_MOUNT_ROOT), not of whatever
 * covers it.  The xattr is read through the fd (/proc/self/fd/N), so the
 * overlay's root is never opened for reading: nothing below it is asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "internal.h"

/* The root of candidate mount id at target, opened (an fd), or -errno:
 * -ENOENT where target is not that mount's root (covered). */
static int try_root(const struct ovl_view *v, const char *target, int mnt_id,
		    uint64_t want)
{
	struct ovl_ident id;
	int fd;

	fd = ovl_view_openat(v, target, O_PATH | O_DIRECTORY,
			     RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		return fd;
	if (!ovl_ident(fd, &id) && id.mnt_id == mnt_id && id.mount_root &&
	    (!want || ovl_unique_mount_id(fd) == want))
		return fd;
	close(fd);
	return -ENOENT;	/* covered by another mount */
}

/* A mount that may show the overlay's root whole: its root is the
 * filesystem's, and it is an overlay (its strings read) */
static bool is_candidate(const struct ovl_mnt *m)
{
	return m->fstype && !strcmp(m->fstype, "overlay") && m->root &&
	       !strcmp(m->root, "/");
}

/*
 * The root of overlay fs (its strings read), opened through fs or,
 * covered, another mount of its superblock that shows it whole.  The
 * other mounts' strings are read one by one and dropped again (a
 * statmount table's), so that a container with many mounts of it (bind
 * mounts at deep mount points) costs time, never memory.  want: its
 * unique mount ID, when the caller named it by that (else 0).
 */
static int open_overlay_root(const struct ovl_view *v,
			     struct ovl_mount_table *t, struct ovl_mnt *fs,
			     uint64_t want)
{
	int err = -ENOENT, fd;

	if (is_candidate(fs)) {
		fd = try_root(v, fs->target, fs->id, want);
		if (fd >= 0 || ovl_fatal_errno(-fd))
			return fd;
		err = fd;
	}
	for (size_t i = 0; i < t->n; i++) {
		struct ovl_mnt *c = &t->mnts[i];

		/* the device says the superblock: an overlay's, as fs is
		 * (statmount says its magic too) */
		if (c == fs || c->dev != fs->dev ||
		    (c->magic && c->magic != OVERLAYFS_MAGIC))
			continue;
		fd = ovl_mnt_strings(t, c);
		if (!fd && is_candidate(c))
			fd = try_root(v, c->target, c->id, want);
		else if (!fd)
			fd = err;
		ovl_mnt_forget(t, c);
		if (fd >= 0 || ovl_fatal_errno(-fd))
			return fd;
		err = fd;
	}
	return err;
}

static int check_flags(unsigned int flags, const char **why)
{
	if (flags & ~(OVL_READ_KERNEL_ONLY |
		      OVL_READ_MOUNTINFO_ONLY) ||
	    ((flags & OVL_READ_KERNEL_ONLY) &&
	     (flags & OVL_READ_MOUNTINFO_ONLY))) {
		*why = "unknown or contradictory flags";
		return -EINVAL;
	}
	return 0;
}

/*
 * The kernel's description of overlay fs, in the order of trust and cost:
 * statmount's field (the kernel's bytes, by mount ID: a covered overlay
 * too), else, its root opened, statmount through that fd (a view read
 * from mountinfo), else the xattr where the running overlayfs is shown to
 * produce it (trust.c, which also says what a covered root means).  0
 * with *val, *len and *source; -ENODATA where the kernel gives none;
 * *root is the root's fd when it was opened.
 */
static int kernel_value(const struct ovl_view *v, struct ovl_mount_table *t,
			struct ovl_mnt *fs, uint64_t want, bool userxattr,
			unsigned char **val, size_t *len, int *source,
			int *root, const char **why)
{
	bool offered;
	int err;

	*source = OVL_SOURCE_STATMOUNT;
	err = ovl_statmount_fs_layers(t, fs, -1, val, len, &offered);
	if (err != -ENODATA)
		goto said;
	*root = open_overlay_root(v, t, fs, want);
	/* covered (-ENOENT): the xattr route says whether that matters */
	if (*root < 0 && *root != -ENOENT) {
		*why = "cannot open the overlay's root";
		return *root;
	}
	if (*root >= 0 && t->way != OVL_MOUNT_TABLE_STATMOUNT) {
		err = ovl_statmount_fs_layers(t, fs, *root, val, len, &offered);
		if (err != -ENODATA)
			goto said;
	}
	if (offered)
		ovl_dbg(&v->log, "overlay %d: the kernel has statmount's layers field, but not for this caller (CAP_SYS_ADMIN over the overlay's superblock): the xattr",
			fs->id);
	*source = OVL_SOURCE_XATTR;
	return ovl_kernel_value(*root, userxattr, &v->log, val, len, why);
said:
	if (err == -EIO)
		*why = "statmount's layers field does not fit in its answer";
	return err;
}

/* The descriptor of the overlay mount fs of the view's table t. */
static int read_mount(const struct ovl_view *v, struct ovl_mount_table *t,
		      struct ovl_mnt *fs, uint64_t want, unsigned int flags,
		      struct ovl_layers **out, const char **why)
{
	struct ovl_layers *l = NULL;
	unsigned char *val = NULL;
	char *opts = NULL, *other = NULL;
	size_t len = 0;
	int err, root = -1, source = 0;
	bool userxattr;

	err = ovl_mnt_strings(t, fs);
	if (err) {
		*why = "out of memory";
		return err;
	}
	if (!fs->fstype || strcmp(fs->fstype, "overlay")) {
		*why = "not on an overlay";
		return -EMEDIUMTYPE;
	}
	err = ovl_mnt_super_options(t, fs, &opts);
	if (err) {
		*why = "the overlay's mount options are not in mountinfo";
		return err == -ENOMEM ? err : -EIO;
	}
	err = ovl_options_have(opts, "userxattr", &userxattr);
	if (!err)
		err = ovl_overlay_other_options(opts, &other, why);
	if (err) {
		if (!*why)
			*why = "the mount options do not split into options "
			       "(an unbalanced quote)";
		goto out;
	}

	err = -ENODATA;
	if (!(flags & OVL_READ_MOUNTINFO_ONLY))
		err = kernel_value(v, t, fs, want, userxattr, &val, &len,
				   &source, &root, why);
	if (!err) {
		struct ovl_error e;

		err = ovl_layers_validate(val, len, &e);
		if (err)
			*why = e.why;	/* static: the verdict's */
		if (!err)
			err = ovl_layers_new_from_raw(val, len, source, false,
						      &l);
		else
			free(val);
		/* the mounter's path strings: what a FID record, which no
		 * handle opens, can be verified by */
		if (!err)
			err = ovl_layers_attach_paths(l, opts);
		if (err && l) {
			ovl_layers_free(l);
			l = NULL;
		}
	} else if ((err == -ENODATA || err == -EBADMSG) &&
		   !(flags & OVL_READ_KERNEL_ONLY)) {
		if (err == -EBADMSG)
			ovl_log(&v->log, LOG_WARNING, __func__,
				"overlay %d: %s: ignored, the layers are read "
				"from the mount options", fs->id,
				*why);
		err = ovl_layers_from_mountinfo(v, t, fs, opts, &l, why);
	}
	if (!err) {
		l->mount_options = other;
		other = NULL;
		ovl_dbg(&v->log, "overlay %d (%s): %u records from %s",
			fs->id, fs->target, l->count,
			ovl_layers_source_name(l->source));
		*out = l;
		*why = NULL;
	}
out:
	if (root >= 0)
		close(root);
	free(other);
	free(opts);
	return err;
}

/*
 * The kernel's description of the overlay on the mount whose unique ID is
 * unique, from a table of that one mount (one statmount, which also says
 * its 32-bit ID: *mnt_id): 0 or -errno, or 1 where the whole table is
 * needed (a view that is not the caller's own, a kernel before 6.8, or no
 * description from the kernel: the fallback resolves the option strings
 * against the whole table).
 */
static int read_one(const struct ovl_view *v, uint64_t unique,
		    unsigned int flags, int *mnt_id, struct ovl_layers **out,
		    const char **why)
{
	struct ovl_mount_table *t;
	int err;

	if (flags & OVL_READ_MOUNTINFO_ONLY)
		return 1;
	err = ovl_mount_table_read_one(v, unique, &t);
	if (err)
		return err;
	*mnt_id = t->mnts[0].id;
	err = read_mount(v, t, &t->mnts[0], 0,
			 flags | OVL_READ_KERNEL_ONLY, out, why);
	ovl_mount_table_free(t);
	if ((err == -ENODATA || err == -EBADMSG) &&
	    !(flags & OVL_READ_KERNEL_ONLY))
		return 1;
	return err;
}

/*
 * The overlay that holds the file fd is open on, in view v.  One statx
 * gives the unique mount ID (6.8+) or the 32-bit one, not both: the
 * unique one names the mount for a read of it alone (read_one(), whose
 * statmount says the other), and the 32-bit one, from a second statx
 * where that statmount was not made, finds it in the whole table.
 */
static int read_fd_in(const struct ovl_view *v, int fd, unsigned int flags,
		      struct ovl_layers **out, const char **why)
{
	struct ovl_mount_table *t;
	struct ovl_mnt *fs;
	struct ovl_ident id;
	struct statfs sfs;
	uint64_t unique = 0;
	int err, mnt_id = -1;

	err = check_flags(flags, why);
	if (err)
		return err;
	err = ovl_ident_unique(fd, &id, &unique);
	if (err == -EIO)
		unique = 0;	/* before 6.8 */
	else if (err)
		goto no_stat;
	if (unique) {
		err = read_one(v, unique, flags, &mnt_id, out, why);
		if (err <= 0)
			return err;
	}
	*why = NULL;
	if (mnt_id < 0) {
		err = ovl_ident(fd, &id);
		if (err)
			goto no_stat;
		mnt_id = id.mnt_id;
	}
	err = ovl_mount_table_read(v, 0, 0, &t);
	if (err) {
		*why = ovl_mounts_why(err);
		return err;
	}
	fs = ovl_mount_table_find_id(t, mnt_id);
	if (fs) {
		err = read_mount(v, t, fs, 0, flags, out, why);
	} else if (!fstatfs(fd, &sfs) && sfs.f_type != OVERLAYFS_MAGIC) {
		*why = "not on an overlay";
		err = -EMEDIUMTYPE;
	} else {
		*why = "the overlay's mount is not in mountinfo (another "
		       "namespace?)";
		err = -EIO;
	}
	ovl_mount_table_free(t);
	return err;
no_stat:
	*why = "cannot stat the path";
	return err;
}

/* A path of the view (the caller's own: as open(2) would look it up; a
 * task's: beneath the task's root), opened O_PATH. */
static int open_in_view(struct ovl_view *view, const char *path,
			const char **why)
{
	int fd, err;

	if (!view->pid) {
		fd = open(path, O_PATH | O_CLOEXEC);
		fd = fd < 0 ? -errno : fd;
	} else {
		fd = ovl_view_openat(view, path, O_PATH, 0);
	}
	if (fd < 0) {
		err = ovl_view_alive(view);
		*why = err ? "no such process" : "cannot look up the path";
		return err ? err : fd;
	}
	return fd;
}

/* The checks and the mount table that every read by mount ID begins with. */
static int by_id_begin(const struct ovl_view *view, unsigned int flags,
		       struct ovl_mount_table **t, const char **why)
{
	int err = check_flags(flags, why);

	if (err)
		return err;
	err = ovl_mount_table_read(view, 0, 0, t);
	if (err)
		*why = ovl_mounts_why(err);
	return err;
}

/* The mount of t whose unique ID is mnt_id, as listmount/statmount name
 * every mount, covered or not, by both its IDs; NULL where the view's table
 * cannot be read that way, or has no such mount. */
static struct ovl_mnt *statmount_id(const struct ovl_view *view,
				    const struct ovl_mount_table *t,
				    uint64_t mnt_id)
{
	struct ovl_mount_table *sm = NULL;
	const struct ovl_mount_table *by = t;
	struct ovl_mnt *fs;
	int old = -1;

	/* read by statmount already, or now (a mountinfo snapshot's) */
	if (t->way != OVL_MOUNT_TABLE_STATMOUNT) {
		if (ovl_mount_table_read(view, 0, OVL_TABLE_FRESH, &sm))
			return NULL;
		by = sm;
	}
	for (size_t i = 0; by->way == OVL_MOUNT_TABLE_STATMOUNT &&
	     i < by->n && old < 0; i++)
		if (by->mnts[i].unique_id == mnt_id)
			old = by->mnts[i].id;
	ovl_mount_table_free(sm);
	fs = old >= 0 ? ovl_mount_table_find_id(t, old) : NULL;
	if (fs)
		ovl_dbg(&view->log, "unique mount ID %llu is mount %d, by statmount",
			(unsigned long long)mnt_id, old);
	return fs;
}

static int read_mount_id(struct ovl_view *view, int mnt_id,
			 unsigned int flags, struct ovl_layers **out,
			 const char **why)
{
	struct ovl_mount_table *t;
	struct ovl_mnt *fs;
	int err;

	err = by_id_begin(view, flags, &t, why);
	if (err)
		return err;
	fs = ovl_mount_table_find_id(t, mnt_id);
	if (fs) {
		err = read_mount(view, t, fs, 0, flags, out, why);
	} else {
		err = -ENOENT;
		*why = "no mount with that ID in this view";
	}
	ovl_mount_table_free(t);
	return err;
}

/*
 * The overlay whose unique mount ID (statx STATX_MNT_ID_UNIQUE, statmount
 * and listmount's, Linux 6.8+) is mnt_id: statmount says its mountinfo ID
 * where the view's table can be read that way (a covered overlay too),
 * else each overlay of the view's table is opened as read_mount() opens
 * it, and the one whose root has that ID is read.  Unique IDs are never
 * reused, so unlike a mountinfo ID this one cannot name another mount
 * later; the root read_mount() opens must have it.
 */
static int read_mount_unique(struct ovl_view *view, uint64_t mnt_id,
			     unsigned int flags, struct ovl_layers **out,
			     const char **whyp)
{
	const char *why = NULL;
	struct ovl_mount_table *t;
	struct ovl_mnt *fs;
	bool any = false, covered = false;
	int err;

	err = by_id_begin(view, flags, &t, &why);
	if (err) {
		*whyp = why;
		return err;
	}
	fs = statmount_id(view, t, mnt_id);
	if (fs) {
		err = read_mount(view, t, fs, mnt_id, flags, out, &why);
		ovl_mount_table_free(t);
		*whyp = why;
		return err;
	}
	/* statmount lists every mount of the view, covered or not, by its
	 * unique ID: none has that one, and no overlay's root needs opening
	 * to say so (nor every overlay's strings reading, as many as a
	 * container makes) */
	if (t->way == OVL_MOUNT_TABLE_STATMOUNT) {
		ovl_mount_table_free(t);
		*whyp = "no overlay with that unique mount ID in this view";
		return -ENOENT;
	}
	/* mountinfo's table: every string is there */
	err = -ENOENT;
	why = "no overlay with that unique mount ID in this view";
	for (size_t i = 0; err == -ENOENT && i < t->n; i++) {
		int fd;

		fs = &t->mnts[i];
		if (!is_candidate(fs))
			continue;
		fd = open_overlay_root(view, t, fs, 0);
		if (fd < 0) {
			if (ovl_fatal_errno(-fd))
				err = fd;
			covered |= fd == -ENOENT;
			ovl_dbg(&view->log, "overlay %d (%s): its root cannot be opened: %s",
				fs->id, fs->target,
				fd == -ENOENT ? "covered by another mount" : strerror(-fd));
			continue;
		}
		any = true;
		if (ovl_unique_mount_id(fd) == mnt_id) {
			ovl_dbg(&view->log, "unique mount ID %llu is overlay %d (%s)",
				(unsigned long long)mnt_id, fs->id, fs->target);
			err = read_mount(view, t, fs, mnt_id, flags, out, &why);
		}
		close(fd);
	}
	if (err == -ENOENT && any && !ovl_unique_mount_id(view->rootfd)) {
		err = -EOPNOTSUPP;
		why = "the kernel has no unique mount IDs (Linux 6.8+)";
	} else if (err == -ENOENT && covered) {
		why = "no overlay of this view that can be reached has that "
		      "unique mount ID (one covered by another mount cannot "
		      "be read)";
	}
	ovl_mount_table_free(t);
	*whyp = why;
	return err;
}

/* The flags that say which overlay, and those that say how to read it. */
#define READ_BY_ID	(OVL_READ_MNT_ID | OVL_READ_MNT_ID_UNIQUE)

/* The one reader (2.0): by path, by fd or by mount ID, in view (NULL: the
 * caller's own). */
static int read_in(struct ovl_view *view, int fd, const char *path,
		   uint64_t mnt_id, unsigned int flags,
		   struct ovl_layers **out, const char **why)
{
	unsigned int by = flags & READ_BY_ID;
	int pfd, err;

	flags &= ~READ_BY_ID;
	if (by == OVL_READ_MNT_ID) {
		if (mnt_id > INT_MAX)
			return -EINVAL;
		return read_mount_id(view, (int)mnt_id, flags, out, why);
	}
	if (by == OVL_READ_MNT_ID_UNIQUE)
		return read_mount_unique(view, mnt_id, flags, out, why);
	if (path) {
		pfd = open_in_view(view, path, why);
		if (pfd < 0)
			return pfd;
		err = read_fd_in(view, pfd, flags, out, why);
		close(pfd);
		return err;
	}
	/* an fd is the caller's: only the caller's own view has it */
	if (view->pid) {
		*why = "an fd is read in the caller's own view only";
		return -EINVAL;
	}
	return read_fd_in(view, fd, flags, out, why);
}

OVL_EXPORT
int ovl_layers_read(struct ovl_view *view, int fd, const char *path,
		    uint64_t mnt_id, unsigned int flags,
		    struct ovl_layers **out, struct ovl_error *err)
{
	unsigned int by = flags & READ_BY_ID;
	struct ovl_view *own = NULL;
	const char *why = NULL;
	int ret;

	/* exactly one target: a path, an fd or a mount ID */
	if (!out || by == READ_BY_ID ||
	    (by ? path || fd != -1 || !mnt_id :
		  mnt_id || (path ? fd != -1 : fd < 0)))
		return ovl_seterr(err, -EINVAL, "bad argument: give one of a "
			       "path, an fd or a mount ID");
	if (!view) {
		ret = ovl_view_open(0, 0, &own, err);
		if (ret)
			return ret;
		view = own;
	}
	ovl_view_lock(view);
	ret = read_in(view, fd, path, mnt_id, flags, out, &why);
	ovl_view_unlock(view);
	ovl_view_unref(own);
	return ovl_seterr(err, ret, why);
}
