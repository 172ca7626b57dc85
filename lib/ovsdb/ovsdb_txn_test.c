/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for transactions: refint, GC, weak refs, indexes, maxRows,
 * wait, and SQLite durability (write, reopen, compare). */
#include "check.h"
#include <sqlite3.h>

#include "json_fast.h"
#include "ovsdb_storage.h"
#include "ovsdb_test_schema.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct ovsdb_db *db;

static unsigned
count(const char *table)
{
	return (unsigned)ovsdb_db_find_table(db, table)->rows.n;
}

#define R1 "\"11111111-1111-4111-8111-111111111111\""
#define K1 "\"22222222-2222-4222-8222-222222222222\""
#define K2 "\"33333333-3333-4333-8333-333333333333\""

static void
test_refs_and_gc(void)
{
	db = ovsdb_db_new(test_schema_parse());
	/* An unreferenced Kid is garbage collected at commit. */
	char *r = test_transact(db, "[{\"op\":\"insert\",\"table\":\"Kid\","
				    "\"row\":{\"name\":\"a\"}}]");
	CHECK(!strncmp(r, "[{\"uuid\":[\"uuid\",", 16));
	free(r);
	CHECK_EQ(count("Kid"), 0);
}

static void
test_refs(void)
{
	char *r;
	r = test_transact(
		db,
		"[{\"op\":\"insert\",\"table\":\"Kid\",\"uuid-name\":\"k2\","
		"\"uuid\":" K2 ",\"row\":{\"name\":\"b\"}},"
		"{\"op\":\"insert\",\"table\":\"Kid\",\"uuid-name\":\"k\","
		"\"uuid\":" K1 ",\"row\":{\"name\":\"a\","
		"\"sub\":[\"named-uuid\",\"k2\"]}},"
		"{\"op\":\"insert\",\"table\":\"Root\",\"uuid\":" R1 ","
		"\"row\":{\"kids\":[\"named-uuid\",\"k\"],"
		"\"weak\":[\"named-uuid\",\"k2\"]}}]");
	CHECK(strstr(r, "error") == NULL);
	if (strstr(r, "error"))
		fprintf(stderr, "%s\n", r);
	free(r);
	CHECK_EQ(count("Kid"), 2);
	/* Deleting a referenced row fails. */
	T("[{\"op\":\"delete\",\"table\":\"Kid\",\"where\":[[\"name\",\"==\","
	  "\"a\"]]}]",
	  "[{\"count\":1},{\"details\":\"cannot delete Kid row "
	  "22222222-2222-4222-8222-222222222222 because of 1 remaining "
	  "reference(s)\",\"error\":\"referential integrity violation\"}]");
	/* Dangling strong reference. */
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],\"mutations\":"
	  "[[\"kids\",\"insert\",[\"uuid\",\"44444444-4444-4444-8444-"
	  "444444444444\"]]]}]",
	  "[{\"count\":1},{\"details\":\"Table Root column kids row "
	  "11111111-1111-4111-8111-111111111111 references nonexistent row "
	  "44444444-4444-4444-8444-444444444444 in table Kid.\","
	  "\"error\":\"referential integrity violation\"}]");
	/* Dropping the root's reference collects Kid a, then b (which was
	 * referenced only by a); the weak ref to b disappears. */
	T("[{\"op\":\"update\",\"table\":\"Root\",\"where\":[],\"row\":"
	  "{\"kids\":[\"set\",[]]}}]",
	  "[{\"count\":1}]");
	CHECK_EQ(count("Kid"), 0);
	T("[{\"op\":\"select\",\"table\":\"Root\",\"where\":[],\"columns\":"
	  "[\"weak\",\"kids\"]}]",
	  "[{\"rows\":[{\"kids\":[\"set\",[]],\"weak\":[\"set\",[]]}]}]");
}

/* References are checked against the final state of the transaction: a
 * row inserted and deleted in it never existed (issue 12: a dangling
 * strong reference was committed). */
static void
test_refs_inserted_deleted(void)
{
	T("[{\"op\":\"insert\",\"table\":\"Kid\",\"uuid-name\":\"k\","
	  "\"uuid\":" K1 ",\"row\":{\"name\":\"a\"}},"
	  "{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],"
	  "\"mutations\":[[\"kids\",\"insert\",[\"named-uuid\",\"k\"]]]},"
	  "{\"op\":\"delete\",\"table\":\"Kid\",\"where\":[[\"_uuid\","
	  "\"==\",[\"named-uuid\",\"k\"]]]}]",
	  "[{\"uuid\":[\"uuid\",\"22222222-2222-4222-8222-222222222222\"]},"
	  "{\"count\":1},{\"count\":1},{\"details\":\"Table Root column "
	  "kids row 11111111-1111-4111-8111-111111111111 references "
	  "nonexistent row 22222222-2222-4222-8222-222222222222 in table "
	  "Kid.\",\"error\":\"referential integrity violation\"}]");
	CHECK_EQ(count("Kid"), 0);
	T("[{\"op\":\"select\",\"table\":\"Root\",\"where\":[],\"columns\":"
	  "[\"kids\"]}]",
	  "[{\"rows\":[{\"kids\":[\"set\",[]]}]}]");
	/* Its explicit UUID may then be inserted again in the same
	 * transaction. */
	T("[{\"op\":\"insert\",\"table\":\"Kid\",\"uuid-name\":\"k\","
	  "\"uuid\":" K1 ",\"row\":{\"name\":\"a\"}},"
	  "{\"op\":\"delete\",\"table\":\"Kid\",\"where\":[]},"
	  "{\"op\":\"insert\",\"table\":\"Kid\",\"uuid\":" K1 ","
	  "\"row\":{\"name\":\"b\"}}]",
	  "[{\"uuid\":[\"uuid\",\"22222222-2222-4222-8222-222222222222\"]},"
	  "{\"count\":1},"
	  "{\"uuid\":[\"uuid\",\"22222222-2222-4222-8222-222222222222\"]}]");
	CHECK_EQ(count("Kid"), 0); /* unreferenced: collected */
}

static void
test_constraints(void)
{
	char *r = test_transact(
		db, "[{\"op\":\"insert\",\"table\":\"Root\",\"row\":{}},"
		    "{\"op\":\"insert\",\"table\":\"Root\",\"row\":{}}]");
	CHECK(strstr(r, "{\"details\":\"transaction causes \\\"Root\\\" table "
			"to contain 3 rows, greater than the schema-defined "
			"limit of 2 row(s)\",\"error\":\"constraint "
			"violation\"}]") != NULL);
	free(r);
}

static void
test_index(void)
{
	char *r = test_transact(
		db,
		"[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],"
		"\"mutations\":[[\"kids\",\"insert\",[\"set\",[[\"named-uuid\","
		"\"a\"],[\"named-uuid\",\"b\"]]]]]},"
		"{\"op\":\"insert\",\"table\":\"Kid\",\"uuid-name\":\"a\","
		"\"row\":{\"name\":\"same\"}},"
		"{\"op\":\"insert\",\"table\":\"Kid\",\"uuid-name\":\"b\","
		"\"row\":{\"name\":\"same\"}}]");
	CHECK(strstr(r, "Transaction causes multiple rows in \\\"Kid\\\" "
			"table to have identical values (same) for index on "
			"column \\\"name\\\".") != NULL);
	free(r);
	CHECK_EQ(count("Kid"), 0);
	T("[{\"op\":\"update\",\"table\":\"Kid\",\"where\":[],\"row\":"
	  "{\"name\":\"x\"}}]",
	  "[{\"details\":\"Cannot update immutable column name in table "
	  "Kid.\",\"error\":\"constraint violation\",\"syntax\":"
	  "\"{\\\"op\\\":\\\"update\\\",\\\"row\\\":{\\\"name\\\":\\\"x\\\"},"
	  "\\\"table\\\":\\\"Kid\\\",\\\"where\\\":[]}\"}]");
}

static void
test_misc_ops(void)
{
	T("[{\"op\":\"comment\",\"comment\":\"hi\"},{\"op\":\"abort\"},"
	  "{\"op\":\"comment\",\"comment\":\"x\"}]",
	  "[{},{\"details\":\"aborted by request\",\"error\":\"aborted\"},"
	  "null]");
	T("[{\"op\":\"assert\",\"lock\":\"l\"}]",
	  "[{\"details\":\"Asserted lock l not held.\","
	  "\"error\":\"not owner\"}]");
	T("[{\"op\":\"wait\",\"table\":\"Root\",\"where\":[],\"columns\":"
	  "[\"n\"],\"until\":\"==\",\"rows\":[{\"n\":0}],\"timeout\":0}]",
	  "[{}]");
	T("[{\"op\":\"wait\",\"table\":\"Root\",\"where\":[],\"columns\":"
	  "[\"n\"],\"until\":\"==\",\"rows\":[{\"n\":1}],\"timeout\":0}]",
	  "[{\"details\":\"\\\"where\\\" clause test failed\","
	  "\"error\":\"timed out\"}]");
	T("[{\"op\":\"wait\",\"table\":\"Root\",\"where\":[],\"columns\":"
	  "[\"n\"],\"until\":\"==\",\"rows\":[{\"n\":1}]}]",
	  "rc=-11");
	T("[{\"op\":\"frob\"}]",
	  "[{\"details\":\"Parsing ovsdb operation 1 of 1 failed: No "
	  "operation \\\"frob\\\"\",\"error\":\"syntax error\",\"syntax\":"
	  "\"{\\\"op\\\":\\\"frob\\\"}\"}]");
	T("[{\"op\":\"select\",\"table\":\"Root\",\"where\":[],\"x\":1}]",
	  "[{\"details\":\"Parsing ovsdb operation 1 of 1 failed: Member "
	  "'x' is present but not allowed here.\",\"error\":\"syntax error\","
	  "\"syntax\":\"{\\\"op\\\":\\\"select\\\",\\\"table\\\":\\\"Root\\\","
	  "\\\"where\\\":[],\\\"x\\\":1}\"}]");
}

/* ovsdb_execute_text writes what json_fast_dump writes of ovsdb_execute's
 * result, byte for byte: two databases from the same schema take the
 * same transactions (explicit UUIDs), one answering each way. */
static void
test_execute_text(void)
{
	static const char *const txns[] = {
		"[{\"op\":\"insert\",\"table\":\"Kid\",\"uuid\":" K1 ","
		"\"row\":{\"name\":\"a\"}},"
		"{\"op\":\"insert\",\"table\":\"Root\",\"uuid\":" R1 ","
		"\"row\":{\"n\":7,\"s\":\"\\u00e9\",\"r\":0.1,"
		"\"kids\":[\"uuid\"," K1 "]}},"
		"{\"op\":\"comment\",\"comment\":\"c\"}]",
		"[{\"op\":\"select\",\"table\":\"Root\",\"where\":[],"
		"\"columns\":[\"n\",\"s\",\"r\",\"kids\"]},"
		"{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],"
		"\"mutations\":[[\"n\",\"+=\",1]]}]",
		/* an operation's error, then nulls */
		"[{\"op\":\"insert\",\"table\":\"Kid\",\"uuid\":" K2 ","
		"\"row\":{\"name\":\"b\"}},{\"op\":\"frob\"},"
		"{\"op\":\"abort\"}]",
		/* the first operation failing */
		"[{\"op\":\"insert\",\"table\":\"Nope\",\"row\":{}},"
		"{\"op\":\"abort\"}]",
		/* a commit error after the results (a duplicate index
		 * value) */
		"[{\"op\":\"insert\",\"table\":\"Kid\",\"uuid\":" K2 ","
		"\"row\":{\"name\":\"a\"}},{\"op\":\"mutate\",\"table\":"
		"\"Root\",\"where\":[],\"mutations\":[[\"kids\",\"insert\","
		"[\"uuid\"," K2 "]]]}]",
		"[]",
		/* a wait not satisfied yet: -EAGAIN, nothing written */
		"[{\"op\":\"insert\",\"table\":\"Kid\",\"uuid\":" K2 ","
		"\"row\":{\"name\":\"c\"}},{\"op\":\"wait\",\"table\":"
		"\"Root\",\"where\":[],\"columns\":[\"n\"],\"until\":\"==\","
		"\"rows\":[{\"n\":1}]}]",
	};
	struct ovsdb_db *a = ovsdb_db_new(test_schema_parse());
	struct ovsdb_db *b = ovsdb_db_new(test_schema_parse());
	for (size_t i = 0; i < ARRAY_SIZE(txns); i++) {
		json_t *ops = json_loads(txns[i], 0, NULL);
		json_t *res = NULL;
		struct ds want = DS_EMPTY, got = DS_EMPTY;
		uint64_t wa = 0, wb = 0;
		CHECK(ops != NULL);
		int ra = ovsdb_execute(a, ops, NULL, &res, &wa);
		ds_put(&got, "x"); /* appended to what is there */
		int rb = ovsdb_execute_text(b, ops, NULL, &got, &wb);
		CHECK_EQ(ra, rb);
		CHECK_EQ(wa, wb);
		ds_put(&want, "x");
		if (res)
			CHECK_EQ(json_fast_dump(res, &want), 0);
		CHECK_STREQ(ds_cstr(&got), ds_cstr(&want));
		if (i == 1)
			CHECK(strstr(ds_cstr(&got), "\"n\":7"));
		if (i == 4)
			CHECK(strstr(ds_cstr(&got), "constraint violation"));
		json_decref(res);
		json_decref(ops);
		ds_free(&want);
		ds_free(&got);
	}
	ovsdb_db_free(a);
	ovsdb_db_free(b);
}

/* What the commit hook saw of Root rows in the last commit: "old new"
 * of columns s, ints and m, per row. */
static struct ds hook_seen;

static void
row_cols(struct ds *out, const struct ovsdb_row *r)
{
	static const char *const names[] = { "s", "ints", "m" };
	const struct ovsdb_table_schema *ts;
	unsigned char cols[64] = { 0 };

	if (!r) {
		ds_put(out, "-");
		return;
	}
	ts = r->table->schema;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		cols[ovsdb_table_find_column(ts, names[i])->index] = 1;
	json_t *j = ovsdb_row_to_json(r, cols);
	char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	ds_put(out, t);
	free(t);
	json_decref(j);
}

static void
record_hook(void *aux, struct ovsdb_db *d, const struct ovsdb_txn *txn)
{
	(void)aux;
	(void)d;
	for (const struct ovsdb_txn_row *tr = ovsdb_txn_first(txn); tr;
	     tr = tr->next_in_order) {
		if (strcmp(tr->table->schema->name, "Root"))
			continue;
		row_cols(&hook_seen, tr->old);
		ds_put_char(&hook_seen, ' ');
		row_cols(&hook_seen, tr->new_);
		ds_put_char(&hook_seen, ';');
	}
}

#define HOOK_SAW(EXPECT)                                  \
	do {                                              \
		CHECK_STREQ(ds_cstr(&hook_seen), EXPECT); \
		ds_clear(&hook_seen);                     \
	} while (0)

#define ROOT_IS(EXPECT)                                          \
	T("[{\"op\":\"select\",\"table\":\"Root\",\"where\":[]," \
	  "\"columns\":[\"s\",\"ints\",\"m\"]}]",                \
	  "[{\"rows\":[" EXPECT "]}]")

/* A modified row shares its values with the original the transaction
 * keeps, until something writes one: commits report the right old and
 * new values, and aborts (failing operations, "abort", a row modified
 * and then deleted) leave the row exactly as it was. */
static void
test_shared_values(void)
{
	db->hook = record_hook;
	T("[{\"op\":\"update\",\"table\":\"Root\",\"where\":[],\"row\":"
	  "{\"s\":\"a\",\"ints\":1,\"m\":[\"map\",[[\"k\",\"v\"]]]}}]",
	  "[{\"count\":1}]");
	ds_clear(&hook_seen);
	T("[{\"op\":\"update\",\"table\":\"Root\",\"where\":[],\"row\":"
	  "{\"s\":\"b\"}},{\"op\":\"mutate\",\"table\":\"Root\","
	  "\"where\":[],\"mutations\":[[\"ints\",\"insert\",2]]}]",
	  "[{\"count\":1},{\"count\":1}]");
	HOOK_SAW("{\"ints\":1,\"m\":[\"map\",[[\"k\",\"v\"]]],\"s\":\"a\"} "
		 "{\"ints\":[\"set\",[1,2]],\"m\":[\"map\",[[\"k\",\"v\"]]],"
		 "\"s\":\"b\"};");
	/* A mutation that fails after an update. */
	T("[{\"op\":\"update\",\"table\":\"Root\",\"where\":[],\"row\":"
	  "{\"s\":\"c\"}},{\"op\":\"mutate\",\"table\":\"Root\","
	  "\"where\":[],\"mutations\":[[\"m\",\"delete\",[\"set\",[\"k\"]]],"
	  "[\"ints\",\"insert\",[\"set\",[3,4,5]]]]}]",
	  "[{\"count\":1},{\"details\":\"Attempted to store 5 elements in "
	  "set of up to 3 integers.\","
	  "\"error\":\"constraint violation\"}]");
	ROOT_IS("{\"ints\":[\"set\",[1,2]],\"m\":[\"map\",[[\"k\",\"v\"]]],"
		"\"s\":\"b\"}");
	/* Modified, then deleted, then aborted. */
	T("[{\"op\":\"update\",\"table\":\"Root\",\"where\":[],\"row\":"
	  "{\"s\":\"d\"}},{\"op\":\"delete\",\"table\":\"Root\","
	  "\"where\":[]},{\"op\":\"abort\"}]",
	  "[{\"count\":1},{\"count\":1},{\"details\":\"aborted by "
	  "request\",\"error\":\"aborted\"}]");
	ROOT_IS("{\"ints\":[\"set\",[1,2]],\"m\":[\"map\",[[\"k\",\"v\"]]],"
		"\"s\":\"b\"}");
	CHECK_STREQ(ds_cstr(&hook_seen), "");
	/* One column written over and over in one transaction. */
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],"
	  "\"mutations\":[[\"ints\",\"insert\",3]]},"
	  "{\"op\":\"update\",\"table\":\"Root\",\"where\":[],\"row\":"
	  "{\"ints\":9}},{\"op\":\"mutate\",\"table\":\"Root\","
	  "\"where\":[],\"mutations\":[[\"ints\",\"delete\",9],"
	  "[\"ints\",\"insert\",5]]}]",
	  "[{\"count\":1},{\"count\":1},{\"count\":1}]");
	HOOK_SAW("{\"ints\":[\"set\",[1,2]],\"m\":[\"map\",[[\"k\",\"v\"]]],"
		 "\"s\":\"b\"} "
		 "{\"ints\":5,\"m\":[\"map\",[[\"k\",\"v\"]]],\"s\":\"b\"};");
	/* Modified, then deleted, committed. */
	T("[{\"op\":\"update\",\"table\":\"Root\",\"where\":[],\"row\":"
	  "{\"s\":\"e\"}},{\"op\":\"delete\",\"table\":\"Root\","
	  "\"where\":[]}]",
	  "[{\"count\":1},{\"count\":1}]");
	HOOK_SAW("{\"ints\":5,\"m\":[\"map\",[[\"k\",\"v\"]]],\"s\":\"b\"} "
		 "-;");
	ROOT_IS("");
	db->hook = NULL;
	ds_free(&hook_seen);
}

/* A new database file at @path (a mkstemp template) with the test
 * schema becomes the global db; the caller keeps the in-memory one. */
static bool
use_scratch_storage(char *path)
{
	struct ovsdb_error *e = NULL;
	struct ovsdb_db *sdb = NULL;
	int fd = mkstemp(path);

	close(fd);
	unlink(path);
	CHECK_EQ(ovsdb_storage_create(path, db->schema, &e), 0);
	CHECK_EQ(ovsdb_storage_open(path, false, &sdb, &e), 0);
	if (sdb)
		db = sdb;
	return sdb != NULL;
}

/* @sel gives the same answer after the file is closed and opened again
 * (which then is the global db). */
static void
check_survives_reopen(const char *path, const char *sel)
{
	struct ovsdb_error *e = NULL;
	struct ovsdb_db *sdb = NULL;
	char *before = test_transact(db, sel);

	ovsdb_db_free(db);
	CHECK_EQ(ovsdb_storage_open(path, false, &sdb, &e), 0);
	db = sdb;
	char *after = test_transact(db, sel);
	CHECK_STREQ(before, after);
	free(before);
	free(after);
}

/* Back to the in-memory @mem; the file and its WAL are removed. */
static void
drop_scratch_storage(const char *path, struct ovsdb_db *mem)
{
	ovsdb_db_free(db);
	db = mem;
	char *cmd = xasprintf("rm -f %s %s-wal %s-shm", path, path, path);
	CHECK_EQ(system(cmd), 0);
	free(cmd);
}

static void
test_storage(void)
{
	char path[] = "/tmp/ovsdb_txn_test.XXXXXX";
	struct ovsdb_db *mem = db;
	if (!use_scratch_storage(path))
		return;
	char *r = test_transact(
		db, "[{\"op\":\"insert\",\"table\":\"Root\",\"uuid\":" R1 ","
		    "\"row\":{\"n\":7,\"r\":2.5,\"b\":true,\"s\":\"str\","
		    "\"m\":[\"map\",[[\"k\",\"v\"]]],\"ints\":[\"set\",[1,2]],"
		    "\"kids\":[\"named-uuid\",\"k\"]}},"
		    "{\"op\":\"insert\",\"table\":\"Kid\",\"uuid-name\":\"k\","
		    "\"row\":{\"name\":\"a\"}}]");
	free(r);
	const char *sel = "[{\"op\":\"select\",\"table\":\"Root\",\"where\":[],"
			  "\"columns\":[\"n\",\"r\",\"b\",\"s\",\"m\",\"ints\","
			  "\"kids\",\"_version\"]}]";
	check_survives_reopen(path, sel);
	/* Refcounts were rebuilt: deleting the Kid must fail. */
	r = test_transact(db, "[{\"op\":\"delete\",\"table\":\"Kid\","
			      "\"where\":[]}]");
	CHECK(strstr(r, "because of 1 remaining reference(s)") != NULL);
	free(r);
	drop_scratch_storage(path, mem);
}

static int
count_rows(const char *path, const char *sql)
{
	sqlite3 *c;
	sqlite3_stmt *st;
	int n = -1;
	if (sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK &&
	    sqlite3_prepare_v2(c, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(c);
	return n;
}

/* Group commit: writes of several commits are invisible to other
 * connections until the flush; rowids survive updates, deletes and a
 * compact (VACUUM renumbers them). */
static void
test_storage_batching(void)
{
	char path[] = "/tmp/ovsdb_txn_test.XXXXXX";
	struct ovsdb_db *mem = db;
	struct ovsdb_error *e = NULL;
	if (!use_scratch_storage(path))
		return;
	ovsdb_storage_set_batching(db->storage, true);
	for (int i = 0; i < 2; i++) {
		char *ops = xasprintf("[{\"op\":\"insert\",\"table\":\"Root\","
				      "\"row\":{\"n\":%d}}]",
				      i);
		free(test_transact(db, ops));
		free(ops);
	}
	CHECK(ovsdb_storage_pending(db->storage));
	CHECK_EQ(count_rows(path, "SELECT count(*) FROM Root"), 0);
	CHECK_EQ(ovsdb_storage_flush(db->storage, &e), 0);
	CHECK(!ovsdb_storage_pending(db->storage));
	CHECK_EQ(count_rows(path, "SELECT count(*) FROM Root"), 2);
	free(test_transact(db, "[{\"op\":\"update\",\"table\":\"Root\","
			       "\"where\":[[\"n\",\"==\",1]],"
			       "\"row\":{\"n\":5}},"
			       "{\"op\":\"delete\",\"table\":\"Root\","
			       "\"where\":[[\"n\",\"==\",0]]}]"));
	CHECK_EQ(ovsdb_storage_flush(db->storage, &e), 0);
	CHECK_EQ(count_rows(path, "SELECT count(*) FROM Root"), 1);
	CHECK_EQ(count_rows(path, "SELECT n FROM Root"), 5);
	CHECK_EQ(ovsdb_storage_compact(db->storage, &e), 0);
	free(test_transact(db,
			   "[{\"op\":\"mutate\",\"table\":\"Root\","
			   "\"where\":[],\"mutations\":[[\"n\",\"+=\",1]]}]"));
	CHECK_EQ(ovsdb_storage_flush(db->storage, &e), 0);
	CHECK_EQ(count_rows(path, "SELECT count(*) FROM Root WHERE n = 6"), 1);
	CHECK_EQ(count_rows(path, "SELECT count(*) FROM Root"), 1);
	const char *sel = "[{\"op\":\"select\",\"table\":\"Root\","
			  "\"where\":[],\"columns\":[\"n\",\"_version\"]}]";
	check_survives_reopen(path, sel);
	drop_scratch_storage(path, mem);
}

/* Group commit: a row that several commits of a batch change is written
 * at the flush in its final state (its changed columns merged); a row
 * inserted and deleted within the batch never reaches the file; one
 * deleted and inserted again under its UUID is rewritten. */
static void
test_storage_write_behind(void)
{
	char path[] = "/tmp/ovsdb_txn_test.XXXXXX";
	struct ovsdb_db *mem = db;
	struct ovsdb_error *e = NULL;
	if (!use_scratch_storage(path))
		return;
	free(test_transact(db, "[{\"op\":\"insert\",\"table\":\"Root\","
			       "\"uuid\":" R1 ",\"row\":{\"n\":1,"
			       "\"s\":\"a\",\"b\":true}}]"));
	ovsdb_storage_set_batching(db->storage, true);
	for (int i = 0; i < 5; i++)
		free(test_transact(db, "[{\"op\":\"mutate\",\"table\":"
				       "\"Root\",\"where\":[],\"mutations\":"
				       "[[\"n\",\"+=\",1]]}]"));
	free(test_transact(db, "[{\"op\":\"update\",\"table\":\"Root\","
			       "\"where\":[],\"row\":{\"s\":\"b\"}}]"));
	free(test_transact(db, "[{\"op\":\"insert\",\"table\":\"Root\","
			       "\"row\":{\"n\":100}}]"));
	free(test_transact(db, "[{\"op\":\"delete\",\"table\":\"Root\","
			       "\"where\":[[\"n\",\"==\",100]]}]"));
	CHECK_EQ(count_rows(path, "SELECT n FROM Root"), 1);
	CHECK_EQ(ovsdb_storage_flush(db->storage, &e), 0);
	CHECK_EQ(count_rows(path, "SELECT count(*) FROM Root"), 1);
	CHECK_EQ(count_rows(path, "SELECT count(*) FROM Root WHERE n = 6 AND "
				  "s = '[\"b\"]' AND b = 1"),
		 1);
	/* Deleted and inserted again under its UUID in one batch. */
	free(test_transact(db, "[{\"op\":\"delete\",\"table\":\"Root\","
			       "\"where\":[]}]"));
	free(test_transact(db, "[{\"op\":\"insert\",\"table\":\"Root\","
			       "\"uuid\":" R1 ",\"row\":{\"n\":7}}]"));
	CHECK_EQ(ovsdb_storage_flush(db->storage, &e), 0);
	CHECK_EQ(count_rows(path, "SELECT count(*) FROM Root WHERE n = 7 AND "
				  "s = '[]' AND b = 0"),
		 1);
	CHECK_EQ(count_rows(path, "SELECT count(*) FROM Root"), 1);
	const char *sel = "[{\"op\":\"select\",\"table\":\"Root\","
			  "\"where\":[],\"columns\":[\"n\",\"s\",\"b\","
			  "\"_version\"]}]";
	check_survives_reopen(path, sel);
	drop_scratch_storage(path, mem);
}

static long
file_size(const char *path, const char *suffix)
{
	char *p = xasprintf("%s%s", path, suffix);
	struct stat sb;
	long n = stat(p, &sb) ? -1 : (long)sb.st_size;
	free(p);
	return n;
}

/* @n commits of one small change each, flushed one by one (each writes
 * one or two WAL frames); with @checkpoint, a checkpoint after each. */
static void
commits(int n, bool checkpoint)
{
	struct ovsdb_error *e = NULL;
	for (int i = 0; i < n; i++) {
		free(test_transact(db, "[{\"op\":\"mutate\",\"table\":"
				       "\"Root\",\"where\":[],\"mutations\":"
				       "[[\"n\",\"+=\",1]]}]"));
		CHECK_EQ(ovsdb_storage_flush(db->storage, &e), 0);
		if (checkpoint)
			CHECK_EQ(ovsdb_storage_checkpoint(db->storage), 0);
	}
}

/* With batching on, no COMMIT checkpoints the WAL (SQLite's automatic
 * checkpoint at 1,000 frames would fsync inside it, before the server
 * may answer): the WAL grows past 1,000 frames of 2 KB until the server
 * calls ovsdb_storage_checkpoint, after which SQLite writes it from its
 * start again.  Without batching (ovsdb-tool) SQLite's checkpoint stays. */
static void
test_storage_checkpoint(void)
{
	char path[] = "/tmp/ovsdb_txn_test.XXXXXX";
	struct ovsdb_db *mem = db;
	if (!use_scratch_storage(path))
		return;
	free(test_transact(db, "[{\"op\":\"insert\",\"table\":\"Root\","
			       "\"row\":{\"n\":0}}]"));
	commits(1300, false); /* not batching: checkpointed at 1,000 */
	long unbatched = file_size(path, "-wal");
	CHECK(unbatched > 0 && unbatched < 1100 * 2072);

	ovsdb_storage_set_batching(db->storage, true);
	commits(1300, false);
	long grown = file_size(path, "-wal");
	CHECK(grown > 1200 * 2072);
	CHECK_EQ(ovsdb_storage_checkpoint(db->storage), 0);
	commits(1300, true); /* the WAL is reused from its start */
	CHECK_EQ(file_size(path, "-wal"), grown);
	CHECK_EQ(count_rows(path, "SELECT n FROM Root"), 3900);
	drop_scratch_storage(path, mem);
}

/* Selects reuse each row's JSON until the row changes: after a commit,
 * after an aborted change, within the changing transaction, and when the
 * columns asked for differ. */
static void
test_select_cache(void)
{
#define SEL(COLS)                                             \
	"{\"op\":\"select\",\"table\":\"Root\",\"where\":[]," \
	"\"columns\":[" COLS "]}"
	T("[" SEL("\"s\"") "]", "[{\"rows\":[{\"s\":[\"set\",[]]}]}]");
	T("[" SEL("\"s\"") "]", "[{\"rows\":[{\"s\":[\"set\",[]]}]}]");
	T("[{\"op\":\"update\",\"table\":\"Root\",\"where\":[],\"row\":"
	  "{\"s\":\"x\"}}," SEL("\"s\"") "]",
	  "[{\"count\":1},{\"rows\":[{\"s\":\"x\"}]}]");
	T("[" SEL("\"s\"") "]", "[{\"rows\":[{\"s\":\"x\"}]}]");
	T("[" SEL("\"s\",\"ints\"") "]",
	  "[{\"rows\":[{\"ints\":[\"set\",[]],\"s\":\"x\"}]}]");
	/* Selected, then changed, then aborted by a failing operation. */
	T("[" SEL("\"s\"") ",{\"op\":\"update\",\"table\":\"Root\","
			   "\"where\":[],\"row\":{\"s\":\"y\"}},{\"op\":"
			   "\"abort\"}]",
	  "[{\"rows\":[{\"s\":\"x\"}]},{\"count\":1},"
	  "{\"details\":\"aborted by request\",\"error\":\"aborted\"}]");
	T("[" SEL("\"s\"") "]", "[{\"rows\":[{\"s\":\"x\"}]}]");
	T("[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],\"mutations\":"
	  "[[\"ints\",\"insert\",[\"set\",[7]]]]}]",
	  "[{\"count\":1}]");
	T("[" SEL("\"s\",\"ints\"") "]",
	  "[{\"rows\":[{\"ints\":7,\"s\":\"x\"}]}]");
#undef SEL
}

int
main(void)
{
	CHECK_RUN(test_refs_and_gc);
	CHECK_RUN(test_refs);
	CHECK_RUN(test_refs_inserted_deleted);
	CHECK_RUN(test_constraints);
	CHECK_RUN(test_index);
	CHECK_RUN(test_misc_ops);
	CHECK_RUN(test_execute_text);
	CHECK_RUN(test_select_cache);
	CHECK_RUN(test_shared_values);
	CHECK_RUN(test_storage);
	CHECK_RUN(test_storage_batching);
	CHECK_RUN(test_storage_write_behind);
	CHECK_RUN(test_storage_checkpoint);
	ovsdb_db_free(db);
	CHECK_EXIT();
}
