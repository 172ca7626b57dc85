/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_lane: a direct connection between two processes' event loops, for
 * the calls of the packet path (upcalld's upcall batches and revalidation
 * to vswitchd), private to bus/.
 *
 * nng moves every message through its own threads: a call and its reply
 * cross six threads and two eventfds, which cost vswitchd more CPU than
 * translating the packets (perf, flow setup).  A lane is a unix
 * SOCK_SEQPACKET connection read and written by the loops themselves: no
 * thread, one system call per message and side.  It carries the bus's
 * own envelope (bus_codec), so decoding, the catalogue's access check and
 * the handlers are the same as over nng; only the transport differs.
 *
 * Framing: every packet starts with one byte, LANE_MORE when the message
 * continues in the next packet.  Messages up to LANE_CHUNK bytes are one
 * packet; longer ones (a revalidation batch) are split, up to BUS_MAX_MSG.
 * A peer that breaks the framing is disconnected.
 *
 * Identity: SO_PEERCRED, read at accept/connect, as nng's
 * NNG_OPT_IPC_PEER_UID: the client's uid when it connected; for the
 * client, the uid the server had when it called listen() (root, before
 * its privilege drop: only root can create a socket in the run directory).
 *
 * Everything here runs on the loop's thread; nothing blocks.
 */
#ifndef MICROVS_BUS_LANE_H
#define MICROVS_BUS_LANE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ev.h"

struct lane;
struct lane_listener;

/* A whole message arrived on @l: @buf (@len bytes) is valid during the
 * call only. */
typedef void lane_msg_fn(struct lane *l, const void *buf, size_t len,
			 void *aux);
/* @l's peer closed, broke the framing or its socket failed: no message
 * arrives after this.  The owner calls lane_close() (now or later). */
typedef void lane_down_fn(struct lane *l, void *aux);
/* A client connected to @ll: @l is new, its callbacks unset until
 * lane_start(). */
typedef void lane_accept_fn(struct lane_listener *ll, struct lane *l,
			    void *aux);

/* Listens on the unix socket @path (unlinked first: a predecessor's stale
 * socket; mode 0660).  Call before the privilege drop, in a directory no
 * role user can write.  0 or -errno. */
int lane_listen(struct ev_loop *loop, const char *path, lane_accept_fn *fn,
		void *aux, struct lane_listener **llp);
/* Stops listening and closes the socket (the file stays). */
void lane_listener_close(struct lane_listener *ll);

/* Connects to @path without blocking (a unix connect completes or fails
 * at once).  0 with *@lp (call lane_start()), or -errno: -ENOENT or
 * -ECONNREFUSED when nobody listens there. */
int lane_dial(struct ev_loop *loop, const char *path, struct lane **lp);

/* Starts delivering @l's messages to @msg_fn and its end to @down_fn.
 * 0 or -errno. */
int lane_start(struct lane *l, lane_msg_fn *msg_fn, lane_down_fn *down_fn,
	       void *aux);

/* Sends @len bytes (up to BUS_MAX_MSG) as one message.  What the socket
 * cannot take now is copied and sent when it can (in order), so this
 * never blocks.  0, -EMSGSIZE, or -EPIPE when @l is down. */
int lane_send(struct lane *l, const void *buf, size_t len);

/* The peer's uid (see above) and an id of this connection, unique for
 * the process's life and above 2^32 (nng's pipe ids are below). */
uid_t lane_peer_uid(const struct lane *l);
uint64_t lane_id(const struct lane *l);

/* Closes @l: no callback runs after; unsent data is dropped. */
void lane_close(struct lane *l);

#endif
