/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_db: in-memory tables and rows of an open database. */
#include "ovsdb_db.h"

#include <stdlib.h>
#include <string.h>

#include "ovsdb_storage.h"

struct ovsdb_db *
ovsdb_db_new(struct ovsdb_schema *schema)
{
	struct ovsdb_db *db = xzalloc(sizeof *db);
	db->schema = schema;
	db->tables = xcalloc(schema->n_tables ? schema->n_tables : 1,
			     sizeof *db->tables);
	for (unsigned i = 0; i < schema->n_tables; i++) {
		db->tables[i].schema = &schema->tables[i];
		db->tables[i].db = db;
		hmap_init(&db->tables[i].rows);
	}
	return db;
}

void
ovsdb_db_free(struct ovsdb_db *db)
{
	if (!db)
		return;
	if (db->txn)
		ovsdb_txn_abort(db->txn);
	for (unsigned i = 0; i < db->schema->n_tables; i++) {
		struct hnode *n, *next;
		HMAP_FOR_EACH_SAFE (n, next, &db->tables[i].rows)
			ovsdb_row_free(
				HMAP_CONTAINER(n, struct ovsdb_row, node));
		hmap_destroy(&db->tables[i].rows);
	}
	if (db->storage)
		ovsdb_storage_close(db->storage);
	free(db->tables);
	ovsdb_schema_free(db->schema);
	free(db);
}

struct ovsdb_table *
ovsdb_db_find_table(struct ovsdb_db *db, const char *name)
{
	struct ovsdb_table_schema *ts =
		ovsdb_schema_find_table(db->schema, name);
	return ts ? &db->tables[ts->index] : NULL;
}

static struct ovsdb_row *
row_alloc(struct ovsdb_table *t)
{
	struct ovsdb_row *r = xzalloc(
		sizeof *r + t->schema->n_columns * sizeof(struct ovsdb_datum));
	r->table = t;
	return r;
}

struct ovsdb_row *
ovsdb_row_new(struct ovsdb_table *t, const struct ovsdb_uuid *uuid)
{
	return ovsdb_row_new_given(t, uuid, NULL);
}

struct ovsdb_row *
ovsdb_row_new_given(struct ovsdb_table *t, const struct ovsdb_uuid *uuid,
		    const unsigned char *given)
{
	struct ovsdb_row *r = row_alloc(t);
	const struct ovsdb_table_schema *ts = t->schema;
	/* row_alloc zeroed every datum: empty, the default of optional
	 * columns. */
	for (unsigned i = 0; i < ts->n_columns; i++)
		if (ts->columns[i].type.n_min && (i < 2 || !given || !given[i]))
			ovsdb_datum_init_default(&r->fields[i],
						 &ts->columns[i].type);
	if (uuid)
		r->fields[OVSDB_COL_UUID].keys[0].u = *uuid;
	else
		ovsdb_uuid_generate(&r->fields[OVSDB_COL_UUID].keys[0].u);
	ovsdb_uuid_generate(&r->fields[OVSDB_COL_VERSION].keys[0].u);
	return r;
}

struct ovsdb_row *
ovsdb_row_clone(const struct ovsdb_row *src)
{
	struct ovsdb_row *r = row_alloc(src->table);
	const struct ovsdb_table_schema *ts = src->table->schema;
	for (unsigned i = 0; i < ts->n_columns; i++)
		ovsdb_datum_clone(&r->fields[i], &src->fields[i],
				  &ts->columns[i].type);
	r->n_refs = src->n_refs;
	r->rowid = src->rowid;
	return r;
}

struct ovsdb_row *
ovsdb_row_clone_shallow(const struct ovsdb_row *src)
{
	struct ovsdb_row *r = row_alloc(src->table);
	memcpy(r->fields, src->fields,
	       src->table->schema->n_columns * sizeof *r->fields);
	r->n_refs = src->n_refs;
	r->rowid = src->rowid;
	return r;
}

void
ovsdb_row_free(struct ovsdb_row *r)
{
	ovsdb_row_free_owned(r, NULL);
}

void
ovsdb_row_free_owned(struct ovsdb_row *r, const unsigned char *owned)
{
	if (!r)
		return;
	const struct ovsdb_table_schema *ts = r->table->schema;
	for (unsigned i = 0; i < ts->n_columns; i++)
		if (!owned || owned[i])
			ovsdb_datum_destroy(&r->fields[i],
					    &ts->columns[i].type);
	json_decref(r->json);
	free(r);
}

struct ovsdb_row *
ovsdb_table_find_row(const struct ovsdb_table *t, const struct ovsdb_uuid *uuid)
{
	for (struct hnode *n =
		     hmap_first_with_hash(&t->rows, ovsdb_uuid_hash(uuid));
	     n; n = hmap_next_with_hash(n)) {
		struct ovsdb_row *r = HMAP_CONTAINER(n, struct ovsdb_row, node);
		if (ovsdb_uuid_eq(ovsdb_row_uuid(r), uuid))
			return r;
	}
	return NULL;
}

void
ovsdb_table_put_row(struct ovsdb_table *t, struct ovsdb_row *r)
{
	hmap_insert(&t->rows, &r->node, ovsdb_uuid_hash(ovsdb_row_uuid(r)));
}

json_t *
ovsdb_row_to_json(const struct ovsdb_row *r, const unsigned char *cols)
{
	const struct ovsdb_table_schema *ts = r->table->schema;
	json_t *j = json_object();
	for (unsigned i = 0; i < ts->n_columns; i++)
		if (!cols || cols[i])
			json_object_set_new_nocheck(
				j, ts->columns[i].name,
				ovsdb_datum_to_json(&r->fields[i],
						    &ts->columns[i].type));
	return j;
}

json_t *
ovsdb_row_to_json_cached(struct ovsdb_row *r, const unsigned char *cols)
{
	unsigned n = r->table->schema->n_columns;
	uint64_t sig = 0;

	if (r->txn_row || n > 64)
		return ovsdb_row_to_json(r, cols);
	for (unsigned i = 0; i < n; i++)
		if (!cols || cols[i])
			sig |= UINT64_C(1) << i;
	if (!r->json || r->json_cols != sig) {
		json_decref(r->json);
		r->json = ovsdb_row_to_json(r, cols);
		r->json_cols = sig;
	}
	return json_incref(r->json);
}

uint32_t
ovsdb_row_index_hash(const struct ovsdb_row *r, const struct ovsdb_index *ix)
{
	uint32_t h = 0;
	const struct ovsdb_table_schema *ts = r->table->schema;
	for (unsigned i = 0; i < ix->n; i++)
		h = ovsdb_datum_hash(&r->fields[ix->cols[i]],
				     &ts->columns[ix->cols[i]].type, h);
	return h;
}

bool
ovsdb_row_index_equal(const struct ovsdb_row *a, const struct ovsdb_row *b,
		      const struct ovsdb_index *ix)
{
	const struct ovsdb_table_schema *ts = a->table->schema;
	for (unsigned i = 0; i < ix->n; i++) {
		unsigned c = ix->cols[i];
		if (!ovsdb_datum_equals(&a->fields[c], &b->fields[c],
					&ts->columns[c].type))
			return false;
	}
	return true;
}
