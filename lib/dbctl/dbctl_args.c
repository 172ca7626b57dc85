/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_args: the command line of ovs-vsctl and vtep-ctl: the global
 * options, each with its action in the option table, and the
 * `--`-separated command chain, checked against the tools' command tables
 * (see dbctl_priv.h).  Errors are fatal with getopt's and Open vSwitch's
 * texts.
 */
#include "dbctl_priv.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbctl_fmt.h"

/* ---- global options ---- */

/* A global option's action on @args with its value (NULL for a flag). */
typedef void gopt_fn(struct dbctl_args *args, const char *val);

enum {
	GOPT_ARG = 1 << 0,	 /* takes a value */
	GOPT_WAIT_ONLY = 1 << 1, /* only where the tool has_wait (ovs-vsctl) */
	GOPT_HIDDEN = 1 << 2,	 /* not shown by --options */
};

struct gopt {
	const char *name;
	char short_name;
	unsigned flags; /* GOPT_* */
	/* NULL: accepted and ignored (logging, clustering). */
	gopt_fn *apply;
};

static gopt_fn opt_db, opt_rundir, opt_no_wait, opt_dry_run, opt_oneline,
	opt_timeout, opt_format, opt_data, opt_no_headings, opt_pretty,
	opt_bare, opt_help, opt_commands, opt_options, opt_version, opt_tls;

/* In Open vSwitch's order: --options prints them so. */
static const struct gopt gopts[] = {
	{ "db", 0, GOPT_ARG, opt_db },
	{ "no-syslog", 0, 0, NULL },
	{ "no-wait", 0, GOPT_WAIT_ONLY, opt_no_wait },
	{ "dry-run", 0, 0, opt_dry_run },
	{ "oneline", 0, 0, opt_oneline },
	{ "timeout", 't', GOPT_ARG, opt_timeout },
	{ "retry", 0, GOPT_WAIT_ONLY, NULL },
	{ "help", 'h', 0, opt_help },
	{ "commands", 0, GOPT_WAIT_ONLY, opt_commands },
	{ "options", 0, GOPT_WAIT_ONLY, opt_options },
	{ "leader-only", 0, 0, NULL },
	{ "no-leader-only", 0, 0, NULL },
	{ "shuffle-remotes", 0, 0, NULL },
	{ "no-shuffle-remotes", 0, 0, NULL },
	{ "version", 'V', 0, opt_version },
	{ "verbose", 'v', GOPT_ARG, NULL },
	{ "log-file", 0, GOPT_ARG, NULL },
	{ "syslog-method", 0, GOPT_ARG, NULL },
	{ "syslog-target", 0, GOPT_ARG, NULL },
	{ "format", 'f', GOPT_ARG, opt_format },
	{ "data", 'd', GOPT_ARG, opt_data },
	{ "no-headings", 0, 0, opt_no_headings },
	{ "pretty", 0, 0, opt_pretty },
	{ "bare", 0, 0, opt_bare },
	{ "max-column-width", 0, GOPT_ARG, NULL },
	{ "private-key", 'p', GOPT_ARG, opt_tls },
	{ "certificate", 'c', GOPT_ARG, opt_tls },
	{ "ca-cert", 'C', GOPT_ARG, opt_tls },
	{ "ssl-protocols", 0, GOPT_ARG, opt_tls },
	{ "ssl-ciphers", 0, GOPT_ARG, opt_tls },
	{ "bootstrap-ca-cert", 0, GOPT_ARG, opt_tls },
	{ "peer-ca-cert", 0, GOPT_ARG, opt_tls },
	{ "rundir", 0, GOPT_ARG | GOPT_HIDDEN, opt_rundir },
};

static void
opt_db(struct dbctl_args *args, const char *val)
{
	args->remote = val;
}

/* The PKI options (opt_tls in gopts) and where each goes in args->tls,
 * for --db=ssl:. */
static const struct {
	const char *name;
	size_t field; /* offsetof(struct tls_opts, ...) */
	bool bootstrap;
} tls_gopts[] = {
	{ "private-key", offsetof(struct tls_opts, private_key), false },
	{ "certificate", offsetof(struct tls_opts, certificate), false },
	{ "ca-cert", offsetof(struct tls_opts, ca_cert), false },
	{ "bootstrap-ca-cert", offsetof(struct tls_opts, ca_cert), true },
	{ "peer-ca-cert", offsetof(struct tls_opts, peer_ca_cert), false },
	{ "ssl-protocols", offsetof(struct tls_opts, protocols), false },
	{ "ssl-ciphers", offsetof(struct tls_opts, ciphers), false },
};

static void
opt_tls(struct dbctl_args *args, const char *val)
{
	(void)args; /* a marker: apply() calls tls_option instead */
	(void)val;
}

static void
tls_option(struct dbctl_args *args, const char *name, const char *val)
{
	for (size_t i = 0; i < ARRAY_SIZE(tls_gopts); i++) {
		if (strcmp(tls_gopts[i].name, name))
			continue;
		memcpy((char *)&args->tls + tls_gopts[i].field, &val,
		       sizeof val);
		if (tls_gopts[i].field == offsetof(struct tls_opts, ca_cert))
			args->tls.bootstrap = tls_gopts[i].bootstrap;
	}
}

static void
opt_rundir(struct dbctl_args *args, const char *val)
{
	args->rundir = val;
}

static void
opt_no_wait(struct dbctl_args *args, const char *val)
{
	args->no_wait = true;
}

static void
opt_dry_run(struct dbctl_args *args, const char *val)
{
	args->dry_run = true;
}

static void
opt_oneline(struct dbctl_args *args, const char *val)
{
	args->oneline = true;
}

static void
opt_timeout(struct dbctl_args *args, const char *val)
{
	char *end;
	long v = strtol(val, &end, 10);

	if (*end || !*val || v <= 0)
		dbctl_fatal("value %s on -t or --timeout is invalid", val);
	args->timeout = (unsigned)v;
}

static void
opt_format(struct dbctl_args *args, const char *val)
{
	if (dbctl_fmt_parse_format(val, &dbctl_fmt.format))
		dbctl_fatal("unknown output format \"%s\"", val);
}

static void
opt_data(struct dbctl_args *args, const char *val)
{
	if (dbctl_fmt_parse_data(val, &dbctl_fmt.data))
		dbctl_fatal("unknown data format \"%s\"", val);
}

static void
opt_no_headings(struct dbctl_args *args, const char *val)
{
	dbctl_fmt.headings = false;
}

static void
opt_pretty(struct dbctl_args *args, const char *val)
{
	dbctl_fmt.pretty = true;
}

static void
opt_bare(struct dbctl_args *args, const char *val)
{
	dbctl_fmt.format = DBCTL_FMT_LIST;
	dbctl_fmt.data = DBCTL_DATA_BARE;
	dbctl_fmt.headings = false;
}

static void
opt_help(struct dbctl_args *args, const char *val)
{
	printf("%s: %s configuration utility\n", args->tool->prog,
	       args->tool->db_name);
	exit(0);
}

static void
opt_commands(struct dbctl_args *args, const char *val)
{
	const struct dbctl_tool *tool = args->tool;

	for (int k = 0; tool->commands[k]; k++)
		for (const struct dbctl_command *c = tool->commands[k]; c->name;
		     c++)
			printf("%s\n", c->name);
	exit(0);
}

static void
opt_options(struct dbctl_args *args, const char *val)
{
	for (size_t i = 0; i < ARRAY_SIZE(gopts); i++) {
		const struct gopt *g = &gopts[i];
		const char *arg = g->flags & GOPT_ARG ? "=ARG" : "";

		if ((g->flags & GOPT_HIDDEN) ||
		    ((g->flags & GOPT_WAIT_ONLY) && !args->tool->has_wait))
			continue;
		printf("--%s%s\n", g->name, arg);
		if (g->short_name)
			printf("-%c%s\n", g->short_name, *arg ? " ARG" : "");
	}
	exit(0);
}

static void
opt_version(struct dbctl_args *args, const char *val)
{
	printf("%s (microvs) 3.1.0\n", args->tool->prog);
	exit(0);
}

static const struct gopt *
find_long(const struct dbctl_tool *tool, const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(gopts); i++) {
		if ((gopts[i].flags & GOPT_WAIT_ONLY) && !tool->has_wait)
			continue;
		if (strlen(gopts[i].name) == len &&
		    !strncmp(gopts[i].name, name, len))
			return &gopts[i];
	}
	return NULL;
}

/* Short options exist whether or not the tool has_wait. */
static const struct gopt *
find_short(char c)
{
	for (size_t i = 0; i < ARRAY_SIZE(gopts); i++)
		if (gopts[i].short_name == c)
			return &gopts[i];
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
apply(struct dbctl_args *args, const struct gopt *g, const char *val)
{
	if (g->apply == opt_tls)
		tls_option(args, g->name, val);
	else if (g->apply)
		g->apply(args, val);
}

/* Takes the long option argv[*@i] ("--name[=value]"; a value may also be
 * the next argument, then *@i advances).  Returns false, having done
 * nothing, if it is no global option but some command's option. */
static bool
take_long(struct dbctl_args *args, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *name = a + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct gopt *g = find_long(args->tool, name, len);
	const char *val = NULL;

	if (!g) {
		if (is_command_option(args->tool, name, len))
			return false;
		dbctl_fatal("unrecognized option '%s'", a);
	}
	if (g->flags & GOPT_ARG) {
		if (eq)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			dbctl_fatal("option '%s' requires an argument", a);
	} else if (eq) {
		dbctl_fatal("option '--%s' doesn't allow an argument", g->name);
	}
	apply(args, g, val);
	return true;
}

/* Takes the short options bundled in argv[*@i] ("-hV"); one that takes a
 * value ends the bundle ("-t5") or takes the next argument ("-t 5"). */
static void
take_short(struct dbctl_args *args, int argc, char **argv, int *i)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const struct gopt *g = find_short(*p);
		const char *val = NULL;

		if (!g)
			dbctl_fatal("invalid option -- '%c'", *p);
		if (!(g->flags & GOPT_ARG)) {
			apply(args, g, NULL);
			continue;
		}
		if (p[1])
			val = p + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			dbctl_fatal("option requires an argument -- '%c'", *p);
		apply(args, g, val);
		return;
	}
}

int
dbctl_parse_options(struct dbctl_args *args, int argc, char **argv)
{
	int i;

	args->local = xcalloc((size_t)argc + 1, sizeof *args->local);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--") || a[0] != '-' || !a[1])
			break;
		if (a[1] != '-')
			take_short(args, argc, argv, &i);
		else if (!take_long(args, argc, argv, &i))
			args->local[args->n_local++] = argv[i];
	}
	return i;
}

/* ---- the command chain ---- */

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

/* Collects the leading "--name[=value]" words of @words[0..@n) into @pc's
 * options (fatal if one repeats) and returns the index of the first other
 * word. */
static int
take_command_options(char **words, int n, struct dbctl_pcmd *pc)
{
	int i = 0;

	pc->opt_names = xcalloc((size_t)n + 1, sizeof(char *));
	pc->opt_values = xcalloc((size_t)n + 1, sizeof(char *));
	for (; i < n && !strncmp(words[i], "--", 2) && words[i][2]; i++) {
		char *eq = strchr(words[i], '=');
		char *name = eq ? xstrndup(words[i], (size_t)(eq - words[i]))
				: xstrdup(words[i]);
		for (int k = 0; k < pc->n_opts; k++)
			if (!strcmp(pc->opt_names[k], name))
				dbctl_fatal("'%s' option specified multiple "
					    "times",
					    name);
		pc->opt_names[pc->n_opts] = name;
		pc->opt_values[pc->n_opts] = eq ? xstrdup(eq + 1) : NULL;
		pc->n_opts++;
	}
	return i;
}

/* Fatal unless @pc's command accepts each of its options, with a value
 * exactly where its table says "=". */
static void
check_command_options(const struct dbctl_pcmd *pc)
{
	for (int k = 0; k < pc->n_opts; k++) {
		const char *name = pc->opt_names[k];
		bool takes_arg;

		if (!option_listed(pc->cmd->options, 0, name, strlen(name),
				   &takes_arg))
			dbctl_fatal("'%s' command has no '%s' option",
				    pc->cmd->name, name);
		if (takes_arg && !pc->opt_values[k])
			dbctl_fatal("missing argument to '%s' option on '%s' "
				    "command",
				    name, pc->cmd->name);
		if (!takes_arg && pc->opt_values[k])
			dbctl_fatal("'%s' option on '%s' does not accept an "
				    "argument",
				    name, pc->cmd->name);
	}
}

/* Fatal unless @pc has as many arguments as its command takes. */
static void
check_command_args(const struct dbctl_pcmd *pc)
{
	const struct dbctl_command *c = pc->cmd;
	int nargs = pc->argc - 1;

	if (nargs < c->min_args)
		dbctl_fatal("'%s' command requires at least %d arguments",
			    c->name, c->min_args);
	if (c->max_args >= 0 && nargs > c->max_args) {
		const char *extra = pc->argv[c->max_args + 1];
		dbctl_fatal(
			"'%s' command takes at most %d arguments%s", c->name,
			c->max_args,
			extra[0] == '-'
				? " (note that options must precede command "
				  "names and follow a \"--\" argument)"
				: "");
	}
}

/* Parses one command: @words[0..@n) with leading options. */
static void
parse_command(const struct dbctl_tool *tool, char **words, int n,
	      struct dbctl_pcmd *pc)
{
	int i;

	memset(pc, 0, sizeof *pc);
	i = take_command_options(words, n, pc);
	if (i >= n)
		dbctl_fatal("missing command name (use --help for help)");
	pc->cmd = find_command(tool, words[i]);
	if (!pc->cmd)
		dbctl_fatal("unknown command '%s'; use --help for help",
			    words[i]);
	check_command_options(pc);
	pc->argv = words + i;
	pc->argc = n - i;
	check_command_args(pc);
}

void
dbctl_parse_chain(struct dbctl_args *args, int argc, char **argv, int first)
{
	int n = argc - first + args->n_local;
	char **words = xcalloc((size_t)n + 1, sizeof(char *));
	int nw = 0, start = 0;

	for (int k = 0; k < args->n_local; k++)
		words[nw++] = args->local[k];
	for (int k = first; k < argc; k++)
		words[nw++] = argv[k];
	args->n_words = nw;
	args->cmds = xcalloc((size_t)nw + 1, sizeof *args->cmds);
	for (int k = 0; k <= nw; k++) {
		if (k < nw && strcmp(words[k], "--"))
			continue;
		if (k > start)
			parse_command(args->tool, words + start, k - start,
				      &args->cmds[args->n_cmds++]);
		start = k + 1;
	}
	if (!args->n_cmds)
		dbctl_fatal("missing command name (use --help for help)");
}
