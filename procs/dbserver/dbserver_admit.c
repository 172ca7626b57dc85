/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_admit: which waiting connections a listener admits.
 *
 * Who: db.sock is a second door to what the bus's ovsdb_call does, so a
 * punix: client's uid (SO_PEERCRED) is checked against the bus's table
 * (bus_acl.h): root and any uid that is no role's user (an operator the
 * socket's mode, 0770 root:microvs, let in, as before) are admitted; a
 * role user only if the catalogue lets its role send ovsdb_call.  Other
 * role users are refused with a log line.  ptcp: clients carry no uid;
 * whoever opens a TCP remote decides who may reach it.
 *
 * Out of descriptors: accept() then fails with EMFILE (or ENFILE) and
 * leaves the connection queued, so the level-triggered listener would wake
 * the loop at once, forever (100 % CPU, and the client hangs).  A spare
 * descriptor is kept: it is closed to accept the waiting connection, which
 * is closed at once (the client sees it refused), and taken again.  If it
 * cannot be taken again, the caller pauses the listener for a while.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus_acl.h"
#include "bus_codec.h"
#include "log.h"
#include "tls.h"

LOG_MODULE(dbserver_admit);

struct dbserver_admit {
	struct bus_acl acl;
	int spare; /* -1 while used up */
	uint64_t n_refused_uid, n_refused_fds;
};

static struct log_rl rl = LOG_RL_INIT(10, 60);

int
dbserver_admit_init(struct dbserver *srv)
{
	struct dbserver_admit *ad = xzalloc(sizeof *ad);

	bus_acl_load(&ad->acl);
	ad->spare = eventfd(0, EFD_CLOEXEC);
	if (ad->spare < 0) {
		int err = -errno;
		log_err("cannot reserve a descriptor: %m");
		free(ad);
		return err;
	}
	srv->admit = ad;
	return 0;
}

void
dbserver_admit_free(struct dbserver *srv)
{
	struct dbserver_admit *ad = srv->admit;

	if (!ad)
		return;
	if (ad->spare >= 0)
		close(ad->spare);
	free(ad);
	srv->admit = NULL;
}

static bool
peer_allowed(struct dbserver_admit *ad, int c, const char *target)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	uint32_t bits;

	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		log_warn_rl(&rl,
			    "%s: refused a connection: no peer "
			    "credentials (%m)",
			    target);
		return false;
	}
	bits = bus_acl_roles(&ad->acl, cr.uid);
	if (!bits || bus_acl_may_send(&ad->acl, cr.uid, BUS_MSG_OVSDB_CALL))
		return true;
	ad->n_refused_uid++;
	log_warn_rl(&rl,
		    "%s: refused a connection from uid %u (%s), pid %ld: "
		    "the catalogue does not let %s send ovsdb_call",
		    target, (unsigned)cr.uid,
		    bus_acl_role_name(&ad->acl, cr.uid), (long)cr.pid,
		    bus_acl_role_name(&ad->acl, cr.uid));
	return false;
}

/* Out of descriptors: accepts one waiting connection on the spare slot
 * and closes it.  0 refused one, 1 none was waiting, -EMFILE no spare. */
static int
refuse_one(struct dbserver_admit *ad, int fd, const char *target, int why)
{
	struct rlimit lim = { 0 };
	int c;

	if (ad->spare < 0)
		ad->spare = eventfd(0, EFD_CLOEXEC);
	if (ad->spare < 0)
		return -EMFILE;
	close(ad->spare);
	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c >= 0)
		close(c);
	ad->spare = eventfd(0, EFD_CLOEXEC);
	if (c < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : -EMFILE;
	ad->n_refused_fds++;
	getrlimit(RLIMIT_NOFILE, &lim);
	log_warn_rl(&rl,
		    "%s: refused a connection: %s (limit %llu descriptors; "
		    "%llu refused so far)",
		    target, strerror(why), (unsigned long long)lim.rlim_cur,
		    (unsigned long long)ad->n_refused_fds);
	return 0;
}

/* "ssl:IP:PORT" for @c's peer, as Open vSwitch names connections. */
static char *
peer_name(int c, const char *method)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (!getpeername(c, (struct sockaddr *)&ss, &len)) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
			port = ntohs(a->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
			port = ntohs(a->sin6_port);
		}
	}
	return xasprintf(strchr(ip, ':') ? "%s:[%s]:%u" : "%s:%s:%u", method,
			 ip, port);
}

/* Serves the admitted connection @c, over TLS for a pssl: listener. */
static void
serve(struct dbserver *srv, int c, bool tcp, bool ssl, const char *target)
{
	struct dbserver_conn_cfg cfg = { .tcp = tcp };
	char *name = NULL;

	if (ssl) {
		cfg.tls = dbserver_ssl_ctx(srv, false);
		cfg.tls_role = TLS_SERVER;
		if (!cfg.tls) {
			log_warn_rl(&rl,
				    "%s: refused a connection: SSL is not "
				    "configured",
				    target);
			close(c);
			return;
		}
	}
	if (tcp)
		cfg.name = name = peer_name(c, ssl ? "ssl" : "tcp");
	dbserver_conn_new(srv, c, &cfg);
	free(name);
}

int
dbserver_admit_accept(struct dbserver *srv, int fd, bool tcp, bool ssl,
		      const char *target)
{
	struct dbserver_admit *ad = srv->admit;

	for (int i = 0; i < 64; i++) {
		int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0) {
			int r;
			if (errno != EMFILE && errno != ENFILE)
				return 0;
			if ((r = refuse_one(ad, fd, target, errno)))
				return r < 0 ? r : 0;
			continue;
		}
		if (!tcp && !peer_allowed(ad, c, target)) {
			close(c);
			continue;
		}
		serve(srv, c, tcp, ssl, target);
	}
	return 0;
}
