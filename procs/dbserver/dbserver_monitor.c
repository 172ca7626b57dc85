/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_monitor: "monitor" (update), "monitor_cond" (update2) and
 * "monitor_cond_since" (update3) with conditions, condition changes and
 * cancellation, plus the bounded history of recent transactions that lets
 * monitor_cond_since resume from a transaction id.
 *
 * While the session's transport is blocked (its peer does not read), a
 * monitor composes nothing: it keeps, per changed row, a copy of the row
 * from before the first change and after the last (struct mon_change),
 * and sends one merged update when the transport drains, as Open
 * vSwitch's monitors do.  The peer ends with the same contents, in fewer
 * and larger steps.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"

COVERAGE_DEFINE(monitor_merged_update);

enum mon_version { MON_V1, MON_V2, MON_V3 };

/* Kinds of change a column is monitored for (bits of mon_table.cols[]). */
enum { K_INITIAL = 1, K_INSERT = 2, K_DELETE = 4, K_MODIFY = 8 };

struct mon_table {
	const struct ovsdb_table_schema *ts;
	unsigned char *cols; /* per column: K_* bits it is monitored for */
	bool initial, insert, delete_, modify;
	bool has_cond;
	struct ovsdb_condition cond;
};

/* A row changed while the session was blocked: copies of the row before
 * the first change and after the last (NULL where it did not exist). */
struct mon_change {
	struct hnode node; /* in dbserver_monitor.changes, by UUID */
	const struct ovsdb_table_schema *ts;
	struct ovsdb_uuid uuid;
	struct ovsdb_row *old, *new_;
	struct mon_change *next; /* in order of first change */
};

struct dbserver_monitor {
	struct dbserver_monitor *next_in_db, *next_in_session;
	struct dbserver_session *session;
	struct dbserver_db *db;
	json_t *id;
	enum mon_version version;
	struct mon_table *tables;
	size_t n_tables;
	struct hmap changes; /* struct mon_change, kept while blocked */
	struct mon_change *chg_head, **chg_tail;
};

static const struct ovsdb_uuid zero_uuid;

static void flush_changes(struct dbserver_monitor *m);

static json_t *
uuid_json_str(const struct ovsdb_uuid *u)
{
	char buf[37];
	ovsdb_uuid_format(u, buf);
	return json_string(buf);
}

static void
mon_table_destroy(struct mon_table *mt)
{
	free(mt->cols);
	if (mt->has_cond)
		ovsdb_condition_destroy(&mt->cond);
}

static void
changes_clear(struct dbserver_monitor *m)
{
	while (m->chg_head) {
		struct mon_change *c = m->chg_head;
		m->chg_head = c->next;
		hmap_remove(&m->changes, &c->node);
		ovsdb_row_free(c->old);
		ovsdb_row_free(c->new_);
		free(c);
	}
	m->chg_tail = &m->chg_head;
}

static void
monitor_free(struct dbserver_monitor *m)
{
	struct dbserver_monitor **pp;
	for (pp = &m->db->monitors; *pp; pp = &(*pp)->next_in_db)
		if (*pp == m) {
			*pp = m->next_in_db;
			break;
		}
	for (pp = &m->session->monitors; *pp; pp = &(*pp)->next_in_session)
		if (*pp == m) {
			*pp = m->next_in_session;
			break;
		}
	for (size_t i = 0; i < m->n_tables; i++)
		mon_table_destroy(&m->tables[i]);
	free(m->tables);
	json_decref(m->id);
	changes_clear(m);
	hmap_destroy(&m->changes);
	free(m);
}

static struct dbserver_monitor *
find_monitor(struct dbserver_session *s, const json_t *id)
{
	for (struct dbserver_monitor *m = s->monitors; m;
	     m = m->next_in_session)
		if (json_equal(m->id, json_mut(id)))
			return m;
	return NULL;
}

static struct mon_table *
find_mon_table(struct dbserver_monitor *m, const struct ovsdb_table_schema *ts)
{
	for (size_t i = 0; i < m->n_tables; i++)
		if (m->tables[i].ts == ts)
			return &m->tables[i];
	return NULL;
}

static bool
row_matches(const struct mon_table *mt, const struct ovsdb_row *r)
{
	return r && (!mt->has_cond || ovsdb_condition_eval_any(&mt->cond, r));
}

/* Row object with the monitored columns; @skip_default for update2
 * "initial"/"insert". */
static json_t *
row_json(const struct mon_table *mt, const struct ovsdb_row *r,
	 bool skip_default, unsigned kind)
{
	json_t *j = json_object();
	for (unsigned c = 0; c < mt->ts->n_columns; c++) {
		const struct ovsdb_column *col = &mt->ts->columns[c];
		if (!(mt->cols[c] & kind))
			continue;
		if (skip_default &&
		    ovsdb_datum_is_default(&r->fields[c], &col->type))
			continue;
		json_object_set_new(
			j, col->name,
			ovsdb_datum_to_json(&r->fields[c], &col->type));
	}
	return j;
}

/* The update for one row going from @old to @new_ (either may be NULL),
 * or NULL if the monitor has nothing to say. */
static json_t *
row_update(const struct dbserver_monitor *m, const struct mon_table *mt,
	   const struct ovsdb_row *old, const struct ovsdb_row *new_,
	   bool initial)
{
	if (m->version == MON_V1) {
		if (initial)
			return mt->initial && new_
				       ? json_pack("{so}", "new",
						   row_json(mt, new_, false,
							    K_INITIAL))
				       : NULL;
		if (!old && new_)
			return mt->insert ? json_pack("{so}", "new",
						      row_json(mt, new_, false,
							       K_INSERT))
					  : NULL;
		if (old && !new_)
			return mt->delete_ ? json_pack("{so}", "old",
						       row_json(mt, old, false,
								K_DELETE))
					   : NULL;
		if (!old || !mt->modify)
			return NULL;
		json_t *o = json_object();
		for (unsigned c = 0; c < mt->ts->n_columns; c++) {
			const struct ovsdb_column *col = &mt->ts->columns[c];
			if ((mt->cols[c] & K_MODIFY) &&
			    c != OVSDB_COL_VERSION &&
			    !ovsdb_datum_equals(&old->fields[c],
						&new_->fields[c], &col->type))
				json_object_set_new(
					o, col->name,
					ovsdb_datum_to_json(&old->fields[c],
							    &col->type));
		}
		if (!json_object_size(o)) {
			json_decref(o);
			return NULL;
		}
		if (mt->cols[OVSDB_COL_VERSION] & K_MODIFY)
			json_object_set_new(
				o, "_version",
				ovsdb_datum_to_json(
					&old->fields[OVSDB_COL_VERSION],
					&mt->ts->columns[OVSDB_COL_VERSION]
						 .type));
		return json_pack("{soso}", "new",
				 row_json(mt, new_, false, K_MODIFY), "old", o);
	}

	bool om = row_matches(mt, old), nm = row_matches(mt, new_);
	if (initial)
		return mt->initial && nm
			       ? json_pack("{so}", "initial",
					   row_json(mt, new_, true, K_INITIAL))
			       : NULL;
	if (!om && nm)
		return mt->insert
			       ? json_pack("{so}", "insert",
					   row_json(mt, new_, true, K_INSERT))
			       : NULL;
	if (om && !nm)
		return mt->delete_ ? json_pack("{sn}", "delete") : NULL;
	if (!om || !mt->modify)
		return NULL;
	json_t *d = json_object();
	for (unsigned c = 0; c < mt->ts->n_columns; c++) {
		const struct ovsdb_column *col = &mt->ts->columns[c];
		if (!(mt->cols[c] & K_MODIFY) || c == OVSDB_COL_VERSION ||
		    ovsdb_datum_equals(&old->fields[c], &new_->fields[c],
				       &col->type))
			continue;
		struct ovsdb_datum diff;
		ovsdb_datum_diff(&diff, &old->fields[c], &new_->fields[c],
				 &col->type);
		json_object_set_new(d, col->name,
				    ovsdb_datum_to_json(&diff, &col->type));
		ovsdb_datum_destroy(&diff, &col->type);
	}
	if (!json_object_size(d)) {
		json_decref(d);
		return NULL;
	}
	if (mt->cols[OVSDB_COL_VERSION] & K_MODIFY)
		json_object_set_new(
			d, "_version",
			ovsdb_datum_to_json(
				&new_->fields[OVSDB_COL_VERSION],
				&mt->ts->columns[OVSDB_COL_VERSION].type));
	return json_pack("{so}", "modify", d);
}

static void
add_update(json_t *updates, const struct ovsdb_table_schema *ts,
	   const struct ovsdb_uuid *uuid, json_t *u)
{
	json_t *t = json_object_get(updates, ts->name);
	if (!t) {
		t = json_object();
		json_object_set_new(updates, ts->name, t);
	}
	char buf[37];
	ovsdb_uuid_format(uuid, buf);
	json_object_set_new(t, buf, u);
}

static json_t *
initial_updates(const struct dbserver_monitor *m)
{
	json_t *updates = json_object();
	for (size_t i = 0; i < m->n_tables; i++) {
		const struct mon_table *mt = &m->tables[i];
		struct ovsdb_table *t = ovsdb_db_table(m->db->db, mt->ts);
		struct hnode *n;
		HMAP_FOR_EACH (n, &t->rows) {
			const struct ovsdb_row *r =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			json_t *u = row_update(m, mt, NULL, r, true);
			if (u)
				add_update(updates, mt->ts, ovsdb_row_uuid(r),
					   u);
		}
	}
	return updates;
}

static void
send_updates(struct dbserver_monitor *m, json_t *updates)
{
	const char *method = m->version == MON_V1   ? "update"
			     : m->version == MON_V2 ? "update2"
						    : "update3";
	json_t *params = json_array();
	json_array_append(params, m->id);
	if (m->version == MON_V3)
		json_array_append_new(params,
				      uuid_json_str(m->session->real_txn_ids
							    ? &m->db->last_txn
							    : &zero_uuid));
	json_array_append_new(params, updates);
	jsonrpc_notify(m->session, method, params);
}

static struct dbserver_hist *
hist_at(struct dbserver_db *db, size_t i)
{
	return &db->hist[(db->hist_start + i) % DBSERVER_HIST_MAX];
}

struct replay_row {
	struct hnode node;
	const struct ovsdb_table_schema *ts;
	struct ovsdb_uuid uuid;
	const struct ovsdb_row *old, *new_;
	struct replay_row *next;
};

/* Updates for every change recorded from history entry @from on, merged
 * per row (the first old and the last new). */
static json_t *
replay_since(struct dbserver_monitor *m, size_t from)
{
	struct dbserver_db *db = m->db;
	struct hmap rows;
	struct replay_row *list = NULL, **tail = &list;
	hmap_init(&rows);
	for (size_t i = from; i < db->hist_n; i++) {
		const struct dbserver_hist *h = hist_at(db, i);
		for (size_t k = 0; k < h->n; k++) {
			const struct dbserver_hist_row *hr = &h->rows[k];
			const struct ovsdb_row *any =
				hr->old ? hr->old : hr->new_;
			const struct ovsdb_uuid *u = ovsdb_row_uuid(any);
			struct replay_row *rr = NULL;
			for (struct hnode *n = hmap_first_with_hash(
				     &rows, ovsdb_uuid_hash(u));
			     n; n = hmap_next_with_hash(n)) {
				struct replay_row *x = HMAP_CONTAINER(
					n, struct replay_row, node);
				if (x->ts == hr->ts &&
				    ovsdb_uuid_eq(&x->uuid, u)) {
					rr = x;
					break;
				}
			}
			if (!rr) {
				rr = xzalloc(sizeof *rr);
				rr->ts = hr->ts;
				rr->uuid = *u;
				rr->old = hr->old;
				hmap_insert(&rows, &rr->node,
					    ovsdb_uuid_hash(u));
				*tail = rr;
				tail = &rr->next;
			}
			rr->new_ = hr->new_;
		}
	}
	json_t *updates = json_object();
	while (list) {
		struct replay_row *rr = list;
		list = rr->next;
		const struct mon_table *mt = find_mon_table(m, rr->ts);
		json_t *u =
			mt && (rr->old || rr->new_)
				? row_update(m, mt, rr->old, rr->new_, false)
				: NULL;
		if (u)
			add_update(updates, rr->ts, &rr->uuid, u);
		free(rr);
	}
	hmap_destroy(&rows);
	return updates;
}

static int
parse_select(const struct ovsdb_table_schema *ts, const json_t *sel,
	     struct mon_table *mt, struct ovsdb_error **errp)
{
	static const char *const members[] = { "initial", "insert", "delete",
					       "modify" };
	mt->initial = mt->insert = mt->delete_ = mt->modify = true;
	if (!sel)
		return 0;
	if (!json_is_object(sel))
		return ovsdb_err(errp, "syntax error", sel,
				 "Parsing table %s select failed: Object "
				 "expected.",
				 ts->name);
	for (size_t i = 0; i < ARRAY_SIZE(members); i++) {
		const json_t *x = json_object_get(sel, members[i]);
		if (x && !json_is_boolean(x))
			return ovsdb_err(errp, "syntax error", sel,
					 "Parsing table %s select failed: "
					 "Type mismatch for member '%s'.",
					 ts->name, members[i]);
	}
	const json_t *v;
	if ((v = json_object_get(sel, "initial")))
		mt->initial = json_is_true(v);
	if ((v = json_object_get(sel, "insert")))
		mt->insert = json_is_true(v);
	if ((v = json_object_get(sel, "delete")))
		mt->delete_ = json_is_true(v);
	if ((v = json_object_get(sel, "modify")))
		mt->modify = json_is_true(v);
	return 0;
}

static int
parse_table_requests(struct dbserver_monitor *m, struct mon_table *mt,
		     const json_t *reqs, struct ovsdb_error **errp)
{
	const struct ovsdb_table_schema *ts = mt->ts;
	mt->cols = xcalloc(ts->n_columns, 1);
	size_t n = json_is_array(reqs) ? json_array_size(reqs) : 1;
	mt->initial = mt->insert = mt->delete_ = mt->modify = false;
	for (size_t i = 0; i < n; i++) {
		const json_t *req =
			json_is_array(reqs) ? json_array_get(reqs, i) : reqs;
		if (!json_is_object(req))
			return ovsdb_err(errp, "syntax error", req,
					 "monitor request must be an object");
		struct mon_table tmp = { 0 };
		int r = parse_select(ts, json_object_get(req, "select"), &tmp,
				     errp);
		if (r)
			return r;
		unsigned char bits = (tmp.initial ? K_INITIAL : 0) |
				     (tmp.insert ? K_INSERT : 0) |
				     (tmp.delete_ ? K_DELETE : 0) |
				     (tmp.modify ? K_MODIFY : 0);
		mt->initial |= tmp.initial;
		mt->insert |= tmp.insert;
		mt->delete_ |= tmp.delete_;
		mt->modify |= tmp.modify;
		const json_t *cols = json_object_get(req, "columns");
		if (cols) {
			size_t k;
			json_t *c;
			json_array_foreach(cols, k, c)
			{
				const char *cn = json_string_value(c);
				const struct ovsdb_column *col =
					cn ? ovsdb_table_find_column(ts, cn)
					   : NULL;
				if (!col)
					return ovsdb_err(errp, "syntax error",
							 cols,
							 "%s is not a valid "
							 "column name",
							 cn ? cn : "");
				if (mt->cols[col->index])
					return ovsdb_err(
						errp, "syntax error", cols,
						"column name mentioned "
						"more than once");
				mt->cols[col->index] = bits;
			}
		} else {
			memset(mt->cols + 1, bits, ts->n_columns - 1);
		}
		const json_t *where = json_object_get(req, "where");
		if (where && m->version != MON_V1) {
			if (mt->has_cond)
				ovsdb_condition_destroy(&mt->cond);
			mt->has_cond = true;
			if ((r = ovsdb_condition_from_json(ts, where, NULL,
							   &mt->cond, errp))) {
				mt->has_cond = false;
				return r;
			}
		}
	}
	return 0;
}

int
dbserver_monitor_request(struct dbserver_session *s, const char *method,
			 const json_t *id, const json_t *params)
{
	enum mon_version v = !strcmp(method, "monitor")	       ? MON_V1
			     : !strcmp(method, "monitor_cond") ? MON_V2
							       : MON_V3;
	struct ovsdb_error *e = NULL;
	const char *dbname = json_string_value(json_array_get(params, 0));
	const json_t *mon_id = json_array_get(params, 1);
	const json_t *reqs = json_array_get(params, 2);
	struct dbserver_monitor *m = NULL;
	struct dbserver_db *db;

	/* Checked in Open vSwitch's order.  Its monitor (v1) ignores extra
	 * params and crashes on fewer than three (a segfault or an abort
	 * in 3.1.0): its client sees the connection close, and so does
	 * ours.  monitor_cond wants exactly 3, monitor_cond_since 4. */
	size_t n_params = json_array_size(params);
	if (!dbname) {
		ovsdb_err(&e, "syntax error", params,
			  "%s request params must begin with <db-name>",
			  method);
		goto error;
	}
	if (!(db = dbserver_find_db(s->srv, dbname))) {
		ovsdb_err(&e, "unknown database", params,
			  "%s request specifies unknown database %s", method,
			  dbname);
		goto error;
	}
	if (v == MON_V1 && n_params < 3)
		return -EPROTO;
	if (v != MON_V1 && n_params != (v == MON_V3 ? 4 : 3)) {
		ovsdb_err(&e, "syntax error", params, "invalid parameters");
		goto error;
	}
	const json_t *last_j = json_array_get(params, 3);
	struct ovsdb_uuid last_u;
	if (v == MON_V3 &&
	    (!json_is_string(last_j) ||
	     !ovsdb_uuid_from_string(json_string_value(last_j), &last_u))) {
		ovsdb_err(&e, "syntax error", last_j,
			  "last-txn-id must be UUID format.");
		goto error;
	}
	if (find_monitor(s, mon_id)) {
		ovsdb_err(&e, "syntax error", mon_id, "duplicate monitor ID");
		goto error;
	}
	if (!json_is_object(reqs)) {
		ovsdb_err(&e, "syntax error", reqs,
			  "monitor-requests must be object");
		goto error;
	}
	m = xzalloc(sizeof *m);
	m->session = s;
	m->db = db;
	hmap_init(&m->changes);
	m->chg_tail = &m->chg_head;
	m->id = json_deep_copy(mon_id);
	m->version = v;
	m->tables = xcalloc(json_object_size(reqs) + 1, sizeof *m->tables);
	const char *tname;
	json_t *treq;
	json_object_foreach(json_mut(reqs), tname, treq)
	{
		const struct ovsdb_table_schema *ts =
			ovsdb_schema_find_table(db->db->schema, tname);
		if (!ts) {
			ovsdb_err(&e, "syntax error", NULL, "no table named %s",
				  tname);
			goto error;
		}
		struct mon_table *mt = &m->tables[m->n_tables++];
		mt->ts = ts;
		if (parse_table_requests(m, mt, treq, &e))
			goto error;
	}

	json_t *updates = NULL;
	bool found = false;
	if (v == MON_V3) {
		struct ovsdb_uuid last;
		const char *ls = json_string_value(json_array_get(params, 3));
		if (s->real_txn_ids && ls &&
		    ovsdb_uuid_from_string(ls, &last) &&
		    !ovsdb_uuid_eq(&last, &zero_uuid)) {
			if (ovsdb_uuid_eq(&last, &db->last_txn)) {
				found = true;
				updates = json_object();
			} else {
				for (size_t i = 0; i < db->hist_n; i++)
					if (ovsdb_uuid_eq(
						    &hist_at(db, i)->txn_id,
						    &last)) {
						found = true;
						updates =
							replay_since(m, i + 1);
						break;
					}
			}
		}
		if (!found)
			updates = initial_updates(m);
	} else {
		updates = initial_updates(m);
	}

	m->next_in_db = db->monitors;
	db->monitors = m;
	m->next_in_session = s->monitors;
	s->monitors = m;
	if (v == MON_V3)
		jsonrpc_reply(
			s, id,
			json_pack("[boo]", found,
				  uuid_json_str(s->real_txn_ids ? &db->last_txn
								: &zero_uuid),
				  updates));
	else
		jsonrpc_reply(s, id, updates);
	return 0;

error:
	if (m) {
		for (size_t i = 0; i < m->n_tables; i++)
			mon_table_destroy(&m->tables[i]);
		free(m->tables);
		json_decref(m->id);
		hmap_destroy(&m->changes);
		free(m);
	}
	jsonrpc_reply_error(s, id, ovsdb_error_to_json(e));
	ovsdb_error_free(e);
	return 0;
}

void
dbserver_monitor_cancel(struct dbserver_session *s, const json_t *id,
			const json_t *params)
{
	if (json_array_size(params) != 1) {
		jsonrpc_reply_error(s, id, json_string("invalid parameters"));
		return;
	}
	struct dbserver_monitor *m = find_monitor(s, json_array_get(params, 0));
	if (!m) {
		jsonrpc_reply_error(s, id, json_string("unknown monitor"));
		return;
	}
	monitor_free(m);
	jsonrpc_reply(s, id, json_object());
}

void
dbserver_monitor_cond_change(struct dbserver_session *s, const json_t *id,
			     const json_t *params)
{
	struct dbserver_monitor *m = find_monitor(s, json_array_get(params, 0));
	const json_t *new_id = json_array_get(params, 1);
	const json_t *reqs = json_array_get(params, 2);
	struct ovsdb_error *e = NULL;

	if (!m) {
		ovsdb_err(&e, "syntax error", json_array_get(params, 0),
			  "unknown monitor session");
		goto error;
	}
	/* The condition applies from the contents the peer has: bring it
	 * up to date first, blocked or not. */
	flush_changes(m);
	if (!new_id || !json_is_object(reqs)) {
		ovsdb_err(&e, "syntax error", params,
			  "monitor_cond_change: bad parameters");
		goto error;
	}
	if (!json_equal(json_mut(new_id), m->id) && find_monitor(s, new_id)) {
		ovsdb_err(&e, "syntax error", new_id, "duplicate monitor ID");
		goto error;
	}
	/* Parse every new condition before changing anything. */
	size_t n = json_object_size(reqs), k = 0;
	struct ovsdb_condition *conds = xcalloc(n + 1, sizeof *conds);
	struct mon_table **mts = xcalloc(n + 1, sizeof *mts);
	const char *tname;
	json_t *treq;
	json_object_foreach(json_mut(reqs), tname, treq)
	{
		const struct ovsdb_table_schema *ts =
			ovsdb_schema_find_table(m->db->db->schema, tname);
		struct mon_table *mt = ts ? find_mon_table(m, ts) : NULL;
		const json_t *req =
			json_is_array(treq) ? json_array_get(treq, 0) : treq;
		const json_t *where = json_object_get(req, "where");
		if (!mt) {
			ovsdb_err(&e, "syntax error", NULL,
				  "no table named %s in monitor session",
				  tname);
			break;
		}
		if (json_object_get(req, "columns")) {
			ovsdb_err(&e, "syntax error", req,
				  "changing columns is unsupported");
			break;
		}
		if (!where)
			continue;
		if (ovsdb_condition_from_json(ts, where, NULL, &conds[k], &e))
			break;
		mts[k++] = mt;
	}
	if (e) {
		for (size_t i = 0; i < k; i++)
			ovsdb_condition_destroy(&conds[i]);
		free(conds);
		free(mts);
		goto error;
	}
	if (m->version == MON_V1) {
		/* Conditions do not apply to "monitor"; ovsdb-server accepts
		 * the request and changes nothing. */
		for (size_t i = 0; i < k; i++)
			ovsdb_condition_destroy(&conds[i]);
		k = 0;
	}
	json_t *updates = json_object();
	for (size_t i = 0; i < k; i++) {
		struct mon_table *mt = mts[i];
		struct ovsdb_table *t = ovsdb_db_table(m->db->db, mt->ts);
		struct hnode *node;
		HMAP_FOR_EACH (node, &t->rows) {
			const struct ovsdb_row *r =
				HMAP_CONTAINER(node, struct ovsdb_row, node);
			bool om = row_matches(mt, r);
			bool nm = ovsdb_condition_eval_any(&conds[i], r);
			if (om && !nm)
				add_update(updates, mt->ts, ovsdb_row_uuid(r),
					   json_pack("{sn}", "delete"));
			else if (!om && nm)
				add_update(updates, mt->ts, ovsdb_row_uuid(r),
					   json_pack("{so}", "insert",
						     row_json(mt, r, true,
							      K_INSERT)));
		}
		if (mt->has_cond)
			ovsdb_condition_destroy(&mt->cond);
		mt->cond = conds[i];
		mt->has_cond = true;
	}
	free(conds);
	free(mts);
	json_decref(m->id);
	m->id = json_deep_copy(new_id);
	if (json_object_size(updates))
		send_updates(m, updates);
	else
		json_decref(updates);
	jsonrpc_reply(s, id, json_object());
	return;

error:
	jsonrpc_reply_error(s, id, ovsdb_error_to_json(e));
	ovsdb_error_free(e);
}

/* Keeps @tr's change to a row for @m's merged update. */
static void
keep_change(struct dbserver_monitor *m, const struct ovsdb_txn_row *tr)
{
	uint32_t hash = ovsdb_uuid_hash(&tr->uuid);
	struct mon_change *c = NULL;

	for (struct hnode *n = hmap_first_with_hash(&m->changes, hash); n;
	     n = hmap_next_with_hash(n)) {
		struct mon_change *x =
			HMAP_CONTAINER(n, struct mon_change, node);
		if (x->ts == tr->table->schema &&
		    ovsdb_uuid_eq(&x->uuid, &tr->uuid)) {
			c = x;
			break;
		}
	}
	if (!c) {
		c = xzalloc(sizeof *c);
		c->ts = tr->table->schema;
		c->uuid = tr->uuid;
		c->old = tr->old ? ovsdb_row_clone(tr->old) : NULL;
		hmap_insert(&m->changes, &c->node, hash);
		*m->chg_tail = c;
		m->chg_tail = &c->next;
	} else {
		ovsdb_row_free(c->new_);
	}
	c->new_ = tr->new_ ? ovsdb_row_clone(tr->new_) : NULL;
}

/* Sends what @m kept as one update (nothing if it all cancels out). */
static void
flush_changes(struct dbserver_monitor *m)
{
	json_t *updates = NULL;

	for (struct mon_change *c = m->chg_head; c; c = c->next) {
		const struct mon_table *mt = find_mon_table(m, c->ts);
		json_t *u = mt && (c->old || c->new_)
				    ? row_update(m, mt, c->old, c->new_, false)
				    : NULL;
		if (!u)
			continue;
		if (!updates)
			updates = json_object();
		add_update(updates, c->ts, &c->uuid, u);
	}
	changes_clear(m);
	coverage_inc(monitor_merged_update);
	if (updates)
		send_updates(m, updates);
}

void
dbserver_monitors_flush(struct dbserver_session *s)
{
	for (struct dbserver_monitor *m = s->monitors; m && !s->blocked;
	     m = m->next_in_session)
		if (m->chg_head)
			flush_changes(m);
}

void
dbserver_monitors_commit(struct dbserver_db *db, const struct ovsdb_txn *txn)
{
	for (struct dbserver_monitor *m = db->monitors; m; m = m->next_in_db) {
		json_t *updates = NULL;
		if (m->session->blocked || m->chg_head) {
			for (const struct ovsdb_txn_row *tr =
				     ovsdb_txn_first(txn);
			     tr; tr = tr->next_in_order)
				if (find_mon_table(m, tr->table->schema))
					keep_change(m, tr);
			continue;
		}
		for (const struct ovsdb_txn_row *tr = ovsdb_txn_first(txn); tr;
		     tr = tr->next_in_order) {
			const struct mon_table *mt =
				find_mon_table(m, tr->table->schema);
			if (!mt)
				continue;
			json_t *u = row_update(m, mt, tr->old, tr->new_, false);
			if (!u)
				continue;
			if (!updates)
				updates = json_object();
			add_update(updates, mt->ts, &tr->uuid, u);
		}
		if (updates)
			send_updates(m, updates);
	}
}

void
dbserver_monitors_session_gone(struct dbserver_session *s)
{
	while (s->monitors)
		monitor_free(s->monitors);
}

size_t
dbserver_monitor_count(struct dbserver *srv)
{
	size_t n = 0;
	for (size_t i = 0; i < srv->n_dbs; i++)
		for (struct dbserver_monitor *m = srv->dbs[i]->monitors; m;
		     m = m->next_in_db)
			n++;
	return n;
}

static void
hist_entry_clear(struct dbserver_hist *h)
{
	for (size_t i = 0; i < h->n; i++) {
		ovsdb_row_free(h->rows[i].old);
		ovsdb_row_free(h->rows[i].new_);
	}
	free(h->rows);
	memset(h, 0, sizeof *h);
}

void
dbserver_hist_clear(struct dbserver_db *db)
{
	for (size_t i = 0; i < db->hist_n; i++)
		hist_entry_clear(hist_at(db, i));
	db->hist_n = 0;
	db->hist_start = 0;
}

void
dbserver_hist_record(struct dbserver_db *db, const struct ovsdb_txn *txn)
{
	size_t n = 0;
	const struct ovsdb_txn_row *tr;
	/* Only sessions with real ids can ever resume. */
	if (!db->srv->n_real_txn_id_sessions)
		return;
	for (tr = ovsdb_txn_first(txn); tr; tr = tr->next_in_order)
		n++;
	if (n > 10000) {
		/* Too big to keep: clients resync from scratch. */
		dbserver_hist_clear(db);
		return;
	}
	if (db->hist_n == DBSERVER_HIST_MAX) {
		hist_entry_clear(hist_at(db, 0));
		db->hist_start = (db->hist_start + 1) % DBSERVER_HIST_MAX;
		db->hist_n--;
	}
	struct dbserver_hist *h = hist_at(db, db->hist_n++);
	h->txn_id = *ovsdb_txn_id(txn);
	h->rows = xcalloc(n ? n : 1, sizeof *h->rows);
	for (tr = ovsdb_txn_first(txn); tr; tr = tr->next_in_order) {
		struct dbserver_hist_row *hr = &h->rows[h->n++];
		hr->ts = tr->table->schema;
		hr->old = tr->old ? ovsdb_row_clone(tr->old) : NULL;
		hr->new_ = tr->new_ ? ovsdb_row_clone(tr->new_) : NULL;
	}
}
