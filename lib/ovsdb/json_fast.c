/* SPDX-License-Identifier: Apache-2.0 */
/* json_fast: the plain-JSON reader and the compact writer (json_fast.h). */
#include "json_fast.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb_error.h" /* json_mut */

/* ---- reading ---- */

struct reader {
	const char *p, *end;
};

static void
skip_blank(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' ||
				 *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

/* A string of printable ASCII without escapes; *@s points into the text. */
static bool
read_plain_string(struct reader *r, const char **s, size_t *len)
{
	const char *p = ++r->p; /* past the quote */

	while (p < r->end && *p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c > 0x7e || c == '\\')
			return false;
		p++;
	}
	if (p == r->end)
		return false;
	*s = r->p;
	*len = (size_t)(p - r->p);
	r->p = p + 1;
	return true;
}

/* -?(0|[1-9][0-9]*), at most 18 digits (so it fits in 63 bits), not
 * followed by a fraction or an exponent. */
static json_t *
read_integer(struct reader *r)
{
	const char *p = r->p;
	bool neg = false;
	int64_t v = 0;
	int digits = 0;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p < r->end && *p == '0') {
		p++;
		digits = 1;
	} else {
		while (p < r->end && *p >= '0' && *p <= '9') {
			if (++digits > 18)
				return NULL;
			v = v * 10 + (*p++ - '0');
		}
	}
	if (!digits || (p < r->end && (*p == '.' || *p == 'e' || *p == 'E' ||
				       (*p >= '0' && *p <= '9'))))
		return NULL;
	r->p = p;
	return json_integer(neg ? -v : v);
}

static json_t *
read_word(struct reader *r, const char *w, size_t n, json_t *value)
{
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return NULL;
	r->p += n;
	return value;
}

static json_t *read_value(struct reader *r, int depth);

static json_t *
read_array(struct reader *r, int depth)
{
	json_t *a = json_array();

	r->p++;
	skip_blank(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return a;
	}
	for (;;) {
		json_t *v = read_value(r, depth);
		if (!v || json_array_append_new(a, v))
			break;
		skip_blank(r);
		if (r->p == r->end)
			break;
		if (*r->p == ']') {
			r->p++;
			return a;
		}
		if (*r->p++ != ',')
			break;
	}
	json_decref(a);
	return NULL;
}

static json_t *
read_object(struct reader *r, int depth)
{
	json_t *o = json_object();

	r->p++;
	skip_blank(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return o;
	}
	for (;;) {
		const char *key;
		size_t klen;
		json_t *v;

		skip_blank(r);
		if (r->p == r->end || *r->p != '"' ||
		    !read_plain_string(r, &key, &klen))
			break;
		skip_blank(r);
		if (r->p == r->end || *r->p++ != ':')
			break;
		v = read_value(r, depth);
		/* A later duplicate replaces the earlier value, as in jansson
		 * without JSON_REJECT_DUPLICATES. */
		if (!v || json_object_setn_new_nocheck(o, key, klen, v))
			break;
		skip_blank(r);
		if (r->p == r->end)
			break;
		if (*r->p == '}') {
			r->p++;
			return o;
		}
		if (*r->p++ != ',')
			break;
	}
	json_decref(o);
	return NULL;
}

static json_t *
read_value(struct reader *r, int depth)
{
	const char *s;
	size_t n;

	skip_blank(r);
	if (r->p == r->end)
		return NULL;
	switch (*r->p) {
	case '{':
		return depth < JSON_FAST_DEPTH ? read_object(r, depth + 1) : NULL;
	case '[':
		return depth < JSON_FAST_DEPTH ? read_array(r, depth + 1) : NULL;
	case '"':
		if (!read_plain_string(r, &s, &n))
			return NULL;
		return json_stringn_nocheck(s, n);
	case 't':
		return read_word(r, "true", 4, json_true());
	case 'f':
		return read_word(r, "false", 5, json_false());
	case 'n':
		return read_word(r, "null", 4, json_null());
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
			return read_integer(r);
		return NULL;
	}
}

json_t *
json_fast_parse(const char *text, size_t len)
{
	struct reader r = { text, text + len };
	json_t *j;

	skip_blank(&r);
	if (r.p == r.end || (*r.p != '{' && *r.p != '['))
		return NULL;
	j = read_value(&r, 0);
	if (!j)
		return NULL;
	skip_blank(&r);
	if (r.p != r.end) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* ---- writing ---- */

/* What jansson writes for a value this writer leaves to it (reals, strings
 * with bytes outside ASCII). */
static int
dump_by_jansson(const json_t *j, struct ds *out)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY |
				   JSON_REAL_PRECISION(17));
	if (!s)
		return -EINVAL;
	ds_put(out, s);
	free(s);
	return 0;
}

static int
dump_string(const char *s, size_t n, const json_t *j, struct ds *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return j ? dump_by_jansson(j, out) : -EAGAIN;
	ds_put_char(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7] = "\\u00";
		const char *e = NULL;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		ds_put_len(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			esc[6] = '\0';
			e = esc;
		}
		ds_put(out, e);
	}
	ds_put_len(out, s + run, n - run);
	ds_put_char(out, '"');
	return 0;
}

static void
dump_integer(json_int_t v, struct ds *out)
{
	char buf[24], *p = buf + sizeof buf;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	ds_put_len(out, p, (size_t)(buf + sizeof buf - p));
}

int
json_fast_dump(const json_t *j, struct ds *out)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		size_t klen;
		json_t *v;
		bool first = true;

		ds_put_char(out, '{');
		json_object_keylen_foreach (json_mut(j), key, klen, v) {
			if (!first)
				ds_put_char(out, ',');
			first = false;
			int r = dump_string(key, klen, NULL, out);
			if (r == -EAGAIN) {
				json_t *k = json_stringn(key, klen);
				r = k ? dump_by_jansson(k, out) : -EINVAL;
				json_decref(k);
			}
			if (r)
				return r;
			ds_put_char(out, ':');
			if ((r = json_fast_dump(v, out)))
				return r;
		}
		ds_put_char(out, '}');
		return 0;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(j);

		ds_put_char(out, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				ds_put_char(out, ',');
			int r = json_fast_dump(json_array_get(j, i), out);
			if (r)
				return r;
		}
		ds_put_char(out, ']');
		return 0;
	}
	case JSON_STRING:
		return dump_string(json_string_value(j), json_string_length(j),
				   j, out);
	case JSON_INTEGER:
		dump_integer(json_integer_value(j), out);
		return 0;
	case JSON_TRUE:
		ds_put(out, "true");
		return 0;
	case JSON_FALSE:
		ds_put(out, "false");
		return 0;
	case JSON_NULL:
		ds_put(out, "null");
		return 0;
	default: /* JSON_REAL */
		return dump_by_jansson(j, out);
	}
}
