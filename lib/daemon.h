/* SPDX-License-Identifier: Apache-2.0 */
/*
 * daemon: what every microvs process does the same way at start-up: the
 * common options (--rundir, --dbdir, --logdir or one --instance prefix,
 * --detach, --log-file, -v), the run directory, the pidfile, detaching,
 * sd_notify (READY=1, WATCHDOG=1) and the termination signals.
 */
#ifndef MICROVS_DAEMON_H
#define MICROVS_DAEMON_H

#include <getopt.h>
#include <stdbool.h>

#include "ev.h"

struct daemon_opts {
	const char *name;   /* role name: "vswitchd" */
	const char *binary; /* "microvs-vswitchd" */
	char *rundir, *dbdir, *logdir;
	char *log_file; /* NULL: console only */
	bool detach;
};

/* Options every process takes; append to a process's own long options
 * with DAEMON_LONG_OPTIONS and pass unknown ones to daemon_option(). */
enum {
	DAEMON_OPT_RUNDIR = 0x1000,
	DAEMON_OPT_DBDIR,
	DAEMON_OPT_LOGDIR,
	DAEMON_OPT_INSTANCE,
	DAEMON_OPT_DETACH,
	DAEMON_OPT_LOG_FILE,
	DAEMON_OPT_PIDFILE,
	DAEMON_OPT_NO_CHDIR,
};
#define DAEMON_SHORT_OPTIONS "v::hV"
#define DAEMON_LONG_OPTIONS                                                   \
	{ "rundir", required_argument, NULL, DAEMON_OPT_RUNDIR },             \
		{ "dbdir", required_argument, NULL, DAEMON_OPT_DBDIR },       \
		{ "logdir", required_argument, NULL, DAEMON_OPT_LOGDIR },     \
		{ "instance", required_argument, NULL, DAEMON_OPT_INSTANCE }, \
		{ "detach", no_argument, NULL, DAEMON_OPT_DETACH },           \
		{ "log-file", optional_argument, NULL, DAEMON_OPT_LOG_FILE }, \
		{ "pidfile", optional_argument, NULL, DAEMON_OPT_PIDFILE },   \
		{ "no-chdir", no_argument, NULL, DAEMON_OPT_NO_CHDIR },       \
		{ "verbose", optional_argument, NULL, 'v' },                  \
		{ "help", no_argument, NULL, 'h' },                           \
	{                                                                     \
		"version", no_argument, NULL, 'V'                             \
	}

/* The first thing a process does (the daemons in service_init, and
 * microvs-ctl): adopts the descriptors the service manager gave back from
 * its store (fdstore.h), closes every other descriptor above stderr that
 * the starter left open (an operator's shell may pass a writable root file on
 * fd 3; it would cross the privilege drop into every process), and raises the
 * soft limit on open files to the hard one (dbserver serves a client per fd;
 * the soft default of 1,024 is far too low).  Never fails: a limit that
 * cannot be raised stays. */
void daemon_init_process(void);

void daemon_opts_init(struct daemon_opts *o, const char *name,
		      const char *binary);
/* Handles one common option; returns false if @opt is not one. Exits for
 * -h/-V and bad values. */
bool daemon_option(struct daemon_opts *o, int opt, const char *arg,
		   const char *usage_extra);
/* Fills the directory defaults (from MICROVS_RUNDIR/OVS_RUNDIR, then the
 * built-in ones). */
void daemon_opts_finish(struct daemon_opts *o);
/* The log file of @binary under @logdir when --log-file is given without
 * a name.  Caller frees. */
char *daemon_log_path(const char *logdir, const char *binary);

/* Log file (opened safely: see log_set_file; when root, its directory's
 * ancestors must be root's), run directory (created 2750 root:microvs when
 * root, and then refused if a role user could change it), detach
 * (the parent exits when daemon_ready() runs, or with the child's failure),
 * pidfile RUNDIR/<name>.pid, SIGTERM/SIGINT -> ev_exit, SIGHUP -> log
 * reopen.  Exits on failure. */
void daemon_start(struct daemon_opts *o, struct ev_loop *loop);
/* Tells systemd (NOTIFY_SOCKET) and a waiting --detach parent that start-up
 * is complete, and starts the watchdog pings if WATCHDOG_USEC is set. */
void daemon_ready(struct daemon_opts *o, struct ev_loop *loop);
/* Removes the pidfile. */
void daemon_finish(struct daemon_opts *o);

/* Sends @state ("READY=1") to $NOTIFY_SOCKET if set.  0 or -errno. */
int sd_notify_send(const char *state);

#endif
