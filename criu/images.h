/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The part of CRIU's image format the plugin needs: the mount entries of a
 * mountpoints-<ns>.img, and setting MntEntry.with_plugin on some of them;
 * which of those images are the dump's (pstree.img, ids-<pid>.img).
 */
#ifndef OVLP_IMAGES_H
#define OVLP_IMAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* images/fstype.proto: FSTYPE__OVERLAYFS */
#define CRIU_FSTYPE_OVERLAYFS	17

/* One MntEntry (images/mnt.proto), the members the plugin reads. */
struct criu_mnt {
	uint32_t fstype;
	uint32_t mnt_id;
	uint32_t parent_mnt_id;
	uint32_t flags;		/* MS_* of the mount */
	uint32_t root_dev;	/* the superblock's st_dev, kernel encoding */
	char *root;		/* the mount's root inside its filesystem */
	char *mountpoint;	/* relative to the mount namespace's root */
	char *source;		/* mountinfo's source field */
	bool with_plugin;	/* as read (the last occurrence wins) */
	bool mark;		/* set with_plugin when writing back */
	size_t off, len;	/* the entry's protobuf bytes in the image */
};

struct criu_mnt_image {
	unsigned char *data;	/* the whole file */
	size_t size;
	size_t nents;
	struct criu_mnt *ents;
};

/* Parse the len bytes at buf (copied: img owns its data).  0, or -errno
 * (-EINVAL: not a mountpoints image, or a malformed one); on failure img
 * holds nothing to free. */
int criu_mnt_image_parse(const void *buf, size_t len,
			 struct criu_mnt_image *img);
/* Read and parse dir/name: criu_mnt_image_parse() of the file. */
int criu_mnt_image_read(int dir, const char *name, struct criu_mnt_image *img);
/* Write it back with with_plugin set on the marked entries, atomically
 * (a temporary file renamed over it). */
int criu_mnt_image_write(int dir, const char *name,
			 const struct criu_mnt_image *img);
void criu_mnt_image_free(struct criu_mnt_image *img);
/* Replace dir/name with buf, atomically (a temporary file created anew,
 * O_EXCL | O_NOFOLLOW, then renamed over it; not synced, as criu syncs
 * none of its images).  0 or -errno. */
int criu_write_file(int dir, const char *name, const void *buf, size_t len);
/* Open dir/name for reading if it is a regular file, without following a
 * symlink or blocking on a FIFO: the fd, -ENXIO for another kind of file,
 * or -errno (-ELOOP: a symlink). */
int criu_open_image_file(int dir, const char *name, struct stat *st);
/* Read all of dir/name (at most max bytes, -EFBIG beyond), opened as
 * criu_open_image_file() does, into a malloc'd, NUL-terminated buffer. */
int criu_read_file(int dir, const char *name, size_t max,
		   unsigned char **data, size_t *size);
/* No mount table of CRIU's comes near this. */
#define CRIU_IMAGE_MAX	(256u << 20)

/* Every value of the varint field `field` in the entries of an image of
 * kind magic (entries without it add none), in order, malloc'd.  0 or
 * -errno (-EINVAL: another kind of image, or a malformed one). */
int criu_image_u32s(const void *buf, size_t size, uint32_t magic,
		    unsigned int field, uint32_t **vals, size_t *n);
/* The mount namespaces of the dump in dir: the mnt_ns_id in the
 * ids-<pid>.img of every process of pstree.img, sorted, each once
 * (free() *ids).  0 or -errno, with the name of the image at fault in
 * bad. */
int criu_dump_mnt_namespaces(int dir, uint32_t **ids, size_t *n,
			     char *bad, size_t badlen);

const struct criu_mnt *criu_mnt_find(const struct criu_mnt_image *img,
				     uint32_t mnt_id);

/* What is wrong with a file of the images directory (a -errno of the
 * calls above), as a phrase. */
const char *criu_image_error(int err);
/* CRIU's name for a mount namespace's table, mountpoints-<ns>.img, and
 * nothing more: not a copy kept next to it (mountpoints-1.img.orig). */
bool criu_is_mnt_image(const char *name);

#endif
