/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_schema: database schemas (RFC 7047 section 3.2): tables, columns
 * with types and flags, isRoot, maxRows and unique indexes.  Every table
 * gets the implicit columns _uuid (index 0) and _version (index 1).
 */
#ifndef MICROVS_OVSDB_SCHEMA_H
#define MICROVS_OVSDB_SCHEMA_H

#include "ovsdb_types.h"

#define OVSDB_COL_UUID 0
#define OVSDB_COL_VERSION 1

struct ovsdb_column {
	char *name;
	unsigned index;
	struct ovsdb_type type;
	bool mutable_;
	bool ephemeral;
};

struct ovsdb_index {
	unsigned n;
	unsigned *cols; /* column indexes */
};

struct ovsdb_table_schema {
	char *name;
	unsigned index; /* position in the schema */
	struct ovsdb_column *columns;
	unsigned n_columns;
	bool is_root;
	unsigned max_rows; /* UINT_MAX: no limit */
	struct ovsdb_index *indexes;
	unsigned n_indexes;
	bool has_refs; /* some column refers to another table */
	json_t *json;  /* the table's schema JSON as given */
	/* ovsdb_table_find_column's index: open addressing over the column
	 * names' hashes, each slot a column index + 1 (0: empty); NULL
	 * until the table is parsed whole. */
	unsigned *col_slots;
	unsigned col_mask;
};

struct ovsdb_schema {
	char *name;
	char *version;
	char *cksum; /* may be NULL */
	struct ovsdb_table_schema *tables;
	unsigned n_tables;
	json_t *json; /* the schema as given (reference owned) */
};

/* Parses and validates a schema.  0 or -EINVAL with *@errp. */
int ovsdb_schema_from_json(const json_t *j, struct ovsdb_schema **sp,
			   struct ovsdb_error **errp);
/* Reads a schema file.  0, -errno (file) or -EINVAL with *@errp. */
int ovsdb_schema_from_file(const char *path, struct ovsdb_schema **sp,
			   struct ovsdb_error **errp);
void ovsdb_schema_free(struct ovsdb_schema *s);
/* The schema as get_schema returns it (new reference). */
json_t *ovsdb_schema_to_json(const struct ovsdb_schema *s);
struct ovsdb_table_schema *ovsdb_schema_find_table(const struct ovsdb_schema *s,
						   const char *name);
const struct ovsdb_column *
ovsdb_table_find_column(const struct ovsdb_table_schema *t, const char *name);

#endif
