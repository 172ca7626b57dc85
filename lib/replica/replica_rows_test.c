/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replica_rows_test: applying update2/update3 contents to a replica's rows
 * and the change lists, without a bus: diffs of sets, maps and optional
 * values, changes that cancel out, a deleted row's last contents, a
 * reload that reports only what differs and keeps row pointers, malformed
 * updates; and the JSON the operation helpers build.
 */
#include "replica_priv.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"
#define U4 "44444444-4444-4444-8444-444444444444"

static const char schema_text[] =
	"{\"name\":\"T\",\"version\":\"1.0.0\",\"tables\":{\"A\":{"
	"\"isRoot\":true,\"columns\":{"
	"\"name\":{\"type\":\"string\"},"
	"\"s\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":"
	"\"unlimited\"}},"
	"\"m\":{\"type\":{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
	"\"max\":\"unlimited\"}},"
	"\"o\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":1}}}}}}";

static struct ovsdb_db *db;
static struct rtable *rt;

static int
apply(const char *updates, bool reload)
{
	json_t *j = json_loads(updates, 0, NULL);
	int r;

	CHECK(j != NULL);
	r = rtables_apply(rt, 1, db, j, reload);
	json_decref(j);
	return r;
}

static struct ovsdb_row *
row(const char *uuid)
{
	struct ovsdb_uuid u;

	ovsdb_uuid_from_string(uuid, &u);
	return ovsdb_table_find_row(ovsdb_db_table(db, rt->ts), &u);
}

/* @column of @r as compact JSON text (caller frees). */
static char *
col_text(const struct ovsdb_row *r, const char *column)
{
	const struct ovsdb_column *c =
		ovsdb_table_find_column(r->table->schema, column);
	json_t *j = ovsdb_datum_to_json(&r->fields[c->index], &c->type);
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

	json_decref(j);
	return s;
}

#define CHECK_COL(ROW, COL, WANT)                               \
	do {                                                    \
		char *got_ = (ROW) ? col_text(ROW, COL) : NULL; \
		CHECK_STREQ(got_, WANT);                        \
		free(got_);                                     \
	} while (0)

/* The change list as "kind:uuid-prefix:columns" words, in order. */
static char *
changes(void)
{
	static const char kinds[] = "IMD";
	struct ds out = DS_EMPTY;
	struct rchange *c;

	LIST_FOR_EACH (c, order, &rt->order) {
		char u[OVSDB_UUID_LEN + 1];

		ovsdb_uuid_format(&c->pub.uuid, u);
		ds_printf(&out, "%s%c:%c:", out.len ? " " : "",
			  kinds[c->pub.kind], u[0]);
		for (unsigned i = 2; c->pub.columns && i < rt->ts->n_columns;
		     i++)
			if (c->pub.columns[i])
				ds_put(&out, rt->ts->columns[i].name);
	}
	return ds_steal(&out);
}

#define CHECK_CHANGES(WANT)              \
	do {                             \
		char *got_ = changes();  \
		CHECK_STREQ(got_, WANT); \
		free(got_);              \
	} while (0)

static void
setup(void)
{
	json_t *j = json_loads(schema_text, 0, NULL);
	struct ovsdb_schema *schema;
	struct ovsdb_error *e = NULL;

	CHECK_EQ(ovsdb_schema_from_json(j, &schema, &e), 0);
	json_decref(j);
	db = ovsdb_db_new(schema);
	rt = xcalloc(1, sizeof *rt);
	rt->name = xstrdup("A");
	hmap_init(&rt->changes);
	list_init(&rt->order);
	rtables_bind(rt, 1, db);
	CHECK(rt->ts != NULL);
}

static void
test_load_and_diffs(void)
{
	CHECK_EQ(apply("{\"A\":{\"" U1 "\":{\"initial\":{\"name\":\"a\","
		       "\"s\":[\"set\",[1,2]]}},"
		       "\"" U2 "\":{\"initial\":{\"name\":\"b\"}}}}",
		       true),
		 0);
	CHECK_CHANGES("I:1: I:2:");
	CHECK_COL(row(U1), "s", "[\"set\",[1,2]]");
	CHECK_COL(row(U1), "m", "[\"map\",[]]");
	rtable_clear_changes(rt);

	struct ovsdb_row *r1 = row(U1);
	CHECK_EQ(apply("{\"A\":{\"" U1 "\":{\"modify\":{\"s\":[\"set\",[2,3]],"
		       "\"m\":[\"map\",[[\"k\",\"v\"]]]}}}}",
		       false),
		 0);
	CHECK(row(U1) == r1); /* changed in place */
	CHECK_COL(r1, "s", "[\"set\",[1,3]]");
	CHECK_COL(r1, "m", "[\"map\",[[\"k\",\"v\"]]]");
	CHECK_CHANGES("M:1:sm");
	/* The old row is what the reader saw. */
	struct rchange *c =
		LIST_CONTAINER(list_front(&rt->order), struct rchange, order);
	CHECK_COL(c->pub.old, "s", "[\"set\",[1,2]]");

	/* s back as it was: only m is still changed. */
	CHECK_EQ(apply("{\"A\":{\"" U1 "\":{\"modify\":{\"s\":[\"set\",[2,3]]"
		       "}}}}",
		       false),
		 0);
	CHECK_CHANGES("M:1:m");
	CHECK_EQ(apply("{\"A\":{\"" U1 "\":{\"modify\":{\"m\":[\"map\",[[\"k\","
		       "\"v\"]]]}}}}",
		       false),
		 0);
	CHECK_CHANGES("");

	/* An optional value: set, then replaced (the diff toggles both). */
	CHECK_EQ(
		apply("{\"A\":{\"" U1 "\":{\"modify\":{\"o\":\"x\"}}}}", false),
		0);
	CHECK_EQ(apply("{\"A\":{\"" U1 "\":{\"modify\":{\"o\":[\"set\",[\"x\","
		       "\"y\"]]}}}}",
		       false),
		 0);
	CHECK_COL(r1, "o", "\"y\"");
	CHECK_CHANGES("M:1:o");
}

static void
test_insert_delete(void)
{
	rtable_clear_changes(rt);
	/* Inserted and deleted before the reader looked: nothing. */
	CHECK_EQ(apply("{\"A\":{\"" U3 "\":{\"insert\":{\"name\":\"c\"}}}}",
		       false),
		 0);
	CHECK_CHANGES("I:3:");
	CHECK_EQ(apply("{\"A\":{\"" U3 "\":{\"delete\":null}}}", false), 0);
	CHECK_CHANGES("");
	CHECK(row(U3) == NULL);
	/* Modified, then deleted: a delete with the row as last seen. */
	CHECK_EQ(apply("{\"A\":{\"" U2 "\":{\"modify\":{\"name\":\"b2\"}}}}",
		       false),
		 0);
	CHECK_EQ(apply("{\"A\":{\"" U2 "\":{\"delete\":null}}}", false), 0);
	CHECK_CHANGES("D:2:");
	struct rchange *c =
		LIST_CONTAINER(list_front(&rt->order), struct rchange, order);
	CHECK(c->pub.row == NULL);
	CHECK_COL(c->pub.old, "name", "\"b\"");
	/* Deleting or modifying a row that is not there is malformed. */
	CHECK(apply("{\"A\":{\"" U2 "\":{\"delete\":null}}}", false) < 0);
	CHECK(apply("{\"A\":{\"" U4 "\":{\"modify\":{}}}}", false) < 0);
	CHECK(apply("{\"A\":{\"nope\":{\"insert\":{}}}}", false) < 0);
	CHECK(apply("{\"A\":{\"" U4 "\":{\"insert\":{\"s\":\"x\"}}}}", false) <
	      0);
}

static void
test_reload(void)
{
	struct ovsdb_row *r1 = row(U1);

	rtable_clear_changes(rt);
	/* U1 renamed (its other columns as now), U4 new. */
	CHECK_EQ(apply("{\"A\":{\"" U1 "\":{\"initial\":{\"name\":\"a2\","
		       "\"s\":[\"set\",[1,2]],\"o\":\"y\"}},"
		       "\"" U4 "\":{\"initial\":{\"name\":\"d\"}}}}",
		       true),
		 0);
	CHECK(row(U1) == r1);
	CHECK_CHANGES("M:1:name I:4:");
	CHECK_EQ(ovsdb_db_table(db, rt->ts)->rows.n, 2);
	/* Everything gone. */
	rtable_clear_changes(rt);
	CHECK_EQ(apply("{}", true), 0);
	CHECK_CHANGES("D:1: D:4:");
	CHECK_EQ(ovsdb_db_table(db, rt->ts)->rows.n, 0);
}

static void
test_helpers(void)
{
	struct ovsdb_uuid u;
	json_t *ops = json_array();
	char *s;

	ovsdb_uuid_from_string(U1, &u);
	json_array_append_new(
		ops,
		replica_op_update("A", &u, json_pack("{ss}", "name", "x")));
	json_array_append_new(
		ops, replica_op_mutate("A", &u,
				       json_pack("[[ssi]]", "s", "insert", 5)));
	json_array_append_new(
		ops, replica_op_wait_eq("A", &u, "name", json_string("a")));
	s = json_dumps(ops, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_STREQ(
		s,
		"[{\"op\":\"update\",\"row\":{\"name\":\"x\"},\"table\":\"A\","
		"\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" U1 "\"]]]},"
		"{\"mutations\":[[\"s\",\"insert\",5]],\"op\":\"mutate\","
		"\"table\":\"A\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" U1
		"\"]]]},"
		"{\"columns\":[\"name\"],\"op\":\"wait\",\"rows\":[{\"name\":"
		"\"a\"}],\"table\":\"A\",\"timeout\":0,\"until\":\"==\","
		"\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" U1 "\"]]]}]");
	free(s);
	json_decref(ops);
}

int
main(void)
{
	setup();
	CHECK_RUN(test_load_and_diffs);
	CHECK_RUN(test_insert_delete);
	CHECK_RUN(test_reload);
	CHECK_RUN(test_helpers);
	rtables_destroy(rt, 1);
	ovsdb_db_free(db);
	CHECK_EXIT();
}
