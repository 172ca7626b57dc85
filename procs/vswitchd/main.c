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
#include "service.h"
#include "vswitchd.h"

static const struct bus_handler handlers[] = {
	/* The generic appctl commands and ping come from service_serve(). */
};

static const struct service_def def = {
	.role = "vswitchd",
	.handlers = handlers,
	.n_handlers = ARRAY_SIZE(handlers),
};

int
main(int argc, char **argv)
{
	struct service s;
	struct vsw vsw;

	service_init(&s, &def, argc, argv, NULL);
	/* Nothing privileged to open yet. */
	service_serve(&s, NULL);
	service_drop(&s);
	/* Bridges come from the DB replica later; the commands serve the
	 * (empty) switch now. */
	vsw_init(&vsw);
	vswitchd_appctl_register(&vsw);
	return service_run(&s);
}
