/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_files_test: the files beside a database: the lock that keeps a
 * second writer out, links a role could plant at a database's name, and
 * the text of sets and maps in the file. */
#include "ovsdb_lockfile.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "ovsdb_storage.h"
#include "ovsdb_test_schema.h"

static char dir[] = "/tmp/ovsdb_files_test.XXXXXX";

static char *
at(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* In a child process: tries the lock on @db; exit 0 if it got it, 1 if
 * refused with the message naming @holder, 2 otherwise. */
static int
child_tries(const char *db, pid_t holder)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct ovsdb_lockfile *lf;
		struct ovsdb_error *e = NULL;
		int r = ovsdb_lockfile_lock(db, (uid_t)-1, (gid_t)-1, &lf, &e);
		if (!r)
			_exit(0);
		char *want = xasprintf("is held by pid %ld", (long)holder);
		bool ok = r == -EAGAIN && e && !strcmp(e->tag, "I/O error") &&
			  strstr(e->details, "failed to lock lockfile "
					     "(Resource temporarily "
					     "unavailable)") &&
			  strstr(e->details, want);
		if (!ok)
			fprintf(stderr, "child: %d %s\n", r,
				e && e->details ? e->details : "");
		_exit(ok ? 1 : 2);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_lock(void)
{
	char *db = at("conf.db"), *name = ovsdb_lockfile_name(db);
	struct ovsdb_lockfile *lf, *lf2;
	struct ovsdb_error *e = NULL;

	CHECK_STREQ(strrchr(name, '/'), "/.conf.db.~lock~");
	char *bare = ovsdb_lockfile_name("x.db");
	CHECK_STREQ(bare, ".x.db.~lock~");
	free(bare);

	/* The database need not exist. */
	CHECK_EQ(ovsdb_lockfile_lock(db, (uid_t)-1, (gid_t)-1, &lf, &e), 0);
	CHECK(access(name, F_OK) == 0);
	/* Twice in one process: refused, and the first stays held. */
	CHECK_EQ(ovsdb_lockfile_lock(db, (uid_t)-1, (gid_t)-1, &lf2, &e),
		 -EDEADLK);
	ovsdb_error_free(e);
	e = NULL;
	CHECK_EQ(child_tries(db, getpid()), 1);
	ovsdb_lockfile_unlock(lf);
	CHECK_EQ(child_tries(db, getpid()), 0);

	/* A holder killed by SIGKILL leaves no stale lock. */
	int go[2];
	CHECK_EQ(pipe(go), 0);
	pid_t holder = fork();
	if (holder == 0) {
		struct ovsdb_lockfile *mine;
		struct ovsdb_error *ce = NULL;
		char c = ovsdb_lockfile_lock(db, (uid_t)-1, (gid_t)-1, &mine,
					     &ce)
				 ? 'n'
				 : 'y';
		if (write(go[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c = 0;
	CHECK_EQ(read(go[0], &c, 1), 1);
	CHECK_EQ(c, 'y');
	CHECK_EQ(child_tries(db, holder), 1);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	CHECK_EQ(ovsdb_lockfile_lock(db, (uid_t)-1, (gid_t)-1, &lf, &e), 0);
	ovsdb_lockfile_unlock(lf);
	close(go[0]);
	close(go[1]);
	free(db);
	free(name);
}

static void
test_lock_link(void)
{
	char *db = at("linked.db"), *name = ovsdb_lockfile_name(db);
	char *victim = at("victim");
	struct ovsdb_lockfile *lf;
	struct ovsdb_error *e = NULL;
	FILE *f = fopen(victim, "w");

	fputs("v", f);
	fclose(f);
	CHECK_EQ(symlink(victim, name), 0);
	CHECK_EQ(ovsdb_lockfile_lock(db, (uid_t)-1, (gid_t)-1, &lf, &e),
		 -ELOOP);
	CHECK(e && strstr(e->details, "symbolic link"));
	ovsdb_error_free(e);
	free(db);
	free(name);
	free(victim);
}

static void
test_storage_no_link(void)
{
	struct ovsdb_schema *s = test_schema_parse();
	char *db = at("real.db"), *link = at("link.db");
	struct ovsdb_error *e = NULL;
	struct ovsdb_db *odb;

	CHECK_EQ(ovsdb_storage_create(db, s, &e), 0);
	CHECK_EQ(symlink(db, link), 0);
	CHECK_EQ(ovsdb_storage_open(link, false, &odb, &e), -ELOOP);
	CHECK(e && strstr(e->details, "symbolic link"));
	ovsdb_error_free(e);
	e = NULL;
	/* Links above the file are resolved: a directory reached through
	 * a link works. */
	char *dlink = at("dirlink"), *via = at("dirlink/real.db");
	CHECK_EQ(symlink(dir, dlink), 0);
	CHECK_EQ(ovsdb_storage_open(via, false, &odb, &e), 0);
	if (odb)
		ovsdb_db_free(odb);
	ovsdb_schema_free(s);
	free(db);
	free(link);
	free(dlink);
	free(via);
}

/* Sets and maps are stored as JSON text that sqlite3 users read (and
 * json_each queries): byte for byte what jansson's json_dumps() writes for
 * the tree (a set an array, a map with string keys an object, other maps
 * arrays of pairs, UUIDs plain strings), whatever writes it. */
static const char enc_schema[] =
	"{\"name\":\"E\",\"version\":\"1.0.0\",\"tables\":{"
	"\"T\":{\"isRoot\":true,\"columns\":{"
	"\"sm\":{\"type\":{\"key\":\"string\",\"value\":\"string\","
	"\"min\":0,\"max\":\"unlimited\"}},"
	"\"im\":{\"type\":{\"key\":\"integer\",\"value\":\"real\","
	"\"min\":0,\"max\":\"unlimited\"}},"
	"\"us\":{\"type\":{\"key\":\"uuid\",\"min\":0,"
	"\"max\":\"unlimited\"}},"
	"\"bs\":{\"type\":{\"key\":\"boolean\",\"min\":0,\"max\":2}},"
	"\"is\":{\"type\":{\"key\":\"integer\",\"min\":0,"
	"\"max\":\"unlimited\"}},"
	"\"e\":{\"type\":{\"key\":\"string\",\"min\":0,"
	"\"max\":\"unlimited\"}},"
	"\"name\":{\"type\":\"string\"}}}}}";

/* A new database @path with enc_schema (*@sp, caller frees), opened. */
static struct ovsdb_db *
open_enc_db(const char *path, struct ovsdb_schema **sp)
{
	json_t *sj = json_loads(enc_schema, 0, NULL);
	struct ovsdb_error *e = NULL;
	struct ovsdb_db *odb = NULL;

	CHECK_EQ(ovsdb_schema_from_json(sj, sp, &e), 0);
	json_decref(sj);
	CHECK_EQ(ovsdb_storage_create(path, *sp, &e), 0);
	CHECK_EQ(ovsdb_storage_open(path, false, &odb, &e), 0);
	return odb;
}

/* The stored text of column @col of the row of T named @name. */
static char *
stored_text(const char *path, const char *col, const char *name)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	char *sql = xasprintf("SELECT \"%s\" FROM T WHERE name = '%s'", col,
			      name),
	     *r = NULL;

	CHECK_EQ(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
		 SQLITE_OK);
	CHECK_EQ(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		r = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	free(sql);
	return r ? r : xstrdup("(no row)");
}

static void
check_stored_row(const char *path, const char *name, const char *col,
		 const char *tree)
{
	json_t *j = json_loads(tree, 0, NULL);
	char *want = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
	char *got = stored_text(path, col, name);

	if (strcmp(got, want))
		fprintf(stderr, "row %s column %s:\n", name, col);
	CHECK_STREQ(got, want);
	free(want);
	free(got);
	json_decref(j);
}

static void
check_stored(const char *path, const char *col, const char *tree)
{
	check_stored_row(path, "", col, tree);
}

/* Transacts @ops on @db; the result must not hold an error. */
static void
transact_ok(struct ovsdb_db *db, const char *ops)
{
	char *res = test_transact(db, ops);

	if (strstr(res, "error"))
		fprintf(stderr, "transact %s: %s\n", ops, res);
	CHECK(!strstr(res, "error"));
	free(res);
}

/* Rows written one after another, and updated column by column: each
 * write leaves every other value as it was (INSERT parameters stay bound
 * from row to row; UPDATEs set only what changed, with more sets of
 * changed columns than the statement cache holds). */
static void
test_storage_rows(void)
{
	static const char *const cols[] = { "sm", "im", "us", "bs", "is", "e" };
	static const char *const vals[] = {
		"[\"map\",[[\"k\",\"v\"]]]",
		"[\"map\",[[1,2.5]]]",
		"[\"uuid\",\"00000000-0000-0000-0000-000000000002\"]",
		"true",
		"[\"set\",[3,4]]",
		"\"w\""
	};
	static const char *const stored_vals[] = {
		"{\"k\":\"v\"}",
		"[[1,2.5]]",
		"[\"00000000-0000-0000-0000-000000000002\"]",
		"[true]",
		"[3,4]",
		"[\"w\"]"
	};
	struct ovsdb_schema *s = NULL;
	struct ovsdb_error *e = NULL;
	char *db = at("rows.db");
	struct ovsdb_db *odb = open_enc_db(db, &s);

	if (!odb)
		return;
	transact_ok(odb, "[{\"op\":\"insert\",\"table\":\"T\",\"row\":"
			 "{\"name\":\"a\",\"e\":\"x\",\"sm\":[\"map\","
			 "[[\"p\",\"q\"]]]}},"
			 "{\"op\":\"insert\",\"table\":\"T\",\"row\":"
			 "{\"name\":\"b\"}},"
			 "{\"op\":\"insert\",\"table\":\"T\",\"row\":"
			 "{\"name\":\"c\",\"e\":\"y\"}}]");
	transact_ok(odb, "[{\"op\":\"insert\",\"table\":\"T\",\"row\":"
			 "{\"name\":\"d\"}}]");
	check_stored_row(db, "a", "e", "[\"x\"]");
	check_stored_row(db, "a", "sm", "{\"p\":\"q\"}");
	check_stored_row(db, "b", "e", "[]");
	check_stored_row(db, "b", "sm", "{}");
	check_stored_row(db, "c", "e", "[\"y\"]");
	check_stored_row(db, "c", "sm", "{}");
	check_stored_row(db, "d", "e", "[]");
	/* Row b, one column per transaction, twice round. */
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
			char *ops = xasprintf(
				"[{\"op\":\"update\",\"table\":\"T\","
				"\"where\":[[\"name\",\"==\",\"b\"]],"
				"\"row\":{\"%s\":%s}}]",
				cols[i], round ? "[\"set\",[]]" : vals[i]);
			if (round && !strcmp(cols[i], "sm"))
				strcpy(strstr(ops, "[\"set\",[]]"),
				       "[\"map\",[]]}}]");
			else if (round && !strcmp(cols[i], "im"))
				strcpy(strstr(ops, "[\"set\",[]]"),
				       "[\"map\",[]]}}]");
			transact_ok(odb, ops);
			free(ops);
			for (size_t k = 0; k < ARRAY_SIZE(cols); k++) {
				bool set = round ? k > i : true;
				bool map = k == 0; /* string keys */
				check_stored_row(db, "b", cols[k],
						 set && (round || k <= i)
							 ? stored_vals[k]
						 : map ? "{}"
						       : "[]");
			}
			check_stored_row(db, "a", "e", "[\"x\"]");
			check_stored_row(db, "a", "sm", "{\"p\":\"q\"}");
		}
	ovsdb_db_free(odb);
	CHECK_EQ(ovsdb_storage_open(db, false, &odb, &e), 0);
	if (odb)
		ovsdb_db_free(odb);
	ovsdb_schema_free(s);
	free(db);
}

static void
test_storage_encoding(void)
{
	struct ovsdb_schema *s = NULL;
	struct ovsdb_error *e = NULL;
	char *db = at("enc.db"), *res;
	struct ovsdb_db *odb = open_enc_db(db, &s);

	if (!odb)
		return;
	res = test_transact(
		odb, "[{\"op\":\"insert\",\"table\":\"T\",\"row\":{"
		     "\"sm\":[\"map\",[[\"a\\\"b\",\"x\\n\\u001f\\\\\"],"
		     "[\"k\",\"caf\u00e9 \u2603\"],[\"t\",\"\\t\\r\\b\\f/\"]]],"
		     "\"im\":[\"map\",[[-3,0.5],[7,1e300],[12,-2.0],[9,0.1]]],"
		     "\"us\":[\"set\",[[\"uuid\","
		     "\"6c0e3a1e-0c0d-4b33-9d5a-1f1b0f8f5b7a\"],[\"uuid\","
		     "\"00000000-0000-0000-0000-000000000001\"]]],"
		     "\"bs\":[\"set\",[true,false]],"
		     "\"is\":[\"set\",[-9223372036854775808,0,"
		     "9223372036854775807,42]],\"name\":\"\"}}]");
	if (!strstr(res, "\"uuid\""))
		fprintf(stderr, "transact: %s\n", res);
	CHECK(strstr(res, "\"uuid\"") != NULL);
	free(res);
	ovsdb_db_free(odb);
	check_stored(db, "sm",
		     "{\"a\\\"b\":\"x\\n\\u001f\\\\\","
		     "\"k\":\"caf\u00e9 \u2603\",\"t\":\"\\t\\r\\b\\f/\"}");
	check_stored(db, "im", "[[-3,0.5],[7,1e300],[9,0.1],[12,-2.0]]");
	check_stored(db, "us",
		     "[\"00000000-0000-0000-0000-000000000001\","
		     "\"6c0e3a1e-0c0d-4b33-9d5a-1f1b0f8f5b7a\"]");
	check_stored(db, "bs", "[false,true]");
	check_stored(db, "is",
		     "[-9223372036854775808,0,42,9223372036854775807]");
	check_stored(db, "e", "[]");
	/* And it reads back. */
	CHECK_EQ(ovsdb_storage_open(db, false, &odb, &e), 0);
	if (odb)
		ovsdb_db_free(odb);
	ovsdb_schema_free(s);
	free(db);
}

int
main(void)
{
	check_tmpdir(dir);
	CHECK_RUN(test_lock);
	CHECK_RUN(test_lock_link);
	CHECK_RUN(test_storage_no_link);
	CHECK_RUN(test_storage_encoding);
	CHECK_RUN(test_storage_rows);
	check_tmpdir_remove(dir);
	CHECK_EXIT();
}
