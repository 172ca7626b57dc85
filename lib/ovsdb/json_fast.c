/* SPDX-License-Identifier: Apache-2.0 */
/* json_fast: the plain-JSON reader and the compact writer (json_fast.h). */
#include "json_fast.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_pool.h"
#include "ovsdb_error.h" /* json_mut */

/* ---- reading ---- */

void
json_scan_blank(struct json_scan *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' ||
				 *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

bool
json_scan_plain_string(struct json_scan *r, const char **s, size_t *len)
{
	json_scan_blank(r);
	if (r->p == r->end || *r->p != '"')
		return false;
	const char *p = r->p + 1;
	while (p < r->end && *p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c > 0x7e || c == '\\')
			return false;
		p++;
	}
	if (p == r->end)
		return false;
	*s = r->p + 1;
	*len = (size_t)(p - *s);
	r->p = p + 1;
	return true;
}

bool
json_scan_int(struct json_scan *r, int64_t *v)
{
	json_scan_blank(r);
	const char *p = r->p;
	bool neg = false;
	int64_t x = 0;
	int digits = 0;

	if (p < r->end && *p == '-') {
		neg = true;
		p++;
	}
	if (p < r->end && *p == '0') {
		p++;
		digits = 1;
	} else {
		while (p < r->end && *p >= '0' && *p <= '9') {
			if (++digits > 18)
				return false;
			x = x * 10 + (*p++ - '0');
		}
	}
	if (!digits || (p < r->end && (*p == '.' || *p == 'e' || *p == 'E' ||
				       (*p >= '0' && *p <= '9'))))
		return false;
	r->p = p;
	*v = neg ? -x : x;
	return true;
}

bool
json_scan_word(struct json_scan *r, const char *w)
{
	size_t n = strlen(w);

	json_scan_blank(r);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return false;
	r->p += n;
	return true;
}

static json_t *read_value(struct json_scan *r, int depth);

static json_t *
read_array(struct json_scan *r, int depth)
{
	json_t *a = json_array();

	r->p++;
	json_scan_blank(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return a;
	}
	for (;;) {
		json_t *v = read_value(r, depth);
		if (!v || json_array_append_new(a, v))
			break;
		json_scan_blank(r);
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
read_object(struct json_scan *r, int depth)
{
	json_t *o = json_object();

	r->p++;
	json_scan_blank(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return o;
	}
	for (;;) {
		const char *key;
		size_t klen;
		json_t *v;

		json_scan_blank(r);
		if (!json_scan_plain_string(r, &key, &klen))
			break;
		json_scan_blank(r);
		if (r->p == r->end || *r->p++ != ':')
			break;
		v = read_value(r, depth);
		/* A later duplicate replaces the earlier value, as in jansson
		 * without JSON_REJECT_DUPLICATES. */
		if (!v || json_object_setn_new_nocheck(o, key, klen, v))
			break;
		json_scan_blank(r);
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
read_value(struct json_scan *r, int depth)
{
	const char *s;
	size_t n;
	int64_t i;

	json_scan_blank(r);
	if (r->p == r->end)
		return NULL;
	switch (*r->p) {
	case '{':
		return depth < JSON_FAST_DEPTH ? read_object(r, depth + 1)
					       : NULL;
	case '[':
		return depth < JSON_FAST_DEPTH ? read_array(r, depth + 1)
					       : NULL;
	case '"':
		if (!json_scan_plain_string(r, &s, &n))
			return NULL;
		return json_stringn_nocheck(s, n);
	case 't':
		return json_scan_word(r, "true") ? json_true() : NULL;
	case 'f':
		return json_scan_word(r, "false") ? json_false() : NULL;
	case 'n':
		return json_scan_word(r, "null") ? json_null() : NULL;
	default:
		return json_scan_int(r, &i) ? json_integer(i) : NULL;
	}
}

/* Texts from this size on are parsed into arenas of FACTOR times their
 * size (a 1,000-port add: 205 KB of text, a tree of 47,000 blocks and
 * 2.2 MB, 2.6 MB rounded to 16 bytes: one arena). */
#define JSON_FAST_ARENA_MIN (16u << 10)
#define JSON_FAST_ARENA_FACTOR 16

json_t *
json_fast_parse(const char *text, size_t len)
{
	struct json_scan r = { text, text + len };
	json_t *j;

	json_scan_blank(&r);
	if (r.p == r.end || (*r.p != '{' && *r.p != '['))
		return NULL;
	/* A big message's tree (a transaction of a thousand operations is
	 * 47,000 blocks) in arenas: built and walked in memory order,
	 * freed without a malloc call per block. */
	bool arena = len >= JSON_FAST_ARENA_MIN;
	if (arena)
		json_pool_arena_begin(JSON_FAST_ARENA_FACTOR * len);
	j = read_value(&r, 0);
	if (arena)
		json_pool_arena_end();
	if (!j)
		return NULL;
	json_scan_blank(&r);
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

void
json_fast_put_string(struct ds *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

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
		case '"':
			e = "\\\"";
			break;
		case '\\':
			e = "\\\\";
			break;
		case '\b':
			e = "\\b";
			break;
		case '\f':
			e = "\\f";
			break;
		case '\n':
			e = "\\n";
			break;
		case '\r':
			e = "\\r";
			break;
		case '\t':
			e = "\\t";
			break;
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
}

static int
dump_string(const char *s, size_t n, const json_t *j, struct ds *out)
{
	/* Bytes outside ASCII: jansson checks the UTF-8 and decides. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return j ? dump_by_jansson(j, out) : -EAGAIN;
	json_fast_put_string(out, s, n);
	return 0;
}

void
json_fast_put_integer(struct ds *out, int64_t v)
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
		json_object_keylen_foreach(json_mut(j), key, klen, v)
		{
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
		json_fast_put_integer(out, json_integer_value(j));
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
