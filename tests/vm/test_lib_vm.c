// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library against the patched kernel ("libvm", run by vm-run): the
 * kernel's value reads, decodes and resolves, and the mountinfo fallback
 * derives the very same bytes where the path strings are still true.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ovllayers.h"
#include "fixture.h"
#include "testrun.h"

static void setup(void)
{
	ovt_private_tmp("ovl");
}

/* xattr and fallback agree byte for byte, and every layer resolves ok */
static void check_both(const char *target, unsigned int count)
{
	struct ovl_layers *x = NULL, *m = NULL;
	unsigned char a[65536], b[65536], raw[65536];
	ssize_t na, nb, nr;
	unsigned int bad = 99;

	ck_assert_int_eq(ovl_layers_read(0, target, OVL_LAYERS_READ_XATTR_ONLY,
					 &x), 0);
	ck_assert_int_eq(ovl_layers_source(x), OVL_LAYERS_SOURCE_XATTR);
	ck_assert_uint_eq(ovl_layers_count(x), count);
	ck_assert_int_eq(ovl_layers_read(0, target,
					 OVL_LAYERS_READ_MOUNTINFO_ONLY, &m), 0);
	na = ovl_layers_encode(x, a, sizeof(a));
	nb = ovl_layers_encode(m, b, sizeof(b));
	ck_assert_int_gt(na, 0);
	ck_assert_int_eq(na, nb);
	ck_assert(!memcmp(a, b, na));
	/* encode gives back exactly what getxattr gave */
	nr = getxattr(target, OVL_LAYERS_XATTR, raw, sizeof(raw));
	ck_assert_int_eq(nr, na);
	ck_assert(!memcmp(raw, a, na));
	ck_assert_int_eq(ovl_layers_resolve(x, 0, 0, &bad), 0);
	ck_assert_uint_eq(bad, 0);
	ovl_layers_free(x);
	ovl_layers_free(m);
}

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
	ck_assert_int_eq(ovl_layers_decode_origin(v, n, &o), 0);
	ck_assert_int_eq(ovl_layers_resolve(o, 0, 0, NULL), 0);
	ck_assert_int_eq(ovl_layers_location(o, 0, &loc), 0);
	ck_assert_int_eq(loc.status, OVL_LAYER_OK);
	ck_assert_str_eq(loc.path, P("l/file"));
	ovl_layers_free(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libvm");
	TCase *tc = tcase_create("kernel-value");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_tmpfs_ext4);
	tcase_add_test(tc, t_data_layers);
	tcase_add_test(tc, t_500_layers);
	tcase_add_test(tc, t_origin);
	suite_add_tcase(s, tc);
	return ovt_run(s, "libvm");
}
