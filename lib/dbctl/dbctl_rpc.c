/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_rpc: blocking JSON-RPC client for the ctl tools, over a stream
 * socket or over the bus (see the header).
 */
#include "dbctl_rpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bus.h"
#include "bus_msgs.h"
#include "tls.h"
#include "util.h"

struct dbctl_conn {
	int fd;	      /* -1 for the bus */
	char *rundir; /* bus only */
	struct tls_ctx *ctx;
	struct tls_stream *tls; /* ssl: only */
	unsigned next_id;
	struct ds inbuf;
};

static int
connect_unix(const char *path, int *fdp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof sun.sun_path)
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	*fdp = fd;
	return 0;
}

/* Connects to "HOST:PORT" (an IPv4 address, [an IPv6 address] or a
 * name). */
static int
connect_tcp(const char *spec, int *fdp)
{
	char *host = xstrdup(spec), *colon = strrchr(host, ':'), *h = host;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	int r = -EINVAL;

	if (!colon)
		goto out;
	*colon = '\0';
	if (*h == '[' && colon > h + 1 && colon[-1] == ']') {
		h++;
		colon[-1] = '\0';
	}
	if (getaddrinfo(h, colon + 1, &hints, &ai) || !ai)
		goto out;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		r = -errno;
		close(fd);
		goto out;
	}
	*fdp = fd;
	r = 0;
out:
	if (ai)
		freeaddrinfo(ai);
	free(host);
	return r;
}

/* Connects to "HOST:PORT" and runs the TLS handshake.  A handshake that
 * bootstrapped the CA certificate is made again to verify the server
 * with it.  Failures are reported on stderr, as Open vSwitch logs them. */
static int
connect_ssl(struct dbctl_conn *c, const char *spec, const struct tls_opts *o)
{
	char *err = NULL;
	int r;

	/* A server that hangs up must not kill the tool (tls.h). */
	signal(SIGPIPE, SIG_IGN);
	if ((r = tls_ctx_new(o, &c->ctx, &err))) {
		fprintf(stderr, "ssl:%s: %s\n", spec, err);
		free(err);
		return r;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		bool bootstrapping = tls_ctx_bootstrapping(c->ctx);

		if ((r = connect_tcp(spec, &c->fd)))
			return r;
		if ((r = tls_stream_new(c->ctx, c->fd, TLS_CLIENT, &c->tls)))
			break;
		if (!(r = tls_stream_handshake(c->tls)))
			return 0;
		fprintf(stderr, "ssl:%s: %s\n", spec, tls_stream_error(c->tls));
		tls_stream_free(c->tls);
		c->tls = NULL;
		close(c->fd);
		c->fd = -1;
		if (!bootstrapping || tls_ctx_bootstrapping(c->ctx))
			break;
	}
	return r;
}

int
dbctl_conn_open(const char *remote, const char *rundir,
		const struct tls_opts *tls, struct dbctl_conn **cp)
{
	static const struct tls_opts no_tls;
	struct dbctl_conn *c = xzalloc(sizeof *c);
	int r = 0;

	c->fd = -1;
	c->next_id = 0;
	if (!remote) {
		c->rundir = xstrdup(rundir);
	} else if (!strncmp(remote, "unix:", 5)) {
		r = connect_unix(remote + 5, &c->fd);
	} else if (!strncmp(remote, "tcp:", 4)) {
		r = connect_tcp(remote + 4, &c->fd);
	} else if (!strncmp(remote, "ssl:", 4)) {
		r = connect_ssl(c, remote + 4, tls ? tls : &no_tls);
	} else {
		r = -EAFNOSUPPORT;
	}
	if (r) {
		tls_ctx_unref(c->ctx);
		free(c);
		return r;
	}
	*cp = c;
	return 0;
}

static int
write_all(struct dbctl_conn *c, const char *s, size_t n)
{
	while (n) {
		ssize_t w = c->tls ? tls_stream_send(c->tls, s, n)
				   : write(c->fd, s, n);
		if (w < 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return w == -1 ? -errno : (int)w;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read() on the connection: bytes, 0 at the end, or -errno. */
static ssize_t
conn_read(struct dbctl_conn *c, char *buf, size_t n)
{
	for (;;) {
		ssize_t r = c->tls ? tls_stream_recv(c->tls, buf, n)
				   : read(c->fd, buf, n);
		if (r >= 0)
			return r;
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -errno;
		fprintf(stderr, "%s\n", tls_stream_error(c->tls));
		return r;
	}
}

/* Reads one complete JSON value from the stream; its text too if @rawp. */
static int
read_msg_raw(struct dbctl_conn *c, json_t **msgp, char **rawp)
{
	for (;;) {
		if (c->inbuf.len) {
			json_error_t err;
			json_t *j = json_loadb(c->inbuf.s, c->inbuf.len,
					       JSON_DISABLE_EOF_CHECK, &err);
			if (j) {
				size_t used = err.position;
				if (rawp)
					*rawp = xstrndup(c->inbuf.s, used);
				memmove(c->inbuf.s, c->inbuf.s + used,
					c->inbuf.len - used);
				c->inbuf.len -= used;
				c->inbuf.s[c->inbuf.len] = '\0';
				*msgp = j;
				return 0;
			}
		}
		char buf[65536];
		ssize_t n = conn_read(c, buf, sizeof buf);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ECONNRESET;
		ds_put_len(&c->inbuf, buf, (size_t)n);
	}
}

static int
read_msg(struct dbctl_conn *c, json_t **msgp)
{
	return read_msg_raw(c, msgp, NULL);
}

/* Answers the server's keepalive @msg (an "echo" request). */
static void
answer_echo(struct dbctl_conn *c, json_t *msg)
{
	json_t *rep = json_pack("{s:O,s:n,s:O}", "result",
				json_object_get(msg, "params"), "error", "id",
				json_object_get(msg, "id"));
	char *t = json_dumps(rep, JSON_COMPACT);

	write_all(c, t, strlen(t));
	free(t);
	json_decref(rep);
}

/* Sends @req and waits for the response with @id: parsed into *@replyp,
 * or, if @replyp is NULL, as text in *@rawp. */
static int
call_stream(struct dbctl_conn *c, json_t *req, unsigned id, json_t **replyp,
	    char **rawp)
{
	char *text = json_dumps(req, JSON_COMPACT);
	if (getenv("MICROVS_DBCTL_TRACE"))
		fprintf(stderr, "send: %s\n", text);
	int r = write_all(c, text, strlen(text));

	free(text);
	if (r)
		return r;
	for (;;) {
		json_t *msg;
		char *raw = NULL;
		if ((r = read_msg_raw(c, &msg, replyp ? NULL : &raw)))
			return r;
		json_t *jid = json_object_get(msg, "id");
		const char *method =
			json_string_value(json_object_get(msg, "method"));
		if (method && !strcmp(method, "echo")) {
			answer_echo(c, msg);
			json_decref(msg);
			free(raw);
			continue;
		}
		if (json_is_integer(jid) && json_integer_value(jid) == id) {
			if (replyp) {
				*replyp = msg;
			} else {
				*rawp = raw;
				json_decref(msg);
			}
			return 0;
		}
		json_decref(msg);
		free(raw);
	}
}

/* Sends @req to dbserver; the response parsed into *@replyp, or, if
 * @replyp is NULL, as text in *@rawp. */
static int
call_bus(struct dbctl_conn *c, json_t *req, json_t **replyp, char **rawp)
{
	struct bus_msg_ovsdb_call msg = { 0 };
	struct bus_msg_ovsdb_reply *rep;
	char *text = json_dumps(req, JSON_COMPACT);
	json_error_t err;
	int r;

	bus_msg_ovsdb_call_set_json(&msg, text);
	r = bus_call_sync_ovsdb_call(c->rundir, &roles[ROLE_DBSERVER], &msg,
				     3600 * 1000, &rep, NULL);
	free(text);
	if (r)
		return r;
	if (replyp) {
		*replyp = json_loads(rep->json, 0, &err);
		r = *replyp ? 0 : -EPROTO;
	} else {
		*rawp = xstrdup(rep->json);
	}
	bus_msg_ovsdb_reply_free(rep);
	return r;
}

/* Sends request @method with @params (stolen); the response as in
 * call_bus. */
static int
call(struct dbctl_conn *c, const char *method, json_t *params, json_t **replyp,
     char **rawp)
{
	unsigned id = c->next_id++;
	json_t *req = json_pack("{s:s,s:o,s:i}", "method", method, "params",
				params, "id", (json_int_t)id);
	int r;

	if (c->fd >= 0)
		r = call_stream(c, req, id, replyp, rawp);
	else
		r = call_bus(c, req, replyp, rawp);
	json_decref(req);
	return r;
}

/* Splits a parsed response (reference stolen) into result and error. */
static void
split_reply(json_t *reply, json_t **result, json_t **error)
{
	json_t *res = json_object_get(reply, "result");
	json_t *err = json_object_get(reply, "error");

	*result = res && !json_is_null(res) ? json_incref(res) : NULL;
	*error = err && !json_is_null(err) ? json_incref(err) : NULL;
	json_decref(reply);
}

int
dbctl_conn_call(struct dbctl_conn *c, const char *method, json_t *params,
		json_t **result, json_t **error)
{
	json_t *reply = NULL;
	int r = call(c, method, params, &reply, NULL);

	if (r)
		return r;
	split_reply(reply, result, error);
	return 0;
}

int
dbctl_conn_call_text(struct dbctl_conn *c, const char *method, json_t *params,
		     char **textp)
{
	*textp = NULL;
	return call(c, method, params, NULL, textp);
}

int
dbctl_conn_reply_from_text(const char *text, json_t **result, json_t **error)
{
	json_error_t err;
	json_t *reply = json_loads(text, 0, &err);

	if (!reply)
		return -EPROTO;
	split_reply(reply, result, error);
	return 0;
}

int
dbctl_conn_notification(struct dbctl_conn *c, char **method, json_t **params)
{
	if (c->fd < 0)
		return -ENOTSUP;
	for (;;) {
		json_t *msg, *jid;
		const char *m;
		int r = read_msg(c, &msg);

		if (r)
			return r;
		jid = json_object_get(msg, "id");
		m = json_string_value(json_object_get(msg, "method"));
		if (m && !strcmp(m, "echo")) {
			answer_echo(c, msg);
		} else if (m && (!jid || json_is_null(jid))) {
			*method = xstrdup(m);
			*params = json_incref(json_object_get(msg, "params"));
			json_decref(msg);
			return 0;
		}
		json_decref(msg);
	}
}

void
dbctl_conn_close(struct dbctl_conn *c)
{
	if (!c)
		return;
	tls_stream_free(c->tls);
	tls_ctx_unref(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	free(c->rundir);
	ds_free(&c->inbuf);
	free(c);
}
