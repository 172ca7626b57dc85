/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replica: the session with dbserver behind a replica (see replica.h):
 * opening it, the schema, monitor_cond_since, notifications with their
 * gap checks, the probe, resynchronisation and reconnection, and
 * transactions whose answers wait for the notifications before them.
 *
 * States: DOWN (waiting to open a session) -> SCHEMA (get_schema, which
 * also creates the session) -> MONITOR (monitor_cond_since outstanding;
 * notifications are buffered, since some may arrive before the reply
 * that says which ones it covers) -> LIVE.  A gap sends LIVE back to
 * MONITOR on the same session; a lost session sends anything to DOWN.
 * Every session gets a new epoch, so answers to an older one are told
 * apart.
 */
#include "replica_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

LOG_MODULE(replica);

#define CALL_TIMEOUT_MS 30000
#define RETRY_MIN_MS 50
#define RETRY_MAX_MS 2000
#define MAX_BUFFERED 4096

static const char zero_uuid[] = "00000000-0000-0000-0000-000000000000";

enum rstate { R_DOWN, R_SCHEMA, R_MONITOR, R_LIVE };
enum call_kind { C_SCHEMA, C_MONITOR, C_PROBE, C_TXN, C_IGNORE };

/* An outstanding bus call. */
struct rcall {
	struct list_node node; /* replica.calls */
	struct replica *r;     /* NULL: orphaned by replica_close() */
	uint64_t epoch;
	enum call_kind kind;
	uint64_t mon; /* C_MONITOR */
	replica_txn_fn *cb;
	void *aux;
};

/* A transaction's answer, waiting for the notifications before it. */
struct held_txn {
	struct list_node node; /* replica.held */
	uint64_t epoch, seq;
	replica_txn_fn *cb;
	void *aux;
	json_t *reply;
};

struct buffered {
	uint64_t seq;
	char *json;
};

/* What the bus subscription points at; outlives the replica. */
struct sub_holder {
	struct replica *r;
};

struct replica {
	struct ev_loop *loop;
	struct bus *bus;
	char *db_name;
	struct rtable *tables;
	size_t n_tables;
	const struct replica_ops *ops;
	void *aux;
	struct sub_holder *holder;

	enum rstate state;
	uint64_t session, epoch;
	bool synced, loss_reported;
	struct ovsdb_db *db;
	char last_txn[OVSDB_UUID_LEN + 1]; /* zero_uuid: none */
	uint64_t last_seq;		   /* last notification handled */
	uint64_t mon;			   /* current monitor: "r<mon>" */
	bool mon_active;
	struct buffered *buf;
	size_t n_buf;
	bool buf_overflow;
	uint64_t probe_expect; /* a probe said this many were sent */
	bool probing;
	struct ev_timer *probe_timer, *retry_timer;
	unsigned retry_ms;
	uint64_t next_id;
	struct list_node calls; /* struct rcall */
	struct list_node held;	/* struct held_txn */
	unsigned drop;
	struct replica_stats stats;
};

static struct log_rl rl = LOG_RL_INIT(10, 60);

static void reconnect(struct replica *r);
static void lost(struct replica *r, const char *why, int err);
static void on_reply(int err, const struct bus_msg_ovsdb_reply *rep,
		     const char *why, void *arg);

/* ---- calls ---- */

/* Sends JSON-RPC @method with @params (stolen) on the session.  0 or
 * -errno (then nothing was sent). */
static int
call(struct replica *r, enum call_kind kind, const char *method, json_t *params,
     bool create, unsigned timeout_ms, struct rcall **cp)
{
	json_t *req = json_pack("{sssosI}", "method", method, "params", params,
				"id", (json_int_t)r->next_id++);
	char *text = json_dumps(req, JSON_COMPACT);
	struct bus_msg_ovsdb_call m = { .json = text };
	struct rcall *c = xzalloc(sizeof *c);
	int err;

	json_decref(req);
	bus_msg_ovsdb_call_set_session(&m, r->session);
	if (create)
		bus_msg_ovsdb_call_set_create(&m, true);
	c->r = r;
	c->epoch = r->epoch;
	c->kind = kind;
	list_push_back(&r->calls, &c->node);
	err = bus_call_ovsdb_call(r->bus, &roles[ROLE_DBSERVER], &m, timeout_ms,
				  on_reply, c);
	free(text);
	if (err) {
		list_remove(&c->node);
		free(c);
		return err;
	}
	if (cp)
		*cp = c;
	return 0;
}

/* Frees the session @id on dbserver; nobody waits for the answer. */
static void
close_session(struct replica *r, uint64_t id)
{
	struct bus_msg_ovsdb_call m = { .json = "" };
	struct rcall *c = xzalloc(sizeof *c);

	bus_msg_ovsdb_call_set_session(&m, id);
	bus_msg_ovsdb_call_set_close(&m, true);
	c->kind = C_IGNORE; /* c->r stays NULL */
	list_init(&c->node);
	if (bus_call_ovsdb_call(r->bus, &roles[ROLE_DBSERVER], &m, 5000,
				on_reply, c))
		free(c);
}

static bool
is_null_or_absent(const json_t *j)
{
	return !j || json_is_null(j);
}

/* ---- held transaction answers ---- */

/* Member @name of a JSON-RPC response, NULL when absent or null. */
static const json_t *
member(const json_t *reply, const char *name)
{
	const json_t *j = json_object_get(reply, name);

	return is_null_or_absent(j) ? NULL : j;
}

static void
release_held(struct replica *r)
{
	struct held_txn *h, *next;

	if (r->state != R_LIVE)
		return;
	LIST_FOR_EACH_SAFE (h, next, node, &r->held) {
		if (h->epoch == r->epoch && h->seq > r->last_seq)
			continue;
		list_remove(&h->node);
		h->cb(h->aux, 0, member(h->reply, "result"),
		      member(h->reply, "error"));
		json_decref(h->reply);
		free(h);
	}
}

/* ---- notifications ---- */

/* The params of an update3 for the current monitor, or NULL. */
static const json_t *
current_update3(const struct replica *r, const json_t *msg)
{
	const json_t *params = json_object_get(msg, "params");
	const char *method = json_string_value(json_object_get(msg, "method"));
	char id[32];

	if (!method || strcmp(method, "update3") ||
	    json_array_size(params) != 3)
		return NULL;
	snprintf(id, sizeof id, "r%llu", (unsigned long long)r->mon);
	if (!json_is_string(json_array_get(params, 0)) ||
	    strcmp(json_string_value(json_array_get(params, 0)), id))
		return NULL; /* a monitor cancelled since */
	return params;
}

static void
set_last_txn(struct replica *r, const json_t *j)
{
	struct ovsdb_uuid u;
	const char *s = json_string_value(j);

	if (s && ovsdb_uuid_from_string(s, &u))
		memcpy(r->last_txn, s, OVSDB_UUID_LEN + 1);
}

static void resync(struct replica *r, const char *why);

/* Handles notification @seq of the session.  True if it changed rows;
 * false if it had nothing for us, or showed a gap (then a resync is
 * under way). */
static bool
handle_notification(struct replica *r, uint64_t seq, const char *text)
{
	const json_t *params;
	json_error_t jerr;
	json_t *msg;
	bool changed = false;

	if (seq <= r->last_seq)
		return false; /* covered by the contents we have */
	if (seq != r->last_seq + 1) {
		r->stats.gaps++;
		log_info_rl(&rl, "notification %llu after %llu: lost some",
			    (unsigned long long)seq,
			    (unsigned long long)r->last_seq);
		resync(r, "lost notifications");
		return false;
	}
	r->last_seq = seq;
	msg = json_loads(text, 0, &jerr);
	if ((params = current_update3(r, msg))) {
		if (rtables_apply(r->tables, r->n_tables, r->db,
				  json_array_get(params, 2), false)) {
			json_decref(msg);
			resync(r, "malformed update");
			return false;
		}
		set_last_txn(r, json_array_get(params, 1));
		r->stats.notifications++;
		changed = true;
	}
	json_decref(msg);
	return changed;
}

static void on_probe_timer(struct ev_timer *t, void *arg);

static void
on_notify(unsigned type, uint64_t envelope_seq, const void *msg, void *aux)
{
	const struct bus_msg_ovsdb_notify *n = msg;
	struct sub_holder *holder = aux;
	struct replica *r = holder->r;

	/* The subscription reconnected while live: dbserver may have
	 * restarted, or notifications been lost meanwhile; probe now
	 * rather than at the next tick. */
	if (r && type == BUS_NOTIFY_SUBSCRIBED) {
		bool was = r->probing;

		on_probe_timer(NULL, r);
		if (r->probing && !was)
			r->stats.resub_probes++;
		return;
	}
	if (!r || type != BUS_MSG_OVSDB_NOTIFY || n->session != r->session ||
	    !r->session)
		return;
	if (r->drop) {
		r->drop--;
		return;
	}
	if (r->state == R_MONITOR) {
		if (r->n_buf == MAX_BUFFERED) {
			r->buf_overflow = true;
			return;
		}
		r->buf = xrealloc(r->buf, (r->n_buf + 1) * sizeof *r->buf);
		r->buf[r->n_buf].seq = n->seq;
		r->buf[r->n_buf++].json = xstrdup(n->json);
		return;
	}
	if (r->state != R_LIVE)
		return;
	if (handle_notification(r, n->seq, n->json)) {
		r->ops->changed(r->aux, r, false);
		release_held(r);
	}
}

static void
drop_buffered(struct replica *r)
{
	for (size_t i = 0; i < r->n_buf; i++)
		free(r->buf[i].json);
	free(r->buf);
	r->buf = NULL;
	r->n_buf = 0;
	r->buf_overflow = false;
}

/* ---- the session ---- */

static void
send_monitor(struct replica *r)
{
	char id[32];
	json_t *params;
	struct rcall *c;

	if (r->mon_active) {
		snprintf(id, sizeof id, "r%llu", (unsigned long long)r->mon);
		if (!call(r, C_IGNORE, "monitor_cancel", json_pack("[s]", id),
			  false, CALL_TIMEOUT_MS, &c)) {
			c->r = NULL; /* nobody cares how it went */
			list_remove(&c->node);
		}
	}
	r->mon++;
	r->mon_active = true;
	r->state = R_MONITOR;
	r->probe_expect = 0;
	drop_buffered(r);
	snprintf(id, sizeof id, "r%llu", (unsigned long long)r->mon);
	params = json_pack("[ssos]", r->db_name, id,
			   rtables_monitor_requests(r->tables, r->n_tables),
			   r->last_txn);
	if (call(r, C_MONITOR, "monitor_cond_since", params, false,
		 CALL_TIMEOUT_MS, &c))
		lost(r, "cannot send monitor_cond_since", 0);
	else
		c->mon = r->mon;
}

static void
resync(struct replica *r, const char *why)
{
	log_dbg("resynchronising %s: %s", r->db_name, why);
	r->stats.resyncs++;
	send_monitor(r);
}

static void
on_retry(struct ev_timer *t, void *arg)
{
	struct replica *r = arg;

	r->retry_timer = NULL;
	reconnect(r);
}

/* The session is gone or useless: report it once, and open a new one
 * after a pause that grows while it keeps failing. */
static void
lost(struct replica *r, const char *why, int err)
{
	if (r->state == R_DOWN)
		return; /* known already */
	log_info_rl(&rl, "%s: session lost (%s%s%s); reconnecting", r->db_name,
		    why, err ? ": " : "", err ? strerror(-err) : "");
	if (r->session)
		close_session(r, r->session);
	r->session = 0;
	r->state = R_DOWN;
	r->probing = false;
	drop_buffered(r);
	if (r->synced && !r->loss_reported) {
		r->loss_reported = true;
		if (r->ops->disconnected)
			r->ops->disconnected(r->aux, r);
	}
	if (!r->retry_timer)
		r->retry_timer =
			ev_timer_add(r->loop, r->retry_ms, false, on_retry, r);
	r->retry_ms =
		r->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : r->retry_ms * 2;
}

/* Opens a new session (it also fetches the schema). */
static void
reconnect(struct replica *r)
{
	if (r->retry_timer) {
		ev_timer_del(r->retry_timer);
		r->retry_timer = NULL;
	}
	r->epoch++;
	r->session = random_id();
	r->state = R_SCHEMA;
	r->mon_active = false;
	r->last_seq = 0;
	r->probe_expect = 0;
	r->probing = false;
	r->stats.sessions++;
	if (call(r, C_SCHEMA, "get_schema", json_pack("[s]", r->db_name), true,
		 CALL_TIMEOUT_MS, NULL)) {
		r->session = 0;
		lost(r, "cannot call dbserver", 0);
	}
}

static void
on_schema(struct replica *r, const json_t *reply)
{
	const json_t *error = json_object_get(reply, "error");
	struct ovsdb_schema *schema;
	struct ovsdb_error *e = NULL;

	if (!is_null_or_absent(error) ||
	    ovsdb_schema_from_json(json_object_get(reply, "result"), &schema,
				   &e)) {
		log_err_rl(&rl, "%s: no usable schema: %s", r->db_name,
			   e && e->details ? e->details : "error reply");
		ovsdb_error_free(e);
		lost(r, "get_schema failed", 0);
		return;
	}
	if (r->db && !json_equal(r->db->schema->json, schema->json)) {
		log_info("%s: the schema changed; reloading", r->db_name);
		rtables_unbind(r->tables, r->n_tables);
		ovsdb_db_free(r->db);
		r->db = NULL;
		memcpy(r->last_txn, zero_uuid, sizeof zero_uuid);
	}
	if (!r->db) {
		r->db = ovsdb_db_new(schema);
		rtables_bind(r->tables, r->n_tables, r->db);
	} else {
		ovsdb_schema_free(schema);
	}
	send_monitor(r);
}

static void
on_monitor(struct replica *r, const json_t *reply, uint64_t seq)
{
	const json_t *res = json_object_get(reply, "result");
	bool found, reload;

	if (!is_null_or_absent(json_object_get(reply, "error")) ||
	    json_array_size(res) != 3) {
		lost(r, "monitor_cond_since failed", 0);
		return;
	}
	found = json_is_true(json_array_get(res, 0));
	reload = !found || !strcmp(r->last_txn, zero_uuid);
	if (rtables_apply(r->tables, r->n_tables, r->db, json_array_get(res, 2),
			  reload)) {
		/* Start over from the whole contents. */
		memcpy(r->last_txn, zero_uuid, sizeof zero_uuid);
		lost(r, "malformed monitor reply", 0);
		return;
	}
	set_last_txn(r, json_array_get(res, 1));
	r->stats.reloads += reload;
	r->last_seq = seq;
	r->state = R_LIVE;
	r->synced = true;
	r->loss_reported = false;
	r->retry_ms = RETRY_MIN_MS;
	/* What arrived meanwhile, in order (older ones are covered). */
	for (size_t i = 0; i < r->n_buf && r->state == R_LIVE; i++)
		handle_notification(r, r->buf[i].seq, r->buf[i].json);
	if (r->state == R_LIVE && r->buf_overflow)
		resync(r, "too many notifications during the resync");
	if (r->state == R_LIVE)
		drop_buffered(r);
	r->ops->changed(r->aux, r, reload);
	release_held(r);
}

static void
on_probe_timer(struct ev_timer *t, void *arg)
{
	struct replica *r = arg;

	if (r->state != R_LIVE || r->probing)
		return;
	if (!call(r, C_PROBE, "echo", json_array(), false, 5000, NULL))
		r->probing = true;
}

/* A probe's answer: notifications up to @seq were published before it.
 * Some may still be in flight; if they have not come by the next probe,
 * they are lost. */
static void
on_probe(struct replica *r, uint64_t seq)
{
	r->probing = false;
	if (r->state != R_LIVE)
		return;
	if (r->probe_expect && r->last_seq < r->probe_expect) {
		r->stats.gaps++;
		resync(r, "a notification never came");
		return;
	}
	r->probe_expect = seq > r->last_seq ? seq : 0;
	/* Some are still to come: check again soon rather than a period
	 * later, were they lost. */
	if (r->probe_expect)
		ev_timer_rearm(r->probe_timer, REPLICA_PROBE_RECHECK_MS);
}

static void
on_txn(struct replica *r, struct rcall *c, int err, json_t *reply, uint64_t seq)
{
	struct held_txn *h;

	if (err) {
		c->cb(c->aux, err, NULL, NULL);
		json_decref(reply);
		return;
	}
	h = xzalloc(sizeof *h);
	h->epoch = c->epoch;
	h->seq = seq;
	h->cb = c->cb;
	h->aux = c->aux;
	h->reply = reply;
	list_push_back(&r->held, &h->node);
	release_held(r);
}

/* The reply of a call, as a JSON-RPC response (*@replyp, new reference)
 * and the session's notification count; or a negative errno. */
static int
decode_reply(int err, const struct bus_msg_ovsdb_reply *rep, json_t **replyp,
	     uint64_t *seq)
{
	json_error_t jerr;

	*replyp = NULL;
	*seq = 0;
	if (err)
		return err;
	*replyp = json_loads(rep->json, JSON_DECODE_ANY, &jerr);
	*seq = rep->seq;
	return *replyp ? 0 : -EBADMSG;
}

static void
on_reply(int bus_err, const struct bus_msg_ovsdb_reply *rep, const char *why,
	 void *arg)
{
	struct rcall *c = arg;
	struct replica *r = c->r;
	json_t *reply;
	uint64_t seq;
	int err;

	list_remove(&c->node);
	if (!r) {
		free(c);
		return;
	}
	err = decode_reply(bus_err, rep, &reply, &seq);
	if (c->kind == C_TXN) {
		if (err == -ENOENT && c->epoch == r->epoch)
			lost(r, "transact", err);
		on_txn(r, c, err == -ENOENT ? -ECONNRESET : err, reply, seq);
	} else if (c->epoch != r->epoch || c->kind == C_IGNORE) {
		json_decref(reply); /* an older session's */
	} else if (err == -EEXIST && c->kind == C_SCHEMA) {
		json_decref(reply);
		reconnect(r); /* the id was taken: another one */
	} else if (err) {
		if (c->kind == C_PROBE)
			r->probing = false;
		lost(r,
		     c->kind == C_SCHEMA    ? "get_schema"
		     : c->kind == C_MONITOR ? "monitor_cond_since"
					    : "probe",
		     err);
	} else if (c->kind == C_SCHEMA) {
		on_schema(r, reply);
		json_decref(reply);
	} else if (c->kind == C_MONITOR) {
		if (c->mon == r->mon && r->state == R_MONITOR)
			on_monitor(r, reply, seq);
		json_decref(reply);
	} else {
		on_probe(r, seq);
		json_decref(reply);
	}
	free(c);
}

/* ---- public ---- */

int
replica_open(struct ev_loop *loop, struct bus *bus, const char *db_name,
	     const struct replica_table_spec *tables, size_t n,
	     const struct replica_ops *ops, void *aux, struct replica **rp)
{
	struct replica *r;
	int err;

	if (!n || !ops || !ops->changed)
		return -EINVAL;
	r = xzalloc(sizeof *r);
	r->loop = loop;
	r->bus = bus;
	r->db_name = xstrdup(db_name);
	r->ops = ops;
	r->aux = aux;
	r->retry_ms = RETRY_MIN_MS;
	memcpy(r->last_txn, zero_uuid, sizeof zero_uuid);
	list_init(&r->calls);
	list_init(&r->held);
	r->tables = xcalloc(n, sizeof *r->tables);
	r->n_tables = n;
	for (size_t i = 0; i < n; i++) {
		struct rtable *t = &r->tables[i];
		size_t k = 0;

		t->name = xstrdup(tables[i].table);
		hmap_init(&t->changes);
		list_init(&t->order);
		if (!tables[i].columns)
			continue;
		while (tables[i].columns[k])
			k++;
		t->columns = xcalloc(k + 1, sizeof *t->columns);
		for (size_t j = 0; j < k; j++)
			t->columns[j] = xstrdup(tables[i].columns[j]);
	}
	r->holder = xzalloc(sizeof *r->holder);
	r->holder->r = r;
	err = bus_subscribe(bus, &roles[ROLE_DBSERVER], on_notify, r->holder);
	if (err) {
		free(r->holder);
		rtables_destroy(r->tables, r->n_tables);
		free(r->db_name);
		free(r);
		return err;
	}
	r->probe_timer =
		ev_timer_add(loop, REPLICA_PROBE_MS, true, on_probe_timer, r);
	reconnect(r);
	*rp = r;
	return 0;
}

void
replica_close(struct replica *r)
{
	struct rcall *c, *next_c;
	struct held_txn *h, *next_h;

	if (!r)
		return;
	if (r->session)
		close_session(r, r->session);
	LIST_FOR_EACH_SAFE (c, next_c, node, &r->calls) {
		c->r = NULL; /* on_reply frees it */
		list_remove(&c->node);
	}
	LIST_FOR_EACH_SAFE (h, next_h, node, &r->held) {
		json_decref(h->reply);
		free(h);
	}
	r->holder->r = NULL; /* left to the bus subscription */
	ev_timer_del(r->probe_timer);
	if (r->retry_timer)
		ev_timer_del(r->retry_timer);
	drop_buffered(r);
	rtables_destroy(r->tables, r->n_tables);
	ovsdb_db_free(r->db);
	free(r->db_name);
	free(r);
}

bool
replica_is_synced(const struct replica *r)
{
	return r->synced;
}

struct ovsdb_db *
replica_db(struct replica *r)
{
	return r->synced ? r->db : NULL;
}

struct ovsdb_table *
replica_table(struct replica *r, const char *name)
{
	struct rtable *t = rtables_find(r->tables, r->n_tables, name);

	return t && r->synced ? ovsdb_db_table(r->db, t->ts) : NULL;
}

const struct ovsdb_datum *
replica_get(const struct ovsdb_row *row, const char *column)
{
	const struct ovsdb_column *c =
		ovsdb_table_find_column(row->table->schema, column);

	return c ? &row->fields[c->index] : NULL;
}

const char *
replica_get_str(const struct ovsdb_row *row, const char *column)
{
	const struct ovsdb_datum *d = row ? replica_get(row, column) : NULL;

	return d && d->n ? d->keys[0].s : "";
}

const char *
replica_get_map(const struct ovsdb_row *row, const char *column,
		const char *key)
{
	const struct ovsdb_datum *d = row ? replica_get(row, column) : NULL;

	for (unsigned i = 0; d && d->values && i < d->n; i++)
		if (!strcmp(d->keys[i].s, key))
			return d->values[i].s;
	return NULL;
}

const struct replica_change *
replica_changes(const struct replica *r, const char *table)
{
	struct rtable *t = rtables_find(r->tables, r->n_tables, table);
	struct list_node *first = t ? list_front(&t->order) : NULL;

	return first ? &LIST_CONTAINER(first, struct rchange, order)->pub
		     : NULL;
}

const struct replica_change *
replica_change_next(const struct replica_change *c)
{
	/* pub is the first member of struct rchange. */
	_Static_assert(offsetof(struct rchange, pub) == 0, "pub first");
	const struct rchange *rc = (const struct rchange *)(const void *)c;

	if (rc->order.next == &rc->table->order)
		return NULL;
	return &LIST_CONTAINER(rc->order.next, struct rchange, order)->pub;
}

size_t
replica_n_changes(const struct replica *r, const char *table)
{
	struct rtable *t = rtables_find(r->tables, r->n_tables, table);

	return t ? t->n_changes : 0;
}

void
replica_clear_changes(struct replica *r)
{
	for (size_t i = 0; i < r->n_tables; i++)
		rtable_clear_changes(&r->tables[i]);
}

int
replica_transact(struct replica *r, json_t *ops, replica_txn_fn *cb, void *aux)
{
	json_t *params;
	struct rcall *c;
	int err;

	if (r->state != R_LIVE) {
		json_decref(ops);
		return -ENOTCONN;
	}
	params = json_pack("[s]", r->db_name);
	json_array_extend(params, ops);
	json_decref(ops);
	err = call(r, C_TXN, "transact", params, false, CALL_TIMEOUT_MS, &c);
	if (err)
		return err;
	c->cb = cb;
	c->aux = aux;
	return 0;
}

json_t *
replica_uuid_json(const struct ovsdb_uuid *uuid)
{
	char buf[OVSDB_UUID_LEN + 1];

	ovsdb_uuid_format(uuid, buf);
	return json_pack("[ss]", "uuid", buf);
}

/* [["_uuid", "==", ["uuid", U]]] */
static json_t *
where_uuid(const struct ovsdb_uuid *uuid)
{
	return json_pack("[[sso]]", "_uuid", "==", replica_uuid_json(uuid));
}

json_t *
replica_op_update(const char *table, const struct ovsdb_uuid *uuid, json_t *row)
{
	return json_pack("{sssssoso}", "op", "update", "table", table, "where",
			 where_uuid(uuid), "row", row);
}

json_t *
replica_op_mutate(const char *table, const struct ovsdb_uuid *uuid,
		  json_t *mutations)
{
	return json_pack("{sssssoso}", "op", "mutate", "table", table, "where",
			 where_uuid(uuid), "mutations", mutations);
}

json_t *
replica_op_wait_eq(const char *table, const struct ovsdb_uuid *uuid,
		   const char *column, json_t *value)
{
	return json_pack("{sssssosisss[s]s[{so}]}", "op", "wait", "table",
			 table, "where", where_uuid(uuid), "timeout", 0,
			 "until", "==", "columns", column, "rows", column,
			 value);
}

void
replica_get_stats(const struct replica *r, struct replica_stats *s)
{
	*s = r->stats;
}

void
replica_test_drop(struct replica *r, unsigned n)
{
	r->drop += n;
}
