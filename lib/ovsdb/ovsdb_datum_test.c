/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for ovsdb_types and ovsdb_datum: parsing, constraints, JSON. */
#include "check.h"
#include "ovsdb_datum.h"

#include <stdlib.h>

static void
parse_type(const char *text, struct ovsdb_type *t)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	struct ovsdb_error *e = NULL;
	CHECK(j != NULL);
	CHECK_EQ(ovsdb_type_from_json(j, t, &e), 0);
	ovsdb_error_free(e);
	json_decref(j);
}

/* Parses @value as a datum of @type; returns the error (or "ok") and the
 * round-tripped JSON in @out. */
static char *
try_datum(const char *type, const char *value, char **out)
{
	struct ovsdb_type t;
	struct ovsdb_datum d;
	struct ovsdb_error *e = NULL;
	struct ovsdb_symtab st;
	parse_type(type, &t);
	ovsdb_symtab_init(&st);
	json_t *j = json_loads(value, JSON_DECODE_ANY, NULL);
	char *res;
	*out = NULL;
	if (ovsdb_datum_from_json(&d, &t, j, &st, &e)) {
		res = xasprintf("%s: %s", e->tag, e->details);
		ovsdb_error_free(e);
	} else {
		json_t *o = ovsdb_datum_to_json(&d, &t);
		*out = ovsdb_json_text(o);
		json_decref(o);
		ovsdb_datum_destroy(&d, &t);
		res = xstrdup("ok");
	}
	json_decref(j);
	ovsdb_symtab_destroy(&st);
	ovsdb_type_destroy(&t);
	return res;
}

#define EXPECT(TYPE, VALUE, RES, OUT)                       \
	do {                                                \
		char *out_;                                 \
		char *res_ = try_datum(TYPE, VALUE, &out_); \
		CHECK_STREQ(res_, RES);                     \
		if (OUT)                                    \
			CHECK_STREQ(out_, OUT);             \
		free(res_);                                 \
		free(out_);                                 \
	} while (0)

static void
test_atoms(void)
{
	EXPECT("\"integer\"", "5", "ok", "5");
	EXPECT("\"integer\"", "\"5\"", "syntax error: expected integer", NULL);
	EXPECT("\"real\"", "5", "ok", "5.0");
	EXPECT("\"boolean\"", "true", "ok", "true");
	EXPECT("\"string\"", "5", "syntax error: expected string", NULL);
	EXPECT("\"uuid\"",
	       "[\"uuid\",\"12345678-1234-1234-1234-123456789abc\"]", "ok",
	       "[\"uuid\",\"12345678-1234-1234-1234-123456789abc\"]");
	EXPECT("\"uuid\"", "[\"uuid\",\"x\"]",
	       "syntax error: \"x\" is not a valid UUID", NULL);
}

static void
test_sets_maps(void)
{
	const char *set =
		"{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}";
	EXPECT(set, "[\"set\",[3,1,2]]", "ok", "[\"set\",[1,2,3]]");
	EXPECT(set, "7", "ok", "7");
	EXPECT(set, "[\"set\",[7]]", "ok", "7");
	EXPECT(set, "[\"set\",[1,1]]", "ovsdb error: set contains duplicate",
	       NULL);
	const char *opt = "{\"key\":\"string\",\"min\":0,\"max\":1}";
	EXPECT(opt, "[\"set\",[\"a\",\"b\"]]",
	       "syntax error: set must have 0 to 1 members but 2 are present",
	       NULL);
	const char *map = "{\"key\":\"string\",\"value\":\"string\","
			  "\"min\":0,\"max\":\"unlimited\"}";
	EXPECT(map, "[\"map\",[[\"b\",\"2\"],[\"a\",\"1\"]]]", "ok",
	       "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]");
	EXPECT(map, "[\"map\",[[\"a\",\"1\"],[\"a\",\"2\"]]]",
	       "ovsdb error: map contains duplicate key", NULL);
	EXPECT(map, "[\"set\",[]]", "syntax error: expected [\"map\", <array>]",
	       NULL);
}

static void
test_constraints(void)
{
	EXPECT("{\"key\":{\"type\":\"integer\",\"minInteger\":0,"
	       "\"maxInteger\":4095}}",
	       "5000",
	       "constraint violation: 5000 is not in the valid range "
	       "0 to 4095 (inclusive)",
	       NULL);
	EXPECT("{\"key\":{\"type\":\"integer\",\"minInteger\":1000}}", "1",
	       "constraint violation: 1 is less than minimum allowed value "
	       "1000",
	       NULL);
	EXPECT("{\"key\":{\"type\":\"integer\",\"maxInteger\":10}}", "11",
	       "constraint violation: 11 is greater than maximum allowed "
	       "value 10",
	       NULL);
	const char *en = "{\"key\":{\"type\":\"string\",\"enum\":[\"set\","
			 "[\"standalone\",\"secure\"]]}}";
	EXPECT(en, "\"secure\"", "ok", "\"secure\"");
	EXPECT(en, "\"br0\"",
	       "constraint violation: br0 is not one of the "
	       "allowed values ([secure, standalone])",
	       NULL);
	EXPECT(en, "\"a b\"",
	       "constraint violation: \"a b\" is not one of "
	       "the allowed values ([secure, standalone])",
	       NULL);
	EXPECT("{\"key\":{\"type\":\"string\",\"maxLength\":2}}", "\"abc\"",
	       "constraint violation: \"abc\" length 3 is greater than "
	       "maximum allowed length 2",
	       NULL);
}

static void
test_english(void)
{
	struct ovsdb_type t;
	char *s;
	parse_type("{\"key\":{\"type\":\"integer\"},\"min\":0,\"max\":4096}",
		   &t);
	s = ovsdb_type_to_english(&t);
	CHECK_STREQ(s, "set of up to 4096 integers");
	free(s);
	ovsdb_type_destroy(&t);
	parse_type("{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
		   "\"max\":\"unlimited\"}",
		   &t);
	s = ovsdb_type_to_english(&t);
	CHECK_STREQ(s, "map of (string, string) pairs");
	free(s);
	ovsdb_type_destroy(&t);
	parse_type("{\"key\":\"uuid\",\"min\":1,\"max\":\"unlimited\"}", &t);
	s = ovsdb_type_to_english(&t);
	CHECK_STREQ(s, "set of 1 or more uuids");
	free(s);
	ovsdb_type_destroy(&t);
}

static void
test_diff(void)
{
	struct ovsdb_type t;
	struct ovsdb_datum a, b, d;
	struct ovsdb_error *e = NULL;
	parse_type("{\"key\":\"string\",\"value\":\"integer\",\"min\":0,"
		   "\"max\":\"unlimited\"}",
		   &t);
	json_t *ja = json_loads("[\"map\",[[\"a\",1],[\"b\",2],[\"c\",3]]]", 0,
				NULL);
	json_t *jb = json_loads("[\"map\",[[\"b\",2],[\"c\",4],[\"d\",5]]]", 0,
				NULL);
	CHECK_EQ(ovsdb_datum_from_json(&a, &t, ja, NULL, &e), 0);
	CHECK_EQ(ovsdb_datum_from_json(&b, &t, jb, NULL, &e), 0);
	ovsdb_datum_diff(&d, &a, &b, &t);
	json_t *o = ovsdb_datum_to_json(&d, &t);
	char *s = ovsdb_json_text(o);
	CHECK_STREQ(s, "[\"map\",[[\"a\",1],[\"c\",4],[\"d\",5]]]");
	free(s);
	json_decref(o);
	CHECK(!ovsdb_datum_includes_all(&a, &b, &t));
	ovsdb_datum_subtract(&a, &t, &b, &t); /* removes b=2 only */
	CHECK_EQ(a.n, 2);
	ovsdb_datum_union(&a, &b, &t); /* adds b, d; keeps c=3 */
	CHECK_EQ(a.n, 4);
	CHECK_EQ(a.values[2].i, 3);
	ovsdb_datum_destroy(&a, &t);
	ovsdb_datum_destroy(&b, &t);
	ovsdb_datum_destroy(&d, &t);
	json_decref(ja);
	json_decref(jb);
	ovsdb_type_destroy(&t);
}

/* ovsdb_datum_diff(old, new) applied to old gives new, for every shape. */
static void
test_apply_diff(void)
{
	static const struct {
		const char *type, *old, *new_;
	} cases[] = {
		{ "\"integer\"", "1", "2" },
		{ "{\"key\":\"string\",\"min\":0,\"max\":1}", "[\"set\",[]]",
		  "\"x\"" },
		{ "{\"key\":\"string\",\"min\":0,\"max\":1}", "\"x\"",
		  "\"y\"" },
		{ "{\"key\":\"string\",\"min\":0,\"max\":1}", "\"x\"",
		  "[\"set\",[]]" },
		{ "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}",
		  "[\"set\",[1,3,5,7]]", "[\"set\",[2,3,7,9]]" },
		{ "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}",
		  "[\"set\",[1,2]]", "[\"set\",[]]" },
		{ "{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
		  "\"max\":\"unlimited\"}",
		  "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"],[\"c\",\"3\"]]]",
		  "[\"map\",[[\"b\",\"2\"],[\"c\",\"4\"],[\"d\",\"5\"]]]" },
		{ "{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
		  "\"max\":\"unlimited\"}",
		  "[\"map\",[]]", "[\"map\",[[\"k\",\"v\"]]]" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ovsdb_type t;
		struct ovsdb_datum old, new_, diff;
		struct ovsdb_error *e = NULL;
		json_t *jo = json_loads(cases[i].old, JSON_DECODE_ANY, NULL);
		json_t *jn = json_loads(cases[i].new_, JSON_DECODE_ANY, NULL);

		parse_type(cases[i].type, &t);
		CHECK_EQ(ovsdb_datum_from_json(&old, &t, jo, NULL, &e), 0);
		CHECK_EQ(ovsdb_datum_from_json(&new_, &t, jn, NULL, &e), 0);
		ovsdb_datum_diff(&diff, &old, &new_, &t);
		ovsdb_datum_apply_diff(&old, &diff, &t);
		if (!ovsdb_datum_equals(&old, &new_, &t))
			fprintf(stderr, "case %zu: %s -> %s\n", i, cases[i].old,
				cases[i].new_);
		CHECK(ovsdb_datum_equals(&old, &new_, &t));
		ovsdb_datum_destroy(&old, &t);
		ovsdb_datum_destroy(&new_, &t);
		ovsdb_datum_destroy(&diff, &t);
		ovsdb_type_destroy(&t);
		json_decref(jo);
		json_decref(jn);
	}
}

static void
test_uuid(void)
{
	struct ovsdb_uuid u, v;
	char buf[37];
	ovsdb_uuid_generate(&u);
	ovsdb_uuid_format(&u, buf);
	CHECK(ovsdb_uuid_from_string(buf, &v));
	CHECK(ovsdb_uuid_eq(&u, &v));
	CHECK_EQ(buf[14], '4');
	static const char fixed[] = "0123abcd-4567-89ef-fedc-ba9876543210";
	CHECK(ovsdb_uuid_from_string(fixed, &v));
	ovsdb_uuid_format(&v, buf);
	CHECK(!strcmp(buf, fixed));
	CHECK(!ovsdb_uuid_from_string("12345678-1234-1234-1234-123456789ab",
				      &v));
}

/* Empty sets and maps, and the tags, are shared values: every caller gets
 * the same text, and dropping every reference handed out leaves them
 * intact. */
static void
test_empty_shared(void)
{
	struct ovsdb_type ts, tm;
	struct ovsdb_datum d = { 0 };
	parse_type("{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}", &ts);
	parse_type("{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
		   "\"max\":\"unlimited\"}",
		   &tm);
	for (int round = 0; round < 3; round++) {
		json_t *a = ovsdb_datum_to_json(&d, &ts);
		json_t *b = ovsdb_datum_to_json(&d, &ts);
		json_t *m = ovsdb_datum_to_json(&d, &tm);
		CHECK(a == b);
		char *sa = ovsdb_json_text(a), *sm = ovsdb_json_text(m);
		CHECK_STREQ(sa, "[\"set\",[]]");
		CHECK_STREQ(sm, "[\"map\",[]]");
		free(sa);
		free(sm);
		json_decref(a);
		json_decref(b);
		json_decref(m);
	}
	/* So are the tags: two references, one "uuid". */
	union ovsdb_atom u1, u2;
	ovsdb_uuid_generate(&u1.u);
	ovsdb_uuid_generate(&u2.u);
	json_t *j1 = ovsdb_atom_to_json(&u1, OVSDB_T_UUID);
	json_t *j2 = ovsdb_atom_to_json(&u2, OVSDB_T_UUID);
	CHECK(json_array_get(j1, 0) == json_array_get(j2, 0));
	CHECK_STREQ(json_string_value(json_array_get(j1, 0)), "uuid");
	json_decref(j1);
	json_decref(j2);
	j1 = ovsdb_atom_to_json(&u1, OVSDB_T_UUID);
	CHECK_STREQ(json_string_value(json_array_get(j1, 0)), "uuid");
	json_decref(j1);
}

int
main(void)
{
	CHECK_RUN(test_atoms);
	CHECK_RUN(test_sets_maps);
	CHECK_RUN(test_constraints);
	CHECK_RUN(test_english);
	CHECK_RUN(test_diff);
	CHECK_RUN(test_apply_diff);
	CHECK_RUN(test_uuid);
	CHECK_RUN(test_empty_shared);
	CHECK_EXIT();
}
