// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Mount tables (through libmount) and the fallback for kernels without
 * the layers xattr: the same descriptor, derived from the layer path
 * strings of the overlay's mount options.  It trusts those strings, which
 * is exactly what can be stale; the descriptor is marked
 * OVL_LAYERS_SOURCE_MOUNTINFO so callers can tell.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
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

int ovl_proc_path(pid_t pid, const char *path, char *buf, size_t size)
{
	int n;

	if (pid)
		n = snprintf(buf, size, "/proc/%d/root%s%s", (int)pid,
			     path[0] == '/' ? "" : "/", path);
	else
		n = snprintf(buf, size, "%s", path);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int ovl_mountinfo_load(pid_t pid, struct libmnt_table **out)
{
	char file[64];
	struct libmnt_table *tb;

	if (pid)
		snprintf(file, sizeof(file), "/proc/%d/mountinfo", (int)pid);
	else
		snprintf(file, sizeof(file), "/proc/self/mountinfo");
	if (access(file, R_OK))
		return errno == ENOENT ? -ESRCH : -errno;
	tb = mnt_new_table_from_file(file);
	if (!tb)
		return -EIO;
	*out = tb;
	return 0;
}

/* libmount before 2.40 has no mnt_table_find_id() */
struct libmnt_fs *ovl_mountinfo_find_id(struct libmnt_table *tb, int id)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs, *found = NULL;

	while (it && mnt_table_next_fs(tb, it, &fs) == 0)
		if (mnt_fs_get_id(fs) == id) {
			found = fs;
			break;
		}
	mnt_free_iter(it);
	return found;
}

int ovl_fs_uuid(int fd, unsigned char uuid[16])
{
	struct fsuuid2 u = { .len = 16 };
	struct statfs sfs;

	memset(uuid, 0, 16);
	if (ioctl(fd, FS_IOC_GETFSUUID, &u) == 0) {
		if (u.len > 16)
			return -EIO;
		memcpy(uuid, u.uuid, u.len);
		return 0;
	}
	if (errno != ENOTTY && errno != EINVAL && errno != EOPNOTSUPP)
		return -errno;
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type == OVL_BTRFS_MAGIC) {
		struct ovl_btrfs_fs_info info;

		memset(&info, 0, sizeof(info));
		if (ioctl(fd, OVL_BTRFS_IOC_FS_INFO, &info))
			return -errno;
		memcpy(uuid, info.fsid, 16);
	}
	/* no uuid: the spec's all-zero uuid */
	return 0;
}

int ovl_buf_put(struct ovl_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 512;
		unsigned char *d;

		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* Append the record of one layer directory, as the kernel would. */
static int put_layer(struct ovl_buf *b, pid_t pid, const char *dir,
		     unsigned int kind, unsigned int index, const char **why)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[OVL_LAYERS_FID_MAX];
	} h;
	unsigned char rec[OVL_REC_LEN + OVL_FB_HDR_LEN];
	char path[4096];
	struct stat st;
	int fd, mnt_id, err;
	unsigned int fid_len = 0;

	if (dir[0] != '/') {
		*why = "a layer path in the mount options is relative: it "
		       "depended on the mounter's working directory";
		return -EINVAL;
	}
	err = ovl_proc_path(pid, dir, path, sizeof(path));
	if (err) {
		*why = "a layer path in the mount options is too long";
		return err;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		*why = err == -ENOENT ?
		       "a layer path in the mount options does not exist: "
		       "the path strings are stale" :
		       "a layer path in the mount options cannot be opened";
		return err;
	}
	memset(rec, 0, sizeof(rec));
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	rec[0] = kind;
	rec[2] = index & 0xff;
	rec[3] = index >> 8;
	for (int i = 0; i < 4; i++) {
		rec[4 + i] = major(st.st_dev) >> (8 * i);
		rec[8 + i] = minor(st.st_dev) >> (8 * i);
	}
	err = ovl_fs_uuid(fd, rec + OVL_REC_LEN + 5);
	if (err)
		goto out;
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
 * mountinfo's octal escapes (\040 for a space, \054 for a comma, \134 for
 * a backslash ...), undone in place.  The kernel escapes every backslash,
 * so a backslash not followed by three octal digits is taken literally.
 */
static void unmangle(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/*
 * The super options of mount id, as /proc/PID/mountinfo spells them
 * (escapes kept).  libmount hands them out unescaped, and then a comma in
 * a layer path ("\054") cannot be told from the option separator.
 */
int ovl_mountinfo_super_options(pid_t pid, int id, char **out)
{
	char file[64], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int err = -ENOENT;

	if (pid)
		snprintf(file, sizeof(file), "/proc/%d/mountinfo", (int)pid);
	else
		snprintf(file, sizeof(file), "/proc/self/mountinfo");
	f = fopen(file, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		char *end, *p;
		long got = strtol(line, &end, 10);

		if (end == line || *end != ' ' || got != id)
			continue;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		/* ... optional fields - fstype source super-options */
		p = strstr(line, " - ");
		if (p)
			p = strchr(p + 3, ' ');
		if (p)
			p = strchr(p + 1, ' ');
		err = -EIO;
		if (p) {
			*out = strdup(p + 1);
			err = *out ? 0 : -ENOMEM;
		}
		break;
	}
	free(line);
	fclose(f);
	return err;
}

/*
 * The next option of a raw super option string: *name and *value (NULL
 * when there is none) unescaped in one malloc'd string, *name to free.
 * Returns 1, 0 at the end, or -ENOMEM.
 */
static int next_option(const char **str, char **name, char **value)
{
	const char *s = *str, *e;
	char *eq;

	while (*s == ',')
		s++;
	*str = s;
	if (!*s)
		return 0;
	e = strchrnul(s, ',');
	*name = strndup(s, e - s);
	if (!*name)
		return -ENOMEM;
	*str = e;
	eq = strchr(*name, '=');
	if (eq)
		*eq++ = '\0';
	unmangle(*name);
	if (eq)
		unmangle(eq);
	*value = eq;
	return 1;
}

bool ovl_options_have(const char *raw, const char *name)
{
	const char *s = raw ? raw : "";
	char *opt, *value;
	bool found = false;

	while (!found && next_option(&s, &opt, &value) > 0) {
		found = !strcmp(opt, name);
		free(opt);
	}
	return found;
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

static int parse_options(const char *raw, struct layer_list *l)
{
	char *name, *value;
	int err;

	while ((err = next_option(&raw, &name, &value)) > 0) {
		char **one = NULL;

		err = 0;
		if (!value)
			;	/* a flag */
		else if (!strcmp(name, "lowerdir"))
			err = split_lowerdir(l, value, strlen(value));
		else if (!strcmp(name, "lowerdir+"))
			err = list_add(l, value, strlen(value),
				       OVL_LAYER_LOWER, false);
		else if (!strcmp(name, "datadir+"))
			err = list_add(l, value, strlen(value),
				       OVL_LAYER_DATA, false);
		else if (!strcmp(name, "upperdir"))
			one = &l->upper;
		else if (!strcmp(name, "workdir"))
			one = &l->work;
		if (one) {
			free(*one);
			*one = strdup(value);
			if (*one)
				unescape_layer(*one);
			else
				err = -ENOMEM;
		}
		free(name);
		if (err)
			break;
	}
	return err;
}

int ovl_layers_from_mountinfo(pid_t pid, const char *opts,
			      struct ovl_layers **out, const char **why)
{
	struct layer_list l = { 0 };
	struct ovl_buf b = { 0 };
	unsigned char hdr[OVL_HDR_LEN] = { 0, OVL_LAYERS_MAGIC, 0, 0 };
	unsigned int count, i, index = 0;
	int err;

	if (!opts)
		return -EIO;
	err = parse_options(opts, &l);
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
		err = put_layer(&b, pid, l.upper, OVL_LAYER_UPPER, 0, why);
	if (!err && l.upper)
		err = put_layer(&b, pid, l.work, OVL_LAYER_WORK, 0, why);
	/* lower layers first, then data-only ones, each in mount order */
	for (int pass = 0; pass < 2 && !err; pass++)
		for (i = 0; i < l.n && !err; i++) {
			unsigned int kind = pass ? OVL_LAYER_DATA :
					    OVL_LAYER_LOWER;

			if (l.kind[i] != kind)
				continue;
			err = put_layer(&b, pid, l.lower[i], kind, ++index,
					why);
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

/*
 * The overlay's options other than the layer paths, as a checkpoint must
 * keep them to mount it again (redirect_dir, index, metacopy, uuid, ...),
 * unescaped.
 */
char *ovl_overlay_other_options(const char *raw)
{
	/* the layers come from the descriptor; "rw" is the default */
	static const char *const drop[] = {
		"lowerdir", "lowerdir+", "datadir+", "upperdir", "workdir",
		"rw",
	};
	struct ovl_buf b = { 0 };
	const char *s = raw ? raw : "";
	char *name, *value;
	int err;

	while ((err = next_option(&s, &name, &value)) > 0) {
		size_t i;

		err = 0;

		for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
			if (!strcmp(name, drop[i]))
				break;
		if (i == sizeof(drop) / sizeof(drop[0])) {
			if (b.len)
				err = ovl_buf_put(&b, ",", 1);
			if (!err)
				err = ovl_buf_put(&b, name, strlen(name));
			if (!err && value)
				err = ovl_buf_put(&b, "=", 1);
			if (!err && value)
				err = ovl_buf_put(&b, value, strlen(value));
		}
		free(name);
		if (err)
			break;
	}
	if (!err)
		err = ovl_buf_put(&b, "", 1);
	if (err) {
		free(b.data);
		return NULL;
	}
	return (char *)b.data;
}
