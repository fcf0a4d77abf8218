// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One value, given as text (hex, 0x<hex>, 0s<base64>) or as bytes, decoded
 * as a layers or an origin value, saying where it is bad.  Below both of
 * its users: the loader of saved descriptors (load.c) and the checkpoint
 * record (record.c), whose "descriptor" member is such a value.  It never
 * reads past the end it is given (a fuzz target, through them).
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

/* Decode bytes as a layers or an origin value, saying where it is bad. */
int ovl_decode_bytes(const unsigned char *bytes, size_t len, bool origin,
		     struct ovl_layers **out, struct ovl_load_error *why)
{
	struct ovl_error e;
	int err = origin ? ovl_layers_decode_origin(bytes, len, out, &e) :
			   ovl_layers_decode(bytes, len, out, &e);

	if ((err == -EINVAL || err == -EPROTONOSUPPORT) && !origin) {
		why->offset = e.offset < 0 ? 0 : (size_t)e.offset;
		why->reason = e.why;	/* static: the verdict's */
	} else if (err == -EINVAL || err == -EPROTONOSUPPORT) {
		why->reason = "malformed origin value";
	}
	return err;
}

int ovl_load_value(const char *v, size_t n, enum ovl_value_kind kind,
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
		if (kind == OVL_VALUE_BY_MAGIC)
			kind = len >= 2 && bytes[1] == OVL_FB_MAGIC ?
			       OVL_VALUE_ORIGIN : OVL_VALUE_LAYERS;
		err = ovl_decode_bytes(bytes, len, kind == OVL_VALUE_ORIGIN, out, why);
	}
	free(bytes);
	return err;
}
