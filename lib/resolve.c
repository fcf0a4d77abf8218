// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resolve each record of a descriptor to a mount, a path and an fd.
 *
 * The mount table is read once.  Mounts are sorted by device, whole-fs
 * mounts (root "/") first, so each record finds the mounts of its
 * filesystem by binary search; the uuid of each superblock is probed at
 * most once, and all of them (then sorted by uuid) only when a st_dev
 * hint does not settle it.  There is no step that grows as layers x
 * mounts.
 *
 * A handle decodes per superblock, not per mount: through a bind mount of
 * a subtree, open_by_handle_at(2) succeeds even when the directory is
 * outside that subtree, and the path the kernel then shows is wrong.  So
 * every result is verified: walking ".." from the directory must reach
 * the root of the mount it was opened through, otherwise the next mount
 * is tried.  Once inside, the path is the one the kernel shows for the fd;
 * if that path now leads elsewhere (a mount covers it), the layer is
 * "shadowed": the fd and the mount are still right.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

/* How far up a layer root may sit below its mount root. */
#define OVL_MAX_DEPTH 4096

struct mount_ent {
	dev_t dev;
	bool whole;		/* root is "/" */
	unsigned int order;	/* mountinfo order, for a stable sort */
	struct libmnt_fs *fs;
	int root_fd;		/* opened once, on first use; -1 unusable */
	bool opened;
	struct stat root_st;
	char *root_path;	/* the kernel's path of root_fd, our view */
	uint64_t unique_id;
};

struct sb_ent {
	dev_t dev;
	int probed;		/* 0 not yet, 1 uuid known, -1 cannot tell */
	unsigned char uuid[16];
	size_t first;		/* its mounts: ents[first .. first + n) */
	size_t n;
};

struct resolver {
	pid_t pid;
	unsigned int flags;
	struct libmnt_table *tb;
	struct mount_ent *ents;
	size_t nents;
	struct sb_ent *sbs;
	size_t nsbs;
	struct sb_ent **by_uuid;	/* probed superblocks by uuid, built */
	size_t nby_uuid;		/* on the first miss of a st_dev hint */
	bool indexed;
};

static int cmp_ent(const void *a, const void *b)
{
	const struct mount_ent *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->whole != y->whole)
		return x->whole ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int resolver_init(struct resolver *r, pid_t pid, unsigned int flags)
{
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	size_t cap = 0;
	int err;

	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->flags = flags;
	err = ovl_mountinfo_load(pid, &r->tb);
	if (err)
		return err;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		return -ENOMEM;
	while (mnt_table_next_fs(r->tb, it, &fs) == 0) {
		const char *root = mnt_fs_get_root(fs);

		if (r->nents == cap) {
			struct mount_ent *e;

			cap = cap ? cap * 2 : 64;
			e = realloc(r->ents, cap * sizeof(*e));
			if (!e) {
				mnt_free_iter(it);
				return -ENOMEM;
			}
			r->ents = e;
		}
		r->ents[r->nents] = (struct mount_ent) {
			.dev = mnt_fs_get_devno(fs),
			.whole = root && !strcmp(root, "/"),
			.order = r->nents,
			.fs = fs,
			.root_fd = -1,
		};
		r->nents++;
	}
	mnt_free_iter(it);
	qsort(r->ents, r->nents, sizeof(*r->ents), cmp_ent);

	r->sbs = calloc(r->nents ? r->nents : 1, sizeof(*r->sbs));
	if (!r->sbs)
		return -ENOMEM;
	for (size_t i = 0; i < r->nents; i++) {
		if (!r->nsbs || r->sbs[r->nsbs - 1].dev != r->ents[i].dev) {
			r->sbs[r->nsbs].dev = r->ents[i].dev;
			r->sbs[r->nsbs].first = i;
			r->nsbs++;
		}
		r->sbs[r->nsbs - 1].n++;
	}
	return 0;
}

static void resolver_fini(struct resolver *r)
{
	for (size_t i = 0; i < r->nents; i++) {
		if (r->ents[i].root_fd >= 0)
			close(r->ents[i].root_fd);
		free(r->ents[i].root_path);
	}
	free(r->ents);
	free(r->sbs);
	free(r->by_uuid);
	mnt_unref_table(r->tb);
}

static struct sb_ent *find_sb(struct resolver *r, dev_t dev)
{
	size_t lo = 0, hi = r->nsbs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->sbs[mid].dev == dev)
			return &r->sbs[mid];
		if (r->sbs[mid].dev < dev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static uint64_t unique_mount_id(int fd);
static char *fd_path(int fd);

/*
 * The root of a mount, opened through its mount point once per resolution
 * and kept: -1 when it cannot be (covered by another filesystem, autofs,
 * no access).
 */
static int mount_root(struct resolver *r, struct mount_ent *e)
{
	const char *type = mnt_fs_get_fstype(e->fs);
	char path[4096];
	int fd;

	if (e->opened)
		return e->root_fd;
	e->opened = true;
	/* probing must not trigger automounts */
	if (type && !strcmp(type, "autofs"))
		return -1;
	if (ovl_proc_path(r->pid, mnt_fs_get_target(e->fs), path, sizeof(path)))
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &e->root_st) || e->root_st.st_dev != e->dev) {
		close(fd);
		return -1;
	}
	e->unique_id = unique_mount_id(fd);
	e->root_path = fd_path(fd);
	e->root_fd = fd;
	return fd;
}

static int probe_uuid(struct resolver *r, struct sb_ent *sb)
{
	if (sb->probed)
		return sb->probed;
	sb->probed = -1;
	for (size_t i = sb->first; i < sb->first + sb->n; i++) {
		int fd = mount_root(r, &r->ents[i]);

		if (fd < 0)
			continue;
		if (!ovl_fs_uuid(fd, sb->uuid))
			sb->probed = 1;
		break;
	}
	return sb->probed;
}

/* Is the directory fd below (or at) the root whose identity is root? */
static bool below(int fd, const struct stat *root)
{
	struct stat cur, up;
	int cfd = dup(fd);
	bool found = false;

	for (int depth = 0; cfd >= 0 && depth < OVL_MAX_DEPTH; depth++) {
		int pfd;

		if (fstat(cfd, &cur))
			break;
		if (cur.st_dev == root->st_dev && cur.st_ino == root->st_ino) {
			found = true;
			break;
		}
		pfd = openat(cfd, "..", O_PATH | O_CLOEXEC);
		if (pfd < 0 || fstat(pfd, &up) ||
		    (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino)) {
			if (pfd >= 0)
				close(pfd);
			break;	/* the top of the filesystem */
		}
		close(cfd);
		cfd = pfd;
	}
	if (cfd >= 0)
		close(cfd);
	return found;
}

static bool is_dir(int fd)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISDIR(st.st_mode);
}

static char *fd_path(int fd)
{
	char link[64], buf[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || n >= (ssize_t)sizeof(buf) - 1)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static uint64_t unique_mount_id(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID_UNIQUE, &stx) ||
	    !(stx.stx_mask & STATX_MNT_ID_UNIQUE))
		return 0;
	return stx.stx_mnt_id;
}

/*
 * The part of a kernel path (our view) below the mount root's kernel path:
 * "" for the root itself, "/a/b" below it; NULL when it is not below.
 */
static const char *below_root(const char *kpath, const char *root_path)
{
	size_t n;

	if (!root_path)
		return NULL;
	n = strcmp(root_path, "/") ? strlen(root_path) : 0;
	if (strncmp(kpath, root_path, n) || (kpath[n] && kpath[n] != '/'))
		return NULL;
	return kpath + n;
}

/*
 * Fill loc from an fd opened through mount e, known to be below its root
 * when it is a directory.  Takes the fd.  The kernel shows the fd's path
 * in our view; in the resolving process's view (its mountinfo, its root)
 * the path is the mount point it sees plus the part below the mount's
 * root.  A non-directory (an origin) has no ".." to walk, so its path must
 * lead to it or the mount is not the right one (UNREACHABLE: the caller
 * tries the next).
 */
static int located(struct resolver *r, const struct mount_ent *e, int fd,
		   struct ovl_loc *loc)
{
	const char *target = mnt_fs_get_target(e->fs);
	char full[4096];
	struct stat want, got;
	char *kpath = fd_path(fd);
	const char *rel;
	int n;

	if (!kpath || fstat(fd, &want)) {
		/* cannot be named (or stat'ed): not through this mount */
		free(kpath);
		close(fd);
		return OVL_LAYER_UNREACHABLE;
	}
	if (strstr(kpath, " (deleted)")) {
		free(kpath);
		close(fd);
		return OVL_LAYER_STALE;
	}
	rel = below_root(kpath, e->root_path);
	if (!rel) {
		/* not below the root it was opened through: wrong mount */
		free(kpath);
		close(fd);
		return OVL_LAYER_UNREACHABLE;
	}
	loc->root = strdup(*rel ? rel : "/");
	n = asprintf(&loc->path, "%s%s", strcmp(target, "/") ? target : "",
		     *rel ? rel : strcmp(target, "/") ? "" : "/");
	free(kpath);
	if (n < 0) {
		loc->path = NULL;
		close(fd);
		return -ENOMEM;
	}
	loc->fd = fd;
	loc->mount_point = strdup(target);
	if (!loc->mount_point || !loc->root)
		return -ENOMEM;	/* loc is cleared by the caller */

	loc->status = OVL_LAYER_SHADOWED;
	if (!ovl_proc_path(r->pid, loc->path, full, sizeof(full)) &&
	    !stat(full, &got) && got.st_dev == want.st_dev &&
	    got.st_ino == want.st_ino)
		loc->status = OVL_LAYER_OK;
	else if (!S_ISDIR(want.st_mode))
		return OVL_LAYER_UNREACHABLE;	/* try_sb() clears loc */
	loc->mnt_id = mnt_fs_get_id(e->fs);
	loc->mnt_id_unique = e->unique_id;
	if (!(r->flags & OVL_RESOLVE_FD)) {
		close(fd);
		loc->fd = -1;
	}
	return loc->status;
}

/*
 * Try the mounts of one superblock.  Returns a status: OK or SHADOWED
 * with loc filled, or why it failed.
 */
static int try_sb(struct resolver *r, const struct sb_ent *sb,
		  const struct ovl_layer_record *rec, struct ovl_loc *loc)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[OVL_LAYERS_FID_MAX];
	} h;
	int status = OVL_LAYER_UNREACHABLE;

	h.fh.handle_bytes = rec->fid_len;
	h.fh.handle_type = rec->fh_type;
	memcpy(h.fh.f_handle, rec->fid, rec->fid_len);

	for (size_t i = sb->first; i < sb->first + sb->n; i++) {
		struct mount_ent *e = &r->ents[i];
		int mfd, fd;

		mfd = mount_root(r, e);
		if (mfd < 0)
			continue;
		fd = open_by_handle_at(mfd, &h.fh, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ESTALE || errno == ENOENT)
				return OVL_LAYER_STALE;	/* per superblock */
			if (errno == EPERM)
				return OVL_LAYER_NO_PERMISSION;
			continue;
		}
		/* every directory of the fs is below a whole-fs mount's root */
		if (!e->whole && is_dir(fd) && !below(fd, &e->root_st)) {
			close(fd);	/* outside this bind mount's subtree */
			continue;
		}
		status = located(r, e, fd, loc);
		if (status != OVL_LAYER_UNREACHABLE)
			return status;
		ovl_loc_clear(loc);
	}
	return status;
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

/* Every superblock's uuid, probed once, sorted for binary search. */
static int index_uuids(struct resolver *r)
{
	if (r->indexed)
		return 0;
	r->by_uuid = calloc(r->nsbs ? r->nsbs : 1, sizeof(*r->by_uuid));
	if (!r->by_uuid)
		return -ENOMEM;
	for (size_t i = 0; i < r->nsbs; i++)
		if (probe_uuid(r, &r->sbs[i]) == 1)
			r->by_uuid[r->nby_uuid++] = &r->sbs[i];
	qsort(r->by_uuid, r->nby_uuid, sizeof(*r->by_uuid), cmp_uuid);
	r->indexed = true;
	return 0;
}

/* The superblocks with this uuid: by_uuid[*first .. *first + return) */
static size_t find_uuid(const struct resolver *r, const unsigned char *uuid,
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

static int resolve_one(struct resolver *r, const struct ovl_layer_record *rec,
		       struct ovl_loc *loc)
{
	struct sb_ent *hint = NULL;
	size_t first, matches;
	int status, err;

	if (rec->flags & OVL_LAYER_NOFH)
		return OVL_LAYER_NO_HANDLE;

	/* The st_dev hint settles it when that fs has the recorded uuid. */
	if (rec->kind != OVL_LAYER_ORIGIN)
		hint = find_sb(r, makedev(rec->dev_major, rec->dev_minor));
	if (hint && probe_uuid(r, hint) == 1 &&
	    !memcmp(hint->uuid, rec->uuid, 16))
		return try_sb(r, hint, rec, loc);

	err = index_uuids(r);
	if (err)
		return err;
	matches = find_uuid(r, rec->uuid, &first);
	if (!matches)
		return OVL_LAYER_NO_MOUNT;
	if (matches > 1 && ovl_uuid_is_null(rec->uuid))
		return OVL_LAYER_AMBIGUOUS;
	/* a shared non-null uuid (cloned fs): try each */
	status = OVL_LAYER_UNREACHABLE;
	for (size_t i = first; i < first + matches; i++) {
		status = try_sb(r, r->by_uuid[i], rec, loc);
		if (status < 0 || status == OVL_LAYER_OK ||
		    status == OVL_LAYER_SHADOWED)
			break;
	}
	return status;
}

OVL_EXPORT
int ovl_layers_resolve(struct ovl_layers *layers, pid_t pid,
		       unsigned int flags, unsigned int *unresolved)
{
	struct resolver r;
	unsigned int bad = 0;
	int err;

	if (!layers || pid < 0 || (flags & ~OVL_RESOLVE_FD))
		return -EINVAL;
	ovl_layers_clear_locations(layers);
	err = resolver_init(&r, pid, flags);
	for (unsigned int i = 0; !err && i < layers->count; i++) {
		struct ovl_loc *loc = &layers->locs[i];
		int status = resolve_one(&r, &layers->recs[i], loc);

		if (status < 0) {
			err = status;
			break;
		}
		loc->status = status;
		if (status != OVL_LAYER_OK)
			bad++;
	}
	resolver_fini(&r);
	if (err) {
		ovl_layers_clear_locations(layers);
		return err;
	}
	if (unresolved)
		*unresolved = bad;
	return 0;
}
