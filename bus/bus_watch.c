/* SPDX-License-Identifier: Apache-2.0 */
/* bus_watch: see bus_watch.h for why nng's endpoints need watching. */
#include "bus_watch.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ev.h"
#include "list.h"
#include "log.h"
#include "util.h"

LOG_MODULE(bus_watch);

/* A probe's handshake is done within a reading or two; one that gets no
 * answer at all for this many readings means a transport stuck too. */
#define PROBE_MAX_READINGS 15

/* A live dialer moves a counter at least every 10.2 s: nng gives a
 * handshake 10 s (a peer that is stopped, say) and retries within 200 ms.
 * Closing one during its handshake would do to the peer's listener what
 * the watch repairs, so only a dialer still for longer is dead. */
#define DIALER_STALLS 6

struct endpoint {
	struct list_node node; /* bus_watch.endpoints */
	nng_socket sock;
	bool listener;
	nng_listener l; /* listener */
	nng_dialer d;	/* dialer */
	char *path, *url;
	uint64_t errors; /* listener: "other" + "canceled"; dialer: sum of
			  * every counter, at the last reading */
	unsigned stalls; /* dialer: readings in a row with no connection
			  * and no counter moved */
	/* Listener probe, while one is under way: */
	int probe_fd;
	uint64_t probe_accepts; /* "accept" when it began */
	unsigned probe_readings;
	bool probe_answered; /* the transport's handshake came back */
};

struct bus_watch {
	struct ev_loop *loop;
	struct ev_timer *timer;
	struct list_node endpoints;
};

static void on_tick(struct ev_timer *t, void *arg);

struct bus_watch *
bus_watch_new(struct ev_loop *loop)
{
	struct bus_watch *w = xzalloc(sizeof *w);

	w->loop = loop;
	list_init(&w->endpoints);
	return w;
}

static void
probe_end(struct endpoint *e)
{
	if (e->probe_fd >= 0)
		close(e->probe_fd);
	e->probe_fd = -1;
}

static void
endpoint_free(struct endpoint *e)
{
	probe_end(e);
	list_remove(&e->node);
	free(e->path);
	free(e->url);
	free(e);
}

void
bus_watch_free(struct bus_watch *w)
{
	struct endpoint *e, *next;

	if (!w)
		return;
	if (w->timer)
		ev_timer_del(w->timer);
	LIST_FOR_EACH_SAFE (e, next, node, &w->endpoints)
		endpoint_free(e);
	free(w);
}

static struct endpoint *
endpoint_add(struct bus_watch *w, nng_socket s, const char *path)
{
	struct endpoint *e = xzalloc(sizeof *e);

	e->sock = s;
	e->path = xstrdup(path);
	e->url = xasprintf("ipc://%s", path);
	e->probe_fd = -1;
	list_push_back(&w->endpoints, &e->node);
	if (!w->timer)
		w->timer =
			ev_timer_add(w->loop, BUS_WATCH_MS, true, on_tick, w);
	return e;
}

static int
listen_at(struct endpoint *e)
{
	int rv;

	unlink(e->path); /* a stale socket from a crashed predecessor */
	rv = nng_listener_create(&e->l, e->sock, e->url);
	if (!rv)
		rv = nng_listener_set_int(e->l, NNG_OPT_IPC_PERMISSIONS, 0660);
	if (!rv)
		rv = nng_listener_start(e->l, 0);
	return rv;
}

int
bus_watch_listen(struct bus_watch *w, nng_socket s, const char *path)
{
	struct endpoint *e = endpoint_add(w, s, path);
	int rv;

	e->listener = true;
	rv = listen_at(e);
	if (rv)
		endpoint_free(e);
	return rv;
}

int
bus_watch_dial(struct bus_watch *w, nng_socket s, const char *path)
{
	struct endpoint *e = endpoint_add(w, s, path);
	int rv = nng_dial(s, e->url, &e->d, NNG_FLAG_NONBLOCK);

	if (rv)
		endpoint_free(e);
	return rv;
}

bool
bus_watch_is_probe(nng_pipe p)
{
	uint64_t pid;

	return !nng_pipe_get_uint64(p, NNG_OPT_IPC_PEER_PID, &pid) &&
	       pid == (uint64_t)getpid();
}

/* ---- readings ---- */

static uint64_t
stat_value(nng_stat *node, const char *name)
{
	nng_stat *s = node ? nng_stat_find(node, name) : NULL;

	return s ? nng_stat_value(s) : 0;
}

/* The scope @name ("listener", "dialer") whose "id" is @id.  Not
 * nng_stat_find_listener() and the like: in 1.5.2 they return the first
 * scope of that name, whatever its id. */
static nng_stat *
find_scope(nng_stat *node, const char *name, int id)
{
	if (nng_stat_type(node) != NNG_STAT_SCOPE)
		return NULL;
	if (!strcmp(nng_stat_name(node), name)) {
		nng_stat *c;

		for (c = nng_stat_child(node); c; c = nng_stat_next(c))
			if (!strcmp(nng_stat_name(c), "id"))
				break;
		if (c && nng_stat_value(c) == (uint64_t)id)
			return node;
		return NULL;
	}
	for (nng_stat *c = nng_stat_child(node); c; c = nng_stat_next(c)) {
		nng_stat *found = find_scope(c, name, id);

		if (found)
			return found;
	}
	return NULL;
}

/* Every counter of a dialer: connections made and every kind of failure.
 * A dialer that is retrying moves at least one of them. */
static uint64_t
counters_sum(nng_stat *node)
{
	uint64_t sum = 0;

	for (nng_stat *c = node ? nng_stat_child(node) : NULL; c;
	     c = nng_stat_next(c))
		if (nng_stat_type(c) == NNG_STAT_COUNTER)
			sum += nng_stat_value(c);
	return sum;
}

/* A raw connection that says it speaks the protocol our socket expects of
 * its peers.  The header is buffered even before nng accepts. */
static void
probe_start(struct endpoint *e, uint64_t accepts)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint8_t hdr[8] = { 0, 'S', 'P', 0, 0, 0, 0, 0 };
	int peer = 0;
	int fd;

	nng_socket_get_int(e->sock, NNG_OPT_PEER, &peer);
	hdr[4] = (uint8_t)(peer >> 8);
	hdr[5] = (uint8_t)peer;
	if (strlen(e->path) >= sizeof sa.sun_path)
		return;
	strcpy(sa.sun_path, e->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    send(fd, hdr, sizeof hdr, MSG_NOSIGNAL) != sizeof hdr) {
		close(fd);
		return;
	}
	e->probe_fd = fd;
	e->probe_accepts = accepts;
	e->probe_readings = 0;
	e->probe_answered = false;
}

/* The listener took no connection, its own probe's included, though its
 * transport handshook: nng will never hand it another.  Listen anew, or
 * exit for the supervisor to start us again. */
static void
listener_dead(struct endpoint *e)
{
	int rv;

	log_warn("%s: nng stopped accepting connections there (a peer "
		 "closed during the handshake); listening again",
		 e->path);
	nng_listener_close(e->l);
	rv = listen_at(e);
	if (rv)
		log_fatal(&log_this_module,
			  "%s: cannot listen again (%s): exiting to be "
			  "restarted",
			  e->path, nng_strerror(rv));
	e->errors = 0;
}

static void
read_listener(struct endpoint *e, nng_stat *node)
{
	uint64_t errors =
		stat_value(node, "other") + stat_value(node, "canceled");
	uint64_t accepts = stat_value(node, "accept");
	uint8_t hdr[8];

	if (e->probe_fd < 0) {
		if (errors != e->errors) {
			probe_start(e, accepts);
			if (e->probe_fd < 0)
				return; /* try again at the next reading */
		}
		e->errors = errors;
		return;
	}
	/* Closed only once the transport has answered: closing before
	 * would be the very thing that stops nng's listener. */
	e->probe_readings++;
	if (!e->probe_answered && recv(e->probe_fd, hdr, sizeof hdr,
				       MSG_DONTWAIT | MSG_PEEK) == sizeof hdr) {
		e->probe_answered = true;
		e->probe_readings = 0;
	}
	if (e->probe_answered && accepts != e->probe_accepts) {
		probe_end(e); /* alive */
	} else if ((e->probe_answered && e->probe_readings >= 2) ||
		   e->probe_readings >= PROBE_MAX_READINGS) {
		/* Answered two readings ago and still not taken: nng takes
		 * a connection the moment its handshake is done. */
		probe_end(e);
		listener_dead(e);
		return;
	}
	e->errors = errors;
}

static void
read_dialer(struct endpoint *e, nng_stat *node)
{
	uint64_t sum = counters_sum(node);

	if (!node || stat_value(node, "pipes") || sum != e->errors) {
		e->stalls = 0;
	} else if (++e->stalls >= DIALER_STALLS) {
		log_warn("%s: nng stopped dialling (the peer closed during "
			 "the handshake); dialling again",
			 e->path);
		nng_dialer_close(e->d);
		if (nng_dial(e->sock, e->url, &e->d, NNG_FLAG_NONBLOCK))
			log_err("%s: cannot dial again", e->path);
		e->stalls = 0;
		sum = 0;
	}
	e->errors = sum;
}

static void
on_tick(struct ev_timer *t, void *arg)
{
	struct bus_watch *w = arg;
	struct endpoint *e;
	nng_stat *root;

	if (nng_stats_get(&root))
		return;
	LIST_FOR_EACH (e, node, &w->endpoints) {
		if (e->listener)
			read_listener(e, find_scope(root, "listener",
						    nng_listener_id(e->l)));
		else
			read_dialer(e, find_scope(root, "dialer",
						  nng_dialer_id(e->d)));
	}
	nng_stats_free(root);
}
