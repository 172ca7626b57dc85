/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_test: the transport between real processes.  A server process (as
 * microvs-db when those users exist, else as the test's own uid) serves
 * ping and publishes notifications; the test calls it asynchronously and
 * synchronously, checks that a deferred reply does not hold up others,
 * subscribes, and checks that a caller whose uid may not send a message
 * is refused and logged with the uid and the message name.
 */
#include "bus.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "log.h"
#include "util.h"

#define DB (&roles[ROLE_DBSERVER])

static char rundir[] = "/tmp/bustestXXXXXX";
static char self_path[4096]; /* argv[0], resolved: re-executed */
static struct ev_loop *loop;
static struct bus *srv;
static struct bus_req *held;

static void
reply_pong(struct bus_req *req, uint64_t token)
{
	struct bus_msg_pong p = { .token = token };

	bus_msg_pong_set_pid(&p, (uint64_t)getpid());
	bus_reply_pong(req, &p);
}

static void
release_held(struct ev_timer *t, void *arg)
{
	reply_pong(held, 1);
	held = NULL;
}

static void
on_ping(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_ping *p = msg;

	if (p->token == 1) { /* slow: answer in 300 ms */
		held = req;
		ev_timer_add(loop, 300, false, release_held, NULL);
		return;
	}
	reply_pong(req, p->token);
}

static void
on_publish_tick(struct ev_timer *t, void *arg)
{
	static uint64_t n;
	struct bus_msg_ovsdb_notify m = { .seq = ++n,
					  .session = 0,
					  .json = "{}" };
	bus_publish_ovsdb_notify(srv, &m);
}

/* Answers appctl_call with a pong, which is not its reply: the bus sends
 * an error instead. */
static void
on_appctl_wrong_reply(struct bus_req *req, const void *msg, void *aux)
{
	struct bus_msg_pong p = { .token = 1 };

	bus_reply(req, BUS_MSG_PONG, &p);
}

static const struct bus_handler handlers[] = {
	{ BUS_MSG_PING, on_ping },
	{ BUS_MSG_APPCTL_CALL, on_appctl_wrong_reply },
};

static void
run_server(void)
{
	const struct role *r = &roles[ROLE_DBSERVER];
	char *logpath = xasprintf("%s/server.log", rundir);
	uid_t uid;
	gid_t gid;

	log_init("dbserver");
	log_set_file(logpath);
	if (geteuid() == 0 && !role_ids(r, &uid, &gid) &&
	    (setresgid(gid, gid, gid) || setresuid(uid, uid, uid)))
		_exit(2);
	if (ev_loop_new(&loop) || bus_open(loop, rundir, r, &srv) ||
	    bus_serve(srv, handlers, ARRAY_SIZE(handlers), NULL))
		_exit(3);
	ev_timer_add(loop, 2, true, on_publish_tick, NULL);
	ev_run(loop);
	_exit(0);
}

/* ---- client side ---- */

static struct bus *cli;
static int order[4], n_order;

static void
on_pong(int err, const struct bus_msg_pong *msg, const char *why, void *arg)
{
	CHECK_EQ(err, 0);
	CHECK(msg != NULL);
	if (msg)
		order[n_order++] = (int)msg->token;
	if (n_order == 2)
		ev_exit(loop, 0);
}

static void
on_timeout(struct ev_timer *t, void *arg)
{
	*(bool *)arg = true;
	ev_exit(loop, 1);
}

static int
run_for(unsigned ms)
{
	bool expired = false;
	struct ev_timer *t =
		ev_timer_add(loop, ms, false, on_timeout, &expired);
	int rc = ev_run(loop);

	ev_timer_del(t);
	return expired ? -ETIMEDOUT : rc;
}

static void
test_async_calls_do_not_block_each_other(void)
{
	struct bus_msg_ping slow = { .token = 1 }, fast = { .token = 2 };

	CHECK_EQ(bus_call_ping(cli, DB, &slow, 3000, on_pong, NULL), 0);
	CHECK_EQ(bus_call_ping(cli, DB, &fast, 3000, on_pong, NULL), 0);
	CHECK_EQ(run_for(5000), 0);
	CHECK_EQ(n_order, 2);
	CHECK_EQ(order[0], 2); /* the fast one overtook the held one */
	CHECK_EQ(order[1], 1);
}

static void
test_sync_call(void)
{
	struct bus_msg_ping p = { .token = 42 };
	struct bus_msg_pong *reply;
	char *why;

	CHECK_EQ(bus_call_sync_ping(rundir, DB, &p, 2000, &reply, &why), 0);
	CHECK(reply && reply->token == 42 && !why);
	bus_msg_pong_free(reply);
	/* Nobody listens: a clear error, quickly, and no answer. */
	int err = bus_call_sync_ping(rundir, &roles[ROLE_VTEPD], &p, 2000,
				     &reply, &why);
	CHECK(err == -ENOENT || err == -ECONNREFUSED);
	CHECK(!reply && !why);
}

/* A handler that answers with another call's reply: its caller hears
 * -EPROTO with a reason, not a pong it did not ask for. */
static void
test_only_the_paired_reply(void)
{
	struct bus_msg_appctl_call c = { .command = "version" };
	struct bus_msg_appctl_reply *reply;
	char *why = NULL;

	CHECK_EQ(bus_call_sync_appctl_call(rundir, DB, &c, 2000, &reply, &why),
		 -EPROTO);
	CHECK(reply == NULL);
	CHECK_STREQ(why, "internal error");
	free(why);
}

static int cancelled;

static void
on_cancelled(int err, const struct bus_msg_pong *msg, const char *why,
	     void *arg)
{
	cancelled = err;
}

/* Closing the bus with a call in flight: the caller hears -ECANCELED once,
 * and nothing nng completes afterwards touches freed memory. */
static void
test_close_with_outstanding_call(void)
{
	struct bus_msg_ping slow = { .token = 1 };
	struct bus *b;

	CHECK_EQ(bus_open(loop, rundir, NULL, &b), 0);
	CHECK_EQ(bus_call_ping(b, DB, &slow, 3000, on_cancelled, NULL), 0);
	run_for(50);
	bus_close(b);
	CHECK_EQ(cancelled, -ECANCELED);
	usleep(400000); /* the held reply arrives for a closed socket */
}

static void
on_any_note(unsigned type, uint64_t seq, const void *msg, void *aux)
{
	++*(int *)aux;
}

/* Closing a bus while notifications stream in returns (nng 1.5.2's
 * nng_close() could wait forever here); SIGALRM fails the test if not. */
static void
test_close_while_receiving(bool as_role)
{
	int got = 0;

	for (int i = 0; i < 60; i++) {
		struct bus *b;

		CHECK_EQ(bus_open(loop, rundir, NULL, &b), 0);
		CHECK_EQ(bus_subscribe(b, DB, on_any_note, &got), 0);
		run_for(5 + i % 7);
		/* At least one close with notifications surely arriving. */
		for (int w = 0; as_role && i == 59 && !got && w < 300; w++)
			run_for(10);
		alarm(30);
		bus_close(b);
		alarm(0);
	}
	if (as_role) /* else refused: published by uid 0 */
		CHECK(got > 0);
}

static int n_notes;
static uint64_t last_seq;

static void
on_note(unsigned type, uint64_t seq, const void *msg, void *aux)
{
	CHECK_EQ(type, BUS_MSG_OVSDB_NOTIFY);
	if (n_notes)
		CHECK_EQ(seq, last_seq + 1);
	last_seq = seq;
	if (++n_notes == 5)
		ev_exit(loop, 0);
}

static void
test_subscribe(bool as_role)
{
	CHECK_EQ(bus_subscribe(cli, DB, on_note, NULL), 0);
	int rc = run_for(as_role ? 5000 : 500);
	if (as_role) {
		CHECK_EQ(rc, 0);
		CHECK(n_notes >= 5); /* more may come in the same batch */
	} else {
		/* Published by uid 0, which is not dbserver: refused. */
		CHECK_EQ(n_notes, 0);
	}
}

static void
test_refused_sender(void)
{
	const struct role *vtep = &roles[ROLE_VTEPD];
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int status;

	if (geteuid() != 0 || role_ids(vtep, &uid, &gid)) {
		printf("skip test_refused_sender: needs root and the roles\n");
		return;
	}
	/* A fresh process (nng must not be used across fork). */
	pid = fork();
	if (pid == 0) {
		char u[16], g[16];
		snprintf(u, sizeof u, "%u", (unsigned)uid);
		snprintf(g, sizeof g, "%u", (unsigned)gid);
		execl(self_path, "bus_test", "--refused-client", rundir, u, g,
		      (char *)NULL);
		_exit(9);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fprintf(stderr, "refused-sender child: status %d\n", status);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	char *logpath = xasprintf("%s/server.log", rundir);
	char *want = xasprintf("refused appctl_call from uid %u (vtepd)",
			       (unsigned)uid);
	char line[1024];
	bool found = false;
	FILE *f = fopen(logpath, "r");
	while (f && fgets(line, sizeof line, f))
		found |= strstr(line, want) != NULL;
	if (f)
		fclose(f);
	CHECK(found);
	free(logpath);
	free(want);
}

/* Re-executed as uid @argv[3]: calls appctl_call, which only admin may. */
static int
refused_client(char **argv)
{
	struct bus_msg_appctl_call c = { .command = "exit" };
	uid_t uid = (uid_t)atoi(argv[3]);
	gid_t gid = (gid_t)atoi(argv[4]);
	struct bus_msg_appctl_reply *reply;
	char *why;
	int err;

	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return 10;
	err = bus_call_sync_appctl_call(argv[2], DB, &c, 2000, &reply, &why);
	if (!err || !why) /* accepted, or no answer at all */
		return 11;
	if (err != -EACCES || !strstr(why, "may not send appctl_call"))
		return 12;
	free(why);
	return 0;
}

int
main(int argc, char **argv)
{
	uid_t uid;
	gid_t gid;
	bool as_role = geteuid() == 0 && !role_ids(DB, &uid, &gid);
	pid_t server;
	struct bus_msg_ping p = { .token = 7 };
	struct bus_msg_pong *reply;

	if (argc == 5 && !strcmp(argv[1], "--refused-client"))
		return refused_client(argv);
	if (!realpath(argv[0], self_path))
		return 1;
	CHECK(mkdtemp(rundir) != NULL);
	chmod(rundir, 0777);
	server = fork();
	if (server == 0)
		run_server();
	/* Wait until it answers. */
	for (int i = 0; i < 200; i++) {
		if (!bus_call_sync_ping(rundir, DB, &p, 500, &reply, NULL)) {
			bus_msg_pong_free(reply);
			break;
		}
		usleep(10000);
	}
	CHECK_EQ(ev_loop_new(&loop), 0);
	CHECK_EQ(bus_open(loop, rundir, NULL, &cli), 0);
	CHECK_RUN(test_sync_call);
	CHECK_RUN(test_only_the_paired_reply);
	CHECK_RUN(test_async_calls_do_not_block_each_other);
	CHECK_RUN(test_close_with_outstanding_call);
	int before = check_failures;
	check_current = "test_subscribe";
	test_subscribe(as_role);
	printf("%s test_subscribe\n",
	       check_failures > before ? "FAIL" : "ok  ");
	CHECK_RUN(test_refused_sender);
	before = check_failures;
	check_current = "test_close_while_receiving";
	test_close_while_receiving(as_role);
	printf("%s test_close_while_receiving\n",
	       check_failures > before ? "FAIL" : "ok  ");
	bus_close(cli);
	check_teardown(server, rundir);
	CHECK_EXIT();
}
