/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the library shares with its tools: compiled into the library (and
 * so into the CRIU plugin, which carries it) and into ovl-layers, which
 * links the shared library and cannot reach its hidden symbols.  Nothing
 * here needs the library's internals, so that the tool can build it alone.
 */
#ifndef OVL_COMMON_H
#define OVL_COMMON_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Text from a container (a mount point, a layer path, a mount option),
 * made safe for a log line or a terminal: every byte that a terminal or a
 * log reader could act on is written as \xHH (lower-case hex), and a
 * backslash as \\, so that the result is one line of printable text that
 * says which bytes were there.  Escaped: the C0 controls (0x00-0x1f: ESC
 * starts a sequence that retitles the terminal, a newline or CR forges a
 * line), DEL, the C1 controls U+0080-U+009F (0x9b is CSI to a terminal in
 * 8-bit mode), and every byte that is not part of a well-formed UTF-8
 * sequence (overlong forms and surrogates included), each byte on its own.
 * Printable UTF-8 is kept as it is: a name in another script stays
 * readable.
 *
 * Writes at most size bytes of the escaped text into out, always
 * NUL-terminated when size is not 0, never an escape cut in half; returns
 * the length the whole escaped text has (not counting the NUL), as
 * snprintf(3) does, so that ovl_escape(NULL, 0, s) + 1 is the size to
 * allocate.
 */
size_t ovl_escape(char *out, size_t size, const char *s);
/* The same, malloc'd; NULL when out of memory. */
char *ovl_escape_dup(const char *s);

/*
 * The thread group of task tid, from /proc/<tid>/status (found by lookup
 * for any thread, though /proc lists leaders only): 1 with *tgid set when
 * tid is a thread that is not its group's leader, 0 when it is a leader,
 * -ESRCH when there is no such task, -EIO when /proc is not procfs or its
 * answer not what the kernel writes, or another -errno.
 */
int ovl_task_tgid(pid_t tid, pid_t *tgid);

#endif
