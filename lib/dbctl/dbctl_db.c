/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_db: lazily loaded client-side cache of one database and the
 * transaction built from its changes (see the header).
 */
#include "dbctl_db.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dbctl.h"
#include "dbctl_jsontext.h"
#include "dbctl_rpc.h"
#include "ovsdb_error.h"
#include "util.h"

/* Column lookups by name are on every hot path of the tools: hash them. */
struct dbctl_col_entry {
	struct hnode node;
	const char *name;
	int index;
};

static int col_lookup(const struct dbctl_table *t, const char *name);

static uint32_t
hash_name(const char *name)
{
	return hash_bytes(name, strlen(name), 0);
}

static void
index_columns(struct dbctl_table *t)
{
	unsigned n = t->ts->n_columns;

	hmap_init(&t->col_index);
	t->col_entries = xcalloc(n ? n : 1, sizeof *t->col_entries);
	t->col_loaded = xcalloc(n ? n : 1, sizeof *t->col_loaded);
	for (unsigned i = 0; i < n; i++) {
		struct dbctl_col_entry *e = &t->col_entries[i];

		e->name = t->ts->columns[i].name;
		e->index = (int)i;
		hmap_insert(&t->col_index, &e->node, hash_name(e->name));
	}
}

int
dbctl_db_open(struct dbctl_conn *conn, const char *name, struct dbctl_db **dbp,
	      char **errmsg)
{
	json_t *result = NULL, *error = NULL;
	int r = dbctl_conn_call(conn, "get_schema", json_pack("[s]", name),
				&result, &error);

	*errmsg = NULL;
	if (r)
		return r;
	if (error) {
		*errmsg = ovsdb_json_text(error);
		json_decref(error);
		json_decref(result);
		return -ENOENT;
	}
	struct ovsdb_schema *s = NULL;
	struct ovsdb_error *e = NULL;
	r = ovsdb_schema_from_json(result, &s, &e);
	json_decref(result);
	if (r) {
		*errmsg = xasprintf("%s: %s", e->tag,
				    e->details ? e->details : "");
		ovsdb_error_free(e);
		return r;
	}
	struct dbctl_db *db = xzalloc(sizeof *db);
	db->conn = conn;
	db->name = xstrdup(name);
	db->schema = s;
	db->tables = xcalloc(s->n_tables, sizeof *db->tables);
	hmap_init(&db->by_uuid);
	for (unsigned i = 0; i < s->n_tables; i++) {
		struct dbctl_table *t = &db->tables[i];

		t->db = db;
		t->ts = &s->tables[i];
		index_columns(t);
	}
	*dbp = db;
	return 0;
}

static void
row_free(struct dbctl_row *r)
{
	const struct ovsdb_table_schema *ts = r->table->ts;

	hmap_remove(&r->table->db->by_uuid, &r->by_uuid);
	for (unsigned i = 0; i < ts->n_columns; i++)
		ovsdb_datum_destroy(&r->cur[i], &ts->columns[i].type);
	json_decref(r->mutations);
	free(r);
}

void
dbctl_db_close(struct dbctl_db *db)
{
	if (!db)
		return;
	for (unsigned i = 0; i < db->schema->n_tables; i++) {
		struct dbctl_table *t = &db->tables[i];
		for (size_t j = 0; j < t->n_rows; j++)
			row_free(t->rows[j]);
		free(t->rows);
		hmap_destroy(&t->col_index);
		free(t->col_entries);
		free(t->col_loaded);
	}
	hmap_destroy(&db->by_uuid);
	free(db->tables);
	ovsdb_schema_free(db->schema);
	free(db->name);
	free(db);
}

static struct dbctl_row *
row_new(struct dbctl_table *t, bool defaults)
{
	unsigned n = t->ts->n_columns;
	/* The row, its columns and their dirty flags in one block: thousands
	 * of rows are cached at start-up. */
	struct dbctl_row *r =
		xzalloc(sizeof *r + n * (sizeof *r->cur + sizeof *r->dirty));

	r->table = t;
	r->cur = (struct ovsdb_datum *)(r + 1);
	r->dirty = (bool *)(r->cur + n);
	r->op_index = -1;
	/* A fetched row gets every fetched column from the server (and the
	 * others when they are fetched): only new rows need defaults. */
	for (unsigned i = 0; defaults && i < n; i++)
		ovsdb_datum_init_default(&r->cur[i], &t->ts->columns[i].type);
	hmap_insert(&t->db->by_uuid, &r->by_uuid, ovsdb_uuid_hash(&r->uuid));
	if (t->n_rows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
	}
	t->rows[t->n_rows++] = r;
	return r;
}

static json_t *
transact_params(struct dbctl_db *db, json_t *ops)
{
	json_t *params = json_array();

	json_array_append_new(params, json_string(db->name));
	json_array_extend(params, ops);
	json_decref(ops);
	return params;
}

/* The verdict of a transact response (references stolen). */
static int
transact_verdict(json_t *result, json_t *error, json_t **results,
		 char **errjson)
{
	if (error) {
		*errjson = ovsdb_json_text(error);
		json_decref(error);
		json_decref(result);
		return -EPROTO;
	}
	size_t i;
	json_t *op;
	json_array_foreach(result, i, op)
	{
		if (json_object_get(op, "error")) {
			*errjson = ovsdb_json_text(op);
			json_decref(result);
			return -EPROTO;
		}
	}
	*results = result;
	return 0;
}

int
dbctl_db_transact(struct dbctl_db *db, json_t *ops, json_t **results,
		  char **errjson)
{
	json_t *result = NULL, *error = NULL;

	*errjson = NULL;
	int r = dbctl_conn_call(db->conn, "transact", transact_params(db, ops),
				&result, &error);
	if (r)
		return r;
	return transact_verdict(result, error, results, errjson);
}

/* Parses column @c of @jrow into @row (absent: left as it is). */
static void
fill_cell(struct dbctl_row *row, unsigned c, json_t *jrow)
{
	const struct ovsdb_column *col = &row->table->ts->columns[c];
	json_t *v = json_object_get(jrow, col->name);
	struct ovsdb_error *e = NULL;
	struct ovsdb_datum d;

	if (!v)
		return;
	if (ovsdb_datum_from_json(&d, &col->type, v, NULL, &e)) {
		ovsdb_error_free(e);
		return;
	}
	ovsdb_datum_swap(&row->cur[c], &d);
	ovsdb_datum_destroy(&d, &col->type);
}

/* Caches the rows of a select on @t that fetched the columns marked in
 * @want (all columns if NULL). */
static void
fill_table(struct dbctl_table *t, json_t *rows, const bool *want)
{
	size_t i;
	json_t *jrow;

	json_array_foreach(rows, i, jrow)
	{
		struct dbctl_row *row = row_new(t, false);
		for (unsigned c = 0; c < t->ts->n_columns; c++)
			if (!want || want[c] || c == OVSDB_COL_UUID)
				fill_cell(row, c, jrow);
		const struct ovsdb_datum *u = &row->cur[OVSDB_COL_UUID];
		if (u->n == 1)
			dbctl_row_set_uuid(row, &u->keys[0].u);
	}
	for (unsigned c = 0; c < t->ts->n_columns; c++)
		t->col_loaded[c] = !want || want[c] || c == OVSDB_COL_UUID;
}

static void
mark_loaded(struct dbctl_table *t, const bool *want)
{
	for (unsigned c = 0; c < t->ts->n_columns; c++)
		t->col_loaded[c] = !want || want[c] || c == OVSDB_COL_UUID;
}

/* One row object of a select into a new cached row of @t. */
static bool
row_from_text(struct json_scan *r, struct dbctl_table *t, const bool *want)
{
	struct dbctl_row *row = row_new(t, false);
	char name[128];
	const char *s;
	size_t len;

	if (!dbctl_jt_eat(r, '{'))
		return false;
	if (!dbctl_jt_eat(r, '}')) {
		do {
			if (!json_scan_plain_string(r, &s, &len) ||
			    len >= sizeof name || !dbctl_jt_eat(r, ':'))
				return false;
			memcpy(name, s, len);
			name[len] = '\0';
			int c = dbctl_col(t, name);
			if (c < 0 ||
			    !(!want || want[c] || c == OVSDB_COL_UUID)) {
				if (!dbctl_jt_skip(r))
					return false;
				continue;
			}
			const struct ovsdb_type *ct = &t->ts->columns[c].type;
			struct ovsdb_datum d;
			int rc = dbctl_jt_datum(r, ct, &d);
			if (rc == -EAGAIN)
				return false;
			if (rc)
				continue; /* as fill_cell: left as it is */
			ovsdb_datum_swap(&row->cur[c], &d);
			ovsdb_datum_destroy(&d, ct);
		} while (dbctl_jt_eat(r, ','));
		if (!dbctl_jt_eat(r, '}'))
			return false;
	}
	const struct ovsdb_datum *u = &row->cur[OVSDB_COL_UUID];
	if (u->n == 1)
		dbctl_row_set_uuid(row, &u->keys[0].u);
	return true;
}

/* Reads the rows of one select result, `{"rows": [...]}`, into @t. */
static bool
rows_from_text(struct json_scan *r, struct dbctl_table *t, const bool *want)
{
	bool got_rows = false;
	const char *s;
	size_t len;

	if (!dbctl_jt_eat(r, '{'))
		return false;
	if (dbctl_jt_eat(r, '}'))
		return false;
	do {
		if (!json_scan_plain_string(r, &s, &len) ||
		    !dbctl_jt_eat(r, ':'))
			return false;
		if (len != 4 || memcmp(s, "rows", 4)) {
			/* "error", or anything else: the general path. */
			return false;
		}
		if (got_rows || !dbctl_jt_eat(r, '['))
			return false;
		got_rows = true;
		if (dbctl_jt_eat(r, ']'))
			continue;
		do {
			if (!row_from_text(r, t, want))
				return false;
		} while (dbctl_jt_eat(r, ','));
		if (!dbctl_jt_eat(r, ']'))
			return false;
	} while (dbctl_jt_eat(r, ','));
	return got_rows && dbctl_jt_eat(r, '}');
}

/* Fills @tables (@n, parallel to @want) from the text of the response to
 * their selects.  0, or -EAGAIN (nothing changed) when the text is not
 * the plain success the reader expects: the caller parses it with jansson
 * then, which reports errors and odd texts exactly as before. */
static int
fill_from_text(struct dbctl_table **tables, bool **want, size_t n,
	       const char *text)
{
	struct json_scan r = { text, text + strlen(text) };
	size_t n_rows[64], k = 0;
	bool got_result = false, ok = true;
	const char *s;
	size_t len;

	for (size_t i = 0; i < n; i++)
		n_rows[i] = tables[i]->n_rows;
	if (!dbctl_jt_eat(&r, '{'))
		return -EAGAIN;
	do {
		if (!json_scan_plain_string(&r, &s, &len) ||
		    !dbctl_jt_eat(&r, ':')) {
			ok = false;
			break;
		}
		if (len == 6 && !memcmp(s, "result", 6) && !got_result) {
			got_result = true;
			if (!dbctl_jt_eat(&r, '[')) {
				ok = false;
				break;
			}
			do {
				ok = k < n &&
				     rows_from_text(&r, tables[k], want[k]);
				k++;
			} while (ok && dbctl_jt_eat(&r, ','));
			ok = ok && k == n && dbctl_jt_eat(&r, ']');
		} else if (len == 5 && !memcmp(s, "error", 5)) {
			ok = dbctl_jt_peek(&r) == 'n' && dbctl_jt_skip(&r);
		} else {
			ok = dbctl_jt_skip(&r);
		}
	} while (ok && dbctl_jt_eat(&r, ','));
	ok = ok && got_result && dbctl_jt_eat(&r, '}') &&
	     dbctl_jt_peek(&r) == -1;
	if (!ok) {
		for (size_t i = 0; i < n; i++) {
			struct dbctl_table *t = tables[i];
			while (t->n_rows > n_rows[i])
				row_free(t->rows[--t->n_rows]);
		}
		return -EAGAIN;
	}
	for (size_t i = 0; i < n; i++)
		mark_loaded(tables[i], want[i]);
	return 0;
}

/* Fetches every column of @t not fetched yet and merges it into the
 * cached rows, except rows this transaction inserted and columns it
 * wrote. */
static void
load_missing_columns(struct dbctl_table *t)
{
	struct dbctl_db *db = t->db;
	json_t *cols = json_pack("[s]", "_uuid");
	json_t *results = NULL, *jrow;
	char *err = NULL;
	size_t i;
	int r;

	for (unsigned c = 0; c < t->ts->n_columns; c++)
		if (!t->col_loaded[c])
			json_array_append_new(
				cols, json_string(t->ts->columns[c].name));
	r = dbctl_db_transact(db,
			      json_pack("[{s:s,s:s,s:[],s:o}]", "op", "select",
					"table", t->ts->name, "where",
					"columns", cols),
			      &results, &err);
	if (r == -EPROTO)
		dbctl_fatal("%s", err);
	if (r)
		dbctl_fatal("database connection failed (%s)", strerror(-r));
	json_array_foreach(json_object_get(json_array_get(results, 0), "rows"),
			   i, jrow)
	{
		struct ovsdb_uuid u;
		json_t *ju = json_array_get(json_object_get(jrow, "_uuid"), 1);

		if (!json_is_string(ju) ||
		    !ovsdb_uuid_from_string(json_string_value(ju), &u))
			continue;
		for (size_t k = 0; k < t->n_rows; k++) {
			struct dbctl_row *row = t->rows[k];

			if (row->inserted || !ovsdb_uuid_eq(&row->uuid, &u))
				continue;
			for (unsigned c = 0; c < t->ts->n_columns; c++)
				if (!t->col_loaded[c] && !row->dirty[c])
					fill_cell(row, c, jrow);
			break;
		}
	}
	json_decref(results);
	for (unsigned c = 0; c < t->ts->n_columns; c++)
		t->col_loaded[c] = true;
}

/* Makes column @col of @r's table readable. */
static void
ensure_column(const struct dbctl_row *r, int col)
{
	if (!r->table->col_loaded[col] && r->table->loaded)
		load_missing_columns(r->table);
}

void
dbctl_db_prefetch(struct dbctl_db *db, const char *const *names)
{
	struct dbctl_table *want[64];
	bool *want_cols[64];
	size_t n = 0;
	json_t *ops = json_array();

	for (; *names && n < ARRAY_SIZE(want); names++) {
		const char *colon = strchr(*names, ':');
		size_t len = colon ? (size_t)(colon - *names) : strlen(*names);

		for (unsigned i = 0; i < db->schema->n_tables; i++) {
			struct dbctl_table *t = &db->tables[i];
			json_t *op;

			if (t->loaded || strlen(t->ts->name) != len ||
			    strncmp(t->ts->name, *names, len))
				continue;
			t->loaded = true;
			op = json_pack("{s:s,s:s,s:[]}", "op", "select",
				       "table", t->ts->name, "where");
			want_cols[n] = NULL;
			if (colon) {
				char *list = xstrdup(colon + 1), *save = NULL;
				json_t *cols = json_pack("[s]", "_uuid");
				bool *w = xcalloc(t->ts->n_columns, sizeof *w);

				for (char *c = strtok_r(list, ",", &save); c;
				     c = strtok_r(NULL, ",", &save)) {
					int k = dbctl_col(t, c);
					if (k < 0)
						continue;
					w[k] = true;
					json_array_append_new(cols,
							      json_string(c));
				}
				free(list);
				json_object_set_new(op, "columns", cols);
				want_cols[n] = w;
			}
			want[n++] = t;
			json_array_append_new(ops, op);
		}
	}
	if (!n) {
		json_decref(ops);
		return;
	}
	json_t *results = NULL, *result = NULL, *error = NULL;
	char *err = NULL, *text = NULL;
	int r = dbctl_conn_call_text(db->conn, "transact",
				     transact_params(db, ops), &text);
	if (!r && !fill_from_text(want, want_cols, n, text))
		goto done;
	if (!r)
		r = dbctl_conn_reply_from_text(text, &result, &error);
	if (!r)
		r = transact_verdict(result, error, &results, &err);
	if (r == -EPROTO && err)
		dbctl_fatal("%s", err);
	if (r)
		dbctl_fatal("database connection failed (%s)", strerror(-r));
	for (size_t k = 0; k < n; k++)
		fill_table(want[k],
			   json_object_get(json_array_get(results, k), "rows"),
			   want_cols[k]);
	json_decref(results);
done:
	for (size_t k = 0; k < n; k++)
		free(want_cols[k]);
	free(text);
}

void
dbctl_table_forget(struct dbctl_table *t)
{
	for (size_t i = 0; i < t->n_rows; i++)
		row_free(t->rows[i]);
	t->n_rows = 0;
	t->loaded = false;
}

void
dbctl_table_load(struct dbctl_db *db, struct dbctl_table *t)
{
	const char *names[2] = { t->ts->name, NULL };

	if (!t->loaded)
		dbctl_db_prefetch(db, names);
}

struct dbctl_table *
dbctl_db_table(struct dbctl_db *db, const char *name)
{
	for (unsigned i = 0; i < db->schema->n_tables; i++) {
		if (!strcmp(db->tables[i].ts->name, name)) {
			dbctl_table_load(db, &db->tables[i]);
			return &db->tables[i];
		}
	}
	return NULL;
}

int
dbctl_col(const struct dbctl_table *t, const char *name)
{
	/* The model of ovs-vsctl reads a few columns of thousands of rows by
	 * name: remember where each name was found. */
	struct dbctl_table *mt = (struct dbctl_table *)(uintptr_t)t;
	size_t slot = ((uintptr_t)name >> 3) % ARRAY_SIZE(t->col_memo);
	int memo = t->col_memo[slot].index;

	if (t->col_memo[slot].asked == name &&
	    !strcmp(t->ts->columns[memo].name, name))
		return memo;
	int c = col_lookup(t, name);
	if (c >= 0) {
		mt->col_memo[slot].asked = name;
		mt->col_memo[slot].index = c;
	}
	return c;
}

static int
col_lookup(const struct dbctl_table *t, const char *name)
{
	uint32_t h = hash_name(name);

	for (struct hnode *n = hmap_first_with_hash(&t->col_index, h); n;
	     n = hmap_next_with_hash(n)) {
		const struct dbctl_col_entry *e =
			HMAP_CONTAINER(n, struct dbctl_col_entry, node);
		if (!strcmp(e->name, name))
			return e->index;
	}
	return -1;
}

const struct ovsdb_type *
dbctl_col_type(const struct dbctl_table *t, int col)
{
	return &t->ts->columns[col].type;
}

void
dbctl_row_set_uuid(struct dbctl_row *r, const struct ovsdb_uuid *u)
{
	struct ovsdb_datum *d = &r->cur[OVSDB_COL_UUID];
	struct hmap *index = &r->table->db->by_uuid;

	hmap_remove(index, &r->by_uuid);
	r->uuid = *u;
	if (d->n == 1)
		d->keys[0].u = *u;
	hmap_insert(index, &r->by_uuid, ovsdb_uuid_hash(u));
}

/* The live row with UUID @u in @t (any table if NULL), by the index. */
static struct dbctl_row *
find_by_uuid(struct dbctl_db *db, const struct dbctl_table *t,
	     const struct ovsdb_uuid *u)
{
	uint32_t h = ovsdb_uuid_hash(u);

	for (struct hnode *n = hmap_first_with_hash(&db->by_uuid, h); n;
	     n = hmap_next_with_hash(n)) {
		struct dbctl_row *r =
			HMAP_CONTAINER(n, struct dbctl_row, by_uuid);
		if (!r->deleted && (!t || r->table == t) &&
		    ovsdb_uuid_eq(&r->uuid, u))
			return r;
	}
	return NULL;
}

struct dbctl_row *
dbctl_row_find(struct dbctl_db *db, struct dbctl_table *t,
	       const struct ovsdb_uuid *u)
{
	if (t)
		dbctl_table_load(db, t);
	return find_by_uuid(db, t, u);
}

struct dbctl_row *
dbctl_row_insert(struct dbctl_db *db, struct dbctl_table *t,
		 const struct ovsdb_uuid *uuid)
{
	dbctl_table_load(db, t);
	struct dbctl_row *r = row_new(t, true);
	r->inserted = true;
	if (uuid) {
		dbctl_row_set_uuid(r, uuid);
		r->explicit_uuid = true;
	} else {
		struct ovsdb_uuid fresh;

		ovsdb_uuid_generate(&fresh);
		dbctl_row_set_uuid(r, &fresh);
	}
	/* A reference column starts empty, not with the all-zero UUID. */
	for (unsigned c = 2; c < t->ts->n_columns; c++) {
		const struct ovsdb_type *ct = &t->ts->columns[c].type;
		if (ovsdb_base_is_ref(&ct->key) && !ovsdb_type_is_map(ct)) {
			ovsdb_datum_destroy(&r->cur[c], ct);
			ovsdb_datum_init_empty(&r->cur[c]);
		}
	}
	return r;
}

void
dbctl_row_delete(struct dbctl_row *r)
{
	r->deleted = true;
}

const struct ovsdb_datum *
dbctl_row_get(const struct dbctl_row *r, int col)
{
	ensure_column(r, col);
	return &r->cur[col];
}

void
dbctl_row_set(struct dbctl_row *r, int col, struct ovsdb_datum *d)
{
	const struct ovsdb_type *t = &r->table->ts->columns[col].type;

	ovsdb_datum_swap(&r->cur[col], d);
	ovsdb_datum_destroy(d, t);
	ovsdb_datum_init_empty(d);
	r->dirty[col] = true;
	/* A full write supersedes earlier mutations of the column. */
	if (r->mutations) {
		const char *name = r->table->ts->columns[col].name;
		for (size_t i = json_array_size(r->mutations); i-- > 0;) {
			json_t *m = json_array_get(r->mutations, i);
			if (!strcmp(json_string_value(json_array_get(m, 0)),
				    name))
				json_array_remove(r->mutations, i);
		}
	}
}

void
dbctl_row_mutate(struct dbctl_db *db, struct dbctl_row *r, int col,
		 const char *mutator, const struct ovsdb_datum *arg,
		 const struct ovsdb_type *argt, struct ovsdb_datum *result)
{
	const struct ovsdb_type *t = &r->table->ts->columns[col].type;

	if (r->inserted || r->dirty[col]) {
		dbctl_row_set(r, col, result);
		return;
	}
	if (!r->mutations)
		r->mutations = json_array();
	json_t *val = dbctl_datum_to_json(db, arg, argt);
	if (!ovsdb_type_is_map(argt) &&
	    !(json_is_array(val) && json_array_size(val) == 2 &&
	      json_is_string(json_array_get(val, 0)) &&
	      !strcmp(json_string_value(json_array_get(val, 0)), "set"))) {
		/* Mutation arguments are always written as sets. */
		val = json_pack("[s,[o]]", "set", val);
	}
	json_array_append_new(r->mutations,
			      json_pack("[s,s,o]",
					r->table->ts->columns[col].name,
					mutator, val));
	ovsdb_datum_swap(&r->cur[col], result);
	ovsdb_datum_destroy(result, t);
	ovsdb_datum_init_empty(result);
}

static int
must_col(const struct dbctl_row *r, const char *col)
{
	int c = dbctl_col(r->table, col);
	if (c < 0)
		dbctl_fatal("internal error: %s has no column %s",
			    r->table->ts->name, col);
	return c;
}

const struct ovsdb_datum *
dbctl_get(const struct dbctl_row *r, const char *col)
{
	return dbctl_row_get(r, must_col(r, col));
}

const char *
dbctl_get_str(const struct dbctl_row *r, const char *col)
{
	const struct ovsdb_datum *d = dbctl_get(r, col);
	return d->n ? d->keys[0].s : "";
}

/* Column @col of @r, loaded so that its current value is known, for one of
 * the writers below; its type in *@tp. */
static int
col_for_write(const struct dbctl_row *r, const char *col,
	      const struct ovsdb_type **tp)
{
	int c = must_col(r, col);

	ensure_column(r, c);
	*tp = dbctl_col_type(r->table, c);
	return c;
}

static void
set_one(struct dbctl_row *r, const char *col, const union ovsdb_atom *a)
{
	const struct ovsdb_type *t;
	int c = col_for_write(r, col, &t);
	struct ovsdb_datum d;

	ovsdb_datum_init_empty(&d);
	ovsdb_datum_add_unsafe(&d, a, NULL, t);
	dbctl_row_set(r, c, &d);
}

void
dbctl_set_str(struct dbctl_row *r, const char *col, const char *s)
{
	union ovsdb_atom a = { .s = (char *)(uintptr_t)s };
	set_one(r, col, &a);
}

void
dbctl_set_int(struct dbctl_row *r, const char *col, int64_t v)
{
	union ovsdb_atom a = { .i = v };
	set_one(r, col, &a);
}

void
dbctl_set_bool(struct dbctl_row *r, const char *col, bool v)
{
	union ovsdb_atom a = { .b = v };
	set_one(r, col, &a);
}

void
dbctl_clear(struct dbctl_row *r, const char *col)
{
	struct ovsdb_datum d;

	ovsdb_datum_init_empty(&d);
	dbctl_row_set(r, must_col(r, col), &d);
}

/* True if @r has a pending mutation of column @c. */
static bool
has_mutation(const struct dbctl_row *r, int c)
{
	const char *name = r->table->ts->columns[c].name;
	size_t i;
	json_t *m;

	json_array_foreach(
		r->mutations, i,
		m) if (!strcmp(json_string_value(json_array_get(m, 0)),
			       name)) return true;
	return false;
}

void
dbctl_ref_add(struct dbctl_row *r, const char *col, const struct ovsdb_uuid *u)
{
	const struct ovsdb_type *t;
	int c = col_for_write(r, col, &t);
	struct ovsdb_datum d;
	union ovsdb_atom a = { .u = *u };

	ovsdb_datum_clone(&d, &r->cur[c], t);
	if (ovsdb_datum_find_key(&d, &a, OVSDB_T_UUID) < 0)
		ovsdb_datum_add_unsafe(&d, &a, NULL, t);
	ovsdb_datum_sort_unique(&d, t);
	if (t->n_max != UINT_MAX || has_mutation(r, c)) {
		dbctl_row_set(r, c, &d);
		return;
	}
	/* An "insert" mutation, as Open vSwitch's IDL sends for
	 * *_update_*_addvalue(): adding a port to a bridge with thousands
	 * does not resend (and the server does not reparse) all of them.
	 * A second addition in the same transaction writes the whole set
	 * instead, so that adding a thousand ports in one call does not
	 * become a thousand mutations. */
	struct ovsdb_datum arg;
	ovsdb_datum_init_empty(&arg);
	ovsdb_datum_add_unsafe(&arg, &a, NULL, t);
	dbctl_row_mutate(r->table->db, r, c, "insert", &arg, t, &d);
	ovsdb_datum_destroy(&arg, t);
}

void
dbctl_ref_del(struct dbctl_row *r, const char *col, const struct ovsdb_uuid *u)
{
	const struct ovsdb_type *t;
	int c = col_for_write(r, col, &t);
	struct ovsdb_datum d;
	union ovsdb_atom a = { .u = *u };

	ovsdb_datum_clone(&d, &r->cur[c], t);
	int i = ovsdb_datum_find_key(&d, &a, OVSDB_T_UUID);
	if (i >= 0)
		ovsdb_datum_remove_at(&d, (unsigned)i, t);
	dbctl_row_set(r, c, &d);
}

void
dbctl_map_set(struct dbctl_row *r, const char *col, const char *k,
	      const char *v)
{
	const struct ovsdb_type *t;
	int c = col_for_write(r, col, &t);
	struct ovsdb_datum d;
	union ovsdb_atom ka = { .s = (char *)(uintptr_t)k };
	union ovsdb_atom va = { .s = (char *)(uintptr_t)v };

	ovsdb_datum_clone(&d, &r->cur[c], t);
	int i = ovsdb_datum_find_key(&d, &ka, OVSDB_T_STRING);
	if (i >= 0)
		ovsdb_datum_remove_at(&d, (unsigned)i, t);
	if (v)
		ovsdb_datum_add_unsafe(&d, &ka, &va, t);
	ovsdb_datum_sort_unique(&d, t);
	dbctl_row_set(r, c, &d);
}

const char *
dbctl_map_get(const struct dbctl_row *r, const char *col, const char *k)
{
	const struct ovsdb_datum *d = dbctl_get(r, col);
	union ovsdb_atom ka = { .s = (char *)(uintptr_t)k };
	int i = ovsdb_datum_find_key(d, &ka, OVSDB_T_STRING);
	return i >= 0 ? d->values[i].s : NULL;
}

bool
dbctl_db_changed(const struct dbctl_db *db)
{
	for (unsigned k = 0; k < db->schema->n_tables; k++) {
		const struct dbctl_table *t = &db->tables[k];
		for (size_t i = 0; i < t->n_rows; i++) {
			const struct dbctl_row *r = t->rows[i];
			if (r->inserted != r->deleted)
				return true;
			if (r->inserted)
				continue;
			if (r->mutations && json_array_size(r->mutations))
				return true;
			for (unsigned c = 0; c < t->ts->n_columns; c++)
				if (r->dirty[c])
					return true;
		}
	}
	return false;
}

static void
named_uuid(const struct ovsdb_uuid *u, char name[48])
{
	char buf[37];

	ovsdb_uuid_format(u, buf);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
	snprintf(name, 48, "row%s", buf);
}

static bool
is_inserted(struct dbctl_db *db, const char *s)
{
	struct ovsdb_uuid u;

	if (!ovsdb_uuid_from_string(s, &u))
		return false;
	const struct dbctl_row *r = find_by_uuid(db, NULL, &u);
	return r && r->inserted;
}

/* Rewrites ["uuid", U] of rows inserted by this transaction. */
static void
rewrite_named(struct dbctl_db *db, json_t *j)
{
	if (!json_is_array(j))
		return;
	if (json_array_size(j) == 2 && json_is_string(json_array_get(j, 0)) &&
	    !strcmp(json_string_value(json_array_get(j, 0)), "uuid") &&
	    json_is_string(json_array_get(j, 1))) {
		const char *s = json_string_value(json_array_get(j, 1));
		if (is_inserted(db, s)) {
			struct ovsdb_uuid u;
			char name[48];
			ovsdb_uuid_from_string(s, &u);
			named_uuid(&u, name);
			json_array_set_new(j, 0, json_string("named-uuid"));
			json_array_set_new(j, 1, json_string(name));
		}
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(j, i, e) rewrite_named(db, e);
}

json_t *
dbctl_datum_to_json(struct dbctl_db *db, const struct ovsdb_datum *d,
		    const struct ovsdb_type *t)
{
	json_t *j = ovsdb_datum_to_json(d, t);
	if (t->key.type == OVSDB_T_UUID || t->value.type == OVSDB_T_UUID) {
		json_t *wrap = json_pack("[O]", j);
		rewrite_named(db, wrap);
		json_decref(j);
		j = json_incref(json_array_get(wrap, 0));
		json_decref(wrap);
	}
	return j;
}

static json_t *
where_uuid(const struct ovsdb_uuid *u)
{
	char buf[37];

	ovsdb_uuid_format(u, buf);
	return json_pack("[[s,s,[s,s]]]", "_uuid", "==", "uuid", buf);
}

/* The changed columns of @r as an OVSDB row object: the dirty ones, but
 * for a new row only those not at their default. */
static json_t *
row_changes(struct dbctl_db *db, const struct dbctl_row *r)
{
	const struct ovsdb_table_schema *ts = r->table->ts;
	json_t *row = json_object();

	for (unsigned c = 2; c < ts->n_columns; c++) {
		const struct ovsdb_type *ct = &ts->columns[c].type;
		if (!r->dirty[c])
			continue;
		if (r->inserted && ovsdb_datum_is_default(&r->cur[c], ct))
			continue;
		json_object_set_new(row, ts->columns[c].name,
				    dbctl_datum_to_json(db, &r->cur[c], ct));
	}
	return row;
}

static json_t *
insert_op(struct dbctl_row *r, json_t *row)
{
	char name[48], buf[37];
	json_t *op;

	named_uuid(&r->uuid, name);
	op = json_pack("{s:s,s:s,s:s,s:o}", "op", "insert", "table",
		       r->table->ts->name, "uuid-name", name, "row", row);
	if (r->explicit_uuid) {
		ovsdb_uuid_format(&r->uuid, buf);
		json_object_set_new(op, "uuid", json_string(buf));
	}
	return op;
}

/* Appends to @ops what commits @r: an insert (its index kept in
 * r->op_index for the final UUID), or an update of its changed columns
 * and a mutate with its mutations, or a delete. */
static void
append_row_ops(struct dbctl_db *db, struct dbctl_row *r, json_t *ops)
{
	const struct ovsdb_table_schema *ts = r->table->ts;
	json_t *row;

	if (r->inserted && r->deleted)
		return;
	if (r->deleted) {
		/* Rows of non-root tables are not deleted explicitly: the
		 * server collects them once unreferenced (as Open vSwitch's
		 * IDL does). */
		if (ts->is_root)
			json_array_append_new(
				ops, json_pack("{s:s,s:s,s:o}", "op", "delete",
					       "table", ts->name, "where",
					       where_uuid(&r->uuid)));
		return;
	}
	row = row_changes(db, r);
	if (r->inserted) {
		r->op_index = (int)json_array_size(ops);
		json_array_append_new(ops, insert_op(r, row));
	} else if (json_object_size(row)) {
		json_array_append_new(
			ops, json_pack("{s:s,s:s,s:o,s:o}", "op", "update",
				       "table", ts->name, "where",
				       where_uuid(&r->uuid), "row", row));
	} else {
		json_decref(row);
	}
	if (!r->inserted && r->mutations && json_array_size(r->mutations))
		json_array_append_new(ops,
				      json_pack("{s:s,s:s,s:o,s:O}", "op",
						"mutate", "table", ts->name,
						"where", where_uuid(&r->uuid),
						"mutations", r->mutations));
}

/* Gives each inserted row the UUID the server chose, from @results. */
static void
take_final_uuids(struct dbctl_db *db, const json_t *results)
{
	for (unsigned k = 0; k < db->schema->n_tables; k++) {
		struct dbctl_table *t = &db->tables[k];
		for (size_t i = 0; i < t->n_rows; i++) {
			struct dbctl_row *row = t->rows[i];
			const json_t *res, *u;
			struct ovsdb_uuid final;

			if (row->op_index < 0)
				continue;
			res = json_array_get(results, (size_t)row->op_index);
			u = json_array_get(json_object_get(res, "uuid"), 1);
			if (json_is_string(u) &&
			    ovsdb_uuid_from_string(json_string_value(u),
						   &final))
				dbctl_row_set_uuid(row, &final);
		}
	}
}

int
dbctl_db_commit(struct dbctl_db *db, json_t *extra_ops, json_t **results,
		char **errjson)
{
	json_t *ops = json_array();
	int r;

	for (unsigned k = 0; k < db->schema->n_tables; k++) {
		struct dbctl_table *t = &db->tables[k];
		for (size_t i = 0; i < t->n_rows; i++)
			append_row_ops(db, t->rows[i], ops);
	}
	if (extra_ops) {
		json_array_extend(ops, extra_ops);
		json_decref(extra_ops);
	}
	r = dbctl_db_transact(db, ops, results, errjson);
	if (r)
		return r;
	take_final_uuids(db, *results);
	return 0;
}
