// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What an fd is: the identity of a directory (device, inode, mount ID,
 * whether it is a mount root), its mount's unique ID, the kernel's path of
 * it, and the magic of its filesystem as the kernel's layers description
 * gives it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"

/* The one statx of an open file's identity: with its 32-bit mount ID, or
 * (unique not NULL) its unique one, which statx gives instead. */
static int ident(int fd, struct ovl_ident *id, uint64_t *unique)
{
	unsigned int mnt = unique ? STATX_MNT_ID_UNIQUE : STATX_MNT_ID;
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC,
		  STATX_TYPE | STATX_INO | STATX_NLINK | mnt, &stx))
		return -errno;
	if (!(stx.stx_mask & mnt) || !(stx.stx_mask & STATX_INO))
		return -EIO;	/* Linux 5.8 (6.8 for the unique ID) needed */
	id->dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	id->ino = stx.stx_ino;
	id->mode = stx.stx_mode;
	id->nlink = stx.stx_nlink;
	id->mnt_id = unique ? -1 : (int)stx.stx_mnt_id;
	id->mount_root = (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
			 (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
	if (unique)
		*unique = stx.stx_mnt_id;
	return 0;
}

int ovl_ident(int fd, struct ovl_ident *id)
{
	return ident(fd, id, NULL);
}

int ovl_ident_unique(int fd, struct ovl_ident *id, uint64_t *unique)
{
	return ident(fd, id, unique);
}

uint64_t ovl_unique_mount_id(int fd)
{
	struct ovl_ident id;
	uint64_t unique;

	return ident(fd, &id, &unique) ? 0 : unique;
}

void ovl_fd_link(int fd, char buf[OVL_FD_PATH_MAX])
{
	snprintf(buf, OVL_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

char *ovl_fd_path(int fd)
{
	char link[OVL_FD_PATH_MAX], buf[4096];
	ssize_t n;

	ovl_fd_link(fd, link);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || n >= (ssize_t)sizeof(buf) - 1)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/*
 * sb->s_magic of the filesystem fd is on, as the kernel's layers
 * description gives it: statmount's sb_magic.  statfs(2)'s f_type is the
 * same on most filesystems but not all (9p answers its server's), so it
 * is taken only where statmount cannot say (before 6.8, or a mount of
 * another namespace).  0 if neither can.
 */
uint64_t ovl_fd_fs_magic(int fd)
{
	struct ovl_mnt_id_req req = {
		.size = OVL_MNT_ID_REQ_SIZE_VER0,
		.mnt_id = ovl_unique_mount_id(fd),
		.param = OVL_SM_SB_BASIC,
	};
	struct ovl_statmount sm;
	struct statfs sfs;

	if (req.mnt_id &&
	    !syscall(SYS_statmount, &req, &sm, sizeof(sm), 0) &&
	    (sm.mask & OVL_SM_SB_BASIC))
		return sm.sb_magic;
	return fstatfs(fd, &sfs) ? 0 : (uint64_t)sfs.f_type;
}

/*
 * The MOUNT_ATTR_* of the mount fd is on (statmount's mnt_attr): 0, or
 * -errno where the kernel cannot say (before 6.8, or a mount of another
 * mount namespace than the caller's).  Of interest for MOUNT_ATTR_IDMAP,
 * which statfs(2) does not show.
 */
int ovl_fd_mount_attr(int fd, uint64_t *attr)
{
	struct ovl_mnt_id_req req = {
		.size = OVL_MNT_ID_REQ_SIZE_VER0,
		.mnt_id = ovl_unique_mount_id(fd),
		.param = OVL_SM_MNT_BASIC,
	};
	struct ovl_statmount sm;

	if (!req.mnt_id)
		return -EOPNOTSUPP;
	if (syscall(SYS_statmount, &req, &sm, sizeof(sm), 0))
		return -errno;
	if (!(sm.mask & OVL_SM_MNT_BASIC))
		return -EOPNOTSUPP;
	*attr = sm.mnt_attr;
	return 0;
}
