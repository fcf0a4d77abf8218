// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A view's mount table, in its two forms: the mountinfo text with
 * libmount's table of it (struct ovl_mounts: the raw super options are
 * read from it), and the table the resolver indexes (struct
 * ovl_mnt_table), read with listmount(2)/statmount(2) where they answer
 * as the view's mountinfo would, else from mountinfo (see below).
 *
 * One file of some 850 lines: the two forms are intertwined (a mount the
 * mountinfo form lacks is added from the statmount table, whose buffer
 * also answers the raw super options), and issue 26 of the project makes
 * them one table with two back ends; that split follows the merge.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"

/* All of fd, at most OVL_MOUNTINFO_MAX bytes: a container decides how
 * large its mountinfo is (50,000 mounts at 16,000-byte mount points are
 * 800 MB), and past the cap the read fails with -EFBIG instead of
 * growing the buffer (and libmount's table parsed from it) until the
 * caller runs out of memory. */
static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t got;

		if (n == cap && cap >= OVL_MOUNTINFO_MAX) {
			char c;

			/* exactly the cap is allowed; one byte more is not */
			do {
				got = read(fd, &c, 1);
			} while (got < 0 && errno == EINTR);
			if (!got)
				break;
			free(buf);
			return got < 0 ? -errno : -EFBIG;
		}
		if (n == cap) {
			char *more = realloc(buf, 2 * cap + 1);

			if (!more) {
				free(buf);
				return -ENOMEM;
			}
			buf = more;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (!got)
			break;
		n += got;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int ovl_view_mounts(const struct ovl_view *v, struct ovl_mounts *m)
{
	FILE *f;
	int fd, err;

	if (v->snap) {
		/* a call through the view of a task gone fails, snapshot
		 * or not */
		err = ovl_view_alive(v);
		if (err)
			return err;
		*m = v->snap->mi;	/* held: ovl_mounts_free() leaves it */
		return 0;
	}
	memset(m, 0, sizeof(*m));
	fd = ovl_view_open_mountinfo(v);
	if (fd < 0)
		return fd;
	err = read_all(fd, &m->text, &m->len);
	close(fd);
	if (err == -EFBIG)
		ovl_err(&v->log, "the mount table is larger than %u MiB: not read",
			OVL_MOUNTINFO_MAX >> 20);
	if (err)
		return err;
	m->tb = mnt_new_table();
	f = m->len ? fmemopen(m->text, m->len, "r") : NULL;
	if (!m->tb || !f) {
		if (f)
			fclose(f);
		ovl_mounts_free(m);
		return m->len ? -ENOMEM : -EIO;
	}
	err = mnt_table_parse_stream(m->tb, f, "mountinfo");
	fclose(f);
	if (err) {
		ovl_mounts_free(m);
		return err == -ENOMEM ? -ENOMEM : -EIO;
	}
	return 0;
}

void ovl_mounts_free(struct ovl_mounts *m)
{
	if (!m->held) {
		mnt_unref_table(m->tb);
		free(m->text);
		if (m->sm) {
			ovl_mnt_table_free(m->sm);
			free(m->sm);
		}
	}
	memset(m, 0, sizeof(*m));
}

static struct ovl_mnt *sm_find_id(const struct ovl_mounts *m, int id)
{
	for (size_t i = 0; i < m->sm->n; i++)
		if (m->sm->mnts[i].id == id)
			return &m->sm->mnts[i];
	return NULL;
}

/* s as mountinfo spells a field: space, tab, newline and backslash as
 * octal escapes (the kernel's mangle()), which libmount undoes */
static int put_field(struct ovl_buf *b, const char *s)
{
	int err = 0;

	if (!*s)
		s = "none";	/* a field is never empty */
	for (; *s && !err; s++) {
		char esc[5];

		if (strchr(" \t\n\\", *s)) {
			snprintf(esc, sizeof(esc), "\\%03o", (unsigned char)*s);
			err = ovl_buf_put(b, esc, 4);
		} else {
			err = ovl_buf_put(b, s, 1);
		}
	}
	return err;
}

/*
 * Mount mnt of a statmount table added to m->tb as libmount would have
 * parsed its mountinfo line (libmount 2.38 can set neither the ID nor
 * the device of an fs: the line is written and parsed).  Its strings are
 * libmount's then, and the table's copy is dropped.  NULL: gone since
 * the listing, or out of memory.
 */
static struct libmnt_fs *sm_add(const struct ovl_mounts *m,
				struct ovl_mnt *mnt)
{
	struct ovl_buf b = { 0 };
	struct libmnt_fs *fs = NULL;
	char head[96];
	FILE *f;
	int err;

	err = ovl_mnt_table_strings(m->sm, mnt);
	if (err || !mnt->fstype)
		goto out;
	snprintf(head, sizeof(head), "%d %d %u:%u ", mnt->id, mnt->parent,
		 major(mnt->dev), minor(mnt->dev));
	err = ovl_buf_put(&b, head, strlen(head));
	if (!err)
		err = put_field(&b, mnt->root);
	if (!err)
		err = ovl_buf_put(&b, " ", 1);
	if (!err)
		err = put_field(&b, mnt->target);
	if (!err)
		err = ovl_buf_put(&b, " rw - ", 6);
	if (!err)
		err = put_field(&b, mnt->fstype);
	if (!err)
		err = ovl_buf_put(&b, " ", 1);
	if (!err)
		err = put_field(&b, mnt->source);
	/* the super options are asked of statmount (ovl_mounts_super_options) */
	if (!err)
		err = ovl_buf_put(&b, " rw\n", 4);
	if (err)
		goto out;
	f = fmemopen(b.data, b.len, "r");
	if (!f)
		goto out;
	if (!mnt_table_parse_stream(m->tb, f, "mountinfo") &&
	    mnt_table_last_fs(m->tb, &fs))
		fs = NULL;
	fclose(f);
out:
	ovl_mnt_table_forget(m->sm, mnt);
	free(b.data);
	return fs;
}

/* libmount before 2.40 has no mnt_table_find_id() */
struct libmnt_fs *ovl_mounts_find_id(const struct ovl_mounts *m, int id)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs, *found = NULL;
	struct ovl_mnt *mnt;

	while (it && mnt_table_next_fs(m->tb, it, &fs) == 0)
		if (mnt_fs_get_id(fs) == id) {
			found = fs;
			break;
		}
	mnt_free_iter(it);
	/* statmount: fetched whole the first time it is looked up */
	if (!found && it && m->sm && (mnt = sm_find_id(m, id)))
		found = sm_add(m, mnt);
	return found;
}

int ovl_mounts_dev(const struct ovl_mounts *m, int id, dev_t *dev)
{
	struct libmnt_fs *fs;
	struct ovl_mnt *mnt;

	if (m->sm) {
		mnt = sm_find_id(m, id);
		if (!mnt)
			return -ENOENT;
		*dev = mnt->dev;
		return 0;
	}
	fs = ovl_mounts_find_id(m, id);
	if (!fs)
		return -ENOENT;
	*dev = mnt_fs_get_devno(fs);
	return 0;
}

/*
 * The super options of mount id as mountinfo spells them (escapes kept).
 * libmount hands them out unescaped, and then a comma in a layer path
 * ("\054") cannot be told from the option separator.
 */
static int sm_super_options(const struct ovl_mounts *m, int id, char **out);

int ovl_mounts_super_options(const struct ovl_mounts *m, int id, char **out)
{
	const char *line = m->text, *end = m->text + m->len;

	if (m->sm)
		return sm_super_options(m, id, out);

	while (line < end) {
		const char *eol = memchr(line, '\n', end - line), *p;
		char *num_end;
		long got;

		if (!eol)
			eol = end;
		got = strtol(line, &num_end, 10);
		if (num_end != line && *num_end == ' ' && got == id) {
			/* ... optional fields - fstype source super-options;
			 * spaces inside fields are escaped as \040 */
			p = memmem(line, eol - line, " - ", 3);
			if (p)
				p = memchr(p + 3, ' ', eol - p - 3);
			if (p)
				p = memchr(p + 1, ' ', eol - p - 1);
			if (!p)
				return -EIO;
			*out = strndup(p + 1, eol - p - 1);
			return *out ? 0 : -ENOMEM;
		}
		line = eol + 1;
	}
	return -ENOENT;
}

/*
 * The mount table as the resolver needs it, read with listmount(2) and
 * statmount(2) (Linux 6.8; another namespace's since 6.11; sb_source,
 * which fs_can_block() reads, since 6.13) or from mountinfo.
 *
 * listmount/statmount give the kernel's own strings (nothing to
 * unescape) and the unique and the old 32-bit mount IDs of each mount.
 * One statmount without strings (IDs, device) costs about 1 us; the
 * kernel printing one line of mountinfo 2-3 us and libmount parsing it
 * 1.5-2 more; a statmount with strings 2.5-3 us.  So every mount is
 * listed without its strings, and the strings of a mount are asked for
 * when the resolver needs them (the mounts of the filesystems records
 * are on, their parents and children: ovl_mnt_table_strings()).  They
 * are used only where they answer exactly as the view's mountinfo would:
 *
 * - paths: statmount gives mount points relative to the caller's root in
 *   its own namespace, and relative to the namespace's root mount in
 *   another; mountinfo gives them relative to the task's root, and lists
 *   only the mounts reachable from it (listmount lists those reachable
 *   from the root it uses: the same set when the roots are the same).  So
 *   a task's view is read this way only when its root is that root: the
 *   caller's root in the caller's namespace (same mount, dev and inode),
 *   or in another namespace the root of the one listed mount whose parent
 *   is not listed (the namespace's root mount).  A task chrooted below it,
 *   or whose root mount is covered, is read from mountinfo.
 * - fields: statmount's fs_type is mountinfo's without the ".subtype"
 *   (added from fs_subtype, 6.13); a kernel that cannot give sb_source or
 *   a mount point is read from mountinfo.
 * - errors: any failure of listmount/statmount (ENOSYS before 6.8, EINVAL
 *   for a request it does not know, EPERM without CAP_SYS_ADMIN over a
 *   foreign namespace, ENOENT for a namespace gone) falls back to
 *   mountinfo; a mount gone between listmount and statmount is skipped,
 *   as mountinfo read a moment later would not show it.
 *
 * The raw super options (read.c, mountinfo.c) still come from mountinfo's
 * text (ovl_view_mounts()): statmount's mnt_opts is not spelled as
 * mountinfo spells them for every filesystem (it has no "rw"/"ro" and
 * leaves out what show_options() puts first), and the descriptor's layer
 * strings are parsed from exactly that text.
 */
#define OVL_SM_NEEDED (OVL_SM_SB_BASIC | OVL_SM_MNT_BASIC | OVL_SM_MNT_ROOT | \
		       OVL_SM_MNT_POINT | OVL_SM_FS_TYPE)

void ovl_mnt_table_free(struct ovl_mnt_table *t)
{
	for (size_t i = 0; t->mnts && i < t->n; i++)
		free(t->mnts[i].block);
	free(t->mnts);
	free(t->sm_buf);
	if (t->mi.tb || t->mi.text)
		ovl_mounts_free(&t->mi);
	memset(t, 0, sizeof(*t));
}

static int table_from_mountinfo(const struct ovl_view *v,
				struct ovl_mnt_table *t)
{
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	size_t cap = 0;
	int err;

	err = ovl_view_mounts(v, &t->mi);
	if (err)
		return err;
	t->way = OVL_MOUNT_TABLE_MOUNTINFO;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		return -ENOMEM;
	while (mnt_table_next_fs(t->mi.tb, it, &fs) == 0) {
		const char *src = mnt_fs_get_source(fs);

		if (t->n == cap) {
			struct ovl_mnt *m;

			cap = cap ? cap * 2 : 64;
			m = realloc(t->mnts, cap * sizeof(*m));
			if (!m) {
				mnt_free_iter(it);
				return -ENOMEM;
			}
			t->mnts = m;
		}
		t->mnts[t->n++] = (struct ovl_mnt) {
			.id = mnt_fs_get_id(fs),
			.parent = mnt_fs_get_parent_id(fs),
			.dev = mnt_fs_get_devno(fs),
			.root = mnt_fs_get_root(fs),
			.target = mnt_fs_get_target(fs),
			.fstype = mnt_fs_get_fstype(fs),
			.source = src ? src : "",
			.strings = true,
		};
		/* a field libmount could not give: never a NULL target */
		if (!t->mnts[t->n - 1].target)
			t->mnts[t->n - 1].target = "";
	}
	mnt_free_iter(it);
	return 0;
}

/* 0, or -errno: any error means "read mountinfo instead" */
static int sm_list(uint64_t ns_id, uint64_t **ids, size_t *n)
{
	struct ovl_mnt_id_req req = {
		.size = ns_id ? OVL_MNT_ID_REQ_SIZE_VER1 : OVL_MNT_ID_REQ_SIZE_VER0,
		.mnt_id = OVL_LSMT_ROOT,
		.mnt_ns_id = ns_id,
	};
	size_t cap = 1024;

	*n = 0;
	*ids = malloc(cap * sizeof(**ids));
	if (!*ids)
		return -ENOMEM;
	for (;;) {
		long got;

		/* a namespace has at most fs.mount-max mounts (100,000 by
		 * default), which root may raise: capped, not unbounded */
		if (*n >= OVL_LISTMOUNT_MAX)
			return -EFBIG;
		if (*n == cap) {
			uint64_t *more = realloc(*ids, 2 * cap * sizeof(**ids));

			if (!more)
				return -ENOMEM;
			*ids = more;
			cap *= 2;
		}
		req.param = *n ? (*ids)[*n - 1] : 0;	/* after the last one */
		got = syscall(SYS_listmount, &req, *ids + *n,
			      (cap < OVL_LISTMOUNT_MAX ? cap : OVL_LISTMOUNT_MAX) -
			      *n, 0);
		if (got < 0)
			return -errno;
		if (!got)
			return 0;
		*n += (size_t)got;
	}
}

/* statmount of one mount into *sm (grown as needed): 0, -ENOENT (gone),
 * or another -errno */
static int sm_one(const struct ovl_mnt_table *t, uint64_t id, uint64_t mask,
		  struct ovl_statmount **sm, size_t *size)
{
	struct ovl_mnt_id_req req = {
		.size = t->ns_id ? OVL_MNT_ID_REQ_SIZE_VER1 :
			OVL_MNT_ID_REQ_SIZE_VER0,
		.mnt_id = id,
		.param = mask,
		.mnt_ns_id = t->ns_id,
	};

	for (;;) {
		struct ovl_statmount *big;

		if (*sm && !syscall(SYS_statmount, &req, *sm, *size, 0))
			return 0;
		if (*sm && (errno != EOVERFLOW || *size >= (1U << 24)))
			return -errno;
		big = realloc(*sm, *size ? *size * 4 : 4096);
		if (!big)
			return -ENOMEM;
		*sm = big;
		*size = *size ? *size * 4 : 4096;
	}
}

#define OVL_SM_STRINGS (OVL_SM_MNT_ROOT | OVL_SM_MNT_POINT | OVL_SM_FS_TYPE | \
			OVL_SM_FS_SUBTYPE | OVL_SM_SB_SOURCE | \
			OVL_SM_SUPPORTED_MASK)

/* m's strings from a statmount that asked for them */
static int sm_strings(struct ovl_mnt *m, const struct ovl_statmount *sm)
{
	static const char empty[] = "";
	const char *str[4], *sub = NULL;
	size_t n[4];
	char *block;

	m->strings = true;
	m->root = m->target = m->source = empty;
	m->fstype = NULL;
	str[0] = sm->mask & OVL_SM_MNT_ROOT ? sm->str + sm->mnt_root : empty;
	str[1] = sm->mask & OVL_SM_MNT_POINT ? sm->str + sm->mnt_point : empty;
	str[2] = sm->mask & OVL_SM_FS_TYPE ? sm->str + sm->fs_type : NULL;
	str[3] = sm->mask & OVL_SM_SB_SOURCE ? sm->str + sm->sb_source : empty;
	if ((sm->mask & OVL_SM_FS_SUBTYPE) && sm->str[sm->fs_subtype])
		sub = sm->str + sm->fs_subtype;
	for (int i = 0; i < 4; i++)
		n[i] = str[i] ? strlen(str[i]) + 1 : 0;
	if (sub)
		n[2] += strlen(sub) + 1;	/* "type.subtype" as mountinfo */
	block = malloc(n[0] + n[1] + n[2] + n[3] + 1);
	if (!block)
		return -ENOMEM;
	m->block = block;
	for (int i = 0; i < 4; i++) {
		const char **out = i == 0 ? &m->root : i == 1 ? &m->target :
				   i == 2 ? &m->fstype : &m->source;

		if (!str[i])
			continue;
		if (i == 2 && sub) {
			size_t k = strlen(str[i]);

			memcpy(block, str[i], k);
			block[k] = '.';
			memcpy(block + k + 1, sub, strlen(sub) + 1);
		} else {
			memcpy(block, str[i], n[i]);
		}
		*out = block;
		block += n[i];
	}
	return 0;
}

/*
 * The strings of a mount of a statmount table, asked for when first
 * needed: a statmount that asks for strings costs 2-3 times one that
 * does not, and the resolver needs them only for the mounts of the
 * filesystems it looks at, their parents and children.  0, or -ENOMEM;
 * a mount gone since the listing keeps empty strings and no type (so it
 * is taken for one that can block, and never opened).
 */
int ovl_mnt_table_strings(struct ovl_mnt_table *t, struct ovl_mnt *m)
{
	int err;

	if (m->strings)
		return 0;
	err = sm_one(t, m->unique_id, OVL_SM_STRINGS, &t->sm_buf, &t->sm_size);
	if (err) {
		/* gone: empty strings, no type */
		m->strings = true;
		m->root = m->target = m->source = "";
		m->fstype = NULL;
		return err == -ENOMEM ? err : 0;
	}
	return sm_strings(m, t->sm_buf);
}

void ovl_mnt_table_forget(const struct ovl_mnt_table *t, struct ovl_mnt *m)
{
	if (t->way != OVL_MOUNT_TABLE_STATMOUNT)
		return;		/* mountinfo's: libmount's strings */
	free(m->block);
	m->block = NULL;
	m->strings = false;
	m->root = m->target = m->fstype = m->source = NULL;
}

/*
 * Every mount the view's listmount shows, with what statmount gives
 * without strings (IDs, device: one call a mount, the cheapest there
 * is); the strings come later, mount by mount.  Whether the kernel gives
 * every string the resolver needs (sb_source: 6.13) is asked once, of
 * the first mount: a kernel that cannot is read from mountinfo.
 */
static int table_from_statmount(struct ovl_mnt_table *t, uint64_t ns_id,
				size_t want)
{
	struct ovl_statmount *sm = NULL;
	size_t size = 0, nids;
	uint64_t *ids = NULL;
	bool eager;
	int err;

	t->ns_id = ns_id;
	err = sm_list(ns_id, &ids, &nids);
	if (err)
		goto out;
	err = -ENOMEM;
	t->mnts = calloc(nids ? nids : 1, sizeof(*t->mnts));
	if (!t->mnts)
		goto out;
	/* a statmount with strings costs about 2.5 without: with them, the
	 * strings of most mounts are read for less than apart */
	eager = 2 * want >= nids;
	for (size_t i = 0; i < nids; i++) {
		err = sm_one(t, ids[i], OVL_SM_SB_BASIC | OVL_SM_MNT_BASIC |
			     (t->n && !eager ? 0 : OVL_SM_STRINGS), &sm, &size);
		if (err == -ENOENT)
			continue;	/* gone since listmount */
		if (err)
			goto out;
		if ((sm->mask & (OVL_SM_SB_BASIC | OVL_SM_MNT_BASIC)) !=
		    (OVL_SM_SB_BASIC | OVL_SM_MNT_BASIC)) {
			err = -EOPNOTSUPP;
			goto out;
		}
		/* the first: are all the strings there?  sb_source may be
		 * left out when empty by a kernel that says it has it */
		if (!t->n && ((sm->mask & OVL_SM_NEEDED) != OVL_SM_NEEDED ||
			      (!(sm->mask & OVL_SM_SB_SOURCE) &&
			       !((sm->mask & OVL_SM_SUPPORTED_MASK) &&
				 (sm->supported_mask & OVL_SM_SB_SOURCE))))) {
			err = -EOPNOTSUPP;
			goto out;
		}
		t->mnts[t->n++] = (struct ovl_mnt) {
			.id = (int)sm->mnt_id_old,
			.parent = (int)sm->mnt_parent_id_old,
			.unique_id = sm->mnt_id,
			.dev = makedev(sm->sb_dev_major, sm->sb_dev_minor),
			.magic = sm->sb_magic,
		};
		if (eager) {
			err = sm_strings(&t->mnts[t->n - 1], sm);
			if (err)
				goto out;
		}
	}
	t->way = OVL_MOUNT_TABLE_STATMOUNT;
	t->sm_buf = sm;		/* for the strings, later */
	t->sm_size = size;
	sm = NULL;
	err = 0;
out:
	free(ids);
	free(sm);
	return err;
}

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

int ovl_view_mount_table(const struct ovl_view *v, struct ovl_mnt_table *t,
			 size_t want, unsigned int flags)
{
	uint64_t ns_id, root_unique;
	int err;

	memset(t, 0, sizeof(*t));
	if (v->table_way != OVL_MOUNT_TABLE_MOUNTINFO &&
	    !(v->snap && (flags & OVL_TABLE_SNAPSHOT))) {
		err = sm_usable(v, &ns_id, &root_unique);
		if (err < 0)
			return err;
		if (!err)
			err = table_from_statmount(t, ns_id, want);
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
				ovl_mnt_table_free(t);
				return err;
			}
			ovl_dbg(&v->log, "mount table: %zu mounts, from statmount",
				t->n);
			return 0;
		}
		ovl_mnt_table_free(t);
		if (err == -EFBIG)
			ovl_err(&v->log, "the mount table has more than %u mounts: not read",
				OVL_LISTMOUNT_MAX);
		if (err == -ENOMEM || err == -EFBIG)
			return err;
	}
	err = table_from_mountinfo(v, t);
	if (err) {
		ovl_mnt_table_free(t);
		return err;
	}
	ovl_dbg(&v->log, "mount table: %zu mounts, from %s", t->n,
		t->mi.held ? "the snapshot's mountinfo" : "mountinfo");
	return 0;
}

/*
 * What a read of one overlay needs of the view's mounts: the overlay's
 * mount, the mounts of its device that may show its root whole, and the
 * devices of its layers' mounts (the fallback's).  Where statmount can
 * say them (ovl_view_mount_table(): the same mounts as the view's
 * mountinfo), every mount is listed with its IDs and device only, and a
 * mount's strings are fetched when it is looked up: a container's
 * mountinfo may be as large as it makes it (50,000 mounts at 16,000-byte
 * mount points: 800 MB), and none of it but those few mounts is read.  A
 * view with a snapshot reads its snapshot (what its reads and
 * resolutions share); without statmount, mountinfo is read (capped).
 */
int ovl_view_mounts_few(const struct ovl_view *v, struct ovl_mounts *m)
{
	struct ovl_mnt_table *t;
	int err;

	if (v->snap || v->table_way == OVL_MOUNT_TABLE_MOUNTINFO)
		return ovl_view_mounts(v, m);
	memset(m, 0, sizeof(*m));
	t = malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	err = ovl_view_mount_table(v, t, 0, 0);
	if (err) {
		free(t);
		return err;
	}
	if (t->way != OVL_MOUNT_TABLE_STATMOUNT) {
		/* read from mountinfo: its text and libmount's table are
		 * what the caller wants, and are taken from t */
		*m = t->mi;
		memset(&t->mi, 0, sizeof(t->mi));
		ovl_mnt_table_free(t);
		free(t);
		return 0;
	}
	m->tb = mnt_new_table();
	if (!m->tb) {
		ovl_mnt_table_free(t);
		free(t);
		return -ENOMEM;
	}
	m->sm = t;
	return 0;
}

/*
 * The super options of mount id as mountinfo spells them, from
 * statmount: its mnt_opts is what mountinfo prints after the flags of
 * the superblock (show_sb_opts(): "ro"/"rw", then sync, dirsync,
 * lazytime, which statmount gives as sb_flags), with the same escapes
 * (the security module's and the filesystem's show_options(), printed
 * into a seq_file by both).  mand, the one flag more mountinfo may print,
 * the kernel no longer sets (5.15).  The buffer grows as needed (sm_one:
 * to 16 MiB; 500 layers of 4,000 bytes are 2 MB) and is not kept.
 */
#define OVL_SB_RDONLY		0x00000001UL
#define OVL_SB_SYNCHRONOUS	0x00000010UL
#define OVL_SB_DIRSYNC		0x00000080UL
#define OVL_SB_LAZYTIME		0x02000000UL

static int sm_super_options(const struct ovl_mounts *m, int id, char **out)
{
	struct ovl_statmount *sm = NULL;
	struct ovl_mnt *mnt = sm_find_id(m, id);
	struct ovl_buf b = { 0 };
	size_t size = 0;
	const char *opts;
	int err;

	if (!mnt)
		return -ENOENT;
	err = sm_one(m->sm, mnt->unique_id, OVL_SM_SB_BASIC | OVL_SM_MNT_OPTS |
		     OVL_SM_SUPPORTED_MASK, &sm, &size);
	/* no mnt_opts: none (proc, sysfs), where the kernel says it has
	 * them; a kernel without them (before 6.10) cannot say */
	if (!err && (!(sm->mask & OVL_SM_SB_BASIC) ||
		     (!(sm->mask & OVL_SM_MNT_OPTS) &&
		      !((sm->mask & OVL_SM_SUPPORTED_MASK) &&
			(sm->supported_mask & OVL_SM_MNT_OPTS)))))
		err = -EIO;
	if (err)
		goto out;
	opts = sm->mask & OVL_SM_MNT_OPTS ? sm->str + sm->mnt_opts : "";
	err = ovl_buf_put(&b, sm->sb_flags & OVL_SB_RDONLY ? "ro" : "rw", 2);
	if (!err && (sm->sb_flags & OVL_SB_SYNCHRONOUS))
		err = ovl_buf_put(&b, ",sync", 5);
	if (!err && (sm->sb_flags & OVL_SB_DIRSYNC))
		err = ovl_buf_put(&b, ",dirsync", 8);
	if (!err && (sm->sb_flags & OVL_SB_LAZYTIME))
		err = ovl_buf_put(&b, ",lazytime", 9);
	if (!err && *opts)
		err = ovl_buf_put(&b, ",", 1);
	if (!err)
		err = ovl_buf_put(&b, opts, strlen(opts) + 1);
	if (!err) {
		*out = (char *)b.data;
		b.data = NULL;
	}
out:
	free(b.data);
	free(sm);
	return err;
}
