/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-dbserver: the configuration databases (Open_vSwitch,
 * hardware_vtep) with OVSDB semantics, stored in SQLite.
 *
 *	microvs-dbserver [DBFILE]... [--remote=REMOTE]... [common options]
 *
 * With no DBFILE it serves DBDIR/conf.db (Open_vSwitch) and DBDIR/vtep.db
 * (hardware_vtep), creating them from the schemas if missing.  With no
 * --remote it listens on punix:RUNDIR/db.sock, where Open vSwitch's own
 * clients look when OVS_RUNDIR=RUNDIR.
 *
 * May: read and write its database files; no capabilities.
 * Talks to: everyone — our processes and tools over the bus, OVSDB clients
 * over its remotes.
 *
 * The databases are opened and the remotes bound as root (the run
 * directory is root's); the files are then handed to the role's user and
 * privileges dropped before any client is served.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dbserver.h"
#include "json_pool.h"
#include "log.h"
#include "ovsdb_schema.h"
#include "ovsdb_storage.h"
#include "service.h"

LOG_MODULE(main);

/* The command line: database files and remotes, as given or defaulted. */
struct args {
	const char **dbs, **remotes;
	size_t n_dbs, n_remotes;
	char *owned[3]; /* the default files and remote */
};

static void
add_remote(struct args *a, const char *remote)
{
	a->remotes =
		xrealloc(a->remotes, (a->n_remotes + 1) * sizeof *a->remotes);
	a->remotes[a->n_remotes++] = remote;
}

/* --remote, the only option of our own. */
static int
on_option(int opt, const char *arg, void *aux)
{
	(void)opt;
	add_remote(aux, arg);
	return 0;
}

static const struct option options[] = {
	{ "remote", required_argument, NULL, 'R' },
	{ NULL, 0, NULL, 0 },
};

static const struct bus_handler handlers[] = {
	{ BUS_MSG_OVSDB_CALL, dbserver_on_ovsdb_call },
};

static const struct service_def def = {
	.role = "dbserver",
	.options = options,
	.on_option = on_option,
	.usage = " [DBFILE]... [--remote=REMOTE]...",
	.positional = true,
	.handlers = handlers,
	.n_handlers = ARRAY_SIZE(handlers),
};

/* The schema named @file: installed copy first, then the source tree. */
static char *
schema_path(const char *file)
{
	char *p = xasprintf("%s/%s", MICROVS_SCHEMADIR, file);

	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return xasprintf("%s/%s", MICROVS_SRC_SCHEMADIR, file);
}

static void
create_if_missing(const char *path, const char *schema_file)
{
	struct ovsdb_schema *schema;
	struct ovsdb_error *e = NULL;
	char *sp;

	if (access(path, F_OK) == 0)
		return;
	sp = schema_path(schema_file);
	if (ovsdb_schema_from_file(sp, &schema, &e) ||
	    ovsdb_storage_create(path, schema, &e))
		fatal("cannot create %s from %s: %s", path, sp,
		      e && e->details ? e->details : "error");
	log_info("created %s from %s", path, sp);
	ovsdb_schema_free(schema);
	free(sp);
}

/* Gives the database files (and SQLite's -wal/-shm) to the role's user,
 * so the process can still write them after the drop. */
static void
hand_over(const struct role *r, const char *const *files, size_t n)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0 || role_ids(r, &uid, &gid))
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < ARRAY_SIZE(suffixes); j++) {
			char *p = xasprintf("%s%s", files[i], suffixes[j]);
			if (chown(p, uid, gid) < 0 && errno != ENOENT)
				log_warn("cannot hand %s to %s: %m", p,
					 r->user);
			free(p);
		}
}

/* The DBFILE arguments, or DBDIR/conf.db and DBDIR/vtep.db (created if
 * missing); the --remote options, or punix:RUNDIR/db.sock. */
static void
resolve_args(struct args *a, const struct service *s)
{
	a->dbs = xcalloc(s->n_args + 2, sizeof *a->dbs);
	for (size_t i = 0; i < s->n_args; i++)
		a->dbs[a->n_dbs++] = s->args[i];
	if (!a->n_dbs) {
		mkdir_p(s->opts.dbdir, 0750);
		a->owned[0] = xasprintf("%s/conf.db", s->opts.dbdir);
		a->owned[1] = xasprintf("%s/vtep.db", s->opts.dbdir);
		create_if_missing(a->owned[0], "vswitch.ovsschema");
		create_if_missing(a->owned[1], "vtep.ovsschema");
		a->dbs[a->n_dbs++] = a->owned[0];
		a->dbs[a->n_dbs++] = a->owned[1];
	}
	if (!a->n_remotes) {
		a->owned[2] = xasprintf("punix:%s/db.sock", s->opts.rundir);
		add_remote(a, a->owned[2]);
	}
}

static void
free_args(struct args *a)
{
	for (size_t i = 0; i < ARRAY_SIZE(a->owned); i++)
		free(a->owned[i]);
	free(a->remotes);
	free(a->dbs);
}

int
main(int argc, char **argv)
{
	struct args a = { 0 };
	struct dbserver_opts opts = { 0 };
	struct dbserver *srv;
	struct service s;
	int rc;

	json_pool_install(); /* before jansson allocates anything */
	service_init(&s, &def, argc, argv, &a);
	resolve_args(&a, &s);
	opts.db_files = a.dbs;
	opts.n_db_files = a.n_dbs;
	opts.remotes = a.remotes;
	opts.n_remotes = a.n_remotes;
	if (dbserver_start(s.loop, &opts, &srv))
		fatal("start-up failed");
	hand_over(s.role, a.dbs, a.n_dbs);
	dbserver_register_appctl(srv);

	service_serve(&s, srv);
	service_drop(&s);
	rc = service_run(&s);
	dbserver_stop(srv);
	free_args(&a);
	return rc;
}
