// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The restore: CRIU's RESTORE_EXT_MOUNT hook for an overlay marked
 * with_plugin; its description is checked against CRIU's own mount images
 * and each layer opened beneath the mount CRIU restored for it, then the
 * overlay is mounted from those fds (plugin.c's first comment).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <criu/criu-plugin.h>

#include "common.h"
#include "plugin.h"

/* -1 when missing or not an integer: no ID, index or device is */
static int64_t member_int(struct json_object *o, const char *key)
{
	int64_t n;

	return ovl_json_int(o, key, &n) ? n : -1;
}

/* The whole text as one JSON object, nothing before or after it. */
static struct json_object *parse_json(const char *text, size_t len)
{
	struct json_object *o = NULL;
	size_t bad;

	if (len <= JSON_MAX)
		ovl_json_object(text, len, &o, &bad);
	return o;
}

/* ovl-layers-<id>.json; NULL with *err -ENOENT when there is none (the
 * mount is not ours), or another error, said. */
static struct json_object *load_json(int id, int *err)
{
	struct json_object *o = NULL;
	unsigned char *text = NULL;
	char name[64];
	size_t len;

	snprintf(name, sizeof(name), "ovl-layers-%d.json", id);
	*err = criu_read_file(criu_get_image_dir(), name, JSON_MAX, &text, &len);
	if (*err == -ENOENT)
		return NULL;
	if (*err) {
		plugin_say(CR_LOG_ERROR, "%s: %s", name, *err == -EFBIG ?
		    "larger than any description" : criu_image_error(*err));
		*err = *err == -ELOOP || *err == -EFBIG || *err == -ENXIO ?
		       -EINVAL : *err;
		return NULL;
	}
	*err = -EINVAL;
	/* json-c: loaded now, at the first restore hook (the dump writes
	 * these files without it, so that it never loads it) */
	if (!ovl_json()) {
		plugin_say(CR_LOG_ERROR, "%s: libjson-c (%s), which reads it, cannot be loaded",
		    name, OVL_JSONC_SONAME);
		*err = -ELIBACC;
		free(text);
		return NULL;
	}
	o = parse_json((const char *)text, len);
	if (o && (!ovl_json_str(o, "format") || strcmp(ovl_json_str(o, "format"), FORMAT)))
		plugin_say(CR_LOG_ERROR, "%s: not an %s image", name, FORMAT);
	else if (o && member_int(o, "version") != FORMAT_VERSION)
		plugin_say(CR_LOG_ERROR, "%s: version %lld, this plugin reads %d", name,
		    (long long)member_int(o, "version"), FORMAT_VERSION);
	else if (o)
		*err = 0;
	else
		plugin_say(CR_LOG_ERROR, "%s: unreadable or not JSON", name);
	if (*err && o) {
		ovl_json()->object_put(o);
		o = NULL;
	}
	free(text);
	return o;
}

/*
 * CRIU's mount images, read once at the first restore hook: what the
 * descriptions are checked against.  An image that cannot be read is left
 * out (an overlay in it then has no entry, and is refused).
 */

static void read_mnt_images(void)
{
	int dir = criu_get_image_dir(), dfd;
	struct dirent *de;
	DIR *d;

	ovl_plugin.images_read = true;
	dfd = dir >= 0 ? openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		struct criu_mnt_image img, *more;

		if (!criu_is_mnt_image(de->d_name) ||
		    criu_mnt_image_read(dir, de->d_name, &img))
			continue;
		more = realloc(ovl_plugin.images, (ovl_plugin.nimages + 1) * sizeof(*ovl_plugin.images));
		if (!more) {
			criu_mnt_image_free(&img);
			break;
		}
		ovl_plugin.images = more;
		ovl_plugin.images[ovl_plugin.nimages++] = img;
	}
	closedir(d);
}

static void free_mnt_images(void)
{
	for (size_t i = 0; i < ovl_plugin.nimages; i++)
		criu_mnt_image_free(&ovl_plugin.images[i]);
	free(ovl_plugin.images);
	ovl_plugin.images = NULL;
	ovl_plugin.nimages = 0;
	ovl_plugin.images_read = false;
}

/* The entry of mount id in CRIU's images, and the image it is in. */
static const struct criu_mnt *mnt_entry(int id, const struct criu_mnt_image **img)
{
	if (!ovl_plugin.images_read)
		read_mnt_images();
	for (size_t i = 0; i < ovl_plugin.nimages; i++) {
		const struct criu_mnt *m = criu_mnt_find(&ovl_plugin.images[i], id);

		if (m) {
			*img = &ovl_plugin.images[i];
			return m;
		}
	}
	return NULL;
}

/*
 * Where CRIU put the mounts of this checkpoint, from where it wants the
 * overlay: mount-v2 gives every mount <yard>/mnt-<id>; the compat engine
 * builds the namespace's tree under <yard>/<ns>/, where the overlay goes
 * to <that root><its mount point>.
 */
struct places {
	char base[PATH_MAX];	/* the yard, or the namespace's root */
	bool by_id;		/* mount-v2 */
};

static int where_mounts_are(const char *target, int id, const char *mountpoint,
			    struct places *p)
{
	const char *slash = strrchr(target, '/');
	char own[32];
	size_t n = strlen(target), m = strlen(mountpoint);

	snprintf(own, sizeof(own), "mnt-%010d", id);
	if (slash && !strcmp(slash + 1, own) &&
	    (size_t)(slash - target) < sizeof(p->base)) {
		p->by_id = true;
		snprintf(p->base, sizeof(p->base), "%.*s", (int)(slash - target),
			 target);
		return 0;
	}
	if (!strcmp(mountpoint, "/"))
		m = 0;
	if (n > m && !strcmp(target + n - m, mountpoint) && n - m < sizeof(p->base)) {
		p->by_id = false;
		snprintf(p->base, sizeof(p->base), "%.*s", (int)(n - m), target);
		return 0;
	}
	return -EINVAL;
}

static int open_beneath(int dirfd, const char *rel, uint64_t resolve)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | resolve,
	};
	int fd;

	rel += strspn(rel, "/");
	fd = (int)syscall(SYS_openat2, dirfd, *rel ? rel : ".", &how,
			  sizeof(how));
	return fd < 0 ? -errno : fd;
}

/*
 * The layer directory of one saved layer, opened beneath the mount CRIU
 * restored for lm: that mount's root first (it must be a mount's root, not
 * a directory waiting for one), then the layer's root inside it, which may
 * take no "..", no symlink and no other mount.  dir names it for messages.
 */
static int open_layer(const struct places *p, const struct criu_mnt *lm,
		      const char *root, char *dir, size_t size)
{
	struct statx stx;
	char own[32];
	const char *rel;
	int base, mnt, fd;

	snprintf(own, sizeof(own), "mnt-%010u", lm->mnt_id);
	rel = p->by_id ? own : lm->mountpoint;
	snprintf(dir, size, "%s%s%s%s", p->base, p->by_id ? "/" : "",
		 p->by_id || strcmp(rel, "/") ? rel : "", strcmp(root, "/") ? root : "");
	base = open(p->base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (base < 0)
		return -errno;
	mnt = open_beneath(base, rel, 0);
	close(base);
	if (mnt < 0)
		return mnt;
	/* the root of a mount: statx without asking the filesystem */
	if (statx(mnt, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, 0, &stx) ||
	    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
	    !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
		close(mnt);
		return -ENOENT;	/* not mounted there (yet) */
	}
	fd = open_beneath(mnt, root, RESOLVE_NO_XDEV);
	close(mnt);
	return fd;
}

/* A mount's MS_* flags (CRIU's MntEntry.flags) as mount attributes; CRIU
 * does not apply them to a plugin's mount. */
static unsigned int attr_of_flags(uint32_t flags)
{
	unsigned int attr = 0;

	if (flags & MS_RDONLY)
		attr |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		attr |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		attr |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		attr |= MOUNT_ATTR_NOEXEC;
	if (flags & MS_NODIRATIME)
		attr |= MOUNT_ATTR_NODIRATIME;
	if (flags & MS_NOSYMFOLLOW)
		attr |= MOUNT_ATTR_NOSYMFOLLOW;
	if (flags & MS_NOATIME)
		attr |= MOUNT_ATTR_NOATIME;
	else if (flags & MS_STRICTATIME)
		attr |= MOUNT_ATTR_STRICTATIME;
	return attr;	/* else MOUNT_ATTR_RELATIME, which is 0 */
}

/* The saved overlay's other options, and its source ("overlay", plugin_say) as
 * fsconfig()'s "source" when it fits in an option list. */
static int mount_options(const struct ovl_layers *l, const char *source,
			 char **out)
{
	const char *rest = ovl_layers_options(l);

	if (!rest)
		rest = "";
	if (!source || !*source || strpbrk(source, ",\""))
		*out = strdup(rest);
	else if (asprintf(out, "%s%ssource=%s", rest, *rest ? "," : "", source) < 0)
		*out = NULL;
	return *out ? 0 : -ENOMEM;
}

/* The description of overlay ent agrees with CRIU's image of it. */
static int check_description(struct json_object *o, const struct criu_mnt *ent,
			     const char *mountpoint)
{
	int64_t flags = member_int(o, "flags");

	if (member_int(o, "mnt_id") != ent->mnt_id ||
	    strcmp(mountpoint, ent->mountpoint) ||
	    member_int(o, "root_dev") != ent->root_dev ||
	    (ovl_json()->object_object_get_ex(o, "flags", NULL) &&
	     flags != ent->flags)) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %u): its description disagrees with CRIU's mount image (mount ID, mount point, device or flags)",
		    ent->mountpoint, ent->mnt_id);
		return -EINVAL;
	}
	return 0;
}

/* Layer i of the description agrees with record i and with the image:
 * its kind and index, and a mount of the overlay's own image. */
static const struct criu_mnt *check_layer(struct json_object *one,
					  const struct ovl_layer_record *r,
					  const struct criu_mnt_image *img,
					  const struct criu_mnt *ent,
					  const char **what)
{
	const char *kind = ovl_json_str(one, "kind");
	const char *mp = ovl_json_str(one, "mountpoint");
	const char *root = ovl_json_str(one, "root");
	int64_t id = member_int(one, "mnt_id");
	const struct criu_mnt *lm;

	*what = "its place in the image is incomplete";
	if (!kind || !mp || !root || id < 0 || id > UINT32_MAX)
		return NULL;
	*what = "its kind or index disagrees with the descriptor";
	if (!ovl_layers_kind_name(r->kind) ||
	    strcmp(kind, ovl_layers_kind_name(r->kind)) ||
	    member_int(one, "index") != r->index)
		return NULL;
	*what = "its root is not a path inside its mount";
	if (root[0] != '/' || strlen(root) >= PATH_MAX)
		return NULL;
	*what = "its mount is not in CRIU's image of the overlay's mount namespace";
	lm = criu_mnt_find(img, (uint32_t)id);
	if (!lm || lm == ent)
		return NULL;
	*what = "its mount point disagrees with CRIU's image";
	if (strcmp(mp, lm->mountpoint))
		return NULL;
	return lm;
}

/*
 * ovl_layers_fsmount() failed with err: why, and the layer it is about
 * (ovl_error_layer(), -1 when it is about none: the options, the kernel's
 * refusal of the whole).  A layer given through an idmapped mount at
 * checkpoint time is refused by the library (-EOPNOTSUPP) unless its
 * directory here is on an idmapped mount too: mounted without its mapping,
 * its files would have other owners, and criu re-creates no idmapped
 * mount (the dump refuses such a layer too: only a description written
 * otherwise has one).
 */
static void mount_failed(const struct ovl_layers *l, const char *mountpoint,
			 int id, const char *target, int err)
{
	const char *why = plugin_error_message(err);
	int layer = ovl_plugin.err ? ovl_error_layer(ovl_plugin.err) : -1;
	struct ovl_layer_record r;

	if (layer < 0 || (unsigned int)layer >= ovl_layers_count(l) ||
	    ovl_layers_get_record(l, (unsigned int)layer, &r, sizeof(r)) < 0) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): mounting it at %s: %s",
		    mountpoint, id, target, why);
		return;
	}
	if (err == -EOPNOTSUPP && (r.valid & OVL_RECORD_VALID_ATTR) &&
	    (r.attr & MOUNT_ATTR_IDMAP))
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): not mounted at %s: its %s layer %u was given through an idmapped mount at checkpoint time, and its directory here is on a mount without that mapping, which criu does not re-create: mounted so, its files would have other owners",
		    mountpoint, id, target, ovl_layers_kind_name(r.kind), r.index);
	else
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): mounting it at %s: its %s layer %u: %s",
		    mountpoint, id, target, ovl_layers_kind_name(r.kind), r.index,
		    why);
}

static int restore_overlay(struct json_object *o, const struct criu_mnt_image *img,
			   const struct criu_mnt *ent, const char *target)
{
	const struct ovl_json_lib *j = ovl_json();	/* o is json-c's */
	struct ovl_layers *l = NULL;
	struct json_object *layers, *rec;
	const char *mountpoint = ovl_json_str(o, "mountpoint");
	const char *text;
	char *options = NULL;
	struct places p;
	unsigned int i, verified = 0;
	int id = (int)ent->mnt_id, err, mntfd;

	if (ovl_json_str(o, "error")) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d) was not described at checkpoint time: %s",
		    mountpoint ? mountpoint : "?", id, ovl_json_str(o, "error"));
		return -EINVAL;
	}
	if (!mountpoint || !j->object_object_get_ex(o, "layers", &layers) ||
	    !j->object_is_type(layers, json_type_array) ||
	    !j->object_object_get_ex(o, "record", &rec) ||
	    !j->object_is_type(rec, json_type_object)) {
		plugin_say(CR_LOG_ERROR, "overlay mount %d: the image lacks its layers", id);
		return -EINVAL;
	}
	err = check_description(o, ent, mountpoint);
	if (err)
		return err;
	text = j->object_to_json_string_ext(rec, JSON_C_TO_STRING_SPACED);
	if (!text) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): out of memory",
		    mountpoint, id);
		return -ENOMEM;
	}
	err = ovl_layers_load(text, strlen(text), &l, plugin_error());
	if (!err)
		ovl_layers_set_log(l, plugin_lib_log_priority(), plugin_lib_log, NULL, 0);
	if (err) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): its descriptor: %s",
		    mountpoint, id, plugin_error_message(err));
		return err;
	}
	if (j->array_length(layers) != ovl_layers_count(l)) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): %zu layers saved for %u records",
		    mountpoint, id, j->array_length(layers),
		    ovl_layers_count(l));
		err = -EINVAL;
		goto out;
	}
	err = where_mounts_are(target, id, mountpoint, &p);
	if (err) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): cannot tell where CRIU restores the other mounts from %s",
		    mountpoint, id, target);
		goto out;
	}
	for (i = 0; i < ovl_layers_count(l); i++) {
		struct json_object *one = j->array_get_idx(layers, i);
		const char *path = ovl_json_str(one, "path"), *what;
		const struct criu_mnt *lm;
		struct ovl_layer_record r;
		char dir[PATH_MAX * 2];
		int fd;

		if (!path)
			path = "?";
		ovl_layers_get_record(l, i, &r, sizeof(r));
		lm = check_layer(one, &r, img, ent, &what);
		if (!lm) {
			plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): %s layer %u (%s on mount %lld): %s",
			    mountpoint, id, ovl_layers_kind_name(r.kind), r.index,
			    path, (long long)member_int(one, "mnt_id"), what);
			err = -EINVAL;
			goto out;
		}
		fd = open_layer(&p, lm, ovl_json_str(one, "root"), dir, sizeof(dir));
		err = fd < 0 ? fd : ovl_layers_place_fd(l, i, fd, 0, plugin_error());
		if (err < 0) {
			plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): %s layer %u (%s on mount %u) at %s: %s%s",
			    mountpoint, id, ovl_layers_kind_name(r.kind), r.index,
			    path, lm->mnt_id, dir,
			    err == -ESTALE ? "" :
			    fd < 0 && (err == -EXDEV || err == -ELOOP) ?
			    "it leads out of its mount (\"..\", a symbolic link or another mount)" :
			    fd < 0 ? strerror(-err) : plugin_error_message(err),
			    err == -ESTALE ? "another directory than the checkpoint's (its file handle differs)"
					   : fd < 0 && err == -ENOENT ? " (is that mount restored after the overlay?)" : "");
			if (fd >= 0)
				close(fd);
			goto out;
		}
		close(fd);
		verified += err;
		plugin_say(CR_LOG_DEBUG, "overlay %s: %s layer %u at %s (%s)", mountpoint,
		    ovl_layers_kind_name(r.kind), r.index, dir,
		    err ? "same filesystem, file handle matches"
			: "re-created filesystem");
	}
	err = mount_options(l, ovl_json_str(o, "source"), &options);
	if (err) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): mounting it at %s: %s",
		    mountpoint, id, target, strerror(-err));
		goto out;
	}
	mntfd = ovl_layers_fsmount(l, options, attr_of_flags(ent->flags), 0,
				   plugin_error());
	free(options);
	if (mntfd < 0) {
		err = mntfd;
		mount_failed(l, mountpoint, id, target, err);
		goto out;
	}
	if (move_mount(mntfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
		err = -errno;
	close(mntfd);
	if (err) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %d): moving it to %s: %s",
		    mountpoint, id, target, strerror(-err));
		goto out;
	}
	plugin_say(CR_LOG_INFO, "overlay %s (mount %d) mounted at %s from %u layers (%u checked by file handle)",
	    mountpoint, id, target, ovl_layers_count(l), verified);
out:
	ovl_layers_free(l);
	return err;
}

/*
 * Two mounts of one overlay (a bind mount of its root) are two entries of
 * the image, each handed to the plugin: the first is mounted, the others
 * are bind mounts of it, so that they stay one filesystem.
 */


static int bind_again(const struct mounted *first, const char *target,
		      uint32_t flags)
{
	struct mount_attr attr = { .attr_set = attr_of_flags(flags) };
	int fd = open_tree(AT_FDCWD, first->target, OPEN_TREE_CLONE |
			   OPEN_TREE_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	/* its own flags, on the detached copy, before it is seen */
	attr.attr_clr = MOUNT_ATTR__ATIME;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) ||
	    move_mount(fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
		err = -errno;
	close(fd);
	return err;
}

int plugin_restore_ext_mount(int id, char *mountpoint, char *old_root,
			     int *is_file)
{
	const struct criu_mnt_image *img = NULL;
	const struct criu_mnt *ent;
	struct json_object *o;
	struct mounted *m;
	int64_t dev;
	int err;

	(void)old_root;
	(void)is_file;	/* NULL from CRIU 3.17 */
	o = load_json(id, &err);
	if (!o)
		return err == -ENOENT ? -ENOTSUP : err;	/* not an overlay of ours */
	ent = mnt_entry(id, &img);
	if (!ent || ent->fstype != CRIU_FSTYPE_OVERLAYFS || !ent->with_plugin) {
		plugin_say(CR_LOG_ERROR, "overlay mount %d: %s", id, !ent ?
		    "not in CRIU's mount images" :
		    "CRIU's mount image has no overlay marked for a plugin with that ID");
		err = -EINVAL;
		goto out;
	}
	dev = member_int(o, "root_dev");
	for (m = ovl_plugin.mounted; m && m->root_dev != dev; m = m->next)
		;
	if (m) {
		err = check_description(o, ent, ovl_json_str(o, "mountpoint") ?
					ovl_json_str(o, "mountpoint") : "");
		if (!err)
			err = bind_again(m, mountpoint, ent->flags);
		if (err == -EINVAL)
			;	/* said */
		else if (err)
			plugin_say(CR_LOG_ERROR, "overlay mount %d: binding %s at %s: %s", id,
			    m->target, mountpoint, strerror(-err));
		else
			plugin_say(CR_LOG_INFO, "overlay mount %d: a bind mount of %s", id,
			    m->target);
		goto out;
	}
	err = restore_overlay(o, img, ent, mountpoint);
	if (!err && (m = calloc(1, sizeof(*m))) &&
	    (m->target = strdup(mountpoint))) {
		m->root_dev = dev;
		m->next = ovl_plugin.mounted;
		ovl_plugin.mounted = m;
	} else if (!err) {
		free(m);
		err = -ENOMEM;
	}
out:
	ovl_json()->object_put(o);
	return err;
}

/* What the restore hooks kept, freed at the plugin's exit */
void plugin_restore_fini(void)
{
	while (ovl_plugin.mounted) {
		struct mounted *next = ovl_plugin.mounted->next;

		free(ovl_plugin.mounted->target);
		free(ovl_plugin.mounted);
		ovl_plugin.mounted = next;
	}
	free_mnt_images();
}
