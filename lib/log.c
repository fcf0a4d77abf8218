// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The log: one channel for what the return values cannot carry, the
 * kernel's own messages about a mount it refused and the resolver's
 * choices.  In the libkmod style (kmod_set_log_fn(), KMOD_LOG), but set
 * per object, since the library has no global state: a view, and a
 * descriptor for its mounts.  Nothing is logged unless the caller asks
 * (ovl_view_set_log(), ovl_layers_set_log()) or OVL_LAYERS_DEBUG is set.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"

/* OVL_LAYERS_DEBUG: "all", "debug", "1", "info", "err", or 0-7 */
static int env_priority(void)
{
	const char *v = secure_getenv("OVL_LAYERS_DEBUG");
	char *end;
	long n;

	if (!v || !*v)
		return -1;
	if (!strcmp(v, "all") || !strcmp(v, "debug") || !strcmp(v, "1"))
		return LOG_DEBUG;
	if (!strcmp(v, "info"))
		return LOG_INFO;
	if (!strcmp(v, "err") || !strcmp(v, "error"))
		return LOG_ERR;
	n = strtol(v, &end, 10);
	if (*end || n < 0 || n > LOG_DEBUG)
		return LOG_DEBUG;	/* set, but not understood: all */
	return (int)n;
}

void ovl_log_from_env(struct ovl_log *lg)
{
	lg->set = true;
	lg->priority = env_priority();
	lg->fn = NULL;
	lg->data = NULL;
}

static const struct ovl_log *decided(const struct ovl_log *lg,
				     struct ovl_log *tmp)
{
	if (lg && lg->set)
		return lg;
	ovl_log_from_env(tmp);
	return tmp;
}

bool ovl_log_on(const struct ovl_log *lg, int priority)
{
	struct ovl_log tmp;

	return priority <= decided(lg, &tmp)->priority;
}

/* fn takes a format and its arguments (libkmod's signature): the text,
 * already escaped, is handed over as "%s" and itself, so that nothing of
 * it is read as a directive */
static void call_fn(const struct ovl_log *lg, int priority, const char *func,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void call_fn(const struct ovl_log *lg, int priority, const char *func,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lg->fn(lg->data, priority, func, fmt, ap);
	va_end(ap);
}

/*
 * The messages carry the container's strings (mount points, layer paths,
 * options, what the kernel said of them), and both ends of a log act on
 * control characters: a terminal retitles itself at an ESC sequence, a
 * newline forges a line of its own.  So the whole message is escaped
 * (ovl_escape(): controls and bytes that are not UTF-8 as \xHH, a
 * backslash as \\) before it reaches fn or stderr; the callback gets one
 * line of printable text.
 */
void ovl_log(const struct ovl_log *lg, int priority, const char *func,
	     const char *fmt, ...)
{
	struct ovl_log tmp;
	char *raw = NULL, *text = NULL;
	const char *msg;
	va_list ap;

	lg = decided(lg, &tmp);
	if (priority > lg->priority)
		return;
	va_start(ap, fmt);
	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;
	va_end(ap);
	/* a message is a line: the newline at its end (the kernel ends its
	 * fs_context messages with one) is the line's, not text to show */
	for (size_t n = raw ? strlen(raw) : 0; n && raw[n - 1] == '\n'; n--)
		raw[n - 1] = '\0';
	text = raw ? ovl_escape_dup(raw) : NULL;
	msg = text ? text : "(a message lost: out of memory)";
	if (lg->fn)
		call_fn(lg, priority, func, "%s", msg);
	else	/* one write, so that lines of threads and processes do not mix */
		fprintf(stderr, "libovllayers[%d]: %s: %s\n", (int)getpid(),
			func, msg);
	free(text);
	free(raw);
}

const struct ovl_log *ovl_layers_log(const struct ovl_layers *l)
{
	if (l && l->log.set)
		return &l->log;
	return l && l->view ? &l->view->log : NULL;
}

static int set_log(struct ovl_log *lg, int priority, ovl_log_fn fn,
		   void *data, unsigned int flags)
{
	if (flags || priority < -1 || priority > LOG_DEBUG)
		return -EINVAL;
	lg->set = true;
	lg->priority = priority;
	lg->fn = fn;
	lg->data = data;
	return 0;
}

OVL_EXPORT
int ovl_view_set_log(struct ovl_view *view, int priority, ovl_log_fn fn,
		     void *data, unsigned int flags)
{
	return view ? set_log(&view->log, priority, fn, data, flags) : -EINVAL;
}

OVL_EXPORT
int ovl_layers_set_log(struct ovl_layers *layers, int priority,
		       ovl_log_fn fn, void *data, unsigned int flags)
{
	return layers ? set_log(&layers->log, priority, fn, data, flags) :
			-EINVAL;
}
