// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fallback for kernels without the layers xattr: the same descriptor,
 * derived from the layer path strings of the overlay's mount options.  It
 * trusts those strings, which is exactly what can be stale; the descriptor
 * is marked OVL_LAYERS_SOURCE_MOUNTINFO so callers can tell.  The strings
 * are the mounter's, so they are resolved beneath the root of the view
 * they were read in: a symlink on the way stays inside that root.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

#ifndef FS_IOC_GETFSUUID
struct fsuuid2 {
	uint8_t len;
	uint8_t uuid[16];
};
#define FS_IOC_GETFSUUID _IOR(0x15, 0, struct fsuuid2)
#endif

/* btrfs answers FS_IOC_GETFSUUID with ENOTTY; its fsid is the s_uuid. */
#define OVL_BTRFS_MAGIC 0x9123683e
struct ovl_btrfs_fs_info {
	uint64_t max_id;
	uint64_t num_devices;
	uint8_t fsid[16];
	uint8_t rest[1024 - 32];
};
#define OVL_BTRFS_IOC_FS_INFO _IOR(0x94, 31, struct ovl_btrfs_fs_info)

int ovl_fs_uuid(int fd, const char *fstype, unsigned char uuid[16])
{
	struct fsuuid2 u = { .len = 16 };
	struct statfs sfs;
	bool btrfs;

	memset(uuid, 0, 16);
	if (ioctl(fd, FS_IOC_GETFSUUID, &u) == 0) {
		if (u.len > 16)
			return -EIO;
		memcpy(uuid, u.uuid, u.len);
		return 1;
	}
	/* the kernel (before 6.9) or the filesystem cannot say: unknown,
	 * which is not the same as a null uuid */
	if (errno != ENOTTY && errno != EINVAL && errno != EOPNOTSUPP)
		return -errno;
	if (fstype)
		btrfs = !strcmp(fstype, "btrfs");
	else
		btrfs = !fstatfs(fd, &sfs) && sfs.f_type == OVL_BTRFS_MAGIC;
	if (btrfs) {
		struct ovl_btrfs_fs_info info;

		memset(&info, 0, sizeof(info));
		if (ioctl(fd, OVL_BTRFS_IOC_FS_INFO, &info))
			return -errno;
		memcpy(uuid, info.fsid, 16);
		return 1;
	}
	return 0;
}

/* /proc/self/fd/N, /proc/PID/fd/N: a layer handed to the kernel as an fd
 * (ovl_layers_mount() does that); the string names the mounter's fd. */
static bool is_fd_link(const char *dir)
{
	const char *p;
	size_t digits;

	if (strncmp(dir, "/proc/", strlen("/proc/")))
		return false;
	p = dir + strlen("/proc/");
	if (!strncmp(p, "self/", 5)) {
		p += 5;
	} else if (!strncmp(p, "thread-self/", 12)) {
		p += 12;
	} else {
		digits = strspn(p, "0123456789");
		if (!digits || p[digits] != '/')
			return false;
		p += digits + 1;
		if (!strncmp(p, "task/", 5)) {	/* /proc/PID/task/TID/ */
			digits = strspn(p + 5, "0123456789");
			if (!digits || p[5 + digits] != '/')
				return false;
			p += 5 + digits + 1;
		}
	}
	if (strncmp(p, "fd/", 3))
		return false;
	p += 3;
	digits = strspn(p, "0123456789");
	return digits && !p[digits];
}

/* Append the record of one layer directory, as the kernel would. */
static int put_layer(struct ovl_buf *b, const struct ovl_view *v,
		     const char *dir, unsigned int kind, unsigned int index,
		     const char **why)
{
	struct ovl_handle h;
	unsigned char rec[OVL_REC_LEN + OVL_FB_HDR_LEN];
	struct ovl_ident id;
	int fd, mnt_id, err;
	unsigned int fid_len = 0;

	if (dir[0] != '/') {
		*why = "a layer path in the mount options is relative: it "
		       "depended on the mounter's working directory";
		return -EINVAL;
	}
	if (is_fd_link(dir)) {
		*why = "a layer in the mount options was given as a file "
		       "descriptor (/proc/.../fd/N), a string that is stale "
		       "once the mounter closes it: only the layers xattr "
		       "can name that layer";
		return -EINVAL;
	}
	/* O_RDONLY, not O_PATH: FS_IOC_GETFSUUID needs a real open */
	fd = ovl_view_openat(v, dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		err = fd;
		*why = err == -ENOENT ?
		       "a layer path in the mount options does not exist: "
		       "the path strings are stale" :
		       err == -EXDEV || err == -ELOOP ?
		       "a layer path in the mount options leads through a "
		       "magic link out of the task's root" :
		       "a layer path in the mount options cannot be opened";
		return err;
	}
	memset(rec, 0, sizeof(rec));
	err = ovl_ident(fd, &id);
	if (err)
		goto out;
	rec[0] = kind;
	rec[2] = index & 0xff;
	rec[3] = index >> 8;
	for (int i = 0; i < 4; i++) {
		rec[4 + i] = major(id.dev) >> (8 * i);
		rec[8 + i] = minor(id.dev) >> (8 * i);
	}
	err = ovl_fs_uuid(fd, NULL, rec + OVL_REC_LEN + 5);
	if (err < 0) {
		*why = "cannot read the uuid of a layer's filesystem";
		goto out;
	}
	h.fh.handle_bytes = OVL_LAYERS_FID_MAX;
	if (name_to_handle_at(fd, "", &h.fh, &mnt_id, AT_EMPTY_PATH) == 0) {
		fid_len = h.fh.handle_bytes;
		rec[OVL_REC_LEN + 4] = h.fh.handle_type;
	} else if (errno == EOPNOTSUPP || errno == EOVERFLOW) {
		/* the kernel records NOFH for any handle it cannot encode */
		rec[1] = OVL_LAYER_NOFH;
	} else {
		err = -errno;
		*why = "cannot encode the file handle of a layer root";
		goto out;
	}
	rec[OVL_REC_LEN + 0] = OVL_FB_VERSION;
	rec[OVL_REC_LEN + 1] = OVL_FB_MAGIC;
	rec[OVL_REC_LEN + 2] = OVL_FB_HDR_LEN + fid_len;
	rec[OVL_REC_LEN + 3] = (kind == OVL_LAYER_UPPER ||
				kind == OVL_LAYER_WORK) ?
			       OVL_FB_FLAG_PATH_UPPER : 0;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	rec[OVL_REC_LEN + 3] |= 0x01;	/* OVL_FH_FLAG_CPU_ENDIAN */
#endif
	err = ovl_buf_put(b, rec, sizeof(rec));
	if (!err)
		err = ovl_buf_put(b, h.fh.f_handle, fid_len);
out:
	close(fd);
	return err;
}

/*
 * Undo overlayfs's own escaping of a lowerdir list element, upperdir or
 * workdir (ovl_unescape()): a backslash quotes the next character.
 * lowerdir+ and datadir+ values are taken as they are by the kernel.
 */
static void unescape_layer(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (*s == '\\' && !*++s)
			break;
		*d++ = *s;
	}
	*d = '\0';
}

struct layer_list {
	char *upper, *work;
	char **lower;		/* lower then data, in order */
	unsigned int *kind;
	unsigned int n, cap;
};

static int list_add(struct layer_list *l, const char *path, size_t len,
		    unsigned int kind, bool escaped)
{
	char *copy;

	if (l->n == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 8;
		char **lower = realloc(l->lower, cap * sizeof(*lower));
		unsigned int *k;

		if (!lower)
			return -ENOMEM;
		l->lower = lower;
		k = realloc(l->kind, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		l->kind = k;
		l->cap = cap;
	}
	copy = strndup(path, len);
	if (!copy)
		return -ENOMEM;
	if (escaped)
		unescape_layer(copy);
	l->lower[l->n] = copy;
	l->kind[l->n++] = kind;
	return 0;
}

/* lowerdir=a:b::d1::d2 — "::" starts the data-only layers. */
static int split_lowerdir(struct layer_list *l, const char *v, size_t len)
{
	unsigned int kind = OVL_LAYER_LOWER;
	size_t start = 0, i;
	int err;

	for (i = 0; i <= len; i++) {
		if (i < len && v[i] == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (i < len && v[i] != ':')
			continue;
		if (i > start) {
			err = list_add(l, v + start, i - start, kind, true);
			if (err)
				return err;
		}
		if (i + 1 < len && v[i + 1] == ':') {
			kind = OVL_LAYER_DATA;
			i++;
		}
		start = i + 1;
	}
	return 0;
}

static void list_free(struct layer_list *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		free(l->lower[i]);
	free(l->lower);
	free(l->kind);
	free(l->upper);
	free(l->work);
}

static const char *const why_split =
	"the mount options do not split into options (an unbalanced quote)";
static const char *const why_quote =
	"a layer path in the mount options holds a double quote: the options "
	"cannot be split with certainty";

static int parse_options(const char *raw, struct layer_list *l,
			 const char **why)
{
	struct ovl_opt_iter it;
	char *name, *value;
	int err;

	err = ovl_opt_begin(&it, raw);
	while (!err && (err = ovl_opt_next(&it, true, &name, &value)) > 0) {
		char **one = NULL;

		err = 0;
		if (!value || !ovl_is_layer_option(name))
			continue;
		if (it.quoted) {
			*why = why_quote;
			err = -EINVAL;
		} else if (!strcmp(name, "lowerdir")) {
			err = split_lowerdir(l, value, strlen(value));
		} else if (!strcmp(name, "lowerdir+")) {
			err = list_add(l, value, strlen(value),
				       OVL_LAYER_LOWER, false);
		} else if (!strcmp(name, "datadir+")) {
			err = list_add(l, value, strlen(value),
				       OVL_LAYER_DATA, false);
		} else {
			one = !strcmp(name, "upperdir") ? &l->upper : &l->work;
		}
		if (one) {
			free(*one);
			*one = strdup(value);
			if (*one)
				unescape_layer(*one);
			else
				err = -ENOMEM;
		}
	}
	if (err == -EINVAL && !*why)
		*why = why_split;
	ovl_opt_end(&it);
	return err;
}

int ovl_layers_from_mountinfo(const struct ovl_view *v, const char *opts,
			      struct ovl_layers **out, const char **why)
{
	struct layer_list l = { 0 };
	struct ovl_buf b = { 0 };
	unsigned char hdr[OVL_HDR_LEN] = { 0, OVL_LAYERS_MAGIC, 0, 0 };
	unsigned int count, i, index = 0;
	int err;

	*why = NULL;
	if (!opts)
		return -EIO;
	err = parse_options(opts, &l, why);
	if (err)
		goto out;
	err = -EINVAL;
	*why = "the mount options name no lower layer";
	if (!l.n)
		goto out;
	*why = "the mount options name an upper layer without a work "
	       "directory, or the reverse";
	if (!l.upper != !l.work)
		goto out;
	*why = "the mount options name more than 500 layers";
	count = l.n + (l.upper ? 2 : 0);
	if (count > OVL_LAYERS_MAX_RECORDS)
		goto out;
	*why = NULL;
	hdr[2] = count & 0xff;
	hdr[3] = count >> 8;
	err = ovl_buf_put(&b, hdr, sizeof(hdr));
	if (!err && l.upper)
		err = put_layer(&b, v, l.upper, OVL_LAYER_UPPER, 0, why);
	if (!err && l.upper)
		err = put_layer(&b, v, l.work, OVL_LAYER_WORK, 0, why);
	/* lower layers first, then data-only ones, each in mount order */
	for (int pass = 0; pass < 2 && !err; pass++)
		for (i = 0; i < l.n && !err; i++) {
			unsigned int kind = pass ? OVL_LAYER_DATA :
					    OVL_LAYER_LOWER;

			if (l.kind[i] != kind)
				continue;
			err = put_layer(&b, v, l.lower[i], kind, ++index, why);
		}
	if (!err) {
		err = ovl_layers_new_from_raw(b.data, b.len,
					      OVL_LAYERS_SOURCE_MOUNTINFO,
					      false, out);
		b.data = NULL;
	}
out:
	free(b.data);
	list_free(&l);
	return err;
}

int ovl_options_have(const char *raw, const char *name, bool *found)
{
	struct ovl_opt_iter it;
	char *opt, *value;
	int err;

	*found = false;
	err = ovl_opt_begin(&it, raw);
	while (!err && !*found &&
	       (err = ovl_opt_next(&it, true, &opt, &value)) > 0) {
		*found = !strcmp(opt, name);
		err = 0;
	}
	ovl_opt_end(&it);
	return err < 0 ? err : 0;
}

/*
 * The overlay's options other than the layer paths, as a checkpoint must
 * keep them to mount it again (redirect_dir, index, metacopy, uuid, an
 * LSM's context, ...), unescaped; a value with a comma is quoted again.
 */
int ovl_overlay_other_options(const char *raw, char **out, const char **why)
{
	struct ovl_opt_iter it;
	struct ovl_buf b = { 0 };
	char *name, *value;
	int err;

	*why = NULL;
	err = ovl_opt_begin(&it, raw);
	while (!err && (err = ovl_opt_next(&it, true, &name, &value)) > 0) {
		err = 0;
		/* the layers come from the descriptor; "rw" is the default */
		if (ovl_is_layer_option(name)) {
			if (value && it.quoted) {
				*why = why_quote;
				err = -EINVAL;
			}
			continue;
		}
		if (strcmp(name, "rw")) {
			err = ovl_opt_append(&b, name, value);
			if (err == -EINVAL)
				*why = "a mount option's value holds both a comma "
				       "and a double quote";
		}
	}
	if (!err)
		err = ovl_buf_put(&b, "", 1);
	if (err == -EINVAL && !*why)
		*why = why_split;
	ovl_opt_end(&it);
	if (err) {
		free(b.data);
		return err;
	}
	*out = (char *)b.data;
	return 0;
}
