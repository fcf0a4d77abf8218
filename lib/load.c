// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Load a descriptor saved as bytes or as text.  Accepted:
 *   - the raw value (starts 00 fc) or a raw origin value (starts 00 fb);
 *   - what getfattr(1) prints: "# file: ..." comments, blank lines and one
 *     "name=value" line, the value as 0x<hex> or 0s<base64>; the name
 *     (*.overlay.layers or *.overlay.origin) decides between a layers and
 *     an origin value;
 *   - a bare value: 0x<hex>, 0s<base64> or plain hex; its magic byte
 *     decides;
 *   - a checkpoint record (JSON, see record.c).
 * Anything else, or more than one value, is -EINVAL.  It never reads
 * past buf + len (it is a fuzz target).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * The text decoders: on failure *bad is the offset (into s) of the first
 * character that is wrong and *why says what is wrong with it.
 */
static int from_hex(const char *s, size_t n, unsigned char *out, size_t *len,
		    size_t *bad, const char **why)
{
	for (size_t i = 0; i < n; i++) {
		int v = hexval(s[i]);

		if (v < 0) {
			*bad = i;
			*why = "not a hex digit";
			return -EINVAL;
		}
		if (i % 2)
			out[i / 2] |= v;
		else
			out[i / 2] = v << 4;
	}
	if (n % 2) {
		*bad = n - 1;
		*why = "odd number of hex digits";
		return -EINVAL;
	}
	*len = n / 2;
	return 0;
}

static int from_base64(const char *s, size_t n, unsigned char *out,
		       size_t *len, size_t *bad, const char **why)
{
	unsigned int acc = 0, bits = 0;
	size_t o = 0, i, pad = 0;

	for (i = 0; i < n; i++) {
		int v;

		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad) {	/* padding only at the end */
			*bad = i - pad;
			*why = "base64 padding before the end";
			return -EINVAL;
		}
		v = b64val(s[i]);
		if (v < 0) {
			*bad = i;
			*why = "not a base64 character";
			return -EINVAL;
		}
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	/* whole quantums only, padded as getfattr (and RFC 4648) do */
	if (n % 4 || pad > 2) {
		*bad = n - pad;
		*why = n % 4 ? "base64 length is not a multiple of 4" :
			       "too much base64 padding";
		return -EINVAL;
	}
	*len = o;
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool ends_with(const char *s, const char *end, const char *suffix)
{
	size_t n = strlen(suffix);

	return (size_t)(end - s) >= n && !memcmp(end - n, suffix, n);
}

/* Decode bytes as a layers or an origin value, saying where it is bad. */
static int decode_bytes(const unsigned char *bytes, size_t len, bool origin,
			struct ovl_layers **out, struct ovl_load_error *why)
{
	int err = origin ? ovl_layers_decode_origin(bytes, len, out) :
			   ovl_layers_decode(bytes, len, out);

	if ((err == -EINVAL || err == -EPROTONOSUPPORT) && !origin)
		ovl_layers_validate(bytes, len, &why->offset, &why->reason);
	else if (err == -EINVAL || err == -EPROTONOSUPPORT)
		why->reason = "malformed origin value";
	return err;
}

/* Decode one value string (without the name).  A text error's offset is
 * into v (*text set), a descriptor error's into the decoded bytes. */
enum value_kind { VALUE_LAYERS, VALUE_ORIGIN, VALUE_BY_MAGIC };

static int load_value(const char *v, size_t n, enum value_kind kind,
		      struct ovl_layers **out, struct ovl_load_error *why,
		      bool *text)
{
	unsigned char *bytes;
	size_t len = 0, skip = 0, bad = 0;
	const char *what = NULL;
	int err;

	*text = false;
	bytes = malloc(n + 1);	/* hex gives n/2 bytes, base64 3n/4 */
	if (!bytes)
		return -ENOMEM;
	if (n >= 2 && v[0] == '0' && (v[1] == 's' || v[1] == 'S')) {
		skip = 2;
		err = from_base64(v + 2, n - 2, bytes, &len, &bad, &what);
	} else {
		if (n >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
			skip = 2;
		err = from_hex(v + skip, n - skip, bytes, &len, &bad, &what);
	}
	if (err || !len) {
		*text = true;
		why->offset = skip + bad;
		why->reason = err ? what : "empty value";
		err = -EINVAL;
	} else {
		/* no name to tell: an origin value is a bare struct ovl_fb */
		if (kind == VALUE_BY_MAGIC)
			kind = len >= 2 && bytes[1] == OVL_FB_MAGIC ?
			       VALUE_ORIGIN : VALUE_LAYERS;
		err = decode_bytes(bytes, len, kind == VALUE_ORIGIN, out, why);
	}
	free(bytes);
	return err;
}

int ovl_load_value(const char *v, size_t n, bool origin,
		   struct ovl_layers **out, struct ovl_load_error *why,
		   bool *text)
{
	return load_value(v, n, origin ? VALUE_ORIGIN : VALUE_LAYERS, out, why,
			  text);
}

static int load(const char *s, size_t len, struct ovl_layers **out,
		struct ovl_load_error *why)
{
	const char *start = s, *end, *value = NULL, *first;
	size_t value_len = 0;
	enum value_kind kind = VALUE_BY_MAGIC;
	bool text;
	int err;

	why->offset = 0;
	why->reason = NULL;
	/* raw: a version byte (not text) and a magic (never in text) */
	if (len >= 2 && (unsigned char)s[0] < 0x20 &&
	    (unsigned char)s[1] == OVL_LAYERS_MAGIC)
		return decode_bytes((const unsigned char *)s, len, false, out, why);
	if (len >= 2 && (unsigned char)s[0] < 0x20 &&
	    (unsigned char)s[1] == OVL_FB_MAGIC)
		return decode_bytes((const unsigned char *)s, len, true, out, why);
	why->reason = "neither a descriptor nor text that holds one";
	if (memchr(s, '\0', len))
		return -EINVAL;
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
				kind = VALUE_LAYERS;
			} else if (ends_with(line, eq, ".overlay.origin")) {
				kind = VALUE_ORIGIN;
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
	err = load_value(value, value_len, kind, out, why, &text);
	if (err && text)
		why->offset += value - start;
	return err;
}

OVL_EXPORT
int ovl_layers_load(const void *buf, size_t len, struct ovl_layers **out,
		    size_t *offset, const char **reason)
{
	struct ovl_load_error why = { 0, NULL };
	int err;

	if (!out || (!buf && len))
		return -EINVAL;
	err = load(buf, len, out, &why);
	if (err && offset)
		*offset = why.offset;
	if (err && reason)
		*reason = why.reason ? why.reason : ovl_layers_strerror(err);
	return err;
}
