// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The dump: at the end of CRIU's dump, with the tasks still frozen, each
 * overlay of each mountpoints image is read in its namespace, resolved,
 * and described in ovl-layers-<mnt_id>.json next to CRIU's images; its
 * MntEntry is marked with_plugin (plugin.c's first comment).
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

/*
 * The layers of the overlay m, as the kernel reports them in the mount
 * namespace being dumped, each placed on a mount of this image: *l (to
 * free), every layer checked as write_layers() writes it.  On failure
 * returns a message in why (static or in buf), and sets *not_ok when a
 * layer's status in the task's view is not ok.
 */
static int describe(struct finder *f, const struct criu_mnt_image *img,
		    const struct criu_mnt *m, struct ovl_layers **out,
		    const char **why, char *buf, size_t size, bool *not_ok)
{
	struct ovl_view *view = NULL;
	struct ovl_layers *l = NULL;
	char reason[512];
	unsigned int i;
	double t, read0;
	pid_t pid;
	int err;

	*out = NULL;
	t = plugin_now_ms();
	read0 = ovl_plugin.spent.read;
	err = finder_read(f, m->mnt_id, &view, &l, reason, sizeof(reason));
	ovl_plugin.spent.find += plugin_now_ms() - t - (ovl_plugin.spent.read - read0);
	if (!view) {
		snprintf(buf, size, "%s", reason);
		*why = buf;
		return err ? err : -ENOENT;
	}
	pid = ovl_view_pid(view);
	if (err) {
		snprintf(buf, size, "reading its layers in process %d's view: %s",
			 (int)pid, reason);
		*why = buf;
		goto out;
	}
	if (ovl_layers_source(l) == OVL_SOURCE_MOUNTINFO)
		plugin_say(CR_LOG_WARN, "overlay %s (mount %u): the kernel has no %s; its layers come from the mount option path strings, which are true only until the first restore",
		    m->mountpoint, m->mnt_id, OVL_LAYERS_XATTR);
	t = plugin_now_ms();
	err = ovl_layers_resolve(l, view, 0, NULL, plugin_error());
	ovl_plugin.spent.resolve += plugin_now_ms() - t;
	if (err) {
		snprintf(buf, size, "resolving its layers in process %d's view: %s",
			 (int)pid, plugin_error_message(err));
		*why = buf;
		goto out;
	}
	t = plugin_now_ms();
	for (i = 0; i < ovl_layers_count(l); i++) {
		struct ovl_layer_record r;
		struct ovl_layer_location loc;
		const struct criu_mnt *lm = NULL;

		ovl_layers_get_record(l, i, &r, sizeof(r));
		ovl_layers_get_location(l, i, &loc, sizeof(loc));
		err = -ENOENT;
		/*
		 * Only a layer the task reaches whole is described: one
		 * shadowed (a mount the task put over its path), unreachable
		 * or anything but ok is not where its mount and path in the
		 * task's view say, and a description of it would vouch for
		 * that at restore.
		 */
		if ((r.valid & OVL_RECORD_VALID_ATTR) &&
		    (r.attr & MOUNT_ATTR_IDMAP)) {
			/* criu re-creates no idmapped mount, and a layer
			 * mounted without its mapping shows other owners */
			snprintf(buf, size, "its %s layer %u was given through an idmapped mount, which criu does not re-create",
				 ovl_layers_kind_name(r.kind), r.index);
		} else if (loc.status != OVL_STATUS_OK) {
			snprintf(buf, size, "its %s layer %u is %s in process %d's view%s%s%s%s",
				 ovl_layers_kind_name(r.kind), r.index,
				 ovl_layers_status_name(loc.status), (int)pid,
				 loc.path ? " at " : "", loc.path ? loc.path : "",
				 loc.reason ? ": " : "", loc.reason ? loc.reason : "");
			*not_ok = true;
		} else if (!(lm = criu_mnt_find(img, loc.mnt_id)) ||
			 lm->mnt_id == m->mnt_id)
			snprintf(buf, size, "its %s layer %u (%s) is on mount %d, which is not in the dumped mount namespace",
				 ovl_layers_kind_name(r.kind), r.index, loc.path,
				 loc.mnt_id);
		else
			err = 0;
		if (err) {
			*why = buf;
			goto out;
		}
		plugin_say(CR_LOG_DEBUG, "overlay %s: %s layer %u at %s (mount %u %s, %s)",
		    m->mountpoint, ovl_layers_kind_name(r.kind), r.index,
		    loc.path, lm->mnt_id, lm->mountpoint,
		    ovl_layers_status_name(loc.status));
	}
	ovl_plugin.spent.describe += plugin_now_ms() - t;
out:
	ovl_view_unref(view);
	if (err)
		ovl_layers_free(l);
	else
		*out = l;
	return err;
}

/*
 * The members "layers" (each layer of l on its mount of img, as
 * describe() checked them) and "record" (the checkpoint
 * ovl_layers_save_checkpoint(3) writes, as an object) of the description
 * being written in w.  0, or -errno.
 */
static int write_layers(struct ovl_json_out *w, const struct criu_mnt_image *img,
			const struct ovl_layers *l)
{
	ovl_json_out_begin(w, "layers", '[');
	for (unsigned int i = 0; i < ovl_layers_count(l); i++) {
		struct ovl_layer_record r;
		struct ovl_layer_location loc;
		const struct criu_mnt *lm;

		ovl_layers_get_record(l, i, &r, sizeof(r));
		ovl_layers_get_location(l, i, &loc, sizeof(loc));
		lm = criu_mnt_find(img, loc.mnt_id);
		if (!lm)
			return -EINVAL;	/* describe() found it */
		ovl_json_out_begin(w, NULL, '{');
		ovl_json_out_string(w, "kind", ovl_layers_kind_name(r.kind));
		ovl_json_out_int(w, "index", r.index);
		ovl_json_out_int(w, "mnt_id", lm->mnt_id);
		ovl_json_out_string(w, "mountpoint", lm->mountpoint);
		ovl_json_out_string(w, "root", loc.root ? loc.root : "");
		ovl_json_out_string(w, "path", loc.path ? loc.path : "");
		ovl_json_out_end(w);
	}
	ovl_json_out_end(w);
	return ovl_record_write(w, "record", l);
}

/*
 * The description of one overlay, the text of ovl-layers-<mnt_id>.json:
 * written as json-c's pretty printer writes it (struct ovl_json_out), as
 * restore.c reads it.  An overlay that cannot be described is described
 * by the reason, and marked all the same: the restore then stops with
 * that reason, rather than CRIU mounting whatever the saved strings lead
 * to.  *not_ok: it was not described because a layer is not ok in the
 * task's view.  NULL: out of memory.
 */
static char *dump_overlay(struct finder *f, const struct criu_mnt_image *img,
			  const struct criu_mnt *m, bool *not_ok)
{
	struct ovl_json_out w = { 0 }, mark;
	struct ovl_layers *l = NULL;
	const char *why = NULL;
	char buf[PATH_MAX + 256];
	double t;
	int err;

	ovl_json_out_begin(&w, NULL, '{');
	ovl_json_out_string(&w, "format", FORMAT);
	ovl_json_out_int(&w, "version", FORMAT_VERSION);
	ovl_json_out_int(&w, "mnt_id", m->mnt_id);
	ovl_json_out_string(&w, "mountpoint", m->mountpoint);
	ovl_json_out_string(&w, "source", m->source);
	ovl_json_out_int(&w, "root_dev", m->root_dev);
	ovl_json_out_int(&w, "flags", m->flags);
	err = describe(f, img, m, &l, &why, buf, sizeof(buf), not_ok);
	t = plugin_now_ms();
	mark = w;
	if (!err) {
		err = write_layers(&w, img, l);
		if (err && !w.failed) {
			snprintf(buf, sizeof(buf), "writing its description: %s",
				 strerror(-err));
			why = buf;
		}
		if (err)	/* the description is the reason alone */
			ovl_json_out_rewind(&w, &mark);
	}
	if (w.failed) {
		ovl_layers_free(l);
		ovl_json_out_free(&w);
		return NULL;
	}
	if (err && !why)
		why = plugin_error_message(err);
	if (err) {
		plugin_say(CR_LOG_ERROR, "overlay %s (mount %u) cannot be described: %s; it will not be restored",
		    m->mountpoint, m->mnt_id, why);
		ovl_json_out_string(&w, "error", why);
	} else {
		int source = ovl_layers_source(l);

		plugin_say(CR_LOG_INFO, "overlay %s (mount %u): %u layers described from %s",
		    m->mountpoint, m->mnt_id, ovl_layers_count(l),
		    source == OVL_SOURCE_XATTR ? OVL_LAYERS_XATTR :
		    source == OVL_SOURCE_STATMOUNT ?
		    "statmount(2)'s layers field" : "its mount option strings");
	}
	ovl_json_out_end(&w);
	ovl_layers_free(l);
	ovl_plugin.spent.describe += plugin_now_ms() - t;
	return ovl_json_out_text(&w, NULL);
}

/* The root of its mount namespace: its parent is not in the namespace. */
static bool is_ns_root(const struct criu_mnt_image *img,
		       const struct criu_mnt *m)
{
	return !strcmp(m->mountpoint, "/") || !criu_mnt_find(img, m->parent_mnt_id);
}

/*
 * The image could not be written back marked: then CRIU would restore its
 * overlays from their option strings, unmarked.  Move it aside, so that a
 * restore from these images fails with CRIU's own "no such image" instead
 * of mounting whatever those strings lead to.
 */
static void fail_closed(int dir, const char *name)
{
	char aside[256];

	snprintf(aside, sizeof(aside), "%s.ovl_layers-incomplete", name);
	if (renameat(dir, name, dir, aside))
		plugin_say(CR_LOG_ERROR, "%s: cannot move it aside either (%s): a restore from these images would mount its overlays from their option strings",
		    name, strerror(errno));
	else
		plugin_say(CR_LOG_ERROR, "%s moved aside to %s: these images cannot be restored",
		    name, aside);
}

/*
 * The overlays the plugin describes.  Bind mounts of a subdirectory (root
 * not "/") are CRIU's, and so is the namespace's root mount: a container's
 * root overlay is the runtime's, mounted again before the restore and
 * given as criu --root.
 */
static bool to_describe(const struct criu_mnt_image *img,
			const struct criu_mnt *m)
{
	return m->fstype == CRIU_FSTYPE_OVERLAYFS && !strcmp(m->root, "/") &&
	       !is_ns_root(img, m);
}

/*
 * Every overlay of one mountpoints image: each described, each marked
 * (described or not), the image written back first and only then the
 * descriptions, so that whatever fails leaves a marked overlay without a
 * usable description (its restore fails) and never an unmarked one (CRIU
 * would use the strings).  An overlay with a layer not ok in the task's
 * view (shadowed, unreachable, ...) fails closed harder: once all that is
 * written, the image is moved aside as one that cannot be written back
 * is, so that these images cannot be restored at all, with the plugin or
 * without it.  Returns 0 or the first error; every error is an Error line
 * of criu's log.
 */
static int dump_image(int dir, const char *name)
{
	struct criu_mnt_image img;
	char **desc;	/* the text of each overlay's description */
	struct finder f = { 0 };
	uint32_t *want;
	size_t marked = 0, nwant = 0;
	bool not_ok = false;
	int err, first = 0;
	double t = plugin_now_ms();

	err = criu_mnt_image_read(dir, name, &img);
	ovl_plugin.spent.images += plugin_now_ms() - t;
	ovl_plugin.spent.nimages++;
	if (err) {
		plugin_say(CR_LOG_ERROR, "%s: %s: its overlays are not described", name,
		    criu_image_error(err));
		return err;
	}
	desc = calloc(img.nents ? img.nents : 1, sizeof(*desc));
	if (!desc) {
		criu_mnt_image_free(&img);
		plugin_say(CR_LOG_ERROR, "%s: out of memory", name);
		return -ENOMEM;
	}
	/* the finder reads each candidate's mount table once for all of them */
	want = calloc(img.nents ? img.nents : 1, sizeof(*want));
	if (!want) {
		free(desc);
		criu_mnt_image_free(&img);
		plugin_say(CR_LOG_ERROR, "%s: out of memory", name);
		return -ENOMEM;
	}
	for (size_t i = 0; i < img.nents; i++)
		if (to_describe(&img, &img.ents[i]))
			want[nwant++] = img.ents[i].mnt_id;
	qsort(want, nwant, sizeof(*want), plugin_cmp_u32);
	f.want = want;
	f.nwant = nwant;
	for (size_t i = 0; i < img.nents; i++) {
		struct criu_mnt *m = &img.ents[i];

		if (!to_describe(&img, m))
			continue;
		ovl_plugin.spent.overlays++;
		desc[i] = dump_overlay(&f, &img, m, &not_ok);
		if (!desc[i]) {
			plugin_say(CR_LOG_ERROR, "overlay %s (mount %u): out of memory; it will not be restored",
			    m->mountpoint, m->mnt_id);
			first = first ? first : -ENOMEM;
		}
		m->mark = true;
		marked++;
	}
	finder_free(&f);
	free(want);
	t = plugin_now_ms();
	if (marked) {
		err = criu_mnt_image_write(dir, name, &img);
		if (err) {
			plugin_say(CR_LOG_ERROR, "%s: writing it back with its overlays marked: %s",
			    name, strerror(-err));
			fail_closed(dir, name);
			first = first ? first : err;
		}
	}
	for (size_t i = 0; !err && i < img.nents; i++) {
		const struct criu_mnt *m = &img.ents[i];
		char file[64];
		int e;

		if (!desc[i])
			continue;
		snprintf(file, sizeof(file), "ovl-layers-%u.json", m->mnt_id);
		e = criu_write_file(dir, file, desc[i], strlen(desc[i]));
		if (e) {
			plugin_say(CR_LOG_ERROR, "overlay %s (mount %u): writing %s: %s; it will not be restored",
			    m->mountpoint, m->mnt_id, file, strerror(-e));
			first = first ? first : e;
		}
	}
	/* last, so that the image is marked and the reason written even if
	 * it cannot be moved (fail_closed() says so) */
	if (not_ok && !err) {
		fail_closed(dir, name);
		first = first ? first : -ENOENT;
	}
	for (size_t i = 0; i < img.nents; i++)
		free(desc[i]);
	free(desc);
	criu_mnt_image_free(&img);
	ovl_plugin.spent.write += plugin_now_ms() - t;
	return first;
}

/*
 * No overlay could be described (the dump's namespaces cannot be told):
 * every mountpoints image that has an overlay to describe is moved aside,
 * as one that cannot be written back is, so that criu cannot restore
 * those overlays from their option strings.  This dump's are among them;
 * an earlier dump's, in a reused folder, could not be restored anyway
 * (its pstree.img is this dump's now).
 */
static void none_described(int dir)
{
	int dfd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;

	if (!d && dfd >= 0)
		close(dfd);
	/* a name moved aside no longer looks like a mountpoints image */
	while (d && (de = readdir(d))) {
		struct criu_mnt_image img;
		bool overlays = false;

		if (!criu_is_mnt_image(de->d_name) ||
		    criu_mnt_image_read(dir, de->d_name, &img))
			continue;
		for (size_t i = 0; i < img.nents && !overlays; i++)
			overlays = to_describe(&img, &img.ents[i]);
		criu_mnt_image_free(&img);
		if (overlays)
			fail_closed(dir, de->d_name);
	}
	if (d)
		closedir(d);
}

/*
 * The mountpoints images of this dump, and only those: an images
 * directory may be reused (podman's checkpoint --keep, criu -D on an old
 * folder) and keep the images of earlier dumps, whose namespace ids are
 * no longer this dump's.  The dump's own are those of the namespaces its
 * processes are in (pstree.img and each one's ids-<pid>.img, written by
 * criu before the plugin's exit); any other is left as it is.  When they
 * cannot be told, no overlay is described, criu's log says why, and the
 * images with overlays are moved aside (none_described()).
 */
int plugin_dump_images(void)
{
	int dir = criu_get_image_dir(), dfd, err = 0;
	uint32_t *ns = NULL;
	size_t nns = 0;
	struct dirent *de;
	char bad[64];
	DIR *d;
	double t0 = plugin_now_ms(), tn;
	bool timing = getenv("OVL_LAYERS_PLUGIN_TIMING");

	memset(&ovl_plugin.spent, 0, sizeof(ovl_plugin.spent));
	/*
	 * OVL_LAYERS_PLUGIN_TIMING: the trust probe (ovl_layers_kernel_probe(3),
	 * an overlay of the library's own, asked once per process) timed on
	 * its own, first; the first read then takes its answer from the
	 * process, and "reading" is the reads alone.  Otherwise the first read
	 * probes, as any reader does.
	 */
	if (timing) {
		double tp = plugin_now_ms();

		ovl_layers_kernel_probe(0, NULL);
		ovl_plugin.spent.probe = plugin_now_ms() - tp;
	}
	tn = plugin_now_ms();
	err = dir >= 0 ? criu_dump_mnt_namespaces(dir, &ns, &nns, bad, sizeof(bad)) : -EBADF;
	ovl_plugin.spent.namespaces = plugin_now_ms() - tn;
	if (err) {
		plugin_say(CR_LOG_ERROR, "%s: %s: cannot tell this dump's mount namespaces; no overlay is described",
		    dir >= 0 ? bad : "the images directory",
		    err == -EINVAL ? "not the CRIU image its name says (or a damaged one)" : criu_image_error(err));
		if (dir >= 0)
			none_described(dir);
		return err;
	}
	for (size_t i = 0; i < nns; i++) {
		char name[32];
		int e;

		snprintf(name, sizeof(name), "mountpoints-%u.img", ns[i]);
		/* none: the namespace is criu's own, its mounts not dumped */
		if (faccessat(dir, name, F_OK, AT_SYMLINK_NOFOLLOW) && errno == ENOENT)
			continue;
		e = dump_image(dir, name);
		err = err ? err : e;
	}
	/* the others are an earlier dump's: said, and left alone */
	dfd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	while (d && (de = readdir(d))) {
		unsigned long id;
		bool ours = false;

		if (!criu_is_mnt_image(de->d_name))
			continue;
		id = strtoul(de->d_name + strlen("mountpoints-"), NULL, 10);
		for (size_t i = 0; i < nns && !ours; i++)
			ours = ns[i] == id;
		if (!ours)
			plugin_say(CR_LOG_DEBUG, "%s: not this dump's (an earlier dump's in a reused folder): left alone",
			    de->d_name);
	}
	if (d)
		closedir(d);
	else if (dfd >= 0)
		close(dfd);
	free(ns);
	/* OVL_LAYERS_PLUGIN_TIMING set: where the time went (bench/plugin-dump) */
	if (timing)
		plugin_say(CR_LOG_DEBUG, "dump: %u overlays in %u images, %.1f ms: namespaces %.1f, images %.1f, finding %.1f, reading %.1f, resolving %.1f, describing %.1f, writing %.1f ms; %u /proc entries, %u mount table reads, %u candidates, %u /proc scans; trust probe %.1f ms",
	    ovl_plugin.spent.overlays, ovl_plugin.spent.nimages, plugin_now_ms() - t0, ovl_plugin.spent.namespaces,
	    ovl_plugin.spent.images, ovl_plugin.spent.find, ovl_plugin.spent.read, ovl_plugin.spent.resolve,
	    ovl_plugin.spent.describe, ovl_plugin.spent.write,
	    ovl_plugin.spent.proc_entries, ovl_plugin.spent.scans, ovl_plugin.spent.candidates, ovl_plugin.spent.proc_scans,
	    ovl_plugin.spent.probe);
	return err;
}
