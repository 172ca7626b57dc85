/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-dbserver: serves OVSDB databases stored in SQLite.
 *
 * Usage: microvs-dbserver [DBFILE]... [--remote=REMOTE]... [--rundir=DIR]
 *                         [--pidfile[=FILE]]
 *
 * Talks to: OVSDB clients on its remotes (default punix:RUNDIR/db.sock).
 * May: read and write its database files and create its sockets; it needs
 * no capabilities.  This main only parses arguments and runs the loop;
 * everything else is in dbserver_*.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dbserver.h"
#include "ev.h"
#include "log.h"

LOG_MODULE(main);

static void
on_signal(int signo, void *arg)
{
	(void)signo;
	ev_exit(arg, 0);
}

static void
usage(void)
{
	printf("usage: microvs-dbserver [DBFILE]... [--remote=REMOTE]... "
	       "[--rundir=DIR] [--pidfile[=FILE]]\n"
	       "REMOTE: punix:PATH, ptcp:PORT[:IP] or db:DB,TABLE,COLUMN\n");
}

int
main(int argc, char *argv[])
{
	const char **dbs = xcalloc((size_t)argc, sizeof *dbs);
	const char **remotes = xcalloc((size_t)argc + 1, sizeof *remotes);
	size_t n_dbs = 0, n_remotes = 0;
	const char *rundir = MICROVS_DEFAULT_RUNDIR;
	const char *pidfile = NULL;
	bool want_pidfile = false;

	log_init("dbserver");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "--remote=", 9))
			remotes[n_remotes++] = a + 9;
		else if (!strcmp(a, "--remote") && i + 1 < argc)
			remotes[n_remotes++] = argv[++i];
		else if (!strncmp(a, "--rundir=", 9))
			rundir = a + 9;
		else if (!strcmp(a, "--pidfile"))
			want_pidfile = true;
		else if (!strncmp(a, "--pidfile=", 10))
			want_pidfile = true, pidfile = a + 10;
		else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage();
			return 0;
		} else if (a[0] == '-') {
			fprintf(stderr, "microvs-dbserver: unknown option %s\n",
				a);
			return 2;
		} else
			dbs[n_dbs++] = a;
	}
	if (mkdir_p(rundir, 0750) < 0)
		fatal("%s: cannot create run directory", rundir);
	char *def_remote = xasprintf("punix:%s/db.sock", rundir);
	if (!n_remotes)
		remotes[n_remotes++] = def_remote;
	char *def_db = xasprintf("%s/conf.db", MICROVS_DEFAULT_DBDIR);
	if (!n_dbs)
		dbs[n_dbs++] = def_db;

	struct ev_loop *loop;
	if (ev_loop_new(&loop))
		fatal("cannot create event loop");
	struct dbserver_opts opts = {
		.db_files = dbs, .n_db_files = n_dbs,
		.remotes = remotes, .n_remotes = n_remotes,
	};
	struct dbserver *srv;
	if (dbserver_start(loop, &opts, &srv))
		fatal("start-up failed");
	char *pidpath = NULL;
	if (want_pidfile) {
		pidpath = pidfile ? xstrdup(pidfile)
				  : xasprintf("%s/dbserver.pid", rundir);
		if (pidfile_write(pidpath, (long)getpid()))
			log_warn("%s: cannot write pidfile", pidpath);
	}
	ev_signal_add(loop, SIGTERM, on_signal, loop);
	ev_signal_add(loop, SIGINT, on_signal, loop);
	int rc = ev_run(loop);
	dbserver_stop(srv);
	ev_loop_free(loop);
	if (pidpath)
		unlink(pidpath);
	free(pidpath);
	free(def_remote);
	free(def_db);
	free(dbs);
	free(remotes);
	return rc;
}
