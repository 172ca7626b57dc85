/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_priv: what the files of lib/dbctl share: the parsed command line
 * (dbctl_args.c, for dbctl_main.c) and helpers of lookup and commands.
 */
#ifndef MICROVS_DBCTL_PRIV_H
#define MICROVS_DBCTL_PRIV_H

#include "dbctl.h"
#include "tls.h"

/* A command of the chain: its options and arguments. */
struct dbctl_pcmd {
	const struct dbctl_command *cmd;
	int n_opts;
	char **opt_names, **opt_values; /* "--if-exists"; NULL for a flag */
	int argc;
	char **argv; /* argv[0] is the command name */
};

/* The command line.  Strings point into argv (option values) or are
 * owned copies (command options); they live until the process exits. */
struct dbctl_args {
	const struct dbctl_tool *tool;
	/* Global options. */
	const char *remote;  /* --db (NULL: the bus) */
	const char *rundir;  /* --rundir */
	struct tls_opts tls; /* -p, -c, -C... for --db=ssl: */
	bool no_wait, dry_run, oneline;
	unsigned timeout; /* --timeout seconds, 0: none */
	/* Command options given before the first command, in argv order. */
	char **local;
	int n_local;
	/* The command chain. */
	struct dbctl_pcmd *cmds;
	int n_cmds;
	int n_words; /* words in the chain, a bound on its row ids */
};

/* Phase 1, options: applies the global options from argv[1] up to the
 * first non-option or "--" to @args (@args->tool set by the caller) and
 * returns that index.  A command's option given there ("--if-exists") is
 * kept in args->local to lead the chain.  An unknown option and a missing
 * or unexpected value are fatal with getopt's texts; --help, --version,
 * --commands and --options print and exit.  The output options (-f, -d,
 * --bare...) go to the process-wide dbctl_fmt. */
int dbctl_parse_options(struct dbctl_args *args, int argc, char **argv);
/* Phase 2, the command chain: splits args->local followed by
 * argv[@first..@argc) at each "--" into args->cmds, checking each command
 * against the tool's tables: fatal on an unknown command, an option it
 * does not take (or a value where it takes none, or none where it needs
 * one), a repeated option, a wrong number of arguments, or no command at
 * all. */
void dbctl_parse_chain(struct dbctl_args *args, int argc, char **argv,
		       int first);

/* Defines row id @name (from --id=@name); fatal if it does not start
 * with '@' or was defined before.  *@newp: not referenced before. */
struct dbctl_symbol *dbctl_define_symbol(struct dbctl_ctx *ctx,
					 const char *name, bool *newp);
/* Splits "COL[:KEY][OP]VALUE" into new strings *@colp and *@keyp (NULL
 * without a key); *@restp points at the operator. */
void dbctl_split_arg(const char *arg, char **colp, char **keyp,
		     const char **restp);
/* Fatal unless column @col of @t may be modified. */
void dbctl_check_mutable(struct dbctl_table *t, int col);
/* Parses @key as a key atom of map column @col; fatal on error. */
void dbctl_parse_key(struct dbctl_ctx *ctx, struct dbctl_table *t, int col,
		     const char *key, union ovsdb_atom *a);

#endif
