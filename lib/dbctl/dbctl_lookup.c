/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_lookup: resolving what the user typed: table and column names
 * (case-insensitive, unique prefixes), records (UUID, the table's record
 * names, abbreviated UUID), `@name` row ids, and "COL[:KEY]=VALUE"
 * assignments.
 */
#include "dbctl.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbctl_priv.h"
#include "ovsdb_datum_string.h"

static bool
name_eq(const char *a, const char *b, size_t n, bool prefix)
{
	size_t i;

	for (i = 0; i < n && a[i] && b[i]; i++) {
		char x = (char)tolower((unsigned char)a[i]);
		char y = (char)tolower((unsigned char)b[i]);
		if (x == '-')
			x = '_';
		if (y == '-')
			y = '_';
		if (x != y)
			return false;
	}
	if (i < n && b[i])
		return false;
	if (prefix)
		return i == n || !b[i];
	return !a[i] && !b[i];
}

struct dbctl_table *
dbctl_get_table(struct dbctl_ctx *ctx, const char *name)
{
	struct dbctl_db *db = ctx->db;
	size_t len = strlen(name);
	struct ovsdb_schema *s = db->schema;
	int found = -1, n_prefix = 0;

	for (unsigned i = 0; i < s->n_tables; i++) {
		if (name_eq(s->tables[i].name, name, len, false)) {
			dbctl_table_load(db, &db->tables[i]);
			return &db->tables[i];
		}
	}
	for (unsigned i = 0; i < s->n_tables; i++) {
		if (!strncasecmp(s->tables[i].name, name, len)) {
			found = (int)i;
			n_prefix++;
		}
	}
	if (n_prefix == 1) {
		dbctl_table_load(db, &db->tables[found]);
		return &db->tables[found];
	}
	if (n_prefix > 1) {
		/* Names in alphabetical order. */
		const char **names = xcalloc(s->n_tables, sizeof *names);
		unsigned n = 0;
		for (unsigned i = 0; i < s->n_tables; i++)
			if (!strncasecmp(s->tables[i].name, name, len))
				names[n++] = s->tables[i].name;
		for (unsigned a = 0; a < n; a++)
			for (unsigned b = a + 1; b < n; b++)
				if (strcmp(names[b], names[a]) < 0) {
					const char *t = names[a];
					names[a] = names[b];
					names[b] = t;
				}
		struct ds ds = DS_EMPTY;
		for (unsigned a = 0; a < n; a++)
			ds_printf(&ds, "%s%s", a ? ", " : "", names[a]);
		dbctl_fatal("\"%s\" matches multiple table names: %s", name,
			    ds_cstr(&ds));
	}
	dbctl_fatal("unknown table \"%s\"", name);
}

int
dbctl_get_column(struct dbctl_table *t, const char *name)
{
	const struct ovsdb_table_schema *ts = t->ts;
	size_t len = strlen(name);
	int found = -1, n = 0;

	for (unsigned i = 0; i < ts->n_columns; i++)
		if (name_eq(ts->columns[i].name, name, len, false))
			return (int)i;
	for (unsigned i = 0; i < ts->n_columns; i++) {
		if (i == OVSDB_COL_VERSION)
			continue;
		if (name_eq(ts->columns[i].name, name, len, true) &&
		    strlen(ts->columns[i].name) >= len) {
			found = (int)i;
			n++;
		}
	}
	if (n == 1)
		return found;
	if (n > 1)
		dbctl_fatal("%s contains more than one column whose name "
			    "matches \"%s\"",
			    ts->name, name);
	dbctl_fatal("%s does not contain a column whose name matches \"%s\"",
		    ts->name, name);
}

static const struct dbctl_table_class *
find_class(const struct dbctl_ctx *ctx, const char *table)
{
	for (const struct dbctl_table_class *c = ctx->tool->classes; c->table;
	     c++)
		if (!strcmp(c->table, table))
			return c;
	return NULL;
}

static struct dbctl_row *
by_row_id(struct dbctl_ctx *ctx, struct dbctl_table *t,
	  const struct dbctl_row_id *id, const char *name)
{
	struct dbctl_table *rt = dbctl_db_table(ctx->db, id->ref_table);
	struct dbctl_row *referrer = NULL;

	if (!rt)
		return NULL;
	if (!id->name_col) {
		if (strcmp(name, "."))
			return NULL;
		for (size_t i = 0; i < rt->n_rows && !referrer; i++)
			if (!rt->rows[i]->deleted)
				referrer = rt->rows[i];
	} else {
		int c = dbctl_col(rt, id->name_col);
		const struct ovsdb_type *type = dbctl_col_type(rt, c);
		union ovsdb_atom a;
		char *err = NULL;
		if (ovsdb_atom_from_string(&a, &type->key, name, NULL, &err)) {
			free(err);
			return NULL;
		}
		for (size_t i = 0; i < rt->n_rows; i++) {
			struct dbctl_row *r = rt->rows[i];
			const struct ovsdb_datum *d = dbctl_row_get(r, c);
			if (r->deleted || d->n != 1 ||
			    ovsdb_atom_cmp(&d->keys[0], &a, type->key.type))
				continue;
			if (referrer) {
				ovsdb_atom_destroy(&a, type->key.type);
				dbctl_fatal("multiple rows in %s match \"%s\"",
					    rt->ts->name, name);
			}
			referrer = r;
		}
		ovsdb_atom_destroy(&a, type->key.type);
	}
	if (!referrer)
		return NULL;
	if (!id->uuid_col)
		return referrer;
	const struct ovsdb_datum *d = dbctl_get(referrer, id->uuid_col);
	if (d->n != 1)
		return NULL;
	return dbctl_row_find(ctx->db, t, &d->keys[0].u);
}

struct dbctl_row *
dbctl_get_row(struct dbctl_ctx *ctx, struct dbctl_table *t, const char *id,
	      bool must_exist)
{
	struct ovsdb_uuid u;
	struct dbctl_row *row = NULL;

	dbctl_table_load(ctx->db, t);
	if (ovsdb_uuid_from_string(id, &u))
		row = dbctl_row_find(ctx->db, t, &u);
	const struct dbctl_table_class *cls = find_class(ctx, t->ts->name);
	for (int k = 0; !row && cls && k < 2; k++)
		if (cls->ids[k].ref_table)
			row = by_row_id(ctx, t, &cls->ids[k], id);
	size_t len = strlen(id);
	if (!row && len >= 4 && len < 36 &&
	    strspn(id, "0123456789abcdefABCDEF-") == len) {
		for (size_t i = 0; i < t->n_rows; i++) {
			char buf[37];
			if (t->rows[i]->deleted)
				continue;
			ovsdb_uuid_format(&t->rows[i]->uuid, buf);
			if (!strncasecmp(buf, id, len)) {
				if (row) {
					row = NULL;
					break;
				}
				row = t->rows[i];
			}
		}
	}
	if (!row && must_exist)
		dbctl_fatal("no row \"%s\" in table %s", id, t->ts->name);
	return row;
}

static struct dbctl_symbol *
sym_get(struct dbctl_ctx *ctx, const char *name)
{
	for (unsigned i = 0; i < *ctx->n_syms; i++)
		if (!strcmp(ctx->syms[i].name, name))
			return &ctx->syms[i];
	struct dbctl_symbol *s = &ctx->syms[(*ctx->n_syms)++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	ovsdb_uuid_generate(&s->uuid);
	return s;
}

static int
resolve_sym(void *aux, const char *name, struct ovsdb_uuid *u)
{
	struct dbctl_ctx *ctx = aux;
	struct dbctl_symbol *s = sym_get(ctx, name);

	s->strong_ref = true;
	*u = s->uuid;
	return 0;
}

struct dbctl_symbol *
dbctl_define_symbol(struct dbctl_ctx *ctx, const char *name, bool *newp)
{
	if (name[0] != '@')
		dbctl_fatal("row id \"%s\" does not begin with \"@\"", name);
	for (unsigned i = 0; i < *ctx->n_syms; i++) {
		struct dbctl_symbol *s = &ctx->syms[i];
		if (strcmp(s->name, name))
			continue;
		if (s->created)
			dbctl_fatal("row id \"%s\" may only be specified on "
				    "one --id option",
				    name);
		*newp = false;
		s->created = true;
		return s;
	}
	struct dbctl_symbol *s = sym_get(ctx, name);
	s->created = true;
	*newp = true;
	return s;
}

void
dbctl_parse_value(struct dbctl_ctx *ctx, struct dbctl_table *t, int col,
		  const char *key, const char *s, bool loose,
		  struct ovsdb_datum *d)
{
	const struct ovsdb_type *type = dbctl_col_type(t, col);
	struct ovsdb_parse_ctx pc = { resolve_sym, ctx };
	char *err = NULL;
	int r;

	(void)key;
	if (loose)
		r = ovsdb_datum_from_string_loose(d, type, s, &pc, &err);
	else
		r = ovsdb_datum_from_string(d, type, s, &pc, &err);
	if (r)
		dbctl_fatal("%s", err);
}

void
dbctl_split_arg(const char *arg, char **colp, char **keyp, const char **restp)
{
	size_t n = strcspn(arg, ":=!<>{");
	const char *p = arg + n;

	*colp = xstrndup(arg, n);
	*keyp = NULL;
	if (*p == ':') {
		const char *k = p + 1;
		if (*k == '"') {
			const char *q = k + 1;
			while (*q && *q != '"') {
				if (*q == '\\' && q[1])
					q++;
				q++;
			}
			if (*q)
				q++;
			*keyp = xstrndup(k, (size_t)(q - k));
			p = q;
		} else {
			size_t m = strcspn(k, "=!<>{");
			*keyp = xstrndup(k, m);
			p = k + m;
		}
	}
	*restp = p;
}

static void
check_mutable(struct dbctl_table *t, int col)
{
	const struct ovsdb_column *c = &t->ts->columns[col];
	if (!c->mutable_ || col < 2)
		dbctl_fatal("cannot modify read-only column %s in table %s",
			    c->name, t->ts->name);
}

void
dbctl_check_mutable(struct dbctl_table *t, int col)
{
	check_mutable(t, col);
}

void
dbctl_parse_key(struct dbctl_ctx *ctx, struct dbctl_table *t, int col,
		const char *key, union ovsdb_atom *a)
{
	const struct ovsdb_type *type = dbctl_col_type(t, col);
	struct ovsdb_parse_ctx pc = { resolve_sym, ctx };
	char *err = NULL;

	if (ovsdb_atom_from_string(a, &type->key, key, &pc, &err))
		dbctl_fatal("%s", err);
}

void
dbctl_set_column(struct dbctl_ctx *ctx, struct dbctl_row *row, const char *arg)
{
	struct dbctl_table *t = row->table;
	char *colname, *key;
	const char *rest;

	dbctl_split_arg(arg, &colname, &key, &rest);
	int col = dbctl_get_column(t, colname);
	if (*rest != '=' || !rest[1])
		dbctl_fatal("%s: argument does not end in \"=\" followed by a "
			    "value.",
			    arg);
	const struct ovsdb_type *type = dbctl_col_type(t, col);
	if (!row->inserted)
		check_mutable(t, col);
	if (key) {
		if (!ovsdb_type_is_map(type))
			dbctl_fatal("cannot specify key to set for non-map "
				    "column %s",
				    t->ts->columns[col].name);
		union ovsdb_atom ka, va;
		dbctl_parse_key(ctx, t, col, key, &ka);
		struct ovsdb_parse_ctx pc = { resolve_sym, ctx };
		char *err = NULL;
		if (ovsdb_atom_from_string(&va, &type->value, rest + 1, &pc,
					   &err))
			dbctl_fatal("%s", err);
		struct ovsdb_datum d;
		ovsdb_datum_clone(&d, dbctl_row_get(row, col), type);
		int i = ovsdb_datum_find_key(&d, &ka, type->key.type);
		if (i >= 0)
			ovsdb_datum_remove_at(&d, (unsigned)i, type);
		ovsdb_datum_add_unsafe(&d, &ka, &va, type);
		ovsdb_datum_sort_unique(&d, type);
		ovsdb_atom_destroy(&ka, type->key.type);
		ovsdb_atom_destroy(&va, type->value.type);
		dbctl_row_set(row, col, &d);
	} else {
		struct ovsdb_datum d;
		dbctl_parse_value(ctx, t, col, NULL, rest + 1, false, &d);
		dbctl_row_set(row, col, &d);
	}
	free(colname);
	free(key);
}
