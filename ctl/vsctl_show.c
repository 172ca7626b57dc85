/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vsctl_show: `ovs-vsctl show`, the indented tree of the Open_vSwitch row,
 * its managers and bridges, their controllers and ports, and the ports'
 * interfaces.  Reference columns nest the referenced rows; other columns
 * are printed as "name: value" unless they hold their default value.
 */
#include <string.h>

#include "vsctl_priv.h"

struct show_spec {
	const char *table;
	const char *name_col; /* NULL: print the UUID */
	const char *cols[5];
};

static const struct show_spec specs[] = {
	{ "Open_vSwitch", NULL,
	  { "manager_options", "bridges", "ovs_version", NULL } },
	{ "Bridge", "name",
	  { "controller", "fail_mode", "datapath_type", "ports", NULL } },
	{ "Port", "name", { "tag", "trunks", "interfaces", NULL } },
	{ "Interface", "name",
	  { "type", "options", "error", "bfd_status", NULL } },
	{ "Controller", "target", { "is_connected", NULL } },
	{ "Manager", "target", { "is_connected", NULL } },
};

static const struct show_spec *
find_spec(const char *table)
{
	for (size_t i = 0; i < ARRAY_SIZE(specs); i++)
		if (!strcmp(specs[i].table, table))
			return &specs[i];
	return NULL;
}

static void
indent(struct ds *out, int level)
{
	for (int i = 0; i < level * 4; i++)
		ds_put_char(out, ' ');
}

static void
show_row(struct dbctl_ctx *ctx, struct dbctl_row *row, int level)
{
	const struct show_spec *spec = find_spec(row->table->ts->name);
	struct ds *out = &ctx->out;

	indent(out, level);
	if (spec->name_col) {
		int c = dbctl_col(row->table, spec->name_col);
		ds_printf(out, "%s ", row->table->ts->name);
		ovsdb_datum_to_string(dbctl_row_get(row, c),
				      dbctl_col_type(row->table, c), out);
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
		const struct show_spec *ref =
			t->key.ref_table_name ? find_spec(t->key.ref_table_name)
					      : NULL;
		if (ref && !ovsdb_type_is_map(t)) {
			struct dbctl_table *rt = vsctl_table(ctx, ref->table);
			for (unsigned i = 0; i < d->n; i++) {
				struct dbctl_row *r = dbctl_row_find(
					ctx->db, rt, &d->keys[i].u);
				if (r)
					show_row(ctx, r, level + 1);
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
vsctl_cmd_show(struct dbctl_ctx *ctx)
{
	struct vsctl_model *m = vsctl_model(ctx);

	if (m->ovs)
		show_row(ctx, m->ovs, 0);
}
