/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_main: option parsing, the `--` command chain, one transaction per
 * invocation, output, exit status, and waiting for cur_cfg (see dbctl.h).
 */
#include "dbctl.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbctl_fmt.h"
#include "dbctl_rpc.h"

static const char *prog_name = "ovs-vsctl";
/* vlog sequence number of the last message.  Open vSwitch logs "Called
 * as ..." at INFO (counted, though not on the console) when some command
 * may write to the database, so the first warning is then 00002. */
static unsigned warn_seq;

void
dbctl_fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
put_time(char buf[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
dbctl_warn(const char *module, const char *fmt, ...)
{
	char ts[32];
	va_list ap;

	put_time(ts);
	fprintf(stderr, "%s|%05u|%s|WARN|", ts, ++warn_seq, module);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
on_alarm(int sig)
{
	char ts[32], line[128];

	put_time(ts);
	int n = snprintf(line, sizeof line,
			 "%s|%05u|fatal_signal|WARN|terminating with signal "
			 "14 (Alarm clock)\n",
			 ts, warn_seq + 1);
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nothing to do */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void
dbctl_arm_timeout(unsigned seconds)
{
	signal(SIGALRM, on_alarm);
	alarm(seconds);
}

bool
dbctl_has_opt(const struct dbctl_ctx *ctx, const char *name)
{
	for (int i = 0; i < ctx->n_opts; i++)
		if (!strcmp(ctx->opt_names[i], name))
			return true;
	return false;
}

const char *
dbctl_opt(const struct dbctl_ctx *ctx, const char *name)
{
	for (int i = 0; i < ctx->n_opts; i++)
		if (!strcmp(ctx->opt_names[i], name))
			return ctx->opt_values[i];
	return NULL;
}

/* Global options; flags for has_wait-only ones. */
struct gopt {
	const char *name;
	char short_name;
	bool arg;
	bool wait_only; /* ovs-vsctl only */
	bool listed;	/* shown by --options */
};

static const struct gopt gopts[] = {
	{ "db", 0, true, false, true },
	{ "no-syslog", 0, false, false, true },
	{ "no-wait", 0, false, true, true },
	{ "dry-run", 0, false, false, true },
	{ "oneline", 0, false, false, true },
	{ "timeout", 't', true, false, true },
	{ "retry", 0, false, true, true },
	{ "help", 'h', false, false, true },
	{ "commands", 0, false, true, true },
	{ "options", 0, false, true, true },
	{ "leader-only", 0, false, false, true },
	{ "no-leader-only", 0, false, false, true },
	{ "shuffle-remotes", 0, false, false, true },
	{ "no-shuffle-remotes", 0, false, false, true },
	{ "version", 'V', false, false, true },
	{ "verbose", 'v', true, false, true },
	{ "log-file", 0, true, false, true },
	{ "syslog-method", 0, true, false, true },
	{ "syslog-target", 0, true, false, true },
	{ "format", 'f', true, false, true },
	{ "data", 'd', true, false, true },
	{ "no-headings", 0, false, false, true },
	{ "pretty", 0, false, false, true },
	{ "bare", 0, false, false, true },
	{ "max-column-width", 0, true, false, true },
	{ "private-key", 'p', true, false, true },
	{ "certificate", 'c', true, false, true },
	{ "ca-cert", 'C', true, false, true },
	{ "ssl-protocols", 0, true, false, true },
	{ "ssl-ciphers", 0, true, false, true },
	{ "bootstrap-ca-cert", 0, true, false, true },
	{ "peer-ca-cert", 0, true, false, true },
	{ "rundir", 0, true, false, false },
};

struct settings {
	const char *db;
	const char *rundir;
	bool no_wait, dry_run, oneline;
	unsigned timeout;
};

static const struct gopt *
find_long(const struct dbctl_tool *tool, const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(gopts); i++) {
		if (gopts[i].wait_only && !tool->has_wait)
			continue;
		if (strlen(gopts[i].name) == len &&
		    !strncmp(gopts[i].name, name, len))
			return &gopts[i];
	}
	return NULL;
}

/* Is "--@opt" (@len bytes, without its dashes when @skip is 2) in the
 * comma-separated option list @list ("--a,--b=")?  *@takes_arg (if not
 * NULL) says whether it is listed with "=". */
static bool
option_listed(const char *list, size_t skip, const char *opt, size_t len,
	      bool *takes_arg)
{
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ",=");
		if (n == len + skip && !strncmp(p + skip, opt, len)) {
			if (takes_arg)
				*takes_arg = p[n] == '=';
			return true;
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return false;
}

static bool
is_command_option(const struct dbctl_tool *tool, const char *opt, size_t len)
{
	for (int k = 0; tool->commands[k]; k++)
		for (const struct dbctl_command *c = tool->commands[k]; c->name;
		     c++)
			if (option_listed(c->options, 2, opt, len, NULL))
				return true;
	return false;
}

static void
print_options(const struct dbctl_tool *tool)
{
	for (size_t i = 0; i < ARRAY_SIZE(gopts); i++) {
		const struct gopt *g = &gopts[i];
		if (!g->listed || (g->wait_only && !tool->has_wait))
			continue;
		printf("--%s%s\n", g->name, g->arg ? "=ARG" : "");
		if (g->short_name)
			printf("-%c%s\n", g->short_name, g->arg ? " ARG" : "");
	}
}

static void
apply_gopt(const struct dbctl_tool *tool, struct settings *s,
	   const struct gopt *g, const char *val)
{
	const char *n = g->name;

	if (!strcmp(n, "db")) {
		s->db = val;
	} else if (!strcmp(n, "rundir")) {
		s->rundir = val;
	} else if (!strcmp(n, "no-wait")) {
		s->no_wait = true;
	} else if (!strcmp(n, "dry-run")) {
		s->dry_run = true;
	} else if (!strcmp(n, "oneline")) {
		s->oneline = true;
	} else if (!strcmp(n, "timeout")) {
		char *end;
		long v = strtol(val, &end, 10);
		if (*end || !*val || v <= 0)
			dbctl_fatal("value %s on -t or --timeout is invalid",
				    val);
		s->timeout = (unsigned)v;
	} else if (!strcmp(n, "format")) {
		if (dbctl_fmt_parse_format(val, &dbctl_fmt.format))
			dbctl_fatal("unknown output format \"%s\"", val);
	} else if (!strcmp(n, "data")) {
		if (dbctl_fmt_parse_data(val, &dbctl_fmt.data))
			dbctl_fatal("unknown data format \"%s\"", val);
	} else if (!strcmp(n, "no-headings")) {
		dbctl_fmt.headings = false;
	} else if (!strcmp(n, "pretty")) {
		dbctl_fmt.pretty = true;
	} else if (!strcmp(n, "bare")) {
		dbctl_fmt.format = DBCTL_FMT_LIST;
		dbctl_fmt.data = DBCTL_DATA_BARE;
		dbctl_fmt.headings = false;
	} else if (!strcmp(n, "options")) {
		print_options(tool);
		exit(0);
	} else if (!strcmp(n, "help")) {
		printf("%s: %s configuration utility\n", tool->prog,
		       tool->db_name);
		exit(0);
	} else if (!strcmp(n, "version")) {
		printf("%s (microvs) 3.1.0\n", tool->prog);
		exit(0);
	} else if (!strcmp(n, "commands")) {
		for (int k = 0; tool->commands[k]; k++)
			for (const struct dbctl_command *c = tool->commands[k];
			     c->name; c++)
				printf("%s\n", c->name);
		exit(0);
	}
}

/* A pending command: its options and arguments. */
struct pcmd {
	const struct dbctl_command *cmd;
	int n_opts;
	char **opt_names, **opt_values;
	int argc;
	char **argv;
};

static const struct dbctl_command *
find_command(const struct dbctl_tool *tool, const char *name)
{
	for (int k = 0; tool->commands[k]; k++)
		for (const struct dbctl_command *c = tool->commands[k]; c->name;
		     c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

static bool
cmd_accepts(const struct dbctl_command *c, const char *opt, bool *takes_arg)
{
	return option_listed(c->options, 0, opt, strlen(opt), takes_arg);
}

/* Parses one command: @args[0..n) with leading options. */
static void
parse_command(const struct dbctl_tool *tool, char **args, int n,
	      struct pcmd *pc)
{
	int i = 0;

	memset(pc, 0, sizeof *pc);
	pc->opt_names = xcalloc((size_t)n + 1, sizeof(char *));
	pc->opt_values = xcalloc((size_t)n + 1, sizeof(char *));
	for (; i < n && !strncmp(args[i], "--", 2) && args[i][2]; i++) {
		char *eq = strchr(args[i], '=');
		char *name = eq ? xstrndup(args[i], (size_t)(eq - args[i]))
				: xstrdup(args[i]);
		for (int k = 0; k < pc->n_opts; k++)
			if (!strcmp(pc->opt_names[k], name))
				dbctl_fatal("'%s' option specified multiple "
					    "times",
					    name);
		pc->opt_names[pc->n_opts] = name;
		pc->opt_values[pc->n_opts] = eq ? xstrdup(eq + 1) : NULL;
		pc->n_opts++;
	}
	if (i >= n)
		dbctl_fatal("missing command name (use --help for help)");
	pc->cmd = find_command(tool, args[i]);
	if (!pc->cmd)
		dbctl_fatal("unknown command '%s'; use --help for help",
			    args[i]);
	for (int k = 0; k < pc->n_opts; k++) {
		bool takes_arg;
		if (!cmd_accepts(pc->cmd, pc->opt_names[k], &takes_arg))
			dbctl_fatal("'%s' command has no '%s' option",
				    pc->cmd->name, pc->opt_names[k]);
		if (takes_arg && !pc->opt_values[k])
			dbctl_fatal("missing argument to '%s' option on '%s' "
				    "command",
				    pc->opt_names[k], pc->cmd->name);
		if (!takes_arg && pc->opt_values[k])
			dbctl_fatal("'%s' option on '%s' does not accept an "
				    "argument",
				    pc->opt_names[k], pc->cmd->name);
	}
	pc->argv = args + i;
	pc->argc = n - i;
	int nargs = pc->argc - 1;
	if (nargs < pc->cmd->min_args)
		dbctl_fatal("'%s' command requires at least %d arguments",
			    pc->cmd->name, pc->cmd->min_args);
	if (pc->cmd->max_args >= 0 && nargs > pc->cmd->max_args) {
		const char *extra = pc->argv[pc->cmd->max_args + 1];
		dbctl_fatal(
			"'%s' command takes at most %d arguments%s",
			pc->cmd->name, pc->cmd->max_args,
			extra[0] == '-'
				? " (note that options must precede command "
				  "names and follow a \"--\" argument)"
				: "");
	}
}

static void
put_oneline(struct ds *out, const char *s)
{
	size_t len = strlen(s);

	if (len && s[len - 1] == '\n')
		len--;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\')
			ds_put(out, "\\\\");
		else if (s[i] == '\n')
			ds_put(out, "\\n");
		else
			ds_put_char(out, s[i]);
	}
	ds_put_char(out, '\n');
}

static void
wait_for_cfg(struct dbctl_db *db, const struct ovsdb_uuid *root,
	     int64_t next_cfg)
{
	char buf[37];

	ovsdb_uuid_format(root, buf);
	for (;;) {
		json_t *ops = json_pack(
			"[{s:s,s:s,s:[[s,s,[s,s]]],s:[s],s:s,s:[{s:I}],s:i}]",
			"op", "wait", "table", "Open_vSwitch", "where", "_uuid",
			"==", "uuid", buf, "columns", "cur_cfg", "until",
			"==", "rows", "cur_cfg", (json_int_t)next_cfg,
			"timeout", 60000);
		json_t *results = NULL;
		char *err = NULL;
		int r = dbctl_db_transact(db, ops, &results, &err);
		json_decref(results);
		if (!r)
			return;
		bool timed_out = err && strstr(err, "timed out");
		free(err);
		if (!timed_out)
			return;
	}
}

int
dbctl_main(const struct dbctl_tool *tool, int argc, char **argv)
{
	struct settings s = { 0 };
	char **local = xcalloc((size_t)argc + 1, sizeof(char *));
	int n_local = 0;
	int i = 1;

	prog_name = tool->prog;
	/* Global options up to the first non-option. */
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--") || a[0] != '-' || !a[1])
			break;
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct gopt *g = find_long(tool, name, len);
			if (!g) {
				if (is_command_option(tool, name, len)) {
					local[n_local++] = argv[i];
					continue;
				}
				dbctl_fatal("unrecognized option '%s'", a);
			}
			const char *val = NULL;
			if (g->arg) {
				if (eq)
					val = eq + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else
					dbctl_fatal("option '%s' requires an "
						    "argument",
						    a);
			} else if (eq) {
				dbctl_fatal("option '--%s' doesn't allow an "
					    "argument",
					    g->name);
			}
			apply_gopt(tool, &s, g, val);
			continue;
		}
		/* Short options, possibly bundled. */
		for (const char *p = a + 1; *p; p++) {
			const struct gopt *g = NULL;
			for (size_t k = 0; k < ARRAY_SIZE(gopts); k++)
				if (gopts[k].short_name == *p)
					g = &gopts[k];
			if (!g)
				dbctl_fatal("invalid option -- '%c'", *p);
			const char *val = NULL;
			if (g->arg) {
				if (p[1])
					val = p + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else
					dbctl_fatal("option requires an "
						    "argument -- '%c'",
						    *p);
				apply_gopt(tool, &s, g, val);
				break;
			}
			apply_gopt(tool, &s, g, NULL);
		}
	}

	/* The command chain. */
	int n_args = argc - i + n_local;
	char **args = xcalloc((size_t)n_args + 1, sizeof(char *));
	int na = 0;
	for (int k = 0; k < n_local; k++)
		args[na++] = local[k];
	for (int k = i; k < argc; k++)
		args[na++] = argv[k];
	struct pcmd *cmds = xcalloc((size_t)na + 1, sizeof *cmds);
	int n_cmds = 0;
	int start = 0;
	for (int k = 0; k <= na; k++) {
		if (k < na && strcmp(args[k], "--"))
			continue;
		if (k > start)
			parse_command(tool, args + start, k - start,
				      &cmds[n_cmds++]);
		start = k + 1;
	}
	if (!n_cmds)
		dbctl_fatal("missing command name (use --help for help)");
	for (int k = 0; k < n_cmds; k++)
		if (!cmds[k].cmd->read_only)
			warn_seq = 1;

	if (s.timeout)
		dbctl_arm_timeout(s.timeout);

	/* Connect. */
	const char *rundir = rundir_resolve(s.rundir);
	struct dbctl_conn *conn = NULL;
	int r = dbctl_conn_open(s.db, rundir, &conn);
	char *remote_name =
		s.db ? xstrdup(s.db) : xasprintf("bus:%s/dbserver", rundir);
	if (r)
		dbctl_fatal("%s: database connection failed (%s)", remote_name,
			    strerror(-r));
	struct dbctl_db *db = NULL;
	char *errmsg = NULL;
	r = dbctl_db_open(conn, tool->db_name, &db, &errmsg);
	if (r && errmsg)
		dbctl_fatal("%s: %s", remote_name, errmsg);
	if (r)
		dbctl_fatal("%s: database connection failed (%s)", remote_name,
			    strerror(-r));

	/* One round trip for the tables the commands will read first. */
	bool generic_only = true;
	for (int k = 0; k < n_cmds; k++) {
		bool generic = false;
		for (const struct dbctl_command *c = dbctl_db_commands; c->name;
		     c++)
			generic |= c == cmds[k].cmd;
		generic_only &= generic;
	}
	if (tool->prefetch && !generic_only)
		dbctl_db_prefetch(db, tool->prefetch);

	/* The root row always exists after any invocation. */
	struct dbctl_table *root_t = dbctl_db_table(db, tool->root_table);
	struct dbctl_row *root = NULL;
	for (size_t k = 0; k < root_t->n_rows && !root; k++)
		if (!root_t->rows[k]->deleted)
			root = root_t->rows[k];
	if (!root)
		root = dbctl_row_insert(db, root_t, NULL);

	struct dbctl_symbol *syms = xcalloc((size_t)na * 2 + 1, sizeof *syms);
	unsigned n_syms = 0;
	struct dbctl_ctx *ctxs = xcalloc((size_t)n_cmds, sizeof *ctxs);
	void *tool_data = NULL;
	for (int k = 0; k < n_cmds; k++) {
		struct dbctl_ctx *ctx = &ctxs[k];
		ctx->tool = tool;
		ctx->db = db;
		ctx->cmd = cmds[k].cmd;
		ctx->argc = cmds[k].argc;
		ctx->argv = cmds[k].argv;
		ctx->n_opts = cmds[k].n_opts;
		ctx->opt_names = cmds[k].opt_names;
		ctx->opt_values = cmds[k].opt_values;
		ctx->dry_run = s.dry_run;
		ctx->syms = syms;
		ctx->n_syms = &n_syms;
		ctx->tool_data = tool_data;
		if (tool->init)
			tool->init(ctx);
		ctx->cmd->run(ctx);
		tool_data = ctx->tool_data;
		if (ctx->exit_code)
			exit(ctx->exit_code);
	}

	for (unsigned k = 0; k < n_syms; k++) {
		if (!syms[k].created)
			dbctl_fatal("row id \"%s\" is referenced but never "
				    "created (e.g. with \"-- --id=%s create "
				    "...\")",
				    syms[k].name, syms[k].name);
	}
	for (unsigned k = 0; k < n_syms; k++) {
		if (syms[k].created && !syms[k].strong_ref && syms[k].table &&
		    !syms[k].table->ts->is_root)
			dbctl_warn(
				"vsctl",
				"row id \"%s\" was created but no "
				"reference to it was inserted, so it will not "
				"actually appear in the database",
				syms[k].name);
	}

	bool do_wait = false;
	int64_t next_cfg = 0;
	if (!s.dry_run && dbctl_db_changed(db)) {
		json_t *extra = json_array();
		char buf[37];
		bool bump = tool->has_wait && !s.no_wait &&
			    !strcmp(tool->root_table, "Open_vSwitch");
		if (bump) {
			ovsdb_uuid_format(&root->uuid, buf);
			if (root->inserted) {
				/* A new root row: set next_cfg directly. */
				dbctl_set_int(root, "next_cfg", 1);
			} else {
				json_array_append_new(
					extra,
					json_pack("{s:s,s:s,s:[[s,s,[s,s]]],s:["
						  "[s,s,i]]}",
						  "op", "mutate", "table",
						  "Open_vSwitch", "where",
						  "_uuid", "==", "uuid", buf,
						  "mutations", "next_cfg",
						  "+=", 1));
			}
		}
		size_t sel_index = 0;
		json_t *results = NULL;
		char *errjson = NULL;
		if (bump && !root->inserted) {
			sel_index = json_array_size(extra);
			json_array_append_new(
				extra,
				json_pack("{s:s,s:s,s:[[s,s,[s,s]]],s:[s]}",
					  "op", "select", "table",
					  "Open_vSwitch", "where", "_uuid",
					  "==", "uuid", buf, "columns",
					  "next_cfg"));
		}
		size_t n_extra = json_array_size(extra);
		r = dbctl_db_commit(db, extra, &results, &errjson);
		if (r == -EPROTO) {
			dbctl_warn("ovsdb_idl", "transaction error: %s",
				   errjson);
			dbctl_fatal("transaction error: %s", errjson);
		} else if (r) {
			dbctl_fatal("%s: database connection failed (%s)",
				    remote_name, strerror(-r));
		}
		if (bump) {
			do_wait = true;
			if (root->inserted) {
				next_cfg = 1;
			} else {
				size_t base =
					json_array_size(results) - n_extra;
				json_t *rows = json_object_get(
					json_array_get(results,
						       base + sel_index),
					"rows");
				next_cfg = json_integer_value(json_object_get(
					json_array_get(rows, 0), "next_cfg"));
			}
		}
		json_decref(results);
	}

	struct ds out = DS_EMPTY;
	for (int k = 0; k < n_cmds; k++) {
		struct dbctl_ctx *ctx = &ctxs[k];
		if (ctx->cmd->post)
			ctx->cmd->post(ctx);
		if (ctx->table)
			;
		else if (s.oneline)
			put_oneline(&out, ds_cstr(&ctx->out));
		else
			ds_put(&out, ds_cstr(&ctx->out));
		if (ctx->table) {
			dbctl_out_table_print(ctx->table, &out);
			dbctl_out_table_free(ctx->table);
		}
		ds_free(&ctx->out);
	}
	fputs(ds_cstr(&out), stdout);
	fflush(stdout);
	ds_free(&out);

	if (do_wait)
		wait_for_cfg(db, &root->uuid, next_cfg);
	if (tool->done && n_cmds)
		tool->done(&ctxs[n_cmds - 1]);
	dbctl_db_close(db);
	dbctl_conn_close(conn);
	free(remote_name);
	return 0;
}
