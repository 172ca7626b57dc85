/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_watch: keeps a bus's nng endpoints alive.
 *
 * Debian 12's nng (1.5.2) gives up on an ipc listener or dialer for good
 * when a connection fails during the SP handshake with EPIPE, that is when
 * the other side closed before our 8-byte header went out: the endpoint's
 * accept or connect completes with NNG_ECLOSED, which nng takes for "the
 * endpoint was closed" and stops (upstream issue 1518, fixed in 1.6).  One
 * connect() and close() on a bus socket leaves its server deaf: its
 * clients still connect and handshake, and nothing they send is received.
 * A client killed at the wrong moment does the same, and so does a server
 * killed at the wrong moment to its clients' dialers.
 *
 * The watch reads nng's statistics every BUS_WATCH_MS (no thread, no
 * system call; nothing else wakes), and:
 *   - a listener whose "other" or "canceled" error count rose is probed:
 *     a raw connection from this process that sends the handshake.  If
 *     its "accept" count has not moved two readings after the transport
 *     answered the handshake, the listener is dead: it is closed and the
 *     path listened on again.  A process that can no longer create its
 *     socket (it dropped root and the run directory is root's) exits
 *     instead, to be restarted by its supervisor;
 *   - a dialer with no connection whose statistics did not move for 12 s
 *     (a live one fails or succeeds within 10.2 s) is closed and dialled
 *     again.
 *
 * Call from the bus's loop thread only.
 */
#ifndef MICROVS_BUS_WATCH_H
#define MICROVS_BUS_WATCH_H

#include <stdbool.h>

#include <nng/nng.h>

struct ev_loop;
struct bus_watch;

#define BUS_WATCH_MS 2000

struct bus_watch *bus_watch_new(struct ev_loop *loop);
/* Closes nothing of nng's; stops the timer and any probe. */
void bus_watch_free(struct bus_watch *w);

/* Listens on @path (an ipc socket, mode 0660; a stale file there is
 * removed first) with @s and watches the listener.  0 or an nng error. */
int bus_watch_listen(struct bus_watch *w, nng_socket s, const char *path);

/* Dials @path (an ipc socket) with @s, without waiting, and watches the
 * dialer.  0 or an nng error. */
int bus_watch_dial(struct bus_watch *w, nng_socket s, const char *path);

/* nng thread, from a pipe callback: @p comes from this process (the
 * watch's probe), so the caller lets it in without access checks and
 * without logging. */
bool bus_watch_is_probe(nng_pipe p);

#endif
