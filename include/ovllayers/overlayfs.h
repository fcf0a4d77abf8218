/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The description of an overlay's layers that overlayfs gives through
 * statmount(2) (STATMOUNT_FS_LAYERS) and through the read-only xattr
 * "trusted.overlay.layers" ("user.overlay.layers" with userxattr) of the
 * overlay root: the same bytes from the same function.
 * See Documentation/filesystems/overlayfs.rst, "Layers description".
 *
 * Native endian, natural alignment.  Every struct starts with its size in
 * bytes and may grow at its end: a reader uses the fields that fit in the
 * size it finds, and steps over the rest.
 *
 *   struct ovl_layers_hdr    the header, at offset 0
 *   struct ovl_layers_fs     @nr_fs of them from @fs_off: each filesystem
 *                            that holds a layer, once
 *   struct ovl_layers_layer  @nr_layers of them from @layer_off: upper,
 *                            work, lower layers, data-only lower layers
 *   data                     handle bytes and NUL-terminated paths, at the
 *                            offsets the layer entries give
 *
 * All offsets are from the start of the header; the whole is @len bytes.
 */
#ifndef _UAPI_LINUX_OVERLAYFS_H
#define _UAPI_LINUX_OVERLAYFS_H

#include <linux/types.h>

#define OVL_LAYERS_XATTR	"trusted.overlay.layers"
#define OVL_LAYERS_XATTR_USER	"user.overlay.layers"

struct ovl_layers_hdr {
	__u32	size;		/* sizeof(struct ovl_layers_hdr) */
	__u32	len;		/* bytes of the whole description */
	__u32	fs_off;		/* offset of the first struct ovl_layers_fs */
	__u32	nr_fs;		/* number of filesystems */
	__u32	layer_off;	/* offset of the first struct ovl_layers_layer */
	__u32	nr_layers;	/* number of layers, the work directory included */
	__u32	flags;		/* none defined yet: 0 */
	__u32	__spare;	/* 0 */
};

#define OVL_LAYERS_HDR_SIZE_VER0	32	/* sizeof first published struct */

/* A filesystem that holds one layer or more, in order of first use */
struct ovl_layers_fs {
	__u32	size;		/* sizeof(struct ovl_layers_fs) */
	__u32	flags;		/* OVL_LAYERS_FS_* */
	__u32	dev_major;	/* sb->s_dev, as mountinfo and statmount(2) */
	__u32	dev_minor;	/* show it: valid on this boot only */
	__u64	magic;		/* sb->s_magic, as statfs(2) f_type */
	__u8	uuid_len;	/* bytes of @uuid in use, 0 if the fs has none */
	__u8	__pad[7];	/* 0 */
	__u8	uuid[16];	/* the uuid FS_IOC_GETFSUUID gives */
};

#define OVL_LAYERS_FS_SIZE_VER0	48

/*
 * Overlayfs decided at mount time not to rely on this filesystem's uuid
 * to find origins (null, or shared with another lower filesystem, see
 * "UUID and fsid" in overlayfs.rst).
 */
#define OVL_LAYERS_FS_BAD_UUID	0x00000001

struct ovl_layers_layer {
	__u32	size;		/* sizeof(struct ovl_layers_layer) */
	__u16	kind;		/* OVL_LAYERS_UPPER... */
	__u16	fs;		/* its filesystem: index in the fs table */
	__u32	index;		/* 0 upper and work, 1..n lower then data-only */
	__u32	flags;		/* OVL_LAYERS_LAYER_* */
	__u64	attr;		/* MOUNT_ATTR_* of the layer's mount */
	__s32	handle_type;	/* file_handle.handle_type */
	__u32	handle_bytes;	/* file_handle.handle_bytes, 0 with NOFH */
	__u32	handle_off;	/* offset of file_handle.f_handle's bytes */
	__u32	path_off;	/* offset of the path, NUL-terminated */
	__u32	path_len;	/* bytes of the path, without the NUL */
	__u32	__spare;	/* 0 */
};

#define OVL_LAYERS_LAYER_SIZE_VER0	48

/* Layer kinds */
#define OVL_LAYERS_UPPER	1
#define OVL_LAYERS_WORK		2	/* the work directory */
#define OVL_LAYERS_LOWER	3
#define OVL_LAYERS_DATA		4	/* data-only lower layer */

/* Layer flags */
/* The handle identifies the directory, open_by_handle_at(2) cannot open it */
#define OVL_LAYERS_LAYER_FID		0x00000001
/* No handle could be encoded: handle_type and handle_bytes are 0 */
#define OVL_LAYERS_LAYER_NOFH		0x00000002
/* No path could be given (directory unlinked, or too long): path_len is 0 */
#define OVL_LAYERS_LAYER_NOPATH		0x00000004

#endif /* _UAPI_LINUX_OVERLAYFS_H */
