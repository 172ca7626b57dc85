/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-vtepd: the VTEP emulator: turns the hardware_vtep database into
 * bridges, tunnels and flows, reports learned MACs back.
 *
 * May: nothing privileged: no capabilities.
 * Talks to: dbserver and vswitchd.
 *
 * main() only parses arguments, opens what needs privilege, drops to the
 * role (lib/roles.c), opens the bus with its handler table and runs the
 * loop (STYLE.md rule 1).
 */
#include "service.h"

static const struct bus_handler handlers[] = {
	/* The generic appctl commands and ping come from service_serve(). */
};

int
main(int argc, char **argv)
{
	struct service s;

	service_init(&s, "vtepd", argc, argv, NULL, NULL, NULL, NULL, NULL,
		     NULL);
	service_serve(&s, handlers, 0, NULL);
	service_drop(&s);
	return service_run(&s);
}
