// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The descriptor, struct ovl_layers, that decoding (decode.c, format2.c),
 * reading (read.c) and loading (load.c) build: its lifetime, its
 * accessors (records, locations, options), and the names of its kinds,
 * statuses, sources and errors.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

void ovl_loc_clear(struct ovl_loc *loc)
{
	if (loc->fd >= 0)
		close(loc->fd);
	if (loc->strings) {
		free(loc->strings);
	} else {
		free(loc->mount_point);
		free(loc->root);
		free(loc->path);
	}
	memset(loc, 0, sizeof(*loc));
	loc->fd = -1;
	loc->mnt_id = -1;
}

void ovl_layers_clear_locations(struct ovl_layers *l)
{
	for (unsigned int i = 0; i < l->count; i++)
		ovl_loc_clear(&l->locs[i]);
	if (l->view)
		l->view_unref(l->view);
	l->view = NULL;
}

OVL_EXPORT
void ovl_layers_free(struct ovl_layers *layers)
{
	if (!layers)
		return;
	ovl_layers_clear_locations(layers);
	free(layers->locs);
	free(layers->recs);
	free(layers->info);
	free(layers->fbs);
	free(layers->raw);
	free(layers->mount_options);
	for (unsigned int i = 0; layers->paths && i < layers->count; i++)
		free(layers->paths[i]);
	free(layers->paths);
	free(layers->doubts);
	free(layers);
}

OVL_EXPORT
int ovl_layers_source(const struct ovl_layers *layers)
{
	return layers ? layers->source : -EINVAL;
}

OVL_EXPORT
unsigned int ovl_layers_count(const struct ovl_layers *layers)
{
	return layers ? layers->count : 0;
}

/*
 * Copy a record that may grow, as the kernel copies an extensible struct
 * (copy_struct_to_user()): the caller's size of it, the fields this
 * library does not know zeroed.  Returns the size this library fills.
 */
#define OVL_STRUCT_SIZE_MAX	4096

int ovl_copy_out(void *dst, size_t usize, const void *src, size_t ksize,
		 size_t min)
{
	if (usize < min || usize > OVL_STRUCT_SIZE_MAX)
		return -EINVAL;
	memcpy(dst, src, usize < ksize ? usize : ksize);
	if (usize > ksize)
		memset((unsigned char *)dst + ksize, 0, usize - ksize);
	return (int)ksize;
}

OVL_EXPORT
int ovl_layers_get_record(const struct ovl_layers *layers, unsigned int i,
			  struct ovl_layer_record *rec, size_t size)
{
	if (!layers || !rec || i >= layers->count)
		return -EINVAL;
	return ovl_copy_out(rec, size, &layers->recs[i], sizeof(*rec),
			OVL_RECORD_SIZE_VER0);
}

OVL_EXPORT
int ovl_layers_get_location(const struct ovl_layers *layers, unsigned int i,
			    struct ovl_layer_location *loc, size_t size)
{
	struct ovl_layer_location out;
	const struct ovl_loc *l;

	if (!layers || !loc || i >= layers->count)
		return -EINVAL;
	l = &layers->locs[i];
	memset(&out, 0, sizeof(out));
	out.status = l->status;
	out.mnt_id = l->mnt_id;
	out.mnt_id_unique = l->mnt_id_unique;
	out.mount_point = l->mount_point;
	out.root = l->root;
	out.path = l->path;
	out.fd = l->fd;
	out.reason = l->reason;
	return ovl_copy_out(loc, size, &out, sizeof(out),
			OVL_LOCATION_SIZE_VER0);
}

OVL_EXPORT
const char *ovl_layers_options(const struct ovl_layers *layers)
{
	return layers ? layers->mount_options : NULL;
}

OVL_EXPORT
const char *ovl_layers_kind_name(unsigned int kind)
{
	static const char *const names[] = {
		[OVL_LAYERS_ORIGIN] = "origin",
		[OVL_LAYERS_UPPER] = "upper",
		[OVL_LAYERS_WORK] = "work",
		[OVL_LAYERS_LOWER] = "lower",
		[OVL_LAYERS_DATA] = "data",
	};

	if (kind >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[kind];
}

OVL_EXPORT
const char *ovl_layers_status_name(int status)
{
	static const char *const names[] = {
		[OVL_STATUS_UNRESOLVED] = "unresolved",
		[OVL_STATUS_OK] = "ok",
		[OVL_STATUS_SHADOWED] = "shadowed",
		[OVL_STATUS_UNREACHABLE] = "unreachable",
		[OVL_STATUS_NO_MOUNT] = "no-mount",
		[OVL_STATUS_STALE] = "stale",
		[OVL_STATUS_NO_HANDLE] = "no-handle",
		[OVL_STATUS_NO_PERMISSION] = "no-permission",
		[OVL_STATUS_AMBIGUOUS] = "ambiguous",
		[OVL_STATUS_NOT_PROBED] = "not-probed",
		[OVL_STATUS_SUSPECT] = "suspect",
	};

	if (status < 0 || status >= (int)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[status];
}

const char *ovl_status_reason(const struct ovl_layer_record *rec, int status)
{
	switch (status) {
	case OVL_STATUS_SHADOWED:
		return "its path is covered by another mount; its fd and mount "
		       "ID still lead to it";
	case OVL_STATUS_UNREACHABLE:
		return "its filesystem is mounted, but no mount of it shows "
		       "the directory its handle names";
	case OVL_STATUS_NO_MOUNT:
		return ovl_uuid_is_null(rec->uuid) ?
		       "no mounted filesystem holds the directory its handle "
		       "names" :
		       "no filesystem with the record's uuid is mounted in "
		       "this view";
	case OVL_STATUS_STALE:
		return "its handle no longer opens a directory (deleted, or "
		       "the filesystem re-created)";
	case OVL_STATUS_NO_HANDLE:
		return rec->flags & OVL_LAYERS_LAYER_NOFH ?
		       "its filesystem cannot encode file handles: nothing "
		       "but a path could find it" :
		       "its fid cannot be opened, and no path the overlay was "
		       "mounted with leads to the directory it names";
	case OVL_STATUS_NO_PERMISSION:
		return "opening a file handle needs CAP_DAC_READ_SEARCH";
	case OVL_STATUS_AMBIGUOUS:
		return "its uuid is null and several filesystems hold a "
		       "directory with its handle";
	case OVL_STATUS_NOT_PROBED:
		return "on none of the filesystems looked at; those that can "
		       "block (FUSE, network, autofs) were not asked";
	}
	return NULL;	/* ok, unresolved: the status says it all */
}

OVL_EXPORT
const char *ovl_layers_source_name(int source)
{
	switch (source) {
	case OVL_SOURCE_XATTR:
		return "xattr";
	case OVL_SOURCE_STATMOUNT:
		return "statmount";
	case OVL_SOURCE_MOUNTINFO:
		return "mountinfo";
	case OVL_SOURCE_BUFFER:
		return "buffer";
	case OVL_SOURCE_ORIGIN:
		return "origin";
	}
	return NULL;
}

/*
 * The library's own meanings of an errno value: the codes it returns with
 * a sense of its own (libovllayers(3), ovl_layers_strerror(3)).  Any other
 * errno value is a system call's, passed through: strerror(3)'s text.
 */
static const char *ovl_own_strerror(int err)
{
	switch (err) {
	case 0:
		return "Success";
	case EINVAL:
		return "Invalid argument or malformed descriptor";
	case EPROTONOSUPPORT:
		return "Unsupported descriptor version, kind or flags";
	case EMEDIUMTYPE:
		return "Not an overlay";
	case ENODATA:
		return "The kernel does not export the overlay layers xattr";
	case EPERM:
		return "No privilege to read the layers xattr (needs CAP_SYS_ADMIN)";
	case ENOENT:
		return "No such file or directory, or a layer is not resolved";
	case ELOOP:
		return "A symbolic link where none may be followed, or too many";
	case EXDEV:
		return "A path leads out of the root it is looked up in";
	case ENOMEM:
		return "Out of memory";
	case ERANGE:
		return "Buffer too small";
	case ESTALE:
		return "A layer directory is not the one the descriptor names";
	case EIO:
		return "Unexpected answer from the kernel or /proc";
	case EBADMSG:
		return "A layers value stored by a user, not produced by this kernel";
	case EOPNOTSUPP:
		return "Not supported by this kernel, or not on this task (a thread)";
	case ENOSYS:
		return "A system call this needs is not in this kernel";
	case EFBIG:
		return "The mount table is larger than the library reads "
		       "(64 MiB of mountinfo, 1,000,000 mounts)";
	}
	return NULL;
}

OVL_EXPORT
const char *ovl_layers_strerror(int err)
{
	const char *s;

	if (err == INT_MIN)	/* no positive counterpart */
		return "Unknown error";
	if (err < 0)
		err = -err;
	s = ovl_own_strerror(err);
	if (s)
		return s;
	/*
	 * strerror(3)'s text, as strerrordesc_np(3) gives it: the English
	 * message, a static string whatever the locale and the thread
	 * (strerror() may translate it, and writes a buffer of its own for
	 * a number it does not know).  NULL for a number that is no errno
	 * value.
	 */
	s = strerrordesc_np(err);
	return s ? s : "Unknown error";
}
