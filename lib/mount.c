// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Re-create an overlay from its layer descriptor.
 *
 * The layers are named by where they are *now* (the resolution), never by
 * the path strings saved at checkpoint time: a layer whose status is ok is
 * given by its path, a shadowed one through /proc/self/fd/N of its O_PATH
 * fd (the path leads to whatever covers it).  The new mount API takes one
 * layer per fsconfig() call (lowerdir+, datadir+), so 500 layers fit where
 * mount(2)'s one-page option string would not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "internal.h"

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
