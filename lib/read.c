// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Read the descriptor of an overlay: find the overlay mount that holds a
 * path, read the layers xattr of its root, or fall back to mountinfo.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <signal.h>
#include <unistd.h>

#include "internal.h"

static bool have_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_SYS_ADMIN / 32].effective &
	       (1u << (CAP_SYS_ADMIN % 32));
}

static int mount_id_of(int fd, int *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx))
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -EIO;
	*id = (int)stx.stx_mnt_id;
	return 0;
}

/*
 * Open the root of the overlay superblock that @fs is a mount of: its own
 * mount point when that mount shows the whole overlay, otherwise another
 * mount of the same overlay that does.  The mount point may be covered,
 * so check that the opened directory really is on that mount.
 */
static int open_overlay_root(pid_t pid, struct libmnt_table *tb,
			     struct libmnt_fs *fs)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	dev_t dev = mnt_fs_get_devno(fs);
	struct libmnt_fs *cand = fs;
	int err = -ENOENT;

	if (!it)
		return -ENOMEM;
	do {
		const char *root = mnt_fs_get_root(cand);
		char path[4096];
		int fd, id;

		if (mnt_fs_get_devno(cand) != dev || !root ||
		    strcmp(root, "/"))
			continue;
		if (ovl_proc_path(pid, mnt_fs_get_target(cand), path,
				  sizeof(path)))
			continue;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		if (!mount_id_of(fd, &id) && id == mnt_fs_get_id(cand)) {
			mnt_free_iter(it);
			return fd;
		}
		close(fd);
	} while (mnt_table_next_fs(tb, it, &cand) == 0);
	mnt_free_iter(it);
	return err;
}

static int read_xattr(int fd, const char *name, unsigned char **val,
		      size_t *len)
{
	for (int tries = 0; tries < 4; tries++) {
		ssize_t n = fgetxattr(fd, name, NULL, 0);
		unsigned char *buf;

		if (n < 0)
			return -errno;
		buf = malloc(n ? n : 1);
		if (!buf)
			return -ENOMEM;
		n = fgetxattr(fd, name, buf, n);
		if (n >= 0) {
			*val = buf;
			*len = n;
			return 0;
		}
		free(buf);
		if (errno != ERANGE)
			return -errno;
	}
	return -EIO;
}

static int read_at(pid_t pid, int fd, unsigned int flags,
		   struct ovl_layers **out, const char **why)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_fs *fs;
	struct statfs sfs;
	struct ovl_layers *l = NULL;
	unsigned char *val = NULL;
	char *opts = NULL;
	size_t len = 0;
	int id, err, root = -1;
	bool userxattr;

	if (flags & ~(OVL_LAYERS_READ_XATTR_ONLY |
		      OVL_LAYERS_READ_MOUNTINFO_ONLY) ||
	    ((flags & OVL_LAYERS_READ_XATTR_ONLY) &&
	     (flags & OVL_LAYERS_READ_MOUNTINFO_ONLY))) {
		*why = "unknown or contradictory flags";
		return -EINVAL;
	}
	if (fstatfs(fd, &sfs))
		return -errno;
	if (sfs.f_type != OVERLAYFS_MAGIC) {
		*why = "not on an overlay";
		return -EMEDIUMTYPE;
	}
	err = mount_id_of(fd, &id);
	if (!err)
		err = ovl_mountinfo_load(pid, &tb);
	if (err) {
		*why = "cannot read mountinfo";
		return err;
	}
	fs = ovl_mountinfo_find_id(tb, id);
	err = -EIO;
	if (fs)
		err = ovl_mountinfo_super_options(pid, id, &opts);
	if (err) {
		*why = "the overlay's mount is not in mountinfo (another "
		       "namespace?)";
		err = -EIO;
		goto out;
	}
	userxattr = ovl_options_have(opts, "userxattr");

	err = -ENODATA;
	if (!(flags & OVL_LAYERS_READ_MOUNTINFO_ONLY)) {
		root = open_overlay_root(pid, tb, fs);
		err = root < 0 ? root :
		      read_xattr(root, userxattr ? OVL_LAYERS_XATTR_USER :
				 OVL_LAYERS_XATTR, &val, &len);
		/* without CAP_SYS_ADMIN the kernel hides it as ENODATA */
		if (err == -ENODATA && !have_sys_admin())
			err = -EPERM;
		*why = err == -EPERM ? "no privilege to read the layers xattr "
				       "(CAP_SYS_ADMIN)" :
		       err == -ENODATA ? "the kernel does not export the "
					 "layers xattr" :
		       root < 0 ? "cannot open the overlay's root" :
		       "cannot read the layers xattr";
	}
	if (!err) {
		err = ovl_layers_validate(val, len, NULL, why);
		if (!err)
			err = ovl_layers_new_from_raw(val, len,
						      OVL_LAYERS_SOURCE_XATTR,
						      false, &l);
		else
			free(val);
	} else if (err == -ENODATA && !(flags & OVL_LAYERS_READ_XATTR_ONLY)) {
		*why = NULL;
		err = ovl_layers_from_mountinfo(pid, opts, &l, why);
	}
	if (!err) {
		l->mount_options = ovl_overlay_other_options(opts);
		if (!l->mount_options) {
			ovl_layers_free(l);
			err = -ENOMEM;
		} else {
			*out = l;
			*why = NULL;
		}
	}
out:
	if (root >= 0)
		close(root);
	free(opts);
	mnt_unref_table(tb);
	return err;
}

OVL_EXPORT
int ovl_layers_read_fd(int fd, unsigned int flags, struct ovl_layers **out)
{
	const char *why;

	if (fd < 0 || !out)
		return -EINVAL;
	return read_at(0, fd, flags, out, &why);
}

OVL_EXPORT
int ovl_layers_read_reason(pid_t pid, const char *path, unsigned int flags,
			   struct ovl_layers **out, const char **reason)
{
	const char *why = NULL;
	char full[4096];
	int fd, err;

	if (!path || !out || pid < 0) {
		why = "bad argument";
		err = -EINVAL;
		goto out;
	}
	err = ovl_proc_path(pid, path, full, sizeof(full));
	if (err) {
		why = "the path is too long";
		goto out;
	}
	fd = open(full, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		why = "cannot look up the path";
		if (pid && kill(pid, 0) && errno == ESRCH) {
			err = -ESRCH;
			why = "no such process";
		}
		goto out;
	}
	err = read_at(pid, fd, flags, out, &why);
	close(fd);
out:
	if (reason)
		*reason = err ? (why ? why : ovl_layers_strerror(err)) : NULL;
	return err;
}

OVL_EXPORT
int ovl_layers_read(pid_t pid, const char *path, unsigned int flags,
		    struct ovl_layers **out)
{
	return ovl_layers_read_reason(pid, path, flags, out, NULL);
}
