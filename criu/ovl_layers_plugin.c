// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl_layers_plugin.so: CRIU checkpoints and restores overlay mounts by
 * their layers as the kernel reports them now (trusted.overlay.layers),
 * not by the path strings of their mount options.  ovl_layers_plugin(1).
 *
 * CRIU dumps an overlay's mount options as mountinfo prints them and hands
 * them back to mount(2) at restore.  Those strings name the layers as the
 * mounter saw them: inside a container, paths of the container's own
 * root, which do not exist where CRIU mounts (its own root, the layers
 * sitting in a temporary yard); and after an overlay was once re-created
 * under that yard, paths of a yard that is gone.  Either way the restore
 * fails, or mounts whatever those paths lead to.
 *
 * Dump.  CRIU 3.17 offers a plugin no hook for a mount it can dump itself
 * (DUMP_EXT_MOUNT is only asked about bind mounts it cannot place), so the
 * plugin works when the dump is complete and the tasks are still frozen:
 * its exit callback at the DUMP stage.  For every overlay in the
 * mountpoints images it reads the layers xattr in the container's mount
 * namespace, resolves every layer there to a mount of the same checkpoint
 * and a path inside that mount, writes that to ovl-layers-<mnt_id>.json
 * next to CRIU's images, and sets with_plugin on the overlay's MntEntry,
 * so that CRIU leaves the mount to the plugin at restore.
 *
 * Restore.  RESTORE_EXT_MOUNT names the overlay's mount ID and where CRIU
 * wants it.  CRIU has mounted every earlier mount by then, each at a
 * place derived from its mount ID (mount-v2: <yard>/mnt-<id>; with
 * --mntns-compat-mode, the mount tree under <yard>/<ns>/), so each layer
 * is at its mount's place plus its path inside the mount.  The library
 * checks each against the saved handle wherever the layer filesystem kept
 * its identity (ovl_layers_place()), and mounts the overlay from there.
 * The new mount's option strings name that yard and go stale when it
 * goes: the next dump reads the xattr again, not them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <criu/criu-plugin.h>

#include "images.h"
#include "ovllayers.h"

#define PLUGIN		"ovl_layers"
#define FORMAT		"ovl_layers_plugin"
#define FORMAT_VERSION	1

/* CRIU's log (criu-log.h needs headers criu does not install); weak, so
 * that a test program can load the plugin without criu. */
extern void print_on_level(unsigned int level, const char *fmt, ...)
	__attribute__((weak, format(printf, 2, 3)));
enum { LOG_ERROR = 1, LOG_WARN = 2, LOG_INFO = 3, LOG_DEBUG = 4 };

__attribute__((format(printf, 2, 3)))
static void say(unsigned int level, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[LOG_ERROR] = "Error (" PLUGIN "): ",
		[LOG_WARN] = "Warn  (" PLUGIN "): ",
		[LOG_INFO] = PLUGIN ": ",
		[LOG_DEBUG] = PLUGIN ": ",
	};
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (print_on_level)
		print_on_level(level, "%s%s\n", prefix[level], msg);
	else
		fprintf(stderr, "%s%s\n", prefix[level], msg);
}

static int stage;

/* ------------------------------------------------------------------ */
/* Dump */

/*
 * A process that sees mount mnt_id at mountpoint from its root: mount IDs
 * are unique system-wide, so any process whose mountinfo lists it is in
 * the overlay's mount namespace.  CRIU does not tell plugins the pids it
 * dumps (CRTOOLS_INIT_PID is set only with action scripts).  Each mount
 * namespace's mountinfo is read once; within the right one, a process
 * whose root is elsewhere (chrooted) or whose view of the mount point is
 * covered is passed over for the next.
 */
struct ns_seen {
	ino_t *ino;
	bool *has;		/* its mountinfo lists the mount */
	size_t n, cap;
};

static int ns_lookup(struct ns_seen *ns, ino_t ino)
{
	for (size_t i = 0; i < ns->n; i++)
		if (ns->ino[i] == ino)
			return ns->has[i];
	return -1;
}

static void ns_add(struct ns_seen *ns, ino_t ino, bool has)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 16;
		ino_t *i = realloc(ns->ino, cap * sizeof(*i));
		bool *h = i ? realloc(ns->has, cap * sizeof(*h)) : NULL;

		if (i)
			ns->ino = i;
		if (!h)
			return;	/* not remembered: read again, no harm */
		ns->has = h;
		ns->cap = cap;
	}
	ns->ino[ns->n] = ino;
	ns->has[ns->n++] = has;
}

static bool lists_mount(const char *pid, uint32_t mnt_id, char **line,
			size_t *cap)
{
	char path[PATH_MAX], want[16];
	bool listed = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/mountinfo", pid);
	snprintf(want, sizeof(want), "%u ", mnt_id);
	f = fopen(path, "re");
	while (f && !listed && getline(line, cap, f) > 0)
		listed = !strncmp(*line, want, strlen(want));
	if (f)
		fclose(f);
	return listed;
}

static pid_t find_pid(uint32_t mnt_id, const char *mountpoint)
{
	DIR *proc = opendir("/proc");
	struct ns_seen ns = { 0 };
	struct dirent *de;
	char *line = NULL;
	size_t cap = 0;
	pid_t found = -1;

	while (proc && found < 0 && (de = readdir(proc))) {
		char path[PATH_MAX];
		struct statx stx;
		struct stat st;
		int has;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/mnt", de->d_name);
		if (stat(path, &st))
			continue;
		has = ns_lookup(&ns, st.st_ino);
		if (has < 0) {
			has = lists_mount(de->d_name, mnt_id, &line, &cap);
			ns_add(&ns, st.st_ino, has);
		}
		if (!has)
			continue;
		if (snprintf(path, sizeof(path), "/proc/%s/root%s", de->d_name,
			     mountpoint) >= (int)sizeof(path))
			continue;
		if (!statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) &&
		    (stx.stx_mask & STATX_MNT_ID) && stx.stx_mnt_id == mnt_id)
			found = atoi(de->d_name);
	}
	free(line);
	free(ns.ino);
	free(ns.has);
	if (proc)
		closedir(proc);
	return found;
}

static int add(struct json_object *o, const char *key, struct json_object *v)
{
	return v ? json_object_object_add(o, key, v) : -1;
}

static int add_str(struct json_object *o, const char *key, const char *s)
{
	return add(o, key, json_object_new_string(s ? s : ""));
}

static int add_int(struct json_object *o, const char *key, int64_t n)
{
	return add(o, key, json_object_new_int64(n));
}

/*
 * The layers of the overlay m, as the kernel reports them in the mount
 * namespace being dumped, each placed on a mount of this image.  Fills o;
 * on failure returns a message in why (static or in buf).
 */
static int describe(const struct criu_mnt_image *img, const struct criu_mnt *m,
		    struct json_object *o, const char **why, char *buf,
		    size_t size)
{
	struct ovl_layers *l = NULL;
	struct json_object *layers, *rec;
	const char *reason;
	unsigned int i;
	char *record = NULL;
	pid_t pid;
	int err;

	pid = find_pid(m->mnt_id, m->mountpoint);
	if (pid < 0) {
		*why = "no process of the dumped mount namespace sees the overlay at its mount point (covered by another mount?)";
		return -ENOENT;
	}
	err = ovl_layers_read_reason(pid, m->mountpoint, 0, &l, &reason);
	if (err) {
		snprintf(buf, size, "reading its layers in process %d's view: %s",
			 (int)pid, reason);
		*why = buf;
		return err;
	}
	if (ovl_layers_source(l) == OVL_LAYERS_SOURCE_MOUNTINFO)
		say(LOG_WARN, "overlay %s (mount %u): the kernel has no %s; its layers come from the mount option path strings, which are true only until the first restore",
		    m->mountpoint, m->mnt_id, OVL_LAYERS_XATTR);
	err = ovl_layers_resolve(l, pid, 0, NULL);
	if (err) {
		snprintf(buf, size, "resolving its layers in process %d's view: %s",
			 (int)pid, ovl_layers_strerror(err));
		*why = buf;
		goto out;
	}
	layers = json_object_new_array();
	if (add(o, "layers", layers)) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ovl_layers_count(l); i++) {
		struct ovl_layer_record r;
		struct ovl_layer_location loc;
		const struct criu_mnt *lm = NULL;
		struct json_object *one = json_object_new_object();

		if (!one || json_object_array_add(layers, one)) {
			json_object_put(one);
			err = -ENOMEM;
			goto out;
		}
		ovl_layers_record(l, i, &r);
		ovl_layers_location(l, i, &loc);
		err = -ENOENT;
		if (loc.status != OVL_LAYER_OK && loc.status != OVL_LAYER_SHADOWED)
			snprintf(buf, size, "its %s layer %u is %s in process %d's view",
				 ovl_layer_kind_name(r.kind), r.index,
				 ovl_layer_status_name(loc.status), (int)pid);
		else if (!(lm = criu_mnt_find(img, loc.mnt_id)))
			snprintf(buf, size, "its %s layer %u (%s) is on mount %d, which is not in the dumped mount namespace",
				 ovl_layer_kind_name(r.kind), r.index, loc.path,
				 loc.mnt_id);
		else
			err = 0;
		if (!err && (add_str(one, "kind", ovl_layer_kind_name(r.kind)) ||
			     add_int(one, "index", r.index) ||
			     add_int(one, "mnt_id", lm->mnt_id) ||
			     add_str(one, "mountpoint", lm->mountpoint) ||
			     add_str(one, "root", loc.root) ||
			     add_str(one, "path", loc.path)))
			err = -ENOMEM;
		if (err) {
			if (err == -ENOENT)
				*why = buf;
			goto out;
		}
		say(LOG_DEBUG, "overlay %s: %s layer %u at %s (mount %u %s, %s)",
		    m->mountpoint, ovl_layer_kind_name(r.kind), r.index,
		    loc.path, lm->mnt_id, lm->mountpoint,
		    ovl_layer_status_name(loc.status));
	}
	err = ovl_layers_save_record(l, &record);
	if (!err) {
		rec = json_tokener_parse(record);
		err = add(o, "record", rec) ? -ENOMEM : 0;
	}
out:
	free(record);
	ovl_layers_free(l);
	return err;
}

/*
 * Describe one overlay into ovl-layers-<mnt_id>.json.  An overlay that
 * cannot be described is recorded with the reason, and marked all the
 * same: the restore then stops with that reason, rather than CRIU mounting
 * whatever the saved strings lead to.
 */
static int dump_overlay(int dir, const struct criu_mnt_image *img,
			struct criu_mnt *m)
{
	struct json_object *o = json_object_new_object();
	const char *why = NULL;
	char name[64], buf[PATH_MAX + 256];
	int err;

	if (!o || add_str(o, "format", FORMAT) ||
	    add_int(o, "version", FORMAT_VERSION) ||
	    add_int(o, "mnt_id", m->mnt_id) ||
	    add_str(o, "mountpoint", m->mountpoint) ||
	    add_str(o, "source", m->source) ||
	    add_int(o, "root_dev", m->root_dev) ||
	    add_int(o, "flags", m->flags)) {
		json_object_put(o);
		return -ENOMEM;
	}
	err = describe(img, m, o, &why, buf, sizeof(buf));
	if (err && !why)
		why = ovl_layers_strerror(err);
	if (err) {
		say(LOG_ERROR, "overlay %s (mount %u) cannot be described: %s; it will not be restored",
		    m->mountpoint, m->mnt_id, why);
		json_object_object_del(o, "layers");
		if (add_str(o, "error", why))
			err = -ENOMEM;
	} else {
		say(LOG_INFO, "overlay %s (mount %u): %u layers described from %s",
		    m->mountpoint, m->mnt_id,
		    (unsigned int)json_object_array_length(
			json_object_object_get(o, "layers")),
		    OVL_LAYERS_XATTR);
	}
	if (err != -ENOMEM) {
		const char *text = json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);

		snprintf(name, sizeof(name), "ovl-layers-%u.json", m->mnt_id);
		err = text ? criu_write_file(dir, name, text, strlen(text)) : -ENOMEM;
		if (!err)
			m->mark = true;
	}
	json_object_put(o);
	return err;
}

/* The root of its mount namespace: its parent is not in the namespace. */
static bool is_ns_root(const struct criu_mnt_image *img,
		       const struct criu_mnt *m)
{
	return !strcmp(m->mountpoint, "/") || !criu_mnt_find(img, m->parent_mnt_id);
}

/* CRIU's name for a mount namespace's table, mountpoints-<ns>.img, and
 * nothing more: not a copy kept next to it (mountpoints-1.img.orig). */
static bool is_mnt_image(const char *name)
{
	static const char prefix[] = "mountpoints-";
	const char *p = name + strlen(prefix);

	if (strncmp(name, prefix, strlen(prefix)) || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !strcmp(p, ".img");
}

static int dump_images(void)
{
	int dir = criu_get_image_dir(), dfd, err = 0;
	struct dirent *de;
	DIR *d;

	/* an open file of its own: a dup of criu's fd would share (and
	 * leave at the end) criu's position in the directory, and start
	 * from wherever that was */
	dfd = dir >= 0 ? openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		say(LOG_ERROR, "cannot read the images directory: %m");
		if (dfd >= 0)
			close(dfd);
		return -EIO;
	}
	while (!err && (de = readdir(d))) {
		struct criu_mnt_image img;
		unsigned int marked = 0;

		if (!is_mnt_image(de->d_name))
			continue;
		err = criu_mnt_image_read(dir, de->d_name, &img);
		if (err) {
			say(LOG_ERROR, "%s: %s", de->d_name, strerror(-err));
			break;
		}
		for (size_t i = 0; !err && i < img.nents; i++) {
			struct criu_mnt *m = &img.ents[i];

			/*
			 * Bind mounts of a subdirectory (root not "/") are
			 * CRIU's, and so is the namespace's root mount: a
			 * container's root overlay is the runtime's, mounted
			 * again before the restore and given as criu --root.
			 */
			if (m->fstype != CRIU_FSTYPE_OVERLAYFS ||
			    strcmp(m->root, "/") || is_ns_root(&img, m))
				continue;
			err = dump_overlay(dir, &img, m);
			marked += m->mark;
		}
		if (!err && marked)
			err = criu_mnt_image_write(dir, de->d_name, &img);
		if (err)
			say(LOG_ERROR, "%s: %s", de->d_name, strerror(-err));
		criu_mnt_image_free(&img);
	}
	closedir(d);
	return err;
}

/* ------------------------------------------------------------------ */
/* Restore */

static const char *member_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t member_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

static struct json_object *load_json(int id, int *err)
{
	struct json_object *o = NULL;
	char name[64], *text = NULL;
	struct stat st;
	int fd;

	snprintf(name, sizeof(name), "ovl-layers-%d.json", id);
	fd = openat(criu_get_image_dir(), name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	*err = -EINVAL;
	if (!fstat(fd, &st) && st.st_size < (1 << 24) &&
	    (text = calloc(1, st.st_size + 1)) &&
	    read(fd, text, st.st_size) == st.st_size)
		o = json_tokener_parse(text);
	if (o && (!member_str(o, "format") || strcmp(member_str(o, "format"), FORMAT)))
		say(LOG_ERROR, "%s: not an %s image", name, FORMAT);
	else if (o && member_int(o, "version") != FORMAT_VERSION)
		say(LOG_ERROR, "%s: version %lld, this plugin reads %d", name,
		    (long long)member_int(o, "version"), FORMAT_VERSION);
	else if (o)
		*err = 0;
	else
		say(LOG_ERROR, "%s: unreadable or not JSON", name);
	if (*err) {
		json_object_put(o);
		o = NULL;
	}
	free(text);
	close(fd);
	return o;
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

static int layer_dir(const struct places *p, struct json_object *layer,
		     char *buf, size_t size)
{
	const char *root = member_str(layer, "root");
	const char *mp = member_str(layer, "mountpoint");
	int64_t id = member_int(layer, "mnt_id");
	int n;

	if (!root || !mp || id < 0)
		return -EINVAL;
	if (!strcmp(root, "/"))
		root = "";
	if (p->by_id)
		n = snprintf(buf, size, "%s/mnt-%010d%s", p->base, (int)id, root);
	else
		n = snprintf(buf, size, "%s%s%s", p->base,
			     strcmp(mp, "/") ? mp : "", root);
	return n < (int)size ? 0 : -ENAMETOOLONG;
}

/* The mount's own flags: CRIU does not apply them to a plugin's mount. */
static int set_mount_flags(const char *target, int64_t flags)
{
	struct mount_attr attr = { 0 };

	if (flags & MS_RDONLY)
		attr.attr_set |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		attr.attr_set |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		attr.attr_set |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		attr.attr_set |= MOUNT_ATTR_NOEXEC;
	if (flags & MS_NODIRATIME)
		attr.attr_set |= MOUNT_ATTR_NODIRATIME;
	if (flags & (MS_NOATIME | MS_STRICTATIME)) {
		attr.attr_clr = MOUNT_ATTR__ATIME;
		attr.attr_set |= flags & MS_NOATIME ? MOUNT_ATTR_NOATIME
						    : MOUNT_ATTR_STRICTATIME;
	}
	if (!attr.attr_set && !attr.attr_clr)
		return 0;
	if (syscall(SYS_mount_setattr, AT_FDCWD, target, 0, &attr, sizeof(attr)))
		return -errno;
	return 0;
}

/* The saved overlay's other options, and its source ("overlay", say) as
 * fsconfig()'s "source" when it fits in an option list. */
static int mount_options(const struct ovl_layers *l, const char *source,
			 char **out)
{
	const char *rest = ovl_layers_options(l);

	if (!rest)
		rest = "";
	if (!source || !*source || strchr(source, ','))
		*out = strdup(rest);
	else if (asprintf(out, "%s%ssource=%s", rest, *rest ? "," : "", source) < 0)
		*out = NULL;
	return *out ? 0 : -ENOMEM;
}

static int restore_overlay(struct json_object *o, int id, const char *target)
{
	struct ovl_layers *l = NULL;
	struct json_object *layers, *rec;
	const char *mountpoint = member_str(o, "mountpoint");
	const char *text, *reason;
	char *options = NULL;
	struct places p;
	unsigned int i, failed = 0, verified = 0;
	int err;

	if (member_str(o, "error")) {
		say(LOG_ERROR, "overlay %s (mount %d) was not described at checkpoint time: %s",
		    mountpoint ? mountpoint : "?", id, member_str(o, "error"));
		return -EINVAL;
	}
	if (!mountpoint || !json_object_object_get_ex(o, "layers", &layers) ||
	    !json_object_is_type(layers, json_type_array) ||
	    !json_object_object_get_ex(o, "record", &rec)) {
		say(LOG_ERROR, "overlay mount %d: the image lacks its layers", id);
		return -EINVAL;
	}
	text = json_object_to_json_string(rec);
	err = ovl_layers_load(text, strlen(text), &l, NULL, &reason);
	if (err) {
		say(LOG_ERROR, "overlay %s (mount %d): its descriptor: %s",
		    mountpoint, id, reason);
		return err;
	}
	if (json_object_array_length(layers) != ovl_layers_count(l)) {
		say(LOG_ERROR, "overlay %s (mount %d): %zu layers saved for %u records",
		    mountpoint, id, json_object_array_length(layers),
		    ovl_layers_count(l));
		err = -EINVAL;
		goto out;
	}
	err = where_mounts_are(target, id, mountpoint, &p);
	if (err) {
		say(LOG_ERROR, "overlay %s (mount %d): cannot tell where CRIU restores the other mounts from %s",
		    mountpoint, id, target);
		goto out;
	}
	for (i = 0; i < ovl_layers_count(l); i++) {
		struct json_object *one = json_object_array_get_idx(layers, i);
		const char *path = member_str(one, "path");
		struct ovl_layer_record r;
		char dir[PATH_MAX];

		if (!path)
			path = "?";
		ovl_layers_record(l, i, &r);
		/* dir is only set when this succeeds */
		err = layer_dir(&p, one, dir, sizeof(dir));
		if (err) {
			say(LOG_ERROR, "overlay %s (mount %d): %s layer %u (%s on mount %lld): %s",
			    mountpoint, id, ovl_layer_kind_name(r.kind), r.index,
			    path, (long long)member_int(one, "mnt_id"),
			    err == -EINVAL ? "its place in the image is incomplete"
					   : strerror(-err));
			goto out;
		}
		err = ovl_layers_place(l, i, dir, 0);
		if (err < 0) {
			say(LOG_ERROR, "overlay %s (mount %d): %s layer %u (%s on mount %lld) at %s: %s%s",
			    mountpoint, id, ovl_layer_kind_name(r.kind), r.index,
			    path, (long long)member_int(one, "mnt_id"), dir,
			    err == -ESTALE ? "" : strerror(-err),
			    err == -ESTALE ? "another directory than the checkpoint's (its file handle differs)"
					   : err == -ENOENT ? " (is that mount restored after the overlay?)" : "");
			goto out;
		}
		verified += err;
		say(LOG_DEBUG, "overlay %s: %s layer %u at %s (%s)", mountpoint,
		    ovl_layer_kind_name(r.kind), r.index, dir,
		    err ? "same filesystem, file handle matches"
			: "re-created filesystem");
	}
	err = mount_options(l, member_str(o, "source"), &options);
	if (!err)
		err = ovl_layers_mount(l, options, target, 0, &failed);
	free(options);
	if (err) {
		say(LOG_ERROR, "overlay %s (mount %d): mounting it at %s: %s (layer %u)",
		    mountpoint, id, target, strerror(-err), failed);
		goto out;
	}
	/* no flags member (a hand-edited image): none, not all of them */
	err = set_mount_flags(target, member_int(o, "flags") < 0 ? 0
				      : member_int(o, "flags"));
	if (err) {
		say(LOG_ERROR, "overlay %s (mount %d): its mount flags: %s",
		    mountpoint, id, strerror(-err));
		umount2(target, MNT_DETACH);
		goto out;
	}
	say(LOG_INFO, "overlay %s (mount %d) mounted at %s from %u layers (%u checked by file handle)",
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
static struct mounted {
	int64_t root_dev;
	char *target;
	struct mounted *next;
} *mounted;

static int bind_again(const struct mounted *first, const char *target)
{
	int fd = open_tree(AT_FDCWD, first->target, OPEN_TREE_CLONE |
			   OPEN_TREE_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (move_mount(fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
		err = -errno;
	close(fd);
	return err;
}

static int restore_ext_mount(int id, char *mountpoint, char *old_root,
			     int *is_file)
{
	struct json_object *o;
	struct mounted *m;
	int64_t dev;
	int err;

	(void)old_root;
	(void)is_file;	/* NULL from CRIU 3.17 */
	o = load_json(id, &err);
	if (!o)
		return err == -ENOENT ? -ENOTSUP : err;	/* not an overlay of ours */
	dev = member_int(o, "root_dev");
	for (m = mounted; m && m->root_dev != dev; m = m->next)
		;
	if (m) {
		err = bind_again(m, mountpoint);
		if (err)
			say(LOG_ERROR, "overlay mount %d: binding %s at %s: %s", id,
			    m->target, mountpoint, strerror(-err));
		else
			say(LOG_INFO, "overlay mount %d: a bind mount of %s", id,
			    m->target);
		goto out;
	}
	err = restore_overlay(o, id, mountpoint);
	if (!err && (m = calloc(1, sizeof(*m))) &&
	    (m->target = strdup(mountpoint))) {
		m->root_dev = dev;
		m->next = mounted;
		mounted = m;
	} else if (!err) {
		free(m);
		err = -ENOMEM;
	}
out:
	json_object_put(o);
	return err;
}

/* ------------------------------------------------------------------ */

static int plugin_init(int s)
{
	stage = s;
	return 0;
}

static void plugin_exit(int s, int ret)
{
	while (mounted) {
		struct mounted *next = mounted->next;

		free(mounted->target);
		free(mounted);
		mounted = next;
	}
	/* the dump is complete, the tasks still frozen: now or never */
	if (s == CR_PLUGIN_STAGE__DUMP && ret == 0 && stage == s)
		dump_images();
}

CR_PLUGIN_REGISTER(PLUGIN, plugin_init, plugin_exit)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT, restore_ext_mount)
