// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers --origin FILE: the lower file a copied-up FILE came from.
 * The overlay's origin xattr is read on the upper file itself, found
 * beneath the upper layer's directory that the library resolved (openat2,
 * no symlink, no other filesystem), and decoded by the library into one
 * layer of kind "origin", shown and resolved as any other.  FILE is in the
 * caller's view; -N says only where to resolve the origin.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "missing.h"
#include "ovllayers.h"
#include "ovl-layers.h"

/*
 * file's absolute path, its symlink not followed, and the mount it is on
 * (from mountinfo: mount point, and the mount's root inside its fs).
 */
static int locate(struct ctl *ctl, const char *file, char *abs, size_t size,
		  char **target, char **fsroot)
{
	struct ovl_mount_table *own = NULL;
	struct ovl_view *self = NULL;
	struct ovl_mount m;
	struct statx stx;
	char *dir = strdup(file), *base = strdup(file), *real = NULL;
	int e = -ENOMEM;

	if (!dir || !base)
		goto out;
	if (statx(AT_FDCWD, file, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx)) {
		e = -errno;
		goto out;
	}
	e = -EIO;
	if (!(stx.stx_mask & STATX_MNT_ID))
		goto out;
	real = S_ISLNK(stx.stx_mode) ? realpath(dirname(dir), NULL) :
				       realpath(file, NULL);
	e = -errno;
	if (!real)
		goto out;
	e = -ENAMETOOLONG;
	if ((size_t)snprintf(abs, size, "%s%s%s", real,
			     S_ISLNK(stx.stx_mode) ? "/" : "",
			     S_ISLNK(stx.stx_mode) ? basename(base) : "") >= size)
		goto out;
	/* file is in the caller's view, even with -N: the view's table is
	 * the one only without -N */
	if (ctl->pid) {
		e = ovl_view_open(0, 0, &self, NULL);
		if (!e)
			e = ovl_view_read_mounts(self, 0, &own, NULL);
		if (e)
			goto out;
	}
	e = -EIO;
	if (stx.stx_mnt_id <= INT_MAX &&
	    ovl_mount_table_find(own ? own : view_mounts(ctl),
				 (int)stx.stx_mnt_id, &m, sizeof(m)) >= 0) {
		*target = strdup(m.mount_point);
		*fsroot = strdup(*m.root ? m.root : "/");
		e = *target && *fsroot ? 0 : -ENOMEM;
	}
out:
	ovl_mount_table_free(own);
	ovl_view_unref(self);
	free(real);
	free(dir);
	free(base);
	return e;
}

/*
 * Where the origin xattr of file lives: on the upper file, not on the
 * overlay file (through the overlay the name is escaped).  file is in the
 * caller's view (-N only says where to resolve the origin).  Returns an
 * O_PATH fd of the upper file, found beneath the upper layer's directory
 * (the fd the resolution checked) without following any symlink and
 * without leaving that filesystem, and its name in *shown; -1 on error.
 */
static int upper_file_of(struct ctl *ctl, const char *file, char **shown,
			 bool *on_overlay)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;
	struct ovl_layer_location loc;
	const char *below;
	char abs[PATH_MAX], rel[PATH_MAX], *target = NULL, *fsroot = NULL;
	size_t tlen;
	int e, fd = -1;

	*shown = NULL;
	e = ovl_layers_read(NULL, -1, file, 0, ctl->read_flags, &l, ctl->error);
	*on_overlay = e != -EMEDIUMTYPE;
	if (e == -EMEDIUMTYPE) {
		/* not on an overlay: the upper file itself */
		fd = open(file, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || !(*shown = strdup(file))) {
			fail(ctl, file, fd < 0 ? -errno : -ENOMEM, NULL);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		return fd;
	}
	if (e) {
		fail(ctl, file, e, reason_of(ctl->error));
		return -1;
	}
	warn_fallback(ctl, l);
	e = ovl_layers_resolve(l, NULL, OVL_RESOLVE_FD, NULL, ctl->error);
	if (e) {
		fail(ctl, file, e, reason_of(ctl->error));
		goto out;
	}
	ovl_layers_get_record(l, 0, &rec, sizeof(rec));
	ovl_layers_get_location(l, 0, &loc, sizeof(loc));
	e = -1;
	if (ovl_layers_count(l) == 0 || rec.kind != OVL_LAYERS_UPPER) {
		warnx_esc("%s: the overlay has no upper layer: nothing is copied up",
			  file);
		goto out;
	}
	if (loc.status != OVL_STATUS_OK && loc.status != OVL_STATUS_SHADOWED) {
		warnx_esc("%s: the upper layer is %s%s%s%s: cannot read the origin",
			  file, ovl_layers_status_name(loc.status),
			  loc.reason ? " (" : "", loc.reason ? loc.reason : "",
			  loc.reason ? ")" : "");
		goto out;
	}
	e = locate(ctl, file, abs, sizeof(abs), &target, &fsroot);
	if (e) {
		fail(ctl, file, e, "cannot look up the file");
		goto out;
	}
	tlen = strcmp(target, "/") ? strlen(target) : 0;
	e = -1;
	if (strncmp(abs, target, tlen) || (abs[tlen] && abs[tlen] != '/')) {
		warnx_esc("%s: not below its mount point %s", file, target);
		goto out;
	}
	if ((size_t)snprintf(rel, sizeof(rel), "%s%s",
			     strcmp(fsroot, "/") ? fsroot : "",
			     abs + tlen) >= sizeof(rel) ||
	    asprintf(shown, "%s%s", loc.path, rel) < 0) {
		*shown = NULL;
		fail(ctl, file, -ENAMETOOLONG, NULL);
		goto out;
	}
	below = rel + strspn(rel, "/");
	fd = (int)syscall(SYS_openat2, loc.fd, *below ? below : ".", &how,
			  sizeof(how));
	if (fd < 0 && errno == ENOENT && *on_overlay) {
		/* in the overlay, not in its upper layer: a lower layer's
		 * file, never copied up, is its own origin */
		warnx_esc("%s: has no origin: never copied up (it is a lower layer's file; %s does not exist)",
			  file, *shown);
		goto out;
	}
	if (fd < 0) {
		warn_esc("%s: %s", file, *shown);
		goto out;
	}
	e = 0;
out:
	if (e) {
		ctl->status = EXIT_FAILURE;
		free(*shown);
		*shown = NULL;
	}
	free(target);
	free(fsroot);
	ovl_layers_free(l);
	return e ? -1 : fd;
}

/*
 * Whether the ENODATA of reading file's origin xattr is the kernel hiding
 * trusted.* from a caller without CAP_SYS_ADMIN.  On an overlay the
 * library says: reading the layers xattr needs the same privilege and
 * gives -EPERM without it (--source mountinfo did not ask).  The upper
 * file named directly is on a filesystem of which the library reads
 * nothing, so capget(2) is asked here: the one thing the library cannot
 * say.
 */
static bool origin_hidden(const char *file, bool on_overlay)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	struct ovl_layers *l = NULL;
	int e;

	if (on_overlay) {
		e = ovl_layers_read(NULL, -1, file, 0, OVL_READ_KERNEL_ONLY,
				    &l, NULL);
		ovl_layers_free(l);
		return e == -EPERM;
	}
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return !(data[CAP_SYS_ADMIN / 32].effective &
		 (1u << (CAP_SYS_ADMIN % 32)));
}

/* The copied-up file's origin xattr: where it came from. */
struct ovl_layers *origin_of(struct ctl *ctl, const char *file)
{
	static const char *const names[] = { OVL_ORIGIN_XATTR,
					     OVL_ORIGIN_XATTR_USER };
	unsigned char buf[256];	/* an ovl_fb is at most 21 + 128 bytes */
	struct ovl_layers *l = NULL;
	ssize_t n = -1;
	char link[32], *upper;
	bool on_overlay;
	int e, fd = upper_file_of(ctl, file, &upper, &on_overlay);

	if (fd < 0)
		return NULL;
	/* the link leads to the very file, a symlink too; nothing is
	 * looked up by name again */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	for (size_t i = 0; i < 2 && n < 0; i++)
		n = getxattr(link, names[i], buf, sizeof(buf));
	e = errno;
	close(fd);
	if (n < 0) {
		if (e == ENODATA && origin_hidden(file, on_overlay))
			warnx_esc("%s: no privilege to read %s (needs CAP_SYS_ADMIN)",
				  file, OVL_ORIGIN_XATTR);
		else if (e == ENODATA)
			warnx_esc("%s: has no origin (not copied up, or created in the upper layer)",
				  file);
		else if (e == ERANGE)
			warnx_esc("%s: malformed origin value: longer than any struct ovl_fb",
				  file);
		else
			warnx_esc("%s: %s: %s", file, upper, strerror(e));
		ctl->status = EXIT_FAILURE;
		free(upper);
		return NULL;
	}
	e = ovl_layers_decode_origin(buf, n, &l, ctl->error);
	if (e == -EINVAL || e == -EPROTONOSUPPORT) {
		warnx_esc("%s: %s origin value in %s", file,
			  e == -EINVAL ? "malformed" : "unsupported", upper);
		ctl->status = EXIT_FAILURE;
		free(upper);
		return NULL;
	}
	free(upper);
	if (e) {
		fail(ctl, file, e, reason_of(ctl->error));
		return NULL;
	}
	return l;
}
