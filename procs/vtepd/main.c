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
#include "vtepd.h"

static const struct bus_handler handlers[] = {
	/* The generic appctl commands and ping come from service_serve(). */
};

static const struct service_def def = {
	.role = "vtepd",
	.handlers = handlers,
	.n_handlers = ARRAY_SIZE(handlers),
};

int
main(int argc, char **argv)
{
	struct vtepd *v = vtepd_new();
	struct service s;

	service_init(&s, &def, argc, argv, NULL);
	/* Nothing privileged to open. */
	service_serve(&s, v);
	service_drop(&s);
	vtepd_start(v, s.loop, s.bus);
	return service_run(&s);
}
