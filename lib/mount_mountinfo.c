// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mount table's mountinfo back end: /proc/PID/mountinfo read whole,
 * capped, and split in place into its fields (proc(5)):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   ID PARENT MAJ:MIN ROOT MOUNT-POINT MOUNT-OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER-OPTIONS
 *
 * Root, mount point, type and source have the kernel's octal escapes
 * (mangle(): space, tab, newline and backslash as \ooo) undone; the super
 * options are kept as mountinfo spells them, since a layer path's comma is
 * "\054" there and must not be read as the option separator.
 *
 * libmount parsed it before 1.2: loading it (with the libblkid, libselinux
 * and libpcre2 it needs) cost a CRIU dump 29-80 ms, more than this file's
 * whole work, for a format the kernel has kept since 2.6.26.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

/* All of fd, at most OVL_MOUNTINFO_MAX bytes: a container decides how
 * large its mountinfo is (50,000 mounts at 16,000-byte mount points are
 * 800 MB), and past the cap the read fails with -EFBIG instead of
 * growing the buffer until the caller runs out of memory. */
static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t got;

		if (n == cap && cap >= OVL_MOUNTINFO_MAX) {
			char c;

			/* exactly the cap is allowed; one byte more is not */
			do {
				got = read(fd, &c, 1);
			} while (got < 0 && errno == EINTR);
			if (!got)
				break;
			free(buf);
			return got < 0 ? -errno : -EFBIG;
		}
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

/* A whole decimal field that fits an int */
static bool number(const char *s, int *out)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > INT32_MAX)
		return false;
	*out = (int)v;
	return true;
}

/* One line, split in place; false when it is not mountinfo's */
static bool parse_line(char *line, struct ovl_mnt *m)
{
	char *f[6], *dev, *opt, *minor;
	int major, min;

	for (int i = 0; i < 6; i++) {
		f[i] = strsep(&line, " ");
		if (!line)
			return false;	/* the separator and more must follow */
	}
	do {
		opt = strsep(&line, " ");
		if (!line)
			return false;
	} while (strcmp(opt, "-"));
	m->fstype = strsep(&line, " ");
	if (!line)
		return false;
	m->source = strsep(&line, " ");
	if (!line)
		return false;
	m->super = line;	/* the rest: super options have no spaces */
	dev = f[2];
	minor = strchr(dev, ':');
	if (!minor)
		return false;
	*minor++ = '\0';
	if (!number(f[0], &m->id) || !number(f[1], &m->parent) ||
	    !number(dev, &major) || !number(minor, &min))
		return false;
	m->dev = makedev((unsigned int)major, (unsigned int)min);
	m->root = f[3];
	m->target = f[4];
	ovl_unmangle(f[3]);
	ovl_unmangle(f[4]);
	ovl_unmangle((char *)m->fstype);
	ovl_unmangle((char *)m->source);
	m->strings = true;
	return true;
}

int ovl_mountinfo_parse(struct ovl_mount_table *t, char *text, size_t len)
{
	size_t lines = 0;
	char *line;

	t->text = text;
	/* none, cut short, or with a byte the kernel never writes there */
	if (!len || text[len - 1] != '\n' || memchr(text, '\0', len))
		return -EIO;
	for (const char *p = text; (p = memchr(p, '\n', text + len - p)); p++)
		lines++;
	t->mnts = calloc(lines, sizeof(*t->mnts));
	if (!t->mnts)
		return -ENOMEM;
	t->way = OVL_MOUNT_TABLE_MOUNTINFO;
	t->whole = true;
	for (line = text; t->n < lines;) {
		char *eol = memchr(line, '\n', text + len - line);

		*eol = '\0';
		if (!parse_line(line, &t->mnts[t->n]))
			return -EIO;
		t->n++;
		line = eol + 1;
	}
	return 0;
}

int ovl_mount_table_from_mountinfo(const struct ovl_view *v,
				   struct ovl_mount_table *t)
{
	size_t len = 0;
	char *text = NULL;
	int fd, err;

	fd = ovl_view_open_mountinfo(v, NULL);
	if (fd < 0)
		return fd;
	err = read_all(fd, &text, &len);
	close(fd);
	if (err == -EFBIG)
		ovl_err(&v->log, "the mount table is larger than %u MiB: not read",
			OVL_MOUNTINFO_MAX >> 20);
	if (err)
		return err;
	/* every task's mountinfo shows its root at least: none is a
	 * namespace whose tasks are gone (the task exited after the open),
	 * not a malformed table */
	if (!len) {
		free(text);
		ovl_dbg(&v->log, "mountinfo is empty: the task is gone");
		return -ESRCH;
	}
	err = ovl_mountinfo_parse(t, text, len);
	if (err == -EIO)
		ovl_err(&v->log, "mountinfo line %zu is not mountinfo's", t->n + 1);
	return err;
}
