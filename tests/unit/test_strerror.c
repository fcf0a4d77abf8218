// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl_layers_strerror() (lib/layers.c; ovl_layers_strerror(3)): the
 * library's own codes answered with its own text, every other errno value
 * with strerror(3)'s, never "Unknown error" for an errno value; "Unknown
 * error" only for a number that is none.  The comparisons are made with
 * strerror() in the "C" locale (this program never calls setlocale()).
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include <ovllayers.h>

#include "test_units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The codes the library gives a meaning of its own, and their texts. */
static const struct {
	int err;
	const char *text;
} own[] = {
	{ 0, "Success" },
	{ EINVAL, "Invalid argument or malformed descriptor" },
	{ EPROTONOSUPPORT, "Unsupported descriptor version, kind or flags" },
	{ EMEDIUMTYPE, "Not an overlay" },
	{ ENODATA, "The kernel does not export the overlay layers xattr" },
	{ EPERM, "No privilege to read the layers xattr (needs CAP_SYS_ADMIN)" },
	{ ENOENT, "No such file or directory, or a layer is not resolved" },
	{ ELOOP, "A symbolic link where none may be followed, or too many" },
	{ EXDEV, "A path leads out of the root it is looked up in" },
	{ ENOMEM, "Out of memory" },
	{ ERANGE, "Buffer too small" },
	{ ESTALE, "A layer directory is not the one the descriptor names" },
	{ EIO, "Unexpected answer from the kernel or /proc" },
	{ EBADMSG, "A layers value stored by a user, not produced by this kernel" },
	{ EOPNOTSUPP, "Not supported by this kernel, or not on this task (a thread)" },
	{ ENOSYS, "A system call this needs is not in this kernel" },
	{ EFBIG, "The mount table is larger than the library reads (64 MiB of mountinfo, 1,000,000 mounts)" },
};

/* The other errno values the man pages and the header name (grep -E
 * 'E[A-Z0-9]+' man/ include/): strerror()'s text. */
static const int passed[] = {
	E2BIG, EACCES, EBADF, EBUSY, EMFILE, ENAMETOOLONG, ENFILE, ENODEV,
	ENOTDIR, ENOTTY, EOVERFLOW, EPIPE, ESRCH,
};

static bool is_own(int err)
{
	for (size_t i = 0; i < N(own); i++)
		if (own[i].err == err)
			return true;
	return false;
}

static bool unknown(const char *s)
{
	return !strncmp(s, "Unknown error", strlen("Unknown error"));
}

START_TEST(t_strerror_base)
{
	/* the comparisons below are with glibc's English texts */
	ck_assert_str_eq(strerror(EBADF), "Bad file descriptor");
	ck_assert_str_eq(strerror(EBUSY), "Device or resource busy");
}
END_TEST

START_TEST(t_strerror_own)
{
	for (size_t i = 0; i < N(own); i++) {
		const char *neg = ovl_layers_strerror(-own[i].err);
		const char *pos = ovl_layers_strerror(own[i].err);

		ck_assert_msg(neg && !strcmp(neg, own[i].text),
			      "-%d: \"%s\", not \"%s\"", own[i].err,
			      neg ? neg : "(null)", own[i].text);
		/* the sign does not matter: the same static string */
		ck_assert_ptr_eq(neg, pos);
	}
	/* the listed ones that have a text of the library's */
	ck_assert_str_eq(ovl_layers_strerror(-ENOSYS),
			 "A system call this needs is not in this kernel");
	ck_assert_str_eq(ovl_layers_strerror(-EOPNOTSUPP),
			 "Not supported by this kernel, or not on this task (a thread)");
	ck_assert_str_eq(ovl_layers_strerror(-ENOTSUP),	/* the same number */
			 "Not supported by this kernel, or not on this task (a thread)");
}
END_TEST

START_TEST(t_strerror_passed_through)
{
	ck_assert_str_eq(ovl_layers_strerror(-EMFILE), "Too many open files");
	ck_assert_str_eq(ovl_layers_strerror(-EBADF), "Bad file descriptor");
	ck_assert_str_eq(ovl_layers_strerror(-EBUSY), "Device or resource busy");
	ck_assert_str_eq(ovl_layers_strerror(-EACCES), "Permission denied");
	ck_assert_str_eq(ovl_layers_strerror(-ENFILE), "Too many open files in system");
	ck_assert_str_eq(ovl_layers_strerror(-EAGAIN), "Resource temporarily unavailable");
	ck_assert_str_eq(ovl_layers_strerror(-EINTR), "Interrupted system call");
	ck_assert_str_eq(ovl_layers_strerror(-EHWPOISON), "Memory page has hardware error");
	for (size_t i = 0; i < N(passed); i++) {
		int e = passed[i];

		ck_assert_msg(!is_own(e), "%d is one of the library's own", e);
		ck_assert_str_eq(ovl_layers_strerror(-e), strerror(e));
		ck_assert_str_eq(ovl_layers_strerror(e), strerror(e));
		ck_assert_msg(!unknown(ovl_layers_strerror(-e)), "-%d: %s", e,
			      ovl_layers_strerror(-e));
	}
}
END_TEST

/* every errno value the C library knows: the library's text or strerror()'s */
START_TEST(t_strerror_every_errno)
{
	unsigned int known = 0;

	for (int e = 1; e < 4096; e++) {
		const char *s = ovl_layers_strerror(-e);

		if (unknown(strerror(e))) {
			/* no errno value: no text of strerror()'s to give */
			ck_assert_msg(s && !strcmp(s, "Unknown error"),
				      "-%d: \"%s\"", e, s ? s : "(null)");
			continue;
		}
		known++;
		ck_assert_msg(s && !unknown(s), "-%d: \"%s\"", e,
			      s ? s : "(null)");
		if (!is_own(e))
			ck_assert_msg(!strcmp(s, strerror(e)),
				      "-%d: \"%s\", strerror(): \"%s\"", e, s,
				      strerror(e));
	}
	/* Linux has 133 errno values (EPERM 1 .. EHWPOISON 133) */
	ck_assert_uint_ge(known, 130);
}
END_TEST

START_TEST(t_strerror_no_errno)
{
	ck_assert_str_eq(ovl_layers_strerror(-12345), "Unknown error");
	ck_assert_str_eq(ovl_layers_strerror(4095), "Unknown error");
	ck_assert_str_eq(ovl_layers_strerror(INT_MAX), "Unknown error");
	ck_assert_str_eq(ovl_layers_strerror(INT_MIN), "Unknown error");
}
END_TEST

TCase *strerror_tcase(void)
{
	TCase *tc = tcase_create("strerror");

	tcase_add_test(tc, t_strerror_base);
	tcase_add_test(tc, t_strerror_own);
	tcase_add_test(tc, t_strerror_passed_through);
	tcase_add_test(tc, t_strerror_every_errno);
	tcase_add_test(tc, t_strerror_no_errno);
	return tc;
}
