/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_check: a whole database against its schema (ovsdb_check.h). */
#include "ovsdb_check.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>

int
ovsdb_check_error(struct ovsdb_error **errp, const char *tag,
		  const struct ovsdb_table *t, const char *row,
		  const char *column, const char *fmt, ...)
{
	struct ds s = DS_EMPTY;
	va_list ap;
	int r;

	ds_printf(&s, "database %s, table %s", t->db->schema->name,
		  t->schema->name);
	if (row)
		ds_printf(&s, ", row %s", row);
	if (row && column)
		ds_printf(&s, ", column %s", column);
	ds_put(&s, ": ");
	va_start(ap, fmt);
	ds_vprintf(&s, fmt, ap);
	va_end(ap);
	r = ovsdb_err(errp, tag, NULL, "%s", ds_cstr(&s));
	ds_free(&s);
	return r;
}

/* The row's name in messages (only made when one is needed). */
static const char *
row_name(const struct ovsdb_row *row, char buf[37])
{
	ovsdb_uuid_format(ovsdb_row_uuid(row), buf);
	return buf;
}

/* Every reference in column @c of @row (keys, then values) must name a
 * row of its table: weak ones too, since a commit drops a weak reference
 * together with the row it names.  Counts the strong ones in n_refs. */
static int
check_refs(struct ovsdb_db *db, const struct ovsdb_row *row, unsigned c,
	   struct ovsdb_error **errp)
{
	const struct ovsdb_column *col = &row->table->schema->columns[c];
	const struct ovsdb_datum *d = &row->fields[c];
	char name[37];

	for (int kv = 0; kv < 2; kv++) {
		const struct ovsdb_base_type *b =
			kv ? &col->type.value : &col->type.key;
		const union ovsdb_atom *atoms = kv ? d->values : d->keys;
		if (!ovsdb_base_is_ref(b) || !atoms)
			continue;
		const struct ovsdb_table *rt = ovsdb_db_table(db, b->ref_table);
		for (unsigned i = 0; i < d->n; i++) {
			struct ovsdb_row *target =
				ovsdb_table_find_row(rt, &atoms[i].u);
			char u[37];
			if (target) {
				target->n_refs += !b->weak;
				continue;
			}
			ovsdb_uuid_format(&atoms[i].u, u);
			return ovsdb_check_error(
				errp, "referential integrity violation",
				row->table, row_name(row, name), col->name,
				"%s reference to nonexistent row %s in table "
				"%s",
				b->weak ? "weak" : "strong", u,
				rt->schema->name);
		}
	}
	return 0;
}

/* True if an atom of @b can fail ovsdb_atom_check_constraints (most
 * cannot: their atoms need not be read at all). */
static bool
constrained(const struct ovsdb_base_type *b)
{
	return b->enum_ || b->min_int != INT64_MIN || b->max_int != INT64_MAX ||
	       b->min_real != -DBL_MAX || b->max_real != DBL_MAX ||
	       b->min_len || b->max_len != UINT_MAX;
}

int
ovsdb_check_row(const struct ovsdb_row *row, struct ovsdb_error **errp)
{
	const struct ovsdb_table_schema *ts = row->table->schema;
	char name[37];
	int r;

	for (unsigned c = 2; c < ts->n_columns; c++) {
		const struct ovsdb_column *col = &ts->columns[c];
		const struct ovsdb_datum *d = &row->fields[c];
		struct ovsdb_error *e = NULL;

		if (col->ephemeral)
			continue; /* not stored: defaults */
		if (d->n < col->type.n_min || d->n > col->type.n_max) {
			char *english = ovsdb_type_to_english(&col->type);
			r = ovsdb_check_error(errp, "constraint violation",
					      row->table, row_name(row, name),
					      col->name, "%u elements in %s",
					      d->n, english);
			free(english);
			return r;
		}
		if ((constrained(&col->type.key) ||
		     constrained(&col->type.value)) &&
		    ovsdb_datum_check_constraints(d, &col->type, &e)) {
			r = ovsdb_check_error(
				errp, "constraint violation", row->table,
				row_name(row, name), col->name, "%s",
				e && e->details ? e->details : "bad value");
			ovsdb_error_free(e);
			return r;
		}
	}
	return 0;
}

struct ix_entry {
	struct hnode node;
	const struct ovsdb_row *row;
};

static int
check_index(const struct ovsdb_table *t, const struct ovsdb_index *ix,
	    struct ovsdb_error **errp)
{
	struct ix_entry *ents = xcalloc(t->rows.n + 1, sizeof *ents);
	struct hmap h;
	struct hnode *n;
	size_t k = 0;
	int r = 0;

	hmap_init(&h);
	HMAP_FOR_EACH (n, &t->rows) {
		const struct ovsdb_row *row =
			HMAP_CONTAINER(n, struct ovsdb_row, node);
		uint32_t hash = ovsdb_row_index_hash(row, ix);
		struct hnode *m;

		for (m = hmap_first_with_hash(&h, hash); m;
		     m = hmap_next_with_hash(m)) {
			const struct ix_entry *e =
				HMAP_CONTAINER(m, struct ix_entry, node);
			if (!ovsdb_row_index_equal(e->row, row, ix))
				continue;
			char a[37], b[37];
			struct ds cols = DS_EMPTY;
			ovsdb_uuid_format(ovsdb_row_uuid(e->row), a);
			ovsdb_uuid_format(ovsdb_row_uuid(row), b);
			for (unsigned i = 0; i < ix->n; i++)
				ds_printf(&cols, "%s%s", i ? ", " : "",
					  t->schema->columns[ix->cols[i]].name);
			r = ovsdb_check_error(errp, "constraint violation", t,
					      a, NULL,
					      "same values as row %s for the "
					      "unique index on (%s)",
					      b, ds_cstr(&cols));
			ds_free(&cols);
			goto out;
		}
		ents[k].row = row;
		hmap_insert(&h, &ents[k++].node, hash);
	}
out:
	hmap_destroy(&h);
	free(ents);
	return r;
}

/* The references of every row of @t (tables without any skipped). */
static int
check_table_refs(struct ovsdb_db *db, const struct ovsdb_table *t,
		 struct ovsdb_error **errp)
{
	const struct ovsdb_table_schema *ts = t->schema;
	struct hnode *n;
	int r;

	if (!ts->has_refs)
		return 0;
	HMAP_FOR_EACH (n, &t->rows) {
		const struct ovsdb_row *row =
			HMAP_CONTAINER(n, struct ovsdb_row, node);
		for (unsigned c = 2; c < ts->n_columns; c++)
			if ((ovsdb_base_is_ref(&ts->columns[c].type.key) ||
			     ovsdb_base_is_ref(&ts->columns[c].type.value)) &&
			    (r = check_refs(db, row, c, errp)))
				return r;
	}
	return 0;
}

int
ovsdb_check_links(struct ovsdb_db *db, struct ovsdb_error **errp)
{
	for (unsigned t = 0; t < db->schema->n_tables; t++) {
		const struct ovsdb_table *table = &db->tables[t];
		const struct ovsdb_table_schema *ts = table->schema;
		int r;

		if (table->rows.n > ts->max_rows)
			return ovsdb_check_error(
				errp, "constraint violation", table, NULL, NULL,
				"%zu rows, more than maxRows %u", table->rows.n,
				ts->max_rows);
		if ((r = check_table_refs(db, table, errp)))
			return r;
		for (unsigned k = 0; k < ts->n_indexes; k++)
			if ((r = check_index(table, &ts->indexes[k], errp)))
				return r;
	}
	return 0;
}

int
ovsdb_check_db(struct ovsdb_db *db, struct ovsdb_error **errp)
{
	struct hnode *n;
	int r;

	for (unsigned t = 0; t < db->schema->n_tables; t++)
		HMAP_FOR_EACH (n, &db->tables[t].rows) {
			if ((r = ovsdb_check_row(
				     HMAP_CONTAINER(n, struct ovsdb_row, node),
				     errp)))
				return r;
		}
	return ovsdb_check_links(db, errp);
}
