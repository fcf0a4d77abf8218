// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the library shares with ovl-layers and the CRIU plugin (common.h):
 * one way to escape a container's text for a log line or a terminal, and
 * one way to tell a thread from a process.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common.h"

/*
 * The length of the well-formed UTF-8 sequence at p when it encodes a
 * character that is not a control (C1 controls are escaped as C0 ones
 * are); 0 otherwise.  p[0] is not ASCII.  A NUL ends the sequence as any
 * other byte that is not a continuation byte would.
 */
static size_t utf8_printable(const unsigned char *p)
{
	unsigned int c, min;
	size_t n;

	if (p[0] < 0xc2)	/* a continuation byte, or an overlong lead */
		return 0;
	if (p[0] < 0xe0) {
		n = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] < 0xf0) {
		n = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] < 0xf5) {
		n = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
	    c <= 0x9f)
		return 0;
	return n;
}

size_t ovl_escape(char *out, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0, written = 0;
	bool full = !size;

	while (*p) {
		char esc[4];
		const char *piece = (const char *)p;
		size_t k = 1, used = 1;

		if (*p == '\\') {
			piece = "\\\\";
			k = 2;
		} else if (*p < 0x20 || *p == 0x7f ||
			   (*p >= 0x80 && !(k = used = utf8_printable(p)))) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[*p >> 4];
			esc[3] = hex[*p & 0xf];
			piece = esc;
			k = 4;
			used = 1;
		}
		/* whole pieces only: a cut escape would say another byte */
		if (!full && written + k < size) {
			memcpy(out + written, piece, k);
			written += k;
		} else {
			full = true;
		}
		len += k;
		p += used;
	}
	if (size)
		out[written] = '\0';
	return len;
}

char *ovl_escape_dup(const char *s)
{
	size_t n = ovl_escape(NULL, 0, s) + 1;
	char *out = malloc(n);

	if (out)
		ovl_escape(out, n, s);
	return out;
}

int ovl_task_tgid(pid_t tid, pid_t *tgid)
{
	char file[32], buf[4096], *line, *end;
	struct statfs sfs;
	size_t len = 0;
	ssize_t got;
	long n = -1;
	int fd;

	if (tid <= 0 || !tgid)
		return -EINVAL;
	/* /proc/<tid> is there for every thread, not only in readdir */
	snprintf(file, sizeof(file), "/proc/%d/status", (int)tid);
	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (fstatfs(fd, &sfs) || sfs.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		return -EIO;
	}
	/* Tgid is the fourth line; 4 KiB holds far more than that */
	while (len < sizeof(buf) - 1 &&
	       (got = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += got;
	close(fd);
	buf[len] = '\0';
	/* line by line from the start: the task's name (the first line, the
	 * task's to choose) is written with its newlines escaped, so a line
	 * that starts with "Tgid:" is the kernel's */
	for (line = buf; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL) {
		if (strncmp(line, "Tgid:", 5))
			continue;
		n = strtol(line + 5, &end, 10);
		if (*end != '\n')
			n = -1;
		break;
	}
	if (n <= 0 || n > 0x7fffffff)
		return -EIO;
	*tgid = (pid_t)n;
	return *tgid != tid;
}
