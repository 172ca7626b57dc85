/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_db: an open OVSDB database: the schema, the in-memory rows of every
 * table (hashed by UUID; reads and conditions never go through SQL), the
 * SQLite storage behind it, and transactions.
 *
 * A transaction changes rows in place and records the original of every
 * row it touches, so an abort (or a failed commit) restores them.  On
 * commit it checks referential integrity, collects garbage, checks maxRows
 * and unique indexes, writes every change to SQLite in one SQLite
 * transaction, then calls the commit hook (monitors) with old and new rows.
 */
#ifndef MICROVS_OVSDB_DB_H
#define MICROVS_OVSDB_DB_H

#include "ovsdb_datum.h"
#include "ovsdb_schema.h"

struct ovsdb_storage;
struct ovsdb_txn;

struct ovsdb_row {
	struct hnode node; /* in table->rows, hash of the UUID */
	struct ovsdb_table *table;
	unsigned n_refs;	       /* strong references from other rows */
	struct ovsdb_txn_row *txn_row; /* set while a transaction holds it */
	int64_t rowid; /* SQLite rowid in the storage, 0: none yet */
	/* ovsdb_row_to_json_cached(): the last JSON made for the columns in
	 * json_cols, kept while no transaction holds the row (a transaction
	 * drops it when it starts to modify the row). */
	json_t *json;
	uint64_t json_cols;
	struct ovsdb_datum
		fields[]; /* one per column; [0] _uuid, [1] _version */
};

static inline const struct ovsdb_uuid *
ovsdb_row_uuid(const struct ovsdb_row *r)
{
	return &r->fields[OVSDB_COL_UUID].keys[0].u;
}

struct ovsdb_table {
	const struct ovsdb_table_schema *schema;
	struct ovsdb_db *db;
	struct hmap rows;
};

/* One row touched by a transaction.  old: the committed row before the
 * transaction (NULL if inserted); new: the row now (NULL if deleted).
 *
 * A modified row is changed in place (new_ is the table's row) and old
 * starts as a shallow copy sharing every value with it: a commit that
 * changes next_cfg in a row of forty columns copies one value, not forty.
 * own_old says which values old owns; a column is copied for new_ the
 * first time something writes it (ovsdb_txn_write_column).  NULL: old
 * owns all of its values. */
struct ovsdb_txn_row {
	struct hnode node; /* in txn->rows by UUID */
	struct ovsdb_txn_row *next_in_order;
	struct ovsdb_table *table;
	struct ovsdb_uuid uuid;
	struct ovsdb_row *old, *new_;
	unsigned char *own_old; /* per column: old owns its value */
	/* Per column, filled at commit; NULL for a row inserted or deleted
	 * (every column). */
	unsigned char *changed;
};

typedef void ovsdb_commit_hook(void *aux, struct ovsdb_db *db,
			       const struct ovsdb_txn *txn);

struct ovsdb_db {
	struct ovsdb_schema *schema;
	struct ovsdb_table *tables;    /* schema->n_tables */
	struct ovsdb_storage *storage; /* NULL: in memory only */
	struct ovsdb_txn *txn;	       /* the open transaction, if any */
	uint64_t n_commits;
	ovsdb_commit_hook *hook;
	void *hook_aux;
};

/* Creates an empty in-memory database for @schema (takes ownership). */
struct ovsdb_db *ovsdb_db_new(struct ovsdb_schema *schema);
void ovsdb_db_free(struct ovsdb_db *db);
struct ovsdb_table *ovsdb_db_find_table(struct ovsdb_db *db, const char *name);
static inline struct ovsdb_table *
ovsdb_db_table(struct ovsdb_db *db, const struct ovsdb_table_schema *ts)
{
	return &db->tables[ts->index];
}

/* Rows. */
struct ovsdb_row *ovsdb_row_new(struct ovsdb_table *t,
				const struct ovsdb_uuid *uuid);
/* The same, but the columns marked in @given (by column index, from 2 on;
 * NULL: none) are left empty instead of holding their defaults: the
 * caller sets them. */
struct ovsdb_row *ovsdb_row_new_given(struct ovsdb_table *t,
				      const struct ovsdb_uuid *uuid,
				      const unsigned char *given);
struct ovsdb_row *ovsdb_row_clone(const struct ovsdb_row *r);
/* A copy of @r sharing its values (no row of its own until a transaction
 * makes it one: see struct ovsdb_txn_row). */
struct ovsdb_row *ovsdb_row_clone_shallow(const struct ovsdb_row *r);
void ovsdb_row_free(struct ovsdb_row *r);
/* Frees @r and those of its values @owned flags (NULL: all of them). */
void ovsdb_row_free_owned(struct ovsdb_row *r, const unsigned char *owned);
struct ovsdb_row *ovsdb_table_find_row(const struct ovsdb_table *t,
				       const struct ovsdb_uuid *uuid);
/* Adds @r to @t without any transaction (loading, tests). */
void ovsdb_table_put_row(struct ovsdb_table *t, struct ovsdb_row *r);
/* JSON object of the columns flagged in @cols (NULL: all). */
json_t *ovsdb_row_to_json(const struct ovsdb_row *r, const unsigned char *cols);
/* The same as a new reference, reused from the row's cache when the same
 * columns were asked for since the row last changed: a select of
 * thousands of rows mostly returns rows that did not change.  Callers
 * must not modify the result. */
json_t *ovsdb_row_to_json_cached(struct ovsdb_row *r,
				 const unsigned char *cols);
/* Hash and equality of rows by their values in the columns of the unique
 * index @ix (of their table). */
uint32_t ovsdb_row_index_hash(const struct ovsdb_row *r,
			      const struct ovsdb_index *ix);
bool ovsdb_row_index_equal(const struct ovsdb_row *a, const struct ovsdb_row *b,
			   const struct ovsdb_index *ix);

/* Transactions (at most one open per database). */
struct ovsdb_txn *ovsdb_txn_begin(struct ovsdb_db *db);
void ovsdb_txn_abort(struct ovsdb_txn *txn);
/* Checks the transaction and makes it durable.  On failure the database
 * is as before and *@errp says why (refint, constraints, I/O).  @durable
 * asks for fsync.  Frees @txn either way. */
int ovsdb_txn_commit(struct ovsdb_txn *txn, bool durable,
		     struct ovsdb_error **errp);
/* Inserts a new row (ovsdb_row_new_given: the columns in @given are the
 * caller's to set). */
struct ovsdb_row *ovsdb_txn_insert(struct ovsdb_txn *txn, struct ovsdb_table *t,
				   const struct ovsdb_uuid *uuid,
				   const unsigned char *given);
/* Makes @r writable (records its original); returns @r.  Before changing
 * any value of it, call ovsdb_txn_write_column. */
struct ovsdb_row *ovsdb_txn_modify(struct ovsdb_txn *txn, struct ovsdb_row *r);
/* Call before changing column @c of @r, a row ovsdb_txn_modify returned
 * or ovsdb_txn_insert made: gives @r a value of its own that the
 * original does not share.  Cheap when it already has one. */
void ovsdb_txn_write_column(struct ovsdb_row *r, unsigned c);
void ovsdb_txn_delete(struct ovsdb_txn *txn, struct ovsdb_row *r);
/* True if a row @uuid that existed before this transaction was deleted by
 * it (a row the transaction both inserted and deleted never existed). */
bool ovsdb_txn_was_deleted(const struct ovsdb_txn *txn,
			   const struct ovsdb_uuid *uuid);
/* First changed row in commit order (for hooks); next via ->next_in_order. */
const struct ovsdb_txn_row *ovsdb_txn_first(const struct ovsdb_txn *txn);
/* Transaction id of the commit being reported to the hook. */
const struct ovsdb_uuid *ovsdb_txn_id(const struct ovsdb_txn *txn);

/* Executes a "transact" request's operations (the params after the
 * database name) and returns the result array (new reference).
 * -EAGAIN: a "wait" is not yet satisfied; nothing was done and
 * *@wait_ms says how long the caller may wait for a change before
 * retrying (UINT64_MAX: forever). */
struct ovsdb_exec_ctx {
	/* True if the session holds lock @name (NULL: no locks held). */
	bool (*lock_held)(void *aux, const char *name);
	void *aux;
	uint64_t elapsed_ms; /* since the request arrived */
	bool read_only;
};
int ovsdb_execute(struct ovsdb_db *db, const json_t *ops,
		  const struct ovsdb_exec_ctx *ctx, json_t **resultp,
		  uint64_t *wait_ms);
/* The same, with the result array appended to @out as the text
 * json_fast_dump() writes for ovsdb_execute's array, byte for byte, but
 * without building it (an insert's result is written straight from its
 * row).  -EAGAIN as above (@out unchanged); -EINVAL if a result cannot
 * be written as JSON (a string that is not UTF-8...): the transaction
 * was run all the same, and @out holds part of the text. */
int ovsdb_execute_text(struct ovsdb_db *db, const json_t *ops,
		       const struct ovsdb_exec_ctx *ctx, struct ds *out,
		       uint64_t *wait_ms);

#endif
