/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_fmt: the tabular output of `list` and `find` in the formats of
 * Open vSwitch's table printer: list (default), table, csv, html, json,
 * with cell data as string, bare or json, optional headings and pretty
 * JSON.
 */
#ifndef MICROVS_DBCTL_FMT_H
#define MICROVS_DBCTL_FMT_H

#include <stdbool.h>

#include "ovsdb_datum.h"
#include "util.h"

enum dbctl_format {
	DBCTL_FMT_LIST,
	DBCTL_FMT_TABLE,
	DBCTL_FMT_CSV,
	DBCTL_FMT_HTML,
	DBCTL_FMT_JSON
};
enum dbctl_data { DBCTL_DATA_STRING, DBCTL_DATA_BARE, DBCTL_DATA_JSON };

struct dbctl_fmt_opts {
	enum dbctl_format format;
	enum dbctl_data data;
	bool headings;
	bool pretty;
};

/* The process-wide output options, set from the command line. */
extern struct dbctl_fmt_opts dbctl_fmt;

/* Parses a -f / -d argument.  0 or -EINVAL. */
int dbctl_fmt_parse_format(const char *s, enum dbctl_format *f);
int dbctl_fmt_parse_data(const char *s, enum dbctl_data *d);

struct dbctl_out_table {
	unsigned n_cols;
	char **headings;
	size_t n_rows, cap;
	struct ovsdb_datum *cells;	 /* n_rows * n_cols, owned copies */
	const struct ovsdb_type **types; /* per cell */
};

struct dbctl_out_table *dbctl_out_table_new(unsigned n_cols);
void dbctl_out_table_set_heading(struct dbctl_out_table *t, unsigned col,
				 const char *name);
/* Adds a row; returns its index.  Cells start empty. */
size_t dbctl_out_table_add_row(struct dbctl_out_table *t);
/* Stores a copy of @d as cell (@row, @col). */
void dbctl_out_table_set_cell(struct dbctl_out_table *t, size_t row,
			      unsigned col, const struct ovsdb_datum *d,
			      const struct ovsdb_type *type);
/* Renders the table with the process-wide options. */
void dbctl_out_table_print(const struct dbctl_out_table *t, struct ds *out);
void dbctl_out_table_free(struct dbctl_out_table *t);

/* Pretty JSON as OVS prints it (2-space indent, closing brackets glued). */
void dbctl_json_pretty(const json_t *j, int level, struct ds *out);

#endif
