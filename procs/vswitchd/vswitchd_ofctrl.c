/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofctrl: a bridge's controllers (Bridge.controller, one
 * Controller row each).  An active target (tcp:IP[:PORT], port 6653 by
 * default, or unix:PATH) is connected to without blocking; a failed
 * attempt or a lost connection is retried after a backoff that starts at
 * 1 s and doubles up to max_backoff (8 s by default), as Open vSwitch's
 * rconn does.  Once connected, the connection is an ordinary ofconn with
 * the controller's defaults and inactivity probe.  A passive target
 * (ptcp:PORT[:IP], punix:PATH) listens; its connections are service
 * connections.  Unix paths are confined to the run directory as Open
 * vSwitch confines them.  The state goes back to the Controller row
 * (is_connected, role, status) through vswitchd_status.c.  After a start,
 * the restore wait (vswd_of_restoring()) lasts until the active
 * controllers have put their flows back.
 *
 * ssl:IP[:PORT] and pssl:PORT[:IP] are tcp: and ptcp: with TLS
 * (lib/tls), keyed by the SSL row (vswitchd_ofssl.c).  An ssl: controller
 * counts as connected once the handshake is done: a controller another
 * CA vouches for never is.  Without a usable SSL row an ssl: target
 * fails at once, like a refused connection, with Open vSwitch's
 * last_error ("Protocol not available"; the reason is logged); a pssl:
 * target listens all the same and refuses each connection until the row
 * is usable, as Open vSwitch does.
 */
#include "ofconn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"
#include "ovsdb_db.h"
#include "replica.h"
#include "tls.h"

LOG_MODULE(vswitchd_ofctrl);

static struct log_rl rl = LOG_RL_INIT(5, 20);

#define OFCTRL_DEFAULT_PORT 6653
#define OFCTRL_MIN_BACKOFF_MS 1000
#define OFCTRL_DEFAULT_MAX_BACKOFF_MS 8000
#define OFCTRL_DEFAULT_PROBE_MS 5000
#define OFCTRL_RUN_MS 250

enum ofctrl_state { OFCTRL_BACKOFF, OFCTRL_CONNECTING, OFCTRL_ACTIVE };

enum ofctrl_kind {
	OFCTRL_NONE, /* a target we cannot serve */
	OFCTRL_TCP,
	OFCTRL_UNIX,
	OFCTRL_PTCP,
	OFCTRL_PUNIX,
	OFCTRL_SSL,
	OFCTRL_PSSL,
};

struct ofctrl {
	struct hnode node; /* in vswd_of.ctrls, by Controller row */
	struct vswd *d;
	struct ovsdb_uuid row;
	uint64_t bridge_id;
	char *target;
	enum ofctrl_kind kind;
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_un un;
	} addr;
	socklen_t addr_len;
	int lfd; /* passive: listening */
	struct ev_io *lio;
	enum ofctrl_state state;
	int fd; /* OFCTRL_CONNECTING */
	struct ev_io *io;
	struct tls_stream *tls; /* OFCTRL_CONNECTING: its handshake */
	struct ev_timer *timer; /* OFCTRL_BACKOFF; the TLS handshake's */
	struct ofconn *conn;	/* OFCTRL_ACTIVE */
	unsigned backoff_ms, max_backoff_ms;
	unsigned probe_ms; /* inactivity_probe; 0: none */
	uint64_t since_ms; /* of the last state change */
	uint64_t up_ms;	   /* when it last connected; 0: never */
	uint64_t down_ms;  /* when it was last disconnected; 0: never */
	uint64_t made_ms;  /* when the row was first seen */
	int last_error;	   /* errno of the last failure, OFCONN_EOF, 0 */
	bool seen;	   /* sync's mark */
	bool seen_before;  /* started (connecting or listening) */
	bool barrier;	   /* its connection sent a barrier request */
};

static bool
is_active(const struct ofctrl *c)
{
	return c->kind == OFCTRL_TCP || c->kind == OFCTRL_UNIX ||
	       c->kind == OFCTRL_SSL;
}

static uint32_t
row_hash(const struct ovsdb_uuid *u)
{
	return u->p[0] ^ u->p[1] ^ u->p[2] ^ u->p[3];
}

static struct ofctrl *
ctrl_find(struct vswd_of *of, const struct ovsdb_uuid *u)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&of->ctrls, row_hash(u)); n;
	     n = hmap_next_with_hash(n)) {
		struct ofctrl *c = HMAP_CONTAINER(n, struct ofctrl, node);
		if (!memcmp(&c->row, u, sizeof *u))
			return c;
	}
	return NULL;
}

/* Parses "tcp:IP[:PORT]". */
static bool
parse_tcp(const char *target, struct sockaddr_in *sin)
{
	char ip[64];
	const char *colon;
	long port = OFCTRL_DEFAULT_PORT;

	colon = strchr(target, ':');
	if (colon) {
		char *end;
		port = strtol(colon + 1, &end, 10);
		if (*end || port <= 0 || port > 65535)
			return false;
	}
	if ((size_t)(colon ? colon - target : (long)strlen(target)) >=
	    sizeof ip)
		return false;
	memset(ip, 0, sizeof ip);
	memcpy(ip, target, colon ? (size_t)(colon - target) : strlen(target));
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, ip, &sin->sin_addr) == 1;
}

/* Parses "ptcp:PORT[:IP]". */
static bool
parse_ptcp(const char *target, struct sockaddr_in *sin)
{
	char *end;
	long port;

	port = strtol(target, &end, 10);
	if (end == target || port < 0 || port > 65535 || (*end && *end != ':'))
		return false;
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)(port ? port : OFCTRL_DEFAULT_PORT));
	if (*end == ':')
		return inet_pton(AF_INET, end + 1, &sin->sin_addr) == 1;
	sin->sin_addr.s_addr = htonl(INADDR_ANY);
	return true;
}

/* Whether @path is @dir/@prefix followed by a name with no '/' (and not
 * "." or ".."). */
static bool
path_in(const char *path, const char *dir, const char *prefix)
{
	size_t dl = strlen(dir), pl = strlen(prefix);
	const char *name = path + dl + 1 + pl;

	if (strncmp(path, dir, dl) || path[dl] != '/' ||
	    strncmp(path + dl + 1, prefix, pl))
		return false;
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

/* Parses "unix:PATH" (@passive false) or "punix:PATH" (true) for bridge
 * @br.  Open vSwitch refuses paths outside its run directory so that a
 * database writer cannot make vswitchd create or connect to arbitrary
 * files: unix: must name a socket in RUNDIR, punix: RUNDIR/BRIDGE.*.
 * vswitchd cannot create files in RUNDIR (root's), so punix: sockets go
 * in its own directory, RUNDIR/vswitchd/BRIDGE.*, beside the management
 * sockets; unix: may name a socket in either. */
static bool
parse_unix(struct vswd_of *of, const struct bridge *br, const char *path,
	   bool passive, struct sockaddr_un *sun)
{
	char *rundir = xstrdup(of->dir), *slash = strrchr(rundir, '/');
	char *bprefix = xasprintf("%s.", br->name);
	bool ok;

	if (slash)
		*slash = '\0';
	ok = passive ? path_in(path, of->dir, bprefix)
		     : path_in(path, rundir, "") || path_in(path, of->dir, "");
	/* Open vSwitch 3.1's words, with our directories. */
	if (!ok && passive)
		log_err("bridge %s: Not adding Unix domain socket controller "
			"\"punix:%s\" due to possibility of overwriting local "
			"files. Instead, specify path in permitted format "
			"\"punix:%s/%s*\" or connect to \"unix:%s/%s.mgmt\" "
			"(which is always available without special "
			"configuration).",
			br->name, path, of->dir, bprefix, of->dir, br->name);
	else if (!ok)
		log_err("bridge %s: Not connecting to socket controller "
			"\"unix:%s\" due to possibility for remote exploit.  "
			"Instead, specify socket in permitted directory "
			"\"unix:%s/\" or connect to \"unix:%s/%s.mgmt\" "
			"(which is always available without special "
			"configuration).",
			br->name, path, rundir, of->dir, br->name);
	free(rundir);
	free(bprefix);
	if (!ok || strlen(path) >= sizeof sun->sun_path)
		return false;
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, path);
	return true;
}

/* Parses @c->target into @c->kind and @c->addr. */
static void
parse_target(struct ofctrl *c, const struct bridge *br)
{
	const char *t = c->target;
	bool ok = false;

	if (!strncmp(t, "tcp:", 4)) {
		c->kind = OFCTRL_TCP;
		ok = parse_tcp(t + 4, &c->addr.in);
	} else if (!strncmp(t, "ptcp:", 5)) {
		c->kind = OFCTRL_PTCP;
		ok = parse_ptcp(t + 5, &c->addr.in);
	} else if (!strncmp(t, "unix:", 5)) {
		c->kind = OFCTRL_UNIX;
		ok = parse_unix(c->d->of, br, t + 5, false, &c->addr.un);
	} else if (!strncmp(t, "punix:", 6)) {
		c->kind = OFCTRL_PUNIX;
		ok = parse_unix(c->d->of, br, t + 6, true, &c->addr.un);
	} else if (!strncmp(t, "ssl:", 4)) {
		c->kind = OFCTRL_SSL;
		ok = parse_tcp(t + 4, &c->addr.in);
	} else if (!strncmp(t, "pssl:", 5)) {
		c->kind = OFCTRL_PSSL;
		ok = parse_ptcp(t + 5, &c->addr.in);
	} else {
		log_warn("controller %s: only tcp:, ptcp:, unix:, punix:, ssl: "
			 "and pssl: targets are supported",
			 t);
	}
	if (!ok)
		c->kind = OFCTRL_NONE;
	c->addr_len = c->kind == OFCTRL_UNIX || c->kind == OFCTRL_PUNIX
			      ? sizeof c->addr.un
			      : sizeof c->addr.in;
}

static void ctrl_connect(struct ofctrl *c);

/* A TLS server stream on @fd, accepted by pssl: target @c, in *@sp; -1
 * (logged, as Open vSwitch's "accept failed") without a usable SSL
 * row. */
static int
ssl_accept(struct ofctrl *c, int fd, struct tls_stream **sp)
{
	const char *why;
	struct tls_ctx *ctx = ofssl_ctx(c->d, &why);

	if (!ctx) {
		log_warn_rl(&rl, "%s: accept failed (%s: %s)", c->target,
			    strerror(ENOPROTOOPT), why);
		return -1;
	}
	return tls_stream_new(ctx, fd, TLS_SERVER, sp) ? -1 : 0;
}

static bool
over_tcp(const struct ofctrl *c)
{
	return c->kind != OFCTRL_UNIX && c->kind != OFCTRL_PUNIX;
}

/* Turns Nagle's algorithm off on a controller's TCP socket @fd, as Open
 * vSwitch does for every TCP stream: replies go out in several writes
 * (an error then a barrier reply, a multipart reply in parts, packet-ins),
 * and with Nagle each small write after the first waits for the peer's
 * delayed ACK of the one before, up to 40 ms.  A failure costs only
 * latency: logged. */
static void
tcp_nodelay(const struct ofctrl *c, int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
		log_warn_rl(&rl, "%s: TCP_NODELAY failed (%s)", c->target,
			    strerror(errno));
}

static void
on_passive_accept(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct ofctrl *c = arg;
	const struct bridge *br = vsw_bridge_by_id(&c->d->vsw, c->bridge_id);
	struct tls_stream *tls = NULL;
	struct ofconn *conn;
	int cfd;

	(void)io;
	(void)revents;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	if (over_tcp(c))
		tcp_nodelay(c, cfd);
	if (!br || (c->kind == OFCTRL_PSSL && ssl_accept(c, cfd, &tls))) {
		close(cfd);
		return;
	}
	conn = ofconn_new(c->d, c->bridge_id, cfd,
			  ofconn_bridge_versions(c->d, br->name), NULL, tls);
	if (conn)
		conn->probe_ms = c->probe_ms;
}

static void
ctrl_listen(struct ofctrl *c)
{
	int one = 1, fd, err = 0;

	if (c->kind == OFCTRL_PUNIX) {
		err = ofconn_listen_unix(c->addr.un.sun_path, &fd);
	} else {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0);
		if (fd < 0)
			err = -errno;
		else if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				    sizeof one) < 0 ||
			 bind(fd, &c->addr.sa, c->addr_len) < 0 ||
			 listen(fd, 16) < 0) {
			err = -errno;
			close(fd);
		}
	}
	if (!err) {
		err = ev_io_add(c->d->loop, fd, EPOLLIN, on_passive_accept, c,
				&c->lio);
		if (err)
			close(fd);
	}
	if (err) {
		log_warn("%s: cannot listen (%s)", c->target, strerror(-err));
		c->last_error = -err;
		return;
	}
	c->lfd = fd;
	log_info("%s: listening", c->target);
}
static void fail_open_run(struct vswd *d);

static void
set_state(struct ofctrl *c, enum ofctrl_state s)
{
	bool was = c->state == OFCTRL_ACTIVE;

	c->state = s;
	c->since_ms = time_mono_ms();
	if (s == OFCTRL_ACTIVE)
		c->up_ms = c->since_ms;
	else if (was)
		c->down_ms = c->since_ms;
	vswd_status_write(c->d);
}

static void
on_backoff(struct ev_timer *t, void *arg)
{
	struct ofctrl *c = arg;

	(void)t;
	c->timer = NULL;
	ctrl_connect(c);
}

static void
backoff(struct ofctrl *c)
{
	set_state(c, OFCTRL_BACKOFF);
	c->timer =
		ev_timer_add(c->d->loop, c->backoff_ms, false, on_backoff, c);
	c->backoff_ms = c->backoff_ms * 2 > c->max_backoff_ms
				? c->max_backoff_ms
				: c->backoff_ms * 2;
}

static void
stop_connecting(struct ofctrl *c)
{
	if (c->io)
		ev_io_del(c->io);
	c->io = NULL;
	tls_stream_free(c->tls);
	c->tls = NULL;
	if (c->timer)
		ev_timer_del(c->timer);
	c->timer = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* @c's connection (c->fd, and c->tls for ssl:) is up: it becomes an
 * ofconn. */
static void
become_active(struct ofctrl *c, const struct bridge *br)
{
	struct tls_stream *tls = c->tls;
	int fd = c->fd;

	c->fd = -1;
	c->tls = NULL;
	if (c->timer)
		ev_timer_del(c->timer);
	c->timer = NULL;
	c->conn = ofconn_new(c->d, c->bridge_id, fd,
			     ofconn_bridge_versions(c->d, br->name), c, tls);
	if (!c->conn) {
		backoff(c);
		return;
	}
	c->conn->probe_ms = c->probe_ms;
	log_info("%s<->%s: connected", br->name, c->target);
	c->backoff_ms = OFCTRL_MIN_BACKOFF_MS;
	set_state(c, OFCTRL_ACTIVE);
}

/* @c's TLS handshake failed with @error (errno), for the reason @why. */
static void
handshake_failed(struct ofctrl *c, int error, const char *why)
{
	c->last_error = error;
	/* The TCP connection was up: Open vSwitch counts it as dropped
	 * (sec_since_disconnect), never as connected. */
	c->down_ms = time_mono_ms();
	log_info_rl(&rl, "%s: connection failed (%s)", c->target, why);
	stop_connecting(c);
	backoff(c);
}

/* Runs @c's TLS handshake as far as it goes without waiting: done, it
 * becomes active; failed (verification, a peer not speaking TLS, a
 * finished bootstrap), Open vSwitch's EPROTO and the backoff. */
static void
on_handshake(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct ofctrl *c = arg;
	const struct bridge *br = vsw_bridge_by_id(&c->d->vsw, c->bridge_id);
	int r = tls_stream_handshake(c->tls);

	(void)io;
	(void)fd;
	(void)revents;
	if (r == -EAGAIN && br) {
		ev_io_modify(c->io, tls_stream_wants(c->tls));
		return;
	}
	if (!r && br) {
		ev_io_del(c->io);
		c->io = NULL;
		become_active(c, br);
		return;
	}
	handshake_failed(c, br ? EPROTO : ENOENT,
			 *tls_stream_error(c->tls) ? tls_stream_error(c->tls)
						   : strerror(-r));
}

/* A peer that accepted the TCP connection but does not finish the
 * handshake within an inactivity probe interval (5 s by default) is
 * given up with "Connection timed out", as Open vSwitch 3.1 gives up a
 * connection attempt (it waits its current backoff, 1 s, 2 s, 4 s...:
 * the probe interval is kinder to a loaded peer). */
static void
on_handshake_timeout(struct ev_timer *t, void *arg)
{
	struct ofctrl *c = arg;

	(void)t;
	c->timer = NULL;
	handshake_failed(c, ETIMEDOUT, "TLS handshake timed out");
}

/* Starts TLS on @c's connected socket. */
static void
ssl_start(struct ofctrl *c)
{
	const char *why;
	struct tls_ctx *ctx = ofssl_ctx(c->d, &why);

	if (!ctx || tls_stream_new(ctx, c->fd, TLS_CLIENT, &c->tls) ||
	    ev_io_add(c->d->loop, c->fd, EPOLLOUT, on_handshake, c, &c->io)) {
		c->last_error = ENOPROTOOPT;
		stop_connecting(c);
		backoff(c);
		return;
	}
	c->timer = ev_timer_add(
		c->d->loop, c->probe_ms ? c->probe_ms : OFCTRL_DEFAULT_PROBE_MS,
		false, on_handshake_timeout, c);
	on_handshake(c->io, c->fd, EPOLLOUT, c);
}

static void
on_connected(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct ofctrl *c = arg;
	const struct bridge *br = vsw_bridge_by_id(&c->d->vsw, c->bridge_id);
	socklen_t len = sizeof(int);
	int err = 0;

	(void)io;
	(void)revents;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	ev_io_del(c->io);
	c->io = NULL;
	if (err || !br) {
		c->last_error = err ? err : ENOENT;
		log_info_rl(&rl, "%s: connection failed (%s)", c->target,
			    strerror(c->last_error));
		close(c->fd);
		c->fd = -1;
		backoff(c);
		return;
	}
	if (c->kind == OFCTRL_SSL) {
		ssl_start(c);
		return;
	}
	become_active(c, br);
}

static void
ctrl_connect(struct ofctrl *c)
{
	const char *why;
	int fd;

	/* Open vSwitch checks the keys as it opens the stream. */
	if (c->kind == OFCTRL_SSL && !ofssl_ctx(c->d, &why)) {
		c->last_error = ENOPROTOOPT;
		log_info_rl(&rl, "%s: connection failed (%s: %s)", c->target,
			    strerror(ENOPROTOOPT), why);
		backoff(c);
		return;
	}
	fd = socket(c->addr.sa.sa_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		c->last_error = errno;
		backoff(c);
		return;
	}
	if (over_tcp(c))
		tcp_nodelay(c, fd);
	if (connect(fd, &c->addr.sa, c->addr_len) < 0 && errno != EINPROGRESS) {
		c->last_error = errno;
		log_info_rl(&rl, "%s: connection failed (%s)", c->target,
			    strerror(errno));
		close(fd);
		backoff(c);
		return;
	}
	c->fd = fd;
	if (ev_io_add(c->d->loop, fd, EPOLLOUT, on_connected, c, &c->io)) {
		close(fd);
		c->fd = -1;
		backoff(c);
		return;
	}
	set_state(c, OFCTRL_CONNECTING);
}

void
ofctrl_conn_closed(struct ofctrl *c, int error)
{
	c->conn = NULL;
	if (error) /* else the last error stands, as in Open vSwitch */
		c->last_error = error;
	log_info("%s: connection closed (%s)", c->target,
		 ofconn_error_string(error));
	backoff(c);
}

static void
ctrl_free(struct vswd_of *of, struct ofctrl *c)
{
	hmap_remove(&of->ctrls, &c->node);
	stop_connecting(c);
	if (c->lio)
		ev_io_del(c->lio);
	if (c->lfd >= 0) {
		close(c->lfd);
		if (c->kind == OFCTRL_PUNIX)
			unlink(c->addr.un.sun_path);
	}
	if (c->timer)
		ev_timer_del(c->timer);
	if (c->conn)
		ofconn_close(c->conn);
	free(c->target);
	free(c);
}

static void
ctrl_sync_one(struct vswd *d, const struct bridge *br,
	      const struct ovsdb_row *row)
{
	uint64_t bridge_id = br->id;
	struct vswd_of *of = d->of;
	const char *target = vswd_str(row, "target");
	int64_t max_backoff = vswd_int(row, "max_backoff", 0);
	int64_t probe = vswd_int(row, "inactivity_probe", -1);
	struct ofctrl *c = ctrl_find(of, ovsdb_row_uuid(row));

	if (c && (c->bridge_id != bridge_id || strcmp(c->target, target))) {
		ctrl_free(of, c);
		c = NULL;
	}
	if (!c) {
		c = xzalloc(sizeof *c);
		c->d = d;
		c->row = *ovsdb_row_uuid(row);
		c->bridge_id = bridge_id;
		c->target = xstrdup(target);
		c->fd = c->lfd = -1;
		c->backoff_ms = OFCTRL_MIN_BACKOFF_MS;
		c->since_ms = c->made_ms = time_mono_ms();
		parse_target(c, br);
		hmap_insert(&of->ctrls, &c->node, row_hash(&c->row));
	}
	/* Open vSwitch: 5 s when unset, 0 turns probes off; we take down
	 * to 1 s (Open vSwitch rounds up to 5 s). */
	c->probe_ms = probe < 0	     ? OFCTRL_DEFAULT_PROBE_MS
		      : probe == 0   ? 0
		      : probe < 1000 ? 1000
				     : (unsigned)probe;
	if (c->conn)
		c->conn->probe_ms = c->probe_ms;
	if (!c->seen_before) {
		c->seen_before = true;
		if (is_active(c))
			ctrl_connect(c);
		else if (c->kind != OFCTRL_NONE)
			ctrl_listen(c);
	}
	c->max_backoff_ms = max_backoff >= 1000 ? (unsigned)max_backoff
						: OFCTRL_DEFAULT_MAX_BACKOFF_MS;
	c->seen = true;
}

void
ofctrl_sync(struct vswd *d)
{
	struct vswd_of *of = d->of;
	struct ovsdb_table *bt = replica_table(d->rep, "Bridge");
	struct hnode *n, *next;

	HMAP_FOR_EACH (n, &of->ctrls)
		HMAP_CONTAINER(n, struct ofctrl, node)->seen = false;
	if (bt)
		HMAP_FOR_EACH (n, &bt->rows) {
			const struct ovsdb_row *brow =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			const struct bridge *br = vsw_find_bridge(
				&d->vsw, vswd_str(brow, "name"));
			const struct ovsdb_datum *cs =
				replica_get(brow, "controller");

			for (unsigned i = 0; br && cs && i < cs->n; i++) {
				const struct ovsdb_row *crow = vswd_row_by_uuid(
					d, "Controller", &cs->keys[i].u);
				if (crow)
					ctrl_sync_one(d, br, crow);
			}
		}
	HMAP_FOR_EACH_SAFE (n, next, &of->ctrls) {
		struct ofctrl *c = HMAP_CONTAINER(n, struct ofctrl, node);
		if (!c->seen)
			ctrl_free(of, c);
	}
	fail_open_run(d);
	vswd_of_miss_sync(d);
}

/* The bridge's fail_mode is "secure". */
static bool
bridge_is_secure(struct vswd *d, const char *name)
{
	struct ovsdb_table *bt = replica_table(d->rep, "Bridge");
	struct hnode *n;

	if (bt)
		HMAP_FOR_EACH (n, &bt->rows) {
			const struct ovsdb_row *row =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			if (!strcmp(vswd_str(row, "name"), name))
				return !strcmp(vswd_str(row, "fail_mode"),
					       "secure");
		}
	return false;
}

/* Whether @br should be failing open now. */
static bool
should_fail_open(struct vswd *d, const struct bridge *br, uint64_t now)
{
	bool any = false;
	struct hnode *n;

	HMAP_FOR_EACH (n, &d->of->ctrls) {
		const struct ofctrl *c = HMAP_CONTAINER(n, struct ofctrl, node);

		unsigned probe =
			c->probe_ms ? c->probe_ms : OFCTRL_DEFAULT_PROBE_MS;

		if (c->bridge_id != br->id || !is_active(c))
			continue;
		if (c->state == OFCTRL_ACTIVE ||
		    now - (c->down_ms ? c->down_ms : c->made_ms) < 3ull * probe)
			return false;
		any = true;
	}
	return any && !bridge_is_secure(d, br->name);
}

/* Puts every bridge in or out of fail-open; a change re-translates its
 * megaflows. */
static void
fail_open_run(struct vswd *d)
{
	uint64_t now = time_mono_ms();
	bool changed = false;
	struct hnode *n;

	HMAP_FOR_EACH (n, &d->vsw.bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		bool fo = should_fail_open(d, br, now);

		if (fo == br->fail_open)
			continue;
		br->fail_open = fo;
		br->config_version++;
		changed = true;
		log_info("bridge %s: %s", br->name,
			 fo ? "controllers lost: failing open (standalone)"
			    : "leaving fail-open");
	}
	if (changed)
		vswd_tables_check(d);
}

/* Ends the restore wait (vswd_of_restoring()) when its time has come;
 * true if it ended now. */
static bool
restore_run(struct vswd *d, uint64_t now)
{
	struct vswd_of *of = d->of;
	bool any = false, all = true;
	uint64_t wait_ms = 0;
	struct hnode *n;

	if (!of->restoring || !d->ready)
		return false;
	HMAP_FOR_EACH (n, &of->ctrls) {
		const struct ofctrl *c = HMAP_CONTAINER(n, struct ofctrl, node);
		unsigned probe =
			c->probe_ms ? c->probe_ms : OFCTRL_DEFAULT_PROBE_MS;

		if (!is_active(c))
			continue;
		any = true;
		all = all && c->barrier;
		if (3ull * probe > wait_ms)
			wait_ms = 3ull * probe;
	}
	if (any && !all && now - of->start_ms < wait_ms)
		return false;
	of->restoring = false;
	log_info("flow tables %s: revalidating every datapath flow",
		 !any  ? "have no controller to restore them"
		 : all ? "restored by the controllers"
		       : "not restored by every controller in time");
	return true;
}

void
ofctrl_conn_barrier(struct ofctrl *c)
{
	if (c->barrier)
		return;
	c->barrier = true;
	if (restore_run(c->d, time_mono_ms()))
		vswd_tables_check(c->d);
}

bool
vswd_of_restoring(struct vswd *d)
{
	if (!d->of)
		return false;
	/* Not only on the timer: without controllers to wait for, the
	 * first revalidation after the configuration is applied must not
	 * wait.  It is under way: no need to ask for another. */
	restore_run(d, time_mono_ms());
	return d->of->restoring;
}

/* Open vSwitch refreshes the Controller rows' status every 5 s. */
#define OFCTRL_STATUS_MS 5000

static void
on_run(struct ev_timer *t, void *arg)
{
	struct vswd *d = arg;
	uint64_t now = time_mono_ms();

	(void)t;
	ofconn_run_probes(d, now);
	if (restore_run(d, now))
		vswd_tables_check(d);
	fail_open_run(d);
	if (d->of->ctrls.n && now - d->of->status_ms >= OFCTRL_STATUS_MS) {
		d->of->status_ms = now;
		vswd_status_write(d);
	}
}

void
ofctrl_init(struct vswd *d)
{
	ev_timer_add(d->loop, OFCTRL_RUN_MS, true, on_run, d);
}

void
ofctrl_conn_idle(struct ofctrl *c)
{
	vswd_status_write(c->d);
}

bool
vswd_of_controller_status(struct vswd *d, const struct ovsdb_uuid *row,
			  struct vswd_ctrl_status *st)
{
	struct ofctrl *c = d->of ? ctrl_find(d->of, row) : NULL;
	static const char *const names[] = { "BACKOFF", "CONNECTING",
					     "ACTIVE" };
	uint64_t now = time_mono_ms();

	if (!c || !is_active(c))
		return false;
	st->connected = c->state == OFCTRL_ACTIVE && c->conn;
	st->state = st->connected && c->conn->probe_sent_ms ? "IDLE"
							    : names[c->state];
	st->sec_since_connect =
		c->up_ms ? (int64_t)((now - c->up_ms) / 1000) : -1;
	st->sec_since_disconnect =
		c->down_ms ? (int64_t)((now - c->down_ms) / 1000) : -1;
	st->last_error =
		c->last_error ? ofconn_error_string(c->last_error) : NULL;
	return true;
}
