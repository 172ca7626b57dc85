/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vtepd: the VTEP emulator (Open vSwitch's ovs-vtep, in C).  It holds a
 * replica of hardware_vtep and one of Open_vSwitch; after every change,
 * and each second as ovs-vtep does, it computes what the hardware_vtep
 * rows ask for (vtepd_model.c), brings Open_vSwitch in line with one
 * transaction (bridges, patch and VXLAN ports), gives each bridge its
 * flows and learning ports over the bus (BUS_MSG_VTEP_FLOWS: vtepd may
 * open AF_UNIX only, and the OpenFlow management socket is not there
 * yet), and writes the MACs learned on the local ports to
 * Ucast_Macs_Local and the Physical_Port rows of the bridge's ports.
 */
#include "vtepd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "coverage.h"
#include "ev.h"
#include "log.h"
#include "roles.h"
#include "util.h"

LOG_MODULE(vtepd);

COVERAGE_DEFINE(vtepd_refresh);

#define REFRESH_MS 1000

/* What a bridge's local ports learned, as vswitchd last said. */
struct learned {
	char *bridge, *ls;
	char **macs; /* "LS MAC" */
	size_t n;
};

struct vtepd {
	struct ev_loop *loop;
	struct bus *bus;
	struct replica *vtep, *ovs;
	struct ev_timer *timer, *soon;
	bool ovs_txn, vtep_txn;
	struct learned *learned;
	size_t n_learned;
};

static const struct replica_table_spec vtep_tables[] = {
	{ "Global", NULL },
	{ "Physical_Switch", NULL },
	{ "Physical_Port", NULL },
	{ "Logical_Switch", NULL },
	{ "Ucast_Macs_Local", NULL },
	{ "Ucast_Macs_Remote", NULL },
	{ "Mcast_Macs_Remote", NULL },
	{ "Physical_Locator", NULL },
	{ "Physical_Locator_Set", NULL },
	{ "Tunnel", NULL },
};

static const char *const br_cols[] = { "name", "ports", "datapath_type",
				       "external_ids", NULL };
static const char *const port_cols[] = { "name", "interfaces", NULL };
static const char *const if_cols[] = { "name", "type", "options", NULL };
static const struct replica_table_spec ovs_tables[] = {
	{ "Open_vSwitch", NULL },
	{ "Bridge", br_cols },
	{ "Port", port_cols },
	{ "Interface", if_cols },
};

static struct learned *
learned_get(struct vtepd *v, const char *bridge, const char *ls)
{
	struct learned *l;

	for (size_t i = 0; i < v->n_learned; i++)
		if (!strcmp(v->learned[i].bridge, bridge))
			return &v->learned[i];
	v->learned =
		xrealloc(v->learned, (v->n_learned + 1) * sizeof *v->learned);
	l = &v->learned[v->n_learned++];
	memset(l, 0, sizeof *l);
	l->bridge = xstrdup(bridge);
	l->ls = xstrdup(ls);
	return l;
}

static void
learned_clear(struct learned *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->macs[i]);
	free(l->macs);
	l->macs = NULL;
	l->n = 0;
}

struct flows_call {
	struct vtepd *v;
	char *bridge, *ls;
};

static void
on_flows(int err, const struct bus_msg_vtep_flows_reply *r, const char *why,
	 void *arg)
{
	struct flows_call *c = arg;

	if (err) {
		/* Ports not there yet, or vswitchd restarting: the next
		 * refresh tries again. */
		static struct log_rl rl = LOG_RL_INIT(5, 60);

		log_info_rl(&rl, "%s: flows: %s", c->bridge,
			    why ? why : strerror(-err));
	} else if (c->ls) {
		struct learned *l = learned_get(c->v, c->bridge, c->ls);

		learned_clear(l);
		l->macs = xcalloc(r->macs.n + 1, sizeof *l->macs);
		for (size_t i = 0; i < r->macs.n; i++) {
			const char *mac = strchr(r->macs.v[i], ' ');
			if (mac)
				l->macs[l->n++] =
					xasprintf("%s %s", c->ls, mac + 1);
		}
	}
	free(c->bridge);
	free(c->ls);
	free(c);
}

static void
on_ovs_txn(void *aux, int err, const json_t *result, const json_t *error)
{
	struct vtepd *v = aux;

	v->ovs_txn = false;
	if (err || error)
		log_warn("Open_vSwitch transaction failed: %s",
			 err ? strerror(-err) : "error");
}

static void
on_vtep_txn(void *aux, int err, const json_t *result, const json_t *error)
{
	struct vtepd *v = aux;

	v->vtep_txn = false;
	if (err || error) {
		char *s = error ? json_dumps(error, JSON_COMPACT) : NULL;
		log_warn("hardware_vtep transaction failed: %s",
			 s ? s : strerror(-err));
		free(s);
	}
}

static void on_timer(struct ev_timer *t, void *arg);

/* What the bridges' local ports learn comes only from asking vswitchd,
 * so a round runs every REFRESH_MS while some logical switch is bound to
 * a bridge.  Without one the rounds follow the databases' changes alone,
 * and an idle vtepd sleeps. */
static void
poll_learned(struct vtepd *v, bool on)
{
	if (on && !v->timer) {
		v->timer = ev_timer_add(v->loop, REFRESH_MS, true, on_timer, v);
	} else if (!on && v->timer) {
		ev_timer_del(v->timer);
		v->timer = NULL;
	}
}

/* One round: the model, the two transactions, the flows. */
static void
refresh(struct vtepd *v)
{
	struct vtepd_model m;
	char **learned = NULL;
	size_t n_learned = 0;
	json_t *ops;

	if (!replica_is_synced(v->vtep) || !replica_is_synced(v->ovs))
		return;
	coverage_inc(vtepd_refresh);
	vtepd_model_build(v->vtep, v->ovs, &m);
	poll_learned(v, m.n_bridges > 0);
	if (!v->ovs_txn) {
		ops = vtepd_ovs_ops(v->ovs, &m);
		if (json_array_size(ops)) {
			if (!replica_transact(v->ovs, ops, on_ovs_txn, v))
				v->ovs_txn = true;
		} else {
			json_decref(ops);
		}
	}
	for (size_t i = 0; i < m.n_bridges; i++) {
		const struct vtepd_bridge *b = &m.bridges[i];
		struct bus_msg_vtep_flows f = { 0 };
		struct flows_call *c = xzalloc(sizeof *c);

		c->v = v;
		c->bridge = xstrdup(b->name);
		c->ls = b->ls ? xstrdup(b->ls) : NULL;
		f.bridge = b->name;
		bus_msg_vtep_flows_set_flows(&f, (const char *const *)b->flows,
					     b->n_flows);
		bus_msg_vtep_flows_set_learn_ports(
			&f, (const char *const *)b->learn, b->n_learn);
		if (bus_call_vtep_flows(v->bus, &roles[ROLE_VSWITCHD], &f, 5000,
					on_flows, c)) {
			free(c->bridge);
			free(c->ls);
			free(c);
		}
	}
	for (size_t i = 0; i < v->n_learned; i++)
		for (size_t k = 0; k < v->learned[i].n; k++) {
			learned = xrealloc(learned,
					   (n_learned + 1) * sizeof *learned);
			learned[n_learned++] = v->learned[i].macs[k];
		}
	if (!v->vtep_txn) {
		ops = vtepd_vtep_ops(v->vtep, &m, learned, n_learned);
		if (json_array_size(ops)) {
			if (!replica_transact(v->vtep, ops, on_vtep_txn, v))
				v->vtep_txn = true;
		} else {
			json_decref(ops);
		}
	}
	free(learned);
	vtepd_model_free(&m);
}

static void
on_timer(struct ev_timer *t, void *arg)
{
	refresh(arg);
}

static void
on_soon(struct ev_timer *t, void *arg)
{
	struct vtepd *v = arg;

	ev_timer_del(t);
	v->soon = NULL;
	refresh(v);
}

static void
on_changed(void *aux, struct replica *r, bool reload)
{
	struct vtepd *v = aux;

	replica_clear_changes(r);
	if (!v->soon)
		v->soon = ev_timer_add(v->loop, 0, false, on_soon, v);
}

static const struct replica_ops replica_ops = {
	.changed = on_changed,
};

struct vtepd *
vtepd_new(void)
{
	return xzalloc(sizeof(struct vtepd));
}

void
vtepd_start(struct vtepd *v, struct ev_loop *loop, struct bus *bus)
{
	int r;

	v->loop = loop;
	v->bus = bus;
	r = replica_open(loop, bus, "hardware_vtep", vtep_tables,
			 ARRAY_SIZE(vtep_tables), &replica_ops, v, &v->vtep);
	if (!r)
		r = replica_open(loop, bus, "Open_vSwitch", ovs_tables,
				 ARRAY_SIZE(ovs_tables), &replica_ops, v,
				 &v->ovs);
	if (r)
		fatal("replica: %s", strerror(-r));
}
