/* SPDX-License-Identifier: Apache-2.0 */
/* supervisor: spawn, watch and respawn the roles (Postfix master style). */
#include "microvs-ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "ev.h"
#include "log.h"
#include "util.h"

LOG_MODULE(supervisor);

#define MAX_RECENT 16

struct child {
	const struct role *role;
	pid_t pid;
	int status;	 /* of the last exit wait_up saw, -1: none */
	off_t log_start; /* size of its log file when last spawned */
	bool enabled;	 /* false after "stop NAME" */
	uint64_t recent[MAX_RECENT]; /* start times, ring */
	unsigned n_starts;
	struct ev_timer *respawn;
};

static struct {
	const struct ctl_dirs *dirs;
	struct ev_loop *loop;
	struct child kids[8];
	bool stopping;
	int lfd;
} sv;

static void on_child_exit(pid_t pid, int status, void *arg);

static struct child *
child_of(const char *name)
{
	const struct role *r = role_find(name);

	return r ? &sv.kids[role_index(r)] : NULL;
}

/* Builds everything before fork(): only exec after it (nng threads). */
static int
spawn(struct child *c)
{
	const struct ctl_dirs *d = sv.dirs;
	char *bin = ctl_binary(d, c->role);
	char *rundir = xasprintf("--rundir=%s", d->rundir);
	char *dbdir = xasprintf("--dbdir=%s", d->dbdir);
	char *logdir = xasprintf("--logdir=%s", d->logdir);
	char *argv[] = { bin, rundir, dbdir, logdir, "--log-file", NULL };
	char *log = daemon_log_path(d->logdir, c->role->binary);
	struct stat st;
	pid_t pid;

	c->log_start = stat(log, &st) ? 0 : st.st_size;
	c->status = -1;
	free(log);

	pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execv(bin, argv);
		_exit(127);
	}
	free(rundir);
	free(dbdir);
	free(logdir);
	if (pid < 0) {
		log_err("fork for %s: %m", c->role->name);
		free(bin);
		return -errno;
	}
	free(bin);
	c->pid = pid;
	c->recent[c->n_starts++ % MAX_RECENT] = time_mono_ms();
	ev_child_add(sv.loop, pid, on_child_exit, c);
	log_info("started %s (pid %ld)", c->role->name, (long)pid);
	return 0;
}

static void
on_respawn(struct ev_timer *t, void *arg)
{
	struct child *c = arg;

	ev_timer_del(c->respawn);
	c->respawn = NULL;
	if (!sv.stopping && c->enabled && !c->pid)
		spawn(c);
}

/* Restart at once, unless the role used up its burst inside its window:
 * then wait its back-off. */
static uint64_t
respawn_delay(const struct child *c)
{
	const struct role *r = c->role;
	unsigned burst = r->restart_burst < MAX_RECENT ? r->restart_burst
						       : MAX_RECENT - 1;
	uint64_t now = time_mono_ms();

	if (c->n_starts <= burst)
		return 0;
	uint64_t oldest = c->recent[(c->n_starts - burst) % MAX_RECENT];
	return now - oldest < r->restart_window_ms ? r->restart_backoff_ms : 0;
}

static void
on_child_exit(pid_t pid, int status, void *arg)
{
	struct child *c = arg;

	c->pid = 0;
	if (WIFSIGNALED(status))
		log_warn("%s (pid %ld) killed by signal %d", c->role->name,
			 (long)pid, WTERMSIG(status));
	else
		log_info("%s (pid %ld) exited with status %d", c->role->name,
			 (long)pid, WEXITSTATUS(status));
	if (sv.stopping || !c->enabled)
		return;
	uint64_t delay = respawn_delay(c);
	if (delay)
		log_warn("%s restarting too often: waiting %llu ms",
			 c->role->name, (unsigned long long)delay);
	c->respawn = ev_timer_add(sv.loop, delay, false, on_respawn, c);
}

/* Waits (blocking) for @c to answer; used while starting in order. */
static bool
wait_up(struct child *c, unsigned ms)
{
	uint64_t end = time_mono_ms() + ms;
	long pid;
	int status;

	while (time_mono_ms() < end) {
		if (ctl_ping(sv.dirs, c->role, 200, &pid) && pid == c->pid)
			return true;
		/* Exited already (a start-up failure): no use waiting.  It is
		 * handled as any exit (logged, respawned per the policy). */
		if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
			pid_t gone = c->pid;
			ev_child_forget(sv.loop, gone);
			c->status = status;
			on_child_exit(gone, status, c);
			return false;
		}
		usleep(10000);
	}
	return false;
}

/* The text of the last error @c logged since it was spawned: its last ERR
 * line, else its last EMER line (fatal()), without the time, sequence,
 * process and module columns.  Empty if none. */
static void
last_logged_error(const struct child *c, struct ds *out)
{
	char *path = daemon_log_path(sv.dirs->logdir, c->role->binary);
	FILE *f = fopen(path, "re");
	char line[1024], err[1024] = "", emer[1024] = "";

	free(path);
	if (!f)
		return;
	if (fseeko(f, c->log_start, SEEK_SET) == 0)
		while (fgets(line, sizeof line, f)) {
			char *p = line;
			for (int i = 0; i < 5 && p; i++)
				if ((p = strchr(p, '|')))
					p++;
			if (!p)
				continue;
			line[strcspn(line, "\n")] = '\0';
			if (strstr(line, "|ERR|"))
				snprintf(err, sizeof err, "%s", p);
			else if (strstr(line, "|EMER|"))
				snprintf(emer, sizeof emer, "%s", p);
		}
	fclose(f);
	ds_put(out, err[0] ? err : emer);
}

/* Why @c did not come up, in one line, for the log and for whoever
 * asked (microvs-ctl start prints it). */
static void
describe_failure(const struct child *c, struct ds *out)
{
	struct ds why = DS_EMPTY;

	if (c->status < 0)
		ds_printf(out, "%s did not come up", c->role->name);
	else if (WIFSIGNALED(c->status))
		ds_printf(out, "%s was killed by signal %d", c->role->name,
			  WTERMSIG(c->status));
	else
		ds_printf(out, "%s exited with status %d", c->role->name,
			  WEXITSTATUS(c->status));
	last_logged_error(c, &why);
	if (why.len)
		ds_printf(out, ": %s", ds_cstr(&why));
	ds_free(&why);
}

static void
stop_child(struct child *c)
{
	uint64_t end;

	if (c->respawn) {
		ev_timer_del(c->respawn);
		c->respawn = NULL;
	}
	if (!c->pid)
		return;
	kill(c->pid, SIGTERM);
	end = time_mono_ms() + 3000;
	while (c->pid && time_mono_ms() < end) {
		int status;
		pid_t p = waitpid(c->pid, &status, WNOHANG);
		if (p == c->pid) {
			ev_child_forget(sv.loop, p);
			log_info("stopped %s (pid %ld)", c->role->name,
				 (long)p);
			c->pid = 0;
			break;
		}
		usleep(10000);
	}
	if (c->pid) {
		log_warn("%s did not stop: killing it", c->role->name);
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		ev_child_forget(sv.loop, c->pid);
		c->pid = 0;
	}
}

static void
stop_all(void)
{
	sv.stopping = true;
	for (size_t i = n_roles; i-- > 0;)
		stop_child(&sv.kids[i]);
}

/* ---- control socket: one line in, one line out ---- */

static void
control(const char *cmd, const char *arg, struct ds *out)
{
	struct child *c = arg ? child_of(arg) : NULL;

	if (arg && !c) {
		ds_printf(out, "error: no process named %s\n", arg);
	} else if (!strcmp(cmd, "ping")) {
		ds_put(out, "ok\n");
	} else if (!strcmp(cmd, "shutdown")) {
		stop_all();
		ev_exit(sv.loop, 0);
		ds_put(out, "ok\n");
	} else if (!strcmp(cmd, "stop") && c) {
		c->enabled = false;
		stop_child(c);
		ds_put(out, "ok\n");
	} else if ((!strcmp(cmd, "start") || !strcmp(cmd, "restart")) && c) {
		c->enabled = true;
		if (!strcmp(cmd, "restart"))
			stop_child(c);
		if (!c->pid)
			spawn(c);
		if (wait_up(c, 5000)) {
			ds_printf(out, "ok %ld\n", (long)c->pid);
		} else {
			ds_put(out, "error: ");
			describe_failure(c, out);
			ds_put_char(out, '\n');
		}
	} else {
		ds_printf(out, "error: unknown control command %s\n", cmd);
	}
}

static void
on_control(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	char buf[256], *save = NULL, *cmd, *name;
	struct ds out = DS_EMPTY;
	ssize_t n;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	if (cfd < 0)
		return;
	struct timeval tv = { 2, 0 };
	setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	n = read(cfd, buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = '\0';
		cmd = strtok_r(buf, " \n", &save);
		name = strtok_r(NULL, " \n", &save);
		control(cmd ? cmd : "", name, &out);
		if (write(cfd, ds_cstr(&out), out.len) < 0)
			log_warn("control reply: %m");
	}
	ds_free(&out);
	close(cfd);
}

static int
listen_control(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *path = ctl_socket_path(sv.dirs);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	unlink(path);
	free(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    listen(fd, 8) < 0) {
		log_err("control socket: %m");
		return -1;
	}
	chmod(sun.sun_path, 0600);
	return fd;
}

static void
on_term(int signo, void *arg)
{
	stop_all();
	ev_exit(sv.loop, 0);
}

int
supervise(const struct ctl_dirs *d, int ready_fd)
{
	int rc;

	sv.dirs = d;
	if (ev_loop_new(&sv.loop))
		return 1;
	ev_signal_add(sv.loop, SIGTERM, on_term, NULL);
	ev_signal_add(sv.loop, SIGINT, on_term, NULL);
	sv.lfd = listen_control();
	if (sv.lfd < 0)
		return 1;
	ev_io_add(sv.loop, sv.lfd, EPOLLIN, on_control, NULL, NULL);
	for (size_t i = 0; i < n_roles; i++) {
		struct child *c = &sv.kids[i];

		c->role = &roles[i];
		c->enabled = true;
		if (spawn(c) || !wait_up(c, 5000)) {
			struct ds why = DS_EMPTY;
			describe_failure(c, &why);
			log_err("%s", ds_cstr(&why));
			/* microvs-ctl start prints it (a success is one NUL).
			 */
			if (ready_fd >= 0 &&
			    write(ready_fd, why.s, why.len) < 0)
				log_warn("ready pipe: %m");
			ds_free(&why);
			stop_all();
			return 1;
		}
	}
	if (ready_fd >= 0) {
		if (write(ready_fd, "", 1) < 0)
			log_warn("ready pipe: %m");
		close(ready_fd);
	}
	log_info("all %zu processes running", n_roles);
	rc = ev_run(sv.loop);
	char *path = ctl_socket_path(d);
	unlink(path);
	free(path);
	return rc;
}
