// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers: where are the layers of an overlay, really?  What findmnt is
 * to mounts, this is to overlay layers.  See ovl-layers(1).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libsmartcols.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <syslog.h>
#include <unistd.h>

#include "check.h"
#include "common.h"
#include "missing.h"
#include "ovllayers.h"

#define EXIT_UNRESOLVED	2	/* some layer's status is not "ok" */

/*
 * Every message on stderr goes through these, not err(3)'s own: the
 * strings in them (mount points, layer paths, options, reasons that
 * quote them) are the container's to choose, and the terminal that shows
 * them acts on control characters (an ESC sequence retitles it, a newline
 * forges a line).  The whole message is escaped as the library escapes its
 * log (ovl_escape(), lib/common.c: controls and bytes that are not UTF-8
 * as \xHH, a backslash as \\), so one message is one line of printable
 * text.  err(3)'s names are poisoned below them, so that no raw message
 * comes back.
 */
static void vsay(bool with_errno, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void vsay(bool with_errno, const char *fmt, va_list ap)
{
	int e = errno;
	char *raw = NULL, *text = NULL;
	const char *msg;

	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;	/* undefined after a failure */
	text = raw ? ovl_escape_dup(raw) : NULL;
	msg = text ? text : "(a message lost: out of memory)";
	errno = e;	/* warn() says it */
	if (with_errno)
		warn("%s", msg);
	else
		warnx("%s", msg);
	free(text);
	free(raw);
}

static void __attribute__((format(printf, 1, 2))) warnx_esc(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(false, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 1, 2))) warn_esc(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(true, fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
errx_esc(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(false, fmt, ap);
	va_end(ap);
	exit(status);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
err_esc(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(true, fmt, ap);
	va_end(ap);
	exit(status);
}

#pragma GCC poison warn warnx err errx vwarn vwarnx verr verrx


enum column {
	COL_OVERLAY, COL_INDEX, COL_KIND, COL_UUID, COL_MAJMIN, COL_FLAGS,
	COL_FHTYPE, COL_HANDLE, COL_ID, COL_UNIQ_ID, COL_TARGET, COL_FSROOT,
	COL_ROOT, COL_PATH, COL_STATUS, COL_REASON, COL_SOURCE, COL_OVERLAY_ID,
	NCOLS
};

struct colinfo {
	const char *name;
	double whint;
	int flags;
	int json;
	const char *help;
};

/* Named as findmnt(8) names the same thing (ID, UNIQ-ID, MAJ:MIN, TARGET,
 * FSROOT, UUID); ROOT, the layer's directory below the root of its mount,
 * is not findmnt's FSROOT (the mount's root inside its filesystem), and
 * SOURCE says which --source the layers came from.
 *
 * On a terminal too narrow for the table, as findmnt does: a path (OVERLAY,
 * PATH, TARGET, FSROOT, ROOT) is never cut, since a path cut short may be
 * another path (one too wide pushes the columns after it to the next
 * line); UUID, HANDLE and REASON are cut (SCOLS_FL_TRUNC), as findmnt's
 * OPTIONS.  -r, -P, -J and a table not on a terminal are never cut. */
static const struct colinfo infos[NCOLS] = {
	[COL_OVERLAY] = { "OVERLAY", 0.2, 0, SCOLS_JSON_STRING,
			  "the overlay mount point (or the loaded file)" },
	[COL_INDEX] = { "INDEX", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			"layer index: 0 upper and work, 1..n lower and data" },
	[COL_KIND] = { "KIND", 5, 0, SCOLS_JSON_STRING,
		       "upper, work, lower, data (data-only lower) or origin" },
	[COL_UUID] = { "UUID", 36, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
		       "uuid of the layer's filesystem" },
	[COL_MAJMIN] = { "MAJ:MIN", 6, 0, SCOLS_JSON_STRING,
			 "st_dev hint of the layer's filesystem, major:minor (none: nodev)" },
	[COL_FLAGS] = { "FLAGS", 5, 0, SCOLS_JSON_STRING,
			"record flags: nofh, fid, bad-uuid, nodev, comma separated" },
	[COL_FHTYPE] = { "FHTYPE", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			 "file handle type" },
	[COL_HANDLE] = { "HANDLE", 0.1, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			 "file handle bytes, hex" },
	[COL_ID] = { "ID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		     "mount ID of the mount the layer was found through" },
	[COL_UNIQ_ID] = { "UNIQ-ID", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "that mount's 64-bit unique mount ID (0: kernel lacks it)" },
	[COL_TARGET] = { "TARGET", 0.2, 0, SCOLS_JSON_STRING,
			 "that mount's mount point" },
	[COL_FSROOT] = { "FSROOT", 0.2, 0, SCOLS_JSON_STRING,
			 "that mount's root inside its filesystem" },
	[COL_ROOT] = { "ROOT", 0.2, 0, SCOLS_JSON_STRING,
		       "the layer root below that mount's root" },
	[COL_PATH] = { "PATH", 0.3, 0, SCOLS_JSON_STRING,
		       "the layer root's path now" },
	[COL_STATUS] = { "STATUS", 10, 0, SCOLS_JSON_STRING,
			 "ok, shadowed, unreachable, no-mount, stale, no-handle, no-permission, ambiguous, not-probed, unresolved" },
	[COL_REASON] = { "REASON", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			 "why the status is what it is (empty when it says it all)" },
	[COL_SOURCE] = { "SOURCE", 9, 0, SCOLS_JSON_STRING,
			 "where the descriptor came from: xattr, mountinfo, buffer, origin" },
	[COL_OVERLAY_ID] = { "OVERLAY-ID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			     "mount ID of the overlay (stacked overlays share OVERLAY)" },
};

/*
 * The names of release 0.3, before the columns took findmnt's names:
 * still accepted by -o, and then printed as asked (header, JSON member),
 * so a script that names them reads what it read before.  Deprecated:
 * ovl-layers(1) says so; -H, --help and the completion show only the new
 * names.  To be removed in the next release.
 */
static const struct {
	const char *name;
	int col;
} aliases[] = {
	{ "DEV", COL_MAJMIN },
	{ "MNTID", COL_ID },
	{ "MNTID-UNIQUE", COL_UNIQ_ID },
	{ "MOUNT", COL_TARGET },
};

/* The default columns.  SOURCE is one of them, after OVERLAY, in -J
 * output always (a key of every object), elsewhere when some overlay's
 * layers are not the kernel's (the mountinfo fallback, a loaded file):
 * whether they are is known once they are read, after the table is made,
 * so it is made with SOURCE and the column hidden at the end if every
 * overlay's source was the kernel's (auto_source). */
static const int default_cols[] = {
	COL_OVERLAY, COL_KIND, COL_INDEX, COL_MAJMIN, COL_UUID, COL_STATUS,
	COL_PATH,
};

/* A column of the output, and the name it was asked by. */
struct outcol {
	int col;
	const char *name;
};

#define MAX_OUTCOLS	(NCOLS * 2)

struct ctl {
	struct outcol cols[MAX_OUTCOLS];
	size_t ncols;
	bool default_source;	/* the defaults' SOURCE is still wanted: no
				   -o LIST but +LIST, no --output-all */
	int auto_source;	/* its index in cols, -1 if none */
	bool not_kernel;	/* some overlay's layers are not the xattr's */
	bool json, raw, pairs, tree, noheadings, no_resolve;
	bool force;	/* --save, --record with a layer not ok */
	unsigned int read_flags;
	pid_t pid;
	struct ovl_view *view;	/* -N PID's, or ours; opened once */
	struct ovl_mount_table *mounts;	/* the view's, read once when
					   first needed */
	const char *save, *record, *load, *origin;
	bool warned, warned_perm;
	bool tree_warned;	/* -T said to be deprecated */
	int status;	/* exit status so far */
};

static void __attribute__((noreturn)) usage(void)
{
	printf("Usage:\n"
	       " ovl-layers [options] [PATH...]\n"
	       " ovl-layers [options] --load FILE\n"
	       " ovl-layers [options] --origin FILE\n"
	       " ovl-layers mount --load FILE [-O OPTIONS] TARGET\n"
	       " ovl-layers --check [-J]\n"
	       "\nShow where the layers of overlay mounts are, from the kernel's\n"
	       "trusted.overlay.layers xattr (or, without it, mountinfo).\n"
	       "Without PATH: every overlay mount, each by its mount ID.\n"
	       "\nOptions:\n"
	       " -J, --json               JSON output\n"
	       " -P, --pairs              KEY=\"value\" output\n"
	       " -r, --raw                raw output\n"
	       "     --tree               each overlay a line, its layers below it\n"
	       " -n, --noheadings         no headings\n"
	       " -o, --output COLS        the columns to show\n"
	       "     --output-all         all columns\n"
	       " -H, --list-columns       list the columns (with -J: as JSON)\n"
	       "     --source WHERE       auto (default), xattr or mountinfo\n"
	       "     --no-resolve         decode only, do not look for the layers\n"
	       " -N, --task PID           resolve in PID's mount namespace\n"
	       "     --save FILE          write the descriptor bytes (- stdout)\n"
	       "     --record FILE        write a checkpoint record (- stdout)\n"
	       "     --force              --save, --record with a layer not ok (unsafe)\n"
	       "     --load FILE          read a saved descriptor (- stdin)\n"
	       "     --origin FILE        the lower file a copied-up FILE came from\n"
	       "     --check              what this kernel and caller offer (exit 0:\n"
	       "                          the kernel's description, 2: fallback only)\n"
	       " -h, --help               this help\n"
	       " -V, --version            version\n"
	       "\nSubcommand: ovl-layers mount --help.\n"
	       "Exit status: 0 every layer ok, 1 error (a layer not ok with --save\n"
	       "or --record: nothing written), 2 some layer not ok.\n"
	       "See ovl-layers(1).\n");
	exit(EXIT_SUCCESS);
}

static void __attribute__((noreturn)) mount_usage(void)
{
	printf("Usage:\n"
	       " ovl-layers mount --load FILE [-O OPTIONS] TARGET\n"
	       "\nMount a new overlay at TARGET from a saved descriptor or\n"
	       "checkpoint record, each layer by where it is now.\n"
	       "\nOptions:\n"
	       " -l, --load FILE          the descriptor or record (- stdin)\n"
	       " -O, --options OPTS       more overlay mount options\n"
	       " -h, --help               this help\n"
	       "\nExit status: 0 mounted, 1 otherwise.\n"
	       "See ovl-layers(1).\n");
	exit(EXIT_SUCCESS);
}

/* "ovl-layers" or "ovl-layers mount": whose --help a usage error names */
static const char *command = "ovl-layers";

static void __attribute__((noreturn)) errtryhelp(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", command);
	exit(EXIT_FAILURE);
}

/*
 * As util-linux's close_stdout_atexit() (include/closestream.h): a write
 * error on stdout, a full disk say, is exit status 1 with a message,
 * whatever the run found.  EPIPE (a reader that went away, with SIGPIPE
 * ignored) is not reported, as there: the reader chose to stop.
 */
static int close_stream(FILE *stream)
{
	bool pending = __fpending(stream) != 0;
	bool failed_before = ferror(stream) != 0;
	bool close_failed = fclose(stream) != 0;

	if (failed_before || (close_failed && (pending || errno != EBADF))) {
		/* a failed write earlier: its errno is known only if nothing
		 * changed it since, and only EPIPE matters */
		if (!close_failed && errno != EPIPE)
			errno = 0;
		return EOF;
	}
	return 0;
}

static void close_stdout(void)
{
	if (close_stream(stdout) && errno != EPIPE) {
		if (errno)
			warn_esc("write error");
		else
			warnx_esc("write error");
		_exit(EXIT_FAILURE);
	}
	if (close_stream(stderr))
		_exit(EXIT_FAILURE);
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
		warnx_esc("option '%s' requires an argument", arg);
	} else if (optopt && optopt != ':' &&
		   (optopt > 255 || strchr(optstring, optopt))) {
		warnx_esc("option '%.*s' doesn't allow an argument", (int)len, arg);
	} else if (optopt) {
		warnx_esc("invalid option -- '%c'", optopt);
	} else {
		for (const struct option *o = longopts; o->name; o++)
			if (len > 2 && !strncmp(o->name, arg + 2, len - 2))
				matches++;
		if (matches > 1)
			warnx_esc("option '%.*s' is ambiguous", (int)len, arg);
		else
			warnx_esc("unrecognized option '%s'", arg);
	}
	errtryhelp();
}

/* name[0..len) is col, in any ASCII case: not strncasecmp(3), which
 * follows the locale (in a Turkish one "index" is not "INDEX") */
static bool same_name(const char *col, const char *name, size_t len)
{
	if (strlen(col) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char a = col[i], b = name[i];

		if (b >= 'a' && b <= 'z')
			b -= 'a' - 'A';
		if (a != b)
			return false;
	}
	return true;
}

/* The column named name[0..len), and in *asked the name to print it by. */
static int column_by_name(const char *name, size_t len, const char **asked)
{
	for (int i = 0; i < NCOLS; i++)
		if (same_name(infos[i].name, name, len)) {
			*asked = infos[i].name;
			return i;
		}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (same_name(aliases[i].name, name, len)) {
			*asked = aliases[i].name;
			return aliases[i].col;
		}
	return -1;
}

static void add_column(struct ctl *ctl, int col, const char *name,
		       const char *list)
{
	if (ctl->ncols == MAX_OUTCOLS) {
		warnx_esc("too many columns (at most %d): %s", MAX_OUTCOLS, list);
		errtryhelp();
	}
	ctl->cols[ctl->ncols].col = col;
	ctl->cols[ctl->ncols].name = name;
	ctl->ncols++;
}

/* -o LIST: every name a column, none empty, none dropped */
static void parse_columns(struct ctl *ctl, const char *list)
{
	const char *p = list;

	/* "+COLS" adds to the columns so far (the defaults), as in findmnt */
	if (*p == '+') {
		p++;
	} else {
		ctl->ncols = 0;
		ctl->default_source = false;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *name;
		int col;

		if (!len) {
			warnx_esc("empty column name in the list: '%s'", list);
			errtryhelp();
		}
		col = column_by_name(p, len, &name);
		if (col < 0) {
			warnx_esc("unknown column: %.*s", (int)len, p);
			errtryhelp();
		}
		add_column(ctl, col, name, list);
		p += len;
		if (!*p)
			break;
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
/* Cells of text output: format characters escaped (see set()) */
static bool escape_format;

/* The length of the UTF-8 sequence at s if it is a character that
 * changes how the text around it is shown without being seen itself:
 * bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+061C, U+200E,
 * U+200F), zero-width characters (U+200B-U+200D, U+2060-U+2064, U+FEFF);
 * else 0 */
static size_t format_char(const unsigned char *s)
{
	if (s[0] == 0xd8 && s[1] == 0x9c)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x8b && s[2] <= 0x8f) || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa0 && s[2] <= 0xa9 &&
	    s[2] != 0xa5)
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

/* s with each format character shown as "<U+XXXX>": a container's name
 * (U+202E reverses what follows it) must not make a line read as
 * something else.  Not as \x escapes: libsmartcols shows a backslash of
 * the data as \x5c.  s is freed. */
static char *escape_format_chars(char *s)
{
	size_t n = 0, k;
	char *out, *o;

	for (const unsigned char *p = (unsigned char *)s; *p; p++)
		n += format_char(p) ? 8 : 1;
	out = malloc(n + 1);
	if (!out)
		err_esc(EXIT_FAILURE, "out of memory");
	o = out;
	for (const unsigned char *p = (unsigned char *)s; *p; p += k) {
		unsigned int cp;

		k = format_char(p);
		if (!k) {
			*o++ = (char)*p;
			k = 1;
			continue;
		}
		cp = k == 2 ? (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu) :
		     (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
		o += sprintf(o, "<U+%04X>", cp);
	}
	*o = '\0';
	free(s);
	return out;
}

static void set(struct libscols_line *ln, size_t i, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		err_esc(EXIT_FAILURE, "out of memory");
	va_end(ap);
	if (escape_format)
		s = escape_format_chars(s);
	if (scols_line_refer_data(ln, i, s))
		err_esc(EXIT_FAILURE, "out of memory");
}

/* The most of a view's mountinfo the library reads
 * (ovl_view_open_mountinfo(3)), for its -EFBIG's message */
#define MOUNTINFO_MAX	(64u << 20)

/* A mount table read failed: the tool cannot go on. */
static void __attribute__((noreturn)) mounts_failed(int e)
{
	if (e == -EFBIG)
		errx_esc(EXIT_FAILURE, "the mount table is larger than the library reads (%u MiB of mountinfo, 1,000,000 mounts): not read",
			 MOUNTINFO_MAX >> 20);
	errx_esc(EXIT_FAILURE, "mount table: %s", strerror(-e));
}

/*
 * The view's mount table, read once (ovl_view_read_mounts(3): the
 * library's own reading, statmount or mountinfo): the overlays to list,
 * the FSROOT of a layer's mount.  Not read for an overlay named by its
 * path without FSROOT: the library reads only the mounts it needs.
 */
static struct ovl_mount_table *view_mounts(struct ctl *ctl)
{
	int e;

	if (!ctl->mounts) {
		e = ovl_view_read_mounts(ctl->view, 0, &ctl->mounts);
		if (e)
			mounts_failed(e);
	}
	return ctl->mounts;
}

/* The view's mounts at one moment for all that follows (a table too
 * large is the end; any other failure leaves each call its own read) */
static void snapshot(struct ctl *ctl)
{
	int e = ovl_view_snapshot(ctl->view, 0);

	if (e == -EFBIG)
		mounts_failed(e);
}

/* The mount of the view whose mount ID is id: false if there is none. */
static bool mount_by_id(struct ctl *ctl, int id, struct ovl_mount *m)
{
	return ovl_mount_table_find(view_mounts(ctl), id, m, sizeof(*m)) >= 0;
}

/*
 * The root inside its filesystem (findmnt's FSROOT) of the mount whose
 * unique ID is id, from statmount(2) in the view's mount namespace: one
 * overlay named by its path does not need the view's whole mountinfo (a
 * container's, as large as it makes it) for it.  NULL where statmount
 * cannot say (before Linux 6.11 for another namespace, a mount gone):
 * mountinfo then.
 */

static char *fsroot_statmount(struct ctl *ctl, uint64_t id)
{
	struct ovl_mnt_id_req req = { .size = sizeof(req), .mnt_id = id,
				      .param = OVL_SM_MNT_ROOT };
	char ns[64], *buf = NULL, *root = NULL;
	size_t size = 4096;
	int fd;

	if (!id)
		return NULL;
	snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", ctl->pid ? (int)ctl->pid :
		 (int)getpid());
	fd = open(ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (ioctl(fd, OVL_NS_GET_MNTNS_ID, &req.mnt_ns_id))
		req.mnt_ns_id = 0;
	close(fd);
	if (!req.mnt_ns_id)
		return NULL;
	/* a mount root as deep as a container made it: grown as needed */
	while (size <= (16u << 20) && (buf = realloc(buf, size))) {
		const struct ovl_statmount *sm = (const struct ovl_statmount *)buf;

		if (!syscall(SYS_statmount, &req, buf, size, 0)) {
			if (sm->mask & OVL_SM_MNT_ROOT)
				root = strdup(sm->str + sm->mnt_root);
			break;
		}
		if (errno != EOVERFLOW)
			break;
		size *= 4;
	}
	free(buf);
	return root;
}

/* A column of the overlay, not of one of its layers: in a tree, on the
 * overlay's line only. */
static bool overlay_column(int col)
{
	return col == COL_OVERLAY || col == COL_OVERLAY_ID || col == COL_SOURCE;
}

/* Fill the cells of ln that are of the overlay (label, ovl_id, l) or, with
 * r >= 0, of its record r: in a list each line has both. */
static void fill_line(struct ctl *ctl, struct libscols_line *ln,
		      const char *label, int ovl_id, const struct ovl_layers *l,
		      int r, bool overlay_cells)
{
	struct ovl_layer_record rec = { 0 };
	struct ovl_layer_location loc = { .mnt_id = -1 };
	struct ovl_mount mnt;
	char buf[2 * OVL_LAYERS_FID_MAX + 1], *root;

	if (r >= 0) {
		ovl_layers_get_record(l, r, &rec, sizeof(rec));
		ovl_layers_get_location(l, r, &loc, sizeof(loc));
	}
	for (size_t i = 0; i < ctl->ncols; i++) {
		int col = ctl->cols[i].col;

		if (overlay_column(col) ? !overlay_cells : r < 0)
			continue;
		switch (col) {
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
		case COL_MAJMIN:
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
		case COL_ID:
			if (loc.mnt_id >= 0)
				set(ln, i, "%d", loc.mnt_id);
			break;
		case COL_UNIQ_ID:
			if (loc.mount_point)
				set(ln, i, "%llu", (unsigned long long)
				    loc.mnt_id_unique);
			break;
		case COL_TARGET:
			if (loc.mount_point)
				set(ln, i, "%s", loc.mount_point);
			break;
		case COL_FSROOT:
			/* the mount by its ID in the view's mountinfo, as
			 * findmnt's FSROOT (the table the overlays were
			 * listed from, or statmount of that one mount);
			 * empty if it is gone since */
			root = !ctl->mounts && loc.mnt_id >= 0 ?
			       fsroot_statmount(ctl, loc.mnt_id_unique) : NULL;
			if (root) {
				set(ln, i, "%s", root);
				free(root);
				break;
			}
			if (loc.mnt_id >= 0 && mount_by_id(ctl, loc.mnt_id, &mnt))
				set(ln, i, "%s", mnt.root);
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
		case COL_REASON:
			if (loc.reason)
				set(ln, i, "%s", loc.reason);
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
}

static struct libscols_line *new_line(struct libscols_table *tb,
				      struct libscols_line *parent)
{
	struct libscols_line *ln = scols_table_new_line(tb, parent);

	if (!ln)
		err_esc(EXIT_FAILURE, "out of memory");
	return ln;
}

/* The overlay's lines: one per layer; in a tree, the overlay's line first
 * and its layers as its children. */
static void add_lines(struct ctl *ctl, struct libscols_table *tb,
		      const char *label, int ovl_id, const struct ovl_layers *l)
{
	struct libscols_line *parent = NULL;

	/* statmount's and the xattr are the kernel's; anything else shows
	 * the default SOURCE */
	if (ovl_layers_source(l) != OVL_LAYERS_SOURCE_XATTR &&
	    ovl_layers_source(l) != OVL_LAYERS_SOURCE_STATMOUNT)
		ctl->not_kernel = true;
	if (ctl->tree) {
		parent = new_line(tb, NULL);
		fill_line(ctl, parent, label, ovl_id, l, -1, true);
	}
	for (unsigned int r = 0; r < ovl_layers_count(l); r++) {
		struct libscols_line *ln = new_line(tb, parent);
		struct ovl_layer_location loc;

		fill_line(ctl, ln, label, ovl_id, l, r, !ctl->tree);
		ovl_layers_get_location(l, r, &loc, sizeof(loc));
		if (!ctl->no_resolve && loc.status != OVL_LAYER_OK &&
		    ctl->status == EXIT_SUCCESS)
			ctl->status = EXIT_UNRESOLVED;
		/* not a fact about the layer but about us: an error */
		if (!ctl->no_resolve && loc.status == OVL_LAYER_NO_PERMISSION) {
			if (!ctl->warned_perm)
				warnx_esc("%s: no privilege to open the layers by file handle (needs CAP_DAC_READ_SEARCH)",
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
		warnx_esc("%s: not an overlay", what);
		break;
	case EPERM:
		warnx_esc("%s: no privilege to read the layers xattr (needs CAP_SYS_ADMIN)",
			  what);
		break;
	case ENODATA:
		/* the library says which: no series, before 6.7, cannot tell */
		warnx_esc("%s: %s", what, reason ? reason :
			  "the kernel does not produce the overlay layers xattr");
		break;
	case ENOMEM:
		warnx_esc("%s: out of memory", what);
		break;
	default:
		if (!reason || !strcmp(reason, ovl_layers_strerror(e)))
			warnx_esc("%s: %s", what, e == -EINVAL || e == -EIO ?
				  ovl_layers_strerror(e) : strerror(-e));
		else if (!strncmp(reason, "cannot ", 7))
			/* a failed system call: say which error */
			warnx_esc("%s: %s: %s", what, reason, strerror(-e));
		else
			warnx_esc("%s: %s", what, reason);
	}
	ctl->status = EXIT_FAILURE;
}

/* Whether the overlay of l was mounted with userxattr: its layers xattr
 * is then user.overlay.layers */
static bool is_userxattr(const struct ovl_layers *l)
{
	const char *o = ovl_layers_options(l);
	size_t n = strlen("userxattr");

	for (; o && *o; o += strcspn(o, ","), o += *o == ',') {
		if (!strncmp(o, "userxattr", n) && (!o[n] || o[n] == ','))
			return true;
	}
	return false;
}

/* Why the layers xattr was not read: what the running kernel does with it
 * (the library's probe, asked once a process), in a static buffer */
static const char *fallback_cause(const struct ovl_layers *l)
{
	static char why[256];
	bool user = is_userxattr(l);
	const char *name = user ? OVL_LAYERS_XATTR_USER : OVL_LAYERS_XATTR;

	switch (ovl_layers_kernel_probe(user ? OVL_LAYERS_PROBE_USERXATTR : 0)) {
	case OVL_LAYERS_KERNEL_PRODUCES:
		return "the kernel gave no layers xattr for this overlay";
	case OVL_LAYERS_KERNEL_STORES:
		snprintf(why, sizeof(why), "this kernel does not produce %s "
			 "(no series: a value under that name would be a "
			 "user's, and is not read)", name);
		return why;
	case OVL_LAYERS_KERNEL_NO_XATTR:
		return "this kernel has no overlay layers xattr (before "
		       "Linux 6.7)";
	default:
		snprintf(why, sizeof(why), "cannot tell whether this kernel "
			 "produces %s, so no value under that name is read",
			 name);
		return why;
	}
}

static void warn_fallback(struct ctl *ctl, const struct ovl_layers *l)
{
	/* asked for explicitly with --source mountinfo: no surprise to warn of */
	if (ctl->warned || ctl->read_flags ||
	    ovl_layers_source(l) != OVL_LAYERS_SOURCE_MOUNTINFO)
		return;
	if (ctl->load)
		warnx_esc("warning: %s was derived from mountinfo path strings "
			  "when it was saved, which may have been stale", ctl->load);
	else
		warnx_esc("warning: %s; layers were derived from the mountinfo "
			  "path strings, which may be stale", fallback_cause(l));
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

static struct ovl_layers *load_file(struct ctl *ctl, const char *name)
{
	struct ovl_layers *l = NULL;
	const char *reason = NULL;
	size_t len, off = 0;
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
	e = ovl_layers_load(buf, len, &l, &off, &reason);
	free(buf);
	if (e == -EINVAL || e == -EPROTONOSUPPORT) {
		warnx_esc("%s: %s descriptor at byte %zu: %s", name,
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
		e = ovl_view_open(0, 0, &self);
		if (!e)
			e = ovl_view_read_mounts(self, 0, &own);
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
	const char *reason = NULL, *below;
	char abs[PATH_MAX], rel[PATH_MAX], *target = NULL, *fsroot = NULL;
	size_t tlen;
	int e, fd = -1;

	*shown = NULL;
	e = ovl_layers_read_reason(0, file, ctl->read_flags, &l, &reason);
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
		warnx_esc("%s: the overlay has no upper layer: nothing is copied up",
			  file);
		goto out;
	}
	if (loc.status != OVL_LAYER_OK && loc.status != OVL_LAYER_SHADOWED) {
		warnx_esc("%s: the upper layer is %s%s%s%s: cannot read the origin",
			  file, ovl_layer_status_name(loc.status),
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
		e = ovl_layers_read_reason(0, file, OVL_LAYERS_READ_XATTR_ONLY,
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
static struct ovl_layers *origin_of(struct ctl *ctl, const char *file)
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
	e = ovl_layers_decode_origin(buf, n, &l);
	if (e == -EINVAL || e == -EPROTONOSUPPORT) {
		warnx_esc("%s: %s origin value in %s", file,
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

static struct libscols_table *new_table(struct ctl *ctl, const char *name)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		err_esc(EXIT_FAILURE, "out of memory");
	/* the JSON top-level key; in a tree, the overlays hold the layers */
	scols_table_set_name(tb, name);
	scols_table_enable_json(tb, ctl->json);
	scols_table_enable_raw(tb, ctl->raw);
	/* -P: KEY="value" with the names fit for the shell (MAJ:MIN is
	 * MAJ_MIN), as findmnt -P -y prints them */
	scols_table_enable_export(tb, ctl->pairs);
	scols_table_enable_shellvar(tb, ctl->pairs);
	scols_table_enable_noheadings(tb, ctl->noheadings);
	return tb;
}

static void new_column(struct libscols_table *tb, const char *name,
		       double whint, int flags, int json)
{
	struct libscols_column *cl = scols_table_new_column(tb, name, whint,
							    flags);

	if (!cl || scols_column_set_json_type(cl, json))
		err_esc(EXIT_FAILURE, "out of memory");
}

static struct libscols_table *layers_table(struct ctl *ctl)
{
	struct libscols_table *tb = new_table(ctl, ctl->tree ? "overlays" :
							       "layers");
	bool tree = ctl->tree;

	for (size_t i = 0; i < ctl->ncols; i++) {
		const struct colinfo *ci = &infos[ctl->cols[i].col];
		int flags = ci->flags;

		/* the tree in the first OVERLAY column */
		if (tree && ctl->cols[i].col == COL_OVERLAY) {
			flags |= SCOLS_FL_TREE;
			tree = false;
		}
		new_column(tb, ctl->cols[i].name, ci->whint, flags, ci->json);
	}
	return tb;
}

/* -H: the columns; with -J (or -r, -P) as a table: name, type, description */
static void list_columns(struct ctl *ctl)
{
	struct libscols_table *tb;

	if (!ctl->json && !ctl->raw && !ctl->pairs) {
		for (int i = 0; i < NCOLS; i++)
			printf("%14s  %s\n", infos[i].name, infos[i].help);
		return;
	}
	tb = new_table(ctl, "columns");
	new_column(tb, "NAME", 14, 0, SCOLS_JSON_STRING);
	new_column(tb, "TYPE", 6, 0, SCOLS_JSON_STRING);
	new_column(tb, "DESCRIPTION", 0.5, 0, SCOLS_JSON_STRING);
	for (int i = 0; i < NCOLS; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			err_esc(EXIT_FAILURE, "out of memory");
		set(ln, 0, "%s", infos[i].name);
		set(ln, 1, "%s", infos[i].json == SCOLS_JSON_NUMBER ?
			"number" : "string");
		set(ln, 2, "%s", infos[i].help);
	}
	scols_print_table(tb);
	scols_unref_table(tb);
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
		e = ovl_layers_resolve_view(l, ctl->view, 0, NULL);
		if (e) {
			fail(ctl, label, e, NULL);
			return false;
		}
	}
	for (unsigned int r = 0; r < ovl_layers_count(l); r++) {
		ovl_layers_get_location(l, r, &loc, sizeof(loc));
		if (loc.status != OVL_LAYER_OK && !bad++)
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
		  label, ovl_layer_kind_name(rec.kind), rec.index,
		  loc.path ? " (" : "", loc.path ? loc.path : "",
		  loc.path ? ")" : "", ovl_layer_status_name(loc.status),
		  loc.reason ? " (" : "", loc.reason ? loc.reason : "",
		  loc.reason ? ")" : "", more,
		  out_name(ctl->save ? ctl->save : ctl->record),
		  ctl->save && ctl->record ? " or " : "",
		  ctl->save && ctl->record ? out_name(ctl->record) : "");
	ctl->status = EXIT_FAILURE;
	return false;
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
	if ((ctl->save || ctl->record) && !may_write(ctl, label, l))
		return;
	if (ctl->save) {
		ssize_t n = ovl_layers_encode(l, NULL, 0);
		void *buf = n > 0 ? malloc(n) : NULL;

		if (!buf || ovl_layers_encode(l, buf, n) != n ||
		    write_file(ctl->save, buf, n)) {
			warn_esc("%s", ctl->save);
			ctl->status = EXIT_FAILURE;
		} else if (ovl_layers_source(l) == OVL_LAYERS_SOURCE_MOUNTINFO) {
			/* bytes carry no source: loaded back they are a
			 * buffer's, as if a kernel had written them */
			warnx_esc("warning: %s: the description saved to %s was derived from the mount option strings, not read from the kernel; the bytes do not say so (--record keeps it)",
				  label, out_name(ctl->save));
		}
		free(buf);
	}
	if (ctl->record) {
		char *json = NULL;

		e = ovl_layers_save_record(l, &json);
		if (e)
			fail(ctl, ctl->record, e, NULL);
		else if (write_file(ctl->record, json, strlen(json))) {
			warn_esc("%s", ctl->record);
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
		if (ctl->cols[i].col == col)
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
	struct ovl_mount_table *t = view_mounts(ctl);
	struct ovl_mount m;
	size_t n = 0;

	*list = NULL;
	for (size_t i = 0; i < ovl_mount_table_count(t); i++) {
		const char *target;

		if (ovl_mount_table_get(t, i, &m, sizeof(m)) < 0 ||
		    strcmp(m.fstype, "overlay"))
			continue;
		target = m.mount_point;
		*list = realloc(*list, (n + 1) * sizeof(**list));
		if (!*list || !((*list)[n].label = strdup(target)))
			err_esc(EXIT_FAILURE, "out of memory");
		(*list)[n].id = m.mnt_id;
		for (size_t k = 0; k < n; k++)
			if (!strcmp((*list)[k].label, target) &&
			    !has_column(ctl, COL_OVERLAY_ID))
				warnx_esc("note: overlays %d and %d are stacked on %s: "
					  "-o +OVERLAY-ID tells their rows apart",
					  (*list)[k].id, (*list)[n].id, target);
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	enum { OPT_OUTPUT_ALL = 256, OPT_SOURCE, OPT_NO_RESOLVE, OPT_SAVE,
	       OPT_RECORD, OPT_LOAD, OPT_ORIGIN, OPT_FORCE, OPT_TREE,
	       OPT_CHECK };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "pairs", no_argument, NULL, 'P' },
		{ "raw", no_argument, NULL, 'r' },
		{ "tree", no_argument, NULL, OPT_TREE },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		{ "list-columns", no_argument, NULL, 'H' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "no-resolve", no_argument, NULL, OPT_NO_RESOLVE },
		{ "task", required_argument, NULL, 'N' },
		{ "save", required_argument, NULL, OPT_SAVE },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "load", required_argument, NULL, OPT_LOAD },
		{ "origin", required_argument, NULL, OPT_ORIGIN },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char optstring[] = ":JPrTno:HN:hV";
	struct ctl ctl = { .status = EXIT_SUCCESS, .default_source = true,
			   .auto_source = -1 };
	struct libscols_table *tb;
	bool list_cols = false;
	struct overlay *overlays = NULL;
	bool check = false;
	size_t npaths;
	int c;

	/* the locale's charset: a UTF-8 tree and UTF-8 names shown as they
	 * are on a UTF-8 terminal, ASCII and \xHH elsewhere (libsmartcols
	 * asks nl_langinfo(CODESET)); nothing printed is a locale's number */
	setlocale(LC_ALL, "");
	atexit(close_stdout);
	if (argc > 1 && !strcmp(argv[1], "mount"))
		return cmd_mount(argc - 1, argv + 1);

	for (size_t i = 0; i < sizeof(default_cols) / sizeof(default_cols[0]); i++)
		add_column(&ctl, default_cols[i], infos[default_cols[i]].name, "");
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			ctl.json = true;
			break;
		case 'P':
			ctl.pairs = true;
			break;
		case 'r':
			ctl.raw = true;
			break;
		case 'T':
			/* findmnt's -T is --target: ours goes, after one
			 * release that says so */
			if (!ctl.tree_warned)
				warnx_esc("-T is deprecated, use --tree");
			ctl.tree_warned = true;
			/* fall through */
		case OPT_TREE:
			ctl.tree = true;
			break;
		case 'n':
			ctl.noheadings = true;
			break;
		case 'o':
			parse_columns(&ctl, optarg);
			break;
		case OPT_OUTPUT_ALL:
			ctl.ncols = 0;
			ctl.default_source = false;
			for (int i = 0; i < NCOLS; i++)
				add_column(&ctl, i, infos[i].name, "--output-all");
			break;
		case 'H':
			list_cols = true;
			break;
		case OPT_SOURCE:
			if (!strcmp(optarg, "auto"))
				ctl.read_flags = 0;
			else if (!strcmp(optarg, "xattr"))
				ctl.read_flags = OVL_LAYERS_READ_XATTR_ONLY;
			else if (!strcmp(optarg, "mountinfo"))
				ctl.read_flags = OVL_LAYERS_READ_MOUNTINFO_ONLY;
			else {
				warnx_esc("unknown --source: %s", optarg);
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
				warnx_esc("invalid PID: %s", optarg);
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
		case OPT_FORCE:
			ctl.force = true;
			break;
		case OPT_LOAD:
			ctl.load = optarg;
			break;
		case OPT_ORIGIN:
			ctl.origin = optarg;
			break;
		case OPT_CHECK:
			check = true;
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

	/* as findmnt: one output format */
	if (ctl.json + ctl.pairs + ctl.raw > 1) {
		warnx_esc("mutually exclusive arguments: --json --pairs --raw");
		errtryhelp();
	}
	/* a tree needs the table's lines, or JSON's nesting */
	if (ctl.tree && (ctl.pairs || ctl.raw)) {
		warnx_esc("mutually exclusive arguments: --pairs --raw --tree");
		errtryhelp();
	}
	if (list_cols) {
		list_columns(&ctl);
		return EXIT_SUCCESS;
	}
	/* a report of its own: no overlay, no column */
	if (check) {
		if (optind < argc || ctl.load || ctl.origin || ctl.save ||
		    ctl.record || ctl.pid || ctl.pairs || ctl.raw || ctl.tree) {
			warnx_esc("--check takes no PATH and no other option but -J");
			errtryhelp();
		}
		return cli_check(ctl.json);
	}
	/* a tree hangs from the overlay's line: it has its OVERLAY */
	if (ctl.tree && !has_column(&ctl, COL_OVERLAY)) {
		if (ctl.ncols == MAX_OUTCOLS) {
			warnx_esc("too many columns (at most %d) with --tree",
				  MAX_OUTCOLS - 1);
			errtryhelp();
		}
		memmove(ctl.cols + 1, ctl.cols, ctl.ncols * sizeof(ctl.cols[0]));
		ctl.cols[0].col = COL_OVERLAY;
		ctl.cols[0].name = infos[COL_OVERLAY].name;
		ctl.ncols++;
	}
	/* the defaults' SOURCE, after their OVERLAY, unless named by +LIST
	 * (or no room is left: then it is the user's list) */
	if (ctl.default_source && !has_column(&ctl, COL_SOURCE) &&
	    ctl.ncols < MAX_OUTCOLS) {
		size_t at = 0;

		while (at < ctl.ncols && ctl.cols[at].col != COL_OVERLAY)
			at++;
		at = at < ctl.ncols ? at + 1 : 0;
		memmove(ctl.cols + at + 1, ctl.cols + at,
			(ctl.ncols - at) * sizeof(ctl.cols[0]));
		ctl.cols[at].col = COL_SOURCE;
		ctl.cols[at].name = infos[COL_SOURCE].name;
		ctl.ncols++;
		ctl.auto_source = at;
	}
	/* the view, opened once: one clear error for a bad PID, not one per
	 * overlay; a PID that exits (and may be reused) meanwhile is an
	 * error of the lookups made through it */
	c = ovl_view_open(ctl.pid, 0, &ctl.view);
	if (c == -ESRCH)
		errx_esc(EXIT_FAILURE, "--task %d: no such process", (int)ctl.pid);
	/* a thread, not its process (ovl_view_open(3)): which process, for
	 * the user to say so if that is the view meant */
	if (c == -EOPNOTSUPP) {
		pid_t tgid;

		if (ovl_task_tgid(ctl.pid, &tgid) == 1)
			errx_esc(EXIT_FAILURE, "--task %d: %d is a thread of process %d; give the process ID",
				 (int)ctl.pid, (int)ctl.pid, (int)tgid);
		errx_esc(EXIT_FAILURE, "--task %d: %d is a thread, not a process; give the process ID",
			 (int)ctl.pid, (int)ctl.pid);
	}
	/* /proc/PID/root and mountinfo: the kernel's ptrace read check */
	if (c == -EACCES || c == -EPERM)
		errx_esc(EXIT_FAILURE, "--task %d: %s: its root and mount table "
			 "are shown only to a caller with ptrace read access "
			 "to it (its own user, or CAP_SYS_PTRACE)",
			 (int)ctl.pid, strerror(-c));
	if (c)
		errx_esc(EXIT_FAILURE, "--task %d: %s", (int)ctl.pid, strerror(-c));
	npaths = argc - optind;
	if ((ctl.load || ctl.origin) && npaths) {
		warnx_esc("--load and --origin take no PATH");
		errtryhelp();
	}
	if (ctl.load && ctl.origin) {
		warnx_esc("--load and --origin are exclusive");
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
				err_esc(EXIT_FAILURE, "out of memory");
		} else {
			/* the listing, the reads and the resolutions share
			 * the snapshot's table: one read of it in all */
			snapshot(&ctl);
			npaths = all_overlays(&ctl, &overlays);
		}
	}
	if ((ctl.save || ctl.record) && (ctl.load || ctl.origin ? 1 : npaths) != 1) {
		warnx_esc("--save and --record take exactly one overlay");
		errtryhelp();
	}

	/* the overlays at one moment: their reads and resolutions share one
	 * mount table (without it, each reads its own).  Not for one overlay
	 * named by its path: a snapshot is the whole mountinfo, and the
	 * library reads one overlay from the few mounts it needs
	 * (statmount), which a container's table of any size does not slow
	 * down */
	if (npaths && !ctl.load && !ctl.origin && !ctl.mounts &&
	    (npaths > 1 || overlays[0].id >= 0))
		snapshot(&ctl);
	escape_format = !ctl.json;
	tb = layers_table(&ctl);
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
	/* the defaults' SOURCE: in JSON always, else where it says more
	 * than "the kernel's" */
	if (ctl.auto_source >= 0 && !ctl.json && !ctl.not_kernel) {
		struct libscols_column *cl = scols_table_get_column(tb,
							ctl.auto_source);

		if (!cl || scols_column_set_flags(cl, scols_column_get_flags(cl) |
						  SCOLS_FL_HIDDEN))
			err_esc(EXIT_FAILURE, "out of memory");
	}
	/* JSON: an empty list when there is no overlay, nothing on error */
	if (scols_table_get_nlines(tb) ||
	    (ctl.json && ctl.status != EXIT_FAILURE))
		scols_print_table(tb);
	scols_unref_table(tb);
	for (size_t i = 0; i < npaths && overlays; i++)
		free(overlays[i].label);
	free(overlays);
	ovl_mount_table_free(ctl.mounts);
	ovl_view_unref(ctl.view);
	return ctl.status;
}

/*
 * What the kernel said of a mount it refused ("Unknown parameter 'foo'"),
 * from the descriptor's log at LOG_ERR and LOG_WARNING: shown without
 * OVL_LAYERS_DEBUG, which would show it already with the rest.  The
 * library hands the text over escaped, as "%s".
 */
static void __attribute__((format(printf, 4, 0)))
mount_log(void *data, int priority, const char *func, const char *format,
	  va_list args)
{
	(void)data;
	(void)func;
	fprintf(stderr, "%s: %s", program_invocation_short_name,
		priority <= LOG_ERR ? "" : "warning: ");
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
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
	unsigned int failed = UINT_MAX;	/* set where one layer failed */
	int c, e;

	command = "ovl-layers mount";
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
			mount_usage();
		default:
			bad_option(argv, c, optstring, longopts);
		}
	}
	if (!file || argc - optind != 1) {
		warnx_esc("mount needs --load FILE and one TARGET");
		errtryhelp();
	}
	l = load_file(&ctl, file);
	if (!l)
		return EXIT_FAILURE;
	e = ovl_layers_resolve(l, 0, OVL_RESOLVE_FD, NULL);
	if (e)
		errx_esc(EXIT_FAILURE, "%s: %s", file, ovl_layers_strerror(e));
	if (asprintf(&opts, "%s%s%s", ovl_layers_options(l) ?
		     ovl_layers_options(l) : "",
		     extra && ovl_layers_options(l) && *ovl_layers_options(l) ?
		     "," : "", extra ? extra : "") < 0)
		err_esc(EXIT_FAILURE, "out of memory");
	if (!getenv("OVL_LAYERS_DEBUG"))
		ovl_layers_set_log(l, LOG_WARNING, mount_log, NULL, 0);
	e = ovl_layers_mount(l, opts, argv[optind], 0, &failed);
	if (e == -ENOENT && failed < ovl_layers_count(l)) {
		struct ovl_layer_record rec;
		struct ovl_layer_location loc;

		ovl_layers_get_record(l, failed, &rec, sizeof(rec));
		ovl_layers_get_location(l, failed, &loc, sizeof(loc));
		errx_esc(EXIT_FAILURE, "%s: %s layer %u is %s: nothing mounted",
			 argv[optind], ovl_layer_kind_name(rec.kind), rec.index,
			 ovl_layer_status_name(loc.status));
	}
	if (e)
		errx_esc(EXIT_FAILURE, "%s: mount failed: %s", argv[optind],
			 strerror(-e));
	free(opts);
	ovl_layers_free(l);
	return EXIT_SUCCESS;
}
