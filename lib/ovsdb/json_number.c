/* SPDX-License-Identifier: Apache-2.0 */
/* json_number: Open vSwitch's number rules over jansson (json_number.h). */
#include "json_number.h"

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum num_fix {
	NUM_KEEP,      /* jansson reads it as Open vSwitch does (or refuses) */
	NUM_INTEGER,   /* write the integer value instead */
	NUM_REAL,      /* an integer literal beyond 64 bits: make it a real */
	NUM_PLUS_ZERO, /* a real that reads as -0: write 0.0 */
	NUM_BAD_EXPONENT,
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_number_char(char c)
{
	return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' ||
	       c == 'E';
}

/* Appends decimal digit @d to the significand *@sig, unless it would
 * overflow: then false. */
static bool
push_digit(unsigned long long *sig, char d)
{
	unsigned v = (unsigned)(d - '0');

	if (*sig > (ULLONG_MAX - v) / 10)
		return false;
	*sig = *sig * 10 + v;
	return true;
}

/* Classifies the number token [@p, @end) as Open vSwitch's lexer does;
 * for NUM_INTEGER stores the value in *@val.  Tokens that are not JSON
 * numbers are left to jansson (NUM_KEEP). */
static enum num_fix
classify(const char *p, const char *end, int64_t *val)
{
	const char *start = p;
	unsigned long long sig = 0;
	bool neg = false, imprecise = false, literal = true;
	int pow10 = 0;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end || !is_digit(*p))
		return NUM_KEEP;
	if (*p == '0') {
		if (++p < end && is_digit(*p))
			return NUM_KEEP; /* leading zero */
	} else {
		for (; p < end && is_digit(*p); p++)
			if (!push_digit(&sig, *p)) {
				pow10++;
				imprecise |= *p != '0';
			}
	}
	if (p < end && *p == '.') {
		literal = false;
		if (++p == end || !is_digit(*p))
			return NUM_KEEP;
		for (; p < end && is_digit(*p); p++) {
			if (push_digit(&sig, *p))
				pow10--;
			else
				imprecise |= *p != '0';
		}
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		bool neg_exp = false;
		int e = 0;

		literal = false;
		if (++p < end && (*p == '+' || *p == '-'))
			neg_exp = *p++ == '-';
		if (p == end || !is_digit(*p))
			return NUM_KEEP;
		for (; p < end && is_digit(*p); p++) {
			if (e >= INT_MAX / 10)
				return NUM_BAD_EXPONENT;
			e = e * 10 + (*p - '0');
		}
		if (neg_exp ? pow10 < INT_MIN + e : pow10 > INT_MAX - e)
			return NUM_BAD_EXPONENT;
		pow10 += neg_exp ? -e : e;
	}
	if (p != end)
		return NUM_KEEP;
	if (!sig) {
		*val = 0;
		return literal ? NUM_KEEP : NUM_INTEGER;
	}
	if (!imprecise) {
		while (pow10 > 0 && sig < ULLONG_MAX / 10) {
			sig *= 10;
			pow10--;
		}
		while (pow10 < 0 && sig % 10 == 0) {
			sig /= 10;
			pow10++;
		}
		if (!pow10 && sig <= (unsigned long long)INT64_MAX + neg) {
			*val = neg ? (int64_t)(0 - sig) : (int64_t)sig;
			return literal ? NUM_KEEP : NUM_INTEGER;
		}
	}
	if (literal)
		return NUM_REAL;
	if (neg) {
		/* The token alone: it ends at @end, not at a NUL. */
		char *s = xstrndup(start, (size_t)(end - start));
		bool zero = strtod(s, NULL) == 0;
		free(s);
		if (zero)
			return NUM_PLUS_ZERO;
	}
	return NUM_KEEP;
}

json_t *
json_number_loadb(const char *text, size_t len, size_t flags, json_error_t *err)
{
	const char *p = text, *end = text + len, *copied = text;
	struct ds out = DS_EMPTY;
	bool rewritten = false;

	while (p < end) {
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\' && p + 1 < end)
					p++;
			if (p < end)
				p++;
			continue;
		}
		if (*p != '-' && !is_digit(*p)) {
			p++;
			continue;
		}
		const char *t = p;
		int64_t v;
		while (p < end && is_number_char(*p))
			p++;
		enum num_fix fix = classify(t, p, &v);
		if (fix == NUM_KEEP)
			continue;
		if (fix == NUM_BAD_EXPONENT) {
			memset(err, 0, sizeof *err);
			snprintf(err->text, sizeof err->text,
				 "exponent outside valid range");
			err->position = (int)(t - text);
			ds_free(&out);
			return NULL;
		}
		ds_put_len(&out, copied, (size_t)(t - copied));
		if (fix == NUM_INTEGER)
			ds_printf(&out, "%" PRId64, v);
		else if (fix == NUM_REAL)
			ds_printf(&out, "%.*s.0", (int)(p - t), t);
		else
			ds_put(&out, "0.0");
		copied = p;
		rewritten = true;
	}
	if (!rewritten)
		return json_loadb(text, len, flags, err);
	ds_put_len(&out, copied, (size_t)(end - copied));
	json_t *j = json_loadb(out.s, out.len, flags, err);
	ds_free(&out);
	return j;
}
