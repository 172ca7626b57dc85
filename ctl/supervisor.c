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

#include "ev.h"
#include "log.h"
#include "util.h"

LOG_MODULE(supervisor);

#define MAX_RECENT 16

struct child {
	const struct role *role;
	pid_t pid;
	bool enabled;		     /* false after "stop NAME" */
	uint64_t recent[MAX_RECENT]; /* start times, ring */
	unsigned n_starts;
	struct ev_timer *respawn;
	struct child_output out; /* its stderr: why it died */
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
	pid_t pid;
	int err_fd;

	if (child_output_open(&c->out, sv.loop, &err_fd))
		log_warn("%s: no pipe for its stderr: %m", c->role->name);
	pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (err_fd >= 0)
			dup2(err_fd, 2);
		execv(bin, argv);
		_exit(127);
	}
	if (err_fd >= 0)
		close(err_fd);
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

/* Logs how @c's process @pid ended, with the last error it wrote. */
static void
log_exit(struct child *c, pid_t pid, int status)
{
	const char *why = child_output_reason(&c->out);

	c->pid = 0;
	child_output_close(&c->out);
	if (WIFSIGNALED(status))
		log_warn("%s (pid %ld) killed by signal %d%s%s", c->role->name,
			 (long)pid, WTERMSIG(status), why ? ": " : "",
			 why ? why : "");
	else
		log_info("%s (pid %ld) exited with status %d%s%s",
			 c->role->name, (long)pid, WEXITSTATUS(status),
			 why ? ": " : "", why ? why : "");
}

static void
on_child_exit(pid_t pid, int status, void *arg)
{
	struct child *c = arg;

	log_exit(c, pid, status);
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

	while (time_mono_ms() < end) {
		int status;

		if (ctl_ping(sv.dirs, c->role, 200, &pid) && pid == c->pid)
			return true;
		if (c->pid && waitpid(c->pid, &status, WNOHANG) == c->pid) {
			/* Dead before it answered: no point waiting.  As if
			 * the loop had seen it (logged, respawned by the
			 * role's policy unless stopping). */
			pid = c->pid;
			ev_child_forget(sv.loop, c->pid);
			on_child_exit((pid_t)pid, status, c);
			return false;
		}
		usleep(10000);
	}
	return false;
}

/* Why @c did not come up, for the operator: its own last error if it
 * wrote one.  Caller frees. */
static char *
start_failure(struct child *c)
{
	const char *why = child_output_reason(&c->out);

	return why ? xasprintf("%s did not come up: %s", c->role->name, why)
		   : xasprintf("%s did not come up", c->role->name);
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
			char *why = start_failure(c);
			ds_printf(out, "error: %s\n", why);
			free(why);
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
	/* Created 0600 by bind itself: no chmod by name (see safefile.h). */
	mode_t mask = umask(0177);
	int b = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(mask);
	if (b < 0 || listen(fd, 8) < 0) {
		log_err("control socket: %m");
		return -1;
	}
	return fd;
}

static void
on_term(int signo, void *arg)
{
	stop_all();
	ev_exit(sv.loop, 0);
}

/* Logs why @c did not come up, and tells the waiting `microvs-ctl
 * start` through @ready_fd (if >= 0), which prints it. */
static void
report_start_failure(struct child *c, int ready_fd)
{
	char *why = start_failure(c);

	log_err("%s", why);
	if (ready_fd >= 0 && write(ready_fd, why, strlen(why)) < 0)
		log_warn("ready pipe: %m");
	free(why);
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
			report_start_failure(c, ready_fd);
			stop_all();
			rc = 1;
			goto out;
		}
	}
	if (ready_fd >= 0) {
		if (write(ready_fd, "", 1) < 0)
			log_warn("ready pipe: %m");
		close(ready_fd);
	}
	log_info("all %zu processes running", n_roles);
	rc = ev_run(sv.loop);
out:;
	char *path = ctl_socket_path(d);
	unlink(path);
	free(path);
	return rc;
}
