/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tls: TLS over a connected stream socket (OpenSSL), the one layer every
 * process that speaks SSL uses: dbserver's pssl:/ssl: remotes, the
 * tools' --db=ssl:, and vswitchd's ssl: controllers.
 *
 * Two objects.  A struct tls_ctx holds one side's settings as Open
 * vSwitch's PKI options give them (-p/-c/-C, --bootstrap-ca-cert,
 * --peer-ca-cert, --ssl-protocols, --ssl-ciphers); streams of either role
 * share it.  A struct tls_stream wraps one socket the caller connected or
 * accepted and still owns.  Its calls never wait unless the socket is
 * blocking: on a non-blocking socket they return -EAGAIN and
 * tls_stream_wants() says which readiness (POLLIN/EPOLLIN or
 * POLLOUT/EPOLLOUT, the same values) lets the stream make progress, so an
 * event loop drives the handshake and the records like any other socket.
 * On a blocking socket (the tools) they block like read() and write().
 * OpenSSL writes with write(): a process that has not ignored SIGPIPE
 * dies when it writes to a peer that closed.
 *
 * Peers are authenticated as Open vSwitch does it: each side presents its
 * certificate and checks the peer's against its CA certificate (no host
 * names); "-C none" checks nothing.  With bootstrapping (the CA file does
 * not exist yet), the first handshake accepts any peer, saves the
 * self-signed certificate at the end of the peer's chain as the CA file,
 * and fails with -EPROTO so that the caller reconnects; from then on the
 * context verifies against it.
 */
#ifndef MICROVS_TLS_H
#define MICROVS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One side's settings.  Files are PEM.  Strings are copied. */
struct tls_opts {
	const char *private_key;
	const char *certificate;  /* may be followed by its chain */
	const char *ca_cert;	  /* "none": do not verify peers */
	bool bootstrap;		  /* ca_cert may be missing: see above */
	const char *peer_ca_cert; /* more certificates to send to peers */
	/* "TLSv1,TLSv1.1,TLSv1.2" (comma- or space-separated), NULL: every
	 * version OpenSSL allows (TLSv1.3 included, as Open vSwitch 3.1).
	 * A list with an unknown name is logged and ignored, as Open vSwitch
	 * does. */
	const char *protocols;
	/* OpenSSL cipher list, NULL: "HIGH:!aNULL:!MD5".  A list OpenSSL
	 * refuses is logged and ignored. */
	const char *ciphers;
};

struct tls_ctx;
struct tls_stream;

enum tls_role { TLS_CLIENT, TLS_SERVER };

/* Builds a context from @o.  0, or -EINVAL/-ENOENT/-EIO with *@errp (a
 * message as Open vSwitch words it: "Private key must be configured to
 * use SSL", "PATH: stat: No such file or directory"...; caller frees).
 * Reads the files now; never blocks otherwise.  The new context holds one
 * reference. */
int tls_ctx_new(const struct tls_opts *o, struct tls_ctx **cp, char **errp);
struct tls_ctx *tls_ctx_ref(struct tls_ctx *c);
/* Drops a reference; the last one frees the context.  NULL is fine. */
void tls_ctx_unref(struct tls_ctx *c);
/* True while the context waits to learn its CA certificate. */
bool tls_ctx_bootstrapping(const struct tls_ctx *c);

/* Starts TLS as @role on the connected socket @fd (blocking or not; the
 * caller keeps owning and closes it, after tls_stream_free).  The stream
 * holds a reference to @c.  0 or -ENOMEM. */
int tls_stream_new(struct tls_ctx *c, int fd, enum tls_role role,
		   struct tls_stream **sp);
/* Runs the handshake (recv and send run it too): 0 once it is done, or
 * -errno as tls_stream_recv.  For a caller that wants to know the peer
 * is authenticated before it sends anything. */
int tls_stream_handshake(struct tls_stream *s);
/* Reads up to @n bytes of plaintext, running the handshake first.
 * Returns the count (> 0), 0 when the peer closed, or -errno: -EAGAIN
 * (see tls_stream_wants), -EPROTO (handshake, verification, a record
 * that is not TLS, or a finished bootstrap: tls_stream_error says which),
 * or the socket's error. */
ssize_t tls_stream_recv(struct tls_stream *s, void *buf, size_t n);
/* Writes up to @n bytes (at least 1 on success), running the handshake
 * first.  -errno as tls_stream_recv; -EPIPE when the peer closed.  After
 * -EAGAIN, call again with the same bytes first (more may follow them:
 * the buffer may move and grow). */
ssize_t tls_stream_send(struct tls_stream *s, const void *buf, size_t n);
/* POLLIN or POLLOUT: what the last -EAGAIN waits for. */
uint32_t tls_stream_wants(const struct tls_stream *s);
/* True if plaintext is already decrypted and buffered: read it before
 * waiting for the socket again. */
bool tls_stream_pending(const struct tls_stream *s);
/* The last error, as "SSL_accept: error:...", or "" (owned by @s). */
const char *tls_stream_error(const struct tls_stream *s);
/* The negotiated protocol ("TLSv1.3"), or NULL before the handshake. */
const char *tls_stream_protocol(const struct tls_stream *s);
/* Sends close_notify if it can without waiting, and frees @s (not the
 * socket).  NULL is fine. */
void tls_stream_free(struct tls_stream *s);

#endif
