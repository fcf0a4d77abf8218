// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library on real mounts of the host kernel (root needed).  The host
 * kernel has no layers xattr, so this is where the mountinfo fallback and
 * the resolver meet the awkward cases: bind mounts of subtrees, covered
 * paths, deleted, renamed and moved layers, unmounted filesystems, other
 * mount namespaces, no privilege.  Every test runs in a forked child in a
 * private mount namespace, on fresh tmpfs/ext4 mounts; nothing leaks.
 *
 * The expected descriptor is computed here independently (stat,
 * name_to_handle_at, FS_IOC_GETFSUUID) and compared byte for byte.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <libmount.h>
#include <linux/fs.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <syslog.h>
#include <unistd.h>

/* the last occurrence of needle in hay */
static const char *strrstr_last(const char *hay, const char *needle)
{
	const char *last = NULL;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		last = p;
	return last;
}

#include "ovllayers.h"
#include "fixture.h"
#include "internal.h"	/* ovl_test_kernel_value: the seam */
#include "kvalue.h"
#include "testrun.h"


static void setup(void)
{
	ovt_private_tmp("ovh");
}

static void mkdirs(const char *rel)
{
	mkdir_p(P(rel));
}

static void mount_tmpfs(const char *rel)
{
	mkdirs(rel);
	ck_assert(!mount("tmpfs", P(rel), "tmpfs", 0, NULL));
}

/* lower t1/l1 and t2/l2 (two tmpfs), upper and work on t1 */
static void std_overlay(void)
{
	char opts[1024];

	mount_tmpfs("t1");
	mount_tmpfs("t2");
	mkdirs("t1/l1");
	mkdirs("t2/l2");
	mkdirs("t1/u");
	mkdirs("t1/w");
	mkdirs("m");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s",
		 P("t1/l1"), P("t2/l2"), P("t1/u"), P("t1/w"));
	ck_assert_msg(!mount("overlay", P("m"), "overlay", 0, opts),
		      "mount overlay: %m");
}

static struct ovl_layers *read_ok(const char *path)
{
	struct ovl_layers *l = NULL;
	int e = ovl_layers_read(NULL, -1, path, 0, 0, &l, NULL);

	ck_assert_msg(e == 0, "read %s: %s", path, ovl_layers_strerror(e));
	return l;
}

static void check_loc(struct ovl_layers *l, unsigned int i, int status,
		      const char *path)
{
	struct ovl_layer_location loc;

	ck_assert_int_eq(ovl_layers_get_location(l, i, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_msg(loc.status == status, "layer %u: %s, want %s", i,
		      ovl_layers_status_name(loc.status),
		      ovl_layers_status_name(status));
	if (path)
		ck_assert_str_eq(loc.path, path);
	/* a reason for every status that is not ok (1.0) */
	if (status == OVL_STATUS_OK || status == OVL_STATUS_UNRESOLVED)
		ck_assert_ptr_null(loc.reason);
	else
		ck_assert_msg(loc.reason && strlen(loc.reason) > 20,
			      "layer %u (%s) has no reason", i,
			      ovl_layers_status_name(status));
}

/* The format 2 value of layers whose dir and mount point are given
 * relative to base (kvalue.h: computed as the kernel would). */
static size_t v2_expected(unsigned char *want, const struct ovt_layer *rel,
			  unsigned int n)
{
	struct ovt_layer abs[16];
	char dir[16][512], mnt[16][512];

	ck_assert_uint_le(n, 16);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(dir[i], sizeof(dir[i]), "%s/%s", base, rel[i].dir);
		snprintf(mnt[i], sizeof(mnt[i]), "%s/%s", base,
			 rel[i].mount_point);
		abs[i] = rel[i];
		abs[i].dir = dir[i];
		abs[i].mount_point = mnt[i];
	}
	return ovt_v2_value(want, abs, n);
}

/* the mountinfo fallback equals the independently computed value */
START_TEST(t_fallback_tmpfs)
{
	static const struct ovt_layer layers[] = {
		{ "t1/u", "t1", 1, 0 }, { "t1/w", "t1", 2, 0 },
		{ "t1/l1", "t1", 3, 1 }, { "t2/l2", "t2", 3, 2 },
	};
	unsigned char want[2048], got[2048];
	size_t n;
	struct ovl_layers *l;
	struct ovl_layer_record rec;

	std_overlay();
	n = v2_expected(want, layers, 4);
	l = read_ok(P("m"));
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ck_assert_int_eq(ovl_layers_encode(l, got, sizeof(got)), (ssize_t)n);
	ck_assert(!memcmp(got, want, n));
	ck_assert_str_eq(ovl_layers_options(l), "uuid=on");
	/* the 1.x record of a format 2 value: the ovl_fb the library built,
	 * as overlayfs builds an origin's (PATH_UPPER on upper and work) */
	ck_assert_int_eq(ovl_layers_get_record(l, 1, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.fb_len, 21 + rec.fid_len);
	ck_assert_uint_eq(((const unsigned char *)rec.fb)[1], 0xfb);
	ck_assert_uint_eq(rec.fh_flags & 0x04, 0x04);
	ck_assert(!memcmp((const unsigned char *)rec.fb + 5, rec.uuid, 16));
	ck_assert(!memcmp((const unsigned char *)rec.fb + 21, rec.fid, rec.fid_len));
	ck_assert_int_eq(ovl_layers_get_record(l, 3, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.fh_flags & 0x04, 0);
	/* any path inside the overlay finds the same descriptor */
	run("mkdir %s", P("m/sub"));
	ovl_layers_free(l);
	l = read_ok(P("m/sub"));
	ck_assert_int_eq(ovl_layers_encode(l, got, sizeof(got)), (ssize_t)n);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 0, OVL_STATUS_OK, P("t1/u"));
	check_loc(l, 1, OVL_STATUS_OK, P("t1/w"));
	check_loc(l, 2, OVL_STATUS_OK, P("t1/l1"));
	check_loc(l, 3, OVL_STATUS_OK, P("t2/l2"));
	ovl_layers_free(l);
}
END_TEST

START_TEST(t_fallback_ext4_data_layers_escapes)
{
	static const struct ovt_layer layers[] = {
		{ "e/low er", "e", 3, 1 }, { "t/a:b", "t", 3, 2 },
		{ "t/d1", "t", 4, 3 },
	};
	unsigned char want[2048], got[2048];
	struct ovl_layers *l;
	struct ovl_layer_location loc;
	char opts[1024];
	size_t n;

	mkdirs("e");
	run("truncate -s 32M %s && mkfs.ext4 -q -F %s && mount -o loop %s %s",
	    P("e.img"), P("e.img"), P("e.img"), P("e"));
	mount_tmpfs("t");
	mkdirs("e/low er");	/* a space: mountinfo escapes it */
	mkdirs("t/a:b");	/* a colon: overlayfs escapes it */
	mkdirs("t/d1");
	mkdirs("m");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s::%s,metacopy=on",
		 P("e/low er"), P("t/a\\:b"), P("t/d1"));
	ck_assert_msg(!mount("overlay", P("m"), "overlay", MS_RDONLY, opts),
		      "mount: %m");
	n = v2_expected(want, layers, 3);
	l = read_ok(P("m"));
	ck_assert_int_eq(ovl_layers_encode(l, got, sizeof(got)), (ssize_t)n);
	ck_assert(!memcmp(got, want, n));
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 0, OVL_STATUS_OK, P("e/low er"));
	check_loc(l, 1, OVL_STATUS_OK, P("t/a:b"));
	check_loc(l, 2, OVL_STATUS_OK, P("t/d1"));
	ck_assert_int_eq(ovl_layers_get_location(l, 0, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_str_eq(loc.mount_point, P("e"));
	ck_assert_str_eq(loc.root, "/low er");
	ovl_layers_free(l);
	run("umount %s %s", P("m"), P("e"));
}
END_TEST

/* Layer paths with the characters mountinfo and overlayfs escape: through
 * mount(2)'s lowerdir list and upperdir/workdir (overlayfs unescapes a
 * backslash there) and through the new mount API's lowerdir+/datadir+
 * (taken as they are).  mountinfo shows a comma as \054, which libmount's
 * unescaped option string cannot tell from the separator. */
static const char *const odd[] = { "a,b", "c\\d", "e:f", "g h", "i=j" };

static void odd_dirs(void)
{
	mount_tmpfs("t");
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		char rel[32];

		snprintf(rel, sizeof(rel), "t/%s", odd[i]);
		mkdirs(rel);
	}
	mkdirs("t/u,\\1");
	mkdirs("t/w\\,2");
	mkdirs("m");
}

/* base/t/name with overlayfs's escapes (backslash before \ : ,) */
static void escaped(char *out, size_t size, const char *name)
{
	size_t n = (size_t)snprintf(out, size, "%s/t/", base);

	for (; *name && n + 2 < size; name++) {
		if (*name == '\\' || *name == ':' || *name == ',')
			out[n++] = '\\';
		out[n++] = *name;
	}
	out[n] = '\0';
}

static size_t odd_expected(unsigned char *want, bool upper)
{
	struct ovt_layer layers[7];
	unsigned int n = 0, idx = 0;
	char rel[5][32];

	if (upper) {
		layers[n++] = (struct ovt_layer){ "t/u,\\1", "t", 1, 0 };
		layers[n++] = (struct ovt_layer){ "t/w\\,2", "t", 2, 0 };
	}
	for (size_t i = 0; i < 5; i++) {
		snprintf(rel[i], sizeof(rel[i]), "t/%s", odd[i]);
		layers[n++] = (struct ovt_layer){ rel[i], "t", i < 4 ? 3 : 4,
						  ++idx };
	}
	return v2_expected(want, layers, n);
}

START_TEST(t_fallback_escapes_mount2)
{
	unsigned char want[2048], got[2048];
	char opts[2048], l[5][256], u[256], w[256];
	struct ovl_layers *lay;
	struct ovl_error *oe = ovl_error_new();
	int e;
	size_t n;

	odd_dirs();
	for (int i = 0; i < 5; i++)
		escaped(l[i], sizeof(l[i]), odd[i]);
	escaped(u, sizeof(u), "u,\\1");
	escaped(w, sizeof(w), "w\\,2");
	snprintf(opts, sizeof(opts),
		 "lowerdir=%s:%s:%s:%s::%s,upperdir=%s,workdir=%s,index=off",
		 l[0], l[1], l[2], l[3], l[4], u, w);
	ck_assert_msg(!mount("overlay", P("m"), "overlay", 0, opts),
		      "mount %s: %m", opts);
	n = odd_expected(want, true);
	lay = read_ok(P("m"));
	ck_assert_int_eq(ovl_layers_encode(lay, got, sizeof(got)), (ssize_t)n);
	ck_assert(!memcmp(got, want, n));
	ck_assert_ptr_null(strchr(ovl_layers_options(lay), '/'));
	ck_assert_int_eq(ovl_layers_resolve(lay, NULL, 0, NULL, NULL), 0);
	check_loc(lay, 0, OVL_STATUS_OK, P("t/u,\\1"));
	check_loc(lay, 1, OVL_STATUS_OK, P("t/w\\,2"));
	check_loc(lay, 2, OVL_STATUS_OK, P("t/a,b"));
	check_loc(lay, 3, OVL_STATUS_OK, P("t/c\\d"));
	check_loc(lay, 6, OVL_STATUS_OK, P("t/i=j"));

	/* mounted again from the descriptor (upperdir with a backslash), each
	 * layer through the fd the resolution checked: the new overlay's
	 * upper is that directory */
	run("echo via-fd > %s", P("m/new"));
	ck_assert(!umount(P("m")));
	ck_assert_int_eq(ovl_layers_mount(lay, ovl_layers_options(lay), P("m"),
					  0, NULL), 0);
	run("grep -qx via-fd %s", P("m/new"));
	run("echo again > %s && grep -qx again '%s/t/u,\\1/again'",
	    P("m/again"), base);
	ovl_layers_free(lay);
	lay = NULL;
	/* Its mount options now name the layers as the kernel was given
	 * them: the fds' paths where overlayfs takes fds (6.13+), which it
	 * shows without its own escaping (so an upperdir with a backslash
	 * reads otherwise: ENOENT), or /proc/self/fd/N, which the fallback
	 * refuses to take for a directory.  Never a wrong descriptor. */
	e = ovl_layers_read(NULL, -1, P("m"), 0, 0, &lay, oe);
	ck_assert_msg(e == -EINVAL || e == -ENOENT || e == 0, "%s", ovl_error_message(oe));
	if (e == -EINVAL)
		ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "file descriptor"));
	if (!e) {
		ck_assert_int_eq(ovl_layers_encode(lay, got, sizeof(got)), (ssize_t)n);
		ck_assert(!memcmp(got, want, n));
	}
	ovl_layers_free(lay);
	ovl_error_free(oe);
}
END_TEST

START_TEST(t_fallback_escapes_new_api)
{
	unsigned char want[2048], got[2048];
	struct ovl_layers *lay;
	char p[256];
	int fs, mnt;
	size_t n;

	odd_dirs();
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	ck_assert_int_ge(fs, 0);
	for (int i = 0; i < 5; i++) {
		snprintf(p, sizeof(p), "%s/t/%s", base, odd[i]);
		ck_assert_msg(!fsconfig(fs, FSCONFIG_SET_STRING,
					i < 4 ? "lowerdir+" : "datadir+", p, 0),
			      "fsconfig %s: %m", p);
	}
	ck_assert(!fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0));
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	ck_assert_int_ge(mnt, 0);
	ck_assert(!move_mount(mnt, "", AT_FDCWD, P("m"), MOVE_MOUNT_F_EMPTY_PATH));
	close(mnt);
	close(fs);
	n = odd_expected(want, false);
	lay = read_ok(P("m"));
	ck_assert_int_eq(ovl_layers_encode(lay, got, sizeof(got)), (ssize_t)n);
	ck_assert(!memcmp(got, want, n));
	ck_assert_int_eq(ovl_layers_resolve(lay, NULL, 0, NULL, NULL), 0);
	check_loc(lay, 1, OVL_STATUS_OK, P("t/c\\d"));
	check_loc(lay, 4, OVL_STATUS_OK, P("t/i=j"));
	ovl_layers_free(lay);
}
END_TEST

/* A process in our namespace but chrooted: paths are in its view (and
 * the layer strings are its own, as it mounted the overlay there). */
START_TEST(t_chrooted_process)
{
	int ready[2], done[2];
	struct ovl_layers *l = NULL;
	struct ovl_layer_location loc;
	struct ovl_view *v = NULL;
	char c;
	pid_t pid;

	std_overlay();
	mkdirs("t1/u2");
	mkdirs("t1/w2");
	ck_assert(!pipe(ready) && !pipe(done));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		if (chroot(base) || chdir("/") || mkdir("/m2", 0755) ||
		    mount("overlay", "/m2", "overlay", 0,
			  "lowerdir=/t1/l1:/t2/l2,upperdir=/t1/u2,workdir=/t1/w2"))
			_exit(1);
		if (write(ready[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(ovl_view_open(pid, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_layers_read(v, -1, "/m2", 0, 0, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(l, v, 0, NULL, NULL), 0);
	check_loc(l, 0, OVL_STATUS_OK, "/t1/u2");
	check_loc(l, 3, OVL_STATUS_OK, "/t2/l2");
	ck_assert_int_eq(ovl_layers_get_location(l, 3, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_str_eq(loc.mount_point, "/t2");
	ck_assert_str_eq(loc.root, "/l2");
	/* and in ours */
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 3, OVL_STATUS_OK, P("t2/l2"));
	ovl_layers_free(l);
	ovl_view_unref(v);
	ck_assert_int_eq(write(done[1], "x", 1), 1);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

/* The layer fs comes back on another device (another loop device): the
 * st_dev hint now names a different filesystem, the uuid finds it. */
START_TEST(t_remounted_other_device)
{
	struct ovl_layers *l;
	struct ovl_layer_record rec;
	struct stat st;
	char opts[512];

	mkdirs("e");
	mkdirs("f");
	mkdirs("e2");
	mkdirs("m");
	run("truncate -s 32M %s %s && mkfs.ext4 -q -F %s && mkfs.ext4 -q -F %s"
	    " && mount -o loop %s %s && mkdir %s/l %s/l2",
	    P("e.img"), P("f.img"), P("e.img"), P("f.img"), P("e.img"), P("e"),
	    P("e"), P("e"));
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("e/l"), P("e/l2"));
	ck_assert(!mount("overlay", P("m"), "overlay", MS_RDONLY, opts));
	l = read_ok(P("m"));
	run("umount %s %s", P("m"), P("e"));
	/* the freed loop device goes to another fs, e.img to a new one */
	run("mount -o loop %s %s && mount -o loop %s %s", P("f.img"), P("f"),
	    P("e.img"), P("e2"));
	ck_assert(!stat(P("f"), &st));
	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_msg(makedev(rec.dev_major, rec.dev_minor) == st.st_dev,
		      "the loop device was not reused; test setup");
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 0, OVL_STATUS_OK, P("e2/l"));
	check_loc(l, 1, OVL_STATUS_OK, P("e2/l2"));
	ovl_layers_free(l);
	run("umount %s %s", P("f"), P("e2"));
}
END_TEST

/* Read a descriptor, then take the overlay away so the layers can be
 * moved around before resolving the saved descriptor. */
static struct ovl_layers *saved_std(void)
{
	struct ovl_layers *l;

	std_overlay();
	l = read_ok(P("m"));
	ck_assert(!umount(P("m")));
	return l;
}

/* Handles decode per superblock: a bind mount of another subtree must not
 * be taken for the layer's mount. */
START_TEST(t_bind_mount_of_subtree)
{
	struct ovl_layers *l = saved_std();
	struct ovl_layer_location loc;

	mkdirs("t2/other");
	mkdirs("bind-other");
	mkdirs("bind-l2");
	/* first in mountinfo order: a subtree that does not hold l2 */
	run("mount --bind %s %s && mount --bind %s %s && umount %s",
	    P("t2/other"), P("bind-other"), P("t2/l2"), P("bind-l2"),
	    P("t2"));
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 3, OVL_STATUS_OK, P("bind-l2"));
	ck_assert_int_eq(ovl_layers_get_location(l, 3, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_str_eq(loc.mount_point, P("bind-l2"));
	ck_assert_str_eq(loc.root, "/");

	/* only the wrong subtree left: found nowhere, and never a wrong path */
	run("umount %s", P("bind-l2"));
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 3, OVL_STATUS_UNREACHABLE, NULL);
	ovl_layers_free(l);
}
END_TEST

START_TEST(t_overmounted_layer)
{
	struct ovl_layers *l = saved_std();
	struct ovl_layer_location loc;
	struct stat want, got;
	unsigned int bad = 0;

	ck_assert(!stat(P("t1/l1"), &want));
	mount_tmpfs("t1/l1");	/* covers the layer path */
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, OVL_RESOLVE_FD, &bad, NULL), 0);
	ck_assert_uint_eq(bad, 1);
	check_loc(l, 2, OVL_STATUS_SHADOWED, P("t1/l1"));
	ck_assert_int_eq(ovl_layers_get_location(l, 2, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_int_ge(loc.fd, 0);
	ck_assert(!fstat(loc.fd, &got));
	ck_assert_uint_eq(got.st_ino, want.st_ino);
	ck_assert_uint_eq(got.st_dev, want.st_dev);
	ck_assert_int_gt(loc.mnt_id, 0);
	ovl_layers_free(l);
}
END_TEST

START_TEST(t_deleted_layer)
{
	struct ovl_layers *l = saved_std();

	ck_assert(!rmdir(P("t2/l2")));
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 3, OVL_STATUS_STALE, NULL);
	check_loc(l, 2, OVL_STATUS_OK, P("t1/l1"));
	ovl_layers_free(l);
}
END_TEST

START_TEST(t_unmounted_fs)
{
	struct ovl_layers *l = saved_std();
	unsigned int bad;

	ck_assert(!umount(P("t2")));
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, &bad, NULL), 0);
	ck_assert_uint_eq(bad, 1);
	check_loc(l, 3, OVL_STATUS_NO_MOUNT, NULL);
	ovl_layers_free(l);
}
END_TEST

START_TEST(t_renamed_layer)
{
	struct ovl_layers *l = saved_std();

	ck_assert(!rename(P("t1/l1"), P("t1/renamed")));
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 2, OVL_STATUS_OK, P("t1/renamed"));
	ovl_layers_free(l);
}
END_TEST

/* The checkpoint/restore shape: the layer fs shows up under a yard, then
 * is moved to where it belongs. */
START_TEST(t_yard_then_move)
{
	struct ovl_layers *l = saved_std();

	mkdirs("yard/9-0000000000/var");
	run("mount --move %s %s", P("t2"), P("yard/9-0000000000/var"));
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 3, OVL_STATUS_OK, P("yard/9-0000000000/var/l2"));
	mkdirs("final");
	run("mount --move %s %s", P("yard/9-0000000000/var"), P("final"));
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 3, OVL_STATUS_OK, P("final/l2"));
	ovl_layers_free(l);
}
END_TEST

START_TEST(t_relative_lowerdir)
{
	struct ovl_layers *l = NULL;
	struct ovl_error *oe = ovl_error_new();

	mkdirs("a");
	mkdirs("b");
	mkdirs("m");
	ck_assert(!chdir(base));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, "lowerdir=a:b"));
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, NULL), -EINVAL);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, oe),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "relative"));
	ck_assert_ptr_null(l);
	ovl_error_free(oe);
}
END_TEST

/* The namespace of another process, through /proc/PID. */
START_TEST(t_other_namespace)
{
	int ready[2], done[2];
	struct ovl_layers *l = NULL;
	struct ovl_layer_location loc;
	struct ovl_view *v = NULL;
	struct ovl_error *oe = ovl_error_new();
	char c;
	pid_t pid;

	mount_tmpfs("shared");
	mkdirs("shared/l1");
	mkdirs("shared/l2");
	ck_assert(!pipe(ready) && !pipe(done));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		char opts[512];

		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(1);
		/* the layers move in its namespace only */
		if (mkdir(P("theirs"), 0755) ||
		    mount(P("shared"), P("theirs"), NULL, MS_MOVE, NULL))
			_exit(2);
		snprintf(opts, sizeof(opts), "lowerdir=%s:%s",
			 P("theirs/l1"), P("theirs/l2"));
		if (mkdir(P("m2"), 0755) ||
		    mount("overlay", P("m2"), "overlay", 0, opts))
			_exit(3);
		if (write(ready[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(4);
		_exit(0);
	}
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(ovl_view_open(pid, 0, &v, oe), 0);
	ck_assert_int_eq(ovl_view_pid(v), pid);
	ck_assert_int_eq(ovl_layers_read(v, -1, P("m2"), 0, 0, &l, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), 0);
	ck_assert_int_eq(ovl_layers_count(l), 2);
	ck_assert_int_eq(ovl_layers_resolve(l, v, OVL_RESOLVE_FD, NULL, oe), 0);
	check_loc(l, 0, OVL_STATUS_OK, P("theirs/l1"));
	ck_assert_int_eq(ovl_layers_get_location(l, 1, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_str_eq(loc.mount_point, P("theirs"));
	ck_assert_int_ge(loc.fd, 0);
	/* in our own namespace the same layers are elsewhere */
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 0, OVL_STATUS_OK, P("shared/l1"));
	ovl_layers_free(l);
	ck_assert_int_eq(write(done[1], "x", 1), 1);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	/* the view's process is gone; so is a new view of its pid */
	ck_assert_int_eq(ovl_layers_read(v, -1, P("m2"), 0, 0, &l, oe), -ESRCH);
	ck_assert_int_eq(ovl_error_code(oe), -ESRCH);
	ck_assert_ptr_nonnull(ovl_error_message(oe));
	ovl_view_unref(v);
	v = NULL;
	ck_assert_int_eq(ovl_view_open(pid, 0, &v, oe), -ESRCH);
	ck_assert_int_eq(ovl_error_code(oe), -ESRCH);
	ck_assert_ptr_null(v);
	ovl_error_free(oe);
}
END_TEST

START_TEST(t_errors)
{
	struct ovl_layers *l = NULL;
	struct ovl_error *oe = ovl_error_new();
	char fdpath[64];
	int fd;

	mount_tmpfs("t");
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("t"), 0, 0, &l, NULL), -EMEDIUMTYPE);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("nothing"), 0, 0, &l, NULL), -ENOENT);
	std_overlay();
	/* this kernel has no layers xattr: said so, not guessed around */
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, OVL_READ_KERNEL_ONLY,
					 &l, NULL), -ENODATA);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0,
					 OVL_READ_MOUNTINFO_ONLY, &l, NULL), 0);
	ovl_layers_free(l);
	l = NULL;
	{
		struct ovl_view *v = NULL;

		ck_assert_int_eq(ovl_view_open(99999999, 0, &v, oe), -ESRCH);
		ck_assert_int_eq(ovl_error_code(oe), -ESRCH);
		ck_assert_ptr_nonnull(ovl_error_message(oe));
		ck_assert_ptr_null(v);
	}
	/* a flag this library does not know */
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 1u << 4, &l, oe), -EINVAL);
	ck_assert_int_eq(ovl_error_code(oe), -EINVAL);
	ck_assert_ptr_null(l);

	/* the reasons: ENODATA, ENOENT of a stale layer path vs of the path */
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0,
						OVL_READ_KERNEL_ONLY,
						&l, oe), -ENODATA);
	ck_assert_int_eq(ovl_error_code(oe), -ENODATA);
	ck_assert_str_eq(ovl_error_message(oe), "the kernel does not produce the layers xattr "
			 "(no series: a value under its name would be a user's)");
	ck_assert_int_eq(ovl_error_layer(oe), -1);
	ck_assert_int_eq(ovl_error_offset(oe), -1);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("t"), 0, 0, &l, oe),
			 -EMEDIUMTYPE);
	ck_assert_int_eq(ovl_error_code(oe), -EMEDIUMTYPE);
	ck_assert_str_eq(ovl_error_message(oe), "not on an overlay");
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("nothing"), 0, 0, &l, oe),
			 -ENOENT);
	ck_assert_str_eq(ovl_error_message(oe), "cannot look up the path");
	ck_assert(!rename(P("t2/l2"), P("t2/gone")));
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, oe),
			 -ENOENT);
	ck_assert_int_eq(ovl_error_code(oe), -ENOENT);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "stale"));
	ck_assert_ptr_null(l);
	/* through an fd (1.x's ovl_layers_read_fd()), and its
	 * /proc/self/fd path */
	fd = open(P("m"), O_PATH);
	ck_assert_int_ge(fd, 0);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, fdpath, 0, 0, &l, oe),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "stale"));
	ck_assert_int_eq(ovl_layers_read(NULL, fd, NULL, 0, 0, &l, oe),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "stale"));
	ck_assert_ptr_null(l);
	ck_assert(!rename(P("t2/gone"), P("t2/l2")));
	ck_assert_int_eq(ovl_layers_read(NULL, -1, fdpath, 0, 0, &l, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), 0);
	ck_assert_ptr_null(ovl_error_message(oe));
	ck_assert_int_eq(ovl_layers_count(l), 4);
	ovl_layers_free(l);
	l = NULL;
	ck_assert_int_eq(ovl_layers_read(NULL, fd, NULL, 0, 0, &l, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), 0);
	ck_assert_ptr_null(ovl_error_message(oe));
	ck_assert_int_eq(ovl_layers_count(l), 4);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ovl_layers_free(l);
	l = NULL;
	/* an fd and a path: one target only */
	ck_assert_int_eq(ovl_layers_read(NULL, fd, P("m"), 0, 0, &l, oe), -EINVAL);
	ck_assert_int_eq(ovl_error_code(oe), -EINVAL);
	ck_assert_ptr_null(l);
	close(fd);
	/* an fd that is not open */
	ck_assert_int_lt(ovl_layers_read(NULL, fd, NULL, 0, 0, &l, oe), 0);
	ck_assert_ptr_null(l);
	ovl_error_free(oe);
}
END_TEST

/* Without CAP_SYS_ADMIN, on this kernel without the series (the probe's
 * answer, taken by the parent, is known to the child): no value to read,
 * -ENODATA (on a kernel with the series, which hides its value as
 * ENODATA, the library says -EPERM: tests/vm); without
 * CAP_DAC_READ_SEARCH handles do not open: a layer is found by its path
 * string, checked by its handle (name_to_handle_at needs no privilege),
 * and one whose string is stale is no-permission. */
START_TEST(t_no_privilege)
{
	struct ovl_layers *l = NULL;
	pid_t pid;
	int st;

	std_overlay();
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, NULL), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct ovl_layers *mine = NULL;
		struct ovl_layer_location loc;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		if (ovl_layers_read(NULL, -1, P("m"), 0, OVL_READ_KERNEL_ONLY,
				    &mine, NULL) != -ENODATA)
			_exit(11);
		if (ovl_layers_resolve(l, NULL, 0, NULL, NULL))
			_exit(12);
		for (unsigned int i = 0; i < 4; i++)
			if ((ovl_layers_get_location(l, i, &loc, sizeof(loc)) < 0) ||
			    loc.status != OVL_STATUS_OK)
				_exit(13);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "child step %d",
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	/* lower 1's directory moved: its string leads nowhere, and its
	 * handle cannot be decoded without the privilege */
	ck_assert(!rename(P("t1/l1"), P("t1/l1-moved")));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct ovl_layer_location loc;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		if (ovl_layers_resolve(l, NULL, 0, NULL, NULL))
			_exit(12);
		if ((ovl_layers_get_location(l, 2, &loc, sizeof(loc)) < 0) ||
		    loc.status != OVL_STATUS_NO_PERMISSION)
			_exit(13);
		if ((ovl_layers_get_location(l, 3, &loc, sizeof(loc)) < 0) ||
		    loc.status != OVL_STATUS_OK)
			_exit(14);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "moved: child step %d",
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	ovl_layers_free(l);
}
END_TEST

/* Mount the overlay again from its descriptor, after the layers moved. */
START_TEST(t_mount_from_descriptor)
{
	struct ovl_layers *l;
	struct ovl_error *oe = ovl_error_new();
	char *json = NULL;
	struct ovl_layers *back = NULL;

	std_overlay();
	run("echo hello > %s", P("m/file"));
	l = read_ok(P("m"));
	ck_assert_int_eq(ovl_layers_save_checkpoint(l, &json, NULL), 0);
	ovl_layers_free(l);
	run("umount %s", P("m"));
	mkdirs("elsewhere");
	run("mount --move %s %s", P("t2"), P("elsewhere"));
	mount_tmpfs("t1/l1");	/* covered: must go through the fd */

	ck_assert_int_eq(ovl_layers_load(json, strlen(json), &back, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(back, NULL, OVL_RESOLVE_FD, NULL, NULL), 0);
	check_loc(back, 2, OVL_STATUS_SHADOWED, NULL);
	check_loc(back, 3, OVL_STATUS_OK, P("elsewhere/l2"));
	mkdirs("again");
	ck_assert_int_eq(ovl_layers_mount(back, ovl_layers_options(back),
					  P("again"), 0, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), 0);
	ck_assert_ptr_null(ovl_error_message(oe));
	ck_assert_int_eq(ovl_error_layer(oe), -1);
	run("grep -qx hello %s", P("again/file"));
	run("echo more > %s && grep -qx more %s", P("again/new"), P("t1/u/new"));
	run("umount %s", P("again"));

	/* a layer that cannot be found: nothing is mounted */
	ck_assert_int_eq(ovl_layers_resolve(back, NULL, 0, NULL, NULL), 0); /* fds */
	run("umount %s", P("elsewhere"));
	ck_assert_int_eq(ovl_layers_resolve(back, NULL, OVL_RESOLVE_FD, NULL, NULL), 0);
	ck_assert_int_eq(ovl_layers_mount(back, NULL, P("again"), 0, oe),
			 -ENOENT);
	ck_assert_int_eq(ovl_error_code(oe), -ENOENT);
	ck_assert_int_eq(ovl_error_layer(oe), 3);
	ck_assert_ptr_nonnull(ovl_error_message(oe));
	ck_assert_int_eq(ovl_error_offset(oe), -1);
	ck_assert_int_eq(ovl_layers_mount(back, NULL, P("again"), 0, NULL), -ENOENT);
	ck_assert_int_eq(ovl_layers_mount(back, "lowerdir=/x", P("again"), 0, oe), -ENOENT);
	/* the target is checked first: its error is no layer's (2.0) */
	ck_assert_int_lt(ovl_layers_mount(back, NULL, P("no-such-target"), 0, oe), 0);
	ck_assert_int_eq(ovl_error_layer(oe), -1);
	ck_assert_ptr_nonnull(ovl_error_message(oe));
	ck_assert_int_lt(ovl_layers_fsmount(back, NULL, 0, 0, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), -ENOENT);
	ck_assert_int_eq(ovl_error_layer(oe), 3);
	ovl_layers_free(back);
	ovl_error_free(oe);
	free(json);
}
END_TEST


/* The log: a caller's function gets what the kernel said about the mount
 * it refused (its fs_context messages), at LOG_ERR; nothing below the
 * priority set; and OVL_LAYERS_DEBUG prints the reads on stderr. */
struct logged {
	int n, errs, debugs;
	char text[4096];
};

static void collect(void *data, int priority, const char *func,
		    const char *fmt, va_list ap)
{
	struct logged *lg = data;
	size_t len = strlen(lg->text);

	lg->n++;
	lg->errs += priority <= LOG_ERR;
	lg->debugs += priority == LOG_DEBUG;
	snprintf(lg->text + len, sizeof(lg->text) - len, "%d %s: ", priority,
		 func);
	len = strlen(lg->text);
	vsnprintf(lg->text + len, sizeof(lg->text) - len, fmt, ap);
	len = strlen(lg->text);
	snprintf(lg->text + len, sizeof(lg->text) - len, "\n");
}

START_TEST(t_log_kernel_messages)
{
	struct logged got = { 0 };
	struct ovl_layers *l;
	struct ovl_view *v;
	struct ovl_error *oe = ovl_error_new();

	std_overlay();
	ck_assert_int_eq(ovl_view_open(0, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_view_set_log(v, LOG_DEBUG, collect, &got, 1), -EINVAL);
	ck_assert_int_eq(ovl_view_set_log(v, 8, collect, &got, 0), -EINVAL);
	ck_assert_int_eq(ovl_view_set_log(v, LOG_DEBUG, collect, &got, 0), 0);
	ck_assert_int_eq(ovl_layers_read(v, -1, P("m"), 0, 0, &l, NULL), 0);
	ck_assert_msg(got.debugs >= 1 && strstr(got.text, "4 records from mountinfo"),
		      "the read was not logged: %s", got.text);
	ck_assert_int_eq(ovl_layers_resolve(l, v, OVL_RESOLVE_FD, NULL, NULL), 0);
	mkdirs("again");
	memset(&got, 0, sizeof(got));
	/* a value the kernel refuses, and says why */
	ck_assert_int_eq(ovl_layers_mount(l, "redirect_dir=sideways", P("again"), 0, oe), -EINVAL);
	ck_assert_msg(got.errs >= 1 && strstr(got.text, "kernel: ") &&
		      strstr(got.text, "redirect_dir"),
		      "the kernel's message is not in the log: %s", got.text);
	/* ... and in the error: the kernel's own message (its fs_context
	 * message), about no layer */
	ck_assert_int_eq(ovl_error_code(oe), -EINVAL);
	ck_assert_msg(ovl_error_message(oe) && strstr(ovl_error_message(oe), "redirect_dir"),
		      "not the kernel's message: %s", ovl_error_message(oe));
	ck_assert_int_eq(ovl_error_layer(oe), -1);
	/* its own log, quieter than the view's: errors only */
	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(ovl_layers_set_log(l, LOG_ERR, collect, &got, 0), 0);
	ck_assert_int_eq(ovl_layers_mount(l, NULL, P("again"), 0, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), 0);
	ck_assert_ptr_null(ovl_error_message(oe));
	ck_assert_int_eq(got.n, 0);
	run("umount %s", P("again"));
	ck_assert_int_eq(ovl_layers_set_log(l, -1, collect, &got, 0), 0);
	ck_assert_int_eq(ovl_layers_mount(l, "redirect_dir=sideways", P("again"), 0, oe), -EINVAL);
	ck_assert_int_eq(got.n, 0);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "redirect_dir"));
	ovl_layers_free(l);
	ovl_view_unref(v);
	ovl_error_free(oe);
}
END_TEST

START_TEST(t_log_environment)
{
	struct ovl_layers *l = NULL;
	char err[8192];
	int fds[2], saved;
	ssize_t n;

	std_overlay();
	ck_assert(!pipe(fds));
	saved = dup(2);
	ck_assert(dup2(fds[1], 2) == 2);
	setenv("OVL_LAYERS_DEBUG", "all", 1);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	unsetenv("OVL_LAYERS_DEBUG");
	ovl_layers_free(l);
	l = NULL;
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, NULL), 0);	/* quiet */
	ovl_layers_free(l);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fds[1]);
	n = read(fds[0], err, sizeof(err) - 1);
	close(fds[0]);
	ck_assert_int_gt(n, 0);
	err[n] = '\0';
	ck_assert_msg(strstr(err, "libovllayers[") && strstr(err, "read_mount: overlay ") &&
		      strstr(err, "4 records from mountinfo"), "stderr: %s", err);
	/* one read logged, not two */
	ck_assert_msg(strstr(err, "records from") == strrstr_last(err, "records from"),
		      "logged without OVL_LAYERS_DEBUG: %s", err);
}
END_TEST

/* Two overlays stacked on one mount point: one path, two unique mount
 * IDs, each read as itself. */
/*
 * A snapshot (1.0): one mount table for every read and resolution through
 * the view until it is dropped.  A mount made since is not in it; what it
 * finds is checked at every call all the same, so a layer filesystem
 * unmounted since is not found where it was.
 */
START_TEST(t_snapshot)
{
	struct ovl_layers *l = NULL, *l2 = NULL;
	struct ovl_layer_location loc;
	struct ovl_view *v;
	struct statx stx;
	struct ovl_error *oe = ovl_error_new();
	char opts[512];
	int id, id2;

	std_overlay();
	ck_assert(!statx(AT_FDCWD, P("m"), 0, STATX_MNT_ID, &stx));
	id = (int)stx.stx_mnt_id;
	ck_assert_int_eq(ovl_view_open(0, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_view_snapshot(NULL, 0, NULL), -EINVAL);
	ck_assert_int_eq(ovl_view_snapshot(v, 1, NULL), -EINVAL);
	ovl_view_snapshot_drop(NULL);
	ck_assert_int_eq(ovl_view_snapshot(v, 0, NULL), 0);
	/* an overlay mounted after it */
	mkdirs("m2");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("t2/l2"), P("t1/l1"));
	ck_assert(!mount("overlay", P("m2"), "overlay", 0, opts));
	ck_assert(!statx(AT_FDCWD, P("m2"), 0, STATX_MNT_ID, &stx));
	id2 = (int)stx.stx_mnt_id;
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, id2, OVL_READ_MNT_ID, &l2, oe), -ENOENT);
	ck_assert_str_eq(ovl_error_message(oe), "no mount with that ID in this view");
	ck_assert_ptr_null(l2);
	ck_assert_int_eq(ovl_layers_read(v, -1, P("m2"), 0, 0, &l2, oe), -EIO);
	ck_assert_ptr_null(l2);
	/* the one it has, read and resolved twice: the same answers */
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, id, OVL_READ_MNT_ID, &l, oe), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 4);
	for (int round = 0; round < 2; round++) {
		ck_assert_int_eq(ovl_layers_resolve(l, v, 0, NULL, NULL), 0);
		check_loc(l, 0, OVL_STATUS_OK, P("t1/u"));
		check_loc(l, 1, OVL_STATUS_OK, P("t1/w"));
		check_loc(l, 2, OVL_STATUS_OK, P("t1/l1"));
		check_loc(l, 3, OVL_STATUS_OK, P("t2/l2"));
	}
	/* dropped: every call reads the table again */
	ovl_view_snapshot_drop(v);
	ck_assert_msg(ovl_layers_read(v, -1, NULL, id2, OVL_READ_MNT_ID, &l2, oe) == 0, "%s", ovl_error_message(oe));
	ck_assert_uint_eq(ovl_layers_count(l2), 2);
	/* a new one, used once (l2 renamed: found by its handle, on the
	 * root of t2's mount, opened then); then t2 is detached: its mount
	 * is still in the snapshot, and its filesystem pinned by m and m2,
	 * but the path to it leads to another mount now: not found there */
	ck_assert(!rename(P("t2/l2"), P("t2/l2x")));
	ck_assert_int_eq(ovl_view_snapshot(v, 0, NULL), 0);
	ck_assert_int_eq(ovl_view_snapshot(v, 0, NULL), 0);	/* again: a new one */
	ck_assert_int_eq(ovl_layers_resolve(l, v, 0, NULL, NULL), 0);
	check_loc(l, 3, OVL_STATUS_OK, P("t2/l2x"));
	ck_assert(!umount2(P("t2"), MNT_DETACH));
	ck_assert_int_eq(ovl_layers_resolve(l, v, 0, NULL, NULL), 0);
	check_loc(l, 2, OVL_STATUS_OK, P("t1/l1"));
	ck_assert_int_eq(ovl_layers_get_location(l, 3, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_msg(loc.status != OVL_STATUS_OK && loc.status != OVL_STATUS_SHADOWED,
		      "a layer on a mount gone since the snapshot: %s at %s",
		      ovl_layers_status_name(loc.status), loc.path ? loc.path : "-");
	ck_assert_ptr_null(loc.path);
	ck_assert_int_eq(ovl_layers_resolve(l2, v, 0, NULL, NULL), 0);
	ck_assert_int_eq(ovl_layers_get_location(l2, 0, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_int_ne(loc.status, OVL_STATUS_OK);
	check_loc(l2, 1, OVL_STATUS_OK, P("t1/l1"));
	/* dropped: the mount is gone from the table */
	ovl_view_snapshot_drop(v);
	ck_assert_int_eq(ovl_layers_resolve(l, v, 0, NULL, NULL), 0);
	check_loc(l, 3, OVL_STATUS_NO_MOUNT, NULL);
	/* the last one is left to the last unref (the descriptors hold it) */
	ck_assert_int_eq(ovl_view_snapshot(v, 0, NULL), 0);
	ovl_view_unref(v);
	ovl_layers_free(l);
	ovl_layers_free(l2);
	ovl_error_free(oe);
}
END_TEST

/* A snapshot does not outlive its task: calls through the view of a task
 * gone fail with -ESRCH, as without one. */
START_TEST(t_snapshot_task_gone)
{
	struct ovl_layers *l = NULL, *l2 = NULL;
	struct ovl_view *v;
	struct statx stx;
	struct ovl_error *oe = ovl_error_new();
	pid_t child;

	std_overlay();
	ck_assert(!statx(AT_FDCWD, P("m"), 0, STATX_MNT_ID, &stx));
	child = fork();
	ck_assert_int_ge(child, 0);
	if (!child) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(ovl_view_open(child, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_view_snapshot(v, 0, NULL), 0);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, (int)stx.stx_mnt_id, OVL_READ_MNT_ID, &l, oe), 0);
	ck_assert_int_eq(ovl_layers_resolve(l, v, 0, NULL, NULL), 0);
	check_loc(l, 3, OVL_STATUS_OK, P("t2/l2"));
	ck_assert(!kill(child, SIGKILL));
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, (int)stx.stx_mnt_id, OVL_READ_MNT_ID, &l2, oe), -ESRCH);
	ck_assert_ptr_null(l2);
	ck_assert_int_eq(ovl_layers_read(v, -1, P("m"), 0, 0, &l2, oe), -ESRCH);
	ck_assert_int_eq(ovl_layers_resolve(l, v, 0, NULL, NULL), -ESRCH);
	ck_assert_int_eq(ovl_view_snapshot(v, 0, NULL), -ESRCH);
	ovl_layers_free(l);
	ovl_view_unref(v);
	ovl_error_free(oe);
}
END_TEST

START_TEST(t_read_mount_unique)
{
	struct ovl_layer_record rec;
	struct ovl_layers *l = NULL;
	struct ovl_view *v;
	struct statx stx;
	uint64_t first, second;
	struct ovl_error *oe = ovl_error_new();
	char opts[512];

	std_overlay();
	ck_assert(!statx(AT_FDCWD, P("m"), 0, STATX_MNT_ID_UNIQUE, &stx));
	ck_assert(stx.stx_mask & STATX_MNT_ID_UNIQUE);
	first = stx.stx_mnt_id;
	mount_tmpfs("t3");
	mkdirs("t3/only");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("t3/only"), P("t2/l2"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	ck_assert(!statx(AT_FDCWD, P("m"), 0, STATX_MNT_ID_UNIQUE, &stx));
	second = stx.stx_mnt_id;
	ck_assert(first != second);

	ck_assert_int_eq(ovl_view_open(0, 0, &v, NULL), 0);
	/* the covered one: no path leads to its root, and this kernel makes
	 * no xattr there to read: its strings, as --source mountinfo reads
	 * them (the two agree), and the kernel's value alone is refused */
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, first, OVL_READ_MNT_ID_UNIQUE, &l, oe), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 4);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ovl_layers_free(l);
	l = NULL;
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, first, OVL_READ_KERNEL_ONLY | OVL_READ_MNT_ID_UNIQUE, &l, oe), -ENODATA);
	ck_assert_msg(strstr(ovl_error_message(oe), "does not produce the layers xattr"), "%s", ovl_error_message(oe));
	ck_assert_ptr_null(l);
	/* named by its unique ID all the same (statmount): from its strings */
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, first, OVL_READ_MOUNTINFO_ONLY | OVL_READ_MNT_ID_UNIQUE, &l, oe), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 4);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ovl_layers_free(l);
	l = NULL;
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, second, OVL_READ_MNT_ID_UNIQUE, &l, oe), 0);
	ck_assert_ptr_null(ovl_error_message(oe));
	ck_assert_uint_eq(ovl_layers_count(l), 2);	/* 2 lower, no upper */
	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_LOWER);
	ovl_layers_free(l);
	l = NULL;
	/* not an overlay's, no such, bad */
	ck_assert(!statx(AT_FDCWD, P("t3"), 0, STATX_MNT_ID_UNIQUE, &stx));
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, stx.stx_mnt_id, OVL_READ_MNT_ID_UNIQUE, &l, oe), -EMEDIUMTYPE);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, second + 1000000, OVL_READ_MNT_ID_UNIQUE, &l, oe), -ENOENT);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, 0, OVL_READ_MNT_ID_UNIQUE, &l, oe), -EINVAL);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, first, (1u << 4) | OVL_READ_MNT_ID_UNIQUE, &l, oe), -EINVAL);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, first, OVL_READ_MNT_ID | OVL_READ_MNT_ID_UNIQUE, &l, oe), -EINVAL);
	ck_assert_int_eq(ovl_layers_read(v, -1, P("m"), first, OVL_READ_MNT_ID_UNIQUE, &l, oe), -EINVAL);
	ck_assert_ptr_null(l);
	run("umount %s", P("m"));
	/* gone: its ID is never another mount's; the one below is found */
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, second, OVL_READ_MNT_ID_UNIQUE, &l, oe), -ENOENT);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, first, OVL_READ_MNT_ID_UNIQUE, &l, oe), 0);
	ck_assert_uint_eq(ovl_layers_count(l), 4);	/* upper, work, 2 lower */
	ovl_layers_free(l);
	ovl_view_unref(v);
	ovl_error_free(oe);
}
END_TEST

/* A restorer that re-mounted or re-created the layer filesystems says
 * where each layer went: the handle checks it where the fs kept its
 * identity (ext4 mounted again), nothing can on a new tmpfs. */
START_TEST(t_place_restored_layers)
{
	struct ovl_layers *l;
	struct ovl_layer_location loc;
	struct ovl_error *oe = ovl_error_new();
	char opts[1024];

	mkdirs("e");
	run("truncate -s 32M %s && mkfs.ext4 -q -F %s && mount -o loop %s %s",
	    P("e.img"), P("e.img"), P("e.img"), P("e"));
	mount_tmpfs("t");
	mkdirs("e/l1");
	mkdirs("e/decoy");
	mkdirs("t/u");
	mkdirs("t/w");
	mkdirs("m");
	run("echo from-ext4 > %s", P("e/l1/a"));
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 P("e/l1"), P("t/u"), P("t/w"));
	ck_assert_msg(!mount("overlay", P("m"), "overlay", 0, opts), "mount: %m");
	l = read_ok(P("m"));
	ck_assert_uint_eq(ovl_layers_count(l), 3);	/* upper, work, l1 */
	run("umount %s %s", P("m"), P("e"));

	/* "restore": the ext4 image mounted again elsewhere, the tmpfs
	 * re-created from a copy */
	mkdirs("yard/e");
	run("mount -o loop %s %s", P("e.img"), P("yard/e"));
	mount_tmpfs("yard/t");
	mkdirs("yard/t/u");
	mkdirs("yard/t/w");
	run("cp -a %s/. %s", P("t/u"), P("yard/t/u"));

	ck_assert_int_eq(ovl_layers_place(l, 2, P("yard/e/decoy"), 0, oe), -ESTALE);
	ck_assert_int_eq(ovl_error_code(oe), -ESTALE);
	ck_assert_ptr_nonnull(ovl_error_message(oe));
	check_loc(l, 2, OVL_STATUS_UNRESOLVED, NULL);	/* left as it was */
	ck_assert_int_eq(ovl_layers_place(l, 2, P("yard/e/l1"), 0, oe), 1);
	ck_assert_int_eq(ovl_error_code(oe), 0);
	ck_assert_ptr_null(ovl_error_message(oe));
	ck_assert_int_eq(ovl_layers_place(l, 0, P("yard/t/u"), 0, NULL), 0);
	ck_assert_int_eq(ovl_layers_place(l, 1, P("yard/t/w"), 0, NULL), 0);
	check_loc(l, 2, OVL_STATUS_OK, P("yard/e/l1"));
	ck_assert_int_eq(ovl_layers_get_location(l, 2, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_int_gt(loc.mnt_id, 0);
	/* the directory placed is held, and it is what gets mounted */
	ck_assert_int_ge(loc.fd, 0);
	{
		struct stat a, b;

		ck_assert(!fstat(loc.fd, &a) && !stat(P("yard/e/l1"), &b));
		ck_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	}

	ck_assert_int_eq(ovl_layers_place(l, 2, P("yard/e/l1/a"), 0, NULL), -ENOTDIR);
	ck_assert_int_eq(ovl_layers_place(l, 2, P("yard/none"), 0, NULL), -ENOENT);
	ck_assert_int_eq(ovl_layers_place(l, 3, P("yard/e/l1"), 0, NULL), -EINVAL);
	ck_assert_int_eq(ovl_layers_place(l, 2, P("yard/e/l1"), 1, NULL), -EINVAL);
	ck_assert_int_eq(ovl_layers_place(NULL, 0, P("yard/e/l1"), 0, NULL), -EINVAL);
	ck_assert_int_eq(ovl_layers_place(l, 0, NULL, 0, NULL), -EINVAL);
	check_loc(l, 2, OVL_STATUS_OK, P("yard/e/l1"));

	mkdirs("again");
	ck_assert_int_eq(ovl_layers_mount(l, ovl_layers_options(l), P("again"),
					  0, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), 0);
	run("grep -qx from-ext4 %s", P("again/a"));
	run("echo new > %s && grep -qx new %s", P("again/n"), P("yard/t/u/n"));
	/* the placed layers' fds pin their mounts until the descriptor goes */
	ovl_layers_free(l);
	run("umount %s %s", P("again"), P("yard/e"));
	ovl_error_free(oe);
}
END_TEST

/*
 * Format version 1's flags on real mounts.  The host kernel writes no
 * layers xattr, but since 6.7 overlayfs stores a trusted.overlay.* name
 * set on an overlay by root escaped in the upper layer and reads it back
 * under its own name: so a value built here and set on the overlay root
 * is read as the kernel's (source "xattr", with the mount options' path
 * strings), which is how these tests give the library FID records.
 */

/* std_overlay()'s value as the kernel would write it, in format 1 (a
 * kernel of series v2) or 2, l1's record (the third) with flags l1_flags
 * (OVL_LAYERS_LAYER_FID or _NOFH; format 1 has them as its own bits,
 * FID 0x02 and NOFH 0x01). */
static size_t std_value(unsigned char *v, unsigned int l1_flags,
			unsigned int format)
{
	size_t n = 4, l1;

	if (format == 2) {
		static const struct ovt_layer layers[] = {
			{ "t1/u", "t1", 1, 0 }, { "t1/w", "t1", 2, 0 },
			{ "t1/l1", "t1", 3, 1 }, { "t2/l2", "t2", 3, 2 },
		};
		struct ovl_layers_hdr h;
		struct ovl_layers_layer e;

		n = v2_expected(v, layers, 4);
		memcpy(&h, v, sizeof(h));
		l1 = h.layer_off + 2 * sizeof(e);
		memcpy(&e, v + l1, sizeof(e));
		e.flags |= l1_flags & (OVL_LAYERS_LAYER_FID | OVL_LAYERS_LAYER_NOFH);
		memcpy(v + l1, &e, sizeof(e));
		return n;
	}
	ovt_header(v, 4);
	n += ovt_record(v + n, P("t1/u"), 1, 0);
	n += ovt_record(v + n, P("t1/w"), 2, 0);
	l1 = n;
	n += ovt_record(v + n, P("t1/l1"), 3, 1);
	n += ovt_record(v + n, P("t2/l2"), 3, 2);
	v[l1 + 3] = (l1_flags & OVL_LAYERS_LAYER_FID ? 0x02 : 0) |
		    (l1_flags & OVL_LAYERS_LAYER_NOFH ? 0x01 : 0);
	return n;
}

/*
 * Mocked: a kernel with the series.  This host's kernel has none, and a
 * value set with setxattr(2) here is a user's, which the library refuses
 * (tests/hostile).  The library's test seam (OVL_TEST_SEAM, linked from
 * libovllayers-seam.a) takes the place of the kernel's read for the
 * overlay root with seam_ino: it hands out seam_value, as the series would.
 */
static unsigned char seam_value[1024];
static size_t seam_len;
static ino_t seam_ino;
static dev_t seam_dev;

static int seam_read(int root, bool userxattr, unsigned char **val,
		     size_t *len)
{
	struct stat st;

	if (userxattr || fstat(root, &st) || st.st_ino != seam_ino ||
	    st.st_dev != seam_dev)
		return 1;	/* not ours: the real read */
	*val = malloc(seam_len);
	if (!*val)
		return -ENOMEM;
	memcpy(*val, seam_value, seam_len);
	*len = seam_len;
	return 0;
}

static struct ovl_layers *read_kernel_value(const char *mnt,
					    const unsigned char *v, size_t n)
{
	struct ovl_layers *l;
	struct stat st;

	ck_assert(n <= sizeof(seam_value));
	ck_assert(!stat(mnt, &st));
	memcpy(seam_value, v, n);
	seam_len = n;
	seam_ino = st.st_ino;
	seam_dev = st.st_dev;
	ovl_test_kernel_value = seam_read;
	l = read_ok(mnt);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_XATTR);
	return l;
}

static void drop_dac_read_search(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	ck_assert(!syscall(SYS_capget, &hdr, data));
	data[0].effective &= ~(1u << CAP_DAC_READ_SEARCH);
	ck_assert(!syscall(SYS_capset, &hdr, data));
}

static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* A FID record is never opened by its handle (on tmpfs it would decode):
 * the overlay's path string for it is verified by its fid, the right
 * directory taken, a wrong one refused, and without a path it is
 * no-handle.  _i: the kernel's value in format 1, then 2. */
START_TEST(t_fid_record_verified_by_path)
{
	unsigned char v[1024];
	struct ovl_layers *l, *bytes;
	struct ovl_layer_location loc;
	struct ovl_layer_record rec;
	size_t n;
	pid_t pid;
	int st;
	char opts[1024];

	std_overlay();
	mkdirs("t1/decoy");
	n = std_value(v, OVL_LAYERS_LAYER_FID, _i ? 2 : 1);
	l = read_kernel_value(P("m"), v, n);
	ck_assert_int_eq(ovl_layers_get_record(l, 2, &rec, sizeof(rec)), (int)sizeof(rec));
	/* the kernel's FID, whichever format carried it */
	ck_assert(rec.flags & OVL_LAYERS_LAYER_FID);
	ck_assert_uint_eq(rec.flags & ~OVL_LAYERS_LAYER_NOPATH, OVL_LAYERS_LAYER_FID);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, OVL_RESOLVE_FD, NULL, NULL), 0);
	check_loc(l, 2, OVL_STATUS_OK, P("t1/l1"));
	check_loc(l, 3, OVL_STATUS_OK, P("t2/l2"));
	ck_assert_int_eq(ovl_layers_get_location(l, 2, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert(same_file(loc.fd, P("t1/l1")));
	ck_assert_str_eq(loc.mount_point, P("t1"));
	ck_assert_str_eq(loc.root, "/l1");

	/* without CAP_DAC_READ_SEARCH open_by_handle_at(2) is refused: the
	 * FID record is found all the same, as no handle is opened, and so
	 * is the other, by its path string and its handle */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		drop_dac_read_search();
		if (ovl_layers_resolve(l, NULL, 0, NULL, NULL))
			_exit(10);
		if ((ovl_layers_get_location(l, 3, &loc, sizeof(loc)) < 0) ||
		    loc.status != OVL_STATUS_OK || strcmp(loc.path, P("t2/l2")))
			_exit(11);
		if ((ovl_layers_get_location(l, 2, &loc, sizeof(loc)) < 0) ||
		    loc.status != OVL_STATUS_OK || strcmp(loc.path, P("t1/l1")))
			_exit(12);
		/* format 2 without the path strings: every layer by its
		 * path from its filesystem's root, no handle opened */
		if (_i) {
			if (ovl_layers_decode(v, n, &bytes, NULL) ||
			    ovl_layers_resolve(bytes, NULL, 0, NULL, NULL))
				_exit(13);
			for (unsigned int i = 0; i < ovl_layers_count(bytes); i++)
				if (ovl_layers_get_location(bytes, i, &loc, sizeof(loc)) < 0 ||
				    loc.status != OVL_STATUS_OK)
					_exit(20 + i);
		}
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "child step %d",
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1);

	/* the same bytes without the overlay's path strings: format 1 has
	 * nothing to find the FID by, format 2 its path from the
	 * filesystem's root (found by path, checked by the fid) */
	ck_assert_int_eq(ovl_layers_decode(v, n, &bytes, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(bytes, NULL, 0, NULL, NULL), 0);
	if (_i)
		check_loc(bytes, 2, OVL_STATUS_OK, P("t1/l1"));
	else
		check_loc(bytes, 2, OVL_STATUS_NO_HANDLE, NULL);
	check_loc(bytes, 3, OVL_STATUS_OK, P("t2/l2"));
	/* a restorer's directory is checked by the fid */
	ck_assert_int_eq(ovl_layers_place(bytes, 2, P("t1/decoy"), 0, NULL), -ESTALE);
	ck_assert_int_eq(ovl_layers_place(bytes, 2, P("t1/l1"), 0, NULL), 1);
	ovl_layers_free(bytes);
	ovl_layers_free(l);

	/* the overlay mounted again with another directory where l1 was:
	 * the same upper, so the same value, but the path string names the
	 * decoy, whose fid is not the record's */
	ck_assert(!umount(P("m")));
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s",
		 P("t1/decoy"), P("t2/l2"), P("t1/u"), P("t1/w"));
	ck_assert_msg(!mount("overlay", P("m"), "overlay", 0, opts), "%m");
	l = read_kernel_value(P("m"), v, n);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	if (_i)		/* format 2's path (a value of the old mount) */
		check_loc(l, 2, OVL_STATUS_OK, P("t1/l1"));
	else
		check_loc(l, 2, OVL_STATUS_NO_HANDLE, NULL);
	check_loc(l, 3, OVL_STATUS_OK, P("t2/l2"));
	ovl_layers_free(l);

	/* and the path renamed away: nothing is found by the handle */
	ck_assert(!umount(P("m")));
	ck_assert(!rename(P("t1/decoy"), P("t1/gone")));
	ck_assert(!rename(P("t1/l1"), P("t1/decoy")));
	ck_assert_msg(!mount("overlay", P("m"), "overlay", 0, opts), "%m");
	l = read_ok(P("m"));
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 2, OVL_STATUS_OK, P("t1/decoy"));
	ovl_layers_free(l);
}
END_TEST

/* The fallback on a layer whose filesystem encodes only FIDs (a nested
 * overlay without nfs_export) writes a FID record, as the kernel does,
 * and the resolver finds it by the mount option's path. */
START_TEST(t_fallback_fid_nested_overlay)
{
	struct {
		struct file_handle fh;
		unsigned char b[128];
	} h = { .fh.handle_bytes = 128 };
	struct ovl_layer_record rec;
	struct ovl_layers *l;
	char opts[1024];
	int fd, mnt;

	mount_tmpfs("t");
	mkdirs("t/a");
	mkdirs("t/b");
	mkdirs("n");
	mkdirs("m");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("t/a"), P("t/b"));
	ck_assert(!mount("overlay", P("n"), "overlay", MS_RDONLY, opts));
	fd = open(P("n"), O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(name_to_handle_at(fd, "", &h.fh, &mnt, AT_EMPTY_PATH) &&
		      errno == EOPNOTSUPP, "an overlay without nfs_export "
		      "encodes handles that decode: test setup");
	h.fh.handle_bytes = 128;
	ck_assert(!name_to_handle_at(fd, "", &h.fh, &mnt,
				     AT_EMPTY_PATH | AT_HANDLE_FID));
	close(fd);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("n"), P("t/b"));
	ck_assert(!mount("overlay", P("m"), "overlay", MS_RDONLY, opts));
	l = read_ok(P("m"));
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	/* a lower-only overlay has a null uuid: BAD_UUID, as the kernel says */
	ck_assert_uint_eq(rec.flags, OVL_LAYERS_LAYER_FID);
	ck_assert_uint_eq(rec.fs_flags, OVL_LAYERS_FS_BAD_UUID);
	ck_assert_int_eq(rec.fh_type, h.fh.handle_type);
	ck_assert_uint_eq(rec.fid_len, h.fh.handle_bytes);
	ck_assert(!memcmp(rec.fid, h.fh.f_handle, rec.fid_len));
	ck_assert_int_eq(ovl_layers_get_record(l, 1, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.flags, 0);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 0, OVL_STATUS_OK, P("n"));
	check_loc(l, 1, OVL_STATUS_OK, P("t/b"));
	ovl_layers_free(l);
}
END_TEST

/*
 * The fallback's BAD_UUID is the kernel's: two ext4 filesystems made with
 * one uuid are flagged, two btrfs subvolumes of one filesystem (their own
 * st_dev each, one superblock and uuid) and a tmpfs are not.
 */
#define SHARED_UUID "01234567-89ab-cdef-0123-456789abcdef"

START_TEST(t_fallback_bad_uuid)
{
	struct ovl_layer_record rec;
	struct ovl_layers *l;
	char opts[1024];
	unsigned int i;

	mkdirs("e");
	mkdirs("f");
	mkdirs("b");
	mkdirs("m");
	mkdirs("t/b");
	run("truncate -s 32M %s %s && mkfs.ext4 -q -F -U %s %s && mkfs.ext4"
	    " -q -F -U %s %s", P("e.img"), P("f.img"), SHARED_UUID, P("e.img"),
	    SHARED_UUID, P("f.img"));
	run("mount -o loop %s %s && mount -o loop %s %s && mkdir %s/l %s/l",
	    P("e.img"), P("e"), P("f.img"), P("f"), P("e"), P("f"));
	run("truncate -s 128M %s && mkfs.btrfs -q -f %s && mount -o loop %s %s"
	    " && btrfs -q subvolume create %s/s1 && btrfs -q subvolume create %s/s2",
	    P("b.img"), P("b.img"), P("b.img"), P("b"), P("b"), P("b"));
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s:%s:%s:%s", P("e/l"),
		 P("f/l"), P("b/s1"), P("b/s2"), P("t/b"));
	ck_assert(!mount("overlay", P("m"), "overlay", MS_RDONLY, opts));
	l = read_ok(P("m"));
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(ovl_layers_get_record(l, i, &rec, sizeof(rec)), (int)sizeof(rec));
		ck_assert_msg(!!(rec.fs_flags & OVL_LAYERS_FS_BAD_UUID) == (i < 2),
			      "record %u: fs_flags %#x", i, rec.fs_flags);
		ck_assert_uint_eq(rec.flags, 0);
	}
	ck_assert_int_eq(ovl_layers_get_record(l, 2, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_int_ne(rec.dev_minor + (rec.dev_major << 20), 0);
	ovl_layers_free(l);
	run("umount %s && umount %s %s %s", P("m"), P("e"), P("f"), P("b"));
}
END_TEST

/* The fallback's value of an overlay of lower layers rel and a tmpfs. */
static ssize_t value_with_lower(unsigned char *v, size_t size, const char *rel)
{
	struct ovl_layers *l;
	char opts[512];
	ssize_t n;

	mount_tmpfs("t");
	mkdirs("t/x");
	mkdirs("m");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P(rel), P("t/x"));
	ck_assert(!mount("overlay", P("m"), "overlay", MS_RDONLY, opts));
	l = read_ok(P("m"));
	n = ovl_layers_encode(l, v, size);
	ck_assert_int_gt(n, 0);
	ovl_layers_free(l);
	ck_assert(!umount(P("m")));
	return n;
}

/*
 * The fallback's value (format 2) with its first filesystem (that of the
 * first layer; the entry after the 32-byte header) flagged BAD_UUID when
 * bad_uuid, and its device 0:0 unless keep_dev (1.x's NODEV).
 */
static struct ovl_layers *with_flags(const unsigned char *v, size_t n,
				     bool bad_uuid, bool keep_dev)
{
	unsigned char c[512];
	struct ovl_layers *l;
	struct ovl_layer_record rec;

	ck_assert_uint_le(n, sizeof(c));
	memcpy(c, v, n);
	c[32 + 4] = bad_uuid ? OVL_LAYERS_FS_BAD_UUID : 0;
	if (!keep_dev)
		memset(c + 32 + 8, 0, 8);
	ck_assert_int_eq(ovl_layers_decode(c, n, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	/* (the library adds BAD_UUID itself where the uuid is null) */
	if (bad_uuid)
		ck_assert_uint_eq(rec.fs_flags, OVL_LAYERS_FS_BAD_UUID);
	ck_assert_int_eq(rec.dev_major == 0 && rec.dev_minor == 0, !keep_dev);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	return l;
}

/*
 * A btrfs layer as Linux 6.12's overlayfs describes it: btrfs sets no
 * s_uuid there, so the value's filesystem has no uuid (uuid_len 0, null)
 * and BAD_UUID, while the resolver's probe finds the fsid that
 * ovl_fs_uuid() takes from BTRFS_IOC_FS_INFO (btrfs does not answer
 * FS_IOC_GETFSUUID).  That stand-in must not rule the filesystem out: the
 * layer, a directory of a subvolume (whose st_dev is not the superblock's),
 * is found by the st_dev hint and its handle, and not "ambiguous" among
 * the filesystems without a uuid (proc, sysfs...).  The value is the fallback's, rewritten
 * as that kernel writes it (the host has no series).
 */
/*
 * The kernel probe's three ways to an overlay of its own (lib/trust.c),
 * each forced through the test seam, each asserted to be the one that
 * answered: on this host (6.18, no series) every way must say "stores".
 * Detached needs 6.15+, so it is the way root takes here; the child that
 * shares the caller's memory (CLONE_VM | CLONE_VFORK) is privileged
 * callers' on older kernels (Debian's 6.12: the stock suites); the forked
 * child, in a user namespace of its own, is the unprivileged caller's.
 */
START_TEST(t_kernel_probe_ways)
{
	static const unsigned int skip[3] = {
		OVL_TEST_NO_CACHE, OVL_TEST_NO_DETACHED,
		OVL_TEST_NO_DETACHED | OVL_TEST_NO_VFORK };
	struct ovl_error *oe = ovl_error_new();
	pid_t pid;
	int st;

	for (int w = 0; w < 3; w++) {
		ovl_test_probe_skip = skip[w];
		ovl_test_probe_way = 0;
		ck_assert_int_eq(ovl_layers_kernel_probe(0, oe),
				 OVL_KERNEL_STORES);
		ck_assert_int_eq(ovl_test_probe_way, w + 1);
		ovl_test_probe_way = 0;
		ck_assert_int_eq(ovl_layers_kernel_probe(OVL_PROBE_USERXATTR,
							 oe),
				 OVL_KERNEL_STORES);
		ck_assert_int_eq(ovl_test_probe_way, w + 1);
	}
	/* without privilege: the child, mapped root in a user namespace of
	 * its own; the trusted name cannot be asked there */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		ovl_test_probe_skip = OVL_TEST_NO_CACHE;
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) ||
		    /* as after an exec: its own /proc/self/uid_map */
		    prctl(PR_SET_DUMPABLE, 1))
			_exit(10);
		st = ovl_layers_kernel_probe(OVL_PROBE_USERXATTR, NULL);
		if (st != OVL_KERNEL_STORES || ovl_test_probe_way != 3) {
			fprintf(stderr, "unprivileged probe: %d, way %d\n",
				st, ovl_test_probe_way);
			_exit(11);
		}
		if (ovl_layers_kernel_probe(0, NULL) != -EPERM)
			_exit(12);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ovl_test_probe_skip = 0;
	ovl_error_free(oe);
}
END_TEST

START_TEST(t_btrfs_no_uuid)
{
	unsigned char v[512];
	struct ovl_layers *l;
	ssize_t n;

	mkdirs("b");
	run("truncate -s 128M %s && mkfs.btrfs -q -f %s && mount -o loop %s %s"
	    " && btrfs -q subvolume create %s/s1 && mkdir %s/s1/d",
	    P("b.img"), P("b.img"), P("b.img"), P("b"), P("b"), P("b"));
	n = value_with_lower(v, sizeof(v), "b/s1/d");
	v[32 + 4] = OVL_LAYERS_FS_BAD_UUID;
	v[32 + 24] = 0;
	memset(v + 32 + 32, 0, 16);
	ck_assert_int_eq(ovl_layers_decode(v, n, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	check_loc(l, 0, OVL_STATUS_OK, P("b/s1/d"));
	ovl_layers_free(l);
	run("umount %s", P("b"));
}
END_TEST

/* Two ext4 filesystems with one uuid (an image and its copy): BAD_UUID
 * says the uuid does not tell them apart, so without the st_dev hint
 * (NODEV) the record is ambiguous rather than put on whichever clone
 * decodes the handle first; with the hint it is found. */
START_TEST(t_bad_uuid_and_nodev)
{
	unsigned char v[512];
	struct ovl_layer_location loc;
	struct ovl_layers *l;
	ssize_t n;

	mkdirs("a");
	mkdirs("b");
	run("truncate -s 32M %s && mkfs.ext4 -q -F %s && mount -o loop %s %s",
	    P("a.img"), P("a.img"), P("a.img"), P("a"));
	run("mkdir %s/l && umount %s && cp %s %s", P("a"), P("a"), P("a.img"),
	    P("b.img"));
	run("mount -o loop %s %s && mount -o loop %s %s", P("a.img"), P("a"),
	    P("b.img"), P("b"));
	n = value_with_lower(v, sizeof(v), "b/l");

	l = with_flags(v, n, true, true);
	check_loc(l, 0, OVL_STATUS_OK, P("b/l"));	/* the hint settles it */
	ovl_layers_free(l);
	l = with_flags(v, n, true, false);
	check_loc(l, 0, OVL_STATUS_AMBIGUOUS, NULL);
	ovl_layers_free(l);
	/* unflagged, the shared uuid is taken for a clone: each is tried */
	l = with_flags(v, n, false, false);
	ck_assert_int_eq(ovl_layers_get_location(l, 0, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_int_eq(loc.status, OVL_STATUS_OK);
	ck_assert(!strcmp(loc.path, P("a/l")) || !strcmp(loc.path, P("b/l")));
	ovl_layers_free(l);
	run("umount %s %s", P("a"), P("b"));
}
END_TEST

/* A filesystem that cannot say its uuid (squashfs): the record has none,
 * and only the st_dev hint finds it among the others that cannot
 * (proc, sysfs, ...); NODEV has no hint: ambiguous. */
START_TEST(t_nodev_has_no_hint)
{
	unsigned char v[512];
	struct ovl_layers *l;
	ssize_t n;

	mkdirs("sq/l");
	mkdirs("s");
	run("mksquashfs %s %s -quiet -noappend >/dev/null && mount -o loop,ro %s %s",
	    P("sq"), P("sq.img"), P("sq.img"), P("s"));
	n = value_with_lower(v, sizeof(v), "s/l");

	l = with_flags(v, n, false, true);
	check_loc(l, 0, OVL_STATUS_OK, P("s/l"));
	ovl_layers_free(l);
	l = with_flags(v, n, false, false);
	check_loc(l, 0, OVL_STATUS_AMBIGUOUS, NULL);
	ovl_layers_free(l);
	run("umount %s", P("s"));
}
END_TEST

/*
 * A read of one overlay takes its mounts from listmount/statmount
 * (ovl_mount_table_read()): every mount it looks up must be what
 * mountinfo says, fields and super options as mountinfo spells them
 * (escapes; ro, sync, dirsync, lazytime; options with spaces, commas,
 * backslashes, colons), in our view and in another namespace's.  The
 * library's own mountinfo parser (lib/mount_mountinfo.c) is held to
 * libmount's reading of the same mountinfo.
 */
static void ck_tables_agree(pid_t pid)
{
	struct ovl_mount_table *a, *b;
	struct libmnt_table *lm;
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	struct ovl_view *v, *vm;
	char path[64];
	int n = 0;

	ck_assert_int_eq(ovl_view_open(pid, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_view_open(pid, 0, &vm, NULL), 0);
	ovl_view_set_table_way(vm, OVL_MOUNT_TABLE_MOUNTINFO);
	ck_assert_int_eq(ovl_mount_table_read(vm, 0, 0, &a), 0);
	ck_assert_int_eq(a->way, OVL_MOUNT_TABLE_MOUNTINFO);
	ck_assert_int_eq(ovl_mount_table_read(v, 0, 0, &b), 0);
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid ? pid : getpid());
	lm = mnt_new_table_from_file(path);
	ck_assert_ptr_nonnull(lm);
	ck_assert_uint_eq(a->n, (size_t)mnt_table_get_nents(lm));
	while (mnt_table_next_fs(lm, it, &fs) == 0) {
		int id = mnt_fs_get_id(fs);
		struct ovl_mnt *m1 = ovl_mount_table_find_id(a, id);
		struct ovl_mnt *m2 = ovl_mount_table_find_id(b, id);
		char *x = NULL, *y = NULL;

		ck_assert_msg(m1 && m2, "mount %d not found", id);
		ck_assert_str_eq(m1->target, mnt_fs_get_target(fs));
		ck_assert_str_eq(m1->root, mnt_fs_get_root(fs));
		ck_assert_str_eq(m1->fstype, mnt_fs_get_fstype(fs));
		ck_assert_str_eq(m1->source, mnt_fs_get_source(fs) ?
				 mnt_fs_get_source(fs) : "");
		ck_assert_int_eq(m1->parent, mnt_fs_get_parent_id(fs));
		ck_assert(m1->dev == mnt_fs_get_devno(fs));
		/* libmount gives them unescaped */
		ck_assert_int_eq(ovl_mnt_super_options(a, m1, &x), 0);
		ovl_unmangle(x);
		ck_assert_str_eq(x, mnt_fs_get_fs_options(fs) ?
				 mnt_fs_get_fs_options(fs) : "");
		free(x);
		ck_assert_int_eq(ovl_mnt_strings(b, m2), 0);
		ck_assert_str_eq(m2->target, m1->target);
		ck_assert_str_eq(m2->root, m1->root);
		ck_assert_str_eq(m2->fstype, m1->fstype);
		ck_assert_str_eq(m2->source, m1->source);
		ck_assert_int_eq(m2->parent, m1->parent);
		ck_assert(m2->dev == m1->dev);
		ck_assert_int_eq(ovl_mnt_super_options(a, m1, &x), 0);
		ck_assert_int_eq(ovl_mnt_super_options(b, m2, &y), 0);
		ck_assert_str_eq(y, x);
		free(x);
		free(y);
		n++;
	}
	ck_assert_int_gt(n, 5);
	ck_assert_ptr_null(ovl_mount_table_find_id(b, -5));
	if (b->way != OVL_MOUNT_TABLE_STATMOUNT)
		/* before 6.13 (no sb_source): mountinfo both times */
		printf("host: statmount table: SKIP: the kernel's statmount cannot be used\n");
	mnt_free_iter(it);
	mnt_unref_table(lm);
	ovl_mount_table_free(a);
	ovl_mount_table_free(b);
	ovl_view_unref(vm);
	ovl_view_unref(v);
}

START_TEST(t_statmount_table_is_mountinfo)
{
	char opts[2048];
	pid_t pid;
	int go[2], st;
	char c;

	mount_tmpfs("t");
	mkdirs("t/a b");
	mkdirs("t/c,d");
	mkdirs("t/e\\f");
	mkdirs("t/g:h");
	mkdirs("t/u");
	mkdirs("t/w");
	mkdirs("m1");
	mkdirs("m2");
	mkdirs("m3 x");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s,userxattr",
		 P("t/a b"), P("t/c\\,d"), P("t/u"), P("t/w"));
	ck_assert_msg(!mount("o", P("m1"), "overlay", 0, opts), "m1: %m");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s:%s", P("t/a b"),
		 P("t/e\\\\f"), P("t/g\\:h"));
	ck_assert_msg(!mount("o p", P("m2"), "overlay", MS_RDONLY | MS_SYNCHRONOUS |
			     MS_DIRSYNC | MS_LAZYTIME, opts), "m2: %m");
	ck_assert(!mount("we ird\\src", P("m3 x"), "tmpfs", 0, "size=1m,mode=0700"));
	ck_tables_agree(0);
	/* another namespace's (statmount with its mnt_ns_id) */
	ck_assert(!pipe(go));
	pid = fork();
	ck_assert(pid >= 0);
	if (!pid) {
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    write(go[1], "k", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ck_assert_int_eq(read(go[0], &c, 1), 1);
	ck_tables_agree(pid);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	close(go[0]);
	close(go[1]);
}
END_TEST

/* An idmapped bind mount of src at dst: mapped ids 0..65535 to 100000..
 * (a user namespace of a child of its own, whose maps root writes). */
static void idmapped_bind(const char *src, const char *dst)
{
	char path[64];
	int go[2], tree, ns, fd;
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP };
	pid_t pid;

	ck_assert(!pipe(go));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;

		close(go[1]);
		if (unshare(CLONE_NEWUSER))
			_exit(1);
		(void)!read(go[0], &c, 1);	/* until the parent is done */
		_exit(0);
	}
	close(go[0]);
	usleep(100000);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid,
			 i ? "gid_map" : "uid_map");
		fd = open(path, O_WRONLY | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "0 100000 65536", 14), 14);
		close(fd);
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(ns, 0);
	a.userns_fd = ns;
	tree = syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	ck_assert_int_ge(tree, 0);
	ck_assert_msg(!syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof(a)),
		      "mount_setattr: %m");
	ck_assert(!move_mount(tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH));
	close(tree);
	close(ns);
	close(go[1]);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}

/*
 * A layer given through an idmapped mount (#28 item 4): the fallback's
 * record says MOUNT_ATTR_IDMAP (statmount's mnt_attr), and a mount from
 * the descriptor is refused unless the layer is placed on an idmapped
 * mount, as the mapping cannot be re-created by the library.
 */
START_TEST(t_idmapped_layer)
{
	struct ovl_layers *l;
	struct ovl_layer_record rec;
	struct stat st;
	struct ovl_error *oe = ovl_error_new();
	char opts[1024];
	int fd;

	mount_tmpfs("t1");
	mkdirs("t1/src");
	mkdirs("t1/map");
	mkdirs("t1/u");
	mkdirs("t1/w");
	mkdirs("m");
	mkdirs("again");
	ck_assert(!close(open(P("t1/src/f"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)));
	idmapped_bind(P("t1/src"), P("t1/map"));
	ck_assert(!stat(P("t1/map/f"), &st));
	ck_assert_uint_eq(st.st_uid, 100000);	/* the mapping is in place */
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 P("t1/map"), P("t1/u"), P("t1/w"));
	ck_assert_msg(!mount("overlay", P("m"), "overlay", 0, opts),
		      "mount overlay: %m");
	l = read_ok(P("m"));
	ck_assert_int_eq(ovl_layers_get_record(l, 2, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.kind, OVL_LAYERS_LOWER);
	ck_assert(rec.valid & OVL_RECORD_VALID_ATTR);
	ck_assert_uint_eq(rec.attr, MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY);
	ck_assert_int_eq(ovl_layers_get_record(l, 0, &rec, sizeof(rec)), (int)sizeof(rec));
	ck_assert_uint_eq(rec.attr & MOUNT_ATTR_IDMAP, 0);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, OVL_RESOLVE_FD, NULL, NULL), 0);

	/* the layer's fd may be on the mount without the mapping: refused */
	fd = open(P("t1/src"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(ovl_layers_place_fd(l, 2, fd, 0, NULL), 0);
	close(fd);
	ck_assert_int_eq(ovl_layers_mount(l, NULL, P("again"), 0, oe),
			 -EOPNOTSUPP);
	ck_assert_int_eq(ovl_error_code(oe), -EOPNOTSUPP);
	ck_assert_int_eq(ovl_error_layer(oe), 2);
	ck_assert_ptr_nonnull(ovl_error_message(oe));
	ck_assert_int_eq(ovl_layers_fsmount(l, NULL, 0, 0, oe), -EOPNOTSUPP);
	ck_assert_int_eq(ovl_error_layer(oe), 2);
	/* placed on an idmapped mount of it, it is mounted (with a
	 * mapping: its owners stay what they were) */
	fd = open(P("t1/map"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(ovl_layers_place_fd(l, 2, fd, 0, NULL), 0);
	close(fd);
	ck_assert_int_eq(ovl_layers_mount(l, NULL, P("again"), 0, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), 0);
	ck_assert_int_eq(ovl_error_layer(oe), -1);
	ck_assert(!stat(P("again/f"), &st));
	ck_assert_uint_eq(st.st_uid, 100000);
	ovl_layers_free(l);
	ovl_error_free(oe);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("mounts");

	if (geteuid() != 0) {
		printf("host: SKIP: needs root (real mounts in a private mount namespace)\n");
		return 77;
	}
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, t_fallback_tmpfs);
	tcase_add_test(tc, t_log_kernel_messages);
	tcase_add_test(tc, t_log_environment);
	tcase_add_test(tc, t_read_mount_unique);
	tcase_add_test(tc, t_snapshot);
	tcase_add_test(tc, t_snapshot_task_gone);
	tcase_add_test(tc, t_fallback_ext4_data_layers_escapes);
	tcase_add_test(tc, t_fallback_escapes_mount2);
	tcase_add_test(tc, t_fallback_escapes_new_api);
	tcase_add_test(tc, t_chrooted_process);
	tcase_add_test(tc, t_remounted_other_device);
	tcase_add_test(tc, t_bind_mount_of_subtree);
	tcase_add_test(tc, t_overmounted_layer);
	tcase_add_test(tc, t_deleted_layer);
	tcase_add_test(tc, t_unmounted_fs);
	tcase_add_test(tc, t_renamed_layer);
	tcase_add_test(tc, t_yard_then_move);
	tcase_add_test(tc, t_relative_lowerdir);
	tcase_add_test(tc, t_other_namespace);
	tcase_add_test(tc, t_errors);
	tcase_add_test(tc, t_no_privilege);
	tcase_add_test(tc, t_mount_from_descriptor);
	tcase_add_test(tc, t_place_restored_layers);
	tcase_add_loop_test(tc, t_fid_record_verified_by_path, 0, 2);
	tcase_add_test(tc, t_fallback_fid_nested_overlay);
	tcase_add_test(tc, t_fallback_bad_uuid);
	tcase_add_test(tc, t_bad_uuid_and_nodev);
	tcase_add_test(tc, t_btrfs_no_uuid);
	tcase_add_test(tc, t_kernel_probe_ways);
	tcase_add_test(tc, t_nodev_has_no_hint);
	tcase_add_test(tc, t_statmount_table_is_mountinfo);
	tcase_add_test(tc, t_idmapped_layer);
	suite_add_tcase(s, tc);
	return ovt_run(s, "host");
}
