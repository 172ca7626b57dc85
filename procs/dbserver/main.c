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

struct args {
	const char **remotes;
	size_t n_remotes;
};

static bool
on_option(int opt, const char *arg, void *aux)
{
	struct args *a = aux;

	if (opt != 'R')
		return false;
	a->remotes =
		xrealloc(a->remotes, (a->n_remotes + 1) * sizeof *a->remotes);
	a->remotes[a->n_remotes++] = arg;
	return true;
}

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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "remote", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct args a = { 0 };
	struct dbserver_opts opts = { 0 };
	struct dbserver *srv;
	struct service s;
	const char **dbs;
	char *def_dbs[2] = { NULL, NULL }, *def_remote = NULL;
	size_t n;
	int first, rc;

	json_pool_install(); /* before jansson allocates anything */
	service_init(&s, "dbserver", argc, argv, NULL, longopts, on_option, &a,
		     " [DBFILE]... [--remote=REMOTE]...", &first);

	dbs = xcalloc((size_t)argc + 2, sizeof *dbs);
	for (int i = first; i < argc; i++)
		dbs[opts.n_db_files++] = argv[i];
	if (!opts.n_db_files) {
		mkdir_p(s.opts.dbdir, 0750);
		def_dbs[0] = xasprintf("%s/conf.db", s.opts.dbdir);
		def_dbs[1] = xasprintf("%s/vtep.db", s.opts.dbdir);
		create_if_missing(def_dbs[0], "vswitch.ovsschema");
		create_if_missing(def_dbs[1], "vtep.ovsschema");
		dbs[opts.n_db_files++] = def_dbs[0];
		dbs[opts.n_db_files++] = def_dbs[1];
	}
	if (!a.n_remotes) {
		def_remote = xasprintf("punix:%s/db.sock", s.opts.rundir);
		on_option('R', def_remote, &a);
	}
	opts.db_files = dbs;
	opts.remotes = a.remotes;
	opts.n_remotes = a.n_remotes;

	if (dbserver_start(s.loop, &opts, &srv))
		fatal("start-up failed");
	hand_over(s.role, dbs, opts.n_db_files);
	dbserver_register_appctl(srv);
	const struct bus_handler *handlers = dbserver_bus_handlers(&n);
	struct dbserver_bus *dbus = dbserver_bus_new(srv);
	service_serve(&s, handlers, n, dbus);
	dbserver_bus_attach(dbus, s.bus);
	service_drop(&s);
	rc = service_run(&s);
	dbserver_bus_free(dbus);
	dbserver_stop(srv);
	free(def_dbs[0]);
	free(def_dbs[1]);
	free(def_remote);
	free(a.remotes);
	free(dbs);
	return rc;
}
