// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CRIU's mountpoints-<ns>.img, read and marked from C.
 *
 * An image is a magic (IMG_COMMON_MAGIC then the image's own, or the own
 * one alone in old images) followed by entries, each a 32-bit length in
 * host order and that many bytes of a protobuf MntEntry.  The plugin reads
 * seven members of it and sets one, with_plugin, which it does by appending
 * that field to the entry: in protobuf the last occurrence of a field
 * wins, so nothing else in the entry has to be understood or re-encoded.
 * crit(1) does the same edit in Python; the plugin runs inside criu and
 * cannot depend on it.  Field numbers: images/mnt.proto.
 *
 * Which mountpoints images are the dump's own (a reused images directory
 * keeps those of earlier dumps): the mount namespaces of the processes in
 * pstree.img (PstreeEntry.pid), each named by its ids-<pid>.img
 * (TaskKobjIdsEntry.mnt_ns_id), as criu's restore finds them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "images.h"

#define IMG_COMMON_MAGIC	0x54564319
#define IMG_SERVICE_MAGIC	0x55105940
#define MNTS_MAGIC		0x55563928
#define PSTREE_MAGIC		0x50273030
#define IDS_MAGIC		0x54432030
#define CORE_MAGIC		0x55053847

enum {
	MNT_FSTYPE = 1, MNT_MNT_ID = 2, MNT_ROOT_DEV = 3, MNT_PARENT = 4,
	MNT_FLAGS = 5, MNT_ROOT = 6, MNT_MOUNTPOINT = 7, MNT_SOURCE = 8,
	MNT_WITH_PLUGIN = 12,
};
/* images/pstree.proto: PstreeEntry.pid; images/core.proto:
 * TaskKobjIdsEntry.mnt_ns_id */
enum { PSTREE_PID = 1, IDS_MNT_NS_ID = 9 };
/* images/core.proto: CoreEntry.tc, TaskCoreEntry.task_state; criu's
 * dump_one_zombie() writes TASK_DEAD (2) for a zombie (3 is a stopped
 * task's, which has its ids image) */
enum { CORE_TC = 3, TC_TASK_STATE = 1, TASK_STATE_DEAD = 2 };
enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2, WT_FIXED32 = 5 };

static int varint(const unsigned char **p, const unsigned char *end,
		  uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -EINVAL;
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80))
			return 0;
	}
	return -EINVAL;
}

static char *string(const unsigned char *p, uint64_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

/* One protobuf field at *p: its key; a varint's value, or a length-
 * delimited field's length in *v and its bytes at *bytes; fixed-size
 * fields skipped.  *p is moved past it.  0, or -EINVAL. */
static int next_field(const unsigned char **p, const unsigned char *end,
		      uint64_t *key, uint64_t *v, const unsigned char **bytes)
{
	if (varint(p, end, key))
		return -EINVAL;
	switch (*key & 7) {
	case WT_VARINT:
		return varint(p, end, v);
	case WT_LEN:
		if (varint(p, end, v) || *v > (uint64_t)(end - *p))
			return -EINVAL;
		*bytes = *p;
		*p += *v;
		return 0;
	case WT_FIXED64:
	case WT_FIXED32:
		*v = (*key & 7) == WT_FIXED64 ? 8 : 4;
		if (*v > (uint64_t)(end - *p))
			return -EINVAL;
		*p += *v;
		return 0;
	}
	return -EINVAL;
}

static int parse_entry(const unsigned char *p, size_t len, struct criu_mnt *m)
{
	const unsigned char *end = p + len;

	while (p < end) {
		const unsigned char *bytes = NULL;
		uint64_t key, v;
		char **str = NULL;

		if (next_field(&p, end, &key, &v, &bytes))
			return -EINVAL;
		if ((key & 7) == WT_VARINT) {
			switch (key >> 3) {
			case MNT_FSTYPE: m->fstype = v; break;
			case MNT_MNT_ID: m->mnt_id = v; break;
			case MNT_ROOT_DEV: m->root_dev = v; break;
			case MNT_PARENT: m->parent_mnt_id = v; break;
			case MNT_FLAGS: m->flags = v; break;
			case MNT_WITH_PLUGIN: m->with_plugin = v; break;
			}
		} else if ((key & 7) == WT_LEN) {
			if (key >> 3 == MNT_ROOT)
				str = &m->root;
			else if (key >> 3 == MNT_MOUNTPOINT)
				str = &m->mountpoint;
			else if (key >> 3 == MNT_SOURCE)
				str = &m->source;
			if (str) {
				free(*str);
				*str = string(bytes, v);
				if (!*str)
					return -ENOMEM;
			}
		}
	}
	return m->root && m->mountpoint && m->source ? 0 : -EINVAL;
}

/* Files of an images directory, which may come from another host: the
 * name itself, never a symlink it is (O_NOFOLLOW), never blocking on a
 * FIFO or a device (O_NONBLOCK), and only a regular file is read. */
int criu_open_image_file(int dir, const char *name, struct stat *st)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
			O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -ENXIO;
	}
	return fd;
}

int criu_read_file(int dir, const char *name, size_t max,
		   unsigned char **data, size_t *size)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd, err = 0;

	fd = criu_open_image_file(dir, name, &st);
	if (fd < 0)
		return fd;
	if ((uint64_t)st.st_size > max) {
		err = -EFBIG;
		goto out;
	}
	*data = malloc(st.st_size + 1);
	if (!*data) {
		err = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size &&
	       (n = read(fd, *data + got, st.st_size - got)) > 0)
		got += n;
	(*data)[got] = '\0';
	*size = got;
	if (got != (size_t)st.st_size) {
		free(*data);
		*data = NULL;
		err = -EIO;
	}
out:
	close(fd);
	return err;
}

/* Where the entries of an image of kind magic begin in data: after the
 * common magic and magic, or magic alone (older images).  -EINVAL when
 * it is not such an image. */
static int image_start(const unsigned char *data, size_t size, uint32_t want,
		       size_t *off)
{
	uint32_t magic;

	if (size < 4)
		return -EINVAL;
	memcpy(&magic, data, 4);
	*off = 4;
	if (magic == IMG_COMMON_MAGIC || magic == IMG_SERVICE_MAGIC) {
		if (size < 8)
			return -EINVAL;
		memcpy(&magic, data + 4, 4);
		*off = 8;
	}
	return magic == want ? 0 : -EINVAL;
}

/* The entry at *off (a 32-bit length, then that many bytes): its bytes
 * begin at *off + 4 on return, *len long; *off is moved past it. */
static int next_entry(const unsigned char *data, size_t size, size_t *off,
		      size_t *start, size_t *len)
{
	uint32_t l;

	if (size - *off < 4)
		return -EINVAL;
	memcpy(&l, data + *off, 4);
	*start = *off + 4;
	if (l > size - *start)
		return -EINVAL;
	*len = l;
	*off = *start + l;
	return 0;
}

/* Parse img->data (img->size bytes, owned by img); on failure img is
 * freed. */
static int parse_image(struct criu_mnt_image *img)
{
	size_t off, start, len, cap = 0;
	int err;

	err = image_start(img->data, img->size, MNTS_MAGIC, &off);
	while (!err && off < img->size) {
		struct criu_mnt *m;

		err = next_entry(img->data, img->size, &off, &start, &len);
		if (err)
			break;
		if (img->nents == cap) {
			struct criu_mnt *more;

			cap = cap ? 2 * cap : 16;
			more = realloc(img->ents, cap * sizeof(*more));
			if (!more) {
				err = -ENOMEM;
				break;
			}
			img->ents = more;
		}
		m = &img->ents[img->nents++];
		memset(m, 0, sizeof(*m));
		m->off = start;
		m->len = len;
		err = parse_entry(img->data + start, len, m);
	}
	if (err)
		criu_mnt_image_free(img);
	return err;
}

/* The varint field `field` of one protobuf entry, if there (the last
 * occurrence wins): 1 found, 0 not, -EINVAL malformed. */
static int entry_u32(const unsigned char *p, size_t len, unsigned int field,
		     uint32_t *val)
{
	const unsigned char *end = p + len, *bytes;
	int found = 0;

	while (p < end) {
		uint64_t key, v;

		if (next_field(&p, end, &key, &v, &bytes))
			return -EINVAL;
		if ((key & 7) == WT_VARINT && key >> 3 == field) {
			if (v > UINT32_MAX)
				return -EINVAL;
			*val = v;
			found = 1;
		}
	}
	return found;
}

int criu_image_u32s(const void *buf, size_t size, uint32_t magic,
		    unsigned int field, uint32_t **vals, size_t *n)
{
	const unsigned char *data = buf;
	size_t off, start, len, cap = 0;
	int err;

	*vals = NULL;
	*n = 0;
	err = image_start(data, size, magic, &off);
	while (!err && off < size) {
		uint32_t v;
		int found;

		err = next_entry(data, size, &off, &start, &len);
		if (err)
			break;
		found = entry_u32(data + start, len, field, &v);
		if (found < 0) {
			err = found;
			break;
		}
		if (!found)
			continue;
		if (*n == cap) {
			uint32_t *more;

			cap = cap ? 2 * cap : 16;
			more = realloc(*vals, cap * sizeof(*more));
			if (!more) {
				err = -ENOMEM;
				break;
			}
			*vals = more;
		}
		(*vals)[(*n)++] = v;
	}
	if (err) {
		free(*vals);
		*vals = NULL;
		*n = 0;
	}
	return err;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* dir/name, a CRIU image of kind magic: every value of field */
static int read_u32s(int dir, const char *name, uint32_t magic,
		     unsigned int field, uint32_t **vals, size_t *n)
{
	unsigned char *data = NULL;
	size_t size;
	int err;

	*vals = NULL;
	*n = 0;
	err = criu_read_file(dir, name, CRIU_IMAGE_MAX, &data, &size);
	if (!err)
		err = criu_image_u32s(data, size, magic, field, vals, n);
	free(data);
	return err;
}

/*
 * core-<pid>.img is the one entry criu writes for a zombie, whose task
 * state it says (3), and no ids-<pid>.img: a process of the tree that
 * exited while criu seized it, and has no namespaces to restore.
 */
static bool is_zombie(int dir, uint32_t pid)
{
	unsigned char *data = NULL;
	const unsigned char *p, *end, *bytes = NULL;
	size_t size, off, start, len;
	uint64_t key, v;
	uint32_t state;
	bool zombie = false;
	char name[32];

	snprintf(name, sizeof(name), "core-%u.img", pid);
	if (criu_read_file(dir, name, CRIU_IMAGE_MAX, &data, &size) ||
	    image_start(data, size, CORE_MAGIC, &off) ||
	    next_entry(data, size, &off, &start, &len) || off != size)
		goto out;
	/* its tc, the last one if several, and task_state in it */
	for (p = data + start, end = p + len; p < end;) {
		const unsigned char *b;

		if (next_field(&p, end, &key, &v, &b))
			goto out;
		if ((key & 7) == WT_LEN && key >> 3 == CORE_TC) {
			bytes = b;
			len = v;
		}
	}
	zombie = bytes && entry_u32(bytes, len, TC_TASK_STATE, &state) == 1 &&
		 state == TASK_STATE_DEAD;
out:
	free(data);
	return zombie;
}

int criu_dump_mnt_namespaces(int dir, uint32_t **ids, size_t *n,
			     char *bad, size_t badlen)
{
	uint32_t *pids = NULL, *ns = NULL;
	size_t npids, nns = 0;
	int err;

	*ids = NULL;
	*n = 0;
	snprintf(bad, badlen, "pstree.img");
	err = read_u32s(dir, "pstree.img", PSTREE_MAGIC, PSTREE_PID, &pids, &npids);
	if (!err && !npids)
		err = -EINVAL;		/* a dump has one process at least */
	if (!err) {
		ns = malloc(npids * sizeof(*ns));
		if (!ns)
			err = -ENOMEM;
	}
	for (size_t i = 0; !err && i < npids; i++) {
		char name[32];
		uint32_t *v;
		size_t nv;

		snprintf(name, sizeof(name), "ids-%u.img", pids[i]);
		snprintf(bad, badlen, "%s", name);
		err = read_u32s(dir, name, IDS_MAGIC, IDS_MNT_NS_ID, &v, &nv);
		/* a zombie has none, nor any namespace */
		if (err == -ENOENT && is_zombie(dir, pids[i])) {
			err = 0;
			continue;
		}
		/* one TaskKobjIdsEntry; without mnt_ns_id, no namespace */
		if (!err && nv > 1)
			err = -EINVAL;
		if (!err && nv)
			ns[nns++] = v[0];
		free(v);
	}
	free(pids);
	if (err) {
		free(ns);
		return err;
	}
	qsort(ns, nns, sizeof(*ns), cmp_u32);
	*n = 0;
	for (size_t i = 0; i < nns; i++)
		if (!*n || ns[*n - 1] != ns[i])
			ns[(*n)++] = ns[i];
	*ids = ns;
	bad[0] = '\0';
	return 0;
}

int criu_mnt_image_parse(const void *buf, size_t len,
			 struct criu_mnt_image *img)
{
	memset(img, 0, sizeof(*img));
	img->data = malloc(len ? len : 1);
	if (!img->data)
		return -ENOMEM;
	if (len)
		memcpy(img->data, buf, len);
	img->size = len;
	return parse_image(img);
}

int criu_mnt_image_read(int dir, const char *name, struct criu_mnt_image *img)
{
	int err;

	memset(img, 0, sizeof(*img));
	err = criu_read_file(dir, name, CRIU_IMAGE_MAX, &img->data, &img->size);
	if (err) {
		criu_mnt_image_free(img);
		return err;
	}
	return parse_image(img);
}

int criu_write_file(int dir, const char *name, const void *buf, size_t len)
{
	char tmp[256];
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), ".%s.ovl_layers", name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* a file of that name is never written through (a symlink planted
	 * there, a FIFO, a leftover): it goes, and the new one must be new */
	unlinkat(dir, tmp, 0);
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (!err && len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0) {
			err = -errno;
		} else {
			buf = (const char *)buf + w;
			len -= w;
		}
	}
	/* no fsync: criu syncs none of its images either, and the rename
	 * already keeps a reader from ever seeing half of this one */
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(dir, tmp, dir, name))
		err = -errno;
	if (err)
		unlinkat(dir, tmp, 0);
	return err;
}

int criu_mnt_image_write(int dir, const char *name,
			 const struct criu_mnt_image *img)
{
	static const unsigned char with_plugin[2] = { MNT_WITH_PLUGIN << 3, 1 };
	unsigned char *out, *o;
	size_t off;
	int err;

	out = malloc(img->size + img->nents * sizeof(with_plugin));
	if (!out)
		return -ENOMEM;
	/* the magic, then each entry, marked ones two bytes longer */
	off = img->nents ? img->ents[0].off - 4 : img->size;
	memcpy(out, img->data, off);
	o = out + off;
	for (size_t i = 0; i < img->nents; i++) {
		const struct criu_mnt *m = &img->ents[i];
		uint32_t len = m->len + (m->mark ? sizeof(with_plugin) : 0);

		memcpy(o, &len, 4);
		memcpy(o + 4, img->data + m->off, m->len);
		o += 4 + m->len;
		if (m->mark) {
			memcpy(o, with_plugin, sizeof(with_plugin));
			o += sizeof(with_plugin);
		}
	}
	err = criu_write_file(dir, name, out, o - out);
	free(out);
	return err;
}

void criu_mnt_image_free(struct criu_mnt_image *img)
{
	for (size_t i = 0; i < img->nents; i++) {
		free(img->ents[i].root);
		free(img->ents[i].mountpoint);
		free(img->ents[i].source);
	}
	free(img->ents);
	free(img->data);
	memset(img, 0, sizeof(*img));
}

const struct criu_mnt *criu_mnt_find(const struct criu_mnt_image *img,
				     uint32_t mnt_id)
{
	for (size_t i = 0; i < img->nents; i++)
		if (img->ents[i].mnt_id == mnt_id)
			return &img->ents[i];
	return NULL;
}

/* What is wrong with a file of the images directory. */
const char *criu_image_error(int err)
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

/* CRIU's name for a mount namespace's table, mountpoints-<ns>.img, and
 * nothing more: not a copy kept next to it (mountpoints-1.img.orig). */
bool criu_is_mnt_image(const char *name)
{
	static const char prefix[] = "mountpoints-";
	const char *p = name + strlen(prefix);

	if (strncmp(name, prefix, strlen(prefix)) || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !strcmp(p, ".img");
}
