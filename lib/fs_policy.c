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

/*
 * What is assumed of each filesystem type, in one table read once per
 * mount (ovl_rsv_ent_ready()), the first byte compared before the rest:
 *
 * OVL_FS_BLOCKS: its server may never answer: FUSE (its daemon can be
 * frozen with the container, or gone), network filesystems (libmount's
 * mnt_fstype_is_netfs() list, and more), autofs; with "fuse.*", "nfs*",
 * "9p*" and a network source below.
 *
 * OVL_FS_ONE_WAY: names are spelled one way: a lookup of a name finds
 * only the entry of that very name, unless a directory is casefolded
 * (OVL_FS_CASEFOLD: ext4, f2fs, tmpfs, bcachefs, FS_CASEFOLD_FL; the ext4
 * driver also mounts ext2 and ext3; an overlay shows its layers').  On any
 * other (vfat, exfat, ntfs, hfs, iso9660, cifs, zfs with
 * casesensitivity=insensitive, or one not known here) a path string may
 * find a directory spelled otherwise, and the kernel's own path is read
 * instead.
 */
static const struct {
	const char *name;
	unsigned int class;
} fs_types[] = {
	{ "ext4", OVL_FS_ONE_WAY | OVL_FS_CASEFOLD },
	{ "xfs", OVL_FS_ONE_WAY },
	{ "tmpfs", OVL_FS_ONE_WAY | OVL_FS_CASEFOLD },
	{ "btrfs", OVL_FS_ONE_WAY },
	{ "overlay", OVL_FS_ONE_WAY | OVL_FS_CASEFOLD },
	{ "ext2", OVL_FS_ONE_WAY | OVL_FS_CASEFOLD },
	{ "ext3", OVL_FS_ONE_WAY | OVL_FS_CASEFOLD },
	{ "f2fs", OVL_FS_ONE_WAY | OVL_FS_CASEFOLD },
	{ "squashfs", OVL_FS_ONE_WAY },
	{ "erofs", OVL_FS_ONE_WAY },
	{ "ramfs", OVL_FS_ONE_WAY },
	{ "bcachefs", OVL_FS_ONE_WAY | OVL_FS_CASEFOLD },
	{ "fuse", OVL_FS_BLOCKS },
	{ "fuseblk", OVL_FS_BLOCKS },
	{ "cifs", OVL_FS_BLOCKS },
	{ "smb3", OVL_FS_BLOCKS },
	{ "smbfs", OVL_FS_BLOCKS },
	{ "ceph", OVL_FS_BLOCKS },
	{ "autofs", OVL_FS_BLOCKS },
	{ "afs", OVL_FS_BLOCKS },
	{ "ncpfs", OVL_FS_BLOCKS },
	{ "glusterfs", OVL_FS_BLOCKS },
	{ "virtiofs", OVL_FS_BLOCKS },
};

unsigned int ovl_fs_class(const char *type)
{
	if (!type || !strncmp(type, "fuse.", 5) || !strncmp(type, "nfs", 3) ||
	    !strncmp(type, "9p", 2))
		return OVL_FS_BLOCKS;
	for (size_t i = 0; i < sizeof(fs_types) / sizeof(fs_types[0]); i++)
		if (fs_types[i].name[0] == type[0] &&
		    !strcmp(type, fs_types[i].name))
			return fs_types[i].class;
	return 0;
}

/* The class of fs: OVL_FS_BLOCKS also for a network source ("host:/export",
 * "[v6]:/x", "//server/share") whatever its type says. */
unsigned int ovl_fs_mount_class(const struct ovl_mnt *fs)
{
	unsigned int class = ovl_fs_class(fs->fstype);
	const char *src = fs->source;

	if (src && (!strncmp(src, "//", 2) ||
		    (src[0] != '/' && strchr(src, ':') &&
		     strchr(src, ':') < strchrnul(src, '/'))))
		class |= OVL_FS_BLOCKS;
	return class;
}

bool ovl_fs_can_block(const struct ovl_mnt *fs)
{
	return ovl_fs_mount_class(fs) & OVL_FS_BLOCKS;
}

bool ovl_fs_spelled_one_way(const char *fstype)
{
	return ovl_fs_class(fstype) & OVL_FS_ONE_WAY;
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
 * Whether a directory of e's filesystem may be casefolded, in a kernel that
 * can casefold at all: every filesystem's casefolding needs CONFIG_UNICODE,
 * and since 6.13 tmpfs lists "casefold" in /sys/fs/tmpfs/features exactly
 * when it is there.  What the features say is the running kernel's, so it
 * is asked once per process; no answer (no /sys, a kernel before 6.13)
 * means "may", asked again by the next resolver.
 */
static int kernel_unicode = -1;	/* -1 not known yet */

bool ovl_rsv_may_casefold(struct resolver *r, const struct mount_ent *e)
{
	struct stat st;
	int known;

	if (!(e->fs_class & OVL_FS_CASEFOLD))
		return false;
	if (r->unicode >= 0)
		return r->unicode;
	known = __atomic_load_n(&kernel_unicode, __ATOMIC_RELAXED);
	if (known >= 0) {
		r->unicode = known;
	} else if (stat("/sys/fs/tmpfs/features", &st)) {
		r->unicode = 1;
	} else {
		r->unicode = !stat("/sys/fs/tmpfs/features/casefold", &st) ||
			     errno != ENOENT;
		__atomic_store_n(&kernel_unicode, r->unicode, __ATOMIC_RELAXED);
	}
	return r->unicode;
}
