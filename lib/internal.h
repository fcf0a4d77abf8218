/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libovllayers: what the sources share and the public header does not. */
#ifndef OVL_INTERNAL_H
#define OVL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "ovllayers.h"

/* Built with -fvisibility=hidden: only these are exported (and listed in
 * libovllayers.map). */
#define OVL_EXPORT __attribute__((visibility("default")))

#define OVL_HDR_LEN		4	/* version, magic, le16 count */
#define OVL_REC_LEN		12	/* kind, flags, le16 index, le32 dev x2 */
#define OVL_FB_HDR_LEN		21	/* version, magic, len, flags, type, uuid */
#define OVL_FB_VERSION		0
#define OVL_FB_MAGIC		0xfb
#define OVL_FB_FLAG_PATH_UPPER	0x04
#define OVL_FB_FLAGS_KNOWN	0x07	/* BIG_ENDIAN, ANY_ENDIAN, PATH_UPPER */
#define OVERLAYFS_MAGIC		0x794c7630

/* Where one layer is now: what ovl_layers_location() hands out. */
struct ovl_loc {
	int status;
	int mnt_id;
	uint64_t mnt_id_unique;
	char *mount_point;
	char *root;
	char *path;
	int fd;
};

struct ovl_layers {
	int source;			/* enum ovl_layers_source */
	unsigned int count;
	unsigned char *raw;		/* the value, as read or decoded */
	size_t raw_len;
	struct ovl_layer_record *recs;	/* pointers into raw */
	struct ovl_loc *locs;		/* count entries */
	char *mount_options;		/* the overlay's other options, or NULL */
};

/* decode.c */
int ovl_layers_new_from_raw(unsigned char *raw, size_t len, int source,
			    bool origin, struct ovl_layers **out);

/* encode a record into a growing value (mountinfo.c) */
struct ovl_buf {
	unsigned char *data;
	size_t len, cap;
};
int ovl_buf_put(struct ovl_buf *b, const void *p, size_t n);

/* mountinfo.c: the fallback, and the mount table helpers it shares with
 * read.c and resolve.c */
struct libmnt_table;
struct libmnt_fs;
int ovl_mountinfo_load(pid_t pid, struct libmnt_table **out);
struct libmnt_fs *ovl_mountinfo_find_id(struct libmnt_table *tb, int id);
/* raw: the overlay's super options as mountinfo spells them (escaped) */
int ovl_mountinfo_super_options(pid_t pid, int id, char **raw);
int ovl_layers_from_mountinfo(pid_t pid, const char *raw,
			      struct ovl_layers **out, const char **why);
char *ovl_overlay_other_options(const char *raw);
bool ovl_options_have(const char *raw, const char *name);

static inline bool ovl_uuid_is_null(const unsigned char *u)
{
	static const unsigned char zero[16];

	return !memcmp(u, zero, 16);
}

void ovl_layers_clear_locations(struct ovl_layers *l);
void ovl_loc_clear(struct ovl_loc *loc);
int ovl_fs_uuid(int fd, unsigned char uuid[16]);

/* load.c, record.c */
struct ovl_load_error {
	size_t offset;
	const char *reason;
};
/* On failure *text says whether the text of v was wrong (why->offset is
 * into v) or the value it decodes to (why->offset is into that). */
int ovl_load_value(const char *v, size_t n, bool origin,
		   struct ovl_layers **out, struct ovl_load_error *why,
		   bool *text);
int ovl_record_load(const char *text, size_t len, struct ovl_layers **out,
		    struct ovl_load_error *why);

/* path helpers */
int ovl_proc_path(pid_t pid, const char *path, char *buf, size_t size);

#endif
