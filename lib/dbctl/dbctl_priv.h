/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_priv: helpers shared inside lib/dbctl (lookup and commands).
 */
#ifndef MICROVS_DBCTL_PRIV_H
#define MICROVS_DBCTL_PRIV_H

#include "dbctl.h"

/* Defines row id @name (from --id=@name); fatal if it does not start
 * with '@' or was defined before.  *@newp: not referenced before. */
struct dbctl_symbol *dbctl_define_symbol(struct dbctl_ctx *ctx,
					 const char *name, bool *newp);
/* Splits "COL[:KEY][OP]VALUE" into new strings *@colp and *@keyp (NULL
 * without a key); *@restp points at the operator. */
void dbctl_split_arg(const char *arg, char **colp, char **keyp,
		     const char **restp);
/* Fatal unless column @col of @t may be modified. */
void dbctl_check_mutable(struct dbctl_table *t, int col);
/* Parses @key as a key atom of map column @col; fatal on error. */
void dbctl_parse_key(struct dbctl_ctx *ctx, struct dbctl_table *t, int col,
		     const char *key, union ovsdb_atom *a);

#endif
