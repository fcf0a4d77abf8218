// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A view's mount table: the one table the library reads mounts from (the
 * reads, the fallback, the resolver, the snapshot) and the one it gives
 * its callers (ovl_view_read_mounts(3): the CLI's listing, the CRIU
 * plugin's search for a task).  Its two back ends fill it:
 * mount_statmount.c (listmount(2)/statmount(2)) where the kernel answers
 * exactly as the view's mountinfo would, else mount_mountinfo.c.  This
 * file decides which, and owns the table: references (a snapshot's table
 * is shared by every call through the view), lookups, strings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

/* The caller's root directory now: what statmount's paths are relative to
 * in the caller's namespace. */
static int root_ident(struct ovl_ident *id, uint64_t *unique)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = ovl_ident_unique(fd, id, unique);
	close(fd);
	return err;
}

/*
 * Whether listmount/statmount would see the view's mounts as its
 * mountinfo does, and with which namespace id (0: the caller's own).
 * 0 yes, 1 no (read mountinfo), or a negative errno that ends the call.
 * For another namespace, *root_unique is the unique mount ID of the
 * task's root, to be found among the listed mounts' roots afterwards.
 */
static int sm_usable(const struct ovl_view *v, uint64_t *ns_id,
		     uint64_t *root_unique)
{
	struct ovl_ident vr, cr;
	uint64_t vu, cu;
	struct stat a, b;
	int nsfd, selffd, err, usable;

	*ns_id = 0;
	*root_unique = 0;
	if (!v->pid)
		return 0;	/* the caller's root at the time of the call */
	/* the task's namespace: through its pinned /proc/PID directory,
	 * then the pidfd says the pid was not reused meanwhile */
	nsfd = openat(v->procfd, "ns/mnt", O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return 1;	/* no ptrace access, gone: mountinfo says */
	err = ovl_view_alive(v);
	if (err) {
		close(nsfd);
		return err;
	}
	selffd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	usable = selffd >= 0 && !fstat(nsfd, &a) && !fstat(selffd, &b) ? 1 : -1;
	if (usable > 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		/* our namespace: statmount's paths are relative to our root,
		 * which must be the task's */
		usable = !ovl_ident_unique(v->rootfd, &vr, &vu) &&
			 !root_ident(&cr, &cu) &&
			 vu == cu && vr.dev == cr.dev && vr.ino == cr.ino ? 0 : 1;
	} else if (usable > 0) {
		if (ioctl(nsfd, OVL_NS_GET_MNTNS_ID, ns_id) &&
		    ioctl(nsfd, OVL_NS_GET_ID, ns_id))
			usable = 1;	/* before 6.11 */
		else if (ovl_ident_unique(v->rootfd, &vr, root_unique) ||
			 !vr.mount_root)
			usable = 1;	/* chrooted below a mount's root */
		else
			usable = 0;
	} else {
		usable = 1;
	}
	if (selffd >= 0)
		close(selffd);
	close(nsfd);
	return usable;
}

static struct ovl_mount_table *table_new(void)
{
	struct ovl_mount_table *t = calloc(1, sizeof(*t));

	if (t)
		t->refs = 1;
	return t;
}

/* what a back end filled, emptied for the other to fill */
static void table_clear(struct ovl_mount_table *t)
{
	for (size_t i = 0; t->mnts && i < t->n; i++)
		free(t->mnts[i].block);
	while (t->arena) {
		void *prev = *(void **)t->arena;

		free(t->arena);
		t->arena = prev;
	}
	free(t->mnts);
	free(t->sm_buf);
	free(t->text);
	*t = (struct ovl_mount_table) { .refs = t->refs };
}

/* Read v's table into t: statmount where it shows what mountinfo shows,
 * else mountinfo.  On failure t is cleared. */
static int ovl_mount_table_fill(const struct ovl_view *v,
				struct ovl_mount_table *t, size_t want)
{
	uint64_t ns_id, root_unique;
	int err = 1;

	if (v->table_way != OVL_MOUNT_TABLE_MOUNTINFO) {
		err = sm_usable(v, &ns_id, &root_unique);
		if (err < 0)
			return err;
		if (!err)
			err = ovl_mount_table_from_statmount(t, ns_id, want);
		/* another namespace: the task's root must be the root of the
		 * one listed mount whose parent is not listed */
		if (!err && root_unique) {
			const struct ovl_mnt *r = NULL;

			for (size_t i = 0; i < t->n && !r; i++)
				if (t->mnts[i].unique_id == root_unique)
					r = &t->mnts[i];
			for (size_t i = 0; r && i < t->n; i++)
				if (t->mnts[i].id == r->parent && r->parent != r->id)
					r = NULL;
			err = r ? 0 : 1;
		}
		if (!err) {
			err = ovl_view_alive(v);	/* still that task's */
			if (err) {
				table_clear(t);
				return err;
			}
			ovl_dbg(&v->log, "mount table: %zu mounts, from statmount",
				t->n);
			return 0;
		}
		table_clear(t);
		if (err == -EFBIG)
			ovl_err(&v->log, "the mount table has more than %u mounts, or more than %u MiB of strings: not read",
				OVL_LISTMOUNT_MAX, OVL_MOUNTINFO_MAX >> 20);
		if (err == -ENOMEM || err == -EFBIG)
			return err;
	}
	err = ovl_mount_table_from_mountinfo(v, t);
	if (err) {
		table_clear(t);
		return err;
	}
	ovl_dbg(&v->log, "mount table: %zu mounts, from mountinfo", t->n);
	return 0;
}

int ovl_mount_table_read(const struct ovl_view *v, size_t want,
			 unsigned int flags, struct ovl_mount_table **out)
{
	struct ovl_mount_table *t;
	int err;

	if (v->snap && !(flags & OVL_TABLE_FRESH)) {
		/* a call through the view of a task gone fails, snapshot
		 * or not */
		err = ovl_view_alive(v);
		if (err)
			return err;
		*out = ovl_mount_table_hold(v->snap->t);
		return 0;
	}
	t = table_new();
	if (!t)
		return -ENOMEM;
	err = ovl_mount_table_fill(v, t, flags & OVL_TABLE_WHOLE ? SIZE_MAX / 2 :
				   want);
	if (err) {
		free(t);
		return err;
	}
	*out = t;
	return 0;
}

int ovl_mount_table_read_one(const struct ovl_view *v, uint64_t id,
			     struct ovl_mount_table **out)
{
	struct ovl_mount_table *t;
	uint64_t ns_id, root_unique;
	int err;

	if (v->snap || v->table_way == OVL_MOUNT_TABLE_MOUNTINFO || !id)
		return 1;
	err = sm_usable(v, &ns_id, &root_unique);
	/* another namespace: only the whole table shows the task's root is
	 * the root of its namespace */
	if (err || root_unique || ns_id)
		return err < 0 ? err : 1;
	t = table_new();
	if (!t)
		return -ENOMEM;
	err = ovl_mount_table_one_statmount(t, 0, id);
	if (err) {
		table_clear(t);
		free(t);
		return err == -ENOMEM ? err : 1;
	}
	*out = t;
	return 0;
}

struct ovl_mount_table *ovl_mount_table_hold(struct ovl_mount_table *t)
{
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
	return t;
}

OVL_EXPORT
void ovl_mount_table_free(struct ovl_mount_table *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL))
		return;
	table_clear(t);
	free(t);
}

struct ovl_mnt *ovl_mount_table_find_id(const struct ovl_mount_table *t,
					int id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->mnts[i].id == id)
			return &t->mnts[i];
	return NULL;
}

int ovl_mnt_strings(struct ovl_mount_table *t, struct ovl_mnt *m)
{
	if (m->strings)
		return 0;
	return ovl_statmount_strings(t, m);
}

void ovl_mnt_forget(const struct ovl_mount_table *t, struct ovl_mnt *m)
{
	if (t->whole || t->way != OVL_MOUNT_TABLE_STATMOUNT)
		return;
	free(m->block);
	m->block = NULL;
	m->strings = false;
	m->root = m->target = m->fstype = m->source = NULL;
}

int ovl_mnt_super_options(const struct ovl_mount_table *t,
			  const struct ovl_mnt *m, char **raw)
{
	if (t->way == OVL_MOUNT_TABLE_STATMOUNT)
		return ovl_statmount_super_options(t, m, raw);
	*raw = strdup(m->super ? m->super : "");
	return *raw ? 0 : -ENOMEM;
}

/* Why the view's mount table could not be read */
const char *ovl_mounts_why(int err)
{
	switch (err) {
	case -ESRCH:
		return "no such process";
	case -EFBIG:
		return "the mount table is larger than the library reads "
		       "(64 MiB of mountinfo, 1,000,000 mounts)";
	}
	return "cannot read mountinfo";
}

/*
 * The public table (ovl_view_read_mounts(3)): read whole, every string
 * there, so that a caller's lookups never ask the kernel again, nor
 * change what another thread holding the same (snapshot's) table reads.
 */
OVL_EXPORT
int ovl_view_read_mounts(struct ovl_view *view, unsigned int flags,
			 struct ovl_mount_table **out, struct ovl_error *err)
{
	int ret;

	if (!view || !out || flags)
		return ovl_seterr(err, -EINVAL, "bad argument");
	ovl_view_lock(view);
	ret = ovl_mount_table_read(view, 0, OVL_TABLE_WHOLE, out);
	ovl_view_unlock(view);
	return ovl_seterr(err, ret, ret ? ovl_mounts_why(ret) : NULL);
}

OVL_EXPORT
size_t ovl_mount_table_count(const struct ovl_mount_table *t)
{
	return t ? t->n : 0;
}

static int mount_out(const struct ovl_mnt *m, struct ovl_mount *out,
		     size_t size)
{
	struct ovl_mount o = {
		.mnt_id = m->id,
		.parent_id = m->parent,
		.mnt_id_unique = m->unique_id,
		.dev_major = major(m->dev),
		.dev_minor = minor(m->dev),
		.root = m->root ? m->root : "",
		.mount_point = m->target ? m->target : "",
		.fstype = m->fstype ? m->fstype : "",
		.source = m->source ? m->source : "",
	};

	return ovl_copy_out(out, size, &o, sizeof(o), OVL_MOUNT_SIZE_VER0);
}

OVL_EXPORT
int ovl_mount_table_get(const struct ovl_mount_table *t, size_t i,
			struct ovl_mount *mount, size_t size)
{
	if (!t || !mount || i >= t->n)
		return -EINVAL;
	return mount_out(&t->mnts[i], mount, size);
}

OVL_EXPORT
int ovl_mount_table_find(const struct ovl_mount_table *t, int mnt_id,
			 struct ovl_mount *mount, size_t size)
{
	const struct ovl_mnt *m;

	if (!t || !mount)
		return -EINVAL;
	m = ovl_mount_table_find_id(t, mnt_id);
	return m ? mount_out(m, mount, size) : -ENOENT;
}
