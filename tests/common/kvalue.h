/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A layers value as a kernel with the series writes it, computed
 * independently of the library (name_to_handle_at, FS_IOC_GETFSUUID,
 * stat, statfs): format 2 (ovt_v2_value()), what the mountinfo fallback
 * writes and the host tests compare its output with; and format 1
 * (ovt_header(), ovt_record()), what a kernel of series v2 writes, which
 * the library still reads and the hostile suite forges as a container
 * would.
 */
#ifndef OVT_KVALUE_H
#define OVT_KVALUE_H

#include <check.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../../include/ovllayers/overlayfs.h"
#include "../../lib/missing.h"

/* The (version 1) record the kernel would write for dir, computed
 * independently: le16 len, then the fields of version 0. */
static inline size_t ovt_record(unsigned char *rec, const char *dir,
			    unsigned int kind, unsigned int index)
{
	struct {
		struct file_handle fh;
		unsigned char b[128];
	} h = { .fh.handle_bytes = 128 };
	struct ovl_fsuuid2 u = { .len = 16 };
	unsigned char *out = rec + 2;
	struct stat st;
	int fd, mnt;

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert(!fstat(fd, &st));
	memset(out, 0, 33);
	if (ioctl(fd, OVL_FS_IOC_GETFSUUID, &u) == 0)
		memcpy(out + 17, u.uuid, 16);
	ck_assert(!name_to_handle_at(fd, "", &h.fh, &mnt, AT_EMPTY_PATH));
	close(fd);
	out[0] = kind;
	out[2] = index & 0xff;
	out[3] = index >> 8;
	for (int i = 0; i < 4; i++) {
		out[4 + i] = major(st.st_dev) >> (8 * i);
		out[8 + i] = minor(st.st_dev) >> (8 * i);
	}
	out[12] = 0;
	out[13] = 0xfb;
	out[14] = 21 + h.fh.handle_bytes;
	out[15] = kind <= 2 ? 0x04 : 0;
	out[16] = h.fh.handle_type;
	memcpy(out + 33, h.fh.f_handle, h.fh.handle_bytes);
	rec[0] = 2 + 33 + h.fh.handle_bytes;
	rec[1] = 0;
	return 2 + 33 + h.fh.handle_bytes;
}

/* The 4-byte header of a format 1 value of count records. */
static inline size_t ovt_header(unsigned char *v, unsigned int count)
{
	v[0] = 1;
	v[1] = 0xfc;
	v[2] = count & 0xff;
	v[3] = count >> 8;
	return 4;
}

/*
 * Format 2.  One layer directory: dir, the mount point of the whole-fs
 * mount it is on (its path from the filesystem's root is what follows
 * that), its kind and index.
 */
struct ovt_layer {
	const char *dir, *mount_point;
	unsigned int kind, index;
};

/*
 * The MOUNT_ATTR_* a kernel of the series gives a layer
 * (docs/layers-format.md): its mount's RDONLY, NOSUID, NODEV, NOEXEC and
 * NOSYMFOLLOW (from statvfs(3) f_flag here; no idmapped mount in these
 * tests), and RDONLY on lower and data-only layers, whose clones
 * overlayfs makes read-only itself.
 */
static inline __u64 ovt_attr(const char *dir, unsigned int kind)
{
	struct statvfs sv;
	__u64 attr = 0;

	ck_assert(!statvfs(dir, &sv));
	if (sv.f_flag & ST_RDONLY)
		attr |= 0x01;			/* MOUNT_ATTR_RDONLY */
	if (sv.f_flag & ST_NOSUID)
		attr |= 0x02;
	if (sv.f_flag & ST_NODEV)
		attr |= 0x04;
	if (sv.f_flag & ST_NOEXEC)
		attr |= 0x08;
	if (kind == 3 || kind == 4)		/* lower, data-only */
		attr |= 0x01;
	if (sv.f_flag & 0x2000)			/* ST_NOSYMFOLLOW */
		attr |= 0x00200000;
	return attr;
}

/*
 * The value of n layers, laid out as the library writes it: the header,
 * the fs table (each filesystem once, in order of first use), the layer
 * table, then each layer's handle bytes and path with its NUL.  A
 * filesystem's uuid is BAD_UUID when null or shared with another.
 * Returns its length; out has room for it.
 */
static inline size_t ovt_v2_value(unsigned char *out, const struct ovt_layer *l,
				  unsigned int n)
{
	struct ovl_layers_hdr h = { .size = sizeof(h) };
	struct ovl_layers_fs fs[16];
	struct ovl_layers_layer e[16];
	unsigned char data[8192];
	size_t nd = 0, len;
	unsigned int nfs = 0;

	ck_assert_uint_le(n, 16);
	memset(fs, 0, sizeof(fs));
	memset(e, 0, sizeof(e));
	for (unsigned int i = 0; i < n; i++) {
		struct {
			struct file_handle fh;
			unsigned char b[128];
		} fh = { .fh.handle_bytes = 128 };
		struct ovl_fsuuid2 u = { .len = 16 };
		struct statfs sfs;
		struct stat st;
		unsigned int f;
		const char *below;
		int fd, mnt;

		fd = open(l[i].dir, O_RDONLY | O_DIRECTORY);
		ck_assert_int_ge(fd, 0);
		ck_assert(!fstat(fd, &st));
		ck_assert(!fstatfs(fd, &sfs));
		for (f = 0; f < nfs; f++)
			if (fs[f].dev_major == major(st.st_dev) &&
			    fs[f].dev_minor == minor(st.st_dev))
				break;
		if (f == nfs) {
			fs[f].size = sizeof(fs[f]);
			fs[f].dev_major = major(st.st_dev);
			fs[f].dev_minor = minor(st.st_dev);
			fs[f].magic = sfs.f_type;
			if (ioctl(fd, OVL_FS_IOC_GETFSUUID, &u) == 0) {
				fs[f].uuid_len = u.len;
				memcpy(fs[f].uuid, u.uuid, u.len);
			}
			nfs++;
		}
		ck_assert(!name_to_handle_at(fd, "", &fh.fh, &mnt, AT_EMPTY_PATH));
		close(fd);
		e[i].size = sizeof(e[i]);
		e[i].kind = l[i].kind;
		e[i].fs = f;
		e[i].index = l[i].index;
		e[i].attr = ovt_attr(l[i].dir, l[i].kind);
		e[i].handle_type = fh.fh.handle_type;
		e[i].handle_bytes = fh.fh.handle_bytes;
		e[i].handle_off = nd;		/* from the data area: below */
		memcpy(data + nd, fh.fh.f_handle, fh.fh.handle_bytes);
		nd += fh.fh.handle_bytes;
		ck_assert(!strncmp(l[i].dir, l[i].mount_point,
				   strlen(l[i].mount_point)));
		below = l[i].dir + strlen(l[i].mount_point);
		if (!*below)
			below = "/";
		e[i].path_off = nd;
		e[i].path_len = strlen(below);
		memcpy(data + nd, below, e[i].path_len + 1);
		nd += e[i].path_len + 1;
	}
	for (unsigned int i = 0; i < nfs; i++) {
		static const unsigned char null[16];

		if (!fs[i].uuid_len || !memcmp(fs[i].uuid, null, 16))
			fs[i].flags |= OVL_LAYERS_FS_BAD_UUID;
		for (unsigned int j = 0; j < nfs; j++)
			if (j != i && !memcmp(fs[i].uuid, fs[j].uuid, 16))
				fs[i].flags |= OVL_LAYERS_FS_BAD_UUID;
	}
	h.fs_off = sizeof(h);
	h.nr_fs = nfs;
	h.layer_off = h.fs_off + nfs * sizeof(fs[0]);
	h.nr_layers = n;
	len = h.layer_off + n * sizeof(e[0]);
	for (unsigned int i = 0; i < n; i++) {
		e[i].handle_off += len;
		e[i].path_off += len;
	}
	h.len = len + nd;
	memcpy(out, &h, sizeof(h));
	memcpy(out + h.fs_off, fs, nfs * sizeof(fs[0]));
	memcpy(out + h.layer_off, e, n * sizeof(e[0]));
	memcpy(out + len, data, nd);
	return h.len;
}

#endif
