/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_lane_test: calls over a lane (bus_serve_lane(), bus_use_lane()),
 * server and client on one loop in one process: a call goes on the lane
 * (its client id is a lane's), messages over one packet come whole both
 * ways, a call not answered in time ends with -ETIMEDOUT and its late
 * answer is dropped, a peer breaking the framing is cut off while a
 * malformed envelope gets an error reply, a sender whose uid may not send
 * the message is refused (root and the roles), a server that goes ends
 * its calls with -ECONNRESET and calls use a new lane once it is back,
 * and the server hears a lane client leave.
 */
#include "bus.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "log.h"
#include "util.h"

#define SRV (&roles[ROLE_VSWITCHD])
#define LANE_IDS ((uint64_t)1 << 32)

static char rundir[] = "/tmp/buslaneXXXXXX";
static struct ev_loop *loop;
static struct bus *srv, *cli;
static struct bus_req *held;
static uint64_t last_client, gone_client;

/* ---- the server ---- */

static void
on_ping(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_ping *p = msg;
	struct bus_msg_pong r = { .token = p->token };

	last_client = bus_req_client(req);
	if (p->token == 1) { /* held: answered by the test */
		held = req;
		return;
	}
	bus_reply_pong(req, &r);
}

/* Echoes the first argument as the output. */
static void
on_appctl(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_appctl_call *m = msg;
	struct bus_msg_appctl_reply r = { 0 };

	last_client = bus_req_client(req);
	bus_msg_appctl_reply_set_status(&r, 0);
	bus_msg_appctl_reply_set_output(&r, m->args.n ? m->args.v[0] : "");
	bus_reply_appctl_reply(req, &r);
}

static void
on_gone(uint64_t client, void *aux)
{
	gone_client = client;
}

static const struct bus_handler handlers[] = {
	{ BUS_MSG_PING, on_ping },
	{ BUS_MSG_APPCTL_CALL, on_appctl },
};

static void
server_start(void)
{
	CHECK_EQ(bus_open(loop, rundir, SRV, &srv), 0);
	CHECK_EQ(bus_serve(srv, handlers, ARRAY_SIZE(handlers), NULL), 0);
	CHECK_EQ(bus_serve_lane(srv), 0);
	bus_on_client_gone(srv, on_gone, NULL);
}

/* ---- running the loop until something happened ---- */

static bool done;
static int got_err;
static uint64_t got_token;
static char *got_output;

static void
on_timeout(struct ev_timer *t, void *arg)
{
	ev_timer_del(t);
	ev_exit(loop, 1);
}

/* Runs the loop until done (true) or @ms passed (false). */
static bool
run_until_done(unsigned ms)
{
	struct ev_timer *t = ev_timer_add(loop, ms, false, on_timeout, NULL);
	int code;

	if (done) {
		ev_timer_del(t);
		return true;
	}
	code = ev_run(loop);
	if (!code)
		ev_timer_del(t);
	return code == 0;
}

static void
on_pong(int err, const struct bus_msg_pong *r, const char *why, void *arg)
{
	got_err = err;
	got_token = r ? r->token : 0;
	done = true;
	ev_exit(loop, 0);
}

static void
on_appctl_reply(int err, const struct bus_msg_appctl_reply *r, const char *why,
		void *arg)
{
	got_err = err;
	free(got_output);
	got_output = r ? xstrdup(r->output) : NULL;
	done = true;
	ev_exit(loop, 0);
}

/* Pings the server with @token (timeout @ms); the call's error. */
static int
ping(uint64_t token, unsigned ms)
{
	struct bus_msg_ping p = { 0 };

	bus_msg_ping_set_token(&p, token);
	done = false;
	got_err = 1;
	CHECK_EQ(bus_call_ping(cli, SRV, &p, ms, on_pong, NULL), 0);
	CHECK(run_until_done(ms + 2000));
	return got_err;
}

/* ---- tests ---- */

static void
test_call_on_lane(void)
{
	CHECK_EQ(ping(7, 2000), 0);
	CHECK_EQ(got_token, 7);
	CHECK(last_client > LANE_IDS);
}

static void
test_big_messages(void)
{
	size_t n = 300 * 1024 + 17;
	char *text = xmalloc(n + 1);
	const char *args[1] = { text };
	struct bus_msg_appctl_call m = { 0 };

	for (size_t i = 0; i < n; i++)
		text[i] = 'a' + (char)(i * 7 % 26);
	text[n] = '\0';
	bus_msg_appctl_call_set_command(&m, "echo");
	bus_msg_appctl_call_set_args(&m, args, 1);
	done = false;
	CHECK_EQ(
		bus_call_appctl_call(cli, SRV, &m, 5000, on_appctl_reply, NULL),
		0);
	CHECK(run_until_done(7000));
	CHECK_EQ(got_err, 0);
	CHECK(got_output && !strcmp(got_output, text));
	CHECK(last_client > LANE_IDS);
	free(text);
}

static void
test_timeout(void)
{
	struct bus_msg_pong r = { .token = 1 };

	CHECK_EQ(ping(1, 200), -ETIMEDOUT);
	CHECK(held != NULL);
	if (held) /* too late: the client drops it */
		bus_reply_pong(held, &r);
	held = NULL;
	CHECK_EQ(ping(8, 2000), 0);
	CHECK_EQ(got_token, 8);
}

static int
raw_connect(void)
{
	char *path = bus_endpoint_path(rundir, SRV, "lane");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	free(path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
on_tick(struct ev_timer *t, void *arg)
{
	ev_timer_del(t);
	ev_exit(loop, 0);
}

/* Lets the server's loop run for @ms. */
static void
spin(unsigned ms)
{
	ev_timer_add(loop, ms, false, on_tick, NULL);
	ev_run(loop);
}

/* Reads one packet from @fd while the loop serves; its length, 0 at EOF,
 * -1 when nothing came in 2 s. */
static ssize_t
raw_recv(int fd, unsigned char *buf, size_t n)
{
	for (int i = 0; i < 100; i++) {
		ssize_t r = recv(fd, buf, n, MSG_DONTWAIT);

		if (r >= 0)
			return r;
		spin(20);
	}
	return -1;
}

/* The error a raw reply packet carries (1 when it is not an error). */
static int
error_of(const unsigned char *pkt, ssize_t n)
{
	unsigned type = 0;
	uint64_t reqid;
	void *msg = NULL;
	const char *why;
	int err = 1;

	if (n < 1 || pkt[0] != 0 ||
	    bus_decode(pkt + 1, (size_t)n - 1, &type, &reqid, &msg))
		return 1;
	if (type == BUS_MSG_ERROR)
		err = bus_error_errno(msg, &why);
	bus_msg_free(type, msg);
	return err;
}

static void
test_framing(void)
{
	unsigned char buf[4096];
	int fd = raw_connect();

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	/* A malformed envelope: an error reply, the lane stays. */
	CHECK_EQ(send(fd, "\0garbage", 8, 0), 8);
	CHECK(error_of(buf, raw_recv(fd, buf, sizeof buf)) < 0);
	/* A header byte with unknown bits: cut off. */
	CHECK_EQ(send(fd, "\x80xyz", 4, 0), 4);
	CHECK_EQ(raw_recv(fd, buf, sizeof buf), 0);
	close(fd);
	CHECK_EQ(ping(9, 2000), 0);
}

/* As @uid (vtepd, which may not send appctl_call), over a raw lane: the
 * error the server answers with, as the exit status's sign. */
static int
child_send_appctl(uid_t uid, gid_t gid)
{
	struct bus_msg_appctl_call m = { 0 };
	unsigned char pkt[65536];
	void *buf;
	size_t len;
	ssize_t n;
	int fd;

	if (setgroups(0, NULL) || setgid(gid) || setuid(uid))
		return 2;
	fd = raw_connect();
	if (fd < 0)
		return 3;
	bus_msg_appctl_call_set_command(&m, "version");
	if (bus_encode(BUS_MSG_APPCTL_CALL, 5, &m, &buf, &len))
		return 4;
	pkt[0] = 0;
	memcpy(pkt + 1, buf, len);
	free(buf);
	if (send(fd, pkt, len + 1, 0) != (ssize_t)len + 1)
		return 5;
	n = recv(fd, pkt, sizeof pkt, 0); /* blocks: the parent serves */
	return error_of(pkt, n) == -EACCES ? 0 : 6;
}

static void
on_child(pid_t pid, int status, void *arg)
{
	*(int *)arg = status;
	ev_exit(loop, 0);
}

static void
test_refused_sender(void)
{
	const struct role *vtep = &roles[ROLE_VTEPD];
	struct group *gr = getgrnam(ROLE_GROUP);
	struct ev_timer *t;
	int status = -1;
	uid_t uid;
	gid_t gid;
	pid_t pid;

	if (geteuid() != 0 || role_ids(vtep, &uid, &gid) || !gr) {
		printf("skip test_refused_sender: needs root and the roles\n");
		return;
	}
	/* The run directory as the processes have it: root:microvs 2750. */
	CHECK_EQ(chown(rundir, 0, gr->gr_gid), 0);
	CHECK_EQ(chmod(rundir, 02750), 0);
	{
		char *path = bus_endpoint_path(rundir, SRV, "lane");

		CHECK_EQ(chown(path, 0, gr->gr_gid), 0);
		free(path);
	}
	pid = fork();
	if (pid == 0)
		_exit(child_send_appctl(uid, gid));
	ev_child_add(loop, pid, on_child, &status);
	t = ev_timer_add(loop, 5000, false, on_timeout, NULL);
	if (!ev_run(loop))
		ev_timer_del(t);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fprintf(stderr, "child status %d\n", status);
}

static void
test_server_goes_and_comes_back(void)
{
	struct bus_msg_ping p = { 0 };

	/* A call held by the server when it goes. */
	bus_msg_ping_set_token(&p, 1);
	done = false;
	CHECK_EQ(bus_call_ping(cli, SRV, &p, 5000, on_pong, NULL), 0);
	spin(100);
	CHECK(held != NULL);
	held = NULL; /* freed with the server's bus */
	bus_close(srv);
	CHECK(run_until_done(3000));
	CHECK_EQ(got_err, -ECONNRESET);
	/* Back: 100 ms after the lane went, calls use a new one. */
	server_start();
	spin(150);
	CHECK_EQ(ping(11, 3000), 0);
	CHECK(last_client > LANE_IDS);
}

static void
test_client_gone(void)
{
	uint64_t client;

	CHECK_EQ(ping(12, 3000), 0);
	client = last_client;
	CHECK(client > LANE_IDS);
	gone_client = 0;
	bus_close(cli);
	cli = NULL;
	for (int i = 0; i < 100 && gone_client != client; i++)
		spin(20);
	CHECK_EQ(gone_client, client);
}

int
main(int argc, char **argv)
{
	sigset_t chld;

	/* SIGCHLD blocked in every thread (nng's too, created below), so
	 * that the loop's signalfd, not one of them, takes it. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	log_init("bus_lane_test");
	if (!mkdtemp(rundir)) {
		perror("mkdtemp");
		return 1;
	}
	CHECK_EQ(ev_loop_new(&loop), 0);
	server_start();
	/* The client: as upcalld calls vswitchd, with the test's uid (root
	 * is the admin role, which may send ping and appctl_call). */
	CHECK_EQ(bus_open(loop, rundir, NULL, &cli), 0);
	CHECK_EQ(bus_use_lane(cli, SRV), 0);

	CHECK_RUN(test_call_on_lane);
	CHECK_RUN(test_big_messages);
	CHECK_RUN(test_timeout);
	CHECK_RUN(test_framing);
	CHECK_RUN(test_refused_sender);
	CHECK_RUN(test_server_goes_and_comes_back);
	CHECK_RUN(test_client_gone);

	bus_close(srv);
	free(got_output);
	{
		char *cmd = xasprintf("rm -rf %s", rundir);

		if (system(cmd))
			perror(cmd);
		free(cmd);
	}
	return check_failures ? 1 : 0;
}
