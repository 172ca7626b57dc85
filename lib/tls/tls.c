/* SPDX-License-Identifier: Apache-2.0 */
/* tls: TLS contexts and streams on OpenSSL (see tls.h). */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

LOG_MODULE(tls);

#define DEFAULT_CIPHERS "HIGH:!aNULL:!MD5"
/* Records are at most 16 KiB: larger writes gain nothing. */
#define MAX_WRITE 16384

struct tls_ctx {
	unsigned refs;
	SSL_CTX *ssl;
	char *bootstrap_file; /* set while bootstrapping */
};

struct tls_stream {
	struct tls_ctx *ctx;
	SSL *ssl;
	enum tls_role role;
	bool handshaken;
	bool failed; /* no close_notify on free */
	uint32_t wants;
	char err[256];
};

/* Protocol names of --ssl-protocols, and the option that disables each. */
static const struct {
	const char *name;
	uint64_t no;
} protocols[] = {
	{ "TLSv1", SSL_OP_NO_TLSv1 },
	{ "TLSv1.1", SSL_OP_NO_TLSv1_1 },
	{ "TLSv1.2", SSL_OP_NO_TLSv1_2 },
};

/* The oldest error of OpenSSL's queue as "error:0A000086:...", and the
 * queue emptied. */
static void
ssl_error_text(char *buf, size_t n)
{
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, buf, n);
	else
		snprintf(buf, n, "unknown error");
	ERR_clear_error();
}

static int
fail(char **errp, int err, const char *fmt, const char *arg)
{
	char ssl[200];

	ssl_error_text(ssl, sizeof ssl);
	*errp = xasprintf(fmt, arg, ssl);
	return err;
}

/* Options that disable what @list (Open vSwitch's syntax) leaves out; -1
 * when a name is unknown (logged, as Open vSwitch does). */
static int64_t
parse_protocols(const char *list)
{
	uint64_t opts = SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 |
			SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3;
	char *copy = xstrdup(list), *save = NULL;
	bool any = false;

	for (char *w = strtok_r(copy, ", \t", &save); w;
	     w = strtok_r(NULL, ", \t", &save)) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(protocols); i++)
			if (!strcmp(w, protocols[i].name))
				break;
		if (i == ARRAY_SIZE(protocols)) {
			log_err("%s: SSL protocol not recognized", w);
			free(copy);
			return -1;
		}
		opts &= ~protocols[i].no;
		any = true;
	}
	free(copy);
	if (!any) {
		log_err("at least one SSL protocol must be enabled");
		return -1;
	}
	return (int64_t)opts;
}

/* Checks that @file exists; -errno with *@errp otherwise. */
static int
need_file(const char *file, const char *what, char **errp)
{
	struct stat st;

	if (!file || !*file) {
		*errp = xasprintf("%s must be configured to use SSL", what);
		return -EINVAL;
	}
	if (stat(file, &st) < 0) {
		int err = -errno;
		*errp = xasprintf("%s: stat: %s", file, strerror(errno));
		return err;
	}
	return 0;
}

/* Adds every certificate of @file to the chain sent to peers. */
static int
add_peer_certs(SSL_CTX *ssl, const char *file, char **errp)
{
	FILE *f = fopen(file, "r");
	X509 *x;
	int n = 0;

	if (!f) {
		int err = -errno;
		*errp = xasprintf("%s: open: %s", file, strerror(errno));
		return err;
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL))) {
		SSL_CTX_add_extra_chain_cert(ssl, x); /* takes @x */
		n++;
	}
	fclose(f);
	ERR_clear_error(); /* the end of the file */
	if (!n) {
		*errp = xasprintf("%s: no certificates", file);
		return -EINVAL;
	}
	return 0;
}

/* While bootstrapping, any peer passes; the handshake's end decides. */
static int
accept_any(int ok, X509_STORE_CTX *store)
{
	(void)ok;
	(void)store;
	return 1;
}

static int
set_ca(struct tls_ctx *c, const struct tls_opts *o, char **errp)
{
	struct stat st;
	int r;

	if (o->ca_cert && !strcmp(o->ca_cert, "none")) {
		SSL_CTX_set_verify(c->ssl, SSL_VERIFY_NONE, NULL);
		return 0;
	}
	if (o->bootstrap && o->ca_cert && *o->ca_cert &&
	    stat(o->ca_cert, &st) < 0 && errno == ENOENT) {
		c->bootstrap_file = xstrdup(o->ca_cert);
		SSL_CTX_set_verify(c->ssl, SSL_VERIFY_PEER, accept_any);
		return 0;
	}
	if ((r = need_file(o->ca_cert, "CA certificate", errp)))
		return r;
	if (SSL_CTX_load_verify_locations(c->ssl, o->ca_cert, NULL) != 1)
		return fail(errp, -EINVAL, "%s: %s", o->ca_cert);
	STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(o->ca_cert);
	if (names)
		SSL_CTX_set_client_CA_list(c->ssl, names);
	SSL_CTX_set_verify(c->ssl,
			   SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
			   NULL);
	return 0;
}

int
tls_ctx_new(const struct tls_opts *o, struct tls_ctx **cp, char **errp)
{
	struct tls_ctx *c = xzalloc(sizeof *c);
	int r;

	*cp = NULL;
	*errp = NULL;
	c->refs = 1;
	ERR_clear_error();
	c->ssl = SSL_CTX_new(TLS_method());
	if (!c->ssl) {
		r = fail(errp, -ENOMEM, "SSL_CTX_new%s: %s", "");
		goto out;
	}
	SSL_CTX_set_options(c->ssl, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 |
					    SSL_OP_NO_COMPRESSION |
					    SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* Our output buffers move and grow between retries. */
	SSL_CTX_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
					 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (o->protocols) {
		int64_t no = parse_protocols(o->protocols);
		if (no >= 0)
			SSL_CTX_set_options(c->ssl, (uint64_t)no);
	}
	if (SSL_CTX_set_cipher_list(
		    c->ssl, o->ciphers ? o->ciphers : DEFAULT_CIPHERS) != 1) {
		char e[200];
		ssl_error_text(e, sizeof e);
		log_err("SSL_CTX_set_cipher_list: %s", e);
		SSL_CTX_set_cipher_list(c->ssl, DEFAULT_CIPHERS);
	}
	if ((r = need_file(o->private_key, "Private key", errp)) ||
	    (r = need_file(o->certificate, "Certificate", errp)))
		goto out;
	if (SSL_CTX_use_PrivateKey_file(c->ssl, o->private_key,
					SSL_FILETYPE_PEM) != 1) {
		r = fail(errp, -EINVAL, "SSL_use_PrivateKey_file: %s: %s",
			 o->private_key);
		goto out;
	}
	if (SSL_CTX_use_certificate_chain_file(c->ssl, o->certificate) != 1) {
		r = fail(errp, -EINVAL, "SSL_use_certificate_file: %s: %s",
			 o->certificate);
		goto out;
	}
	if (SSL_CTX_check_private_key(c->ssl) != 1) {
		r = fail(errp, -EINVAL, "%s: private key does not match: %s",
			 o->certificate);
		goto out;
	}
	if (o->peer_ca_cert && *o->peer_ca_cert &&
	    (r = add_peer_certs(c->ssl, o->peer_ca_cert, errp)))
		goto out;
	r = set_ca(c, o, errp);
out:
	if (r) {
		tls_ctx_unref(c);
		return r;
	}
	*cp = c;
	return 0;
}

struct tls_ctx *
tls_ctx_ref(struct tls_ctx *c)
{
	c->refs++;
	return c;
}

void
tls_ctx_unref(struct tls_ctx *c)
{
	if (!c || --c->refs)
		return;
	SSL_CTX_free(c->ssl);
	free(c->bootstrap_file);
	free(c);
}

bool
tls_ctx_bootstrapping(const struct tls_ctx *c)
{
	return c->bootstrap_file != NULL;
}

int
tls_stream_new(struct tls_ctx *c, int fd, enum tls_role role,
	       struct tls_stream **sp)
{
	struct tls_stream *s = xzalloc(sizeof *s);

	ERR_clear_error();
	s->ssl = SSL_new(c->ssl);
	if (!s->ssl || SSL_set_fd(s->ssl, fd) != 1) {
		SSL_free(s->ssl);
		free(s);
		ERR_clear_error();
		return -ENOMEM;
	}
	if (role == TLS_SERVER)
		SSL_set_accept_state(s->ssl);
	else
		SSL_set_connect_state(s->ssl);
	s->ctx = tls_ctx_ref(c);
	s->role = role;
	*sp = s;
	return 0;
}

/* Maps the result @ret of SSL call @what to the stream's return value
 * (never > 0). */
static int
io_result(struct tls_stream *s, int ret, const char *what)
{
	int e = SSL_get_error(s->ssl, ret);
	char ssl[200];

	switch (e) {
	case SSL_ERROR_WANT_READ:
		s->wants = POLLIN;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		s->wants = POLLOUT;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		ERR_clear_error();
		return 0;
	case SSL_ERROR_SYSCALL:
		if (errno && ret < 0) {
			int err = errno == EPIPE ? EPIPE : errno;
			s->failed = true;
			snprintf(s->err, sizeof s->err, "%s: %s", what,
				 strerror(err));
			ERR_clear_error();
			return -err;
		}
		ERR_clear_error();
		/* End of file.  Before the handshake finished, the peer
		 * gave up on it. */
		if (s->handshaken)
			return 0;
		s->failed = true;
		snprintf(s->err, sizeof s->err,
			 "%s: unexpected SSL "
			 "connection close",
			 what);
		return -EPROTO;
	default:
		s->failed = true;
		ssl_error_text(ssl, sizeof ssl);
		snprintf(s->err, sizeof s->err, "%s: %s", what, ssl);
		return -EPROTO;
	}
}

/* Saves the self-signed certificate at the end of the peer's chain as
 * the context's CA and verifies against it from now on. */
static int
bootstrap(struct tls_stream *s)
{
	struct tls_ctx *c = s->ctx;
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(s->ssl);
	X509 *ca = NULL;
	FILE *f;
	int fd;

	s->failed = true;
	if (chain && sk_X509_num(chain) > 0)
		ca = sk_X509_value(chain, sk_X509_num(chain) - 1);
	if (!ca || X509_check_issued(ca, ca) != X509_V_OK) {
		snprintf(s->err, sizeof s->err,
			 "SSL peer sent no self-signed CA certificate to "
			 "bootstrap %s from",
			 c->bootstrap_file);
		return -EPROTO;
	}
	fd = open(c->bootstrap_file, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		  0444);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(s->err, sizeof s->err, "%s: %s", c->bootstrap_file,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EPROTO;
	}
	if (PEM_write_X509(f, ca) != 1 || fclose(f)) {
		snprintf(s->err, sizeof s->err, "%s: write failed",
			 c->bootstrap_file);
		unlink(c->bootstrap_file);
		ERR_clear_error();
		return -EPROTO;
	}
	X509_STORE_add_cert(SSL_CTX_get_cert_store(c->ssl), ca);
	SSL_CTX_add_client_CA(c->ssl, ca);
	SSL_CTX_set_verify(c->ssl,
			   SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
			   NULL);
	log_info("trusting CA certificate from SSL peer, saved to %s; "
		 "reconnecting to verify the peer with it",
		 c->bootstrap_file);
	snprintf(s->err, sizeof s->err,
		 "bootstrapped CA certificate %s: reconnect",
		 c->bootstrap_file);
	free(c->bootstrap_file);
	c->bootstrap_file = NULL;
	return -EPROTO;
}

int
tls_stream_handshake(struct tls_stream *s)
{
	int r;

	if (s->handshaken)
		return 0;
	if (s->failed)
		return -EPROTO;
	ERR_clear_error();
	r = SSL_do_handshake(s->ssl);
	if (r != 1) {
		const char *what =
			s->role == TLS_SERVER ? "SSL_accept" : "SSL_connect";
		r = io_result(s, r, what);
		if (r)
			return r;
		/* The peer hung up (or sent close_notify) mid-handshake. */
		s->failed = true;
		snprintf(s->err, sizeof s->err,
			 "%s: unexpected SSL connection close", what);
		return -EPROTO;
	}
	s->handshaken = true;
	if (s->ctx->bootstrap_file)
		return bootstrap(s);
	return 0;
}

ssize_t
tls_stream_recv(struct tls_stream *s, void *buf, size_t n)
{
	int r = tls_stream_handshake(s);

	if (r)
		return r;
	ERR_clear_error();
	r = SSL_read(s->ssl, buf, n > INT_MAX ? INT_MAX : (int)n);
	return r > 0 ? r : io_result(s, r, "SSL_read");
}

ssize_t
tls_stream_send(struct tls_stream *s, const void *buf, size_t n)
{
	int r = tls_stream_handshake(s);

	if (r)
		return r;
	ERR_clear_error();
	r = SSL_write(s->ssl, buf, n > MAX_WRITE ? MAX_WRITE : (int)n);
	if (r > 0)
		return r;
	r = io_result(s, r, "SSL_write");
	return r ? r : -EPIPE;
}

uint32_t
tls_stream_wants(const struct tls_stream *s)
{
	return s->wants;
}

bool
tls_stream_pending(const struct tls_stream *s)
{
	return SSL_pending(s->ssl) > 0;
}

const char *
tls_stream_error(const struct tls_stream *s)
{
	return s->err;
}

const char *
tls_stream_protocol(const struct tls_stream *s)
{
	return s->handshaken ? SSL_get_version(s->ssl) : NULL;
}

void
tls_stream_free(struct tls_stream *s)
{
	if (!s)
		return;
	if (s->handshaken && !s->failed) {
		ERR_clear_error();
		SSL_shutdown(s->ssl); /* close_notify, no waiting */
		ERR_clear_error();
	}
	SSL_free(s->ssl);
	tls_ctx_unref(s->ctx);
	free(s);
}
