// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library against the patched kernel ("libvm", run by vm-run): the
 * kernel's value reads, decodes and resolves, and the mountinfo fallback
 * derives the same records where the path strings are still true.  The
 * kernel's value is format 2 on the 7.3 series (docs/layers-format.md),
 * format 1 on the stock suite's 6.12 backport; the library reads both.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <syslog.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "ovllayers.h"
#include "missing.h"	/* statmount(2) and the series' field */
#include "fixture.h"
#include "testrun.h"

static void setup(void)
{
	ovt_private_tmp("ovl");
}

/* statmount(2) of the root's mount asking for param, or NULL: what the
 * kernel itself says, not the library */
static const struct ovl_statmount *statmount_root(uint64_t param)
{
	static char buf[4096];
	struct ovl_mnt_id_req req = {
		.size = OVL_MNT_ID_REQ_SIZE_VER0,
		.param = param,
	};
	struct statx stx;

	ck_assert(!statx(AT_FDCWD, "/", 0, STATX_MNT_ID_UNIQUE, &stx));
	req.mnt_id = stx.stx_mnt_id;
	if (syscall(SYS_statmount, &req, buf, sizeof(buf), 0))
		return NULL;
	return (const struct ovl_statmount *)buf;
}

/*
 * Where the library must take the kernel's description from on this
 * kernel: statmount's layers field where statmount says it has it (the
 * 7.3 series), else the xattr (the stock suite's 6.12 backport, which has
 * no statmount field).
 */
static int kernel_source(void)
{
	const struct ovl_statmount *sm = statmount_root(OVL_SM_SUPPORTED_MASK);

	if (!sm || !(sm->mask & OVL_SM_SUPPORTED_MASK) ||
	    !(sm->supported_mask & OVL_SM_FS_LAYERS))
		return OVL_SOURCE_XATTR;
	return OVL_SOURCE_STATMOUNT;
}

/*
 * Can statmount(2) describe a mount alone on this kernel: does it give the
 * superblock's source (6.13)?  Without it (the stock suite's 6.12) the
 * library reads mount tables from mountinfo, the whole table.
 */
static bool statmount_has_source(void)
{
	const struct ovl_statmount *sm =
		statmount_root(OVL_SM_SB_SOURCE | OVL_SM_SUPPORTED_MASK);

	return sm && ((sm->mask & OVL_SM_SB_SOURCE) ||
		      ((sm->mask & OVL_SM_SUPPORTED_MASK) &&
		       (sm->supported_mask & OVL_SM_SB_SOURCE)));
}

static uint32_t u32at(const unsigned char *p, size_t off)
{
	uint32_t x;

	memcpy(&x, p + off, sizeof(x));
	return x;
}

/* A format 2 value's filesystem flags cleared: BAD_UUID is what overlayfs
 * decided at mount, which the fallback cannot know from mountinfo. */
static void clear_fs_flags(unsigned char *v, size_t n)
{
	uint32_t off = u32at(v, 8), nr = u32at(v, 12), zero = 0;

	for (uint32_t i = 0; i < nr && off + 48 * (i + 1) <= n; i++)
		memcpy(v + off + 48 * i + 4, &zero, sizeof(zero));
}

static void dump(const char *target, const char *what,
		 const unsigned char *v, ssize_t n)
{
	printf("libvm: %s: %-8s ", target, what);
	for (ssize_t k = 0; k < n; k++)
		printf("%02x", v[k]);
	printf("\n");
	fflush(stdout);
}

/*
 * The kernel's value and the mountinfo fallback agree, and every layer
 * resolves ok.  Record by record on every kernel: the 6.12 backport of
 * the stock suite gives format 1, the 7.3 series format 2, the fallback
 * writes format 2.  Where the kernel gives format 2 too, byte for byte but
 * for the filesystems' flags.
 */
static void check_both(const char *target, unsigned int count)
{
	struct ovl_layers *x = NULL, *m = NULL;
	unsigned char a[65536], b[65536], raw[65536];
	ssize_t na, nb, nr;
	unsigned int bad = 99;

	ck_assert_int_eq(ovl_layers_read(NULL, -1, target, 0, OVL_READ_KERNEL_ONLY,
					 &x, NULL), 0);
	ck_assert_int_eq(ovl_layers_source(x), kernel_source());
	ck_assert_uint_eq(ovl_layers_count(x), count);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, target, 0,
					 OVL_READ_MOUNTINFO_ONLY, &m, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(m), count);
	for (unsigned int i = 0; i < count; i++) {
		struct ovl_layer_record rx, rm;

		ck_assert_int_eq(ovl_layers_get_record(x, i, &rx, sizeof(rx)),
				 (int)sizeof(rx));
		ck_assert_int_eq(ovl_layers_get_record(m, i, &rm, sizeof(rm)),
				 (int)sizeof(rm));
		ck_assert_msg(rx.kind == rm.kind && rx.index == rm.index &&
			      rx.flags == rm.flags && rx.fh_flags == rm.fh_flags,
			      "%s: record %u: kind %u/%u index %u/%u flags %#x/%#x fh_flags %#x/%#x (kernel/fallback)",
			      target, i, rx.kind, rm.kind, rx.index, rm.index,
			      rx.flags, rm.flags, rx.fh_flags, rm.fh_flags);
		ck_assert_msg(rx.dev_major == rm.dev_major &&
			      rx.dev_minor == rm.dev_minor,
			      "%s: record %u: dev %u:%u, fallback %u:%u", target,
			      i, rx.dev_major, rx.dev_minor, rm.dev_major,
			      rm.dev_minor);
		ck_assert_msg(!memcmp(rx.uuid, rm.uuid, 16),
			      "%s: record %u: uuids differ", target, i);
		ck_assert_msg(rx.fh_type == rm.fh_type &&
			      rx.fid_len == rm.fid_len &&
			      !memcmp(rx.fid, rm.fid, rx.fid_len),
			      "%s: record %u: handles differ", target, i);
	}
	na = ovl_layers_encode(x, a, sizeof(a));
	nb = ovl_layers_encode(m, b, sizeof(b));
	ck_assert_int_gt(na, 0);
	ck_assert_int_gt(nb, 0);
	ck_assert_msg(b[1] != 0xfc, "the fallback wrote format 1");
	/* encode gives back exactly what getxattr gave */
	nr = getxattr(target, OVL_LAYERS_XATTR, raw, sizeof(raw));
	ck_assert_int_eq(nr, na);
	ck_assert(!memcmp(raw, a, na));
	if (a[1] != 0xfc) {
		clear_fs_flags(a, na);
		clear_fs_flags(b, nb);
		if (na != nb || memcmp(a, b, na)) {
			ssize_t i = 0;

			while (i < na && i < nb && a[i] == b[i])
				i++;
			dump(target, "kernel", a, na);
			dump(target, "fallback", b, nb);
			ck_abort_msg("kernel (%zd bytes) and mountinfo fallback (%zd) "
				     "differ from byte %zd on", na, nb, i);
		}
	}
	ck_assert_int_eq(ovl_layers_resolve(x, NULL, 0, &bad, NULL), 0);
	ck_assert_uint_eq(bad, 0);
	ovl_layers_free(x);
	ovl_layers_free(m);
}

/* the view's log, kept: does it hold line? */
static char logbuf[65536];
static size_t loglen;
static void keep_log(void *data, int priority, const char *func,
		     const char *format, va_list args)
{
	int n;

	(void)data;
	(void)priority;
	(void)func;
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, format, args);
	if (n > 0 && loglen + n + 1 < sizeof(logbuf)) {
		loglen += n;
		logbuf[loglen++] = '\n';
		logbuf[loglen] = '\0';
	}
}

/*
 * An overlay read by its path where the kernel describes it: one statx
 * and one statmount of that mount (its unique ID), not the whole table,
 * so that a namespace of 50,000 mounts costs what one of 10 does (#28).
 * The view's debug log says when the whole table is read; the fallback
 * (mountinfo only) still reads it.  Where statmount cannot describe a
 * mount alone (6.12: no sb_source), the whole table from mountinfo is
 * what the library must read.
 */
START_TEST(t_read_one_mount)
{
	struct ovl_layers *l = NULL;
	struct ovl_view *v;
	struct ovl_error *oe = ovl_error_new();
	char opts[1024];

	run("mkdir -p %s/l1 %s/l2 %s/m", base, base, base);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("l1"), P("l2"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	ck_assert_int_eq(ovl_view_open(0, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_view_set_log(v, LOG_DEBUG, keep_log, NULL, 0), 0);
	loglen = 0;
	logbuf[0] = '\0';
	ck_assert_int_eq(ovl_layers_read(v, -1, P("m"), 0, 0, &l, oe), 0);
	ck_assert_int_eq(ovl_layers_source(l), kernel_source());
	ck_assert_uint_eq(ovl_layers_count(l), 2);
	ck_assert_ptr_nonnull(strstr(logbuf, "records from"));
	if (statmount_has_source())
		ck_assert_msg(!strstr(logbuf, "mount table:"),
			      "the whole table was read:\n%s", logbuf);
	else
		ck_assert_msg(strstr(logbuf, "mount table:") &&
			      strstr(logbuf, "from mountinfo"),
			      "statmount without sb_source, and yet:\n%s",
			      logbuf);
	ovl_layers_free(l);
	loglen = 0;
	logbuf[0] = '\0';
	ck_assert_int_eq(ovl_layers_read(v, -1, P("m"), 0,
					      OVL_READ_MOUNTINFO_ONLY,
					      &l, oe), 0);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ck_assert_ptr_nonnull(strstr(logbuf, "mount table:"));
	ovl_layers_free(l);
	ovl_view_unref(v);
	ck_assert(!umount(P("m")));
	ovl_error_free(oe);
}
END_TEST

START_TEST(t_tmpfs_ext4)
{
	char opts[1024];

	run("mkdir -p %s/e %s/t %s/m && truncate -s 32M %s/e.img && "
	    "mkfs.ext4 -q %s/e.img && mount -o loop %s/e.img %s/e && "
	    "mount -t tmpfs t %s/t && mkdir %s/e/l1 %s/t/l2 %s/e/u %s/e/w",
	    base, base, base, base, base, base, base, base, base, base, base,
	    base);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s",
		 P("e/l1"), P("t/l2"), P("e/u"), P("e/w"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	check_both(P("m"), 4);
	run("umount %s && umount %s", P("m"), P("e"));
}
END_TEST

START_TEST(t_data_layers)
{
	char opts[1024];

	run("mkdir -p %s/a %s/b %s/d1 %s/d2 %s/m", base, base, base, base,
	    base);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s::%s::%s,metacopy=on",
		 P("a"), P("b"), P("d1"), P("d2"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	check_both(P("m"), 4);
}
END_TEST

START_TEST(t_500_layers)
{
	int fd = fsopen("overlay", FSOPEN_CLOEXEC), mfd;
	char dir[64];

	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < 500; i++) {
		snprintf(dir, sizeof(dir), "l/%d", i);
		run("mkdir -p %s", P(dir));
		ck_assert(!fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir+",
				    P(dir), 0));
	}
	ck_assert(!fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0));
	mfd = fsmount(fd, 0, 0);
	ck_assert_int_ge(mfd, 0);
	run("mkdir -p %s", P("m"));
	ck_assert(!move_mount(mfd, "", AT_FDCWD, P("m"),
			      MOVE_MOUNT_F_EMPTY_PATH));
	check_both(P("m"), 500);
}
END_TEST

/* A copied-up file's origin resolves to the lower file it came from. */
START_TEST(t_origin)
{
	struct ovl_layers *o = NULL;
	struct ovl_layer_location loc;
	unsigned char v[256];
	char opts[1024];
	ssize_t n;

	run("mkdir -p %s/l %s/u %s/w %s/m && echo lower > %s/l/file",
	    base, base, base, base, base);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 P("l"), P("u"), P("w"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	run("echo changed >> %s/m/file", base);	/* copy up */
	n = getxattr(P("u/file"), OVL_ORIGIN_XATTR, v, sizeof(v));
	ck_assert_int_gt(n, 21);
	ck_assert_int_eq(ovl_layers_decode_origin(v, n, &o, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(o, NULL, 0, NULL, NULL), 0);
	ck_assert_int_eq(ovl_layers_get_location(o, 0, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_int_eq(loc.status, OVL_STATUS_OK);
	ck_assert_str_eq(loc.path, P("l/file"));
	ovl_layers_free(o);
}
END_TEST

/* Layer paths with what mountinfo and overlayfs escape: the fallback still
 * equals the kernel's bytes. */
START_TEST(t_odd_paths)
{
	char opts[2048];

	run("mkdir -p '%s/a,b' '%s/c\\d' '%s/e:f' '%s/g h' '%s/u\\1' "
	    "'%s/w,2' %s/m", base, base, base, base, base, base, base);
	snprintf(opts, sizeof(opts),
		 "lowerdir=%s/a\\,b:%s/c\\\\d:%s/e\\:f::%s/g h,"
		 "upperdir=%s/u\\\\1,workdir=%s/w\\,2,metacopy=on",
		 base, base, base, base, base, base);
	ck_assert_msg(!mount("overlay", P("m"), "overlay", 0, opts),
		      "mount %s: %m", opts);
	check_both(P("m"), 6);
}
END_TEST

/* The library asks the running overlayfs who writes the layers name: a
 * kernel with the series produces it, for both names (a kernel without it
 * fails here: tests/hostile has that side, on the host's kernel).  A value
 * cannot be set on a root, and what is read is the kernel's. */
START_TEST(t_kernel_probe)
{
	struct ovl_layers *l = NULL;
	char opts[1024];

	ck_assert_int_eq(ovl_layers_kernel_probe(0, NULL), OVL_KERNEL_PRODUCES);
	ck_assert_int_eq(ovl_layers_kernel_probe(OVL_PROBE_USERXATTR, NULL),
			 OVL_KERNEL_PRODUCES);
	ck_assert_int_eq(ovl_layers_kernel_probe(2, NULL), -EINVAL);
	run("mkdir -p %s/l1 %s/u %s/w %s/m", base, base, base, base);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 P("l1"), P("u"), P("w"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	ck_assert_int_eq(setxattr(P("m"), OVL_LAYERS_XATTR, "x", 1, 0), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, OVL_READ_KERNEL_ONLY,
					 &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_source(l), kernel_source());
	ck_assert_uint_eq(ovl_layers_count(l), 3);
	ovl_layers_free(l);
}
END_TEST

/* Without CAP_SYS_ADMIN the kernel answers ENODATA for the trusted name;
 * the library says EPERM, not "this kernel has no xattr". */
START_TEST(t_no_privilege)
{
	char opts[1024];
	pid_t pid;
	int st;

	run("mkdir -p %s/l1 %s/l2 %s/m", base, base, base);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("l1"), P("l2"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct ovl_layers *l = NULL;
		char v[16];

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		if (getxattr(P("m"), OVL_LAYERS_XATTR, v, sizeof(v)) >= 0 ||
		    errno != ENODATA)
			_exit(11);
		if (ovl_layers_read(NULL, -1, P("m"), 0, OVL_READ_KERNEL_ONLY,
				    &l, NULL) != -EPERM)
			_exit(12);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "child step %d",
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}
END_TEST

/* An overlay mounted with userxattr in a user namespace: the value is
 * user.overlay.layers, and the library reads that name. */
START_TEST(t_userxattr)
{
	int source = kernel_source();	/* asked before the child's userns */
	pid_t pid;
	int st;

	run("mkdir -p %s/t", base);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct ovl_layers *x = NULL, *m = NULL;
		struct ovl_layer_location loc;
		unsigned char a[4096], b[4096];
		unsigned int bad = 99;
		char opts[1024];
		ssize_t na, nb;
		int fd;

		if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
			_exit(10);
		fd = open("/proc/self/setgroups", O_WRONLY);
		if (fd < 0 || write(fd, "deny", 4) != 4 || close(fd))
			_exit(11);
		fd = open("/proc/self/uid_map", O_WRONLY);
		if (fd < 0 || write(fd, "0 0 1", 5) != 5 || close(fd))
			_exit(12);
		fd = open("/proc/self/gid_map", O_WRONLY);
		if (fd < 0 || write(fd, "0 0 1", 5) != 5 || close(fd))
			_exit(13);
		if (mount("tmpfs", P("t"), "tmpfs", 0, NULL) ||
		    mkdir(P("t/l"), 0755) || mkdir(P("t/u"), 0755) ||
		    mkdir(P("t/w"), 0755) || mkdir(P("t/m"), 0755))
			_exit(14);
		snprintf(opts, sizeof(opts),
			 "lowerdir=%s,upperdir=%s,workdir=%s,userxattr",
			 P("t/l"), P("t/u"), P("t/w"));
		if (mount("overlay", P("t/m"), "overlay", 0, opts))
			_exit(15);
		if (ovl_layers_read(NULL, -1, P("t/m"), 0, OVL_READ_KERNEL_ONLY,
				    &x, NULL) ||
		    ovl_layers_source(x) != source)
			_exit(16);
		if (ovl_layers_read(NULL, -1, P("t/m"), 0,
				    OVL_READ_MOUNTINFO_ONLY, &m, NULL))
			_exit(17);
		na = ovl_layers_encode(x, a, sizeof(a));
		nb = ovl_layers_encode(m, b, sizeof(b));
		if (na <= 0 || na != nb || memcmp(a, b, na))
			_exit(18);
		if (getxattr(P("t/m"), OVL_LAYERS_XATTR_USER, b, sizeof(b)) != na)
			_exit(19);
		ovl_layers_free(x);
		ovl_layers_free(m);

		/*
		 * Rootless (#28): no privilege over the initial namespace, so
		 * no open_by_handle_at(2); format 2's path from the
		 * filesystem's root finds each layer, its handle checks it.
		 * The lower renamed: the option string is stale, the
		 * kernel's path is not; the value decoded alone (no option
		 * strings at all) resolves as well.
		 */
		if (rename(P("t/l"), P("t/l2")))
			_exit(20);
		if (ovl_layers_read(NULL, -1, P("t/m"), 0, OVL_READ_KERNEL_ONLY,
				    &x, NULL) ||
		    ovl_layers_resolve(x, NULL, 0, &bad, NULL) || bad)
			_exit(21);
		if (ovl_layers_get_location(x, 2, &loc, sizeof(loc)) < 0 ||
		    loc.status != OVL_STATUS_OK || strcmp(loc.path, P("t/l2")))
			_exit(22);
		na = ovl_layers_encode(x, a, sizeof(a));
		if (na <= 0 || ovl_layers_decode(a, na, &m, NULL) ||
		    ovl_layers_resolve(m, NULL, 0, &bad, NULL) || bad)
			_exit(23);
		ovl_layers_free(x);
		ovl_layers_free(m);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "child step %d",
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}
END_TEST

/* The kernel value resolves through a bind mount of the layer's subtree
 * once the whole-fs mount is gone, and a covered layer is shadowed. */
/*
 * An overlay covered by another mount, read by its mount ID: statmount's
 * field answers by ID (7.3), so it reads; the xattr needs the root opened
 * through a mount that shows it whole, of which there is none (6.12's
 * backport): -ENOENT with the reason, as before.
 */
START_TEST(t_covered_by_id)
{
	struct ovl_layers *l = NULL;
	struct ovl_view *v;
	struct ovl_error *oe = ovl_error_new();
	char opts[1024];
	struct statx stx;
	int err;

	run("mkdir -p %s/l1 %s/l2 %s/m", base, base, base);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("l1"), P("l2"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	ck_assert(!statx(AT_FDCWD, P("m"), 0, STATX_MNT_ID, &stx));
	ck_assert(!mount("tmpfs", P("m"), "tmpfs", 0, NULL));
	ck_assert_int_eq(ovl_view_open(0, 0, &v, NULL), 0);
	err = ovl_layers_read(v, -1, NULL, (int)stx.stx_mnt_id, OVL_READ_MNT_ID, &l, oe);
	if (kernel_source() == OVL_SOURCE_STATMOUNT) {
		ck_assert_msg(!err, "covered overlay: %d (%s)", err, ovl_error_message(oe));
		ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_STATMOUNT);
		ck_assert_uint_eq(ovl_layers_count(l), 2);
		ck_assert_ptr_nonnull(ovl_layers_options(l));
	} else {
		ck_assert_int_eq(err, -ENOENT);
		ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "covered by another mount"));
	}
	ovl_layers_free(l);
	ovl_view_unref(v);
	ck_assert(!umount(P("m")));
	ck_assert(!umount(P("m")));
	ovl_error_free(oe);
}
END_TEST

START_TEST(t_resolve_kernel_value)
{
	struct ovl_layers *x = NULL;
	struct ovl_layer_location loc;
	char opts[1024];

	run("mkdir -p %s/t1 %s/t2 %s/m %s/bind && mount -t tmpfs t %s/t1 && "
	    "mount -t tmpfs t %s/t2 && mkdir -p %s/t1/l1 %s/t2/l2 %s/t2/x",
	    base, base, base, base, base, base, base, base, base);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", P("t1/l1"), P("t2/l2"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, OVL_READ_KERNEL_ONLY,
					 &x, NULL), 0);
	run("mkdir -p %s/bx && mount --bind %s/t2/x %s/bx && "
	    "mount --bind %s/t2/l2 %s/bind && umount -l %s/t2 && "
	    "mount -t tmpfs cover %s/t1/l1",
	    base, base, base, base, base, base, base);
	ck_assert_int_eq(ovl_layers_resolve(x, NULL, OVL_RESOLVE_FD, NULL, NULL), 0);
	ck_assert_int_eq(ovl_layers_get_location(x, 1, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_int_eq(loc.status, OVL_STATUS_OK);
	ck_assert_str_eq(loc.path, P("bind"));
	ck_assert_int_eq(ovl_layers_get_location(x, 0, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_int_eq(loc.status, OVL_STATUS_SHADOWED);
	ck_assert_int_ge(loc.fd, 0);
	ovl_layers_free(x);
}
END_TEST

/* What a record's flags should be: the layer's (rec.flags: the kernel's
 * OVL_LAYERS_LAYER_*) and its filesystem's (rec.fs_flags:
 * OVL_LAYERS_FS_BAD_UUID). */
struct want_flags {
	unsigned int flags, fs_flags;
};

/* the flags of every record, as the library decoded the kernel's value */
static void check_flags(const char *target, const struct want_flags *flags,
			unsigned int count)
{
	struct ovl_layers *x = NULL;
	struct ovl_layer_record rec;

	ck_assert_int_eq(ovl_layers_read(NULL, -1, target, 0, OVL_READ_KERNEL_ONLY,
					 &x, NULL), 0);
	ck_assert_uint_eq(ovl_layers_count(x), count);
	for (unsigned int i = 0; i < count; i++) {
		ck_assert_int_eq(ovl_layers_get_record(x, i, &rec, sizeof(rec)), (int)sizeof(rec));
		ck_assert_msg(rec.flags == flags[i].flags,
			      "record %u: flags %#x, expected %#x", i,
			      rec.flags, flags[i].flags);
		ck_assert_msg(rec.fs_flags == flags[i].fs_flags,
			      "record %u: fs_flags %#x, expected %#x", i,
			      rec.fs_flags, flags[i].fs_flags);
	}
	ovl_layers_free(x);
}

/* FID records: a nested overlay (no nfs_export) and a 9p
 * directory of the VM's root as lowers.  The fallback derives the same
 * bytes, and each resolves (by its path, checked by its fid). */
START_TEST(t_fid_layers)
{
	struct want_flags flags[] = {
		{ OVL_LAYERS_LAYER_FID, 0 },
		{ 0, OVL_LAYERS_FS_BAD_UUID },
		{ 0, 0 },
	};
	struct { struct file_handle fh; unsigned char b[128]; } h;
	char opts[1024];
	int mnt;

	/* the guest's root (/usr/share): 9p on the tinyconfig kernel, no
	 * export ops, so a FID; virtiofs on the stock one, which decodes.
	 * Both have a null uuid: BAD_UUID. */
	h.fh.handle_bytes = sizeof(h.b);
	if (name_to_handle_at(AT_FDCWD, "/usr/share", &h.fh, &mnt, 0)) {
		ck_assert_int_eq(errno, EOPNOTSUPP);
		flags[1].flags |= OVL_LAYERS_LAYER_FID;
	}
	run("mkdir -p %s/il %s/iu %s/iw %s/inner %s/l3 %s/m", base, base, base,
	    base, base, base);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 P("il"), P("iu"), P("iw"));
	ck_assert(!mount("overlay", P("inner"), "overlay", 0, opts));
	snprintf(opts, sizeof(opts), "lowerdir=%s:/usr/share:%s", P("inner"),
		 P("l3"));
	ck_assert_msg(!mount("overlay", P("m"), "overlay", 0, opts),
		      "mount %s: %m", opts);
	check_flags(P("m"), flags, 3);
	check_both(P("m"), 3);
}
END_TEST

/* BAD_UUID: two ext4 filesystems with one uuid, next to a tmpfs */
START_TEST(t_bad_uuid)
{
	static const struct want_flags flags[] = {
		{ 0, OVL_LAYERS_FS_BAD_UUID },
		{ 0, OVL_LAYERS_FS_BAD_UUID },
		{ 0, 0 },
	};
	char opts[1024];

	run("cd %s && mkdir -p e1 e2 t m && truncate -s 32M e1.img e2.img && "
	    "mkfs.ext4 -q -U 0badbad0-0bad-0bad-0bad-0badbad0bad0 e1.img && "
	    "mkfs.ext4 -q -U 0badbad0-0bad-0bad-0bad-0badbad0bad0 e2.img && "
	    "mount -o loop e1.img e1 && mount -o loop e2.img e2 && "
	    "mkdir e1/l e2/l t/l", base);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s:%s", P("e1/l"), P("e2/l"),
		 P("t/l"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	check_flags(P("m"), flags, 3);
	check_both(P("m"), 3);
	run("umount %s && umount %s %s", P("m"), P("e1"), P("e2"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libvm");
	TCase *tc = tcase_create("kernel-value");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_tmpfs_ext4);
	tcase_add_test(tc, t_read_one_mount);
	tcase_add_test(tc, t_data_layers);
	tcase_add_test(tc, t_500_layers);
	tcase_add_test(tc, t_origin);
	tcase_add_test(tc, t_odd_paths);
	tcase_add_test(tc, t_kernel_probe);
	tcase_add_test(tc, t_no_privilege);
	tcase_add_test(tc, t_userxattr);
	tcase_add_test(tc, t_covered_by_id);
	tcase_add_test(tc, t_resolve_kernel_value);
	tcase_add_test(tc, t_fid_layers);
	tcase_add_test(tc, t_bad_uuid);
	suite_add_tcase(s, tc);
	return ovt_run(s, "libvm");
}
