/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The resolver (resolve.c) and what it stands on, shared by its three
 * files: resolve.c (the algorithm: a record to a mount, a path and an
 * fd, and the API), resolve_index.c (the mount table indexed by mount ID,
 * device and uuid, mount roots opened and checked, the snapshot's cache)
 * and fs_policy.c (what the resolver assumes of filesystems and of the
 * caller).  Private to these files.
 */
#ifndef OVL_RESOLVER_H
#define OVL_RESOLVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

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
	unsigned int fs_class;	/* ovl_fs_mount_class(): OVL_FS_* */
	bool walk_clear;	/* no mount from it up to the view's root
				   can block (ovl_rsv_would_block() is 0
				   whatever it allows): learned once */
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
	struct ovl_mount_table *t;
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
	bool no_handle_mnt;	/* name_to_handle_at(2) without
				   AT_HANDLE_MNT_ID_UNIQUE (before 6.12) */
};

/* resolve_index.c */
struct mount_ent *ovl_rsv_find_id(struct resolver *r, int id);
struct sb_ent *ovl_rsv_find_sb(struct resolver *r, dev_t dev);
int ovl_rsv_init(struct resolver *r, const struct ovl_view *v,
		 unsigned int flags, size_t records);
int ovl_rsv_ent_ready(struct resolver *r, struct mount_ent *e);
void ovl_rsv_ent_forget(struct resolver *r, struct mount_ent *e);
int ovl_rsv_sb_ready(struct resolver *r, struct sb_ent *sb);
struct mount_ent *ovl_rsv_sb_first(struct resolver *r, struct sb_ent *sb);
void ovl_rsv_close_root(struct mount_ent *e);
void ovl_rsv_fini(struct resolver *r);
int ovl_rsv_mount_root(struct resolver *r, struct mount_ent *e, dev_t allowed);
char *ovl_rsv_fd_path(struct resolver *r, int fd);
const char *ovl_rsv_root_path(struct resolver *r, struct mount_ent *e);
int ovl_rsv_probe_uuid(struct resolver *r, struct sb_ent *sb, dev_t allowed);
int ovl_rsv_stays_in(struct resolver *r, struct mount_ent *e, const char *path);
int ovl_rsv_index_uuids(struct resolver *r);
size_t ovl_rsv_find_uuid(const struct resolver *r, const unsigned char *uuid,
			 size_t *first);
int ovl_rsv_get(struct ovl_view *view, unsigned int flags,
		size_t records, struct resolver *own,
		struct resolver **out);

int ovl_rsv_would_block(struct resolver *r, struct mount_ent *e,
			dev_t allowed);

/* fs_policy.c: what is assumed of a filesystem type (ovl_fs_class()) */
enum {
	OVL_FS_BLOCKS = 1,	/* its server may never answer */
	OVL_FS_ONE_WAY = 2,	/* names spelled one way, if not casefolded */
	OVL_FS_CASEFOLD = 4,	/* may have casefolded directories */
};
unsigned int ovl_fs_class(const char *fstype);
unsigned int ovl_fs_mount_class(const struct ovl_mnt *fs);
bool ovl_fs_can_block(const struct ovl_mnt *fs);
bool ovl_path_canonical(const char *p);
bool ovl_fs_spelled_one_way(const char *fstype);
bool ovl_rsv_may_decode(struct resolver *r);
bool ovl_rsv_may_casefold(struct resolver *r, const struct mount_ent *e);

#endif /* OVL_RESOLVER_H */
