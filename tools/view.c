// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers: the view the layers are resolved in (-N PID's mount
 * namespace and root, or the caller's), opened once, and its mount table,
 * read once when first needed (or a snapshot shared by every overlay): the
 * overlays to list, the FSROOT of a layer's mount.  The library reads and
 * resolves; this file says why it could not, in the user's terms.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include "common.h"
#include "missing.h"
#include "ovllayers.h"
#include "ovl-layers.h"

/*
 * The view, opened once: one clear error for a bad PID, not one per
 * overlay; a PID that exits (and may be reused) meanwhile is an error of
 * the lookups made through it.
 */
static void __attribute__((format(printf, 4, 0)))
keep_detail(void *data, int priority, const char *func, const char *format,
	    va_list args)
{
	struct ctl *ctl = data;

	(void)priority;
	(void)func;
	clear_detail(ctl);
	if (vasprintf(&ctl->detail, format, args) < 0)
		ctl->detail = NULL;
}

void open_view(struct ctl *ctl)
{
	int e = ovl_view_open(ctl->pid, 0, &ctl->view, ctl->error);

	if (e == -ESRCH)
		errx_esc(EXIT_FAILURE, "--task %d: no such process", (int)ctl->pid);
	/* a thread, not its process (ovl_view_open(3)): which process, for
	 * the user to say so if that is the view meant */
	if (e == -EOPNOTSUPP) {
		pid_t tgid;

		if (ovl_task_tgid(ctl->pid, &tgid) == 1)
			errx_esc(EXIT_FAILURE, "--task %d: %d is a thread of process %d; give the process ID",
				 (int)ctl->pid, (int)ctl->pid, (int)tgid);
		errx_esc(EXIT_FAILURE, "--task %d: %d is a thread, not a process; give the process ID",
			 (int)ctl->pid, (int)ctl->pid);
	}
	/* /proc/PID/root and mountinfo: the kernel's ptrace read check */
	if (e == -EACCES || e == -EPERM)
		errx_esc(EXIT_FAILURE, "--task %d: %s: its root and mount table "
			 "are shown only to a caller with ptrace read access "
			 "to it (its own user, or CAP_SYS_PTRACE)",
			 (int)ctl->pid, strerror(-e));
	if (e)
		errx_esc(EXIT_FAILURE, "--task %d: %s", (int)ctl->pid, strerror(-e));
	/* the library names the layer a failed read stumbled on in its log
	 * (LOG_ERR): kept for fail(), unless the user asked for the log
	 * itself (OVL_LAYERS_DEBUG, which the library then prints) */
	if (!getenv("OVL_LAYERS_DEBUG"))
		ovl_view_set_log(ctl->view, LOG_ERR, keep_detail, ctl, 0);
}

void clear_detail(struct ctl *ctl)
{
	free(ctl->detail);
	ctl->detail = NULL;
}

/* The most of a view's mountinfo the library reads
 * (ovl_view_open_mountinfo(3)), for its -EFBIG's message */
#define MOUNTINFO_MAX	(64u << 20)

/* A mount table read failed: the tool cannot go on. */
static void __attribute__((noreturn)) mounts_failed(int e)
{
	if (e == -EFBIG)
		errx_esc(EXIT_FAILURE, "the mount table is larger than the library reads (%u MiB of mountinfo, 1,000,000 mounts): not read",
			 MOUNTINFO_MAX >> 20);
	errx_esc(EXIT_FAILURE, "mount table: %s", strerror(-e));
}

/*
 * The view's mount table, read once (ovl_view_read_mounts(3): the
 * library's own reading, statmount or mountinfo): the overlays to list,
 * the FSROOT of a layer's mount.  Not read for an overlay named by its
 * path without FSROOT: the library reads only the mounts it needs.
 */
struct ovl_mount_table *view_mounts(struct ctl *ctl)
{
	int e;

	if (!ctl->mounts) {
		e = ovl_view_read_mounts(ctl->view, 0, &ctl->mounts,
					 ctl->error);
		if (e)
			mounts_failed(e);
	}
	return ctl->mounts;
}

/* The view's mounts at one moment for all that follows (a table too
 * large is the end; any other failure leaves each call its own read) */
void snapshot(struct ctl *ctl)
{
	int e = ovl_view_snapshot(ctl->view, 0, ctl->error);

	if (e == -EFBIG)
		mounts_failed(e);
}

/* The mount of the view whose mount ID is id: false if there is none. */
bool mount_by_id(struct ctl *ctl, int id, struct ovl_mount *m)
{
	return ovl_mount_table_find(view_mounts(ctl), id, m, sizeof(*m)) >= 0;
}

/*
 * The root inside its filesystem (findmnt's FSROOT) of the mount whose
 * unique ID is id, from statmount(2) in the view's mount namespace: one
 * overlay named by its path does not need the view's whole mountinfo (a
 * container's, as large as it makes it) for it.  NULL where statmount
 * cannot say (before Linux 6.11 for another namespace, a mount gone):
 * mountinfo then.
 */
char *fsroot_statmount(struct ctl *ctl, uint64_t id)
{
	struct ovl_mnt_id_req req = { .size = sizeof(req), .mnt_id = id,
				      .param = OVL_SM_MNT_ROOT };
	char ns[64], *buf = NULL, *root = NULL;
	size_t size = 4096;
	int fd;

	if (!id)
		return NULL;
	snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", ctl->pid ? (int)ctl->pid :
		 (int)getpid());
	fd = open(ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (ioctl(fd, OVL_NS_GET_MNTNS_ID, &req.mnt_ns_id))
		req.mnt_ns_id = 0;
	close(fd);
	if (!req.mnt_ns_id)
		return NULL;
	/* a mount root as deep as a container made it: grown as needed */
	while (size <= (16u << 20) && (buf = realloc(buf, size))) {
		const struct ovl_statmount *sm = (const struct ovl_statmount *)buf;

		if (!syscall(SYS_statmount, &req, buf, size, 0)) {
			if (sm->mask & OVL_SM_MNT_ROOT)
				root = strdup(sm->str + sm->mnt_root);
			break;
		}
		if (errno != EOVERFLOW)
			break;
		size *= 4;
	}
	free(buf);
	return root;
}

/*
 * Every overlay mount of the view, like findmnt -t overlay, each named by
 * its mount ID: two overlays stacked on one mount point are two overlays
 * (and a note says how to tell their rows apart).
 */
size_t all_overlays(struct ctl *ctl, struct overlay **list)
{
	struct ovl_mount_table *t = view_mounts(ctl);
	struct ovl_mount m;
	size_t n = 0;

	*list = NULL;
	for (size_t i = 0; i < ovl_mount_table_count(t); i++) {
		const char *target;

		if (ovl_mount_table_get(t, i, &m, sizeof(m)) < 0 ||
		    strcmp(m.fstype, "overlay"))
			continue;
		target = m.mount_point;
		*list = realloc(*list, (n + 1) * sizeof(**list));
		if (!*list || !((*list)[n].label = strdup(target)))
			err_esc(EXIT_FAILURE, "out of memory");
		(*list)[n].id = m.mnt_id;
		for (size_t k = 0; k < n; k++)
			if (!strcmp((*list)[k].label, target) &&
			    !has_column(ctl, COL_OVERLAY_ID))
				warnx_esc("note: overlays %d and %d are stacked on %s: "
					  "-o +OVERLAY-ID tells their rows apart",
					  (*list)[k].id, (*list)[n].id, target);
		n++;
	}
	return n;
}
