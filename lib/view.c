// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The view of a process: its root directory and its mount table, opened
 * once.
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
#include <libmount.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

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

OVL_EXPORT
int ovl_view_open(pid_t pid, unsigned int flags, struct ovl_view **out)
{
	int pidfd;

	if (pid < 0 || flags || !out)
		return -EINVAL;
	if (!pid)
		return view_new(0, -1, out);
	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0)
		return errno == ESRCH || errno == ENOENT ? -ESRCH : -errno;
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

OVL_EXPORT
int ovl_view_open_pidfd(int pidfd, unsigned int flags, struct ovl_view **out)
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

OVL_EXPORT
int ovl_view_open_mountinfo(const struct ovl_view *view)
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

static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *more = realloc(buf, 2 * cap + 1);

			if (!more) {
				free(buf);
				return -ENOMEM;
			}
			buf = more;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (!got)
			break;
		n += got;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int ovl_view_mounts(const struct ovl_view *v, struct ovl_mounts *m)
{
	FILE *f;
	int fd, err;

	memset(m, 0, sizeof(*m));
	fd = ovl_view_open_mountinfo(v);
	if (fd < 0)
		return fd;
	err = read_all(fd, &m->text, &m->len);
	close(fd);
	if (err)
		return err;
	m->tb = mnt_new_table();
	f = m->len ? fmemopen(m->text, m->len, "r") : NULL;
	if (!m->tb || !f) {
		if (f)
			fclose(f);
		ovl_mounts_free(m);
		return m->len ? -ENOMEM : -EIO;
	}
	err = mnt_table_parse_stream(m->tb, f, "mountinfo");
	fclose(f);
	if (err) {
		ovl_mounts_free(m);
		return err == -ENOMEM ? -ENOMEM : -EIO;
	}
	return 0;
}

void ovl_mounts_free(struct ovl_mounts *m)
{
	mnt_unref_table(m->tb);
	free(m->text);
	memset(m, 0, sizeof(*m));
}

/* libmount before 2.40 has no mnt_table_find_id() */
struct libmnt_fs *ovl_mounts_find_id(const struct ovl_mounts *m, int id)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs, *found = NULL;

	while (it && mnt_table_next_fs(m->tb, it, &fs) == 0)
		if (mnt_fs_get_id(fs) == id) {
			found = fs;
			break;
		}
	mnt_free_iter(it);
	return found;
}

/*
 * The super options of mount id as mountinfo spells them (escapes kept).
 * libmount hands them out unescaped, and then a comma in a layer path
 * ("\054") cannot be told from the option separator.
 */
int ovl_mounts_super_options(const struct ovl_mounts *m, int id, char **out)
{
	const char *line = m->text, *end = m->text + m->len;

	while (line < end) {
		const char *eol = memchr(line, '\n', end - line), *p;
		char *num_end;
		long got;

		if (!eol)
			eol = end;
		got = strtol(line, &num_end, 10);
		if (num_end != line && *num_end == ' ' && got == id) {
			/* ... optional fields - fstype source super-options;
			 * spaces inside fields are escaped as \040 */
			p = memmem(line, eol - line, " - ", 3);
			if (p)
				p = memchr(p + 3, ' ', eol - p - 3);
			if (p)
				p = memchr(p + 1, ' ', eol - p - 1);
			if (!p)
				return -EIO;
			*out = strndup(p + 1, eol - p - 1);
			return *out ? 0 : -ENOMEM;
		}
		line = eol + 1;
	}
	return -ENOENT;
}

int ovl_ident(int fd, struct ovl_ident *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC,
		  STATX_TYPE | STATX_INO | STATX_NLINK | STATX_MNT_ID, &stx))
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID) || !(stx.stx_mask & STATX_INO))
		return -EIO;	/* Linux 5.8 or later needed */
	id->dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	id->ino = stx.stx_ino;
	id->mode = stx.stx_mode;
	id->nlink = stx.stx_nlink;
	id->mnt_id = (int)stx.stx_mnt_id;
	id->mount_root = (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
			 (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
	return 0;
}

uint64_t ovl_unique_mount_id(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC,
		  STATX_MNT_ID_UNIQUE, &stx) ||
	    !(stx.stx_mask & STATX_MNT_ID_UNIQUE))
		return 0;
	return stx.stx_mnt_id;
}

void ovl_fd_link(int fd, char buf[OVL_FD_PATH_MAX])
{
	snprintf(buf, OVL_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

char *ovl_fd_path(int fd)
{
	char link[OVL_FD_PATH_MAX], buf[4096];
	ssize_t n;

	ovl_fd_link(fd, link);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || n >= (ssize_t)sizeof(buf) - 1)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}
