// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which mounts of a namespace are younger than which: what lets the
 * fallback tell that a layer path string now leads through a mount made
 * after the overlay (a tmpfs mounted over a lower layer's directory), so
 * that the layer it finds there is not the one the overlay uses.
 *
 * A unique mount ID (statmount(2), Linux 6.8) comes from one counter that
 * only grows: among mounts made one by one, the larger ID is the younger
 * mount.  Not among the copies a namespace is cloned with (unshare(2)
 * CLONE_NEWNS, clone(2)): copy_tree() copies the whole tree at once, in
 * its order (a mount before its children, siblings in the order they were
 * mounted), so a mount made late on an early branch can have a smaller ID
 * than an old one on a later branch.  A copy is older than every mount
 * made in the namespace after the clone, and those have the larger IDs:
 * the copies are the first mounts in ID order, and in that order they are
 * a walk of the tree, each one a child of the previous or of one of its
 * ancestors.  The first mount in ID order that is not is made after the
 * clone, and so is every mount from it on; before it, a mount is a copy or
 * made in a way that looked like one (a tree mounted parent first, as
 * container runtimes mount theirs), so its ID says nothing of age.
 *
 * It errs one way: a mount made after the clone that happens to extend
 * the walk (one on its last branch) is taken for a copy, and is never
 * called younger: a doubt missed, as without this file.  A copy is not
 * taken for a mount made later, unless a mount --move among the copies
 * ended the walk early.
 */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

struct age {
	uint64_t unique;
	int id, parent;
	size_t pos;		/* in unique order */
};

static int by_unique(const void *a, const void *b)
{
	const struct age *x = a, *y = b;

	return x->unique < y->unique ? -1 : x->unique > y->unique;
}

static int by_id(const void *a, const void *b)
{
	const struct age *x = *(const struct age *const *)a;
	const struct age *y = *(const struct age *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The position in unique order of the mount whose 32-bit ID is id, or
 * SIZE_MAX. */
static size_t pos_of(struct age **by, size_t n, int id)
{
	struct age key = { .id = id }, *k = &key, **hit;

	hit = bsearch(&k, by, n, sizeof(*by), by_id);
	return hit ? (*hit)->pos : SIZE_MAX;
}

uint64_t ovl_mount_table_made_from(const struct ovl_mount_table *t)
{
	struct age *a = NULL, **by = NULL;
	size_t *stack = NULL, sp = 0, i;
	uint64_t from = UINT64_MAX;

	if (t->way != OVL_MOUNT_TABLE_STATMOUNT || !t->n)
		return 0;
	a = calloc(t->n, sizeof(*a));
	by = calloc(t->n, sizeof(*by));
	stack = calloc(t->n, sizeof(*stack));
	if (!a || !by || !stack) {
		from = 0;
		goto out;
	}
	for (i = 0; i < t->n; i++) {
		if (!t->mnts[i].unique_id) {
			from = 0;	/* a mount without its unique ID */
			goto out;
		}
		a[i].unique = t->mnts[i].unique_id;
		a[i].id = t->mnts[i].id;
		a[i].parent = t->mnts[i].parent;
	}
	qsort(a, t->n, sizeof(*a), by_unique);
	for (i = 0; i < t->n; i++) {
		a[i].pos = i;
		by[i] = &a[i];
	}
	qsort(by, t->n, sizeof(*by), by_id);
	for (i = 0; i < t->n; i++) {
		size_t parent = pos_of(by, t->n, a[i].parent);

		/* back up the walk to the parent: the copy of a sibling,
		 * or of a sibling of an ancestor, comes next */
		while (sp && stack[sp - 1] != parent)
			sp--;
		if (!sp && i) {
			from = a[i].unique;	/* not a step of the walk */
			break;
		}
		stack[sp++] = i;
	}
out:
	free(stack);
	free(by);
	free(a);
	return from;
}
