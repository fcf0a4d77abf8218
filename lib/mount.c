// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Re-create an overlay from its layer descriptor.
 *
 * The layers are named by where they are *now*, never by the path strings
 * saved at checkpoint time: where the resolution found them, or where the
 * restorer put them (ovl_layers_place(): a checkpoint/restore tool that
 * re-created the layer filesystems knows where each one is, and the
 * descriptor checks it wherever the filesystem kept its identity).  A
 * layer whose status is ok is given by its path, a shadowed one through
 * /proc/self/fd/N of its O_PATH fd (the path leads to whatever covers it).  The new mount API takes one
 * layer per fsconfig() call (lowerdir+, datadir+), so 500 layers fit where
 * mount(2)'s one-page option string would not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

/* Does the handle of the directory fd equal the record's? */
static int same_handle(int fd, const struct ovl_layer_record *rec)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[OVL_LAYERS_FID_MAX];
	} h = { .fh.handle_bytes = OVL_LAYERS_FID_MAX };
	int mnt;

	if (name_to_handle_at(fd, "", &h.fh, &mnt, AT_EMPTY_PATH))
		return -errno;
	return h.fh.handle_type == rec->fh_type &&
	       h.fh.handle_bytes == rec->fid_len &&
	       !memcmp(h.fh.f_handle, rec->fid, rec->fid_len);
}

OVL_EXPORT
int ovl_layers_place(struct ovl_layers *layers, unsigned int i,
		     const char *path, unsigned int flags)
{
	const struct ovl_layer_record *rec;
	struct ovl_loc *loc;
	unsigned char uuid[16];
	struct statx stx;
	char *copy = NULL;
	int fd, err, verified = 0;

	if (!layers || !path || flags || i >= layers->count)
		return -EINVAL;
	rec = &layers->recs[i];
	if (rec->kind == OVL_LAYER_ORIGIN)
		return -EINVAL;
	/* O_RDONLY, not O_PATH: FS_IOC_GETFSUUID needs a real open */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = ovl_fs_uuid(fd, uuid);
	/*
	 * The same filesystem (same non-null uuid: re-mounted, not
	 * re-created) must give the same directory.  Another uuid is a new
	 * filesystem, a tmpfs filled from an archive say: its handles are
	 * new, so only the restorer's bookkeeping says which directory it is.
	 */
	if (!err && !ovl_uuid_is_null(rec->uuid) && !memcmp(uuid, rec->uuid, 16) &&
	    !(rec->flags & OVL_LAYER_NOFH)) {
		err = same_handle(fd, rec);
		if (err == 1) {
			verified = 1;
			err = 0;
		} else if (err == 0) {
			err = -ESTALE;	/* another directory of that fs */
		}
	}
	if (!err && !(copy = strdup(path)))
		err = -ENOMEM;
	if (err)
		goto out;
	loc = &layers->locs[i];
	ovl_loc_clear(loc);
	loc->path = copy;
	loc->status = OVL_LAYER_OK;
	if (!statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) &&
	    (stx.stx_mask & STATX_MNT_ID))
		loc->mnt_id = (int)stx.stx_mnt_id;
out:
	close(fd);
	return err ? err : verified;
}

/* The fsconfig() key for a record, NULL for a kind that is not a layer. */
static const char *layer_key(unsigned int kind)
{
	switch (kind) {
	case OVL_LAYER_UPPER:
		return "upperdir";
	case OVL_LAYER_WORK:
		return "workdir";
	case OVL_LAYER_LOWER:
		return "lowerdir+";
	case OVL_LAYER_DATA:
		return "datadir+";
	}
	return NULL;
}

/* Options that name layers: the descriptor decides those, not the string. */
static int is_layer_option(const char *key)
{
	static const char *const keys[] = {
		"lowerdir", "lowerdir+", "datadir+", "upperdir", "workdir",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}

/*
 * Apply a comma-separated option string with fsconfig().  Overlay options
 * take no commas in values once the layer paths are out, so a plain split
 * is enough; "rw" is the default and skipped.
 */
static int apply_options(int fsfd, const char *options)
{
	char *copy, *save = NULL, *opt;
	int err = 0;

	if (!options || !*options)
		return 0;
	copy = strdup(options);
	if (!copy)
		return -ENOMEM;
	for (opt = strtok_r(copy, ",", &save); opt && !err;
	     opt = strtok_r(NULL, ",", &save)) {
		char *value = strchr(opt, '=');

		if (value)
			*value++ = '\0';
		if (is_layer_option(opt)) {
			err = -EINVAL;
			break;
		}
		if (!strcmp(opt, "rw"))
			continue;
		if (value)
			err = fsconfig(fsfd, FSCONFIG_SET_STRING, opt, value, 0);
		else
			err = fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
		if (err)
			err = -errno;
	}
	free(copy);
	return err;
}

/*
 * The kernel unescapes upperdir and workdir (a backslash quotes the next
 * character) but takes lowerdir+ and datadir+ as they are.
 */
static int set_layer(int fsfd, unsigned int kind, const char *path)
{
	char *esc = NULL, *d;
	int err = 0;

	if (kind == OVL_LAYER_UPPER || kind == OVL_LAYER_WORK) {
		esc = malloc(2 * strlen(path) + 1);
		if (!esc)
			return -ENOMEM;
		for (d = esc; *path; path++) {
			if (*path == '\\')
				*d++ = '\\';
			*d++ = *path;
		}
		*d = '\0';
		path = esc;
	}
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, layer_key(kind), path, 0))
		err = -errno;
	free(esc);
	return err;
}

OVL_EXPORT
int ovl_layers_mount(const struct ovl_layers *layers, const char *options,
		     const char *target, unsigned int flags,
		     unsigned int *failed)
{
	unsigned int count, i;
	int fsfd, mntfd, err;

	if (!layers || !target || flags)
		return -EINVAL;
	count = ovl_layers_count(layers);

	/* Every layer must be reachable before anything is mounted. */
	for (i = 0; i < count; i++) {
		struct ovl_layer_record rec;
		struct ovl_layer_location loc;

		err = ovl_layers_record(layers, i, &rec);
		if (!err)
			err = ovl_layers_location(layers, i, &loc);
		if (err)
			goto fail_at;
		if (!layer_key(rec.kind)) {
			err = -EINVAL;
			goto fail_at;
		}
		if (loc.status == OVL_LAYER_OK && loc.path)
			continue;
		if (loc.status == OVL_LAYER_SHADOWED && loc.fd >= 0)
			continue;
		err = -ENOENT;
		goto fail_at;
	}

	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	for (i = 0; i < count; i++) {
		struct ovl_layer_record rec;
		struct ovl_layer_location loc;
		char fdpath[32];
		const char *path;

		ovl_layers_record(layers, i, &rec);
		ovl_layers_location(layers, i, &loc);
		path = loc.path;
		if (loc.status == OVL_LAYER_SHADOWED) {
			snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d",
				 loc.fd);
			path = fdpath;
		}
		err = set_layer(fsfd, rec.kind, path);
		if (err) {
			close(fsfd);
			goto fail_at;
		}
	}
	err = apply_options(fsfd, options);
	if (!err && fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		err = -errno;
	if (err) {
		close(fsfd);
		return err;
	}
	mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	err = mntfd < 0 ? -errno : 0;
	close(fsfd);
	if (err)
		return err;
	if (move_mount(mntfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
		err = -errno;
	close(mntfd);
	return err;

fail_at:
	if (failed)
		*failed = i;
	return err;
}
