/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_session: one JSON-RPC peer, whatever carries it (a stream
 * connection, or the bus).  Validates each message the way Open vSwitch's
 * jsonrpc layer does and dispatches requests through a method table.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_fast.h"
#include "json_number.h"
#include "log.h"

LOG_MODULE(dbserver_session);

typedef int method_fn(struct dbserver_session *s, const char *method,
		      const json_t *id, const json_t *params);

static int
m_echo(struct dbserver_session *s, const char *method, const json_t *id,
       const json_t *params)
{
	if (id)
		jsonrpc_reply(s, id, json_deep_copy(params));
	return 0;
}

static int
m_list_dbs(struct dbserver_session *s, const char *method, const json_t *id,
	   const json_t *params)
{
	json_t *names = json_array();
	for (size_t i = 0; i < s->srv->n_dbs; i++)
		json_array_append_new(names, json_string(s->srv->dbs[i]->name));
	if (id)
		jsonrpc_reply(s, id, names);
	else
		json_decref(names);
	return 0;
}

/* The server's UUID, as Open vSwitch answers it (params ignored). */
static int
m_get_server_id(struct dbserver_session *s, const char *method,
		const json_t *id, const json_t *params)
{
	char u[37];

	if (id) {
		ovsdb_uuid_format(&s->srv->server_id, u);
		jsonrpc_reply(s, id, json_string(u));
	}
	return 0;
}

static int
m_get_schema(struct dbserver_session *s, const char *method, const json_t *id,
	     const json_t *params)
{
	const char *name = json_string_value(json_array_get(params, 0));
	if (!id)
		return 0;
	if (!name) {
		struct ovsdb_error *e = NULL;
		ovsdb_err(&e, "syntax error", params,
			  "get_schema request params must begin with "
			  "<db-name>");
		jsonrpc_reply_error(s, id, ovsdb_error_to_json(e));
		ovsdb_error_free(e);
		return 0;
	}
	struct dbserver_db *db = dbserver_find_db(s->srv, name);
	if (!db) {
		struct ovsdb_error *e = NULL;
		ovsdb_err(&e, "unknown database", params,
			  "get_schema request specifies unknown database %s",
			  name);
		jsonrpc_reply_error(s, id, ovsdb_error_to_json(e));
		ovsdb_error_free(e);
		return 0;
	}
	/* The schema never changes while the server runs: its text is made
	 * once (every ovs-vsctl asks for it). */
	if (!db->schema_text) {
		struct ds text = DS_EMPTY;
		json_t *j = ovsdb_schema_to_json(db->db->schema);

		json_fast_dump(j, &text);
		json_decref(j);
		db->schema_text = ds_steal(&text);
	}
	jsonrpc_reply_text(s, id, db->schema_text);
	return 0;
}

static int
m_transact(struct dbserver_session *s, const char *method, const json_t *id,
	   const json_t *params)
{
	dbserver_transact(s, id, params);
	return 0;
}

static int
m_cancel(struct dbserver_session *s, const char *method, const json_t *id,
	 const json_t *params)
{
	dbserver_cancel(s, json_array_get(params, 0));
	return 0;
}

static int
m_monitor(struct dbserver_session *s, const char *method, const json_t *id,
	  const json_t *params)
{
	if (id)
		return dbserver_monitor_request(s, method, id, params);
	return 0;
}

static int
m_monitor_cancel(struct dbserver_session *s, const char *method,
		 const json_t *id, const json_t *params)
{
	if (id)
		dbserver_monitor_cancel(s, id, params);
	return 0;
}

static int
m_monitor_cond_change(struct dbserver_session *s, const char *method,
		      const json_t *id, const json_t *params)
{
	if (id)
		dbserver_monitor_cond_change(s, id, params);
	return 0;
}

static int
m_lock(struct dbserver_session *s, const char *method, const json_t *id,
       const json_t *params)
{
	if (id)
		dbserver_lock_request(s, method, id, params);
	return 0;
}

static int
m_change_aware(struct dbserver_session *s, const char *method, const json_t *id,
	       const json_t *params)
{
	if (json_array_size(params) != 1 ||
	    !json_is_boolean(json_array_get(params, 0))) {
		struct ovsdb_error *e = NULL;
		ovsdb_err(&e, "syntax error", params,
			  "set_db_change_aware: true or false parameter "
			  "expected");
		if (id)
			jsonrpc_reply_error(s, id, ovsdb_error_to_json(e));
		ovsdb_error_free(e);
		return 0;
	}
	s->change_aware = json_is_true(json_array_get(params, 0));
	if (id)
		jsonrpc_reply(s, id, json_object());
	return 0;
}

static const struct {
	const char *name;
	method_fn *fn;
} methods[] = {
	{ "echo", m_echo },
	{ "list_dbs", m_list_dbs },
	{ "get_schema", m_get_schema },
	{ "get_server_id", m_get_server_id },
	{ "transact", m_transact },
	{ "cancel", m_cancel },
	{ "monitor", m_monitor },
	{ "monitor_cond", m_monitor },
	{ "monitor_cond_since", m_monitor },
	{ "monitor_cancel", m_monitor_cancel },
	{ "monitor_cond_change", m_monitor_cond_change },
	{ "lock", m_lock },
	{ "steal", m_lock },
	{ "unlock", m_lock },
	{ "set_db_change_aware", m_change_aware },
};

struct dbserver_session *
dbserver_session_new(struct dbserver *srv,
		     void (*send)(void *aux, const char *json_text), void *aux)
{
	struct dbserver_session *s = xzalloc(sizeof *s);
	s->srv = srv;
	s->send = send;
	s->aux = aux;
	list_push_back(&srv->sessions, &s->node);
	list_init(&s->held_node);
	return s;
}

void
dbserver_session_set_real_txn_ids(struct dbserver_session *s, bool on)
{
	if (s->real_txn_ids == on)
		return;
	s->real_txn_ids = on;
	if (on) {
		s->srv->n_real_txn_id_sessions++;
	} else if (!--s->srv->n_real_txn_id_sessions) {
		for (size_t i = 0; i < s->srv->n_dbs; i++)
			dbserver_hist_clear(s->srv->dbs[i]);
	}
}

void
dbserver_session_set_blocked(struct dbserver_session *s, bool blocked)
{
	if (s->blocked == blocked)
		return;
	s->blocked = blocked;
	if (!blocked)
		dbserver_monitors_flush(s);
}

void
dbserver_session_free(struct dbserver_session *s)
{
	if (!s)
		return;
	dbserver_session_set_real_txn_ids(s, false);
	dbserver_monitors_session_gone(s);
	dbserver_locks_session_gone(s);
	dbserver_triggers_session_gone(s);
	list_remove(&s->held_node);
	ds_free(&s->held);
	list_remove(&s->node);
	free(s);
}

void
dbserver_session_free_all(struct dbserver *srv)
{
	struct list_node *n;

	while ((n = list_front(&srv->sessions)))
		dbserver_session_free(
			LIST_CONTAINER(n, struct dbserver_session, node));
}

void
dbserver_session_hold(struct dbserver_session *s, const char *text, size_t len)
{
	ds_put_len(&s->held, text, len);
	s->held.len++; /* keep the NUL: it separates the messages */
	if (list_empty(&s->held_node))
		list_push_back(&s->srv->held, &s->held_node);
}

void
dbserver_session_release_held(struct dbserver *srv)
{
	/* Send callbacks never free sessions synchronously (transports
	 * defer that to a timer), so the list stays valid. */
	struct list_node *n;

	while ((n = list_front(&srv->held))) {
		struct dbserver_session *s =
			LIST_CONTAINER(n, struct dbserver_session, held_node);

		list_remove(n);
		for (size_t off = 0; off < s->held.len && !s->dead;) {
			const char *text = s->held.s + off;
			s->send(s->aux, text);
			off += strlen(text) + 1;
		}
		if (s->held.cap > 65536)
			ds_free(&s->held);
		else
			ds_clear(&s->held);
	}
}

static int
handle(struct dbserver_session *s, const json_t *msg)
{
	if (!json_is_object(msg))
		return -EPROTO;
	const char *key;
	json_t *val;
	json_object_foreach(
		json_mut(msg), key,
		val) if (strcmp(key, "method") && strcmp(key, "params") &&
			 strcmp(key, "result") && strcmp(key, "error") &&
			 strcmp(key, "id")) return -EPROTO;
	const json_t *method = json_object_get(msg, "method");
	const json_t *params = json_object_get(msg, "params");
	const json_t *id = json_object_get(msg, "id");
	if (json_is_null(id))
		id = NULL;
	if (!method) {
		/* Only replies to our own echo probes are expected. */
		if (!json_object_get(msg, "result") &&
		    !json_object_get(msg, "error"))
			return -EPROTO;
		if (!json_is_string(id) ||
		    strcmp(json_string_value(id), "echo"))
			return -EPROTO;
		return 0;
	}
	if (!json_is_string(method) || !json_is_array(params) ||
	    json_object_get(msg, "result") || json_object_get(msg, "error"))
		return -EPROTO;

	const char *name = json_string_value(method);
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
		if (!strcmp(methods[i].name, name)) {
			return methods[i].fn(s, name, id, params);
		}
	if (id)
		jsonrpc_reply_error(s, id, json_string("unknown method"));
	return 0;
}

int
dbserver_session_input_json(struct dbserver_session *s, const json_t *msg)
{
	return handle(s, msg);
}

int
dbserver_session_input(struct dbserver_session *s, const char *json_text)
{
	return dbserver_session_input_buf(s, json_text, strlen(json_text));
}

int
dbserver_session_input_buf(struct dbserver_session *s, const char *text,
			   size_t len)
{
	json_error_t err;
	json_t *msg = json_fast_parse(text, len);
	if (!msg)
		msg = json_number_loadb(text, len, 0, &err);
	if (!msg) {
		static struct log_rl rl = LOG_RL_INIT(5, 60);
		log_warn_rl(&rl, "error parsing JSON-RPC message: %s",
			    err.text);
		return -EPROTO;
	}
	int r = handle(s, msg);
	dbserver_defer_free(s->srv, msg);
	return r;
}
