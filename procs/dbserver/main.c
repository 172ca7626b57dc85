/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-dbserver: the configuration databases (Open_vSwitch,
 * hardware_vtep) with OVSDB semantics, stored in SQLite.
 *
 *	microvs-dbserver [DBFILE]... [--remote=REMOTE]... [PKI options]
 *			 [common options]
 *
 * REMOTE: punix:PATH, ptcp:PORT[:IP], pssl:PORT[:IP] (listen),
 * unix:PATH, tcp:IP:PORT, ssl:IP:PORT (connect), db:DB,TABLE,COLUMN.
 * PKI options, as ovsdb-server's (each a file name or db:DB,TABLE,COLUMN):
 * -p/--private-key, -c/--certificate, -C/--ca-cert, --bootstrap-ca-cert,
 * --peer-ca-cert, --ssl-protocols, --ssl-ciphers.
 *
 * With no DBFILE it serves DBDIR/conf.db (Open_vSwitch) and DBDIR/vtep.db
 * (hardware_vtep), creating them from the schemas if missing.  With no
 * --remote it listens on punix:RUNDIR/db.sock, where Open vSwitch's own
 * clients look when OVS_RUNDIR=RUNDIR.  With neither (microvs-ctl's start)
 * it also takes what Open vSwitch's ovs-ctl gives ovsdb-server: the
 * remotes of db:Open_vSwitch,Open_vSwitch,manager_options and, for the PKI
 * options not given, the SSL row's private_key, certificate and ca_cert
 * (bootstrapped), so that set-ssl and set-manager pssl:... work alike.
 *
 * May: read and write its database files; no capabilities.
 * Talks to: everyone — our processes and tools over the bus, OVSDB clients
 * over its remotes.
 *
 * The databases are locked, checked, handed to the role's user and opened
 * as root, the remotes bound as root (the run directory is root's); then
 * privileges are dropped before any client is served.  One server per
 * database: a second one refuses to start, naming the holder's pid.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dbserver.h"
#include "json_pool.h"
#include "log.h"
#include "ovsdb_lockfile.h"
#include "ovsdb_schema.h"
#include "ovsdb_storage.h"
#include "safefile.h"
#include "service.h"

LOG_MODULE(main);

/* The command line: database files and remotes, as given or defaulted,
 * and the PKI settings. */
struct args {
	const char **dbs, **remotes;
	size_t n_dbs, n_remotes;
	char *owned[3]; /* the default files and remote */
	struct dbserver_ssl_opts ssl;
};

static void
add_remote(struct args *a, const char *remote)
{
	a->remotes =
		xrealloc(a->remotes, (a->n_remotes + 1) * sizeof *a->remotes);
	a->remotes[a->n_remotes++] = remote;
}

enum {
	OPT_REMOTE = 0x2000,
	OPT_BOOTSTRAP,
	OPT_PEER_CA,
	OPT_PROTOCOLS,
	OPT_CIPHERS
};

/* --remote and the PKI options. */
static int
on_option(int opt, const char *arg, void *aux)
{
	struct args *a = aux;

	switch (opt) {
	case OPT_REMOTE:
		add_remote(a, arg);
		break;
	case 'p':
		a->ssl.private_key = arg;
		break;
	case 'c':
		a->ssl.certificate = arg;
		break;
	case 'C':
	case OPT_BOOTSTRAP:
		a->ssl.ca_cert = arg;
		a->ssl.bootstrap = opt == OPT_BOOTSTRAP;
		break;
	case OPT_PEER_CA:
		a->ssl.peer_ca_cert = arg;
		break;
	case OPT_PROTOCOLS:
		a->ssl.protocols = arg;
		break;
	case OPT_CIPHERS:
		a->ssl.ciphers = arg;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static const struct option options[] = {
	{ "remote", required_argument, NULL, OPT_REMOTE },
	{ "private-key", required_argument, NULL, 'p' },
	{ "certificate", required_argument, NULL, 'c' },
	{ "ca-cert", required_argument, NULL, 'C' },
	{ "bootstrap-ca-cert", required_argument, NULL, OPT_BOOTSTRAP },
	{ "peer-ca-cert", required_argument, NULL, OPT_PEER_CA },
	{ "ssl-protocols", required_argument, NULL, OPT_PROTOCOLS },
	{ "ssl-ciphers", required_argument, NULL, OPT_CIPHERS },
	{ NULL, 0, NULL, 0 },
};

static const struct bus_handler handlers[] = {
	{ BUS_MSG_OVSDB_CALL, dbserver_on_ovsdb_call },
};

static const struct service_def def = {
	.role = "dbserver",
	.options = options,
	.on_option = on_option,
	.short_options = "p:c:C:",
	.usage = " [DBFILE]... [--remote=REMOTE]... [-p KEY -c CERT -C CACERT]",
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

/* The role's ids when running as root (files are handed to them), else
 * -1 (nothing is handed over). */
static void
role_owner(const struct role *r, uid_t *uid, gid_t *gid)
{
	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (geteuid() == 0 && role_ids(r, uid, gid)) {
		*uid = (uid_t)-1;
		*gid = (gid_t)-1;
	}
}

/* Takes each database's lock (ovsdb_lockfile.h) before anything reads or
 * creates it: a second server on the same file would lose the first
 * one's commits.  The locks are never released: the kernel does at
 * exit.  The databases' directories may be the role's (microvs-ctl gives
 * the database directory to microvs-db), never their ancestors. */
static void
lock_dbs(const struct role *r, const char *const *files, size_t n)
{
	uid_t uid;
	gid_t gid;

	role_owner(r, &uid, &gid);
	for (size_t i = 0; i < n; i++) {
		struct ovsdb_lockfile *lf;
		struct ovsdb_error *e = NULL;
		char *dir = dir_name(files[i]), *why;

		if (safe_dir_check(dir, true, &why))
			fatal("refusing database %s: %s", files[i], why);
		free(dir);
		if (ovsdb_lockfile_lock(files[i], uid, gid, &lf, &e))
			fatal("%s: %s", e->tag, e->details);
	}
}

/* Gives the database files (and SQLite's -wal/-shm left by a previous
 * run) to the role's user, so the process can still write them after the
 * drop; -wal/-shm that SQLite creates later get the owner of the database
 * file from SQLite itself.  The directory may be the role's, so each file
 * is opened without following a link and checked, and handed over by
 * descriptor (safe_open); one that fails is refused before it is
 * served.  Runs before SQLite opens the files: closing a descriptor of a
 * file would drop the POSIX locks SQLite holds on it. */
static void
hand_over(const struct role *r, const char *const *files, size_t n)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	uid_t uid;
	gid_t gid;

	role_owner(r, &uid, &gid);
	if (uid == (uid_t)-1)
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < ARRAY_SIZE(suffixes); j++) {
			char *p = xasprintf("%s%s", files[i], suffixes[j]);
			char *note;
			int fd, err = safe_open(p, O_RDONLY, 0, 0, uid, gid,
						&fd, &note);
			if (!err)
				close(fd); /* handed over by safe_open */
			else if (err != -ENOENT)
				fatal("refusing database file %s", note);
			free(note);
			free(p);
		}
}

/* What ovs-ctl start gives ovsdb-server besides punix:: the Manager rows
 * as remotes and, where no PKI option was given, the SSL row's keys. */
static void
ovs_ctl_defaults(struct args *a)
{
	add_remote(a, "db:Open_vSwitch,Open_vSwitch,manager_options");
	if (!a->ssl.private_key)
		a->ssl.private_key = "db:Open_vSwitch,SSL,private_key";
	if (!a->ssl.certificate)
		a->ssl.certificate = "db:Open_vSwitch,SSL,certificate";
	if (!a->ssl.ca_cert) {
		a->ssl.ca_cert = "db:Open_vSwitch,SSL,ca_cert";
		a->ssl.bootstrap = true;
	}
}

/* The DBFILE arguments, or DBDIR/conf.db and DBDIR/vtep.db (created if
 * missing), each locked first and then handed to the role; the --remote
 * options, or punix:RUNDIR/db.sock (and ovs_ctl_defaults() with the default
 * files). */
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
		a->dbs[a->n_dbs++] = a->owned[0];
		a->dbs[a->n_dbs++] = a->owned[1];
	}
	/* Locked before anything reads or creates them. */
	lock_dbs(s->role, a->dbs, a->n_dbs);
	if (a->owned[0]) {
		create_if_missing(a->owned[0], "vswitch.ovsschema");
		create_if_missing(a->owned[1], "vtep.ovsschema");
	}
	hand_over(s->role, a->dbs, a->n_dbs);
	if (!a->n_remotes) {
		a->owned[2] = xasprintf("punix:%s/db.sock", s->opts.rundir);
		add_remote(a, a->owned[2]);
		if (a->owned[0])
			ovs_ctl_defaults(a);
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
	/* glibc hands the heap's top back once 128 kB of it is free and
	 * takes it again 132 kB at a time, and serves blocks from 128 kB up
	 * from fresh mappings: each 1,000-port transaction after one that
	 * freed as much grew the heap in ~35 brk() calls and faulted its
	 * 3 MB request buffer in page by page.  Keep what was freed (up to
	 * 32 MB at the top) and take it in 4 MB steps. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	mallopt(M_TOP_PAD, 4 << 20);
	service_init(&s, &def, argc, argv, &a);
	resolve_args(&a, &s);
	opts.db_files = a.dbs;
	opts.n_db_files = a.n_dbs;
	opts.remotes = a.remotes;
	opts.n_remotes = a.n_remotes;
	opts.ssl = a.ssl;
	if (dbserver_start(s.loop, &opts, &srv))
		fatal("start-up failed");
	dbserver_register_appctl(srv);
	struct dbserver_bus *dbus = dbserver_bus_new(srv);

	service_serve(&s, dbus);
	dbserver_bus_attach(dbus, s.bus);
	service_drop(&s);
	rc = service_run(&s);
	dbserver_bus_free(dbus);
	dbserver_stop(srv);
	free_args(&a);
	return rc;
}
