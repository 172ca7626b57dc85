/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-tunneld: tunnel ports (VXLAN, GRE, Geneve): endpoints, keys, underlay
 * routes and neighbours, tunnel status in the database.
 *
 * May: nothing privileged.  Reading the routing, neighbour and link tables
 * needs no capability, and the userspace datapath pushes the outer headers
 * itself; CAP_NET_ADMIN would only be needed to create the kernel
 * datapath's tunnel devices (lib/roles.c).
 * Talks to: dbserver and vswitchd.
 *
 * main() only parses arguments, opens what needs privilege, drops to the
 * role (lib/roles.c), opens the bus with its handler table and runs the
 * loop (STYLE.md rule 1).
 */
#include "service.h"
#include "tunneld.h"

static const struct bus_handler handlers[] = {
	/* The generic appctl commands and ping come from service_serve(). */
	{ BUS_MSG_TNL_ROUTES_GET, tnld_on_routes_get },
	{ BUS_MSG_TNL_REMOTES_WANT, tnld_on_remotes_want },
};

static const struct service_def def = {
	.role = "tunneld",
	.handlers = handlers,
	.n_handlers = ARRAY_SIZE(handlers),
};

int
main(int argc, char **argv)
{
	struct tnld *t = tnld_new();
	struct service s;

	service_init(&s, &def, argc, argv, NULL);
	/* Nothing privileged to open. */
	service_serve(&s, t);
	service_drop(&s);
	tnld_start(t, s.loop, s.bus);
	return service_run(&s);
}
