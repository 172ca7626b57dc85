/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver: start and stop, the set of open databases, and what happens
 * after each commit (monitor updates now; retrying waiting transactions
 * and re-reading db: remotes from the loop, outside the commit).
 *
 * Group commit: the storage of every database batches its writes (see
 * ovsdb_storage.h).  The first commit of a loop iteration opens a SQLite
 * transaction and sets hold_output; the commits that follow in the same
 * iteration join it.  A 0 ms timer runs before the loop next waits for
 * I/O (ev_run runs due timers first), commits the SQLite transaction
 * once and only then sends the replies and monitor updates that sessions
 * queued meanwhile.  So a transact is answered, and a monitor sees a
 * change, only after the change is in the file, at one COMMIT (two
 * pwrites and a few fcntls) per iteration instead of one per transaction.
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

static void
after_commit(struct ev_timer *t, void *arg)
{
	struct dbserver *srv = arg;
	srv->after_commit_scheduled = false;
	/* Work on a copy: running triggers commits again. */
	struct dbserver_db **dbs = srv->changed_dbs;
	size_t n = srv->n_changed_dbs;
	srv->changed_dbs = NULL;
	srv->n_changed_dbs = 0;
	for (size_t i = 0; i < n; i++) {
		dbserver_remotes_db_changed(srv, dbs[i]);
		dbserver_triggers_run(srv, dbs[i]);
	}
	free(dbs);
	(void)t;
}

/* Arms the one-shot @*tp (created on first use) to fire in the next loop
 * iteration, before the loop waits for I/O again. */
static void
schedule(struct dbserver *srv, struct ev_timer **tp, bool *scheduled,
	 ev_timer_fn *fn)
{
	if (*scheduled)
		return;
	*scheduled = true;
	if (*tp)
		ev_timer_rearm(*tp, 0);
	else
		*tp = ev_timer_add(srv->loop, 0, false, fn, srv);
}

/* Frees @msg now, or after the pending commit's answers went out: what
 * the client waits for comes first. */
void
dbserver_defer_free(struct dbserver *srv, json_t *msg)
{
	if (!srv->hold_output) {
		json_decref(msg);
		return;
	}
	if (srv->n_deferred == srv->cap_deferred) {
		srv->cap_deferred =
			srv->cap_deferred ? 2 * srv->cap_deferred : 16;
		srv->deferred =
			xrealloc(srv->deferred,
				 srv->cap_deferred * sizeof *srv->deferred);
	}
	srv->deferred[srv->n_deferred++] = msg;
}

static void
free_deferred(struct dbserver *srv)
{
	for (size_t i = 0; i < srv->n_deferred; i++)
		json_decref(srv->deferred[i]);
	srv->n_deferred = 0;
}

void
dbserver_flush(struct dbserver *srv)
{
	srv->flush_scheduled = false;
	for (size_t i = 0; i < srv->n_dbs; i++) {
		struct ovsdb_storage *st = srv->dbs[i]->db->storage;
		struct ovsdb_error *e = NULL;
		if (!st || !ovsdb_storage_pending(st))
			continue;
		if (ovsdb_storage_flush(st, &e)) {
			/* The in-memory database is ahead of the file and
			 * clients may hold waiting requests that depend on
			 * it: exit without answering them (unanswered
			 * transactions are allowed to be lost) and let the
			 * supervisor restart us from the file. */
			fatal("%s: %s; exiting to restart from the file",
			      srv->dbs[i]->name,
			      e && e->details ? e->details : "commit failed");
		}
		srv->n_flushes++;
	}
	srv->hold_output = false;
	dbserver_session_release_held(srv);
	free_deferred(srv);
	/* After the answers went out: a checkpoint's fsyncs delay only
	 * what comes next, not the answers to this batch. */
	for (size_t i = 0; i < srv->n_dbs; i++) {
		struct ovsdb_storage *st = srv->dbs[i]->db->storage;
		if (st && ovsdb_storage_checkpoint(st))
			log_warn("%s: WAL checkpoint failed (the WAL keeps "
				 "the data)",
				 srv->dbs[i]->name);
	}
}

static void
on_flush_timer(struct ev_timer *t, void *arg)
{
	dbserver_flush(arg);
	(void)t;
}

static void
on_commit(void *aux, struct ovsdb_db *odb, const struct ovsdb_txn *txn)
{
	struct dbserver_db *db = aux;
	struct dbserver *srv = db->srv;
	srv->n_txns++;
	if (odb->storage && ovsdb_storage_pending(odb->storage)) {
		/* Everything sent from now on may depend on this commit. */
		srv->hold_output = true;
		schedule(srv, &srv->flush_timer, &srv->flush_scheduled,
			 on_flush_timer);
	}
	db->last_txn = *ovsdb_txn_id(txn);
	dbserver_hist_record(db, txn);
	dbserver_monitors_commit(db, txn);
	for (size_t i = 0; i < srv->n_changed_dbs; i++)
		if (srv->changed_dbs[i] == db)
			goto scheduled;
	srv->changed_dbs =
		xrealloc(srv->changed_dbs,
			 (srv->n_changed_dbs + 1) * sizeof *srv->changed_dbs);
	srv->changed_dbs[srv->n_changed_dbs++] = db;
scheduled:
	schedule(srv, &srv->after_commit_timer, &srv->after_commit_scheduled,
		 after_commit);
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
	if (odb->storage)
		ovsdb_storage_set_batching(odb->storage, true);
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
	ovsdb_uuid_generate(&srv->server_id);
	list_init(&srv->sessions);
	list_init(&srv->held);
	srv->opts = *opts;
	if (!srv->opts.max_msg_bytes)
		srv->opts.max_msg_bytes = 64u << 20;
	if (!srv->opts.max_backlog_bytes)
		srv->opts.max_backlog_bytes = 64u << 20;
	if (!srv->opts.max_total_backlog_bytes)
		srv->opts.max_total_backlog_bytes = 256u << 20;
	if (!srv->opts.probe_ms)
		srv->opts.probe_ms = 5000;
	if ((r = dbserver_admit_init(srv)))
		goto fail;
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
	/* Reads the PKI files while still root (dbserver_ssl.c). */
	if (opts->ssl.private_key || opts->ssl.certificate || opts->ssl.ca_cert)
		dbserver_ssl_ctx(srv, true);
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
	/* Commit what is pending and queue what waited for it (whatever
	 * the connections cannot take before they close is lost, as on any
	 * disconnect). */
	dbserver_flush(srv);
	dbserver_remotes_close_all(srv);
	dbserver_conn_close_all(srv);
	dbserver_admit_free(srv);
	dbserver_ssl_free(srv);
	dbserver_session_free_all(srv);
	ev_timer_del(srv->flush_timer);
	ev_timer_del(srv->after_commit_timer);
	free_deferred(srv);
	free(srv->deferred);
	free(srv->changed_dbs);
	ds_free(&srv->out);
	for (size_t i = 0; i < srv->n_dbs; i++) {
		dbserver_hist_clear(srv->dbs[i]);
		ovsdb_db_free(srv->dbs[i]->db);
		free(srv->dbs[i]->name);
		free(srv->dbs[i]->schema_text);
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
