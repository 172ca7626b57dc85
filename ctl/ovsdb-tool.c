/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb-tool: offline operations on microvs database files (SQLite), with
 * the command names, arguments and output of Open vSwitch's ovsdb-tool:
 * create, db-name, db-version, db-cksum, schema-name, schema-version,
 * schema-cksum, needs-conversion, convert, compact, query, transact;
 * and check, which Open vSwitch's has not.  The commands that write
 * (create, compact, convert, transact) refuse a database a server holds;
 * the others only read and never lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json_number.h"
#include "ovsdb_check.h"
#include "ovsdb_lockfile.h"
#include "ovsdb_storage.h"

#define DEFAULT_DB MICROVS_DEFAULT_DBDIR "/conf.db"
#define DEFAULT_SCHEMA "/usr/share/microvs/vswitch.ovsschema"

/* One command: its name, argument count and what it runs; the fields
 * after fn parameterise the commands that several names share. */
struct command {
	const char *name;
	int min_args, max_args;
	int (*fn)(const struct command *cmd, int argc, char **argv);
	/* db-name & co: the schema field printed. */
	const char *(*field)(const struct ovsdb_schema *s);
	bool write; /* transact (vs. query) */
};

static int
fail(struct ovsdb_error *e)
{
	fprintf(stderr, "ovsdb-tool: %s%s%s\n", e ? e->tag : "error",
		e && e->details ? ": " : "", e && e->details ? e->details : "");
	ovsdb_error_free(e);
	return 1;
}

/* Commands that write a database hold its lock (ovsdb_lockfile.h) for
 * their run, so they refuse a database a server holds, as Open vSwitch's
 * do; the kernel releases it at exit.  0, or 1 with the error printed. */
static int
lock_db(const char *path)
{
	struct ovsdb_lockfile *lf;
	struct ovsdb_error *e = NULL;

	return ovsdb_lockfile_lock(path, (uid_t)-1, (gid_t)-1, &lf, &e)
		       ? fail(e)
		       : 0;
}

static const char *
arg(int argc, char **argv, int i, const char *def)
{
	return i < argc ? argv[i] : def;
}

static int
cmd_create(const struct command *cmd, int argc, char **argv)
{
	struct ovsdb_error *e = NULL;
	struct ovsdb_schema *s;
	const char *db = arg(argc, argv, 0, DEFAULT_DB);
	const char *sp = arg(argc, argv, 1, DEFAULT_SCHEMA);
	if (lock_db(db))
		return 1;
	if (ovsdb_schema_from_file(sp, &s, &e))
		return fail(e);
	int r = ovsdb_storage_create(db, s, &e);
	ovsdb_schema_free(s);
	if (r == -EEXIST) {
		ovsdb_error_free(e);
		fprintf(stderr,
			"ovsdb-tool: I/O error: %s: create failed "
			"(File exists)\n",
			db);
		return 1;
	}
	return r ? fail(e) : 0;
}

static int
cmd_db_field(const struct command *cmd, int argc, char **argv)
{
	struct ovsdb_error *e = NULL;
	struct ovsdb_schema *s;

	if (ovsdb_storage_read_schema(arg(argc, argv, 0, DEFAULT_DB), &s, &e))
		return fail(e);
	puts(cmd->field(s));
	ovsdb_schema_free(s);
	return 0;
}

static int
cmd_schema_field(const struct command *cmd, int argc, char **argv)
{
	struct ovsdb_error *e = NULL;
	struct ovsdb_schema *s;

	if (ovsdb_schema_from_file(arg(argc, argv, 0, DEFAULT_SCHEMA), &s, &e))
		return fail(e);
	puts(cmd->field(s));
	ovsdb_schema_free(s);
	return 0;
}

static const char *
field_name(const struct ovsdb_schema *s)
{
	return s->name;
}

static const char *
field_version(const struct ovsdb_schema *s)
{
	return s->version;
}

static const char *
field_cksum(const struct ovsdb_schema *s)
{
	return s->cksum ? s->cksum : "";
}

static int
cmd_needs_conversion(const struct command *cmd, int argc, char **argv)
{
	struct ovsdb_error *e = NULL;
	struct ovsdb_schema *a, *b;
	if (ovsdb_storage_read_schema(arg(argc, argv, 0, DEFAULT_DB), &a, &e))
		return fail(e);
	if (ovsdb_schema_from_file(arg(argc, argv, 1, DEFAULT_SCHEMA), &b,
				   &e)) {
		ovsdb_schema_free(a);
		return fail(e);
	}
	puts(json_equal(a->json, b->json) ? "no" : "yes");
	ovsdb_schema_free(a);
	ovsdb_schema_free(b);
	return 0;
}

/* Copies every row of @src into @dst (a database with another schema):
 * columns and tables missing from @dst are dropped, values converted
 * through their JSON form. */
static int
copy_rows(struct ovsdb_db *src, struct ovsdb_db *dst, struct ovsdb_error **errp)
{
	for (unsigned t = 0; t < dst->schema->n_tables; t++) {
		struct ovsdb_table *dt = &dst->tables[t];
		struct ovsdb_table *st =
			ovsdb_db_find_table(src, dt->schema->name);
		if (!st)
			continue;
		struct hnode *n;
		HMAP_FOR_EACH (n, &st->rows) {
			const struct ovsdb_row *sr =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			struct ovsdb_row *dr =
				ovsdb_row_new(dt, ovsdb_row_uuid(sr));
			dr->fields[OVSDB_COL_VERSION].keys[0].u =
				sr->fields[OVSDB_COL_VERSION].keys[0].u;
			for (unsigned c = 2; c < dt->schema->n_columns; c++) {
				const struct ovsdb_column *dc =
					&dt->schema->columns[c];
				const struct ovsdb_column *sc =
					ovsdb_table_find_column(st->schema,
								dc->name);
				if (!sc)
					continue;
				json_t *j = ovsdb_datum_to_json(
					&sr->fields[sc->index], &sc->type);
				struct ovsdb_datum d;
				int r = ovsdb_datum_from_json(&d, &dc->type, j,
							      NULL, errp);
				json_decref(j);
				if (r) {
					ovsdb_row_free(dr);
					return r;
				}
				ovsdb_datum_destroy(&dr->fields[c], &dc->type);
				dr->fields[c] = d;
			}
			ovsdb_table_put_row(dt, dr);
		}
	}
	return 0;
}

static int
cmd_convert(const struct command *cmd, int argc, char **argv)
{
	struct ovsdb_error *e = NULL;
	struct ovsdb_schema *s;
	struct ovsdb_db *src;
	const char *db = arg(argc, argv, 0, DEFAULT_DB);
	const char *target = arg(argc, argv, 2, db);
	if (lock_db(target))
		return 1;
	if (ovsdb_schema_from_file(arg(argc, argv, 1, DEFAULT_SCHEMA), &s, &e))
		return fail(e);
	if (ovsdb_storage_open(db, true, &src, &e)) {
		ovsdb_schema_free(s);
		return fail(e);
	}
	struct ovsdb_db *dst = ovsdb_db_new(s);
	int r = copy_rows(src, dst, &e);
	ovsdb_db_free(src);
	/* Never write what dbserver would refuse to load. */
	if (!r)
		r = ovsdb_check_db(dst, &e);
	if (!r)
		r = ovsdb_storage_save_as(dst, target, &e);
	ovsdb_db_free(dst);
	return r ? fail(e) : 0;
}

static int
cmd_compact(const struct command *cmd, int argc, char **argv)
{
	struct ovsdb_error *e = NULL;
	struct ovsdb_db *db;
	const char *path = arg(argc, argv, 0, DEFAULT_DB);
	if (lock_db(argc > 1 ? argv[1] : path))
		return 1;
	if (argc > 1) {
		if (ovsdb_storage_open(path, true, &db, &e))
			return fail(e);
		int r = ovsdb_storage_save_as(db, argv[1], &e);
		ovsdb_db_free(db);
		return r ? fail(e) : 0;
	}
	if (ovsdb_storage_open(path, false, &db, &e))
		return fail(e);
	int r = ovsdb_storage_compact(db->storage, &e);
	ovsdb_db_free(db);
	return r ? fail(e) : 0;
}

/* query and transact: @cmd->write says which. */
static int
cmd_txn(const struct command *cmd, int argc, char **argv)
{
	bool write = cmd->write;
	struct ovsdb_error *e = NULL;
	struct ovsdb_db *db;
	const char *path = argc > 1 ? argv[0] : DEFAULT_DB;
	const char *text = argc > 1 ? argv[1] : argc ? argv[0] : NULL;
	if (!text) {
		fprintf(stderr, "ovsdb-tool: missing transaction argument\n");
		return 1;
	}
	json_error_t jerr;
	json_t *txn =
		json_number_loadb(text, strlen(text), JSON_DECODE_ANY, &jerr);
	if (!txn) {
		fprintf(stderr, "ovsdb-tool: syntax error: %s\n", jerr.text);
		return 1;
	}
	if (write && lock_db(path)) {
		json_decref(txn);
		return 1;
	}
	if (ovsdb_storage_open(path, !write, &db, &e)) {
		json_decref(txn);
		return fail(e);
	}
	if (!write) {
		/* Queries may change the in-memory copy, never the file. */
		ovsdb_storage_close(db->storage);
		db->storage = NULL;
	}
	json_t *result = NULL;
	const char *name = json_string_value(json_array_get(txn, 0));
	if (!json_is_array(txn) || !name || strcmp(name, db->schema->name)) {
		ovsdb_err(&e, "syntax error", txn,
			  "database name expected as first parameter");
		result = ovsdb_error_to_json(e);
		ovsdb_error_free(e);
	} else {
		json_t *ops = json_array();
		for (size_t i = 1; i < json_array_size(txn); i++)
			json_array_append(ops, json_array_get(txn, i));
		uint64_t wait;
		if (ovsdb_execute(db, ops, NULL, &result, &wait) == -EAGAIN)
			result = json_pack("[{ssss}]", "error", "timed out",
					   "details", "\"wait\" would block");
		json_decref(ops);
	}
	char *out = ovsdb_json_text(result);
	puts(out);
	free(out);
	json_decref(result);
	json_decref(txn);
	ovsdb_db_free(db);
	return 0;
}

/* Not in Open vSwitch's ovsdb-tool (it checks its log's hashes as it
 * reads): the checks dbserver runs on every start, plus SQLite's own. */
static int
cmd_check(const struct command *cmd, int argc, char **argv)
{
	struct ovsdb_error *e = NULL;
	const char *db = arg(argc, argv, 0, DEFAULT_DB);

	if (!ovsdb_storage_check(db, &e))
		return 0;
	fprintf(stderr, "ovsdb-tool: %s: %s: %s\n", db, e->tag,
		e->details ? e->details : "");
	ovsdb_error_free(e);
	return 1;
}

/* name, min and max arguments, fn, field, write */
static const struct command commands[] = {
	{ "create", 0, 2, cmd_create, NULL, false },
	{ "db-name", 0, 1, cmd_db_field, field_name, false },
	{ "db-version", 0, 1, cmd_db_field, field_version, false },
	{ "db-cksum", 0, 1, cmd_db_field, field_cksum, false },
	{ "schema-name", 0, 1, cmd_schema_field, field_name, false },
	{ "schema-version", 0, 1, cmd_schema_field, field_version, false },
	{ "schema-cksum", 0, 1, cmd_schema_field, field_cksum, false },
	{ "needs-conversion", 0, 2, cmd_needs_conversion, NULL, false },
	{ "convert", 0, 3, cmd_convert, NULL, false },
	{ "compact", 0, 2, cmd_compact, NULL, false },
	{ "query", 1, 2, cmd_txn, NULL, false },
	{ "transact", 1, 2, cmd_txn, NULL, true },
	{ "check", 0, 1, cmd_check, NULL, false },
};

static void
usage(void)
{
	printf("ovsdb-tool: microvs database management utility\n"
	       "usage: ovsdb-tool [OPTIONS] COMMAND [ARG...]\n"
	       "  create [DB [SCHEMA]]    create DB with the given SCHEMA\n"
	       "  compact [DB [DST]]      compact DB in-place (or to DST)\n"
	       "  convert [DB [SCHEMA [DST]]]  convert DB to SCHEMA\n"
	       "  needs-conversion [DB [SCHEMA]]  does DB need conversion?\n"
	       "  db-name, db-version, db-cksum [DB]\n"
	       "  schema-name, schema-version, schema-cksum [SCHEMA]\n"
	       "  query [DB] TRNS         execute read-only transaction\n"
	       "  transact [DB] TRNS      execute read/write transaction\n"
	       "  check [DB]              check DB's file and every value\n");
}

int
main(int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage();
			return 0;
		}
		i++; /* other options (logging etc.) are accepted and ignored */
	}
	if (i >= argc) {
		fprintf(stderr, "ovsdb-tool: missing command name; use --help "
				"for help\n");
		return 1;
	}
	for (size_t k = 0; k < ARRAY_SIZE(commands); k++) {
		if (strcmp(commands[k].name, argv[i]))
			continue;
		int n = argc - i - 1;
		if (n < commands[k].min_args || n > commands[k].max_args) {
			fprintf(stderr,
				"ovsdb-tool: '%s' command requires at "
				"least %d arguments\n",
				argv[i], commands[k].min_args);
			return 1;
		}
		return commands[k].fn(&commands[k], n, argv + i + 1);
	}
	fprintf(stderr,
		"ovsdb-tool: unknown command '%s'; use --help for "
		"help\n",
		argv[i]);
	return 1;
}
