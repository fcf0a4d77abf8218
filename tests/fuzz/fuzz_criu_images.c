// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target: the CRIU plugin's reader of mountpoints-<ns>.img
 * (criu/images.c).  Whatever the bytes: no crash, no read past the input
 * (ASan), a failure leaves nothing to free; a parsed image's entries tile
 * the input after its magic, written back unmarked it is the input byte
 * for byte, and written back with every entry marked it parses again to
 * the same entries and fields, each now with_plugin, each two bytes
 * longer (the appended field 12).
 *
 * The same bytes are read as the plugin reads pstree.img and ids-<pid>.img
 * (criu_image_u32s(), which tells the dump's own mount namespaces): no
 * crash, nothing left on failure, never more values than entries.
 *
 * The seed corpus (corpus/criu_images/) is real images: `crit encode` of
 * JSON mount tables (a container's, with an overlay, a bind mount of it
 * and optional members; entries already with_plugin; no entries), and
 * the same bytes without the IMG_COMMON magic, as old images have it;
 * a pstree.img of three processes and an ids-<pid>.img.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "images.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char NAME[] = "mountpoints-1.img";
static char dir_path[64];
static int dir = -1;

static void cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir_path, NAME);
	unlink(path);
	rmdir(dir_path);
}

/* A scratch directory on tmpfs, once. */
static int scratch(void)
{
	if (dir >= 0)
		return dir;
	snprintf(dir_path, sizeof(dir_path), "%s/fuzz-criu.XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(dir_path))
		abort();
	atexit(cleanup);
	dir = open(dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		abort();
	return dir;
}

/* The file as written, which must be want (n bytes). */
static void expect_file(const unsigned char *want, size_t n)
{
	struct stat st;
	unsigned char *got;
	int fd = openat(dir, NAME, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) || (size_t)st.st_size != n)
		abort();
	got = malloc(n ? n : 1);
	if (!got || read(fd, got, n) != (ssize_t)n || memcmp(got, want, n))
		abort();
	free(got);
	close(fd);
}

static int same_str(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* criu_image_u32s() as the plugin calls it (PSTREE pids, IDS mnt_ns_id),
 * and on mount tables (mnt_id) */
static void u32s(const uint8_t *data, size_t size)
{
	static const struct { uint32_t magic; unsigned int field; } kinds[] = {
		{ 0x50273030, 1 }, { 0x54432030, 9 }, { 0x55563928, 2 },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		uint32_t *v = (uint32_t *)1;
		size_t n = 1;
		int err = criu_image_u32s(data, size, kinds[k].magic,
					  kinds[k].field, &v, &n);

		if (err && (v || n || (err != -EINVAL && err != -ENOMEM)))
			abort();
		/* each value is an entry's: 4 bytes of length at least */
		if (!err && n > size / 4)
			abort();
		free(v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char with_plugin[2] = { 12 << 3, 1 };
	struct criu_mnt_image img, again;
	size_t off;
	int err = criu_mnt_image_parse(data, size, &img);

	u32s(data, size);
	if (err) {
		if (err != -EINVAL && err != -ENOMEM)
			abort();
		if (img.data || img.ents || img.nents || img.size)
			abort();
		return 0;
	}
	if (img.size != size || memcmp(img.data, data, size) || img.data == data)
		abort();

	/* the entries tile the input after the magic (4 or 8 bytes) */
	off = img.nents ? img.ents[0].off - 4 : size;
	if (off != 4 && off != 8)
		abort();
	for (size_t i = 0; i < img.nents; i++) {
		const struct criu_mnt *m = &img.ents[i];

		if (m->off != off + 4 || m->len > size - m->off ||
		    !m->root || !m->mountpoint || !m->source || m->mark)
			abort();
		off = m->off + m->len;
		if (criu_mnt_find(&img, m->mnt_id) > m)
			abort();	/* the first entry with that ID */
	}
	if (off != size)
		abort();

	/* unmarked, the writer gives back the very bytes */
	if (criu_mnt_image_write(scratch(), NAME, &img))
		abort();
	expect_file(data, size);

	/* every entry marked: the same entries, with_plugin, 2 bytes more */
	for (size_t i = 0; i < img.nents; i++)
		img.ents[i].mark = true;
	if (criu_mnt_image_write(dir, NAME, &img) ||
	    criu_mnt_image_read(dir, NAME, &again))
		abort();
	if (again.nents != img.nents || again.size != size + 2 * img.nents)
		abort();
	for (size_t i = 0; i < img.nents; i++) {
		const struct criu_mnt *a = &img.ents[i], *b = &again.ents[i];

		if (b->fstype != a->fstype || b->mnt_id != a->mnt_id ||
		    b->parent_mnt_id != a->parent_mnt_id ||
		    b->flags != a->flags || b->root_dev != a->root_dev ||
		    !same_str(b->root, a->root) ||
		    !same_str(b->mountpoint, a->mountpoint) ||
		    !same_str(b->source, a->source) || !b->with_plugin ||
		    b->len != a->len + 2 ||
		    memcmp(again.data + b->off, img.data + a->off, a->len) ||
		    memcmp(again.data + b->off + a->len, with_plugin, 2))
			abort();
	}
	off = img.nents ? img.ents[0].off - 4 : size;
	if (memcmp(again.data, img.data, off))
		abort();	/* the magic */
	criu_mnt_image_free(&again);
	criu_mnt_image_free(&img);
	if (img.data || img.ents || img.nents)
		abort();
	return 0;
}
