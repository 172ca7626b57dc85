/* SPDX-License-Identifier: Apache-2.0 */
/*
 * service: the skeleton every process's main.c follows (STYLE.md rule 1),
 * as four calls in a fixed order:
 *
 *	service_init(&s, "vswitchd", argc, argv, own options...);
 *	... open what needs privilege ...
 *	service_serve(&s, handlers, n, aux);  bus endpoint + appctl
 *	service_drop(&s);                     the role's uid and caps
 *	... set up the process's own work on s.loop ...
 *	return service_run(&s);               ready, loop, clean-up
 */
#ifndef MICROVS_SERVICE_H
#define MICROVS_SERVICE_H

#include "appctl.h"
#include "bus.h"
#include "daemon.h"
#include "ev.h"
#include "roles.h"

struct service {
	const struct role *role;
	struct daemon_opts opts;
	struct ev_loop *loop;
	struct bus *bus;
	struct bus_handler *handlers; /* the process's + the generic ones */
};

/* A process's own option: called for every option the common set does not
 * know; returns false for an unknown one (then usage error). */
typedef bool service_opt_fn(int opt, const char *arg, void *aux);

/* Closes inherited descriptors and raises the fd limit
 * (daemon_init_process), parses the command line (common options and
 * @longopts/@shortopts handled by @fn), starts logging, the run
 * directory, detach and the pidfile.  Positional arguments are left in
 * argv[*@optindp..argc).  Exits on error. */
void service_init(struct service *s, const char *role, int argc, char **argv,
		  const char *shortopts, const struct option *longopts,
		  service_opt_fn *fn, void *aux, const char *usage_extra,
		  int *optindp);
/* Opens the bus endpoint with @handlers plus appctl and ping. */
void service_serve(struct service *s, const struct bus_handler *handlers,
		   size_t n, void *aux);
/* Drops to the role's user and capabilities.  Exits on failure. */
void service_drop(struct service *s);
/* Signals readiness, runs the loop, cleans up; returns the exit code. */
int service_run(struct service *s);

#endif
