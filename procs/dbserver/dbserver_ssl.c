/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_ssl: the PKI settings of pssl: and ssl: remotes (-p, -c, -C,
 * --bootstrap-ca-cert, --peer-ca-cert, --ssl-protocols, --ssl-ciphers),
 * each a value or db:DB,TABLE,COLUMN, which names the first non-empty
 * string of that column, as Open vSwitch's start-up uses them
 * (--private-key=db:Open_vSwitch,SSL,private_key...).  The TLS context is
 * built again when a value or a file's modification time changed, so a
 * set-ssl or a renewed certificate applies to the next connection; the
 * connections already up keep theirs.
 *
 * The files are read as the role's user except at start-up, which runs
 * before the privilege drop: files given on the command line may be
 * root's, files named later by the database must be readable by
 * microvs-db.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "tls.h"

LOG_MODULE(dbserver_ssl);

struct dbserver_ssl {
	char *key;	     /* the settings the context was built from */
	struct tls_ctx *ctx; /* NULL: not usable (logged) */
};

/* The value @spec stands for (caller frees), NULL if none. */
static char *
resolve(struct dbserver *srv, const char *spec)
{
	struct dbserver_db *db;
	const struct ovsdb_table_schema *ts;
	const struct ovsdb_column *col;
	struct hnode *n;

	if (!spec || strncmp(spec, "db:", 3))
		return spec ? xstrdup(spec) : NULL;
	if (dbserver_db_column(srv, spec, &db, &ts, &col) ||
	    col->type.key.type != OVSDB_T_STRING ||
	    ovsdb_type_is_map(&col->type))
		return NULL;
	HMAP_FOR_EACH (n, &ovsdb_db_table(db->db, ts)->rows) {
		const struct ovsdb_row *r =
			HMAP_CONTAINER(n, struct ovsdb_row, node);
		const struct ovsdb_datum *d = &r->fields[col->index];
		for (unsigned i = 0; i < d->n; i++)
			if (d->keys[i].s[0])
				return xstrdup(d->keys[i].s);
	}
	return NULL;
}

/* Appends @v and, for a file, its modification time. */
static void
key_add(struct ds *key, const char *v, bool file)
{
	struct stat st;

	ds_printf(key, "%s\n", v ? v : "");
	if (file && v && !stat(v, &st))
		ds_printf(key, "%lld.%ld\n", (long long)st.st_mtim.tv_sec,
			  st.st_mtim.tv_nsec);
}

struct tls_ctx *
dbserver_ssl_ctx(struct dbserver *srv, bool quiet)
{
	const struct dbserver_ssl_opts *o = &srv->opts.ssl;
	struct dbserver_ssl *s = srv->ssl;
	struct tls_opts t = { .bootstrap = o->bootstrap };
	char *v[6], *err = NULL;
	struct ds key = DS_EMPTY;

	if (!s)
		s = srv->ssl = xzalloc(sizeof *s);
	t.private_key = v[0] = resolve(srv, o->private_key);
	t.certificate = v[1] = resolve(srv, o->certificate);
	t.ca_cert = v[2] = resolve(srv, o->ca_cert);
	t.peer_ca_cert = v[3] = resolve(srv, o->peer_ca_cert);
	t.protocols = v[4] = resolve(srv, o->protocols);
	t.ciphers = v[5] = resolve(srv, o->ciphers);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		key_add(&key, v[i], i < 4);
	if (!s->key || strcmp(s->key, ds_cstr(&key))) {
		struct tls_ctx *c = NULL;
		free(s->key);
		s->key = ds_steal(&key);
		if (tls_ctx_new(&t, &c, &err) && quiet) {
			/* Try (and tell) again when it is needed. */
			free(s->key);
			s->key = NULL;
		} else if (!c) {
			log_err("SSL: %s", err);
		} else
			log_info("SSL: using private key %s, certificate %s, "
				 "CA certificate %s%s",
				 t.private_key, t.certificate, t.ca_cert,
				 tls_ctx_bootstrapping(c) ? " (bootstrapping)"
							  : "");
		tls_ctx_unref(s->ctx);
		s->ctx = c;
		free(err);
	}
	ds_free(&key);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		free(v[i]);
	return s->ctx;
}

void
dbserver_ssl_free(struct dbserver *srv)
{
	struct dbserver_ssl *s = srv->ssl;

	if (!s)
		return;
	tls_ctx_unref(s->ctx);
	free(s->key);
	free(s);
	srv->ssl = NULL;
}
