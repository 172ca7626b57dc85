/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_main: one invocation of ovs-vsctl or vtep-ctl in phases: options
 * and the `--` command chain (dbctl_args.c), open, run, commit, print,
 * wait for cur_cfg (see dbctl.h); and the tools' fatal, warning and
 * timeout helpers.
 */
#include "dbctl_priv.h"

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

/* One invocation: what the command line asks for, and what each phase
 * leaves for the next. */
struct invocation {
	struct dbctl_args args; /* phases 1 and 2 (dbctl_args.c) */
	/* The open database. */
	char *remote_name; /* for error messages */
	struct dbctl_conn *conn;
	struct dbctl_db *db;
	struct dbctl_row *root;
	/* The commands' contexts and row ids (@name). */
	struct dbctl_ctx *ctxs;
	struct dbctl_symbol *syms;
	unsigned n_syms;
	/* After the commit: wait until cur_cfg reaches next_cfg. */
	bool wait;
	int64_t next_cfg;
};

/* A command that may write makes the first warning vlog's 00002, as Open
 * vSwitch logs "Called as ..." first then. */
static void
mark_writes(const struct invocation *inv)
{
	for (int k = 0; k < inv->args.n_cmds; k++)
		if (!inv->args.cmds[k].cmd->read_only)
			warn_seq = 1;
}

/* ---- phase 3: open ---- */

static bool
is_generic(const struct dbctl_command *cmd)
{
	for (const struct dbctl_command *c = dbctl_db_commands; c->name; c++)
		if (c == cmd)
			return true;
	return false;
}

/* Phase 3: arms --timeout, connects (to --db, or over the bus in the run
 * directory), fetches the schema, reads the tool's prefetch tables in one
 * round trip unless only generic database commands run, and finds the root
 * row, inserting it if the database has none (it exists after any
 * invocation).  Failures are fatal with Open vSwitch's texts. */
static void
open_db(struct invocation *inv)
{
	const struct dbctl_tool *tool = inv->args.tool;
	const char *rundir;
	struct dbctl_table *root_t;
	char *errmsg = NULL;
	bool generic_only = true;
	int r;

	if (inv->args.timeout)
		dbctl_arm_timeout(inv->args.timeout);
	rundir = rundir_resolve(inv->args.rundir);
	r = dbctl_conn_open(inv->args.remote, rundir, &inv->args.tls,
			    &inv->conn);
	inv->remote_name = inv->args.remote
				   ? xstrdup(inv->args.remote)
				   : xasprintf("bus:%s/dbserver", rundir);
	if (r)
		dbctl_fatal("%s: database connection failed (%s)",
			    inv->remote_name, strerror(-r));
	r = dbctl_db_open(inv->conn, tool->db_name, &inv->db, &errmsg);
	if (r && errmsg)
		dbctl_fatal("%s: %s", inv->remote_name, errmsg);
	if (r)
		dbctl_fatal("%s: database connection failed (%s)",
			    inv->remote_name, strerror(-r));

	for (int k = 0; k < inv->args.n_cmds; k++)
		generic_only &= is_generic(inv->args.cmds[k].cmd);
	if (tool->prefetch && !generic_only)
		dbctl_db_prefetch(inv->db, tool->prefetch);

	root_t = dbctl_db_table(inv->db, tool->root_table);
	for (size_t k = 0; k < root_t->n_rows && !inv->root; k++)
		if (!root_t->rows[k]->deleted)
			inv->root = root_t->rows[k];
	if (!inv->root)
		inv->root = dbctl_row_insert(inv->db, root_t, NULL);
}

/* ---- phase 4: run ---- */

/* Fatal for a row id used but never created; a warning for one created
 * in a non-root table with no strong reference to it. */
static void
check_symbols(const struct invocation *inv)
{
	for (unsigned k = 0; k < inv->n_syms; k++) {
		if (!inv->syms[k].created)
			dbctl_fatal("row id \"%s\" is referenced but never "
				    "created (e.g. with \"-- --id=%s create "
				    "...\")",
				    inv->syms[k].name, inv->syms[k].name);
	}
	for (unsigned k = 0; k < inv->n_syms; k++) {
		const struct dbctl_symbol *sym = &inv->syms[k];

		if (sym->created && !sym->strong_ref && sym->table &&
		    !sym->table->ts->is_root)
			dbctl_warn(
				"vsctl",
				"row id \"%s\" was created but no "
				"reference to it was inserted, so it will not "
				"actually appear in the database",
				sym->name);
	}
}

/* Phase 4: runs each command, in order, against the one cache, after the
 * tool's init hook (which may rebuild tool_data, passed from command to
 * command).  A command that sets exit_code (br-exists) ends the process
 * with it, printing and committing nothing; errors are fatal
 * (dbctl_fatal) and commit nothing either.  Then checks the row ids. */
static void
run_commands(struct invocation *inv)
{
	void *tool_data = NULL;

	inv->syms =
		xcalloc((size_t)inv->args.n_words * 2 + 1, sizeof *inv->syms);
	inv->ctxs = xcalloc((size_t)inv->args.n_cmds, sizeof *inv->ctxs);
	for (int k = 0; k < inv->args.n_cmds; k++) {
		struct dbctl_ctx *ctx = &inv->ctxs[k];
		const struct dbctl_pcmd *pc = &inv->args.cmds[k];

		ctx->tool = inv->args.tool;
		ctx->db = inv->db;
		ctx->cmd = pc->cmd;
		ctx->argc = pc->argc;
		ctx->argv = pc->argv;
		ctx->n_opts = pc->n_opts;
		ctx->opt_names = pc->opt_names;
		ctx->opt_values = pc->opt_values;
		ctx->dry_run = inv->args.dry_run;
		ctx->syms = inv->syms;
		ctx->n_syms = &inv->n_syms;
		ctx->tool_data = tool_data;
		if (inv->args.tool->init)
			inv->args.tool->init(ctx);
		ctx->cmd->run(ctx);
		tool_data = ctx->tool_data;
		if (ctx->exit_code)
			exit(ctx->exit_code);
	}
	check_symbols(inv);
}

/* ---- phase 5: commit ---- */

/* Whether the commit bumps next_cfg, so that the tool then waits for
 * vswitchd to reach it (ovs-vsctl without --no-wait). */
static bool
bumps_cfg(const struct invocation *inv)
{
	return inv->args.tool->has_wait && !inv->args.no_wait &&
	       !strcmp(inv->args.tool->root_table, "Open_vSwitch");
}

/* The operations that bump an existing root row's next_cfg: a mutate,
 * then a select of the new value (the last operation: its result is
 * read by commit()). */
static json_t *
bump_ops(const struct dbctl_row *root)
{
	char buf[37];

	ovsdb_uuid_format(&root->uuid, buf);
	return json_pack("[{s:s,s:s,s:[[s,s,[s,s]]],s:[[s,s,i]]},"
			 "{s:s,s:s,s:[[s,s,[s,s]]],s:[s]}]",
			 "op", "mutate", "table", "Open_vSwitch", "where",
			 "_uuid", "==", "uuid", buf, "mutations", "next_cfg",
			 "+=", 1, "op", "select", "table", "Open_vSwitch",
			 "where", "_uuid", "==", "uuid", buf, "columns",
			 "next_cfg");
}

/* Phase 5: unless --dry-run or nothing changed, commits the cache in one
 * transaction, with next_cfg bumped when bumps_cfg() (a new root row gets
 * next_cfg 1 directly).  A refused transaction or a lost connection is
 * fatal.  Leaves inv->wait and inv->next_cfg for phase 7. */
static void
commit(struct invocation *inv)
{
	struct dbctl_row *root = inv->root;
	bool bump = bumps_cfg(inv);
	json_t *results = NULL, *extra;
	char *errjson = NULL;
	int r;

	if (inv->args.dry_run || !dbctl_db_changed(inv->db))
		return;
	if (bump && root->inserted)
		dbctl_set_int(root, "next_cfg", 1);
	extra = bump && !root->inserted ? bump_ops(root) : json_array();
	r = dbctl_db_commit(inv->db, extra, &results, &errjson);
	if (r == -EPROTO) {
		dbctl_warn("ovsdb_idl", "transaction error: %s", errjson);
		dbctl_fatal("transaction error: %s", errjson);
	} else if (r) {
		dbctl_fatal("%s: database connection failed (%s)",
			    inv->remote_name, strerror(-r));
	}
	if (bump) {
		json_t *sel =
			json_array_get(results, json_array_size(results) - 1);
		json_t *row = json_array_get(json_object_get(sel, "rows"), 0);

		inv->wait = true;
		inv->next_cfg = root->inserted
					? 1
					: json_integer_value(json_object_get(
						  row, "next_cfg"));
	}
	json_decref(results);
}

/* ---- phase 6: print ---- */

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

/* Phase 6: runs each command's post hook (new UUIDs are final now), then
 * prints every command's output in order, each on one line with
 * --oneline, tables (list, find) in the chosen format. */
static void
print_output(struct invocation *inv)
{
	struct ds out = DS_EMPTY;

	for (int k = 0; k < inv->args.n_cmds; k++) {
		struct dbctl_ctx *ctx = &inv->ctxs[k];

		if (ctx->cmd->post)
			ctx->cmd->post(ctx);
		if (ctx->table) {
			dbctl_out_table_print(ctx->table, &out);
			dbctl_out_table_free(ctx->table);
		} else if (inv->args.oneline) {
			put_oneline(&out, ds_cstr(&ctx->out));
		} else {
			ds_put(&out, ds_cstr(&ctx->out));
		}
		ds_free(&ctx->out);
	}
	fputs(ds_cstr(&out), stdout);
	fflush(stdout);
	ds_free(&out);
}

/* ---- phase 7: wait ---- */

/* The root row's cur_cfg now, or -1 on error. */
static int64_t
read_cur_cfg(struct dbctl_db *db, const char *root)
{
	json_t *ops =
		json_pack("[{s:s,s:s,s:[[s,s,[s,s]]],s:[s]}]", "op", "select",
			  "table", "Open_vSwitch", "where", "_uuid",
			  "==", "uuid", root, "columns", "cur_cfg");
	json_t *results = NULL, *row;
	char *err = NULL;
	int64_t cur = -1;

	if (!dbctl_db_transact(db, ops, &results, &err)) {
		row = json_array_get(
			json_object_get(json_array_get(results, 0), "rows"), 0);
		if (json_is_integer(json_object_get(row, "cur_cfg")))
			cur = json_integer_value(
				json_object_get(row, "cur_cfg"));
	}
	json_decref(results);
	free(err);
	return cur;
}

/* Blocks until the root row's cur_cfg reaches @next_cfg.  As Open
 * vSwitch's ovs-vsctl, "reaches" is >=: vswitchd may apply several bumps
 * at once and write only the last (two ovs-vsctl running together), so
 * the server is asked to wait until cur_cfg differs from the value last
 * read, then it is read again; its 60 s "wait" timeout is retried.
 * Returns on any other error (the --timeout alarm bounds the whole). */
static void
wait_for_cfg(struct dbctl_db *db, const struct ovsdb_uuid *root,
	     int64_t next_cfg)
{
	char buf[37];
	int64_t cur;

	ovsdb_uuid_format(root, buf);
	while ((cur = read_cur_cfg(db, buf)) >= 0 && cur < next_cfg) {
		json_t *ops = json_pack(
			"[{s:s,s:s,s:[[s,s,[s,s]]],s:[s],s:s,s:[{s:I}],s:i}]",
			"op", "wait", "table", "Open_vSwitch", "where", "_uuid",
			"==", "uuid", buf, "columns", "cur_cfg", "until",
			"!=", "rows", "cur_cfg", (json_int_t)cur, "timeout",
			60000);
		json_t *results = NULL;
		char *err = NULL;
		int r = dbctl_db_transact(db, ops, &results, &err);
		json_decref(results);
		bool timed_out = r && err && strstr(err, "timed out");
		free(err);
		if (r && !timed_out)
			return;
	}
}

/* Phase 7: waits for the configuration to be applied if phase 5 bumped
 * it, then lets the tool free its data and closes the database. */
static void
finish(struct invocation *inv)
{
	if (inv->wait)
		wait_for_cfg(inv->db, &inv->root->uuid, inv->next_cfg);
	if (inv->args.tool->done && inv->args.n_cmds)
		inv->args.tool->done(&inv->ctxs[inv->args.n_cmds - 1]);
	dbctl_db_close(inv->db);
	dbctl_conn_close(inv->conn);
	free(inv->remote_name);
}

int
dbctl_main(const struct dbctl_tool *tool, int argc, char **argv)
{
	struct invocation inv = { .args.tool = tool };
	int first;

	prog_name = tool->prog;
	first = dbctl_parse_options(&inv.args, argc, argv);
	dbctl_parse_chain(&inv.args, argc, argv, first);
	mark_writes(&inv);
	open_db(&inv);
	run_commands(&inv);
	commit(&inv);
	print_output(&inv);
	finish(&inv);
	return 0;
}
