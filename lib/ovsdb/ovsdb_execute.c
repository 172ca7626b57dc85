/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_execute: the "transact" operations of RFC 7047 section 5.2
 * (insert, select, update, mutate, delete, wait, commit, abort, comment,
 * assert), run inside one transaction with Open vSwitch's result and
 * error conventions: one result per operation, the failing operation's
 * error followed by nulls, and a commit-time error appended at the end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json_fast.h"
#include "ovsdb_db.h"
#include "ovsdb_query.h"

struct exec {
	struct ovsdb_db *db;
	struct ovsdb_txn *txn;
	struct ovsdb_symtab symtab;
	const struct ovsdb_exec_ctx *ctx;
	bool durable;
	bool wait_pending;
	uint64_t wait_ms;
	/* ovsdb_execute_text: an insert leaves its result empty and its
	 * row here, for the caller to write straight as text. */
	bool text;
	const struct ovsdb_uuid *inserted;
	/* An empty result object written as text, for the next operation
	 * (a 1,000-port add answers 2,001 of them). */
	json_t *spare;
};

/* Member access with OVS's "Parsing ovsdb operation N of M failed"
 * errors; the first error sticks. */
struct op_parser {
	const json_t *op;
	unsigned idx, n;
	const char *used[8];
	unsigned n_used;
	struct ovsdb_error *err;
};

enum {
	P_STRING = 1,
	P_ARRAY = 2,
	P_OBJECT = 4,
	P_BOOL = 8,
	P_INT = 16,
	P_OPTIONAL = 32,
	P_ID = 64
};

static bool
is_id(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	      *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static void PRINTF_FMT(2, 3)
	parser_error(struct op_parser *p, const char *fmt, ...)
{
	if (p->err)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	ovsdb_err(&p->err, "syntax error", p->op,
		  "Parsing ovsdb operation %u of %u failed: %s", p->idx, p->n,
		  msg);
	free(msg);
}

static const json_t *
member(struct op_parser *p, const char *name, int types)
{
	if (p->n_used < ARRAY_SIZE(p->used))
		p->used[p->n_used++] = name;
	const json_t *m = json_object_get(p->op, name);
	if (!m) {
		if (!(types & P_OPTIONAL))
			parser_error(p, "Required '%s' member is missing.",
				     name);
		return NULL;
	}
	if (((types & P_ID) && json_is_string(m) &&
	     is_id(json_string_value(m))) ||
	    ((types & P_STRING) && json_is_string(m)) ||
	    ((types & P_ARRAY) && json_is_array(m)) ||
	    ((types & P_OBJECT) && json_is_object(m)) ||
	    ((types & P_BOOL) && json_is_boolean(m)) ||
	    ((types & P_INT) && json_is_integer(m)))
		return m;
	parser_error(p, "Type mismatch for member '%s'.", name);
	return NULL;
}

static void
parser_finish(struct op_parser *p)
{
	const char *key;
	json_t *v;
	json_object_foreach(json_mut(p->op), key, v)
	{
		bool ok = false;
		for (unsigned i = 0; i < p->n_used && !ok; i++)
			ok = !strcmp(key, p->used[i]);
		if (!ok) {
			parser_error(p,
				     "Member '%s' is present but not allowed "
				     "here.",
				     key);
			return;
		}
	}
}

static struct ovsdb_table *
parse_table(struct exec *x, struct op_parser *p)
{
	const json_t *t = member(p, "table", P_STRING);
	if (!t)
		return NULL;
	struct ovsdb_table *table =
		ovsdb_db_find_table(x->db, json_string_value(t));
	if (!table)
		parser_error(p, "No table named %s.", json_string_value(t));
	return table;
}

static int
take_parser_error(struct op_parser *p, struct ovsdb_error **errp)
{
	if (!p->err)
		return 0;
	if (*errp)
		ovsdb_error_free(*errp);
	*errp = p->err;
	p->err = NULL;
	return -EINVAL;
}

/* Matching rows of @t, collected first so callers may modify them. */
static struct ovsdb_row **
query(struct ovsdb_table *t, const struct ovsdb_condition *cond, size_t *np)
{
	const struct ovsdb_uuid *u = ovsdb_condition_uuid(cond);
	struct ovsdb_row **rows;
	size_t n = 0;

	if (u) {
		struct ovsdb_row *r = ovsdb_table_find_row(t, u);
		rows = xmalloc(sizeof *rows);
		if (r && ovsdb_condition_eval(cond, r))
			rows[n++] = r;
	} else {
		rows = xmalloc((t->rows.n + 1) * sizeof *rows);
		struct hnode *node;
		HMAP_FOR_EACH (node, &t->rows) {
			struct ovsdb_row *r =
				HMAP_CONTAINER(node, struct ovsdb_row, node);
			if (ovsdb_condition_eval(cond, r))
				rows[n++] = r;
		}
	}
	*np = n;
	return rows;
}

/* A parsed "row" object: datums for some columns. */
struct partial_row {
	unsigned n;
	const struct ovsdb_column **cols;
	struct ovsdb_datum *datums;
};

static void
partial_row_destroy(struct partial_row *pr)
{
	for (unsigned i = 0; i < pr->n; i++)
		ovsdb_datum_destroy(&pr->datums[i], &pr->cols[i]->type);
	free(pr->cols);
	free(pr->datums);
	memset(pr, 0, sizeof *pr);
}

static int
parse_row(const struct ovsdb_table_schema *ts, const json_t *j,
	  struct ovsdb_symtab *symtab, struct partial_row *pr,
	  struct ovsdb_error **errp)
{
	size_t n = json_object_size(j);
	const char *name;
	json_t *v;

	memset(pr, 0, sizeof *pr);
	pr->cols = xcalloc(n ? n : 1, sizeof *pr->cols);
	pr->datums = xcalloc(n ? n : 1, sizeof *pr->datums);
	json_object_foreach(json_mut(j), name, v)
	{
		const struct ovsdb_column *c =
			ovsdb_table_find_column(ts, name);
		if (!c) {
			partial_row_destroy(pr);
			return ovsdb_err(errp, "unknown column", j,
					 "No column %s in table %s.", name,
					 ts->name);
		}
		int r = ovsdb_datum_from_json(&pr->datums[pr->n], &c->type, v,
					      symtab, errp);
		if (r) {
			partial_row_destroy(pr);
			return r;
		}
		pr->cols[pr->n++] = c;
	}
	return 0;
}

static void
apply_row(struct ovsdb_row *row, struct partial_row *pr, bool move)
{
	for (unsigned i = 0; i < pr->n; i++) {
		const struct ovsdb_column *c = pr->cols[i];
		if (c->index < 2)
			continue;
		struct ovsdb_datum *d = &row->fields[c->index];
		ovsdb_txn_write_column(row, c->index);
		ovsdb_datum_destroy(d, &c->type);
		if (move)
			ovsdb_datum_swap(d, &pr->datums[i]);
		else
			ovsdb_datum_clone(d, &pr->datums[i], &c->type);
	}
}

static int
parse_where(struct ovsdb_table *t, struct exec *x, const json_t *where,
	    struct ovsdb_condition *cond, struct ovsdb_error **errp)
{
	return ovsdb_condition_from_json(t->schema, where, &x->symtab, cond,
					 errp);
}

static int
parse_columns(const struct ovsdb_table_schema *ts, const json_t *j,
	      unsigned char **colsp, struct ovsdb_error **errp)
{
	unsigned char *cols = xcalloc(ts->n_columns, 1);
	*colsp = cols;
	if (!j) {
		memset(cols, 1, ts->n_columns);
		return 0;
	}
	size_t i;
	json_t *e;
	json_array_foreach(j, i, e)
	{
		const char *s = json_string_value(e);
		const struct ovsdb_column *c =
			s ? ovsdb_table_find_column(ts, s) : NULL;
		if (!c) {
			free(cols);
			*colsp = NULL;
			return ovsdb_err(errp, "syntax error", j,
					 "%s is not a valid column name",
					 s ? s : "");
		}
		if (cols[c->index]) {
			free(cols);
			*colsp = NULL;
			return ovsdb_err(errp, "syntax error", j,
					 "array of distinct column names "
					 "expected");
		}
		cols[c->index] = 1;
	}
	return 0;
}

static int
check_writable(struct exec *x, const char *op, struct ovsdb_error **errp)
{
	if (!x->ctx || !x->ctx->read_only)
		return 0;
	return ovsdb_err(errp, "not allowed", NULL,
			 "%s operation not allowed on table in reserved "
			 "database %s",
			 op, x->db->schema->name);
}

static bool proj_equal(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
		       const struct ovsdb_table_schema *ts,
		       const unsigned char *cols);

/* ---- operations ---- */

static int
exec_insert(struct exec *x, struct op_parser *p, json_t *result,
	    struct ovsdb_error **errp)
{
	struct ovsdb_table *t = parse_table(x, p);
	const json_t *uuid_name = member(p, "uuid-name", P_ID | P_OPTIONAL);
	const json_t *row_j = member(p, "row", P_OBJECT);
	const json_t *uuid_j = member(p, "uuid", P_STRING | P_OPTIONAL);
	struct ovsdb_uuid uuid;
	int r;

	parser_finish(p);
	if ((r = take_parser_error(p, errp)) ||
	    (r = check_writable(x, "insert", errp)))
		return r;
	if (uuid_j) {
		if (!ovsdb_uuid_from_string(json_string_value(uuid_j), &uuid))
			return ovsdb_err(errp, "syntax error", uuid_j,
					 "bad uuid");
		if (ovsdb_table_find_row(t, &uuid) ||
		    ovsdb_txn_was_deleted(x->txn, &uuid))
			return ovsdb_err(errp, "duplicate uuid", uuid_j,
					 "This UUID would duplicate a UUID "
					 "already present within the table or "
					 "deleted within the same "
					 "transaction.");
	} else {
		ovsdb_uuid_generate(&uuid);
	}
	if (uuid_name) {
		struct ovsdb_symbol *s = ovsdb_symtab_get(
			&x->symtab, json_string_value(uuid_name));
		if (s->created)
			return ovsdb_err(errp, "duplicate uuid-name", uuid_name,
					 "This \"uuid-name\" appeared on an "
					 "earlier \"insert\" operation.");
		s->created = true;
		if (uuid_j)
			s->uuid = uuid;
		else
			uuid = s->uuid;
	}
	struct partial_row pr = { 0 };
	if (row_j && (r = parse_row(t->schema, row_j, &x->symtab, &pr, errp)))
		return r;
	/* The columns the row sets get no default first (a string default
	 * is two allocations, freed at once). */
	unsigned char given[256];
	bool use_given = t->schema->n_columns <= sizeof given;
	if (use_given) {
		memset(given, 0, t->schema->n_columns);
		for (unsigned i = 0; i < pr.n; i++)
			given[pr.cols[i]->index] = 1;
	}
	struct ovsdb_row *row =
		ovsdb_txn_insert(x->txn, t, &uuid, use_given ? given : NULL);
	apply_row(row, &pr, true);
	partial_row_destroy(&pr);
	for (unsigned c = 2; c < t->schema->n_columns; c++)
		if ((r = ovsdb_datum_check_constraints(
			     &row->fields[c], &t->schema->columns[c].type,
			     errp)))
			return r;
	if (x->text)
		x->inserted = ovsdb_row_uuid(row);
	else
		json_object_set_new(result, "uuid",
				    ovsdb_atom_to_json(&row->fields[0].keys[0],
						       OVSDB_T_UUID));
	return 0;
}

static int
exec_select(struct exec *x, struct op_parser *p, json_t *result,
	    struct ovsdb_error **errp)
{
	struct ovsdb_table *t = parse_table(x, p);
	const json_t *where = member(p, "where", P_ARRAY);
	const json_t *columns = member(p, "columns", P_ARRAY | P_OPTIONAL);
	struct ovsdb_condition cond;
	unsigned char *cols;
	int r;

	parser_finish(p);
	if ((r = take_parser_error(p, errp)) ||
	    (r = parse_where(t, x, where, &cond, errp)))
		return r;
	if ((r = parse_columns(t->schema, columns, &cols, errp))) {
		ovsdb_condition_destroy(&cond);
		return r;
	}
	size_t n;
	struct ovsdb_row **rows = query(t, &cond, &n);
	json_t *arr = json_array();
	const struct ovsdb_table_schema *ts = t->schema;
	bool distinct = !cols[OVSDB_COL_UUID];
	struct hmap seen;
	struct hnode *seen_nodes =
		distinct ? xcalloc(n + 1, sizeof *seen_nodes) : NULL;
	hmap_init(&seen);
	for (size_t i = 0; i < n; i++) {
		if (distinct) {
			uint32_t h = 0;
			for (unsigned c = 0; c < ts->n_columns; c++)
				if (cols[c])
					h = ovsdb_datum_hash(
						&rows[i]->fields[c],
						&ts->columns[c].type, h);
			bool dup = false;
			for (struct hnode *m = hmap_first_with_hash(&seen, h);
			     m && !dup; m = hmap_next_with_hash(m))
				dup = proj_equal(rows[m - seen_nodes]->fields,
						 rows[i]->fields, ts, cols);
			if (dup)
				continue;
			hmap_insert(&seen, &seen_nodes[i], h);
		}
		json_array_append_new(arr,
				      ovsdb_row_to_json_cached(rows[i], cols));
	}
	hmap_destroy(&seen);
	free(seen_nodes);
	json_object_set_new(result, "rows", arr);
	free(rows);
	free(cols);
	ovsdb_condition_destroy(&cond);
	return 0;
}

static int
exec_update(struct exec *x, struct op_parser *p, json_t *result,
	    struct ovsdb_error **errp)
{
	struct ovsdb_table *t = parse_table(x, p);
	const json_t *where = member(p, "where", P_ARRAY);
	const json_t *row_j = member(p, "row", P_OBJECT);
	struct ovsdb_condition cond;
	struct partial_row pr;
	int r;

	parser_finish(p);
	if ((r = take_parser_error(p, errp)) ||
	    (r = check_writable(x, "update", errp)) ||
	    (r = parse_row(t->schema, row_j, &x->symtab, &pr, errp)))
		return r;
	for (unsigned i = 0; i < pr.n; i++)
		if (!pr.cols[i]->mutable_ || pr.cols[i]->index < 2) {
			r = ovsdb_err(errp, "constraint violation", p->op,
				      "Cannot update immutable column %s in "
				      "table %s.",
				      pr.cols[i]->name, t->schema->name);
			partial_row_destroy(&pr);
			return r;
		}
	if ((r = parse_where(t, x, where, &cond, errp))) {
		partial_row_destroy(&pr);
		return r;
	}
	size_t n;
	struct ovsdb_row **rows = query(t, &cond, &n);
	for (size_t i = 0; i < n; i++)
		apply_row(ovsdb_txn_modify(x->txn, rows[i]), &pr, false);
	json_object_set_new(result, "count", json_integer((json_int_t)n));
	free(rows);
	partial_row_destroy(&pr);
	ovsdb_condition_destroy(&cond);
	return 0;
}

static int
exec_mutate(struct exec *x, struct op_parser *p, json_t *result,
	    struct ovsdb_error **errp)
{
	struct ovsdb_table *t = parse_table(x, p);
	const json_t *where = member(p, "where", P_ARRAY);
	const json_t *muts = member(p, "mutations", P_ARRAY);
	struct ovsdb_condition cond;
	struct ovsdb_mutation_set ms;
	int r;

	parser_finish(p);
	if ((r = take_parser_error(p, errp)) ||
	    (r = check_writable(x, "mutate", errp)) ||
	    (r = ovsdb_mutation_set_from_json(t->schema, muts, &x->symtab, &ms,
					      errp)))
		return r;
	if ((r = parse_where(t, x, where, &cond, errp))) {
		ovsdb_mutation_set_destroy(&ms);
		return r;
	}
	size_t n;
	struct ovsdb_row **rows = query(t, &cond, &n);
	for (size_t i = 0; i < n && !r; i++)
		r = ovsdb_mutation_set_execute(
			ovsdb_txn_modify(x->txn, rows[i]), &ms, errp);
	if (!r)
		json_object_set_new(result, "count",
				    json_integer((json_int_t)n));
	free(rows);
	ovsdb_mutation_set_destroy(&ms);
	ovsdb_condition_destroy(&cond);
	return r;
}

static int
exec_delete(struct exec *x, struct op_parser *p, json_t *result,
	    struct ovsdb_error **errp)
{
	struct ovsdb_table *t = parse_table(x, p);
	const json_t *where = member(p, "where", P_ARRAY);
	struct ovsdb_condition cond;
	int r;

	parser_finish(p);
	if ((r = take_parser_error(p, errp)) ||
	    (r = check_writable(x, "delete", errp)) ||
	    (r = parse_where(t, x, where, &cond, errp)))
		return r;
	size_t n;
	struct ovsdb_row **rows = query(t, &cond, &n);
	for (size_t i = 0; i < n; i++)
		ovsdb_txn_delete(x->txn, rows[i]);
	json_object_set_new(result, "count", json_integer((json_int_t)n));
	free(rows);
	ovsdb_condition_destroy(&cond);
	return 0;
}

static bool
proj_equal(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
	   const struct ovsdb_table_schema *ts, const unsigned char *cols)
{
	for (unsigned c = 0; c < ts->n_columns; c++)
		if (cols[c] &&
		    !ovsdb_datum_equals(&a[c], &b[c], &ts->columns[c].type))
			return false;
	return true;
}

/* Is every projected row of @a present in @b? */
static bool
proj_subset(struct ovsdb_datum **a, size_t na, struct ovsdb_datum **b,
	    size_t nb, const struct ovsdb_table_schema *ts,
	    const unsigned char *cols)
{
	for (size_t i = 0; i < na; i++) {
		size_t j;
		for (j = 0; j < nb; j++)
			if (proj_equal(a[i], b[j], ts, cols))
				break;
		if (j == nb)
			return false;
	}
	return true;
}

static int
exec_wait(struct exec *x, struct op_parser *p, json_t *result,
	  struct ovsdb_error **errp)
{
	struct ovsdb_table *t = parse_table(x, p);
	const json_t *where = member(p, "where", P_ARRAY);
	const json_t *columns = member(p, "columns", P_ARRAY | P_OPTIONAL);
	const json_t *timeout = member(p, "timeout", P_INT | P_OPTIONAL);
	const json_t *rows_j = member(p, "rows", P_ARRAY);
	const json_t *until = member(p, "until", P_STRING);
	struct ovsdb_condition cond;
	unsigned char *cols;
	int r;

	parser_finish(p);
	if ((r = take_parser_error(p, errp)))
		return r;
	/* Open vSwitch's order: where, columns, timeout, until, rows. */
	if ((r = parse_where(t, x, where, &cond, errp)))
		return r;
	if ((r = parse_columns(t->schema, columns, &cols, errp))) {
		ovsdb_condition_destroy(&cond);
		return r;
	}
	const char *u = json_string_value(until);
	if (timeout && json_integer_value(timeout) < 0)
		r = ovsdb_err(errp, "syntax error", timeout,
			      "timeout must be nonnegative");
	else if (strcmp(u, "==") && strcmp(u, "!="))
		r = ovsdb_err(errp, "syntax error", until,
			      "\"until\" must be \"==\" or \"!=\"");
	if (r) {
		free(cols);
		ovsdb_condition_destroy(&cond);
		return r;
	}
	const struct ovsdb_table_schema *ts = t->schema;
	size_t ne = json_array_size(rows_j), na;
	struct ovsdb_datum **expected = xcalloc(ne + 1, sizeof *expected);
	struct ovsdb_row **actual = query(t, &cond, &na);
	struct ovsdb_datum **act = xcalloc(na + 1, sizeof *act);
	for (size_t i = 0; i < na; i++)
		act[i] = actual[i]->fields;
	size_t i;
	for (i = 0; i < ne && !r; i++) {
		struct partial_row pr;
		const json_t *rj = json_array_get(rows_j, i);
		if (!json_is_object(rj)) {
			r = ovsdb_err(errp, "syntax error", rj,
				      "expected object");
			break;
		}
		if ((r = parse_row(ts, rj, &x->symtab, &pr, errp)))
			break;
		expected[i] = xcalloc(ts->n_columns, sizeof **expected);
		for (unsigned c = 0; c < ts->n_columns; c++)
			ovsdb_datum_init_default(&expected[i][c],
						 &ts->columns[c].type);
		for (unsigned k = 0; k < pr.n; k++)
			ovsdb_datum_swap(&expected[i][pr.cols[k]->index],
					 &pr.datums[k]);
		partial_row_destroy(&pr);
	}
	if (!r) {
		bool equal = proj_subset(act, na, expected, ne, ts, cols) &&
			     proj_subset(expected, ne, act, na, ts, cols);
		if (equal != !strcmp(u, "==")) {
			json_int_t to =
				timeout ? json_integer_value(timeout) : -1;
			uint64_t el = x->ctx ? x->ctx->elapsed_ms : 0;
			if (to == 0) {
				r = ovsdb_err(errp, "timed out", NULL,
					      "\"where\" clause test failed");
			} else if (to > 0 && el >= (uint64_t)to) {
				r = ovsdb_err(
					errp, "timed out", NULL,
					"\"wait\" timed out after %llu ms",
					(unsigned long long)el);
			} else {
				uint64_t left =
					to < 0 ? UINT64_MAX : (uint64_t)to - el;
				x->wait_pending = true;
				if (left < x->wait_ms)
					x->wait_ms = left;
			}
		}
	}
	for (size_t k = 0; k < ne; k++) {
		if (!expected[k])
			continue;
		for (unsigned c = 0; c < ts->n_columns; c++)
			ovsdb_datum_destroy(&expected[k][c],
					    &ts->columns[c].type);
		free(expected[k]);
	}
	free(expected);
	free(act);
	free(actual);
	free(cols);
	ovsdb_condition_destroy(&cond);
	(void)result;
	return r;
}

static int
exec_commit(struct exec *x, struct op_parser *p, json_t *result,
	    struct ovsdb_error **errp)
{
	const json_t *durable = member(p, "durable", P_BOOL);
	parser_finish(p);
	int r = take_parser_error(p, errp);
	if (!r && json_is_true(durable))
		x->durable = true;
	(void)result;
	return r;
}

static int
exec_abort(struct exec *x, struct op_parser *p, json_t *result,
	   struct ovsdb_error **errp)
{
	parser_finish(p);
	int r = take_parser_error(p, errp);
	(void)x;
	(void)result;
	return r ? r : ovsdb_err(errp, "aborted", NULL, "aborted by request");
}

static int
exec_comment(struct exec *x, struct op_parser *p, json_t *result,
	     struct ovsdb_error **errp)
{
	member(p, "comment", P_STRING);
	parser_finish(p);
	(void)x;
	(void)result;
	return take_parser_error(p, errp);
}

static int
exec_assert(struct exec *x, struct op_parser *p, json_t *result,
	    struct ovsdb_error **errp)
{
	const json_t *lock = member(p, "lock", P_STRING);
	parser_finish(p);
	int r = take_parser_error(p, errp);
	(void)result;
	if (r)
		return r;
	const char *name = json_string_value(lock);
	if (!x->ctx || !x->ctx->lock_held ||
	    !x->ctx->lock_held(x->ctx->aux, name))
		return ovsdb_err(errp, "not owner", NULL,
				 "Asserted lock %s not held.", name);
	return 0;
}

typedef int exec_fn(struct exec *, struct op_parser *, json_t *,
		    struct ovsdb_error **);

static const struct {
	const char *name;
	exec_fn *fn;
} executors[] = {
	{ "insert", exec_insert },   { "select", exec_select },
	{ "update", exec_update },   { "mutate", exec_mutate },
	{ "delete", exec_delete },   { "wait", exec_wait },
	{ "commit", exec_commit },   { "abort", exec_abort },
	{ "comment", exec_comment }, { "assert", exec_assert },
};

static int
run_op(struct exec *x, const json_t *op, unsigned idx, unsigned n,
       json_t *result, struct ovsdb_error **errp)
{
	struct op_parser p = { .op = op, .idx = idx, .n = n };
	if (!json_is_object(op))
		return ovsdb_err(errp, "syntax error", NULL,
				 "Parsing ovsdb operation %u of %u failed: "
				 "Object expected.",
				 idx, n);
	const json_t *name = member(&p, "op", P_STRING);
	if (!name)
		return take_parser_error(&p, errp);
	for (size_t i = 0; i < ARRAY_SIZE(executors); i++)
		if (!strcmp(executors[i].name, json_string_value(name))) {
			int r = executors[i].fn(x, &p, result, errp);
			ovsdb_error_free(p.err);
			return r;
		}
	parser_error(&p, "No operation \"%s\"", json_string_value(name));
	return take_parser_error(&p, errp);
}

/* Appends one operation's result to @out: an insert's written here
 * (what json_fast_dump writes for {"uuid":["uuid","..."]}), any other
 * dumped.  0 or -EINVAL (json_fast_dump). */
static int
put_result(struct exec *x, const json_t *res, struct ds *out)
{
	if (!x->inserted)
		return json_fast_dump(res, out);
	char u[37];
	ovsdb_uuid_format(x->inserted, u);
	ds_put(out, "{\"uuid\":[\"uuid\",\"");
	ds_put_len(out, u, 36);
	ds_put(out, "\"]}");
	x->inserted = NULL;
	return 0;
}

/* Appends operation @i's result @v (taken) to the results: to @out as
 * text after a comma if it is not the first, else to the @results array.
 * A failed dump is kept in *@dumped, and nothing more is written. */
static void
append(struct exec *x, json_t *results, struct ds *out, size_t i, json_t *v,
       int *dumped)
{
	if (!out) {
		json_array_append_new(results, v);
		return;
	}
	ds_put(out, i ? "," : "");
	if (!*dumped)
		*dumped = put_result(x, v, out);
	if (!x->spare && json_is_object(v) && !json_object_size(v) &&
	    v->refcount == 1)
		x->spare = v;
	else
		json_decref(v);
}

/* The common part: with @out, the results are written there as text
 * (and *@resultp is left NULL), else collected in *@resultp. */
static int
execute(struct ovsdb_db *db, const json_t *ops,
	const struct ovsdb_exec_ctx *ctx, json_t **resultp, struct ds *out,
	uint64_t *wait_ms)
{
	struct exec x = {
		.db = db, .ctx = ctx, .wait_ms = UINT64_MAX, .text = out
	};
	struct ovsdb_error *err = NULL;
	size_t n = json_array_size(ops);
	json_t *results = out ? NULL : json_array();
	size_t out_len = out ? out->len : 0;
	int r = 0, dumped = 0;

	if (resultp)
		*resultp = NULL;
	if (out)
		ds_put(out, "[");
	ovsdb_symtab_init(&x.symtab);
	x.txn = ovsdb_txn_begin(db);
	for (size_t i = 0; i < n; i++) {
		json_t *res = x.spare ? x.spare : json_object();
		x.spare = NULL;
		r = run_op(&x, json_array_get(ops, i), (unsigned)i + 1,
			   (unsigned)n, res, &err);
		if (r) {
			json_decref(res);
			x.inserted = NULL;
			append(&x, results, out, i, ovsdb_error_to_json(err),
			       &dumped);
			for (size_t k = i + 1; k < n; k++)
				append(&x, results, out, k, json_null(),
				       &dumped);
			break;
		}
		append(&x, results, out, i, res, &dumped);
	}
	if (!r && x.wait_pending) {
		ovsdb_txn_abort(x.txn);
		ovsdb_symtab_destroy(&x.symtab);
		json_decref(results);
		json_decref(x.spare);
		if (out) {
			out->len = out_len;
			out->s[out_len] = '\0';
		}
		if (wait_ms)
			*wait_ms = x.wait_ms;
		return -EAGAIN;
	}
	if (r) {
		ovsdb_txn_abort(x.txn);
	} else if (ovsdb_txn_commit(x.txn, x.durable, &err)) {
		append(&x, results, out, n, ovsdb_error_to_json(err), &dumped);
	}
	ovsdb_error_free(err);
	ovsdb_symtab_destroy(&x.symtab);
	json_decref(x.spare);
	if (out)
		ds_put(out, "]");
	else
		*resultp = results;
	return dumped;
}

int
ovsdb_execute(struct ovsdb_db *db, const json_t *ops,
	      const struct ovsdb_exec_ctx *ctx, json_t **resultp,
	      uint64_t *wait_ms)
{
	return execute(db, ops, ctx, resultp, NULL, wait_ms);
}

int
ovsdb_execute_text(struct ovsdb_db *db, const json_t *ops,
		   const struct ovsdb_exec_ctx *ctx, struct ds *out,
		   uint64_t *wait_ms)
{
	return execute(db, ops, ctx, NULL, out, wait_ms);
}
