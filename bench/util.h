/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench/util.h: what the bench programs share */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "missing.h"

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* the median of v[0..n), v sorted in place */
static inline double bench_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return v[n / 2];
}

/*
 * The one listmount(2) loop: every mount of the caller's namespace, their
 * unique IDs in *ids (grown as needed, *cap its size).  Returns their
 * number, or -1 (errno set).
 */
static inline long bench_listmount(uint64_t **ids, size_t *cap)
{
	struct ovl_mnt_id_req req = { .size = OVL_MNT_ID_REQ_SIZE_VER0,
				      .mnt_id = OVL_LSMT_ROOT };
	size_t n = 0;

	for (;;) {
		uint64_t *grown;
		long got;

		if (n == *cap) {
			*cap = *cap ? 2 * *cap : 1024;
			grown = realloc(*ids, *cap * sizeof(**ids));
			if (!grown)
				return -1;
			*ids = grown;
		}
		req.param = n ? (*ids)[n - 1] : 0;
		got = syscall(SYS_listmount, &req, *ids + n, *cap - n, 0);
		if (got < 0)
			return -1;
		if (!got)
			return (long)n;
		n += (size_t)got;
	}
}

#endif
