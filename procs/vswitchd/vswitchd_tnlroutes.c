/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_tnlroutes: tunneld's underlay table reaches translation.
 * tunneld publishes the whole table after each change (BUS_MSG_TNL_
 * ROUTES); vswitchd asks for it (BUS_MSG_TNL_ROUTES_GET) each time its
 * subscription connects (at the start, and when tunneld restarted: what
 * it published before the reconnect is lost), retrying each second until
 * tunneld answers.  A changed table makes every
 * megaflow be translated again (the outer headers are in their actions).
 * A remote_ip=flow tunnel's destinations are not in the database:
 * translation names each one it finds no route for, and vswitchd asks
 * tunneld to resolve it (BUS_MSG_TNL_REMOTES_WANT); the packets before
 * the answer are dropped, as before an ARP reply.  A new tunneld run
 * (another boot in its table) is handed every remote asked so far at
 * once, so a restart of tunneld does not drop their packets.
 */
#include "vswitchd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "ev.h"
#include "log.h"
#include "roles.h"

LOG_MODULE(tnlroutes);

static uint64_t tunneld_boot, last_seq;
static bool get_inflight;
static struct vswd *the_vswd;
/* The remote_ip=flow destinations asked for, as text: the newest
 * ASKED_MAX. */
#define ASKED_MAX 256
static char asked[ASKED_MAX][INET6_ADDRSTRLEN];
static size_t n_asked;

static void ask(struct vswd *d);
static void want_send(void);
/* A call with asked[] in flight, another wanted after it; the tunneld run
 * that took all of asked[]. */
static bool want_inflight, want_again;
static uint64_t want_boot;

static void
apply(struct vswd *d, uint64_t boot, const struct bus_strv *routes)
{
	struct hnode *n;

	tunneld_boot = boot;
	/* A new tunneld knows none of the remote_ip=flow remotes: hand it
	 * all of them, and keep the last table until its reply brings one
	 * with them (a retranslation would drop their packets meanwhile). */
	if (n_asked && boot != want_boot) {
		want_send();
		return;
	}
	if (!tnl_routes_set(&d->vsw, routes->v, routes->n))
		return;
	log_info("tunnel routes: %zu", d->vsw.n_tnl_routes);
	HMAP_FOR_EACH (n, &d->vsw.bridges)
		HMAP_CONTAINER(n, struct bridge, node)->config_version++;
	vswd_tables_check(d);
}

static void
on_retry(struct ev_timer *t, void *arg)
{
	ev_timer_del(t);
	ask(arg);
}

static void
on_reply(int err, const struct bus_msg_tnl_routes_reply *r, const char *why,
	 void *arg)
{
	struct vswd *d = arg;

	get_inflight = false;
	if (err) {
		ev_timer_add(d->loop, 1000, false, on_retry, d);
		return;
	}
	apply(d, r->boot, &r->routes);
}

static void
ask(struct vswd *d)
{
	struct bus_msg_tnl_routes_get m = { .boot = d->boot };

	if (get_inflight)
		return;
	if (bus_call_tnl_routes_get(d->bus, &roles[ROLE_TUNNELD], &m, 5000,
				    on_reply, d))
		ev_timer_add(d->loop, 1000, false, on_retry, d);
	else
		get_inflight = true;
}

static void
on_notify(unsigned type, uint64_t seq, const void *msg, void *aux)
{
	struct vswd *d = aux;
	const struct bus_msg_tnl_routes *m = msg;

	if (type == BUS_NOTIFY_SUBSCRIBED) {
		ask(d);
		return;
	}
	if (type != BUS_MSG_TNL_ROUTES)
		return;
	if (last_seq && seq != last_seq + 1 && m->boot == tunneld_boot)
		log_info("missed tunnel route notifications (%llu -> %llu)",
			 (unsigned long long)last_seq, (unsigned long long)seq);
	last_seq = seq;
	/* The message is the whole table: nothing to resynchronise. */
	apply(d, m->boot, &m->routes);
}

/* ---- remote_ip=flow destinations ---- */

static struct ev_timer *want_retry;

static void
on_want_retry(struct ev_timer *t, void *arg)
{
	ev_timer_del(t);
	want_retry = NULL;
	want_send();
}

static void
want_later(void)
{
	if (!want_retry)
		want_retry = ev_timer_add(the_vswd->loop, 1000, false,
					  on_want_retry, NULL);
}

/* The remotes' packets hit a megaflow that drops them, so no packet asks
 * again: on failure (tunneld away), ask again in a second. */
static void
on_want_reply(int err, const struct bus_msg_tnl_routes_reply *r,
	      const char *why, void *arg)
{
	want_inflight = false;
	if (err == -ECANCELED) /* the bus is closing */
		return;
	if (err) {
		log_info("tunneld did not take the remote_ip=flow remotes: %s",
			 why ? why : strerror(-err));
		want_later();
		return;
	}
	want_boot = r->boot;
	apply(the_vswd, r->boot, &r->routes);
	if (want_again) {
		want_again = false;
		want_send();
	}
}

/* Sends every remote in asked[] to tunneld in one call (it keeps those it
 * has, so asking again is harmless). */
static void
want_send(void)
{
	struct bus_msg_tnl_remotes_want m = { .boot = the_vswd->boot };
	const char *v[ASKED_MAX];

	if (!n_asked)
		return;
	if (want_inflight) {
		want_again = true;
		return;
	}
	for (size_t i = 0; i < n_asked; i++)
		v[i] = asked[i];
	bus_msg_tnl_remotes_want_set_remotes(&m, v, n_asked);
	if (bus_call_tnl_remotes_want(the_vswd->bus, &roles[ROLE_TUNNELD], &m,
				      5000, on_want_reply, NULL))
		want_later();
	else
		want_inflight = true;
}

/* Translation found no route to @remote, a remote_ip=flow destination. */
static void
want(const char *remote)
{
	if (strlen(remote) >= INET6_ADDRSTRLEN)
		return;
	for (size_t i = 0; i < n_asked; i++)
		if (!strcmp(asked[i], remote))
			return;
	if (n_asked == ASKED_MAX)
		memmove(asked, asked + 1, --n_asked * sizeof asked[0]);
	strcpy(asked[n_asked++], remote);
	want_send();
}

void
vswd_tnl_routes_init(struct vswd *d)
{
	the_vswd = d;
	d->vsw.tnl_want = want;
	bus_subscribe(d->bus, &roles[ROLE_TUNNELD], on_notify, d);
	ask(d);
}
