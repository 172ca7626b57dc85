/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb-client: Open vSwitch's OVSDB client, on the microvs bus by default
 * or on a JSON-RPC remote (unix:PATH, tcp:HOST:PORT, ssl:HOST:PORT with
 * -p/-c/-C) given as SERVER.
 *
 *	ovsdb-client [OPTIONS] COMMAND [SERVER] [ARG...]
 *	list-dbs, get-schema [DB], get-schema-version [DB], list-tables [DB],
 *	list-columns [DB] [TABLE], transact TXN, query TXN,
 *	dump [DB] [TABLE [COLUMN]...], monitor [DB] TABLE [COLUMN,...]
 *
 * Output follows Open vSwitch 3.1's, except that list-tables and
 * list-columns are sorted by name (Open vSwitch prints them in its hash
 * order).  monitor needs a persistent session, so without SERVER it uses
 * unix:RUNDIR/db.sock.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dbctl_fmt.h"
#include "dbctl_rpc.h"
#include "json_number.h"
#include "ovsdb_error.h"
#include "ovsdb_schema.h"
#include "tls.h"
#include "util.h"

static const char *rundir;
static struct tls_opts tls; /* -p, -c, -C... for ssl: */

static void NORETURN PRINTF_FMT(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	fputs("ovsdb-client: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static bool
is_remote(const char *s)
{
	return !strncmp(s, "unix:", 5) || !strncmp(s, "tcp:", 4) ||
	       !strncmp(s, "ssl:", 4);
}

static struct dbctl_conn *
open_conn(const char *server)
{
	struct dbctl_conn *c;
	int err = dbctl_conn_open(server, rundir, &tls, &c);

	if (err)
		die("failed to connect to \"%s\" (%s)",
		    server ? server : "the microvs bus", strerror(-err));
	return c;
}

/* Calls @method; dies on a transport error or an "error" reply. */
static json_t *
call(struct dbctl_conn *c, const char *method, json_t *params)
{
	json_t *result, *error;
	int err = dbctl_conn_call(c, method, params, &result, &error);

	if (err)
		die("%s: %s", method, strerror(-err));
	if (error) {
		char *t = json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY);
		die("%s", t);
	}
	return result;
}

static bool
db_exists(struct dbctl_conn *c, const char *name)
{
	json_t *dbs = call(c, "list_dbs", json_array());
	size_t i;
	json_t *v;
	bool found = false;

	json_array_foreach(dbs, i, v) found |=
		!strcmp(json_string_value(v), name);
	json_decref(dbs);
	return found;
}

static struct ovsdb_schema *
fetch_schema(struct dbctl_conn *c, const char *db)
{
	json_t *j = call(c, "get_schema", json_pack("[s]", db));
	struct ovsdb_schema *s;
	struct ovsdb_error *e = NULL;

	if (ovsdb_schema_from_json(j, &s, &e))
		die("%s: bad schema: %s", db,
		    e && e->details ? e->details : "");
	json_decref(j);
	return s;
}

static void
print_json(const json_t *j)
{
	char *t =
		json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	puts(t);
	free(t);
}

static const struct ovsdb_type string_type = {
	.key = { .type = OVSDB_T_STRING, .max_len = UINT_MAX },
	.value = { .type = OVSDB_T_VOID },
	.n_min = 1,
	.n_max = 1,
};

static void
set_string(struct dbctl_out_table *t, size_t row, unsigned col, const char *s)
{
	union ovsdb_atom a = { .s = (char *)(uintptr_t)s };
	struct ovsdb_datum d = { .n = 1, .keys = &a };

	dbctl_out_table_set_cell(t, row, col, &d, &string_type);
}

static const struct ovsdb_type uuid_type = {
	.key = { .type = OVSDB_T_UUID },
	.value = { .type = OVSDB_T_VOID },
	.n_min = 1,
	.n_max = 1,
};

static void
set_uuid(struct dbctl_out_table *t, size_t row, unsigned col, const char *s)
{
	union ovsdb_atom a;
	struct ovsdb_datum d = { .n = 1, .keys = &a };

	if (!ovsdb_uuid_from_string(s, &a.u)) {
		set_string(t, row, col, s);
		return;
	}
	dbctl_out_table_set_cell(t, row, col, &d, &uuid_type);
}

/* Prints @t with @caption as Open vSwitch's table printer does. */
static void
print_table(struct dbctl_out_table *t, const char *caption)
{
	struct ds out = DS_EMPTY;

	dbctl_out_table_print(t, &out);
	if (caption && dbctl_fmt.format == DBCTL_FMT_JSON &&
	    !strncmp(ds_cstr(&out), "{", 1)) {
		printf("{\"caption\":\"%s\",%s", caption, ds_cstr(&out) + 1);
	} else {
		if (caption)
			printf("%s\n", caption);
		fputs(ds_cstr(&out), stdout);
	}
	ds_free(&out);
	dbctl_out_table_free(t);
}

/* Open vSwitch prints listings (tables, columns) as plain text cells. */
static void
print_text_table(struct dbctl_out_table *t)
{
	enum dbctl_data saved = dbctl_fmt.data;

	if (dbctl_fmt.data == DBCTL_DATA_STRING)
		dbctl_fmt.data = DBCTL_DATA_BARE;
	print_table(t, NULL);
	dbctl_fmt.data = saved;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- commands ---- */

static void
cmd_list_dbs(struct dbctl_conn *c, int argc, char **argv)
{
	json_t *dbs = call(c, "list_dbs", json_array());
	size_t i;
	json_t *v;

	json_array_foreach(dbs, i, v) puts(json_string_value(v));
	json_decref(dbs);
}

static const char *cur_cmd;

static void NORETURN
bad_syntax(void)
{
	die("invalid syntax for '%s' (use --help for help)", cur_cmd);
}

/* The optional DATABASE argument: must name a database on the server. */
static bool db_exists(struct dbctl_conn *c, const char *name);

static const char *
db_arg(struct dbctl_conn *c, int argc, char **argv)
{
	if (argc > 0 && !db_exists(c, argv[0]))
		bad_syntax();
	return argc > 0 ? argv[0] : "Open_vSwitch";
}

static void
cmd_get_schema(struct dbctl_conn *c, int argc, char **argv)
{
	json_t *j =
		call(c, "get_schema", json_pack("[s]", db_arg(c, argc, argv)));

	print_json(j);
	json_decref(j);
}

static void
cmd_get_schema_version(struct dbctl_conn *c, int argc, char **argv)
{
	json_t *j =
		call(c, "get_schema", json_pack("[s]", db_arg(c, argc, argv)));

	puts(json_string_value(json_object_get(j, "version")));
	json_decref(j);
}

static void
cmd_list_tables(struct dbctl_conn *c, int argc, char **argv)
{
	struct ovsdb_schema *s = fetch_schema(c, db_arg(c, argc, argv));
	struct dbctl_out_table *t = dbctl_out_table_new(1);
	const char **names = xcalloc(s->n_tables, sizeof *names);

	for (unsigned i = 0; i < s->n_tables; i++)
		names[i] = s->tables[i].name;
	qsort(names, s->n_tables, sizeof *names, cmp_str);
	dbctl_out_table_set_heading(t, 0, "Table");
	for (unsigned i = 0; i < s->n_tables; i++)
		set_string(t, dbctl_out_table_add_row(t), 0, names[i]);
	print_text_table(t);
	free(names);
	ovsdb_schema_free(s);
}

static void
cmd_list_columns(struct dbctl_conn *c, int argc, char **argv)
{
	const char *db =
		argc > 0 && db_exists(c, argv[0]) ? argv[0] : "Open_vSwitch";
	const char *only = argc > (db == argv[0] ? 1 : 0)
				   ? argv[db == argv[0] ? 1 : 0]
				   : NULL;
	struct ovsdb_schema *s = fetch_schema(c, db);
	json_t *tables = json_object_get(s->json, "tables");
	struct dbctl_out_table *t = dbctl_out_table_new(only ? 2 : 3);
	unsigned col = 0;

	if (only && !json_object_get(tables, only))
		die("%s does not have a table named \"%s\"", db, only);
	if (!only)
		dbctl_out_table_set_heading(t, col++, "Table");
	dbctl_out_table_set_heading(t, col++, "Column");
	dbctl_out_table_set_heading(t, col, "Type");

	const char **tnames = xcalloc(s->n_tables, sizeof *tnames);
	for (unsigned i = 0; i < s->n_tables; i++)
		tnames[i] = s->tables[i].name;
	qsort(tnames, s->n_tables, sizeof *tnames, cmp_str);
	for (unsigned i = 0; i < s->n_tables; i++) {
		json_t *cols;
		const char *name;
		json_t *type;
		size_t n = 0, k = 0;

		if (only && strcmp(only, tnames[i]))
			continue;
		cols = json_object_get(json_object_get(tables, tnames[i]),
				       "columns");
		const char **cn =
			xcalloc(json_object_size(cols) + 2, sizeof *cn);
		json_object_foreach(cols, name, type) cn[n++] = name;
		cn[n++] = "_uuid";
		cn[n++] = "_version";
		qsort(cn, n, sizeof *cn, cmp_str);
		for (k = 0; k < n; k++) {
			size_t row = dbctl_out_table_add_row(t);
			json_t *ty = json_object_get(
				json_object_get(cols, cn[k]), "type");
			char *text =
				ty ? json_dumps(ty, JSON_COMPACT |
							    JSON_SORT_KEYS |
							    JSON_ENCODE_ANY)
				   : xstrdup("\"uuid\"");
			col = 0;
			if (!only)
				set_string(t, row, col++, tnames[i]);
			set_string(t, row, col++, cn[k]);
			set_string(t, row, col, text);
			free(text);
		}
		free(cn);
	}
	free(tnames);
	print_text_table(t);
	ovsdb_schema_free(s);
}

static void
cmd_transact(struct dbctl_conn *c, int argc, char **argv, bool query)
{
	json_error_t jerr;
	json_t *txn = json_number_loadb(argv[0], strlen(argv[0]), 0, &jerr);
	size_t n;

	if (!txn || !json_is_array(txn) || !json_array_size(txn))
		die("%s: not a valid transaction (%s)", argv[0],
		    txn ? "not an array" : jerr.text);
	n = json_array_size(txn);
	if (query)
		json_array_append_new(txn, json_pack("{s:s}", "op", "abort"));
	json_t *r = call(c, "transact", txn);
	if (query && json_array_size(r) > n - 1)
		json_array_remove(r, n - 1); /* the abort's own error */
	print_json(r);
	json_decref(r);
}

static void
cmd_transact_rw(struct dbctl_conn *c, int argc, char **argv)
{
	cmd_transact(c, argc, argv, false);
}

static void
cmd_query(struct dbctl_conn *c, int argc, char **argv)
{
	cmd_transact(c, argc, argv, true);
}

/* Sets the cells of @row from a JSON row object. */
static void
fill_row(struct dbctl_out_table *t, size_t row, unsigned first_col,
	 const struct ovsdb_table_schema *ts, const char *const *cols,
	 size_t n_cols, const json_t *jrow)
{
	for (size_t k = 0; k < n_cols; k++) {
		const json_t *v = json_object_get(jrow, cols[k]);
		const struct ovsdb_column *col;
		struct ovsdb_datum d;
		struct ovsdb_error *e = NULL;

		if (!v)
			continue;
		col = ovsdb_table_find_column(ts, cols[k]);
		if (!col ||
		    ovsdb_datum_from_json(&d, &col->type, v, NULL, &e)) {
			ovsdb_error_free(e);
			continue;
		}
		dbctl_out_table_set_cell(t, row, first_col + (unsigned)k, &d,
					 &col->type);
		ovsdb_datum_destroy(&d, &col->type);
	}
}

static void
dump_table(struct dbctl_conn *c, const char *db, struct ovsdb_schema *s,
	   const struct ovsdb_table_schema *ts, char **want, int n_want)
{
	const char **cols = xcalloc(ts->n_columns + 2, sizeof *cols);
	size_t n = 0;

	if (n_want) {
		for (int i = 0; i < n_want; i++) {
			if (!ovsdb_table_find_column(ts, want[i]))
				die("Table %s does not contain a column named "
				    "%s",
				    ts->name, want[i]);
			cols[n++] = want[i];
		}
	} else {
		cols[n++] = "_uuid";
		for (unsigned i = 0; i < ts->n_columns; i++)
			if (ts->columns[i].name[0] != '_')
				cols[n++] = ts->columns[i].name;
	}
	qsort(cols, n, sizeof *cols, cmp_str);

	json_t *jcols = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(jcols, json_string(cols[i]));
	json_t *r =
		call(c, "transact",
		     json_pack("[s,{s:s,s:s,s:[],s:o}]", db, "op", "select",
			       "table", ts->name, "where", "columns", jcols));
	json_t *rows = json_object_get(json_array_get(r, 0), "rows");
	struct dbctl_out_table *t = dbctl_out_table_new((unsigned)n);
	size_t i;
	json_t *jrow;

	for (i = 0; i < n; i++)
		dbctl_out_table_set_heading(t, (unsigned)i, cols[i]);
	json_array_foreach(rows, i, jrow)
		fill_row(t, dbctl_out_table_add_row(t), 0, ts, cols, n, jrow);
	char *caption = xasprintf("%s table", ts->name);
	print_table(t, caption);
	free(caption);
	json_decref(r);
	free(cols);
}

static void
cmd_dump(struct dbctl_conn *c, int argc, char **argv)
{
	const char *db = "Open_vSwitch";
	struct ovsdb_schema *s;

	if (argc > 0 && db_exists(c, argv[0])) {
		db = argv[0];
		argc--, argv++;
	}
	s = fetch_schema(c, db);
	if (argc > 0) {
		const struct ovsdb_table_schema *ts =
			ovsdb_schema_find_table(s, argv[0]);
		if (!ts)
			die("%s does not have a table named \"%s\"", db,
			    argv[0]);
		dump_table(c, db, s, ts, argv + 1, argc - 1);
	} else {
		const char **names = xcalloc(s->n_tables, sizeof *names);
		for (unsigned i = 0; i < s->n_tables; i++)
			names[i] = s->tables[i].name;
		qsort(names, s->n_tables, sizeof *names, cmp_str);
		for (unsigned i = 0; i < s->n_tables; i++) {
			if (i)
				putchar('\n');
			dump_table(c, db, s,
				   ovsdb_schema_find_table(s, names[i]), NULL,
				   0);
		}
		free(names);
	}
	ovsdb_schema_free(s);
}

/* One monitor update (or the initial contents) for table @ts. */
static void
print_update(const struct ovsdb_table_schema *ts, const char *const *cols,
	     size_t n, const json_t *tu, bool initial)
{
	struct dbctl_out_table *t = dbctl_out_table_new((unsigned)n + 2);
	static bool first = true;
	const char *uuid;
	const json_t *ru;

	/* Tables are separated, not terminated, by a blank line. */
	if (!first && dbctl_fmt.format != DBCTL_FMT_JSON)
		putchar('\n');
	first = false;

	dbctl_out_table_set_heading(t, 0, "row");
	dbctl_out_table_set_heading(t, 1, "action");
	for (size_t i = 0; i < n; i++)
		dbctl_out_table_set_heading(t, (unsigned)i + 2, cols[i]);
	json_object_foreach((json_t *)(uintptr_t)tu, uuid, ru)
	{
		const json_t *old = json_object_get(ru, "old");
		const json_t *new_ = json_object_get(ru, "new");
		size_t row = dbctl_out_table_add_row(t);

		set_uuid(t, row, 0, uuid);
		if (initial || (new_ && !old)) {
			set_string(t, row, 1, initial ? "initial" : "insert");
			fill_row(t, row, 2, ts, cols, n, new_);
		} else if (!new_) {
			set_string(t, row, 1, "delete");
			fill_row(t, row, 2, ts, cols, n, old);
		} else {
			set_string(t, row, 1, "old");
			fill_row(t, row, 2, ts, cols, n, old);
			row = dbctl_out_table_add_row(t);
			set_string(t, row, 1, "new");
			fill_row(t, row, 2, ts, cols, n, new_);
		}
	}
	print_table(t, NULL);
	fflush(stdout);
}

static void
cmd_monitor(struct dbctl_conn *c, int argc, char **argv)
{
	const char *db = "Open_vSwitch";
	const struct ovsdb_table_schema *ts;
	struct ovsdb_schema *s;
	const char **cols;
	size_t n = 0;

	if (argc > 1 && db_exists(c, argv[0])) {
		db = argv[0];
		argc--, argv++;
	}
	if (argc < 1)
		die("monitor: a TABLE is required");
	s = fetch_schema(c, db);
	ts = ovsdb_schema_find_table(s, argv[0]);
	if (!ts)
		die("%s does not have a table named \"%s\"", db, argv[0]);
	cols = xcalloc(ts->n_columns + 1, sizeof *cols);
	for (int i = 1; i < argc; i++) {
		char *save = NULL;
		for (char *w = strtok_r(argv[i], ",", &save); w;
		     w = strtok_r(NULL, ",", &save)) {
			if (!ovsdb_table_find_column(ts, w))
				die("%s does not have a column named \"%s\"",
				    ts->name, w);
			cols[n++] = w;
		}
	}
	if (!n)
		for (unsigned i = 0; i < ts->n_columns; i++)
			if (ts->columns[i].name[0] != '_')
				cols[n++] = ts->columns[i].name;

	json_t *jcols = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(jcols, json_string(cols[i]));
	json_t *req = json_pack("{s:{s:o}}", ts->name, "columns", jcols);
	json_t *init = call(c, "monitor", json_pack("[s,n,o]", db, req));
	json_t *tu = json_object_get(init, ts->name);
	if (tu && json_object_size(tu))
		print_update(ts, cols, n, tu, true);
	json_decref(init);
	for (;;) {
		char *method;
		json_t *params;
		int err = dbctl_conn_notification(c, &method, &params);

		if (err == -ECONNRESET)
			break;
		if (err)
			die("monitor: %s", strerror(-err));
		if (!strcmp(method, "update"))
			print_update(ts, cols, n,
				     json_object_get(json_array_get(params, 1),
						     ts->name),
				     false);
		free(method);
		json_decref(params);
	}
	free(cols);
	ovsdb_schema_free(s);
}

struct command {
	const char *name;
	int min_args, max_args;
	void (*fn)(struct dbctl_conn *, int, char **);
	/* Needs a persistent session (notifications), which the bus does not
	 * offer yet: without SERVER it uses unix:RUNDIR/db.sock. */
	bool session;
};

static const struct command commands[] = {
	{ "list-dbs", 0, 0, cmd_list_dbs, false },
	{ "get-schema", 0, 1, cmd_get_schema, false },
	{ "get-schema-version", 0, 1, cmd_get_schema_version, false },
	{ "list-tables", 0, 1, cmd_list_tables, false },
	{ "list-columns", 0, 2, cmd_list_columns, false },
	{ "transact", 1, 1, cmd_transact_rw, false },
	{ "query", 1, 1, cmd_query, false },
	{ "dump", 0, 64, cmd_dump, false },
	{ "monitor", 1, 64, cmd_monitor, true },
};

static void NORETURN
usage(void)
{
	printf("ovsdb-client: microvs OVSDB client\n"
	       "usage: ovsdb-client [OPTIONS] COMMAND [SERVER] [ARG...]\n"
	       "  list-dbs | get-schema [DB] | get-schema-version [DB]\n"
	       "  list-tables [DB] | list-columns [DB] [TABLE]\n"
	       "  transact TXN | query TXN | dump [DB] [TABLE [COLUMN]...]\n"
	       "  monitor [DB] TABLE [COLUMN,...]\n"
	       "SERVER: unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT (default: "
	       "the\nmicrovs bus; monitor: unix:RUNDIR/db.sock)\n"
	       "  --rundir=DIR  -f, --format=table|list|csv|html|json\n"
	       "  -d, --data=string|bare|json  --no-headings  --pretty\n"
	       "  -p, --private-key=FILE  -c, --certificate=FILE\n"
	       "  -C, --ca-cert=FILE  --bootstrap-ca-cert=FILE  "
	       "--peer-ca-cert=FILE\n"
	       "  --ssl-protocols=PROTOS  --ssl-ciphers=CIPHERS\n");
	exit(0);
}

/* Applies the options before the command; returns the index of the
 * first other argument.  Exits for --help, --version, an unknown option
 * and a bad format. */
static int
parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "data", required_argument, NULL, 'd' },
		{ "no-headings", no_argument, NULL, 'H' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "bare", no_argument, NULL, 'b' },
		{ "private-key", required_argument, NULL, 'p' },
		{ "certificate", required_argument, NULL, 'c' },
		{ "ca-cert", required_argument, NULL, 'C' },
		{ "bootstrap-ca-cert", required_argument, NULL, 'B' },
		{ "peer-ca-cert", required_argument, NULL, 'E' },
		{ "ssl-protocols", required_argument, NULL, 'S' },
		{ "ssl-ciphers", required_argument, NULL, 'Y' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	dbctl_fmt.format = DBCTL_FMT_TABLE;
	dbctl_fmt.headings = true;
	while ((opt = getopt_long(argc, argv, "f:d:t:hVp:c:C:", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'r':
			rundir = optarg;
			break;
		case 'f':
			if (dbctl_fmt_parse_format(optarg, &dbctl_fmt.format))
				die("%s: unknown format", optarg);
			break;
		case 'd':
			if (dbctl_fmt_parse_data(optarg, &dbctl_fmt.data))
				die("%s: unknown data format", optarg);
			break;
		case 'H':
			dbctl_fmt.headings = false;
			break;
		case 'P':
			dbctl_fmt.pretty = true;
			break;
		case 'p':
			tls.private_key = optarg;
			break;
		case 'c':
			tls.certificate = optarg;
			break;
		case 'C':
		case 'B':
			tls.ca_cert = optarg;
			tls.bootstrap = opt == 'B';
			break;
		case 'E':
			tls.peer_ca_cert = optarg;
			break;
		case 'S':
			tls.protocols = optarg;
			break;
		case 'Y':
			tls.ciphers = optarg;
			break;
		case 'b':
			dbctl_fmt.format = DBCTL_FMT_LIST;
			dbctl_fmt.data = DBCTL_DATA_BARE;
			dbctl_fmt.headings = false;
			break;
		case 't':
			break;
		case 'h':
			usage();
		case 'V':
			printf("ovsdb-client (microvs) %s\n", MICROVS_VERSION);
			exit(0);
		default:
			exit(1);
		}
	}
	return optind;
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct command *cmd;
	const char *server = NULL;
	char *def = NULL;
	struct dbctl_conn *c;
	int i = parse_options(argc, argv), n;

	rundir = rundir_resolve(rundir);
	if (i >= argc)
		die("missing command name; use --help for help");
	cmd = find_command(argv[i]);
	if (!cmd)
		die("unknown command '%s'; use --help for help", argv[i]);
	cur_cmd = cmd->name;
	i++;
	if (i < argc && is_remote(argv[i]))
		server = argv[i++];
	n = argc - i;
	if (n < cmd->min_args || n > cmd->max_args)
		bad_syntax();
	if (!server && cmd->session)
		server = def = xasprintf("unix:%s/db.sock", rundir);
	c = open_conn(server);
	cmd->fn(c, n, argv + i);
	dbctl_conn_close(c);
	free(def);
	return 0;
}
