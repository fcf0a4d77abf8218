// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel side of the layers description, on real mounts in the VM
 * (tests/vm/vm-run boots build/kernel/bzImage with the patched overlay.ko):
 * the xattr trusted.overlay.layers of the overlay root and statmount(2)'s
 * STATMOUNT_FS_LAYERS, which must give the same bytes (get_value()).
 *
 * The description (format 2) is decoded here with a small parser written
 * from docs/layers-format.md, on purpose independent of lib/ and of the
 * uapi header, so that the kernel and the library are each checked
 * against the documented format, not against each other.  Every test runs
 * in a forked child in its own mount namespace, under a fresh directory
 * in /tmp.
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
#include <sys/statfs.h>
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/capability.h>

#include "fixture.h"
#include "../../lib/missing.h"
#include "testrun.h"

#define XATTR "trusted.overlay.layers"
#define XATTR_USER "user.overlay.layers"
#define FID_MAX 128

/* ---- docs/layers-format.md, decoded independently ------------------ */

/* the format's names (independent of any header) */
#define F_FID		0x1	/* layer flags */
#define F_NOFH		0x2
#define F_NOPATH	0x4
#define FS_BAD_UUID	0x1	/* filesystem flag */
#define OVL_MAGIC	0x794c7630
#define A_RDONLY	0x00000001ULL	/* MOUNT_ATTR_* the format carries */
#define A_NOSUID	0x00000002ULL
#define A_NODEV		0x00000004ULL
#define A_NOEXEC	0x00000008ULL
#define A_IDMAP		0x00100000ULL
#define A_NOSYMFOLLOW	0x00200000ULL
#define A_KNOWN		(A_RDONLY | A_NOSUID | A_NODEV | A_NOEXEC | A_IDMAP | \
			 A_NOSYMFOLLOW)

/* statmount(2) (lib/missing.h: struct ovl_statmount, the series' fields) */
#define SM_SB_BASIC	OVL_SM_SB_BASIC
#define SM_MNT_BASIC	OVL_SM_MNT_BASIC
#define SM_MNT_ROOT	OVL_SM_MNT_ROOT
#define SM_MNT_POINT	OVL_SM_MNT_POINT
#define SM_SUPPORTED	OVL_SM_SUPPORTED_MASK
#define SM_FS_LAYERS	OVL_SM_FS_LAYERS
#define SM_BY_FD	OVL_STATMOUNT_BY_FD

struct rec {
	unsigned int kind, flags, fs, index;
	unsigned long long attr;
	int fid_type;
	unsigned int fid_len;
	unsigned char fid[FID_MAX];
	unsigned int path_len;
	char path[PATH_MAX];
	/* its filesystem's entry */
	unsigned int fs_flags, major, minor, uuid_len;
	unsigned long long magic;
	unsigned char uuid[16];
};

static unsigned int nr_fs;	/* of the last value parse() read */

static uint32_t u32at(const unsigned char *v, size_t off)
{
	uint32_t x;

	memcpy(&x, v + off, sizeof(x));
	return x;
}

static uint64_t u64at(const unsigned char *v, size_t off)
{
	uint64_t x;

	memcpy(&x, v + off, sizeof(x));
	return x;
}

static int uuid_is_zero(const unsigned char *u)
{
	static const unsigned char zero[16];

	return !memcmp(u, zero, 16);
}

/* bytes [off, off + n) of the data area, each used once */
static void claim(unsigned char *used, size_t data, size_t len, size_t off,
		  size_t n, const char *what, unsigned int i)
{
	ck_assert_msg(off >= data && off <= len && n <= len - off,
		      "layer %u: %s [%zu, +%zu) outside the data area [%zu, %zu)",
		      i, what, off, n, data, len);
	for (size_t b = off; b < off + n; b++) {
		ck_assert_msg(!used[b - data], "layer %u: %s overlaps", i, what);
		used[b - data] = 1;
	}
}

/*
 * Decode a format 2 description per docs/layers-format.md and hold it to
 * what this kernel must write: the first published sizes, tables right
 * after the header, a packed data area that every byte of is a handle or
 * a path (so the length is the documented formula), each filesystem used
 * and listed in order of first use.
 */
static int parse(const unsigned char *v, size_t len, struct rec *recs,
		 int max)
{
	size_t fs_off, layer_off, data, i;
	unsigned int nr_layers, seen = 0;
	unsigned char *used;

	ck_assert_uint_ge(len, 32);
	ck_assert_msg(v[1] != 0xfc, "a format 1 value, not format 2");
	ck_assert_uint_eq(u32at(v, 0), 32);
	ck_assert_uint_eq(u32at(v, 4), len);
	fs_off = u32at(v, 8);
	nr_fs = u32at(v, 12);
	layer_off = u32at(v, 16);
	nr_layers = u32at(v, 20);
	ck_assert_uint_eq(u32at(v, 24), 0);	/* flags */
	ck_assert_uint_eq(u32at(v, 28), 0);
	ck_assert_uint_eq(fs_off, 32);
	ck_assert_int_le(nr_layers, max);
	ck_assert_uint_ge(nr_fs, 1);
	ck_assert_uint_le(nr_fs, nr_layers);
	ck_assert_uint_eq(layer_off, fs_off + 48 * (size_t)nr_fs);
	data = layer_off + 48 * (size_t)nr_layers;
	ck_assert_uint_le(data, len);
	used = calloc(len - data + 1, 1);
	ck_assert(used);

	for (i = 0; i < nr_layers; i++) {
		const unsigned char *e = v + layer_off + 48 * i;
		const unsigned char *f;
		struct rec *r = &recs[i];
		size_t hoff, poff;
		uint16_t kind, fs;

		memset(r, 0, sizeof(*r));
		ck_assert_uint_eq(u32at(e, 0), 48);
		memcpy(&kind, e + 4, 2);
		memcpy(&fs, e + 6, 2);
		r->kind = kind;
		r->fs = fs;
		r->index = u32at(e, 8);
		r->flags = u32at(e, 12);
		r->attr = u64at(e, 16);
		r->fid_type = (int)u32at(e, 24);
		r->fid_len = u32at(e, 28);
		hoff = u32at(e, 32);
		poff = u32at(e, 36);
		r->path_len = u32at(e, 40);
		ck_assert_uint_eq(u32at(e, 44), 0);
		ck_assert_uint_ge(r->kind, 1);
		ck_assert_uint_le(r->kind, 4);
		ck_assert_uint_lt(r->fs, nr_fs);
		ck_assert_msg(!(r->flags & ~0x7u), "layer %zu: flags %#x", i,
			      r->flags);
		ck_assert_msg(!(r->attr & ~A_KNOWN), "layer %zu: attr %#llx", i,
			      r->attr);
		ck_assert_msg((r->flags & (F_NOFH | F_FID)) != (F_NOFH | F_FID),
			      "layer %zu: NOFH with FID", i);
		if (r->flags & F_NOFH) {
			ck_assert_int_eq(r->fid_type, 0);
			ck_assert_uint_eq(r->fid_len, 0);
		} else {
			ck_assert_uint_ge(r->fid_len, 1);
			ck_assert_uint_le(r->fid_len, FID_MAX);
		}
		claim(used, data, len, hoff, r->fid_len, "handle", i);
		memcpy(r->fid, v + hoff, r->fid_len);
		claim(used, data, len, poff, (size_t)r->path_len + 1, "path", i);
		ck_assert_uint_lt(r->path_len, PATH_MAX);
		memcpy(r->path, v + poff, r->path_len + 1);
		ck_assert_msg(r->path[r->path_len] == '\0' &&
			      strlen(r->path) == r->path_len,
			      "layer %zu: path not NUL-terminated at its length", i);
		if (r->flags & F_NOPATH)
			ck_assert_uint_eq(r->path_len, 0);
		else
			ck_assert_msg(r->path[0] == '/', "layer %zu: path '%s'", i,
				      r->path);

		/* filesystems are listed in order of first use */
		ck_assert_msg(r->fs <= seen, "layer %zu: fs %u before fs %u", i,
			      r->fs, seen);
		if (r->fs == seen)
			seen++;
		f = v + fs_off + 48 * (size_t)r->fs;
		ck_assert_uint_eq(u32at(f, 0), 48);
		r->fs_flags = u32at(f, 4);
		ck_assert_msg(!(r->fs_flags & ~FS_BAD_UUID), "fs %u: flags %#x",
			      r->fs, r->fs_flags);
		r->major = u32at(f, 8);
		r->minor = u32at(f, 12);
		r->magic = u64at(f, 16);
		r->uuid_len = f[24];
		ck_assert_uint_le(r->uuid_len, 16);
		for (int b = 25; b < 32; b++)
			ck_assert_uint_eq(f[b], 0);
		memcpy(r->uuid, f + 32, 16);
		for (unsigned int b = r->uuid_len; b < 16; b++)
			ck_assert_uint_eq(r->uuid[b], 0);
	}
	ck_assert_msg(seen == nr_fs, "%u filesystems listed, %u used", nr_fs,
		      seen);
	/* each filesystem once */
	for (i = 0; i < nr_fs; i++)
		for (size_t j = i + 1; j < nr_fs; j++)
			ck_assert_msg(u32at(v, fs_off + 48 * i + 8) !=
				      u32at(v, fs_off + 48 * j + 8) ||
				      u32at(v, fs_off + 48 * i + 12) !=
				      u32at(v, fs_off + 48 * j + 12),
				      "fs %zu and %zu: one device", i, j);
	/* packed: len = 32 + 48 nr_fs + sum(48 + handle + path + 1) */
	for (i = 0; i < len - data; i++)
		ck_assert_msg(used[i], "data byte %zu is no handle or path",
			      data + i);
	free(used);
	return nr_layers;
}

/* ---- statmount(2) --------------------------------------------------- */

static unsigned char sm_buf[4 << 20] __attribute__((aligned(8)));

/* statmount by unique mount ID (fd < 0) or by fd; NULL and errno */
static struct ovl_statmount *sm_get(uint64_t id, int fd, uint64_t mask)
{
	struct ovl_mnt_id_req req = {
		.size = sizeof(req), .mnt_id = id, .param = mask,
	};
	unsigned int flags = 0;

	if (fd >= 0) {
		req.fd = fd;
		req.mnt_id = 0;
		flags = SM_BY_FD;
	}
	memset(sm_buf, 0, sizeof(struct ovl_statmount));
	if (syscall(__NR_statmount, &req, sm_buf, sizeof(sm_buf), flags))
		return NULL;
	return (struct ovl_statmount *)sm_buf;
}

static uint64_t mnt_id_of(const char *path)
{
	struct statx stx;

	ck_assert_msg(!statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW,
			     STATX_MNT_ID_UNIQUE, &stx), "statx %s: %m", path);
	ck_assert_msg(stx.stx_mask & STATX_MNT_ID_UNIQUE,
		      "statx %s: no unique mount ID", path);
	return stx.stx_mnt_id;
}

/* The layers through statmount: must be there (a kernel of the series). */
static ssize_t sm_layers(uint64_t id, int fd, unsigned char *buf, size_t size)
{
	struct ovl_statmount *sm = sm_get(id, fd, SM_FS_LAYERS | SM_SUPPORTED);

	ck_assert_msg(sm, "statmount: %m");
	ck_assert_msg(sm->supported_mask & SM_FS_LAYERS,
		      "statmount: STATMOUNT_FS_LAYERS not supported (supported %#llx)",
		      (unsigned long long)sm->supported_mask);
	ck_assert_msg(sm->mask & SM_FS_LAYERS,
		      "statmount: no layers answered (mask %#llx)",
		      (unsigned long long)sm->mask);
	ck_assert_uint_eq(sm->fs_layers % 8, 0);
	ck_assert_uint_le(sm->fs_layers_len, size);
	ck_assert_uint_le(512 + (size_t)sm->fs_layers + sm->fs_layers_len,
			  sm->size);
	memcpy(buf, sm->str + sm->fs_layers, sm->fs_layers_len);
	return sm->fs_layers_len;
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

static unsigned char sm_val[4 << 20];

/*
 * The value of the xattr; ENODATA (a kernel without the xattr) fails the
 * test.  The same bytes must come from statmount(2) of the mount at path:
 * one encoder, two faces.
 */
static ssize_t get_value(const char *path, const char *name,
			 unsigned char *buf, size_t size)
{
	ssize_t n = getxattr(path, name, buf, size), m;

	ck_assert_msg(n > 0, "getxattr %s %s: %m%s", path, name,
		      n < 0 && errno == ENODATA ?
		      " (a kernel without the layers xattr?)" : "");
	m = sm_layers(mnt_id_of(path), -1, sm_val, sizeof(sm_val));
	ck_assert_msg(m == n && !memcmp(buf, sm_val, n),
		      "statmount's layers (%zd bytes) differ from the xattr's (%zd)",
		      m, n);
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

/* record's handle == the handle */
static void assert_fid_is(const struct rec *r, const struct handle *h,
			  const char *dir, const char *what)
{
	ck_assert_msg(r->fid_type == h->fh.handle_type,
		      "%s %s: handle_type %d, name_to_handle_at's %d", what, dir,
		      r->fid_type, h->fh.handle_type);
	ck_assert_msg(r->fid_len == h->fh.handle_bytes,
		      "%s %s: handle of %u bytes, name_to_handle_at's %u", what,
		      dir, r->fid_len, h->fh.handle_bytes);
	ck_assert_msg(!memcmp(r->fid, h->fh.f_handle, r->fid_len),
		      "%s %s: handle bytes differ", what, dir);
}

/*
 * The path a layer directory must have: the root of the mount that holds
 * it (statmount's mnt_root, mountinfo's fourth field) joined with the
 * directory's path below that mount's mount point.
 */
static void expected_path(const char *dir, const struct ovl_statmount *sm, char *out,
			  size_t size)
{
	const char *root = sm->str + sm->mnt_root;
	const char *point = sm->str + sm->mnt_point;
	char real[PATH_MAX];
	const char *below;

	ck_assert_msg(realpath(dir, real), "realpath %s: %m", dir);
	below = real;
	if (strcmp(point, "/")) {
		size_t n = strlen(point);

		ck_assert_msg(!strncmp(real, point, n) &&
			      (real[n] == '/' || !real[n]),
			      "%s is not below its mount point %s", real, point);
		below = real + n;
	}
	if (!*below)
		snprintf(out, size, "%s", root);
	else if (!strcmp(root, "/"))
		snprintf(out, size, "%s", below);
	else
		snprintf(out, size, "%s%s", root, below);
}

/*
 * Check one layer against the directory it claims to describe: its
 * filesystem's device, magic and uuid against statmount(2), statfs(2)
 * and FS_IOC_GETFSUUID; its path from the filesystem root and its mount
 * attributes against the mount that holds it; its handle, whose kind the
 * filesystem decides: name_to_handle_at(2) gives a handle that
 * open_by_handle_at(2) opens (no flag, same bytes), or one only with
 * AT_HANDLE_FID (FID, same bytes, and it does not open).
 */
static void check_layer(const struct rec *r, const char *dir)
{
	struct ovl_fsuuid2 u = { .len = 16 };
	char want[PATH_MAX];
	unsigned long long attr;
	struct handle h;
	struct stat st, st2;
	struct ovl_statmount *sm;
	int fd, byh, err;

	ck_assert_msg(!stat(dir, &st), "stat %s: %m", dir);
	sm = sm_get(mnt_id_of(dir), -1, SM_SB_BASIC | SM_MNT_BASIC |
		    SM_MNT_ROOT | SM_MNT_POINT);
	ck_assert_msg(sm, "statmount of %s: %m", dir);
	ck_assert_msg(r->major == sm->sb_dev_major &&
		      r->minor == sm->sb_dev_minor,
		      "%s: device %u:%u, its mount's superblock %u:%u", dir,
		      r->major, r->minor, sm->sb_dev_major, sm->sb_dev_minor);
	/* sb->s_magic: statmount's (9p's statfs f_type is its server's) */
	ck_assert_msg(r->magic == (unsigned long long)sm->sb_magic,
		      "%s: magic %#llx, statmount's sb_magic %#llx", dir,
		      r->magic, (unsigned long long)sm->sb_magic);
	attr = sm->mnt_attr & A_KNOWN;
	if (r->kind >= 3)	/* overlayfs' own clones of lower layers */
		attr |= A_RDONLY;
	ck_assert_msg(r->attr == attr, "%s: attr %#llx, expected %#llx", dir,
		      r->attr, attr);
	expected_path(dir, sm, want, sizeof(want));
	ck_assert_msg(!(r->flags & F_NOPATH), "%s: NOPATH", dir);
	ck_assert_msg(!strcmp(r->path, want), "%s: path '%s', expected '%s'",
		      dir, r->path, want);

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	if (ioctl(fd, OVL_FS_IOC_GETFSUUID, &u) == 0) {
		ck_assert_uint_eq(r->uuid_len, u.len);
		ck_assert_msg(!memcmp(r->uuid, u.uuid, u.len), "uuid of %s",
			      dir);
	} else {
		ck_assert_int_eq(errno, ENOTTY);	/* fs has no uuid */
		ck_assert_uint_eq(r->uuid_len, 0);
	}

	ck_assert_msg(!(r->flags & F_NOFH), "%s: NOFH", dir);
	err = handle_of(dir, 0, &h);
	if (!err) {
		ck_assert_msg(!(r->flags & F_FID),
			      "%s: FID, but it has a handle", dir);
		assert_fid_is(r, &h, dir, "handle of");
		/* The handle from the record opens that very directory. */
		h.fh.handle_bytes = r->fid_len;
		h.fh.handle_type = r->fid_type;
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
	ck_assert_int_eq(handle_of(dir, AT_HANDLE_FID, &h), 0);
	ck_assert_msg(r->flags & F_FID, "%s: flags %#x, no FID", dir, r->flags);
	assert_fid_is(r, &h, dir, "AT_HANDLE_FID of");
	/* compared, never opened */
	byh = open_by_handle_at(fd, &h.fh, O_RDONLY | O_DIRECTORY);
	ck_assert_msg(byh < 0, "a FID of %s opened", dir);
	close(fd);
}

static void check_kinds(const struct rec *r, int count, const char *kinds,
			const unsigned int *indexes)
{
	ck_assert_int_eq(count, (int)strlen(kinds));
	for (int i = 0; i < count; i++) {
		ck_assert_uint_eq(r[i].kind, (unsigned int)(kinds[i] - '0'));
		ck_assert_uint_eq(r[i].index, indexes[i]);
		/* the work directory is on the upper layer's filesystem */
		if (r[i].kind == 2)
			ck_assert_uint_eq(r[i].fs, r[i - 1].fs);
	}
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
	ck_assert_int_eq(recs[2].fid_type, 1);
	ck_assert_uint_eq(recs[2].fid_len, 12);
	/* three tmpfs instances, each listed once, with distinct uuids */
	ck_assert_uint_eq(nr_fs, 3);
	ck_assert_uint_eq(recs[0].fs, 0);
	ck_assert_uint_eq(recs[2].fs, 1);
	ck_assert_uint_eq(recs[3].fs, 2);
	ck_assert(memcmp(recs[2].uuid, recs[3].uuid, 16));
	ck_assert_str_eq(recs[0].path, "/u");
	ck_assert_str_eq(recs[1].path, "/w");
	ck_assert_str_eq(recs[2].path, "/l1");
	for (int i = 0; i < count; i++) {
		ck_assert_uint_eq(recs[i].fs_flags, 0);
		ck_assert_uint_eq(recs[i].flags, 0);
	}
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
	ck_assert_uint_eq(recs[2].uuid_len, 16);
	ck_assert_uint_eq(nr_fs, 3);
	/* ext4 directory handle: FILEID_INO32_GEN, 8 bytes */
	ck_assert_int_eq(recs[2].fid_type, 1);
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
	ck_assert_uint_eq(nr_fs, 1);
	/* 32 + 48 + 500 * (48 + 12 + 1) + the paths "/0".."/499" on tmpfs */
	ck_assert_int_eq(n, 32 + 48 + 500 * 61 + 10 * 2 + 90 * 3 + 400 * 4);
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

/*
 * In a child, without Check: statmount of path's mount must answer the
 * layers (want 1, the same n bytes as v) or leave the bit clear while
 * supported_mask has it (want 0).  0 if so.
 */
static int sm_layers_child(const char *path, int want,
			   const unsigned char *v, size_t n)
{
	struct statx stx;
	struct ovl_statmount *sm;

	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID_UNIQUE, &stx) ||
	    !(stx.stx_mask & STATX_MNT_ID_UNIQUE))
		return 1;
	sm = sm_get(stx.stx_mnt_id, -1, SM_FS_LAYERS | SM_SUPPORTED);
	if (!sm || !(sm->supported_mask & SM_FS_LAYERS))
		return 1;
	if (!want)
		return !!(sm->mask & SM_FS_LAYERS);
	return !(sm->mask & SM_FS_LAYERS) || sm->fs_layers_len != n ||
	       memcmp(sm->str + sm->fs_layers, v, n);
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
	/* nor the statmount field */
	if (sm_layers_child(P("m"), 0, v, 0))
		return 21;
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
	/* format 2: header size 32, three layers */
	if (n < 32 || u32at(v, 0) != 32 || u32at(v, 20) != 3)
		return 14;
	/* statmount answers the same to the overlay's user namespace root */
	if (sm_layers_child(P("n"), 1, v, n))
		return 18;
	/* the trusted name is not the layers xattr on a userxattr mount */
	if (getxattr(P("n"), XATTR, v, sizeof(v)) >= 0)
		return 15;
	if (capset_none())
		return 16;
	if (getxattr(P("n"), XATTR_USER, v, sizeof(v)) >= 0 ||
	    errno != ENODATA)
		return 17;
	/* and statmount keeps the field to itself, supported or not */
	if (sm_layers_child(P("n"), 0, v, n))
		return 19;
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
 * 8a. nested overlay with nfs_export=off (whatever
 * CONFIG_OVERLAY_FS_NFS_EXPORT says): overlayfs encodes FIDs only
 * (AT_HANDLE_FID), so a FID record whose fid is the nested root's
 */
START_TEST(t_nested_fid)
{
	static const unsigned int idx[] = { 1, 2 };
	struct handle h;
	int count = nested(",nfs_export=off");

	check_kinds(recs, count, "33", idx);
	ck_assert_uint_eq(recs[0].flags, F_FID);
	/* a layer that is an overlay says so: its uuid is its mount's */
	ck_assert_uint_eq(recs[0].magic, OVL_MAGIC);
	ck_assert_uint_eq(nr_fs, 2);
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
 * no uuid) as a lower layer, beside a tmpfs upper: FID, no uuid, the
 * fid that AT_HANDLE_FID gives, the path from the 9p root
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
	/* no uuid, beside an upper layer, offline changes allowed (no
	 * index, metacopy or redirects): overlayfs will not follow origins
	 * to it (ovl_lower_uuid_ok()), BAD_UUID */
	ck_assert_uint_eq(recs[2].flags, F_FID);
	ck_assert_uint_eq(recs[2].fs_flags, FS_BAD_UUID);
	ck_assert_uint_eq(recs[2].uuid_len, 0);
	ck_assert_str_eq(recs[2].path, ninep);
	ck_assert_int_eq(handle_of(ninep, AT_HANDLE_FID, &h), 0);
	assert_fid_is(&recs[2], &h, ninep, "AT_HANDLE_FID of");
	check_layer(&recs[2], ninep);
	for (int i = 0; i < 4; i++)
		if (i != 2)
			ck_assert_uint_eq(recs[i].flags | recs[i].fs_flags, 0);
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
	/* no uuid, and still a handle; lower only: nothing found bad */
	ck_assert_uint_eq(recs[0].uuid_len, 0);
	ck_assert_uint_eq(recs[0].flags, 0);
	ck_assert_uint_eq(recs[0].fs_flags, 0);
	ck_assert_uint_gt(recs[0].fid_len, 0);
	ck_assert_str_eq(recs[0].path, "/dir");
	check_layer(&recs[0], P("sq/dir"));
	check_layer(&recs[1], P("l2"));
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
			/* uuid=off: overlayfs uses a null uuid for origins,
			 * which it does not trust on a lower filesystem of
			 * its own (the tmpfs lower is the upper's) */
			ck_assert_uint_eq(recs[i].fs_flags,
					  m == 0 && i == 3 ? FS_BAD_UUID : 0);
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
 * 13. BAD_UUID is what overlayfs decided at mount (ovl_get_fsid()), not
 * recomputed: it looks at the uuids of lower filesystems only when it
 * may follow origins (an upper layer, or nfs_export), and then marks two
 * lower filesystems with one uuid, and a null uuid unless the user opted
 * in to index, metacopy or redirects (ovl_lower_uuid_ok()).  Two ext4
 * made with the same uuid, an ext4 with a null uuid (mkfs.ext4 -U clear),
 * a tmpfs.
 */
START_TEST(t_bad_uuid)
{
	static const char same[] = "abcdefab-cdef-abcd-efab-cdefabcdefab";
	static const unsigned int idx3[] = { 1, 2, 3 };
	static const unsigned int idx4[] = { 0, 0, 1, 2, 3 };
	char opts[PATH_MAX * 4];
	int count;

	ext4_at("e1", same);
	ext4_at("e2", same);
	ext4_at("z", "clear");
	mount_tmpfs("t");
	run("mkdir %s %s %s %s %s %s %s %s", P("e1/l"), P("e2/l"), P("z/l"),
	    P("t/l"), P("t/u"), P("t/w"), P("t/u2"), P("t/w2"));

	/* lower only: overlayfs never looks at the uuids, none is bad */
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s:%s", P("e1/l"),
		 P("e2/l"), P("t/l"));
	mount_overlay(P("m1"), opts);
	count = parse(val, get_value(P("m1"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "333", idx3);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(recs[i].fs_flags, 0);
	ck_assert(!memcmp(recs[0].uuid, recs[1].uuid, 16));
	check_layer(&recs[0], P("e1/l"));
	check_layer(&recs[1], P("e2/l"));
	check_layer(&recs[2], P("t/l"));

	/* with an upper: e1 and e2 share a uuid, both bad; tmpfs not */
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s:%s,upperdir=%s,workdir=%s",
		 P("e1/l"), P("e2/l"), P("t/l"), P("t/u"), P("t/w"));
	mount_overlay(P("m2"), opts);
	count = parse(val, get_value(P("m2"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "12333", idx4);
	ck_assert_uint_eq(nr_fs, 3);	/* tmpfs, e1, e2 */
	ck_assert_uint_eq(recs[0].fs_flags, 0);
	ck_assert_uint_eq(recs[1].fs_flags, 0);
	ck_assert_uint_eq(recs[2].fs_flags, FS_BAD_UUID);
	ck_assert_uint_eq(recs[3].fs_flags, FS_BAD_UUID);
	ck_assert_uint_eq(recs[4].fs_flags, 0);
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(recs[i].flags, 0);
	check_layer(&recs[2], P("e1/l"));
	check_layer(&recs[3], P("e2/l"));
	check_layer(&recs[4], P("t/l"));

	/* a null uuid with the default options: bad */
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s",
		 P("z/l"), P("t/l"), P("t/u2"), P("t/w2"));
	mount_overlay(P("m3"), opts);
	count = parse(val, get_value(P("m3"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "1233", idx4);
	ck_assert(uuid_is_zero(recs[2].uuid));
	ck_assert_uint_eq(recs[2].fs_flags, FS_BAD_UUID);
	ck_assert_uint_eq(recs[0].fs_flags, 0);
	check_layer(&recs[2], P("z/l"));
	run("umount %s", P("m3"));

	/* the same with index=on, an opt-in to following origins: trusted */
	run("rm -rf %s %s && mkdir %s %s", P("t/u2"), P("t/w2"), P("t/u2"),
	    P("t/w2"));
	mount_overlay(P("m3"), strcat(opts, ",index=on"));
	count = parse(val, get_value(P("m3"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "1233", idx4);
	ck_assert_uint_eq(recs[2].fs_flags, 0);
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

/* 15. the path follows a rename; layers given as fds (lowerdir+ fd) */
START_TEST(t_paths_follow_rename_fds)
{
	static const unsigned int idx[] = { 0, 0, 1, 2 };
	int fd, l1, l2, count;

	mount_tmpfs("t");
	run("mkdir -p %s %s %s %s", P("t/a/l1"), P("t/l2"), P("t/u"), P("t/w"));
	l1 = open(P("t/a/l1"), O_PATH | O_DIRECTORY);
	l2 = open(P("t/l2"), O_PATH | O_DIRECTORY);
	ck_assert(l1 >= 0 && l2 >= 0);
	fd = fs_open_overlay();
	ck_assert_msg(!fsconfig(fd, FSCONFIG_SET_FD, "lowerdir+", NULL, l1),
		      "fsconfig lowerdir+ by fd: %m");
	ck_assert(!fsconfig(fd, FSCONFIG_SET_FD, "lowerdir+", NULL, l2));
	fs_set(fd, "upperdir", P("t/u"));
	fs_set(fd, "workdir", P("t/w"));
	fs_mount_at(fd, P("m"));
	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "1233", idx);
	ck_assert_str_eq(recs[2].path, "/a/l1");
	check_layer(&recs[2], P("t/a/l1"));

	/* rename a parent of a lower layer and the upper layer itself */
	run("mv %s %s && mv %s %s", P("t/a"), P("t/b"), P("t/u"), P("t/U"));
	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)), recs,
		      502);
	ck_assert_str_eq(recs[0].path, "/U");
	ck_assert_str_eq(recs[2].path, "/b/l1");
	check_layer(&recs[0], P("t/U"));
	check_layer(&recs[2], P("t/b/l1"));
	check_layer(&recs[3], P("t/l2"));
	close(l1);
	close(l2);
}
END_TEST

/* 16. an unlinked lower layer: NOPATH for it, the rest described */
START_TEST(t_nopath_unlinked)
{
	static const unsigned int idx[] = { 0, 0, 1, 2 };
	int count;

	basic_overlay();
	ck_assert_msg(!rmdir(P("b/l2")), "rmdir a lower layer: %m");
	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "1233", idx);
	ck_assert_uint_eq(recs[3].flags, F_NOPATH);
	ck_assert_uint_eq(recs[3].path_len, 0);
	ck_assert_uint_gt(recs[3].fid_len, 0);
	ck_assert_uint_eq(recs[2].flags, 0);
	check_layer(&recs[2], P("a/l1"));
}
END_TEST

/*
 * 17. statmount answers for every mount of the overlay's superblock,
 * where the xattr cannot: a bind of a subdirectory, the overlay covered
 * by another mount (read by its mount ID), a lazily unmounted one (read
 * by an fd opened before, STATMOUNT_BY_FD)
 */
START_TEST(t_statmount_other_mounts)
{
	unsigned char first[65536];
	uint64_t id;
	ssize_t n, m;
	int fd;

	basic_overlay();
	n = get_value(P("m"), XATTR, val, sizeof(val));
	memcpy(first, val, n);
	id = mnt_id_of(P("m"));

	mkdir_p(P("m/sub"));
	mkdir_p(P("b2"));
	ck_assert(!mount(P("m/sub"), P("b2"), NULL, MS_BIND, NULL));
	m = sm_layers(mnt_id_of(P("b2")), -1, sm_val, sizeof(sm_val));
	ck_assert(m == n && !memcmp(sm_val, first, n));
	/* the xattr is the root's only */
	ck_assert_int_lt(getxattr(P("b2"), XATTR, val, sizeof(val)), 0);
	ck_assert_int_eq(errno, ENODATA);

	fd = open(P("m"), O_PATH | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert(!mount("tmpfs", P("m"), "tmpfs", 0, NULL));
	ck_assert_int_lt(getxattr(P("m"), XATTR, val, sizeof(val)), 0);
	m = sm_layers(id, -1, sm_val, sizeof(sm_val));
	ck_assert_msg(m == n && !memcmp(sm_val, first, n),
		      "the covered overlay's layers differ");
	ck_assert(!umount(P("m")));

	ck_assert(!umount(P("b2")));
	ck_assert_msg(!umount2(P("m"), MNT_DETACH), "umount -l: %m");
	m = sm_layers(0, fd, sm_val, sizeof(sm_val));
	ck_assert_msg(m == n && !memcmp(sm_val, first, n),
		      "the detached overlay's layers differ");
	parse(sm_val, m, recs, 502);
	ck_assert_str_eq(recs[2].path, "/l1");
	close(fd);
}
END_TEST

/* one read of @path's layers by statmount; 1 whole, 0 not an overlay */
static int race_read(const char *path, unsigned int *gone)
{
	struct statx stx;
	struct ovl_statmount *sm;

	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID_UNIQUE, &stx))
		return 0;
	sm = sm_get(stx.stx_mnt_id, -1, SM_FS_LAYERS);
	if (!sm) {
		ck_assert_msg(errno == ENOENT, "statmount: %m");
		(*gone)++;
		return 0;
	}
	if (!(sm->mask & SM_FS_LAYERS))
		return 0;	/* the tmpfs below, between mounts */
	memcpy(sm_val, sm->str + sm->fs_layers, sm->fs_layers_len);
	check_kinds(recs, parse(sm_val, sm->fs_layers_len, recs, 502),
		    "1233", (const unsigned int[]){ 0, 0, 1, 2 });
	return 1;
}

/*
 * 18. reads racing mount and umount: every answer is a whole, valid
 * description or ENOENT, never anything else.  The test VM has one vCPU,
 * so the reader runs for as long as the writer does (interleaved by the
 * scheduler), and a handshake makes sure at least one read sees the
 * overlay mounted: "ok > 0" then checks the reader, not the scheduler.
 */
START_TEST(t_statmount_racing_umount)
{
	char opts[PATH_MAX * 4], c;
	unsigned int ok = 0, gone = 0, reads = 0;
	int up[2], down[2], st;
	pid_t pid, w;

	basic_layers();
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s",
		 P("a/l1"), P("b/l2"), P("c/u"), P("c/w"));
	mkdir_p(P("m"));
	ck_assert(!pipe(up) && !pipe(down));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		close(up[0]);
		close(down[1]);
		if (mount("overlay", P("m"), "overlay", 0, opts))
			_exit(1);
		if (write(up[1], "m", 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(3);
		for (int i = 0; i < 300; i++) {
			if (umount2(P("m"), i % 2 ? MNT_DETACH : 0))
				_exit(2);
			if (mount("overlay", P("m"), "overlay", 0, opts))
				_exit(1);
		}
		_exit(umount(P("m")) ? 2 : 0);
	}
	close(up[1]);
	close(down[0]);
	ck_assert_int_eq(read(up[0], &c, 1), 1);
	ok += race_read(P("m"), &gone);
	ck_assert_msg(ok == 1, "the mounted overlay was not read whole");
	ck_assert_int_eq(write(down[1], "r", 1), 1);
	while (!(w = waitpid(pid, &st, WNOHANG)) && reads++ < 1000000)
		ok += race_read(P("m"), &gone);
	if (!w)
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	close(up[0]);
	close(down[1]);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st),
		      "the mount/umount loop failed at step %d",
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	printf("vm: racing umount: %u reads, %u descriptions read whole, %u ENOENT\n",
	       reads, ok, gone);
	fflush(stdout);
}
END_TEST

/*
 * 19. past XATTR_SIZE_MAX: 400 lower layers with 150-byte names.  The
 * xattr answers E2BIG (never a truncated value), statmount still answers.
 */
START_TEST(t_e2big_statmount_answers)
{
	char dir[PATH_MAX], name[151];
	ssize_t m;
	int fd, count;

	mount_tmpfs("t");
	fd = fs_open_overlay();
	for (int i = 0; i < 400; i++) {
		memset(name, 'x', 150);
		name[150] = '\0';
		snprintf(name, 5, "%04d", i);
		name[4] = 'x';
		snprintf(dir, sizeof(dir), "%s/%s", P("t"), name);
		ck_assert(!mkdir(dir, 0755));
		fs_set(fd, "lowerdir+", dir);
	}
	fs_mount_at(fd, P("m"));
	ck_assert_int_eq(getxattr(P("m"), XATTR, val, sizeof(val)), -1);
	ck_assert_int_eq(errno, E2BIG);
	ck_assert_int_eq(getxattr(P("m"), XATTR, NULL, 0), -1);
	ck_assert_int_eq(errno, E2BIG);
	m = sm_layers(mnt_id_of(P("m")), -1, sm_val, sizeof(sm_val));
	ck_assert_int_eq(m, 32 + 48 + 400 * (48 + 12 + 151 + 1));
	count = parse(sm_val, m, recs, 502);
	ck_assert_int_eq(count, 400);
	ck_assert_uint_eq(recs[399].path_len, 151);
	check_layer(&recs[399], dir);
	printf("vm: 400 layers with 151-byte paths: xattr E2BIG, statmount %zd bytes\n",
	       m);
	fflush(stdout);
}
END_TEST

/* A user namespace fd mapping 0..65535 to 100000..165535 (a child's). */
static int userns_fd(void)
{
	char path[64], map[] = "0 100000 65536";
	int pfd[2], fd;
	pid_t pid;
	char c;

	ck_assert(!pipe(pfd));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		close(pfd[0]);
		if (unshare(CLONE_NEWUSER))
			_exit(1);
		if (write(pfd[1], "u", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &c, 1), 1);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	return fd;
}

/* 20. an idmapped lower layer, and a nosuid,nodev,noexec one: flagged */
START_TEST(t_idmapped_and_attrs)
{
	static const unsigned int idx[] = { 1, 2 };
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	char opts[PATH_MAX * 2];
	int tree, count;

	mount_tmpfs("t");
	mkdir_p(P("t/l1"));
	mkdir_p(P("t/l2"));
	mkdir_p(P("idm"));
	mkdir_p(P("nx"));
	attr.userns_fd = userns_fd();
	tree = open_tree(AT_FDCWD, P("t/l1"), OPEN_TREE_CLONE);
	ck_assert_msg(tree >= 0, "open_tree: %m");
	ck_assert_msg(!mount_setattr(tree, "", AT_EMPTY_PATH, &attr,
				     sizeof(attr)), "idmap tmpfs: %m");
	ck_assert(!move_mount(tree, "", AT_FDCWD, P("idm"),
			      MOVE_MOUNT_F_EMPTY_PATH));
	close(tree);
	ck_assert(!mount(P("t/l2"), P("nx"), NULL, MS_BIND, NULL));
	ck_assert(!mount(NULL, P("nx"), NULL, MS_REMOUNT | MS_BIND | MS_NOSUID |
			 MS_NODEV | MS_NOEXEC, NULL));
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("idm"), P("nx"));
	mount_overlay(P("m"), opts);
	count = parse(val, get_value(P("m"), XATTR, val, sizeof(val)), recs,
		      502);
	check_kinds(recs, count, "33", idx);
	ck_assert_uint_eq(recs[0].attr, A_IDMAP | A_RDONLY);
	ck_assert_uint_eq(recs[1].attr, A_NOSUID | A_NODEV | A_NOEXEC | A_RDONLY);
	/* one tmpfs under both: one filesystem, two paths */
	ck_assert_uint_eq(nr_fs, 1);
	ck_assert_str_eq(recs[0].path, "/l1");
	ck_assert_str_eq(recs[1].path, "/l2");
	check_layer(&recs[0], P("idm"));
	check_layer(&recs[1], P("nx"));
}
END_TEST

/* Contrast on overlay-unpatched.ko: the kernel has no such xattr. */
START_TEST(t_unpatched_has_no_layers_xattr)
{
	struct ovl_statmount *sm;

	basic_overlay();
	ck_assert_int_eq(getxattr(P("m"), XATTR, val, sizeof(val)), -1);
	ck_assert_int_eq(errno, ENODATA);
	/* the kernel's statmount knows the field, this overlay fills none */
	sm = sm_get(mnt_id_of(P("m")), -1, SM_FS_LAYERS | SM_SUPPORTED);
	ck_assert_msg(sm, "statmount: %m");
	ck_assert(!(sm->mask & SM_FS_LAYERS));
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
		tcase_add_test(tc, t_paths_follow_rename_fds);
		tcase_add_test(tc, t_nopath_unlinked);
		tcase_add_test(tc, t_statmount_other_mounts);
		tcase_add_test(tc, t_statmount_racing_umount);
		tcase_add_test(tc, t_e2big_statmount_answers);
		tcase_add_test(tc, t_idmapped_and_attrs);
	}
	suite_add_tcase(s, tc);
	return ovt_run(s, unpatched ? "vm-unpatched" : "vm");
}
