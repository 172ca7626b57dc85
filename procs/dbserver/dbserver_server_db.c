/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_server_db: the read-only _Server database (table Database, one
 * row per served database) that clients such as the C and Python IDLs
 * monitor to learn each database's model and schema.  It is an ordinary
 * in-memory ovsdb_db, so monitors of it work like any other.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>

#include "log.h"

LOG_MODULE(dbserver_server_db);

static const char server_schema[] =
	"{\"name\":\"_Server\",\"version\":\"1.2.0\","
	"\"cksum\":\"3009684573 744\",\"tables\":{\"Database\":{\"columns\":{"
	"\"name\":{\"type\":\"string\"},"
	"\"model\":{\"type\":{\"key\":{\"type\":\"string\",\"enum\":[\"set\","
	"[\"clustered\",\"relay\",\"standalone\"]]}}},"
	"\"connected\":{\"type\":\"boolean\"},"
	"\"leader\":{\"type\":\"boolean\"},"
	"\"schema\":{\"type\":{\"min\":0,\"key\":\"string\"}},"
	"\"sid\":{\"type\":{\"min\":0,\"key\":\"uuid\"}},"
	"\"cid\":{\"type\":{\"min\":0,\"key\":\"uuid\"}},"
	"\"index\":{\"type\":{\"min\":0,\"key\":\"integer\"}}}}}}";

int
dbserver_server_db_create(struct dbserver *srv)
{
	struct ovsdb_schema *schema;
	struct ovsdb_error *e = NULL;
	json_t *j = json_loads(server_schema, 0, NULL);
	int r = ovsdb_schema_from_json(j, &schema, &e);
	json_decref(j);
	if (r) {
		log_err("_Server schema: %s", e ? e->details : "?");
		ovsdb_error_free(e);
		return r;
	}
	srv->server_db = dbserver_add_memory_db(srv, ovsdb_db_new(schema));
	dbserver_server_db_update(srv);
	return 0;
}

void
dbserver_server_db_update(struct dbserver *srv)
{
	json_t *ops = json_array();
	json_array_append_new(
		ops, json_pack("{ssss}", "op", "delete", "table", "Database"));
	json_object_set_new(json_array_get(ops, 0), "where", json_array());
	for (size_t i = 0; i < srv->n_dbs; i++) {
		struct dbserver_db *db = srv->dbs[i];
		json_t *sj = ovsdb_schema_to_json(db->db->schema);
		char *schema = json_dumps(sj, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(sj);
		json_t *row = json_pack("{sssssbsbss}", "name", db->name,
					"model", "standalone", "connected", 1,
					"leader", 1, "schema", schema);
		free(schema);
		json_array_append_new(ops, json_pack("{sssssO}", "op", "insert",
						     "table", "Database", "row",
						     row));
		json_decref(row);
	}
	json_t *result = NULL;
	uint64_t wait;
	ovsdb_execute(srv->server_db->db, ops, NULL, &result, &wait);
	json_decref(result);
	json_decref(ops);
}
