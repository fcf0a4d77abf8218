// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's mountinfo parser (lib/mount_mountinfo.c), on texts made
 * here: every field, the kernel's octal escapes undone where mountinfo
 * has them and kept in the super options, optional fields, an empty
 * source; and every way a text is not mountinfo's, each -EIO with nothing
 * read past it.  The host suite holds it to libmount on real mountinfo.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "internal.h"
#include "test_units.h"

static struct ovl_mount_table *parse(const char *text, size_t len, int *err)
{
	struct ovl_mount_table *t = calloc(1, sizeof(*t));
	char *copy = malloc(len + 1);

	ck_assert(t && copy);
	memcpy(copy, text, len);
	copy[len] = '\0';
	t->refs = 1;
	*err = ovl_mountinfo_parse(t, copy, len);
	return t;
}

START_TEST(t_fields)
{
	static const char text[] =
		"22 1 0:21 / / rw,relatime shared:1 - tmpfs tmpfs rw,size=10k\n"
		"36 22 254:3 /sub\\040dir /mnt/a\\134b rw master:7 shared:9 - ext4 /dev/vda3 rw,errors=remount-ro\n"
		"40 22 0:48 / /o\\011x rw - overlay  ro,lowerdir=/l\\054a:/l2,upperdir=/u\n"
		"41 40 0:49 / /- rw - fuse.sshfs host:/x rw\n";
	struct ovl_mount_table *t;
	struct ovl_mnt *m;
	int err;

	t = parse(text, sizeof(text) - 1, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(t->n, 4);
	ck_assert_int_eq(t->way, OVL_MOUNT_TABLE_MOUNTINFO);
	m = ovl_mount_table_find_id(t, 36);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->parent, 22);
	ck_assert(m->dev == makedev(254, 3));
	ck_assert_str_eq(m->root, "/sub dir");
	ck_assert_str_eq(m->target, "/mnt/a\\b");
	ck_assert_str_eq(m->fstype, "ext4");
	ck_assert_str_eq(m->source, "/dev/vda3");
	ck_assert_str_eq(m->super, "rw,errors=remount-ro");
	ck_assert(m->strings);
	/* an empty source; the super options as mountinfo spells them, so
	 * that a comma in a layer path is not a separator */
	m = ovl_mount_table_find_id(t, 40);
	ck_assert_str_eq(m->target, "/o\tx");
	ck_assert_str_eq(m->source, "");
	ck_assert_str_eq(m->super, "ro,lowerdir=/l\\054a:/l2,upperdir=/u");
	m = ovl_mount_table_find_id(t, 41);
	ck_assert_str_eq(m->target, "/-");
	ck_assert_str_eq(m->fstype, "fuse.sshfs");
	ck_assert_str_eq(m->source, "host:/x");
	ck_assert_ptr_null(ovl_mount_table_find_id(t, 99));
	ovl_mount_table_free(t);
}
END_TEST

/* not mountinfo's: each -EIO, the text's end never passed */
static const struct {
	const char *text;
	size_t len;	/* 0: strlen */
} bad[] = {
	{ "", 0 },
	{ "22 1 0:21 / / rw - tmpfs tmpfs rw", 0 },	/* no newline: cut */
	{ "22 1 0:21 / / rw tmpfs tmpfs rw\n", 0 },	/* no " - " */
	{ "22 1 0:21 / / rw -\n", 0 },
	{ "22 1 0:21 / / rw - tmpfs\n", 0 },
	{ "22 1 0:21 / / rw - tmpfs tmpfs\n", 0 },	/* no super options */
	{ "x 1 0:21 / / rw - tmpfs tmpfs rw\n", 0 },
	{ "22 1 0-21 / / rw - tmpfs tmpfs rw\n", 0 },
	{ "22 1 0:z / / rw - tmpfs tmpfs rw\n", 0 },
	{ "99999999999 1 0:21 / / rw - tmpfs tmpfs rw\n", 0 },
	{ "-1 1 0:21 / / rw - tmpfs tmpfs rw\n", 0 },
	{ "22 1 0:21 /\n", 0 },
	{ "\n", 0 },
	{ "22 1 0:21 / / rw - tmpfs tmpfs rw\n\n", 0 },
	{ "22 1 0:21 / / rw - tmpfs t\0mpfs rw\n", 33 },	/* a NUL */
};

START_TEST(t_not_mountinfo)
{
	struct ovl_mount_table *t;
	int err;

	t = parse(bad[_i].text, bad[_i].len ? bad[_i].len :
		  strlen(bad[_i].text), &err);
	ck_assert_msg(err == -EIO, "case %d: %d", _i, err);
	ovl_mount_table_free(t);
}
END_TEST

START_TEST(t_unmangle)
{
	char s[64];

	strcpy(s, "a\\040b\\011c\\012d\\134e");
	ovl_unmangle(s);
	ck_assert_str_eq(s, "a b\tc\nd\\e");
	/* not an escape: kept as it is */
	strcpy(s, "\\400\\08\\1\\");
	ovl_unmangle(s);
	ck_assert_str_eq(s, "\\400\\08\\1\\");
}
END_TEST

TCase *mountinfo_tcase(void)
{
	TCase *tc = tcase_create("mountinfo");

	tcase_add_test(tc, t_fields);
	tcase_add_loop_test(tc, t_not_mountinfo, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, t_unmangle);
	return tc;
}
