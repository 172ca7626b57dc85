/* SPDX-License-Identifier: Apache-2.0 */
/* bus: nng transport, inbox hand-over to the loop, access check. */
#include "bus.h"

#include <errno.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "bus_acl.h"
#include "bus_lane.h"
#include "bus_watch.h"
#include "list.h"
#include "log.h"
#include "util.h"

LOG_MODULE(bus);

#define N_RECV_SLOTS 4

/* Work handed from nng's threads to the loop. */
enum inbox_kind {
	IN_REQUEST,
	IN_SENT,
	IN_REPLY,
	IN_NOTIFY,
	IN_GONE,
	IN_REFUSED_SUB,
	IN_SUBSCRIBED
};

struct inbox_item {
	enum inbox_kind kind;
	nng_msg *msg; /* IN_REQUEST, IN_REPLY, IN_NOTIFY */
	nng_ctx ctx;  /* IN_REQUEST */
	void *obj;    /* IN_SENT: struct bus_req; IN_REPLY: struct call;
		       * IN_NOTIFY, IN_SUBSCRIBED: struct sub */
	int err;
	uint64_t client; /* IN_GONE; IN_REFUSED_SUB: the uid */
	struct inbox_item *next;
};

struct rep_slot {
	struct bus *bus;
	nng_ctx ctx;
	nng_aio *aio;
};

/* A client's lane to this server; requests that came on it hold a
 * reference, so a reply to a client gone meanwhile is dropped, not sent
 * on a freed lane. */
struct lane_conn {
	struct bus *bus;
	struct list_node node; /* bus->lconns, while up */
	struct lane *lane;
	unsigned refs;
	bool down;
};

struct bus_req {
	struct bus *bus;
	struct list_node node;	 /* bus->reqs: not yet freed */
	struct lane_conn *lconn; /* came on a lane, else nng: */
	nng_ctx ctx;
	nng_aio *aio;
	uint64_t reqid;
	unsigned type;
	uid_t uid;
	uint32_t roles;
	uint64_t client; /* nng pipe id */
};

struct peer {
	struct bus *bus;
	const struct role *role;
	nng_socket sock;
	bool want_lane;	     /* bus_use_lane() */
	struct lane *lane;   /* connected, or NULL: calls go over nng */
	uint64_t lane_retry; /* time_mono_ms() of the next dial */
	struct peer *next;
};

struct call {
	struct bus *bus;
	struct list_node node;	/* bus->calls: awaiting their reply */
	struct peer *lane_peer; /* sent on this peer's lane, else nng: */
	uint64_t deadline;	/* lane calls: time_mono_ms() */
	nng_ctx ctx;
	nng_aio *aio;
	bool sending;
	uint64_t reqid;
	unsigned type;
	bus_call_back_fn *call_back;
	void (*cb)(void);
	void *arg;
};

struct sub {
	struct bus *bus;
	const struct role *peer;
	nng_socket sock;
	nng_aio *aio;
	bus_notify_fn *fn;
	void *aux;
	uint64_t last_seq;
	struct sub *next;
};

struct bus {
	struct ev_loop *loop;
	char *rundir;
	const struct role *self;
	struct bus_acl acl; /* uid -> roles -> allowed senders */
	/* inbox */
	pthread_mutex_t mutex;
	struct inbox_item *head, **tail;
	int efd;
	struct ev_io *eio;
	/* server side */
	bool serving;
	nng_socket rep, pub;
	struct rep_slot slots[N_RECV_SLOTS];
	const struct bus_handler *handlers;
	size_t n_handlers;
	void *aux;
	uint64_t pub_seq;
	bus_client_gone_fn *gone_fn;
	void *gone_aux;
	uint32_t sub_roles; /* who may subscribe: receivers of our notifies */
	/* client side */
	struct peer *peers;
	struct sub *subs;
	uint64_t next_reqid;
	struct lane_listener *lane_ll; /* bus_serve_lane() */
	struct ev_timer *lane_timer;   /* the next lane call's deadline */
	struct list_node lconns;       /* struct lane_conn: clients' lanes */
	struct list_node calls;	       /* struct call */
	struct list_node reqs;	       /* struct bus_req */
	struct bus_watch *watch;       /* our listeners and dialers */
};

static struct log_module trace_module = {
	"bustrace", { LVL_OFF, LVL_OFF, LVL_OFF }, LVL_OFF, NULL
};

__attribute__((constructor)) static void
register_trace(void)
{
	log_module_register(&trace_module);
}

static void
trace(const char *dir, unsigned type, const void *msg, const char *who)
{
	char text[256];

	if (!log_enabled(&trace_module, LVL_DBG))
		return;
	bus_msg_format(type, msg, text, sizeof text);
	log_msg(&trace_module, LVL_DBG, "%s %s %s", dir, who, text);
}

static int
nng_to_errno(int rv)
{
	switch (rv) {
	case 0:
		return 0;
	case NNG_ETIMEDOUT:
		return -ETIMEDOUT;
	case NNG_ECONNREFUSED:
		return -ECONNREFUSED;
	case NNG_ENOENT:
		return -ENOENT;
	case NNG_ECLOSED:
		return -EPIPE;
	case NNG_ENOMEM:
		return -ENOMEM;
	case NNG_EMSGSIZE:
		return -EMSGSIZE;
	case NNG_EPERM:
		return -EACCES;
	case NNG_EADDRINUSE:
		return -EADDRINUSE;
	case NNG_ECANCELED:
		return -ECANCELED;
	default:
		return (rv & NNG_ESYSERR) ? -(rv & ~NNG_ESYSERR) : -EIO;
	}
}

/* ---- inbox: nng threads -> loop ---- */

static void
inbox_put(struct bus *bus, struct inbox_item *it)
{
	uint64_t one = 1;
	ssize_t r;

	pthread_mutex_lock(&bus->mutex);
	*bus->tail = it;
	bus->tail = &it->next;
	pthread_mutex_unlock(&bus->mutex);
	r = write(bus->efd, &one, sizeof one);
	(void)r;
}

static void
inbox_push(struct bus *bus, enum inbox_kind kind, nng_msg *msg, nng_ctx ctx,
	   void *obj, int err)
{
	struct inbox_item *it = xzalloc(sizeof *it);

	it->kind = kind;
	it->msg = msg;
	it->ctx = ctx;
	it->obj = obj;
	it->err = err;
	inbox_put(bus, it);
}

static struct log_rl bad_rl = LOG_RL_INIT(20, 60);

static void handle_request(struct bus *bus, nng_msg *msg, nng_ctx ctx);
static void handle_reply(struct call *c, nng_msg *msg, int err);
static void handle_notify(struct sub *s, nng_msg *msg);
static void req_free(struct bus_req *req);

static void
on_inbox(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct bus *bus = arg;
	struct inbox_item *list;
	uint64_t n;

	if (read(fd, &n, sizeof n) < 0 && errno != EAGAIN)
		log_warn("eventfd read: %m");
	pthread_mutex_lock(&bus->mutex);
	list = bus->head;
	bus->head = NULL;
	bus->tail = &bus->head;
	pthread_mutex_unlock(&bus->mutex);

	while (list) {
		struct inbox_item *it = list;

		list = it->next;
		switch (it->kind) {
		case IN_REQUEST:
			handle_request(bus, it->msg, it->ctx);
			break;
		case IN_SENT:
			req_free(it->obj);
			break;
		case IN_REPLY:
			handle_reply(it->obj, it->msg, it->err);
			break;
		case IN_NOTIFY:
			handle_notify(it->obj, it->msg);
			break;
		case IN_SUBSCRIBED: {
			struct sub *s = it->obj;

			s->fn(BUS_NOTIFY_SUBSCRIBED, 0, NULL, s->aux);
			break;
		}
		case IN_GONE:
			if (bus->gone_fn)
				bus->gone_fn(it->client, bus->gone_aux);
			break;
		case IN_REFUSED_SUB:
			log_warn_rl(
				&bad_rl,
				"refused subscriber uid %u (%s): may "
				"receive no notification of %s",
				(unsigned)it->client,
				bus_acl_role_name(&bus->acl, (uid_t)it->client),
				bus->self->name);
			break;
		}
		free(it);
	}
}

static uid_t
msg_peer_uid(nng_msg *msg)
{
	nng_pipe p = nng_msg_get_pipe(msg);
	uint64_t uid;

	if (nng_pipe_get_uint64(p, NNG_OPT_IPC_PEER_UID, &uid))
		return (uid_t)-1;
	return (uid_t)uid;
}

/* ---- open / close ---- */

int
bus_open(struct ev_loop *loop, const char *rundir, const struct role *self,
	 struct bus **busp)
{
	struct bus *bus = xzalloc(sizeof *bus);
	int err;

	bus->loop = loop;
	bus->rundir = xstrdup(rundir);
	bus->self = self;
	bus->next_reqid = 1;
	list_init(&bus->calls);
	list_init(&bus->reqs);
	list_init(&bus->lconns);
	pthread_mutex_init(&bus->mutex, NULL);
	bus->tail = &bus->head;
	bus_acl_load(&bus->acl);
	bus->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (bus->efd < 0) {
		err = -errno;
		goto fail;
	}
	err = ev_io_add(loop, bus->efd, EPOLLIN, on_inbox, bus, &bus->eio);
	if (err)
		goto fail_efd;
	bus->watch = bus_watch_new(loop);
	*busp = bus;
	return 0;

fail_efd:
	close(bus->efd);
fail:
	free(bus->rundir);
	free(bus);
	return err;
}

static void
set_reconnect(nng_socket s)
{
	nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 10);
	nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 200);
	nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, BUS_MAX_MSG);
}

static int
listen_ipc(struct bus *bus, nng_socket s, const char *kind)
{
	char *path = bus_endpoint_path(bus->rundir, bus->self, kind);
	int rv = bus_watch_listen(bus->watch, s, path);

	if (rv)
		log_err("cannot listen on %s: %s", path, nng_strerror(rv));
	free(path);
	return nng_to_errno(rv);
}

static void on_rep_recv(void *arg);

static void
slot_start(struct rep_slot *slot)
{
	if (nng_ctx_open(&slot->ctx, slot->bus->rep))
		return;
	nng_ctx_recv(slot->ctx, slot->aio);
}

/* nng thread: a request arrived on @slot's context.  The context now
 * belongs to that request; the slot continues on a fresh one. */
static void
on_rep_recv(void *arg)
{
	struct rep_slot *slot = arg;
	int rv = nng_aio_result(slot->aio);

	if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
		return;
	if (rv) {
		nng_ctx_recv(slot->ctx, slot->aio);
		return;
	}
	inbox_push(slot->bus, IN_REQUEST, nng_aio_get_msg(slot->aio), slot->ctx,
		   NULL, 0);
	slot_start(slot);
}

static uint64_t
pipe_client(nng_pipe p)
{
	int id = nng_pipe_id(p);

	return id > 0 ? (uint64_t)id : 0;
}

/* nng thread: a connection to our rep socket closed.  nng runs this after
 * the pipe stopped receiving, so every request it delivered is in the
 * inbox before this. */
static void
on_rep_pipe_gone(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct inbox_item *it = xzalloc(sizeof *it);

	it->kind = IN_GONE;
	it->client = pipe_client(p);
	inbox_put(arg, it);
}

/* nng thread: a subscriber connects to our pub socket.  pub0 broadcasts,
 * so the only access check is here: a uid whose roles may receive none
 * of the notifications we send is cut off before it gets any. */
static void
on_pub_pipe_add(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct bus *bus = arg;
	struct inbox_item *it;
	uint64_t uid;

	if (bus_watch_is_probe(p))
		return; /* ours, and closed at once */
	if (!nng_pipe_get_uint64(p, NNG_OPT_IPC_PEER_UID, &uid) &&
	    (bus_acl_roles(&bus->acl, (uid_t)uid) & bus->sub_roles))
		return;
	nng_pipe_close(p);
	it = xzalloc(sizeof *it);
	it->kind = IN_REFUSED_SUB;
	it->client = uid;
	inbox_put(bus, it);
}

void
bus_on_client_gone(struct bus *bus, bus_client_gone_fn *fn, void *aux)
{
	bus->gone_fn = fn;
	bus->gone_aux = aux;
}

uint64_t
bus_req_client(const struct bus_req *req)
{
	return req->client;
}

int
bus_serve(struct bus *bus, const struct bus_handler *handlers, size_t n,
	  void *aux)
{
	int rv, err;

	if (!bus->self)
		return -EINVAL;
	bus->handlers = handlers;
	bus->n_handlers = n;
	bus->aux = aux;
	for (unsigned t = 0; t < BUS_MSG_MAX; t++) {
		const struct bus_msg_desc *d = bus_msg_desc(t);
		if (d && d->kind == BUS_KIND_NOTIFY &&
		    (d->senders & (1u << role_index(bus->self))))
			bus->sub_roles |= d->receivers;
	}
	for (size_t i = 0; i < n; i++) {
		const struct bus_msg_desc *d = bus_msg_desc(handlers[i].type);
		if (!d || d->kind != BUS_KIND_CALL ||
		    !(d->receivers & bus_acl_role_bit(bus->self)))
			log_fatal(&log_this_module,
				  "handler for %s: not a call %s may receive",
				  bus_msg_name(handlers[i].type),
				  bus->self->name);
	}
	rv = nng_rep0_open(&bus->rep);
	if (rv)
		return nng_to_errno(rv);
	rv = nng_pub0_open(&bus->pub);
	if (!rv)
		rv = nng_pipe_notify(bus->pub, NNG_PIPE_EV_ADD_PRE,
				     on_pub_pipe_add, bus);
	if (rv)
		return nng_to_errno(rv);
	nng_socket_set_size(bus->rep, NNG_OPT_RECVMAXSZ, BUS_MAX_MSG);
	rv = nng_pipe_notify(bus->rep, NNG_PIPE_EV_REM_POST, on_rep_pipe_gone,
			     bus);
	if (rv)
		return nng_to_errno(rv);
	err = listen_ipc(bus, bus->rep, "rpc");
	if (!err)
		err = listen_ipc(bus, bus->pub, "events");
	if (err)
		return err;
	for (int i = 0; i < N_RECV_SLOTS; i++) {
		struct rep_slot *slot = &bus->slots[i];

		slot->bus = bus;
		rv = nng_aio_alloc(&slot->aio, on_rep_recv, slot);
		if (rv)
			return nng_to_errno(rv);
		slot_start(slot);
	}
	bus->serving = true;
	return 0;
}

/* The sockets themselves stay open: see bus_close(). */
static void
free_peers_and_subs(struct bus *bus)
{
	while (bus->subs) {
		struct sub *s = bus->subs;
		bus->subs = s->next;
		nng_aio_free(s->aio);
		free(s);
	}
	while (bus->peers) {
		struct peer *p = bus->peers;
		bus->peers = p->next;
		free(p);
	}
}

static void lconn_unref(struct lane_conn *lc);
static void finish_call(struct call *c, int err, int derr, unsigned type,
			uint64_t reqid, void *msg);

/* Closes the lanes to servers and from clients; their requests still
 * unanswered keep their lane_conn until freed. */
static void
close_lanes(struct bus *bus)
{
	struct lane_conn *lc, *next;

	for (struct peer *p = bus->peers; p; p = p->next) {
		lane_close(p->lane);
		p->lane = NULL;
	}
	LIST_FOR_EACH_SAFE (lc, next, node, &bus->lconns) {
		list_remove(&lc->node);
		lc->down = true;
		lconn_unref(lc);
	}
	lane_listener_close(bus->lane_ll);
}

void
bus_close(struct bus *bus)
{
	struct call *c, *next_c;
	struct bus_req *r, *next_r;

	if (!bus)
		return;
	bus_watch_free(bus->watch);
	/* Replies under way go out first (their send times out after 5 s):
	 * an "exit" command's answer, say, must reach its caller. */
	LIST_FOR_EACH (r, node, &bus->reqs)
		if (r->aio)
			nng_aio_wait(r->aio);
	/* Stop every aio: after nng_aio_stop() its callback has run and
	 * will not run again, so nothing pushes to the inbox after. */
	if (bus->serving) {
		nng_pipe_notify(bus->rep, NNG_PIPE_EV_REM_POST, NULL, NULL);
		for (int i = 0; i < N_RECV_SLOTS; i++)
			nng_aio_stop(bus->slots[i].aio);
	}
	LIST_FOR_EACH (c, node, &bus->calls)
		if (!c->lane_peer)
			nng_aio_stop(c->aio);
	LIST_FOR_EACH (r, node, &bus->reqs)
		if (r->aio)
			nng_aio_stop(r->aio);
	for (struct sub *s = bus->subs; s; s = s->next) {
		nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_POST, NULL, NULL);
		nng_aio_stop(s->aio);
	}
	/* Drop whatever nng handed over but the loop never ran. */
	while (bus->head) {
		struct inbox_item *it = bus->head;
		bus->head = it->next;
		if (it->msg)
			nng_msg_free(it->msg);
		if (it->kind == IN_REQUEST)
			nng_ctx_close(it->ctx);
		free(it);
	}
	/* Calls never answered: their callers hear -ECANCELED. */
	LIST_FOR_EACH_SAFE (c, next_c, node, &bus->calls)
		finish_call(c, -ECANCELED, 0, 0, 0, NULL);
	if (bus->lane_timer)
		ev_timer_del(bus->lane_timer);
	close_lanes(bus);
	LIST_FOR_EACH_SAFE (r, next_r, node, &bus->reqs)
		req_free(r);
	/* Sockets that receive (rep, req, sub) are not passed to nng_close():
	 * with Debian 12's nng 1.5.2 it can wait forever for a pipe that is
	 * receiving at that moment to be reaped (reproduced natively within a
	 * few hundred open/close cycles for sub0, req0 and rep0, over ipc and
	 * tcp alike; pub0 closes fine).  Their aios are stopped above, so
	 * nothing calls back into us; the process exit that follows a
	 * bus_close() releases them. */
	if (bus->serving) {
		nng_close(bus->pub);
		for (int i = 0; i < N_RECV_SLOTS; i++)
			nng_aio_free(bus->slots[i].aio);
	}
	free_peers_and_subs(bus);
	ev_io_del(bus->eio);
	close(bus->efd);
	pthread_mutex_destroy(&bus->mutex);
	free(bus->rundir);
	free(bus);
}

/* ---- serving requests ---- */

static int
msg_from_buf(void *buf, size_t len, nng_msg **msgp)
{
	int rv = nng_msg_alloc(msgp, 0);

	if (!rv)
		rv = nng_msg_append(*msgp, buf, len);
	free(buf);
	return nng_to_errno(rv);
}

static void
on_req_sent(void *arg)
{
	struct bus_req *req = arg;

	if (nng_aio_result(req->aio))
		nng_msg_free(nng_aio_get_msg(req->aio));
	inbox_push(req->bus, IN_SENT, NULL, req->ctx, req, 0);
}

static void
req_free(struct bus_req *req)
{
	list_remove(&req->node);
	if (req->lconn) {
		lconn_unref(req->lconn);
	} else {
		if (req->aio)
			nng_aio_free(req->aio);
		nng_ctx_close(req->ctx);
	}
	free(req);
}

static const struct bus_handler *
find_handler(const struct bus *bus, unsigned type)
{
	for (size_t i = 0; i < bus->n_handlers; i++)
		if (bus->handlers[i].type == type)
			return &bus->handlers[i];
	return NULL;
}

/* Decodes the request @body, checks it against the catalogue and the
 * sender's roles and runs its handler; @req (uid, client and transport
 * set) is answered with an error reply when any check fails. */
static void
dispatch(struct bus *bus, struct bus_req *req, const void *body, size_t len)
{
	const struct bus_handler *h;
	unsigned type = 0;
	void *msg = NULL;
	int err;

	req->bus = bus;
	list_push_back(&bus->reqs, &req->node);
	req->roles = bus_acl_roles(&bus->acl, req->uid);
	err = bus_decode(body, len, &type, &req->reqid, &msg);
	req->type = type;
	if (err == -ENOMSG) {
		log_warn_rl(&bad_rl, "uid %u sent unknown message type %u",
			    (unsigned)req->uid, type);
		bus_reply_error(req, err, "unknown message type %u", type);
		return;
	}
	if (err) {
		log_warn_rl(&bad_rl, "malformed message from uid %u: %s",
			    (unsigned)req->uid, strerror(-err));
		bus_reply_error(req, err, "malformed message: %s",
				strerror(-err));
		return;
	}
	trace("recv", type, msg, bus_acl_role_name(&bus->acl, req->uid));
	if (bus_msg_desc(type)->kind != BUS_KIND_CALL) {
		log_warn_rl(&bad_rl, "uid %u sent %s, which is not a call",
			    (unsigned)req->uid, bus_msg_name(type));
		bus_reply_error(req, -EPROTO, "%s is not a call",
				bus_msg_name(type));
	} else if (!(bus_msg_desc(type)->senders & req->roles)) {
		log_warn("refused %s from uid %u (%s): not an allowed sender",
			 bus_msg_name(type), (unsigned)req->uid,
			 bus_acl_role_name(&bus->acl, req->uid));
		bus_reply_error(req, -EACCES, "uid %u may not send %s",
				(unsigned)req->uid, bus_msg_name(type));
	} else if (!(h = find_handler(bus, type))) {
		bus_reply_error(req, -EOPNOTSUPP, "%s does not handle %s",
				bus->self->name, bus_msg_name(type));
	} else {
		h->fn(req, msg, bus->aux);
	}
	bus_msg_free(type, msg);
}

static void
handle_request(struct bus *bus, nng_msg *nmsg, nng_ctx ctx)
{
	struct bus_req *req = xzalloc(sizeof *req);

	req->ctx = ctx;
	req->uid = msg_peer_uid(nmsg);
	req->client = pipe_client(nng_msg_get_pipe(nmsg));
	dispatch(bus, req, nng_msg_body(nmsg), nng_msg_len(nmsg));
	nng_msg_free(nmsg);
}

int
bus_reply(struct bus_req *req, unsigned type, const void *msg)
{
	const struct bus_msg_desc *call = bus_msg_desc(req->type);
	nng_msg *nmsg;
	size_t len;
	void *buf;
	int err, rv;

	if (type != BUS_MSG_ERROR && (!call || call->reply != type)) {
		log_err("%s is not the reply to %s", bus_msg_name(type),
			bus_msg_name(req->type));
		return bus_reply_error(req, -EPROTO, "internal error");
	}
	err = bus_encode(type, req->reqid, msg, &buf, &len);
	if (!err && req->lconn) {
		trace("send", type, msg, "reply (lane)");
		if (!req->lconn->down)
			err = lane_send(req->lconn->lane, buf, len);
		free(buf);
		req_free(req);
		return err;
	}
	if (!err)
		err = msg_from_buf(buf, len, &nmsg);
	if (err) {
		log_err("cannot encode %s reply: %s", bus_msg_name(type),
			strerror(-err));
		req_free(req);
		return err;
	}
	trace("send", type, msg, "reply");
	rv = nng_aio_alloc(&req->aio, on_req_sent, req);
	if (rv) {
		nng_msg_free(nmsg);
		req_free(req);
		return nng_to_errno(rv);
	}
	nng_aio_set_timeout(req->aio, 5000);
	nng_aio_set_msg(req->aio, nmsg);
	nng_ctx_send(req->ctx, req->aio);
	return 0;
}

int
bus_reply_error(struct bus_req *req, int err, const char *fmt, ...)
{
	struct bus_msg_error e = { .err = err };
	va_list ap;
	char *text;
	int rv;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	bus_msg_error_set_message(&e, text);
	rv = bus_reply(req, BUS_MSG_ERROR, &e);
	free(text);
	return rv;
}

/* ---- calling ---- */

static int
peer_get(struct bus *bus, const struct role *peer, struct peer **pp)
{
	struct peer *p;
	char *path;
	int rv;

	for (p = bus->peers; p; p = p->next)
		if (p->role == peer) {
			*pp = p;
			return 0;
		}
	p = xzalloc(sizeof *p);
	rv = nng_req0_open(&p->sock);
	if (rv) {
		free(p);
		return nng_to_errno(rv);
	}
	set_reconnect(p->sock);
	path = bus_endpoint_path(bus->rundir, peer, "rpc");
	rv = bus_watch_dial(bus->watch, p->sock, path);
	free(path);
	if (rv) {
		nng_close(p->sock);
		free(p);
		return nng_to_errno(rv);
	}
	p->bus = bus;
	p->role = peer;
	p->next = bus->peers;
	bus->peers = p;
	*pp = p;
	return 0;
}

int
bus_use_lane(struct bus *bus, const struct role *peer)
{
	struct peer *p;
	int err = peer_get(bus, peer, &p);

	if (!err)
		p->want_lane = true;
	return err;
}

/* nng thread: the request went out (then wait for the reply) or the reply
 * came back. */
static void
on_call_io(void *arg)
{
	struct call *c = arg;
	int rv = nng_aio_result(c->aio);

	if (c->sending && !rv) {
		c->sending = false;
		nng_ctx_recv(c->ctx, c->aio);
		return;
	}
	if (c->sending)
		nng_msg_free(nng_aio_get_msg(c->aio));
	inbox_push(c->bus, IN_REPLY, rv ? NULL : nng_aio_get_msg(c->aio),
		   c->ctx, c, nng_to_errno(rv));
}

/* Checks a decoded answer to @c: 0 with *@replyp for its reply; an error
 * reply becomes its errno and *@whyp; anything else is -EBADMSG. */
static int
answer_of(const struct call *c, unsigned type, uint64_t reqid, void *msg,
	  const void **replyp, const char **whyp)
{
	if (reqid != c->reqid)
		return -EBADMSG;
	if (type == BUS_MSG_ERROR)
		return bus_error_errno(msg, whyp);
	if (type != bus_msg_desc(c->type)->reply)
		return -EBADMSG;
	*replyp = msg;
	return 0;
}

/* Ends call @c with the decoded answer (@derr: decoding failed) or, when
 * @err is not 0, without one; frees @c and @msg. */
static void
finish_call(struct call *c, int err, int derr, unsigned type, uint64_t reqid,
	    void *msg)
{
	const void *reply = NULL;
	const char *why = NULL;

	if (!err) {
		err = derr;
		if (!err) {
			trace("recv", type, msg, "reply");
			err = answer_of(c, type, reqid, msg, &reply, &why);
		}
		if (err && !why)
			log_warn_rl(&bad_rl, "bad reply to %s: %s",
				    bus_msg_name(c->type), strerror(-err));
	}
	list_remove(&c->node);
	c->call_back(c->cb, err, reply, why, c->arg);
	bus_msg_free(type, msg);
	if (!c->lane_peer) {
		nng_aio_free(c->aio);
		nng_ctx_close(c->ctx);
	}
	free(c);
}

static void
handle_reply(struct call *c, nng_msg *nmsg, int err)
{
	unsigned type = 0;
	uint64_t reqid = 0;
	void *msg = NULL;
	int derr = 0;

	if (!err) {
		derr = bus_decode(nng_msg_body(nmsg), nng_msg_len(nmsg), &type,
				  &reqid, &msg);
		nng_msg_free(nmsg);
	}
	finish_call(c, err, derr, type, reqid, msg);
}

/* ---- lanes ---- */

static void
lconn_unref(struct lane_conn *lc)
{
	if (--lc->refs)
		return;
	lane_close(lc->lane);
	free(lc);
}

static void
on_lane_request(struct lane *l, const void *buf, size_t len, void *aux)
{
	struct lane_conn *lc = aux;
	struct bus_req *req = xzalloc(sizeof *req);

	req->lconn = lc;
	lc->refs++;
	req->uid = lane_peer_uid(l);
	req->client = lane_id(l);
	dispatch(lc->bus, req, buf, len);
}

static void
on_lane_client_down(struct lane *l, void *aux)
{
	struct lane_conn *lc = aux;

	lc->down = true;
	list_remove(&lc->node);
	if (lc->bus->gone_fn)
		lc->bus->gone_fn(lane_id(l), lc->bus->gone_aux);
	lconn_unref(lc);
}

static void
on_lane_accept(struct lane_listener *ll, struct lane *l, void *aux)
{
	struct bus *bus = aux;
	struct lane_conn *lc = xzalloc(sizeof *lc);

	lc->bus = bus;
	lc->lane = l;
	lc->refs = 1; /* until it goes down */
	if (lane_start(l, on_lane_request, on_lane_client_down, lc)) {
		lane_close(l);
		free(lc);
		return;
	}
	list_push_back(&bus->lconns, &lc->node);
}

int
bus_serve_lane(struct bus *bus)
{
	char *path;
	int err;

	if (!bus->serving)
		return -EINVAL;
	path = bus_endpoint_path(bus->rundir, bus->self, "lane");
	err = lane_listen(bus->loop, path, on_lane_accept, bus, &bus->lane_ll);
	free(path);
	return err;
}

static void arm_lane_timer(struct bus *bus);

/* The deadline of every lane call is checked here: expired ones end
 * with -ETIMEDOUT. */
static void
on_lane_timer(struct ev_timer *t, void *arg)
{
	struct bus *bus = arg;
	uint64_t now = time_mono_ms();
	struct call *c, *next;

	ev_timer_del(t);
	bus->lane_timer = NULL;
	LIST_FOR_EACH_SAFE (c, next, node, &bus->calls)
		if (c->lane_peer && c->deadline <= now)
			finish_call(c, -ETIMEDOUT, 0, 0, 0, NULL);
	arm_lane_timer(bus);
}

static void
arm_lane_timer(struct bus *bus)
{
	uint64_t first = UINT64_MAX, now = time_mono_ms();
	struct call *c;

	LIST_FOR_EACH (c, node, &bus->calls)
		if (c->lane_peer && c->deadline < first)
			first = c->deadline;
	if (first == UINT64_MAX)
		return;
	first = first > now ? first - now : 0;
	if (bus->lane_timer)
		ev_timer_rearm(bus->lane_timer, first);
	else
		bus->lane_timer = ev_timer_add(bus->loop, first, false,
					       on_lane_timer, bus);
}

static void
on_lane_reply(struct lane *l, const void *buf, size_t len, void *aux)
{
	struct peer *p = aux;
	unsigned type = 0;
	uint64_t reqid = 0;
	void *msg = NULL;
	struct call *c;
	int derr;

	derr = bus_decode(buf, len, &type, &reqid, &msg);
	if (derr) {
		log_warn_rl(&bad_rl, "malformed reply from %s: %s",
			    p->role->name, strerror(-derr));
		return;
	}
	LIST_FOR_EACH (c, node, &p->bus->calls)
		if (c->lane_peer == p && c->reqid == reqid) {
			finish_call(c, 0, 0, type, reqid, msg);
			return;
		}
	log_dbg("reply %llu from %s: no such call (timed out?)",
		(unsigned long long)reqid, p->role->name);
	bus_msg_free(type, msg);
}

/* The calls still on @p's lane end with -ECONNRESET; calls after go over
 * nng until the lane is dialed again. */
static void
lane_peer_down(struct peer *p)
{
	struct call *c, *next;

	lane_close(p->lane);
	p->lane = NULL;
	p->lane_retry = time_mono_ms() + 100;
	LIST_FOR_EACH_SAFE (c, next, node, &p->bus->calls)
		if (c->lane_peer == p)
			finish_call(c, -ECONNRESET, 0, 0, 0, NULL);
}

static void
on_lane_server_down(struct lane *l, void *aux)
{
	lane_peer_down(aux);
}

/* @p's lane if it has one or can get one now (a unix connect does not
 * block), else NULL; a failed dial is retried after 100 ms. */
static struct lane *
peer_lane(struct peer *p)
{
	char *path;

	if (!p->want_lane || p->lane || time_mono_ms() < p->lane_retry)
		return p->lane;
	path = bus_endpoint_path(p->bus->rundir, p->role, "lane");
	if (lane_dial(p->bus->loop, path, &p->lane) ||
	    lane_start(p->lane, on_lane_reply, on_lane_server_down, p)) {
		lane_close(p->lane);
		p->lane = NULL;
		p->lane_retry = time_mono_ms() + 100;
	}
	free(path);
	return p->lane;
}

/* Sends call @c (encoded: @buf, @len) on @l. */
static int
lane_call(struct peer *p, struct call *c, const void *buf, size_t len,
	  unsigned timeout_ms)
{
	int err = lane_send(p->lane, buf, len);

	if (err)
		return err;
	c->lane_peer = p;
	c->deadline = time_mono_ms() + timeout_ms;
	list_push_back(&p->bus->calls, &c->node);
	if (!p->bus->lane_timer)
		arm_lane_timer(p->bus);
	return 0;
}

int
bus_call(struct bus *bus, const struct role *peer, unsigned type,
	 const void *msg, unsigned timeout_ms, bus_call_back_fn *call_back,
	 void (*cb)(void), void *arg)
{
	struct call *c;
	struct peer *p;
	nng_msg *nmsg;
	size_t len;
	void *buf;
	int err, rv;

	err = peer_get(bus, peer, &p);
	if (err)
		return err;
	if (!bus_msg_desc(type) || bus_msg_desc(type)->kind != BUS_KIND_CALL)
		return -EINVAL;
	c = xzalloc(sizeof *c);
	c->bus = bus;
	c->reqid = bus->next_reqid++;
	c->type = type;
	c->call_back = call_back;
	c->cb = cb;
	c->arg = arg;
	err = bus_encode(type, c->reqid, msg, &buf, &len);
	if (!err && peer_lane(p) && !lane_call(p, c, buf, len, timeout_ms)) {
		trace("send", type, msg, p->role->name);
		free(buf);
		return 0;
	}
	if (!err)
		err = msg_from_buf(buf, len, &nmsg);
	if (err) {
		free(c);
		return err;
	}
	rv = nng_ctx_open(&c->ctx, p->sock);
	if (!rv) {
		rv = nng_aio_alloc(&c->aio, on_call_io, c);
		if (rv)
			nng_ctx_close(c->ctx);
	}
	if (rv) {
		nng_msg_free(nmsg);
		free(c);
		return nng_to_errno(rv);
	}
	trace("send", type, msg, peer->name);
	c->sending = true;
	list_push_back(&bus->calls, &c->node);
	nng_aio_set_timeout(c->aio, (nng_duration)timeout_ms);
	nng_aio_set_msg(c->aio, nmsg);
	nng_ctx_send(c->ctx, c->aio);
	return 0;
}

/* ---- publish / subscribe ---- */

int64_t
bus_publish(struct bus *bus, unsigned type, const void *msg)
{
	nng_msg *nmsg;
	size_t len;
	void *buf;
	int err, rv;

	if (!bus->serving || !bus_msg_desc(type) ||
	    bus_msg_desc(type)->kind != BUS_KIND_NOTIFY)
		return -EINVAL;
	err = bus_encode(type, bus->pub_seq + 1, msg, &buf, &len);
	if (!err)
		err = msg_from_buf(buf, len, &nmsg);
	if (err)
		return err;
	trace("publish", type, msg, "all");
	rv = nng_sendmsg(bus->pub, nmsg, NNG_FLAG_NONBLOCK);
	if (rv) {
		nng_msg_free(nmsg);
		return nng_to_errno(rv);
	}
	return (int64_t)++bus->pub_seq;
}

static void
on_sub_recv(void *arg)
{
	struct sub *s = arg;
	int rv = nng_aio_result(s->aio);

	if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
		return;
	if (!rv) {
		nng_ctx none = NNG_CTX_INITIALIZER;
		inbox_push(s->bus, IN_NOTIFY, nng_aio_get_msg(s->aio), none, s,
			   0);
	}
	nng_recv_aio(s->sock, s->aio);
}

/* nng thread: the subscription's connection to the publisher is up (at
 * the start, and after each reconnect: the publisher restarted). */
static void
on_sub_pipe_add(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct sub *s = arg;
	nng_ctx none = NNG_CTX_INITIALIZER;

	inbox_push(s->bus, IN_SUBSCRIBED, NULL, none, s, 0);
}

/* The roles a publisher holds.  The uid a subscriber sees is the one the
 * publisher had when it called listen() (SO_PEERCRED), and processes
 * listen as root before they drop privileges (the run directory is
 * root's).  A listener that was root is the peer we dialed: only root
 * could have put that socket in the run directory. */
static uint32_t
publisher_roles(const struct sub *s, uid_t uid)
{
	uint32_t bits = bus_acl_roles(&s->bus->acl, uid);

	if (uid == 0)
		bits |= bus_acl_role_bit(s->peer);
	return bits;
}

static void
handle_notify(struct sub *s, nng_msg *nmsg)
{
	struct bus *bus = s->bus;
	uid_t uid = msg_peer_uid(nmsg);
	unsigned type = 0;
	uint64_t seq = 0;
	void *msg = NULL;
	int err;

	err = bus_decode(nng_msg_body(nmsg), nng_msg_len(nmsg), &type, &seq,
			 &msg);
	nng_msg_free(nmsg);
	if (err) {
		log_warn_rl(&bad_rl,
			    "malformed notification from %s (uid "
			    "%u): %s",
			    s->peer->name, (unsigned)uid, strerror(-err));
		return;
	}
	if (bus_msg_desc(type)->kind != BUS_KIND_NOTIFY ||
	    !(bus_msg_desc(type)->senders & publisher_roles(s, uid))) {
		log_warn("refused %s from uid %u (%s): not an allowed sender",
			 bus_msg_name(type), (unsigned)uid,
			 bus_acl_role_name(&bus->acl, uid));
	} else {
		trace("recv", type, msg, s->peer->name);
		s->fn(type, seq, msg, s->aux);
		s->last_seq = seq;
	}
	bus_msg_free(type, msg);
}

int
bus_subscribe(struct bus *bus, const struct role *peer, bus_notify_fn *fn,
	      void *aux)
{
	struct sub *s = xzalloc(sizeof *s);
	char *path;
	int rv;

	s->bus = bus;
	s->fn = fn;
	s->aux = aux;
	rv = nng_sub0_open(&s->sock);
	if (rv) {
		free(s);
		return nng_to_errno(rv);
	}
	set_reconnect(s->sock);
	rv = nng_socket_set(s->sock, NNG_OPT_SUB_SUBSCRIBE, "", 0);
	if (!rv)
		rv = nng_aio_alloc(&s->aio, on_sub_recv, s);
	if (rv) {
		nng_close(s->sock);
		free(s);
		return nng_to_errno(rv);
	}
	/* The last step that can fail is the dial, before which no pipe
	 * (and no callback holding @s) exists. */
	rv = nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_POST, on_sub_pipe_add, s);
	path = bus_endpoint_path(bus->rundir, peer, "events");
	if (!rv)
		rv = bus_watch_dial(bus->watch, s->sock, path);
	free(path);
	if (rv) {
		nng_aio_free(s->aio);
		nng_close(s->sock);
		free(s);
		return nng_to_errno(rv);
	}
	s->peer = peer;
	s->next = bus->subs;
	bus->subs = s;
	nng_recv_aio(s->sock, s->aio);
	return 0;
}
