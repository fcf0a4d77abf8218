// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel side of trusted.overlay.layers, on real mounts in the VM
 * (tests/vm/vm-run boots build/kernel/bzImage with the patched overlay.ko).
 *
 * The value is decoded here with a small parser written from
 * ../shared/spec/layers-xattr.md, on purpose independent of lib/, so that
 * the kernel and the library are each checked against the spec, not
 * against each other.  Every test runs in a forked child in its own mount
 * namespace, under a fresh directory in /tmp.
 *
 *   test_layers_xattr            the suite on the patched module ("vm")
 *   test_layers_xattr unpatched  the contrast on overlay-unpatched.ko
 *                                ("vm-unpatched"): no such xattr
 */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/capability.h>

#include "fixture.h"
#include "testrun.h"

#ifndef FS_IOC_GETFSUUID
struct fsuuid2 {
	uint8_t len;
	uint8_t uuid[16];
};
#define FS_IOC_GETFSUUID _IOR(0x15, 0, struct fsuuid2)
#endif

#define XATTR "trusted.overlay.layers"
#define XATTR_USER "user.overlay.layers"
#define FID_MAX 128

/* ---- the spec, decoded independently -------------------------------- */

#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200	/* file handle needed to compare only */
#endif

/* the spec's names for the record flags (independent of any header) */
#define F_NOFH		0x01
#define F_FID		0x02
#define F_BAD_UUID	0x04
#define F_NODEV		0x08

struct rec {
	unsigned int len, kind, flags, index, major, minor;
	unsigned int fb_len, fb_flags, fb_type;
	unsigned char uuid[16];
	unsigned int fid_len;
	unsigned char fid[FID_MAX];
};

static unsigned int le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static unsigned int le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned int)p[3] << 24;
}

static int uuid_is_zero(const unsigned char *u)
{
	static const unsigned char zero[16];

	return !memcmp(u, zero, 16);
}

/*
 * Decode a version 1 value per spec; fail the test on anything malformed
 * or on any other version (the patched kernel speaks version 1).  Record:
 * le16 len, u8 kind, u8 flags, le16 index, le32 major, le32 minor, ovl_fb.
 */
static int parse(const unsigned char *v, size_t len, struct rec *recs,
		 int max)
{
	size_t off = 4;
	int count, i;

	ck_assert_uint_ge(len, 4);
	ck_assert_msg(v[0] == 1, "format version %u, not 1", v[0]);
	ck_assert_uint_eq(v[1], 0xfc);
	count = le16(v + 2);
	ck_assert_int_le(count, max);
	for (i = 0; i < count; i++) {
		struct rec *r = &recs[i];
		const unsigned char *p = v + off;

		/* len, then the 12 bytes of fields, then the fb header */
		ck_assert_uint_le(off + 14 + 21, len);
		r->len = le16(p);
		r->kind = p[2];
		r->flags = p[3];
		r->index = le16(p + 4);
		r->major = le32(p + 6);
		r->minor = le32(p + 10);
		p += 14;
		ck_assert_uint_eq(p[0], 0);	/* fb version */
		ck_assert_uint_eq(p[1], 0xfb);	/* fb magic */
		r->fb_len = p[2];
		r->fb_flags = p[3];
		r->fb_type = p[4];
		memcpy(r->uuid, p + 5, 16);
		ck_assert_uint_ge(r->fb_len, 21);
		r->fid_len = r->fb_len - 21;
		ck_assert_uint_le(r->fid_len, FID_MAX);
		/* version 1 has no field after fb: len is exactly that */
		ck_assert_msg(r->len == 14 + r->fb_len,
			      "record %d: len %u, fb.len %u", i, r->len,
			      r->fb_len);
		ck_assert_uint_le(off + r->len, len);
		memcpy(r->fid, p + 21, r->fid_len);
		ck_assert_uint_ge(r->kind, 1);
		ck_assert_uint_le(r->kind, 4);
		ck_assert_msg(!(r->flags & ~0x0fu), "record %d: flags %#x", i,
			      r->flags);
		ck_assert_msg((r->flags & (F_NOFH | F_FID)) != (F_NOFH | F_FID),
			      "record %d: NOFH with FID", i);
		if (r->flags & F_NOFH) {
			ck_assert_uint_eq(r->fb_len, 21);
			ck_assert_uint_eq(r->fb_type, 0);
		}
		if (r->flags & F_FID)
			ck_assert_uint_gt(r->fid_len, 0);
		if (r->flags & F_NODEV) {
			ck_assert_uint_eq(r->major, 0);
			ck_assert_uint_eq(r->minor, 0);
		}
		off += r->len;
	}
	ck_assert_uint_eq(off, len);	/* no trailing bytes */
	return count;
}

/* ---- helpers -------------------------------------------------------- */

static void mount_tmpfs(const char *rel)
{
	mkdir_p(P(rel));
	ck_assert_msg(!mount("tmpfs", P(rel), "tmpfs", 0, "mode=0755"),
		      "mount tmpfs %s: %m", P(rel));
}

/* A private mount namespace and a fresh directory for each test. */
static void setup(void)
{
	ovt_private_tmp("ovt");
}

static void mount_overlay(const char *target, const char *opts)
{
	mkdir_p(target);
	ck_assert_msg(!mount("overlay", target, "overlay", 0, opts),
		      "mount overlay %s -o %s: %m", target, opts);
}

/* The value; ENODATA (a kernel without the xattr) fails the test. */
static ssize_t get_value(const char *path, const char *name,
			 unsigned char *buf, size_t size)
{
	ssize_t n = getxattr(path, name, buf, size);

	ck_assert_msg(n > 0, "getxattr %s %s: %m%s", path, name,
		      n < 0 && errno == ENODATA ?
		      " (a kernel without the layers xattr?)" : "");
	return n;
}

struct handle {
	struct file_handle fh;
	unsigned char bytes[FID_MAX];
};

/* name_to_handle_at(2) of dir with flags; -errno on failure */
static int handle_of(const char *dir, int flags, struct handle *h)
{
	int mnt_id;

	memset(h, 0, sizeof(*h));
	h->fh.handle_bytes = FID_MAX;
	if (name_to_handle_at(AT_FDCWD, dir, &h->fh, &mnt_id, flags))
		return -errno;
	return 0;
}

/* record's fid == the handle */
static void assert_fid_is(const struct rec *r, const struct handle *h,
			  const char *dir, const char *what)
{
	ck_assert_msg((int)r->fb_type == h->fh.handle_type,
		      "%s %s: fb.type %u, handle_type %d", what, dir,
		      r->fb_type, h->fh.handle_type);
	ck_assert_msg(r->fid_len == h->fh.handle_bytes,
		      "%s %s: fid of %u bytes, handle of %u", what, dir,
		      r->fid_len, h->fh.handle_bytes);
	ck_assert_msg(!memcmp(r->fid, h->fh.f_handle, r->fid_len),
		      "%s %s: fid bytes differ", what, dir);
}

/*
 * Check one record against the directory it claims to describe: st_dev
 * (and never NODEV: every layer here can be stat'ed), the fs uuid where
 * the fs answers FS_IOC_GETFSUUID (else none), and the handle, whose kind
 * the filesystem decides: name_to_handle_at(2) gives a handle that
 * open_by_handle_at(2) opens (no flag, same bytes), or only with
 * AT_HANDLE_FID (FID, same bytes as that, and the fid does not open), or
 * none at all (NOFH).
 */
static void check_layer(const struct rec *r, const char *dir)
{
	struct fsuuid2 u = { .len = 16 };
	struct handle h;
	struct stat st, st2;
	int fd, byh, err;

	ck_assert_msg(!stat(dir, &st), "stat %s: %m", dir);
	ck_assert_msg(!(r->flags & F_NODEV), "NODEV on %s", dir);
	ck_assert_uint_eq(r->major, major(st.st_dev));
	ck_assert_uint_eq(r->minor, minor(st.st_dev));

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	if (ioctl(fd, FS_IOC_GETFSUUID, &u) == 0) {
		ck_assert_uint_eq(u.len, 16);
		ck_assert_msg(!memcmp(r->uuid, u.uuid, 16), "uuid of %s", dir);
	} else {
		ck_assert_int_eq(errno, ENOTTY);	/* fs has no uuid */
		ck_assert_msg(uuid_is_zero(r->uuid), "uuid of %s", dir);
	}
	/* a null uuid identifies nothing: always BAD_UUID */
	if (uuid_is_zero(r->uuid))
		ck_assert_msg(r->flags & F_BAD_UUID,
			      "%s: null uuid without BAD_UUID", dir);

	err = handle_of(dir, 0, &h);
	if (!err) {
		ck_assert_msg(!(r->flags & (F_NOFH | F_FID)),
			      "%s: flags %#x, but it has a handle", dir,
			      r->flags);
		assert_fid_is(r, &h, dir, "handle of");
		/* The handle from the record opens that very directory. */
		h.fh.handle_bytes = r->fid_len;
		h.fh.handle_type = r->fb_type;
		memcpy(h.fh.f_handle, r->fid, r->fid_len);
		byh = open_by_handle_at(fd, &h.fh, O_RDONLY | O_DIRECTORY);
		ck_assert_msg(byh >= 0, "open_by_handle_at %s: %m", dir);
		ck_assert(!fstat(byh, &st2));
		ck_assert_uint_eq(st.st_dev, st2.st_dev);
		ck_assert_uint_eq(st.st_ino, st2.st_ino);
		close(byh);
		close(fd);
		return;
	}
	ck_assert_msg(err == -EOPNOTSUPP, "name_to_handle_at %s: %s", dir,
		      strerror(-err));
	err = handle_of(dir, AT_HANDLE_FID, &h);
	if (!err) {
		ck_assert_msg(r->flags & F_FID, "%s: flags %#x, no FID", dir,
			      r->flags);
		assert_fid_is(r, &h, dir, "AT_HANDLE_FID of");
		/* compared, never opened */
		byh = open_by_handle_at(fd, &h.fh, O_RDONLY | O_DIRECTORY);
		ck_assert_msg(byh < 0, "a FID of %s opened", dir);
	} else {
		ck_assert_int_eq(err, -EOPNOTSUPP);
		ck_assert_msg(r->flags & F_NOFH, "%s: flags %#x, no NOFH", dir,
			      r->flags);
	}
	close(fd);
}

/*
 * BAD_UUID exactly where the spec puts it: a null uuid, or one that a
 * record on another filesystem (here: another st_dev) has too.
 */
static void check_bad_uuid(const struct rec *r, int count)
{
	for (int i = 0; i < count; i++) {
		int bad = uuid_is_zero(r[i].uuid);

		for (int j = 0; j < count && !bad; j++)
			bad = !memcmp(r[i].uuid, r[j].uuid, 16) &&
			      (r[i].major != r[j].major ||
			       r[i].minor != r[j].minor);
		ck_assert_msg(!!(r[i].flags & F_BAD_UUID) == bad,
			      "record %d: flags %#x, BAD_UUID expected %s", i,
			      r[i].flags, bad ? "set" : "clear");
	}
}

static void check_kinds(const struct rec *r, int count, const char *kinds,
			const unsigned int *indexes)
{
	ck_assert_int_eq(count, (int)strlen(kinds));
	for (int i = 0; i < count; i++) {
		ck_assert_uint_eq(r[i].kind, (unsigned int)(kinds[i] - '0'));
		ck_assert_uint_eq(r[i].index, indexes[i]);
		/* PATH_UPPER on upper and work only */
		ck_assert_uint_eq(!!(r[i].fb_flags & 0x04), r[i].kind <= 2);
		/* and the CPU endian bit, which is 0 on little endian */
		ck_assert_uint_eq(r[i].fb_flags & ~0x04u,
				  __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 1 : 0);
	}
	check_bad_uuid(r, count);
}

/* upper + work on one tmpfs, two lowers on two more: the basic case.
 * basic_layers() makes the directories, basic_mount() the overlay on m. */
static void basic_layers(void)
{
	mount_tmpfs("a");
	mount_tmpfs("b");
	mount_tmpfs("c");
	mkdir_p(P("a/l1"));
	mkdir_p(P("b/l2"));
	mkdir_p(P("c/u"));
	mkdir_p(P("c/w"));
}

static void basic_mount(void)
{
	char opts[PATH_MAX * 4];

	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s",
		 P("a/l1"), P("b/l2"), P("c/u"), P("c/w"));
	mount_overlay(P("m"), opts);
}

static void basic_overlay(void)
{
	basic_layers();
	basic_mount();
}

static struct rec recs[502];
static unsigned char val[65536];

/* 1. */
START_TEST(t_tmpfs_upper_two_lowers)
{
	static const unsigned int idx[] = { 0, 0, 1, 2 };
	ssize_t n;
	int count;

	basic_overlay();
	n = get_value(P("m"), XATTR, val, sizeof(val));
	count = parse(val, n, recs, 502);
	check_kinds(recs, count, "1233", idx);
	check_layer(&recs[0], P("c/u"));
	check_layer(&recs[1], P("c/w"));
	check_layer(&recs[2], P("a/l1"));
	check_layer(&recs[3], P("b/l2"));
	/* tmpfs: FILEID_INO32_GEN with a 64-bit inode, 12 bytes */
	ck_assert_uint_eq(recs[2].fb_type, 1);
	ck_assert_uint_eq(recs[2].fid_len, 12);
	/* distinct tmpfs instances have distinct uuids */
	ck_assert(memcmp(recs[2].uuid, recs[3].uuid, 16));
	/* only the root answers */
	mkdir_p(P("m/sub"));
	ck_assert_int_lt(getxattr(P("m/sub"), XATTR, val, sizeof(val)), 0);
	ck_assert_int_eq(errno, ENODATA);
}
END_TEST

/* 2. getfattr prints the same bytes */
START_TEST(t_getfattr_hex)
{
	char cmd[PATH_MAX + 128], line[200000], hex[140000];
	ssize_t n;
	FILE *f;
	char *eq;

	basic_overlay();
	n = get_value(P("m"), XATTR, val, sizeof(val));
	for (ssize_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", val[i]);
	snprintf(cmd, sizeof(cmd),
		 "getfattr --absolute-names -n %s -e hex %s", XATTR, P("m"));
	f = popen(cmd, "r");
	ck_assert(f);
	eq = NULL;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, XATTR "=0x", strlen(XATTR) + 3)) {
			eq = line + strlen(XATTR) + 3;
			break;
		}
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_msg(eq, "getfattr printed no %s line", XATTR);
	eq[strcspn(eq, "\n")] = '\0';
	ck_assert_str_eq(eq, hex);
}
END_TEST

/* 3. lower-only: no upper or work record */
START_TEST(t_lower_only)
{
	static const unsigned int idx[] = { 1, 2 };
	char opts[PATH_MAX * 2];
	int count;

	mount_tmpfs("a");
	mount_tmpfs("b");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("a"), P("b"));
	mount_overlay(P("m"), opts);
	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)),
		      recs, 502);
	check_kinds(recs, count, "33", idx);
	check_layer(&recs[0], P("a"));
	check_layer(&recs[1], P("b"));
}
END_TEST

static void data_layer_dirs(void)
{
	mount_tmpfs("t");
	mkdir_p(P("t/l1"));
	mkdir_p(P("t/l2"));
	mkdir_p(P("t/d1"));
	mkdir_p(P("t/d2"));
}

static void check_data_layers(void)
{
	static const unsigned int idx[] = { 1, 2, 3, 4 };
	int count;

	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)),
		      recs, 502);
	check_kinds(recs, count, "3344", idx);
	check_layer(&recs[0], P("t/l1"));
	check_layer(&recs[1], P("t/l2"));
	check_layer(&recs[2], P("t/d1"));
	check_layer(&recs[3], P("t/d2"));
}

/* 4a. data-only layers with the legacy "::" syntax */
START_TEST(t_data_layers_legacy)
{
	char opts[PATH_MAX * 4];

	data_layer_dirs();
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s::%s::%s,metacopy=on",
		 P("t/l1"), P("t/l2"), P("t/d1"), P("t/d2"));
	mount_overlay(P("m"), opts);
	check_data_layers();
}
END_TEST

static int fs_open_overlay(void)
{
	int fd = fsopen("overlay", FSOPEN_CLOEXEC);

	ck_assert_msg(fd >= 0, "fsopen: %m");
	return fd;
}

static void fs_set(int fd, const char *key, const char *value)
{
	ck_assert_msg(!fsconfig(fd, value ? FSCONFIG_SET_STRING :
				FSCONFIG_SET_FLAG, key, value, 0),
		      "fsconfig %s=%s: %m", key, value ? value : "");
}

static void fs_mount_at(int fd, const char *target)
{
	int mfd;

	ck_assert_msg(!fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0),
		      "fsconfig create: %m");
	mfd = fsmount(fd, FSMOUNT_CLOEXEC, 0);
	ck_assert_msg(mfd >= 0, "fsmount: %m");
	mkdir_p(target);
	ck_assert_msg(!move_mount(mfd, "", AT_FDCWD, target,
				  MOVE_MOUNT_F_EMPTY_PATH), "move_mount: %m");
	close(mfd);
	close(fd);
}

/* 4b. data-only layers with fsconfig lowerdir+ / datadir+ */
START_TEST(t_data_layers_fsconfig)
{
	int fd;

	data_layer_dirs();
	fd = fs_open_overlay();
	fs_set(fd, "lowerdir+", P("t/l1"));
	fs_set(fd, "lowerdir+", P("t/l2"));
	fs_set(fd, "datadir+", P("t/d1"));
	fs_set(fd, "datadir+", P("t/d2"));
	fs_set(fd, "metacopy", "on");
	fs_mount_at(fd, P("m"));
	check_data_layers();
}
END_TEST

/* 5. ext4 and xfs on loop devices (fixed uuids) and tmpfs */
START_TEST(t_ext4_xfs_tmpfs)
{
	static const unsigned char ext4_uuid[16] = {
		0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33,
		0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };
	static const unsigned char xfs_uuid[16] = {
		0x66, 0x66, 0x66, 0x66, 0x77, 0x77, 0x88, 0x88,
		0x99, 0x99, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
	static const unsigned int idx[] = { 0, 0, 1, 2 };
	char opts[PATH_MAX * 4];
	int count;

	run("truncate -s 64M %s && mkfs.ext4 -q -F -U 11111111-2222-3333-4444-555555555555 %s",
	    P("ext4.img"), P("ext4.img"));
	run("truncate -s 320M %s && mkfs.xfs -q -f -m uuid=66666666-7777-8888-9999-aaaaaaaaaaaa %s",
	    P("xfs.img"), P("xfs.img"));
	mkdir_p(P("e"));
	mkdir_p(P("x"));
	run("mount -o loop %s %s", P("ext4.img"), P("e"));
	run("mount -o loop %s %s", P("xfs.img"), P("x"));
	mount_tmpfs("t");
	mkdir_p(P("e/lower"));
	mkdir_p(P("x/lower"));
	mkdir_p(P("t/u"));
	mkdir_p(P("t/w"));
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s",
		 P("e/lower"), P("x/lower"), P("t/u"), P("t/w"));
	mount_overlay(P("m"), opts);
	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)),
		      recs, 502);
	check_kinds(recs, count, "1233", idx);
	check_layer(&recs[0], P("t/u"));
	check_layer(&recs[1], P("t/w"));
	check_layer(&recs[2], P("e/lower"));
	check_layer(&recs[3], P("x/lower"));
	ck_assert(!memcmp(recs[2].uuid, ext4_uuid, 16));
	ck_assert(!memcmp(recs[3].uuid, xfs_uuid, 16));
	/* ext4 directory handle: FILEID_INO32_GEN, 8 bytes */
	ck_assert_uint_eq(recs[2].fb_type, 1);
	ck_assert_uint_eq(recs[2].fid_len, 8);
	run("umount %s && umount %s && umount %s", P("m"), P("e"), P("x"));
}
END_TEST

/* 6. 500 lower layers through lowerdir+ */
START_TEST(t_500_layers)
{
	char dir[64];
	ssize_t n;
	int fd, count, i;

	mount_tmpfs("t");
	fd = fs_open_overlay();
	for (i = 0; i < 500; i++) {
		snprintf(dir, sizeof(dir), "t/%d", i);
		mkdir_p(P(dir));
		fs_set(fd, "lowerdir+", P(dir));
	}
	fs_mount_at(fd, P("m"));
	n = get_value(P("m"), XATTR, val, sizeof(val));
	count = parse(val, n, recs, 502);
	ck_assert_int_eq(count, 500);
	for (i = 0; i < 500; i++) {
		ck_assert_uint_eq(recs[i].kind, 3);
		ck_assert_uint_eq(recs[i].index, (unsigned int)i + 1);
	}
	check_layer(&recs[0], P("t/0"));
	check_layer(&recs[499], P("t/499"));
	check_bad_uuid(recs, count);
	/* 4 + 500 * (14 + 21 + 12) on tmpfs */
	ck_assert_int_eq(n, 4 + 500 * 47);
	printf("vm: 500 tmpfs lower layers: value is %zd bytes\n", n);
	fflush(stdout);
}
END_TEST

static int capset_none(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	return syscall(SYS_capset, &hdr, data);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		_exit(20);
	close(fd);
}

/* Child of t_userxattr: runs as uid 1000, maps itself to root in a new
 * user namespace, mounts a userxattr overlay, reads the value, then drops
 * its capabilities and reads again.  Exit code says what failed. */
static int userns_child(void)
{
	unsigned char v[4096];
	char opts[PATH_MAX * 4];
	ssize_t n;

	if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
	    setresuid(1000, 1000, 1000))
		return 10;
	/* a uid change made us non-dumpable: /proc/self would be root's */
	if (prctl(PR_SET_DUMPABLE, 1))
		return 10;
	/* trusted.* of a root-mounted overlay: no privilege, no data */
	if (getxattr(P("m"), XATTR, v, sizeof(v)) >= 0 || errno != ENODATA)
		return 11;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return 12;
	write_file("/proc/self/setgroups", "deny");
	write_file("/proc/self/uid_map", "0 1000 1");
	write_file("/proc/self/gid_map", "0 1000 1");
	snprintf(opts, sizeof(opts),
		 "lowerdir=%s,upperdir=%s,workdir=%s,userxattr",
		 P("t/l"), P("t/u"), P("t/w"));
	if (mount("overlay", P("n"), "overlay", 0, opts))
		return 13;
	n = getxattr(P("n"), XATTR_USER, v, sizeof(v));
	if (n < 4 || v[0] != 1 || v[1] != 0xfc || le16(v + 2) != 3)
		return 14;
	/* the trusted name is not the layers xattr on a userxattr mount */
	if (getxattr(P("n"), XATTR, v, sizeof(v)) >= 0)
		return 15;
	if (capset_none())
		return 16;
	if (getxattr(P("n"), XATTR_USER, v, sizeof(v)) >= 0 ||
	    errno != ENODATA)
		return 17;
	return 0;
}

/* 7. userxattr overlay in a user namespace; unprivileged readers */
START_TEST(t_userxattr_userns)
{
	pid_t pid;
	int st;

	basic_overlay();
	mount_tmpfs("t");
	mkdir_p(P("t/l"));
	mkdir_p(P("t/u"));
	mkdir_p(P("t/w"));
	mkdir_p(P("n"));
	run("chown 1000:1000 %s %s %s %s %s", P("t/l"), P("t/u"), P("t/w"),
	    P("n"), P("t"));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid)
		_exit(userns_child());
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "user namespace child failed at step %d",
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}
END_TEST

/* An overlay at "inner" (with extra options), and "m" with it as a lower. */
static int nested(const char *extra)
{
	char opts[PATH_MAX * 4];

	mount_tmpfs("t");
	mkdir_p(P("t/il"));
	mkdir_p(P("t/iu"));
	mkdir_p(P("t/iw"));
	mkdir_p(P("t/l2"));
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s%s",
		 P("t/il"), P("t/iu"), P("t/iw"), extra);
	mount_overlay(P("inner"), opts);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("inner"), P("t/l2"));
	mount_overlay(P("m"), opts);
	return parse(val, get_value(P("m"), XATTR, val, sizeof(val)), recs,
		     502);
}

/*
 * 8a. nested overlay without nfs_export: overlayfs encodes FIDs only
 * (AT_HANDLE_FID), so a FID record whose fid is the nested root's
 */
START_TEST(t_nested_fid)
{
	static const unsigned int idx[] = { 1, 2 };
	struct handle h;
	int count = nested("");

	check_kinds(recs, count, "33", idx);
	ck_assert_uint_eq(recs[0].flags, F_FID);
	ck_assert_int_eq(handle_of(P("inner"), 0, &h), -EOPNOTSUPP);
	ck_assert_int_eq(handle_of(P("inner"), AT_HANDLE_FID, &h), 0);
	assert_fid_is(&recs[0], &h, P("inner"), "AT_HANDLE_FID of");
	/* the inner overlay has a uuid (uuid=auto: on for a new upper) */
	ck_assert_msg(!uuid_is_zero(recs[0].uuid), "FID record without uuid");
	check_layer(&recs[0], P("inner"));
	ck_assert_uint_eq(recs[1].flags, 0);
	check_layer(&recs[1], P("t/l2"));
}
END_TEST

/* 8b. nested overlay with nfs_export=on: a real handle */
START_TEST(t_nested_nfs_export)
{
	static const unsigned int idx[] = { 1, 2 };
	int count = nested(",index=on,nfs_export=on");

	check_kinds(recs, count, "33", idx);
	ck_assert_uint_eq(recs[0].flags, 0);
	ck_assert_uint_gt(recs[0].fid_len, 0);
	check_layer(&recs[0], P("inner"));
}
END_TEST

/*
 * 8c. a directory of the VM's root (9p, no export operations: FIDs only,
 * no uuid) as a lower layer, and as the upper one's neighbour: FID and
 * BAD_UUID (null uuid), the fid that AT_HANDLE_FID gives
 */
START_TEST(t_9p_lower)
{
	static const unsigned int idx[] = { 0, 0, 1, 2 };
	const char *ninep = "/usr/share";
	char opts[PATH_MAX * 4];
	struct handle h;
	int count;

	mount_tmpfs("t");
	mkdir_p(P("t/u"));
	mkdir_p(P("t/w"));
	mkdir_p(P("t/l2"));
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s",
		 ninep, P("t/l2"), P("t/u"), P("t/w"));
	mount_overlay(P("m"), opts);
	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "1233", idx);
	ck_assert_uint_eq(recs[2].flags, F_FID | F_BAD_UUID);
	ck_assert(uuid_is_zero(recs[2].uuid));
	ck_assert_int_eq(handle_of(ninep, AT_HANDLE_FID, &h), 0);
	assert_fid_is(&recs[2], &h, ninep, "AT_HANDLE_FID of");
	check_layer(&recs[2], ninep);
	for (int i = 0; i < 4; i++)
		if (i != 2)
			ck_assert_uint_eq(recs[i].flags, 0);
	check_layer(&recs[0], P("t/u"));
	check_layer(&recs[1], P("t/w"));
	check_layer(&recs[3], P("t/l2"));
}
END_TEST

/* 9. squashfs: no uuid, a real handle */
START_TEST(t_squashfs)
{
	static const unsigned char zero[16] = { 0 };
	char opts[PATH_MAX * 2];
	int count;

	mkdir_p(P("src/dir"));
	run("echo hello > %s", P("src/dir/file"));
	run("mksquashfs %s %s -quiet -no-progress >/dev/null",
	    P("src"), P("sq.img"));
	mkdir_p(P("sq"));
	run("mount -o loop,ro %s %s", P("sq.img"), P("sq"));
	mkdir_p(P("l2"));
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("sq/dir"), P("l2"));
	mount_overlay(P("m"), opts);
	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)),
		      recs, 502);
	ck_assert_int_eq(count, 2);
	ck_assert(!memcmp(recs[0].uuid, zero, 16));
	/* a null uuid: BAD_UUID, and still a handle */
	ck_assert_uint_eq(recs[0].flags, F_BAD_UUID);
	ck_assert_uint_gt(recs[0].fid_len, 0);
	check_layer(&recs[0], P("sq/dir"));
	check_layer(&recs[1], P("l2"));
	check_bad_uuid(recs, count);
	run("umount %s && umount %s", P("m"), P("sq"));
}
END_TEST

/* 10. read-only on the root; the name still works on other inodes */
START_TEST(t_set_remove)
{
	char got[16];

	basic_overlay();
	ck_assert_int_eq(setxattr(P("m"), XATTR, "x", 1, 0), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(removexattr(P("m"), XATTR), -1);
	ck_assert_int_eq(errno, EPERM);
	/* nothing stored on the upper dir, in either spelling */
	ck_assert_int_lt(getxattr(P("c/u"), XATTR, got, sizeof(got)), 0);
	ck_assert_int_lt(getxattr(P("c/u"), "trusted.overlay.overlay.layers",
				  got, sizeof(got)), 0);

	run("echo data > %s", P("m/file"));
	ck_assert_int_eq(setxattr(P("m/file"), XATTR, "abc", 3, 0), 0);
	ck_assert_int_eq(getxattr(P("m/file"), XATTR, got, sizeof(got)), 3);
	ck_assert(!memcmp(got, "abc", 3));
	/* stored escaped on the upper file, as since 6.7 */
	ck_assert_int_eq(getxattr(P("c/u/file"),
				  "trusted.overlay.overlay.layers", got,
				  sizeof(got)), 3);
	ck_assert_int_eq(removexattr(P("m/file"), XATTR), 0);
}
END_TEST

/* 11. not listed; size query; ERANGE */
START_TEST(t_list_and_size)
{
	char list[4096];
	ssize_t len, n;

	basic_overlay();
	/* an escaped copy on the upper root stays hidden too */
	ck_assert(!setxattr(P("c/u"), "trusted.overlay.overlay.layers", "y",
			    1, 0));
	ck_assert(!setxattr(P("c/u"), "user.visible", "z", 1, 0));
	n = listxattr(P("m"), list, sizeof(list));
	ck_assert_int_gt(n, 0);
	for (char *s = list; s < list + n; s += strlen(s) + 1)
		ck_assert_msg(strcmp(s, XATTR), "%s is listed", XATTR);
	ck_assert(memmem(list, n, "user.visible", 13));

	len = getxattr(P("m"), XATTR, NULL, 0);
	ck_assert_int_gt(len, 4);
	ck_assert_int_eq(getxattr(P("m"), XATTR, val, sizeof(val)), len);
	ck_assert_int_eq(getxattr(P("m"), XATTR, val, len - 1), -1);
	ck_assert_int_eq(errno, ERANGE);
}
END_TEST

/*
 * 12. uuid=off, uuid=null (and on, auto) still carry each layer fs's own
 * uuid: tmpfs upper/work and lower, and an ext4 lower with a fixed uuid;
 * with uuid=off the origin xattr of a copied-up file has a null uuid, the
 * layers xattr not
 */
START_TEST(t_uuid_modes)
{
	static const char *const modes[] = { "off", "null", "on", "auto" };
	static const unsigned char ext4_uuid[16] = {
		0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
		0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
	static const unsigned int idx[] = { 0, 0, 1, 2 };
	char opts[PATH_MAX * 4], target[32];

	mount_tmpfs("t");
	mkdir_p(P("t/l"));
	run("echo lower > %s", P("t/l/file"));
	run("truncate -s 32M %s && mkfs.ext4 -q -F -U 12345678-9abc-def0-1234-56789abcdef0 %s",
	    P("e.img"), P("e.img"));
	mkdir_p(P("e"));
	run("mount -o loop %s %s && mkdir %s", P("e.img"), P("e"), P("e/l"));
	for (int m = 0; m < 4; m++) {
		char u[16], w[16], f[48];
		unsigned char origin[256];
		ssize_t on;
		int count;

		snprintf(u, sizeof(u), "t/u%d", m);
		snprintf(w, sizeof(w), "t/w%d", m);
		mkdir_p(P(u));
		mkdir_p(P(w));
		snprintf(target, sizeof(target), "m%d", m);
		snprintf(opts, sizeof(opts),
			 "lowerdir=%s:%s,upperdir=%s,workdir=%s,uuid=%s",
			 P("t/l"), P("e/l"), P(u), P(w), modes[m]);
		mount_overlay(P(target), opts);
		count = parse(val, get_value(P(target), XATTR, val,
					     sizeof(val)), recs, 502);
		check_kinds(recs, count, "1233", idx);
		for (int i = 0; i < count; i++) {
			/* tmpfs has a random uuid: never zeroed */
			ck_assert_msg(!uuid_is_zero(recs[i].uuid),
				      "uuid=%s: record %d has a null uuid",
				      modes[m], i);
			ck_assert_uint_eq(recs[i].flags, 0);
			check_layer(&recs[i], P(i == 0 ? u : i == 1 ? w :
						i == 2 ? "t/l" : "e/l"));
		}
		ck_assert_msg(!memcmp(recs[3].uuid, ext4_uuid, 16),
			      "uuid=%s: not the ext4's uuid", modes[m]);
		/* upper, work and the tmpfs lower are on one tmpfs */
		ck_assert(!memcmp(recs[0].uuid, recs[2].uuid, 16));
		/* a copy up: origin's uuid follows uuid=, ours does not */
		snprintf(f, sizeof(f), "%s/file", target);
		run("echo more >> %s", P(f));
		snprintf(f, sizeof(f), "%s/file", u);
		on = getxattr(P(f), "trusted.overlay.origin", origin,
			      sizeof(origin));
		ck_assert_msg(on > 21, "uuid=%s: origin: %m", modes[m]);
		ck_assert_uint_eq(uuid_is_zero(origin + 5), m == 0);
		if (m)
			ck_assert(!memcmp(origin + 5, recs[2].uuid, 16));
		run("umount %s", P(target));
	}
	run("umount %s", P("e"));
}
END_TEST

/* An ext4 image at rel.img mounted at rel, made with mkfs.ext4 -U uuid */
static void ext4_at(const char *rel, const char *uuid)
{
	char img[64];

	snprintf(img, sizeof(img), "%s.img", rel);
	run("truncate -s 32M %s && mkfs.ext4 -q -F -U %s %s", P(img), uuid,
	    P(img));
	mkdir_p(P(rel));
	run("mount -o loop %s %s", P(img), P(rel));
}

/*
 * 13. BAD_UUID: two ext4 filesystems made with the same uuid, and an ext4
 * with a null uuid (mkfs.ext4 -U clear); a tmpfs next to them is not bad
 */
START_TEST(t_bad_uuid)
{
	static const char same[] = "abcdefab-cdef-abcd-efab-cdefabcdefab";
	static const unsigned int idx3[] = { 1, 2, 3 };
	static const unsigned int idx4[] = { 0, 0, 1, 2 };
	char opts[PATH_MAX * 4];
	int count;

	ext4_at("e1", same);
	ext4_at("e2", same);
	ext4_at("z", "clear");
	mount_tmpfs("t");
	run("mkdir %s %s %s %s %s %s %s", P("e1/l"), P("e1/u"), P("e1/w"),
	    P("e2/l"), P("z/l"), P("t/l"), P("t/l2"));

	/* lower only: e1 and e2 share a uuid, the tmpfs does not */
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s:%s", P("e1/l"),
		 P("e2/l"), P("t/l"));
	mount_overlay(P("m1"), opts);
	count = parse(val, get_value(P("m1"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "333", idx3);
	ck_assert_uint_eq(recs[0].flags, F_BAD_UUID);
	ck_assert_uint_eq(recs[1].flags, F_BAD_UUID);
	ck_assert_uint_eq(recs[2].flags, 0);
	ck_assert(!memcmp(recs[0].uuid, recs[1].uuid, 16));
	check_layer(&recs[0], P("e1/l"));
	check_layer(&recs[1], P("e2/l"));
	check_layer(&recs[2], P("t/l"));

	/* upper on e1 shares its uuid with the lower e2: all three bad */
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s",
		 P("e2/l"), P("t/l2"), P("e1/u"), P("e1/w"));
	mount_overlay(P("m2"), opts);
	count = parse(val, get_value(P("m2"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "1233", idx4);
	ck_assert_uint_eq(recs[0].flags, F_BAD_UUID);
	ck_assert_uint_eq(recs[1].flags, F_BAD_UUID);
	ck_assert_uint_eq(recs[2].flags, F_BAD_UUID);
	ck_assert_uint_eq(recs[3].flags, 0);
	check_layer(&recs[0], P("e1/u"));
	check_layer(&recs[1], P("e1/w"));
	check_layer(&recs[2], P("e2/l"));
	check_layer(&recs[3], P("t/l2"));

	/* a null uuid, alone of its kind, is bad too */
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("z/l"), P("t/l"));
	mount_overlay(P("m3"), opts);
	count = parse(val, get_value(P("m3"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "33", idx3);
	ck_assert(uuid_is_zero(recs[0].uuid));
	ck_assert_uint_eq(recs[0].flags, F_BAD_UUID);
	ck_assert_uint_eq(recs[1].flags, 0);
	check_layer(&recs[0], P("z/l"));
	check_layer(&recs[1], P("t/l"));
	run("umount %s %s %s && umount %s %s %s", P("m1"), P("m2"), P("m3"),
	    P("e1"), P("e2"), P("z"));
}
END_TEST

/* every listed name, joined by ' ' (for messages) */
static int listed(const char *path, const char *name, char *all, size_t size)
{
	char list[8192];
	ssize_t n = listxattr(path, list, sizeof(list));
	int found = 0;

	ck_assert_msg(n >= 0, "listxattr %s: %m", path);
	all[0] = '\0';
	for (char *s = list; s < list + n; s += strlen(s) + 1) {
		found |= !strcmp(s, name);
		if (strlen(all) + strlen(s) + 2 < size) {
			strcat(all, s);
			strcat(all, " ");
		}
	}
	return found;
}

/*
 * 14. the escaped stored name: trusted.overlay.overlay.layers set on the
 * upper dir (and on a lower-only overlay's top lower) before mounting.
 * The root still answers the generated value, listxattr does not list
 * the name, and the stored copy stays in the layer, where it can go.
 */
START_TEST(t_escaped_stored_name)
{
	static const char esc[] = "trusted.overlay.overlay.layers";
	static const unsigned int idx[] = { 0, 0, 1, 2 };
	char opts[PATH_MAX * 2], all[8192], got[64];
	int count;

	basic_layers();
	ck_assert(!setxattr(P("c/u"), esc, "stored-u", 8, 0));
	ck_assert(!setxattr(P("c/u"), "trusted.overlay.overlay.other", "o", 1,
			    0));
	ck_assert(!setxattr(P("a/l1"), esc, "stored-l", 8, 0));
	basic_mount();

	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "1233", idx);
	check_layer(&recs[0], P("c/u"));
	check_layer(&recs[3], P("b/l2"));
	ck_assert_msg(!listed(P("m"), XATTR, all, sizeof(all)),
		      "%s listed on the root: %s", XATTR, all);
	/* the other escaped name is listed, unescaped, as before */
	ck_assert_msg(listed(P("m"), "trusted.overlay.other", all,
			     sizeof(all)), "escaped names not listed: %s",
		      all);
	/* the stored copies stay where they were put */
	ck_assert_int_eq(getxattr(P("c/u"), esc, got, sizeof(got)), 8);
	ck_assert(!memcmp(got, "stored-u", 8));
	ck_assert_int_eq(getxattr(P("a/l1"), esc, got, sizeof(got)), 8);
	/* and cannot be reached or removed through the root */
	ck_assert_int_eq(removexattr(P("m"), XATTR), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(getxattr(P("c/u"), esc, got, sizeof(got)), 8);
	run("umount %s", P("m"));
	ck_assert_int_eq(getxattr(P("c/u"), esc, got, sizeof(got)), 8);

	/* lower only: the root's real dentry is the top lower's root */
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("a/l1"), P("b/l2"));
	mount_overlay(P("m2"), opts);
	count = parse(val, get_value(P("m2"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "33", idx + 2);
	check_layer(&recs[0], P("a/l1"));
	ck_assert_msg(!listed(P("m2"), XATTR, all, sizeof(all)),
		      "%s listed on the lower-only root: %s", XATTR, all);
	ck_assert_int_eq(getxattr(P("a/l1"), esc, got, sizeof(got)), 8);
	ck_assert(!memcmp(got, "stored-l", 8));
	run("umount %s", P("m2"));
	/* the user can remove it from the layer itself */
	ck_assert(!removexattr(P("c/u"), esc));
}
END_TEST

/* Contrast on overlay-unpatched.ko: the kernel has no such xattr. */
START_TEST(t_unpatched_has_no_layers_xattr)
{
	basic_overlay();
	ck_assert_int_eq(getxattr(P("m"), XATTR, val, sizeof(val)), -1);
	ck_assert_int_eq(errno, ENODATA);
	/* and it is an ordinary name there: setting it on the root works */
	ck_assert_int_eq(setxattr(P("m"), XATTR, "x", 1, 0), 0);
}
END_TEST

int main(int argc, char **argv)
{
	int unpatched = argc > 1 && !strcmp(argv[1], "unpatched");
	Suite *s = suite_create(unpatched ? "vm-unpatched" : "vm");
	TCase *tc = tcase_create("layers");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	if (unpatched) {
		tcase_add_test(tc, t_unpatched_has_no_layers_xattr);
	} else {
		tcase_add_test(tc, t_tmpfs_upper_two_lowers);
		tcase_add_test(tc, t_getfattr_hex);
		tcase_add_test(tc, t_lower_only);
		tcase_add_test(tc, t_data_layers_legacy);
		tcase_add_test(tc, t_data_layers_fsconfig);
		tcase_add_test(tc, t_ext4_xfs_tmpfs);
		tcase_add_test(tc, t_500_layers);
		tcase_add_test(tc, t_userxattr_userns);
		tcase_add_test(tc, t_nested_fid);
		tcase_add_test(tc, t_9p_lower);
		tcase_add_test(tc, t_nested_nfs_export);
		tcase_add_test(tc, t_squashfs);
		tcase_add_test(tc, t_set_remove);
		tcase_add_test(tc, t_list_and_size);
		tcase_add_test(tc, t_uuid_modes);
		tcase_add_test(tc, t_bad_uuid);
		tcase_add_test(tc, t_escaped_stored_name);
	}
	suite_add_tcase(s, tc);
	return ovt_run(s, unpatched ? "vm-unpatched" : "vm");
}
