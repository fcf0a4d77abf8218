// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Load a descriptor saved as bytes or as text.  Accepted:
 *   - the raw value: format 0 or 1 (starts 00 fc or 01 fc), format 2
 *     (binary: its header's size and length hold zero bytes, which text
 *     never does), or a raw origin value (starts 00 fb);
 *   - what getfattr(1) prints: "# file: ..." comments, blank lines and one
 *     "name=value" line, the value as 0x<hex> or 0s<base64>; the name
 *     (*.overlay.layers or *.overlay.origin) decides between a layers and
 *     an origin value;
 *   - a bare value: 0x<hex>, 0s<base64> or plain hex; its magic byte
 *     decides;
 *   - a checkpoint record (JSON, see record.c).
 * Anything else, or more than one value, is -EINVAL.  It never reads
 * past buf + len (it is a fuzz target).  The value itself is decoded by
 * value.c, the record by record.c; neither calls back here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool ends_with(const char *s, const char *end, const char *suffix)
{
	size_t n = strlen(suffix);

	return (size_t)(end - s) >= n && !memcmp(end - n, suffix, n);
}

static int load(const char *s, size_t len, struct ovl_layers **out,
		struct ovl_load_error *why)
{
	const char *start = s, *end, *value = NULL, *first;
	size_t value_len = 0;
	enum ovl_value_kind kind = OVL_VALUE_BY_MAGIC;
	bool text;
	int err;

	why->offset = 0;
	why->reason = NULL;
	/* raw: a version byte (not text) and a magic (never in text) */
	if (len >= 2 && (unsigned char)s[0] < 0x20 &&
	    (unsigned char)s[1] == OVL_LAYERS_MAGIC)
		return ovl_decode_bytes((const unsigned char *)s, len, false, out, why);
	if (len >= 2 && (unsigned char)s[0] < 0x20 &&
	    (unsigned char)s[1] == OVL_FB_MAGIC)
		return ovl_decode_bytes((const unsigned char *)s, len, true, out, why);
	/* any other bytes with a NUL: a format 2 value, or nothing (its
	 * verdict says what is wrong with it as one) */
	if (memchr(s, '\0', len))
		return ovl_decode_bytes((const unsigned char *)s, len, false, out, why);
	why->reason = "neither a descriptor nor text that holds one";
	for (first = s; first < s + len && is_space(*first); first++)
		;
	if (first < s + len && *first == '{')
		return ovl_record_load(s, len, out, why);

	end = s + len;
	while (s < end) {
		const char *eol = memchr(s, '\n', end - s);
		const char *line = s, *le = eol ? eol : end, *eq;

		s = eol ? eol + 1 : end;
		while (line < le && is_space(*line))
			line++;
		while (le > line && is_space(le[-1]))
			le--;
		if (line == le || *line == '#')
			continue;
		if (value) {
			why->offset = line - start;
			why->reason = "more than one value";
			return -EINVAL;
		}
		/* a bare base64 value may end in '=' padding: no name there
		 * (an xattr name starts with its namespace, never with 0s) */
		if (le - line >= 2 && line[0] == '0' &&
		    (line[1] == 's' || line[1] == 'S'))
			eq = NULL;
		else
			eq = memchr(line, '=', le - line);
		if (eq) {
			/* trusted.overlay.* or user.overlay.* (userxattr) */
			if (ends_with(line, eq, ".overlay.layers")) {
				kind = OVL_VALUE_LAYERS;
			} else if (ends_with(line, eq, ".overlay.origin")) {
				kind = OVL_VALUE_ORIGIN;
			} else {
				why->offset = line - start;
				why->reason = "not an overlay layers or origin xattr";
				return -EINVAL;
			}
			line = eq + 1;
		}
		if (line < le && *line == '"') {
			why->offset = line - start;
			why->reason = "getfattr -e text output is not binary-safe: use -e hex";
			return -EINVAL;
		}
		value = line;
		value_len = le - line;
	}
	if (!value || !value_len) {
		why->reason = "no value found";
		return -EINVAL;
	}
	err = ovl_load_value(value, value_len, kind, out, why, &text);
	if (err && text)
		why->offset += value - start;
	return err;
}

OVL_EXPORT
int ovl_layers_load(const void *buf, size_t len, struct ovl_layers **out,
		    struct ovl_error *err)
{
	struct ovl_load_error why = { 0, NULL };
	int ret;

	if (!out || (!buf && len))
		return ovl_seterr(err, -EINVAL, "bad argument");
	ret = load(buf, len, out, &why);
	return ovl_seterr_at(err, ret, why.reason, -1, ret ? (int64_t)why.offset : -1);
}
