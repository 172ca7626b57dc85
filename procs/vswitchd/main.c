/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-vswitchd: the OpenFlow switch: bridges and ports from the database,
 * flow tables, translation of missed packets, MAC learning, status back to the
 * database.
 *
 * May: nothing privileged: it parses untrusted OpenFlow, so it holds no
 * capability at all. Talks to: dbserver, upcalld, OpenFlow controllers and
 * ovs-ofctl.
 *
 * main() only parses arguments, opens what needs privilege, drops to the
 * role (lib/roles.c), opens the bus with its handler table and runs the
 * loop (STYLE.md rule 1).
 */
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "service.h"
#include "vswitchd.h"

LOG_MODULE(vswitchd);

static const struct bus_handler handlers[] = {
	/* The generic appctl commands and ping come from service_serve(). */
	{ BUS_MSG_UPCALL_BATCH, vswd_on_upcall_batch },
	{ BUS_MSG_REVALIDATE, vswd_on_revalidate },
	{ BUS_MSG_UPCALLD_HELLO, vswd_on_upcalld_hello },
	{ BUS_MSG_VTEP_FLOWS, vswd_on_vtep_flows },
};

static const struct service_def def = {
	.role = "vswitchd",
	.handlers = handlers,
	.n_handlers = ARRAY_SIZE(handlers),
	.lane = true, /* upcalld's upcall batches and revalidation */
};

int
main(int argc, char **argv)
{
	static struct vswd d;
	struct service s;
	struct group *gr;
	uid_t uid = getuid();
	gid_t gid = getgid();
	char *mgmt;
	int err;

	service_init(&s, &def, argc, argv, NULL);
	/* The run directory is root's: the bridges' management sockets go
	 * in a directory of the vswitchd user's, made now. */
	mgmt = xasprintf("%s/vswitchd", s.opts.rundir);
	if (!geteuid() &&
	    (role_uid(s.role, &uid) || !(gr = getgrnam(ROLE_GROUP)) ||
	     (gid = gr->gr_gid, false)))
		fatal("cannot find the user and group of the vswitchd role");
	err = vswd_of_prepare_dir(mgmt, uid, gid);
	if (err)
		fatal("cannot make %s: %s", mgmt, strerror(-err));
	service_serve(&s, &d);
	service_drop(&s);
	/* Bridges come from the database replica; datapaths from upcalld. */
	vswd_init(&d, s.loop, s.bus);
	vswd_of_init(&d, mgmt);
	free(mgmt);
	return service_run(&s);
}
