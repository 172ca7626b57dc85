/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus: the message bus between microvs processes, and the only code that
 * sees nng (STYLE.md rule 5).
 *
 * Each process serves calls on ipc://RUNDIR/<role>.rpc (rep0 with one nng
 * context per outstanding request, so a slow request never blocks others)
 * and publishes notifications on ipc://RUNDIR/<role>.events (pub0).  Before
 * any handler runs, the bus decodes the message strictly and checks the
 * peer's uid (NNG_OPT_IPC_PEER_UID) against the catalogue's senders; a
 * refusal is logged with the uid and the message name and answered with an
 * error reply.  Notifications are a broadcast (pub0): a subscriber whose
 * uid may receive none of the notifications this role sends is
 * disconnected when it connects, and every admitted subscriber receives
 * every notification.  Socket files are 0660; the run directory is
 * expected to be 2750 root:microvs (2770 under systemd).
 *
 * Threading: nng's threads only move messages; they hand every completed
 * receive to the event loop through an eventfd, and every callback below
 * runs on the loop's thread.
 *
 * Lanes (bus_serve_lane(), bus_use_lane(); bus_lane.h): for the calls on
 * the packet path, a server may also listen on RUNDIR/<role>.lane, a unix
 * SOCK_SEQPACKET socket the two loops read and write themselves, without
 * nng's threads.  Same envelope, same access check, same handlers.
 */
#ifndef MICROVS_BUS_H
#define MICROVS_BUS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bus_codec.h"
#include "ev.h"
#include "roles.h"

struct bus;
struct bus_req;

/* Handles one call.  @msg is the decoded struct bus_msg_X; it is freed when
 * the handler returns, so copy what a deferred reply needs.  The handler
 * (now or later) must answer with the call's reply, bus_reply_Y(), or with
 * bus_reply_error(). */
typedef void bus_call_fn(struct bus_req *req, const void *msg, void *aux);

struct bus_handler {
	unsigned type;
	bus_call_fn *fn;
};

/* The outcome of a call answered by Y, as the generated callback type
 *	void bus_Y_fn(int err, const struct bus_msg_Y *reply,
 *		      const char *why, void *arg);
 * receives it: exactly one of
 *   @err 0: @reply is the call's reply (freed after the callback);
 *   @err < 0 and @why not NULL: the peer answered with an error reply (its
 *     refusal, e.g. -EACCES from the access check, or the handler's
 *     error), @why its message;
 *   @err < 0 and @why NULL: no answer: -ETIMEDOUT, -ECONNREFUSED,
 *     -EBADMSG (a reply that is malformed or not the call's), -ECANCELED
 *     (the bus was closed)...
 * @reply is NULL whenever @err is not 0. */

/* A notification from a subscribed peer; @seq is the publisher's sequence
 * number, consecutive unless the subscriber fell behind (then resync).
 * @type BUS_NOTIFY_SUBSCRIBED (@msg NULL, @seq 0): the connection to the
 * publisher is up, at the start and after each reconnect (it restarted):
 * whatever it published meanwhile is lost, so resynchronise. */
#define BUS_NOTIFY_SUBSCRIBED 0
typedef void bus_notify_fn(unsigned type, uint64_t seq, const void *msg,
			   void *aux);

/* Creates the bus endpoint of role @self (NULL for a tool that only calls)
 * in @rundir.  0 or -errno. */
int bus_open(struct ev_loop *loop, const char *rundir, const struct role *self,
	     struct bus **busp);

/* Starts serving: listens on RUNDIR/<role>.rpc and .events and dispatches
 * calls through @handlers.  Call it before dropping privileges when the run
 * directory is root's.  0 or -errno. */
int bus_serve(struct bus *bus, const struct bus_handler *handlers, size_t n,
	      void *aux);

/* Also serves calls on RUNDIR/<role>.lane, a direct connection driven
 * by the loops of both sides without nng's threads (bus_lane.h), for the
 * peers that call this role on the packet path; after bus_serve(), before
 * the privilege drop.  The same access check and handlers as over nng.
 * 0 or -errno. */
int bus_serve_lane(struct bus *bus);

/* Sends this bus's calls to @peer over @peer's lane (bus_serve_lane())
 * while it is connected, over nng otherwise; the lane is dialed at the
 * next call and again 100 ms after it failed.  Calls under way when the
 * peer goes end with -ECONNRESET.  0 or -errno. */
int bus_use_lane(struct bus *bus, const struct role *peer);

/* The client @req came from: an id of the connection it arrived on (the
 * same for every request on that connection, unlike any other
 * connection's for a long time: nng's pipe id), or 0 if unknown. */
uint64_t bus_req_client(const struct bus_req *req);

/* Called on the loop when a client's connection to this server closed:
 * the client exited or closed its bus.  @client is what bus_req_client()
 * gave for its requests; a request of it still unanswered stays valid,
 * and answering it only frees it (nng drops the reply). */
typedef void bus_client_gone_fn(uint64_t client, void *aux);
/* Sets the server's client-gone callback (NULL: none); after
 * bus_serve().  Requests from one connection are handed to their handlers
 * before its client-gone callback runs (both go through the loop's inbox
 * in order: nng hands a request over before it tears the pipe down). */
void bus_on_client_gone(struct bus *bus, bus_client_gone_fn *fn, void *aux);

/* Answers @req with BUS_MSG_ERROR {err (negative errno), message} and
 * frees @req.  0 or -errno (the request is freed even on error). */
int bus_reply_error(struct bus_req *req, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* bus_reply_Y(req, msg) (generated, bus_calls.h): answers @req with @msg,
 * which must be the reply the catalogue pairs with the call, and frees
 * @req.  0 or -errno (the request is freed even on error).  The reply is
 * sent in the background; bus_close() waits for the ones under way. */

/* bus_call_X(bus, peer, msg, timeout_ms, cb, arg) (generated): calls
 * @peer asynchronously with @msg, which the bus copies; @cb (a bus_Y_fn,
 * see above) runs on the loop exactly once, within @timeout_ms.
 * 0 or -errno (then @cb is not called): -EINVAL for a message missing a
 * required field. */

/* bus_call_sync_X(rundir, peer, msg, timeout_ms, &reply, &why)
 * (generated): the same for command-line tools without a loop: one call
 * to @peer in @rundir, waiting at most @timeout_ms on the calling thread
 * (no nng threads: bus_sync.c speaks the wire format itself).  0 with
 * *@reply set (free it with bus_msg_Y_free()); else a negative errno as
 * for bus_Y_fn, *@reply NULL, and, if @why is not NULL, *@why the
 * error reply's message (caller frees) or NULL when there was no answer
 * (-ECONNREFUSED or -ENOENT: peer not running; -ETIMEDOUT, -EBADMSG...). */

/* bus_publish_N(bus, msg) (generated): publishes a notification to every
 * subscriber; never blocks (a slow subscriber loses messages and sees a
 * gap in @seq).  Returns the sequence number used (> 0), or -errno. */

/* Subscribes to @peer's notifications; reconnects by itself.  0 or
 * -errno. */
int bus_subscribe(struct bus *bus, const struct role *peer, bus_notify_fn *fn,
		  void *aux);

/* Stops serving, fails outstanding calls (-ECANCELED) and frees @bus,
 * after waiting for the replies under way to be sent (each at most 5 s).
 * For a process about to exit: the nng sockets that receive are stopped,
 * not closed (nng 1.5.2's close can hang; see bus.c), so a server's peers
 * see it gone only when the process is. */
void bus_close(struct bus *bus);

/* The socket path of @peer's endpoint ("rpc" or "events"); caller frees. */
char *bus_endpoint_path(const char *rundir, const struct role *peer,
			const char *kind);

/* The untyped engine under the generated functions, which are what the
 * rest of the tree calls: they check the types, these check the
 * catalogue (a reply must be the call's or an error).  @call_back calls
 * @cb, a typed callback converted to void (*)(void), with the reply.
 * Contracts as above. */
typedef void bus_call_back_fn(void (*cb)(void), int err, const void *reply,
			      const char *why, void *arg);
int bus_call(struct bus *bus, const struct role *peer, unsigned type,
	     const void *msg, unsigned timeout_ms, bus_call_back_fn *call_back,
	     void (*cb)(void), void *arg);
int bus_call_sync(const char *rundir, const struct role *peer, unsigned type,
		  const void *msg, unsigned timeout_ms, void **reply,
		  char **why);
int bus_reply(struct bus_req *req, unsigned type, const void *msg);
int64_t bus_publish(struct bus *bus, unsigned type, const void *msg);

#include "bus_calls.h"

#endif
