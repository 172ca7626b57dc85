/* SPDX-License-Identifier: Apache-2.0 */
/*
 * service: the skeleton every process's main.c follows (STYLE.md rule 1).
 * A process describes itself once, in a static const struct service_def
 * (its role, its own options, its usage text, its bus handler table), and
 * main() is four calls in a fixed order around what only it does:
 *
 *	static const struct service_def def = {
 *		.role = "vswitchd",
 *		.handlers = handlers,
 *		.n_handlers = ARRAY_SIZE(handlers),
 *	};
 *
 *	service_init(&s, &def, argc, argv, NULL);  parse, log, rundir, detach
 *	... open what needs privilege ...
 *	service_serve(&s, aux);                     bus endpoint + appctl
 *	service_drop(&s);                           the role's uid and caps
 *	... set up the process's own work on s.loop ...
 *	return service_run(&s);                     ready, loop, clean-up
 */
#ifndef MICROVS_SERVICE_H
#define MICROVS_SERVICE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "appctl.h"
#include "bus.h"
#include "daemon.h"
#include "ev.h"
#include "roles.h"

/* A process's own option: called with getopt's value (struct option's
 * @val) and argument (NULL for a flag) for every option of the process's
 * table; @aux is service_init()'s.  Returns 0, or a negative errno for a
 * bad value (then service_init() reports it and exits). */
typedef int service_opt_fn(int opt, const char *arg, void *aux);

/* What a process is, declared once as a static const in its main.c. */
struct service_def {
	const char *role; /* its name in lib/roles.c: "vswitchd" */
	/* Its own long options (getopt's, ending with a NULL name; NULL:
	 * none) and the function that takes them.  Their @val must not be
	 * one of the common options' (DAEMON_OPT_*, 'v', 'h', 'V'). */
	const struct option *options;
	service_opt_fn *on_option;
	/* Its short options, in getopt's syntax ("p:c:C:"; NULL: none),
	 * each the @val of one of @options.  Not the common ones' letters
	 * (v, h, V). */
	const char *short_options;
	/* What --help prints after "usage: BINARY [OPTIONS]":
	 * " [DBFILE]... [--remote=REMOTE]..." (NULL: nothing). */
	const char *usage;
	bool positional; /* takes arguments after the options */
	/* Its bus handlers; service_serve() adds appctl and ping. */
	const struct bus_handler *handlers;
	size_t n_handlers;
	/* Also serves its calls on a lane (bus_serve_lane()): for the role
	 * the packet path calls. */
	bool lane;
};

struct service {
	const struct service_def *def;
	const struct role *role;
	struct daemon_opts opts;
	char **args; /* the positional arguments (def->positional) */
	size_t n_args;
	struct ev_loop *loop;
	struct bus *bus;
	struct bus_handler *handlers; /* the process's + the generic ones */
};

/* Parses the command line as @def declares it (the common options, then
 * @def's own through def->on_option with @aux), filling s->def, s->role,
 * s->opts and s->args; does nothing else.  0, or -EINVAL after printing
 * why on stderr (unknown role, unknown option, a value on_option refused,
 * an argument where @def takes none).  Like daemon_option(), exits for
 * --help, --version and a bad -v. */
int service_parse(struct service *s, const struct service_def *def, int argc,
		  char **argv, void *aux);
/* Closes inherited descriptors and raises the fd limit
 * (daemon_init_process), service_parse(), then starts logging, the run
 * directory, detach and the pidfile, and registers the generic appctl
 * commands.  Exits on error. */
void service_init(struct service *s, const struct service_def *def, int argc,
		  char **argv, void *aux);
/* Opens the bus endpoint with the def's handlers plus appctl and ping;
 * the handlers are called with @aux.  Exits on failure. */
void service_serve(struct service *s, void *aux);
/* Drops to the role's user and capabilities.  Exits on failure. */
void service_drop(struct service *s);
/* Signals readiness, runs the loop, cleans up; returns the exit code. */
int service_run(struct service *s);

#endif
