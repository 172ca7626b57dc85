/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_roles_test: the bus's access check against the catalogue, for every
 * identity.  A server process serves an endpoint for every role that
 * receives calls (the processes and the supervisor); then, from a child running
 * as each role's user, as root (admin) and as a uid with no role, every call
 * message of the catalogue is sent to every endpoint.  The bus must accept it
 * (any answer but its -EACCES refusal: "does not handle" counts as accepted)
 * exactly when the catalogue lists that identity among the message's senders,
 * and a refusal must be logged with the caller's uid and its own role name.
 * Needs root and the role users (scripts/install-deps.sh): else skipped.
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

#define NOBODY_UID 65534

static char rundir[] = "/tmp/busrolesXXXXXX";
static char self_path[4096];

/* Whether some call may be sent to @id: then it has an endpoint. */
static bool
serves(enum role_id id)
{
	for (unsigned t = 1; t < BUS_MSG_MAX; t++) {
		const struct bus_msg_desc *d = bus_msg_desc(t);

		if (d && d->kind == BUS_KIND_CALL && d->receivers & (1u << id))
			return true;
	}
	return false;
}

/* ---- the server: one endpoint per role that serves, no handlers ---- */

static int
serve(const char *dir)
{
	char *logpath = xasprintf("%s/server.log", dir);
	struct ev_loop *loop;
	char *err;

	log_init("bus_roles_test");
	log_set_file(logpath);
	log_set_spec("any:console:off", &err);
	if (ev_loop_new(&loop))
		return 3;
	for (enum role_id i = 0; i < ROLE_N_IDS; i++) {
		struct bus *bus;

		if (!serves(i))
			continue;
		if (bus_open(loop, dir, &roles[i], &bus) ||
		    bus_serve(bus, NULL, 0, NULL))
			return 4;
	}
	return ev_run(loop);
}

/* ---- the callers ---- */

/* Whether the catalogue lists @identity (NULL: none) among the senders
 * of @d: by name, as catalogue.txt says it, not by the bits the bus uses. */
static bool
catalogue_allows(const struct bus_msg_desc *d, const char *identity)
{
	size_t n = identity ? strlen(identity) : 0;

	for (const char *p = d->sender_names; identity && *p;) {
		size_t w = strcspn(p, " ");

		if (w == n && !strncmp(p, identity, n))
			return true;
		p += w + (p[w] == ' ');
	}
	return false;
}

/* A message of @d with every field set to something valid. */
static void *
filled(const struct bus_msg_desc *d)
{
	void *msg = xzalloc(d->size);

	for (size_t i = 0; i < d->n_fields; i++) {
		const struct bus_field_desc *f = &d->fields[i];
		void *p = (char *)msg + f->offset;

		if (f->type == BUS_FT_STR)
			*(const char **)p = xstrdup("version");
		bus_msg_set_present(d->id, msg, f->num);
	}
	return msg;
}

/* Sends every call to every endpoint as the current uid, which the
 * catalogue knows as @identity (NULL: no role).  Returns the number of
 * answers that disagree with the catalogue. */
static int
send_every_call(const char *identity)
{
	int bad = 0;

	for (enum role_id r = 0; r < ROLE_N_IDS; r++) {
		for (unsigned t = 1; serves(r) && t < BUS_MSG_MAX; t++) {
			const struct bus_msg_desc *d = bus_msg_desc(t);
			void *msg, *reply = NULL;
			char *why = NULL;
			int err;

			if (!d || d->kind != BUS_KIND_CALL)
				continue;
			msg = filled(d);
			err = bus_call_sync(rundir, &roles[r], t, msg, 5000,
					    &reply, &why);
			bus_msg_free(t, msg);
			bus_msg_free(d->reply, reply);
			if (err && !why) {
				fprintf(stderr, "%s -> %s %s: transport %s\n",
					identity ? identity : "no role",
					roles[r].name, d->name, strerror(-err));
				bad++;
				continue;
			}
			/* The bus's refusal is an error reply (a why). */
			bool refused = err == -EACCES;
			bool allowed = catalogue_allows(d, identity);
			if (refused == allowed) {
				fprintf(stderr,
					"%s -> %s %s: %s, the catalogue says "
					"%s\n",
					identity ? identity : "no role",
					roles[r].name, d->name,
					refused ? "refused" : "accepted",
					allowed ? "accept" : "refuse");
				bad++;
			}
			free(why);
		}
	}
	return bad;
}

/* Runs send_every_call() in a child as @uid (group microvs, which the
 * sockets need).  Returns the child's count of disagreements. */
static int
as_uid(uid_t uid, gid_t gid, const char *identity)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
		    setresuid(uid, uid, uid))
			_exit(100);
		_exit(send_every_call(identity) & 0x7f);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

/* The server logged each refusal with the caller's uid and role name. */
static bool
logged_refusal(uid_t uid, const char *identity)
{
	char *logpath = xasprintf("%s/server.log", rundir);
	char *want = xasprintf("from uid %u (%s)", (unsigned)uid,
			       identity ? identity : "no role");
	char line[1024];
	bool found = false, wrong = false;
	FILE *f = fopen(logpath, "r");

	while (f && fgets(line, sizeof line, f)) {
		char *p = strstr(line, "refused ");
		char *u = xasprintf("from uid %u (", (unsigned)uid);

		if (p && strstr(p, u)) {
			found |= strstr(p, want) != NULL;
			wrong |= strstr(p, want) == NULL;
		}
		free(u);
	}
	if (f)
		fclose(f);
	if (wrong)
		fprintf(stderr, "refusals of uid %u not logged as \"%s\"\n",
			(unsigned)uid, want);
	free(logpath);
	free(want);
	return found && !wrong;
}

/* Whether the catalogue refuses @identity at least one call. */
static bool
some_call_refused(const char *identity)
{
	for (unsigned t = 1; t < BUS_MSG_MAX; t++) {
		const struct bus_msg_desc *d = bus_msg_desc(t);

		if (d && d->kind == BUS_KIND_CALL &&
		    !catalogue_allows(d, identity))
			return true;
	}
	return false;
}

static gid_t group;

static void
test_every_call_from_every_role(void)
{
	for (size_t i = 0; i < n_roles; i++) {
		uid_t uid;
		gid_t gid;

		CHECK_EQ(role_ids(&roles[i], &uid, &gid), 0);
		check_current = roles[i].name;
		CHECK_EQ(as_uid(uid, group, roles[i].name), 0);
		if (some_call_refused(roles[i].name))
			CHECK(logged_refusal(uid, roles[i].name));
	}
}

static void
test_every_call_from_admin(void)
{
	CHECK_EQ(as_uid(0, 0, "admin"), 0);
}

static void
test_every_call_from_no_role(void)
{
	CHECK_EQ(as_uid(NOBODY_UID, group, NULL), 0);
	CHECK(logged_refusal(NOBODY_UID, NULL));
}

int
main(int argc, char **argv)
{
	struct group *gr = getgrnam(ROLE_GROUP);
	pid_t server;
	uid_t uid;
	gid_t gid;
	bool up = false;

	if (argc == 3 && !strcmp(argv[1], "--serve"))
		return serve(argv[2]);
	for (size_t i = 0; i < n_roles; i++)
		if (role_ids(&roles[i], &uid, &gid))
			gr = NULL;
	if (geteuid() != 0 || !gr) {
		printf("skip: needs root and the role users "
		       "(scripts/install-deps.sh)\n");
		return 77;
	}
	group = gr->gr_gid;
	if (!realpath(argv[0], self_path) || !mkdtemp(rundir) ||
	    chown(rundir, 0, group) || chmod(rundir, 02770))
		return 1;
	/* A fresh process for the server: nng must not cross a fork. */
	server = fork();
	if (server == 0) {
		execl(self_path, "bus_roles_test", "--serve", rundir,
		      (char *)NULL);
		_exit(9);
	}
	for (int i = 0; i < 500 && !up; i++) {
		struct bus_msg_ping p = { .token = 1 };
		struct bus_msg_pong *reply;
		char *why = NULL;

		/* Up: it answers (that it does not handle ping). */
		up = true;
		for (enum role_id r = 0; r < ROLE_N_IDS && up; r++) {
			if (!serves(r))
				continue;
			bus_call_sync_ping(rundir, &roles[r], &p, 500, &reply,
					   &why);
			up = why != NULL;
			free(why);
		}
		if (!up)
			usleep(10000);
	}
	CHECK(up);
	if (up) {
		CHECK_RUN(test_every_call_from_every_role);
		CHECK_RUN(test_every_call_from_admin);
		CHECK_RUN(test_every_call_from_no_role);
	}
	check_teardown(server, rundir);
	CHECK_EXIT();
}
