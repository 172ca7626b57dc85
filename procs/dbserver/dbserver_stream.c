/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_stream: JSON-RPC sessions on stream sockets (unix, TCP, and
 * TCP with TLS through lib/tls).  Non-blocking reads into a bounded
 * framer, non-blocking writes from a per-connection output queue, and on
 * TCP an inactivity probe: after probe_ms of silence the server sends
 * "echo" and drops the peer if the next interval is silent too.
 * Malformed input closes the connection, as Open vSwitch does, and so
 * does a failed TLS handshake (a peer another CA vouches for, JSON in the
 * clear on an SSL port): logged, the server goes on.
 *
 * Back-pressure, as Open vSwitch's jsonrpc server does it: while a
 * connection has output the kernel would not take (its backlog), the
 * server reads no more requests from it and its monitors merge changes
 * instead of queuing updates (dbserver_session_set_blocked), so a peer
 * that does not read costs one reply plus one merged update, not one
 * update per change.  The backlog is bounded per connection and over all
 * connections (the largest is dropped first), for replies that are huge
 * on their own.  A peer that shuts down its sending side (`... | socat`)
 * still gets everything it is owed before the connection closes.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "tls.h"

LOG_MODULE(dbserver_stream);

struct dbserver_conn {
	struct dbserver_conn *prev, *next;
	struct dbserver *srv;
	int fd;
	struct ev_io *io;
	bool tcp;
	char *name; /* for logs: the remote's target, or NULL */
	struct tls_stream *tls;
	bool tls_read_wants_out; /* a TLS read waits for EPOLLOUT */
	bool tls_write_wants_in; /* a TLS write waits for EPOLLIN */
	void (*on_close)(void *aux);
	void *close_aux;
	struct dbserver_session *sess;
	struct jsonrpc_framer fr;
	char *out;
	size_t out_len, out_cap, out_off;
	bool dead;	 /* close now (error) */
	bool eof;	 /* the peer sends no more: close once drained */
	bool backlogged; /* unsent output: EPOLLOUT instead of EPOLLIN */
	uint64_t last_rx;
	bool probe_sent;
	struct ev_timer *probe, *reaper;
};

static struct log_rl rl = LOG_RL_INIT(10, 60);

static size_t
backlog(const struct dbserver_conn *c)
{
	return c->out_len - c->out_off;
}

/* Forgets the output @c still owes (it is closing). */
static void
drop_output(struct dbserver_conn *c)
{
	c->srv->conn_backlog -= backlog(c);
	c->out_off = c->out_len = 0;
}

static void
conn_close(struct dbserver_conn *c)
{
	drop_output(c);
	dbserver_session_free(c->sess);
	tls_stream_free(c->tls);
	if (c->io)
		ev_io_del(c->io);
	if (c->probe)
		ev_timer_del(c->probe);
	if (c->reaper)
		ev_timer_del(c->reaper);
	close(c->fd);
	jsonrpc_framer_destroy(&c->fr);
	free(c->out);
	if (c->prev)
		c->prev->next = c->next;
	else
		c->srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->on_close)
		c->on_close(c->close_aux);
	free(c->name);
	free(c);
}

/* The readiness @c waits for: input unless its output is backlogged or
 * the peer finished sending, output while backlogged, and whatever a TLS
 * record in the middle of a read or write needs. */
static void
update_events(struct dbserver_conn *c)
{
	uint32_t ev = 0;

	if (!c->backlogged && !c->eof)
		ev |= EPOLLIN;
	if (c->backlogged || c->tls_read_wants_out)
		ev |= EPOLLOUT;
	if (c->tls_write_wants_in)
		ev |= EPOLLIN;
	ev_io_modify(c->io, ev);
}

/* read() on the connection: bytes, 0 at the end, or -errno (-EAGAIN:
 * wait for the events update_events asks for). */
static ssize_t
conn_read(struct dbserver_conn *c, char *buf, size_t n)
{
	ssize_t r;

	if (!c->tls) {
		r = read(c->fd, buf, n);
		return r < 0 ? -errno : r;
	}
	r = tls_stream_recv(c->tls, buf, n);
	bool wants_out = r == -EAGAIN && tls_stream_wants(c->tls) == EPOLLOUT;
	if (wants_out != c->tls_read_wants_out) {
		c->tls_read_wants_out = wants_out;
		update_events(c);
	}
	if (r < 0 && r != -EAGAIN)
		log_warn_rl(&rl, "%s: %s", c->name ? c->name : "connection",
			    tls_stream_error(c->tls));
	return r;
}

/* send() on the connection, as conn_read. */
static ssize_t
conn_write(struct dbserver_conn *c, const char *buf, size_t n)
{
	ssize_t r;

	if (!c->tls) {
		r = send(c->fd, buf, n, MSG_NOSIGNAL);
		return r < 0 ? -errno : r;
	}
	r = tls_stream_send(c->tls, buf, n);
	bool wants_in = r == -EAGAIN && tls_stream_wants(c->tls) == EPOLLIN;
	if (wants_in != c->tls_write_wants_in) {
		c->tls_write_wants_in = wants_in;
		update_events(c);
	}
	if (r < 0 && r != -EAGAIN && r != -EPIPE)
		log_warn_rl(&rl, "%s: %s", c->name ? c->name : "connection",
			    tls_stream_error(c->tls));
	return r;
}

static void
on_reap(struct ev_timer *t, void *arg)
{
	struct dbserver_conn *c = arg;
	c->reaper = NULL;
	conn_close(c);
	(void)t;
}

/* Closes @c from a context that may still use it (a send callback). */
static void
conn_kill(struct dbserver_conn *c)
{
	c->dead = true;
	drop_output(c);
	if (!c->reaper)
		c->reaper = ev_timer_add(c->srv->loop, 0, false, on_reap, c);
}

static void
set_backlogged(struct dbserver_conn *c, bool on)
{
	if (c->backlogged == on)
		return;
	c->backlogged = on;
	update_events(c);
	/* Unblocking sends; on_io does it, outside any send path. */
	if (on)
		dbserver_session_set_blocked(c->sess, true);
}

static void
flush(struct dbserver_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = conn_write(c, c->out + c->out_off,
				       c->out_len - c->out_off);
		if (n < 0) {
			if (n == -EINTR)
				continue;
			if (n != -EAGAIN) {
				conn_kill(c);
				return;
			}
			break;
		}
		c->out_off += (size_t)n;
		c->srv->conn_backlog -= (size_t)n;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	set_backlogged(c, c->out_len > 0);
}

/* Over the bound for all connections: drops the largest backlogs. */
static void
shed(struct dbserver *srv)
{
	while (srv->conn_backlog > srv->opts.max_total_backlog_bytes) {
		struct dbserver_conn *big = NULL;
		for (struct dbserver_conn *c = srv->conns; c; c = c->next)
			if (!big || backlog(c) > backlog(big))
				big = c;
		if (!big || !backlog(big))
			return;
		log_warn_rl(&rl,
			    "dropping the connection with the largest output "
			    "backlog (%zu bytes): all connections hold over "
			    "%zu bytes",
			    backlog(big), srv->opts.max_total_backlog_bytes);
		conn_kill(big);
	}
}

static void
conn_send(void *aux, const char *text)
{
	struct dbserver_conn *c = aux;
	size_t n = strlen(text);
	if (c->dead)
		return;
	if (backlog(c) + n > c->srv->opts.max_backlog_bytes) {
		log_warn_rl(&rl,
			    "dropping connection: output backlog over "
			    "%zu bytes",
			    c->srv->opts.max_backlog_bytes);
		conn_kill(c);
		return;
	}
	if (c->out_len + n > c->out_cap) {
		if (c->out_off) {
			memmove(c->out, c->out + c->out_off,
				c->out_len - c->out_off);
			c->out_len -= c->out_off;
			c->out_off = 0;
		}
		if (c->out_len + n > c->out_cap) {
			c->out_cap = (c->out_len + n) * 2;
			c->out = xrealloc(c->out, c->out_cap);
		}
	}
	memcpy(c->out + c->out_len, text, n);
	c->out_len += n;
	c->srv->conn_backlog += n;
	if (!c->backlogged)
		flush(c);
	if (c->srv->conn_backlog > c->srv->opts.max_total_backlog_bytes)
		shed(c->srv);
}

/* Handles the complete messages the framer holds, until one leaves
 * output behind (then the rest waits in the framer). */
static void
handle_frames(struct dbserver_conn *c)
{
	const char *text;
	size_t len;
	int r = 0;

	while (!c->dead && !c->backlogged &&
	       (r = jsonrpc_framer_next(&c->fr, &text, &len)) == 1)
		if (dbserver_session_input_buf(c->sess, text, len)) {
			log_warn_rl(&rl, "invalid JSON-RPC message, "
					 "closing connection");
			c->dead = true;
		}
	if (r < 0 && !c->dead) {
		log_warn_rl(&rl, "%s, closing connection",
			    r == -EMSGSIZE ? "message too long"
					   : "syntax error in input");
		c->dead = true;
	}
}

static void
handle_input(struct dbserver_conn *c)
{
	/* At most 64 reads, and what TLS holds decrypted: no event would
	 * tell of it. */
	for (int rounds = 0;
	     (rounds < 64 || (c->tls && tls_stream_pending(c->tls))) &&
	     !c->dead && !c->backlogged;
	     rounds++) {
		char *p = jsonrpc_framer_space(&c->fr, 65536);
		ssize_t n = conn_read(c, p, 65536);
		if (n < 0) {
			if (n == -EINTR)
				continue;
			if (n != -EAGAIN)
				c->dead = true;
			return;
		}
		if (n == 0) {
			/* What was asked before the end is still answered. */
			c->eof = true;
			update_events(c);
			return;
		}
		c->fr.len += (size_t)n;
		c->last_rx = time_mono_ms();
		c->probe_sent = false;
		handle_frames(c);
		/* A short read drained the socket; epoll is level-triggered
		 * and reports what comes next, so skip the read that would
		 * only say EAGAIN (one syscall per request).  TLS may hold
		 * decrypted bytes the socket no longer shows. */
		if (n < 65536 && !(c->tls && tls_stream_pending(c->tls)))
			return;
	}
}

static void
on_io(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct dbserver_conn *c = arg;
	(void)io;
	(void)fd;
	if (c->dead)
		return;
	/* A TLS write may wait for input, a TLS read for output. */
	if (c->backlogged && (revents & (EPOLLOUT | EPOLLHUP | EPOLLERR) ||
			      (c->tls_write_wants_in && revents & EPOLLIN)))
		flush(c);
	if (!c->dead && !c->backlogged && c->sess->blocked) {
		/* Drained: merged monitor updates first, then the requests
		 * that waited in the framer. */
		dbserver_session_set_blocked(c->sess, false);
		handle_frames(c);
	}
	/* Decrypted bytes may wait inside TLS with nothing on the socket
	 * (a record read while the connection was backlogged). */
	if (!c->dead && !c->backlogged && !c->eof &&
	    (revents & (EPOLLIN | EPOLLHUP | EPOLLERR) ||
	     (c->tls_read_wants_out && revents & EPOLLOUT) ||
	     (c->tls && tls_stream_pending(c->tls))))
		handle_input(c);
	if (c->eof && !c->backlogged)
		c->dead = true; /* everything owed was sent */
	if (c->dead) {
		if (c->reaper) {
			ev_timer_del(c->reaper);
			c->reaper = NULL;
		}
		conn_close(c);
	}
}

static void
on_probe(struct ev_timer *t, void *arg)
{
	struct dbserver_conn *c = arg;
	uint64_t now = time_mono_ms(), iv = c->srv->opts.probe_ms;
	(void)t;
	if (c->dead || now - c->last_rx < iv)
		return;
	if (c->probe_sent) {
		log_warn_rl(&rl,
			    "%s%sno response to inactivity probe after %.3g "
			    "seconds, disconnecting",
			    c->name ? c->name : "", c->name ? ": " : "",
			    (double)(now - c->last_rx) / 1000);
		conn_kill(c);
		return;
	}
	c->probe_sent = true;
	c->last_rx = now;
	json_t *m = json_pack("{sss[]ss}", "method", "echo", "params", "id",
			      "echo");
	jsonrpc_send(c->sess, m);
}

struct dbserver_conn *
dbserver_conn_new(struct dbserver *srv, int fd,
		  const struct dbserver_conn_cfg *cfg)
{
	struct dbserver_conn *c = xzalloc(sizeof *c);
	c->srv = srv;
	c->fd = fd;
	c->tcp = cfg->tcp;
	c->last_rx = time_mono_ms();
	jsonrpc_framer_init(&c->fr, srv->opts.max_msg_bytes);
	if ((cfg->tls &&
	     tls_stream_new(cfg->tls, fd, cfg->tls_role, &c->tls)) ||
	    ev_io_add(srv->loop, fd, EPOLLIN, on_io, c, &c->io)) {
		tls_stream_free(c->tls);
		jsonrpc_framer_destroy(&c->fr);
		close(fd);
		free(c);
		return NULL;
	}
	c->name = cfg->name ? xstrdup(cfg->name) : NULL;
	c->on_close = cfg->on_close;
	c->close_aux = cfg->close_aux;
	c->sess = dbserver_session_new(srv, conn_send, c);
	if (c->tcp)
		c->probe = ev_timer_add(srv->loop, srv->opts.probe_ms, true,
					on_probe, c);
	c->next = srv->conns;
	if (srv->conns)
		srv->conns->prev = c;
	srv->conns = c;
	/* A client's TLS handshake speaks first. */
	if (c->tls && cfg->tls_role == TLS_CLIENT) {
		handle_input(c);
		if (c->dead)
			conn_kill(c);
	}
	return c;
}

void
dbserver_conn_kill(struct dbserver_conn *c)
{
	conn_kill(c);
}

void
dbserver_conn_detach(struct dbserver_conn *c)
{
	c->on_close = NULL;
	c->close_aux = NULL;
}

void
dbserver_conn_close_all(struct dbserver *srv)
{
	while (srv->conns)
		conn_close(srv->conns);
}

size_t
dbserver_conn_count(struct dbserver *srv)
{
	size_t n = 0;
	for (struct dbserver_conn *c = srv->conns; c; c = c->next)
		n++;
	return n;
}
