/* SPDX-License-Identifier: Apache-2.0 */
/*
 * loadgen: the client side of bench_ovsdb.py's small-transaction test, in C
 * so that the client costs a few microseconds per transaction and the
 * server is what gets measured.  bench_ovsdb.py compiles it at run time.
 *
 *   loadgen SOCK NCONN WINDOW DURATION_S WARMUP [narrow|wide]
 *
 * Opens NCONN connections to the OVSDB unix socket SOCK; on each, runs
 * WARMUP transactions one at a time, then prints "ready" and waits for a
 * line on stdin.  It then keeps WINDOW transactions in flight per
 * connection for DURATION_S seconds, drains what is in flight and
 * prints "done TXNS EXTRA CPU_S ELAPSED_S" (TXNS answered within the
 * duration, EXTRA answered while draining).  Every further line on stdin
 * runs one more such segment; end of input ends the program.
 *
 * Workloads: "narrow" (the default) inserts one Bench Item row and
 * increments the Counter row; "wide" increments next_cfg of the
 * Open_vSwitch row of Open_vSwitch, as every ovs-vsctl call does.  Any error
 * reply, closed connection or 30 s without a reply: "error MESSAGE", exit 1.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct conn {
	int fd;
	char *buf; /* unparsed input */
	size_t len, cap;
	size_t scan;		/* bytes of buf already scanned */
	int depth, in_str, esc; /* JSON scanner state at buf[scan] */
	long next_id;		/* id of the next request */
	long inflight;
};

static void
die(const char *fmt, const char *arg)
{
	printf("error ");
	printf(fmt, arg);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static double
now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

static int wide; /* the "wide" workload */

static void
send_txn(struct conn *c, int cid)
{
	char req[512];
	long i = c->next_id++;
	int n;

	if (wide)
		n = snprintf(req, sizeof(req),
			     "{\"id\":%ld,\"method\":\"transact\","
			     "\"params\":[\"Open_vSwitch\","
			     "{\"op\":\"mutate\",\"table\":\"Open_vSwitch\","
			     "\"where\":[],\"mutations\":"
			     "[[\"next_cfg\",\"+=\",1]]}]}",
			     i);
	else
		n = snprintf(req, sizeof(req),
			     "{\"id\":%ld,\"method\":\"transact\",\"params\":"
			     "[\"Bench\",{\"op\":\"insert\",\"table\":\"Item\","
			     "\"row\":{\"name\":\"c%d-%ld\",\"n\":%ld}},"
			     "{\"op\":\"mutate\",\"table\":\"Counter\","
			     "\"where\":[],\"mutations\":[[\"n\",\"+=\",1]]}]}",
			     i, cid, i, i);

	send_all(c->fd, req, (size_t)n);
	c->inflight++;
}

/* One complete JSON text of buf[0..n): check it, return 1 for a reply. */
static int
handle_msg(struct conn *c, const char *m, size_t n)
{
	char tmp[4096];

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, m, n);
	tmp[n] = 0;
	if (strstr(tmp, "\"method\":\"echo\"")) {
		static const char r[] = "{\"id\":\"echo\",\"result\":[],"
					"\"error\":null}";
		send_all(c->fd, r, sizeof(r) - 1);
		return 0;
	}
	if (strstr(tmp, "\"method\""))
		return 0; /* a notification: not expected */
	if (strstr(tmp, "\"error\":\"") || !strstr(tmp, "\"count\":1"))
		die("bad reply: %s", tmp);
	c->inflight--;
	return 1;
}

/* Read what is there, return the number of replies it completed. */
static long
pump(struct conn *c)
{
	long got = 0;
	size_t start = 0, i;
	ssize_t r;

	if (c->cap - c->len < 65536) {
		c->cap = c->cap * 2 + 65536;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			die("%s", "out of memory");
	}
	r = read(c->fd, c->buf + c->len, c->cap - c->len);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0)
		die("%s", r ? strerror(errno) : "server closed the connection");
	c->len += (size_t)r;
	for (i = c->scan; i < c->len; i++) {
		char ch = c->buf[i];

		if (c->in_str) {
			if (c->esc)
				c->esc = 0;
			else if (ch == '\\')
				c->esc = 1;
			else if (ch == '"')
				c->in_str = 0;
		} else if (ch == '"') {
			c->in_str = 1;
		} else if (ch == '{' || ch == '[') {
			c->depth++;
		} else if (ch == '}' || ch == ']') {
			if (--c->depth == 0) {
				while (start < i && c->buf[start] != '{')
					start++;
				got += handle_msg(c, c->buf + start,
						  i + 1 - start);
				start = i + 1;
			}
		}
	}
	memmove(c->buf, c->buf + start, c->len - start);
	c->len -= start;
	c->scan = c->len;
	return got;
}

/* Wait for replies on any connection; returns replies completed. */
static long
wait_replies(struct conn *cs, struct pollfd *pf, int n, int cid0, int resend,
	     int timeout_ms)
{
	long got = 0;
	int k, r;

	r = poll(pf, (nfds_t)n, timeout_ms);
	if (r < 0 && errno != EINTR)
		die("poll: %s", strerror(errno));
	if (r == 0)
		die("%s", "no reply within 30 s");
	for (k = 0; k < n; k++) {
		long g;

		if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		g = pump(&cs[k]);
		got += g;
		while (resend && g-- > 0)
			send_txn(&cs[k], cid0 + k);
	}
	return got;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct conn *cs;
	struct pollfd *pf;
	int n, window, warmup, k, w;
	double duration, t0, c0, t_end, elapsed, cpu;
	long txns = 0, extra = 0;
	char line[64];

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: loadgen SOCK NCONN WINDOW DURATION_S "
				"WARMUP [narrow|wide]\n");
		return 2;
	}
	wide = argc == 7 && !strcmp(argv[6], "wide");
	n = atoi(argv[2]);
	window = atoi(argv[3]);
	duration = atof(argv[4]);
	warmup = atoi(argv[5]);
	if (n < 1 || window < 1 || strlen(argv[1]) >= sizeof(sa.sun_path))
		die("%s", "bad arguments");
	strcpy(sa.sun_path, argv[1]);
	cs = calloc((size_t)n, sizeof(*cs));
	pf = calloc((size_t)n, sizeof(*pf));
	if (!cs || !pf)
		die("%s", "out of memory");
	for (k = 0; k < n; k++) {
		cs[k].fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (cs[k].fd < 0 ||
		    connect(cs[k].fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			die("connect: %s", strerror(errno));
		cs[k].next_id = 1;
		pf[k].fd = cs[k].fd;
		pf[k].events = POLLIN;
	}
	for (k = 0; k < n; k++) {
		for (w = 0; w < warmup; w++) {
			send_txn(&cs[k], k);
			while (cs[k].inflight)
				wait_replies(&cs[k], &pf[k], 1, k, 0, 30000);
		}
	}
	printf("ready\n");
	fflush(stdout);
	/* One measured segment per line read, until end of input. */
	while (fgets(line, sizeof(line), stdin)) {
		txns = extra = 0;
		t0 = now(CLOCK_MONOTONIC);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		t_end = t0 + duration;
		for (k = 0; k < n; k++)
			for (w = 0; w < window; w++)
				send_txn(&cs[k], k);
		while (now(CLOCK_MONOTONIC) < t_end)
			txns += wait_replies(cs, pf, n, 0, 1, 30000);
		elapsed = now(CLOCK_MONOTONIC) - t0;
		cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		for (;;) {
			long left = 0;

			for (k = 0; k < n; k++)
				left += cs[k].inflight;
			if (!left)
				break;
			extra += wait_replies(cs, pf, n, 0, 0, 30000);
		}
		printf("done %ld %ld %.6f %.6f\n", txns, extra, cpu, elapsed);
		fflush(stdout);
	}
	return 0;
}
