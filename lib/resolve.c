// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resolve each record of a descriptor to a mount, a path and an fd, in a
 * view (ovl_view: a task's root and mount table).
 *
 * About 900 lines, one file on purpose: the algorithm alone (the index and
 * the snapshot's cache are resolve_index.c, what is assumed of filesystems
 * fs_policy.c); its steps (the fast path, the FID and format-2 path ways,
 * the per-superblock tries) share the checks below() and located(), which
 * no other file may call.
 *
 * The mount table is read once (listmount/statmount, or mountinfo: see
 * mount_table.c) and indexed in one pass: mounts by ID and by device (hashed),
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
#include <limits.h>
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

/* a (alen bytes), then b, then c, in one malloc'd string: what
 * asprintf("%s%s%s") gives, without parsing a format for each layer */
static char *join(const char *a, size_t alen, const char *b, const char *c)
{
	size_t blen = strlen(b), clen = strlen(c);
	char *p = malloc(alen + blen + clen + 1);

	if (!p)
		return NULL;
	memcpy(p, a, alen);
	memcpy(p + alen, b, blen);
	memcpy(p + alen + blen, c, clen + 1);
	return p;
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
	int err;

	err = ovl_rsv_ent_ready(r, e);
	if (err) {
		close(fd);
		return err;
	}
	target = e->mnt->target;
	err = ovl_ident(fd, &want);
	if (err) {
		close(fd);
		return ovl_fatal_errno(-err) ? err : OVL_STATUS_UNREACHABLE;
	}
	/* removed: no name leads to it (its kernel path ends in
	 * " (deleted)", which a live directory's name may too) */
	if (!want.nlink) {
		close(fd);
		return OVL_STATUS_STALE;
	}
	kpath = ovl_rsv_fd_path(r, fd);
	rel = kpath ? below_root(kpath, ovl_rsv_root_path(r, e)) : NULL;
	if (!rel) {
		/* cannot be named, or not below the root it was opened
		 * through: not through this mount */
		free(kpath);
		close(fd);
		return OVL_STATUS_UNREACHABLE;
	}
	loc->root = strdup(*rel ? rel : "/");
	/* the mount point, then the part below ("/" alone for the root of
	 * a mount on "/") */
	if (e->tlen == 1 && target[0] == '/')
		loc->path = strdup(*rel ? rel : "/");
	else
		loc->path = join(target, e->tlen, rel, "");
	free(kpath);
	if (!loc->path) {
		close(fd);
		return -ENOMEM;
	}
	loc->fd = fd;
	loc->mount_point = strdup(target);
	if (!loc->mount_point || !loc->root)
		return -ENOMEM;	/* loc is cleared by the caller */

	loc->status = OVL_STATUS_SHADOWED;
	if (leads_to(r, loc->path, &want))
		loc->status = OVL_STATUS_OK;
	else if (!S_ISDIR(want.mode))
		return OVL_STATUS_UNREACHABLE;	/* try_sb() clears loc */
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
	int status = OVL_STATUS_NO_HANDLE;

	for (size_t i = 0; i < sb->n; i++) {
		struct mount_ent *e = sb->m[i];
		const char *rest;
		int mfd, fd, same;

		mfd = ovl_rsv_ent_ready(r, e);
		if (mfd)
			return mfd;
		rest = below_target(path, e->mnt->target);
		if (!rest)
			continue;
		mfd = ovl_rsv_mount_root(r, e, allowed);
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
		if (status != OVL_STATUS_UNREACHABLE)
			return status;
		ovl_loc_clear(loc);
		status = OVL_STATUS_NO_HANDLE;
	}
	return status;
}

/* fs_path below a mount's root in its filesystem (mountinfo's fourth
 * field): what follows it ("" for the root itself), or NULL when fs_path
 * is not below it */
static const char *below_fs_root(const char *fs_path, const char *root)
{
	return root && *root == '/' ? below_target(fs_path, root) : NULL;
}

/*
 * Format 2 names each layer's path from its filesystem's root, computed by
 * the kernel at the read, so it holds after renames and restores where the
 * mount option strings do not.  Found by path, checked by handle: on each
 * mount of this superblock whose root is a prefix of that path, the rest
 * is looked up beneath the mount's root without leaving it, following no
 * symlink (RESOLVE_BENEATH | NO_XDEV | NO_SYMLINKS | NO_MAGICLINKS), and
 * taken when name_to_handle_at(2) gives the record's handle (AT_HANDLE_FID
 * for a FID record): no open_by_handle_at(2), so no privilege is needed,
 * and a FID layer is found too.  0 when no mount leads to it: the caller
 * goes on the usual way.
 */
static int try_fs_path(struct resolver *r, struct sb_ent *sb,
		       const struct ovl_layer_record *rec,
		       struct ovl_loc *loc, dev_t allowed)
{
	if (!(rec->valid & OVL_RECORD_VALID_PATH) || !rec->fs_path ||
	    (rec->flags & OVL_LAYERS_LAYER_NOFH))
		return 0;
	for (size_t i = 0; i < sb->n; i++) {
		struct mount_ent *e = sb->m[i];
		const char *rest;
		int mfd, fd, same, status;

		mfd = ovl_rsv_ent_ready(r, e);
		if (mfd)
			return mfd;
		rest = below_fs_root(rec->fs_path, e->mnt->root);
		if (!rest)
			continue;
		mfd = ovl_rsv_mount_root(r, e, allowed);
		if (mfd == -ENOENT)
			continue;
		if (mfd < 0)
			return mfd;
		fd = ovl_openat2(mfd, *rest ? rest : ".", O_PATH | O_DIRECTORY,
				 RESOLVE_BENEATH | RESOLVE_NO_XDEV |
				 RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
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
			continue;	/* another directory there now */
		}
		status = located(r, e, fd, loc);
		ovl_dbg(&r->v->log, "%s %u: mount %d (%s): %s by its path from the filesystem root, its handle compared",
			ovl_layers_kind_name(rec->kind), rec->index, e->id,
			e->mnt->target ? e->mnt->target : "?",
			status < 0 ? strerror(-status) :
			ovl_layers_status_name(status));
		if (status != OVL_STATUS_UNREACHABLE)
			return status;
		ovl_loc_clear(loc);
	}
	return 0;
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
	int status = OVL_STATUS_UNREACHABLE, err;

	err = ovl_rsv_sb_ready(r, sb);
	if (err)
		return err;
	status = try_fs_path(r, sb, rec, loc, allowed);
	if (status)
		return status;
	status = OVL_STATUS_UNREACHABLE;
	if (rec->flags & OVL_LAYERS_LAYER_FID)
		return path ? try_path(r, sb, rec, path, loc, allowed) :
		       OVL_STATUS_NO_HANDLE;

	h.fh.handle_bytes = rec->fid_len;
	h.fh.handle_type = rec->fh_type;
	memcpy(h.fh.f_handle, rec->fid, rec->fid_len);

	for (size_t i = 0; i < sb->n; i++) {
		struct mount_ent *e = sb->m[i];
		struct ovl_ident id;
		int mfd, fd;

		mfd = ovl_rsv_ent_ready(r, e);	/* its strings, for the messages */
		if (mfd)
			return mfd;
		mfd = ovl_rsv_mount_root(r, e, allowed);
		if (mfd == -ENOENT) {
			ovl_dbg(&r->v->log, "%s %u: mount %d (%s): its root cannot be opened (covered?)",
				ovl_layers_kind_name(rec->kind), rec->index, e->id,
				e->mnt->target ? e->mnt->target : "?");
			continue;
		}
		if (mfd < 0)
			return mfd;
		fd = open_by_handle_at(mfd, &h.fh, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			ovl_dbg(&r->v->log, "%s %u: mount %d: the handle does not open: %s",
				ovl_layers_kind_name(rec->kind), rec->index, e->id,
				strerror(errno));
			if (errno == ESTALE || errno == ENOENT)
				return OVL_STATUS_STALE;	/* per superblock */
			if (errno == EPERM)
				return OVL_STATUS_NO_PERMISSION;
			if (ovl_fatal_errno(errno))
				return -errno;
			continue;
		}
		/* every directory of the fs is below a whole-fs mount's root */
		if (!e->whole && !ovl_ident(fd, &id) && S_ISDIR(id.mode) &&
		    !below(fd, &e->root_id)) {
			ovl_dbg(&r->v->log, "%s %u: mount %d (%s): rejected, the directory is outside this bind mount's subtree",
				ovl_layers_kind_name(rec->kind), rec->index, e->id,
				e->mnt->target ? e->mnt->target : "?");
			close(fd);	/* outside this bind mount's subtree */
			continue;
		}
		status = located(r, e, fd, loc);
		ovl_dbg(&r->v->log, "%s %u: mount %d (%s): %s",
			ovl_layers_kind_name(rec->kind), rec->index, e->id,
			e->mnt->target ? e->mnt->target : "?",
			status < 0 ? strerror(-status) :
			status == OVL_STATUS_UNREACHABLE ?
			"rejected, no name of the directory lies below this mount's root" :
			ovl_layers_status_name(status));
		if (status != OVL_STATUS_UNREACHABLE)
			return status;
		ovl_loc_clear(loc);
	}
	return status;
}

/*
 * Does the uuid a probe found put the record on another filesystem?  Only
 * where the two are of one kind.  A record without a uuid comes from a
 * filesystem that had none as the kernel says (btrfs before it set
 * s_uuid: Linux 6.12), and ovl_fs_uuid()'s uuid for btrfs is a stand-in,
 * the fsid of BTRFS_IOC_FS_INFO, as btrfs does not answer
 * FS_IOC_GETFSUUID: that does not rule btrfs out; the handle decides.
 */
static bool uuid_rules_out(const char *fstype, const unsigned char *uuid,
			   const struct ovl_layer_record *rec)
{
	if (!memcmp(uuid, rec->uuid, 16))
		return false;
	return !(ovl_uuid_is_null(rec->uuid) && fstype &&
		 !strcmp(fstype, "btrfs"));
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
 *               no mount on the way after e's mount point (ovl_rsv_stays_in());
 *               O_PATH where no ioctl below is asked (the superblock's
 *               uuid known, no casefolding), else O_RDONLY
 *   name_to_handle_at  with AT_HANDLE_MNT_ID_UNIQUE (6.12; before it,
 *               or from a mountinfo table, statx and a plain
 *               name_to_handle_at, and a removed directory is refused):
 *               it is on mount e (its unique ID): the lookup went
 *               through e's mount point into e's root and stayed in e,
 *               so what follows e's mount point in the string is its
 *               path below e's root, and it lies below e's root (what
 *               below() checks after a decode); and its handle is the
 *               record's: on the superblock the record names, the very
 *               directory a decode would give (the handle is the inode
 *               and generation).  It needs no privilege, unlike
 *               open_by_handle_at: a caller that cannot decode (no
 *               CAP_DAC_READ_SEARCH in the initial user namespace:
 *               rootless, a container's root) finds its layers this way
 *               where the path strings are still true, and gets
 *               no-permission from the usual way where they are not.
 *               That handle on that mount is the location's identity
 *               (loc->by_handle), which layer_fd() checks again before
 *               a mount, as it checks st_dev and st_ino otherwise
 *   ioctl       FS_IOC_GETFSUUID, once per superblock (as ovl_rsv_probe_uuid()):
 *               a record with another uuid is not on this filesystem
 *   ioctl       FS_IOC_GETFLAGS (ext4, f2fs, tmpfs, bcachefs, overlay, in
 *               a kernel with CONFIG_UNICODE): not in a casefolded
 *               directory (see ovl_fs_spelled_one_way()), so the string is the
 *               kernel's name
 *   close       (an O_PATH fd of it is kept for OVL_RESOLVE_FD: the one
 *               opened, or one opened from it)
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
	int pfd, fd = -1, err = 0, known, fl = 0, same;
	size_t rlen, plen;
	bool casefold, real, pid_known;

	if (!path || (rec->flags & OVL_LAYERS_LAYER_FID) || !ovl_path_canonical(path))
		return 0;
	e = ovl_rsv_sb_first(r, sb);
	if (!e || ovl_rsv_ent_ready(r, e))
		return -ENOMEM;
	target = e->mnt->target;
	if (e->blocks || (e->opened && e->root_fd < 0) ||
	    !(e->fs_class & OVL_FS_ONE_WAY) ||
	    !(rest = below_target(path, target)))
		return 0;
	err = ovl_rsv_would_block(r, e, allowed);
	if (!err)
		err = ovl_rsv_stays_in(r, e, path) == 1 ? 0 : 1;
	if (err)
		return err < 0 ? err : 0;

	/* O_PATH unless an ioctl is to be asked of it: FS_IOC_GETFSUUID
	 * (the superblock's first) or FS_IOC_GETFLAGS need a real open */
	casefold = ovl_rsv_may_casefold(r, e);
	real = !sb->probed || casefold;
	pfd = ovl_view_openat(r->v, path, (real ? O_RDONLY : O_PATH) |
			      O_DIRECTORY, RESOLVE_NO_SYMLINKS);
	if (pfd < 0)
		return ovl_fatal_errno(-pfd) ? pfd : 0;
	/* its handle and its mount in one call where the kernel gives the
	 * unique mount ID so (6.12) and the table has it: the identity of
	 * the location is then that handle on that mount (loc->by_handle);
	 * it was found by its name, so it was not removed */
	same = -EINVAL;
	pid_known = false;
	if (e->unique_id && !r->no_handle_mnt) {
		same = ovl_same_handle_mnt(pfd, rec, &unique);
		if (same == -EINVAL) {
			r->no_handle_mnt = true;	/* before 6.12 */
		} else if (same < 0 || unique != e->unique_id) {
			err = same < 0 ? same : 0;	/* another mount */
			goto usual;
		}
	}
	if (same == -EINVAL) {
		pid_known = true;
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
		same = ovl_same_handle(pfd, rec);
	}
	if (same != 1) {
		err = same < 0 ? same : 0;	/* another directory */
		goto usual;
	}
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
	if (known && uuid_rules_out(e->mnt->fstype, uuid, rec))
		goto usual;	/* another filesystem: the usual way says */
	/* FS_IOC_GETFLAGS: a directory made in a casefolded one is
	 * casefolded too, so one whose name may be spelled otherwise in its
	 * parent shows it (unless the flag was cleared on purpose while it
	 * was empty: then the string still leads to the directory verified,
	 * spelled as the mounter spelled it) */
	if (casefold && ioctl(pfd, FS_IOC_GETFLAGS, &fl) == 0 &&
	    (fl & FS_CASEFOLD_FL))
		goto usual;
	if ((r->flags & OVL_RESOLVE_FD) && real) {
		fd = openat(pfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			goto usual;
		}
	}
	/* mountinfo gave no unique ID: one statx more, once per mount */
	if (!e->unique_id)
		e->unique_id = ovl_unique_mount_id(pfd);
	if ((r->flags & OVL_RESOLVE_FD) && !real)
		fd = pfd;	/* O_PATH already: kept as it is */
	else
		close(pfd);

	if (!sb->probed) {
		sb->probed = known ? PROBE_KNOWN : PROBE_UNKNOWN;
		memcpy(sb->uuid, uuid, 16);
	}
	/* as located() composes it: the mount point, then the part below;
	 * the three strings in one block */
	loc->fd = fd;
	if (ovl_rsv_ent_ready(r, e))
		return -ENOMEM;	/* loc is cleared by the caller */
	rlen = strlen(rest);
	plen = strlen(path);
	loc->strings = malloc(e->tlen + 1 + rlen + 2 + plen + 1);
	if (!loc->strings)
		return -ENOMEM;
	loc->mount_point = loc->strings;
	memcpy(loc->mount_point, e->mnt->target, e->tlen + 1);
	loc->root = loc->mount_point + e->tlen + 1;
	loc->root[0] = '/';
	memcpy(loc->root + 1, rest, rlen + 1);
	loc->path = loc->root + rlen + 2;
	memcpy(loc->path, path, plen + 1);
	loc->status = OVL_STATUS_OK;	/* the path led to it, as leads_to() */
	loc->mnt_id = e->id;
	loc->mnt_id_unique = e->unique_id;
	if (pid_known) {
		loc->dev = pid.dev;
		loc->ino = pid.ino;
	} else {
		loc->by_handle = true;
	}
	return OVL_STATUS_OK;
usual:
	close(pfd);
	return err < 0 && ovl_fatal_errno(-err) ? err : 0;
}

/*
 * Format 2's path from the filesystem's root as a path of the view, into
 * buf: the mount point of the first mount of sb (the one fast_hint()
 * takes), then what follows that mount's root in the path.  NULL where
 * there is none (format 1, no path, a first mount whose root is not a
 * prefix of it, a path longer than buf): the usual way tries every mount.
 */
static const char *fs_path_in_view(struct resolver *r, struct sb_ent *sb,
				   const struct ovl_layer_record *rec,
				   char buf[PATH_MAX])
{
	struct mount_ent *e;
	const char *rest;
	size_t tlen, rlen;

	if (!(rec->valid & OVL_RECORD_VALID_PATH) || !rec->fs_path)
		return NULL;
	e = ovl_rsv_sb_first(r, sb);
	if (!e || ovl_rsv_ent_ready(r, e))
		return NULL;
	rest = below_fs_root(rec->fs_path, e->mnt->root);
	if (!rest)
		return NULL;
	/* "/" and "" give "/"; "/" and "a" give "/a"; "/m" and "a", "/m/a" */
	tlen = e->tlen == 1 && *rest ? 0 : e->tlen;
	rlen = strlen(rest);
	if (tlen + 1 + rlen >= PATH_MAX)
		return NULL;
	memcpy(buf, e->mnt->target, tlen);
	if (*rest)
		buf[tlen++] = '/';
	memcpy(buf + tlen, rest, rlen + 1);
	return buf;
}

static bool found(int status)
{
	return status == OVL_STATUS_OK || status == OVL_STATUS_SHADOWED;
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
	       !(rec->fs_flags & OVL_LAYERS_FS_BAD_UUID);
}

static int resolve_one(struct resolver *r, const struct ovl_layer_record *rec,
		       const char *path, struct ovl_loc *loc)
{
	struct sb_ent *hint = NULL;
	const char *hint_fstype = NULL;
	dev_t hint_dev = makedev(0, 0);
	size_t first, matches;
	bool hint_unusable = false;
	int status, err;

	if (rec->flags & OVL_LAYERS_LAYER_NOFH)
		return OVL_STATUS_NO_HANDLE;
	/* a fid that cannot be opened, and no path to compare it with */
	if ((rec->flags & OVL_LAYERS_LAYER_FID) && !path &&
	    !(rec->valid & OVL_RECORD_VALID_PATH))
		return OVL_STATUS_NO_HANDLE;

	/*
	 * The st_dev hint settles it when that fs has the recorded uuid, or
	 * cannot say which it has and decodes the handle.  NODEV: no hint.
	 * It is looked up among the mount table's devices, the superblocks'
	 * as mountinfo shows them: what format 2 records; format 1 and 0
	 * recorded the directory's st_dev, which differs on a btrfs
	 * subvolume, so that no mount has it and the uuid decides.
	 */
	if (rec->kind != OVL_LAYERS_ORIGIN && (rec->dev_major || rec->dev_minor)) {
		hint_dev = makedev(rec->dev_major, rec->dev_minor);
		hint = ovl_rsv_find_sb(r, hint_dev);
	}
	/*
	 * A filesystem that can block is opened for a record whose hint names
	 * it only if the record has no uuid, as such a filesystem has none: a
	 * record with a uuid (from another boot or host, whose st_dev means
	 * nothing here) is on another filesystem, whatever its hint says.
	 */
	if (hint) {
		struct mount_ent *fm = ovl_rsv_sb_first(r, hint);

		if (!fm)
			return -ENOMEM;
		if (fm->blocks && !ovl_uuid_is_null(rec->uuid)) {
			r->skipped = true;
			hint = NULL;
		}
		hint_fstype = fm->mnt->fstype;
	}
	if (hint) {
		const char *how = "its path string";
		int p = fast_hint(r, hint, rec, path, loc, hint_dev);

		/* the same checks on format 2's path, before any uuid is
		 * probed or any other mount read */
		if (!p) {
			char buf[PATH_MAX];
			const char *vp = fs_path_in_view(r, hint, rec, buf);

			if (vp) {
				p = fast_hint(r, hint, rec, vp, loc, hint_dev);
				how = "its path from its filesystem's root";
			}
		}
		if (p) {
			ovl_dbg(&r->v->log, "%s %u: %s by %s, its handle compared (st_dev hint %u:%u)",
				ovl_layers_kind_name(rec->kind), rec->index,
				p > 0 ? ovl_layers_status_name(p) : strerror(-p),
				how, rec->dev_major, rec->dev_minor);
			return p;
		}
		p = ovl_rsv_probe_uuid(r, hint, hint_dev);

		if (p < 0)
			return p;
		/* mounted, but no mount of it can be opened (all covered) */
		hint_unusable = p == PROBE_UNUSABLE;
		if ((p == PROBE_KNOWN &&
		     !uuid_rules_out(hint_fstype, hint->uuid, rec)) ||
		    p == PROBE_UNKNOWN) {
			status = try_sb(r, hint, rec, path, loc, hint_dev);
			if (status < 0 || found(status) || p == PROBE_KNOWN)
				return status;
		}
	}

	err = ovl_rsv_index_uuids(r);
	if (err)
		return err;
	matches = ovl_rsv_find_uuid(r, rec->uuid, &first);
	ovl_dbg(&r->v->log, "%s %u: %zu filesystem(s) with its uuid",
		ovl_layers_kind_name(rec->kind), rec->index, matches);
	if (!matches) {
		if (hint_unusable)
			loc->reason = "its filesystem is mounted, but every mount "
				      "of it is covered by another mount";
		return hint_unusable ? OVL_STATUS_UNREACHABLE :
		       r->skipped ? OVL_STATUS_NOT_PROBED : OVL_STATUS_NO_MOUNT;
	}
	if (matches > 1 && !uuid_names_fs(rec))
		return OVL_STATUS_AMBIGUOUS;
	/* a shared uuid overlayfs did not flag (cloned fs): try each */
	status = OVL_STATUS_UNREACHABLE;
	for (size_t i = first; i < first + matches; i++) {
		status = try_sb(r, r->by_uuid[i], rec, path, loc, makedev(0, 0));
		if (status < 0 || found(status))
			break;
	}
	return status;
}

static int resolve_in(struct ovl_layers *layers, struct ovl_view *view,
		      unsigned int flags, unsigned int *unresolved)
{
	struct resolver own, *r = NULL;
	unsigned int bad = 0;
	int err;

	ovl_layers_clear_locations(layers);
	ovl_view_lock(view);
	err = ovl_rsv_get(view, flags, layers->count, &own, &r);
	for (unsigned int i = 0; !err && i < layers->count; i++) {
		struct ovl_loc *loc = &layers->locs[i];
		int status = resolve_one(r, &layers->recs[i], layers->paths ?
					 layers->paths[i] : NULL, loc);

		if (status < 0) {
			err = status;
			break;
		}
		/* found, but through a mount the overlay's contradicts */
		if (status == OVL_STATUS_OK && layers->doubts &&
		    layers->doubts[i]) {
			status = OVL_STATUS_SUSPECT;
			loc->reason = layers->doubts[i];
		}
		loc->status = status;
		if (!loc->reason)
			loc->reason = ovl_status_reason(&layers->recs[i], status);
		ovl_dbg(&view->log, "record %u (%s %u): %s%s%s%s%s", i,
			ovl_layers_kind_name(layers->recs[i].kind),
			layers->recs[i].index, ovl_layers_status_name(status),
			loc->path ? " at " : "", loc->path ? loc->path : "",
			loc->reason ? ": " : "", loc->reason ? loc->reason : "");
		if (status != OVL_STATUS_OK)
			bad++;
	}
	if (!err)
		layers->table_way = r->t->way;
	if (r == &own)
		ovl_rsv_fini(&own);
	ovl_view_unlock(view);
	if (!err)
		err = ovl_view_alive(view);	/* all of it was its view */
	if (err) {
		ovl_layers_clear_locations(layers);
		return err;
	}
	layers->view = ovl_view_ref(view);
	layers->view_unref = ovl_view_unref;
	if (unresolved)
		*unresolved = bad;
	return 0;
}

OVL_EXPORT
int ovl_layers_resolve(struct ovl_layers *layers, struct ovl_view *view,
		       unsigned int flags, unsigned int *unresolved,
		       struct ovl_error *err)
{
	struct ovl_view *own = NULL;
	int ret;

	if (!layers || (flags & ~OVL_RESOLVE_FD))
		return ovl_seterr(err, -EINVAL, "bad argument");
	if (!view) {
		ret = ovl_view_open(0, 0, &own, err);
		if (ret) {
			ovl_layers_clear_locations(layers); /* as any failure */
			return ret;
		}
		view = own;
	}
	ret = resolve_in(layers, view, flags, unresolved);
	ovl_view_unref(own);
	return ovl_seterr(err, ret, ret == -ESRCH ? "no such process" : NULL);
}
