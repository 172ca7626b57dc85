/* SPDX-License-Identifier: Apache-2.0 */
/* appctl: command registry and the generic commands. */
#include "appctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "coverage.h"
#include "log.h"

LOG_MODULE(appctl);

struct appctl_cmd {
	const char *name, *usage;
	int min_args, max_args;
	appctl_fn *fn;
	void *aux;
};

struct appctl_conn {
	struct bus_req *req;
};

static struct appctl_cmd *cmds;
static size_t n_cmds;
static struct {
	appctl_memory_fn *fn;
	void *aux;
} memory_fns[8];
static size_t n_memory_fns;
static struct ev_loop *exit_loop;
static const char *program;

void
appctl_register(const char *name, const char *usage, int min_args, int max_args,
		appctl_fn *fn, void *aux)
{
	size_t i;

	cmds = xrealloc(cmds, (n_cmds + 1) * sizeof *cmds);
	/* Keep sorted for list-commands. */
	for (i = n_cmds; i > 0 && strcmp(cmds[i - 1].name, name) > 0; i--)
		cmds[i] = cmds[i - 1];
	cmds[i] =
		(struct appctl_cmd){ name, usage, min_args, max_args, fn, aux };
	n_cmds++;
}

void
appctl_register_memory(appctl_memory_fn *fn, void *aux)
{
	if (n_memory_fns < ARRAY_SIZE(memory_fns)) {
		memory_fns[n_memory_fns].fn = fn;
		memory_fns[n_memory_fns++].aux = aux;
	}
}

void
appctl_reply(struct appctl_conn *c, const char *output)
{
	struct bus_msg_appctl_reply r = { .status = 0, .output = output };

	bus_reply_appctl_reply(c->req, &r);
	free(c);
}

void
appctl_reply_error(struct appctl_conn *c, const char *fmt, ...)
{
	struct bus_msg_appctl_reply r = { .status = 1 };
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	r.output = text;
	bus_reply_appctl_reply(c->req, &r);
	free(text);
	free(c);
}

void
appctl_on_call(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_appctl_call *call = msg;
	struct appctl_conn *c = xzalloc(sizeof *c);
	int argc = (int)call->args.n;

	c->req = req;
	for (size_t i = 0; i < n_cmds; i++) {
		const struct appctl_cmd *cmd = &cmds[i];

		if (strcmp(cmd->name, call->command))
			continue;
		if (argc < cmd->min_args)
			appctl_reply_error(c,
					   "\"%s\" command requires at "
					   "least %d arguments\n",
					   cmd->name, cmd->min_args);
		else if (argc > cmd->max_args)
			appctl_reply_error(c,
					   "\"%s\" command takes at most "
					   "%d arguments\n",
					   cmd->name, cmd->max_args);
		else {
			const char **argv =
				xcalloc((size_t)argc + 1, sizeof *argv);
			for (int j = 0; j < argc; j++)
				argv[j] = call->args.v[j];
			cmd->fn(c, argc, argv, cmd->aux);
			free(argv);
		}
		return;
	}
	appctl_reply_error(c,
			   "\"%s\" is not a valid command (use "
			   "\"list-commands\" to see a list of valid "
			   "commands)\n",
			   call->command);
}

/* ---- generic commands ---- */

static void
cmd_list_commands(struct appctl_conn *c, int argc, const char *argv[],
		  void *aux)
{
	struct ds out = DS_EMPTY;

	ds_put(&out, "The available commands are:\n");
	for (size_t i = 0; i < n_cmds; i++)
		ds_printf(&out, "  %-23s %s\n", cmds[i].name, cmds[i].usage);
	appctl_reply(c, ds_cstr(&out));
	ds_free(&out);
}

static void
cmd_version(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	char *v = xasprintf("%s (microvs) %s, Open vSwitch %s compatible\n",
			    program, MICROVS_VERSION, MICROVS_OVS_VERSION);
	appctl_reply(c, v);
	free(v);
}

static void
cmd_vlog_list(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;

	log_list(&out);
	appctl_reply(c, ds_cstr(&out));
	ds_free(&out);
}

static void
cmd_vlog_set(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	for (int i = 0; i < argc; i++) {
		char *err;

		if (log_set_spec(argv[i], &err)) {
			appctl_reply_error(c, "%s\n", err);
			free(err);
			return;
		}
	}
	appctl_reply(c, "");
}

static void
cmd_vlog_reopen(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	int err = log_reopen();

	if (err)
		appctl_reply_error(c, "cannot reopen log file: %s\n",
				   strerror(-err));
	else
		appctl_reply(c, "");
}

static long
rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static void
cmd_memory_show(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;

	ds_printf(&out, "rss_kb:%ld", rss_kb());
	for (size_t i = 0; i < n_memory_fns; i++) {
		ds_put_char(&out, ' ');
		memory_fns[i].fn(&out, memory_fns[i].aux);
	}
	ds_put_char(&out, '\n');
	appctl_reply(c, ds_cstr(&out));
	ds_free(&out);
}

static void
cmd_coverage_show(struct appctl_conn *c, int argc, const char *argv[],
		  void *aux)
{
	struct ds out = DS_EMPTY;

	coverage_show(&out);
	appctl_reply(c, ds_cstr(&out));
	ds_free(&out);
}

static void
cmd_coverage_read(struct appctl_conn *c, int argc, const char *argv[],
		  void *aux)
{
	int64_t v = coverage_read(argv[0]);
	char buf[32];

	snprintf(buf, sizeof buf, "%lld\n", (long long)(v < 0 ? 0 : v));
	appctl_reply(c, buf);
}

static void
cmd_exit(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	log_info("exit requested over appctl");
	appctl_reply(c, "");
	ev_exit(exit_loop, 0);
}

static void
on_coverage_tick(struct ev_timer *t, void *arg)
{
	coverage_tick();
}

void
appctl_register_generic(struct ev_loop *loop, const char *binary)
{
	exit_loop = loop;
	program = binary;
	appctl_register("list-commands", "", 0, 0, cmd_list_commands, NULL);
	appctl_register("version", "", 0, 0, cmd_version, NULL);
	appctl_register("vlog/list", "", 0, 0, cmd_vlog_list, NULL);
	appctl_register("vlog/set", "{spec | PATTERN:destination:pattern}", 0,
			16, cmd_vlog_set, NULL);
	appctl_register("vlog/reopen", "", 0, 0, cmd_vlog_reopen, NULL);
	appctl_register("memory/show", "", 0, 0, cmd_memory_show, NULL);
	appctl_register("coverage/show", "", 0, 0, cmd_coverage_show, NULL);
	appctl_register("coverage/read-counter", "COUNTER", 1, 1,
			cmd_coverage_read, NULL);
	appctl_register("exit", "[--cleanup]", 0, 1, cmd_exit, NULL);
	ev_timer_add(loop, 5000, true, on_coverage_tick, NULL);
}
