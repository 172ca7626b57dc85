/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_appctl: the ovsdb-server/... unixctl commands as plain
 * functions returning text, for the appctl framework to register.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb_storage.h"

int
dbserver_cmd_list_dbs(struct dbserver *srv, struct ds *out)
{
	for (size_t i = 0; i < srv->n_dbs; i++)
		ds_printf(out, "%s\n", srv->dbs[i]->name);
	return 0;
}

int
dbserver_cmd_add_remote(struct dbserver *srv, const char *target,
			struct ds *out)
{
	char *err = NULL;
	int r = dbserver_remote_add(srv, target, false, &err);
	if (r)
		ds_printf(out, "%s\n", err ? err : target);
	free(err);
	return r;
}

int
dbserver_cmd_remove_remote(struct dbserver *srv, const char *target,
			   struct ds *out)
{
	int r = dbserver_remote_remove(srv, target);
	if (r)
		ds_printf(out, "can't find remote \"%s\"\n", target);
	return r;
}

int
dbserver_cmd_list_remotes(struct dbserver *srv, struct ds *out)
{
	dbserver_remotes_list(srv, out);
	return 0;
}

int
dbserver_cmd_compact(struct dbserver *srv, const char *db_name, struct ds *out)
{
	bool any = false;
	for (size_t i = 0; i < srv->n_dbs; i++) {
		struct dbserver_db *db = srv->dbs[i];
		if ((db_name && strcmp(db_name, db->name)) || !db->db->storage)
			continue;
		any = true;
		struct ovsdb_error *e = NULL;
		int r = ovsdb_storage_compact(db->db->storage, &e);
		if (r) {
			ds_printf(out, "%s: %s\n", db->name,
				  e && e->details ? e->details : "failed");
			ovsdb_error_free(e);
			return r;
		}
	}
	if (db_name && !any) {
		ds_printf(out, "%s: unknown database\n", db_name);
		return -ENOENT;
	}
	return 0;
}

int
dbserver_cmd_memory(struct dbserver *srv, struct ds *out)
{
	size_t rows = 0, cells = 0;
	for (size_t i = 0; i < srv->n_dbs; i++) {
		struct ovsdb_db *db = srv->dbs[i]->db;
		for (unsigned t = 0; t < db->schema->n_tables; t++) {
			rows += db->tables[t].rows.n;
			cells += db->tables[t].rows.n *
				 (db->schema->tables[t].n_columns - 2);
		}
	}
	size_t sessions = list_size(&srv->sessions);
	ds_printf(out,
		  "cells:%zu monitors:%zu rows:%zu sessions:%zu "
		  "txns:%llu\n",
		  cells, dbserver_monitor_count(srv), rows, sessions,
		  (unsigned long long)srv->n_txns);
	return 0;
}
