/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-dbserver: the configuration databases (Open_vSwitch, hardware_vtep) with OVSDB semantics stored in SQLite; OVSDB JSON-RPC remotes for ecosystem clients, the same operations on the bus for our tools.
 *
 * May: nothing privileged: no capabilities, its own user, writes only its database directory.
 * Talks to: everyone: our processes and tools over the bus, OVSDB clients over its remotes.
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

	service_init(&s, "dbserver", argc, argv, NULL, NULL, NULL, NULL, NULL, NULL);
	service_serve(&s, handlers, 0, NULL);
	service_drop(&s);
	return service_run(&s);
}
