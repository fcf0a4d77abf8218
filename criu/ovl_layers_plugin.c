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
 * The new mount's option strings name the plugin's fds and go stale at
 * once: the next dump reads the xattr again, not them.
 *
 * The images directory may come from another host, and the container is
 * not trusted.  The dump looks into the container only through its view
 * (ovl_view: its root fd, beneath which every path is resolved), names the
 * overlay by its mount ID, and processes every image even when one fails;
 * an overlay it cannot describe is marked all the same and restores with
 * an error, never from its strings.  The restore cross-checks the JSON
 * with the descriptor record and CRIU's own mount image (mount IDs,
 * kinds, indexes, count), opens each layer beneath the mount CRIU restored
 * for it (RESOLVE_BENEATH, no symlink, no other mount) and mounts that
 * very directory by its fd.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
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

#include "common.h"	/* ovl_escape(): the library's, for its log and ours */
#include "images.h"
#include "internal.h"	/* the library's own helpers: the plugin carries it */

#define PLUGIN		"ovl_layers"
#define FORMAT		"ovl_layers_plugin"
#define FORMAT_VERSION	1
/* an ovl-layers-<id>.json of 502 layers is some 200 KiB */
#define JSON_MAX	(16u << 20)

/* CRIU's log (criu-log.h needs headers criu does not install); weak, so
 * that a test program can load the plugin without criu. */
extern void print_on_level(unsigned int level, const char *fmt, ...)
	__attribute__((weak, format(printf, 2, 3)));
enum { CR_LOG_ERROR = 1, CR_LOG_WARN = 2, CR_LOG_INFO = 3, CR_LOG_DEBUG = 4 };

/* One line of criu's log, text escaped already. */
static void log_line(unsigned int level, const char *text)
{
	static const char *const prefix[] = {
		[CR_LOG_ERROR] = "Error (" PLUGIN "): ",
		[CR_LOG_WARN] = "Warn  (" PLUGIN "): ",
		[CR_LOG_INFO] = PLUGIN ": ",
		[CR_LOG_DEBUG] = PLUGIN ": ",
	};

	if (print_on_level)
		print_on_level(level, "%s%s\n", prefix[level], text);
	else
		fprintf(stderr, "%s%s\n", prefix[level], text);
}

/*
 * The messages name mount points and paths of the images (which may come
 * from another host) and of the container's view, and criu's log is read
 * on terminals and line by line: an ESC sequence there retitles the
 * terminal, a newline forges a line of criu's own.  So each message is
 * escaped whole, as the library escapes its log (ovl_escape(): controls
 * and bytes that are not UTF-8 as \xHH, a backslash as \\): one message,
 * one line of printable text.
 */
__attribute__((format(printf, 2, 3)))
static void say(unsigned int level, const char *fmt, ...)
{
	char *raw = NULL, *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;
	va_end(ap);
	text = raw ? ovl_escape_dup(raw) : NULL;
	log_line(level, text ? text : "(a message lost: out of memory)");
	free(text);
	free(raw);
}

/*
 * The library's messages into criu's log: what the kernel said about an
 * overlay mount it refused (syslog's LOG_ERR, 3; its warnings 4 and notes
 * 6), and with OVL_LAYERS_DEBUG set the library's choices (CR_LOG_DEBUG, 7).
 * The library hands over its text escaped (ovl_view_set_log(3)), as "%s":
 * it is not escaped twice.
 */
static void lib_log(void *data, int priority, const char *func,
		    const char *fmt, va_list ap)
{
	char *msg = NULL, *line = NULL;

	(void)data;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;	/* undefined after a failure */
	if (!msg || asprintf(&line, "libovllayers: %s: %s", func, msg) < 0)
		line = NULL;
	log_line(priority <= LOG_ERR ? CR_LOG_ERROR :
		 priority == LOG_WARNING ? CR_LOG_WARN :
		 priority <= LOG_INFO ? CR_LOG_INFO : CR_LOG_DEBUG,
		 line ? line : "libovllayers: (a message lost: out of memory)");
	free(line);
	free(msg);
}

static int lib_log_priority(void)
{
	const char *v = secure_getenv("OVL_LAYERS_DEBUG");

	return v && *v ? LOG_DEBUG : LOG_INFO;	/* all, or the kernel's lines */
}

static int stage;

/* Where the dump's time goes, for its closing debug line (milliseconds). */
static struct {
	double namespaces, images, find, read, resolve, describe, write;
	unsigned int overlays, nimages, proc_entries, scans, candidates, proc_scans;
} spent;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------------ */
/* Dump */

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

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool has_id(const uint32_t *ids, size_t n, uint32_t id)
{
	return bsearch(&id, ids, n, sizeof(*ids), cmp_u32) != NULL;
}

static int push_pid(pid_t **v, size_t *n, pid_t pid)
{
	pid_t *more;

	if (*n % 64 == 0) {
		more = realloc(*v, (*n + 64) * sizeof(**v));
		if (!more)
			return -ENOMEM;
		*v = more;
	}
	(*v)[(*n)++] = pid;
	return 0;
}

/* All of fd (a /proc file), NUL-terminated, or NULL; fd is closed. */
static char *read_fd(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = fd >= 0 ? malloc(cap + 1) : NULL;
	ssize_t got;

	while (buf && (got = read(fd, buf + n, cap - n)) > 0) {
		n += got;
		if (n == cap) {
			char *more = cap < (1u << 24) ? realloc(buf, 2 * cap + 1) : NULL;

			if (!more) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
			cap *= 2;
		}
	}
	if (fd >= 0)
		close(fd);
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = n;
	}
	return buf;
}

static char *read_small(int dirfd, const char *name, size_t *len)
{
	return read_fd(openat(dirfd, name, O_RDONLY | O_CLOEXEC), len);
}

/* TracerPid of /proc/PID's task, -1 unknown */
static pid_t tracer_of(int procfd)
{
	char *text = read_small(procfd, "status", NULL), *p;
	long pid = -1;

	p = text ? strstr(text, "\nTracerPid:") : NULL;
	if (p)
		pid = strtol(p + strlen("\nTracerPid:"), NULL, 10);
	free(text);
	return (pid_t)pid;
}

/* The task criu's command line names as the root of the dumped tree:
 * -t PID, -tPID, --tree PID or --tree=PID; 0 when there is none. */
static pid_t cmdline_root(void)
{
	size_t len = 0;
	char *args = read_small(AT_FDCWD, "/proc/self/cmdline", &len), *a;
	const char *val = NULL;
	long pid = 0;

	for (a = args; a && !val && a < args + len; a += strlen(a) + 1) {
		if (!strcmp(a, "-t") || !strcmp(a, "--tree"))
			val = a + strlen(a) + 1 < args + len ? a + strlen(a) + 1 : NULL;
		else if (!strncmp(a, "--tree=", 7))
			val = a + 7;
		else if (!strncmp(a, "-t", 2) && a[2] >= '0' && a[2] <= '9')
			val = a + 2;
		if (val && !strcmp(a, "--"))
			break;
	}
	if (val) {
		char *end;

		pid = strtol(val, &end, 10);
		if (*end || pid <= 0 || pid > INT32_MAX)
			pid = 0;
	}
	free(args);
	return (pid_t)pid;
}

/* Add the children of every thread of /proc/PID to the queue. */
static void queue_children(struct finder *f, int procfd)
{
	int tfd = openat(procfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = tfd >= 0 ? fdopendir(tfd) : NULL;
	struct dirent *de;

	if (!d && tfd >= 0)
		close(tfd);
	while (d && (de = readdir(d))) {
		char name[300], *text, *p, *end;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(name, sizeof(name), "%s/children", de->d_name);
		text = read_small(dirfd(d), name, NULL);
		for (p = text; p && *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 0 && push_pid(&f->queue, &f->nqueue, (pid_t)pid))
				break;
		}
		free(text);
	}
	if (d)
		closedir(d);
}

/*
 * Read the mountinfo of the process at procfd (pid), unless its mount
 * namespace is criu's or its namespace and root are a candidate's already
 * read: 1 when it lists one of the image's overlays, 0 when not (or passed
 * over), -errno when the dump cannot go on.
 */
static int try_process(struct finder *f, pid_t pid, int procfd)
{
	struct seer *s, *more;
	struct ovl_mounts mi;
	struct statx stx;
	struct stat st;
	char *line;

	spent.candidates++;
	if (fstatat(procfd, "ns/mnt", &st, 0))
		return 0;
	if (statx(procfd, "root", AT_STATX_DONT_SYNC, STATX_INO | STATX_MNT_ID, &stx))
		return 0;
	for (size_t i = 0; i < f->nseers; i++) {
		s = &f->seers[i];
		if (s->ns == st.st_ino && s->root_ino == stx.stx_ino &&
		    s->root_dev == makedev(stx.stx_dev_major, stx.stx_dev_minor) &&
		    s->root_mnt == stx.stx_mnt_id)
			return 0;
	}
	more = realloc(f->seers, (f->nseers + 1) * sizeof(*f->seers));
	if (!more)
		return -ENOMEM;
	f->seers = more;
	s = &f->seers[f->nseers++];
	*s = (struct seer) {
		.ns = st.st_ino, .root_ino = stx.stx_ino,
		.root_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor),
		.root_mnt = stx.stx_mnt_id,
	};
	if (ovl_view_open(pid, 0, &s->view)) {
		f->nseers--;	/* gone meanwhile: its key is not read */
		return 0;
	}
	/* errors only, unless asked: the dump's resolutions stay quiet */
	ovl_view_set_log(s->view, lib_log_priority() == LOG_DEBUG ? LOG_DEBUG :
			 LOG_ERR, lib_log, NULL, 0);
	/* the tasks are frozen: one read of its mount table serves every
	 * read and resolution of the image's overlays in this view */
	spent.scans++;
	if (ovl_view_snapshot(s->view, 0) || ovl_view_mounts(s->view, &mi))
		mi.text = NULL;
	s->ids = mi.text ? malloc(f->nwant * sizeof(*s->ids)) : NULL;
	for (line = s->ids ? mi.text : NULL; line && *line;) {
		char *end, *eol = strchr(line, '\n');
		unsigned long id = strtoul(line, &end, 10);

		if (end != line && *end == ' ' && id <= UINT32_MAX &&
		    has_id(f->want, f->nwant, (uint32_t)id) &&
		    !has_id(s->ids, s->nids, (uint32_t)id) && s->nids < f->nwant) {
			s->ids[s->nids++] = (uint32_t)id;
			qsort(s->ids, s->nids, sizeof(*s->ids), cmp_u32);
		}
		line = eol ? eol + 1 : NULL;
	}
	if (mi.text)
		ovl_mounts_free(&mi);
	if (!s->nids) {
		ovl_view_unref(s->view);
		s->view = NULL;
		return 0;
	}
	return 1;
}

static struct ovl_view *listed_by(const struct finder *f, uint32_t id)
{
	for (size_t i = 0; i < f->nseers; i++)
		if (f->seers[i].view &&
		    has_id(f->seers[i].ids, f->seers[i].nids, id))
			return f->seers[i].view;
	return NULL;
}

static int open_pid(pid_t pid)
{
	char proc[32];

	snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	return open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* Try process pid (its children queued when they are the dumped tree's):
 * -errno, 0, or 1 with *v the view of one that lists overlay id now. */
static int try_pid(struct finder *f, pid_t pid, bool children, uint32_t id,
		   struct ovl_view **v)
{
	int procfd = open_pid(pid), err;

	if (procfd < 0)
		return 0;	/* gone */
	if (children)
		queue_children(f, procfd);
	err = try_process(f, pid, procfd);
	close(procfd);
	if (err < 0)
		return err;
	return err && (*v = listed_by(f, id)) != NULL;
}

/* The view of a process that lists overlay id, or NULL. */
static struct ovl_view *view_for(struct finder *f, uint32_t id)
{
	struct ovl_view *v = listed_by(f, id);
	struct stat st;
	int procfd, err;

	if (v)
		return v;
	if (!f->hinted) {
		pid_t root = cmdline_root();

		f->hinted = true;
		f->self = getpid();
		f->self_ns = !stat("/proc/self/ns/mnt", &st) ? st.st_ino : 0;
		procfd = root > 0 ? open_pid(root) : -1;
		/* only a tree criu dumps: its root is traced by criu */
		if (procfd >= 0 && tracer_of(procfd) == f->self)
			push_pid(&f->queue, &f->nqueue, root);
		if (procfd >= 0)
			close(procfd);
	}
	/* 1. the dumped tree */
	while (f->qhead < f->nqueue) {
		err = try_pid(f, f->queue[f->qhead++], true, id, &v);
		if (err)
			return err < 0 ? NULL : v;
	}
	/* 2. one scan: the processes criu traces, the others kept for last */
	if (!f->scanned) {
		DIR *proc = opendir("/proc");
		struct dirent *de;

		f->scanned = true;
		spent.proc_scans++;
		while (proc && (de = readdir(proc))) {
			pid_t pid;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			spent.proc_entries++;
			pid = (pid_t)atoi(de->d_name);
			procfd = openat(dirfd(proc), de->d_name,
					O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (procfd < 0)
				continue;
			/* criu's own namespace: not the dumped one when
			 * criu dumps a mount namespace, tried last */
			if (fstatat(procfd, "ns/mnt", &st, 0))
				err = 0;
			else if (st.st_ino == f->self_ns)
				err = push_pid(&f->last, &f->nlast, pid);
			else if (tracer_of(procfd) == f->self)
				err = try_process(f, pid, procfd);
			else
				err = push_pid(&f->later, &f->nlater, pid);
			close(procfd);
			if (err < 0)
				break;
		}
		if (proc)
			closedir(proc);
		if ((v = listed_by(f, id)))
			return v;
	}
	while (f->ilater < f->nlater + f->nlast) {
		pid_t pid = f->ilater < f->nlater ? f->later[f->ilater] :
			    f->last[f->ilater - f->nlater];

		f->ilater++;
		err = try_pid(f, pid, false, id, &v);
		if (err)
			return err < 0 ? NULL : v;
	}
	return NULL;
}

/* A candidate turned out gone: pass it over, look for the next. */
static void drop_view(struct finder *f, struct ovl_view *v)
{
	for (size_t i = 0; i < f->nseers; i++)
		if (f->seers[i].view == v) {
			ovl_view_unref(v);
			f->seers[i].view = NULL;
		}
}

static void finder_free(struct finder *f)
{
	for (size_t i = 0; i < f->nseers; i++) {
		ovl_view_unref(f->seers[i].view);
		free(f->seers[i].ids);
	}
	free(f->seers);
	free(f->queue);
	free(f->later);
	free(f->last);
	memset(f, 0, sizeof(*f));
}

/* The candidate with view v no longer counts for overlay id. */
static void unlist(struct finder *f, struct ovl_view *v, uint32_t id)
{
	for (size_t i = 0; i < f->nseers; i++) {
		struct seer *s = &f->seers[i];
		uint32_t *at = s->view == v ?
			bsearch(&id, s->ids, s->nids, sizeof(id), cmp_u32) : NULL;

		if (at) {
			memmove(at, at + 1, (s->ids + --s->nids - at) * sizeof(*at));
			return;
		}
	}
}

/*
 * Read overlay mnt_id in the view of the first candidate that lists it
 * and can read it: one that is gone meanwhile, or whose view lists the
 * overlay but cannot reach it whole (covered by another mount), is passed
 * over for the next.  On failure *view is the last one tried (NULL if none
 * listed it), with its reason.
 */
static int read_in_its_view(struct finder *f, uint32_t mnt_id,
			    struct ovl_view **view, struct ovl_layers **l,
			    const char **reason)
{
	struct ovl_view *v, *failed = NULL;
	const char *why = NULL;
	double t;
	int err = -ENOENT;

	for (;;) {
		*reason = "no process of the dumped mount namespace sees the overlay";
		v = view_for(f, mnt_id);
		if (!v)
			break;
		t = now_ms();
		err = ovl_layers_read_mount(v, mnt_id, 0, l, reason);
		spent.read += now_ms() - t;
		if (err == -ESRCH) {	/* gone meanwhile: the next one */
			drop_view(f, v);
			err = -ENOENT;
			continue;
		}
		if (err != -ENOENT) {
			ovl_view_unref(failed);
			*view = ovl_view_ref(v);
			return err;
		}
		/* listed, not reachable in this view: another may reach it */
		ovl_view_unref(failed);
		failed = ovl_view_ref(v);
		why = *reason;
		unlist(f, v, mnt_id);
	}
	*view = failed;
	if (failed)
		*reason = why;
	return -ENOENT;
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
 * on failure returns a message in why (static or in buf), and sets
 * *not_ok when a layer's status in the task's view is not ok.
 */
static int describe(struct finder *f, const struct criu_mnt_image *img,
		    const struct criu_mnt *m, struct json_object *o,
		    const char **why, char *buf, size_t size, bool *not_ok)
{
	struct ovl_view *view = NULL;
	struct ovl_layers *l = NULL;
	struct json_object *layers, *rec;
	const char *reason;
	unsigned int i;
	double t, read0;
	pid_t pid;
	int err;

	t = now_ms();
	read0 = spent.read;
	err = read_in_its_view(f, m->mnt_id, &view, &l, &reason);
	spent.find += now_ms() - t - (spent.read - read0);
	if (!view) {
		*why = reason;
		return err;
	}
	pid = ovl_view_pid(view);
	if (err) {
		snprintf(buf, size, "reading its layers in process %d's view: %s",
			 (int)pid, reason);
		*why = buf;
		goto out;
	}
	if (ovl_layers_source(l) == OVL_LAYERS_SOURCE_MOUNTINFO)
		say(CR_LOG_WARN, "overlay %s (mount %u): the kernel has no %s; its layers come from the mount option path strings, which are true only until the first restore",
		    m->mountpoint, m->mnt_id, OVL_LAYERS_XATTR);
	t = now_ms();
	err = ovl_layers_resolve_view(l, view, 0, NULL);
	spent.resolve += now_ms() - t;
	if (err) {
		snprintf(buf, size, "resolving its layers in process %d's view: %s",
			 (int)pid, ovl_layers_strerror(err));
		*why = buf;
		goto out;
	}
	t = now_ms();
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
		if (loc.status != OVL_LAYER_OK) {
			snprintf(buf, size, "its %s layer %u is %s in process %d's view%s%s%s%s",
				 ovl_layer_kind_name(r.kind), r.index,
				 ovl_layer_status_name(loc.status), (int)pid,
				 loc.path ? " at " : "", loc.path ? loc.path : "",
				 loc.reason ? ": " : "", loc.reason ? loc.reason : "");
			*not_ok = true;
		} else if (!(lm = criu_mnt_find(img, loc.mnt_id)) ||
			 lm->mnt_id == m->mnt_id)
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
		say(CR_LOG_DEBUG, "overlay %s: %s layer %u at %s (mount %u %s, %s)",
		    m->mountpoint, ovl_layer_kind_name(r.kind), r.index,
		    loc.path, lm->mnt_id, lm->mountpoint,
		    ovl_layer_status_name(loc.status));
	}
	/* the record ovl_layers_save_record() writes, as an object */
	rec = ovl_record_json(l);
	err = add(o, "record", rec) ? -ENOMEM : 0;
	spent.describe += now_ms() - t;
out:
	ovl_layers_free(l);
	ovl_view_unref(view);
	return err;
}

/*
 * The description of one overlay, for ovl-layers-<mnt_id>.json.  An
 * overlay that cannot be described is described by the reason, and marked
 * all the same: the restore then stops with that reason, rather than CRIU
 * mounting whatever the saved strings lead to.  *not_ok: it was not
 * described because a layer is not ok in the task's view.  NULL: out of
 * memory.
 */
static struct json_object *dump_overlay(struct finder *f,
					const struct criu_mnt_image *img,
					const struct criu_mnt *m, bool *not_ok)
{
	struct json_object *o = json_object_new_object();
	const char *why = NULL;
	char buf[PATH_MAX + 256];
	int err;

	if (!o || add_str(o, "format", FORMAT) ||
	    add_int(o, "version", FORMAT_VERSION) ||
	    add_int(o, "mnt_id", m->mnt_id) ||
	    add_str(o, "mountpoint", m->mountpoint) ||
	    add_str(o, "source", m->source) ||
	    add_int(o, "root_dev", m->root_dev) ||
	    add_int(o, "flags", m->flags)) {
		json_object_put(o);
		return NULL;
	}
	err = describe(f, img, m, o, &why, buf, sizeof(buf), not_ok);
	if (err && !why)
		why = ovl_layers_strerror(err);
	if (err) {
		say(CR_LOG_ERROR, "overlay %s (mount %u) cannot be described: %s; it will not be restored",
		    m->mountpoint, m->mnt_id, why);
		json_object_object_del(o, "layers");
		if (add_str(o, "error", why)) {
			json_object_put(o);
			return NULL;
		}
	} else {
		const char *source = ovl_json_str(json_object_object_get(o, "record"),
						"source");

		say(CR_LOG_INFO, "overlay %s (mount %u): %u layers described from %s",
		    m->mountpoint, m->mnt_id,
		    (unsigned int)json_object_array_length(
			json_object_object_get(o, "layers")),
		    source && !strcmp(source, "xattr") ? OVL_LAYERS_XATTR :
		    "its mount option strings");
	}
	return o;
}

/* What is wrong with a file of the images directory. */
static const char *image_error(int err)
{
	switch (err) {
	case -EINVAL:
		return "not a CRIU mount image (or a damaged one)";
	case -ENXIO:
		return "not a regular file";
	case -ELOOP:
		return "a symbolic link";
	}
	return strerror(-err);
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
		say(CR_LOG_ERROR, "%s: cannot move it aside either (%s): a restore from these images would mount its overlays from their option strings",
		    name, strerror(errno));
	else
		say(CR_LOG_ERROR, "%s moved aside to %s: these images cannot be restored",
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
	struct json_object **desc;
	struct finder f = { 0 };
	uint32_t *want;
	size_t marked = 0, nwant = 0;
	bool not_ok = false;
	int err, first = 0;
	double t = now_ms();

	err = criu_mnt_image_read(dir, name, &img);
	spent.images += now_ms() - t;
	spent.nimages++;
	if (err) {
		say(CR_LOG_ERROR, "%s: %s: its overlays are not described", name,
		    image_error(err));
		return err;
	}
	desc = calloc(img.nents ? img.nents : 1, sizeof(*desc));
	if (!desc) {
		criu_mnt_image_free(&img);
		say(CR_LOG_ERROR, "%s: out of memory", name);
		return -ENOMEM;
	}
	/* the finder reads each candidate's mountinfo once for all of them */
	want = calloc(img.nents ? img.nents : 1, sizeof(*want));
	if (!want) {
		free(desc);
		criu_mnt_image_free(&img);
		say(CR_LOG_ERROR, "%s: out of memory", name);
		return -ENOMEM;
	}
	for (size_t i = 0; i < img.nents; i++)
		if (to_describe(&img, &img.ents[i]))
			want[nwant++] = img.ents[i].mnt_id;
	qsort(want, nwant, sizeof(*want), cmp_u32);
	f.want = want;
	f.nwant = nwant;
	for (size_t i = 0; i < img.nents; i++) {
		struct criu_mnt *m = &img.ents[i];

		if (!to_describe(&img, m))
			continue;
		spent.overlays++;
		desc[i] = dump_overlay(&f, &img, m, &not_ok);
		if (!desc[i]) {
			say(CR_LOG_ERROR, "overlay %s (mount %u): out of memory; it will not be restored",
			    m->mountpoint, m->mnt_id);
			first = first ? first : -ENOMEM;
		}
		m->mark = true;
		marked++;
	}
	finder_free(&f);
	free(want);
	t = now_ms();
	if (marked) {
		err = criu_mnt_image_write(dir, name, &img);
		if (err) {
			say(CR_LOG_ERROR, "%s: writing it back with its overlays marked: %s",
			    name, strerror(-err));
			fail_closed(dir, name);
			first = first ? first : err;
		}
	}
	for (size_t i = 0; !err && i < img.nents; i++) {
		const struct criu_mnt *m = &img.ents[i];
		const char *text;
		char file[64];
		int e;

		if (!desc[i])
			continue;
		text = json_object_to_json_string_ext(desc[i],
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
		snprintf(file, sizeof(file), "ovl-layers-%u.json", m->mnt_id);
		e = text ? criu_write_file(dir, file, text, strlen(text)) : -ENOMEM;
		if (e) {
			say(CR_LOG_ERROR, "overlay %s (mount %u): writing %s: %s; it will not be restored",
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
		json_object_put(desc[i]);
	free(desc);
	criu_mnt_image_free(&img);
	spent.write += now_ms() - t;
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

		if (!is_mnt_image(de->d_name) ||
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
static int dump_images(void)
{
	int dir = criu_get_image_dir(), dfd, err = 0;
	uint32_t *ns = NULL;
	size_t nns = 0;
	struct dirent *de;
	char bad[64];
	DIR *d;
	double t0 = now_ms();

	memset(&spent, 0, sizeof(spent));
	err = dir >= 0 ? criu_dump_mnt_namespaces(dir, &ns, &nns, bad, sizeof(bad)) : -EBADF;
	spent.namespaces = now_ms() - t0;
	if (err) {
		say(CR_LOG_ERROR, "%s: %s: cannot tell this dump's mount namespaces; no overlay is described",
		    dir >= 0 ? bad : "the images directory",
		    err == -EINVAL ? "not the CRIU image its name says (or a damaged one)" : image_error(err));
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

		if (!is_mnt_image(de->d_name))
			continue;
		id = strtoul(de->d_name + strlen("mountpoints-"), NULL, 10);
		for (size_t i = 0; i < nns && !ours; i++)
			ours = ns[i] == id;
		if (!ours)
			say(CR_LOG_DEBUG, "%s: not this dump's (an earlier dump's in a reused folder): left alone",
			    de->d_name);
	}
	if (d)
		closedir(d);
	else if (dfd >= 0)
		close(dfd);
	free(ns);
	/* OVL_LAYERS_PLUGIN_TIMING set: where the time went (bench/plugin-dump) */
	if (getenv("OVL_LAYERS_PLUGIN_TIMING"))
		say(CR_LOG_DEBUG, "dump: %u overlays in %u images, %.1f ms: namespaces %.1f, images %.1f, finding %.1f, reading %.1f, resolving %.1f, describing %.1f, writing %.1f ms; %u /proc entries, %u mountinfo scans, %u candidates, %u /proc scans",
	    spent.overlays, spent.nimages, now_ms() - t0, spent.namespaces,
	    spent.images, spent.find, spent.read, spent.resolve,
	    spent.describe, spent.write,
	    spent.proc_entries, spent.scans, spent.candidates, spent.proc_scans);
	return err;
}

/* ------------------------------------------------------------------ */
/* Restore */

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
		say(CR_LOG_ERROR, "%s: %s", name, *err == -EFBIG ?
		    "larger than any description" : image_error(*err));
		*err = *err == -ELOOP || *err == -EFBIG || *err == -ENXIO ?
		       -EINVAL : *err;
		return NULL;
	}
	*err = -EINVAL;
	o = parse_json((const char *)text, len);
	if (o && (!ovl_json_str(o, "format") || strcmp(ovl_json_str(o, "format"), FORMAT)))
		say(CR_LOG_ERROR, "%s: not an %s image", name, FORMAT);
	else if (o && member_int(o, "version") != FORMAT_VERSION)
		say(CR_LOG_ERROR, "%s: version %lld, this plugin reads %d", name,
		    (long long)member_int(o, "version"), FORMAT_VERSION);
	else if (o)
		*err = 0;
	else
		say(CR_LOG_ERROR, "%s: unreadable or not JSON", name);
	if (*err) {
		json_object_put(o);
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
static struct criu_mnt_image *images;
static size_t nimages;
static bool images_read;

static void read_mnt_images(void)
{
	int dir = criu_get_image_dir(), dfd;
	struct dirent *de;
	DIR *d;

	images_read = true;
	dfd = dir >= 0 ? openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		struct criu_mnt_image img, *more;

		if (!is_mnt_image(de->d_name) ||
		    criu_mnt_image_read(dir, de->d_name, &img))
			continue;
		more = realloc(images, (nimages + 1) * sizeof(*images));
		if (!more) {
			criu_mnt_image_free(&img);
			break;
		}
		images = more;
		images[nimages++] = img;
	}
	closedir(d);
}

static void free_mnt_images(void)
{
	for (size_t i = 0; i < nimages; i++)
		criu_mnt_image_free(&images[i]);
	free(images);
	images = NULL;
	nimages = 0;
	images_read = false;
}

/* The entry of mount id in CRIU's images, and the image it is in. */
static const struct criu_mnt *mnt_entry(int id, const struct criu_mnt_image **img)
{
	if (!images_read)
		read_mnt_images();
	for (size_t i = 0; i < nimages; i++) {
		const struct criu_mnt *m = criu_mnt_find(&images[i], id);

		if (m) {
			*img = &images[i];
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
	struct ovl_ident id;
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
	if (ovl_ident(mnt, &id) || !id.mount_root) {
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

/* The saved overlay's other options, and its source ("overlay", say) as
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
	    (json_object_object_get_ex(o, "flags", NULL) && flags != ent->flags)) {
		say(CR_LOG_ERROR, "overlay %s (mount %u): its description disagrees with CRIU's mount image (mount ID, mount point, device or flags)",
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
	if (strcmp(kind, ovl_layer_kind_name(r->kind)) ||
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

static int restore_overlay(struct json_object *o, const struct criu_mnt_image *img,
			   const struct criu_mnt *ent, const char *target)
{
	struct ovl_layers *l = NULL;
	struct json_object *layers, *rec;
	const char *mountpoint = ovl_json_str(o, "mountpoint");
	const char *text, *reason;
	char *options = NULL;
	struct places p;
	unsigned int i, failed = 0, verified = 0;
	int id = (int)ent->mnt_id, err, mntfd;

	if (ovl_json_str(o, "error")) {
		say(CR_LOG_ERROR, "overlay %s (mount %d) was not described at checkpoint time: %s",
		    mountpoint ? mountpoint : "?", id, ovl_json_str(o, "error"));
		return -EINVAL;
	}
	if (!mountpoint || !json_object_object_get_ex(o, "layers", &layers) ||
	    !json_object_is_type(layers, json_type_array) ||
	    !json_object_object_get_ex(o, "record", &rec) ||
	    !json_object_is_type(rec, json_type_object)) {
		say(CR_LOG_ERROR, "overlay mount %d: the image lacks its layers", id);
		return -EINVAL;
	}
	err = check_description(o, ent, mountpoint);
	if (err)
		return err;
	text = json_object_to_json_string(rec);
	err = ovl_layers_load(text, strlen(text), &l, NULL, &reason);
	if (!err)
		ovl_layers_set_log(l, lib_log_priority(), lib_log, NULL, 0);
	if (err) {
		say(CR_LOG_ERROR, "overlay %s (mount %d): its descriptor: %s",
		    mountpoint, id, reason);
		return err;
	}
	if (json_object_array_length(layers) != ovl_layers_count(l)) {
		say(CR_LOG_ERROR, "overlay %s (mount %d): %zu layers saved for %u records",
		    mountpoint, id, json_object_array_length(layers),
		    ovl_layers_count(l));
		err = -EINVAL;
		goto out;
	}
	err = where_mounts_are(target, id, mountpoint, &p);
	if (err) {
		say(CR_LOG_ERROR, "overlay %s (mount %d): cannot tell where CRIU restores the other mounts from %s",
		    mountpoint, id, target);
		goto out;
	}
	for (i = 0; i < ovl_layers_count(l); i++) {
		struct json_object *one = json_object_array_get_idx(layers, i);
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
			say(CR_LOG_ERROR, "overlay %s (mount %d): %s layer %u (%s on mount %lld): %s",
			    mountpoint, id, ovl_layer_kind_name(r.kind), r.index,
			    path, (long long)member_int(one, "mnt_id"), what);
			err = -EINVAL;
			goto out;
		}
		fd = open_layer(&p, lm, ovl_json_str(one, "root"), dir, sizeof(dir));
		err = fd < 0 ? fd : ovl_layers_place_fd(l, i, fd, 0);
		if (fd >= 0)
			close(fd);
		if (err < 0) {
			say(CR_LOG_ERROR, "overlay %s (mount %d): %s layer %u (%s on mount %u) at %s: %s%s",
			    mountpoint, id, ovl_layer_kind_name(r.kind), r.index,
			    path, lm->mnt_id, dir,
			    err == -ESTALE ? "" :
			    err == -EXDEV || err == -ELOOP ?
			    "it leads out of its mount (\"..\", a symbolic link or another mount)" :
			    strerror(-err),
			    err == -ESTALE ? "another directory than the checkpoint's (its file handle differs)"
					   : err == -ENOENT ? " (is that mount restored after the overlay?)" : "");
			goto out;
		}
		verified += err;
		say(CR_LOG_DEBUG, "overlay %s: %s layer %u at %s (%s)", mountpoint,
		    ovl_layer_kind_name(r.kind), r.index, dir,
		    err ? "same filesystem, file handle matches"
			: "re-created filesystem");
	}
	err = mount_options(l, ovl_json_str(o, "source"), &options);
	mntfd = err ? err : ovl_layers_fsmount(l, options, attr_of_flags(ent->flags),
					       0, &failed);
	free(options);
	err = mntfd < 0 ? mntfd : 0;
	if (!err && move_mount(mntfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
		err = -errno;
	if (mntfd >= 0)
		close(mntfd);
	if (err) {
		say(CR_LOG_ERROR, "overlay %s (mount %d): mounting it at %s: %s (layer %u)",
		    mountpoint, id, target, strerror(-err), failed);
		goto out;
	}
	say(CR_LOG_INFO, "overlay %s (mount %d) mounted at %s from %u layers (%u checked by file handle)",
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

static int restore_ext_mount(int id, char *mountpoint, char *old_root,
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
		say(CR_LOG_ERROR, "overlay mount %d: %s", id, !ent ?
		    "not in CRIU's mount images" :
		    "CRIU's mount image has no overlay marked for a plugin with that ID");
		err = -EINVAL;
		goto out;
	}
	dev = member_int(o, "root_dev");
	for (m = mounted; m && m->root_dev != dev; m = m->next)
		;
	if (m) {
		err = check_description(o, ent, ovl_json_str(o, "mountpoint") ?
					ovl_json_str(o, "mountpoint") : "");
		if (!err)
			err = bind_again(m, mountpoint, ent->flags);
		if (err == -EINVAL)
			;	/* said */
		else if (err)
			say(CR_LOG_ERROR, "overlay mount %d: binding %s at %s: %s", id,
			    m->target, mountpoint, strerror(-err));
		else
			say(CR_LOG_INFO, "overlay mount %d: a bind mount of %s", id,
			    m->target);
		goto out;
	}
	err = restore_overlay(o, img, ent, mountpoint);
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
	say(CR_LOG_DEBUG, "libovllayers %s", VERSION);
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
	free_mnt_images();
	/* the dump is complete, the tasks still frozen: now or never */
	if (s == CR_PLUGIN_STAGE__DUMP && ret == 0 && stage == s)
		dump_images();
}

CR_PLUGIN_REGISTER(PLUGIN, plugin_init, plugin_exit)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT, restore_ext_mount)
