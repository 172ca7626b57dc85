/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_tnlroutes: tunneld's underlay table reaches translation.
 * tunneld publishes the whole table after each change (BUS_MSG_TNL_
 * ROUTES); vswitchd asks for it (BUS_MSG_TNL_ROUTES_GET) at its start,
 * after a gap in the notifications and when tunneld restarted, retrying
 * each second until tunneld answers.  A changed table makes every
 * megaflow be translated again (the outer headers are in their actions).
 * A remote_ip=flow tunnel's destinations are not in the database:
 * translation names each one it finds no route for, and vswitchd asks
 * tunneld to resolve it (BUS_MSG_TNL_REMOTES_WANT), once per tunneld
 * run; the packets before the answer are dropped, as before an ARP
 * reply.
 */
#include "vswitchd.h"

#include <arpa/inet.h>
#include <string.h>

#include "bus.h"
#include "ev.h"
#include "log.h"
#include "roles.h"

LOG_MODULE(tnlroutes);

static uint64_t tunneld_boot, last_seq;
static bool get_inflight;
static struct vswd *the_vswd;
/* Remotes asked for in this tunneld's run (at most ASKED_MAX). */
#define ASKED_MAX 256
static uint32_t asked[ASKED_MAX];
static size_t n_asked;

static void ask(struct vswd *d);

static void
apply(struct vswd *d, uint64_t boot, const struct bus_strv *routes)
{
	struct hnode *n;

	if (boot != tunneld_boot)
		n_asked = 0; /* a new tunneld knows none of them */
	tunneld_boot = boot;
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

	if (type != BUS_MSG_TNL_ROUTES)
		return;
	if (last_seq && seq != last_seq + 1 && m->boot == tunneld_boot)
		log_info("missed tunnel route notifications (%llu -> %llu)",
			 (unsigned long long)last_seq, (unsigned long long)seq);
	last_seq = seq;
	/* The message is the whole table: nothing to resynchronise. */
	apply(d, m->boot, &m->routes);
}

static void
on_want_reply(int err, const struct bus_msg_tnl_routes_reply *r,
	      const char *why, void *arg)
{
	if (err) {
		log_info("tunneld did not take a remote_ip=flow remote: %s",
			 why ? why : strerror(-err));
		n_asked = 0; /* the next packet asks again */
		return;
	}
	apply(arg, r->boot, &r->routes);
}

static void
want(uint32_t remote)
{
	struct bus_msg_tnl_remotes_want m = { .boot = the_vswd->boot };
	char ip[INET_ADDRSTRLEN];
	const char *v[1] = { ip };

	for (size_t i = 0; i < n_asked; i++)
		if (asked[i] == remote)
			return;
	if (n_asked == ASKED_MAX)
		return;
	asked[n_asked++] = remote;
	inet_ntop(AF_INET, &remote, ip, sizeof ip);
	bus_msg_tnl_remotes_want_set_remotes(&m, v, 1);
	if (bus_call_tnl_remotes_want(the_vswd->bus, &roles[ROLE_TUNNELD], &m,
				      5000, on_want_reply, the_vswd))
		n_asked--;
}

void
vswd_tnl_routes_init(struct vswd *d)
{
	the_vswd = d;
	d->vsw.tnl_want = want;
	bus_subscribe(d->bus, &roles[ROLE_TUNNELD], on_notify, d);
	ask(d);
}
