/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_check: validation of a whole database against its schema, run on
 * every load (ovsdb_storage_open) so that a damaged file is refused with
 * a message naming what is wrong, never served as a guess.  The storage
 * decodes strictly (types, UUID syntax, duplicates in sets and maps);
 * this checks what needs the schema and the other rows: element counts,
 * constraints (enums, integer and real ranges, string lengths), strong
 * and weak references to rows that do not exist, maxRows and unique
 * indexes.  Every committed transaction leaves a database that passes.
 */
#ifndef MICROVS_OVSDB_CHECK_H
#define MICROVS_OVSDB_CHECK_H

#include "ovsdb_db.h"

/* Checks every row of @db and, on the way, sets every row's n_refs (the
 * strong references to it: a load must count them anyway, and the count
 * looks up the same rows as the check).  0, or -EINVAL with *@errp for
 * the first problem found, its details naming database, table, row and
 * column (see ovsdb_check_error); n_refs are then partial.  Linear in the
 * number of values. */
int ovsdb_check_db(struct ovsdb_db *db, struct ovsdb_error **errp);

/* Sets *@errp to @tag with details "database D, table T, row ROW, column
 * COL: " followed by @fmt (@column NULL: no column part; @row NULL: no
 * row part either).  Returns -EINVAL. */
int ovsdb_check_error(struct ovsdb_error **errp, const char *tag,
		      const struct ovsdb_table *t, const char *row,
		      const char *column, const char *fmt, ...)
	PRINTF_FMT(6, 7);

#endif
