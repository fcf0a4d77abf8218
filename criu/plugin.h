/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the CRIU plugin's files share (ovl_layers_plugin(1); the design is
 * in plugin.c's first comment):
 *
 *   plugin.c     the hooks CRIU calls, the plugin's log, its state
 *   find_task.c  which task sees an overlay of a mountpoints image
 *   dump.c       each overlay described at the end of a dump
 *   restore.c    each overlay mounted from its description at restore
 *   images.c     CRIU's mountpoints images, read (no library)
 */
#ifndef OVL_PLUGIN_H
#define OVL_PLUGIN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <syslog.h>

#include "common.h"	/* escaping, shared with the library and the CLI */
#include "images.h"
#include "json.h"	/* JSON read (json-c) and written, shared with the library */
#include "ovllayers.h"

#define PLUGIN		"ovl_layers"
#define FORMAT		"ovl_layers_plugin"
#define FORMAT_VERSION	1
/* an ovl-layers-<id>.json of 502 layers is some 200 KiB */
#define JSON_MAX	(16u << 20)

/* CRIU's log levels (criu-log.h needs headers criu does not install) */
enum { CR_LOG_ERROR = 1, CR_LOG_WARN = 2, CR_LOG_INFO = 3, CR_LOG_DEBUG = 4 };

/* A bind mount of an overlay restored already: mounted as a bind of it */
struct mounted {
	int64_t root_dev;
	char *target;
	struct mounted *next;
};

/* All the plugin keeps between CRIU's calls */
struct ovl_plugin_state {
	int stage;		/* the stage plugin_init() was called for */
	/* where the dump's time goes, for its closing debug line (ms) */
	struct {
		double namespaces, images, find, read, resolve, describe,
		       write, probe;
		unsigned int overlays, nimages, proc_entries, scans,
			     candidates, proc_scans;
	} spent;
	/* CRIU's mount images, read once at the first restore hook */
	struct criu_mnt_image *images;
	size_t nimages;
	bool images_read;
	/* the overlays restored so far, for their bind mounts */
	struct mounted *mounted;
	/* what the library says of its last failure (plugin_error()), and
	 * that text unescaped (plugin_error_message()) */
	struct ovl_error *err;
	char why[4096];
};
extern struct ovl_plugin_state ovl_plugin;

/* plugin.c */
void plugin_say(unsigned int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void plugin_lib_log(void *data, int priority, const char *func,
		    const char *fmt, va_list ap);
int plugin_lib_log_priority(void);
double plugin_now_ms(void);
/* The plugin's struct ovl_error, for the library's calls whose failure it
 * tells (made at the first use; NULL when out of memory: the calls take
 * that too), and why the last of them failed with code: the library's
 * message (ovl_error_message(3)) unescaped, for plugin_say() to escape
 * once, else ovl_layers_strerror(code).  Valid until the next call of
 * plugin_error_message(). */
struct ovl_error *plugin_error(void);
const char *plugin_error_message(int code);

static inline int plugin_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* find_task.c */
/*
 * Who sees the overlays of one mountpoints image.  Mount IDs are unique
 * system-wide, so a process whose mountinfo lists an overlay's ID is in
 * that overlay's mount namespace; it must also have the overlay below its
 * root (a chrooted process's mountinfo leaves out what it cannot reach).
 * CRIU 3.17 tells plugins no pid (CRTOOLS_INIT_PID is set only with action
 * scripts), so the candidates are, in turn:
 *
 *  1. the dumped tree: the task criu's own command line names (dump -t
 *     PID), if criu traces it, and its descendants (the children files of
 *     /proc/PID/task/TID/), which criu traces as well: no /proc scan;
 *  2. one scan of /proc for what 1 did not settle (criu swrk, RPC, a
 *     configuration file): the processes criu traces (TracerPid, as the
 *     dumped tasks are seized and frozen until the plugin's exit hook), then
 *     the others, those in criu's own mount namespace last (criu dumps
 *     the mounts of a namespace only when it is not criu's own).
 *
 * A candidate's mountinfo is read once, through its view (ovl_view: a
 * pidfd and its root, opened once), and checked against every overlay of
 * the image at a time; candidates with the mount namespace and root of one
 * already read are passed over.  Each overlay is then read and resolved
 * through the view of the first candidate that lists it.
 */
struct seer {
	struct ovl_view *view;	/* NULL: it lists none of the image's */
	ino_t ns, root_ino;	/* its mount namespace and root: the key */
	dev_t root_dev;
	uint64_t root_mnt;
	uint32_t *ids;		/* the image's overlays its mountinfo lists */
	size_t nids;
};

struct finder {
	const uint32_t *want;	/* the image's overlays, sorted */
	size_t nwant;
	pid_t self;
	ino_t self_ns;
	struct seer *seers;
	size_t nseers;
	pid_t *queue;		/* the dumped tree, breadth first */
	size_t nqueue, qhead;
	pid_t *later;		/* untraced processes, for the last resort */
	pid_t *last;		/* and those in criu's own mount namespace */
	size_t nlater, nlast, ilater;
	bool hinted, scanned;
};
struct ovl_view *finder_view_for(struct finder *f, uint32_t id);
void finder_drop_view(struct finder *f, struct ovl_view *v);
void finder_free(struct finder *f);
void finder_unlist(struct finder *f, struct ovl_view *v, uint32_t id);
int finder_read(struct finder *f, uint32_t mnt_id, struct ovl_view **view,
		struct ovl_layers **l, char *reason, size_t size);

/* dump.c: describe the overlays of every mountpoints image */
int plugin_dump_images(void);

/* restore.c */
int plugin_restore_ext_mount(int id, char *mountpoint, char *old_root,
			     int *is_file);
void plugin_restore_fini(void);

#endif /* OVL_PLUGIN_H */
