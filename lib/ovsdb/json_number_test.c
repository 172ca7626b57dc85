/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_number_test: numbers read as Open vSwitch 3.1's ovsdb-server reads
 * them (the kinds and values below were observed on it: an integer column
 * accepts exactly the texts listed as integers).
 */
#include "json_number.h"

#include <math.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"

/* Reads [@text] and returns its only element (new reference), or NULL. */
static json_t *
read_one(const char *text)
{
	char *doc = xasprintf("[%s]", text);
	json_error_t err;
	json_t *a = json_number_loadb(doc, strlen(doc), 0, &err);
	json_t *v = a ? json_incref(json_array_get(a, 0)) : NULL;

	json_decref(a);
	free(doc);
	return v;
}

static void
is_integer(const char *text, json_int_t want)
{
	json_t *v = read_one(text);

	if (!json_is_integer(v) || json_integer_value(v) != want) {
		fprintf(stderr, "%s: not the integer %lld\n", text,
			(long long)want);
		CHECK(false);
	}
	json_decref(v);
}

static void
is_real(const char *text, double want)
{
	json_t *v = read_one(text);

	if (!json_is_real(v) || json_real_value(v) != want ||
	    signbit(json_real_value(v)) != signbit(want)) {
		fprintf(stderr, "%s: not the real %.17g\n", text, want);
		CHECK(false);
	}
	json_decref(v);
}

static void
is_refused(const char *text)
{
	json_t *v = read_one(text);

	if (v) {
		fprintf(stderr, "%s: accepted\n", text);
		CHECK(false);
	}
	json_decref(v);
}

static void
test_integral_reals_are_integers(void)
{
	is_integer("1e2", 100);
	is_integer("1E2", 100);
	is_integer("1e+2", 100);
	is_integer("100.0", 100);
	is_integer("0e0", 0);
	is_integer("-0", 0);
	is_integer("-0.0", 0);
	is_integer("0.000", 0);
	is_integer("0e-999", 0);
	is_integer("10e-1", 1);
	is_integer("12.50e1", 125);
	is_integer("-1e18", -1000000000000000000);
	is_integer("1e18", 1000000000000000000);
	is_integer("9.223372036854775807e18", INT64_MAX);
	is_integer("-9223372036854775808.0", INT64_MIN);
	/* Decided on the text, not on the double (2^53 + 1). */
	is_integer("9007199254740993.0", 9007199254740993);
	is_integer("42", 42);
}

static void
test_others_are_reals(void)
{
	is_real("1.5", 1.5);
	is_real("1e-2", 0.01);
	is_real("1e19", 1e19);
	is_real("9223372036854775808", 9223372036854775808.0);
	is_real("-9223372036854775809", -9223372036854775809.0);
	is_real("100000000000000000000000", 1e23);
	is_real("18446744073709551619", 18446744073709551619.0);
	is_real("1e-400", 0.0);
	is_real("-1e-400", 0.0); /* +0, not -0 */
	is_real("-2.5", -2.5);
}

static void
test_refused(void)
{
	is_refused("1e400");
	is_refused("-1e400");
	is_refused("1e9999999999");
	is_refused("1e-9999999999");
	is_refused("01");
	is_refused("1.");
	is_refused(".5");
	is_refused("1e");
	is_refused("-");
	is_refused("+1");
}

static void
test_strings_untouched(void)
{
	const char *text =
		"[\"1e2\",\"a\\\"1e2\",{\"100.0\":1.0e1},\"\\\\\",2e0]";
	json_error_t err;
	json_t *j = json_number_loadb(text, strlen(text), 0, &err);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	CHECK_STREQ(s, "[\"1e2\",\"a\\\"1e2\",{\"100.0\":10},\"\\\\\",2]");
	free(s);
	json_decref(j);
	/* Unterminated string, bad JSON: refused, no overrun. */
	CHECK(!json_number_loadb("[\"1e2", 5, 0, &err));
	CHECK(!json_number_loadb("[\"\\", 3, 0, &err));
	CHECK(!json_number_loadb("[1e2", 4, 0, &err));
	/* The error names the cause. */
	CHECK(!json_number_loadb("[1e9999999999]", 14, 0, &err));
	CHECK_STREQ(err.text, "exponent outside valid range");
}

/* Equal trees, numbers compared by value: a real that prints as an
 * integral number reads back as an integer, as it does in Open vSwitch. */
static bool
same_values(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_typeof(a) != json_typeof(b))
		return false;
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same_values(json_array_get(a, i),
					 json_array_get(b, i)))
				return false;
		return true;
	}
	if (json_is_object(a)) {
		const char *k;
		json_t *v;
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach((json_t *)(uintptr_t)a, k, v)
		{
			if (!json_object_get(b, k) ||
			    !same_values(v, json_object_get(b, k)))
				return false;
		}
		return true;
	}
	return json_equal(a, b);
}

/* Random texts of JSON-ish bytes, numbers and strings mixed: whatever
 * jansson accepts is accepted too (unless the exponent is out of an
 * int's range), and what is accepted reads back the same values once
 * written. */
static void
test_random_texts(void)
{
	static const char *const pieces[] = {
		"[",	     "]",
		"{",	     "}",
		",",	     ":",
		"\"",	     "\\",
		"\"k\":",    "-",
		"+",	     ".",
		"e",	     "E",
		"0",	     "1",
		"9",	     "00",
		"1e2",	     "100.0",
		"-0.0",	     "9223372036854775808",
		"1e19",	     "0.5",
		"1e-400",    "true",
		"null",	     " ",
		"\"1e2\"",   "\"\\\"1\"",
		"[1e2,2.0]", "{\"a\":1e1}",
	};
	unsigned n_accepted = 0;

	for (int i = 0; i < 50000; i++) {
		char text[256];
		size_t len = 0;
		unsigned k = 1 + check_rnd(12);
		text[len++] = '[';
		while (k-- && len < sizeof text - 40) {
			const char *p = pieces[check_rnd(ARRAY_SIZE(pieces))];
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
		}
		if (check_rnd(4))
			text[len++] = ']';
		text[len] = '\0';

		json_error_t e1, e2;
		json_t *ref = json_loadb(text, len, 0, &e1);
		json_t *got = json_number_loadb(text, len, 0, &e2);
		if (ref && !got &&
		    strcmp(e2.text, "exponent outside valid range")) {
			fprintf(stderr, "refused: %s (%s)\n", text, e2.text);
			CHECK(false);
		}
		if (got) {
			char *out = json_dumps(
				got, JSON_COMPACT | JSON_REAL_PRECISION(17));
			json_t *again =
				json_number_loadb(out, strlen(out), 0, &e1);
			if (!again || !same_values(again, got)) {
				fprintf(stderr, "not stable: %s -> %s\n", text,
					out);
				CHECK(false);
			}
			json_decref(again);
			free(out);
			n_accepted++;
		}
		json_decref(ref);
		json_decref(got);
	}
	CHECK(n_accepted > 1000);
}

int
main(void)
{
	CHECK_RUN(test_integral_reals_are_integers);
	CHECK_RUN(test_others_are_reals);
	CHECK_RUN(test_refused);
	CHECK_RUN(test_strings_untouched);
	CHECK_RUN(test_random_texts);
	CHECK_EXIT();
}
