/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A layers value as a kernel with the series writes it (format 1),
 * computed independently of the library (name_to_handle_at,
 * FS_IOC_GETFSUUID, stat): what the host tests compare the library's
 * output with, and what the hostile suite forges as a container would.
 */
#ifndef OVT_KVALUE_H
#define OVT_KVALUE_H

#include <check.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef FS_IOC_GETFSUUID
struct fsuuid2 {
	__u8 len;
	__u8 uuid[16];
};
#define FS_IOC_GETFSUUID _IOR(0x15, 0, struct fsuuid2)
#endif

/* The (version 1) record the kernel would write for dir, computed
 * independently: le16 len, then the fields of version 0. */
static inline size_t ovt_record(unsigned char *rec, const char *dir,
			    unsigned int kind, unsigned int index)
{
	struct {
		struct file_handle fh;
		unsigned char b[128];
	} h = { .fh.handle_bytes = 128 };
	struct fsuuid2 u = { .len = 16 };
	unsigned char *out = rec + 2;
	struct stat st;
	int fd, mnt;

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert(!fstat(fd, &st));
	memset(out, 0, 33);
	if (ioctl(fd, FS_IOC_GETFSUUID, &u) == 0)
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

#endif
