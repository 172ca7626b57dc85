/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replica: a monitor replica of one of dbserver's databases, kept over the
 * microvs bus, for our own processes (vswitchd, tunneld, vtepd).  It is
 * an asynchronous OVSDB client on the process's event loop: it opens a
 * persistent session on dbserver (BUS_MSG_OVSDB_CALL with a session id),
 * fetches the schema, asks for monitor_cond_since of the tables it is
 * given, and applies the update3 notifications dbserver publishes on its
 * .events socket.  Readers use the rows as dbserver does: a struct
 * ovsdb_db of lib/ovsdb (ovsdb_table, ovsdb_row, ovsdb_datum).
 *
 * Staying exact.  Notifications travel on a pub/sub socket that drops
 * messages for a slow subscriber, so the replica checks each one's
 * per-session sequence number, and the sequence number every reply
 * carries (a probe, "echo", runs every REPLICA_PROBE_MS so that a lost
 * last notification is noticed too).  On a gap it resynchronises with
 * monitor_cond_since from the last transaction id it applied: dbserver
 * sends what changed since (found), or the whole contents when that id
 * is too old (a full reload).  When the session is gone (dbserver
 * restarted: its calls answer -ENOENT, or time out) the replica opens a
 * new session, fetches the schema again and resynchronises the same way
 * (after a restart that is a full reload).  Between a loss and the
 * resync the rows stay as they were.
 *
 * Change tracking.  For every replicated table the replica records which
 * rows were inserted, modified (and which columns) and deleted since the
 * last replica_clear_changes(), against the contents the reader last saw:
 * a row inserted and deleted in between is not reported, a column that
 * changed and changed back is not, and a resync reports exactly what
 * differs, full reload or not.  A reconciler handles the changes from its
 * ops->changed callback (or later) and clears them.
 *
 * Not kept across a restart of the process that holds the replica: a new
 * process starts from scratch with the whole contents (resuming from a
 * saved transaction id is not implemented).
 *
 * Limit: a bus message holds at most 16 MiB (BUS_MAX_MSG), and the whole
 * contents come in one monitor reply; replicated tables and columns must
 * fit (tens of thousands of rows do), or the replica keeps retrying.
 *
 * Everything runs on the bus's event loop; no function blocks.
 */
#ifndef MICROVS_REPLICA_H
#define MICROVS_REPLICA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "ovsdb_db.h"

/* The probe's period, and how soon it runs again when a probe said that
 * notifications are still on their way (so that a lost one is noticed
 * within REPLICA_PROBE_MS + REPLICA_PROBE_RECHECK_MS).  Every replica of
 * every daemon probes: at 1 s the probes were half of an idle microvs's
 * CPU (bench/kmod/bench_kmod.sh --only idle: 7.7 % of a core against
 * 3.9 % at 5 s, Open vSwitch 2.0-3.6 %).  A dbserver restart is noticed
 * at once either way (the subscription's reconnection probes). */
#define REPLICA_PROBE_MS 5000
#define REPLICA_PROBE_RECHECK_MS 1000

struct replica;

/* A table to replicate and the columns to keep: a NULL-terminated list,
 * or NULL for every column.  Columns not kept hold their default value in
 * the replica's rows.  Names that the schema lacks are logged and
 * ignored. */
struct replica_table_spec {
	const char *table;
	const char *const *columns;
};

struct replica_ops {
	/* Required.  After each batch of changes was applied: one
	 * notification, or what a (re)synchronisation brought.  @reload:
	 * the contents were replaced wholesale (the first load, a resync
	 * that could not resume, or a new schema); the change lists still
	 * say exactly what differs from before.  May call any replica
	 * function except replica_close. */
	void (*changed)(void *aux, struct replica *r, bool reload);
	/* Optional.  The session was lost (dbserver restarted or does not
	 * answer); the rows stay as they were until the resync, which
	 * follows by itself and ends with changed(). */
	void (*disconnected)(void *aux, struct replica *r);
};

/* Starts replicating @n tables of database @db_name from dbserver over
 * @bus, a bus of the calling process opened on @loop (both must outlive
 * the replica).  @tables and its strings are copied; @ops is kept by
 * reference (a static table).  Returns 0 with *@rp set, or -EINVAL (no
 * tables, no changed callback) or -errno of the bus.  The first contents
 * arrive later, with changed(reload = true). */
int replica_open(struct ev_loop *loop, struct bus *bus, const char *db_name,
		 const struct replica_table_spec *tables, size_t n,
		 const struct replica_ops *ops, void *aux, struct replica **rp);

/* Stops and frees @r: closes its session on dbserver, calls no callback
 * (pending replica_transact callbacks are dropped), frees the rows.  The
 * bus subscription it used stays open, ignoring what arrives (the bus
 * cannot unsubscribe): open replicas once per process, not per change. */
void replica_close(struct replica *r);

/* ---- reading ---- */

/* True once the contents were loaded (they may be stale while
 * disconnected). */
bool replica_is_synced(const struct replica *r);
/* The rows: NULL before the first load.  Only tables given to
 * replica_open() have rows.  Owned by @r.  Rows are modified in place, so
 * a row pointer stays valid until the row is deleted (then the change
 * list holds a copy of it as last seen). */
struct ovsdb_db *replica_db(struct replica *r);
/* The table named @name, or NULL if it is not replicated or not loaded
 * yet. */
struct ovsdb_table *replica_table(struct replica *r, const char *name);
/* The datum of @column in @row (NULL if the table has no such column). */
const struct ovsdb_datum *replica_get(const struct ovsdb_row *row,
				      const char *column);
/* The first string of string column @column of @row ("" if none, or if
 * @row is NULL), and the value for @key of a string-to-string map column
 * (NULL if none).  Owned by the row. */
const char *replica_get_str(const struct ovsdb_row *row, const char *column);
const char *replica_get_map(const struct ovsdb_row *row, const char *column,
			    const char *key);

/* ---- change tracking ---- */

enum replica_change_kind { REPLICA_INSERT, REPLICA_MODIFY, REPLICA_DELETE };

struct replica_change {
	enum replica_change_kind kind;
	struct ovsdb_uuid uuid;
	/* The row now; NULL for REPLICA_DELETE. */
	const struct ovsdb_row *row;
	/* The row as it was at the last replica_clear_changes() (for
	 * MODIFY and DELETE; NULL for INSERT); owned by the replica. */
	const struct ovsdb_row *old;
	/* MODIFY: per column index, nonzero if the column differs between
	 * old and row; NULL otherwise. */
	const unsigned char *columns;
};

/* The changes to @table since the last clear, in the order the rows
 * first changed: the first (NULL if none, or not a replicated table),
 * then replica_change_next().  Valid until the next notification is
 * applied or the changes are cleared. */
const struct replica_change *replica_changes(const struct replica *r,
					     const char *table);
const struct replica_change *
replica_change_next(const struct replica_change *c);
size_t replica_n_changes(const struct replica *r, const char *table);
/* Forgets every recorded change: the contents now are what the reader
 * has seen. */
void replica_clear_changes(struct replica *r);

/* ---- writing ---- */

/* The answer to replica_transact(): @err 0 with the JSON-RPC "result"
 * (the array of operation results, which may hold an error object) or
 * "error" (the other one NULL; both borrowed for the call), or a negative
 * errno: -ECONNRESET (the session was lost: the transaction may or may
 * not have been committed), -ETIMEDOUT (no answer in 30 s), -EBADMSG.
 * May call any replica function except replica_close. */
typedef void replica_txn_fn(void *aux, int err, const json_t *result,
			    const json_t *error);

/* Sends "transact" with the operations @ops (a JSON array, reference
 * stolen; without the database name) on @r's session.  @cb runs once, on
 * the loop, never from inside this call, and only after the replica has
 * applied every notification dbserver published before its reply (or
 * resynchronised), so the replica already shows what the transaction
 * changed in the replicated tables and columns.  Returns 0, or
 * -ENOTCONN when @r is not live now (not synced yet, or resynchronising:
 * retry from changed()), or -errno of the bus; then @cb is not called.
 * The bus limits one message to 16 MiB, replies included. */
int replica_transact(struct replica *r, json_t *ops, replica_txn_fn *cb,
		     void *aux);

/* Helpers for @ops, each a new JSON object (an operation): */
/* ["uuid", U] */
json_t *replica_uuid_json(const struct ovsdb_uuid *uuid);
/* "update" of the row @uuid of @table with @row (column -> value, in
 * the wire format; reference stolen). */
json_t *replica_op_update(const char *table, const struct ovsdb_uuid *uuid,
			  json_t *row);
/* "mutate" of the row @uuid of @table with @mutations ([[column,
 * mutator, value]...]; reference stolen). */
json_t *replica_op_mutate(const char *table, const struct ovsdb_uuid *uuid,
			  json_t *mutations);
/* "wait" with timeout 0 that the row @uuid of @table has @column equal to
 * @value (reference stolen): the transaction fails unless the column
 * still holds what the caller based its change on (Open vSwitch's
 * verify()). */
json_t *replica_op_wait_eq(const char *table, const struct ovsdb_uuid *uuid,
			   const char *column, json_t *value);

/* ---- for tests and debugging ---- */

struct replica_stats {
	uint64_t sessions;	/* sessions opened (1 + reconnections) */
	uint64_t notifications; /* notifications applied */
	uint64_t resyncs;	/* monitor requests after the first */
	uint64_t reloads;	/* full reloads, the first load included */
	uint64_t gaps;		/* lost notifications detected */
	uint64_t resub_probes;	/* probes sent at once because the
				 * subscription reconnected */
};
void replica_get_stats(const struct replica *r, struct replica_stats *s);
/* Ignores the next @n notifications of @r's session as if the bus had
 * dropped them (tests the gap detection). */
void replica_test_drop(struct replica *r, unsigned n);

#endif
