/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_query: "where" conditions and "mutations" (RFC 7047 sections 5.1
 * and 5.2), parsed against a table schema and evaluated on rows, with Open
 * vSwitch's error texts.
 */
#ifndef MICROVS_OVSDB_QUERY_H
#define MICROVS_OVSDB_QUERY_H

#include "ovsdb_db.h"

enum ovsdb_function {
	OVSDB_F_FALSE, /* literal false (monitor_cond) */
	OVSDB_F_TRUE,  /* literal true */
	OVSDB_F_LT,
	OVSDB_F_LE,
	OVSDB_F_EQ,
	OVSDB_F_NE,
	OVSDB_F_GE,
	OVSDB_F_GT,
	OVSDB_F_INCLUDES,
	OVSDB_F_EXCLUDES,
};

struct ovsdb_clause {
	enum ovsdb_function function;
	const struct ovsdb_column *column;
	struct ovsdb_type type; /* type of arg */
	struct ovsdb_datum arg;
};

struct ovsdb_condition {
	struct ovsdb_clause *clauses;
	unsigned n;
};

/* Parses a "where" array.  @symtab may be NULL.  0 or -EINVAL. */
int ovsdb_condition_from_json(const struct ovsdb_table_schema *ts,
			      const json_t *j, struct ovsdb_symtab *symtab,
			      struct ovsdb_condition *cond,
			      struct ovsdb_error **errp);
/* True if @row satisfies every clause. */
bool ovsdb_condition_eval(const struct ovsdb_condition *cond,
			  const struct ovsdb_row *row);
/* Monitor semantics: true if the condition is empty or any clause holds. */
bool ovsdb_condition_eval_any(const struct ovsdb_condition *cond,
			      const struct ovsdb_row *row);
/* If the condition pins _uuid with "==", that UUID (a fast path). */
const struct ovsdb_uuid *
ovsdb_condition_uuid(const struct ovsdb_condition *cond);
void ovsdb_condition_destroy(struct ovsdb_condition *cond);

enum ovsdb_mutator {
	OVSDB_M_ADD,
	OVSDB_M_SUB,
	OVSDB_M_MUL,
	OVSDB_M_DIV,
	OVSDB_M_MOD,
	OVSDB_M_INSERT,
	OVSDB_M_DELETE,
};

struct ovsdb_mutation {
	enum ovsdb_mutator mutator;
	const struct ovsdb_column *column;
	struct ovsdb_type type; /* type of arg */
	struct ovsdb_datum arg;
};

struct ovsdb_mutation_set {
	struct ovsdb_mutation *m;
	unsigned n;
};

int ovsdb_mutation_set_from_json(const struct ovsdb_table_schema *ts,
				 const json_t *j, struct ovsdb_symtab *symtab,
				 struct ovsdb_mutation_set *set,
				 struct ovsdb_error **errp);
/* Applies the mutations to @row, a row the open transaction holds
 * (ovsdb_txn_modify), in order.  0 or -EINVAL with *@errp ("constraint
 * violation", "domain error", "range error"). */
int ovsdb_mutation_set_execute(struct ovsdb_row *row,
			       const struct ovsdb_mutation_set *set,
			       struct ovsdb_error **errp);
void ovsdb_mutation_set_destroy(struct ovsdb_mutation_set *set);

#endif
