/* SPDX-License-Identifier: Apache-2.0 */
/* daemon: common options, run directory, pidfile, detach, sd_notify. */
#include "daemon.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "fdstore.h"
#include "log.h"
#include "roles.h"
#include "safefile.h"
#include "util.h"

LOG_MODULE(daemon);

static int ready_fd = -1; /* --detach: write end the parent waits on */

void
daemon_opts_init(struct daemon_opts *o, const char *name, const char *binary)
{
	memset(o, 0, sizeof *o);
	o->name = name;
	o->binary = binary;
}

/* Without close_range(2) (Linux < 5.9): every fd /proc lists from
 * @first on. */
static void
close_listed_fds(int first)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int *fds = NULL;
	size_t n = 0;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (fd >= first && fd != dirfd(d)) {
			fds = xrealloc(fds, (n + 1) * sizeof *fds);
			fds[n++] = fd;
		}
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

void
daemon_init_process(void)
{
	struct rlimit rl;
	/* What the service manager passed on purpose (the descriptor store)
	 * sits at 3, 4, ...: kept; everything above goes. */
	int first = 3 + fdstore_adopt();

	if (close_range((unsigned)first, ~0u, 0) < 0)
		close_listed_fds(first);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void
set_str(char **p, const char *v)
{
	free(*p);
	*p = xstrdup(v);
}

static void NORETURN
usage(const struct daemon_opts *o, const char *extra)
{
	printf("%s: microvs %s process\n"
	       "usage: %s [OPTIONS]%s\n"
	       "  --rundir=DIR      run directory (sockets, pidfiles)\n"
	       "  --dbdir=DIR       database directory\n"
	       "  --logdir=DIR      log directory\n"
	       "  --instance=NAME   /run/microvs-NAME, "
	       "/var/lib/microvs-NAME...\n"
	       "  --detach          run in the background once ready\n"
	       "  --log-file[=FILE] log to FILE (default LOGDIR/%s.log)\n"
	       "  -v, --verbose=SPEC  set log levels (module:dest:level)\n"
	       "  -h, --help  -V, --version\n",
	       o->binary, o->name, o->binary, extra ? extra : "", o->binary);
	exit(0);
}

bool
daemon_option(struct daemon_opts *o, int opt, const char *arg,
	      const char *usage_extra)
{
	char *err = NULL;

	switch (opt) {
	case DAEMON_OPT_RUNDIR:
		set_str(&o->rundir, arg);
		break;
	case DAEMON_OPT_DBDIR:
		set_str(&o->dbdir, arg);
		break;
	case DAEMON_OPT_LOGDIR:
		set_str(&o->logdir, arg);
		break;
	case DAEMON_OPT_INSTANCE:
		free(o->rundir);
		free(o->dbdir);
		free(o->logdir);
		o->rundir = xasprintf("%s-%s", MICROVS_DEFAULT_RUNDIR, arg);
		o->dbdir = xasprintf("%s-%s", MICROVS_DEFAULT_DBDIR, arg);
		o->logdir = xasprintf("%s-%s", MICROVS_DEFAULT_LOGDIR, arg);
		break;
	case DAEMON_OPT_DETACH:
		o->detach = true;
		break;
	case DAEMON_OPT_LOG_FILE:
		/* An empty name means the default, resolved in finish(). */
		set_str(&o->log_file, arg ? arg : "");
		break;
	case DAEMON_OPT_PIDFILE:
	case DAEMON_OPT_NO_CHDIR:
		break; /* accepted for Open vSwitch compatibility */
	case 'v':
		if (log_set_spec(arg ? arg : "any:console:dbg", &err)) {
			fprintf(stderr, "%s: %s\n", o->binary, err);
			exit(1);
		}
		break;
	case 'h':
		usage(o, usage_extra);
	case 'V':
		printf("%s (microvs) %s\n", o->binary, MICROVS_VERSION);
		exit(0);
	default:
		return false;
	}
	return true;
}

void
daemon_opts_finish(struct daemon_opts *o)
{
	if (!o->rundir)
		o->rundir = xstrdup(rundir_resolve(NULL));
	if (!o->dbdir)
		o->dbdir = xstrdup(MICROVS_DEFAULT_DBDIR);
	if (!o->logdir)
		o->logdir = xstrdup(MICROVS_DEFAULT_LOGDIR);
	if (o->log_file && !o->log_file[0]) {
		free(o->log_file);
		o->log_file = daemon_log_path(o->logdir, o->binary);
	}
}

char *
daemon_log_path(const char *logdir, const char *binary)
{
	return xasprintf("%s/%s.log", logdir, binary);
}

static void
on_term(int signo, void *arg)
{
	log_info("%s: exiting", strsignal(signo));
	ev_exit(arg, 0);
}

static void
on_hup(int signo, void *arg)
{
	log_reopen();
}

/* Creates the run directory: 2750 root:microvs when we are root, so the
 * role users can reach the bus sockets (0660, group microvs) but not
 * create files; plain 0750 otherwise.  Sockets, the pidfile and
 * (dbserver) db.sock are then created in it as root, so it is refused if
 * a role user could change it. */
static void
make_rundir(const char *dir)
{
	struct group *gr;
	char *why;
	int err = mkdir_p(dir, 0750);

	if (err)
		fatal("cannot create %s: %s", dir, strerror(-err));
	if (geteuid() != 0)
		return;
	if (safe_dir_check(dir, true, &why))
		fatal("refusing run directory %s: %s", dir, why);
	gr = getgrnam(ROLE_GROUP);
	if (gr && (err = safe_dir_set(dir, 0, gr->gr_gid, 02750, true)))
		log_warn("cannot set owner/mode of %s: %s", dir,
			 strerror(-err));
	if (safe_dir_check(dir, false, &why))
		fatal("refusing run directory %s: %s", dir, why);
}

/* The log directory is group microvs and writable (each role reopens its
 * own file): its ancestors must be root's, and the file is opened without
 * trusting what is at its name (log_set_file), then handed to the role. */
static void
open_log_file(struct daemon_opts *o)
{
	const struct role *r = role_find(o->name);
	char *dir = dir_name(o->log_file), *why;
	uid_t uid;
	gid_t gid;
	int err;

	mkdir_p(o->logdir, 0750);
	if (safe_dir_check(dir, true, &why))
		fatal("refusing log file %s: %s", o->log_file, why);
	free(dir);
	if (geteuid() == 0 && r && !role_ids(r, &uid, &gid))
		log_set_file_owner(uid, gid);
	err = log_set_file(o->log_file);
	if (err)
		fatal("cannot open log file %s: %s", o->log_file,
		      strerror(-err));
}

static void
detach(void)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe2(fds, O_CLOEXEC) < 0)
		fatal("pipe: %m");
	pid = fork();
	if (pid < 0)
		fatal("fork: %m");
	if (pid > 0) {
		int status;

		close(fds[1]);
		if (read(fds[0], &c, 1) == 1)
			_exit(0);
		/* The child died before it was ready. */
		waitpid(pid, &status, 0);
		_exit(WIFEXITED(status) && WEXITSTATUS(status)
			      ? WEXITSTATUS(status)
			      : 1);
	}
	close(fds[0]);
	ready_fd = fds[1];
	setsid();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		close(null);
	}
}

void
daemon_start(struct daemon_opts *o, struct ev_loop *loop)
{
	char *pidfile;
	int err;

	log_init(o->name);
	if (o->log_file)
		open_log_file(o);
	make_rundir(o->rundir);
	if (o->detach)
		detach();
	pidfile = xasprintf("%s/%s.pid", o->rundir, o->name);
	err = pidfile_write(pidfile, (long)getpid());
	if (err)
		log_warn("cannot write %s: %s", pidfile, strerror(-err));
	free(pidfile);
	signal(SIGPIPE, SIG_IGN);
	ev_signal_add(loop, SIGTERM, on_term, loop);
	ev_signal_add(loop, SIGINT, on_term, loop);
	ev_signal_add(loop, SIGHUP, on_hup, loop);
}

static void
on_watchdog(struct ev_timer *t, void *arg)
{
	sd_notify_send("WATCHDOG=1");
}

void
daemon_ready(struct daemon_opts *o, struct ev_loop *loop)
{
	const char *wd = getenv("WATCHDOG_USEC");

	sd_notify_send("READY=1");
	if (wd) {
		unsigned long long usec = strtoull(wd, NULL, 10);
		if (usec >= 2000)
			ev_timer_add(loop, usec / 2000, true, on_watchdog,
				     NULL);
	}
	if (ready_fd >= 0) {
		ssize_t r = write(ready_fd, "", 1);
		(void)r;
		close(ready_fd);
		ready_fd = -1;
		/* Detached: nothing may write to the starter's terminal. */
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 2);
			close(null);
		}
	}
	log_info("%s ready (pid %ld)", o->binary, (long)getpid());
}

void
daemon_finish(struct daemon_opts *o)
{
	char *pidfile = xasprintf("%s/%s.pid", o->rundir, o->name);
	long pid;

	/* Only our own: a restarted successor may have replaced it. */
	if (!pidfile_read(pidfile, &pid) && pid == (long)getpid())
		unlink(pidfile);
	free(pidfile);
}

int
sd_notify_send(const char *state)
{
	return fdstore_notify(state, NULL, 0);
}
