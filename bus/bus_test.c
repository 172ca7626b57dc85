/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_test: the transport between real processes.  A server process (as
 * microvs-db when those users exist, else as the test's own uid) serves
 * ping and publishes notifications; the test calls it asynchronously and
 * synchronously, checks that a deferred reply does not hold up others,
 * subscribes, and checks that a caller whose uid may not send a message
 * is refused and logged with the uid and the message name, that a
 * subscriber whose uid may receive none of the server's notifications is
 * cut off, that the server hears when a caller's connection closes, that
 * a subscription says when it (re)connects, and that a connection closed
 * in the handshake leaves neither the server deaf nor the client mute.
 */
#include "bus.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
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

#define DB (&roles[ROLE_DBSERVER])

static char rundir[] = "/tmp/bustestXXXXXX";
static char self_path[4096]; /* argv[0], resolved: re-executed */
static struct ev_loop *loop;
static struct bus *srv;
static struct bus_req *held;
static struct bus_req *orphan; /* token 3: held until its caller is gone */
static uint64_t orphan_client;

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
	if (p->token == 3) {
		orphan = req;
		orphan_client = bus_req_client(req);
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

/* The caller of the orphan went away: say so to subscribers, with the
 * client id in "session". */
static void
on_client_gone(uint64_t client, void *aux)
{
	struct bus_msg_ovsdb_notify m = { .session = client, .json = "gone" };

	if (!orphan || client != orphan_client)
		return;
	bus_publish_ovsdb_notify(srv, &m);
	bus_reply_error(orphan, -ECONNRESET, "gone");
	orphan = NULL;
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
	/* As the processes do: listen as root, then drop. */
	if (ev_loop_new(&loop) || bus_open(loop, rundir, r, &srv) ||
	    bus_serve(srv, handlers, ARRAY_SIZE(handlers), NULL))
		_exit(3);
	if (geteuid() == 0 && !role_ids(r, &uid, &gid) &&
	    (setresgid(gid, gid, gid) || setresuid(uid, uid, uid)))
		_exit(2);
	bus_on_client_gone(srv, on_client_gone, NULL);
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

static pid_t server;

/* The server restarts between two calls of a tool: the connection kept
 * from the first is dead, and the next call notices before sending and
 * goes on a new one; it never fails with -EPIPE or -ECONNRESET. */
static void
test_sync_call_after_restart(void)
{
	struct bus_msg_ping p = { .token = 43 };
	struct bus_msg_pong *reply = NULL;
	int err;

	CHECK_EQ(bus_call_sync_ping(rundir, DB, &p, 2000, &reply, NULL), 0);
	bus_msg_pong_free(reply);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	/* Not run_server() in a plain fork: this process runs nng threads
	 * now, which a forked child would not have. */
	server = fork();
	if (server == 0) {
		execl(self_path, self_path, "--server", rundir, (char *)NULL);
		_exit(4);
	}
	for (int i = 0; i < 500; i++) {
		reply = NULL;
		err = bus_call_sync_ping(rundir, DB, &p, 2000, &reply, NULL);
		if (err != -ENOENT && err != -ECONNREFUSED)
			break;
		usleep(10000);
	}
	CHECK_EQ(err, 0);
	CHECK(reply && reply->token == 43);
	bus_msg_pong_free(reply);
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
	if (type != BUS_NOTIFY_SUBSCRIBED)
		++*(int *)aux;
}

/* Closing a bus while notifications stream in returns (nng 1.5.2's
 * nng_close() could wait forever here); SIGALRM fails the test if not. */
static void
test_close_while_receiving(void)
{
	int got = 0;

	for (int i = 0; i < 60; i++) {
		struct bus *b;

		CHECK_EQ(bus_open(loop, rundir, NULL, &b), 0);
		CHECK_EQ(bus_subscribe(b, DB, on_any_note, &got), 0);
		run_for(5 + i % 7);
		/* At least one close with notifications surely arriving. */
		for (int w = 0; i == 59 && !got && w < 3000; w++)
			run_for(10);
		alarm(30);
		bus_close(b);
		alarm(0);
	}
	CHECK(got > 0);
}

static int n_notes;
static uint64_t last_seq;
static bool counting;
static int n_subscribed; /* BUS_NOTIFY_SUBSCRIBED seen by on_note */

/* The subscription stays after test_subscribe; later tests stop running
 * the loop for a while (children), so it may then fall behind and lose
 * some, as the bus allows: count and check only during the test. */
static void
on_note(unsigned type, uint64_t seq, const void *msg, void *aux)
{
	if (type == BUS_NOTIFY_SUBSCRIBED) {
		CHECK(msg == NULL && seq == 0);
		n_subscribed++;
		return;
	}
	if (!counting)
		return;
	CHECK_EQ(type, BUS_MSG_OVSDB_NOTIFY);
	if (n_notes)
		CHECK_EQ(seq, last_seq + 1);
	last_seq = seq;
	if (++n_notes == 5)
		ev_exit(loop, 0);
}

/* The server listened as root (before its drop, if any): that is still
 * dbserver, the peer dialed. */
static void
test_subscribe(void)
{
	counting = true;
	CHECK_EQ(bus_subscribe(cli, DB, on_note, NULL), 0);
	CHECK_EQ(run_for(5000), 0);
	CHECK(n_notes >= 5);	   /* more may come in the same batch */
	CHECK_EQ(n_subscribed, 1); /* before the first notification */
	counting = false;
}

/* After test_sync_call_after_restart's restart of the server, the
 * subscription of test_subscribe reconnects and says so: its owner
 * resynchronises, as what was published meanwhile is lost. */
static void
test_resubscribed_after_restart(void)
{
	for (int i = 0; i < 3000 && n_subscribed < 2; i++)
		run_for(10);
	CHECK_EQ(n_subscribed, 2);
}

static bool
server_log_has(const char *want)
{
	char *logpath = xasprintf("%s/server.log", rundir);
	char line[1024];
	bool found = false;
	FILE *f = fopen(logpath, "r");

	while (f && fgets(line, sizeof line, f))
		found |= strstr(line, want) != NULL;
	if (f)
		fclose(f);
	free(logpath);
	return found;
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

	char *want = xasprintf("refused appctl_call from uid %u (vtepd)",
			       (unsigned)uid);
	CHECK(server_log_has(want));
	free(want);
}

/* Re-executes this program as @uid/@gid with @mode; its exit status. */
static int
run_as_ids(uid_t uid, gid_t gid, const char *mode)
{
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		char u[16], g[16];
		snprintf(u, sizeof u, "%u", (unsigned)uid);
		snprintf(g, sizeof g, "%u", (unsigned)gid);
		execl(self_path, "bus_test", mode, rundir, u, g, (char *)NULL);
		_exit(9);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The same as @role's user. */
static int
run_as(const struct role *role, const char *mode)
{
	uid_t uid;
	gid_t gid;

	if (role_ids(role, &uid, &gid))
		return -1;
	return run_as_ids(uid, gid, mode);
}

/* A subscriber whose uid has no role (but may open the socket: group
 * microvs) gets nothing and is logged; as vtepd, a receiver of dbserver's
 * notifications, it gets them. */
static void
test_refused_subscriber(void)
{
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0 || role_ids(DB, &uid, &gid)) {
		printf("skip test_refused_subscriber: needs root and the "
		       "roles\n");
		return;
	}
	CHECK_EQ(run_as(&roles[ROLE_VTEPD], "--subscriber"), 0);
	CHECK_EQ(run_as_ids(65534, gid, "--subscriber"), 1);
	CHECK(server_log_has("refused subscriber uid 65534 (no role)"));
}

static uint64_t gone_client;
static bool subscribed;

static void
on_gone_note(unsigned type, uint64_t seq, const void *msg, void *aux)
{
	const struct bus_msg_ovsdb_notify *n = msg;

	if (type == BUS_NOTIFY_SUBSCRIBED)
		return;
	subscribed = true;
	if (!strcmp(n->json, "gone")) {
		gone_client = n->session;
		ev_exit(loop, 0);
	}
}

/* A caller that exits with its request unanswered: the server's
 * client-gone callback runs with the client id of that request. */
static void
test_client_gone(void)
{
	struct bus *b;

	CHECK_EQ(bus_open(loop, rundir, NULL, &b), 0);
	CHECK_EQ(bus_subscribe(b, DB, on_gone_note, NULL), 0);
	/* A guard against hangs, not a timing: under valgrind on a busy
	 * machine the first notification has taken over 5 s. */
	for (int i = 0; i < 3000 && !subscribed; i++)
		run_for(10);
	CHECK(subscribed);
	CHECK_EQ(run_as(&roles[ROLE_VTEPD], "--orphan-caller"), 0);
	run_for(5000);
	CHECK(gone_client != 0);
	bus_close(b);
}

/* Connects to @path and closes at once, before the server answers. */
static void
connect_and_close(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	CHECK(fd >= 0);
	CHECK_EQ(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);
}

/* One connect() and close() on each of the server's sockets: Debian 12's
 * nng then stops accepting on both (bus_watch.h).  The server notices and
 * listens again: calls are answered again and a new subscription hears. */
static void
test_listeners_revived(void)
{
	static const char *const kinds[] = { "rpc", "events" };
	struct bus_msg_ping p = { .token = 11 };
	struct bus_msg_pong *reply = NULL;
	struct bus *b;
	int got = 0, err = -1, status;

	/* Stopped, the server cannot answer before the close.  kill()
	 * returns before its threads have stopped: waitpid() says when. */
	kill(server, SIGSTOP);
	CHECK_EQ(waitpid(server, &status, WUNTRACED), server);
	CHECK(WIFSTOPPED(status));
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		char *path = bus_endpoint_path(rundir, DB, kinds[i]);

		connect_and_close(path);
		free(path);
	}
	kill(server, SIGCONT);
	/* Hang guards, not timings: the watch reads every 2 s. */
	for (int i = 0; i < 60 && err; i++)
		err = bus_call_sync_ping(rundir, DB, &p, 1000, &reply, NULL);
	CHECK_EQ(err, 0);
	CHECK(reply && reply->token == 11);
	bus_msg_pong_free(reply);
	CHECK_EQ(bus_open(loop, rundir, NULL, &b), 0);
	CHECK_EQ(bus_subscribe(b, DB, on_any_note, &got), 0);
	for (int i = 0; i < 6000 && !got; i++)
		run_for(10);
	CHECK(got > 0);
	bus_close(b);
	CHECK(server_log_has("dbserver.rpc: nng stopped accepting"));
	CHECK(server_log_has("dbserver.events: nng stopped accepting"));
}

/* In a child: a server in @dir that accepts connections and closes them
 * at once, for @ms: to its clients, a server killed in the handshake. */
static pid_t
fake_server(const char *dir, unsigned ms)
{
	char *path = bus_endpoint_path(dir, DB, "events");
	pid_t pid = fork();

	if (pid == 0) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int l = socket(AF_UNIX, SOCK_STREAM, 0);
		uint64_t end = time_mono_ms() + ms;

		snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
		if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) ||
		    listen(l, 16))
			_exit(1);
		while (time_mono_ms() < end) {
			struct pollfd pfd = { .fd = l, .events = POLLIN };
			int c;

			if (poll(&pfd, 1, 50) == 1 &&
			    (c = accept(l, NULL, NULL)) >= 0)
				close(c);
		}
		_exit(0);
	}
	for (int i = 0; i < 500 && access(path, F_OK); i++)
		usleep(10000);
	free(path);
	return pid;
}

/* A subscription that first meets a server closing on it in the
 * handshake: nng 1.5.2 gives its dialer up after a try or two
 * (bus_watch.h).  Once a real server is there, the watch has dialled
 * again and notifications arrive. */
static void
test_dialer_revived(void)
{
	char dir[] = "/tmp/bustestXXXXXX";
	struct bus *b;
	pid_t fake, srv2;
	int got = 0;

	CHECK(mkdtemp(dir) != NULL);
	chmod(dir, 0777);
	fake = fake_server(dir, 1500);
	CHECK_EQ(bus_open(loop, dir, NULL, &b), 0);
	CHECK_EQ(bus_subscribe(b, DB, on_any_note, &got), 0);
	run_for(1500);
	waitpid(fake, NULL, 0);
	srv2 = fork();
	if (srv2 == 0) {
		execl(self_path, self_path, "--server", dir, (char *)NULL);
		_exit(4);
	}
	/* A hang guard, not a timing: the watch waits 12 s. */
	for (int i = 0; i < 6000 && !got; i++)
		run_for(10);
	CHECK(got > 0);
	bus_close(b);
	check_teardown(srv2, dir);
}

/* In a re-executed child (MODE RUNDIR UID GID): becomes UID/GID. */
static int
become(char **argv)
{
	uid_t uid = (uid_t)atoi(argv[3]);
	gid_t gid = (gid_t)atoi(argv[4]);

	return setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	       setresuid(uid, uid, uid);
}

/* Re-executed as uid @argv[3]: subscribes to dbserver for a second; exit
 * 0 if notifications came, 1 if none. */
static int
subscriber(char **argv)
{
	struct bus *b;
	int got = 0;

	if (become(argv))
		return 10;
	if (ev_loop_new(&loop) || bus_open(loop, argv[2], NULL, &b) ||
	    bus_subscribe(b, DB, on_any_note, &got))
		return 11;
	run_for(1000);
	return got ? 0 : 1;
}

/* Re-executed as uid @argv[3]: a call the server never answers; exits
 * when it times out (its connection closes). */
static int
orphan_caller(char **argv)
{
	struct bus_msg_ping p = { .token = 3 };
	struct bus_msg_pong *reply = NULL;

	if (become(argv))
		return 10;
	return bus_call_sync_ping(argv[2], DB, &p, 300, &reply, NULL) ==
			       -ETIMEDOUT
		       ? 0
		       : 11;
}

/* Re-executed as uid @argv[3]: calls appctl_call, which only admin may. */
static int
refused_client(char **argv)
{
	struct bus_msg_appctl_call c = { .command = "exit" };
	struct bus_msg_appctl_reply *reply;
	char *why;
	int err;

	if (become(argv))
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
	struct bus_msg_ping p = { .token = 7 };
	struct bus_msg_pong *reply;

	if (argc == 3 && !strcmp(argv[1], "--server") &&
	    strlen(argv[2]) == strlen(rundir)) {
		strcpy(rundir, argv[2]);
		run_server();
	}
	if (argc == 5 && !strcmp(argv[1], "--refused-client"))
		return refused_client(argv);
	if (argc == 5 && !strcmp(argv[1], "--subscriber"))
		return subscriber(argv);
	if (argc == 5 && !strcmp(argv[1], "--orphan-caller"))
		return orphan_caller(argv);
	if (!realpath(argv[0], self_path))
		return 1;
	CHECK(mkdtemp(rundir) != NULL);
	/* Like the real run directory: socket files get group microvs. */
	if (as_role && chown(rundir, 0, gid))
		return 1;
	chmod(rundir, as_role ? 02777 : 0777);
	server = fork();
	if (server == 0)
		run_server();
	/* Wait until it answers: a hang guard of 30 s, as the server may
	 * take seconds to start under valgrind on a busy machine. */
	for (int i = 0; i < 3000; i++) {
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
	CHECK_RUN(test_subscribe);
	CHECK_RUN(test_refused_sender);
	CHECK_RUN(test_refused_subscriber);
	if (as_role)
		CHECK_RUN(test_client_gone);
	CHECK_RUN(test_close_while_receiving);
	CHECK_RUN(test_listeners_revived);
	CHECK_RUN(test_dialer_revived);
	CHECK_RUN(test_sync_call_after_restart);
	CHECK_RUN(test_resubscribed_after_restart);
	bus_close(cli);
	check_teardown(server, rundir);
	CHECK_EXIT();
}
