/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl: the command framework shared by ovs-vsctl and vtep-ctl.  A tool
 * describes itself (database, root table, record-name rules, command
 * table, hooks) in a struct dbctl_tool and hands argv to dbctl_main(),
 * which parses global options and the `--`-separated command chain, opens
 * the database, runs every command against one cache, commits once, and
 * prints the collected output.  The generic database commands (list, find,
 * get, set, add, remove, clear, create, destroy, wait-until, comment) live
 * in dbctl_cmds.c and are available to every tool.
 */
#ifndef MICROVS_DBCTL_H
#define MICROVS_DBCTL_H

#include <stdbool.h>

#include "dbctl_db.h"
#include "util.h"

struct dbctl_ctx;
struct dbctl_tool;

struct dbctl_command {
	const char *name;
	int min_args, max_args; /* max -1: unlimited */
	/* Options the command accepts, comma separated, "=" after a name
	 * that takes a value: "--if-exists,--id=". */
	const char *options;
	/* Runs against the cache; output goes to ctx->out.  Errors call
	 * dbctl_fatal(), which exits without committing. */
	void (*run)(struct dbctl_ctx *ctx);
	/* Optional, after a successful commit (e.g. print new UUIDs). */
	void (*post)(struct dbctl_ctx *ctx);
	bool read_only;
};

/* How records of a table are named on the command line: rows of
 * @ref_table whose column @name_col equals the name, followed through
 * @uuid_col (NULL: the row itself).  @name_col NULL matches "." (the
 * first row of @ref_table). */
struct dbctl_row_id {
	const char *ref_table;
	const char *name_col;
	const char *uuid_col;
};

struct dbctl_table_class {
	const char *table;
	struct dbctl_row_id ids[2];
};

struct dbctl_symbol {
	char *name; /* with the '@' */
	struct ovsdb_uuid uuid;
	struct dbctl_table *table; /* set when created */
	bool created;
	bool strong_ref; /* referenced from a column */
};

struct dbctl_ctx {
	const struct dbctl_tool *tool;
	struct dbctl_db *db;
	const struct dbctl_command *cmd;
	int argc;
	char **argv; /* argv[0] is the command name */
	int n_opts;
	char **opt_names;  /* "--if-exists" */
	char **opt_values; /* NULL for flags */
	struct ds out;
	struct dbctl_row *created; /* for post hooks */
	void *tool_data;	   /* per-invocation tool cache */
	bool dry_run;
	int exit_code; /* set by br-exists & co: exit now */
	struct dbctl_symbol *syms;
	unsigned *n_syms;
	void *table; /* struct dbctl_out_table * for list/find */
};

struct dbctl_tool {
	const char *prog;    /* "ovs-vsctl" */
	const char *db_name; /* "Open_vSwitch" */
	const char *root_table;
	/* NULL-terminated list of NULL-name-terminated command tables. */
	const struct dbctl_command *const *commands;
	const struct dbctl_table_class *classes;
	bool has_wait; /* --no-wait, --retry, --options, --commands exist */
	/* Tables the tool's own commands always read, fetched together with
	 * the root table in one round trip when such a command is given
	 * (NULL-terminated; may be NULL). */
	const char *const *prefetch;
	/* Called before each command runs, with the tool_data the
	 * previous command left (e.g. to rebuild a bridge model); may be
	 * NULL. */
	void (*init)(struct dbctl_ctx *ctx);
	/* Frees tool_data; may be NULL. */
	void (*done)(struct dbctl_ctx *ctx);
};

/* Runs one invocation of @tool with @argv, in phases: global options, the
 * command chain, open the database, run every command against one cache,
 * commit once, print, wait for cur_cfg (ovs-vsctl without --no-wait).
 * Returns 0 on success; otherwise does not return: errors exit 1 through
 * dbctl_fatal() having committed nothing, a command's exit_code
 * (br-exists) exits with it, and --timeout dies of SIGALRM.  Blocks on the
 * server for as long as that takes. */
int dbctl_main(const struct dbctl_tool *tool, int argc, char **argv);

/* Prints "PROG: MESSAGE" on stderr and exits 1. */
void dbctl_fatal(const char *fmt, ...) PRINTF_FMT(1, 2) NORETURN;
/* Prints a vlog-style warning line "TIME|SEQ|MODULE|WARN|TEXT". */
void dbctl_warn(const char *module, const char *fmt, ...) PRINTF_FMT(2, 3);

/* Command option lookup: true if present; *@value its value (or NULL). */
bool dbctl_has_opt(const struct dbctl_ctx *ctx, const char *name);
const char *dbctl_opt(const struct dbctl_ctx *ctx, const char *name);

/* Table lookup by the user's spelling (case-insensitive, unique prefix).
 * Fatal on no or ambiguous match. */
struct dbctl_table *dbctl_get_table(struct dbctl_ctx *ctx, const char *name);
/* Column lookup in the same way; fatal with OVS's text if none. */
int dbctl_get_column(struct dbctl_table *t, const char *name);
/* Finds a record by UUID, abbreviated UUID or the table's names.  NULL
 * if absent and @must_exist is false; fatal otherwise. */
struct dbctl_row *dbctl_get_row(struct dbctl_ctx *ctx, struct dbctl_table *t,
				const char *id, bool must_exist);

/* Parses @s as a value of column @col of @t, resolving "@name"; fatal
 * on error.  @loose skips the element count check. */
void dbctl_parse_value(struct dbctl_ctx *ctx, struct dbctl_table *t, int col,
		       const char *key, const char *s, bool loose,
		       struct ovsdb_datum *d);
/* Applies "COL[:KEY]=VALUE" to @row (set semantics). */
void dbctl_set_column(struct dbctl_ctx *ctx, struct dbctl_row *row,
		      const char *arg);

/* The generic database commands, to append to a tool's table. */
extern const struct dbctl_command dbctl_db_commands[];

/* One table in `show`: rows are named by @name_col (NULL: the UUID) and
 * show @cols in order.  Arrays end with a NULL table. */
struct dbctl_show_spec {
	const char *table;
	const char *name_col;
	const char *cols[6];
};
/* Prints the show tree from the root row into ctx->out. */
void dbctl_show(struct dbctl_ctx *ctx, const struct dbctl_show_spec *specs);

/* Starts a --timeout alarm; on expiry prints OVS's fatal_signal line and
 * dies of SIGALRM. */
void dbctl_arm_timeout(unsigned seconds);

#endif
