/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_cmds: the generic database commands shared by ovs-vsctl and
 * vtep-ctl: list, find, get, set, add, remove, clear, create, destroy,
 * wait-until and comment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbctl.h"
#include "dbctl_fmt.h"
#include "dbctl_priv.h"
#include "ovsdb_datum_string.h"

/* The columns to print: --columns, else _uuid then the rest by name. */
static int *
pick_columns(struct dbctl_ctx *ctx, struct dbctl_table *t, unsigned *np)
{
	const char *spec = dbctl_opt(ctx, "--columns");
	const struct ovsdb_table_schema *ts = t->ts;
	int *cols = xcalloc(ts->n_columns + 1, sizeof *cols);
	unsigned n = 0;

	if (spec) {
		char *copy = xstrdup(spec), *save = NULL;
		cols = xrealloc(cols, (strlen(spec) + 1) * sizeof *cols);
		for (char *tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			cols[n++] = dbctl_get_column(t, tok);
		free(copy);
	} else {
		cols[n++] = OVSDB_COL_UUID;
		for (unsigned i = 2; i < ts->n_columns; i++)
			cols[n++] = (int)i;
		for (unsigned a = 1; a < n; a++)
			for (unsigned b = a + 1; b < n; b++)
				if (strcmp(ts->columns[cols[b]].name,
					   ts->columns[cols[a]].name) < 0) {
					int x = cols[a];
					cols[a] = cols[b];
					cols[b] = x;
				}
	}
	*np = n;
	return cols;
}

static struct dbctl_out_table *
new_out(struct dbctl_table *t, const int *cols, unsigned n)
{
	struct dbctl_out_table *o = dbctl_out_table_new(n);
	for (unsigned c = 0; c < n; c++)
		dbctl_out_table_set_heading(o, c, t->ts->columns[cols[c]].name);
	return o;
}

static void
out_row(struct dbctl_out_table *o, struct dbctl_row *r, const int *cols,
	unsigned n)
{
	size_t i = dbctl_out_table_add_row(o);
	for (unsigned c = 0; c < n; c++)
		dbctl_out_table_set_cell(o, i, c, dbctl_row_get(r, cols[c]),
					 dbctl_col_type(r->table, cols[c]));
}

static void
cmd_list(struct dbctl_ctx *ctx)
{
	struct dbctl_table *t = dbctl_get_table(ctx, ctx->argv[1]);
	unsigned n;
	int *cols = pick_columns(ctx, t, &n);
	struct dbctl_out_table *o = new_out(t, cols, n);
	bool if_exists = dbctl_has_opt(ctx, "--if-exists");

	if (ctx->argc > 2) {
		for (int i = 2; i < ctx->argc; i++) {
			struct dbctl_row *r =
				dbctl_get_row(ctx, t, ctx->argv[i], !if_exists);
			if (r)
				out_row(o, r, cols, n);
		}
	} else {
		for (size_t i = 0; i < t->n_rows; i++)
			if (!t->rows[i]->deleted)
				out_row(o, t->rows[i], cols, n);
	}
	ctx->table = o;
	free(cols);
}

/* Condition operators of find and wait-until. */
/* The relations of find and wait-until, between a column's value @have
 * and the wanted one @want, of type @t. */
typedef bool cond_fn(const struct ovsdb_datum *have,
		     const struct ovsdb_datum *want,
		     const struct ovsdb_type *t);

static bool
cond_eq(const struct ovsdb_datum *have, const struct ovsdb_datum *want,
	const struct ovsdb_type *t)
{
	return ovsdb_datum_equals(have, want, t);
}

static bool
cond_ne(const struct ovsdb_datum *have, const struct ovsdb_datum *want,
	const struct ovsdb_type *t)
{
	return !ovsdb_datum_equals(have, want, t);
}

static bool
cond_lt(const struct ovsdb_datum *have, const struct ovsdb_datum *want,
	const struct ovsdb_type *t)
{
	return ovsdb_datum_cmp(have, want, t) < 0;
}

static bool
cond_gt(const struct ovsdb_datum *have, const struct ovsdb_datum *want,
	const struct ovsdb_type *t)
{
	return ovsdb_datum_cmp(have, want, t) > 0;
}

static bool
cond_le(const struct ovsdb_datum *have, const struct ovsdb_datum *want,
	const struct ovsdb_type *t)
{
	return ovsdb_datum_cmp(have, want, t) <= 0;
}

static bool
cond_ge(const struct ovsdb_datum *have, const struct ovsdb_datum *want,
	const struct ovsdb_type *t)
{
	return ovsdb_datum_cmp(have, want, t) >= 0;
}

/* {<=} and {in}: @have is a subset of @want. */
static bool
cond_subset(const struct ovsdb_datum *have, const struct ovsdb_datum *want,
	    const struct ovsdb_type *t)
{
	return ovsdb_datum_includes_all(have, want, t);
}

static bool
cond_proper_subset(const struct ovsdb_datum *have,
		   const struct ovsdb_datum *want, const struct ovsdb_type *t)
{
	return cond_subset(have, want, t) && !cond_eq(have, want, t);
}

static bool
cond_superset(const struct ovsdb_datum *have, const struct ovsdb_datum *want,
	      const struct ovsdb_type *t)
{
	return ovsdb_datum_includes_all(want, have, t);
}

static bool
cond_proper_superset(const struct ovsdb_datum *have,
		     const struct ovsdb_datum *want, const struct ovsdb_type *t)
{
	return cond_superset(have, want, t) && !cond_eq(have, want, t);
}

static bool
cond_not_in(const struct ovsdb_datum *have, const struct ovsdb_datum *want,
	    const struct ovsdb_type *t)
{
	return ovsdb_datum_excludes_all(have, want, t);
}

/* The operators, longest first where one is a prefix of another. */
static const struct {
	const char *s;
	cond_fn *holds;
} cond_ops[] = {
	{ "{not-in}", cond_not_in },
	{ "{in}", cond_subset },
	{ "{!=}", cond_ne },
	{ "{<=}", cond_subset },
	{ "{>=}", cond_superset },
	{ "{=}", cond_eq },
	{ "{<}", cond_proper_subset },
	{ "{>}", cond_proper_superset },
	{ "!=", cond_ne },
	{ "<=", cond_le },
	{ ">=", cond_ge },
	{ "=", cond_eq },
	{ "<", cond_lt },
	{ ">", cond_gt },
};

/* For "COL:KEY OP VALUE": the value of @key in map column @col of @row as
 * a one-element set of the value type *@vt (filled in), in *@have, and
 * @vs parsed as such a set in *@want.  False (nothing to free) if @row's
 * map has no @key.  Fatal if @col is no map or @key or @vs do not
 * parse. */
static bool
key_cond_values(struct dbctl_ctx *ctx, struct dbctl_row *row, int col,
		const char *key, const char *vs, struct ovsdb_type *vt,
		struct ovsdb_datum *have, struct ovsdb_datum *want)
{
	struct dbctl_table *t = row->table;
	const struct ovsdb_type *ct = dbctl_col_type(t, col);
	const struct ovsdb_datum *d = dbctl_row_get(row, col);
	struct ovsdb_parse_ctx pc = { NULL, NULL };
	union ovsdb_atom ka;
	char *err = NULL;
	int i;

	if (!ovsdb_type_is_map(ct))
		dbctl_fatal("cannot specify key to check for non-map "
			    "column %s",
			    t->ts->columns[col].name);
	dbctl_parse_key(ctx, t, col, key, &ka);
	memset(vt, 0, sizeof *vt);
	vt->key = ct->value;
	vt->value.type = OVSDB_T_VOID;
	vt->n_min = 0;
	vt->n_max = UINT_MAX;
	i = ovsdb_datum_find_key(d, &ka, ct->key.type);
	ovsdb_atom_destroy(&ka, ct->key.type);
	if (i < 0)
		return false;
	ovsdb_datum_init_empty(have);
	ovsdb_datum_add_unsafe(have, &d->values[i], NULL, vt);
	if (ovsdb_datum_from_string_loose(want, vt, vs, &pc, &err))
		dbctl_fatal("%s", err);
	return true;
}

/* Whether @row satisfies the condition @arg, "COL[:KEY]OP VALUE" with an
 * operator of cond_ops.  A missing KEY satisfies no condition.  Fatal on a
 * bad column, operator, key or value. */
static bool
cond_holds(struct dbctl_ctx *ctx, struct dbctl_row *row, const char *arg)
{
	struct dbctl_table *t = row->table;
	const struct ovsdb_type *type;
	struct ovsdb_datum have, want;
	struct ovsdb_type vt;
	char *colname, *key;
	const char *rest, *vs;
	bool result = false;
	size_t k;
	int col;

	dbctl_split_arg(arg, &colname, &key, &rest);
	col = dbctl_get_column(t, colname);
	for (k = 0; k < ARRAY_SIZE(cond_ops); k++)
		if (!strncmp(rest, cond_ops[k].s, strlen(cond_ops[k].s)))
			break;
	if (k == ARRAY_SIZE(cond_ops))
		dbctl_fatal("%s: argument does not end in \"=\" followed by a "
			    "value.",
			    arg);
	vs = rest + strlen(cond_ops[k].s);
	if (key) {
		type = &vt;
		if (!key_cond_values(ctx, row, col, key, vs, &vt, &have, &want))
			goto out;
	} else {
		type = dbctl_col_type(t, col);
		ovsdb_datum_clone(&have, dbctl_row_get(row, col), type);
		dbctl_parse_value(ctx, t, col, NULL, vs, true, &want);
	}
	result = cond_ops[k].holds(&have, &want, type);
	ovsdb_datum_destroy(&have, type);
	ovsdb_datum_destroy(&want, type);
out:
	free(colname);
	free(key);
	return result;
}

static void
cmd_find(struct dbctl_ctx *ctx)
{
	struct dbctl_table *t = dbctl_get_table(ctx, ctx->argv[1]);
	unsigned n;
	int *cols = pick_columns(ctx, t, &n);
	struct dbctl_out_table *o = new_out(t, cols, n);

	for (size_t i = 0; i < t->n_rows; i++) {
		struct dbctl_row *r = t->rows[i];
		bool ok = !r->deleted;
		for (int a = 2; ok && a < ctx->argc; a++)
			ok = cond_holds(ctx, r, ctx->argv[a]);
		if (ok)
			out_row(o, r, cols, n);
	}
	ctx->table = o;
	free(cols);
}

static void
cmd_get(struct dbctl_ctx *ctx)
{
	const char *id = dbctl_opt(ctx, "--id");
	bool if_exists = dbctl_has_opt(ctx, "--if-exists");

	if (id && if_exists)
		dbctl_fatal(
			"--if-exists and --id may not be specified together");
	struct dbctl_table *t = dbctl_get_table(ctx, ctx->argv[1]);
	struct dbctl_row *row = dbctl_get_row(ctx, t, ctx->argv[2], !if_exists);
	if (!row)
		return;
	if (id) {
		bool fresh;
		struct dbctl_symbol *s = dbctl_define_symbol(ctx, id, &fresh);
		if (!fresh)
			dbctl_fatal(
				"row id \"%s\" specified on \"get\" command "
				"was used before it was defined",
				id);
		s->uuid = row->uuid;
		s->strong_ref = true;
		s->table = t;
	}
	for (int i = 3; i < ctx->argc; i++) {
		char *colname, *key;
		const char *rest;
		dbctl_split_arg(ctx->argv[i], &colname, &key, &rest);
		int col = dbctl_get_column(t, colname);
		const struct ovsdb_type *type = dbctl_col_type(t, col);
		const struct ovsdb_datum *d = dbctl_row_get(row, col);
		if (*rest)
			dbctl_fatal("%s: trailing garbage \"%s\" in argument",
				    ctx->argv[i], rest);
		if (key) {
			union ovsdb_atom ka;
			if (!ovsdb_type_is_map(type))
				dbctl_fatal("cannot specify key to get for "
					    "non-map column %s",
					    t->ts->columns[col].name);
			dbctl_parse_key(ctx, t, col, key, &ka);
			int k = ovsdb_datum_find_key(d, &ka, type->key.type);
			ovsdb_atom_destroy(&ka, type->key.type);
			if (k < 0) {
				if (!if_exists)
					dbctl_fatal(
						"no key \"%s\" in %s record "
						"\"%s\" column %s",
						key, t->ts->name, ctx->argv[2],
						t->ts->columns[col].name);
			} else {
				ovsdb_atom_to_string(&d->values[k],
						     type->value.type,
						     &ctx->out);
			}
		} else {
			ovsdb_datum_to_string(d, type, &ctx->out);
		}
		ds_put_char(&ctx->out, '\n');
		free(colname);
		free(key);
	}
}

static struct dbctl_row *
row_for_change(struct dbctl_ctx *ctx, struct dbctl_table **tp)
{
	bool if_exists = dbctl_has_opt(ctx, "--if-exists");
	*tp = dbctl_get_table(ctx, ctx->argv[1]);
	return dbctl_get_row(ctx, *tp, ctx->argv[2], !if_exists);
}

static void
cmd_set(struct dbctl_ctx *ctx)
{
	struct dbctl_table *t;
	struct dbctl_row *row = row_for_change(ctx, &t);

	if (!row)
		return;
	for (int i = 3; i < ctx->argc; i++)
		dbctl_set_column(ctx, row, ctx->argv[i]);
}

static void
cmd_add(struct dbctl_ctx *ctx)
{
	struct dbctl_table *t;
	struct dbctl_row *row = row_for_change(ctx, &t);

	if (!row)
		return;
	int col = dbctl_get_column(t, ctx->argv[3]);
	const struct ovsdb_type *type = dbctl_col_type(t, col);
	dbctl_check_mutable(t, col);
	for (int i = 4; i < ctx->argc; i++) {
		struct ovsdb_datum add, d;
		dbctl_parse_value(ctx, t, col, NULL, ctx->argv[i], true, &add);
		ovsdb_datum_clone(&d, dbctl_row_get(row, col), type);
		if (ovsdb_type_is_map(type)) {
			/* New values replace those of existing keys. */
			struct ovsdb_type kt = *type;
			struct ovsdb_datum keys;
			kt.value.type = OVSDB_T_VOID;
			ovsdb_datum_init_empty(&keys);
			for (unsigned k = 0; k < add.n; k++) {
				int j = ovsdb_datum_find_key(&d, &add.keys[k],
							     type->key.type);
				if (j < 0)
					continue;
				ovsdb_datum_add_unsafe(&keys, &add.keys[k],
						       NULL, &kt);
				ovsdb_datum_remove_at(&d, (unsigned)j, type);
			}
			if (keys.n) {
				struct ovsdb_datum tmp;
				ovsdb_datum_clone(&tmp, &d, type);
				dbctl_row_mutate(ctx->db, row, col, "delete",
						 &keys, &kt, &tmp);
			}
			ovsdb_datum_destroy(&keys, &kt);
		}
		ovsdb_datum_union(&d, &add, type);
		dbctl_row_mutate(ctx->db, row, col, "insert", &add, type, &d);
		ovsdb_datum_destroy(&add, type);
	}
}

static void
cmd_remove(struct dbctl_ctx *ctx)
{
	struct dbctl_table *t;
	struct dbctl_row *row = row_for_change(ctx, &t);

	if (!row)
		return;
	int col = dbctl_get_column(t, ctx->argv[3]);
	const struct ovsdb_type *type = dbctl_col_type(t, col);
	dbctl_check_mutable(t, col);
	struct ovsdb_datum d;
	ovsdb_datum_clone(&d, dbctl_row_get(row, col), type);
	for (int i = 4; i < ctx->argc; i++) {
		struct ovsdb_datum rm;
		struct ovsdb_type kt;
		const struct ovsdb_type *rt = type;
		char *err = NULL;
		struct ovsdb_parse_ctx pc = { NULL, NULL };
		if (ovsdb_type_is_map(type) &&
		    ovsdb_datum_from_string_loose(&rm, type, ctx->argv[i], &pc,
						  &err)) {
			free(err);
			memset(&kt, 0, sizeof kt);
			kt.key = type->key;
			kt.value.type = OVSDB_T_VOID;
			kt.n_min = 0;
			kt.n_max = UINT_MAX;
			rt = &kt;
			if (ovsdb_datum_from_string_loose(&rm, rt, ctx->argv[i],
							  &pc, &err))
				dbctl_fatal("%s", err);
		} else if (!ovsdb_type_is_map(type)) {
			dbctl_parse_value(ctx, t, col, NULL, ctx->argv[i], true,
					  &rm);
		}
		ovsdb_datum_subtract(&d, type, &rm, rt);
		if (d.n < type->n_min)
			dbctl_fatal(
				"\"remove\" operation would put %u values in "
				"column %s of table %s but the minimum number "
				"is %u",
				d.n, t->ts->columns[col].name, t->ts->name,
				type->n_min);
		struct ovsdb_datum tmp;
		ovsdb_datum_clone(&tmp, &d, type);
		dbctl_row_mutate(ctx->db, row, col, "delete", &rm, rt, &tmp);
		ovsdb_datum_destroy(&rm, rt);
	}
	ovsdb_datum_destroy(&d, type);
}

static void
cmd_clear(struct dbctl_ctx *ctx)
{
	struct dbctl_table *t;
	struct dbctl_row *row = row_for_change(ctx, &t);

	if (!row)
		return;
	for (int i = 3; i < ctx->argc; i++) {
		int col = dbctl_get_column(t, ctx->argv[i]);
		const struct ovsdb_type *type = dbctl_col_type(t, col);
		dbctl_check_mutable(t, col);
		if (type->n_min > 0)
			dbctl_fatal(
				"\"clear\" operation cannot be applied to "
				"column %s of table %s, which is not allowed "
				"to be empty",
				t->ts->columns[col].name, t->ts->name);
		struct ovsdb_datum d;
		ovsdb_datum_init_empty(&d);
		dbctl_row_set(row, col, &d);
	}
}

static void
cmd_create(struct dbctl_ctx *ctx)
{
	const char *id = dbctl_opt(ctx, "--id");
	struct dbctl_table *t = dbctl_get_table(ctx, ctx->argv[1]);
	struct dbctl_row *row;
	struct ovsdb_uuid u;

	if (id && ovsdb_uuid_from_string(id, &u)) {
		row = dbctl_row_insert(ctx->db, t, &u);
	} else if (id) {
		bool fresh;
		struct dbctl_symbol *s = dbctl_define_symbol(ctx, id, &fresh);
		row = dbctl_row_insert(ctx->db, t, NULL);
		dbctl_row_set_uuid(row, &s->uuid);
		s->table = t;
	} else {
		if (!t->ts->is_root)
			dbctl_warn("db_ctl_base",
				   "applying \"create\" command "
				   "to table %s without --id option will have "
				   "no effect",
				   t->ts->name);
		row = dbctl_row_insert(ctx->db, t, NULL);
	}
	for (int i = 2; i < ctx->argc; i++)
		dbctl_set_column(ctx, row, ctx->argv[i]);
	ctx->created = row;
}

static void
post_create(struct dbctl_ctx *ctx)
{
	char buf[37];

	ovsdb_uuid_format(&ctx->created->uuid, buf);
	ds_printf(&ctx->out, "%s\n", buf);
}

static void
cmd_destroy(struct dbctl_ctx *ctx)
{
	bool if_exists = dbctl_has_opt(ctx, "--if-exists");
	bool all = dbctl_has_opt(ctx, "--all");
	struct dbctl_table *t = dbctl_get_table(ctx, ctx->argv[1]);

	if (all && ctx->argc > 2)
		dbctl_fatal(
			"--all and records argument should not be specified "
			"together");
	if (!all && ctx->argc < 3)
		dbctl_fatal("either --all or records argument should be "
			    "specified");
	if (all) {
		for (size_t i = 0; i < t->n_rows; i++)
			dbctl_row_delete(t->rows[i]);
		return;
	}
	for (int i = 2; i < ctx->argc; i++) {
		struct dbctl_row *r =
			dbctl_get_row(ctx, t, ctx->argv[i], !if_exists);
		if (r)
			dbctl_row_delete(r);
	}
}

static void
cmd_wait_until(struct dbctl_ctx *ctx)
{
	for (;;) {
		struct dbctl_table *t = dbctl_get_table(ctx, ctx->argv[1]);
		struct dbctl_row *row =
			dbctl_get_row(ctx, t, ctx->argv[2], false);
		bool ok = row != NULL;
		for (int i = 3; ok && i < ctx->argc; i++)
			ok = cond_holds(ctx, row, ctx->argv[i]);
		if (ok)
			return;
		/* Poll: drop the cached rows and fetch them again. */
		usleep(100 * 1000);
		dbctl_table_forget(t);
	}
}

static void
cmd_comment(struct dbctl_ctx *ctx)
{
	(void)ctx;
}

const struct dbctl_command dbctl_db_commands[] = {
	{ "comment", 0, -1, "", cmd_comment, NULL, true },
	{ "get", 2, -1, "--if-exists,--id=", cmd_get, NULL, true },
	{ "list", 1, -1, "--if-exists,--columns=", cmd_list, NULL, true },
	{ "find", 1, -1, "--columns=", cmd_find, NULL, true },
	{ "set", 3, -1, "--if-exists", cmd_set, NULL, false },
	{ "add", 4, -1, "--if-exists", cmd_add, NULL, false },
	{ "remove", 4, -1, "--if-exists", cmd_remove, NULL, false },
	{ "clear", 3, -1, "--if-exists", cmd_clear, NULL, false },
	{ "create", 2, -1, "--id=", cmd_create, post_create, false },
	{ "destroy", 1, -1, "--if-exists,--all", cmd_destroy, NULL, false },
	{ "wait-until", 2, -1, "", cmd_wait_until, NULL, true },
	{ NULL, 0, 0, NULL, NULL, NULL, false },
};
