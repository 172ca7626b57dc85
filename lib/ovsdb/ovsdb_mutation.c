/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_mutation: parsing and applying "mutate" mutations. */
#include "ovsdb_query.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const mutator_names[] = {
	[OVSDB_M_ADD] = "+=",	     [OVSDB_M_SUB] = "-=",
	[OVSDB_M_MUL] = "*=",	     [OVSDB_M_DIV] = "/=",
	[OVSDB_M_MOD] = "%=",	     [OVSDB_M_INSERT] = "insert",
	[OVSDB_M_DELETE] = "delete",
};

static int
type_mismatch(const struct ovsdb_mutation *m, const json_t *j,
	      struct ovsdb_error **errp)
{
	char *e = ovsdb_type_to_english(&m->column->type);
	int r = ovsdb_err(errp, "syntax error", j,
			  "Type mismatch: \"%s\" operator may not be applied "
			  "to column %s of type %s.",
			  mutator_names[m->mutator], m->column->name, e);
	free(e);
	return r;
}

static void
clear_constraints(struct ovsdb_base_type *b)
{
	enum ovsdb_atype t = b->type;
	struct ovsdb_type tmp = { .key = *b };
	tmp.value.type = OVSDB_T_VOID;
	ovsdb_type_destroy(&tmp);
	ovsdb_base_init(b, t);
}

static int
mutation_from_json(const struct ovsdb_table_schema *ts, const json_t *j,
		   struct ovsdb_symtab *symtab, struct ovsdb_mutation *m,
		   struct ovsdb_error **errp)
{
	const char *cname, *mname;
	memset(m, 0, sizeof *m);
	if (!json_is_array(j) || json_array_size(j) != 3 ||
	    !(cname = json_string_value(json_array_get(j, 0))) ||
	    !(mname = json_string_value(json_array_get(j, 1))))
		return ovsdb_err(errp, "syntax error", j,
				 "Parse error in mutation.");
	const struct ovsdb_column *col = ovsdb_table_find_column(ts, cname);
	if (!col)
		return ovsdb_err(errp, "unknown column", j,
				 "No column %s in table %s.", cname, ts->name);
	if (!col->mutable_ || col->index < 2)
		return ovsdb_err(errp, "constraint violation", j,
				 "Cannot mutate immutable column %s in table "
				 "%s.",
				 cname, ts->name);
	int mi;
	for (mi = 0; mi < (int)ARRAY_SIZE(mutator_names); mi++)
		if (!strcmp(mname, mutator_names[mi]))
			break;
	if (mi == (int)ARRAY_SIZE(mutator_names))
		return ovsdb_err(errp, "unknown mutator", NULL,
				 "No mutator named %s.", mname);
	m->mutator = (enum ovsdb_mutator)mi;
	m->column = col;

	const struct ovsdb_type *ct = &col->type;
	const json_t *arg = json_array_get(j, 2);
	int r;
	switch (m->mutator) {
	case OVSDB_M_ADD:
	case OVSDB_M_SUB:
	case OVSDB_M_MUL:
	case OVSDB_M_DIV:
	case OVSDB_M_MOD:
		if (ovsdb_type_is_map(ct) ||
		    (ct->key.type != OVSDB_T_INTEGER &&
		     ct->key.type != OVSDB_T_REAL) ||
		    (m->mutator == OVSDB_M_MOD && ct->key.type == OVSDB_T_REAL))
			return type_mismatch(m, j, errp);
		ovsdb_type_clone(&m->type, ct);
		clear_constraints(&m->type.key);
		m->type.n_min = m->type.n_max = 1;
		r = ovsdb_datum_from_json(&m->arg, &m->type, arg, symtab, errp);
		break;
	default:
		if (ovsdb_type_is_scalar(ct))
			return type_mismatch(m, j, errp);
		ovsdb_type_clone(&m->type, ct);
		m->type.n_min = 0;
		if (m->mutator == OVSDB_M_DELETE)
			m->type.n_max = UINT_MAX;
		if (ovsdb_type_is_map(ct) && m->mutator == OVSDB_M_DELETE) {
			/* Either a map of pairs or a set of keys. */
			struct ovsdb_error *e1 = NULL;
			r = ovsdb_datum_from_json(&m->arg, &m->type, arg,
						  symtab, &e1);
			if (!r)
				break;
			ovsdb_error_free(e1);
			struct ovsdb_type vt = { .key = m->type.value };
			vt.value.type = OVSDB_T_VOID;
			ovsdb_type_destroy(&vt);
			memset(&m->type.value, 0, sizeof m->type.value);
			m->type.value.type = OVSDB_T_VOID;
		}
		r = ovsdb_datum_from_json(&m->arg, &m->type, arg, symtab, errp);
		break;
	}
	if (r) {
		ovsdb_type_destroy(&m->type);
		m->column = NULL;
	}
	return r;
}

int
ovsdb_mutation_set_from_json(const struct ovsdb_table_schema *ts,
			     const json_t *j, struct ovsdb_symtab *symtab,
			     struct ovsdb_mutation_set *set,
			     struct ovsdb_error **errp)
{
	size_t n = json_array_size(j);
	set->n = 0;
	set->m = xcalloc(n ? n : 1, sizeof *set->m);
	for (size_t i = 0; i < n; i++) {
		int r = mutation_from_json(ts, json_array_get(j, i), symtab,
					   &set->m[i], errp);
		if (r) {
			ovsdb_mutation_set_destroy(set);
			return r;
		}
		set->n++;
	}
	return 0;
}

void
ovsdb_mutation_set_destroy(struct ovsdb_mutation_set *set)
{
	for (unsigned i = 0; i < set->n; i++) {
		ovsdb_datum_destroy(&set->m[i].arg, &set->m[i].type);
		ovsdb_type_destroy(&set->m[i].type);
	}
	free(set->m);
	set->m = NULL;
	set->n = 0;
}

static int
range_error(enum ovsdb_mutator m, struct ovsdb_error **errp)
{
	return ovsdb_err(errp, "range error", NULL,
			 "Result of \"%s\" operation is out of range.",
			 mutator_names[m]);
}

static int
div_zero(struct ovsdb_error **errp)
{
	return ovsdb_err(errp, "domain error", NULL, "Division by zero.");
}

static int
int_op(enum ovsdb_mutator m, int64_t *x, int64_t y, struct ovsdb_error **errp)
{
	int64_t r;
	switch (m) {
	case OVSDB_M_ADD:
		if (__builtin_add_overflow(*x, y, &r))
			return range_error(m, errp);
		break;
	case OVSDB_M_SUB:
		if (__builtin_sub_overflow(*x, y, &r))
			return range_error(m, errp);
		break;
	case OVSDB_M_MUL:
		if (__builtin_mul_overflow(*x, y, &r))
			return range_error(m, errp);
		break;
	case OVSDB_M_DIV:
		if (!y)
			return div_zero(errp);
		if (*x == INT64_MIN && y == -1)
			return range_error(m, errp);
		r = *x / y;
		break;
	default:
		if (!y)
			return div_zero(errp);
		r = y == -1 ? 0 : *x % y;
		break;
	}
	*x = r;
	return 0;
}

static int
real_op(enum ovsdb_mutator m, double *x, double y, struct ovsdb_error **errp)
{
	double r;
	switch (m) {
	case OVSDB_M_ADD:
		r = *x + y;
		break;
	case OVSDB_M_SUB:
		r = *x - y;
		break;
	case OVSDB_M_MUL:
		r = *x * y;
		break;
	default:
		if (y == 0)
			return div_zero(errp);
		r = *x / y;
		break;
	}
	if (!isfinite(r))
		return range_error(m, errp);
	*x = r;
	return 0;
}

static int
mutate_arith(struct ovsdb_datum *d, const struct ovsdb_mutation *m,
	     struct ovsdb_error **errp)
{
	const struct ovsdb_type *ct = &m->column->type;
	int r;
	for (unsigned i = 0; i < d->n; i++) {
		if (ct->key.type == OVSDB_T_INTEGER)
			r = int_op(m->mutator, &d->keys[i].i, m->arg.keys[0].i,
				   errp);
		else
			r = real_op(m->mutator, &d->keys[i].r, m->arg.keys[0].r,
				    errp);
		if (r || (r = ovsdb_atom_check_constraints(&d->keys[i],
							   &ct->key, errp)))
			return r;
	}
	if (ovsdb_datum_sort(d, ct, NULL))
		return ovsdb_err(errp, "constraint violation", NULL,
				 "Result of \"%s\" operation contains "
				 "duplicates.",
				 mutator_names[m->mutator]);
	return 0;
}

int
ovsdb_mutation_set_execute(struct ovsdb_row *row,
			   const struct ovsdb_mutation_set *set,
			   struct ovsdb_error **errp)
{
	for (unsigned i = 0; i < set->n; i++) {
		const struct ovsdb_mutation *m = &set->m[i];
		const struct ovsdb_type *ct = &m->column->type;
		struct ovsdb_datum *d = &row->fields[m->column->index];
		int r = 0;
		ovsdb_txn_write_column(row, m->column->index);
		switch (m->mutator) {
		case OVSDB_M_INSERT:
			ovsdb_datum_union(d, &m->arg, ct);
			break;
		case OVSDB_M_DELETE:
			ovsdb_datum_subtract(d, ct, &m->arg, &m->type);
			break;
		default:
			r = mutate_arith(d, m, errp);
			break;
		}
		if (r)
			return r;
		if (d->n < ct->n_min || d->n > ct->n_max) {
			char *e = ovsdb_type_to_english(ct);
			r = ovsdb_err(errp, "constraint violation", NULL,
				      "Attempted to store %u elements in %s.",
				      d->n, e);
			free(e);
			return r;
		}
	}
	return 0;
}
