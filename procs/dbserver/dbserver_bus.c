/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_bus: OVSDB over the microvs bus, and the ovsdb-server/...
 * appctl commands.
 *
 * A BUS_MSG_OVSDB_CALL carries one JSON-RPC request.  Without a session
 * it runs in a transient session whose first message out is the reply (a
 * transaction waiting on "wait" answers later; the bus request is held
 * until then).  With a session id it runs in a persistent session (see
 * the catalogue: create, name, close), which is what our processes' monitor
 * replicas use: replies are matched to the held bus requests by JSON-RPC
 * id, and notifications (update3, locked...) are published on dbserver's
 * .events as BUS_MSG_OVSDB_NOTIFY numbered per session, with real
 * transaction ids so that monitor_cond_since can resume after a gap.
 *
 * Lifetime: every session, transient or persistent, belongs to the bus
 * connection its first call came on, and is freed when that connection
 * closes (the client exited or closed its bus), which cancels its waits,
 * monitors and locks, as a disconnect on db.sock does.  Each connection
 * may hold MAX_CLIENT_SESSIONS persistent sessions, the server
 * MAX_SESSIONS.
 *
 * Who sees what: pub/sub is a broadcast, so every subscriber the bus
 * admits (the catalogue's receivers of ovsdb_notify: admin, vswitchd,
 * tunneld, vtepd; the bus refuses other uids at connect) receives every
 * session's notifications and keeps its own by session id.  That shows
 * them nothing new: each of them may read the whole database with
 * ovsdb_call anyway.  What they cannot do is act on another's session: a
 * session answers only the connection that created it, and ids are unique
 * (create refuses one in use).
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "appctl.h"
#include "json_fast.h"
#include "log.h"

LOG_MODULE(dbserver_bus);

#define MAX_CLIENT_SESSIONS 64
#define MAX_SESSIONS 4096

struct dbserver_bus {
	struct dbserver *srv;
	struct bus *bus;
	struct list_node waiting; /* struct bus_txn not answered yet */
	struct hmap sessions;	  /* struct bus_sess, by id */
};

/* A transient session: one request. */
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

/* A persistent session. */
struct bus_sess {
	struct hnode node; /* b->sessions */
	struct dbserver_bus *b;
	uint64_t id, client;
	struct dbserver_session *s;
	struct list_node pending; /* struct pending_call, oldest first */
	uint64_t n_notify;	  /* notifications published so far */
};

/* A request of a persistent session waiting for its JSON-RPC reply. */
struct pending_call {
	struct list_node node;
	json_t *id;
	struct bus_req *req;
};

static struct log_rl rl = LOG_RL_INIT(10, 60);

static json_t *
parse_json(const char *text)
{
	size_t len = strlen(text);
	json_error_t err;
	json_t *j = json_fast_parse(text, len);

	return j ? j : json_loadb(text, len, 0, &err);
}

/* The JSON-RPC id of request @msg, or NULL for a notification (or
 * anything that is not a request: it gets no reply). */
static const json_t *
request_id(const json_t *msg)
{
	const json_t *id = json_object_get(msg, "id");

	if (!json_object_get(msg, "method") || !id || json_is_null(id))
		return NULL;
	return id;
}

static void
reply_json(struct bus_req *req, const char *text, bool with_seq, uint64_t seq)
{
	struct bus_msg_ovsdb_reply r = { .json = text };

	if (with_seq)
		bus_msg_ovsdb_reply_set_seq(&r, seq);
	bus_reply_ovsdb_reply(req, &r);
}

/* ---- transient sessions ---- */

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
on_txn_send(void *aux, const char *json_text)
{
	struct bus_txn *t = aux;

	if (t->answered)
		return; /* a transient session has nobody to notify */
	t->answered = true;
	list_remove(&t->node);
	reply_json(t->req, json_text, false, 0);
	t->req = NULL;
	/* A deferred answer comes from inside the server's own code: free
	 * the session once that code has returned. */
	if (!t->in_input)
		t->reap = ev_timer_add(t->b->srv->loop, 0, false, on_reap, t);
}

static void
transient_call(struct dbserver_bus *b, struct bus_req *req, const json_t *msg)
{
	struct bus_txn *t = xzalloc(sizeof *t);
	int err;

	t->b = b;
	t->req = req;
	t->client = bus_req_client(req);
	list_push_back(&b->waiting, &t->node);
	t->session = dbserver_session_new(b->srv, on_txn_send, t);
	dbserver_session_set_real_txn_ids(t->session, true);
	t->in_input = true;
	err = dbserver_session_input_json(t->session, msg);
	t->in_input = false;
	if (!t->answered) {
		if (err)
			bus_reply_error(req, -EBADMSG,
					"not a valid JSON-RPC message");
		else if (!request_id(msg))
			reply_json(req, "null", false, 0);
		else
			return; /* answered later (a wait) */
		t->answered = true;
	}
	txn_free(t);
}

/* ---- persistent sessions ---- */

static struct bus_sess *
sess_find(struct dbserver_bus *b, uint64_t id)
{
	uint32_t hash = hash_bytes(&id, sizeof id, 0);

	for (struct hnode *n = hmap_first_with_hash(&b->sessions, hash); n;
	     n = hmap_next_with_hash(n)) {
		struct bus_sess *bs = HMAP_CONTAINER(n, struct bus_sess, node);
		if (bs->id == id)
			return bs;
	}
	return NULL;
}

static size_t
sess_count(struct dbserver_bus *b, uint64_t client)
{
	struct hnode *n;
	size_t count = 0;

	HMAP_FOR_EACH (n, &b->sessions)
		count += HMAP_CONTAINER(n, struct bus_sess, node)->client ==
			 client;
	return count;
}

/* Publishes notifications; answers the request a reply is for. */
static void
on_sess_send(void *aux, const char *text)
{
	struct bus_sess *bs = aux;
	struct pending_call *pc;
	json_error_t err;
	json_t *id;

	if (!strncmp(text, "{\"method\":", 10)) {
		struct bus_msg_ovsdb_notify n = { .seq = ++bs->n_notify,
						  .session = bs->id,
						  .json = text };
		int64_t r = bus_publish_ovsdb_notify(bs->b->bus, &n);
		if (r < 0) /* the subscriber sees the gap and resyncs */
			log_warn_rl(&rl, "session %llu: cannot publish: %s",
				    (unsigned long long)bs->id,
				    strerror((int)-r));
		return;
	}
	/* Replies start with their id (dbserver_jsonrpc.c writes it first);
	 * nothing else goes to a bus session. */
	if (strncmp(text, "{\"id\":", 6))
		return;
	id = json_loadb(text + 6, strlen(text) - 6,
			JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &err);
	if (!id)
		return;
	LIST_FOR_EACH (pc, node, &bs->pending)
		if (json_equal(pc->id, id))
			break;
	json_decref(id);
	if (&pc->node == &bs->pending)
		return; /* its request was answered otherwise */
	list_remove(&pc->node);
	reply_json(pc->req, text, true, bs->n_notify);
	json_decref(pc->id);
	free(pc);
}

static struct bus_sess *
sess_new(struct dbserver_bus *b, uint64_t id, uint64_t client)
{
	struct bus_sess *bs = xzalloc(sizeof *bs);

	bs->b = b;
	bs->id = id;
	bs->client = client;
	list_init(&bs->pending);
	hmap_insert(&b->sessions, &bs->node, hash_bytes(&id, sizeof id, 0));
	bs->s = dbserver_session_new(b->srv, on_sess_send, bs);
	dbserver_session_set_real_txn_ids(bs->s, true);
	return bs;
}

/* Frees @bs; its unanswered requests get @why, unless @bus_closed (the
 * bus freed them). */
static void
sess_free(struct bus_sess *bs, const char *why, bool bus_closed)
{
	struct pending_call *pc, *next;

	LIST_FOR_EACH_SAFE (pc, next, node, &bs->pending) {
		if (!bus_closed)
			bus_reply_error(pc->req, -ECONNRESET, "%s", why);
		json_decref(pc->id);
		free(pc);
	}
	dbserver_session_free(bs->s);
	hmap_remove(&bs->b->sessions, &bs->node);
	free(bs);
}

/* Finds, creates or closes the session @call names; NULL when @req was
 * answered already. */
static struct bus_sess *
sess_for_call(struct dbserver_bus *b, struct bus_req *req,
	      const struct bus_msg_ovsdb_call *call)
{
	uint64_t client = bus_req_client(req);
	struct bus_sess *bs = sess_find(b, call->session);

	if (bus_msg_ovsdb_call_has_create(call) && call->create) {
		if (bs) {
			bus_reply_error(req, -EEXIST, "session %llu exists",
					(unsigned long long)call->session);
			return NULL;
		}
		if (sess_count(b, client) >= MAX_CLIENT_SESSIONS ||
		    b->sessions.n >= MAX_SESSIONS) {
			bus_reply_error(req, -ENOSPC, "too many sessions");
			return NULL;
		}
		bs = sess_new(b, call->session, client);
	} else if (!bs || bs->client != client) {
		bus_reply_error(req, -ENOENT, "no session %llu",
				(unsigned long long)call->session);
		return NULL;
	}
	if (bus_msg_ovsdb_call_has_close(call) && call->close) {
		sess_free(bs, "session closed", false);
		reply_json(req, "null", false, 0);
		return NULL;
	}
	return bs;
}

static void
persistent_call(struct dbserver_bus *b, struct bus_req *req,
		const struct bus_msg_ovsdb_call *call, const json_t *msg)
{
	struct bus_sess *bs = sess_for_call(b, req, call);
	const json_t *id;
	struct pending_call *pc;
	int err;

	if (!bs)
		return;
	id = request_id(msg);
	if (id) {
		pc = xzalloc(sizeof *pc);
		pc->id = json_deep_copy(id);
		pc->req = req;
		list_push_back(&bs->pending, &pc->node);
	}
	err = dbserver_session_input_json(bs->s, msg);
	if (!id) {
		if (err)
			bus_reply_error(req, -EBADMSG,
					"not a valid JSON-RPC message");
		else
			reply_json(req, "null", true, bs->n_notify);
		return;
	}
	if (!err)
		return; /* answered now or later */
	LIST_FOR_EACH (pc, node, &bs->pending)
		if (pc->req == req) {
			list_remove(&pc->node);
			json_decref(pc->id);
			free(pc);
			bus_reply_error(req, -EBADMSG,
					"not a valid JSON-RPC message");
			break;
		}
}

/* ---- the handler ---- */

void
dbserver_on_ovsdb_call(struct bus_req *req, const void *m, void *aux)
{
	const struct bus_msg_ovsdb_call *call = m;
	struct dbserver_bus *b = aux;
	bool close = bus_msg_ovsdb_call_has_close(call) && call->close;
	json_t *msg = close ? NULL : parse_json(call->json);

	if (!msg && !close) {
		log_warn_rl(&rl, "ovsdb_call: not JSON");
		bus_reply_error(req, -EBADMSG, "not a valid JSON-RPC message");
		return;
	}
	if (bus_msg_ovsdb_call_has_session(call) && call->session)
		persistent_call(b, req, call, msg);
	else if (close)
		bus_reply_error(req, -EINVAL, "close needs a session");
	else
		transient_call(b, req, msg);
	json_decref(msg);
}

/* The client's connection closed: nobody waits for its answers. */
static void
on_client_gone(uint64_t client, void *aux)
{
	struct dbserver_bus *b = aux;
	struct bus_txn *t, *next;
	struct hnode *n, *next_n;

	LIST_FOR_EACH_SAFE (t, next, node, &b->waiting) {
		if (t->client != client)
			continue;
		bus_reply_error(t->req, -ECONNRESET, "client gone");
		txn_free(t);
	}
	HMAP_FOR_EACH_SAFE (n, next_n, &b->sessions) {
		struct bus_sess *bs = HMAP_CONTAINER(n, struct bus_sess, node);
		if (bs->client == client)
			sess_free(bs, "client gone", false);
	}
}

struct dbserver_bus *
dbserver_bus_new(struct dbserver *srv)
{
	struct dbserver_bus *b = xzalloc(sizeof *b);

	b->srv = srv;
	list_init(&b->waiting);
	hmap_init(&b->sessions);
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
	struct hnode *n, *next_n;

	if (!b)
		return;
	/* The bus is closed: it freed the requests with it. */
	LIST_FOR_EACH_SAFE (t, next, node, &b->waiting)
		txn_free(t);
	HMAP_FOR_EACH_SAFE (n, next_n, &b->sessions)
		sess_free(HMAP_CONTAINER(n, struct bus_sess, node), NULL, true);
	hmap_destroy(&b->sessions);
	free(b);
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
