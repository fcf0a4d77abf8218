// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Mount option strings, split as libmount's quote-aware parser splits
 * them (mnt_optstr_next_option(); the library no longer links it): an LSM
 * prints a value that holds commas in double quotes (SELinux:
 * context="system_u:object_r:container_file_t:s0:c1,c2"), and that is one
 * option, not two.  Quotes are removed only from the value handed out,
 * which is what fsconfig(2) wants; a string written back keeps them.
 *
 * Overlayfs itself never quotes: it escapes ',' and '=' in a layer path
 * (as \054 and \075), but not '"'.  So a double quote in a layer path is
 * the container's doing and can join options (lowerdir=/a"b,upperdir=/c"d
 * would read as one lowerdir); a layer option whose value holds one is
 * refused by its users rather than guessed at.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int ovl_opt_begin(struct ovl_opt_iter *it, const char *options)
{
	size_t quotes = 0;

	memset(it, 0, sizeof(*it));
	it->copy = strdup(options ? options : "");
	it->next = it->copy;
	if (!it->copy)
		return -ENOMEM;
	/* an unclosed quote would join every option after it: refused */
	for (const char *p = it->copy; (p = strchr(p, '"')); p++)
		quotes++;
	return quotes % 2 ? -EINVAL : 0;
}

void ovl_opt_end(struct ovl_opt_iter *it)
{
	free(it->name);
	free(it->value);
	free(it->copy);
	memset(it, 0, sizeof(*it));
}

static int odigit(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

void ovl_unmangle(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && odigit(s[1]) >= 0 && odigit(s[1]) <= 3 &&
		    odigit(s[2]) >= 0 && odigit(s[3]) >= 0) {
			*out++ = (char)(odigit(s[1]) << 6 | odigit(s[2]) << 3 |
					odigit(s[3]));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

static char *piece(const char *s, size_t n, bool raw)
{
	char *copy = strndup(s, n);

	if (copy && raw)
		ovl_unmangle(copy);	/* mountinfo's octal escapes */
	return copy;
}

/*
 * The next option at *next: name (and value after the first '=' outside
 * quotes) up to a ',' outside double quotes.  1 at the end, -EINVAL for
 * an unclosed quote, else 0 and *next past the separator.
 */
static int next_option(char **next, char **name, size_t *nsz, char **value,
		       size_t *vsz)
{
	char *p = *next, *start = p, *sep = NULL;
	bool quoted = false;

	if (!*p)
		return 1;
	for (; *p && (quoted || *p != ','); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && !sep && p > start && *p == '=')
			sep = p;
	}
	if (quoted)
		return -EINVAL;
	*name = start;
	*nsz = (size_t)((sep ? sep : p) - start);
	*value = sep ? sep + 1 : NULL;
	*vsz = sep ? (size_t)(p - sep - 1) : 0;
	*next = *p ? p + 1 : p;
	return 0;
}

int ovl_opt_next(struct ovl_opt_iter *it, bool raw, char **name,
		 char **value)
{
	char *n, *v;
	size_t nsz, vsz;
	int rc;

	free(it->name);
	free(it->value);
	it->name = it->value = NULL;
	while (*it->next == ',')
		it->next++;
	if (!*it->next)
		return 0;
	rc = next_option(&it->next, &n, &nsz, &v, &vsz);
	if (rc == 1)
		return 0;
	if (rc < 0)
		return -EINVAL;		/* an unbalanced quote */
	it->quoted = v && memchr(v, '"', vsz);
	if (v && vsz >= 2 && v[0] == '"' && v[vsz - 1] == '"') {
		v++;
		vsz -= 2;
	}
	it->name = piece(n, nsz, raw);
	it->value = v ? piece(v, vsz, raw) : NULL;
	if (!it->name || (v && !it->value))
		return -ENOMEM;
	*name = it->name;
	*value = it->value;
	return 1;
}

/* The options that name layers, the one table of them.  "lowerdir" is
 * the old colon-separated list; the others name one layer each, which is
 * how the library gives them to fsconfig(). */
static const struct ovl_layer_option layer_options[] = {
	{ "upperdir",	OVL_LAYERS_UPPER,	false },
	{ "workdir",	OVL_LAYERS_WORK,		false },
	{ "lowerdir+",	OVL_LAYERS_LOWER,	false },
	{ "datadir+",	OVL_LAYERS_DATA,		false },
	{ "lowerdir",	OVL_LAYERS_LOWER,	true },
};

const struct ovl_layer_option *ovl_layer_option(const char *name)
{
	for (size_t i = 0; i < sizeof(layer_options) / sizeof(layer_options[0]); i++)
		if (!strcmp(name, layer_options[i].name))
			return &layer_options[i];
	return NULL;
}

bool ovl_is_layer_option(const char *name)
{
	return ovl_layer_option(name) != NULL;
}

const char *ovl_layer_option_key(unsigned int kind)
{
	for (size_t i = 0; i < sizeof(layer_options) / sizeof(layer_options[0]); i++)
		if (layer_options[i].kind == kind && !layer_options[i].list)
			return layer_options[i].name;
	return NULL;
}

int ovl_opt_append(struct ovl_buf *b, const char *name, const char *value)
{
	bool quote = value && strchr(value, ',');
	int err = 0;

	if (value && strchr(value, '"'))
		return -EINVAL;
	if (b->len)
		err = ovl_buf_put(b, ",", 1);
	if (!err)
		err = ovl_buf_put(b, name, strlen(name));
	if (!err && value)
		err = ovl_buf_put(b, quote ? "=\"" : "=", quote ? 2 : 1);
	if (!err && value)
		err = ovl_buf_put(b, value, strlen(value));
	if (!err && quote)
		err = ovl_buf_put(b, "\"", 1);
	return err;
}

int ovl_buf_put(struct ovl_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 512;
		unsigned char *d;

		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}
