/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for JSON-RPC framing and session dispatch. */
#define DBSERVER_PRIVATE
#include "check.h"
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>

static int
feed(struct jsonrpc_framer *f, const char *s, char **out)
{
	size_t n = strlen(s);
	memcpy(jsonrpc_framer_space(f, n), s, n);
	f->len += n;
	const char *t;
	size_t len;
	int r = jsonrpc_framer_next(f, &t, &len);
	*out = r == 1 ? xstrndup(t, len) : NULL;
	return r;
}

static void
test_framer(void)
{
	struct jsonrpc_framer f;
	char *out;
	jsonrpc_framer_init(&f, 1000);
	CHECK_EQ(feed(&f, " {\"a\":\"}\\\"{\",", &out), 0);
	CHECK_EQ(feed(&f, "\"b\":[1,{}]}{\"c\"", &out), 1);
	CHECK_STREQ(out, "{\"a\":\"}\\\"{\",\"b\":[1,{}]}");
	free(out);
	CHECK_EQ(feed(&f, ":1}", &out), 1);
	CHECK_STREQ(out, "{\"c\":1}");
	free(out);
	CHECK_EQ(feed(&f, "  garbage", &out), -EPROTO);
	jsonrpc_framer_destroy(&f);

	/* Structure errors are seen before the value ends. */
	static const char *const bad[] = {
		"{\"method\": \"echo\", \"params\": [1{",
		"{\"a\" 1",
		"{1:",
		"[1,]",
		"{\"a\":1,}",
		"[}",
		"{]",
		"[1 2",
		"{\"a\":[\"x\"\"y\"",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		jsonrpc_framer_init(&f, 1000);
		CHECK_EQ(feed(&f, bad[i], &out), -EPROTO);
		jsonrpc_framer_destroy(&f);
	}
	jsonrpc_framer_init(&f, 1000);
	CHECK_EQ(feed(&f, "{\"method\": \"echo\", \"params\": [1", &out), 0);
	CHECK_EQ(feed(&f, ", -2.5e+3, true, null, {\"k\": []}], \"id\": 1}",
		      &out),
		 1);
	CHECK_EQ(feed(&f, " [ [ ] , { } ] ", &out), 1);
	CHECK_STREQ(out, "[ [ ] , { } ]");
	jsonrpc_framer_destroy(&f);

	jsonrpc_framer_init(&f, 10);
	CHECK_EQ(feed(&f, "{\"aaaaaaaaaaaaaaaaaaaaaa", &out), -EMSGSIZE);
	jsonrpc_framer_destroy(&f);
}

static struct ds sent;

static void
capture(void *aux, const char *text)
{
	(void)aux;
	ds_put(&sent, text);
	ds_put(&sent, "\n");
}

static void
test_session(void)
{
	struct ev_loop *loop;
	struct dbserver *srv;
	struct dbserver_opts opts = { 0 };
	CHECK_EQ(ev_loop_new(&loop), 0);
	CHECK_EQ(dbserver_start(loop, &opts, &srv), 0);
	struct dbserver_session *s = dbserver_session_new(srv, capture, NULL);
	CHECK_EQ(dbserver_session_input(s, "{\"method\":\"echo\",\"params\":"
					   "[1],\"id\":7}"),
		 0);
	CHECK_EQ(dbserver_session_input(s, "{\"method\":\"list_dbs\","
					   "\"params\":[],\"id\":8}"),
		 0);
	CHECK_EQ(dbserver_session_input(s, "{\"method\":\"frob\",\"params\":"
					   "[],\"id\":9}"),
		 0);
	CHECK_EQ(dbserver_session_input(s, "{\"method\":\"echo\",\"id\":1}"),
		 -EPROTO);
	CHECK_EQ(dbserver_session_input(s, "[1,2]"), -EPROTO);
	CHECK_EQ(dbserver_session_input(s,
					"{\"method\":\"transact\",\"params\":"
					"[\"_Server\",{\"op\":\"select\","
					"\"table\":\"Database\",\"where\":[],"
					"\"columns\":[\"name\",\"model\"]}],"
					"\"id\":10}"),
		 0);
	CHECK_STREQ(ds_cstr(&sent),
		    "{\"id\":7,\"result\":[1],\"error\":null}\n"
		    "{\"id\":8,\"result\":[\"_Server\"],\"error\":null}\n"
		    "{\"id\":9,\"error\":\"unknown method\"}\n"
		    "{\"id\":10,\"result\":[{\"rows\":[{\"name\":\"_Server\","
		    "\"model\":\"standalone\"}]}],\"error\":null}\n");
	dbserver_session_free(s);
	dbserver_stop(srv);
	ev_loop_free(loop);
	ds_free(&sent);
}

int
main(void)
{
	CHECK_RUN(test_framer);
	CHECK_RUN(test_session);
	CHECK_EXIT();
}
