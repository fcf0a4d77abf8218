// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the resolver assumes of filesystems and of the caller: which
 * filesystems can block (never opened unless a record names them), which
 * spell names one way (a path string can then stand for the kernel's
 * path), which may casefold, whether the caller may decode handles, and
 * which path strings name a directory one way only.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "resolver.h"

/* Filesystems whose server may never answer: FUSE (its daemon can be
 * frozen with the container, or gone), network filesystems (libmount's
 * mnt_fstype_is_netfs() list, and more), autofs. */
bool ovl_fs_can_block(const struct ovl_mnt *fs)
{
	static const char *const types[] = {
		"fuse", "fuseblk", "cifs", "smb3", "smbfs", "ceph",
		"autofs", "afs", "ncpfs", "glusterfs", "virtiofs",
	};
	const char *type = fs->fstype;
	const char *src = fs->source;

	if (!type || !strncmp(type, "fuse.", 5) || !strncmp(type, "nfs", 3) ||
	    !strncmp(type, "9p", 2))
		return true;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i]))
			return true;
	/* a network source: "host:/export", "[v6]:/x", "//server/share" */
	if (src && (!strncmp(src, "//", 2) ||
		    (src[0] != '/' && strchr(src, ':') &&
		     strchr(src, ':') < strchrnul(src, '/'))))
		return true;
	return false;
}

/*
 * A path string that names a directory one way only: absolute, no empty,
 * "." or ".." component, no trailing slash.  Only such a string, once it
 * is shown to lead to the directory, can stand for the kernel's path.
 */
bool ovl_path_canonical(const char *p)
{
	if (*p != '/')
		return false;
	if (!p[1])
		return true;
	for (const char *c = p + 1;; ) {
		const char *end = strchrnul(c, '/');
		size_t n = end - c;

		if (!n || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!*end)
			return true;
		c = end + 1;
	}
}

/*
 * Filesystems whose names are spelled one way: a lookup of a name finds
 * only the entry of that very name, unless a directory is casefolded
 * (ext4, f2fs, tmpfs: FS_CASEFOLD_FL, asked below).  On any other (vfat,
 * exfat, ntfs, hfs, iso9660, cifs, zfs with casesensitivity=insensitive,
 * or one not known here) a path string may find a directory spelled
 * otherwise, and the kernel's own path is read instead.
 */
bool ovl_fs_spelled_one_way(const char *fstype)
{
	static const char *const types[] = {
		"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs",
		"squashfs", "erofs", "overlay", "ramfs", "bcachefs",
	};

	for (size_t i = 0; fstype && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(fstype, types[i]))
			return true;
	return false;
}

/*
 * Whether open_by_handle_at(2) would decode for the caller: with
 * CAP_DAC_READ_SEARCH in the initial user namespace it does; without, an
 * O_PATH decode (as try_sb() asks) fails with EPERM whatever the mount
 * (fs/fhandle.c).  capget(2) says what the caller has in its own user
 * namespace, which must then be the initial one.  Asked once.
 */
#define OVL_PROC_USER_INIT_INO	0xEFFFFFFDU
bool ovl_rsv_may_decode(struct resolver *r)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	struct stat st;

	if (r->asked_caps)
		return r->may_decode;
	r->asked_caps = true;
	r->may_decode = !syscall(SYS_capget, &hdr, data) &&
			(data[CAP_DAC_READ_SEARCH / 32].effective &
			 (1u << (CAP_DAC_READ_SEARCH % 32))) &&
			!stat("/proc/self/ns/user", &st) &&
			st.st_ino == OVL_PROC_USER_INIT_INO;
	return r->may_decode;
}

/*
 * Of ovl_fs_spelled_one_way()'s, those with casefolded directories (the ext4
 * driver also mounts ext2 and ext3; an overlay shows its layers'), in a
 * kernel that can casefold at all: every filesystem's casefolding needs
 * CONFIG_UNICODE, and since 6.13 tmpfs lists "casefold" in
 * /sys/fs/tmpfs/features exactly when it is there.  Asked once.
 */
bool ovl_rsv_may_casefold(struct resolver *r, const char *fstype)
{
	struct stat st;

	if (!strcmp(fstype, "xfs") || !strcmp(fstype, "btrfs") ||
	    !strcmp(fstype, "squashfs") || !strcmp(fstype, "erofs") ||
	    !strcmp(fstype, "ramfs"))
		return false;
	if (r->unicode < 0)
		r->unicode = stat("/sys/fs/tmpfs/features", &st) ||
			     !stat("/sys/fs/tmpfs/features/casefold", &st) ||
			     errno != ENOENT;
	return r->unicode;
}
