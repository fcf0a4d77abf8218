// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers: descriptors and records as files.  --load reads one
 * (getfattr -e hex output, raw bytes, a --save or --record file; - is
 * stdin) for the library to parse; --save writes the descriptor's bytes
 * and --record a checkpoint record, only when every layer is ok (unless
 * --force), and whole or not at all: a temporary file beside the target,
 * synced, renamed over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ovllayers.h"
#include "ovl-layers.h"

static void *read_file(const char *name, size_t *len)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "rb") : stdin;
	size_t cap = 65536, n = 0;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n < cap) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		if (cap >= (64u << 20)) {	/* no descriptor is this big */
			free(buf);
			buf = NULL;
			errno = EFBIG;
			break;
		}
		cap *= 2;
		char *nbuf = realloc(buf, cap);

		if (!nbuf)
			free(buf);
		buf = nbuf;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/* all of it, or -1 with errno */
static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Write a descriptor or a record to name, whole or not at all: a record
 * cut short by a full disk must not be where a restore looks for one.  A
 * regular file (or a new one) is written beside it under a temporary
 * name, synced and renamed over it, with the mode it had (a new one: 0666
 * less the umask, as fopen(3) makes it); a symlink to one is followed.
 * "-" is stdout; a device or a FIFO is written as it is.  0, or -1 with
 * errno.
 */
static int write_file(const char *name, const void *data, size_t len)
{
	char *real = NULL, *tmp = NULL;
	const char *dest = name;
	struct stat st;
	mode_t mode, mask;
	bool exists;
	int fd, e;

	if (!strcmp(name, "-")) {
		/* its errors are close_stdout()'s, at exit, said once */
		fwrite(data, 1, len, stdout);
		return 0;
	}
	exists = !stat(name, &st);
	if (exists && !S_ISREG(st.st_mode)) {
		fd = open(name, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		e = write_all(fd, data, len) ? errno : 0;
		if (close(fd) && !e)
			e = errno;
		errno = e;
		return e ? -1 : 0;
	}
	if (exists && (real = realpath(name, NULL)))
		dest = real;
	mask = umask(0);
	umask(mask);
	mode = exists ? st.st_mode & 07777 : 0666 & ~mask;
	if (asprintf(&tmp, "%s.XXXXXX", dest) < 0) {
		free(real);
		errno = ENOMEM;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	e = fd < 0 ? errno : 0;
	if (!e && (fchmod(fd, mode) || write_all(fd, data, len) || fsync(fd)))
		e = errno;
	if (fd >= 0 && close(fd) && !e)
		e = errno;
	if (!e && rename(tmp, dest))
		e = errno;
	if (e && fd >= 0)
		unlink(tmp);
	free(tmp);
	free(real);
	errno = e;
	return e ? -1 : 0;
}

struct ovl_layers *load_file(struct ctl *ctl, const char *name)
{
	struct ovl_layers *l = NULL;
	size_t len;
	int64_t off;
	void *buf = read_file(name, &len);
	int e;

	if (!buf) {
		warn_esc("%s", name);
		ctl->status = EXIT_FAILURE;
		return NULL;
	}
	if (!len) {
		free(buf);
		warnx_esc("%s: empty: no descriptor to load (getfattr -e hex output, raw bytes, or a --save/--record file)",
			  name);
		ctl->status = EXIT_FAILURE;
		return NULL;
	}
	e = ovl_layers_load(buf, len, &l, ctl->error);
	free(buf);
	if (e == -EINVAL || e == -EPROTONOSUPPORT) {
		/* where: into the value, or into the text when the text is
		 * what is malformed; -1 when the library cannot say */
		const char *why = ovl_error_message(ctl->error);

		off = ovl_error_offset(ctl->error);
		if (!why)
			why = ovl_layers_strerror(e);
		if (off >= 0)
			warnx_lib(why, NULL, "%s: %s descriptor at byte %lld: ",
				  name, e == -EINVAL ? "malformed" :
				  "unsupported", (long long)off);
		else
			warnx_lib(why, NULL, "%s: %s descriptor: ", name,
				  e == -EINVAL ? "malformed" : "unsupported");
		ctl->status = EXIT_FAILURE;
		return NULL;
	}
	if (e) {
		fail(ctl, name, e, reason_of(ctl->error));
		return NULL;
	}
	return l;
}

static const char *out_name(const char *file)
{
	return strcmp(file, "-") ? file : "standard output";
}

/*
 * --save and --record write only what the view shows whole: every layer
 * ok.  A layer shadowed, unreachable or anything else is not where its
 * path says in the task's view (a mount covers it, its mount was moved or
 * never was there), so a record of it names directories the task cannot
 * reach, and a restore from it mounts what was put in their place, or
 * fails far from the cause.  With --no-resolve the layers are resolved
 * here all the same, for this check alone.  --force writes regardless.
 * Says which layer and why, and returns false, when nothing may be
 * written.
 */
static bool may_write(struct ctl *ctl, const char *label, struct ovl_layers *l)
{
	struct ovl_layer_record rec;
	struct ovl_layer_location loc;
	unsigned int first = 0, bad = 0;
	char more[64] = "";
	int e;

	if (ctl->force)
		return true;
	if (ctl->no_resolve) {
		e = ovl_layers_resolve(l, ctl->view, 0, NULL, ctl->error);
		if (e) {
			fail(ctl, label, e, reason_of(ctl->error));
			return false;
		}
	}
	for (unsigned int r = 0; r < ovl_layers_count(l); r++) {
		ovl_layers_get_location(l, r, &loc, sizeof(loc));
		if (loc.status != OVL_STATUS_OK && !bad++)
			first = r;
	}
	if (!bad)
		return true;
	ovl_layers_get_record(l, first, &rec, sizeof(rec));
	ovl_layers_get_location(l, first, &loc, sizeof(loc));
	if (bad > 1)
		snprintf(more, sizeof(more), " (and %u more layer%s not ok)",
			 bad - 1, bad > 2 ? "s" : "");
	warnx_esc("%s: %s layer %u%s%s%s is %s%s%s%s%s: nothing written to %s%s%s (--force writes it all the same)",
		  label, ovl_layers_kind_name(rec.kind), rec.index,
		  loc.path ? " (" : "", loc.path ? loc.path : "",
		  loc.path ? ")" : "", ovl_layers_status_name(loc.status),
		  loc.reason ? " (" : "", loc.reason ? loc.reason : "",
		  loc.reason ? ")" : "", more,
		  out_name(ctl->save ? ctl->save : ctl->record),
		  ctl->save && ctl->record ? " or " : "",
		  ctl->save && ctl->record ? out_name(ctl->record) : "");
	ctl->status = EXIT_FAILURE;
	return false;
}

/* --save, --record: l's descriptor and record written, if may_write() */
void save_layers(struct ctl *ctl, const char *label, struct ovl_layers *l)
{
	int e;

	if ((ctl->save || ctl->record) && !may_write(ctl, label, l))
		return;
	if (ctl->save) {
		ssize_t n = ovl_layers_encode(l, NULL, 0);
		void *buf = n > 0 ? malloc(n) : NULL;

		if (!buf || ovl_layers_encode(l, buf, n) != n ||
		    write_file(ctl->save, buf, n)) {
			warn_esc("%s", ctl->save);
			ctl->status = EXIT_FAILURE;
		} else if (ovl_layers_source(l) == OVL_SOURCE_MOUNTINFO) {
			/* bytes carry no source: loaded back they are a
			 * buffer's, as if a kernel had written them */
			warnx_esc("warning: %s: the description saved to %s was derived from the mount option strings, not read from the kernel; the bytes do not say so (--record keeps it)",
				  label, out_name(ctl->save));
		}
		free(buf);
	}
	if (ctl->record) {
		char *json = NULL;

		e = ovl_layers_save_checkpoint(l, &json, ctl->error);
		if (e)
			fail(ctl, ctl->record, e, reason_of(ctl->error));
		else if (write_file(ctl->record, json, strlen(json))) {
			warn_esc("%s", ctl->record);
			ctl->status = EXIT_FAILURE;
		}
		free(json);
	}
}
