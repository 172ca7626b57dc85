/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_connect: active remotes.  For unix:PATH, tcp:IP:PORT and
 * ssl:IP:PORT the server makes the connection (a non-blocking connect the
 * loop finishes) and then serves the peer like any client; when it fails
 * or closes, it tries again after a backoff that starts at 1 s and
 * doubles up to 8 s, as Open vSwitch's reconnect does.  Addresses are
 * numeric: resolving a name would block the loop.  An ssl: connection
 * whose handshake bootstrapped the CA certificate closes, and the next
 * attempt verifies the peer with it.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "tls.h"

LOG_MODULE(dbserver_connect);

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 8000

struct dbserver_active {
	struct dbserver *srv;
	char *target;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	bool tcp, ssl;
	int fd;			/* while connecting, else -1 */
	struct ev_io *io;	/* while connecting */
	struct ev_timer *retry; /* while waiting to connect again */
	uint64_t backoff_ms;
	struct dbserver_conn *conn; /* while connected */
};

static struct log_rl rl = LOG_RL_INIT(10, 60);

static void start(struct dbserver_active *a);

/* Parses "IP:PORT" or "[IPv6]:PORT" into @a's address. */
static int
parse_inet(struct dbserver_active *a, const char *spec)
{
	char *copy = xstrdup(spec), *port = strrchr(copy, ':'), *ip = copy;
	int r = -EINVAL;

	if (!port)
		goto out;
	*port++ = '\0';
	if (*ip == '[' && port - ip > 2 && port[-2] == ']') {
		ip++;
		port[-2] = '\0';
	}
	char *end;
	unsigned long p = strtoul(port, &end, 10);
	if (!*port || *end || !p || p > 65535)
		goto out;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&a->addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a->addr;
	if (inet_pton(AF_INET, ip, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)p);
		a->addr_len = sizeof *a4;
		r = 0;
	} else if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)p);
		a->addr_len = sizeof *a6;
		r = 0;
	}
out:
	free(copy);
	return r;
}

static void
on_retry(struct ev_timer *t, void *arg)
{
	struct dbserver_active *a = arg;

	ev_timer_del(t);
	a->retry = NULL;
	start(a);
}

static void
retry_later(struct dbserver_active *a)
{
	if (a->retry)
		return;
	a->retry =
		ev_timer_add(a->srv->loop, a->backoff_ms, false, on_retry, a);
	a->backoff_ms = a->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
							   : a->backoff_ms * 2;
}

static void
stop_connecting(struct dbserver_active *a)
{
	if (a->io)
		ev_io_del(a->io);
	a->io = NULL;
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
}

static void
on_closed(void *aux)
{
	struct dbserver_active *a = aux;

	a->conn = NULL;
	log_info("%s: connection closed, connecting again in %.3g s", a->target,
		 (double)a->backoff_ms / 1000);
	retry_later(a);
}

/* The socket is connected: serve it. */
static void
connected(struct dbserver_active *a)
{
	struct dbserver_conn_cfg cfg = { .tcp = a->tcp,
					 .name = a->target,
					 .tls_role = TLS_CLIENT,
					 .on_close = on_closed,
					 .close_aux = a };
	int fd = a->fd;

	ev_io_del(a->io);
	a->io = NULL;
	a->fd = -1;
	if (a->ssl && !(cfg.tls = dbserver_ssl_ctx(a->srv, false))) {
		log_warn_rl(&rl, "%s: SSL is not configured", a->target);
		close(fd);
		retry_later(a);
		return;
	}
	log_info("%s: connected", a->target);
	a->backoff_ms = BACKOFF_MIN_MS;
	a->conn = dbserver_conn_new(a->srv, fd, &cfg);
	if (!a->conn)
		retry_later(a);
}

static void
on_connect(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct dbserver_active *a = arg;
	int err = 0;
	socklen_t len = sizeof err;

	(void)io;
	(void)revents;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == EINPROGRESS)
		return;
	if (err) {
		log_warn_rl(&rl, "%s: connection attempt failed (%s)",
			    a->target, strerror(err));
		stop_connecting(a);
		retry_later(a);
		return;
	}
	connected(a);
}

static void
start(struct dbserver_active *a)
{
	int r;

	a->fd = socket(a->addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->fd < 0) {
		log_warn_rl(&rl, "%s: socket: %s", a->target, strerror(errno));
		retry_later(a);
		return;
	}
	r = connect(a->fd, (struct sockaddr *)&a->addr, a->addr_len);
	if (r < 0 && errno != EINPROGRESS) {
		log_warn_rl(&rl, "%s: connection attempt failed (%s)",
			    a->target, strerror(errno));
		stop_connecting(a);
		retry_later(a);
		return;
	}
	if (ev_io_add(a->srv->loop, a->fd, EPOLLOUT, on_connect, a, &a->io)) {
		stop_connecting(a);
		retry_later(a);
		return;
	}
	if (!r)
		connected(a);
}

int
dbserver_active_new(struct dbserver *srv, const char *target,
		    struct dbserver_active **ap, char **errp)
{
	struct dbserver_active *a = xzalloc(sizeof *a);
	int r = 0;

	a->srv = srv;
	a->fd = -1;
	a->backoff_ms = BACKOFF_MIN_MS;
	if (!strncmp(target, "unix:", 5)) {
		struct sockaddr_un *un = (struct sockaddr_un *)&a->addr;
		un->sun_family = AF_UNIX;
		if (strlen(target + 5) >= sizeof un->sun_path)
			r = -ENAMETOOLONG;
		else
			strcpy(un->sun_path, target + 5);
		a->addr_len = sizeof *un;
	} else {
		a->tcp = true;
		a->ssl = !strncmp(target, "ssl:", 4);
		r = parse_inet(a, target + 4);
	}
	if (r) {
		*errp = xasprintf("%s: bad address (an active remote needs "
				  "unix:PATH, tcp:IP:PORT or ssl:IP:PORT)",
				  target);
		free(a);
		return r;
	}
	a->target = xstrdup(target);
	*ap = a;
	start(a);
	return 0;
}

void
dbserver_active_free(struct dbserver_active *a)
{
	if (!a)
		return;
	stop_connecting(a);
	if (a->retry)
		ev_timer_del(a->retry);
	if (a->conn) {
		dbserver_conn_detach(a->conn);
		dbserver_conn_kill(a->conn);
	}
	free(a->target);
	free(a);
}
