// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers: what it says on stderr, and how it ends.  Every message goes
 * through warnx_esc() and the like, escaped (a container chooses the names
 * in it); a usage error names the option and the --help to try; a failed
 * read of an overlay's layers is said in one line (fail()), and a fallback
 * to mountinfo's strings is warned of once (warn_fallback()); a write
 * error on stdout is exit status 1 (close_stdout()).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "ovllayers.h"
/* err(3)'s names are vsay()'s and warnx_lib()'s own, poisoned after them */
#define OVL_CLI_SAY
#include "ovl-layers.h"

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

/*
 * A line with the library's own text in it (ovl_error_message(3), a line
 * of its log), which the library has escaped already (ovl_escape(), as
 * vsay() escapes): that text goes in as it is, between the rest, which is
 * escaped here, so that a backslash in a path shows once, not doubled.
 * Should the library's text hold a control byte all the same, it is
 * escaped with the rest.  head: printf-like, before it; tail: after it.
 */
void warnx_lib(const char *lib, const char *tail, const char *fmt, ...)
{
	char *raw = NULL, *h = NULL, *t = NULL, *l = NULL;
	const unsigned char *p;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;	/* undefined after a failure */
	va_end(ap);
	for (p = (const unsigned char *)(lib ? lib : ""); *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			break;
	h = raw ? ovl_escape_dup(raw) : NULL;
	t = ovl_escape_dup(tail ? tail : "");
	l = *p ? ovl_escape_dup(lib) : NULL;
	if (h && t && (l || !*p))
		warnx("%s%s%s", h, l ? l : lib ? lib : "", t);
	else
		warnx("(a message lost: out of memory)");
	free(l);
	free(t);
	free(h);
	free(raw);
}

#pragma GCC poison warn warnx err errx vwarn vwarnx verr verrx

void warnx_esc(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(false, fmt, ap);
	va_end(ap);
}

void warn_esc(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(true, fmt, ap);
	va_end(ap);
}

void errx_esc(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(false, fmt, ap);
	va_end(ap);
	exit(status);
}

void err_esc(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(true, fmt, ap);
	va_end(ap);
	exit(status);
}

/* "ovl-layers" or "ovl-layers mount": whose --help a usage error names */
const char *help_command = "ovl-layers";

void errtryhelp(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n",
		help_command);
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
void bad_option(char **argv, int c, const char *optstring,
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

void close_stdout(void)
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

/* An error object for the library's calls (ovl_error_new(3)); exits when
 * out of memory. */
struct ovl_error *new_error(void)
{
	struct ovl_error *error = ovl_error_new();

	if (!error)
		errx_esc(EXIT_FAILURE, "out of memory");
	return error;
}

/*
 * The library's reason for the failure error describes (its
 * ovl_error_message(3)), for fail(): NULL when it has no phrase of its own
 * and the message is only the text of the code (ovl_layers_strerror(3),
 * strerror(3)), which fail() words itself.
 */
const char *reason_of(const struct ovl_error *error)
{
	const char *msg = error ? ovl_error_message(error) : NULL;
	int e = error ? ovl_error_code(error) : 0;

	if (!msg || !*msg || (e && (!strcmp(msg, ovl_layers_strerror(e)) ||
				    !strcmp(msg, strerror(-e)))))
		return NULL;
	return msg;
}

/* One line: what failed and why.  reason: the library's (reason_of()), or
 * NULL. */
void fail(struct ctl *ctl, const char *what, int e, const char *reason)
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
		warnx_lib(reason ? reason :
			  "the kernel does not produce the overlay layers xattr",
			  NULL, "%s: ", what);
		break;
	case ENOMEM:
		warnx_esc("%s: out of memory", what);
		break;
	default:
		if (ctl->detail)	/* the library named the layer */
			warnx_lib(ctl->detail, NULL, "%s: ", what);
		else if (!reason || !strcmp(reason, ovl_layers_strerror(e)))
			warnx_esc("%s: %s", what, e == -EINVAL || e == -EIO ?
				  ovl_layers_strerror(e) : strerror(-e));
		else if (!strncmp(reason, "cannot ", 7)) {
			/* a failed system call: say which error */
			char tail[128];

			snprintf(tail, sizeof(tail), ": %s", strerror(-e));
			warnx_lib(reason, tail, "%s: ", what);
		}
		else
			warnx_lib(reason, NULL, "%s: ", what);
	}
	clear_detail(ctl);
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

	switch (ovl_layers_kernel_probe(user ? OVL_PROBE_USERXATTR : 0, NULL)) {
	case OVL_KERNEL_PRODUCES:
		return "the kernel gave no layers xattr for this overlay";
	case OVL_KERNEL_STORES:
		snprintf(why, sizeof(why), "this kernel does not produce %s "
			 "(no series: a value under that name would be a "
			 "user's, and is not read)", name);
		return why;
	case OVL_KERNEL_NO_XATTR:
		return "this kernel has no overlay layers xattr (before "
		       "Linux 6.7)";
	default:
		snprintf(why, sizeof(why), "cannot tell whether this kernel "
			 "produces %s, so no value under that name is read",
			 name);
		return why;
	}
}

void warn_fallback(struct ctl *ctl, const struct ovl_layers *l)
{
	/* asked for explicitly with --source mountinfo: no surprise to warn of */
	if (ctl->warned || ctl->read_flags ||
	    ovl_layers_source(l) != OVL_SOURCE_MOUNTINFO)
		return;
	if (ctl->load)
		warnx_esc("warning: %s was derived from mountinfo path strings "
			  "when it was saved, which may have been stale", ctl->load);
	else
		warnx_esc("warning: %s; layers were derived from the mountinfo "
			  "path strings, which may be stale", fallback_cause(l));
	ctl->warned = true;
}
