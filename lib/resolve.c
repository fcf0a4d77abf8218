// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resolve each record of a descriptor to a mount, a path and an fd, in a
 * view (ovl_view: a task's root and mount table).
 *
 * The mount table is read once (listmount/statmount, or mountinfo: see
 * view.c) and indexed in one pass: mounts by ID and by device (hashed),
 * so each record finds the mounts of its filesystem at once, whole-fs
 * mounts (root "/") first; the uuid of each superblock is probed at most
 * once, and all of them (then sorted by uuid) only when a st_dev hint
 * does not settle it.  There is no step that grows as layers x mounts.
 *
 * Where the descriptor knows the mounter's path string of a layer, the
 * common case costs six calls (fast_hint(): the string looked up, its
 * mount and handle checked) instead of the usual thirteen; any doubt
 * sends it the usual way, which gives the same answer.
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
#include <linux/capability.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

/* How far up a layer root may sit below its mount root. */
#define OVL_MAX_DEPTH 4096
/* How deep the mount tree is walked for a mount that can block. */
#define OVL_MAX_NESTING 256

struct mount_ent {
	dev_t dev;
	bool ready;		/* whole, blocks and tlen set (its
				   strings may be dropped since: ent_ready()
				   reads them again) */
	bool whole;		/* root is "/" */
	bool blocks;		/* its filesystem can block the caller */
	unsigned int order;	/* mountinfo order, for a stable sort */
	int id, parent;
	struct ovl_mnt *mnt;	/* its entry in the table */
	struct mount_ent *next_in_sb;	/* the next mount of its fs, in order */
	struct mount_ent *child;	/* its first child mount, in order */
	struct mount_ent *sibling;	/* the next child of its parent */
	int root_fd;		/* opened on first use; -1 not (or unusable) */
	bool opened;
	struct ovl_ident root_id;
	char *root_path;	/* the kernel's path of root_fd, our view:
				   read when first needed */
	uint64_t unique_id;	/* 0 until known */
	size_t tlen;		/* strlen() of its mount point */
	uint64_t thash;		/* and its hash (target_hash()), */
	bool hashed;		/* once stays_in() needs it */
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
	struct mount_ent *head, *tail;	/* its mounts in table order */
	size_t n;
	struct mount_ent **m;	/* the same, whole ones first: sb_ready() */
};

struct resolver {
	const struct ovl_view *v;
	unsigned int flags;
	struct ovl_mnt_table t;
	struct mount_ent *ents;		/* in table order */
	size_t nents;
	struct mount_ent **by_id;	/* hashed by mount ID (open addressing) */
	struct sb_ent *sbs;		/* in the order first seen */
	size_t nsbs;
	size_t *by_dev;			/* sbs index + 1, hashed by device */
	size_t nhash;			/* slots of both: a power of 2 */
	struct sb_ent **by_uuid;	/* probed superblocks by uuid, built */
	size_t nby_uuid;		/* on the first miss of a st_dev hint */
	bool indexed;
	bool skipped;		/* some filesystem was not probed: it blocks */
	int fd_dir;		/* /proc/self/fd, opened on first use */
	bool may_decode;	/* open_by_handle_at(2) would not say EPERM */
	bool asked_caps;
	int unicode;		/* casefolding in this kernel: -1 not asked */
};

/* Filesystems whose server may never answer: FUSE (its daemon can be
 * frozen with the container, or gone), network filesystems, autofs. */
static bool fs_can_block(const struct ovl_mnt *fs)
{
	static const char *const types[] = {
		"fuse", "fuseblk", "nfs", "nfs4", "cifs", "smb3", "smbfs",
		"9p", "ceph", "autofs", "afs", "glusterfs", "virtiofs",
	};
	const char *type = fs->fstype;
	const char *src = fs->source;

	if (!type || !strncmp(type, "fuse.", 5) || mnt_fstype_is_netfs(type))
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

static struct mount_ent *find_id(struct resolver *r, int id)
{
	size_t mask = r->nhash - 1;

	for (size_t i = hash_u64((uint64_t)(unsigned int)id, mask); r->by_id[i];
	     i = (i + 1) & mask)
		if (r->by_id[i]->id == id)
			return r->by_id[i];
	return NULL;
}

static struct sb_ent *find_sb(struct resolver *r, dev_t dev)
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
 * (ent_ready(), sb_first(), sb_ready()), so that mounts no record is on
 * cost one statmount without strings each.
 */
static int resolver_init(struct resolver *r, const struct ovl_view *v,
			 unsigned int flags, size_t records)
{
	size_t mask;
	int err;

	memset(r, 0, sizeof(*r));
	r->v = v;
	r->flags = flags;
	r->fd_dir = -1;
	r->unicode = -1;
	err = ovl_view_mount_table(v, &r->t, records, OVL_TABLE_SNAPSHOT);
	if (err)
		return err;
	r->nhash = 64;
	while (r->nhash < 2 * r->t.n)
		r->nhash *= 2;
	mask = r->nhash - 1;
	r->ents = calloc(r->t.n ? r->t.n : 1, sizeof(*r->ents));
	r->sbs = calloc(r->t.n ? r->t.n : 1, sizeof(*r->sbs));
	r->by_id = calloc(r->nhash, sizeof(*r->by_id));
	r->by_dev = calloc(r->nhash, sizeof(*r->by_dev));
	if (!r->ents || !r->sbs || !r->by_id || !r->by_dev)
		return -ENOMEM;
	for (size_t k = 0; k < r->t.n; k++) {
		struct ovl_mnt *fs = &r->t.mnts[k];
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
			r->sbs[r->nsbs].dev = e->dev;
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

		if (e->parent == e->id || !(p = find_id(r, e->parent)) || p == e)
			continue;
		e->sibling = p->child;
		p->child = e;
	}
	return 0;
}

/* FNV-1a, extended by a byte at a time: a mount point's, and every
 * prefix of a path's (stays_in()) */
#define TARGET_HASH_INIT 0xcbf29ce484222325ULL
static inline uint64_t target_hash(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ULL;
}

/*
 * e's strings (read again if dropped), whole, blocks and tlen;
 * 0 or -ENOMEM.  A caller uses e's strings only right after it: a scan
 * over many mounts (sb_ready(), stays_in()) drops them again
 * (ent_forget()), so that a container's many mounts at deep mount points
 * (50,000 of 16,000 bytes: 800 MB) are read one at a time, never kept.
 */
static int ent_ready(struct resolver *r, struct mount_ent *e)
{
	int err;

	if (e->ready && e->mnt->strings)
		return 0;
	err = ovl_mnt_table_strings(&r->t, e->mnt);
	if (err)
		return err;
	if (e->ready)
		return 0;
	e->whole = e->mnt->root && !strcmp(e->mnt->root, "/");
	e->blocks = fs_can_block(e->mnt);
	e->tlen = strlen(e->mnt->target);
	e->ready = true;
	return 0;
}

/* e's strings dropped (a statmount table's: mountinfo's are libmount's,
 * and stay) */
static void ent_forget(struct resolver *r, struct mount_ent *e)
{
	ovl_mnt_table_forget(&r->t, e->mnt);
}

/* sb->m: its mounts, whole ones first, each in table order */
static int sb_ready(struct resolver *r, struct sb_ent *sb)
{
	size_t i = 0;
	int err;

	if (sb->m)
		return 0;
	sb->m = calloc(sb->n ? sb->n : 1, sizeof(*sb->m));
	if (!sb->m)
		return -ENOMEM;
	for (struct mount_ent *e = sb->head; e; e = e->next_in_sb) {
		err = ent_ready(r, e);
		if (err) {
			free(sb->m);
			sb->m = NULL;
			return err;
		}
		ent_forget(r, e);
		sb->m[i++] = e;
	}
	qsort(sb->m, sb->n, sizeof(*sb->m), cmp_ent);
	return 0;
}

/* The first of sb's mounts, whole ones first (NULL: out of memory),
 * reading the strings of no more mounts than it takes. */
static struct mount_ent *sb_first(struct resolver *r, struct sb_ent *sb)
{
	if (sb->m)
		return sb->m[0];
	for (struct mount_ent *e = sb->head; e; e = e->next_in_sb) {
		if (ent_ready(r, e))
			return NULL;
		if (e->whole)
			return e;
		ent_forget(r, e);
	}
	return sb_ready(r, sb) ? NULL : sb->m[0];
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
	for (size_t i = 0; i < r->nsbs; i++)
		free(r->sbs[i].m);
	free(r->ents);
	free(r->by_id);
	free(r->by_dev);
	free(r->sbs);
	free(r->by_uuid);
	if (r->fd_dir >= 0)
		close(r->fd_dir);
	ovl_mnt_table_free(&r->t);
}

void ovl_resolver_free(struct resolver *r)
{
	resolver_fini(r);
	free(r);
}

/*
 * Opening e's root would go to, or through, a filesystem that can block,
 * other than the superblock allowed (a record's st_dev hint names it).
 * The view's root mount is not counted on the way to the others: every
 * lookup goes through it (a diskless host on NFS, a VM on 9p, a rootless
 * container on fuse-overlayfs), and if it never answers nothing does.
 */
static int would_block(struct resolver *r, struct mount_ent *e,
		       dev_t allowed)
{
	struct mount_ent *m = e;

	for (int depth = 0; m && depth < OVL_MAX_NESTING; depth++) {
		bool root;
		int err = ent_ready(r, m);

		if (err)
			return err;
		root = !strcmp(m->mnt->target, "/");
		if (m->blocks && m->dev != allowed && (m == e || !root))
			return 1;
		if (root || m->parent == m->id)
			break;
		m = find_id(r, m->parent);
	}
	return 0;
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
	err = would_block(r, e, allowed);
	if (err < 0)
		return err;
	if (err) {
		r->skipped = true;
		return -ENOENT;	/* not marked opened: another hint may */
	}
	err = ent_ready(r, e);
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
static char *fd_path(struct resolver *r, int fd)
{
	char name[16], buf[4096];
	ssize_t n;

	if (r->fd_dir < 0)
		r->fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY |
				 O_CLOEXEC);
	if (r->fd_dir < 0)
		return ovl_fd_path(fd);
	snprintf(name, sizeof(name), "%d", fd);
	n = readlinkat(r->fd_dir, name, buf, sizeof(buf) - 1);
	if (n <= 0 || n >= (ssize_t)sizeof(buf) - 1)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* e's root_path, read the first time a location needs it */
static const char *root_path(struct resolver *r, struct mount_ent *e)
{
	if (!e->root_path && e->root_fd >= 0)
		e->root_path = fd_path(r, e->root_fd);
	return e->root_path;
}

/* An enum probe, or an error. */
static int probe_uuid(struct resolver *r, struct sb_ent *sb, dev_t allowed)
{
	int err;

	if (sb->probed)
		return sb->probed;
	err = sb_ready(r, sb);
	if (err)
		return err;
	for (size_t i = 0; i < sb->n; i++) {
		struct mount_ent *e = sb->m[i];
		int fd = mount_root(r, e, allowed), known;

		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return fd;
		known = ent_ready(r, e);
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
static int located(struct resolver *r, struct mount_ent *e, int fd,
		   struct ovl_loc *loc)
{
	const char *target;
	struct ovl_ident want;
	char *kpath = NULL;
	const char *rel;
	int n, err;

	err = ent_ready(r, e);
	if (err) {
		close(fd);
		return err;
	}
	target = e->mnt->target;
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
	kpath = fd_path(r, fd);
	rel = kpath ? below_root(kpath, root_path(r, e)) : NULL;
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
static int try_path(struct resolver *r, struct sb_ent *sb,
		    const struct ovl_layer_record *rec, const char *path,
		    struct ovl_loc *loc, dev_t allowed)
{
	int status = OVL_LAYER_NO_HANDLE;

	for (size_t i = 0; i < sb->n; i++) {
		struct mount_ent *e = sb->m[i];
		const char *rest;
		int mfd, fd, same;

		mfd = ent_ready(r, e);
		if (mfd)
			return mfd;
		rest = below_target(path, e->mnt->target);
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
static int try_sb(struct resolver *r, struct sb_ent *sb,
		  const struct ovl_layer_record *rec, const char *path,
		  struct ovl_loc *loc, dev_t allowed)
{
	struct ovl_handle h;
	int status = OVL_LAYER_UNREACHABLE, err;

	err = sb_ready(r, sb);
	if (err)
		return err;
	if (rec->flags & OVL_LAYER_FID)
		return try_path(r, sb, rec, path, loc, allowed);

	h.fh.handle_bytes = rec->fid_len;
	h.fh.handle_type = rec->fh_type;
	memcpy(h.fh.f_handle, rec->fid, rec->fid_len);

	for (size_t i = 0; i < sb->n; i++) {
		struct mount_ent *e = sb->m[i];
		struct ovl_ident id;
		int mfd, fd;

		mfd = ent_ready(r, e);	/* its strings, for the messages */
		if (mfd)
			return mfd;
		mfd = mount_root(r, e, allowed);
		if (mfd == -ENOENT) {
			ovl_dbg(&r->v->log, "%s %u: mount %d (%s): its root cannot be opened (covered?)",
				ovl_layer_kind_name(rec->kind), rec->index, e->id,
				e->mnt->target ? e->mnt->target : "?");
			continue;
		}
		if (mfd < 0)
			return mfd;
		fd = open_by_handle_at(mfd, &h.fh, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			ovl_dbg(&r->v->log, "%s %u: mount %d: the handle does not open: %s",
				ovl_layer_kind_name(rec->kind), rec->index, e->id,
				strerror(errno));
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
			ovl_dbg(&r->v->log, "%s %u: mount %d (%s): rejected, the directory is outside this bind mount's subtree",
				ovl_layer_kind_name(rec->kind), rec->index, e->id,
				e->mnt->target ? e->mnt->target : "?");
			close(fd);	/* outside this bind mount's subtree */
			continue;
		}
		status = located(r, e, fd, loc);
		ovl_dbg(&r->v->log, "%s %u: mount %d (%s): %s",
			ovl_layer_kind_name(rec->kind), rec->index, e->id,
			e->mnt->target ? e->mnt->target : "?",
			status < 0 ? strerror(-status) :
			status == OVL_LAYER_UNREACHABLE ?
			"rejected, no name of the directory lies below this mount's root" :
			ovl_layer_status_name(status));
		if (status != OVL_LAYER_UNREACHABLE)
			return status;
		ovl_loc_clear(loc);
	}
	return status;
}

/*
 * A path string that names a directory one way only: absolute, no empty,
 * "." or ".." component, no trailing slash.  Only such a string, once it
 * is shown to lead to the directory, can stand for the kernel's path.
 */
static bool canonical(const char *p)
{
	if (*p != '/')
		return false;
	if (!p[1])
		return true;
	for (const char *c = p + 1;; ) {
		const char *end = strchrnul(c, '/');
		size_t n = end - c;

		if (!n || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!*end)
			return true;
		c = end + 1;
	}
}

/*
 * Filesystems whose names are spelled one way: a lookup of a name finds
 * only the entry of that very name, unless a directory is casefolded
 * (ext4, f2fs, tmpfs: FS_CASEFOLD_FL, asked below).  On any other (vfat,
 * exfat, ntfs, hfs, iso9660, cifs, zfs with casesensitivity=insensitive,
 * or one not known here) a path string may find a directory spelled
 * otherwise, and the kernel's own path is read instead.
 */
static bool spelled_one_way(const char *fstype)
{
	static const char *const types[] = {
		"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs",
		"squashfs", "erofs", "overlay", "ramfs", "bcachefs",
	};

	for (size_t i = 0; fstype && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(fstype, types[i]))
			return true;
	return false;
}

/*
 * Whether open_by_handle_at(2) would decode for the caller: with
 * CAP_DAC_READ_SEARCH in the initial user namespace it does; without, an
 * O_PATH decode (as try_sb() asks) fails with EPERM whatever the mount
 * (fs/fhandle.c).  capget(2) says what the caller has in its own user
 * namespace, which must then be the initial one.  Asked once.
 */
#define OVL_PROC_USER_INIT_INO	0xEFFFFFFDU
static bool may_decode(struct resolver *r)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	struct stat st;

	if (r->asked_caps)
		return r->may_decode;
	r->asked_caps = true;
	r->may_decode = !syscall(SYS_capget, &hdr, data) &&
			(data[CAP_DAC_READ_SEARCH / 32].effective &
			 (1u << (CAP_DAC_READ_SEARCH % 32))) &&
			!stat("/proc/self/ns/user", &st) &&
			st.st_ino == OVL_PROC_USER_INIT_INO;
	return r->may_decode;
}

/*
 * Does the lookup of path, from e's mount point on, stay in e?  Not if a
 * child of e (a mount on e, stacked on it or below it) is mounted on the
 * way: a lookup there would ask that filesystem (one that can block,
 * say) for names.  The table says; a mount made since ends the lookup
 * on another mount, which the statx after it tells.  1 yes, 0 no, or
 * -ENOMEM.
 */
static int stays_in(struct resolver *r, struct mount_ent *e, const char *path)
{
	size_t plen = strlen(path);
	uint64_t *pre = malloc((plen + 1) * sizeof(*pre));
	int ret = 1;

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
		int err = c->ready ? 0 : ent_ready(r, c);	/* tlen */

		if (err) {
			ret = err;
			break;
		}
		n = c->tlen;
		/* the hash of a mount point no longer than path (one longer
		 * cannot be a prefix of it, nor "/"), hashed once */
		if (n <= plen && !c->hashed) {
			err = ent_ready(r, c);
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
				ent_forget(r, c);
			continue;
		}
		err = ent_ready(r, c);
		if (err) {
			ret = err;
			break;
		}
		t = c->mnt->target;
		if (!strcmp(t, "/") || (!strncmp(path, t, n) &&
					(!path[n] || path[n] == '/')))
			ret = 0;
		if (!kept)
			ent_forget(r, c);
	}
	free(pre);
	return ret;
}

/*
 * Of spelled_one_way()'s, those with casefolded directories (the ext4
 * driver also mounts ext2 and ext3; an overlay shows its layers'), in a
 * kernel that can casefold at all: every filesystem's casefolding needs
 * CONFIG_UNICODE, and since 6.13 tmpfs lists "casefold" in
 * /sys/fs/tmpfs/features exactly when it is there.  Asked once.
 */
static bool may_casefold(struct resolver *r, const char *fstype)
{
	struct stat st;

	if (!strcmp(fstype, "xfs") || !strcmp(fstype, "btrfs") ||
	    !strcmp(fstype, "squashfs") || !strcmp(fstype, "erofs") ||
	    !strcmp(fstype, "ramfs"))
		return false;
	if (r->unicode < 0)
		r->unicode = stat("/sys/fs/tmpfs/features", &st) ||
			     !stat("/sys/fs/tmpfs/features/casefold", &st) ||
			     errno != ENOENT;
	return r->unicode;
}

/*
 * The common case in fewer calls: the record's directory is where the
 * descriptor's path string says, on the first mount of its superblock
 * (the one try_sb() tries first).  The answer is the one try_sb() and
 * located() would give, or 0: take the usual way (nothing was settled,
 * nothing cached; only time was spent).  A negative errno ends the call.
 *
 * The usual way opens the mount's root, decodes the handle through it
 * (open_by_handle_at), reads the kernel's path of the directory it got
 * (readlink), checks that directory lies below the mount's root, and
 * looks the composed path up again (leads_to()).  Here the path string
 * is looked up once and the directory found is shown to be the record's
 * by its handle, on the filesystem the record names:
 *   openat2     the path string beneath the view's root, no symlink, no
 *               magic link (exactly leads_to()'s lookup), a directory;
 *               no mount on the way after e's mount point (stays_in())
 *   statx       it is on mount e (its unique ID, or the 32-bit one from
 *               mountinfo): the lookup went through e's mount point into
 *               e's root and stayed in e, so what follows e's mount point
 *               in the string is its path below e's root, and it lies
 *               below e's root (what below() checks after a decode);
 *               and it was not removed
 *   ioctl       FS_IOC_GETFSUUID, once per superblock (as probe_uuid()):
 *               a record with another uuid is not on this filesystem
 *   name_to_handle_at  its handle is the record's: on the superblock the
 *               record names, the very directory a decode would give
 *               (the handle is the inode and generation; the caller may
 *               decode, may_decode(), so try_sb() would not say EPERM)
 *   ioctl       FS_IOC_GETFLAGS (ext4, f2fs, tmpfs, bcachefs, overlay, in
 *               a kernel with CONFIG_UNICODE): not in a casefolded
 *               directory (see spelled_one_way()), so the string is the
 *               kernel's name
 *   close       (an O_PATH fd of it is kept for OVL_RESOLVE_FD)
 * Anything else (another mount or directory, a handle that differs, a
 * filesystem that can block, a symlink, a covered mount point, a
 * spelling that may differ) goes the usual way, which finds the same or
 * says why not.
 */
static int fast_hint(struct resolver *r, struct sb_ent *sb,
		     const struct ovl_layer_record *rec, const char *path,
		     struct ovl_loc *loc, dev_t allowed)
{
	struct mount_ent *e;
	const char *target, *rest;
	struct ovl_ident pid;
	unsigned char uuid[16];
	uint64_t unique = 0;
	int pfd, fd = -1, err, known, fl = 0;

	if (!path || (rec->flags & OVL_LAYER_FID) || !canonical(path) ||
	    !may_decode(r))
		return 0;
	e = sb_first(r, sb);
	if (!e || ent_ready(r, e))
		return -ENOMEM;
	target = e->mnt->target;
	if (e->blocks || (e->opened && e->root_fd < 0) ||
	    !spelled_one_way(e->mnt->fstype) ||
	    !(rest = below_target(path, target)))
		return 0;
	err = would_block(r, e, allowed);
	if (!err)
		err = stays_in(r, e, path) == 1 ? 0 : 1;
	if (err)
		return err < 0 ? err : 0;

	pfd = ovl_view_openat(r->v, path, O_RDONLY | O_DIRECTORY,
			      RESOLVE_NO_SYMLINKS);
	if (pfd < 0)
		return ovl_fatal_errno(-pfd) ? pfd : 0;
	if (e->unique_id) {
		err = ovl_ident_unique(pfd, &pid, &unique);
		if (!err && unique != e->unique_id)
			err = 1;
	} else {
		err = ovl_ident(pfd, &pid);
		if (!err && pid.mnt_id != e->id)
			err = 1;
	}
	if (err || !pid.nlink)
		goto usual;
	if (sb->probed) {
		known = sb->probed == PROBE_KNOWN;
		memcpy(uuid, sb->uuid, 16);
	} else {
		known = ovl_fs_uuid(pfd, e->mnt->fstype, uuid);
		if (known < 0) {
			err = known;
			goto usual;
		}
	}
	if (known && memcmp(uuid, rec->uuid, 16))
		goto usual;	/* another filesystem: the usual way says */
	/* FS_IOC_GETFLAGS: a directory made in a casefolded one is
	 * casefolded too, so one whose name may be spelled otherwise in its
	 * parent shows it (unless the flag was cleared on purpose while it
	 * was empty: then the string still leads to the directory verified,
	 * spelled as the mounter spelled it) */
	err = ovl_same_handle(pfd, rec);
	if (err != 1 || (may_casefold(r, e->mnt->fstype) &&
			 ioctl(pfd, FS_IOC_GETFLAGS, &fl) == 0 &&
			 (fl & FS_CASEFOLD_FL)))
		goto usual;
	if (r->flags & OVL_RESOLVE_FD) {
		fd = openat(pfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			goto usual;
		}
	}
	/* mountinfo gave no unique ID: one statx more, once per mount */
	if (!e->unique_id)
		e->unique_id = ovl_unique_mount_id(pfd);
	close(pfd);

	if (!sb->probed) {
		sb->probed = known ? PROBE_KNOWN : PROBE_UNKNOWN;
		memcpy(sb->uuid, uuid, 16);
	}
	/* as located() composes it: the mount point, then the part below */
	loc->fd = fd;
	loc->root = malloc(strlen(rest) + 2);
	if (loc->root) {
		loc->root[0] = '/';
		memcpy(loc->root + 1, rest, strlen(rest) + 1);
	}
	loc->path = strdup(path);
	loc->mount_point = ent_ready(r, e) ? NULL : strdup(e->mnt->target);
	if (!loc->root || !loc->path || !loc->mount_point)
		return -ENOMEM;	/* loc is cleared by the caller */
	loc->status = OVL_LAYER_OK;	/* the path led to it, as leads_to() */
	loc->mnt_id = e->id;
	loc->mnt_id_unique = e->unique_id;
	loc->dev = pid.dev;
	loc->ino = pid.ino;
	return OVL_LAYER_OK;
usual:
	close(pfd);
	return err < 0 && ovl_fatal_errno(-err) ? err : 0;
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

		for (struct mount_ent *e = sb->head; e; e = e->next_in_sb)
			was_open |= e->opened;
		p = probe_uuid(r, sb, makedev(0, 0));

		if (p < 0)
			return p;
		if (p == PROBE_KNOWN || p == PROBE_UNKNOWN)
			r->by_uuid[r->nby_uuid++] = sb;
		for (struct mount_ent *e = sb->head; !was_open && e;
		     e = e->next_in_sb)
			close_root(e);
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
	 * It is looked up among the mount table's devices, the superblocks'
	 * as mountinfo shows them: what format 2 records; format 1 and 0
	 * recorded the directory's st_dev, which differs on a btrfs
	 * subvolume, so that no mount has it and the uuid decides.
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
	if (hint) {
		struct mount_ent *fm = sb_first(r, hint);

		if (!fm)
			return -ENOMEM;
		if (fm->blocks && !ovl_uuid_is_null(rec->uuid)) {
			r->skipped = true;
			hint = NULL;
		}
	}
	if (hint) {
		int p = fast_hint(r, hint, rec, path, loc, hint_dev);

		if (p) {
			ovl_dbg(&r->v->log, "%s %u: %s by its path string, its handle compared (st_dev hint %u:%u)",
				ovl_layer_kind_name(rec->kind), rec->index,
				p > 0 ? ovl_layer_status_name(p) : strerror(-p),
				rec->dev_major, rec->dev_minor);
			return p;
		}
		p = probe_uuid(r, hint, hint_dev);

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
	ovl_dbg(&r->v->log, "%s %u: %zu filesystem(s) with its uuid",
		ovl_layer_kind_name(rec->kind), rec->index, matches);
	if (!matches) {
		if (hint_unusable)
			loc->reason = "its filesystem is mounted, but every mount "
				      "of it is covered by another mount";
		return hint_unusable ? OVL_LAYER_UNREACHABLE :
		       r->skipped ? OVL_LAYER_NOT_PROBED : OVL_LAYER_NO_MOUNT;
	}
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

/*
 * The resolver of view: the one its snapshot keeps (built on the first
 * resolution), or own, built now.  Both hold the view's lock.
 */
static int resolver_get(struct ovl_view *view, unsigned int flags,
			size_t records, struct resolver *own,
			struct resolver **out)
{
	struct ovl_snapshot *s = view->snap;
	int err;

	if (s && !s->r) {
		s->r = malloc(sizeof(*s->r));
		if (!s->r)
			return -ENOMEM;
		err = resolver_init(s->r, view, flags, records);
		if (err) {
			ovl_resolver_free(s->r);
			s->r = NULL;
			return err;
		}
	}
	if (s) {
		/* what it learned is kept (the table, the uuids probed); the
		 * mount roots are opened again by their paths, each checked to
		 * be the same mount still: one gone or moved since is not used */
		for (size_t i = 0; i < s->r->nents; i++)
			close_root(&s->r->ents[i]);
		s->r->asked_caps = false;	/* the caller's, asked anew */
		s->r->flags = flags;
		*out = s->r;
		return 0;
	}
	err = resolver_init(own, view, flags, records);
	if (err) {
		resolver_fini(own);
		return err;
	}
	*out = own;
	return 0;
}

OVL_EXPORT
int ovl_layers_resolve_view(struct ovl_layers *layers, struct ovl_view *view,
			    unsigned int flags, unsigned int *unresolved)
{
	struct resolver own, *r = NULL;
	unsigned int bad = 0;
	int err;

	if (!layers || !view || (flags & ~OVL_RESOLVE_FD))
		return -EINVAL;
	ovl_layers_clear_locations(layers);
	ovl_view_lock(view);
	err = resolver_get(view, flags, layers->count, &own, &r);
	for (unsigned int i = 0; !err && i < layers->count; i++) {
		struct ovl_loc *loc = &layers->locs[i];
		int status = resolve_one(r, &layers->recs[i], layers->paths ?
					 layers->paths[i] : NULL, loc);

		if (status < 0) {
			err = status;
			break;
		}
		loc->status = status;
		if (!loc->reason)
			loc->reason = ovl_status_reason(&layers->recs[i], status);
		ovl_dbg(&view->log, "record %u (%s %u): %s%s%s%s%s", i,
			ovl_layer_kind_name(layers->recs[i].kind),
			layers->recs[i].index, ovl_layer_status_name(status),
			loc->path ? " at " : "", loc->path ? loc->path : "",
			loc->reason ? ": " : "", loc->reason ? loc->reason : "");
		if (status != OVL_LAYER_OK)
			bad++;
	}
	if (!err)
		layers->table_way = r->t.way;
	if (r == &own)
		resolver_fini(&own);
	ovl_view_unlock(view);
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
