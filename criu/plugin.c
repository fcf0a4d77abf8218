// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl_layers_plugin.so: CRIU checkpoints and restores overlay mounts by
 * their layers as the kernel reports them now (trusted.overlay.layers),
 * not by the path strings of their mount options.  ovl_layers_plugin(1).
 *
 * CRIU dumps an overlay's mount options as mountinfo prints them and hands
 * them back to mount(2) at restore.  Those strings name the layers as the
 * mounter saw them: inside a container, paths of the container's own
 * root, which do not exist where CRIU mounts (its own root, the layers
 * sitting in a temporary yard); and after an overlay was once re-created
 * under that yard, paths of a yard that is gone.  Either way the restore
 * fails, or mounts whatever those paths lead to.
 *
 * Dump.  CRIU 3.17 offers a plugin no hook for a mount it can dump itself
 * (DUMP_EXT_MOUNT is only asked about bind mounts it cannot place), so the
 * plugin works when the dump is complete and the tasks are still frozen:
 * its exit callback at the DUMP stage.  For every overlay in the
 * mountpoints images it reads the layers xattr in the container's mount
 * namespace, resolves every layer there to a mount of the same checkpoint
 * and a path inside that mount, writes that to ovl-layers-<mnt_id>.json
 * next to CRIU's images, and sets with_plugin on the overlay's MntEntry,
 * so that CRIU leaves the mount to the plugin at restore.
 *
 * Restore.  RESTORE_EXT_MOUNT names the overlay's mount ID and where CRIU
 * wants it.  CRIU has mounted every earlier mount by then, each at a
 * place derived from its mount ID (mount-v2: <yard>/mnt-<id>; with
 * --mntns-compat-mode, the mount tree under <yard>/<ns>/), so each layer
 * is at its mount's place plus its path inside the mount.  The library
 * checks each against the saved handle wherever the layer filesystem kept
 * its identity (ovl_layers_place()), and mounts the overlay from there.
 * The new mount's option strings name the plugin's fds and go stale at
 * once: the next dump reads the xattr again, not them.
 *
 * The images directory may come from another host, and the container is
 * not trusted.  The dump looks into the container only through its view
 * (ovl_view: its root fd, beneath which every path is resolved), names the
 * overlay by its mount ID, and processes every image even when one fails;
 * an overlay it cannot describe is marked all the same and restores with
 * an error, never from its strings.  The restore cross-checks the JSON
 * with the descriptor's checkpoint and CRIU's own mount image (mount IDs,
 * kinds, indexes, count), opens each layer beneath the mount CRIU restored
 * for it (RESOLVE_BENEATH, no symlink, no other mount) and mounts that
 * very directory by its fd.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <criu/criu-plugin.h>

#include "common.h"	/* ovl_escape(): the library's, for its log and ours */
#include "plugin.h"

/* CRIU's log (criu-log.h needs headers criu does not install); weak, so
 * that a test program can load the plugin without criu. */
extern void print_on_level(unsigned int level, const char *fmt, ...)
	__attribute__((weak, format(printf, 2, 3)));

/* One line of criu's log, text escaped already. */
static void log_line(unsigned int level, const char *text)
{
	static const char *const prefix[] = {
		[CR_LOG_ERROR] = "Error (" PLUGIN "): ",
		[CR_LOG_WARN] = "Warn  (" PLUGIN "): ",
		[CR_LOG_INFO] = PLUGIN ": ",
		[CR_LOG_DEBUG] = PLUGIN ": ",
	};

	if (print_on_level)
		print_on_level(level, "%s%s\n", prefix[level], text);
	else
		fprintf(stderr, "%s%s\n", prefix[level], text);
}

/*
 * The messages name mount points and paths of the images (which may come
 * from another host) and of the container's view, and criu's log is read
 * on terminals and line by line: an ESC sequence there retitles the
 * terminal, a newline forges a line of criu's own.  So each message is
 * escaped whole, as the library escapes its log (ovl_escape(): controls
 * and bytes that are not UTF-8 as \xHH, a backslash as \\): one message,
 * one line of printable text.
 */
__attribute__((format(printf, 2, 3)))
void plugin_say(unsigned int level, const char *fmt, ...)
{
	char *raw = NULL, *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;
	va_end(ap);
	text = raw ? ovl_escape_dup(raw) : NULL;
	log_line(level, text ? text : "(a message lost: out of memory)");
	free(text);
	free(raw);
}

/*
 * The library's messages into criu's log: what the kernel said about an
 * overlay mount it refused (syslog's LOG_ERR, 3; its warnings 4 and notes
 * 6), and with OVL_LAYERS_DEBUG set the library's choices (CR_LOG_DEBUG, 7).
 * The library hands over its text escaped (ovl_view_set_log(3)), as "%s":
 * it is not escaped twice.
 */
void plugin_lib_log(void *data, int priority, const char *func,
		    const char *fmt, va_list ap)
{
	char *msg = NULL, *line = NULL;

	(void)data;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;	/* undefined after a failure */
	if (!msg || asprintf(&line, "libovllayers: %s: %s", func, msg) < 0)
		line = NULL;
	log_line(priority <= LOG_ERR ? CR_LOG_ERROR :
		 priority == LOG_WARNING ? CR_LOG_WARN :
		 priority <= LOG_INFO ? CR_LOG_INFO : CR_LOG_DEBUG,
		 line ? line : "libovllayers: (a message lost: out of memory)");
	free(line);
	free(msg);
}

int plugin_lib_log_priority(void)
{
	const char *v = secure_getenv("OVL_LAYERS_DEBUG");

	return v && *v ? LOG_DEBUG : LOG_INFO;	/* all, or the kernel's lines */
}

double plugin_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct ovl_plugin_state ovl_plugin;

struct ovl_error *plugin_error(void)
{
	if (!ovl_plugin.err)
		ovl_plugin.err = ovl_error_new();
	return ovl_plugin.err;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * The library's message comes escaped (ovl_escape(): \xHH and \\, the
 * kernel's text of a mount may name paths), and every message of the
 * plugin's is escaped whole (plugin_say()): the escapes are undone here,
 * so that criu's log has the text escaped once, as the library's own log
 * lines, and a description's "error" keeps it as it is, as its names.
 */
const char *plugin_error_message(int code)
{
	const char *msg = NULL, *p;
	char *out = ovl_plugin.why;
	size_t n = 0;

	if (ovl_plugin.err && ovl_error_code(ovl_plugin.err) == code)
		msg = ovl_error_message(ovl_plugin.err);
	if (!msg)
		return ovl_layers_strerror(code);
	for (p = msg; *p && n + 1 < sizeof(ovl_plugin.why); n++) {
		if (p[0] == '\\' && p[1] == '\\') {
			out[n] = '\\';
			p += 2;
		} else if (p[0] == '\\' && p[1] == 'x' && hex_digit(p[2]) >= 0 &&
			   hex_digit(p[3]) >= 0 && (hex_digit(p[2]) || hex_digit(p[3]))) {
			out[n] = (char)(hex_digit(p[2]) << 4 | hex_digit(p[3]));
			p += 4;
		} else {
			out[n] = *p++;
		}
	}
	out[n] = '\0';
	return out;
}

/* ------------------------------------------------------------------ */

static int plugin_init(int s)
{
	ovl_plugin.stage = s;
	plugin_say(CR_LOG_DEBUG, "libovllayers %s", VERSION);
	return 0;
}

static void plugin_exit(int s, int ret)
{
	plugin_restore_fini();
	/* the dump is complete, the tasks still frozen: now or never */
	if (s == CR_PLUGIN_STAGE__DUMP && ret == 0 && ovl_plugin.stage == s)
		plugin_dump_images();
	ovl_error_free(ovl_plugin.err);
	ovl_plugin.err = NULL;
}

CR_PLUGIN_REGISTER(PLUGIN, plugin_init, plugin_exit)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT, plugin_restore_ext_mount)
