// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers: where are the layers of an overlay, really?  What findmnt is
 * to mounts, this is to overlay layers.  See ovl-layers(1).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <libmount.h>
#include <libsmartcols.h>
#include <libgen.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ovllayers.h"

#define EXIT_UNRESOLVED	2	/* some layer's status is not "ok" */

enum column {
	COL_OVERLAY, COL_INDEX, COL_KIND, COL_UUID, COL_DEV, COL_FLAGS,
	COL_FHTYPE, COL_HANDLE, COL_MNTID, COL_MNTID_UNIQUE, COL_MOUNT, COL_ROOT, COL_PATH,
	COL_STATUS, COL_SOURCE, COL_OVERLAY_ID, NCOLS
};

struct colinfo {
	const char *name;
	double whint;
	int flags;
	int json;
	const char *help;
};

static const struct colinfo infos[NCOLS] = {
	[COL_OVERLAY] = { "OVERLAY", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			  "the overlay mount point (or the loaded file)" },
	[COL_INDEX] = { "INDEX", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			"layer index: 0 upper and work, 1..n lower and data" },
	[COL_KIND] = { "KIND", 5, 0, SCOLS_JSON_STRING,
		       "upper, work, lower, data (data-only lower) or origin" },
	[COL_UUID] = { "UUID", 36, 0, SCOLS_JSON_STRING,
		       "uuid of the layer's filesystem" },
	[COL_DEV] = { "DEV", 6, 0, SCOLS_JSON_STRING,
		      "st_dev hint, major:minor (none: nodev)" },
	[COL_FLAGS] = { "FLAGS", 5, 0, SCOLS_JSON_STRING,
			"record flags: nofh, fid, bad-uuid, nodev, comma separated" },
	[COL_FHTYPE] = { "FHTYPE", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			 "file handle type" },
	[COL_HANDLE] = { "HANDLE", 0.1, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			 "file handle bytes, hex" },
	[COL_MNTID] = { "MNTID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			"mount ID the layer was found through" },
	[COL_MNTID_UNIQUE] = { "MNTID-UNIQUE", 10, SCOLS_FL_RIGHT,
			       SCOLS_JSON_NUMBER,
			       "64-bit unique mount ID (0: kernel lacks it)" },
	[COL_MOUNT] = { "MOUNT", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			"that mount's mount point" },
	[COL_ROOT] = { "ROOT", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
		       "the layer root inside that mount" },
	[COL_PATH] = { "PATH", 0.3, 0, SCOLS_JSON_STRING,
		       "the layer root's path now" },
	[COL_STATUS] = { "STATUS", 10, 0, SCOLS_JSON_STRING,
			 "ok, shadowed, unreachable, no-mount, stale, no-handle, no-permission, ambiguous, not-probed, unresolved" },
	[COL_SOURCE] = { "SOURCE", 9, 0, SCOLS_JSON_STRING,
			 "where the descriptor came from: xattr, mountinfo, buffer, origin" },
	[COL_OVERLAY_ID] = { "OVERLAY-ID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			     "mount ID of the overlay (stacked overlays share OVERLAY)" },
};

static const int default_cols[] = {
	COL_OVERLAY, COL_KIND, COL_INDEX, COL_DEV, COL_UUID, COL_STATUS,
	COL_PATH,
};

struct ctl {
	int cols[NCOLS * 2];
	size_t ncols;
	bool json, raw, noheadings, no_resolve;
	unsigned int read_flags;
	pid_t pid;
	struct ovl_view *view;	/* -N PID's, or ours; opened once */
	const char *save, *record, *load, *origin;
	bool warned, warned_perm;
	int status;	/* exit status so far */
};

static void __attribute__((noreturn)) usage(void)
{
	printf("Usage:\n"
	       " ovl-layers [options] [PATH...]\n"
	       " ovl-layers [options] --load FILE\n"
	       " ovl-layers [options] --origin FILE\n"
	       " ovl-layers mount --load FILE [-O OPTIONS] TARGET\n"
	       "\nShow where the layers of overlay mounts are, from the kernel's\n"
	       "trusted.overlay.layers xattr (or, without it, mountinfo).\n"
	       "\nOptions:\n"
	       " -J, --json               JSON output\n"
	       " -r, --raw                raw output\n"
	       " -n, --noheadings         no headings\n"
	       " -o, --output COLS        the columns to show\n"
	       "     --output-all         all columns\n"
	       " -H, --list-columns       list the columns\n"
	       "     --source WHERE       auto (default), xattr or mountinfo\n"
	       "     --no-resolve         decode only, do not look for the layers\n"
	       " -N, --task PID           resolve in PID's mount namespace\n"
	       "     --save FILE          write the descriptor bytes (- stdout)\n"
	       "     --record FILE        write a checkpoint record (- stdout)\n"
	       "     --load FILE          read a saved descriptor (- stdin)\n"
	       "     --origin FILE        the lower file a copied-up FILE came from\n"
	       " -O, --options OPTS       (mount) extra overlay mount options\n"
	       " -h, --help               this help\n"
	       " -V, --version            version\n"
	       "\nExit status: 0 every layer ok, 1 error, 2 some layer not ok.\n"
	       "See ovl-layers(1).\n");
	exit(EXIT_SUCCESS);
}

static void __attribute__((noreturn)) errtryhelp(void)
{
	fprintf(stderr, "Try 'ovl-layers --help' for more information.\n");
	exit(EXIT_FAILURE);
}

/*
 * getopt's own messages name argv[0], a path; say it the warnx way.
 * getopt_long() with opterr = 0 returns ':' for a missing argument, '?'
 * with optopt the option's value for a long option given an argument it
 * does not take, '?' with optopt the character for an unknown short
 * option, and '?' with optopt 0 for an unknown or ambiguous long option;
 * in every case but the unknown short option (which may be inside a
 * cluster) the culprit is argv[optind - 1].
 */
static void __attribute__((noreturn)) bad_option(char **argv, int c,
						 const char *optstring,
						 const struct option *longopts)
{
	const char *arg = argv[optind - 1];
	size_t len = strcspn(arg, "=");
	int matches = 0;

	if (c == ':') {
		warnx("option '%s' requires an argument", arg);
	} else if (optopt && optopt != ':' &&
		   (optopt > 255 || strchr(optstring, optopt))) {
		warnx("option '%.*s' doesn't allow an argument", (int)len, arg);
	} else if (optopt) {
		warnx("invalid option -- '%c'", optopt);
	} else {
		for (const struct option *o = longopts; o->name; o++)
			if (len > 2 && !strncmp(o->name, arg + 2, len - 2))
				matches++;
		if (matches > 1)
			warnx("option '%.*s' is ambiguous", (int)len, arg);
		else
			warnx("unrecognized option '%s'", arg);
	}
	errtryhelp();
}

static int column_by_name(const char *name, size_t len)
{
	for (int i = 0; i < NCOLS; i++)
		if (strlen(infos[i].name) == len &&
		    !strncasecmp(infos[i].name, name, len))
			return i;
	warnx("unknown column: %.*s", (int)len, name);
	return -1;
}

static void parse_columns(struct ctl *ctl, const char *list)
{
	const char *p = list;

	/* "+COLS" adds to the defaults, as in findmnt */
	if (*p == '+')
		p++;
	else
		ctl->ncols = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		int col = len ? column_by_name(p, len) : -1;

		if (col < 0)
			errtryhelp();
		if (ctl->ncols < sizeof(ctl->cols) / sizeof(ctl->cols[0]))
			ctl->cols[ctl->ncols++] = col;
		p += len;
		if (*p == ',')
			p++;
	}
}

static void hex(char *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

static void uuid_str(char *out, const unsigned char *u)
{
	sprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		"%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
		u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* The record's flags as words, comma separated; "" for none. */
static void flag_words(char *out, unsigned int flags)
{
	static const struct {
		unsigned int flag;
		const char *name;
	} words[] = {
		{ OVL_LAYER_NOFH, "nofh" },
		{ OVL_LAYER_FID, "fid" },
		{ OVL_LAYER_BAD_UUID, "bad-uuid" },
		{ OVL_LAYER_NODEV, "nodev" },
	};

	*out = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (flags & words[i].flag)
			sprintf(out + strlen(out), "%s%s", *out ? "," : "",
				words[i].name);
}

static void set(struct libscols_line *ln, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set(struct libscols_line *ln, size_t i, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		err(EXIT_FAILURE, "out of memory");
	va_end(ap);
	if (scols_line_refer_data(ln, i, s))
		err(EXIT_FAILURE, "out of memory");
}

static void add_lines(struct ctl *ctl, struct libscols_table *tb,
		      const char *label, int ovl_id, const struct ovl_layers *l)
{
	for (unsigned int r = 0; r < ovl_layers_count(l); r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		struct ovl_layer_record rec;
		struct ovl_layer_location loc;
		char buf[2 * OVL_LAYERS_FID_MAX + 1];

		if (!ln)
			err(EXIT_FAILURE, "out of memory");
		ovl_layers_get_record(l, r, &rec, sizeof(rec));
		ovl_layers_get_location(l, r, &loc, sizeof(loc));
		for (size_t i = 0; i < ctl->ncols; i++) {
			switch (ctl->cols[i]) {
			case COL_OVERLAY:
				set(ln, i, "%s", label);
				break;
			case COL_INDEX:
				set(ln, i, "%u", rec.index);
				break;
			case COL_KIND:
				set(ln, i, "%s", ovl_layer_kind_name(rec.kind));
				break;
			case COL_UUID:
				uuid_str(buf, rec.uuid);
				set(ln, i, "%s", buf);
				break;
			case COL_DEV:
				if (rec.kind != OVL_LAYER_ORIGIN &&
				    !(rec.flags & OVL_LAYER_NODEV))
					set(ln, i, "%u:%u", rec.dev_major,
					    rec.dev_minor);
				break;
			case COL_FLAGS:
				flag_words(buf, rec.flags);
				if (*buf)
					set(ln, i, "%s", buf);
				break;
			case COL_FHTYPE:
				set(ln, i, "%d", rec.fh_type);
				break;
			case COL_HANDLE:
				hex(buf, rec.fid, rec.fid_len);
				set(ln, i, "%s", buf);
				break;
			case COL_MNTID:
				if (loc.mnt_id >= 0)
					set(ln, i, "%d", loc.mnt_id);
				break;
			case COL_MNTID_UNIQUE:
				if (loc.mount_point)
					set(ln, i, "%llu", (unsigned long long)
					    loc.mnt_id_unique);
				break;
			case COL_MOUNT:
				if (loc.mount_point)
					set(ln, i, "%s", loc.mount_point);
				break;
			case COL_ROOT:
				if (loc.root)
					set(ln, i, "%s", loc.root);
				break;
			case COL_PATH:
				if (loc.path)
					set(ln, i, "%s", loc.path);
				break;
			case COL_STATUS:
				set(ln, i, "%s", ovl_layer_status_name(loc.status));
				break;
			case COL_SOURCE:
				set(ln, i, "%s", ovl_layers_source_name(
					    ovl_layers_source(l)));
				break;
			case COL_OVERLAY_ID:
				if (ovl_id >= 0)
					set(ln, i, "%d", ovl_id);
				break;
			}
		}
		if (!ctl->no_resolve && loc.status != OVL_LAYER_OK &&
		    ctl->status == EXIT_SUCCESS)
			ctl->status = EXIT_UNRESOLVED;
		/* not a fact about the layer but about us: an error */
		if (!ctl->no_resolve && loc.status == OVL_LAYER_NO_PERMISSION) {
			if (!ctl->warned_perm)
				warnx("%s: no privilege to open the layers by file handle (needs CAP_DAC_READ_SEARCH)",
				      label);
			ctl->warned_perm = true;
			ctl->status = EXIT_FAILURE;
		}
	}
}

/* One line: what failed and why.  reason: the library's, or NULL. */
static void fail(struct ctl *ctl, const char *what, int e, const char *reason)
{
	switch (-e) {
	case EMEDIUMTYPE:
		warnx("%s: not an overlay", what);
		break;
	case EPERM:
		warnx("%s: no privilege to read the layers xattr (needs CAP_SYS_ADMIN)",
		      what);
		break;
	case ENODATA:
		warnx("%s: the kernel does not export the overlay layers xattr",
		      what);
		break;
	case ENOMEM:
		warnx("%s: out of memory", what);
		break;
	default:
		if (!reason || !strcmp(reason, ovl_layers_strerror(e)))
			warnx("%s: %s", what, e == -EINVAL || e == -EIO ?
			      ovl_layers_strerror(e) : strerror(-e));
		else if (!strncmp(reason, "cannot ", 7))
			/* a failed system call: say which error */
			warnx("%s: %s: %s", what, reason, strerror(-e));
		else
			warnx("%s: %s", what, reason);
	}
	ctl->status = EXIT_FAILURE;
}

static void warn_fallback(struct ctl *ctl, const struct ovl_layers *l)
{
	/* asked for explicitly with --source mountinfo: no surprise to warn of */
	if (ctl->warned || ctl->read_flags ||
	    ovl_layers_source(l) != OVL_LAYERS_SOURCE_MOUNTINFO)
		return;
	if (ctl->load)
		warnx("warning: %s was derived from mountinfo path strings "
		      "when it was saved, which may have been stale", ctl->load);
	else
		warnx("warning: the kernel does not export trusted.overlay.layers; "
		      "layers were derived from the mountinfo path strings, which may be stale");
	ctl->warned = true;
}

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

static int write_file(const char *name, const void *data, size_t len)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "wb") : stdout;
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	if (f == stdout)
		ok = !fflush(f) && ok;
	else
		ok = !fclose(f) && ok;
	return ok ? 0 : -1;
}

static struct ovl_layers *load_file(struct ctl *ctl, const char *name)
{
	struct ovl_layers *l = NULL;
	const char *reason = NULL;
	size_t len, off = 0;
	void *buf = read_file(name, &len);
	int e;

	if (!buf) {
		warn("%s", name);
		ctl->status = EXIT_FAILURE;
		return NULL;
	}
	e = ovl_layers_load(buf, len, &l, &off, &reason);
	free(buf);
	if (e == -EINVAL || e == -EPROTONOSUPPORT) {
		warnx("%s: %s descriptor at byte %zu: %s", name,
		      e == -EINVAL ? "malformed" : "unsupported", off, reason);
		ctl->status = EXIT_FAILURE;
		return NULL;
	}
	if (e) {
		fail(ctl, name, e, reason);
		return NULL;
	}
	return l;
}

static bool have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

/*
 * file's absolute path, its symlink not followed, and the mount it is on
 * (from mountinfo: mount point, and the mount's root inside its fs).
 */
static int locate(const char *file, char *abs, size_t size, char **target,
		  char **fsroot)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
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
	e = -EIO;
	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	it = mnt_new_iter(MNT_ITER_FORWARD);
	while (tb && it && mnt_table_next_fs(tb, it, &fs) == 0) {
		if ((uint64_t)mnt_fs_get_id(fs) != stx.stx_mnt_id)
			continue;
		*target = strdup(mnt_fs_get_target(fs));
		*fsroot = strdup(mnt_fs_get_root(fs) ? mnt_fs_get_root(fs) : "/");
		e = *target && *fsroot ? 0 : -ENOMEM;
		break;
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
out:
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
static int upper_file_of(struct ctl *ctl, const char *file, char **shown)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	struct ovl_layers *l = NULL;
	struct ovl_layer_record rec;
	struct ovl_layer_location loc;
	const char *reason = NULL, *below;
	char abs[PATH_MAX], rel[PATH_MAX], *target = NULL, *fsroot = NULL;
	size_t tlen;
	int e, fd = -1;

	*shown = NULL;
	e = ovl_layers_read_reason(0, file, ctl->read_flags, &l, &reason);
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
		fail(ctl, file, e, reason);
		return -1;
	}
	warn_fallback(ctl, l);
	e = ovl_layers_resolve(l, 0, OVL_RESOLVE_FD, NULL);
	if (e) {
		fail(ctl, file, e, NULL);
		goto out;
	}
	ovl_layers_get_record(l, 0, &rec, sizeof(rec));
	ovl_layers_get_location(l, 0, &loc, sizeof(loc));
	e = -1;
	if (ovl_layers_count(l) == 0 || rec.kind != OVL_LAYER_UPPER) {
		warnx("%s: the overlay has no upper layer: nothing is copied up",
		      file);
		goto out;
	}
	if (loc.status != OVL_LAYER_OK && loc.status != OVL_LAYER_SHADOWED) {
		warnx("%s: the upper layer is %s: cannot read the origin", file,
		      ovl_layer_status_name(loc.status));
		goto out;
	}
	e = locate(file, abs, sizeof(abs), &target, &fsroot);
	if (e) {
		fail(ctl, file, e, "cannot look up the file");
		goto out;
	}
	tlen = strcmp(target, "/") ? strlen(target) : 0;
	e = -1;
	if (strncmp(abs, target, tlen) || (abs[tlen] && abs[tlen] != '/')) {
		warnx("%s: not below its mount point %s", file, target);
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
	if (fd < 0) {
		warn("%s: %s", file, *shown);
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

/* The copied-up file's origin xattr: where it came from. */
static struct ovl_layers *origin_of(struct ctl *ctl, const char *file)
{
	static const char *const names[] = { OVL_ORIGIN_XATTR,
					     OVL_ORIGIN_XATTR_USER };
	unsigned char buf[256];	/* an ovl_fb is at most 21 + 128 bytes */
	struct ovl_layers *l = NULL;
	ssize_t n = -1;
	char link[32], *upper;
	int e, fd = upper_file_of(ctl, file, &upper);

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
		if (e == ENODATA && !have_cap(CAP_SYS_ADMIN))
			warnx("%s: no privilege to read %s (needs CAP_SYS_ADMIN)",
			      file, OVL_ORIGIN_XATTR);
		else if (e == ENODATA)
			warnx("%s: has no origin (not copied up, or created in the upper layer)",
			      file);
		else if (e == ERANGE)
			warnx("%s: malformed origin value: longer than any struct ovl_fb",
			      file);
		else
			warnx("%s: %s: %s", file, upper, strerror(e));
		ctl->status = EXIT_FAILURE;
		free(upper);
		return NULL;
	}
	e = ovl_layers_decode_origin(buf, n, &l);
	if (e == -EINVAL || e == -EPROTONOSUPPORT) {
		warnx("%s: %s origin value in %s", file,
		      e == -EINVAL ? "malformed" : "unsupported", upper);
		ctl->status = EXIT_FAILURE;
		free(upper);
		return NULL;
	}
	free(upper);
	if (e) {
		fail(ctl, file, e, NULL);
		return NULL;
	}
	return l;
}

static int cmd_mount(int argc, char **argv);

static struct libscols_table *new_table(struct ctl *ctl)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		err(EXIT_FAILURE, "out of memory");
	scols_table_enable_json(tb, ctl->json);
	scols_table_set_name(tb, "layers");
	scols_table_enable_raw(tb, ctl->raw);
	scols_table_enable_noheadings(tb, ctl->noheadings);
	for (size_t i = 0; i < ctl->ncols; i++) {
		const struct colinfo *ci = &infos[ctl->cols[i]];
		struct libscols_column *cl;

		cl = scols_table_new_column(tb, ci->name, ci->whint, ci->flags);
		if (!cl)
			err(EXIT_FAILURE, "out of memory");
		if (ctl->json)
			scols_column_set_json_type(cl, ci->json);
	}
	return tb;
}

/* Resolve, print lines, save if asked.  ovl_id: the overlay's mount ID,
 * -1 when not known (a loaded descriptor, an overlay named by a path). */
static void handle(struct ctl *ctl, struct libscols_table *tb,
		   const char *label, int ovl_id, struct ovl_layers *l)
{
	int e;

	warn_fallback(ctl, l);
	if (!ctl->no_resolve) {
		e = ovl_layers_resolve_view(l, ctl->view, 0, NULL);
		if (e) {
			fail(ctl, label, e, NULL);
			return;
		}
	}
	add_lines(ctl, tb, label, ovl_id, l);
	if (ctl->save) {
		ssize_t n = ovl_layers_encode(l, NULL, 0);
		void *buf = n > 0 ? malloc(n) : NULL;

		if (!buf || ovl_layers_encode(l, buf, n) != n ||
		    write_file(ctl->save, buf, n)) {
			warn("%s", ctl->save);
			ctl->status = EXIT_FAILURE;
		}
		free(buf);
	}
	if (ctl->record) {
		char *json = NULL;

		e = ovl_layers_save_record(l, &json);
		if (e)
			fail(ctl, ctl->record, e, NULL);
		else if (write_file(ctl->record, json, strlen(json))) {
			warn("%s", ctl->record);
			ctl->status = EXIT_FAILURE;
		}
		free(json);
	}
}

/* An overlay to show: named on the command line (id -1) or listed. */
struct overlay {
	char *label;
	int id;
};

static bool has_column(const struct ctl *ctl, int col)
{
	for (size_t i = 0; i < ctl->ncols; i++)
		if (ctl->cols[i] == col)
			return true;
	return false;
}

/*
 * Every overlay mount of the view, like findmnt -t overlay, each named by
 * its mount ID: two overlays stacked on one mount point are two overlays
 * (and a note says how to tell their rows apart).
 */
static size_t all_overlays(struct ctl *ctl, struct overlay **list)
{
	int fd = ovl_view_open_mountinfo(ctl->view);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	struct libmnt_table *t = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	size_t n = 0;

	*list = NULL;
	if (fd < 0)
		errx(EXIT_FAILURE, "mountinfo: %s", strerror(-fd));
	if (!f || !t || !it || mnt_table_parse_stream(t, f, "mountinfo"))
		err(EXIT_FAILURE, "mountinfo");
	while (mnt_table_next_fs(t, it, &fs) == 0) {
		const char *target = mnt_fs_get_target(fs);

		if (!mnt_fs_match_fstype(fs, "overlay"))
			continue;
		*list = realloc(*list, (n + 1) * sizeof(**list));
		if (!*list || !((*list)[n].label = strdup(target)))
			err(EXIT_FAILURE, "out of memory");
		(*list)[n].id = mnt_fs_get_id(fs);
		for (size_t k = 0; k < n; k++)
			if (!strcmp((*list)[k].label, target) &&
			    !has_column(ctl, COL_OVERLAY_ID))
				warnx("note: overlays %d and %d are stacked on %s: "
				      "-o +OVERLAY-ID tells their rows apart",
				      (*list)[k].id, (*list)[n].id, target);
		n++;
	}
	mnt_free_iter(it);
	mnt_unref_table(t);
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	enum { OPT_OUTPUT_ALL = 256, OPT_SOURCE, OPT_NO_RESOLVE, OPT_SAVE,
	       OPT_RECORD, OPT_LOAD, OPT_ORIGIN };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "raw", no_argument, NULL, 'r' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		{ "list-columns", no_argument, NULL, 'H' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "no-resolve", no_argument, NULL, OPT_NO_RESOLVE },
		{ "task", required_argument, NULL, 'N' },
		{ "save", required_argument, NULL, OPT_SAVE },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "load", required_argument, NULL, OPT_LOAD },
		{ "origin", required_argument, NULL, OPT_ORIGIN },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char optstring[] = ":Jrno:HN:hV";
	struct ctl ctl = { .status = EXIT_SUCCESS };
	struct libscols_table *tb;
	bool list_columns = false;
	struct overlay *overlays = NULL;
	size_t npaths;
	int c;

	if (argc > 1 && !strcmp(argv[1], "mount"))
		return cmd_mount(argc - 1, argv + 1);

	memcpy(ctl.cols, default_cols, sizeof(default_cols));
	ctl.ncols = sizeof(default_cols) / sizeof(default_cols[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			ctl.json = true;
			break;
		case 'r':
			ctl.raw = true;
			break;
		case 'n':
			ctl.noheadings = true;
			break;
		case 'o':
			parse_columns(&ctl, optarg);
			break;
		case OPT_OUTPUT_ALL:
			for (ctl.ncols = 0; ctl.ncols < NCOLS; ctl.ncols++)
				ctl.cols[ctl.ncols] = ctl.ncols;
			break;
		case 'H':
			list_columns = true;
			break;
		case OPT_SOURCE:
			if (!strcmp(optarg, "auto"))
				ctl.read_flags = 0;
			else if (!strcmp(optarg, "xattr"))
				ctl.read_flags = OVL_LAYERS_READ_XATTR_ONLY;
			else if (!strcmp(optarg, "mountinfo"))
				ctl.read_flags = OVL_LAYERS_READ_MOUNTINFO_ONLY;
			else {
				warnx("unknown --source: %s", optarg);
				errtryhelp();
			}
			break;
		case OPT_NO_RESOLVE:
			ctl.no_resolve = true;
			break;
		case 'N': {
			char *end;
			long pid = strtol(optarg, &end, 10);

			if (*end || pid <= 0 || pid > INT_MAX) {
				warnx("invalid PID: %s", optarg);
				errtryhelp();
			}
			ctl.pid = pid;
			break;
		}
		case OPT_SAVE:
			ctl.save = optarg;
			break;
		case OPT_RECORD:
			ctl.record = optarg;
			break;
		case OPT_LOAD:
			ctl.load = optarg;
			break;
		case OPT_ORIGIN:
			ctl.origin = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			printf("ovl-layers from libovllayers %s\n", VERSION);
			return EXIT_SUCCESS;
		default:
			bad_option(argv, c, optstring, longopts);
		}
	}

	if (list_columns) {
		for (int i = 0; i < NCOLS; i++)
			printf("%14s  %s\n", infos[i].name, infos[i].help);
		return EXIT_SUCCESS;
	}
	/* the view, opened once: one clear error for a bad PID, not one per
	 * overlay; a PID that exits (and may be reused) meanwhile is an
	 * error of the lookups made through it */
	c = ovl_view_open(ctl.pid, 0, &ctl.view);
	if (c == -ESRCH)
		errx(EXIT_FAILURE, "--task %d: no such process", (int)ctl.pid);
	if (c)
		errx(EXIT_FAILURE, "--task %d: %s", (int)ctl.pid, strerror(-c));
	npaths = argc - optind;
	if ((ctl.load || ctl.origin) && npaths) {
		warnx("--load and --origin take no PATH");
		errtryhelp();
	}
	if (ctl.load && ctl.origin) {
		warnx("--load and --origin are exclusive");
		errtryhelp();
	}
	if (!ctl.load && !ctl.origin) {
		if (npaths) {
			overlays = calloc(npaths, sizeof(*overlays));
			for (size_t i = 0; overlays && i < npaths; i++) {
				overlays[i].label = strdup(argv[optind + i]);
				overlays[i].id = -1;
				if (!overlays[i].label)
					overlays = NULL;
			}
			if (!overlays)
				err(EXIT_FAILURE, "out of memory");
		} else {
			npaths = all_overlays(&ctl, &overlays);
		}
	}
	if ((ctl.save || ctl.record) && (ctl.load || ctl.origin ? 1 : npaths) != 1) {
		warnx("--save and --record take exactly one overlay");
		errtryhelp();
	}

	tb = new_table(&ctl);
	if (ctl.load || ctl.origin) {
		const char *name = ctl.load ? ctl.load : ctl.origin;
		struct ovl_layers *l = ctl.load ? load_file(&ctl, name) :
						  origin_of(&ctl, name);

		if (l)
			handle(&ctl, tb, name, -1, l);
		ovl_layers_free(l);
	}
	for (size_t i = 0; i < npaths && !ctl.load && !ctl.origin; i++) {
		struct overlay *o = &overlays[i];
		struct ovl_layers *l = NULL;
		const char *reason = NULL;
		int e = o->id < 0 ?
			ovl_layers_read_view(ctl.view, o->label, ctl.read_flags,
					     &l, &reason) :
			ovl_layers_read_mount(ctl.view, o->id, ctl.read_flags,
					      &l, &reason);

		if (e)
			fail(&ctl, o->label, e, reason);
		else
			handle(&ctl, tb, o->label, o->id, l);
		ovl_layers_free(l);
	}
	/* JSON: an empty list when there is no overlay, nothing on error */
	if (scols_table_get_nlines(tb) ||
	    (ctl.json && ctl.status != EXIT_FAILURE))
		scols_print_table(tb);
	scols_unref_table(tb);
	for (size_t i = 0; i < npaths && overlays; i++)
		free(overlays[i].label);
	free(overlays);
	ovl_view_unref(ctl.view);
	return ctl.status;
}

/*
 * ovl-layers mount --load FILE [-O OPTS] TARGET: re-create an overlay from
 * a saved descriptor or checkpoint record, naming each layer by where it
 * is now.
 */
static int cmd_mount(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "load", required_argument, NULL, 'l' },
		{ "options", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char optstring[] = ":l:O:h";
	struct ctl ctl = { .status = EXIT_SUCCESS };
	const char *extra = NULL, *file = NULL;
	struct ovl_layers *l;
	char *opts;
	unsigned int failed = 0;
	int c, e;

	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			file = optarg;
			break;
		case 'O':
			extra = optarg;
			break;
		case 'h':
			usage();
		default:
			bad_option(argv, c, optstring, longopts);
		}
	}
	if (!file || argc - optind != 1) {
		warnx("mount needs --load FILE and one TARGET");
		errtryhelp();
	}
	l = load_file(&ctl, file);
	if (!l)
		return EXIT_FAILURE;
	e = ovl_layers_resolve(l, 0, OVL_RESOLVE_FD, NULL);
	if (e)
		errx(EXIT_FAILURE, "%s: %s", file, ovl_layers_strerror(e));
	if (asprintf(&opts, "%s%s%s", ovl_layers_options(l) ?
		     ovl_layers_options(l) : "",
		     extra && ovl_layers_options(l) && *ovl_layers_options(l) ?
		     "," : "", extra ? extra : "") < 0)
		err(EXIT_FAILURE, "out of memory");
	e = ovl_layers_mount(l, opts, argv[optind], 0, &failed);
	if (e == -ENOENT && failed < ovl_layers_count(l)) {
		struct ovl_layer_record rec;
		struct ovl_layer_location loc;

		ovl_layers_get_record(l, failed, &rec, sizeof(rec));
		ovl_layers_get_location(l, failed, &loc, sizeof(loc));
		errx(EXIT_FAILURE, "%s: %s layer %u is %s: nothing mounted",
		     argv[optind], ovl_layer_kind_name(rec.kind), rec.index,
		     ovl_layer_status_name(loc.status));
	}
	if (e)
		errx(EXIT_FAILURE, "%s: mount failed: %s", argv[optind],
		     strerror(-e));
	free(opts);
	ovl_layers_free(l);
	return EXIT_SUCCESS;
}
