/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_condition: parsing and evaluating "where" clauses. */
#include "ovsdb_query.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const function_names[] = {
	[OVSDB_F_FALSE] = "false",
	[OVSDB_F_TRUE] = "true",
	[OVSDB_F_LT] = "<",
	[OVSDB_F_LE] = "<=",
	[OVSDB_F_EQ] = "==",
	[OVSDB_F_NE] = "!=",
	[OVSDB_F_GE] = ">=",
	[OVSDB_F_GT] = ">",
	[OVSDB_F_INCLUDES] = "includes",
	[OVSDB_F_EXCLUDES] = "excludes",
};

static int
clause_from_json(const struct ovsdb_table_schema *ts, const json_t *j,
		 struct ovsdb_symtab *symtab, struct ovsdb_clause *cl,
		 struct ovsdb_error **errp)
{
	memset(cl, 0, sizeof *cl);
	if (json_is_boolean(j)) {
		cl->function = json_is_true(j) ? OVSDB_F_TRUE : OVSDB_F_FALSE;
		return 0;
	}
	const char *cname, *fname;
	if (!json_is_array(j) || json_array_size(j) != 3 ||
	    !(cname = json_string_value(json_array_get(j, 0))) ||
	    !(fname = json_string_value(json_array_get(j, 1))))
		return ovsdb_err(errp, "syntax error", j,
				 "Parse error in condition.");
	cl->column = ovsdb_table_find_column(ts, cname);
	if (!cl->column)
		return ovsdb_err(errp, "unknown column", j,
				 "No column %s in table %s.", cname, ts->name);
	int f;
	for (f = OVSDB_F_LT; f <= OVSDB_F_EXCLUDES; f++)
		if (!strcmp(fname, function_names[f]))
			break;
	if (f > OVSDB_F_EXCLUDES)
		return ovsdb_err(errp, "unknown function", NULL,
				 "No function named %s.", fname);
	cl->function = (enum ovsdb_function)f;

	const struct ovsdb_type *ct = &cl->column->type;
	ovsdb_type_clone(&cl->type, ct);
	switch (cl->function) {
	case OVSDB_F_LT:
	case OVSDB_F_LE:
	case OVSDB_F_GE:
	case OVSDB_F_GT:
		if (ct->n_max != 1 || ovsdb_type_is_map(ct) ||
		    (ct->key.type != OVSDB_T_INTEGER &&
		     ct->key.type != OVSDB_T_REAL)) {
			char *e = ovsdb_type_to_english(ct);
			int r = ovsdb_err(errp, "syntax error", j,
					  "Type mismatch: \"%s\" operator may "
					  "not be applied to column %s of type "
					  "%s.",
					  fname, cl->column->name, e);
			free(e);
			return r;
		}
		cl->type.n_min = 1;
		break;
	case OVSDB_F_INCLUDES:
	case OVSDB_F_EXCLUDES:
		if (!ovsdb_type_is_scalar(ct)) {
			cl->type.n_min = 0;
			if (cl->function == OVSDB_F_EXCLUDES)
				cl->type.n_max = UINT_MAX;
		}
		break;
	default:
		break;
	}
	return ovsdb_datum_from_json(&cl->arg, &cl->type, json_array_get(j, 2),
				     symtab, errp);
}

int
ovsdb_condition_from_json(const struct ovsdb_table_schema *ts, const json_t *j,
			  struct ovsdb_symtab *symtab,
			  struct ovsdb_condition *cond,
			  struct ovsdb_error **errp)
{
	size_t n = json_array_size(j);
	cond->n = 0;
	cond->clauses = xcalloc(n ? n : 1, sizeof *cond->clauses);
	for (size_t i = 0; i < n; i++) {
		int r = clause_from_json(ts, json_array_get(j, i), symtab,
					 &cond->clauses[i], errp);
		if (r) {
			ovsdb_type_destroy(&cond->clauses[i].type);
			ovsdb_condition_destroy(cond);
			return r;
		}
		cond->n++;
	}
	return 0;
}

static bool
clause_eval(const struct ovsdb_clause *cl, const struct ovsdb_row *row)
{
	if (cl->function == OVSDB_F_TRUE)
		return true;
	if (cl->function == OVSDB_F_FALSE)
		return false;
	const struct ovsdb_datum *f = &row->fields[cl->column->index];
	const struct ovsdb_type *t = &cl->column->type;
	int c;
	switch (cl->function) {
	case OVSDB_F_EQ:
		return ovsdb_datum_equals(f, &cl->arg, t);
	case OVSDB_F_NE:
		return !ovsdb_datum_equals(f, &cl->arg, t);
	case OVSDB_F_INCLUDES:
		return ovsdb_datum_includes_all(&cl->arg, f, t);
	case OVSDB_F_EXCLUDES:
		return ovsdb_datum_excludes_all(&cl->arg, f, t);
	default:
		break;
	}
	if (!f->n)
		return false;
	c = ovsdb_atom_cmp(&f->keys[0], &cl->arg.keys[0], t->key.type);
	switch (cl->function) {
	case OVSDB_F_LT:
		return c < 0;
	case OVSDB_F_LE:
		return c <= 0;
	case OVSDB_F_GE:
		return c >= 0;
	case OVSDB_F_GT:
		return c > 0;
	default:
		return false;
	}
}

bool
ovsdb_condition_eval(const struct ovsdb_condition *cond,
		     const struct ovsdb_row *row)
{
	for (unsigned i = 0; i < cond->n; i++)
		if (!clause_eval(&cond->clauses[i], row))
			return false;
	return true;
}

bool
ovsdb_condition_eval_any(const struct ovsdb_condition *cond,
			 const struct ovsdb_row *row)
{
	if (!cond->n)
		return true;
	for (unsigned i = 0; i < cond->n; i++)
		if (clause_eval(&cond->clauses[i], row))
			return true;
	return false;
}

const struct ovsdb_uuid *
ovsdb_condition_uuid(const struct ovsdb_condition *cond)
{
	for (unsigned i = 0; i < cond->n; i++) {
		const struct ovsdb_clause *cl = &cond->clauses[i];
		if (cl->function == OVSDB_F_EQ &&
		    cl->column->index == OVSDB_COL_UUID && cl->arg.n == 1)
			return &cl->arg.keys[0].u;
	}
	return NULL;
}

void
ovsdb_condition_destroy(struct ovsdb_condition *cond)
{
	for (unsigned i = 0; i < cond->n; i++) {
		struct ovsdb_clause *cl = &cond->clauses[i];
		if (cl->column) {
			ovsdb_datum_destroy(&cl->arg, &cl->type);
			ovsdb_type_destroy(&cl->type);
		}
	}
	free(cond->clauses);
	cond->clauses = NULL;
	cond->n = 0;
}
