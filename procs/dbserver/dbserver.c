/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver: start and stop, the set of open databases, and what happens
 * after each commit (monitor updates now; retrying waiting transactions
 * and re-reading db: remotes from the loop, outside the commit).
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ovsdb_storage.h"

LOG_MODULE(dbserver);

struct dbserver_db *
dbserver_find_db(struct dbserver *srv, const char *name)
{
	for (size_t i = 0; i < srv->n_dbs; i++)
		if (!strcmp(srv->dbs[i]->name, name))
			return srv->dbs[i];
	return NULL;
}

static struct ev_timer *after_commit_timer;
static struct dbserver_db **changed_dbs;
static size_t n_changed_dbs;

static void
after_commit(struct ev_timer *t, void *arg)
{
	struct dbserver *srv = arg;
	after_commit_timer = NULL;
	/* Work on a copy: running triggers commits again. */
	struct dbserver_db **dbs = changed_dbs;
	size_t n = n_changed_dbs;
	changed_dbs = NULL;
	n_changed_dbs = 0;
	for (size_t i = 0; i < n; i++) {
		dbserver_remotes_db_changed(srv, dbs[i]);
		dbserver_triggers_run(srv, dbs[i]);
	}
	free(dbs);
	(void)t;
}

static void
on_commit(void *aux, struct ovsdb_db *odb, const struct ovsdb_txn *txn)
{
	struct dbserver_db *db = aux;
	struct dbserver *srv = db->srv;
	(void)odb;
	srv->n_txns++;
	db->last_txn = *ovsdb_txn_id(txn);
	dbserver_hist_record(db, txn);
	dbserver_monitors_commit(db, txn);
	for (size_t i = 0; i < n_changed_dbs; i++)
		if (changed_dbs[i] == db)
			goto scheduled;
	changed_dbs = xrealloc(changed_dbs,
			       (n_changed_dbs + 1) * sizeof *changed_dbs);
	changed_dbs[n_changed_dbs++] = db;
scheduled:
	if (!after_commit_timer)
		after_commit_timer = ev_timer_add(srv->loop, 0, false,
						  after_commit, srv);
}

static struct dbserver_db *
add_db(struct dbserver *srv, struct ovsdb_db *odb, bool read_only)
{
	struct dbserver_db *db = xzalloc(sizeof *db);
	db->srv = srv;
	db->db = odb;
	db->name = xstrdup(odb->schema->name);
	db->read_only = read_only;
	odb->hook = on_commit;
	odb->hook_aux = db;
	srv->dbs = xrealloc(srv->dbs, (srv->n_dbs + 1) * sizeof *srv->dbs);
	srv->dbs[srv->n_dbs++] = db;
	return db;
}

int
dbserver_start(struct ev_loop *loop, const struct dbserver_opts *opts,
	       struct dbserver **srvp)
{
	struct dbserver *srv = xzalloc(sizeof *srv);
	int r;

	*srvp = NULL;
	srv->loop = loop;
	srv->opts = *opts;
	if (!srv->opts.max_msg_bytes)
		srv->opts.max_msg_bytes = 64u << 20;
	if (!srv->opts.max_backlog_bytes)
		srv->opts.max_backlog_bytes = 256u << 20;
	if (!srv->opts.probe_ms)
		srv->opts.probe_ms = 5000;
	for (size_t i = 0; i < opts->n_db_files; i++) {
		struct ovsdb_error *e = NULL;
		struct ovsdb_db *odb;
		r = ovsdb_storage_open(opts->db_files[i], false, &odb, &e);
		if (r) {
			log_err("%s: %s", opts->db_files[i],
				e && e->details ? e->details : "open failed");
			ovsdb_error_free(e);
			goto fail;
		}
		if (dbserver_find_db(srv, odb->schema->name)) {
			log_err("%s: duplicate database name %s",
				opts->db_files[i], odb->schema->name);
			ovsdb_db_free(odb);
			r = -EEXIST;
			goto fail;
		}
		add_db(srv, odb, false);
		log_info("%s: opened database %s", opts->db_files[i],
			 odb->schema->name);
	}
	if ((r = dbserver_server_db_create(srv)))
		goto fail;
	for (size_t i = 0; i < opts->n_remotes; i++) {
		char *err = NULL;
		if ((r = dbserver_remote_add(srv, opts->remotes[i], false,
					     &err))) {
			log_err("%s", err ? err : opts->remotes[i]);
			free(err);
			goto fail;
		}
	}
	*srvp = srv;
	return 0;

fail:
	dbserver_stop(srv);
	return r;
}

void
dbserver_stop(struct dbserver *srv)
{
	if (!srv)
		return;
	dbserver_remotes_close_all(srv);
	dbserver_conn_close_all(srv);
	dbserver_session_free_all(srv);
	if (after_commit_timer) {
		ev_timer_del(after_commit_timer);
		after_commit_timer = NULL;
	}
	free(changed_dbs);
	changed_dbs = NULL;
	n_changed_dbs = 0;
	for (size_t i = 0; i < srv->n_dbs; i++) {
		dbserver_hist_clear(srv->dbs[i]);
		ovsdb_db_free(srv->dbs[i]->db);
		free(srv->dbs[i]->name);
		free(srv->dbs[i]);
	}
	free(srv->dbs);
	free(srv);
}

struct dbserver_db *
dbserver_add_memory_db(struct dbserver *srv, struct ovsdb_db *odb)
{
	return add_db(srv, odb, true);
}
