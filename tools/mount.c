// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers mount --load FILE [-O OPTS] TARGET: a new overlay mounted
 * from a saved descriptor or checkpoint record, each layer opened where it
 * is now (the library's ovl_layers_mount(3)), with the kernel's own words
 * when it refuses the mount.  A subcommand with options of its own.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ovllayers.h"
#include "ovl-layers.h"

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

/*
 * The kernel's warnings about a mount ("overlay: ... falling back to
 * ..."), from the descriptor's log at LOG_WARNING: shown without
 * OVL_LAYERS_DEBUG, which would show them already with the rest.  What it
 * said of a mount it refused ("Unknown parameter 'foo'", LOG_ERR) is in
 * the library's message (ovl_error_message(3)), which the failure's line
 * says.  The library hands the text over escaped, as "%s".
 */
static void __attribute__((format(printf, 4, 0)))
mount_log(void *data, int priority, const char *func, const char *format,
	  va_list args)
{
	(void)data;
	(void)func;
	if (priority <= LOG_ERR)
		return;
	fprintf(stderr, "%s: warning: ", program_invocation_short_name);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

/*
 * ovl-layers mount --load FILE [-O OPTS] TARGET: re-create an overlay from
 * a saved descriptor or checkpoint record, naming each layer by where it
 * is now.
 */
int cmd_mount(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "load", required_argument, NULL, 'l' },
		{ "options", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char optstring[] = ":l:O:h";
	/* the error object, where it stays reachable (valgrind's "still
	 * reachable", not "lost") when an errx_esc() below exits */
	static struct ovl_error *volatile error;
	struct ctl ctl = { .status = EXIT_SUCCESS };
	const char *extra = NULL, *file = NULL;
	struct ovl_layers *l;
	char *opts;
	int c, e, failed;

	help_command = "ovl-layers mount";
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
	ctl.error = error = new_error();
	l = load_file(&ctl, file);
	if (!l) {
		ovl_error_free(ctl.error);
		return EXIT_FAILURE;
	}
	e = ovl_layers_resolve(l, NULL, OVL_RESOLVE_FD, NULL, ctl.error);
	if (e) {
		warnx_lib(ovl_error_message(ctl.error) ?
			  ovl_error_message(ctl.error) : ovl_layers_strerror(e),
			  NULL, "%s: ", file);
		exit(EXIT_FAILURE);
	}
	if (asprintf(&opts, "%s%s%s", ovl_layers_options(l) ?
		     ovl_layers_options(l) : "",
		     extra && ovl_layers_options(l) && *ovl_layers_options(l) ?
		     "," : "", extra ? extra : "") < 0)
		err_esc(EXIT_FAILURE, "out of memory");
	if (!getenv("OVL_LAYERS_DEBUG"))
		ovl_layers_set_log(l, LOG_WARNING, mount_log, NULL, 0);
	e = ovl_layers_mount(l, opts, argv[optind], 0, ctl.error);
	/* the layer that failed, or -1: the target's error (checked first),
	 * or the overlay's as a whole (the kernel refused its options) */
	failed = e ? ovl_error_layer(ctl.error) : -1;
	if (failed >= 0 && (unsigned int)failed < ovl_layers_count(l)) {
		struct ovl_layer_record rec;
		struct ovl_layer_location loc;
		const char *why = reason_of(ctl.error);

		ovl_layers_get_record(l, failed, &rec, sizeof(rec));
		ovl_layers_get_location(l, failed, &loc, sizeof(loc));
		/* not where it can be mounted from */
		if (e == -ENOENT)
			errx_esc(EXIT_FAILURE, "%s: %s layer %u is %s: nothing mounted",
				 argv[optind], ovl_layers_kind_name(rec.kind),
				 rec.index, ovl_layers_status_name(loc.status));
		/* refused (an idmapped layer), not the directory it names
		 * (-ESTALE), or the kernel's refusal of that layer */
		warnx_lib(why ? why : strerror(-e), ": nothing mounted",
			  "%s: %s layer %u: ", argv[optind],
			  ovl_layers_kind_name(rec.kind), rec.index);
		exit(EXIT_FAILURE);
	}
	/* the target's (the library's message names it), or the options'
	 * ("foo: Invalid argument (the kernel: overlay: Unknown parameter
	 * 'foo')", "option lowerdir: the layers are the descriptor's") */
	if (e) {
		warnx_lib(ovl_error_message(ctl.error) ?
			  ovl_error_message(ctl.error) : strerror(-e), NULL,
			  "mount failed: ");
		exit(EXIT_FAILURE);
	}
	free(opts);
	ovl_layers_free(l);
	ovl_error_free(ctl.error);
	return EXIT_SUCCESS;
}
