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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "client.h"
#include "config.h"
#include "log.h"
#include "util.h"

LOG_MODULE(microvs_ctl);

char *
ctl_socket_path(const struct ctl_dirs *d)
{
	return xasprintf("%s/microvs-ctl.sock", d->rundir);
}

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
	return client_ping(d->rundir, r->name, timeout_ms, pid) == 0;
}

/* Sends one control line to the supervisor; prints its answer.  0 if it
 * answered "ok...", 1 otherwise. */
static int
send_control(const struct ctl_dirs *d, const char *line, struct ds *answer)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *path = ctl_socket_path(d), buf[256];
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ssize_t n;

	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	free(path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		ds_printf(answer, "error: supervisor not running in %s\n",
			  d->rundir);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (write(fd, line, strlen(line)) < 0)
		ds_put(answer, "error: write failed\n");
	while ((n = read(fd, buf, sizeof buf)) > 0)
		ds_put_len(answer, buf, (size_t)n);
	close(fd);
	return strncmp(ds_cstr(answer), "ok", 2) ? 1 : 0;
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
	/* Sockets: root:microvs 2750 (files inherit the group).  Database:
	 * owned by the dbserver role.  Logs: opened as root before the drop,
	 * group-writable so a role can reopen its own. */
	if (chown(d->rundir, 0, gr->gr_gid) || chmod(d->rundir, 02750) ||
	    chown(d->logdir, 0, gr->gr_gid) || chmod(d->logdir, 02770))
		fprintf(stderr, "microvs-ctl: cannot set directory modes\n");
	if (!role_ids(db, &uid, &gid) &&
	    (chown(d->dbdir, uid, gid) || chmod(d->dbdir, 0750)))
		fprintf(stderr, "microvs-ctl: cannot chown %s\n", d->dbdir);
}

static bool
supervisor_running(const struct ctl_dirs *d)
{
	struct ds a = DS_EMPTY;
	bool up = send_control(d, "ping\n", &a) == 0;

	ds_free(&a);
	return up;
}

static int
cmd_start(const struct ctl_dirs *d, bool foreground)
{
	char why[1024];
	int fds[2];
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
	/* One NUL when all came up; else why not, or nothing. */
	ssize_t n = read(fds[0], why, sizeof why - 1);
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

static int
cmd_stop(const struct ctl_dirs *d)
{
	struct ds a = DS_EMPTY;
	char *pidfile = xasprintf("%s/microvs-ctl.pid", d->rundir);
	long pid = 0;
	int rc;

	pidfile_read(pidfile, &pid);
	rc = send_control(d, "shutdown\n", &a);
	if (rc) {
		fputs(ds_cstr(&a), stderr);
	} else {
		/* Wait for the supervisor itself to be gone. */
		for (int i = 0; pid > 0 && i < 500 && !kill((pid_t)pid, 0); i++)
			usleep(10000);
		printf("microvs stopped in %s\n", d->rundir);
	}
	ds_free(&a);
	free(pidfile);
	return rc;
}

static int
cmd_one(const struct ctl_dirs *d, const char *verb, const char *proc)
{
	struct ds a = DS_EMPTY;
	char *line = xasprintf("%s %s\n", verb, proc);
	int rc = send_control(d, line, &a);

	fputs(ds_cstr(&a), rc ? stderr : stdout);
	ds_free(&a);
	free(line);
	return rc;
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
	if (proc && strcmp(cmd, "systemd-units") && !role_find(proc)) {
		fprintf(stderr, "microvs-ctl: no process named %s\n", proc);
		return 1;
	}

	if (!strcmp(cmd, "start"))
		return proc ? cmd_one(&d, "start", proc)
			    : cmd_start(&d, foreground);
	if (!strcmp(cmd, "stop"))
		return proc ? cmd_one(&d, "stop", proc) : cmd_stop(&d);
	if (!strcmp(cmd, "restart")) {
		if (proc)
			return cmd_one(&d, "restart", proc);
		cmd_stop(&d);
		return cmd_start(&d, foreground);
	}
	if (!strcmp(cmd, "status"))
		return cmd_status(&d, proc);
	if (!strcmp(cmd, "roles")) {
		/* The policy table, for tests and operators. */
		for (size_t i = 0; i < n_roles; i++)
			printf("%s %s %s %#llx\n", roles[i].name,
			       roles[i].binary, roles[i].user,
			       role_cap_mask(&roles[i]));
		return 0;
	}
	if (!strcmp(cmd, "systemd-units")) {
		int err;
		if (!proc) {
			fprintf(stderr, "microvs-ctl: systemd-units OUTDIR\n");
			return 1;
		}
		err = units_write(proc, d.bindir);
		if (err)
			fprintf(stderr, "microvs-ctl: %s\n", strerror(-err));
		return err ? 1 : 0;
	}
	fprintf(stderr, "microvs-ctl: unknown command %s\n", cmd);
	return 1;
}
