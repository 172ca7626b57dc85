/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_storage: OVSDB tables in SQLite (see ovsdb_storage.h). */
#include "ovsdb_storage.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "json_fast.h"
#include "ovsdb_check.h"
#include "ovsdb_vfs.h"

LOG_MODULE(ovsdb_storage);

struct ovsdb_storage {
	sqlite3 *sql;
	char *path;
	bool read_only;
	unsigned n_tables;
	struct ovsdb_db *db;	   /* the database this storage backs */
	sqlite3_stmt **ins;	   /* per table: INSERT, all columns */
	unsigned char **ins_bound; /* per table, per parameter: BOUND_* */
	struct upd_stmt *upd;	   /* per table: UPD_CACHE UPDATEs by rowid */
	uint64_t upd_clock;	   /* counts UPDATEs, for the cache's LRU */
	sqlite3_stmt **del;	   /* per table: DELETE by rowid */
	sqlite3_stmt *begin, *commit, *rollback;
	sqlite3_stmt *sync_full, *sync_normal;
	bool full_sync;	    /* synchronous=FULL is set */
	bool batching;	    /* group commit: see ovsdb_storage_flush */
	bool in_batch;	    /* a SQLite transaction is open */
	bool batch_durable; /* ...and one of its writes asked for fsync */
	bool batch_lost;    /* ...rolled back: the next flush fails */
	struct ds scratch;  /* bind_datum's encoding buffer */
	struct hmap dirty;  /* struct dirty_row: the batch's rows to write */
	int wal_frames;	    /* frames in the WAL after the last commit */
};

/* SQLite's own checkpoint point (wal_autocheckpoint's default). */
#define CHECKPOINT_FRAMES 1000

static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int frames);

/* A row that commits of the open batch changed, written when the batch
 * is flushed: in its state at that moment, once, however many commits
 * changed it (ovsdb_storage_write). */
struct dirty_row {
	struct hnode node; /* st->dirty, hash of the UUID */
	struct ovsdb_table *table;
	struct ovsdb_uuid uuid;
	int64_t rowid;		 /* the row stored before the batch, 0: none */
	bool all;		 /* deleted and inserted again: every column */
	unsigned char changed[]; /* with a rowid: per column, changed */
};

/* What an INSERT parameter holds since its last bind (bindings outlive a
 * statement's reset): a column that is again an empty set or map is not
 * bound again. */
enum { BOUND_OTHER, BOUND_EMPTY_ARRAY, BOUND_EMPTY_OBJECT };

/* UPDATEs write only the columns a transaction changed: one statement per
 * set of changed columns, the last UPD_CACHE sets of each table kept
 * prepared (a table sees few such sets: next_cfg, a bridge's ports...). */
#define UPD_CACHE 4
struct upd_stmt {
	sqlite3_stmt *s;     /* NULL: an empty slot */
	unsigned char *cols; /* per column: 1 if the statement sets it */
	uint64_t used;	     /* upd_clock at its last use */
};

static int
sql_err(struct ovsdb_error **errp, sqlite3 *db, const char *what)
{
	return ovsdb_err_code(errp, -EIO, "I/O error", NULL, "%s: %s", what,
			      db ? sqlite3_errmsg(db) : "out of memory");
}

static bool
is_scalar_col(const struct ovsdb_column *c)
{
	return ovsdb_type_is_scalar(&c->type);
}

static const char *
sql_type(const struct ovsdb_column *c)
{
	if (!is_scalar_col(c))
		return "TEXT";
	switch (c->type.key.type) {
	case OVSDB_T_INTEGER:
	case OVSDB_T_BOOLEAN:
		return "INTEGER";
	case OVSDB_T_REAL:
		return "REAL";
	default:
		return "TEXT";
	}
}

static bool
stored(const struct ovsdb_column *c)
{
	return !c->ephemeral;
}

static int
exec_sql(sqlite3 *db, const char *sql, struct ovsdb_error **errp)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int r = ovsdb_err_code(errp, -EIO, "I/O error", NULL, "%s: %s",
				       sql, msg ? msg : "?");
		sqlite3_free(msg);
		return r;
	}
	return 0;
}

static int
create_tables(sqlite3 *db, const struct ovsdb_schema *schema,
	      struct ovsdb_error **errp)
{
	int r;
	if ((r = exec_sql(db,
			  "CREATE TABLE _microvs_meta (key TEXT PRIMARY KEY, "
			  "value TEXT)",
			  errp)))
		return r;
	for (unsigned t = 0; t < schema->n_tables; t++) {
		const struct ovsdb_table_schema *ts = &schema->tables[t];
		struct ds s = DS_EMPTY;
		ds_printf(&s,
			  "CREATE TABLE \"%s\" (_uuid TEXT NOT NULL, "
			  "_version TEXT",
			  ts->name);
		for (unsigned c = 2; c < ts->n_columns; c++)
			if (stored(&ts->columns[c]))
				ds_printf(&s, ", \"%s\" %s",
					  ts->columns[c].name,
					  sql_type(&ts->columns[c]));
		ds_put(&s, ")");
		r = exec_sql(db, ds_cstr(&s), errp);
		ds_free(&s);
		if (r)
			return r;
	}
	char *text = json_dumps(schema->json, JSON_COMPACT);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "INSERT INTO _microvs_meta VALUES ('schema', ?)",
			   -1, &st, NULL);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st) == SQLITE_DONE ? 0 : sql_err(errp, db, "meta");
	sqlite3_finalize(st);
	free(text);
	return r;
}

/* @path with its directory part resolved (realpath), or NULL. */
static char *
resolve_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : NULL;
	char *real = realpath(dir ? (*dir ? dir : "/") : ".", NULL);
	char *full = NULL;

	if (real)
		full = xasprintf("%s/%s", strcmp(real, "/") ? real : "",
				 slash ? slash + 1 : path);
	free(real);
	free(dir);
	return full;
}

/* The database directory may belong to the dbserver role while root
 * opens the file (before the privilege drop, or ovsdb-tool): the file is
 * never reached through a symbolic link at its name.  SQLite follows
 * links itself unless told SQLITE_OPEN_NOFOLLOW, which refuses a link in
 * any component, so the directory part is resolved here first (its
 * ancestors are root's: safefile.h).  SQLite opens -wal and -shm with
 * O_NOFOLLOW on its own. */
static int
open_sql(const char *path, int flags, sqlite3 **dbp, struct ovsdb_error **errp)
{
	char *real = resolve_dir(path);
	struct stat st;
	int r = 0;

	/* Each connection is used by one thread: no SQLite mutexes. */
	flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
	/* Every connection of the process through ovsdb_vfs (it requires
	 * that to close its descriptors safely). */
	if (sqlite3_open_v2(real ? real : path, dbp, flags, ovsdb_vfs_name()) !=
	    SQLITE_OK) {
		if (!lstat(path, &st) && S_ISLNK(st.st_mode))
			r = ovsdb_err_code(errp, -ELOOP, "I/O error", NULL,
					   "%s: is a symbolic link (a database "
					   "is opened only by its own name)",
					   path);
		else
			r = sql_err(errp, *dbp, path);
		sqlite3_close(*dbp);
		*dbp = NULL;
	} else {
		sqlite3_busy_timeout(*dbp, 5000);
		/* A quoted name that is not a column must be an error, not
		 * the string literal SQLite's legacy rule makes it: a table
		 * that lost a column would otherwise load that column's name
		 * as its value. */
		sqlite3_db_config(*dbp, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
		sqlite3_db_config(*dbp, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	}
	free(real);
	return r;
}

int
ovsdb_storage_create(const char *path, const struct ovsdb_schema *schema,
		     struct ovsdb_error **errp)
{
	sqlite3 *db;
	int r;

	if (access(path, F_OK) == 0)
		return ovsdb_err_code(errp, -EEXIST, "I/O error", NULL,
				      "%s: file exists", path);
	if ((r = open_sql(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db,
			  errp)))
		return r;
	/* 2 KiB pages: a small transaction writes one WAL frame per page
	 * it touches (typically two), and SQLite checksums and copies whole
	 * frames, so halving the page halves that cost and the bytes that
	 * each checkpoint must fsync (1-client throughput +15%); bulk
	 * operations and the file size stay as with 4 KiB (1 KiB pages
	 * doubled the file).  Must precede journal_mode=WAL. */
	r = exec_sql(db, "PRAGMA page_size=2048", errp);
	if (!r)
		r = exec_sql(db, "PRAGMA journal_mode=WAL", errp);
	if (!r)
		r = exec_sql(db, "BEGIN", errp);
	if (!r)
		r = create_tables(db, schema, errp);
	if (!r)
		r = exec_sql(db, "COMMIT", errp);
	sqlite3_close(db);
	if (r)
		unlink(path);
	return r;
}

static int
load_schema(sqlite3 *db, const char *path, struct ovsdb_schema **sp,
	    struct ovsdb_error **errp)
{
	sqlite3_stmt *st = NULL;
	int r;

	*sp = NULL;
	if (sqlite3_prepare_v2(db,
			       "SELECT value FROM _microvs_meta WHERE "
			       "key='schema'",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		r = ovsdb_err_code(errp, -EINVAL, "I/O error", NULL,
				   "%s: not a microvs database", path);
		sqlite3_finalize(st);
		return r;
	}
	json_error_t jerr;
	json_t *j =
		json_loads((const char *)sqlite3_column_text(st, 0), 0, &jerr);
	sqlite3_finalize(st);
	if (!j)
		return ovsdb_err(errp, "syntax error", NULL,
				 "%s: bad stored schema: %s", path, jerr.text);
	r = ovsdb_schema_from_json(j, sp, errp);
	json_decref(j);
	return r;
}

int
ovsdb_storage_read_schema(const char *path, struct ovsdb_schema **sp,
			  struct ovsdb_error **errp)
{
	sqlite3 *db;
	int r;
	if (access(path, F_OK))
		return ovsdb_err_code(errp, -errno, "I/O error", NULL,
				      "%s: open failed (%s)", path,
				      strerror(errno));
	if ((r = open_sql(path, SQLITE_OPEN_READONLY, &db, errp)))
		return r;
	r = load_schema(db, path, sp, errp);
	sqlite3_close(db);
	return r;
}

/* ---- value encoding ---- */

/* Appends atom @a as the stored JSON has it (a UUID as a plain string). */
static void
put_sqljson_atom(struct ds *out, const union ovsdb_atom *a, enum ovsdb_atype t)
{
	char buf[38];
	json_t *j;

	switch (t) {
	case OVSDB_T_INTEGER:
		json_fast_put_integer(out, a->i);
		return;
	case OVSDB_T_BOOLEAN:
		ds_put(out, a->b ? "true" : "false");
		return;
	case OVSDB_T_STRING:
		json_fast_put_string(out, a->s, strlen(a->s));
		return;
	case OVSDB_T_UUID:
		buf[0] = '"';
		ovsdb_uuid_format(&a->u, buf + 1);
		buf[37] = '"';
		ds_put_len(out, buf, sizeof buf);
		return;
	default: /* a real: jansson's %.17g rules */
		j = ovsdb_atom_to_json(a, t);
		json_fast_dump(j, out);
		json_decref(j);
		return;
	}
}

/* Appends set or map @d of type @t as stored: a set as an array, a map
 * with string keys as an object, any other map as an array of pairs;
 * byte for byte what json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(17))
 * wrote for those trees, so files stay as they were. */
static void
put_sqljson(struct ds *out, const struct ovsdb_datum *d,
	    const struct ovsdb_type *t)
{
	bool map = ovsdb_type_is_map(t);
	bool obj = map && t->key.type == OVSDB_T_STRING;

	ds_put_char(out, obj ? '{' : '[');
	for (unsigned i = 0; i < d->n; i++) {
		if (i)
			ds_put_char(out, ',');
		if (map && !obj)
			ds_put_char(out, '[');
		put_sqljson_atom(out, &d->keys[i], t->key.type);
		if (map) {
			ds_put_char(out, obj ? ':' : ',');
			put_sqljson_atom(out, &d->values[i], t->value.type);
		}
		if (map && !obj)
			ds_put_char(out, ']');
	}
	ds_put_char(out, obj ? '}' : ']');
}

/* Binds @d to parameter @idx of @st; a set or map is encoded in @scratch
 * (SQLite copies it). */
static void
bind_datum(sqlite3_stmt *st, int idx, const struct ovsdb_datum *d,
	   const struct ovsdb_column *c, struct ds *scratch)
{
	const struct ovsdb_type *t = &c->type;
	if (is_scalar_col(c)) {
		const union ovsdb_atom *a = &d->keys[0];
		char buf[37];
		switch (t->key.type) {
		case OVSDB_T_INTEGER:
			sqlite3_bind_int64(st, idx, a->i);
			return;
		case OVSDB_T_BOOLEAN:
			sqlite3_bind_int(st, idx, a->b);
			return;
		case OVSDB_T_REAL:
			sqlite3_bind_double(st, idx, a->r);
			return;
		case OVSDB_T_STRING:
			sqlite3_bind_text(st, idx, a->s, -1, SQLITE_STATIC);
			return;
		default:
			ovsdb_uuid_format(&a->u, buf);
			sqlite3_bind_text(st, idx, buf, -1, SQLITE_TRANSIENT);
			return;
		}
	}
	if (!d->n) {
		/* Most columns of a new row: no encoding, no copy. */
		bool obj =
			ovsdb_type_is_map(t) && t->key.type == OVSDB_T_STRING;
		sqlite3_bind_text(st, idx, obj ? "{}" : "[]", 2, SQLITE_STATIC);
		return;
	}
	ds_clear(scratch);
	put_sqljson(scratch, d, t);
	sqlite3_bind_text(st, idx, scratch->s, (int)scratch->len,
			  SQLITE_TRANSIENT);
}

/* Decoding is strict: a stored value is exactly what bind_datum wrote,
 * so anything else is damage to the file, and describing it (in *@why,
 * caller frees) lets the load refuse the database instead of serving a
 * guess.  Constraints and references are checked after the load
 * (ovsdb_check.c). */

static int why_bad(char **why, const char *fmt, ...) PRINTF_FMT(2, 3);

static int
why_bad(char **why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(*why);
	*why = xvasprintf(fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
sqljson_to_atom(const json_t *j, enum ovsdb_atype t, union ovsdb_atom *a)
{
	bool ok;

	switch (t) {
	case OVSDB_T_INTEGER:
		if ((ok = json_is_integer(j)))
			a->i = json_integer_value(j);
		break;
	case OVSDB_T_REAL:
		if ((ok = json_is_number(j)))
			a->r = json_number_value(j);
		break;
	case OVSDB_T_BOOLEAN:
		if ((ok = json_is_boolean(j)))
			a->b = json_is_true(j);
		break;
	case OVSDB_T_STRING:
		if ((ok = json_is_string(j)))
			a->s = xstrdup(json_string_value(j));
		break;
	case OVSDB_T_UUID:
		ok = json_is_string(j) &&
		     ovsdb_uuid_from_string(json_string_value(j), &a->u);
		break;
	default:
		ok = false;
	}
	return ok ? 0 : -EINVAL;
}

/* True if the @n bytes at @s are UTF-8 without NUL (what jansson, and so
 * every client, accepts). */
static bool
valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], len, min;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, min = 0x10000;
		else
			return false;
		if (n - i < len)
			return false;
		unsigned cp = c & (0x3f >> (len - 1));
		for (unsigned k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* "an integer", "a string"... */
static const char *
a_type(enum ovsdb_atype t)
{
	static const char *const names[] = {
		[OVSDB_T_INTEGER] = "an integer", [OVSDB_T_REAL] = "a real",
		[OVSDB_T_BOOLEAN] = "a boolean",  [OVSDB_T_STRING] = "a string",
		[OVSDB_T_UUID] = "a UUID",
	};
	return t < ARRAY_SIZE(names) && names[t] ? names[t] : "an atom";
}

/* What column @idx holds, for an error message (caller frees). */
static char *
describe_value(sqlite3_stmt *st, int idx)
{
	switch (sqlite3_column_type(st, idx)) {
	case SQLITE_NULL:
		return xstrdup("NULL");
	case SQLITE_INTEGER:
		return xasprintf("the integer %lld",
				 (long long)sqlite3_column_int64(st, idx));
	case SQLITE_FLOAT:
		return xasprintf("the real %.17g",
				 sqlite3_column_double(st, idx));
	case SQLITE_BLOB:
		return xasprintf("a blob of %d bytes",
				 sqlite3_column_bytes(st, idx));
	default: {
		const unsigned char *t = sqlite3_column_text(st, idx);
		int n = sqlite3_column_bytes(st, idx);
		struct ds s = DS_EMPTY;
		ds_put(&s, "the text '");
		for (int i = 0; i < n && i < 60; i++)
			if (t[i] >= 0x20 && t[i] < 0x7f)
				ds_put_char(&s, (char)t[i]);
			else
				ds_printf(&s, "\\x%02x", t[i]);
		ds_put(&s, n > 60 ? "'..." : "'");
		return ds_steal(&s);
	}
	}
}

/* A scalar column (one integer, real, boolean, string or UUID, stored as
 * a native SQLite value).  The type is tested before the value is read:
 * reading converts it. */
static int
scalar_to_atom(sqlite3_stmt *st, int idx, enum ovsdb_atype t,
	       union ovsdb_atom *a)
{
	int type = sqlite3_column_type(st, idx);
	const unsigned char *s;
	int64_t i;

	switch (t) {
	case OVSDB_T_INTEGER:
		if (type != SQLITE_INTEGER)
			return -EINVAL;
		a->i = sqlite3_column_int64(st, idx);
		return 0;
	case OVSDB_T_BOOLEAN:
		if (type != SQLITE_INTEGER)
			return -EINVAL;
		i = sqlite3_column_int64(st, idx);
		a->b = i;
		return i == 0 || i == 1 ? 0 : -EINVAL;
	case OVSDB_T_REAL:
		if (type != SQLITE_FLOAT && type != SQLITE_INTEGER)
			return -EINVAL;
		a->r = sqlite3_column_double(st, idx);
		return isfinite(a->r) ? 0 : -EINVAL;
	case OVSDB_T_STRING:
		if (type != SQLITE_TEXT)
			return -EINVAL;
		s = sqlite3_column_text(st, idx);
		if (!valid_utf8(s, (size_t)sqlite3_column_bytes(st, idx)))
			return -EINVAL;
		a->s = xstrdup((const char *)s);
		return 0;
	case OVSDB_T_UUID:
		if (type != SQLITE_TEXT)
			return -EINVAL;
		s = sqlite3_column_text(st, idx);
		return ovsdb_uuid_from_string((const char *)s, &a->u) ? 0
								      : -EINVAL;
	default:
		return -EINVAL;
	}
}

/* Element @i of a set or map in stored JSON @e into @d (appended). */
static int
element_to_atoms(const json_t *e, const char *key, const struct ovsdb_type *t,
		 struct ovsdb_datum *d)
{
	bool map = ovsdb_type_is_map(t);
	const json_t *k = e, *v = e;

	if (key) {
		d->keys[d->n].s = xstrdup(key);
		if (sqljson_to_atom(v, t->value.type, &d->values[d->n])) {
			free(d->keys[d->n].s);
			return -EINVAL;
		}
		d->n++;
		return 0;
	}
	if (map) {
		if (!json_is_array(e) || json_array_size(e) != 2)
			return -EINVAL;
		k = json_array_get(e, 0);
		v = json_array_get(e, 1);
	}
	if (sqljson_to_atom(k, t->key.type, &d->keys[d->n]))
		return -EINVAL;
	if (map && sqljson_to_atom(v, t->value.type, &d->values[d->n])) {
		ovsdb_atom_destroy(&d->keys[d->n], t->key.type);
		return -EINVAL;
	}
	d->n++;
	return 0;
}

/* A set or map column, stored as JSON text: an array of atoms, an object
 * (maps with string keys) or an array of [key, value] pairs. */
static int
json_to_datum(sqlite3_stmt *st, int idx, struct ovsdb_datum *d,
	      const struct ovsdb_type *t, char **why)
{
	bool map = ovsdb_type_is_map(t);
	bool object = map && t->key.type == OVSDB_T_STRING;
	json_error_t jerr;
	json_t *j;
	int r = 0;

	/* The type first: reading the text converts the value. */
	if (sqlite3_column_type(st, idx) != SQLITE_TEXT) {
		char *v = describe_value(st, idx);
		why_bad(why, "%s is not JSON text", v);
		free(v);
		return -EINVAL;
	}
	const char *text = (const char *)sqlite3_column_text(st, idx);
	/* Most sets and maps are empty: no parser for them (start-up reads
	 * every column of every row). */
	if (!strcmp(text, object ? "{}" : "[]"))
		return 0;
	if (!(j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr)))
		return why_bad(why, "bad JSON (%s)", jerr.text);
	if (object ? !json_is_object(j) : !json_is_array(j)) {
		json_decref(j);
		return why_bad(why, "a JSON %s expected",
			       object ? "object" : "array");
	}
	size_t n = object ? json_object_size(j) : json_array_size(j);
	d->keys = xcalloc(n ? n : 1, sizeof *d->keys);
	if (map)
		d->values = xcalloc(n ? n : 1, sizeof *d->values);
	if (object) {
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v)
		{
			if ((r = element_to_atoms(v, k, t, d)))
				break;
		}
	} else {
		for (size_t i = 0; i < n && !r; i++)
			r = element_to_atoms(json_array_get(j, i), NULL, t, d);
	}
	if (r && map)
		why_bad(why, "element %u is not a (%s, %s) pair", d->n + 1,
			ovsdb_atype_name(t->key.type),
			ovsdb_atype_name(t->value.type));
	else if (r)
		why_bad(why, "element %u is not %s", d->n + 1,
			a_type(t->key.type));
	else if (ovsdb_datum_sort(d, t, NULL)) {
		r = why_bad(why, map ? "duplicate key" : "duplicate element");
	}
	json_decref(j);
	return r;
}

/* Decodes column @idx of the current row into @d for column @c. */
static int
column_to_datum(sqlite3_stmt *st, int idx, struct ovsdb_datum *d,
		const struct ovsdb_column *c, char **why)
{
	const struct ovsdb_type *t = &c->type;

	ovsdb_datum_destroy(d, t);
	if (!is_scalar_col(c))
		return json_to_datum(st, idx, d, t, why);
	d->keys = xmalloc(sizeof *d->keys);
	if (scalar_to_atom(st, idx, t->key.type, &d->keys[0])) {
		char *v = describe_value(st, idx);
		free(d->keys);
		d->keys = NULL;
		why_bad(why, "%s is not %s", v, a_type(t->key.type));
		free(v);
		return -EINVAL;
	}
	d->n = 1;
	return 0;
}

/* ---- open, load, write ---- */

static int
prepare_one(struct ovsdb_storage *st, struct ds *sql, sqlite3_stmt **stmtp,
	    const char *what, struct ovsdb_error **errp)
{
	int rc = sqlite3_prepare_v3(st->sql, ds_cstr(sql), -1,
				    SQLITE_PREPARE_PERSISTENT, stmtp, NULL);
	ds_free(sql);
	return rc == SQLITE_OK ? 0 : sql_err(errp, st->sql, what);
}

static int
prepare(struct ovsdb_storage *st, const struct ovsdb_schema *schema,
	struct ovsdb_error **errp)
{
	int r;
	st->n_tables = schema->n_tables;
	st->ins = xcalloc(st->n_tables + 1, sizeof *st->ins);
	st->ins_bound = xcalloc(st->n_tables + 1, sizeof *st->ins_bound);
	st->upd = xcalloc((st->n_tables + 1) * UPD_CACHE, sizeof *st->upd);
	st->del = xcalloc(st->n_tables + 1, sizeof *st->del);
	for (unsigned t = 0; t < schema->n_tables; t++) {
		const struct ovsdb_table_schema *ts = &schema->tables[t];
		struct ds s = DS_EMPTY, v = DS_EMPTY;
		int idx = 4;
		/* ?1 rowid, ?2 _uuid, ?3 _version, ?4... stored columns. */
		ds_printf(&s, "INSERT INTO \"%s\" (rowid, _uuid, _version",
			  ts->name);
		ds_put(&v, "?1, ?2, ?3");
		for (unsigned c = 2; c < ts->n_columns; c++)
			if (stored(&ts->columns[c])) {
				ds_printf(&s, ", \"%s\"", ts->columns[c].name);
				ds_printf(&v, ", ?%d", idx++);
			}
		ds_printf(&s, ") VALUES (%s)", ds_cstr(&v));
		ds_free(&v);
		if ((r = prepare_one(st, &s, &st->ins[t], ts->name, errp)))
			return r;
		st->ins_bound[t] = xcalloc((size_t)idx, 1);
		ds_printf(&s, "DELETE FROM \"%s\" WHERE rowid = ?1", ts->name);
		if ((r = prepare_one(st, &s, &st->del[t], ts->name, errp)))
			return r;
	}
	if (sqlite3_prepare_v3(st->sql, "BEGIN IMMEDIATE", -1,
			       SQLITE_PREPARE_PERSISTENT, &st->begin,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(st->sql, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT,
			       &st->commit, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(st->sql, "ROLLBACK", -1,
			       SQLITE_PREPARE_PERSISTENT, &st->rollback,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(st->sql, "PRAGMA synchronous=FULL", -1,
			       SQLITE_PREPARE_PERSISTENT, &st->sync_full,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(st->sql, "PRAGMA synchronous=NORMAL", -1,
			       SQLITE_PREPARE_PERSISTENT, &st->sync_normal,
			       NULL) != SQLITE_OK)
		return sql_err(errp, st->sql, "prepare");
	return 0;
}

/* Reads the current row of @q into @table, or refuses it. */
static int
load_row(struct ovsdb_table *table, sqlite3_stmt *q, struct ovsdb_error **errp)
{
	const struct ovsdb_table_schema *ts = table->schema;
	int64_t rowid = sqlite3_column_int64(q, 2);
	union ovsdb_atom u, v;
	char name[40], *why = NULL;
	int col = 3, r;

	if (scalar_to_atom(q, 0, OVSDB_T_UUID, &u)) {
		char *val = describe_value(q, 0);
		snprintf(name, sizeof name, "with rowid %lld",
			 (long long)rowid);
		r = ovsdb_check_error(errp, "syntax error", table, name,
				      "_uuid", "%s is not a UUID", val);
		free(val);
		return r;
	}
	ovsdb_uuid_format(&u.u, name);
	if (ovsdb_table_find_row(table, &u.u))
		return ovsdb_check_error(errp, "syntax error", table, name,
					 "_uuid", "stored twice (rowid %lld)",
					 (long long)rowid);
	if (scalar_to_atom(q, 1, OVSDB_T_UUID, &v)) {
		char *val = describe_value(q, 1);
		r = ovsdb_check_error(errp, "syntax error", table, name,
				      "_version", "%s is not a UUID", val);
		free(val);
		return r;
	}
	struct ovsdb_row *row = ovsdb_row_new(table, &u.u);
	row->fields[OVSDB_COL_VERSION].keys[0].u = v.u;
	row->rowid = rowid;
	for (unsigned c = 2; c < ts->n_columns; c++) {
		if (!stored(&ts->columns[c]))
			continue;
		if (column_to_datum(q, col++, &row->fields[c], &ts->columns[c],
				    &why)) {
			r = ovsdb_check_error(errp, "syntax error", table, name,
					      ts->columns[c].name, "%s", why);
			free(why);
			ovsdb_row_free(row);
			return r;
		}
	}
	if ((r = ovsdb_check_row(row, errp))) {
		ovsdb_row_free(row);
		return r;
	}
	ovsdb_table_put_row(table, row);
	return 0;
}

static int
load_table(struct ovsdb_storage *st, struct ovsdb_table *table,
	   struct ovsdb_error **errp)
{
	const struct ovsdb_table_schema *ts = table->schema;
	struct ds s = DS_EMPTY;
	sqlite3_stmt *q;
	int rc, r = 0;

	ds_put(&s, "SELECT _uuid, _version, rowid");
	for (unsigned c = 2; c < ts->n_columns; c++)
		if (stored(&ts->columns[c]))
			ds_printf(&s, ", \"%s\"", ts->columns[c].name);
	ds_printf(&s, " FROM \"%s\"", ts->name);
	rc = sqlite3_prepare_v2(st->sql, ds_cstr(&s), -1, &q, NULL);
	ds_free(&s);
	if (rc != SQLITE_OK)
		return sql_err(errp, st->sql, ts->name);
	while (!r && (rc = sqlite3_step(q)) == SQLITE_ROW)
		r = load_row(table, q, errp);
	sqlite3_finalize(q);
	if (r)
		return r;
	return rc == SQLITE_DONE ? 0 : sql_err(errp, st->sql, ts->name);
}

int
ovsdb_storage_open(const char *path, bool read_only, struct ovsdb_db **dbp,
		   struct ovsdb_error **errp)
{
	struct ovsdb_storage *st = xzalloc(sizeof *st);
	struct ovsdb_schema *schema = NULL;
	struct ovsdb_db *db = NULL;
	int r;

	*dbp = NULL;
	st->path = xstrdup(path);
	st->read_only = read_only;
	if (access(path, F_OK)) {
		r = ovsdb_err_code(errp, -errno, "I/O error", NULL,
				   "%s: open failed (%s)", path,
				   strerror(errno));
		goto fail;
	}
	if ((r = open_sql(path,
			  read_only ? SQLITE_OPEN_READONLY
				    : SQLITE_OPEN_READWRITE,
			  &st->sql, errp)))
		goto fail;
	if (!read_only &&
	    ((r = exec_sql(st->sql, "PRAGMA journal_mode=WAL", errp)) ||
	     (r = exec_sql(st->sql, "PRAGMA synchronous=NORMAL", errp))))
		goto fail;
	if ((r = load_schema(st->sql, path, &schema, errp)))
		goto fail;
	db = ovsdb_db_new(schema);
	for (unsigned t = 0; t < schema->n_tables; t++)
		if ((r = load_table(st, &db->tables[t], errp)))
			goto fail;
	if ((r = ovsdb_check_links(db, errp))) /* counts n_refs too */
		goto fail;
	if (!read_only && (r = prepare(st, schema, errp)))
		goto fail;
	if (!read_only)
		sqlite3_wal_hook(st->sql, on_wal_commit, st);
	db->storage = st;
	st->db = db;
	*dbp = db;
	return 0;

fail:
	if (db)
		ovsdb_db_free(db);
	ovsdb_storage_close(st);
	return r;
}

int
ovsdb_storage_check(const char *path, struct ovsdb_error **errp)
{
	struct ovsdb_db *db;
	sqlite3_stmt *q = NULL;
	struct ds bad = DS_EMPTY;
	sqlite3 *sql;
	int r, rc;

	if (access(path, F_OK))
		return ovsdb_err_code(errp, -errno, "I/O error", NULL,
				      "%s: open failed (%s)", path,
				      strerror(errno));
	if ((r = open_sql(path, SQLITE_OPEN_READONLY, &sql, errp)))
		return r;
	/* Every page, b-tree and free list; "ok" alone when all is well. */
	rc = sqlite3_prepare_v2(sql, "PRAGMA integrity_check(10)", -1, &q,
				NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(q, 0);
		if (line && strcmp(line, "ok"))
			ds_printf(&bad, "%s%s", bad.len ? "; " : "", line);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		r = sql_err(errp, sql, "integrity_check");
	else if (bad.len)
		r = ovsdb_err_code(errp, -EIO, "I/O error", NULL,
				   "%s: SQLite file damaged: %s", path,
				   ds_cstr(&bad));
	sqlite3_finalize(q);
	sqlite3_close(sql);
	ds_free(&bad);
	if (r)
		return r;
	if ((r = ovsdb_storage_open(path, true, &db, errp)))
		return r;
	ovsdb_db_free(db);
	return 0;
}

static void
finalize_all(struct ovsdb_storage *st)
{
	for (unsigned t = 0; st->ins && t < st->n_tables; t++) {
		sqlite3_finalize(st->ins[t]);
		free(st->ins_bound[t]);
		for (unsigned k = 0; k < UPD_CACHE; k++) {
			sqlite3_finalize(st->upd[t * UPD_CACHE + k].s);
			free(st->upd[t * UPD_CACHE + k].cols);
		}
		sqlite3_finalize(st->del[t]);
	}
	sqlite3_finalize(st->begin);
	sqlite3_finalize(st->commit);
	sqlite3_finalize(st->rollback);
	sqlite3_finalize(st->sync_full);
	sqlite3_finalize(st->sync_normal);
	free(st->ins);
	free(st->ins_bound);
	free(st->upd);
	free(st->del);
}

void
ovsdb_storage_close(struct ovsdb_storage *st)
{
	if (!st)
		return;
	if (st->in_batch || st->batch_lost) {
		struct ovsdb_error *e = NULL;
		if (ovsdb_storage_flush(st, &e))
			log_err("%s: %s", st->path,
				e && e->details ? e->details : "flush failed");
		ovsdb_error_free(e);
	}
	finalize_all(st);
	sqlite3_close(st->sql);
	ds_free(&st->scratch);
	hmap_destroy(&st->dirty);
	free(st->path);
	free(st);
}

const char *
ovsdb_storage_path(const struct ovsdb_storage *st)
{
	return st->path;
}

static int
step_reset(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : rc;
}

/* Whether column @c is written by an UPDATE for @changed (NULL: all). */
static bool
upd_sets(const struct ovsdb_table_schema *ts, unsigned c,
	 const unsigned char *changed)
{
	return stored(&ts->columns[c]) && (!changed || changed[c]);
}

/* The UPDATE of table @ts setting _version (?2) and the columns @changed
 * flags (?3...), by rowid (?1): from the cache, or prepared into the
 * least recently used slot.  NULL if SQLite cannot prepare it. */
static sqlite3_stmt *
upd_stmt(struct ovsdb_storage *st, const struct ovsdb_table_schema *ts,
	 const unsigned char *changed)
{
	struct upd_stmt *slots = &st->upd[ts->index * UPD_CACHE], *u = slots;

	for (unsigned k = 0; k < UPD_CACHE; k++) {
		struct upd_stmt *x = &slots[k];
		bool same = x->s != NULL;
		for (unsigned c = 2; same && c < ts->n_columns; c++)
			same = x->cols[c] == upd_sets(ts, c, changed);
		if (same) {
			x->used = ++st->upd_clock;
			return x->s;
		}
		if (!x->s || x->used < u->used)
			u = x;
	}
	struct ds sql = DS_EMPTY;
	int idx = 3;
	sqlite3_finalize(u->s);
	u->s = NULL;
	if (!u->cols)
		u->cols = xcalloc(ts->n_columns, 1);
	ds_printf(&sql, "UPDATE \"%s\" SET _version = ?2", ts->name);
	for (unsigned c = 2; c < ts->n_columns; c++) {
		u->cols[c] = upd_sets(ts, c, changed);
		if (u->cols[c])
			ds_printf(&sql, ", \"%s\" = ?%d", ts->columns[c].name,
				  idx++);
	}
	ds_put(&sql, " WHERE rowid = ?1");
	if (sqlite3_prepare_v3(st->sql, ds_cstr(&sql), -1,
			       SQLITE_PREPARE_PERSISTENT, &u->s,
			       NULL) != SQLITE_OK)
		u->s = NULL;
	ds_free(&sql);
	u->used = ++st->upd_clock;
	return u->s;
}

/* Writes @r: an UPDATE of the columns flagged in @changed (NULL: all) of
 * the stored row @rowid, or (@rowid 0) an INSERT of every column;
 * *@rowidp gets the row's rowid.  0 or an SQLite error code.  Parameters
 * may stay bound to the row's strings after it returns: every one that
 * is not an empty set or map is bound again before the next step. */
static int
put_row(struct ovsdb_storage *st, const struct ovsdb_row *r, int64_t rowid,
	const unsigned char *changed, int64_t *rowidp)
{
	const struct ovsdb_table_schema *ts = r->table->schema;
	unsigned char *bound = rowid ? NULL : st->ins_bound[ts->index];
	sqlite3_stmt *s;
	char u[37], v[37];
	int idx;

	if (rowid) {
		if (!(s = upd_stmt(st, ts, changed)))
			return SQLITE_ERROR;
		sqlite3_bind_int64(s, 1, rowid);
		idx = 2;
	} else {
		s = st->ins[ts->index];
		sqlite3_bind_null(s, 1);
		ovsdb_uuid_format(ovsdb_row_uuid(r), u);
		sqlite3_bind_text(s, 2, u, -1, SQLITE_STATIC);
		idx = 3;
	}
	ovsdb_uuid_format(&r->fields[OVSDB_COL_VERSION].keys[0].u, v);
	sqlite3_bind_text(s, idx++, v, -1, SQLITE_STATIC);
	for (unsigned c = 2; c < ts->n_columns; c++) {
		const struct ovsdb_column *col = &ts->columns[c];
		const struct ovsdb_datum *d = &r->fields[c];

		if (rowid ? !upd_sets(ts, c, changed) : !stored(col))
			continue;
		if (bound && !d->n && !is_scalar_col(col)) {
			int want = ovsdb_type_is_map(&col->type) &&
						   col->type.key.type ==
							   OVSDB_T_STRING
					   ? BOUND_EMPTY_OBJECT
					   : BOUND_EMPTY_ARRAY;
			if (bound[idx] != want) {
				bind_datum(s, idx, d, col, &st->scratch);
				bound[idx] = (unsigned char)want;
			}
		} else {
			bind_datum(s, idx, d, col, &st->scratch);
			if (bound)
				bound[idx] = BOUND_OTHER;
		}
		idx++;
	}
	int rc = step_reset(s);
	if (!rc)
		*rowidp = rowid ? rowid : sqlite3_last_insert_rowid(st->sql);
	return rc;
}

/* Sets synchronous=FULL (fsync at COMMIT) or back to NORMAL. */
static void
set_sync(struct ovsdb_storage *st, bool full)
{
	if (full == st->full_sync)
		return;
	step_reset(full ? st->sync_full : st->sync_normal);
	st->full_sync = full;
}

/* Rolls the open SQLite transaction back after a failed write. */
static void
abandon_batch(struct ovsdb_storage *st, bool had_writes)
{
	step_reset(st->rollback);
	st->in_batch = false;
	st->batch_durable = false;
	if (had_writes)
		st->batch_lost = true;
}

/* The batch's entry for the row @uuid of @t, if any. */
static struct dirty_row *
dirty_find(struct ovsdb_storage *st, const struct ovsdb_table *t,
	   const struct ovsdb_uuid *uuid)
{
	for (struct hnode *n =
		     hmap_first_with_hash(&st->dirty, ovsdb_uuid_hash(uuid));
	     n; n = hmap_next_with_hash(n)) {
		struct dirty_row *d = HMAP_CONTAINER(n, struct dirty_row, node);
		if (d->table == t && ovsdb_uuid_eq(&d->uuid, uuid))
			return d;
	}
	return NULL;
}

/* Notes @tr's row in the batch. */
static void
dirty_add(struct ovsdb_storage *st, const struct ovsdb_txn_row *tr)
{
	unsigned n = tr->table->schema->n_columns;
	struct dirty_row *d = dirty_find(st, tr->table, &tr->uuid);

	if (!d) {
		int64_t rowid = tr->old ? tr->old->rowid : 0;
		/* A row new to the file is inserted whole: no mask. */
		d = xzalloc(sizeof *d + (rowid ? n : 0));
		d->table = tr->table;
		d->uuid = tr->uuid;
		d->rowid = rowid;
		hmap_insert(&st->dirty, &d->node, ovsdb_uuid_hash(&d->uuid));
	} else if (!tr->old) {
		d->all = true; /* deleted by an earlier commit */
	}
	if (!d->rowid)
		return;
	if (!tr->changed)
		d->all = true;
	else
		for (unsigned c = 0; c < n; c++)
			d->changed[c] |= tr->changed[c];
}

/* Writes every row of the batch, deletions first, and forgets them.  0
 * or an SQLite error code. */
static int
dirty_write(struct ovsdb_storage *st)
{
	int rc = 0;

	for (int pass = 0; pass < 2; pass++) {
		struct hnode *n, *next;
		for (n = hmap_first(&st->dirty); n; n = next) {
			struct dirty_row *d =
				HMAP_CONTAINER(n, struct dirty_row, node);
			struct ovsdb_row *r =
				ovsdb_table_find_row(d->table, &d->uuid);
			next = hmap_next(&st->dirty, n);
			if (!rc && !pass && !r && d->rowid) {
				sqlite3_stmt *s =
					st->del[d->table->schema->index];
				sqlite3_bind_int64(s, 1, d->rowid);
				rc = step_reset(s);
			} else if (!rc && pass && r) {
				rc = put_row(st, r, d->rowid,
					     d->all ? NULL : d->changed,
					     &r->rowid);
			}
			if (pass) {
				hmap_remove(&st->dirty, n);
				free(d);
			}
		}
	}
	return rc;
}

int
ovsdb_storage_write(struct ovsdb_storage *st, struct ovsdb_db *db,
		    const struct ovsdb_txn *txn, bool durable,
		    struct ovsdb_error **errp)
{
	bool had_writes = st->in_batch;
	int rc;
	(void)db;
	if (st->read_only)
		return ovsdb_err_code(errp, -EROFS, "I/O error", NULL,
				      "%s: database is read-only", st->path);
	if (!st->in_batch) {
		/* Takes the write lock now: a file another process keeps
		 * locked fails this commit, not a later flush. */
		if ((rc = step_reset(st->begin)))
			return sql_err(errp, st->sql, "begin");
		st->in_batch = true;
	}
	if (durable)
		st->batch_durable = true;
	if (st->batching) {
		/* Written at the flush: a row that several commits of the
		 * batch change (next_cfg, a counter) is written once. */
		if (!st->dirty.buckets)
			hmap_init(&st->dirty);
		for (const struct ovsdb_txn_row *tr = ovsdb_txn_first(txn); tr;
		     tr = tr->next_in_order)
			dirty_add(st, tr);
		return 0;
	}
	for (const struct ovsdb_txn_row *tr = ovsdb_txn_first(txn); tr;
	     tr = tr->next_in_order) {
		/* A row deleted and inserted again under the same UUID
		 * reuses the stored row: changed[] is relative to old. */
		int64_t rowid = tr->old ? tr->old->rowid : 0;
		if (tr->new_) {
			rc = put_row(st, tr->new_, rowid, tr->changed,
				     &tr->new_->rowid);
		} else {
			sqlite3_stmt *s = st->del[tr->table->schema->index];
			sqlite3_bind_int64(s, 1, rowid);
			rc = step_reset(s);
		}
		if (rc) {
			int r = sql_err(errp, st->sql, "write");
			abandon_batch(st, had_writes);
			return r;
		}
	}
	return ovsdb_storage_flush(st, errp);
}

/* Replaces SQLite's automatic checkpoint (which runs inside the COMMIT
 * that crosses CHECKPOINT_FRAMES, with its fsyncs) while batching: the
 * server checkpoints after it sent the answers (ovsdb_storage_checkpoint). */
static int
on_wal_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct ovsdb_storage *st = arg;
	st->wal_frames = frames;
	if (!st->batching && frames >= CHECKPOINT_FRAMES)
		sqlite3_wal_checkpoint(db, name);
	return SQLITE_OK;
}

int
ovsdb_storage_checkpoint(struct ovsdb_storage *st)
{
	if (st->read_only || st->in_batch || st->wal_frames < CHECKPOINT_FRAMES)
		return 0;
	st->wal_frames = 0;
	/* PASSIVE, as SQLite's own: never waits for readers (sqlite3). */
	int rc = sqlite3_wal_checkpoint_v2(
		st->sql, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? 0 : -EIO;
}

void
ovsdb_storage_set_batching(struct ovsdb_storage *st, bool on)
{
	st->batching = on;
	if (!on && st->in_batch) {
		struct ovsdb_error *e = NULL;
		if (ovsdb_storage_flush(st, &e))
			log_err("%s: %s", st->path,
				e && e->details ? e->details : "flush failed");
		ovsdb_error_free(e);
	}
}

bool
ovsdb_storage_pending(const struct ovsdb_storage *st)
{
	return st->in_batch || st->batch_lost;
}

int
ovsdb_storage_flush(struct ovsdb_storage *st, struct ovsdb_error **errp)
{
	if (st->batch_lost) {
		st->batch_lost = false;
		return ovsdb_err_code(errp, -EIO, "I/O error", NULL,
				      "%s: a write failed, its group of "
				      "commits was rolled back",
				      st->path);
	}
	if (!st->in_batch)
		return 0;
	if (st->dirty.n && dirty_write(st)) {
		int r = sql_err(errp, st->sql, "write");
		abandon_batch(st, st->batching);
		return r;
	}
	/* synchronous is read when COMMIT writes the WAL, so setting it
	 * inside the transaction applies to this commit. */
	set_sync(st, st->batch_durable);
	if (step_reset(st->commit)) {
		int r = sql_err(errp, st->sql, "commit");
		/* With batching, whoever flushes next (compact, then the
		 * server) must learn that the batch is gone too. */
		abandon_batch(st, st->batching);
		return r;
	}
	st->in_batch = false;
	st->batch_durable = false;
	return 0;
}

static int
reload_rowids(struct ovsdb_storage *st, struct ovsdb_table *table,
	      struct ovsdb_error **errp)
{
	char *sql = xasprintf("SELECT rowid, _uuid FROM \"%s\"",
			      table->schema->name);
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->sql, sql, -1, &q, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return sql_err(errp, st->sql, table->schema->name);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *us = (const char *)sqlite3_column_text(q, 1);
		struct ovsdb_uuid u;
		struct ovsdb_row *r;
		if (us && ovsdb_uuid_from_string(us, &u) &&
		    (r = ovsdb_table_find_row(table, &u)))
			r->rowid = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : sql_err(errp, st->sql, "rowids");
}

int
ovsdb_storage_compact(struct ovsdb_storage *st, struct ovsdb_error **errp)
{
	int r = ovsdb_storage_flush(st, errp);
	if (r)
		return r;
	r = exec_sql(st->sql, "VACUUM", errp);
	if (!r)
		r = exec_sql(st->sql, "PRAGMA wal_checkpoint(TRUNCATE)", errp);
	/* VACUUM may renumber rowids of tables without an INTEGER
	 * PRIMARY KEY: read them again. */
	for (unsigned t = 0; !r && st->db && t < st->n_tables; t++)
		r = reload_rowids(st, &st->db->tables[t], errp);
	return r;
}

int
ovsdb_storage_save_as(struct ovsdb_db *db, const char *path,
		      struct ovsdb_error **errp)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	struct ovsdb_storage st = { 0 };
	int r;

	unlink(tmp);
	if ((r = ovsdb_storage_create(tmp, db->schema, errp)))
		goto out;
	if ((r = open_sql(tmp, SQLITE_OPEN_READWRITE, &st.sql, errp)))
		goto out;
	st.path = tmp;
	if ((r = prepare(&st, db->schema, errp)) ||
	    (r = exec_sql(st.sql, "BEGIN", errp)))
		goto out;
	for (unsigned t = 0; t < db->schema->n_tables && !r; t++) {
		struct hnode *n;
		HMAP_FOR_EACH (n, &db->tables[t].rows) {
			int64_t rowid;
			if (put_row(&st,
				    HMAP_CONTAINER(n, struct ovsdb_row, node),
				    0, NULL, &rowid)) {
				r = sql_err(errp, st.sql, "write");
				break;
			}
		}
	}
	if (!r)
		r = exec_sql(st.sql, "COMMIT", errp);
	if (!r)
		r = exec_sql(st.sql, "PRAGMA wal_checkpoint(TRUNCATE)", errp);
out:
	finalize_all(&st);
	if (st.sql)
		sqlite3_close(st.sql);
	ds_free(&st.scratch);
	if (!r && rename(tmp, path)) {
		r = ovsdb_err_code(errp, -errno, "I/O error", NULL,
				   "%s: rename failed (%s)", path,
				   strerror(errno));
	}
	if (r)
		unlink(tmp);
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	if (!r) {
		unlink(wal);
		unlink(shm);
	}
	free(wal);
	free(shm);
	free(tmp);
	return r;
}
