/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_bus: OVSDB over the microvs bus, and the ovsdb-server/...
 * appctl commands.  A BUS_MSG_OVSDB_CALL carries one JSON-RPC request; it
 * runs in a transient session whose first message out is the reply (a
 * transaction waiting on "wait" answers later, the bus request is held
 * until then).  A transient session lives as long as its client: when the
 * client's bus connection closes before the answer, the session is freed
 * (cancelling its wait), as a disconnect on db.sock does.  Persistent
 * sessions with notifications are for the processes that keep replicas
 * and are not wired yet.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "appctl.h"
#include "log.h"

LOG_MODULE(dbserver_bus);

struct dbserver_bus {
	struct dbserver *srv;
	struct bus *bus;
	struct list_node waiting; /* struct bus_txn not answered yet */
};

struct bus_txn {
	struct dbserver_bus *b;
	struct list_node node; /* b->waiting while unanswered */
	struct bus_req *req;
	uint64_t client;
	struct dbserver_session *session;
	bool answered;
	bool in_input;
	struct ev_timer *reap;
};

static void
txn_free(struct bus_txn *t)
{
	if (t->reap)
		ev_timer_del(t->reap);
	list_remove(&t->node);
	dbserver_session_free(t->session);
	free(t);
}

static void
on_reap(struct ev_timer *timer, void *arg)
{
	txn_free(arg);
}

static void
on_session_send(void *aux, const char *json_text)
{
	struct bus_txn *t = aux;
	struct bus_msg_ovsdb_reply r = { .json = (char *)(uintptr_t)json_text };

	if (t->answered)
		return; /* a transient session has nobody to notify */
	t->answered = true;
	list_remove(&t->node);
	bus_reply(t->req, BUS_MSG_OVSDB_REPLY, &r);
	t->req = NULL;
	/* A deferred answer comes from inside the server's own code: free
	 * the session once that code has returned. */
	if (!t->in_input)
		t->reap = ev_timer_add(t->b->srv->loop, 0, false, on_reap, t);
}

static void
on_ovsdb_call(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_ovsdb_call *call = msg;
	struct dbserver_bus *b = aux;
	struct bus_txn *t;
	int err;

	if (bus_msg_has(BUS_MSG_OVSDB_CALL, call, 2) && call->session) {
		bus_reply_error(req, -EOPNOTSUPP,
				"persistent OVSDB sessions "
				"over the bus are not supported yet");
		return;
	}
	t = xzalloc(sizeof *t);
	t->b = b;
	t->req = req;
	t->client = bus_req_client(req);
	list_push_back(&b->waiting, &t->node);
	t->session = dbserver_session_new(b->srv, on_session_send, t);
	dbserver_session_set_real_txn_ids(t->session, true);
	t->in_input = true;
	err = dbserver_session_input(t->session, call->json);
	t->in_input = false;
	if (err && !t->answered) {
		bus_reply_error(req, -EBADMSG, "not a valid JSON-RPC message");
		t->answered = true;
	}
	if (t->answered)
		txn_free(t);
}

/* The client's connection closed: nobody waits for its answers. */
static void
on_client_gone(uint64_t client, void *aux)
{
	struct dbserver_bus *b = aux;
	struct bus_txn *t, *next;

	LIST_FOR_EACH_SAFE (t, next, node, &b->waiting) {
		if (t->client != client)
			continue;
		bus_reply_error(t->req, -ECONNRESET, "client gone");
		txn_free(t);
	}
}

struct dbserver_bus *
dbserver_bus_new(struct dbserver *srv)
{
	struct dbserver_bus *b = xzalloc(sizeof *b);

	b->srv = srv;
	list_init(&b->waiting);
	return b;
}

void
dbserver_bus_attach(struct dbserver_bus *b, struct bus *bus)
{
	b->bus = bus;
	bus_on_client_gone(bus, on_client_gone, b);
}

void
dbserver_bus_free(struct dbserver_bus *b)
{
	struct bus_txn *t, *next;

	if (!b)
		return;
	/* The bus is closed: it freed the requests with it. */
	LIST_FOR_EACH_SAFE (t, next, node, &b->waiting)
		txn_free(t);
	free(b);
}

static const struct bus_handler handlers[] = {
	{ BUS_MSG_OVSDB_CALL, on_ovsdb_call },
};

const struct bus_handler *
dbserver_bus_handlers(size_t *n)
{
	*n = ARRAY_SIZE(handlers);
	return handlers;
}

/* ---- appctl ---- */

static void
reply_ds(struct appctl_conn *c, int err, struct ds *out)
{
	if (err)
		appctl_reply_error(c, "%s", ds_cstr(out));
	else
		appctl_reply(c, ds_cstr(out));
	ds_free(out);
}

static void
cmd_list_dbs(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;

	reply_ds(c, dbserver_cmd_list_dbs(aux, &out), &out);
}

static void
cmd_add_remote(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;

	reply_ds(c, dbserver_cmd_add_remote(aux, argv[0], &out), &out);
}

static void
cmd_remove_remote(struct appctl_conn *c, int argc, const char *argv[],
		  void *aux)
{
	struct ds out = DS_EMPTY;

	reply_ds(c, dbserver_cmd_remove_remote(aux, argv[0], &out), &out);
}

static void
cmd_list_remotes(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;

	reply_ds(c, dbserver_cmd_list_remotes(aux, &out), &out);
}

static void
cmd_compact(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;

	reply_ds(c, dbserver_cmd_compact(aux, argc ? argv[0] : NULL, &out),
		 &out);
}

static void
memory_report(struct ds *out, void *aux)
{
	struct ds text = DS_EMPTY;

	if (!dbserver_cmd_memory(aux, &text)) {
		/* One line of name:value words for memory/show. */
		for (char *p = text.s; p && *p; p++)
			if (*p == '\n')
				*p = ' ';
		while (text.len && text.s[text.len - 1] == ' ')
			text.s[--text.len] = '\0';
		ds_put(out, ds_cstr(&text));
	}
	ds_free(&text);
}

void
dbserver_register_appctl(struct dbserver *srv)
{
	appctl_register("ovsdb-server/list-dbs", "", 0, 0, cmd_list_dbs, srv);
	appctl_register("ovsdb-server/add-remote", "REMOTE", 1, 1,
			cmd_add_remote, srv);
	appctl_register("ovsdb-server/remove-remote", "REMOTE", 1, 1,
			cmd_remove_remote, srv);
	appctl_register("ovsdb-server/list-remotes", "", 0, 0, cmd_list_remotes,
			srv);
	appctl_register("ovsdb-server/compact", "[DB]", 0, 1, cmd_compact, srv);
	appctl_register_memory(memory_report, srv);
}
