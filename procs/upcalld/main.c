/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-upcalld: the datapath owner: kernel module over generic netlink or
 * the userspace datapath, vports, upcalls batched to vswitchd, megaflows,
 * revalidation.
 *
 * May: CAP_NET_ADMIN and CAP_NET_RAW only; it never parses OpenFlow or JSON.
 * Talks to: vswitchd, tunneld and the kernel module.
 *
 * main() only parses arguments, opens what needs privilege, drops to the
 * role (lib/roles.c), opens the bus with its handler table and runs the
 * loop (STYLE.md rule 1).
 */
#include "service.h"
#include "upcalld.h"

static const struct bus_handler handlers[] = {
	/* The generic appctl commands and ping come from service_serve(). */
	{ BUS_MSG_DP_HELLO, upcalld_on_dp_hello },
	{ BUS_MSG_DP_OPEN, upcalld_on_dp_open },
	{ BUS_MSG_DP_PORT_ADD, upcalld_on_dp_port_add },
	{ BUS_MSG_DP_PORT_DEL, upcalld_on_dp_port_del },
	{ BUS_MSG_DP_PORT_DUMP, upcalld_on_dp_port_dump },
	{ BUS_MSG_DP_PORT_SET, upcalld_on_dp_port_set },
	{ BUS_MSG_DP_METER_SET, upcalld_on_dp_meter_set },
	{ BUS_MSG_DP_METER_DEL, upcalld_on_dp_meter_del },
	{ BUS_MSG_DP_METER_DUMP, upcalld_on_dp_meter_dump },
	{ BUS_MSG_DP_CONFIG, upcalld_on_dp_config },
	{ BUS_MSG_DP_EXECUTE, upcalld_on_dp_execute },
	{ BUS_MSG_DP_FLOW_DEL, upcalld_on_dp_flow_del },
};

static const struct service_def def = {
	.role = "upcalld",
	.handlers = handlers,
	.n_handlers = ARRAY_SIZE(handlers),
};

int
main(int argc, char **argv)
{
	static struct upcalld u;
	struct service s;

	service_init(&s, &def, argc, argv, NULL);
	service_serve(&s, &u);
	upcalld_dpctl_register();
	service_drop(&s);
	/* Datapaths are opened when vswitchd asks (dp_open), after the drop:
	 * CAP_NET_ADMIN and CAP_NET_RAW are all they need. */
	upcalld_init(&u, s.loop, s.bus);
	return service_run(&s);
}
