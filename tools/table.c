// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers: the output.  The columns (their names, findmnt's, and help
 * text; -o LIST, --output-all, -H), the libsmartcols table they make (a
 * list, a tree with --tree; raw, KEY="value" or JSON), and what goes in
 * its cells: a layer's record and location as text, with the characters
 * that would make a container's name read as something else escaped.
 * libsmartcols prints; the layers come to it resolved (ovl-layers.c).
 */
#include <errno.h>
#include <libsmartcols.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "ovllayers.h"
#include "ovl-layers.h"

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
			 "ok, shadowed, unreachable, no-mount, stale, no-handle, no-permission, ambiguous, not-probed, suspect, unresolved" },
	[COL_REASON] = { "REASON", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			 "why the status is what it is (empty when it says it all)" },
	[COL_SOURCE] = { "SOURCE", 9, 0, SCOLS_JSON_STRING,
			 "where the descriptor came from: xattr, mountinfo, buffer, origin" },
	[COL_OVERLAY_ID] = { "OVERLAY-ID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			     "mount ID of the overlay (stacked overlays share OVERLAY)" },
	/* format 2's (empty where the description has none) */
	[COL_FS_PATH] = { "FS-PATH", 0.2, 0, SCOLS_JSON_STRING,
			  "the layer root's path from its filesystem's root, as described" },
	[COL_ATTR] = { "ATTR", 5, 0, SCOLS_JSON_STRING,
		       "attributes of the mount the layer was given through: ro, nosuid, nodev, noexec, nosymfollow, idmap" },
	[COL_FS_INDEX] = { "FS-INDEX", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			   "the layer's filesystem in the description's table (layers on one filesystem share it)" },
	[COL_MAGIC] = { "MAGIC", 10, 0, SCOLS_JSON_STRING,
			"the layer filesystem's magic number, hex (0x794c7630: an overlay)" },
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

/* The default columns, as if no -o were given */
void default_columns(struct ctl *ctl)
{
	for (size_t i = 0; i < sizeof(default_cols) / sizeof(default_cols[0]); i++)
		add_column(ctl, default_cols[i], infos[default_cols[i]].name, "");
}

/* --output-all: every column, by its name */
void all_columns(struct ctl *ctl)
{
	ctl->ncols = 0;
	ctl->default_source = false;
	for (int i = 0; i < NCOLS; i++)
		add_column(ctl, i, infos[i].name, "--output-all");
}

/* -o LIST: every name a column, none empty, none dropped */
void parse_columns(struct ctl *ctl, const char *list)
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

bool has_column(const struct ctl *ctl, int col)
{
	for (size_t i = 0; i < ctl->ncols; i++)
		if (ctl->cols[i].col == col)
			return true;
	return false;
}

/* The columns the options imply, once all are parsed */
void complete_columns(struct ctl *ctl)
{
	/* a tree hangs from the overlay's line: it has its OVERLAY */
	if (ctl->tree && !has_column(ctl, COL_OVERLAY)) {
		if (ctl->ncols == MAX_OUTCOLS) {
			warnx_esc("too many columns (at most %d) with --tree",
				  MAX_OUTCOLS - 1);
			errtryhelp();
		}
		memmove(ctl->cols + 1, ctl->cols, ctl->ncols * sizeof(ctl->cols[0]));
		ctl->cols[0].col = COL_OVERLAY;
		ctl->cols[0].name = infos[COL_OVERLAY].name;
		ctl->ncols++;
	}
	/* the defaults' SOURCE, after their OVERLAY, unless named by +LIST
	 * (or no room is left: then it is the user's list) */
	if (ctl->default_source && !has_column(ctl, COL_SOURCE) &&
	    ctl->ncols < MAX_OUTCOLS) {
		size_t at = 0;

		while (at < ctl->ncols && ctl->cols[at].col != COL_OVERLAY)
			at++;
		at = at < ctl->ncols ? at + 1 : 0;
		memmove(ctl->cols + at + 1, ctl->cols + at,
			(ctl->ncols - at) * sizeof(ctl->cols[0]));
		ctl->cols[at].col = COL_SOURCE;
		ctl->cols[at].name = infos[COL_SOURCE].name;
		ctl->ncols++;
		ctl->auto_source = at;
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

/* A record without an st_dev hint (0:0); an origin has none to give */
static bool no_dev(const struct ovl_layer_record *rec)
{
	return rec->kind != OVL_LAYERS_ORIGIN && !rec->dev_major &&
	       !rec->dev_minor;
}

/* The record's flags as words, comma separated, in this order; "" for
 * none.  The words are the tool's, whatever the bits: nofh and fid are the
 * record's flags (the kernel's OVL_LAYERS_LAYER_*), bad-uuid its
 * filesystem's (fs_flags), nodev a record without a device (0:0).
 * NOPATH is said by an empty FS-PATH. */
static void flag_words(char *out, const struct ovl_layer_record *rec)
{
	const struct {
		bool set;
		const char *name;
	} words[] = {
		{ rec->flags & OVL_LAYERS_LAYER_NOFH, "nofh" },
		{ rec->flags & OVL_LAYERS_LAYER_FID, "fid" },
		{ rec->fs_flags & OVL_LAYERS_FS_BAD_UUID, "bad-uuid" },
		{ no_dev(rec), "nodev" },
	};

	*out = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].set)
			sprintf(out + strlen(out), "%s%s", *out ? "," : "",
				words[i].name);
}

/* MOUNT_ATTR_* as findmnt's VFS-OPTIONS spells them, comma separated
 * ("rw" when none of the restricting ones is set) */
static void attr_words(char *out, uint64_t attr)
{
	static const struct {
		uint64_t bit;
		const char *word;
	} words[] = {
		{ MOUNT_ATTR_RDONLY, "ro" }, { MOUNT_ATTR_NOSUID, "nosuid" },
		{ MOUNT_ATTR_NODEV, "nodev" }, { MOUNT_ATTR_NOEXEC, "noexec" },
		{ MOUNT_ATTR_NOSYMFOLLOW, "nosymfollow" },
		{ MOUNT_ATTR_IDMAP, "idmap" },
	};

	strcpy(out, attr & MOUNT_ATTR_RDONLY ? "" : "rw");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (attr & words[i].bit)
			sprintf(out + strlen(out), "%s%s", *out ? "," : "",
				words[i].word);
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
			set(ln, i, "%s", ovl_layers_kind_name(rec.kind));
			break;
		case COL_UUID:
			uuid_str(buf, rec.uuid);
			set(ln, i, "%s", buf);
			break;
		case COL_MAJMIN:
			if (rec.kind != OVL_LAYERS_ORIGIN && !no_dev(&rec))
				set(ln, i, "%u:%u", rec.dev_major,
				    rec.dev_minor);
			break;
		case COL_FLAGS:
			flag_words(buf, &rec);
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
			set(ln, i, "%s", ovl_layers_status_name(loc.status));
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
		case COL_FS_PATH:
			if ((rec.valid & OVL_RECORD_VALID_PATH) && rec.fs_path)
				set(ln, i, "%s", rec.fs_path);
			break;
		case COL_ATTR:
			if (rec.valid & OVL_RECORD_VALID_ATTR) {
				attr_words(buf, rec.attr);
				set(ln, i, "%s", buf);
			}
			break;
		case COL_FS_INDEX:
			if (rec.valid & OVL_RECORD_VALID_FS)
				set(ln, i, "%u", rec.fs_index);
			break;
		case COL_MAGIC:
			if (rec.valid & OVL_RECORD_VALID_FS)
				set(ln, i, "0x%llx",
				    (unsigned long long)rec.fs_magic);
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
void add_lines(struct ctl *ctl, struct libscols_table *tb, const char *label,
	       int ovl_id, const struct ovl_layers *l)
{
	struct libscols_line *parent = NULL;

	/* statmount's and the xattr are the kernel's; anything else shows
	 * the default SOURCE */
	if (ovl_layers_source(l) != OVL_SOURCE_XATTR &&
	    ovl_layers_source(l) != OVL_SOURCE_STATMOUNT)
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
		if (!ctl->no_resolve && loc.status != OVL_STATUS_OK &&
		    ctl->status == EXIT_SUCCESS)
			ctl->status = EXIT_UNRESOLVED;
		/* not a fact about the layer but about us: an error */
		if (!ctl->no_resolve && loc.status == OVL_STATUS_NO_PERMISSION) {
			if (!ctl->warned_perm)
				warnx_esc("%s: no privilege to open the layers by file handle (needs CAP_DAC_READ_SEARCH)",
					  label);
			ctl->warned_perm = true;
			ctl->status = EXIT_FAILURE;
		}
	}
}

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

struct libscols_table *layers_table(struct ctl *ctl)
{
	struct libscols_table *tb = new_table(ctl, ctl->tree ? "overlays" :
							       "layers");
	bool tree = ctl->tree;

	escape_format = !ctl->json;
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
void list_columns(struct ctl *ctl)
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

/* Print the table (the defaults' SOURCE hidden where it says nothing) and
 * free it */
void print_table(struct ctl *ctl, struct libscols_table *tb)
{
	/* the defaults' SOURCE: in JSON always, else where it says more
	 * than "the kernel's" */
	if (ctl->auto_source >= 0 && !ctl->json && !ctl->not_kernel) {
		struct libscols_column *cl = scols_table_get_column(tb,
							ctl->auto_source);

		if (!cl || scols_column_set_flags(cl, scols_column_get_flags(cl) |
						  SCOLS_FL_HIDDEN))
			err_esc(EXIT_FAILURE, "out of memory");
	}
	/* JSON: an empty list when there is no overlay, nothing on error */
	if (scols_table_get_nlines(tb) ||
	    (ctl->json && ctl->status != EXIT_FAILURE))
		scols_print_table(tb);
	scols_unref_table(tb);
}
