// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * struct ovl_error: the details of a failed call (libovllayers 2.0), one
 * way for every call to say why, instead of 1.x's reason pointer on some
 * calls, offset and reason on others, and a failed-layer out-parameter.
 * The caller owns the object and passes it last; NULL is always allowed.
 * What it says is the library's static phrase, or a message it holds
 * (the kernel's fs_context message for a mount), escaped for a terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "internal.h"

OVL_EXPORT
struct ovl_error *ovl_error_new(void)
{
	struct ovl_error *err = calloc(1, sizeof(*err));

	ovl_seterr_reset(err);
	return err;
}

OVL_EXPORT
void ovl_error_free(struct ovl_error *err)
{
	free(err);
}

OVL_EXPORT
int ovl_error_code(const struct ovl_error *err)
{
	return err ? err->code : -EINVAL;
}

OVL_EXPORT
const char *ovl_error_message(const struct ovl_error *err)
{
	if (!err || !err->code)
		return NULL;
	return err->why ? err->why : ovl_layers_strerror(err->code);
}

OVL_EXPORT
int ovl_error_layer(const struct ovl_error *err)
{
	return err && err->code ? err->layer : -1;
}

OVL_EXPORT
int64_t ovl_error_offset(const struct ovl_error *err)
{
	return err && err->code ? err->offset : -1;
}

void ovl_seterr_reset(struct ovl_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->layer = -1;
	err->offset = -1;
	err->why = NULL;
	err->msg[0] = '\0';
}

int ovl_seterr_at(struct ovl_error *err, int code, const char *why, int layer,
	       int64_t offset)
{
	if (!err)
		return code;
	ovl_seterr_reset(err);
	if (code >= 0)
		return code;
	err->code = code;
	err->why = why;
	err->layer = layer;
	err->offset = offset;
	return code;
}

int ovl_seterr(struct ovl_error *err, int code, const char *why)
{
	return ovl_seterr_at(err, code, why, -1, -1);
}

int ovl_seterr_fmt(struct ovl_error *err, int code, int layer,
		const char *fmt, ...)
{
	char raw[sizeof(err->msg)];
	va_list ap;

	if (!err || code >= 0)
		return ovl_seterr(err, code, NULL);
	ovl_seterr_at(err, code, NULL, layer, -1);
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	ovl_escape(err->msg, sizeof(err->msg), raw);
	err->why = err->msg;
	return code;
}
