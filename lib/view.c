// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The view of a process: its root directory and its mount table (read by
 * mount_table.c), opened once.
 *
 * The library runs as root on the host and looks into containers, whose
 * directories, symlinks and mounts are the container's to shape.  A path
 * in a container's view is never "/proc/PID/root" + the path handed to
 * open(2): an absolute symlink on the way would then resolve against the
 * caller's root, the host's.  Instead the task's root is opened once, as
 * an fd, and every path of its view is resolved beneath it with openat2(2)
 * RESOLVE_IN_ROOT (symlinks and ".." stay inside) and RESOLVE_NO_MAGICLINKS
 * (its /proc/self/root cannot lead out).  The task is pinned by a pidfd:
 * its /proc/PID directory is opened and then the pidfd is asked whether
 * the task is still alive, so that a pid reused by another process in
 * between is noticed; later files of that task are opened beneath that
 * /proc/PID directory, which stays the old task's even if the pid is
 * reused.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"

int ovl_openat2(int dirfd, const char *path, int oflags, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(oflags | O_CLOEXEC),
		.resolve = resolve,
	};

	/* EAGAIN: a rename raced with a ".." under RESOLVE_IN_ROOT */
	for (int tries = 0; tries < 16; tries++) {
		long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN)
			break;
	}
	return -errno;
}

int ovl_view_openat(const struct ovl_view *v, const char *path, int oflags,
		    uint64_t resolve)
{
	return ovl_openat2(v->rootfd, path, oflags,
			   resolve | RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

int ovl_view_alive(const struct ovl_view *v)
{
	if (v->pidfd < 0)
		return 0;
	if (pidfd_send_signal(v->pidfd, 0, NULL, 0) == 0)
		return 0;
	return errno == ESRCH ? -ESRCH : -errno;
}

static void view_close(struct ovl_view *v)
{
	ovl_view_snapshot_drop(v);
	if (v->pidfd >= 0)
		close(v->pidfd);
	if (v->procfd >= 0)
		close(v->procfd);
	if (v->rootfd >= 0)
		close(v->rootfd);
	free(v);
}

/* Takes pidfd (-1 for the caller's own view). */
static int view_new(pid_t pid, int pidfd, struct ovl_view **out)
{
	struct ovl_view *v = calloc(1, sizeof(*v));
	char proc[32];
	struct statfs sfs;
	int err;

	if (!v) {
		if (pidfd >= 0)
			close(pidfd);
		return -ENOMEM;
	}
	v->refs = 1;
	ovl_log_from_env(&v->log);	/* once, not at every message */
	v->pid = pid;
	v->pidfd = pidfd;
	v->rootfd = -1;
	if (pid)
		snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	else
		snprintf(proc, sizeof(proc), "/proc/self");
	v->procfd = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->procfd < 0) {
		err = errno == ENOENT ? -ESRCH : -errno;
		goto fail;
	}
	err = -EIO;	/* something mounted over /proc is not procfs */
	if (fstatfs(v->procfd, &sfs) || sfs.f_type != PROC_SUPER_MAGIC)
		goto fail;
	/* the one magic link followed on purpose: the task's root */
	v->rootfd = pid ? openat(v->procfd, "root", O_PATH | O_DIRECTORY |
				 O_CLOEXEC) :
			  open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->rootfd < 0) {
		err = errno == ENOENT ? -ESRCH : -errno;
		goto fail;
	}
	/* still the task the pidfd names: the pid was not reused meanwhile */
	err = ovl_view_alive(v);
	if (err)
		goto fail;
	*out = v;
	return 0;
fail:
	view_close(v);
	return err;
}

/*
 * A view is a process's, as pidfd_open(2) pins one: the ID of a thread
 * that is not its group's leader is refused (without PIDFD_THREAD, which
 * is 6.9's) with EINVAL, and by later kernels with ESRCH, as if there
 * were no such task; neither says what the caller got wrong.  Such a
 * thread is told apart by its status's Tgid and refused with -EOPNOTSUPP,
 * not taken for its process: a thread may have a root and a mount
 * namespace of its own (one cloned without CLONE_FS may unshare them),
 * so the leader's view need not be the one the caller asked for.
 */
static int view_open(pid_t pid, unsigned int flags, struct ovl_view **out)
{
	pid_t tgid;
	int pidfd, err;

	if (pid < 0 || flags || !out)
		return -EINVAL;
	if (!pid)
		return view_new(0, -1, out);
	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0) {
		err = errno == ENOENT ? ESRCH : errno;
		if ((err == EINVAL || err == ESRCH) &&
		    ovl_task_tgid(pid, &tgid) == 1)
			return -EOPNOTSUPP;
		return -err;
	}
	return view_new(pid, pidfd, out);
}

/* The pid a pidfd names, in our pid namespace, from its fdinfo. */
static int pidfd_pid(int pidfd, pid_t *pid)
{
	char file[64], *line = NULL;
	size_t cap = 0;
	int err = -EINVAL;	/* not a pidfd: no "Pid:" line */
	FILE *f;

	snprintf(file, sizeof(file), "/proc/self/fdinfo/%d", pidfd);
	f = fopen(file, "re");
	if (!f)
		return errno == ENOENT ? -EBADF : -errno;
	while (getline(&line, &cap, f) > 0) {
		long n;

		if (sscanf(line, "Pid:\t%ld", &n) != 1)
			continue;
		/* -1: exited; 0: not in our pid namespace */
		err = n > 0 ? 0 : -ESRCH;
		*pid = (pid_t)n;
		break;
	}
	free(line);
	fclose(f);
	return err;
}

static int view_open_pidfd(int pidfd, unsigned int flags,
			   struct ovl_view **out)
{
	pid_t pid = 0;
	int err, mine;

	if (pidfd < 0 || flags || !out)
		return -EINVAL;
	err = pidfd_pid(pidfd, &pid);
	if (err)
		return err;
	mine = fcntl(pidfd, F_DUPFD_CLOEXEC, 3);
	if (mine < 0)
		return -errno;
	return view_new(pid, mine, out);
}

OVL_EXPORT
struct ovl_view *ovl_view_ref(struct ovl_view *view)
{
	if (view)
		view->refs++;
	return view;
}

OVL_EXPORT
void ovl_view_unref(struct ovl_view *view)
{
	if (view && --view->refs == 0)
		view_close(view);
}

OVL_EXPORT
pid_t ovl_view_pid(const struct ovl_view *view)
{
	return view ? view->pid : -EINVAL;
}

static int view_open_mountinfo(const struct ovl_view *view)
{
	int fd, err;

	if (!view)
		return -EINVAL;
	fd = openat(view->procfd, "mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	err = ovl_view_alive(view);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * A snapshot: the mount table read now, whole (statmount or mountinfo,
 * as any read), and the resolver's index built on that same table when
 * the first resolution needs it, kept with the resolver until the
 * snapshot is dropped: what the reads and the resolutions see is one
 * moment.
 */
static int view_snapshot(struct ovl_view *view, unsigned int flags)
{
	struct ovl_snapshot *s;
	int err;

	if (!view || flags)
		return -EINVAL;
	ovl_view_snapshot_drop(view);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	err = ovl_mount_table_read(view, 0, OVL_TABLE_WHOLE | OVL_TABLE_FRESH,
				   &s->t);
	if (err) {
		free(s);
		return err;
	}
	err = pthread_mutex_init(&s->lock, NULL);
	if (err) {
		ovl_mount_table_free(s->t);
		free(s);
		return -err;
	}
	view->snap = s;
	ovl_dbg(&view->log, "snapshot of the mount table: %zu mounts",
		s->t->n);
	return 0;
}

OVL_EXPORT
int ovl_view_open(pid_t pid, unsigned int flags, struct ovl_view **out,
		  struct ovl_error *err)
{
	int ret = view_open(pid, flags, out);

	return ovl_seterr(err, ret, ret == -ESRCH ? "no such process" :
		       ret == -EOPNOTSUPP ? "a thread's view: open its "
		       "process's (thread group leader's) or pass a pidfd" :
		       ret ? "cannot open the process's view" : NULL);
}

OVL_EXPORT
int ovl_view_open_pidfd(int pidfd, unsigned int flags, struct ovl_view **out,
			struct ovl_error *err)
{
	int ret = view_open_pidfd(pidfd, flags, out);

	return ovl_seterr(err, ret, ret == -ESRCH ? "the process is gone, or "
		       "in no pid namespace of ours" : ret == -EINVAL && pidfd >= 0 &&
		       !flags && out ? "not a pidfd" : NULL);
}

OVL_EXPORT
int ovl_view_open_mountinfo(const struct ovl_view *view,
			    struct ovl_error *err)
{
	int ret = view_open_mountinfo(view);

	return ovl_seterr(err, ret, ret == -ESRCH ? "no such process" : NULL);
}

OVL_EXPORT
int ovl_view_snapshot(struct ovl_view *view, unsigned int flags,
		      struct ovl_error *err)
{
	int ret = view_snapshot(view, flags);

	return ovl_seterr(err, ret, ret ? ovl_mounts_why(ret) : NULL);
}

OVL_EXPORT
void ovl_view_snapshot_drop(struct ovl_view *view)
{
	struct ovl_snapshot *s = view ? view->snap : NULL;

	if (!s)
		return;
	view->snap = NULL;
	if (s->r)
		s->r_free(s->r);
	ovl_mount_table_free(s->t);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void ovl_view_lock(const struct ovl_view *v)
{
	if (v->snap)
		pthread_mutex_lock(&v->snap->lock);
}

void ovl_view_unlock(const struct ovl_view *v)
{
	if (v->snap)
		pthread_mutex_unlock(&v->snap->lock);
}

void ovl_view_set_table_way(struct ovl_view *v, int way)
{
	v->table_way = way;
}
