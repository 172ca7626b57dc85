/* SPDX-License-Identifier: Apache-2.0 */
/* service: the common process skeleton. */
#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"

LOG_MODULE(service);

static void
on_ping(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_ping *p = msg;
	struct bus_msg_pong r = { .token = p->token,
				  .pid = (uint64_t)getpid() };

	bus_msg_set_present(BUS_MSG_PONG, &r, 2);
	bus_reply(req, BUS_MSG_PONG, &r);
}

void
service_init(struct service *s, const char *role, int argc, char **argv,
	     const char *shortopts, const struct option *longopts,
	     service_opt_fn *fn, void *aux, const char *usage_extra,
	     int *optindp)
{
	static const struct option common[] = { DAEMON_LONG_OPTIONS };
	struct option *all;
	char *shorts;
	size_t n_own = 0;
	int opt;

	daemon_init_process();
	memset(s, 0, sizeof *s);
	s->role = role_find(role);
	if (!s->role) {
		fprintf(stderr, "unknown role %s\n", role);
		exit(1);
	}
	daemon_opts_init(&s->opts, s->role->name, s->role->binary);

	while (longopts && longopts[n_own].name)
		n_own++;
	all = xcalloc(n_own + ARRAY_SIZE(common) + 1, sizeof *all);
	memcpy(all, longopts ? longopts : common, n_own * sizeof *all);
	memcpy(all + n_own, common, sizeof common);
	shorts = xasprintf("%s%s", DAEMON_SHORT_OPTIONS,
			   shortopts ? shortopts : "");
	while ((opt = getopt_long(argc, argv, shorts, all, NULL)) != -1) {
		if (daemon_option(&s->opts, opt, optarg, usage_extra))
			continue;
		if (opt == '?' || !fn || !fn(opt, optarg, aux)) {
			fprintf(stderr, "%s: unknown option (use --help)\n",
				s->role->binary);
			exit(1);
		}
	}
	free(all);
	free(shorts);
	if (optindp)
		*optindp = optind;
	else if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument %s\n", s->role->binary,
			argv[optind]);
		exit(1);
	}
	daemon_opts_finish(&s->opts);
	if (ev_loop_new(&s->loop))
		fatal("cannot create the event loop");
	daemon_start(&s->opts, s->loop);
	appctl_register_generic(s->loop, s->role->binary);
}

void
service_serve(struct service *s, const struct bus_handler *handlers, size_t n,
	      void *aux)
{
	int err;

	s->handlers = xcalloc(n + 2, sizeof *s->handlers);
	memcpy(s->handlers, handlers, n * sizeof *handlers);
	s->handlers[n] =
		(struct bus_handler){ BUS_MSG_APPCTL_CALL, appctl_on_call };
	s->handlers[n + 1] = (struct bus_handler){ BUS_MSG_PING, on_ping };
	err = bus_open(s->loop, s->opts.rundir, s->role, &s->bus);
	if (!err)
		err = bus_serve(s->bus, s->handlers, n + 2, aux);
	if (err)
		fatal("cannot open the bus in %s: %s", s->opts.rundir,
		      strerror(-err));
}

void
service_drop(struct service *s)
{
	if (priv_drop(s->role))
		fatal("privilege drop failed");
}

int
service_run(struct service *s)
{
	int rc;

	daemon_ready(&s->opts, s->loop);
	rc = ev_run(s->loop);
	daemon_finish(&s->opts);
	bus_close(s->bus);
	free(s->handlers);
	return rc;
}
