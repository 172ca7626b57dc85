/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_fast_test: json_fast against jansson itself.  Every text, written
 * by hand or generated (and then mangled), is read by both: where the fast
 * reader answers, jansson must accept the text and build the same tree, in
 * the same key order; plain texts must be answered.  Every tree is written
 * by both, byte for byte the same.
 */
#include "json_fast.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static unsigned long n_fast, n_fallback;

static char *
dump_ref(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY |
				     JSON_REAL_PRECISION(17));
}

/* Reads @text both ways; returns whether the fast reader answered. */
static bool
check_text(const char *text, size_t len)
{
	json_error_t err;
	json_t *fast = json_fast_parse(text, len);
	json_t *ref = json_loadb(text, len, 0, &err);

	if (fast) {
		n_fast++;
		CHECK(ref != NULL);
		if (ref) {
			char *a = dump_ref(fast), *b = dump_ref(ref);
			CHECK(json_equal(fast, ref));
			CHECK_STREQ(a, b); /* same key order too */
			free(a);
			free(b);
		}
	} else {
		n_fallback++;
	}
	json_decref(fast);
	json_decref(ref);
	return fast != NULL;
}

static void
check_dump(const json_t *j)
{
	struct ds out = DS_EMPTY;
	char *ref = dump_ref(j);
	int r = json_fast_dump(j, &out);

	CHECK_EQ(r, ref ? 0 : -EINVAL);
	if (ref && !r)
		CHECK_STREQ(ds_cstr(&out), ref);
	free(ref);
	ds_free(&out);
}

static const char *plain[] = {
	"{}",
	"[]",
	" { } ",
	"\n[\t]\r\n",
	"{\"id\":1,\"method\":\"transact\",\"params\":[\"Bench\",{\"op\":"
	"\"insert\",\"table\":\"Item\",\"row\":{\"name\":\"c0-1\",\"n\":1}},"
	"{\"op\":\"mutate\",\"table\":\"Counter\",\"where\":[],\"mutations\":"
	"[[\"n\",\"+=\",1]]}]}",
	"[0,-0,1,-1,123456789012345678,-123456789012345678]",
	"[true,false,null,\"\",\" ~!#$%&'()*+,-./:;<=>?@[]^_`{|}\"]",
	"{\"a\":1,\"a\":2}",
	"{\"b\":1,\"a\":2,\"b\":3}",
	"[[[[[[[[[[]]]]]]]]]]",
	"{\"x\":{\"y\":{\"z\":[{}]}}}",
	" [ 1 , 2 ] ",
	"{ \"k\" : \"v\" }",
};

static const char *other[] = {
	"",
	" ",
	"1",
	"\"s\"",
	"true",
	"null",
	"[",
	"]",
	"{",
	"}",
	"[1,]",
	"[,1]",
	"{\"a\"}",
	"{\"a\":}",
	"{\"a\" 1}",
	"{a:1}",
	"{\"a\":1,}",
	"[01]",
	"[-]",
	"[-01]",
	"[1.5]",
	"[1e3]",
	"[1E3]",
	"[-0.0]",
	"[1.]",
	"[.5]",
	"[+1]",
	"[1234567890123456789]",
	"[9223372036854775807]",
	"[9223372036854775808]",
	"[-9223372036854775808]",
	"[-9223372036854775809]",
	"[\"a\\nb\"]",
	"[\"\\u0041\"]",
	"[\"\\u0000\"]",
	"[\"\\ud83d\\ude00\"]",
	"[\"\\ud83d\"]",
	"[\"caf\xc3\xa9\"]",
	"[\"\xc3\"]",
	"[\"\xed\xa0\x80\"]",
	"[\"\x7f\"]",
	"[\"\x01\"]",
	"[\"tab\there\"]",
	"[tru]",
	"[nul]",
	"[truex]",
	"[1]x",
	"[1] [2]",
	"{\"a\":1}}",
	"[1]\0",
	"[\"a\0b\"]",
	"{\"k\\u00e9\":1}",
	"{\"\":1}",
	"[1 2]",
	"[\"a\" \"b\"]",
	"{\"a\":1 \"b\":2}",
	"[1,\n2]",
	"[NaN]",
	"[Infinity]",
	"[-]",
	"[0x10]",
	"[ 1 ]\n\n ",
};

static void
test_hand_written(void)
{
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		CHECK(check_text(plain[i], strlen(plain[i])));
	for (size_t i = 0; i < sizeof other / sizeof *other; i++)
		check_text(other[i], strlen(other[i]));
	/* Embedded NULs: lengths given explicitly. */
	check_text("[1]\0", 4);
	check_text("[\"a\0b\"]", 7);
	/* Deeper than the fast reader goes: jansson decides. */
	char deep[2 * 300 + 1];
	memset(deep, '[', 300);
	memset(deep + 300, ']', 300);
	CHECK(!check_text(deep, 600));
	CHECK(check_text(deep + 300 - 100, 200));
}

/* ---- generated values ---- */

static json_t *
gen_string(bool plain_only)
{
	static const char *pieces[] = {
		"a",
		"Z",
		"0",
		" ",
		"-",
		"_",
		"uuid",
		"named-uuid",
		"{",
		"]",
		":",
		",",
		"\"",
		"\\",
		"/",
		"\n",
		"\t",
		"\b",
		"\f",
		"\r",
		"\x01",
		"\x1f",
		"\x7f",
		"\xc3\xa9",
		"\xe2\x82\xac",
		"\xf0\x9f\x98\x80",
	};
	char buf[64] = "";
	unsigned n = check_rnd(6);
	size_t lim = plain_only ? 12 : sizeof pieces / sizeof *pieces;

	for (unsigned i = 0; i < n; i++)
		strcat(buf, pieces[check_rnd(lim)]);
	return json_string(buf);
}

static json_t *
gen_value(int depth, bool plain_only)
{
	static const json_int_t ints[] = {
		0,
		1,
		-1,
		42,
		999999999999999999,
		-999999999999999999,
		INT64_MAX,
		INT64_MIN,
		1000000000000000000,
	};
	unsigned kind = check_rnd(depth > 4 ? 6 : 9);

	switch (kind) {
	case 0:
		return gen_string(plain_only);
	case 1:
		return json_integer(ints[check_rnd(plain_only ? 6 : 9)]);
	case 2:
		return json_integer((json_int_t)check_rnd(100000) - 50000);
	case 3:
		return json_true();
	case 4:
		return json_null();
	case 5:
		if (plain_only)
			return json_false();
		return json_real((double)check_rnd(1000000) /
				 (check_rnd(7) + 1) *
				 (check_rnd(2) ? 1e-300 : 1e10));
	case 6:
	case 7: {
		json_t *a = json_array();
		for (unsigned i = check_rnd(5); i; i--)
			json_array_append_new(a,
					      gen_value(depth + 1, plain_only));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (unsigned i = check_rnd(5); i; i--) {
			json_t *k = gen_string(plain_only);
			json_object_set_new(o, json_string_value(k),
					    gen_value(depth + 1, plain_only));
			json_decref(k);
		}
		return o;
	}
	}
}

static void
test_generated(void)
{
	for (int i = 0; i < 20000; i++) {
		bool plain_only = check_rnd(2);
		json_t *v = json_array();
		json_array_append_new(v, gen_value(0, plain_only));
		char *text = json_dumps(v, check_rnd(2) ? JSON_COMPACT
							: JSON_INDENT(1));

		check_dump(v);
		if (text) {
			size_t len = strlen(text);
			bool fast = check_text(text, len);
			/* jansson writes a plain tree as plain text. */
			if (plain_only)
				CHECK(fast);
			/* Mangled: a byte replaced, dropped or doubled. */
			for (int m = 0; m < 4 && len > 1; m++) {
				char *t = strdup(text);
				size_t at = check_rnd((unsigned)len);
				size_t tl = len;
				switch (check_rnd(3)) {
				case 0:
					t[at] = "[]{}\",:0-9e. \\xtfn\x80"
						[check_rnd(20)];
					break;
				case 1:
					memmove(t + at, t + at + 1, len - at);
					tl--;
					break;
				default:
					t = realloc(t, len + 2);
					memmove(t + at + 1, t + at,
						len - at + 1);
					tl++;
				}
				check_text(t, tl);
				free(t);
			}
		}
		free(text);
		json_decref(v);
	}
}

static void
test_dump_edges(void)
{
	json_t *j = json_pack("{s:s,s:[I,I,f,f,b,n],s:{}}", "k\xc3\xa9y",
			      "v\x01\x1f\"\\/", "n", (json_int_t)INT64_MIN,
			      (json_int_t)INT64_MAX, 0.1, 1e300, 1, "e");
	check_dump(j);
	json_decref(j);
	j = json_stringn_nocheck("\xff", 1); /* not UTF-8: both refuse */
	check_dump(j);
	json_decref(j);
}

int
main(void)
{
	CHECK_RUN(test_hand_written);
	CHECK_RUN(test_generated);
	CHECK_RUN(test_dump_edges);
	printf("fast %lu, left to jansson %lu\n", n_fast, n_fallback);
	CHECK(n_fast > 10000 && n_fallback > 10000);
	CHECK_EXIT();
}
