// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The checkpoint record of one overlay: what a checkpoint must keep to
 * mount the overlay again elsewhere.  A small JSON object:
 *
 *   {
 *     "format": "libovllayers-checkpoint",
 *     "version": 1,
 *     "source": "xattr",              where the descriptor came from
 *                                     ("statmount", "mountinfo")
 *     "options": "redirect_dir=on",   the overlay's other mount options
 *     "descriptor": "00fc0400..."     the layers xattr value, hex
 *   }
 *
 * Unknown members are ignored (a newer writer may add some); a record
 * whose "version" is newer than this library's is refused with
 * -EPROTONOSUPPORT, a missing or malformed member is -EINVAL, and so is
 * anything after the object (a second record, say): one file, one record.
 * "source" is kept: a descriptor derived from mountinfo stays marked so
 * after a save and a load.  The layer paths are deliberately absent: they
 * are what goes stale.  It is written as json-c writes it, without json-c
 * (ovl_json_out, json.h); json-c is loaded to read one, on first use
 * (json.h): -ELIBACC when it cannot be.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define RECORD_FORMAT	"libovllayers-checkpoint"
#define RECORD_VERSION	1
/* The largest value, in hex, with room to spare: format 2 with 502 fs
 * and layer entries (48 bytes each), 128-byte handles and paths of
 * PATH_MAX, about 2.2 MB (4.4 MB of hex); json-c takes an int length */
#define RECORD_MAX	(8u << 20)

int ovl_record_write(struct ovl_json_out *w, const char *key,
		     const struct ovl_layers *layers)
{
	if (!layers || layers->source == OVL_SOURCE_ORIGIN)
		return -EINVAL;
	ovl_json_out_begin(w, key, '{');
	ovl_json_out_string(w, "format", RECORD_FORMAT);
	ovl_json_out_int(w, "version", RECORD_VERSION);
	ovl_json_out_string(w, "source", ovl_layers_source_name(layers->source));
	ovl_json_out_string(w, "options", layers->mount_options ?
			    layers->mount_options : "");
	ovl_json_out_hex(w, "descriptor", layers->raw, layers->raw_len);
	ovl_json_out_end(w);
	return w->failed ? -ENOMEM : 0;
}

/* The record as text of its own, one line feed after it. */
static int save(const struct ovl_layers *layers, char **json)
{
	struct ovl_json_out w = { 0 };
	size_t len;
	char *text;
	int err;

	if (!json)
		return -EINVAL;
	err = ovl_record_write(&w, NULL, layers);
	text = err ? NULL : ovl_json_out_text(&w, &len);
	ovl_json_out_free(&w);
	if (err)
		return err;
	*json = text ? realloc(text, len + 2) : NULL;
	if (!*json) {
		free(text);
		return -ENOMEM;
	}
	memcpy(*json + len, "\n", 2);
	return 0;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/*
 * Where the "descriptor" member's string value hex starts in the record
 * text, found as it is written: json-c does not keep offsets.  -1 when it
 * is not there as such (written with escapes).
 */
static long descriptor_offset(const char *text, size_t len, const char *hex)
{
	static const char key[] = "\"descriptor\"";
	const char *p = text, *end = text + len, *v;
	size_t n = strlen(hex);

	while ((p = memmem(p, end - p, key, sizeof(key) - 1))) {
		p += sizeof(key) - 1;
		v = skip_space(p, end);
		if (v == end || *v != ':')
			continue;
		v = skip_space(v + 1, end);
		if ((size_t)(end - v) > n + 1 && *v == '"' &&
		    !memcmp(v + 1, hex, n) && v[n + 1] == '"')
			return v + 1 - text;
	}
	return -1;
}

int ovl_record_load(const char *text, size_t len, struct ovl_layers **out,
		    struct ovl_load_error *why)
{
	struct json_object *o = NULL;
	const char *format, *options, *hex;
	bool bad_text;
	int64_t version;
	long at;
	int err = -EINVAL;

	why->offset = 0;
	why->reason = "not a libovllayers checkpoint record";
	if (len > RECORD_MAX) {
		why->offset = RECORD_MAX;
		why->reason = "record is larger than any checkpoint record";
		goto out;
	}
	switch (ovl_json_object(text, len, &o, &why->offset)) {
	case OVL_JSON_OK:
		break;
	case OVL_JSON_NOMEM:
		err = -ENOMEM;
		goto out;
	case OVL_JSON_NO_LIB:
		why->reason = "libjson-c, which reads records, cannot be loaded";
		err = -ELIBACC;
		goto out;
	case OVL_JSON_NOT_OBJECT:
		why->reason = "record is not a JSON object";
		goto out;
	case OVL_JSON_TRAILING:
		why->reason = "trailing data after the record";
		goto out;
	}
	format = ovl_json_str(o, "format");
	if (!format || strcmp(format, RECORD_FORMAT))
		goto out;
	if (!ovl_json_int(o, "version", &version)) {
		why->reason = "record has no version";
		goto out;
	}
	if (version > RECORD_VERSION || version < 1) {
		why->reason = "record version is not supported (newer than this library?)";
		err = -EPROTONOSUPPORT;
		goto out;
	}
	options = ovl_json_str(o, "options");
	hex = ovl_json_str(o, "descriptor");
	if (!options || !hex) {
		why->reason = "record lacks options or descriptor";
		goto out;
	}
	err = ovl_load_value(hex, strlen(hex), OVL_VALUE_LAYERS, out, why,
			     &bad_text);
	if (err && bad_text) {
		/* an offset into the record, not into the member's string */
		at = descriptor_offset(text, len, hex);
		why->offset = at < 0 ? 0 : why->offset + at;
	}
	if (!err) {
		const char *source = ovl_json_str(o, "source");

		if (source && !strcmp(source, "xattr"))
			(*out)->source = OVL_SOURCE_XATTR;
		else if (source && !strcmp(source, "statmount"))
			(*out)->source = OVL_SOURCE_STATMOUNT;
		else if (source && !strcmp(source, "mountinfo"))
			(*out)->source = OVL_SOURCE_MOUNTINFO;
		(*out)->mount_options = strdup(options);
		if (!(*out)->mount_options) {
			ovl_layers_free(*out);
			*out = NULL;
			err = -ENOMEM;
		}
	}
out:
	if (o)
		ovl_json()->object_put(o);
	return err;
}

OVL_EXPORT
int ovl_layers_save_checkpoint(const struct ovl_layers *layers, char **json,
			       struct ovl_error *err)
{
	int ret = save(layers, json);

	return ovl_seterr(err, ret, ret == -EINVAL ?
		       "bad argument, or an origin descriptor" : NULL);
}
