/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_schema: schema parsing and validation. */
#include "ovsdb_schema.h"

#include "ovsdb_datum.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

static bool
is_id(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static void
implicit_column(struct ovsdb_column *c, const char *name, unsigned index)
{
	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	c->index = index;
	c->type.key.type = OVSDB_T_UUID;
	c->type.key.min_int = INT64_MIN;
	c->type.key.max_int = INT64_MAX;
	c->type.key.max_len = UINT_MAX;
	c->type.value.type = OVSDB_T_VOID;
	c->type.n_min = c->type.n_max = 1;
	c->mutable_ = false;
}

static int
column_from_json(struct ovsdb_column *c, const char *name, const json_t *j,
		 struct ovsdb_error **errp)
{
	c->name = xstrdup(name);
	if (!json_is_object(j))
		return ovsdb_err(errp, "syntax error", j,
				 "Parsing schema for column %s failed: Object "
				 "expected.",
				 name);
	const json_t *type = json_object_get(j, "type");
	if (!type)
		return ovsdb_err(errp, "syntax error", j,
				 "Parsing schema for column %s failed: "
				 "Required 'type' member is missing.",
				 name);
	int r = ovsdb_type_from_json(type, &c->type, errp);
	if (r)
		return r;
	const json_t *mut = json_object_get(j, "mutable");
	const json_t *eph = json_object_get(j, "ephemeral");
	c->mutable_ = !mut || json_is_true(mut);
	c->ephemeral = eph && json_is_true(eph);
	return 0;
}

/* FNV-1a of a column name. */
static unsigned
column_hash(const char *name)
{
	unsigned h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h ^ h >> 15;
}

/* Builds @t's column-name index (ovsdb_table_find_column). */
static void
index_columns(struct ovsdb_table_schema *t)
{
	unsigned size = 8;

	while (size < 2 * t->n_columns)
		size *= 2;
	free(t->col_slots);
	t->col_slots = xcalloc(size, sizeof *t->col_slots);
	t->col_mask = size - 1;
	for (unsigned c = 0; c < t->n_columns; c++) {
		unsigned i = column_hash(t->columns[c].name) & t->col_mask;

		while (t->col_slots[i])
			i = (i + 1) & t->col_mask;
		t->col_slots[i] = c + 1;
	}
}

static int
table_from_json(struct ovsdb_table_schema *t, const char *name, const json_t *j,
		bool *root_given, struct ovsdb_error **errp)
{
	t->name = xstrdup(name);
	t->json = json_incref(json_mut(j));
	t->max_rows = UINT_MAX;
	if (!json_is_object(j))
		return ovsdb_err(errp, "syntax error", j,
				 "Parsing table schema for table %s failed: "
				 "Object expected.",
				 name);
	const json_t *cols = json_object_get(j, "columns");
	if (!json_is_object(cols))
		return ovsdb_err(errp, "syntax error", j,
				 "Parsing table schema for table %s failed: "
				 "Required 'columns' member is missing.",
				 name);
	const json_t *root = json_object_get(j, "isRoot");
	if (root) {
		*root_given = true;
		t->is_root = json_is_true(root);
	}
	const json_t *mr = json_object_get(j, "maxRows");
	if (mr) {
		if (!json_is_integer(mr) || json_integer_value(mr) < 1)
			return ovsdb_err(errp, "syntax error", j,
					 "maxRows must be at least 1");
		t->max_rows = json_integer_value(mr) > UINT_MAX
				      ? UINT_MAX
				      : (unsigned)json_integer_value(mr);
	}

	t->n_columns = 2 + (unsigned)json_object_size(cols);
	t->columns = xcalloc(t->n_columns, sizeof *t->columns);
	implicit_column(&t->columns[0], "_uuid", 0);
	implicit_column(&t->columns[1], "_version", 1);
	unsigned i = 2;
	const char *cname;
	json_t *cj;
	json_object_foreach(json_mut(cols), cname, cj)
	{
		struct ovsdb_column *c = &t->columns[i];
		c->index = i++;
		if (!is_id(cname) || cname[0] == '_')
			return ovsdb_err(errp, "syntax error", cols,
					 "names beginning with \"_\" are "
					 "reserved");
		int r = column_from_json(c, cname, cj, errp);
		if (r)
			return r;
		if (ovsdb_base_is_ref(&c->type.key) ||
		    ovsdb_base_is_ref(&c->type.value))
			t->has_refs = true;
		/* Strong references must survive a restart (GC depends on
		 * them), so such columns are never ephemeral. */
		if (ovsdb_base_is_strong_ref(&c->type.key) ||
		    ovsdb_base_is_strong_ref(&c->type.value))
			c->ephemeral = false;
	}

	index_columns(t);

	const json_t *idx = json_object_get(j, "indexes");
	if (idx) {
		if (!json_is_array(idx))
			return ovsdb_err(errp, "syntax error", j,
					 "Type mismatch for member 'indexes'.");
		t->n_indexes = (unsigned)json_array_size(idx);
		t->indexes = xcalloc(t->n_indexes ? t->n_indexes : 1,
				     sizeof *t->indexes);
		for (unsigned k = 0; k < t->n_indexes; k++) {
			const json_t *ij = json_array_get(idx, k);
			struct ovsdb_index *ix = &t->indexes[k];
			if (!json_is_array(ij) || !json_array_size(ij))
				return ovsdb_err(errp, "syntax error", ij,
						 "index must have at least one "
						 "column");
			ix->n = (unsigned)json_array_size(ij);
			ix->cols = xcalloc(ix->n, sizeof *ix->cols);
			for (unsigned m = 0; m < ix->n; m++) {
				const char *cn = json_string_value(
					json_array_get(ij, m));
				const struct ovsdb_column *c =
					cn ? ovsdb_table_find_column(t, cn)
					   : NULL;
				if (!c)
					return ovsdb_err(errp, "syntax error",
							 ij,
							 "table %s has no "
							 "column %s",
							 name, cn ? cn : "");
				if (c->ephemeral)
					return ovsdb_err(errp, "syntax error",
							 ij,
							 "ephemeral columns "
							 "(such as %s) may not "
							 "be indexed",
							 c->name);
				ix->cols[m] = c->index;
			}
		}
	}
	return 0;
}

static int
resolve_base(struct ovsdb_schema *s, struct ovsdb_table_schema *t,
	     struct ovsdb_column *c, struct ovsdb_base_type *b,
	     struct ovsdb_error **errp)
{
	if (!b->ref_table_name)
		return 0;
	b->ref_table = ovsdb_schema_find_table(s, b->ref_table_name);
	if (!b->ref_table)
		return ovsdb_err(errp, "syntax error", NULL,
				 "column %s in table %s refers to undefined "
				 "table %s",
				 c->name, t->name, b->ref_table_name);
	return 0;
}

int
ovsdb_schema_from_json(const json_t *j, struct ovsdb_schema **sp,
		       struct ovsdb_error **errp)
{
	struct ovsdb_schema *s = xzalloc(sizeof *s);
	int r;

	*sp = NULL;
	if (!json_is_object(j)) {
		r = ovsdb_err(errp, "syntax error", j,
			      "Parsing database schema failed: Object "
			      "expected.");
		goto fail;
	}
	s->json = json_deep_copy(j);
	const json_t *name = json_object_get(j, "name");
	const json_t *version = json_object_get(j, "version");
	const json_t *cksum = json_object_get(j, "cksum");
	const json_t *tables = json_object_get(j, "tables");
	if (!json_is_string(name) || !is_id(json_string_value(name))) {
		r = ovsdb_err(errp, "syntax error", j,
			      "Parsing database schema failed: Required "
			      "'name' member is missing.");
		goto fail;
	}
	if (!json_is_object(tables)) {
		r = ovsdb_err(errp, "syntax error", j,
			      "Parsing database schema failed: Required "
			      "'tables' member is missing.");
		goto fail;
	}
	if (version && !json_is_string(version)) {
		r = ovsdb_err(errp, "syntax error", j,
			      "Parsing database schema failed: Type mismatch "
			      "for member 'version'.");
		goto fail;
	}
	s->name = xstrdup(json_string_value(name));
	s->version = xstrdup(version ? json_string_value(version) : "");
	if (json_is_string(cksum))
		s->cksum = xstrdup(json_string_value(cksum));

	s->n_tables = (unsigned)json_object_size(tables);
	s->tables = xcalloc(s->n_tables ? s->n_tables : 1, sizeof *s->tables);
	bool root_given = false;
	unsigned i = 0;
	const char *tname;
	json_t *tj;
	json_object_foreach(json_mut(tables), tname, tj)
	{
		s->tables[i].index = i;
		if (tname[0] == '_' || !is_id(tname)) {
			r = ovsdb_err(errp, "syntax error", tables,
				      "names beginning with \"_\" are "
				      "reserved");
			goto fail;
		}
		r = table_from_json(&s->tables[i++], tname, tj, &root_given,
				    errp);
		if (r)
			goto fail;
	}
	/* Schemas that predate isRoot: every table is a root. */
	if (!root_given)
		for (i = 0; i < s->n_tables; i++)
			s->tables[i].is_root = true;
	for (i = 0; i < s->n_tables; i++) {
		struct ovsdb_table_schema *t = &s->tables[i];
		for (unsigned c = 2; c < t->n_columns; c++) {
			struct ovsdb_column *col = &t->columns[c];
			if ((r = resolve_base(s, t, col, &col->type.key,
					      errp)) ||
			    (r = resolve_base(s, t, col, &col->type.value,
					      errp)))
				goto fail;
		}
	}
	*sp = s;
	return 0;

fail:
	ovsdb_schema_free(s);
	return r;
}

int
ovsdb_schema_from_file(const char *path, struct ovsdb_schema **sp,
		       struct ovsdb_error **errp)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, JSON_DECODE_ANY, &jerr);
	*sp = NULL;
	if (!j) {
		FILE *f = fopen(path, "r");
		if (!f)
			return ovsdb_err_code(errp, -errno, "I/O error", NULL,
					      "%s: open failed (%s)", path,
					      strerror(errno));
		fclose(f);
		return ovsdb_err(errp, "syntax error", NULL, "%s: %s", path,
				 jerr.text);
	}
	int r = ovsdb_schema_from_json(j, sp, errp);
	json_decref(j);
	return r;
}

void
ovsdb_schema_free(struct ovsdb_schema *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->n_tables; i++) {
		struct ovsdb_table_schema *t = &s->tables[i];
		for (unsigned c = 0; c < t->n_columns; c++) {
			free(t->columns[c].name);
			ovsdb_type_destroy(&t->columns[c].type);
		}
		free(t->columns);
		free(t->col_slots);
		for (unsigned k = 0; k < t->n_indexes; k++)
			free(t->indexes[k].cols);
		free(t->indexes);
		free(t->name);
		json_decref(t->json);
	}
	free(s->tables);
	free(s->name);
	free(s->version);
	free(s->cksum);
	json_decref(s->json);
	free(s);
}

static bool
base_is_plain(const struct ovsdb_base_type *b)
{
	return !b->enum_ && b->min_int == INT64_MIN &&
	       b->max_int == INT64_MAX && b->min_real == -DBL_MAX &&
	       b->max_real == DBL_MAX && !b->min_len &&
	       b->max_len == UINT_MAX && !b->ref_table_name;
}

static json_t *
base_to_json(const struct ovsdb_base_type *b)
{
	if (base_is_plain(b))
		return json_string(ovsdb_atype_name(b->type));
	json_t *j = json_object();
	json_object_set_new(j, "type", json_string(ovsdb_atype_name(b->type)));
	if (b->enum_) {
		struct ovsdb_type et = { .key = { .type = b->type },
					 .n_min = 1,
					 .n_max = UINT_MAX };
		json_object_set_new(j, "enum",
				    ovsdb_datum_to_json(b->enum_, &et));
	}
	if (b->min_int != INT64_MIN)
		json_object_set_new(j, "minInteger", json_integer(b->min_int));
	if (b->max_int != INT64_MAX)
		json_object_set_new(j, "maxInteger", json_integer(b->max_int));
	if (b->min_real != -DBL_MAX)
		json_object_set_new(j, "minReal", json_real(b->min_real));
	if (b->max_real != DBL_MAX)
		json_object_set_new(j, "maxReal", json_real(b->max_real));
	if (b->min_len)
		json_object_set_new(j, "minLength", json_integer(b->min_len));
	if (b->max_len != UINT_MAX)
		json_object_set_new(j, "maxLength", json_integer(b->max_len));
	if (b->ref_table_name) {
		json_object_set_new(j, "refTable",
				    json_string(b->ref_table_name));
		if (b->weak)
			json_object_set_new(j, "refType", json_string("weak"));
	}
	return j;
}

static json_t *
type_to_json(const struct ovsdb_type *t)
{
	if (ovsdb_type_is_scalar(t) && base_is_plain(&t->key))
		return base_to_json(&t->key);
	json_t *j = json_object();
	json_object_set_new(j, "key", base_to_json(&t->key));
	if (t->value.type != OVSDB_T_VOID)
		json_object_set_new(j, "value", base_to_json(&t->value));
	if (t->n_min != 1)
		json_object_set_new(j, "min", json_integer(t->n_min));
	if (t->n_max == UINT_MAX)
		json_object_set_new(j, "max", json_string("unlimited"));
	else if (t->n_max != 1)
		json_object_set_new(j, "max", json_integer(t->n_max));
	return j;
}

json_t *
ovsdb_schema_to_json(const struct ovsdb_schema *s)
{
	bool all_root = true;
	for (unsigned i = 0; i < s->n_tables; i++)
		all_root &= s->tables[i].is_root;
	json_t *j = json_object(), *tables = json_object();
	json_object_set_new(j, "name", json_string(s->name));
	json_object_set_new(j, "version", json_string(s->version));
	if (s->cksum)
		json_object_set_new(j, "cksum", json_string(s->cksum));
	for (unsigned i = 0; i < s->n_tables; i++) {
		const struct ovsdb_table_schema *t = &s->tables[i];
		json_t *tj = json_object(), *cols = json_object();
		for (unsigned c = 2; c < t->n_columns; c++) {
			const struct ovsdb_column *col = &t->columns[c];
			json_t *cj = json_object();
			json_object_set_new(cj, "type",
					    type_to_json(&col->type));
			if (!col->mutable_)
				json_object_set_new(cj, "mutable",
						    json_false());
			if (col->ephemeral)
				json_object_set_new(cj, "ephemeral",
						    json_true());
			json_object_set_new(cols, col->name, cj);
		}
		json_object_set_new(tj, "columns", cols);
		if (t->is_root && !all_root)
			json_object_set_new(tj, "isRoot", json_true());
		if (t->max_rows != UINT_MAX)
			json_object_set_new(tj, "maxRows",
					    json_integer(t->max_rows));
		if (t->n_indexes) {
			json_t *ix = json_array();
			for (unsigned k = 0; k < t->n_indexes; k++) {
				json_t *cj = json_array();
				for (unsigned m = 0; m < t->indexes[k].n; m++)
					json_array_append_new(
						cj,
						json_string(
							t->columns
								[t->indexes[k]
									 .cols[m]]
									.name));
				json_array_append_new(ix, cj);
			}
			json_object_set_new(tj, "indexes", ix);
		}
		json_object_set_new(tables, t->name, tj);
	}
	json_object_set_new(j, "tables", tables);
	return j;
}

struct ovsdb_table_schema *
ovsdb_schema_find_table(const struct ovsdb_schema *s, const char *name)
{
	for (unsigned i = 0; i < s->n_tables; i++)
		if (s->tables[i].name && !strcmp(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

const struct ovsdb_column *
ovsdb_table_find_column(const struct ovsdb_table_schema *t, const char *name)
{
	if (t->col_slots) {
		for (unsigned i = column_hash(name) & t->col_mask;;
		     i = (i + 1) & t->col_mask) {
			unsigned c = t->col_slots[i];

			if (!c)
				return NULL;
			if (!strcmp(t->columns[c - 1].name, name))
				return &t->columns[c - 1];
		}
	}
	for (unsigned i = 0; i < t->n_columns; i++) {
		const char *c = t->columns[i].name;
		/* The first byte first: most names differ there. */
		if (c && c[0] == name[0] && !strcmp(c, name))
			return &t->columns[i];
	}
	return NULL;
}
