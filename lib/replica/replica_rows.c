/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replica_rows: the replicated tables of a replica: binding the tables
 * asked for to the schema, applying update2/update3 contents to the rows
 * (rows are changed in place, so pointers stay valid), and recording
 * each change against the contents the reader last saw.
 */
#include "replica_priv.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

LOG_MODULE(replica_rows);

static struct log_rl rl = LOG_RL_INIT(10, 60);

/* ---- binding ---- */

struct rtable *
rtables_find(struct rtable *ts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (ts[i].ts && !strcmp(ts[i].name, name))
			return &ts[i];
	return NULL;
}

void
rtables_bind(struct rtable *ts, size_t n, struct ovsdb_db *db)
{
	for (size_t i = 0; i < n; i++) {
		struct rtable *t = &ts[i];
		const struct ovsdb_table_schema *s =
			ovsdb_schema_find_table(db->schema, t->name);

		if (!s) {
			log_err("database %s has no table %s: not replicated",
				db->schema->name, t->name);
			continue;
		}
		t->ts = s;
		t->kept = xcalloc(s->n_columns, 1);
		t->diff_types = xcalloc(s->n_columns, sizeof *t->diff_types);
		for (unsigned c = 2; c < s->n_columns; c++) {
			struct ovsdb_type *dt = &t->diff_types[c];
			ovsdb_type_clone(dt, &s->columns[c].type);
			/* A diff toggles elements: any number of them. */
			if (!ovsdb_type_is_scalar(dt)) {
				dt->n_min = 0;
				dt->n_max = UINT_MAX;
			}
			t->kept[c] = !t->columns;
		}
		for (char **cn = t->columns; cn && *cn; cn++) {
			const struct ovsdb_column *col =
				ovsdb_table_find_column(s, *cn);
			if (col && col->index >= 2)
				t->kept[col->index] = 1;
			else
				log_err("table %s has no column %s: not "
					"replicated",
					t->name, *cn);
		}
	}
}

void
rtables_unbind(struct rtable *ts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct rtable *t = &ts[i];

		if (!t->ts)
			continue;
		rtable_clear_changes(t);
		for (unsigned c = 2; c < t->ts->n_columns; c++)
			ovsdb_type_destroy(&t->diff_types[c]);
		free(t->diff_types);
		free(t->kept);
		t->diff_types = NULL;
		t->kept = NULL;
		t->ts = NULL;
	}
}

void
rtables_destroy(struct rtable *ts, size_t n)
{
	rtables_unbind(ts, n);
	for (size_t i = 0; i < n; i++) {
		for (char **cn = ts[i].columns; cn && *cn; cn++)
			free(*cn);
		free(ts[i].columns);
		free(ts[i].name);
		hmap_destroy(&ts[i].changes);
	}
	free(ts);
}

json_t *
rtables_monitor_requests(const struct rtable *ts, size_t n)
{
	json_t *reqs = json_object();

	for (size_t i = 0; i < n; i++) {
		const struct rtable *t = &ts[i];
		json_t *cols = json_array();

		if (!t->ts)
			continue;
		for (unsigned c = 2; c < t->ts->n_columns; c++)
			if (t->kept[c])
				json_array_append_new(
					cols,
					json_string(t->ts->columns[c].name));
		json_object_set_new(reqs, t->name,
				    json_pack("{so}", "columns", cols));
	}
	return reqs;
}

/* ---- change records ---- */

static struct rchange *
find_change(struct rtable *t, const struct ovsdb_uuid *u)
{
	for (struct hnode *n =
		     hmap_first_with_hash(&t->changes, ovsdb_uuid_hash(u));
	     n; n = hmap_next_with_hash(n)) {
		struct rchange *c = HMAP_CONTAINER(n, struct rchange, node);
		if (ovsdb_uuid_eq(&c->pub.uuid, u))
			return c;
	}
	return NULL;
}

static struct rchange *
add_change(struct rtable *t, enum replica_change_kind kind,
	   const struct ovsdb_uuid *u)
{
	struct rchange *c = xzalloc(sizeof *c);

	c->pub.kind = kind;
	c->pub.uuid = *u;
	c->table = t;
	hmap_insert(&t->changes, &c->node, ovsdb_uuid_hash(u));
	list_push_back(&t->order, &c->order);
	t->n_changes++;
	return c;
}

static void
drop_change(struct rtable *t, struct rchange *c)
{
	hmap_remove(&t->changes, &c->node);
	list_remove(&c->order);
	t->n_changes--;
	ovsdb_row_free(c->old_row);
	free(c->cols);
	free(c);
}

void
rtable_clear_changes(struct rtable *t)
{
	struct rchange *c, *next;

	LIST_FOR_EACH_SAFE (c, next, order, &t->order)
		drop_change(t, c);
}

/* Columns of a MODIFY record: those that differ from what the reader
 * saw.  None: the row is back as it was, and the record goes. */
static void
update_modify(struct rtable *t, struct rchange *c)
{
	bool any = false;

	if (!c->cols)
		c->cols = xcalloc(t->ts->n_columns, 1);
	for (unsigned i = 2; i < t->ts->n_columns; i++) {
		c->cols[i] = t->kept[i] &&
			     !ovsdb_datum_equals(&c->old_row->fields[i],
						 &c->pub.row->fields[i],
						 &t->ts->columns[i].type);
		any |= c->cols[i];
	}
	c->pub.kind = REPLICA_MODIFY;
	c->pub.old = c->old_row;
	c->pub.columns = c->cols;
	if (!any)
		drop_change(t, c);
}

/* @row is about to change in place. */
static void
note_modify_begin(struct rtable *t, struct ovsdb_row *row)
{
	struct rchange *c = find_change(t, ovsdb_row_uuid(row));

	if (c)
		return; /* inserted since, or already modified */
	c = add_change(t, REPLICA_MODIFY, ovsdb_row_uuid(row));
	c->old_row = ovsdb_row_clone(row);
	c->pub.row = row;
}

/* @row has changed in place. */
static void
note_modify_end(struct rtable *t, struct ovsdb_row *row)
{
	struct rchange *c = find_change(t, ovsdb_row_uuid(row));

	if (c && c->pub.kind == REPLICA_MODIFY)
		update_modify(t, c);
}

static void
note_insert(struct rtable *t, struct ovsdb_row *row)
{
	struct rchange *c = find_change(t, ovsdb_row_uuid(row));

	if (c && c->pub.kind == REPLICA_DELETE) { /* deleted, back again */
		c->pub.row = row;
		update_modify(t, c);
		return;
	}
	c = add_change(t, REPLICA_INSERT, ovsdb_row_uuid(row));
	c->pub.row = row;
}

/* @row left its table; the records take it over. */
static void
note_delete(struct rtable *t, struct ovsdb_row *row)
{
	struct rchange *c = find_change(t, ovsdb_row_uuid(row));

	if (c && c->pub.kind == REPLICA_INSERT) {
		drop_change(t, c);
		ovsdb_row_free(row);
		return;
	}
	if (c) { /* modified since: the reader saw old_row */
		ovsdb_row_free(row);
	} else {
		c = add_change(t, REPLICA_DELETE, ovsdb_row_uuid(row));
		c->old_row = row;
	}
	c->pub.kind = REPLICA_DELETE;
	c->pub.row = NULL;
	c->pub.old = c->old_row;
	c->pub.columns = NULL;
	free(c->cols);
	c->cols = NULL;
}

/* ---- applying ---- */

/* A new row of @t (not in the table) from a row object of the monitored
 * columns; columns it lacks have their default.  NULL if malformed. */
static struct ovsdb_row *
parse_row(struct rtable *rt, struct ovsdb_table *t, const struct ovsdb_uuid *u,
	  const json_t *obj)
{
	struct ovsdb_row *row = ovsdb_row_new(t, u);
	const char *name;
	json_t *v;

	if (!json_is_object(obj))
		goto bad;
	json_object_foreach(json_mut(obj), name, v)
	{
		const struct ovsdb_column *col =
			ovsdb_table_find_column(rt->ts, name);
		struct ovsdb_error *e = NULL;

		if (!col || !rt->kept[col->index])
			continue;
		ovsdb_datum_destroy(&row->fields[col->index], &col->type);
		if (ovsdb_datum_from_json(&row->fields[col->index], &col->type,
					  v, NULL, &e)) {
			log_warn_rl(&rl, "%s.%s: bad value: %s", rt->name, name,
				    e && e->details ? e->details : "");
			ovsdb_error_free(e);
			ovsdb_datum_init_default(&row->fields[col->index],
						 &col->type);
			goto bad;
		}
	}
	return row;

bad:
	ovsdb_row_free(row);
	return NULL;
}

/* Applies a "modify" diff object to @row. */
static int
apply_modify(struct rtable *rt, struct ovsdb_row *row, const json_t *obj)
{
	const char *name;
	json_t *v;
	int r = 0;

	if (!json_is_object(obj))
		return -EBADMSG;
	note_modify_begin(rt, row);
	json_object_foreach(json_mut(obj), name, v)
	{
		const struct ovsdb_column *col =
			ovsdb_table_find_column(rt->ts, name);
		struct ovsdb_error *e = NULL;
		struct ovsdb_datum diff;

		if (!col || !rt->kept[col->index])
			continue;
		if (ovsdb_datum_from_json(&diff, &rt->diff_types[col->index], v,
					  NULL, &e)) {
			log_warn_rl(&rl, "%s.%s: bad diff: %s", rt->name, name,
				    e && e->details ? e->details : "");
			ovsdb_error_free(e);
			r = -EBADMSG;
			continue;
		}
		ovsdb_datum_apply_diff(&row->fields[col->index], &diff,
				       &col->type);
		ovsdb_datum_destroy(&diff, &rt->diff_types[col->index]);
	}
	note_modify_end(rt, row);
	return r;
}

/* Makes @row hold @fresh's kept columns (a reload); frees @fresh. */
static void
replace_row(struct rtable *rt, struct ovsdb_row *row, struct ovsdb_row *fresh)
{
	bool same = true;

	for (unsigned c = 2; c < rt->ts->n_columns && same; c++)
		same = !rt->kept[c] ||
		       ovsdb_datum_equals(&row->fields[c], &fresh->fields[c],
					  &rt->ts->columns[c].type);
	if (!same) {
		note_modify_begin(rt, row);
		for (unsigned c = 2; c < rt->ts->n_columns; c++)
			if (rt->kept[c])
				ovsdb_datum_swap(&row->fields[c],
						 &fresh->fields[c]);
		note_modify_end(rt, row);
	}
	ovsdb_row_free(fresh);
}

static void
delete_row(struct rtable *rt, struct ovsdb_table *t, struct ovsdb_row *row)
{
	hmap_remove(&t->rows, &row->node);
	note_delete(rt, row);
}

/* A UUID a reload brought. */
struct seen {
	struct hnode node;
	struct ovsdb_uuid uuid;
};

static bool
was_seen(const struct hmap *seen, const struct ovsdb_uuid *u)
{
	for (struct hnode *n = hmap_first_with_hash(seen, ovsdb_uuid_hash(u));
	     n; n = hmap_next_with_hash(n))
		if (ovsdb_uuid_eq(&HMAP_CONTAINER(n, struct seen, node)->uuid,
				  u))
			return true;
	return false;
}

/* One row's update; @seen collects the UUIDs of a reload. */
static int
apply_row(struct rtable *rt, struct ovsdb_table *t, const char *uuid_s,
	  const json_t *u, struct hmap *seen)
{
	struct ovsdb_uuid uuid;
	struct ovsdb_row *row, *fresh;
	const char *what;
	json_t *v;

	if (!ovsdb_uuid_from_string(uuid_s, &uuid) || !json_is_object(u) ||
	    json_object_size(u) != 1)
		return -EBADMSG;
	row = ovsdb_table_find_row(t, &uuid);
	json_object_foreach(json_mut(u), what, v)
	{
		if (!strcmp(what, "modify"))
			return row ? apply_modify(rt, row, v) : -EBADMSG;
		if (!strcmp(what, "delete")) {
			if (row)
				delete_row(rt, t, row);
			return row ? 0 : -EBADMSG;
		}
		if (strcmp(what, "initial") && strcmp(what, "insert"))
			return -EBADMSG;
		if (!(fresh = parse_row(rt, t, &uuid, v)))
			return -EBADMSG;
		if (seen) {
			struct seen *mark = xzalloc(sizeof *mark);
			mark->uuid = uuid;
			hmap_insert(seen, &mark->node, ovsdb_uuid_hash(&uuid));
		}
		if (row) {
			replace_row(rt, row, fresh);
		} else {
			ovsdb_table_put_row(t, fresh);
			note_insert(rt, fresh);
		}
	}
	return 0;
}

/* After a reload: deletes the rows of @t whose UUID was not in it. */
static void
sweep(struct rtable *rt, struct ovsdb_table *t, struct hmap *seen)
{
	struct hnode *n, *next;

	HMAP_FOR_EACH_SAFE (n, next, &t->rows) {
		struct ovsdb_row *row =
			HMAP_CONTAINER(n, struct ovsdb_row, node);
		if (!was_seen(seen, ovsdb_row_uuid(row)))
			delete_row(rt, t, row);
	}
	HMAP_FOR_EACH_SAFE (n, next, seen) {
		hmap_remove(seen, n);
		free(HMAP_CONTAINER(n, struct seen, node));
	}
}

int
rtables_apply(struct rtable *ts, size_t n, struct ovsdb_db *db,
	      const json_t *updates, bool reload)
{
	int r = 0;

	if (!json_is_object(updates))
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		struct rtable *rt = &ts[i];
		const json_t *tu;
		struct hmap seen;
		const char *uuid_s;
		json_t *u;

		if (!rt->ts)
			continue;
		tu = json_object_get(updates, rt->name);
		if (tu && !json_is_object(tu))
			return -EBADMSG;
		if (reload)
			hmap_init(&seen);
		json_object_foreach(json_mut(tu), uuid_s, u)
		{
			int e = apply_row(rt, ovsdb_db_table(db, rt->ts),
					  uuid_s, u, reload ? &seen : NULL);
			if (e && !r) {
				log_warn_rl(&rl, "%s: bad update for %s",
					    rt->name, uuid_s);
				r = e;
			}
		}
		if (reload) {
			sweep(rt, ovsdb_db_table(db, rt->ts), &seen);
			hmap_destroy(&seen);
		}
	}
	return r;
}
