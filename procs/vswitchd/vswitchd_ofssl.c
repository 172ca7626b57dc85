/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofssl: the TLS context of ssl: and pssl: controllers, from the
 * SSL row that Open_vSwitch.ssl names (private_key, certificate, ca_cert,
 * bootstrap_ca_cert: what `ovs-vsctl set-ssl` writes), as ovs-vswitchd
 * takes it.  Open vSwitch 3.1 reads ssl_protocols and ssl_ciphers only
 * from ovs-vswitchd's command line, not from the database, so the
 * context uses lib/tls's defaults for them.
 *
 * The context is built again when the row's values or a file's
 * modification time changed (a set-ssl, a renewed certificate, a CA
 * saved by bootstrapping), and only when a connection needs it: the
 * connections already up keep theirs.  vswitchd holds no capability and
 * reads the files as its own user; a file it cannot read makes the
 * context unusable, which is logged once per change and refuses every
 * SSL connection until the row or the file changes.
 */
#include "ofconn.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "replica.h"
#include "tls.h"

LOG_MODULE(vswitchd_ofssl);

struct ofssl {
	char *key;	     /* the settings the context was built from */
	struct tls_ctx *ctx; /* NULL: unusable */
	char *why;	     /* why it is unusable */
};

/* Appends @v and, if it names a file, its modification time. */
static void
key_add(struct ds *key, const char *v, bool file)
{
	struct stat st;

	ds_printf(key, "%s\n", v);
	if (file && *v && !stat(v, &st))
		ds_printf(key, "%lld.%ld\n", (long long)st.st_mtim.tv_sec,
			  st.st_mtim.tv_nsec);
}

struct tls_ctx *
ofssl_ctx(struct vswd *d, const char **whyp)
{
	const struct ovsdb_row *ovs = vswd_ovs_row(d);
	const struct ovsdb_datum *ref = ovs ? replica_get(ovs, "ssl") : NULL;
	const struct ovsdb_row *row =
		ref && ref->n ? vswd_row_by_uuid(d, "SSL", &ref->keys[0].u)
			      : NULL;
	const struct ovsdb_datum *boot =
		row ? replica_get(row, "bootstrap_ca_cert") : NULL;
	struct tls_opts o = {
		.private_key = vswd_str(row, "private_key"),
		.certificate = vswd_str(row, "certificate"),
		.ca_cert = vswd_str(row, "ca_cert"),
		.bootstrap = boot && boot->n && boot->keys[0].b,
	};
	struct ofssl *s = d->of->ssl;
	struct ds key = DS_EMPTY;
	char *err = NULL;

	if (!s)
		s = d->of->ssl = xzalloc(sizeof *s);
	key_add(&key, o.private_key, true);
	key_add(&key, o.certificate, true);
	key_add(&key, o.ca_cert, true);
	ds_printf(&key, "%d\n", o.bootstrap);
	if (s->key && !strcmp(s->key, ds_cstr(&key))) {
		ds_free(&key);
		*whyp = s->why;
		return s->ctx;
	}
	free(s->key);
	s->key = ds_steal(&key);
	tls_ctx_unref(s->ctx);
	s->ctx = NULL;
	free(s->why);
	s->why = NULL;
	/* lib/tls takes "" as a file name: unset is NULL to it. */
	if (!*o.private_key)
		o.private_key = NULL;
	if (!*o.certificate)
		o.certificate = NULL;
	if (!*o.ca_cert)
		o.ca_cert = NULL;
	if (tls_ctx_new(&o, &s->ctx, &err)) {
		s->why = err;
		log_err("SSL: %s", err);
	} else {
		log_info("SSL: using private key %s, certificate %s, CA "
			 "certificate %s%s",
			 o.private_key, o.certificate, o.ca_cert,
			 tls_ctx_bootstrapping(s->ctx) ? " (bootstrapping)"
						       : "");
	}
	*whyp = s->why;
	return s->ctx;
}
