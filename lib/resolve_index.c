// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The resolver's index of a view's mount table (resolver.h): built in one
 * pass, without reading any mount's strings, by mount ID and by device
 * (hashed), each superblock with its mounts, whole ones first; the uuid
 * of each superblock probed at most once, and all of them sorted for a
 * binary search only when a st_dev hint does not settle a record.  Mount
 * roots are opened beneath the view's root by their mount points and
 * taken only when they are the root of that very mount.  A view's
 * snapshot keeps its index between resolutions (ovl_rsv_get()).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "resolver.h"

/* whole mounts first, then table order */
static int cmp_ent(const void *a, const void *b)
{
	const struct mount_ent *x = *(struct mount_ent *const *)a;
	const struct mount_ent *y = *(struct mount_ent *const *)b;

	if (x->whole != y->whole)
		return x->whole ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static size_t hash_u64(uint64_t v, size_t mask)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (size_t)v & mask;
}

struct mount_ent *ovl_rsv_find_id(struct resolver *r, int id)
{
	size_t mask = r->nhash - 1;

	for (size_t i = hash_u64((uint64_t)(unsigned int)id, mask); r->by_id[i];
	     i = (i + 1) & mask)
		if (r->by_id[i]->id == id)
			return r->by_id[i];
	return NULL;
}

struct sb_ent *ovl_rsv_find_sb(struct resolver *r, dev_t dev)
{
	size_t mask = r->nhash - 1;

	for (size_t i = hash_u64(dev, mask); r->by_dev[i]; i = (i + 1) & mask)
		if (r->sbs[r->by_dev[i] - 1].dev == dev)
			return &r->sbs[r->by_dev[i] - 1];
	return NULL;
}

/*
 * The table is indexed in one pass, without reading any mount's strings:
 * its filesystems (by device), mount IDs and children.  Strings (from
 * statmount, mount by mount) are read for the mounts the records lead to
 * (ovl_rsv_ent_ready(), ovl_rsv_sb_first(), ovl_rsv_sb_ready()), so that mounts no record is on
 * cost one statmount without strings each.
 */
int ovl_rsv_init(struct resolver *r, const struct ovl_view *v,
		 unsigned int flags, size_t records)
{
	size_t mask;
	int err;

	memset(r, 0, sizeof(*r));
	r->v = v;
	r->flags = flags;
	r->fd_dir = -1;
	r->unicode = -1;
	err = ovl_mount_table_read(v, records, 0, &r->t);
	if (err)
		return err;
	r->nhash = 64;
	while (r->nhash < 2 * r->t->n)
		r->nhash *= 2;
	mask = r->nhash - 1;
	/* not zeroed: each entry is written whole as it is taken (50,000
	 * mounts: 9 MB that calloc() would clear for nothing) */
	r->ents = malloc((r->t->n ? r->t->n : 1) * sizeof(*r->ents));
	r->sbs = malloc((r->t->n ? r->t->n : 1) * sizeof(*r->sbs));
	r->by_id = calloc(r->nhash, sizeof(*r->by_id));
	r->by_dev = calloc(r->nhash, sizeof(*r->by_dev));
	if (!r->ents || !r->sbs || !r->by_id || !r->by_dev)
		return -ENOMEM;
	for (size_t k = 0; k < r->t->n; k++) {
		struct ovl_mnt *fs = &r->t->mnts[k];
		struct mount_ent *e = &r->ents[r->nents];
		struct sb_ent *sb;
		size_t i;

		*e = (struct mount_ent) {
			.dev = fs->dev,
			.order = r->nents,
			.id = fs->id,
			.parent = fs->parent,
			.mnt = fs,
			.root_fd = -1,
			.unique_id = fs->unique_id,
		};
		r->nents++;
		for (i = hash_u64((uint64_t)(unsigned int)e->id, mask);
		     r->by_id[i]; i = (i + 1) & mask)
			;
		r->by_id[i] = e;	/* a duplicate ID: the first is found */
		for (i = hash_u64(e->dev, mask); r->by_dev[i] &&
		     r->sbs[r->by_dev[i] - 1].dev != e->dev; i = (i + 1) & mask)
			;
		if (!r->by_dev[i]) {
			r->sbs[r->nsbs] = (struct sb_ent) { .dev = e->dev };
			r->by_dev[i] = ++r->nsbs;
		}
		sb = &r->sbs[r->by_dev[i] - 1];
		if (sb->tail)
			sb->tail->next_in_sb = e;
		else
			sb->head = e;
		sb->tail = e;
		sb->n++;
	}
	/* children in table order: backwards, each put first */
	for (size_t k = r->nents; k-- > 0; ) {
		struct mount_ent *e = &r->ents[k], *p;

		if (e->parent == e->id || !(p = ovl_rsv_find_id(r, e->parent)) || p == e)
			continue;
		e->sibling = p->child;
		p->child = e;
	}
	return 0;
}

/* FNV-1a, extended by a byte at a time: a mount point's, and every
 * prefix of a path's (ovl_rsv_stays_in()) */
#define TARGET_HASH_INIT 0xcbf29ce484222325ULL
static inline uint64_t target_hash(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ULL;
}

/*
 * e's strings (read again if dropped), whole, blocks and tlen;
 * 0 or -ENOMEM.  A caller uses e's strings only right after it: a scan
 * over many mounts (ovl_rsv_sb_ready(), ovl_rsv_stays_in()) drops them again
 * (ovl_rsv_ent_forget()), so that a container's many mounts at deep mount points
 * (50,000 of 16,000 bytes: 800 MB) are read one at a time, never kept.
 */
int ovl_rsv_ent_ready(struct resolver *r, struct mount_ent *e)
{
	int err;

	if (e->ready && e->mnt->strings)
		return 0;
	err = ovl_mnt_strings(r->t, e->mnt);
	if (err)
		return err;
	if (e->ready)
		return 0;
	e->whole = e->mnt->root && !strcmp(e->mnt->root, "/");
	e->fs_class = ovl_fs_mount_class(e->mnt);
	e->blocks = e->fs_class & OVL_FS_BLOCKS;
	e->tlen = strlen(e->mnt->target);
	e->ready = true;
	return 0;
}

/* e's strings dropped (a statmount table's; a whole table, as
 * mountinfo's and a snapshot's are, keeps them) */
void ovl_rsv_ent_forget(struct resolver *r, struct mount_ent *e)
{
	ovl_mnt_forget(r->t, e->mnt);
}

/* sb->m: its mounts, whole ones first, each in table order */
int ovl_rsv_sb_ready(struct resolver *r, struct sb_ent *sb)
{
	size_t i = 0;
	int err;

	if (sb->m)
		return 0;
	sb->m = calloc(sb->n ? sb->n : 1, sizeof(*sb->m));
	if (!sb->m)
		return -ENOMEM;
	for (struct mount_ent *e = sb->head; e; e = e->next_in_sb) {
		err = ovl_rsv_ent_ready(r, e);
		if (err) {
			free(sb->m);
			sb->m = NULL;
			return err;
		}
		ovl_rsv_ent_forget(r, e);
		sb->m[i++] = e;
	}
	qsort(sb->m, sb->n, sizeof(*sb->m), cmp_ent);
	return 0;
}

/* The first of sb's mounts, whole ones first (NULL: out of memory),
 * reading the strings of no more mounts than it takes. */
struct mount_ent *ovl_rsv_sb_first(struct resolver *r, struct sb_ent *sb)
{
	if (sb->m)
		return sb->m[0];
	for (struct mount_ent *e = sb->head; e; e = e->next_in_sb) {
		if (ovl_rsv_ent_ready(r, e))
			return NULL;
		if (e->whole)
			return e;
		ovl_rsv_ent_forget(r, e);
	}
	return ovl_rsv_sb_ready(r, sb) ? NULL : sb->m[0];
}

void ovl_rsv_close_root(struct mount_ent *e)
{
	if (e->root_fd >= 0)
		close(e->root_fd);
	free(e->root_path);
	e->root_fd = -1;
	e->root_path = NULL;
	e->opened = false;
}

void ovl_rsv_fini(struct resolver *r)
{
	for (size_t i = 0; i < r->nents; i++)
		ovl_rsv_close_root(&r->ents[i]);
	for (size_t i = 0; i < r->nsbs; i++)
		free(r->sbs[i].m);
	free(r->ents);
	free(r->by_id);
	free(r->by_dev);
	free(r->sbs);
	free(r->by_uuid);
	if (r->fd_dir >= 0)
		close(r->fd_dir);
	ovl_mount_table_free(r->t);
}

static void resolver_free(struct resolver *r)
{
	ovl_rsv_fini(r);
	free(r);
}

/*
 * Opening e's root would go to, or through, a filesystem that can block,
 * other than the superblock allowed (a record's st_dev hint names it).
 * The view's root mount is not counted on the way to the others: every
 * lookup goes through it (a diskless host on NFS, a VM on 9p, a rootless
 * container on fuse-overlayfs), and if it never answers nothing does.
 */
int ovl_rsv_would_block(struct resolver *r, struct mount_ent *e,
			dev_t allowed)
{
	struct mount_ent *m = e;
	bool clear = true;

	if (e->walk_clear)
		return 0;
	for (int depth = 0; m && depth < OVL_MAX_NESTING; depth++) {
		bool root;
		int err = ovl_rsv_ent_ready(r, m);

		if (err)
			return err;
		root = m->tlen == 1 && m->mnt->target[0] == '/';
		if (m->blocks && (m == e || !root)) {
			if (m->dev != allowed)
				return 1;
			clear = false;	/* allowed for this record only */
		}
		if (root || m->parent == m->id)
			break;
		m = ovl_rsv_find_id(r, m->parent);
	}
	/* the same walk gives 0 for any record: not walked again (the
	 * table, and so the tree, is the resolver's for its life) */
	e->walk_clear = clear;
	return 0;
}

/*
 * The root of a mount, opened through its mount point once per resolution
 * and kept.  Returns the fd, -ENOENT when the mount cannot be used (covered
 * by another mount, a symlink on the way, no access, its filesystem can
 * block), or an error that ends the resolution (out of fds or memory).
 */
int ovl_rsv_mount_root(struct resolver *r, struct mount_ent *e, dev_t allowed)
{
	int fd, err;

	if (e->opened)
		return e->root_fd >= 0 ? e->root_fd : -ENOENT;
	err = ovl_rsv_would_block(r, e, allowed);
	if (err < 0)
		return err;
	if (err) {
		r->skipped = true;
		return -ENOENT;	/* not marked opened: another hint may */
	}
	err = ovl_rsv_ent_ready(r, e);
	if (err)
		return err;
	e->opened = true;
	/* O_RDONLY: open_by_handle_at(2) takes no O_PATH mount fd, and
	 * FS_IOC_GETFSUUID needs a real open */
	fd = ovl_view_openat(r->v, e->mnt->target, O_RDONLY | O_DIRECTORY,
			     RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		return ovl_fatal_errno(-fd) ? fd : -ENOENT;
	/* its st_dev may differ from mountinfo's (a btrfs subvolume): the
	 * mount ID says which mount it is.  statmount gave the unique ID,
	 * which one statx checks; mountinfo only the 32-bit one, and the
	 * unique one (reported in the location) costs a second statx. */
	if (e->unique_id) {	/* the table's, or learned at an earlier open */
		uint64_t u;

		err = ovl_ident_unique(fd, &e->root_id, &u);
		if (!err && u != e->unique_id)
			err = -ENOENT;
		e->root_id.mnt_id = e->id;
	} else {
		err = ovl_ident(fd, &e->root_id);
		if (!err && e->root_id.mnt_id != e->id)
			err = -ENOENT;
	}
	if (err || !e->root_id.mount_root) {
		close(fd);
		return err && ovl_fatal_errno(-err) ? err : -ENOENT;
	}
	if (!e->unique_id)
		e->unique_id = ovl_unique_mount_id(fd);
	e->root_fd = fd;
	return fd;
}

/* The kernel's path (our view) of an fd, by readlinkat(2) in /proc/self/fd
 * opened once: the lookup of "/proc/self/fd/N" whole costs as much again. */
char *ovl_rsv_fd_path(struct resolver *r, int fd)
{
	char name[16], *d = name + sizeof(name), buf[4096];
	ssize_t n;

	if (r->fd_dir < 0)
		r->fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY |
				 O_CLOEXEC);
	if (r->fd_dir < 0 || fd < 0)
		return ovl_fd_path(fd);
	/* its name, the digits of fd: no printf for a number */
	*--d = '\0';
	do
		*--d = (char)('0' + fd % 10);
	while ((fd /= 10));
	n = readlinkat(r->fd_dir, d, buf, sizeof(buf) - 1);
	if (n <= 0 || n >= (ssize_t)sizeof(buf) - 1)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* e's root_path, read the first time a location needs it */
const char *ovl_rsv_root_path(struct resolver *r, struct mount_ent *e)
{
	if (!e->root_path && e->root_fd >= 0)
		e->root_path = ovl_rsv_fd_path(r, e->root_fd);
	return e->root_path;
}

/* An enum probe, or an error. */
int ovl_rsv_probe_uuid(struct resolver *r, struct sb_ent *sb, dev_t allowed)
{
	int err;

	if (sb->probed)
		return sb->probed;
	err = ovl_rsv_sb_ready(r, sb);
	if (err)
		return err;
	for (size_t i = 0; i < sb->n; i++) {
		struct mount_ent *e = sb->m[i];
		int fd = ovl_rsv_mount_root(r, e, allowed), known;

		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return fd;
		known = ovl_rsv_ent_ready(r, e);
		if (known)
			return known;
		/* never ask a filesystem that can block (FS_IOC_GETFSUUID
		 * reaches FUSE before 6.9): its uuid is unknown */
		known = e->blocks ? 0 :
			ovl_fs_uuid(fd, e->mnt->fstype, sb->uuid);
		if (known < 0 && ovl_fatal_errno(-known))
			return known;
		if (known < 0)
			continue;
		sb->probed = known ? PROBE_KNOWN : PROBE_UNKNOWN;
		return sb->probed;
	}
	/* unusable for now (not remembered): a later hint may allow what
	 * blocked it */
	return PROBE_UNUSABLE;
}

/*
 * Does the lookup of path, from e's mount point on, stay in e?  Not if a
 * child of e (a mount on e, stacked on it or below it) is mounted on the
 * way: a lookup there would ask that filesystem (one that can block,
 * say) for names.  The table says; a mount made since ends the lookup
 * on another mount, which the statx after it tells.  1 yes, 0 no, or
 * -ENOMEM.
 */
int ovl_rsv_stays_in(struct resolver *r, struct mount_ent *e, const char *path)
{
	uint64_t stack[128], *pre = stack;
	size_t plen;
	int ret = 1;

	if (!e->child)
		return 1;	/* nothing mounted on it */
	plen = strlen(path);
	if (plen >= sizeof(stack) / sizeof(stack[0]))
		pre = malloc((plen + 1) * sizeof(*pre));
	if (!pre)
		return -ENOMEM;
	/* the hash of every prefix of path: a child whose mount point's
	 * length and hash match none of them (most, in a container with
	 * many mounts) needs no string compared, and no string read */
	pre[0] = TARGET_HASH_INIT;
	for (size_t i = 0; i < plen; i++)
		pre[i + 1] = target_hash(pre[i], (unsigned char)path[i]);
	for (struct mount_ent *c = e->child; c && ret == 1; c = c->sibling) {
		const char *t;
		size_t n;
		bool kept = c->ready && c->mnt->strings;
		int err = c->ready ? 0 : ovl_rsv_ent_ready(r, c);	/* tlen */

		if (err) {
			ret = err;
			break;
		}
		n = c->tlen;
		/* the hash of a mount point no longer than path (one longer
		 * cannot be a prefix of it, nor "/"), hashed once */
		if (n <= plen && !c->hashed) {
			err = ovl_rsv_ent_ready(r, c);
			if (err) {
				ret = err;
				break;
			}
			c->thash = TARGET_HASH_INIT;
			for (size_t i = 0; i < n; i++)
				c->thash = target_hash(c->thash,
						       (unsigned char)c->mnt->target[i]);
			c->hashed = true;
		}
		/* neither "/" nor, by its length and hash, a prefix of
		 * path ending at a '/' or at its end */
		if (n > plen ||
		    (!(n == 1 && c->thash == target_hash(TARGET_HASH_INIT, '/')) &&
		     ((path[n] && path[n] != '/') || c->thash != pre[n]))) {
			if (!kept)
				ovl_rsv_ent_forget(r, c);
			continue;
		}
		err = ovl_rsv_ent_ready(r, c);
		if (err) {
			ret = err;
			break;
		}
		t = c->mnt->target;
		if (!strcmp(t, "/") || (!strncmp(path, t, n) &&
					(!path[n] || path[n] == '/')))
			ret = 0;
		if (!kept)
			ovl_rsv_ent_forget(r, c);
	}
	if (pre != stack)
		free(pre);
	return ret;
}

static int cmp_uuid(const void *a, const void *b)
{
	const struct sb_ent *x = *(struct sb_ent *const *)a;
	const struct sb_ent *y = *(struct sb_ent *const *)b;
	int c = memcmp(x->uuid, y->uuid, 16);

	if (c)
		return c;
	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

/*
 * Every superblock's uuid, probed once, sorted for binary search; those
 * that cannot tell are filed under the null uuid, which only a record
 * without a uuid asks for.  A root opened only to probe is closed again,
 * so that a table of many filesystems does not hold an fd for each.
 */
int ovl_rsv_index_uuids(struct resolver *r)
{
	if (r->indexed)
		return 0;
	r->by_uuid = calloc(r->nsbs ? r->nsbs : 1, sizeof(*r->by_uuid));
	if (!r->by_uuid)
		return -ENOMEM;
	for (size_t i = 0; i < r->nsbs; i++) {
		struct sb_ent *sb = &r->sbs[i];
		bool was_open = false;
		int p;

		for (struct mount_ent *e = sb->head; e; e = e->next_in_sb)
			was_open |= e->opened;
		p = ovl_rsv_probe_uuid(r, sb, makedev(0, 0));

		if (p < 0)
			return p;
		if (p == PROBE_KNOWN || p == PROBE_UNKNOWN)
			r->by_uuid[r->nby_uuid++] = sb;
		for (struct mount_ent *e = sb->head; !was_open && e;
		     e = e->next_in_sb)
			ovl_rsv_close_root(e);
	}
	qsort(r->by_uuid, r->nby_uuid, sizeof(*r->by_uuid), cmp_uuid);
	r->indexed = true;
	return 0;
}

/* The superblocks with this uuid: by_uuid[*first .. *first + return) */
size_t ovl_rsv_find_uuid(const struct resolver *r, const unsigned char *uuid,
			 size_t *first)
{
	size_t lo = 0, hi = r->nby_uuid, n = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (memcmp(r->by_uuid[mid]->uuid, uuid, 16) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < r->nby_uuid && !memcmp(r->by_uuid[lo + n]->uuid, uuid, 16))
		n++;
	return n;
}

/*
 * The resolver of view: the one its snapshot keeps (built on the first
 * resolution), or own, built now.  Both hold the view's lock.
 */
int ovl_rsv_get(struct ovl_view *view, unsigned int flags,
		size_t records, struct resolver *own,
		struct resolver **out)
{
	struct ovl_snapshot *s = view->snap;
	int err;

	if (s && !s->r) {
		s->r = malloc(sizeof(*s->r));
		if (!s->r)
			return -ENOMEM;
		err = ovl_rsv_init(s->r, view, flags, records);
		if (err) {
			resolver_free(s->r);
			s->r = NULL;
			return err;
		}
		s->r_free = resolver_free;
	}
	if (s) {
		/* what it learned is kept (the table, the uuids probed); the
		 * mount roots are opened again by their paths, each checked to
		 * be the same mount still: one gone or moved since is not used */
		for (size_t i = 0; i < s->r->nents; i++)
			ovl_rsv_close_root(&s->r->ents[i]);
		s->r->asked_caps = false;	/* the caller's, asked anew */
		s->r->flags = flags;
		*out = s->r;
		return 0;
	}
	err = ovl_rsv_init(own, view, flags, records);
	if (err) {
		ovl_rsv_fini(own);
		return err;
	}
	*out = own;
	return 0;
}
