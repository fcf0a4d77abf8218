// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resolve each record of a descriptor to a mount, a path and an fd, in a
 * view (ovl_view: a task's root and mount table).
 *
 * The mount table is read once.  Mounts are sorted by device, whole-fs
 * mounts (root "/") first, so each record finds the mounts of its
 * filesystem by binary search; the uuid of each superblock is probed at
 * most once, and all of them (then sorted by uuid) only when a st_dev
 * hint does not settle it.  There is no step that grows as layers x
 * mounts.
 *
 * Nothing is taken from a path alone.  A mount's root is opened beneath
 * the view's root by its mount point, without following symlinks, and is
 * used only if it is the root of that very mount (its statx mount ID is
 * the mountinfo entry's): a bind mount of the same filesystem stacked on
 * the mount point, or a symlink swapped in, gives another mount and is
 * not taken for it.  A handle decodes per superblock, not per mount:
 * through a bind mount of a subtree, open_by_handle_at(2) succeeds even
 * when the directory is outside that subtree, and the path the kernel
 * then shows is wrong.  So every result is verified: walking ".." from the
 * directory must reach the root of the mount it was opened through,
 * otherwise the next mount is tried.  Once inside, the path is the one
 * the kernel shows for the fd; if that path, looked up again beneath the
 * view's root, leads elsewhere (a mount covers it), the layer is
 * "shadowed": the fd and the mount are still right.
 *
 * A FID record's fid names the directory but cannot be opened (its
 * filesystem encodes handles it cannot decode), so it is never given to
 * open_by_handle_at(2).  Where the descriptor knows the mounter's path
 * string of that layer (read from an overlay: its mount options), the
 * path is looked up beneath the root of each mount of a filesystem the
 * record may be on, chosen as for any record, and taken when the fid
 * AT_HANDLE_FID gives for it is the record's; otherwise "no-handle".
 * A uuid flagged BAD_UUID is no better than a null one: it never picks a
 * filesystem alone.  A NODEV record has no st_dev hint to try first.
 *
 * Mounts whose filesystem can block the caller (FUSE, network
 * filesystems, autofs: a frozen or dead server never answers) are never
 * opened to look for a layer unless a record's st_dev hint names that
 * very superblock and the record has no uuid (such filesystems have
 * none); neither is anything mounted below them, whose mount point is
 * reached through them.  A record found on no other filesystem is then
 * "not-probed" rather than "no-mount".
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

/* How far up a layer root may sit below its mount root. */
#define OVL_MAX_DEPTH 4096
/* How deep the mount tree is walked for a mount that can block. */
#define OVL_MAX_NESTING 256

struct mount_ent {
	dev_t dev;
	bool whole;		/* root is "/" */
	bool blocks;		/* its filesystem can block the caller */
	unsigned int order;	/* mountinfo order, for a stable sort */
	int id, parent;
	struct libmnt_fs *fs;
	int root_fd;		/* opened on first use; -1 not (or unusable) */
	bool opened;
	struct ovl_ident root_id;
	char *root_path;	/* the kernel's path of root_fd, our view */
	uint64_t unique_id;
};

/* What probing a superblock's uuid found; a negative errno ends the call. */
enum probe {
	PROBE_KNOWN = 1,	/* the uuid is in sb->uuid */
	PROBE_UNKNOWN,		/* the filesystem cannot say */
	PROBE_UNUSABLE,		/* no mount of it could be opened (yet) */
};

struct sb_ent {
	dev_t dev;
	int probed;		/* 0 not yet, or an enum probe */
	unsigned char uuid[16];	/* zero when unknown */
	size_t first;		/* its mounts: ents[first .. first + n) */
	size_t n;
};

struct resolver {
	const struct ovl_view *v;
	unsigned int flags;
	struct ovl_mounts m;
	struct mount_ent *ents;
	size_t nents;
	struct mount_ent **by_id;	/* ents sorted by mount ID */
	struct sb_ent *sbs;
	size_t nsbs;
	struct sb_ent **by_uuid;	/* probed superblocks by uuid, built */
	size_t nby_uuid;		/* on the first miss of a st_dev hint */
	bool indexed;
	bool skipped;		/* some filesystem was not probed: it blocks */
};

/* Filesystems whose server may never answer: FUSE (its daemon can be
 * frozen with the container, or gone), network filesystems, autofs. */
static bool fs_can_block(struct libmnt_fs *fs)
{
	static const char *const types[] = {
		"fuse", "fuseblk", "nfs", "nfs4", "cifs", "smb3", "smbfs",
		"9p", "ceph", "autofs", "afs", "glusterfs", "virtiofs",
	};
	const char *type = mnt_fs_get_fstype(fs);
	const char *src = mnt_fs_get_source(fs);

	if (!type || !strncmp(type, "fuse.", 5) || mnt_fs_is_netfs(fs))
		return true;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i]))
			return true;
	/* a network source: "host:/export", "[v6]:/x", "//server/share" */
	if (src && (!strncmp(src, "//", 2) ||
		    (src[0] != '/' && strchr(src, ':') &&
		     strchr(src, ':') < strchrnul(src, '/'))))
		return true;
	return false;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct mount_ent *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->whole != y->whole)
		return x->whole ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_id(const void *a, const void *b)
{
	const struct mount_ent *x = *(struct mount_ent *const *)a;
	const struct mount_ent *y = *(struct mount_ent *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int resolver_init(struct resolver *r, const struct ovl_view *v,
			 unsigned int flags)
{
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	size_t cap = 0;
	int err;

	memset(r, 0, sizeof(*r));
	r->v = v;
	r->flags = flags;
	err = ovl_view_mounts(v, &r->m);
	if (err)
		return err;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		return -ENOMEM;
	while (mnt_table_next_fs(r->m.tb, it, &fs) == 0) {
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
			.blocks = fs_can_block(fs),
			.order = r->nents,
			.id = mnt_fs_get_id(fs),
			.parent = mnt_fs_get_parent_id(fs),
			.fs = fs,
			.root_fd = -1,
		};
		r->nents++;
	}
	mnt_free_iter(it);
	qsort(r->ents, r->nents, sizeof(*r->ents), cmp_ent);

	r->by_id = calloc(r->nents ? r->nents : 1, sizeof(*r->by_id));
	r->sbs = calloc(r->nents ? r->nents : 1, sizeof(*r->sbs));
	if (!r->by_id || !r->sbs)
		return -ENOMEM;
	for (size_t i = 0; i < r->nents; i++) {
		r->by_id[i] = &r->ents[i];
		if (!r->nsbs || r->sbs[r->nsbs - 1].dev != r->ents[i].dev) {
			r->sbs[r->nsbs].dev = r->ents[i].dev;
			r->sbs[r->nsbs].first = i;
			r->nsbs++;
		}
		r->sbs[r->nsbs - 1].n++;
	}
	qsort(r->by_id, r->nents, sizeof(*r->by_id), cmp_id);
	return 0;
}

static void close_root(struct mount_ent *e)
{
	if (e->root_fd >= 0)
		close(e->root_fd);
	free(e->root_path);
	e->root_fd = -1;
	e->root_path = NULL;
	e->opened = false;
}

static void resolver_fini(struct resolver *r)
{
	for (size_t i = 0; i < r->nents; i++)
		close_root(&r->ents[i]);
	free(r->ents);
	free(r->by_id);
	free(r->sbs);
	free(r->by_uuid);
	ovl_mounts_free(&r->m);
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

static struct mount_ent *find_id(struct resolver *r, int id)
{
	size_t lo = 0, hi = r->nents;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->by_id[mid]->id == id)
			return r->by_id[mid];
		if (r->by_id[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Opening e's root would go to, or through, a filesystem that can block,
 * other than the superblock allowed (a record's st_dev hint names it).
 * The view's root mount is not counted on the way to the others: every
 * lookup goes through it (a diskless host on NFS, a VM on 9p, a rootless
 * container on fuse-overlayfs), and if it never answers nothing does.
 */
static bool would_block(struct resolver *r, const struct mount_ent *e,
			dev_t allowed)
{
	const struct mount_ent *m = e;

	for (int depth = 0; m && depth < OVL_MAX_NESTING; depth++) {
		bool root = !strcmp(mnt_fs_get_target(m->fs), "/");

		if (m->blocks && m->dev != allowed && (m == e || !root))
			return true;
		if (root || m->parent == m->id)
			break;
		m = find_id(r, m->parent);
	}
	return false;
}

/*
 * The root of a mount, opened through its mount point once per resolution
 * and kept.  Returns the fd, -ENOENT when the mount cannot be used (covered
 * by another mount, a symlink on the way, no access, its filesystem can
 * block), or an error that ends the resolution (out of fds or memory).
 */
static int mount_root(struct resolver *r, struct mount_ent *e, dev_t allowed)
{
	int fd, err;

	if (e->opened)
		return e->root_fd >= 0 ? e->root_fd : -ENOENT;
	if (would_block(r, e, allowed)) {
		r->skipped = true;
		return -ENOENT;	/* not marked opened: another hint may */
	}
	e->opened = true;
	/* O_RDONLY: open_by_handle_at(2) takes no O_PATH mount fd */
	fd = ovl_view_openat(r->v, mnt_fs_get_target(e->fs),
			     O_RDONLY | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		return ovl_fatal_errno(-fd) ? fd : -ENOENT;
	/* its st_dev may differ from mountinfo's (a btrfs subvolume): the
	 * mount ID says which mount it is */
	err = ovl_ident(fd, &e->root_id);
	if (err || e->root_id.mnt_id != e->id || !e->root_id.mount_root) {
		close(fd);
		return err && ovl_fatal_errno(-err) ? err : -ENOENT;
	}
	e->unique_id = ovl_unique_mount_id(fd);
	e->root_path = ovl_fd_path(fd);
	e->root_fd = fd;
	return fd;
}

/* An enum probe, or an error. */
static int probe_uuid(struct resolver *r, struct sb_ent *sb, dev_t allowed)
{
	if (sb->probed)
		return sb->probed;
	for (size_t i = sb->first; i < sb->first + sb->n; i++) {
		struct mount_ent *e = &r->ents[i];
		int fd = mount_root(r, e, allowed), known;

		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return fd;
		/* never ask a filesystem that can block (FS_IOC_GETFSUUID
		 * reaches FUSE before 6.9): its uuid is unknown */
		known = e->blocks ? 0 :
			ovl_fs_uuid(fd, mnt_fs_get_fstype(e->fs), sb->uuid);
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

/* Is the directory fd below (or at) the root whose identity is root? */
static bool below(int fd, const struct ovl_ident *root)
{
	struct ovl_ident cur, up;
	int cfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	bool found = false;

	for (int depth = 0; cfd >= 0 && depth < OVL_MAX_DEPTH; depth++) {
		int pfd;

		if (ovl_ident(cfd, &cur))
			break;
		if (cur.dev == root->dev && cur.ino == root->ino) {
			found = true;
			break;
		}
		pfd = openat(cfd, "..", O_PATH | O_CLOEXEC);
		if (pfd < 0 || ovl_ident(pfd, &up) ||
		    (up.dev == cur.dev && up.ino == cur.ino)) {
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

/* Does path, looked up beneath the view's root as it is (no symlink
 * followed), lead to the file with identity want? */
static bool leads_to(const struct resolver *r, const char *path,
		     const struct ovl_ident *want)
{
	struct ovl_ident got;
	int fd = ovl_view_openat(r->v, path, O_PATH, RESOLVE_NO_SYMLINKS);
	bool same;

	if (fd < 0)
		return false;
	same = !ovl_ident(fd, &got) && got.dev == want->dev &&
	       got.ino == want->ino;
	close(fd);
	return same;
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
	struct ovl_ident want;
	char *kpath = NULL;
	const char *rel;
	int n, err;

	err = ovl_ident(fd, &want);
	if (err) {
		close(fd);
		return ovl_fatal_errno(-err) ? err : OVL_LAYER_UNREACHABLE;
	}
	/* removed: no name leads to it (its kernel path ends in
	 * " (deleted)", which a live directory's name may too) */
	if (!want.nlink) {
		close(fd);
		return OVL_LAYER_STALE;
	}
	kpath = ovl_fd_path(fd);
	rel = kpath ? below_root(kpath, e->root_path) : NULL;
	if (!rel) {
		/* cannot be named, or not below the root it was opened
		 * through: not through this mount */
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
	if (leads_to(r, loc->path, &want))
		loc->status = OVL_LAYER_OK;
	else if (!S_ISDIR(want.mode))
		return OVL_LAYER_UNREACHABLE;	/* try_sb() clears loc */
	loc->mnt_id = e->id;
	loc->mnt_id_unique = e->unique_id;
	loc->dev = want.dev;
	loc->ino = want.ino;
	if (!(r->flags & OVL_RESOLVE_FD)) {
		close(fd);
		loc->fd = -1;
	}
	return loc->status;
}

/* path below the mount point target: what follows it ("" for target
 * itself), or NULL when path is not below it */
static const char *below_target(const char *path, const char *target)
{
	size_t n = strcmp(target, "/") ? strlen(target) : 0;

	if (strncmp(path, target, n) || (path[n] && path[n] != '/'))
		return NULL;
	path += n;
	while (*path == '/')
		path++;
	return path;
}

/*
 * A FID record on the mounts of one superblock: its fid cannot be opened,
 * so the directory the mounter's path string names is, if it is on a
 * mount of this superblock and its fid is the record's.  The path is
 * looked up beneath that mount's root without leaving the mount, so no
 * other filesystem (one that can block, say) is asked anything.  Returns
 * a status as try_sb(): NO_HANDLE when the path leads nowhere on it.
 */
static int try_path(struct resolver *r, const struct sb_ent *sb,
		    const struct ovl_layer_record *rec, const char *path,
		    struct ovl_loc *loc, dev_t allowed)
{
	int status = OVL_LAYER_NO_HANDLE;

	for (size_t i = sb->first; i < sb->first + sb->n; i++) {
		struct mount_ent *e = &r->ents[i];
		const char *rest = below_target(path, mnt_fs_get_target(e->fs));
		int mfd, fd, same;

		if (!rest)
			continue;
		mfd = mount_root(r, e, allowed);
		if (mfd == -ENOENT)
			continue;
		if (mfd < 0)
			return mfd;
		fd = ovl_openat2(mfd, *rest ? rest : ".", O_PATH | O_DIRECTORY,
				 RESOLVE_BENEATH | RESOLVE_NO_XDEV |
				 RESOLVE_NO_MAGICLINKS);
		if (fd < 0) {
			if (ovl_fatal_errno(-fd))
				return fd;
			continue;
		}
		same = ovl_same_handle(fd, rec);
		if (same != 1) {
			close(fd);
			if (same < 0 && ovl_fatal_errno(-same))
				return same;
			continue;	/* another directory */
		}
		status = located(r, e, fd, loc);
		if (status != OVL_LAYER_UNREACHABLE)
			return status;
		ovl_loc_clear(loc);
		status = OVL_LAYER_NO_HANDLE;
	}
	return status;
}

/*
 * Try the mounts of one superblock.  Returns a status: OK or SHADOWED
 * with loc filled, or why it failed; or an error.  A FID record is never
 * given to open_by_handle_at(2): its path, if known, is verified instead.
 */
static int try_sb(struct resolver *r, const struct sb_ent *sb,
		  const struct ovl_layer_record *rec, const char *path,
		  struct ovl_loc *loc, dev_t allowed)
{
	struct ovl_handle h;
	int status = OVL_LAYER_UNREACHABLE;

	if (rec->flags & OVL_LAYER_FID)
		return try_path(r, sb, rec, path, loc, allowed);

	h.fh.handle_bytes = rec->fid_len;
	h.fh.handle_type = rec->fh_type;
	memcpy(h.fh.f_handle, rec->fid, rec->fid_len);

	for (size_t i = sb->first; i < sb->first + sb->n; i++) {
		struct mount_ent *e = &r->ents[i];
		struct ovl_ident id;
		int mfd, fd;

		mfd = mount_root(r, e, allowed);
		if (mfd == -ENOENT)
			continue;
		if (mfd < 0)
			return mfd;
		fd = open_by_handle_at(mfd, &h.fh, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ESTALE || errno == ENOENT)
				return OVL_LAYER_STALE;	/* per superblock */
			if (errno == EPERM)
				return OVL_LAYER_NO_PERMISSION;
			if (ovl_fatal_errno(errno))
				return -errno;
			continue;
		}
		/* every directory of the fs is below a whole-fs mount's root */
		if (!e->whole && !ovl_ident(fd, &id) && S_ISDIR(id.mode) &&
		    !below(fd, &e->root_id)) {
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

/*
 * Every superblock's uuid, probed once, sorted for binary search; those
 * that cannot tell are filed under the null uuid, which only a record
 * without a uuid asks for.  A root opened only to probe is closed again,
 * so that a table of many filesystems does not hold an fd for each.
 */
static int index_uuids(struct resolver *r)
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

		for (size_t k = sb->first; k < sb->first + sb->n; k++)
			was_open |= r->ents[k].opened;
		p = probe_uuid(r, sb, makedev(0, 0));

		if (p < 0)
			return p;
		if (p == PROBE_KNOWN || p == PROBE_UNKNOWN)
			r->by_uuid[r->nby_uuid++] = sb;
		for (size_t k = sb->first; !was_open && k < sb->first + sb->n; k++)
			close_root(&r->ents[k]);
	}
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

static bool found(int status)
{
	return status == OVL_LAYER_OK || status == OVL_LAYER_SHADOWED;
}

/*
 * A record's uuid names its filesystem unless it is null or overlayfs
 * flagged it (BAD_UUID: null or shared with another layer filesystem);
 * then several filesystems with that uuid are ambiguous, as for a null
 * one, and only the st_dev hint or the handle tells them apart.
 */
static bool uuid_names_fs(const struct ovl_layer_record *rec)
{
	return !ovl_uuid_is_null(rec->uuid) &&
	       !(rec->flags & OVL_LAYER_BAD_UUID);
}

static int resolve_one(struct resolver *r, const struct ovl_layer_record *rec,
		       const char *path, struct ovl_loc *loc)
{
	struct sb_ent *hint = NULL;
	dev_t hint_dev = makedev(0, 0);
	size_t first, matches;
	bool hint_unusable = false;
	int status, err;

	if (rec->flags & OVL_LAYER_NOFH)
		return OVL_LAYER_NO_HANDLE;
	/* a fid that cannot be opened, and no path to compare it with */
	if ((rec->flags & OVL_LAYER_FID) && !path)
		return OVL_LAYER_NO_HANDLE;

	/*
	 * The st_dev hint settles it when that fs has the recorded uuid, or
	 * cannot say which it has and decodes the handle.  NODEV: no hint.
	 */
	if (rec->kind != OVL_LAYER_ORIGIN && !(rec->flags & OVL_LAYER_NODEV)) {
		hint_dev = makedev(rec->dev_major, rec->dev_minor);
		hint = find_sb(r, hint_dev);
	}
	/*
	 * A filesystem that can block is opened for a record whose hint names
	 * it only if the record has no uuid, as such a filesystem has none: a
	 * record with a uuid (from another boot or host, whose st_dev means
	 * nothing here) is on another filesystem, whatever its hint says.
	 */
	if (hint && r->ents[hint->first].blocks && !ovl_uuid_is_null(rec->uuid)) {
		r->skipped = true;
		hint = NULL;
	}
	if (hint) {
		int p = probe_uuid(r, hint, hint_dev);

		if (p < 0)
			return p;
		/* mounted, but no mount of it can be opened (all covered) */
		hint_unusable = p == PROBE_UNUSABLE;
		if ((p == PROBE_KNOWN && !memcmp(hint->uuid, rec->uuid, 16)) ||
		    p == PROBE_UNKNOWN) {
			status = try_sb(r, hint, rec, path, loc, hint_dev);
			if (status < 0 || found(status) || p == PROBE_KNOWN)
				return status;
		}
	}

	err = index_uuids(r);
	if (err)
		return err;
	matches = find_uuid(r, rec->uuid, &first);
	if (!matches)
		return hint_unusable ? OVL_LAYER_UNREACHABLE :
		       r->skipped ? OVL_LAYER_NOT_PROBED : OVL_LAYER_NO_MOUNT;
	if (matches > 1 && !uuid_names_fs(rec))
		return OVL_LAYER_AMBIGUOUS;
	/* a shared uuid overlayfs did not flag (cloned fs): try each */
	status = OVL_LAYER_UNREACHABLE;
	for (size_t i = first; i < first + matches; i++) {
		status = try_sb(r, r->by_uuid[i], rec, path, loc, makedev(0, 0));
		if (status < 0 || found(status))
			break;
	}
	return status;
}

OVL_EXPORT
int ovl_layers_resolve_view(struct ovl_layers *layers, struct ovl_view *view,
			    unsigned int flags, unsigned int *unresolved)
{
	struct resolver r;
	unsigned int bad = 0;
	int err;

	if (!layers || !view || (flags & ~OVL_RESOLVE_FD))
		return -EINVAL;
	ovl_layers_clear_locations(layers);
	err = resolver_init(&r, view, flags);
	for (unsigned int i = 0; !err && i < layers->count; i++) {
		struct ovl_loc *loc = &layers->locs[i];
		int status = resolve_one(&r, &layers->recs[i], layers->paths ?
					 layers->paths[i] : NULL, loc);

		if (status < 0) {
			err = status;
			break;
		}
		loc->status = status;
		if (status != OVL_LAYER_OK)
			bad++;
	}
	resolver_fini(&r);
	if (!err)
		err = ovl_view_alive(view);	/* all of it was its view */
	if (err) {
		ovl_layers_clear_locations(layers);
		return err;
	}
	layers->view = ovl_view_ref(view);
	if (unresolved)
		*unresolved = bad;
	return 0;
}

OVL_EXPORT
int ovl_layers_resolve(struct ovl_layers *layers, pid_t pid,
		       unsigned int flags, unsigned int *unresolved)
{
	struct ovl_view *v;
	int err;

	if (!layers || pid < 0 || (flags & ~OVL_RESOLVE_FD))
		return -EINVAL;
	err = ovl_view_open(pid, 0, &v);
	if (err) {
		ovl_layers_clear_locations(layers);	/* as any failed resolve */
		return err;
	}
	err = ovl_layers_resolve_view(layers, v, flags, unresolved);
	ovl_view_unref(v);
	return err;
}
