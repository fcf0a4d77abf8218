// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which task sees an overlay of a mountpoints image, and its view of it
 * (the comment of struct seer in plugin.h says how it is found).
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

static bool has_id(const uint32_t *ids, size_t n, uint32_t id)
{
	return bsearch(&id, ids, n, sizeof(*ids), plugin_cmp_u32) != NULL;
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
 * Read the mount table of the process at procfd (pid), unless its mount
 * namespace is criu's or its namespace and root are a candidate's already
 * read: 1 when it lists one of the image's overlays, 0 when not (or passed
 * over), -errno when the dump cannot go on.
 */
static int try_process(struct finder *f, pid_t pid, int procfd)
{
	struct ovl_mount_table *t = NULL;
	struct seer *s, *more;
	struct statx stx;
	struct stat st;

	ovl_plugin.spent.candidates++;
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
	if (ovl_view_open(pid, 0, &s->view, NULL)) {
		f->nseers--;	/* gone meanwhile: its key is not read */
		return 0;
	}
	/* errors only, unless asked: the dump's resolutions stay quiet */
	ovl_view_set_log(s->view, plugin_lib_log_priority() == LOG_DEBUG ? LOG_DEBUG :
			 LOG_ERR, plugin_lib_log, NULL, 0);
	/* the tasks are frozen: one read of its mount table serves every
	 * read and resolution of the image's overlays in this view */
	ovl_plugin.spent.scans++;
	if (ovl_view_snapshot(s->view, 0, NULL) ||
	    ovl_view_read_mounts(s->view, 0, &t, NULL))
		t = NULL;
	s->ids = t ? malloc(f->nwant * sizeof(*s->ids)) : NULL;
	for (size_t i = 0; s->ids && i < ovl_mount_table_count(t); i++) {
		struct ovl_mount m;
		uint32_t id;

		if (ovl_mount_table_get(t, i, &m, sizeof(m)) < 0 || m.mnt_id < 0)
			continue;
		id = (uint32_t)m.mnt_id;
		if (has_id(f->want, f->nwant, id) &&
		    !has_id(s->ids, s->nids, id) && s->nids < f->nwant) {
			s->ids[s->nids++] = id;
			qsort(s->ids, s->nids, sizeof(*s->ids), plugin_cmp_u32);
		}
	}
	ovl_mount_table_free(t);
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
struct ovl_view *finder_view_for(struct finder *f, uint32_t id)
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
		ovl_plugin.spent.proc_scans++;
		while (proc && (de = readdir(proc))) {
			pid_t pid;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			ovl_plugin.spent.proc_entries++;
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
void finder_drop_view(struct finder *f, struct ovl_view *v)
{
	for (size_t i = 0; i < f->nseers; i++)
		if (f->seers[i].view == v) {
			ovl_view_unref(v);
			f->seers[i].view = NULL;
		}
}

void finder_free(struct finder *f)
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
void finder_unlist(struct finder *f, struct ovl_view *v, uint32_t id)
{
	for (size_t i = 0; i < f->nseers; i++) {
		struct seer *s = &f->seers[i];
		uint32_t *at = s->view == v ?
			bsearch(&id, s->ids, s->nids, sizeof(id), plugin_cmp_u32) : NULL;

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
 * listed it), and reason (size bytes) says why: the library's message
 * (plugin_error_message()), copied, as the next read may be another's.
 */
int finder_read(struct finder *f, uint32_t mnt_id, struct ovl_view **view,
		struct ovl_layers **l, char *reason, size_t size)
{
	struct ovl_view *v, *failed = NULL;
	double t;
	int err = -ENOENT;

	snprintf(reason, size, "%s",
		 "no process of the dumped mount namespace sees the overlay");
	for (;;) {
		v = finder_view_for(f, mnt_id);
		if (!v)
			break;
		t = plugin_now_ms();
		err = ovl_layers_read(v, -1, NULL, mnt_id, OVL_READ_MNT_ID, l,
				      plugin_error());
		ovl_plugin.spent.read += plugin_now_ms() - t;
		if (err == -ESRCH) {	/* gone meanwhile: the next one */
			finder_drop_view(f, v);
			err = -ENOENT;
			continue;
		}
		snprintf(reason, size, "%s", err ? plugin_error_message(err) : "");
		if (err != -ENOENT) {
			ovl_view_unref(failed);
			*view = ovl_view_ref(v);
			return err;
		}
		/* listed, not reachable in this view: another may reach it */
		ovl_view_unref(failed);
		failed = ovl_view_ref(v);
		finder_unlist(f, v, mnt_id);
	}
	*view = failed;
	if (!failed)
		snprintf(reason, size, "%s",
			 "no process of the dumped mount namespace sees the overlay");
	return -ENOENT;
}
