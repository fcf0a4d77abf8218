// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Re-create an overlay from its layer descriptor.
 *
 * The layers are named by where they are *now*, never by the path strings
 * saved at checkpoint time: where the resolution found them, or where the
 * restorer put them (ovl_layers_place(): a checkpoint/restore tool that
 * re-created the layer filesystems knows where each one is, and the
 * descriptor checks it wherever the filesystem kept its identity).
 *
 * What is mounted is the directory that was found and checked, not what a
 * path names by the time the kernel walks it: every layer goes to the
 * kernel as an fd the library holds (FSCONFIG_SET_FD, where overlayfs
 * takes one, since 6.13), or as /proc/self/fd/N of it (the kernel follows
 * that link to the very file).  A layer
 * resolved without OVL_RESOLVE_FD is opened again by its path beneath the
 * root of the view it was resolved in, and must be the same directory
 * (device and inode) as then.
 *
 * The new mount API takes one layer per fsconfig() call (lowerdir+,
 * datadir+), so 500 layers fit where mount(2)'s one-page option string
 * would not, and fsmount() sets the mount's attributes on the detached
 * mount, before anyone can see it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int same_handle(int fd, const struct ovl_layer_record *rec,
		       void *mnt, int at)
{
	struct ovl_handle h = { .fh.handle_bytes = OVL_LAYERS_FID_MAX };

	/* a FID is what AT_HANDLE_FID gives, which a handle that decodes
	 * need not be */
	if (rec->flags & OVL_LAYERS_LAYER_FID)
		at |= AT_HANDLE_FID;
	if (name_to_handle_at(fd, "", &h.fh, mnt, AT_EMPTY_PATH | at))
		return -errno;
	return h.fh.handle_type == rec->fh_type &&
	       h.fh.handle_bytes == rec->fid_len &&
	       !memcmp(h.fh.f_handle, rec->fid, rec->fid_len);
}

int ovl_same_handle(int fd, const struct ovl_layer_record *rec)
{
	int mnt;

	return same_handle(fd, rec, &mnt, 0);
}

int ovl_same_handle_mnt(int fd, const struct ovl_layer_record *rec,
			uint64_t *unique)
{
	return same_handle(fd, rec, unique, AT_HANDLE_MNT_ID_UNIQUE);
}

/*
 * Whether dirfd is the record's directory: 1 its handle (or FID) says so,
 * 0 nothing can say (a re-created filesystem, or one whose uuid does not
 * name it and whose handle differs), -ESTALE another directory of the very
 * filesystem the record names (same non-null uuid, not flagged BAD_UUID).
 */
static int check_place(int dirfd, const struct ovl_layer_record *rec)
{
	bool named = !ovl_uuid_is_null(rec->uuid) &&
		     !(rec->fs_flags & OVL_LAYERS_FS_BAD_UUID);
	unsigned char uuid[16];
	int fd, known, same;

	if (rec->flags & OVL_LAYERS_LAYER_NOFH)
		return 0;
	/* O_RDONLY, not O_PATH: FS_IOC_GETFSUUID needs a real open */
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	known = ovl_fs_uuid(fd, NULL, uuid);
	close(fd);
	if (known < 0)
		return known;
	/* another filesystem (a tmpfs filled from an archive): its
	 * handles are new, only the restorer's bookkeeping can tell */
	if (known && !ovl_uuid_is_null(rec->uuid) && memcmp(uuid, rec->uuid, 16))
		return 0;
	same = ovl_same_handle(dirfd, rec);
	if (same == 1)
		return 1;
	if (same < 0 && same != -EOPNOTSUPP && same != -EOVERFLOW &&
	    same != -EINVAL)
		return same;
	/* the very filesystem re-mounted must give the same directory */
	if (known && named)
		return -ESTALE;
	return 0;
}

static int place_fd(struct ovl_layers *layers, unsigned int i, int dirfd,
		    unsigned int flags)
{
	const struct ovl_layer_record *rec;
	struct ovl_ident id;
	struct ovl_loc *loc;
	int err, verified, fd;

	if (!layers || dirfd < 0 || flags || i >= layers->count)
		return -EINVAL;
	rec = &layers->recs[i];
	if (rec->kind == OVL_LAYERS_ORIGIN)
		return -EINVAL;
	err = ovl_ident(dirfd, &id);
	if (err)
		return err;
	if (!S_ISDIR(id.mode))
		return -ENOTDIR;
	verified = check_place(dirfd, rec);
	if (verified < 0)
		return verified;
	fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	loc = &layers->locs[i];
	ovl_loc_clear(loc);
	loc->fd = fd;	/* the directory checked is the one mounted */
	loc->path = ovl_fd_path(fd);
	loc->status = OVL_STATUS_OK;
	loc->mnt_id = id.mnt_id;
	loc->mnt_id_unique = ovl_unique_mount_id(fd);
	loc->dev = id.dev;
	loc->ino = id.ino;
	return verified;
}

static int place(struct ovl_layers *layers, unsigned int i, const char *path,
		 unsigned int flags)
{
	char *copy;
	int fd, ret;

	if (!layers || !path || flags || i >= layers->count)
		return -EINVAL;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	copy = strdup(path);
	ret = copy ? place_fd(layers, i, fd, 0) : -ENOMEM;
	close(fd);
	if (ret >= 0) {
		/* the restorer's own name for it, as it gave it */
		free(layers->locs[i].path);
		layers->locs[i].path = copy;
	} else {
		free(copy);
	}
	return ret;
}

static const char *place_why(int ret)
{
	switch (ret) {
	case -ESTALE:
		return "the directory is on the record's filesystem but is not "
		       "the one its handle names";
	case -ENOTDIR:
		return "not a directory";
	case -EINVAL:
		return "bad argument, or an origin record";
	}
	return NULL;
}

OVL_EXPORT
int ovl_layers_place_fd(struct ovl_layers *layers, unsigned int i, int dirfd,
			unsigned int flags, struct ovl_error *err)
{
	int ret = place_fd(layers, i, dirfd, flags);

	return ovl_seterr_at(err, ret, place_why(ret),
			     ret < 0 && layers && i < layers->count ? (int)i : -1,
			     -1);
}

OVL_EXPORT
int ovl_layers_place(struct ovl_layers *layers, unsigned int i,
		     const char *path, unsigned int flags,
		     struct ovl_error *err)
{
	int ret = place(layers, i, path, flags);

	return ovl_seterr_at(err, ret, place_why(ret),
			     ret < 0 && layers && i < layers->count ? (int)i : -1,
			     -1);
}

/*
 * An fd of layer i to hand the kernel: the one held, or its path opened
 * again beneath the root it was resolved in, which must still be the same
 * directory.  *owned is set to an fd the caller closes.
 */
static int layer_fd(const struct ovl_layers *l, unsigned int i, int *owned)
{
	const struct ovl_loc *loc = &l->locs[i];
	struct ovl_ident id;
	int fd, err;

	*owned = -1;
	if (loc->fd >= 0 && (loc->status == OVL_STATUS_OK ||
			     loc->status == OVL_STATUS_SHADOWED))
		return loc->fd;
	if (loc->status != OVL_STATUS_OK || !loc->path || !l->view)
		return -ENOENT;
	fd = ovl_view_openat(l->view, loc->path, O_PATH | O_DIRECTORY,
			     RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		return fd == -ELOOP || fd == -ENOTDIR ? -ESTALE : fd;
	if (loc->by_handle) {
		/* the record's directory on the very mount: its handle
		 * (inode and generation) on that mount's superblock */
		uint64_t unique = 0;
		int same = ovl_same_handle_mnt(fd, &l->recs[i], &unique);

		err = same < 0 ? same : 0;
		if (same == 0 || (same == 1 && unique != loc->mnt_id_unique))
			err = -ESTALE;	/* the path leads elsewhere now */
	} else {
		err = ovl_ident(fd, &id);
		if (!err && (id.dev != loc->dev || id.ino != loc->ino))
			err = -ESTALE;	/* the path leads elsewhere now */
	}
	if (err) {
		close(fd);
		return err;
	}
	*owned = fd;
	return fd;
}

/*
 * Give the kernel layer fd: the file itself where overlayfs takes one
 * (FSCONFIG_SET_FD, Linux 6.13 and later; it then shows the directory's
 * path in mountinfo), else the link to it, /proc/self/fd/N, which the
 * kernel follows to that very directory too (and shows as it is).  The
 * first EINVAL from SET_FD means the kernel takes strings only.
 */
static int set_layer(int fsfd, const char *key, int fd, bool *by_fd)
{
	char link[OVL_FD_PATH_MAX];

	if (*by_fd) {
		/* fsconfig() takes no O_PATH fd */
		int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int err;

		if (dfd < 0)
			return -errno;
		err = fsconfig(fsfd, FSCONFIG_SET_FD, key, NULL, dfd) ? -errno : 0;
		close(dfd);
		if (err != -EINVAL)
			return err;
		*by_fd = false;
	}
	ovl_fd_link(fd, link);
	return fsconfig(fsfd, FSCONFIG_SET_STRING, key, link, 0) ? -errno : 0;
}

/*
 * Apply a comma-separated option string with fsconfig(): split as
 * libmount splits it (options.c), quotes taken off values ("rw" is the default and skipped).
 */
/*
 * What the kernel said about the mount it refused: its fs_context log,
 * read from the fs fd ("e ", "w ", "i " lines, then ENODATA), into the
 * descriptor's log.  Read only when someone listens: the kernel drops the
 * messages with the fd.
 */
static void kernel_messages(const struct ovl_layers *l, int fsfd,
			    struct ovl_error *err, int code, int layer,
			    const char *what)
{
	const struct ovl_log *lg = ovl_layers_log(l);
	bool told = false;
	char msg[1024];
	ssize_t n;

	while (fsfd >= 0 && (n = read(fsfd, msg, sizeof(msg) - 1)) > 0) {
		int prio = LOG_ERR;
		const char *text = n > 2 && msg[1] == ' ' ? msg + 2 : msg;

		msg[n] = '\0';
		while (n > 0 && msg[n - 1] == '\n')
			msg[--n] = '\0';
		if (n > 2 && msg[1] == ' ')
			prio = msg[0] == 'w' ? LOG_WARNING :
			       msg[0] == 'i' ? LOG_INFO : LOG_ERR;
		if (ovl_log_on(lg, prio))
			ovl_log(lg, prio, "ovl_layers_fsmount", "kernel: %s",
				text);
		if (prio == LOG_ERR && !told) {
			ovl_seterr_fmt(err, code, layer, "%s: %s (the kernel: "
				       "%s)", what, strerror(-code), text);
			told = true;
		}
	}
	if (!told)
		ovl_seterr_fmt(err, code, layer, "%s: %s", what,
			       strerror(-code));
}

static int apply_options(const struct ovl_layers *layers, int fsfd,
			 const char *options, struct ovl_error *e)
{
	struct ovl_opt_iter it;
	char *name, *value;
	int err;

	err = ovl_opt_begin(&it, options);
	while (!err && (err = ovl_opt_next(&it, false, &name, &value)) > 0) {
		err = 0;
		if (ovl_is_layer_option(name)) {
			/* the descriptor names the layers */
			ovl_err(ovl_layers_log(layers),
				"option %s: the layers are the descriptor's, "
				"not options", name);
			err = ovl_seterr_fmt(e, -EINVAL, -1, "option %s: the "
					     "layers are the descriptor's, not "
					     "options", name);
		} else if (strcmp(name, "rw")) {
			if (value)
				err = fsconfig(fsfd, FSCONFIG_SET_STRING, name,
					       value, 0);
			else
				err = fsconfig(fsfd, FSCONFIG_SET_FLAG, name,
					       NULL, 0);
			if (err) {
				err = -errno;
				kernel_messages(layers, fsfd, e, err, -1,
						name);
			}
		}
	}
	if (err < 0 && !ovl_error_code(e))
		ovl_seterr(e, err, err == -EINVAL ? "the options do not split "
			   "into options (an unbalanced quote)" : NULL);
	ovl_opt_end(&it);
	return err;
}

/*
 * A layer given through an idmapped mount (format 2's MOUNT_ATTR_IDMAP)
 * is mounted only from a directory on an idmapped mount, which the
 * restorer made and placed (ovl_layers_place_fd()): the library cannot
 * re-create the mapping, and a layer mounted without it would show its
 * files with other owners.  0, or -EOPNOTSUPP with the reason logged.
 */
static int check_idmap(const struct ovl_layers *l, unsigned int i, int fd)
{
	const struct ovl_layer_record *r = &l->recs[i];
	uint64_t attr;

	if (!(r->valid & OVL_RECORD_VALID_ATTR) ||
	    !(r->attr & MOUNT_ATTR_IDMAP))
		return 0;
	if (!ovl_fd_mount_attr(fd, &attr) && (attr & MOUNT_ATTR_IDMAP))
		return 0;
	ovl_err(ovl_layers_log(l), "layer %u was given through an idmapped mount and its directory here is on a mount without one: mounted so, its files would have other owners (place a directory of an idmapped mount)",
		i);
	return -EOPNOTSUPP;
}

#define OVL_MOUNT_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | \
			 MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | \
			 MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME | \
			 MOUNT_ATTR_NOSYMFOLLOW)

static int do_fsmount(const struct ovl_layers *layers, const char *options,
		      unsigned int attr, unsigned int flags,
		      struct ovl_error *e)
{
	unsigned int count, i;
	int *owned, fsfd = -1, mntfd, err = 0;
	bool by_fd = true;

	if (!layers || flags || (attr & ~OVL_MOUNT_ATTRS))
		return ovl_seterr(e, -EINVAL, "bad argument");
	count = layers->count;
	owned = malloc((count ? count : 1) * sizeof(*owned));
	if (!owned)
		return ovl_seterr(e, -ENOMEM, NULL);
	for (i = 0; i < count; i++)
		owned[i] = -1;

	/* Every layer must be there, and still itself, before anything is
	 * mounted. */
	for (i = 0; i < count; i++) {
		int fd;

		if (!ovl_layer_option_key(layers->recs[i].kind)) {
			err = ovl_seterr_at(e, -EINVAL, "an origin record "
					    "is no layer", (int)i, -1);
			break;
		}
		fd = layer_fd(layers, i, &owned[i]);
		if (fd < 0) {
			ovl_err(ovl_layers_log(layers), "layer %u: %s", i,
				fd == -ESTALE ? "its path leads to another directory now" :
				fd == -ENOENT ? "not resolved: no fd and no path" :
				strerror(-fd));
			err = ovl_seterr_at(e, fd, fd == -ESTALE ?
					    "its path leads to another "
					    "directory now" : fd == -ENOENT ?
					    "not resolved: no fd and no path" :
					    NULL, (int)i, -1);
			break;
		}
		err = check_idmap(layers, i, fd);
		if (err) {
			ovl_seterr_at(e, err, "given through an idmapped "
				      "mount, and its directory here is on a "
				      "mount without one: mounted so, its "
				      "files would have other owners", (int)i,
				      -1);
			break;
		}
	}
	if (err)
		goto out;

	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0) {
		err = ovl_seterr(e, -errno, "fsopen(\"overlay\")");
		goto out;
	}
	for (i = 0; i < count; i++) {
		err = set_layer(fsfd, ovl_layer_option_key(layers->recs[i].kind),
				owned[i] >= 0 ? owned[i] : layers->locs[i].fd,
				&by_fd);
		if (err) {
			ovl_err(ovl_layers_log(layers), "layer %u (%s): %s", i,
				ovl_layer_option_key(layers->recs[i].kind),
				strerror(-err));
			kernel_messages(layers, fsfd, e, err, (int)i,
					ovl_layer_option_key(layers->recs[i].kind));
			goto out;
		}
	}
	err = apply_options(layers, fsfd, options, e);
	if (err)
		goto out;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		err = -errno;
		kernel_messages(layers, fsfd, e, err, -1, "creating the overlay");
		goto out;
	}
	mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, attr);
	err = mntfd < 0 ? -errno : mntfd;
	if (mntfd < 0)
		kernel_messages(layers, fsfd, e, err, -1, "fsmount");
out:
	if (fsfd >= 0)
		close(fsfd);
	for (i = 0; i < count; i++)
		if (owned[i] >= 0)
			close(owned[i]);
	free(owned);
	return err;
}

OVL_EXPORT
int ovl_layers_fsmount(const struct ovl_layers *layers, const char *options,
		       unsigned int attr, unsigned int flags,
		       struct ovl_error *err)
{
	ovl_seterr_reset(err);
	return do_fsmount(layers, options, attr, flags, err);
}

OVL_EXPORT
int ovl_layers_mount(const struct ovl_layers *layers, const char *options,
		     const char *target, unsigned int flags,
		     struct ovl_error *err)
{
	int mntfd, tfd, ret = 0;

	ovl_seterr_reset(err);
	if (!layers || !target || flags)
		return ovl_seterr(err, -EINVAL, "bad argument");
	/* the target first: its failure is the target's, not a layer's */
	tfd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		return ovl_seterr_fmt(err, -errno, -1, "the target %s: %s",
				      target, strerror(errno));
	mntfd = do_fsmount(layers, options, 0, 0, err);
	if (mntfd < 0) {
		close(tfd);
		return mntfd;
	}
	if (move_mount(mntfd, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH |
		       MOVE_MOUNT_T_EMPTY_PATH))
		ret = ovl_seterr_fmt(err, -errno, -1, "mounting on the target "
				     "%s: %s", target, strerror(errno));
	close(mntfd);
	close(tfd);
	return ret;
}
