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
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus_acl.h"
#include "bus_codec.h"
#include "log.h"

LOG_MODULE(dbserver_admit);

struct dbserver_admit {
	struct bus_acl acl;
	uint64_t n_refused_uid;
};

static struct log_rl rl = LOG_RL_INIT(10, 60);

int
dbserver_admit_init(struct dbserver *srv)
{
	struct dbserver_admit *ad = xzalloc(sizeof *ad);

	bus_acl_load(&ad->acl);
	srv->admit = ad;
	return 0;
}

void
dbserver_admit_free(struct dbserver *srv)
{
	struct dbserver_admit *ad = srv->admit;

	if (!ad)
		return;
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

int
dbserver_admit_accept(struct dbserver *srv, int fd, bool tcp,
		      const char *target)
{
	struct dbserver_admit *ad = srv->admit;

	for (int i = 0; i < 64; i++) {
		int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0)
			return 0;
		if (!tcp && !peer_allowed(ad, c, target)) {
			close(c);
			continue;
		}
		dbserver_conn_accept(srv, c, tcp);
	}
	return 0;
}
