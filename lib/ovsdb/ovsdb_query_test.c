/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for conditions and mutations, through ovsdb_execute. */
#include "check.h"
#include "ovsdb_test_schema.h"

#include <string.h>

static struct ovsdb_db *db;

static void
test_setup(void)
{
	db = ovsdb_db_new(test_schema_parse());
	T("[{\"op\":\"insert\",\"table\":\"Root\",\"uuid\":"
	  "\"11111111-1111-4111-8111-111111111111\",\"row\":{\"n\":5,"
	  "\"r\":1.5,\"ints\":[\"set\",[1,2]],\"m\":[\"map\",[[\"a\",\"x\"]]]}}"
	  "]",
	  "[{\"uuid\":[\"uuid\",\"11111111-1111-4111-8111-111111111111\"]}]");
}

static void
test_conditions(void)
{
	static const struct {
		const char *where;
		int count;
	} cases[] = {
		{ "[[\"n\",\"==\",5]]", 1 },
		{ "[[\"n\",\"!=\",5]]", 0 },
		{ "[[\"n\",\"<\",6]]", 1 },
		{ "[[\"n\",\"<=\",4]]", 0 },
		{ "[[\"n\",\">\",4]]", 1 },
		{ "[[\"n\",\">=\",6]]", 0 },
		{ "[[\"r\",\">\",1.25]]", 1 },
		{ "[[\"b\",\"==\",false]]", 1 },
		{ "[[\"ints\",\"includes\",1]]", 1 },
		{ "[[\"ints\",\"includes\",[\"set\",[1,3]]]]", 0 },
		{ "[[\"ints\",\"excludes\",[\"set\",[3,4,5,6]]]]", 1 },
		{ "[[\"ints\",\"==\",[\"set\",[2,1]]]]", 1 },
		{ "[[\"m\",\"includes\",[\"map\",[[\"a\",\"x\"]]]]]", 1 },
		{ "[[\"m\",\"includes\",[\"map\",[[\"a\",\"y\"]]]]]", 0 },
		{ "[[\"m\",\"excludes\",[\"map\",[[\"a\",\"y\"]]]]]", 1 },
		{ "[[\"s\",\"==\",[\"set\",[]]]]", 1 },
		{ "[[\"_uuid\",\"==\",[\"uuid\","
		  "\"11111111-1111-4111-8111-111111111111\"]]]",
		  1 },
		{ "[[\"n\",\"==\",5],[\"n\",\"==\",6]]", 0 },
		{ "[]", 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *ops = xasprintf("[{\"op\":\"select\",\"table\":\"Root\","
				      "\"where\":%s,\"columns\":[\"n\"]}]",
				      cases[i].where);
		char *r = test_transact(db, ops);
		char *want =
			xasprintf(cases[i].count ? "[{\"rows\":[{\"n\":5}]}]"
						 : "[{\"rows\":[]}]");
		if (strcmp(r, want))
			fprintf(stderr, "where %s: %s\n", cases[i].where, r);
		CHECK_STREQ(r, want);
		free(ops);
		free(r);
		free(want);
	}
	T("[{\"op\":\"select\",\"table\":\"Root\",\"where\":[[\"m\",\"<\",1]]}"
	  "]",
	  "[{\"details\":\"Type mismatch: \\\"<\\\" operator may not be "
	  "applied to column m of type map of (string, string) pairs.\","
	  "\"error\":\"syntax "
	  "error\",\"syntax\":\"[\\\"m\\\",\\\"<\\\",1]\"}]");
	T("[{\"op\":\"select\",\"table\":\"Root\",\"where\":[[\"n\",\"~\",1]]}"
	  "]",
	  "[{\"details\":\"No function named ~.\","
	  "\"error\":\"unknown function\"}]");
}

static void
mutate(const char *muts, const char *expect_select, const char *cols)
{
	char *ops = xasprintf("[{\"op\":\"mutate\",\"table\":\"Root\","
			      "\"where\":[],\"mutations\":%s},"
			      "{\"op\":\"select\",\"table\":\"Root\","
			      "\"where\":[],\"columns\":%s}]",
			      muts, cols);
	char *r = test_transact(db, ops);
	CHECK_STREQ(r, expect_select);
	free(ops);
	free(r);
}

static void
test_mutations(void)
{
	mutate("[[\"n\",\"+=\",3],[\"n\",\"*=\",2],[\"n\",\"-=\",1],"
	       "[\"n\",\"/=\",5],[\"n\",\"%=\",2]]",
	       "[{\"count\":1},{\"rows\":[{\"n\":1}]}]", "[\"n\"]");
	mutate("[[\"r\",\"*=\",2]]", "[{\"count\":1},{\"rows\":[{\"r\":3.0}]}]",
	       "[\"r\"]");
	mutate("[[\"ints\",\"insert\",[\"set\",[3]]],[\"ints\",\"delete\",1]]",
	       "[{\"count\":1},{\"rows\":[{\"ints\":[\"set\",[2,3]]}]}]",
	       "[\"ints\"]");
	mutate("[[\"ints\",\"+=\",10]]",
	       "[{\"count\":1},{\"rows\":[{\"ints\":[\"set\",[12,13]]}]}]",
	       "[\"ints\"]");
	mutate("[[\"m\",\"insert\",[\"map\",[[\"a\",\"z\"],[\"b\",\"y\"]]]]]",
	       "[{\"count\":1},{\"rows\":[{\"m\":[\"map\",[[\"a\",\"x\"],"
	       "[\"b\",\"y\"]]]}]}]",
	       "[\"m\"]");
	mutate("[[\"m\",\"delete\",[\"set\",[\"a\"]]],"
	       "[\"m\",\"delete\",[\"map\",[[\"b\",\"no\"]]]]]",
	       "[{\"count\":1},{\"rows\":[{\"m\":[\"map\",[[\"b\",\"y\"]]]}]}]",
	       "[\"m\"]");
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],\"mutations\":"
	  "[[\"n\",\"/=\",0]]}]",
	  "[{\"details\":\"Division by zero.\",\"error\":\"domain error\"}]");
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],\"mutations\":"
	  "[[\"n\",\"+=\",9223372036854775807],[\"n\",\"+=\","
	  "9223372036854775807]]}]",
	  "[{\"details\":\"Result of \\\"+=\\\" operation is out of range.\","
	  "\"error\":\"range error\"}]");
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],\"mutations\":"
	  "[[\"ints\",\"*=\",0]]}]",
	  "[{\"details\":\"Result of \\\"*=\\\" operation contains "
	  "duplicates.\",\"error\":\"constraint violation\"}]");
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],\"mutations\":"
	  "[[\"ints\",\"+=\",90]]}]",
	  "[{\"details\":\"102 is greater than maximum allowed value 100\","
	  "\"error\":\"constraint violation\"}]");
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],\"mutations\":"
	  "[[\"ints\",\"insert\",[\"set\",[1,2]]]]}]",
	  "[{\"details\":\"Attempted to store 4 elements in set of up to 3 "
	  "integers.\",\"error\":\"constraint violation\"}]");
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],\"mutations\":"
	  "[[\"n\",\"insert\",1]]}]",
	  "[{\"details\":\"Type mismatch: \\\"insert\\\" operator may not be "
	  "applied to column n of type integer.\",\"error\":\"syntax error\","
	  "\"syntax\":\"[\\\"n\\\",\\\"insert\\\",1]\"}]");
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],\"mutations\":"
	  "[[\"n\",\"^=\",1]]}]",
	  "[{\"details\":\"No mutator named ^=.\",\"error\":\"unknown "
	  "mutator\"}]");
}

int
main(void)
{
	CHECK_RUN(test_setup);
	CHECK_RUN(test_conditions);
	CHECK_RUN(test_mutations);
	ovsdb_db_free(db);
	CHECK_EXIT();
}
