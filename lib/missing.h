/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel interfaces newer than Debian 12's headers (glibc 2.36, Linux 6.1
 * uapi): each defined only where the system's headers do not, with the
 * release that added it.  The one place for them: the library, the CLI,
 * the plugin, the benchmarks and the tests include this file rather than
 * define their own.  The series' own format is not here: that is
 * include/ovllayers/overlayfs.h.
 */
#ifndef OVL_MISSING_H
#define OVL_MISSING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/*
 * FS_IOC_GETFSUUID and struct fsuuid2 (linux/fs.h, 6.9), under names of
 * our own, so that a file that also includes a newer linux/fs.h still
 * builds.  Needs an fd opened O_RDONLY; btrfs answers ENOTTY.
 */
struct ovl_fsuuid2 {
	uint8_t len;
	uint8_t uuid[16];
};
#define OVL_FS_IOC_GETFSUUID	_IOR(0x15, 0, struct ovl_fsuuid2)

/* linux/fcntl.h, 6.5 */
#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID		0x200
#endif
/* linux/fcntl.h, 6.12: name_to_handle_at(2) gives the unique mount ID
 * (a u64) instead of the 32-bit one; an older kernel says EINVAL */
#ifndef AT_HANDLE_MNT_ID_UNIQUE
#define AT_HANDLE_MNT_ID_UNIQUE	0x001
#endif

/* linux/statfs.h, 5.10 */
#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW		0x2000
#endif

/* linux/stat.h */
#ifndef STATX_MNT_ID
#define STATX_MNT_ID		0x00001000U	/* 5.8 */
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE	0x00004000U	/* 6.8 */
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT	0x00002000	/* 5.8 */
#endif

/* linux/nsfs.h: the id of a mount namespace (6.11), or the generic NS_GET_ID */
#define OVL_NS_GET_MNTNS_ID	_IOR(0xb7, 0x5, uint64_t)
#define OVL_NS_GET_ID		_IOR(0xb7, 13, uint64_t)

/* statmount(2) and listmount(2), 6.8: the same numbers on every arch */
#ifndef SYS_statmount
#define SYS_statmount		457
#endif
#ifndef SYS_listmount
#define SYS_listmount		458
#endif
#ifndef __NR_statmount
#define __NR_statmount		SYS_statmount
#endif

/* struct mnt_id_req (linux/mount.h) */
struct ovl_mnt_id_req {
	uint32_t size;
	uint32_t fd;		/* mnt_ns_fd (6.18), or with OVL_STATMOUNT_BY_FD
				 * the mount's fd (7.0); spare before */
	uint64_t mnt_id;
	uint64_t param;
	uint64_t mnt_ns_id;	/* 6.11 */
};
#define OVL_MNT_ID_REQ_SIZE_VER0	24
#define OVL_MNT_ID_REQ_SIZE_VER1	32	/* with mnt_ns_id (6.11) */
#define OVL_LSMT_ROOT			0xffffffffffffffffULL
#define OVL_STATMOUNT_BY_FD		0x1U	/* flags, 7.0 */

/*
 * struct statmount (linux/mount.h) as of 7.3, 512 bytes, then the strings
 * at offsets from str; fs_layers and fs_layers_len are the kernel series'
 * (kernel-patches/, STATMOUNT_FS_LAYERS), spare on other kernels.
 */
struct ovl_statmount {
	uint32_t size, mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags, fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master;
	uint64_t propagate_from;
	uint32_t mnt_root, mnt_point;
	uint64_t mnt_ns_id;
	uint32_t fs_subtype, sb_source;
	uint32_t opt_num, opt_array, opt_sec_num, opt_sec_array;
	uint64_t supported_mask;
	uint32_t mnt_uidmap_num, mnt_uidmap, mnt_gidmap_num, mnt_gidmap;
	uint32_t fs_layers, fs_layers_len;	/* the series */
	uint64_t __spare2[42];
	char str[];
};
_Static_assert(offsetof(struct ovl_statmount, fs_layers) == 168,
	       "struct statmount");
_Static_assert(sizeof(struct ovl_statmount) == 512, "struct statmount");

#define OVL_SM_SB_BASIC		0x0001U
#define OVL_SM_MNT_BASIC	0x0002U
#define OVL_SM_MNT_ROOT		0x0008U
#define OVL_SM_MNT_POINT	0x0010U
#define OVL_SM_FS_TYPE		0x0020U
#define OVL_SM_MNT_NS_ID	0x0040U	/* 6.11 */
#define OVL_SM_MNT_OPTS		0x0080U	/* 6.10 */
#define OVL_SM_FS_SUBTYPE	0x0100U
#define OVL_SM_SB_SOURCE	0x0200U
#define OVL_SM_SUPPORTED_MASK	0x1000U	/* 6.15 */
#define OVL_SM_FS_LAYERS	0x8000U	/* the series */

#endif /* OVL_MISSING_H */
