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
	{ BUS_MSG_UPCALL_BATCH, vswd_on_upcall_batch },
	{ BUS_MSG_REVALIDATE, vswd_on_revalidate },
	{ BUS_MSG_UPCALLD_HELLO, vswd_on_upcalld_hello },
	{ BUS_MSG_VTEP_FLOWS, vswd_on_vtep_flows },
};

static const struct service_def def = {
	.role = "vswitchd",
	.handlers = handlers,
	.n_handlers = ARRAY_SIZE(handlers),
};

int
main(int argc, char **argv)
{
	static struct vswd d;
	struct service s;

	service_init(&s, &def, argc, argv, NULL);
	/* Nothing privileged to open. */
	service_serve(&s, &d);
	service_drop(&s);
	/* Bridges come from the database replica; datapaths from upcalld. */
	vswd_init(&d, s.loop, s.bus);
	return service_run(&s);
}
