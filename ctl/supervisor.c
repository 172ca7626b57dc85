/* SPDX-License-Identifier: Apache-2.0 */
/*
 * supervisor: spawn, watch and respawn the roles (Postfix master style),
 * and serve microvs-ctl on the bus as the supervisor role
 * (RUNDIR/supervisor.rpc): proc_start, proc_stop, proc_restart,
 * supervisor_shutdown and ping, which only admin (root) may call.
 *
 * Nothing here sleeps: the event loop keeps respawning crashed processes
 * while an operation is under way.  A start waits for the child to answer
 * ping with its pid (pings on the bus, retried on a timer, given up after
 * UP_TIMEOUT_MS, or MICROVS_UP_TIMEOUT_MS from the environment); a stop sends
 * SIGTERM and waits for the child's exit event, sending SIGKILL after
 * STOP_TIMEOUT_MS.  Operations (the boot sequence, the calls, SIGTERM's
 * shutdown) run one at a time in arrival order, as the blocking control socket
 * had them, and each call is answered when its operation is done.
 */
#include "microvs-ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "ev.h"
#include "list.h"
#include "log.h"
#include "util.h"

LOG_MODULE(supervisor);

#define MAX_RECENT 16
#define UP_TIMEOUT_MS 5000   /* a started process must answer ping by then */
#define UP_PING_MS 200	     /* each ping's own timeout */
#define UP_RETRY_MS 10	     /* between a failed ping and the next */
#define STOP_TIMEOUT_MS 3000 /* SIGTERM, then SIGKILL */

struct child {
	const struct role *role;
	pid_t pid;
	int status;   /* of its last exit, -1: none since spawn */
	bool enabled; /* false after a stop */
	uint64_t recent[MAX_RECENT]; /* start times, ring */
	unsigned n_starts;
	struct ev_timer *respawn;
	struct child_output out; /* its stderr: why it died */
	struct fd_store store;	 /* kept across its restarts (fdstore.h) */
};

enum op_kind { OP_BOOT, OP_START, OP_STOP, OP_RESTART, OP_SHUTDOWN };

/* An operation; the one at the head of sv.ops is under way. */
struct op {
	enum op_kind kind;
	struct child *c;     /* START, STOP, RESTART */
	struct bus_req *req; /* NULL: the supervisor's own (boot, signal) */
	struct list_node node;
};

/* What the operation under way waits for. */
enum wait { W_NONE, W_UP, W_DOWN };

static struct {
	const struct ctl_dirs *dirs;
	struct ev_loop *loop;
	struct bus *bus;
	struct child kids[ROLE_N_PROCS];
	struct notify *notify; /* $NOTIFY_SOCKET: the descriptor stores */
	struct list_node ops;  /* struct op, in arrival order */
	bool stopping;	       /* shutting down: nothing respawns */
	int ready_fd, exit_code;
	/* The operation under way: its step (boot: the next child to start;
	 * restart: 0 stopping, 1 starting; shutdown: children left to
	 * stop), what it waits for, and the timers of that wait. */
	size_t step;
	enum wait wait;
	struct child *waiting;
	struct ev_timer *deadline, *retry;
} sv;

static void op_step(bool ok);
static void on_child_exit(pid_t pid, int status, void *arg);

static struct child *
child_of(const char *name)
{
	const struct role *r = role_find(name);

	return r ? &sv.kids[role_index(r)] : NULL;
}

static void
timer_clear(struct ev_timer **t)
{
	if (*t)
		ev_timer_del(*t);
	*t = NULL;
}

/* The environment of a child: ours, plus NOTIFY_SOCKET and, when its
 * store holds descriptors, LISTEN_FDS and LISTEN_FDNAMES (systemd's
 * protocol), and a LISTEN_PID= whose number the child fills in itself
 * (*@pid_slot: digits go after the '='; it has room for 20). */
static char **
child_env(const struct child *c, char **pid_slot)
{
	extern char **environ;
	size_t n = 0, k = 0;
	char **env;
	struct ds names = DS_EMPTY;

	while (environ[n])
		n++;
	env = xcalloc(n + 5, sizeof *env);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) &&
		    strncmp(environ[i], "LISTEN_", 7))
			env[k++] = xstrdup(environ[i]);
	if (sv.notify)
		env[k++] =
			xasprintf("NOTIFY_SOCKET=%s", notify_path(sv.notify));
	*pid_slot = NULL;
	if (c->store.n) {
		for (size_t i = 0; i < c->store.n; i++)
			ds_printf(&names, "%s%s", i ? ":" : "",
				  c->store.v[i].name);
		env[k++] = xasprintf("LISTEN_FDS=%zu", c->store.n);
		env[k++] = xasprintf("LISTEN_FDNAMES=%s", ds_cstr(&names));
		env[k] = xasprintf("LISTEN_PID=%-20s", "");
		*pid_slot = env[k++] + strlen("LISTEN_PID=");
	}
	ds_free(&names);
	return env;
}

static void
free_env(char **env)
{
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

/* In the child between fork() and exec(): only async-signal-safe calls.
 * Puts the stored descriptors at 3, 4, ... (first moved above that range,
 * so that none overwrites another) and writes our pid into @pid_slot. */
static void
child_setup_store(const struct fd_store *st, char *pid_slot)
{
	int tmp[4096];
	size_t n = st->n < 4096 ? st->n : 4096;
	char digits[24];
	int len = 0;

	for (size_t i = 0; i < n; i++)
		tmp[i] = fcntl(st->v[i].fd, F_DUPFD, 3 + (int)n);
	for (size_t i = 0; i < n; i++) {
		dup2(tmp[i], 3 + (int)i); /* without close-on-exec */
		close(tmp[i]);
	}
	if (!pid_slot)
		return;
	for (long p = (long)getpid(); p > 0; p /= 10)
		digits[len++] = (char)('0' + p % 10);
	for (int i = 0; i < len; i++)
		pid_slot[i] = digits[len - 1 - i];
	pid_slot[len] = '\0';
}

/* Builds everything before fork(): only async-signal-safe calls after it
 * (nng threads). */
static int
spawn(struct child *c)
{
	const struct ctl_dirs *d = sv.dirs;
	char *bin = ctl_binary(d, c->role);
	char *rundir = xasprintf("--rundir=%s", d->rundir);
	char *dbdir = xasprintf("--dbdir=%s", d->dbdir);
	char *logdir = xasprintf("--logdir=%s", d->logdir);
	char *argv[] = { bin, rundir, dbdir, logdir, "--log-file", NULL };
	char *pid_slot, **env = child_env(c, &pid_slot);
	pid_t pid;
	int err = 0, err_fd;

	if (child_output_open(&c->out, sv.loop, &err_fd))
		log_warn("%s: no pipe for its stderr: %m", c->role->name);
	pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (err_fd >= 0)
			dup2(err_fd, 2);
		child_setup_store(&c->store, pid_slot);
		execve(bin, argv, env);
		_exit(127);
	}
	if (err_fd >= 0)
		close(err_fd);
	c->status = -1;
	if (pid < 0) {
		err = -errno;
		log_err("fork for %s: %s", c->role->name, strerror(-err));
	} else {
		c->pid = pid;
		c->recent[c->n_starts++ % MAX_RECENT] = time_mono_ms();
		ev_child_add(sv.loop, pid, on_child_exit, c);
		log_info("started %s (pid %ld%s)", c->role->name, (long)pid,
			 c->store.n ? ", with its stored descriptors" : "");
	}
	free_env(env);
	free(rundir);
	free(dbdir);
	free(logdir);
	free(bin);
	return err;
}

/* notify_owner_fn: the store of the child @pid. */
static struct fd_store *
store_of(void *aux, pid_t pid, unsigned *max)
{
	for (size_t i = 0; i < n_roles; i++) {
		struct child *c = &sv.kids[i];

		if (c->pid == pid && c->role->fd_store_max) {
			*max = c->role->fd_store_max;
			return &c->store;
		}
	}
	return NULL;
}

/* ---- respawn ---- */

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

	c->pid = 0;
	c->status = status;
	if (sv.wait == W_DOWN && sv.waiting == c) {
		child_output_close(&c->out);
		log_info("stopped %s (pid %ld)", c->role->name, (long)pid);
		op_step(true);
		return;
	}
	log_exit(c, pid, status);
	if (!sv.stopping && c->enabled && !c->respawn) {
		uint64_t delay = respawn_delay(c);
		if (delay)
			log_warn("%s restarting too often: waiting %llu ms",
				 c->role->name, (unsigned long long)delay);
		c->respawn = ev_timer_add(sv.loop, delay, false, on_respawn, c);
	}
	/* Dead before it answered: the start failed, with its reason. */
	if (sv.wait == W_UP && sv.waiting == c)
		op_step(false);
}

/* Why @c did not come up, in one line, for the log and for the operator
 * (microvs-ctl prints it): how it ended, if it did, and the last error
 * it wrote.  Caller frees. */
static char *
start_failure(struct child *c)
{
	const char *why = child_output_reason(&c->out);
	struct ds out = DS_EMPTY;

	if (c->status < 0)
		ds_printf(&out, "%s did not come up", c->role->name);
	else if (WIFSIGNALED(c->status))
		ds_printf(&out, "%s was killed by signal %d", c->role->name,
			  WTERMSIG(c->status));
	else
		ds_printf(&out, "%s exited with status %d", c->role->name,
			  WEXITSTATUS(c->status));
	if (why)
		ds_printf(&out, ": %s", why);
	return ds_steal(&out);
}

/* ---- waiting for a child to come up or go down ---- */

static void ping(struct child *c);

static void
on_retry(struct ev_timer *t, void *arg)
{
	timer_clear(&sv.retry);
	ping(arg);
}

static void
on_pong(int err, const struct bus_msg_pong *pong, const char *why, void *arg)
{
	struct child *c = arg;

	if (sv.wait != W_UP || sv.waiting != c)
		return; /* a late answer to a wait that is over */
	if (!err && c->pid && pong->pid == (uint64_t)c->pid)
		op_step(true);
	else if (!sv.retry)
		sv.retry =
			ev_timer_add(sv.loop, UP_RETRY_MS, false, on_retry, c);
}

static void
ping(struct child *c)
{
	struct bus_msg_ping p = { .token = 1 };

	if (bus_call_ping(sv.bus, c->role, &p, UP_PING_MS, on_pong, c))
		sv.retry =
			ev_timer_add(sv.loop, UP_RETRY_MS, false, on_retry, c);
}

static void
on_deadline(struct ev_timer *t, void *arg)
{
	struct child *c = sv.waiting;

	timer_clear(&sv.deadline);
	if (sv.wait == W_UP) {
		op_step(false);
	} else if (sv.wait == W_DOWN && c->pid) {
		log_warn("%s did not stop: killing it", c->role->name);
		kill(c->pid, SIGKILL); /* its exit event ends the wait */
	}
}

/* How long a started process has to answer ping: UP_TIMEOUT_MS, or
 * MICROVS_UP_TIMEOUT_MS (1 to 600000) from the environment, for slow
 * machines such as the kmod tests' TCG guest under load, where a process
 * can take longer than that to start. */
static unsigned
up_timeout_ms(void)
{
	const char *s = getenv("MICROVS_UP_TIMEOUT_MS");
	char *end;
	long v;

	if (!s || !*s)
		return UP_TIMEOUT_MS;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > 600000 ? UP_TIMEOUT_MS : (unsigned)v;
}

/* Starts @c unless it runs, and waits until it answers ping. */
static void
go_up(struct child *c)
{
	c->enabled = true;
	sv.waiting = c;
	if (!c->pid && spawn(c)) {
		op_step(false);
		return;
	}
	sv.wait = W_UP;
	sv.deadline = ev_timer_add(sv.loop, up_timeout_ms(), false, on_deadline,
				   NULL);
	ping(c);
}

/* Stops @c if it runs, and waits for its exit. */
static void
go_down(struct child *c)
{
	timer_clear(&c->respawn);
	if (!c->pid) {
		op_step(true);
		return;
	}
	kill(c->pid, SIGTERM);
	sv.wait = W_DOWN;
	sv.waiting = c;
	sv.deadline = ev_timer_add(sv.loop, STOP_TIMEOUT_MS, false, on_deadline,
				   NULL);
}

/* ---- operations ---- */

static struct op *
op_head(void)
{
	return list_empty(&sv.ops)
		       ? NULL
		       : LIST_CONTAINER(list_front(&sv.ops), struct op, node);
}

static void
reply_pid(struct op *op, pid_t pid)
{
	struct bus_msg_proc_state st = { .pid = (uint64_t)pid };

	if (op->req)
		bus_reply_proc_state(op->req, &st);
	op->req = NULL;
}

static void op_run(void);

/* The operation under way is done: the next one starts. */
static void
op_done(void)
{
	struct op *op = op_head();

	list_remove(&op->node);
	free(op);
	if (op_head())
		op_run();
}

/* Shutdown is done: calls still queued are refused, and the loop ends
 * (bus_close() lets the replies go out). */
static void
shutdown_done(struct op *op)
{
	struct op *next, *o;

	reply_pid(op, getpid());
	list_remove(&op->node);
	free(op);
	LIST_FOR_EACH_SAFE (o, next, node, &sv.ops) {
		if (o->req)
			bus_reply_error(o->req, -ECANCELED,
					"the supervisor is shutting down");
		list_remove(&o->node);
		free(o);
	}
	ev_exit(sv.loop, sv.exit_code);
}

/* Stops the next child of a shutdown, last started first. */
static void
shutdown_next(void)
{
	if (sv.step == 0) {
		shutdown_done(op_head());
		return;
	}
	go_down(&sv.kids[--sv.step]);
}

/* The wait of the operation under way ended: @ok, the child came up or
 * went down; else it did not come up in time (or could not be spawned). */
static void
op_step(bool ok)
{
	struct op *op = op_head();
	struct child *c = sv.waiting;

	timer_clear(&sv.deadline);
	timer_clear(&sv.retry);
	sv.wait = W_NONE;
	sv.waiting = NULL;
	switch (op->kind) {
	case OP_BOOT:
		if (!ok) {
			/* Stop what runs, then exit 1; `microvs-ctl start`
			 * reads the reason from the ready pipe (text instead
			 * of the one NUL byte of success). */
			char *why = start_failure(c);

			log_err("%s", why);
			if (sv.ready_fd >= 0 &&
			    write(sv.ready_fd, why, strlen(why)) < 0)
				log_warn("ready pipe: %m");
			free(why);
			sv.exit_code = 1;
			op->kind = OP_SHUTDOWN;
			op_run();
		} else if (++sv.step < n_roles) {
			go_up(&sv.kids[sv.step]);
		} else {
			if (sv.ready_fd >= 0) {
				if (write(sv.ready_fd, "", 1) < 0)
					log_warn("ready pipe: %m");
				close(sv.ready_fd);
			}
			log_info("all %zu processes running", n_roles);
			op_done();
		}
		return;
	case OP_RESTART:
		if (sv.step++ == 0) {
			go_up(op->c);
			return;
		}
		/* fall through */
	case OP_START:
		if (ok) {
			reply_pid(op, op->c->pid);
		} else if (op->req) {
			char *why = start_failure(op->c);

			bus_reply_error(op->req, -ETIMEDOUT, "%s", why);
			free(why);
		}
		op_done();
		return;
	case OP_STOP:
		reply_pid(op, 0);
		op_done();
		return;
	case OP_SHUTDOWN:
		shutdown_next();
		return;
	}
}

/* Starts the operation at the head of the queue. */
static void
op_run(void)
{
	struct op *op = op_head();

	sv.step = 0;
	switch (op->kind) {
	case OP_BOOT:
		go_up(&sv.kids[0]);
		break;
	case OP_START:
		go_up(op->c);
		break;
	case OP_RESTART:
		op->c->enabled = true;
		go_down(op->c);
		break;
	case OP_STOP:
		op->c->enabled = false;
		/* A stop empties the store, as systemd's does; a crash or
		 * a restart keeps it. */
		fd_store_clear(&op->c->store);
		go_down(op->c);
		break;
	case OP_SHUTDOWN:
		sv.stopping = true;
		sv.step = n_roles;
		for (size_t i = 0; i < n_roles; i++)
			timer_clear(&sv.kids[i].respawn);
		shutdown_next();
		break;
	}
}

static void
op_push(enum op_kind kind, struct child *c, struct bus_req *req)
{
	struct op *op = xzalloc(sizeof *op);

	op->kind = kind;
	op->c = c;
	op->req = req;
	list_push_back(&sv.ops, &op->node);
	if (op_head() == op)
		op_run();
}

/* ---- the bus ---- */

static void
on_proc_call(struct bus_req *req, enum op_kind kind, const char *proc)
{
	struct child *c = child_of(proc);

	if (!c)
		bus_reply_error(req, -ENOENT, "no process named %s", proc);
	else
		op_push(kind, c, req);
}

static void
on_proc_start(struct bus_req *req, const void *msg, void *aux)
{
	on_proc_call(req, OP_START,
		     ((const struct bus_msg_proc_start *)msg)->proc);
}

static void
on_proc_stop(struct bus_req *req, const void *msg, void *aux)
{
	on_proc_call(req, OP_STOP,
		     ((const struct bus_msg_proc_stop *)msg)->proc);
}

static void
on_proc_restart(struct bus_req *req, const void *msg, void *aux)
{
	on_proc_call(req, OP_RESTART,
		     ((const struct bus_msg_proc_restart *)msg)->proc);
}

static void
on_shutdown(struct bus_req *req, const void *msg, void *aux)
{
	op_push(OP_SHUTDOWN, NULL, req);
}

static void
on_ping(struct bus_req *req, const void *msg, void *aux)
{
	struct bus_msg_pong r = {
		.token = ((const struct bus_msg_ping *)msg)->token
	};

	bus_msg_pong_set_pid(&r, (uint64_t)getpid());
	bus_reply_pong(req, &r);
}

static const struct bus_handler handlers[] = {
	{ BUS_MSG_PROC_START, on_proc_start },
	{ BUS_MSG_PROC_STOP, on_proc_stop },
	{ BUS_MSG_PROC_RESTART, on_proc_restart },
	{ BUS_MSG_SUPERVISOR_SHUTDOWN, on_shutdown },
	{ BUS_MSG_PING, on_ping },
};

static void
on_term(int signo, void *arg)
{
	struct op *op;

	if (sv.stopping)
		return;
	LIST_FOR_EACH (op, node, &sv.ops)
		if (op->kind == OP_SHUTDOWN)
			return;
	op_push(OP_SHUTDOWN, NULL, NULL);
}

int
supervise(const struct ctl_dirs *d, int ready_fd)
{
	int rc, err;

	sv.dirs = d;
	sv.ready_fd = ready_fd;
	list_init(&sv.ops);
	for (size_t i = 0; i < n_roles; i++)
		sv.kids[i].role = &roles[i];
	if (ev_loop_new(&sv.loop))
		return 1;
	/* Block the signals the loop takes before nng starts its threads
	 * (they inherit the mask): else one of them may take a SIGCHLD and
	 * the loop would never hear of a child's exit. */
	ev_signal_add(sv.loop, SIGTERM, on_term, NULL);
	ev_signal_add(sv.loop, SIGINT, on_term, NULL);
	ev_signal_add(sv.loop, SIGCHLD, NULL, NULL);
	err = bus_open(sv.loop, d->rundir, &roles[ROLE_SUPERVISOR], &sv.bus);
	if (!err)
		err = bus_serve(sv.bus, handlers, ARRAY_SIZE(handlers), NULL);
	if (err) {
		log_err("cannot serve the bus in %s: %s", d->rundir,
			strerror(-err));
		return 1;
	}
	if (notify_open(sv.loop, d->rundir, store_of, NULL, &sv.notify))
		log_warn("no descriptor store: processes restart empty");
	op_push(OP_BOOT, NULL, NULL);
	rc = ev_run(sv.loop);
	bus_close(sv.bus);
	notify_close(sv.notify);
	for (size_t i = 0; i < n_roles; i++)
		fd_store_clear(&sv.kids[i].store);
	return rc;
}
