/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the files of ovl-layers share: the run's state (struct ctl), the
 * output columns, and the functions one file offers the others.  Not
 * installed; tools/README.md says which file does what.  Include it after
 * every system header: it poisons err(3)'s names (see say.c).
 */
#ifndef OVL_CLI_H
#define OVL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ovllayers.h"

struct libscols_table;
struct option;

#define EXIT_UNRESOLVED	2	/* some layer's status is not "ok" */

/* table.c: the output columns, in the order of -H */
enum column {
	COL_OVERLAY, COL_INDEX, COL_KIND, COL_UUID, COL_MAJMIN, COL_FLAGS,
	COL_FHTYPE, COL_HANDLE, COL_ID, COL_UNIQ_ID, COL_TARGET, COL_FSROOT,
	COL_ROOT, COL_PATH, COL_STATUS, COL_REASON, COL_SOURCE, COL_OVERLAY_ID,
	COL_FS_PATH, COL_ATTR, COL_FS_INDEX, COL_MAGIC,
	NCOLS
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
	struct ovl_error *error;	/* what the library says of a failed
					   call: given to each, read at once */
	struct ovl_mount_table *mounts;	/* the view's, read once when
					   first needed */
	const char *save, *record, *load, *origin;
	bool warned, warned_perm;
	bool tree_warned;	/* -T said to be deprecated */
	int status;	/* exit status so far */
	char *detail;	/* the library's last error line for the read under
			   way (which layer), or NULL: fail() says it */
};

/* An overlay to show: named on the command line (id -1) or listed. */
struct overlay {
	char *label;
	int id;
};

/* say.c: every message on stderr, escaped; usage errors; stdout's close */
extern const char *help_command;
void warnx_esc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_esc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnx_lib(const char *lib, const char *tail, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void errx_esc(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void err_esc(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void errtryhelp(void) __attribute__((noreturn));
void bad_option(char **argv, int c, const char *optstring,
		const struct option *longopts) __attribute__((noreturn));
void close_stdout(void);
void fail(struct ctl *ctl, const char *what, int e, const char *reason);
const char *reason_of(const struct ovl_error *error);
struct ovl_error *new_error(void);
void warn_fallback(struct ctl *ctl, const struct ovl_layers *l);

/* table.c: the columns, the libsmartcols table, what goes in its cells */
void default_columns(struct ctl *ctl);
void all_columns(struct ctl *ctl);
void parse_columns(struct ctl *ctl, const char *list);
void complete_columns(struct ctl *ctl);
bool has_column(const struct ctl *ctl, int col);
void list_columns(struct ctl *ctl);
struct libscols_table *layers_table(struct ctl *ctl);
void add_lines(struct ctl *ctl, struct libscols_table *tb, const char *label,
	       int ovl_id, const struct ovl_layers *l);
void print_table(struct ctl *ctl, struct libscols_table *tb);

/* view.c: the view (-N PID's, or ours) and its mount table */
void open_view(struct ctl *ctl);
/* forget the library's last error line (before a read) */
void clear_detail(struct ctl *ctl);
struct ovl_mount_table *view_mounts(struct ctl *ctl);
void snapshot(struct ctl *ctl);
bool mount_by_id(struct ctl *ctl, int id, struct ovl_mount *m);
char *fsroot_statmount(struct ctl *ctl, uint64_t id);
size_t all_overlays(struct ctl *ctl, struct overlay **list);

/* files.c: descriptors and records read (--load) and written (--save,
 * --record) */
struct ovl_layers *load_file(struct ctl *ctl, const char *name);
void save_layers(struct ctl *ctl, const char *label, struct ovl_layers *l);

/* origin.c: --origin */
struct ovl_layers *origin_of(struct ctl *ctl, const char *file);

/* mount.c: ovl-layers mount */
int cmd_mount(int argc, char **argv);

/* Every message goes through say.c's functions, never err(3)'s own. */
#ifndef OVL_CLI_SAY
#pragma GCC poison warn warnx err errx vwarn vwarnx verr verrx
#endif

#endif
