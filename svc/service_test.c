/* SPDX-License-Identifier: Apache-2.0 */
/*
 * service_test: service_parse() takes a command line as a service_def
 * declares it: the common options, the process's own through its handler,
 * positional arguments only where the def allows them.
 */
#include "service.h"

#include <errno.h>

#include "check.h"

/* What the test handler saw. */
struct seen {
	int n;
	int opts[4];
	const char *args[4];
	int fail; /* returned for an argument "bad" */
};

static int
on_option(int opt, const char *arg, void *aux)
{
	struct seen *seen = aux;

	if (arg && !strcmp(arg, "bad"))
		return seen->fail;
	if (seen->n < 4) {
		seen->opts[seen->n] = opt;
		seen->args[seen->n] = arg;
	}
	seen->n++;
	return 0;
}

static const struct option options[] = {
	{ "remote", required_argument, NULL, 'R' },
	{ "flag", no_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 },
};

static const struct service_def with_args = {
	.role = "dbserver",
	.options = options,
	.on_option = on_option,
	.positional = true,
};

static const struct service_def bare = { .role = "vswitchd" };

/* service_parse() on the NULL-terminated words after the program name. */
static int
parse(struct service *s, const struct service_def *def, struct seen *seen,
      char **words)
{
	char *argv[16] = { "prog" };
	int argc = 1;

	while (*words && argc < 15)
		argv[argc++] = *words++;
	return service_parse(s, def, argc, argv, seen);
}

static void
test_own_options(void)
{
	struct service s;
	struct seen seen = { 0 };
	char *w[] = { "--remote=punix:/a", "--flag", "--remote", "ptcp:1",
		      NULL };

	CHECK_EQ(parse(&s, &with_args, &seen, w), 0);
	CHECK_EQ(seen.n, 3);
	CHECK_EQ(seen.opts[0], 'R');
	CHECK_STREQ(seen.args[0], "punix:/a");
	CHECK_EQ(seen.opts[1], 'F');
	CHECK(seen.args[1] == NULL);
	CHECK_EQ(seen.opts[2], 'R');
	CHECK_STREQ(seen.args[2], "ptcp:1");
	CHECK(s.def == &with_args);
	CHECK_STREQ(s.role->name, "dbserver");
	CHECK_EQ(s.n_args, 0);
}

static void
test_common_options(void)
{
	struct service s;
	struct seen seen = { 0 };
	char *w[] = { "--rundir=/tmp/r", "--dbdir", "/tmp/d", "--detach",
		      NULL };

	CHECK_EQ(parse(&s, &bare, &seen, w), 0);
	CHECK_STREQ(s.opts.rundir, "/tmp/r");
	CHECK_STREQ(s.opts.dbdir, "/tmp/d");
	CHECK(s.opts.detach);
	CHECK_STREQ(s.opts.binary, "microvs-vswitchd");
	CHECK_EQ(seen.n, 0);
}

static void
test_positional(void)
{
	struct service s;
	struct seen seen = { 0 };
	char *w[] = { "a.db", "--remote=r", "b.db", NULL };

	CHECK_EQ(parse(&s, &with_args, &seen, w), 0);
	CHECK_EQ(s.n_args, 2);
	CHECK_STREQ(s.args[0], "a.db");
	CHECK_STREQ(s.args[1], "b.db");
	CHECK_EQ(seen.n, 1);
	/* A def without positional arguments refuses them. */
	CHECK_EQ(parse(&s, &bare, &seen, (char *[]){ "x", NULL }), -EINVAL);
}

static void
test_refused(void)
{
	struct service s;
	struct seen seen = { .fail = -ERANGE };
	static const struct service_def nobody = { .role = "nobody" };

	/* Unknown to the def: the process's own option on a bare def. */
	CHECK_EQ(parse(&s, &bare, &seen, (char *[]){ "--remote=x", NULL }),
		 -EINVAL);
	CHECK_EQ(parse(&s, &with_args, &seen, (char *[]){ "--nope", NULL }),
		 -EINVAL);
	/* The handler's error is service_parse()'s. */
	CHECK_EQ(parse(&s, &with_args, &seen,
		       (char *[]){ "--remote=bad", NULL }),
		 -ERANGE);
	CHECK_EQ(seen.n, 0);
	CHECK_EQ(parse(&s, &nobody, &seen, (char *[]){ NULL }), -EINVAL);
	/* Parsing again starts afresh. */
	CHECK_EQ(parse(&s, &with_args, &seen, (char *[]){ "--flag", NULL }), 0);
	CHECK_EQ(seen.n, 1);
}

int
main(void)
{
	CHECK_RUN(test_own_options);
	CHECK_RUN(test_common_options);
	CHECK_RUN(test_positional);
	CHECK_RUN(test_refused);
	CHECK_EXIT();
}
