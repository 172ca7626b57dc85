/* SPDX-License-Identifier: Apache-2.0 */
/* service: the common process skeleton (see service.h). */
#include "service.h"

#include <errno.h>
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
	struct bus_msg_pong r = { .token = p->token };

	bus_msg_pong_set_pid(&r, (uint64_t)getpid());
	bus_reply_pong(req, &r);
}

/* The common options followed by @def's own, NULL-name terminated. */
static struct option *
all_options(const struct service_def *def)
{
	static const struct option common[] = { DAEMON_LONG_OPTIONS };
	struct option *all;
	size_t n_own = 0;

	while (def->options && def->options[n_own].name)
		n_own++;
	all = xcalloc(n_own + ARRAY_SIZE(common) + 1, sizeof *all);
	if (n_own)
		memcpy(all, def->options, n_own * sizeof *all);
	memcpy(all + n_own, common, sizeof common);
	return all;
}

/* The long name of @def's option @opt ("?" if none has that value). */
static const char *
option_name(const struct service_def *def, int opt)
{
	for (const struct option *o = def->options; o && o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

static int
take_option(struct service *s, int opt, const char *arg, void *aux)
{
	const struct service_def *def = s->def;
	int err;

	if (daemon_option(&s->opts, opt, arg, def->usage))
		return 0;
	if (opt == '?' || !def->on_option) {
		fprintf(stderr, "%s: unknown option (use --help)\n",
			s->role->binary);
		return -EINVAL;
	}
	err = def->on_option(opt, arg, aux);
	if (err)
		fprintf(stderr, "%s: --%s%s%s: %s\n", s->role->binary,
			option_name(def, opt), arg ? "=" : "", arg ? arg : "",
			strerror(-err));
	return err;
}

int
service_parse(struct service *s, const struct service_def *def, int argc,
	      char **argv, void *aux)
{
	struct option *all;
	char *shorts;
	int opt, err = 0;

	memset(s, 0, sizeof *s);
	s->def = def;
	s->role = role_find(def->role);
	if (!s->role) {
		fprintf(stderr, "unknown role %s\n", def->role);
		return -EINVAL;
	}
	daemon_opts_init(&s->opts, s->role->name, s->role->binary);
	all = all_options(def);
	shorts = xasprintf("%s%s", DAEMON_SHORT_OPTIONS,
			   def->short_options ? def->short_options : "");
	optind = 0; /* glibc: start afresh, even if parsed before */
	while (!err && (opt = getopt_long(argc, argv, shorts, all, NULL)) != -1)
		err = take_option(s, opt, optarg, aux);
	free(all);
	free(shorts);
	if (err)
		return err;
	if (optind < argc && !def->positional) {
		fprintf(stderr, "%s: unexpected argument %s\n", s->role->binary,
			argv[optind]);
		return -EINVAL;
	}
	s->args = argv + optind;
	s->n_args = (size_t)(argc - optind);
	return 0;
}

void
service_init(struct service *s, const struct service_def *def, int argc,
	     char **argv, void *aux)
{
	daemon_init_process();
	if (service_parse(s, def, argc, argv, aux))
		exit(1);
	daemon_opts_finish(&s->opts);
	if (ev_loop_new(&s->loop))
		fatal("cannot create the event loop");
	daemon_start(&s->opts, s->loop);
	appctl_register_generic(s->loop, s->role->binary);
}

void
service_serve(struct service *s, void *aux)
{
	const struct bus_handler *handlers = s->def->handlers;
	size_t n = s->def->n_handlers;
	int err;

	s->handlers = xcalloc(n + 2, sizeof *s->handlers);
	if (n)
		memcpy(s->handlers, handlers, n * sizeof *handlers);
	s->handlers[n] =
		(struct bus_handler){ BUS_MSG_APPCTL_CALL, appctl_on_call };
	s->handlers[n + 1] = (struct bus_handler){ BUS_MSG_PING, on_ping };
	err = bus_open(s->loop, s->opts.rundir, s->role, &s->bus);
	if (!err)
		err = bus_serve(s->bus, s->handlers, n + 2, aux);
	if (!err && s->def->lane)
		err = bus_serve_lane(s->bus);
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
