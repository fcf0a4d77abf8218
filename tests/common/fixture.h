/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the Check suites on real mounts share: a private mount namespace
 * and a fresh tmpfs per test (run as a checked fixture, so in the forked
 * child of each test), paths under it, shell commands, mkdir -p.
 */
#ifndef OVT_FIXTURE_H
#define OVT_FIXTURE_H

#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static char base[64];	/* this test's tmpfs */

/* base/rel; eight results stay valid at once */
static inline const char *P(const char *rel)
{
	static char bufs[8][256];
	static int n;
	char *b = bufs[n++ % 8];

	ck_assert(strlen(rel) < 128);
	snprintf(b, sizeof(bufs[0]), "%s/%.128s", base, rel);
	return b;
}

static inline void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	ck_assert_msg(st == 0, "'%s' failed (%d)", cmd, st);
}

static inline void mkdir_p(const char *path)
{
	char tmp[256], *s;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(tmp, 0755);
		*s = '/';
	}
	ck_assert_msg(!mkdir(tmp, 0755) || errno == EEXIST, "mkdir %s: %m", tmp);
}

/* A private mount namespace and a fresh tmpfs at /tmp/<prefix>.XXXXXX */
static inline void ovt_private_tmp(const char *prefix)
{
	ck_assert_msg(!unshare(CLONE_NEWNS), "unshare: %m");
	ck_assert(!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	snprintf(base, sizeof(base), "/tmp/%.16s.XXXXXX", prefix);
	ck_assert(mkdtemp(base));
	ck_assert(!mount("tmpfs", base, "tmpfs", 0, "mode=0755"));
}

#endif
