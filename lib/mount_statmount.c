// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mount table's listmount(2)/statmount(2) back end: every mount of a
 * namespace listed, with its IDs, device and superblock magic; its
 * strings read with the rest, or later, mount by mount; its super
 * options spelled as mountinfo spells them.  When the kernel's answers
 * are those of the view's mountinfo is mount_table.c's to decide.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

/*
 * The mount table read with listmount(2) and statmount(2) (Linux 6.8;
 * another namespace's since 6.11; sb_source, which fs_can_block() reads,
 * since 6.13) instead of mountinfo.
 *
 * listmount/statmount give the kernel's own strings (nothing to
 * unescape) and the unique and the old 32-bit mount IDs of each mount.
 * One statmount without strings (IDs, device) costs about 1 us; the
 * kernel printing one line of mountinfo 2-3 us and parsing it about
 * 1 more; a statmount with strings 2.5-3 us.  So every mount is
 * listed without its strings, and the strings of a mount are asked for
 * when the resolver needs them (the mounts of the filesystems records
 * are on, their parents and children: ovl_mnt_strings()).  They
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
 * The raw super options (read.c, fallback.c) are spelled as mountinfo
 * spells them (ovl_statmount_super_options()): the descriptor's layer
 * strings are parsed from exactly that text.
 */
#define OVL_SM_NEEDED (OVL_SM_SB_BASIC | OVL_SM_MNT_BASIC | OVL_SM_MNT_ROOT | \
		       OVL_SM_MNT_POINT | OVL_SM_FS_TYPE)

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

/* statmount(req, flags) into *sm, grown as needed (to 16 MiB: 500 layers
 * of 4,000 bytes are 2 MB): 0 or -errno */
static int sm_call(const struct ovl_mnt_id_req *req, unsigned int flags,
		   struct ovl_statmount **sm, size_t *size)
{
	for (;;) {
		struct ovl_statmount *big;

		if (*sm && !syscall(SYS_statmount, req, *sm, *size, flags))
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

/* statmount of one mount into *sm (grown as needed): 0, -ENOENT (gone),
 * or another -errno */
static int sm_one(const struct ovl_mount_table *t, uint64_t id, uint64_t mask,
		  struct ovl_statmount **sm, size_t *size)
{
	struct ovl_mnt_id_req req = {
		.size = t->ns_id ? OVL_MNT_ID_REQ_SIZE_VER1 :
			OVL_MNT_ID_REQ_SIZE_VER0,
		.mnt_id = id,
		.param = mask,
		.mnt_ns_id = t->ns_id,
	};

	return sm_call(&req, 0, sm, size);
}

#define OVL_SM_STRINGS (OVL_SM_MNT_ROOT | OVL_SM_MNT_POINT | OVL_SM_FS_TYPE | \
			OVL_SM_FS_SUBTYPE | OVL_SM_SB_SOURCE | \
			OVL_SM_SUPPORTED_MASK)

/*
 * size bytes in t's arena (a whole table's strings, kept as long as it:
 * one malloc() for many mounts, not one each), or NULL.
 */
#define OVL_ARENA_CHUNK (64 * 1024)
static char *arena_alloc(struct ovl_mount_table *t, size_t size)
{
	char *p;

	if (size > t->arena_left) {
		size_t chunk = sizeof(void *) + (size > OVL_ARENA_CHUNK ?
						  size : OVL_ARENA_CHUNK);
		void **c = malloc(chunk);

		if (!c)
			return NULL;
		*c = t->arena;
		t->arena = c;
		t->arena_next = (char *)(c + 1);
		t->arena_left = chunk - sizeof(void *);
	}
	p = t->arena_next;
	t->arena_next += size;
	t->arena_left -= size;
	return p;
}

/* m's strings from a statmount that asked for them: in a block of their
 * own (m->block), or in whole's arena where it is given */
static int sm_strings(struct ovl_mnt *m, const struct ovl_statmount *sm,
		      struct ovl_mount_table *whole)
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
	if (whole) {
		block = arena_alloc(whole, n[0] + n[1] + n[2] + n[3] + 1);
		m->block = NULL;	/* freed with the arena */
	} else {
		block = m->block = malloc(n[0] + n[1] + n[2] + n[3] + 1);
	}
	if (!block)
		return -ENOMEM;
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
int ovl_statmount_strings(struct ovl_mount_table *t, struct ovl_mnt *m)
{
	int err;

	t->sm_buf_all = 0;	/* overwritten */
	err = sm_one(t, m->unique_id, OVL_SM_STRINGS, &t->sm_buf, &t->sm_size);
	if (err) {
		/* gone: empty strings, no type */
		m->strings = true;
		m->root = m->target = m->source = "";
		m->fstype = NULL;
		return err == -ENOMEM ? err : 0;
	}
	return sm_strings(m, t->sm_buf, NULL);
}

/*
 * Every mount the view's listmount shows, with what statmount gives
 * without strings (IDs, device: one call a mount, the cheapest there
 * is); the strings come later, mount by mount.  Whether the kernel gives
 * every string the resolver needs (sb_source: 6.13) is asked once, of
 * the first mount: a kernel that cannot is read from mountinfo.
 */
static int from_ids(struct ovl_mount_table *t, const uint64_t *ids,
		    size_t nids, size_t want, uint64_t more);

int ovl_mount_table_from_statmount(struct ovl_mount_table *t,
				   uint64_t ns_id, size_t want)
{
	uint64_t *ids = NULL;
	size_t nids;
	int err;

	t->ns_id = ns_id;
	err = sm_list(ns_id, &ids, &nids);
	if (!err)
		err = from_ids(t, ids, nids, want, 0);
	free(ids);
	return err;
}

/* What a read of one overlay asks of its mount besides the table's
 * fields: read_mount() needs them all, one statmount gives them all. */
#define OVL_SM_ONE_MORE (OVL_SM_MNT_OPTS | OVL_SM_FS_LAYERS)

/*
 * A table of the one mount whose unique ID is id, strings and all: where
 * one mount is all a read needs (the overlay a path is on, when the kernel
 * describes it), a namespace of 50,000 mounts costs what one of 10 does.
 * Its super options and layers field are asked in the same statmount and
 * kept (sm_buf_all), so a read of it is that one call; a kernel that
 * refuses the request whole is asked again without them.  -ENOENT when
 * it is gone.
 */
int ovl_mount_table_one_statmount(struct ovl_mount_table *t, uint64_t ns_id,
				  uint64_t id)
{
	int err;

	t->ns_id = ns_id;
	err = from_ids(t, &id, 1, 1, OVL_SM_ONE_MORE);
	if (err && err != -ENOMEM && err != -EOPNOTSUPP && !t->n) {
		free(t->mnts);
		t->mnts = NULL;
		err = from_ids(t, &id, 1, 1, 0);
	} else if (!err && t->n) {
		t->sm_buf_all = id;
	}
	if (!err && !t->n)
		err = -ENOENT;
	return err;
}

/* The mounts ids[0..nids) into t (see ovl_mount_table_from_statmount()),
 * more: fields to ask of each besides (ovl_mount_table_one_statmount()) */
static int from_ids(struct ovl_mount_table *t, const uint64_t *ids,
		    size_t nids, size_t want, uint64_t more)
{
	struct ovl_statmount *sm = NULL;
	size_t size = 0, kept = 0;
	bool eager;
	int err = -ENOMEM;

	/* not zeroed: the first t->n are written whole, the rest unused */
	t->mnts = malloc((nids ? nids : 1) * sizeof(*t->mnts));
	if (!t->mnts)
		goto out;
	/* a statmount with strings costs about 2.5 without: with them, the
	 * strings of most mounts are read for less than apart */
	eager = 2 * want >= nids;
	for (size_t i = 0; i < nids; i++) {
		err = sm_one(t, ids[i], OVL_SM_SB_BASIC | OVL_SM_MNT_BASIC |
			     (t->n && !eager ? 0 : OVL_SM_STRINGS) | more,
			     &sm, &size);
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
			const struct ovl_mnt *m = &t->mnts[t->n - 1];

			err = sm_strings(&t->mnts[t->n - 1], sm, t);
			if (err)
				goto out;
			/* kept whole: bounded as mountinfo's text is (a
			 * container's mount points are as long as it makes
			 * them), whatever the number of mounts */
			kept += strlen(m->root) + strlen(m->target) +
				strlen(m->source) +
				(m->fstype ? strlen(m->fstype) : 0) + 4;
			if (kept > OVL_MOUNTINFO_MAX) {
				err = -EFBIG;
				goto out;
			}
		}
	}
	t->way = OVL_MOUNT_TABLE_STATMOUNT;
	t->whole = eager;
	t->sm_buf = sm;		/* for the strings, later */
	t->sm_size = size;
	sm = NULL;
	err = 0;
out:
	free(sm);
	return err;
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

int ovl_statmount_super_options(const struct ovl_mount_table *t,
				const struct ovl_mnt *mnt, char **out)
{
	struct ovl_statmount *sm = NULL, *own = NULL;
	struct ovl_buf b = { 0 };
	size_t size = 0;
	const char *opts;
	int err = 0;

	if (mnt->unique_id && t->sm_buf_all == mnt->unique_id)
		sm = t->sm_buf;		/* asked with the rest */
	else
		err = sm_one(t, mnt->unique_id, OVL_SM_SB_BASIC |
			     OVL_SM_MNT_OPTS | OVL_SM_SUPPORTED_MASK, &own,
			     &size);
	if (own)
		sm = own;
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
	free(own);
	return err;
}

/*
 * The layers description the kernel series gives through statmount
 * (STATMOUNT_FS_LAYERS, docs/layers-format.md): the kernel's own bytes,
 * which no user can write, so nothing needs probing before they are
 * believed.  Asked by m's unique ID in the table's namespace where the
 * table is statmount's (any mount of the overlay answers, a covered one
 * too), else through fd, m's root open (STATMOUNT_BY_FD, 7.0).  0 with
 * *val (malloc'd) and *len; -ENODATA where the kernel does not give it (no
 * series; no CAP_SYS_ADMIN over the overlay's superblock; a kernel before
 * 7.0 for an fd; a mount gone), *offered then saying whether the kernel
 * has the field at all (its supported_mask); -ENOMEM; -EIO for an answer
 * that does not hold together.
 */
int ovl_statmount_fs_layers(const struct ovl_mount_table *t,
			    const struct ovl_mnt *m, int fd,
			    unsigned char **val, size_t *len, bool *offered)
{
	const uint64_t mask = OVL_SM_FS_LAYERS | OVL_SM_SUPPORTED_MASK;
	struct ovl_mnt_id_req req = {
		.size = OVL_MNT_ID_REQ_SIZE_VER1,
		.fd = (uint32_t)fd,
		.param = mask,
	};
	struct ovl_statmount *sm = NULL, *own = NULL;
	size_t size = 0, room;
	int err;

	*offered = false;
	if (t->way == OVL_MOUNT_TABLE_STATMOUNT && m->unique_id &&
	    t->sm_buf_all == m->unique_id) {
		sm = t->sm_buf;		/* asked with the rest */
		size = t->sm_size;
		err = 0;
	} else if (t->way == OVL_MOUNT_TABLE_STATMOUNT && m->unique_id) {
		err = sm_one(t, m->unique_id, mask, &own, &size);
	} else if (fd >= 0) {
		err = sm_call(&req, OVL_STATMOUNT_BY_FD, &own, &size);
	} else {
		return -ENODATA;
	}
	if (own)
		sm = own;
	if (err) {
		free(own);
		return err == -ENOMEM ? err : -ENODATA;
	}
	*offered = (sm->mask & OVL_SM_SUPPORTED_MASK) &&
		   (sm->supported_mask & OVL_SM_FS_LAYERS);
	if (!(sm->mask & OVL_SM_FS_LAYERS)) {
		free(own);
		return -ENODATA;
	}
	/* what the kernel wrote: sm->size bytes, the strings after the
	 * fixed part; the description must lie inside them */
	room = sm->size > sizeof(*sm) && sm->size <= size ?
	       sm->size - sizeof(*sm) : 0;
	if (!sm->fs_layers_len || sm->fs_layers > room ||
	    sm->fs_layers_len > room - sm->fs_layers) {
		free(own);
		return -EIO;
	}
	*val = malloc(sm->fs_layers_len);
	if (*val) {
		memcpy(*val, sm->str + sm->fs_layers, sm->fs_layers_len);
		*len = sm->fs_layers_len;
	}
	free(own);
	return *val ? 0 : -ENOMEM;
}
