/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_db: the ctl tools' view of one OVSDB database.  The schema comes
 * from get_schema; a table's rows are fetched with one `select` the first
 * time a command touches the table, so start-up costs only what the
 * commands need.  Commands read and change rows in this cache; commit
 * turns the changes into one `transact` (insert with named UUIDs, update
 * of the written columns, delete) and reports the server's verdict.
 */
#ifndef MICROVS_DBCTL_DB_H
#define MICROVS_DBCTL_DB_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ovsdb_datum.h"
#include "hmap.h"
#include "ovsdb_schema.h"

struct dbctl_conn;
struct dbctl_table;

struct dbctl_row {
	struct dbctl_table *table;
	struct hnode by_uuid;	 /* in dbctl_db's by_uuid index */
	struct ovsdb_uuid uuid;	 /* provisional for inserted rows */
	struct ovsdb_datum *cur; /* one per schema column */
	bool *dirty;		 /* column written in this transaction */
	bool inserted;
	bool deleted;
	bool explicit_uuid; /* insert with a caller-chosen UUID */
	int op_index;	    /* index of its insert op, -1 */
	json_t *mutations;  /* pending [col, mutator, value], or NULL */
};

struct dbctl_table {
	struct dbctl_db *db;
	const struct ovsdb_table_schema *ts;
	struct hmap col_index; /* column names -> index (struct col_entry) */
	bool *col_loaded;      /* fetched from the server (once loaded) */
	struct dbctl_col_entry *col_entries;
	/* dbctl_col() memo, by the address of the name asked for (callers
	 * mostly pass literals); checked by comparing the name. */
	struct {
		const char *asked;
		int index;
	} col_memo[16];
	bool loaded;
	struct dbctl_row **rows;
	size_t n_rows, cap;
};

struct dbctl_db {
	struct dbctl_conn *conn;
	char *name;
	struct ovsdb_schema *schema;
	struct dbctl_table *tables; /* parallel to schema->tables */
	struct hmap by_uuid;	    /* every cached row, by UUID */
};

/* Fetches the schema of database @name over @conn.  0 or -errno; on a
 * server error *@errmsg (caller frees) says why. */
int dbctl_db_open(struct dbctl_conn *conn, const char *name,
		  struct dbctl_db **dbp, char **errmsg);
void dbctl_db_close(struct dbctl_db *db);

/* The table named exactly @name (NULL if none), loaded on first use.
 * A load failure is fatal (reported through dbctl_fatal()). */
struct dbctl_table *dbctl_db_table(struct dbctl_db *db, const char *name);
/* Loads the named tables (NULL-terminated list) that are not cached yet
 * with one transaction.  A name "Table:col1,col2" fetches only those
 * columns (and _uuid); any other column is fetched for the whole table the
 * first time it is read.  Failures are fatal. */
void dbctl_db_prefetch(struct dbctl_db *db, const char *const *names);
/* Drops @t's cached rows so the next access fetches them again.  Only for
 * tables this transaction has not changed; row pointers become invalid. */
void dbctl_table_forget(struct dbctl_table *t);
/* Makes sure @t's rows are in the cache. */
void dbctl_table_load(struct dbctl_db *db, struct dbctl_table *t);

/* Column index of @name in @t (exact), or -1. */
int dbctl_col(const struct dbctl_table *t, const char *name);
const struct ovsdb_type *dbctl_col_type(const struct dbctl_table *t, int col);

/* Row by UUID in any loaded table of the schema (loads the reference
 * target table if @t is given), skipping deleted rows. */
struct dbctl_row *dbctl_row_find(struct dbctl_db *db, struct dbctl_table *t,
				 const struct ovsdb_uuid *u);
/* Inserts a new row with default values; @uuid NULL draws a provisional
 * one. */
struct dbctl_row *dbctl_row_insert(struct dbctl_db *db, struct dbctl_table *t,
				   const struct ovsdb_uuid *uuid);
void dbctl_row_delete(struct dbctl_row *r);
/* Gives @r the UUID @u (its _uuid column and the UUID index follow). */
void dbctl_row_set_uuid(struct dbctl_row *r, const struct ovsdb_uuid *u);

const struct ovsdb_datum *dbctl_row_get(const struct dbctl_row *r, int col);
/* Replaces column @col with @d (moved; @d is left empty). */
void dbctl_row_set(struct dbctl_row *r, int col, struct ovsdb_datum *d);

/* Changes column @col by mutation (@mutator "insert" or "delete" with
 * @arg of type @argt), sent as a "mutate" operation so the server checks
 * the result; the cache is updated to @result (moved).  Rows inserted by
 * this transaction are simply rewritten. */
void dbctl_row_mutate(struct dbctl_db *db, struct dbctl_row *r, int col,
		      const char *mutator, const struct ovsdb_datum *arg,
		      const struct ovsdb_type *argt,
		      struct ovsdb_datum *result);

/* Convenience accessors by column name (the column must exist). */
const struct ovsdb_datum *dbctl_get(const struct dbctl_row *r, const char *col);
const char *dbctl_get_str(const struct dbctl_row *r, const char *col);
void dbctl_set_str(struct dbctl_row *r, const char *col, const char *s);
void dbctl_set_int(struct dbctl_row *r, const char *col, int64_t v);
void dbctl_set_bool(struct dbctl_row *r, const char *col, bool v);
void dbctl_clear(struct dbctl_row *r, const char *col);
/* Adds/removes a UUID to/from a set-of-references column. */
void dbctl_ref_add(struct dbctl_row *r, const char *col,
		   const struct ovsdb_uuid *u);
void dbctl_ref_del(struct dbctl_row *r, const char *col,
		   const struct ovsdb_uuid *u);
/* Sets or deletes (@v NULL) a key of a string map column. */
void dbctl_map_set(struct dbctl_row *r, const char *col, const char *k,
		   const char *v);
const char *dbctl_map_get(const struct dbctl_row *r, const char *col,
			  const char *k);

/* True if the cache holds changes to commit. */
bool dbctl_db_changed(const struct dbctl_db *db);

/* Commits the changes plus @extra_ops (array, reference stolen, may be
 * NULL) in one transaction.  On success *@results is the result array
 * (new reference); inserted rows get their final UUID.  Returns 0,
 * -EPROTO with *@errjson (compact JSON text, caller frees) when the server
 * refused, or -errno for a connection failure. */
int dbctl_db_commit(struct dbctl_db *db, json_t *extra_ops, json_t **results,
		    char **errjson);

/* Wire JSON for @d, with inserted rows as ["named-uuid", N]. */
json_t *dbctl_datum_to_json(struct dbctl_db *db, const struct ovsdb_datum *d,
			    const struct ovsdb_type *t);

/* Runs one transact with @ops (stolen); 0 with *@results, -EPROTO with
 * *@errjson, or -errno. */
int dbctl_db_transact(struct dbctl_db *db, json_t *ops, json_t **results,
		      char **errjson);

#endif
