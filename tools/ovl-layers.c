// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers: where are the layers of an overlay, really?  What findmnt is
 * to mounts, this is to overlay layers.  See ovl-layers(1).  This file
 * reads the command line and runs it: each overlay named, listed
 * (view.c), loaded (files.c) or found by --origin (origin.c) is read and
 * resolved by the library and shown in one table (table.c); `mount` and
 * --check are mount.c's and check.c's.  tools/README.md maps the rest.
 */
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ovllayers.h"
#include "ovl-layers.h"

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

/* Resolve, print lines, save if asked.  ovl_id: the overlay's mount ID,
 * -1 when not known (a loaded descriptor, an overlay named by a path). */
static void handle(struct ctl *ctl, struct libscols_table *tb,
		   const char *label, int ovl_id, struct ovl_layers *l)
{
	int e;

	warn_fallback(ctl, l);
	if (!ctl->no_resolve) {
		e = ovl_layers_resolve(l, ctl->view, 0, NULL, ctl->error);
		if (e) {
			fail(ctl, label, e, reason_of(ctl->error));
			return;
		}
	}
	add_lines(ctl, tb, label, ovl_id, l);
	save_layers(ctl, label, l);
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

	default_columns(&ctl);
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
			all_columns(&ctl);
			break;
		case 'H':
			list_cols = true;
			break;
		case OPT_SOURCE:
			if (!strcmp(optarg, "auto"))
				ctl.read_flags = 0;
			else if (!strcmp(optarg, "xattr"))
				ctl.read_flags = OVL_READ_KERNEL_ONLY;
			else if (!strcmp(optarg, "mountinfo"))
				ctl.read_flags = OVL_READ_MOUNTINFO_ONLY;
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
	complete_columns(&ctl);
	ctl.error = new_error();
	open_view(&ctl);
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
		int e;

		clear_detail(&ctl);
		e = o->id < 0 ?
			ovl_layers_read(ctl.view, -1, o->label, 0,
					ctl.read_flags, &l, ctl.error) :
			ovl_layers_read(ctl.view, -1, NULL, (uint64_t)o->id,
					ctl.read_flags | OVL_READ_MNT_ID, &l,
					ctl.error);

		if (e)
			fail(&ctl, o->label, e, reason_of(ctl.error));
		else
			handle(&ctl, tb, o->label, o->id, l);
		ovl_layers_free(l);
	}
	print_table(&ctl, tb);
	for (size_t i = 0; i < npaths && overlays; i++)
		free(overlays[i].label);
	free(overlays);
	ovl_mount_table_free(ctl.mounts);
	ovl_view_unref(ctl.view);
	ovl_error_free(ctl.error);
	clear_detail(&ctl);
	return ctl.status;
}
