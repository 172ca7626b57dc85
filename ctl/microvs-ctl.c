/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-ctl: start|stop|status|restart [PROC] for one instance, for hosts
 * without systemd and for tests; `systemd-units DIR` writes the units.
 *	microvs-ctl [--rundir DIR] [--dbdir DIR] [--logdir DIR]
 *		    [--instance NAME] [--bindir DIR] [--foreground] CMD [PROC]
 * Exit status: 0 ok; 1 error; 3 (status) something is not running.
 */
#include "microvs-ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "client.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "safefile.h"
#include "util.h"

LOG_MODULE(microvs_ctl);

char *
ctl_binary(const struct ctl_dirs *d, const struct role *r)
{
	char *p = xasprintf("%s/%s", d->bindir, r->binary);

	if (access(p, X_OK) == 0)
		return p;
	free(p);
	/* The build tree: build/ctl/microvs-ctl -> build/procs/X/binary. */
	return xasprintf("%s/../procs/%s/%s", d->bindir, r->name, r->binary);
}

bool
ctl_ping(const struct ctl_dirs *d, const struct role *r, unsigned timeout_ms,
	 long *pid)
{
	return client_ping(d->rundir, r, timeout_ms, pid) == 0;
}

/* Time for the supervisor to answer: an operation may wait behind others
 * (a start takes up to 5 s, a stop 3 s before SIGKILL). */
#define SUPERVISOR_TIMEOUT_MS 120000

static const struct role *const supervisor = &roles[ROLE_SUPERVISOR];

/* Prints why the supervisor could not be asked or refused: @err and @why
 * from a bus_call_sync_X(). */
static void
print_refusal(const struct ctl_dirs *d, int err, const char *why)
{
	if (why)
		fprintf(stderr, "error: %s\n", why);
	else if (err == -ENOENT || err == -ECONNREFUSED)
		fprintf(stderr, "error: supervisor not running in %s\n",
			d->rundir);
	else
		fprintf(stderr, "error: supervisor: %s\n", strerror(-err));
}

/* Refuses (exit 1) a directory a role user could change, where this root
 * process and the daemons before their drop create files. */
static void
check_dir(const char *dir, bool shared_leaf)
{
	char *why;

	if (safe_dir_check(dir, shared_leaf, &why)) {
		fprintf(stderr, "microvs-ctl: refusing %s: %s\n", dir, why);
		exit(1);
	}
}

static void
prepare_dirs(const struct ctl_dirs *d)
{
	struct group *gr = getgrnam(ROLE_GROUP);
	const struct role *db = role_find("dbserver");
	uid_t uid;
	gid_t gid;

	mkdir_p(d->rundir, 0750);
	mkdir_p(d->dbdir, 0750);
	mkdir_p(d->logdir, 0750);
	if (geteuid() != 0 || !gr)
		return;
	/* Before changing anything by name: their ancestors are root's. */
	check_dir(d->rundir, true);
	check_dir(d->dbdir, true);
	check_dir(d->logdir, true);
	/* Sockets: root:microvs 2750 (files inherit the group).  Database:
	 * owned by the dbserver role.  Logs: each role's file is handed to
	 * it, so it can reopen it; sticky, so that no role can remove or
	 * replace another's file (or root's). */
	if (safe_dir_set(d->rundir, 0, gr->gr_gid, 02750, false) ||
	    safe_dir_set(d->logdir, 0, gr->gr_gid, 03770, false))
		fprintf(stderr, "microvs-ctl: cannot set directory modes\n");
	if (!role_ids(db, &uid, &gid) &&
	    safe_dir_set(d->dbdir, uid, gid, 0750, false))
		fprintf(stderr, "microvs-ctl: cannot chown %s\n", d->dbdir);
	check_dir(d->rundir, false);
}

static bool
supervisor_running(const struct ctl_dirs *d)
{
	return client_ping(d->rundir, supervisor, 5000, NULL) == 0;
}

static int
cmd_start(const struct ctl_dirs *d, bool foreground)
{
	char why[1024];
	int fds[2];
	ssize_t n;
	pid_t pid;

	if (supervisor_running(d)) {
		printf("microvs already running in %s\n", d->rundir);
		return 0;
	}
	prepare_dirs(d);
	if (foreground) {
		log_init("microvs-ctl");
		return supervise(d, -1);
	}
	if (pipe2(fds, O_CLOEXEC) < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		char *logpath = xasprintf("%s/microvs-ctl.log", d->logdir);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		close(fds[0]);
		setsid();
		log_init("microvs-ctl");
		log_set_file(logpath);
		free(logpath);
		char *err;
		log_set_spec("any:console:off", &err);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		char *pidfile = xasprintf("%s/microvs-ctl.pid", d->rundir);
		pidfile_write(pidfile, (long)getpid());
		int rc = supervise(d, fds[1]);
		unlink(pidfile);
		_exit(rc);
	}
	close(fds[1]);
	/* One NUL byte: all up.  Text: why not. */
	n = read(fds[0], why, sizeof why - 1);
	if (n != 1 || why[0]) {
		why[n > 0 ? n : 0] = '\0';
		fprintf(stderr,
			"microvs-ctl: start failed%s%s (see %s/"
			"microvs-ctl.log)\n",
			n > 0 ? ": " : "", why, d->logdir);
		return 1;
	}
	for (size_t i = 0; i < n_roles; i++) {
		long p = 0;
		ctl_ping(d, &roles[i], 1000, &p);
		printf("%-9s started (pid %ld)\n", roles[i].name, p);
	}
	return 0;
}

/* Waits up to @ms for process @pid (not our child) to be gone. */
static void
wait_gone(pid_t pid, int ms)
{
	struct pollfd p = { .fd = pidfd_open(pid, 0), .events = POLLIN };

	if (p.fd < 0)
		return; /* already gone (ESRCH) */
	while (poll(&p, 1, ms) < 0 && errno == EINTR)
		;
	close(p.fd);
}

static int
cmd_stop(const struct ctl_dirs *d)
{
	struct bus_msg_supervisor_shutdown call = { 0 };
	struct bus_msg_proc_state *st;
	char *why;
	int err;

	err = bus_call_sync_supervisor_shutdown(
		d->rundir, supervisor, &call, SUPERVISOR_TIMEOUT_MS, &st, &why);
	if (err) {
		print_refusal(d, err, why);
		free(why);
		return 1;
	}
	/* Every process has stopped; the supervisor exits once it sent
	 * this. */
	wait_gone((pid_t)st->pid, 5000);
	bus_msg_proc_state_free(st);
	printf("microvs stopped in %s\n", d->rundir);
	return 0;
}

/* The supervisor's answer to a start, stop or restart of one process. */
static int
print_proc_state(const struct ctl_dirs *d, int err,
		 struct bus_msg_proc_state *st, char *why)
{
	if (err) {
		print_refusal(d, err, why);
		free(why);
		return 1;
	}
	if (st->pid)
		printf("ok %llu\n", (unsigned long long)st->pid);
	else
		printf("ok\n");
	bus_msg_proc_state_free(st);
	return 0;
}

/* start, stop or restart PROC through the supervisor; prints "ok PID"
 * ("ok" after a stop) or the error. */
static int
proc_start(const struct ctl_dirs *d, const char *proc)
{
	struct bus_msg_proc_start c = { .proc = proc };
	struct bus_msg_proc_state *st = NULL;
	char *why = NULL;
	int err = bus_call_sync_proc_start(d->rundir, supervisor, &c,
					   SUPERVISOR_TIMEOUT_MS, &st, &why);

	return print_proc_state(d, err, st, why);
}

static int
proc_stop(const struct ctl_dirs *d, const char *proc)
{
	struct bus_msg_proc_stop c = { .proc = proc };
	struct bus_msg_proc_state *st = NULL;
	char *why = NULL;
	int err = bus_call_sync_proc_stop(d->rundir, supervisor, &c,
					  SUPERVISOR_TIMEOUT_MS, &st, &why);

	return print_proc_state(d, err, st, why);
}

static int
proc_restart(const struct ctl_dirs *d, const char *proc)
{
	struct bus_msg_proc_restart c = { .proc = proc };
	struct bus_msg_proc_state *st = NULL;
	char *why = NULL;
	int err = bus_call_sync_proc_restart(d->rundir, supervisor, &c,
					     SUPERVISOR_TIMEOUT_MS, &st, &why);

	return print_proc_state(d, err, st, why);
}

static int
cmd_status(const struct ctl_dirs *d, const char *only)
{
	int rc = 0;

	for (size_t i = 0; i < n_roles; i++) {
		long pid = 0;

		if (only && role_find(only) != &roles[i])
			continue;
		if (ctl_ping(d, &roles[i], 1000, &pid)) {
			printf("%-9s running (pid %ld)\n", roles[i].name, pid);
		} else {
			printf("%-9s not running\n", roles[i].name);
			rc = 3;
		}
	}
	return rc;
}

static int
all_start(const struct ctl_dirs *d, bool foreground)
{
	return cmd_start(d, foreground);
}

static int
all_stop(const struct ctl_dirs *d, bool foreground)
{
	return cmd_stop(d);
}

static int
all_restart(const struct ctl_dirs *d, bool foreground)
{
	cmd_stop(d);
	return cmd_start(d, foreground);
}

static int
all_status(const struct ctl_dirs *d, bool foreground)
{
	return cmd_status(d, NULL);
}

static int
one_status(const struct ctl_dirs *d, const char *proc)
{
	return cmd_status(d, proc);
}

/* The policy table, for tests and operators (a PROC is ignored). */
static int
all_roles(const struct ctl_dirs *d, bool foreground)
{
	for (size_t i = 0; i < n_roles; i++)
		printf("%s %s %s %#llx\n", roles[i].name, roles[i].binary,
		       roles[i].user, roles[i].caps);
	return 0;
}

static int
one_roles(const struct ctl_dirs *d, const char *proc)
{
	return all_roles(d, false);
}

static int
cmd_units(const struct ctl_dirs *d, const char *outdir)
{
	int err;

	if (!outdir) {
		fprintf(stderr, "microvs-ctl: systemd-units OUTDIR\n");
		return 1;
	}
	err = units_write(outdir, d->bindir);
	if (err)
		fprintf(stderr, "microvs-ctl: %s\n", strerror(-err));
	return err ? 1 : 0;
}

/* The commands: what each does for every process, and for one (PROC). */
static const struct {
	const char *name;
	int (*all)(const struct ctl_dirs *d, bool foreground);
	int (*one)(const struct ctl_dirs *d, const char *proc);
} commands[] = {
	{ "start", all_start, proc_start },
	{ "stop", all_stop, proc_stop },
	{ "restart", all_restart, proc_restart },
	{ "status", all_status, one_status },
	{ "roles", all_roles, one_roles },
};

static void NORETURN
usage(void)
{
	printf("usage: microvs-ctl [OPTIONS] start|stop|status|restart [PROC]\n"
	       "       microvs-ctl systemd-units OUTDIR\n"
	       "       microvs-ctl roles\n"
	       "  --rundir=DIR --dbdir=DIR --logdir=DIR  instance directories\n"
	       "  --instance=NAME   /run/microvs-NAME, "
	       "/var/lib/microvs-NAME...\n"
	       "  --bindir=DIR      where the microvs-* binaries are\n"
	       "  --foreground      start: supervise in the foreground\n");
	exit(0);
}

static char *
self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n <= 0)
		return xstrdup(MICROVS_BINDIR);
	buf[n] = '\0';
	return xstrdup(dirname(buf));
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "dbdir", required_argument, NULL, 'd' },
		{ "logdir", required_argument, NULL, 'l' },
		{ "instance", required_argument, NULL, 'i' },
		{ "bindir", required_argument, NULL, 'b' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_dirs d = { 0 };
	bool foreground = false;
	const char *cmd, *proc;
	int opt;

	daemon_init_process(); /* the supervisor's fds reach every daemon */
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			d.rundir = xstrdup(optarg);
			break;
		case 'd':
			d.dbdir = xstrdup(optarg);
			break;
		case 'l':
			d.logdir = xstrdup(optarg);
			break;
		case 'i':
			d.rundir = xasprintf("%s-%s", MICROVS_DEFAULT_RUNDIR,
					     optarg);
			d.dbdir = xasprintf("%s-%s", MICROVS_DEFAULT_DBDIR,
					    optarg);
			d.logdir = xasprintf("%s-%s", MICROVS_DEFAULT_LOGDIR,
					     optarg);
			break;
		case 'b':
			d.bindir = xstrdup(optarg);
			break;
		case 'f':
			foreground = true;
			break;
		case 'h':
			usage();
		default:
			return 1;
		}
	}
	if (optind >= argc)
		usage();
	cmd = argv[optind];
	proc = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (!d.rundir)
		d.rundir = xstrdup(rundir_resolve(NULL));
	if (!d.dbdir)
		d.dbdir = xstrdup(MICROVS_DEFAULT_DBDIR);
	if (!d.logdir)
		d.logdir = xstrdup(MICROVS_DEFAULT_LOGDIR);
	if (!d.bindir)
		d.bindir = self_dir();
	if (!strcmp(cmd, "systemd-units"))
		return cmd_units(&d, proc);
	if (proc && !role_find(proc)) {
		fprintf(stderr, "microvs-ctl: no process named %s\n", proc);
		return 1;
	}

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return proc ? commands[i].one(&d, proc)
				    : commands[i].all(&d, foreground);
	fprintf(stderr, "microvs-ctl: unknown command %s\n", cmd);
	return 1;
}
