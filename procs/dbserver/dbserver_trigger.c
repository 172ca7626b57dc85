/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_trigger: "transact" requests, and those whose "wait" operation
 * is not yet satisfied: they are kept and retried after every commit to
 * their database and when their timeout expires, until they complete or
 * the client cancels them.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct dbserver_trigger {
	struct dbserver_trigger *next;
	struct dbserver_session *session;
	struct dbserver_db *db;
	json_t *id;
	json_t *params;
	uint64_t created_ms;
	struct ev_timer *timer;
};

static void on_timeout(struct ev_timer *t, void *arg);

static void
trigger_free(struct dbserver *srv, struct dbserver_trigger *t)
{
	struct dbserver_trigger **pp;
	for (pp = &srv->triggers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	if (t->timer)
		ev_timer_del(t->timer);
	json_decref(t->id);
	json_decref(t->params);
	free(t);
}

/* Runs the transaction; true if it completed (reply sent). */
static bool
attempt(struct dbserver_session *s, struct dbserver_db *db, const json_t *id,
	const json_t *params, uint64_t elapsed, uint64_t *wait_ms)
{
	struct ovsdb_exec_ctx ctx = {
		.lock_held = dbserver_lock_held,
		.aux = s,
		.elapsed_ms = elapsed,
		.read_only = db->read_only,
	};
	json_t *ops = json_array();
	for (size_t i = 1; i < json_array_size(params); i++)
		json_array_append(ops, json_array_get(params, i));
	/* The results as text, without a tree: a 1,000-port add answers
	 * 2,001 results. */
	struct ds text = DS_EMPTY;
	int r = ovsdb_execute_text(db->db, ops, &ctx, &text, wait_ms);
	json_decref(ops);
	if (r == -EAGAIN) {
		ds_free(&text);
		return false;
	}
	if (id && !r)
		jsonrpc_reply_text(s, id, ds_cstr(&text));
	ds_free(&text);
	return true;
}

void
dbserver_transact(struct dbserver_session *s, const json_t *id,
		  const json_t *params)
{
	const char *name = json_string_value(json_array_get(params, 0));
	struct ovsdb_error *e = NULL;
	struct dbserver_db *db;

	if (!name) {
		ovsdb_err(&e, "syntax error", params,
			  "transact request params must begin with <db-name>");
		goto error;
	}
	if (!(db = dbserver_find_db(s->srv, name))) {
		ovsdb_err(&e, "unknown database", params,
			  "transact request specifies unknown database %s",
			  name);
		goto error;
	}
	uint64_t wait_ms;
	if (attempt(s, db, id, params, 0, &wait_ms))
		return;

	struct dbserver_trigger *t = xzalloc(sizeof *t);
	t->session = s;
	t->db = db;
	t->id = id ? json_deep_copy(id) : json_null();
	t->params = json_deep_copy(params);
	t->created_ms = time_mono_ms();
	if (wait_ms != UINT64_MAX)
		t->timer = ev_timer_add(s->srv->loop, wait_ms, false,
					on_timeout, t);
	t->next = s->srv->triggers;
	s->srv->triggers = t;
	return;

error:
	if (id)
		jsonrpc_reply_error(s, id, ovsdb_error_to_json(e));
	ovsdb_error_free(e);
}

/* Retries @t; frees it if it completed. */
static void
retry(struct dbserver *srv, struct dbserver_trigger *t)
{
	uint64_t wait_ms, elapsed = time_mono_ms() - t->created_ms;
	const json_t *id = json_is_null(t->id) ? NULL : t->id;
	if (attempt(t->session, t->db, id, t->params, elapsed, &wait_ms)) {
		trigger_free(srv, t);
		return;
	}
	if (t->timer)
		ev_timer_rearm(t->timer, wait_ms);
}

static void
on_timeout(struct ev_timer *timer, void *arg)
{
	struct dbserver_trigger *t = arg;
	struct dbserver *srv = t->session->srv;
	/* A one-shot timer is gone once it fired. */
	t->timer = NULL;
	uint64_t wait_ms, elapsed = time_mono_ms() - t->created_ms;
	const json_t *id = json_is_null(t->id) ? NULL : t->id;
	if (attempt(t->session, t->db, id, t->params, elapsed, &wait_ms)) {
		trigger_free(srv, t);
		return;
	}
	t->timer = ev_timer_add(srv->loop, wait_ms ? wait_ms : 1, false,
				on_timeout, t);
	(void)timer;
}

void
dbserver_triggers_run(struct dbserver *srv, struct dbserver_db *db)
{
	/* Collect first: a completed trigger commits, which may schedule
	 * another run, and frees itself. */
	size_t n = 0;
	struct dbserver_trigger *t;
	for (t = srv->triggers; t; t = t->next)
		n++;
	if (!n)
		return;
	struct dbserver_trigger **list = xcalloc(n, sizeof *list);
	n = 0;
	for (t = srv->triggers; t; t = t->next)
		if (t->db == db)
			list[n++] = t;
	for (size_t i = 0; i < n; i++) {
		/* Skip triggers freed meanwhile (cancel from a reply path). */
		for (t = srv->triggers; t && t != list[i]; t = t->next)
			;
		if (t)
			retry(srv, t);
	}
	free(list);
}

void
dbserver_cancel(struct dbserver_session *s, const json_t *id)
{
	struct dbserver_trigger *t;
	for (t = s->srv->triggers; t; t = t->next)
		if (t->session == s && json_equal(t->id, json_mut(id)))
			break;
	if (!t)
		return;
	jsonrpc_reply_error(s, t->id, json_string("canceled"));
	trigger_free(s->srv, t);
}

void
dbserver_triggers_session_gone(struct dbserver_session *s)
{
	struct dbserver_trigger *t, *next;
	for (t = s->srv->triggers; t; t = next) {
		next = t->next;
		if (t->session == s)
			trigger_free(s->srv, t);
	}
}
