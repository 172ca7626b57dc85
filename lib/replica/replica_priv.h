/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replica_priv: what the files of lib/replica share: the replica itself
 * (replica.c: session, monitor, gaps, transactions) and its tables with
 * their change lists (replica_rows.c: applying updates to the rows).
 */
#ifndef MICROVS_REPLICA_PRIV_H
#define MICROVS_REPLICA_PRIV_H

#include "list.h"
#include "replica.h"

/* A recorded change (the public part first). */
struct rchange {
	struct replica_change pub;
	struct rtable *table;
	struct hnode node;	   /* rtable.changes, by UUID */
	struct list_node order;	   /* rtable.order */
	struct ovsdb_row *old_row; /* pub.old, owned */
	unsigned char *cols;	   /* pub.columns (MODIFY), owned */
};

/* A replicated table: what replica_open() asked for, and, once the schema
 * is known, where it is and the changes recorded for it. */
struct rtable {
	char *name;
	char **columns; /* NULL-terminated copy, or NULL: every column */
	const struct ovsdb_table_schema *ts; /* NULL: unbound or missing */
	unsigned char *kept;		     /* per column index */
	struct ovsdb_type *diff_types; /* per column: how "modify" sends it */
	struct hmap changes;	       /* struct rchange */
	struct list_node order;	       /* struct rchange, by first change */
	size_t n_changes;
};

/* replica_rows.c */
/* Resolves the tables against @db's schema (missing names are logged and
 * skipped).  The change lists must be empty. */
void rtables_bind(struct rtable *ts, size_t n, struct ovsdb_db *db);
/* Forgets the binding (the schema is about to go). */
void rtables_unbind(struct rtable *ts, size_t n);
void rtables_destroy(struct rtable *ts, size_t n);
/* The monitor requests for monitor_cond_since (new reference). */
json_t *rtables_monitor_requests(const struct rtable *ts, size_t n);
/* Applies update2-format @updates ({table: {uuid: {"initial"|"insert"|
 * "modify"|"delete": ...}}}) to @db, recording changes.  With @reload,
 * @updates is the whole contents: rows it lacks are deleted.  0, or
 * -EBADMSG for something malformed (logged; what was applied stays, the
 * caller resyncs). */
int rtables_apply(struct rtable *ts, size_t n, struct ovsdb_db *db,
		  const json_t *updates, bool reload);
struct rtable *rtables_find(struct rtable *ts, size_t n, const char *name);
void rtable_clear_changes(struct rtable *t);

#endif
