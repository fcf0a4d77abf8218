/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The benchmarks' way into the library's mount table knob (lib/internal.h;
 * they link the static library): ovl_layers_resolve() in the view of pid,
 * opened for the call, told how to read its mount table.
 */
#ifndef BENCH_WAY_H
#define BENCH_WAY_H

#include "internal.h"

static inline int resolve_way(struct ovl_layers *l, pid_t pid, int way,
			      unsigned int *bad)
{
	struct ovl_view *v;
	int err = ovl_view_open(pid, 0, &v, NULL);

	if (err)
		return err;
	ovl_view_set_table_way(v, way);
	err = ovl_layers_resolve(l, v, 0, bad, NULL);
	ovl_view_unref(v);
	return err;
}

#endif
