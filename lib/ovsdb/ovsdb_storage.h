/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_storage: the SQLite file behind a database.  One SQLite table per
 * OVSDB table (_uuid TEXT, _version TEXT, scalar columns as
 * INTEGER/REAL/TEXT, sets and maps as JSON text: sets as arrays, maps with
 * string keys as objects, other maps as arrays of [key, value]), plus the
 * table _microvs_meta holding the schema JSON.
 *
 * Rows are addressed by SQLite rowid, which each in-memory row remembers
 * (ovsdb_row.rowid): new rows append at the end of their table's b-tree
 * and there is no index on _uuid to keep up, so a commit dirties few
 * pages.  (Files made before this layout have "_uuid TEXT PRIMARY KEY";
 * they work the same, with the index.)  An update rewrites only the
 * columns the transaction changed.  WAL mode; every OVSDB
 * commit is one SQLite transaction, fsynced when the client asked for a
 * durable commit.  Ephemeral columns are not stored.
 *
 * Group commit: with batching on (a server), several OVSDB commits share
 * one SQLite transaction, opened by the first write (which takes SQLite's
 * write lock) and committed by ovsdb_storage_flush.  The rows are written
 * at the flush, in their state then: a row that several commits of the
 * batch changed is written once, with the union of their changed columns.
 * Until that flush returned 0 the writes are not durable, and the caller
 * must not reveal them to anyone.
 */
#ifndef MICROVS_OVSDB_STORAGE_H
#define MICROVS_OVSDB_STORAGE_H

#include "ovsdb_db.h"

struct ovsdb_storage;

/* Creates a new database file at @path for @schema (with no rows).
 * -EEXIST if @path exists; other -errno or -EIO with *@errp. */
int ovsdb_storage_create(const char *path, const struct ovsdb_schema *schema,
			 struct ovsdb_error **errp);
/* Opens @path, loads every row, checks the whole database against its
 * schema (ovsdb_check.h: a damaged file is refused, *@errp naming
 * database, table, row and column) and attaches the storage to the
 * returned database.  @read_only: no writes allowed.  0 or -errno
 * (-EINVAL for bad contents) with *@errp. */
int ovsdb_storage_open(const char *path, bool read_only, struct ovsdb_db **dbp,
		       struct ovsdb_error **errp);
/* Checks the file at @path without changing it: SQLite's own
 * integrity_check (pages, b-trees), then the load and checks of
 * ovsdb_storage_open.  0, -EIO (SQLite damage), -EINVAL (bad contents)
 * or another -errno, with *@errp.  Reads the whole file. */
int ovsdb_storage_check(const char *path, struct ovsdb_error **errp);
/* Reads only the schema of @path.  0 or -errno with *@errp. */
int ovsdb_storage_read_schema(const char *path, struct ovsdb_schema **sp,
			      struct ovsdb_error **errp);
/* Commits a pending batch (a failure is logged) and closes the file. */
void ovsdb_storage_close(struct ovsdb_storage *st);
const char *ovsdb_storage_path(const struct ovsdb_storage *st);
/* Writes the changes of @txn: without batching in a SQLite transaction of
 * its own, committed before returning; with batching, notes them in the
 * open batch (opening it if needed), to be written and committed by the
 * next flush, which reads the rows from @txn's database then.  0 or -EIO
 * (or -EROFS) with *@errp; then nothing of @txn is stored (with batching
 * that happens only when the batch cannot be opened). */
int ovsdb_storage_write(struct ovsdb_storage *st, struct ovsdb_db *db,
			const struct ovsdb_txn *txn, bool durable,
			struct ovsdb_error **errp);
/* Turns batching on or off (off: the default; turning it off flushes). */
void ovsdb_storage_set_batching(struct ovsdb_storage *st, bool on);
/* True if a batch holds writes not yet committed. */
bool ovsdb_storage_pending(const struct ovsdb_storage *st);
/* Writes the rows of the open batch, if any, and commits it (fsynced if
 * any write in it was durable).  0, or -EIO with *@errp: the batch is
 * lost (rolled back), so the caller's in-memory state is ahead of the
 * file.  No transaction of the database may be open.  Never blocks on
 * other processes for more than the busy timeout (5 s). */
int ovsdb_storage_flush(struct ovsdb_storage *st, struct ovsdb_error **errp);
/* With batching on, SQLite does not checkpoint its WAL into the file at
 * a COMMIT (that is a few fsyncs, which would delay the answers waiting
 * for that commit): the caller calls this after it sent them.  It
 * checkpoints (PASSIVE: what readers still use is left for the next
 * time) once the WAL holds 1,000 frames or more, else does nothing.  0,
 * or -EIO if the checkpoint failed (the WAL then just keeps the data;
 * nothing is lost).  Blocks on the disk (fsync). */
int ovsdb_storage_checkpoint(struct ovsdb_storage *st);
/* Flushes, then rewrites the file compactly (VACUUM, WAL checkpoint).
 * 0 or -EIO. */
int ovsdb_storage_compact(struct ovsdb_storage *st, struct ovsdb_error **errp);
/* Writes all of @db (any schema) as a fresh file at @path, replacing it
 * atomically (temporary file + rename).  Used by convert. */
int ovsdb_storage_save_as(struct ovsdb_db *db, const char *path,
			  struct ovsdb_error **errp);

#endif
