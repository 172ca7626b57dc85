/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_txn: transactions over the in-memory rows, and the commit-time
 * checks (referential integrity, garbage collection, maxRows, weak
 * references, unique indexes) in the order Open vSwitch applies them.
 */
#include "ovsdb_db.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb_storage.h"

struct ovsdb_txn {
	struct ovsdb_db *db;
	struct hmap rows; /* struct ovsdb_txn_row by UUID */
	struct ovsdb_txn_row *first, **last;
	struct ovsdb_uuid id;
};

struct refdelta {
	struct hnode node;
	struct ovsdb_uuid uuid;
	struct ovsdb_table *table;
	int delta;
};

struct ovsdb_txn *
ovsdb_txn_begin(struct ovsdb_db *db)
{
	struct ovsdb_txn *txn = xzalloc(sizeof *txn);
	txn->db = db;
	hmap_init(&txn->rows);
	txn->last = &txn->first;
	db->txn = txn;
	return txn;
}

/* A row both inserted and deleted by the transaction is as if it never
 * was (as in Open vSwitch, which drops its transaction row): its
 * ovsdb_txn_row stays in the lists, with old and new_ NULL, and is never
 * found by UUID. */
static bool
txn_row_is_void(const struct ovsdb_txn_row *tr)
{
	return !tr->old && !tr->new_;
}

/* The transaction's row for @uuid in @t, whether modified or deleted. */
static struct ovsdb_txn_row *
find_txn_row(const struct ovsdb_txn *txn, const struct ovsdb_table *t,
	     const struct ovsdb_uuid *uuid)
{
	for (struct hnode *n =
		     hmap_first_with_hash(&txn->rows, ovsdb_uuid_hash(uuid));
	     n; n = hmap_next_with_hash(n)) {
		struct ovsdb_txn_row *tr =
			HMAP_CONTAINER(n, struct ovsdb_txn_row, node);
		if (tr->table == t && ovsdb_uuid_eq(&tr->uuid, uuid) &&
		    !txn_row_is_void(tr))
			return tr;
	}
	return NULL;
}

static struct ovsdb_txn_row *
add_txn_row(struct ovsdb_txn *txn, struct ovsdb_table *t,
	    const struct ovsdb_uuid *uuid)
{
	struct ovsdb_txn_row *tr = xzalloc(sizeof *tr);
	tr->table = t;
	tr->uuid = *uuid;
	hmap_insert(&txn->rows, &tr->node, ovsdb_uuid_hash(uuid));
	*txn->last = tr;
	txn->last = &tr->next_in_order;
	return tr;
}

static void
txn_free(struct ovsdb_txn *txn, bool committed)
{
	struct ovsdb_txn_row *tr, *next;
	for (tr = txn->first; tr; tr = next) {
		next = tr->next_in_order;
		if (committed) {
			if (tr->new_)
				tr->new_->txn_row = NULL;
			ovsdb_row_free_owned(tr->old, tr->own_old);
		}
		free(tr->own_old);
		free(tr->changed);
		free(tr);
	}
	hmap_destroy(&txn->rows);
	if (txn->db->txn == txn)
		txn->db->txn = NULL;
	free(txn);
}

void
ovsdb_txn_abort(struct ovsdb_txn *txn)
{
	struct ovsdb_txn_row *tr;
	for (tr = txn->first; tr; tr = tr->next_in_order)
		if (tr->new_) {
			/* The values old shares go back to it. */
			hmap_remove(&tr->table->rows, &tr->new_->node);
			ovsdb_row_free_owned(tr->new_, tr->own_old);
			tr->new_ = NULL;
			free(tr->own_old);
			tr->own_old = NULL;
		}
	for (tr = txn->first; tr; tr = tr->next_in_order)
		if (tr->old) {
			tr->old->txn_row = NULL;
			ovsdb_table_put_row(tr->table, tr->old);
			tr->old = NULL;
		}
	txn_free(txn, false);
}

struct ovsdb_row *
ovsdb_txn_insert(struct ovsdb_txn *txn, struct ovsdb_table *t,
		 const struct ovsdb_uuid *uuid, const unsigned char *given)
{
	struct ovsdb_row *r = ovsdb_row_new_given(t, uuid, given);
	struct ovsdb_txn_row *tr = add_txn_row(txn, t, ovsdb_row_uuid(r));
	tr->new_ = r;
	r->txn_row = tr;
	ovsdb_table_put_row(t, r);
	return r;
}

struct ovsdb_row *
ovsdb_txn_modify(struct ovsdb_txn *txn, struct ovsdb_row *r)
{
	if (r->txn_row)
		return r;
	struct ovsdb_txn_row *tr =
		add_txn_row(txn, r->table, ovsdb_row_uuid(r));
	tr->old = ovsdb_row_clone_shallow(r);
	tr->own_old = xcalloc(r->table->schema->n_columns, 1);
	tr->new_ = r;
	r->txn_row = tr;
	json_decref(r->json);
	r->json = NULL;
	return r;
}

void
ovsdb_txn_write_column(struct ovsdb_row *r, unsigned c)
{
	struct ovsdb_txn_row *tr = r->txn_row;

	assert(tr && tr->new_ == r);
	if (!tr->own_old || tr->own_old[c])
		return;
	/* old keeps the shared value; r gets a copy to change. */
	ovsdb_datum_clone(&r->fields[c], &tr->old->fields[c],
			  &r->table->schema->columns[c].type);
	tr->own_old[c] = 1;
}

void
ovsdb_txn_delete(struct ovsdb_txn *txn, struct ovsdb_row *r)
{
	struct ovsdb_txn_row *tr = r->txn_row;
	hmap_remove(&r->table->rows, &r->node);
	if (tr) {
		/* The values old shares become its own. */
		ovsdb_row_free_owned(r, tr->own_old);
		free(tr->own_old);
		tr->own_old = NULL;
	} else {
		tr = add_txn_row(txn, r->table, ovsdb_row_uuid(r));
		tr->old = r;
	}
	tr->new_ = NULL;
}

bool
ovsdb_txn_was_deleted(const struct ovsdb_txn *txn,
		      const struct ovsdb_uuid *uuid)
{
	for (struct hnode *n =
		     hmap_first_with_hash(&txn->rows, ovsdb_uuid_hash(uuid));
	     n; n = hmap_next_with_hash(n)) {
		struct ovsdb_txn_row *tr =
			HMAP_CONTAINER(n, struct ovsdb_txn_row, node);
		if (ovsdb_uuid_eq(&tr->uuid, uuid) && tr->old && !tr->new_)
			return true;
	}
	return false;
}

const struct ovsdb_txn_row *
ovsdb_txn_first(const struct ovsdb_txn *txn)
{
	return txn->first;
}

const struct ovsdb_uuid *
ovsdb_txn_id(const struct ovsdb_txn *txn)
{
	return &txn->id;
}

/* ---- reference counting ---- */

static struct refdelta *
delta_get(struct hmap *deltas, struct ovsdb_table *t,
	  const struct ovsdb_uuid *uuid)
{
	for (struct hnode *n =
		     hmap_first_with_hash(deltas, ovsdb_uuid_hash(uuid));
	     n; n = hmap_next_with_hash(n)) {
		struct refdelta *d = HMAP_CONTAINER(n, struct refdelta, node);
		if (d->table == t && ovsdb_uuid_eq(&d->uuid, uuid))
			return d;
	}
	struct refdelta *d = xzalloc(sizeof *d);
	d->uuid = *uuid;
	d->table = t;
	hmap_insert(deltas, &d->node, ovsdb_uuid_hash(uuid));
	return d;
}

static void
deltas_free(struct hmap *deltas)
{
	struct hnode *n, *next;
	HMAP_FOR_EACH_SAFE (n, next, deltas)
		free(HMAP_CONTAINER(n, struct refdelta, node));
	hmap_destroy(deltas);
}

/* Adds @sign to the count of every row @r refers to strongly. */
/* Calls @fn for every strong reference @r holds (keys and values), with
 * the referenced table and the column; stops at the first nonzero return
 * and returns it. */
typedef int strong_ref_fn(struct ovsdb_table *rt, const struct ovsdb_uuid *u,
			  unsigned col, void *aux);

static int
for_each_strong_ref(struct ovsdb_db *db, const struct ovsdb_row *r,
		    strong_ref_fn *fn, void *aux)
{
	const struct ovsdb_table_schema *ts = r->table->schema;

	if (!ts->has_refs)
		return 0;
	for (unsigned c = 2; c < ts->n_columns; c++) {
		const struct ovsdb_type *ty = &ts->columns[c].type;
		const struct ovsdb_datum *d = &r->fields[c];
		for (int kv = 0; kv < 2; kv++) {
			const struct ovsdb_base_type *b =
				kv ? &ty->value : &ty->key;
			const union ovsdb_atom *atoms =
				kv ? d->values : d->keys;
			if (!ovsdb_base_is_strong_ref(b) || !atoms)
				continue;
			struct ovsdb_table *rt =
				ovsdb_db_table(db, b->ref_table);
			for (unsigned i = 0; i < d->n; i++) {
				int rc = fn(rt, &atoms[i].u, c, aux);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

struct adjust_ctx {
	struct hmap *deltas;
	int sign;
};

static int
adjust_one(struct ovsdb_table *rt, const struct ovsdb_uuid *u, unsigned col,
	   void *aux)
{
	struct adjust_ctx *a = aux;

	delta_get(a->deltas, rt, u)->delta += a->sign;
	return 0;
}

static void
adjust_refs(struct ovsdb_db *db, struct hmap *deltas, const struct ovsdb_row *r,
	    int sign)
{
	struct adjust_ctx a = { deltas, sign };

	for_each_strong_ref(db, r, adjust_one, &a);
}

struct nonexistent_ctx {
	struct ovsdb_txn *txn;
	const struct ovsdb_row *row;
	struct ovsdb_error **errp;
};

static int
check_one(struct ovsdb_table *rt, const struct ovsdb_uuid *u, unsigned col,
	  void *aux)
{
	struct nonexistent_ctx *n = aux;
	const struct ovsdb_table_schema *ts = n->row->table->schema;
	char a[37], b[37];

	/* A row the transaction deleted is counted here and reported by
	 * check_refs as "cannot delete"; one it inserted and deleted
	 * does not exist. */
	if (ovsdb_table_find_row(rt, u) || find_txn_row(n->txn, rt, u))
		return 0;
	ovsdb_uuid_format(ovsdb_row_uuid(n->row), a);
	ovsdb_uuid_format(u, b);
	return ovsdb_err(n->errp, "referential integrity violation", NULL,
			 "Table %s column %s row %s references nonexistent "
			 "row %s in table %s.",
			 ts->name, ts->columns[col].name, a, b,
			 rt->schema->name);
}

static int
check_nonexistent(struct ovsdb_txn *txn, const struct ovsdb_row *r,
		  struct ovsdb_error **errp)
{
	struct nonexistent_ctx n = { txn, r, errp };

	return for_each_strong_ref(txn->db, r, check_one, &n);
}

static unsigned
final_refs(struct hmap *deltas, struct ovsdb_table *t,
	   const struct ovsdb_uuid *uuid, unsigned base)
{
	for (struct hnode *n =
		     hmap_first_with_hash(deltas, ovsdb_uuid_hash(uuid));
	     n; n = hmap_next_with_hash(n)) {
		struct refdelta *d = HMAP_CONTAINER(n, struct refdelta, node);
		if (d->table == t && ovsdb_uuid_eq(&d->uuid, uuid))
			return (unsigned)((int)base + d->delta);
	}
	return base;
}

static int
check_refs(struct ovsdb_txn *txn, struct hmap *deltas,
	   struct ovsdb_error **errp)
{
	struct ovsdb_txn_row *tr;
	int r;

	for (tr = txn->first; tr; tr = tr->next_in_order) {
		if (tr->new_ && tr->table->schema->has_refs &&
		    (r = check_nonexistent(txn, tr->new_, errp)))
			return r;
		if (tr->old)
			adjust_refs(txn->db, deltas, tr->old, -1);
		if (tr->new_)
			adjust_refs(txn->db, deltas, tr->new_, +1);
	}
	for (tr = txn->first; tr; tr = tr->next_in_order) {
		if (tr->new_ || !tr->old)
			continue;
		unsigned n = final_refs(deltas, tr->table, &tr->uuid,
					tr->old->n_refs);
		if (n) {
			char u[37];
			ovsdb_uuid_format(&tr->uuid, u);
			return ovsdb_err(
				errp, "referential integrity violation", NULL,
				"cannot delete %s row %s because of "
				"%u remaining reference(s)",
				tr->table->schema->name, u, n);
		}
	}
	return 0;
}

static void
collect_garbage(struct ovsdb_txn *txn, struct hmap *deltas)
{
	struct ovsdb_row **doomed = NULL;
	size_t n_doomed, cap = 0;
	bool again = true;

	while (again) {
		again = false;
		/* Rows losing references: all found in one pass, then deleted
		 * (deleting adjusts @deltas, which may rehash it).  Each pass
		 * goes one reference deeper. */
		n_doomed = 0;
		struct hnode *n;
		HMAP_FOR_EACH (n, deltas) {
			struct refdelta *d =
				HMAP_CONTAINER(n, struct refdelta, node);
			if (d->delta >= 0 || d->table->schema->is_root)
				continue;
			struct ovsdb_row *row =
				ovsdb_table_find_row(d->table, &d->uuid);
			if (!row)
				continue;
			unsigned base = row->txn_row && row->txn_row->old
						? row->txn_row->old->n_refs
					: row->txn_row ? 0
						       : row->n_refs;
			if ((int)base + d->delta > 0)
				continue;
			if (n_doomed == cap) {
				cap = cap ? 2 * cap : 16;
				doomed = xrealloc(doomed, cap * sizeof *doomed);
			}
			doomed[n_doomed++] = row;
		}
		for (size_t i = 0; i < n_doomed; i++) {
			adjust_refs(txn->db, deltas, doomed[i], -1);
			ovsdb_txn_delete(txn, doomed[i]);
		}
		if (n_doomed) {
			again = true;
			continue;
		}
		/* Inserted or modified rows nobody refers to. */
		for (struct ovsdb_txn_row *tr = txn->first; tr;
		     tr = tr->next_in_order) {
			if (!tr->new_ || tr->table->schema->is_root)
				continue;
			unsigned base = tr->old ? tr->old->n_refs : 0;
			if (final_refs(deltas, tr->table, &tr->uuid, base))
				continue;
			adjust_refs(txn->db, deltas, tr->new_, -1);
			ovsdb_txn_delete(txn, tr->new_);
			again = true;
		}
	}
	free(doomed);
}

static int
check_max_rows(struct ovsdb_txn *txn, struct ovsdb_error **errp)
{
	for (struct ovsdb_txn_row *tr = txn->first; tr;
	     tr = tr->next_in_order) {
		const struct ovsdb_table_schema *ts = tr->table->schema;
		if (tr->new_ && tr->table->rows.n > ts->max_rows)
			return ovsdb_err(errp, "constraint violation", NULL,
					 "transaction causes \"%s\" table to "
					 "contain %zu rows, greater than the "
					 "schema-defined limit of %u row(s)",
					 ts->name, tr->table->rows.n,
					 ts->max_rows);
	}
	return 0;
}

/* Drops references in weak columns of @r to rows that do not exist.
 * Modifies @r through the transaction if needed. */
static int
fix_weak_refs(struct ovsdb_txn *txn, struct ovsdb_row *r,
	      struct ovsdb_error **errp)
{
	const struct ovsdb_table_schema *ts = r->table->schema;
	for (unsigned c = 2; c < ts->n_columns; c++) {
		const struct ovsdb_type *ty = &ts->columns[c].type;
		bool wk = ovsdb_base_is_ref(&ty->key) && ty->key.weak;
		bool wv = ovsdb_base_is_ref(&ty->value) && ty->value.weak;
		if (!wk && !wv)
			continue;
		unsigned removed = 0;
		bool zero = false;
		for (unsigned i = r->fields[c].n; i-- > 0;) {
			const struct ovsdb_datum *d = &r->fields[c];
			bool dangling =
				(wk &&
				 !ovsdb_table_find_row(
					 ovsdb_db_table(txn->db,
							ty->key.ref_table),
					 &d->keys[i].u)) ||
				(wv &&
				 !ovsdb_table_find_row(
					 ovsdb_db_table(txn->db,
							ty->value.ref_table),
					 &d->values[i].u));
			if (dangling) {
				static const struct ovsdb_uuid z;
				if ((wk && ovsdb_uuid_eq(&d->keys[i].u, &z)) ||
				    (wv && ovsdb_uuid_eq(&d->values[i].u, &z)))
					zero = true;
				r = ovsdb_txn_modify(txn, r);
				ovsdb_txn_write_column(r, c);
				ovsdb_datum_remove_at(&r->fields[c], i, ty);
				removed++;
			}
		}
		if (removed && r->fields[c].n < ty->n_min) {
			char u[37];
			const char *ins = r->txn_row && !r->txn_row->old
						  ? " (inserted within this "
						    "transaction)"
						  : "";
			ovsdb_uuid_format(ovsdb_row_uuid(r), u);
			if (zero)
				return ovsdb_err(
					errp, "constraint violation", NULL,
					"Weak reference column \"%s\" in "
					"\"%s\" "
					"row %s%s contained all-zeros UUID "
					"(probably as the default value for "
					"this column) but deleting this value "
					"caused a constraint volation because "
					"this column is not allowed to be "
					"empty.",
					ts->columns[c].name, ts->name, u, ins);
			return ovsdb_err(errp, "constraint violation", NULL,
					 "Deletion of %u weak reference(s) to "
					 "deleted (or never-existing) rows "
					 "from column \"%s\" in \"%s\" row %s"
					 "%s caused this column to become "
					 "empty, but constraints on this "
					 "column disallow an empty column.",
					 removed, ts->columns[c].name, ts->name,
					 u, ins);
		}
	}
	return 0;
}

static bool
refers_weakly_to(const struct ovsdb_table_schema *ts,
		 const struct ovsdb_table_schema *target)
{
	for (unsigned c = 2; c < ts->n_columns; c++) {
		const struct ovsdb_type *ty = &ts->columns[c].type;
		if ((ty->key.weak && ty->key.ref_table == target) ||
		    (ty->value.weak && ty->value.ref_table == target))
			return true;
	}
	return false;
}

static int
check_weak_refs(struct ovsdb_txn *txn, struct ovsdb_error **errp)
{
	struct ovsdb_db *db = txn->db;
	unsigned nt = db->schema->n_tables;
	unsigned char *deleted_in = xcalloc(nt, 1);
	int r = 0;

	for (struct ovsdb_txn_row *tr = txn->first; tr; tr = tr->next_in_order)
		if (!tr->new_ && tr->old)
			deleted_in[tr->table->schema->index] = 1;
	/* Rows outside the transaction that refer to deleted rows. */
	for (unsigned t = 0; t < nt && !r; t++) {
		const struct ovsdb_table_schema *ts = &db->schema->tables[t];
		bool scan = false;
		for (unsigned u = 0; u < nt; u++)
			if (deleted_in[u] &&
			    refers_weakly_to(ts, &db->schema->tables[u]))
				scan = true;
		if (!scan)
			continue;
		struct hnode *n;
		HMAP_FOR_EACH (n, &db->tables[t].rows) {
			struct ovsdb_row *row =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			if (!row->txn_row &&
			    (r = fix_weak_refs(txn, row, errp)))
				break;
		}
	}
	free(deleted_in);
	for (struct ovsdb_txn_row *tr = txn->first; tr && !r;
	     tr = tr->next_in_order)
		if (tr->new_ && tr->table->schema->has_refs)
			r = fix_weak_refs(txn, tr->new_, errp);
	return r;
}

/* ---- unique indexes ---- */

struct ixent {
	struct hnode node;
	const struct ovsdb_row *row;
};

static void
english_join(struct ds *out, const char *const *items, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (i)
			ds_put(out, n == 2	 ? " and "
				    : i == n - 1 ? ", and "
						 : ", ");
		ds_put(out, items[i]);
	}
}

static void
index_values(struct ds *out, const struct ovsdb_row *r,
	     const struct ovsdb_index *ix)
{
	const struct ovsdb_table_schema *ts = r->table->schema;
	char **items = xcalloc(ix->n, sizeof *items);
	for (unsigned i = 0; i < ix->n; i++) {
		struct ds s = DS_EMPTY;
		ovsdb_datum_to_string(&r->fields[ix->cols[i]],
				      &ts->columns[ix->cols[i]].type, &s);
		items[i] = ds_steal(&s);
	}
	english_join(out, (const char *const *)items, ix->n);
	for (unsigned i = 0; i < ix->n; i++)
		free(items[i]);
	free(items);
}

static void
describe_row(struct ds *out, const struct ovsdb_row *r,
	     const struct ovsdb_index *ix)
{
	char u[37];
	ovsdb_uuid_format(ovsdb_row_uuid(r), u);
	ds_printf(out, "with UUID %s, ", u);
	if (!r->txn_row)
		ds_put(out, "existed in the database before this transaction "
			    "and was not modified by the transaction.");
	else if (!r->txn_row->old)
		ds_put(out, "was inserted by this transaction.");
	else {
		ds_put(out, "had the following index values before the "
			    "transaction: ");
		index_values(out, r->txn_row->old, ix);
		ds_put_char(out, '.');
	}
}

static int
index_error(const struct ovsdb_row *a, const struct ovsdb_row *b,
	    const struct ovsdb_index *ix, struct ovsdb_error **errp)
{
	const struct ovsdb_table_schema *ts = a->table->schema;
	struct ds s = DS_EMPTY;
	const char **names = xcalloc(ix->n, sizeof *names);
	char **quoted = xcalloc(ix->n, sizeof *quoted);
	for (unsigned i = 0; i < ix->n; i++) {
		quoted[i] = xasprintf("\"%s\"", ts->columns[ix->cols[i]].name);
		names[i] = quoted[i];
	}
	ds_printf(&s,
		  "Transaction causes multiple rows in \"%s\" table to "
		  "have identical values (",
		  ts->name);
	index_values(&s, a, ix);
	ds_printf(&s, ") for index on column%s ", ix->n > 1 ? "s" : "");
	english_join(&s, names, ix->n);
	ds_put(&s, ".  First row, ");
	describe_row(&s, a, ix);
	ds_put(&s, "  Second row, ");
	describe_row(&s, b, ix);
	int r = ovsdb_err(errp, "constraint violation", NULL, "%s",
			  ds_cstr(&s));
	for (unsigned i = 0; i < ix->n; i++)
		free(quoted[i]);
	free(quoted);
	free(names);
	ds_free(&s);
	return r;
}

static bool
index_touched(struct ovsdb_txn *txn, struct ovsdb_table *t,
	      const struct ovsdb_index *ix)
{
	for (struct ovsdb_txn_row *tr = txn->first; tr;
	     tr = tr->next_in_order) {
		if (tr->table != t || !tr->new_)
			continue;
		if (!tr->old || !ovsdb_row_index_equal(tr->old, tr->new_, ix))
			return true;
	}
	return false;
}

static int
check_indexes(struct ovsdb_txn *txn, struct ovsdb_error **errp)
{
	struct ovsdb_db *db = txn->db;
	for (unsigned t = 0; t < db->schema->n_tables; t++) {
		struct ovsdb_table *table = &db->tables[t];
		const struct ovsdb_table_schema *ts = table->schema;
		for (unsigned k = 0; k < ts->n_indexes; k++) {
			const struct ovsdb_index *ix = &ts->indexes[k];
			if (!index_touched(txn, table, ix))
				continue;
			/* Transaction rows first, so "First row" is ours. */
			struct hmap h;
			hmap_init(&h);
			struct ixent *ents =
				xcalloc(table->rows.n + 1, sizeof *ents);
			size_t ne = 0;
			int r = 0;
			for (int pass = 0; pass < 2 && !r; pass++) {
				struct hnode *n;
				HMAP_FOR_EACH (n, &table->rows) {
					const struct ovsdb_row *row =
						HMAP_CONTAINER(n,
							       struct ovsdb_row,
							       node);
					if ((pass == 0) !=
					    (row->txn_row != NULL))
						continue;
					uint32_t hh =
						ovsdb_row_index_hash(row, ix);
					struct hnode *m;
					for (m = hmap_first_with_hash(&h, hh);
					     m; m = hmap_next_with_hash(m)) {
						const struct ixent *e =
							HMAP_CONTAINER(
								m, struct ixent,
								node);
						if (ovsdb_row_index_equal(
							    e->row, row, ix))
							break;
					}
					if (m) {
						const struct ixent *e =
							HMAP_CONTAINER(
								m, struct ixent,
								node);
						r = index_error(e->row, row, ix,
								errp);
						break;
					}
					ents[ne].row = row;
					hmap_insert(&h, &ents[ne++].node, hh);
				}
			}
			hmap_destroy(&h);
			free(ents);
			if (r)
				return r;
		}
	}
	return 0;
}

/* ---- commit ---- */

/* Fills tr->changed (left NULL, "every column", for a row inserted or
 * deleted); returns false if the row did not change at all. */
static bool
compute_changes(struct ovsdb_txn_row *tr)
{
	const struct ovsdb_table_schema *ts = tr->table->schema;
	bool any = false;
	if (!tr->old || !tr->new_)
		return true;
	tr->changed = xcalloc(ts->n_columns, 1);
	for (unsigned c = 0; c < ts->n_columns; c++) {
		if (c == OVSDB_COL_VERSION ||
		    (tr->own_old && !tr->own_old[c] && tr->new_))
			continue; /* shared: nothing wrote it */
		if (!ovsdb_datum_equals(&tr->old->fields[c],
					&tr->new_->fields[c],
					&ts->columns[c].type)) {
			tr->changed[c] = 1;
			any = true;
		}
	}
	return any;
}

int
ovsdb_txn_commit(struct ovsdb_txn *txn, bool durable, struct ovsdb_error **errp)
{
	struct ovsdb_db *db = txn->db;
	struct hmap deltas;
	int r;

	hmap_init(&deltas);
	if ((r = check_refs(txn, &deltas, errp)))
		goto fail;
	collect_garbage(txn, &deltas);
	if ((r = check_max_rows(txn, errp)) ||
	    (r = check_weak_refs(txn, errp)) || (r = check_indexes(txn, errp)))
		goto fail;

	/* Unlink rows that did not change, so that neither storage nor
	 * monitors see them. */
	struct ovsdb_txn_row **pp = &txn->first;
	while (*pp) {
		struct ovsdb_txn_row *tr = *pp;
		if ((tr->old || tr->new_) && compute_changes(tr)) {
			if (tr->new_)
				ovsdb_txn_write_column(tr->new_,
						       OVSDB_COL_VERSION);
			if (tr->new_)
				ovsdb_uuid_generate(
					&tr->new_->fields[OVSDB_COL_VERSION]
						 .keys[0]
						 .u);
			pp = &tr->next_in_order;
			continue;
		}
		*pp = tr->next_in_order;
		hmap_remove(&txn->rows, &tr->node);
		if (tr->new_) {
			tr->new_->txn_row = NULL;
			ovsdb_row_free_owned(tr->old, tr->own_old);
		}
		free(tr->own_old);
		free(tr->changed);
		free(tr);
	}
	txn->last = pp;

	if (!txn->first) {
		deltas_free(&deltas);
		txn_free(txn, true);
		return 0;
	}
	ovsdb_uuid_generate(&txn->id);
	if (db->storage &&
	    (r = ovsdb_storage_write(db->storage, db, txn, durable, errp)))
		goto fail;

	/* Apply the reference count changes to the surviving rows. */
	struct hnode *n;
	HMAP_FOR_EACH (n, &deltas) {
		struct refdelta *d = HMAP_CONTAINER(n, struct refdelta, node);
		struct ovsdb_row *row =
			ovsdb_table_find_row(d->table, &d->uuid);
		if (!row)
			continue;
		unsigned base =
			row->txn_row
				? (row->txn_row->old ? row->txn_row->old->n_refs
						     : 0)
				: row->n_refs;
		row->n_refs = (unsigned)((int)base + d->delta);
	}
	deltas_free(&deltas);
	db->n_commits++;
	if (db->hook)
		db->hook(db->hook_aux, db, txn);
	txn_free(txn, true);
	return 0;

fail:
	deltas_free(&deltas);
	ovsdb_txn_abort(txn);
	return r;
}
