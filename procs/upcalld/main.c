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
};

static const struct service_def def = {
	.role = "upcalld",
	.handlers = handlers,
	.n_handlers = ARRAY_SIZE(handlers),
};

int
main(int argc, char **argv)
{
	struct service s;

	service_init(&s, &def, argc, argv, NULL);
	service_serve(&s, NULL);
	upcalld_dpctl_register();
	service_drop(&s);
	return service_run(&s);
}
