/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_fast: jansson trees read from and written to text without jansson's
 * stream machinery, for the messages a server handles by the thousand.
 *
 * json_fast_parse() reads only the plain subset of JSON: strings of
 * printable ASCII without escapes, integers of at most 18 digits, true,
 * false, null, arrays and objects, nested at most JSON_FAST_DEPTH deep,
 * an object or an array at the top.  Anything else (an escape, a byte
 * outside printable ASCII, a real, a syntax error) makes it return NULL,
 * and the caller then parses the text with json_loadb(), which decides:
 * so a text is accepted exactly when jansson accepts it, and the tree is
 * the one jansson would build.
 *
 * json_fast_dump() writes what json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY
 * | JSON_REAL_PRECISION(17)) writes, byte for byte.
 */
#ifndef MICROVS_JSON_FAST_H
#define MICROVS_JSON_FAST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define JSON_FAST_DEPTH 128

/* A cursor over JSON text, for the readers of its plain subset (this one,
 * and dbctl's reader of select replies).  Each json_scan_* call skips
 * white space first; on false the cursor has not moved past the value. */
struct json_scan {
	const char *p, *end;
};

void json_scan_blank(struct json_scan *r);
/* A string of printable ASCII without escapes; *@s points into the text. */
bool json_scan_plain_string(struct json_scan *r, const char **s, size_t *len);
/* -?(0|[1-9][0-9]*) of at most 18 digits (it cannot overflow), not
 * followed by a fraction or an exponent. */
bool json_scan_int(struct json_scan *r, int64_t *v);
/* The literal @w ("true", "false", "null"). */
bool json_scan_word(struct json_scan *r, const char *w);

json_t *json_fast_parse(const char *text, size_t len);

/* Appends @j to @out; 0, or -EINVAL where jansson would fail too (a string
 * that is not UTF-8, a real that is not finite); @out may then hold part of
 * the text. */
int json_fast_dump(const json_t *j, struct ds *out);

/* Appends @s (@n bytes of valid UTF-8, which the caller vouches for) as
 * a JSON string, byte for byte as json_dumps() writes it: bytes outside
 * ASCII as they are, the escapes above.  For values already checked
 * (stored OVSDB strings); never fails. */
void json_fast_put_string(struct ds *out, const char *s, size_t n);
/* Appends @v as json_dumps() writes an integer. */
void json_fast_put_integer(struct ds *out, int64_t v);

#endif
