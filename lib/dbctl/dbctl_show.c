/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_show: the `show` command of both tools: an indented tree starting
 * at the root row.  Reference columns nest the referenced rows; a map
 * whose values refer to rows prints "col:" and one "key=name" line per
 * entry; other columns print "name: value" unless they hold their default
 * value.
 */
#include <string.h>

#include "dbctl.h"

static const struct dbctl_show_spec *
find_spec(const struct dbctl_show_spec *specs, const char *table)
{
	for (; specs->table; specs++)
		if (!strcmp(specs->table, table))
			return specs;
	return NULL;
}

static void
put_name(struct dbctl_ctx *ctx, struct dbctl_row *row,
	 const struct dbctl_show_spec *spec, struct ds *out)
{
	int c = dbctl_col(row->table, spec->name_col);
	ovsdb_datum_to_string(dbctl_row_get(row, c),
			      dbctl_col_type(row->table, c), out);
}

static void
indent(struct ds *out, int level)
{
	for (int i = 0; i < level * 4; i++)
		ds_put_char(out, ' ');
}

static void
show_row(struct dbctl_ctx *ctx, const struct dbctl_show_spec *specs,
	 struct dbctl_row *row, int level)
{
	const struct dbctl_show_spec *spec =
		find_spec(specs, row->table->ts->name);
	struct ds *out = &ctx->out;

	indent(out, level);
	if (spec->name_col) {
		ds_printf(out, "%s ", row->table->ts->name);
		put_name(ctx, row, spec, out);
	} else {
		char buf[37];
		ovsdb_uuid_format(&row->uuid, buf);
		ds_put(out, buf);
	}
	ds_put_char(out, '\n');
	for (int k = 0; spec->cols[k]; k++) {
		int c = dbctl_col(row->table, spec->cols[k]);
		if (c < 0)
			continue;
		const struct ovsdb_type *t = dbctl_col_type(row->table, c);
		const struct ovsdb_datum *d = dbctl_row_get(row, c);
		const struct dbctl_show_spec *ref =
			t->key.ref_table_name
				? find_spec(specs, t->key.ref_table_name)
				: NULL;
		const struct dbctl_show_spec *vref =
			t->value.ref_table_name
				? find_spec(specs, t->value.ref_table_name)
				: NULL;
		if (ref && !ovsdb_type_is_map(t)) {
			struct dbctl_table *rt =
				dbctl_db_table(ctx->db, ref->table);
			for (unsigned i = 0; i < d->n; i++) {
				struct dbctl_row *r = dbctl_row_find(
					ctx->db, rt, &d->keys[i].u);
				if (r)
					show_row(ctx, specs, r, level + 1);
			}
			continue;
		}
		if (vref && vref->name_col) {
			struct dbctl_table *rt =
				dbctl_db_table(ctx->db, vref->table);
			indent(out, level + 1);
			ds_printf(out, "%s:\n", spec->cols[k]);
			for (unsigned i = 0; i < d->n; i++) {
				struct dbctl_row *r = dbctl_row_find(
					ctx->db, rt, &d->values[i].u);
				indent(out, level + 2);
				ovsdb_atom_to_string(&d->keys[i], t->key.type,
						     out);
				ds_put_char(out, '=');
				if (r)
					put_name(ctx, r, vref, out);
				ds_put_char(out, '\n');
			}
			continue;
		}
		if (ovsdb_datum_is_default(d, t))
			continue;
		indent(out, level + 1);
		ds_printf(out, "%s: ", spec->cols[k]);
		ovsdb_datum_to_string(d, t, out);
		ds_put_char(out, '\n');
	}
}

void
dbctl_show(struct dbctl_ctx *ctx, const struct dbctl_show_spec *specs)
{
	struct dbctl_table *t = dbctl_db_table(ctx->db, ctx->tool->root_table);

	for (size_t i = 0; t && i < t->n_rows; i++) {
		if (!t->rows[i]->deleted) {
			show_row(ctx, specs, t->rows[i], 0);
			return;
		}
	}
}
