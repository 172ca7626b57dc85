/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the command-line value syntax (ovsdb_datum_string) and
 * the list/table/csv/json output formats (dbctl_fmt).
 */
#include <stdlib.h>

#include "check.h"
#include "dbctl_fmt.h"
#include "ovsdb_datum_string.h"
#include "ovsdb_schema.h"

static struct ovsdb_schema *schema;

static const char schema_json[] =
	"{\"name\":\"T\",\"version\":\"1.0.0\",\"tables\":{\"P\":{\"columns\":{"
	"\"name\":{\"type\":\"string\"},"
	"\"tag\":{\"type\":{\"key\":{\"type\":\"integer\",\"minInteger\":0,"
	"\"maxInteger\":4095},\"min\":0,\"max\":1}},"
	"\"trunks\":{\"type\":{\"key\":\"integer\",\"min\":0,"
	"\"max\":\"unlimited\"}},"
	"\"mode\":{\"type\":{\"key\":{\"type\":\"string\",\"enum\":[\"set\","
	"[\"a\",\"b\"]]},\"min\":0,\"max\":1}},"
	"\"flag\":{\"type\":\"boolean\"},"
	"\"ids\":{\"type\":{\"key\":\"string\",\"value\":\"string\","
	"\"min\":0,\"max\":\"unlimited\"}}}}}}";

static const struct ovsdb_type *
col(const char *name)
{
	const struct ovsdb_table_schema *t =
		ovsdb_schema_find_table(schema, "P");
	return &ovsdb_table_find_column(t, name)->type;
}

/* Parses @in for column @c and returns its string form or the error. */
static char *
roundtrip(const char *c, const char *in)
{
	struct ovsdb_datum d;
	char *err = NULL;
	struct ds out = DS_EMPTY;

	if (ovsdb_datum_from_string(&d, col(c), in, NULL, &err))
		return err;
	ovsdb_datum_to_string(&d, col(c), &out);
	ovsdb_datum_destroy(&d, col(c));
	return ds_steal(&out);
}

#define RT(c, in, want)                        \
	do {                                   \
		char *got_ = roundtrip(c, in); \
		CHECK_STREQ(got_, want);       \
		free(got_);                    \
	} while (0)

static void
test_values(void)
{
	RT("name", "br0", "br0");
	RT("name", "\"a b\"", "\"a b\"");
	RT("name", "\"say \\\"hi\\\"\"", "\"say \\\"hi\\\"\"");
	RT("tag", "10", "10");
	RT("tag", "[]", "[]");
	RT("trunks", "1,2,3", "[1, 2, 3]");
	RT("trunks", "1-4", "[1, 2, 3, 4]");
	RT("trunks", "[3 1]", "[1, 3]");
	RT("ids", "{b=2, a=1}", "{a=\"1\", b=\"2\"}");
	RT("ids", "k=\"v w\"", "{k=\"v w\"}");
	RT("flag", "true", "true");
}

static void
test_errors(void)
{
	RT("tag", "5000",
	   "constraint violation: 5000 is not in the valid "
	   "range 0 to 4095 (inclusive)");
	RT("tag", "abc", "\"abc\" is not a valid integer or range");
	RT("flag", "maybe",
	   "\"maybe\" is not a valid boolean (use \"true\" "
	   "or \"false\")");
	RT("ids", "{a=1", "{a=1: missing \"}\" at end of data");
	RT("name", "\"unterminated",
	   "\"unterminated: missing quote at end "
	   "of quoted string");
	RT("name", "tcp:1.1.1.1",
	   "tcp:1.1.1.1: unexpected \":\" parsing "
	   "string");
	RT("mode", "c",
	   "constraint violation: c is not one of the allowed "
	   "values ([a, b])");
	RT("tag", "1,2",
	   "1,2: 2 value(s) specified but the maximum number "
	   "is 1");
}

static void
test_bare(void)
{
	struct ovsdb_datum d;
	struct ds out = DS_EMPTY;
	char *err = NULL;

	CHECK(!ovsdb_datum_from_string(&d, col("ids"), "{a=\"x y\", b=c}", NULL,
				       &err));
	ovsdb_datum_to_bare(&d, col("ids"), &out);
	CHECK_STREQ(ds_cstr(&out), "a=x y b=c");
	ovsdb_datum_destroy(&d, col("ids"));
	ds_free(&out);
}

static void
test_formats(void)
{
	struct dbctl_out_table *t = dbctl_out_table_new(2);
	struct ovsdb_datum d;
	struct ds out = DS_EMPTY;
	char *err = NULL;

	dbctl_out_table_set_heading(t, 0, "name");
	dbctl_out_table_set_heading(t, 1, "trunks");
	size_t r = dbctl_out_table_add_row(t);
	ovsdb_datum_from_string(&d, col("name"), "p1", NULL, &err);
	dbctl_out_table_set_cell(t, r, 0, &d, col("name"));
	ovsdb_datum_destroy(&d, col("name"));
	ovsdb_datum_from_string(&d, col("trunks"), "1,2", NULL, &err);
	dbctl_out_table_set_cell(t, r, 1, &d, col("trunks"));
	ovsdb_datum_destroy(&d, col("trunks"));

	dbctl_out_table_print(t, &out);
	CHECK_STREQ(ds_cstr(&out), "name                : p1\n"
				   "trunks              : [1, 2]\n");
	ds_clear(&out);
	dbctl_fmt.format = DBCTL_FMT_TABLE;
	dbctl_out_table_print(t, &out);
	CHECK_STREQ(ds_cstr(&out), "name trunks\n---- ------\np1   [1, 2]\n");
	ds_clear(&out);
	dbctl_fmt.format = DBCTL_FMT_CSV;
	dbctl_out_table_print(t, &out);
	CHECK_STREQ(ds_cstr(&out), "name,trunks\np1,\"[1, 2]\"\n");
	ds_clear(&out);
	dbctl_fmt.format = DBCTL_FMT_JSON;
	dbctl_out_table_print(t, &out);
	CHECK_STREQ(ds_cstr(&out), "{\"data\":[[\"p1\",[\"set\",[1,2]]]],"
				   "\"headings\":[\"name\",\"trunks\"]}\n");
	dbctl_fmt.format = DBCTL_FMT_LIST;
	ds_free(&out);
	dbctl_out_table_free(t);
}

int
main(void)
{
	json_error_t jerr;
	json_t *j = json_loads(schema_json, 0, &jerr);
	struct ovsdb_error *e = NULL;

	if (!j || ovsdb_schema_from_json(j, &schema, &e)) {
		fprintf(stderr, "schema: %s\n", e ? e->details : jerr.text);
		return 1;
	}
	json_decref(j);
	CHECK_RUN(test_values);
	CHECK_RUN(test_errors);
	CHECK_RUN(test_bare);
	CHECK_RUN(test_formats);
	ovsdb_schema_free(schema);
	return check_failures ? 1 : 0;
}
