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

/* Checks every row of @db (ovsdb_check_row), then ovsdb_check_links.
 * 0, or -EINVAL with *@errp for the first problem found, its details
 * naming database, table, row and column (see ovsdb_check_error).
 * Linear in the number of values. */
int ovsdb_check_db(struct ovsdb_db *db, struct ovsdb_error **errp);

/* The checks of one row that need only its schema: element counts,
 * enums, ranges and lengths.  A loader runs it on each row as it reads
 * it (the row is then in the cache).  0 or -EINVAL with *@errp. */
int ovsdb_check_row(const struct ovsdb_row *row, struct ovsdb_error **errp);

/* The checks that need the other rows: strong and weak references to
 * rows that do not exist, maxRows and unique indexes.  On the way it
 * counts in every row's n_refs the strong references to it (a load must
 * count them anyway, and the count looks up the same rows): they must be
 * 0 before, as new rows have them; on failure they are partial.  0 or
 * -EINVAL with *@errp. */
int ovsdb_check_links(struct ovsdb_db *db, struct ovsdb_error **errp);

/* Sets *@errp to @tag with details "database D, table T, row ROW, column
 * COL: " followed by @fmt (@column NULL: no column part; @row NULL: no
 * row part either).  Returns -EINVAL. */
int ovsdb_check_error(struct ovsdb_error **errp, const char *tag,
		      const struct ovsdb_table *t, const char *row,
		      const char *column, const char *fmt, ...)
	PRINTF_FMT(6, 7);

#endif
