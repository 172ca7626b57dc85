/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tunneld: the underlay of the tunnel ports.  It holds a replica of the
 * Interface table (type, options) and, for every remote_ip of a vxlan,
 * gre or geneve interface, finds how the host would send to it: the
 * egress device, the source address, the next hop's MAC
 * (tunneld_netlink.c).  An unknown next hop is solicited (the kernel
 * sends the ARP request); its answer arrives as a neighbour
 * notification, as do route, address and link changes, and each change
 * re-resolves every remote.  The table goes to vswitchd (BUS_MSG_TNL_
 * ROUTES, published whole after each change; BUS_MSG_TNL_ROUTES_GET for
 * a vswitchd that starts or missed one), which builds the outer headers
 * of TUNNEL_PUSH from it.  Interface.status gets tunnel_egress_iface and
 * tunnel_egress_iface_carrier, as Open vSwitch writes them.
 */
#include "tunneld.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appctl.h"
#include "bus.h"
#include "bus_calls.h"
#include "hmap.h"
#include "log.h"
#include "ovsdb_db.h"
#include "replica.h"
#include "roles.h"
#include "service.h"
#include "util.h"

LOG_MODULE(tunneld);

/* Remotes asked for by vswitchd for remote_ip=flow tunnels. */
#define TNLD_WANTED_MAX 256

/* One remote address some tunnel interface names. */
struct tnld_remote {
	struct in6_addr ip;
	struct tnld_underlay u;
	int error; /* of the last resolution */
	bool seen;
};

struct tnld {
	struct ev_loop *loop;
	struct bus *bus;
	struct replica *rep;
	struct tnld_nl *nl;
	uint64_t boot;
	struct tnld_remote *remotes;
	size_t n_remotes;
	char **routes; /* the table as last published */
	size_t n_routes;
	struct in6_addr wanted[TNLD_WANTED_MAX]; /* remote_ip=flow ones */
	bool published; /* a table from the synced replica went out */
	size_t n_wanted;
	bool txn_inflight, txn_again;
};

static const char *const iface_columns[] = { "name", "type", "options",
					     "status", NULL };
static const struct replica_table_spec tables[] = {
	{ "Interface", iface_columns },
};

static bool
is_tunnel(const char *type)
{
	return !strcmp(type, "vxlan") || !strcmp(type, "gre") ||
	       !strcmp(type, "geneve");
}

static struct tnld_remote *
remote_find(struct tnld *t, const struct in6_addr *ip)
{
	for (size_t i = 0; i < t->n_remotes; i++)
		if (!memcmp(&t->remotes[i].ip, ip, sizeof *ip))
			return &t->remotes[i];
	return NULL;
}

/* Marks @ip as a remote, adding it if new. */
static void
remote_mark(struct tnld *t, const struct in6_addr *ip)
{
	struct tnld_remote *r = remote_find(t, ip);

	if (!r) {
		t->remotes =
			xrealloc(t->remotes, (t->n_remotes + 1) * sizeof *r);
		r = &t->remotes[t->n_remotes++];
		memset(r, 0, sizeof *r);
		r->ip = *ip;
	}
	r->seen = true;
}

static bool
row_remote_flow(const struct ovsdb_row *row)
{
	const char *r = replica_get_map(row, "options", "remote_ip");

	return r && !strcmp(r, "flow");
}

/* The remote_ip of tunnel interface @row, IPv4 or IPv6, in *@a; false
 * for none or "flow". */
static bool
row_remote(const struct ovsdb_row *row, struct in6_addr *a)
{
	const char *r = replica_get_map(row, "options", "remote_ip");

	return r && tnld_ip_parse(r, a);
}

static void
mac_str(char *buf, const uint8_t m[6])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static char *
route_text(const struct tnld_remote *r)
{
	char ip[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN], smac[18], dmac[18];

	tnld_ip_text(&r->ip, ip);
	tnld_ip_text(&r->u.src, src);
	mac_str(smac, r->u.smac);
	if (r->u.resolved)
		mac_str(dmac, r->u.dmac);
	else
		strcpy(dmac, "-");
	return xasprintf("%s %s %s %s %s %s", ip, r->u.dev, src, smac, dmac,
			 r->u.carrier ? "up" : "down");
}

static void
routes_free(struct tnld *t)
{
	for (size_t i = 0; i < t->n_routes; i++)
		free(t->routes[i]);
	free(t->routes);
	t->routes = NULL;
	t->n_routes = 0;
}

static void write_status(struct tnld *t);

/* Resolves every remote again; publishes the table if it changed. */
static void
resolve_all(struct tnld *t)
{
	struct ovsdb_table *it =
		t->rep ? replica_table(t->rep, "Interface") : NULL;
	char **routes;
	size_t n = 0;
	bool same, flow = false;
	struct hnode *hn;

	for (size_t i = 0; i < t->n_remotes; i++)
		t->remotes[i].seen = false;
	if (it) {
		HMAP_FOR_EACH (hn, &it->rows) {
			const struct ovsdb_row *row =
				HMAP_CONTAINER(hn, struct ovsdb_row, node);
			struct in6_addr ip;

			if (!is_tunnel(replica_get_str(row, "type")))
				continue;
			flow |= row_remote_flow(row);
			if (row_remote(row, &ip))
				remote_mark(t, &ip);
		}
	}
	/* vswitchd's remote_ip=flow destinations, while such a tunnel
	 * exists (kept until the replica can say: vswitchd may ask before
	 * it is synced, and asks only once). */
	if (!flow && it && replica_is_synced(t->rep))
		t->n_wanted = 0;
	for (size_t i = 0; i < t->n_wanted; i++)
		remote_mark(t, &t->wanted[i]);
	for (size_t i = 0; i < t->n_remotes;) {
		if (!t->remotes[i].seen) {
			t->remotes[i] = t->remotes[--t->n_remotes];
			continue;
		}
		i++;
	}
	routes = xcalloc(t->n_remotes + 1, sizeof *routes);
	for (size_t i = 0; i < t->n_remotes; i++) {
		struct tnld_remote *r = &t->remotes[i];

		r->error = tnld_nl_resolve(t->nl, &r->ip, &r->u);
		if (r->error) {
			char ip[INET6_ADDRSTRLEN];

			log_info("%s: no route (%s)", tnld_ip_text(&r->ip, ip),
				 strerror(-r->error));
			continue;
		}
		if (!r->u.resolved)
			tnld_nl_solicit(&r->ip);
		routes[n++] = route_text(r);
	}
	same = n == t->n_routes;
	for (size_t i = 0; same && i < n; i++)
		same = !strcmp(routes[i], t->routes[i]);
	/* The first table of this run goes out even if it is empty, once
	 * the replica says what the tunnels are: vswitchd learns the new
	 * boot and drops what the last run resolved (remote_ip=flow
	 * destinations it then asks for again).  A subscriber that was
	 * not yet connected asks for the table when it is (BUS_MSG_TNL_
	 * ROUTES_GET on BUS_NOTIFY_SUBSCRIBED). */
	if (!t->published && it && replica_is_synced(t->rep)) {
		t->published = true;
		same = false;
	}
	if (same) {
		for (size_t i = 0; i < n; i++)
			free(routes[i]);
		free(routes);
	} else {
		struct bus_msg_tnl_routes m = { 0 };

		routes_free(t);
		t->routes = routes;
		t->n_routes = n;
		bus_msg_tnl_routes_set_boot(&m, t->boot);
		bus_msg_tnl_routes_set_routes(&m, (const char *const *)routes,
					      n);
		bus_publish_tnl_routes(t->bus, &m);
		for (size_t i = 0; i < n; i++)
			log_info("route: %s", routes[i]);
	}
	write_status(t);
}

/* ---- Interface.status ---- */

static void
on_txn(void *aux, int err, const json_t *result, const json_t *error)
{
	struct tnld *t = aux;

	t->txn_inflight = false;
	if (err || error)
		log_warn("status update failed: %s",
			 err ? strerror(-err) : "error");
	if (t->txn_again) {
		t->txn_again = false;
		write_status(t);
	}
}

/* Sets status:tunnel_egress_iface and tunnel_egress_iface_carrier of
 * each tunnel interface whose values differ from the replica's. */
static void
write_status(struct tnld *t)
{
	struct ovsdb_table *it =
		t->rep ? replica_table(t->rep, "Interface") : NULL;
	json_t *ops;
	struct hnode *hn;

	if (!it)
		return;
	if (t->txn_inflight) {
		t->txn_again = true;
		return;
	}
	ops = json_array();
	HMAP_FOR_EACH (hn, &it->rows) {
		const struct ovsdb_row *row =
			HMAP_CONTAINER(hn, struct ovsdb_row, node);
		struct tnld_remote *r = NULL;
		struct in6_addr ip;
		const char *dev = NULL, *carrier = NULL;
		const char *odev, *ocar;
		char uuid[40];
		json_t *ins, *del;

		if (!is_tunnel(replica_get_str(row, "type")))
			continue;
		if (row_remote(row, &ip))
			r = remote_find(t, &ip);
		if (r && !r->error) {
			dev = r->u.dev;
			carrier = r->u.carrier ? "up" : "down";
		}
		odev = replica_get_map(row, "status", "tunnel_egress_iface");
		ocar = replica_get_map(row, "status",
				       "tunnel_egress_iface_carrier");
		if ((!dev && !odev && !ocar) ||
		    (dev && odev && ocar && !strcmp(dev, odev) &&
		     !strcmp(carrier, ocar)))
			continue;
		ovsdb_uuid_format(ovsdb_row_uuid(row), uuid);
		del = json_pack("[s,s,[s,[s,s]]]", "status", "delete", "set",
				"tunnel_egress_iface",
				"tunnel_egress_iface_carrier");
		ins = dev ? json_pack("[s,s,[s,[[s,s],[s,s]]]]", "status",
				      "insert", "map", "tunnel_egress_iface",
				      dev, "tunnel_egress_iface_carrier",
				      carrier)
			  : NULL;
		json_array_append_new(
			ops, json_pack("{s:s,s:s,s:[[s,s,[s,s]]],s:[o]}", "op",
				       "mutate", "table", "Interface", "where",
				       "_uuid", "==", "uuid", uuid, "mutations",
				       del));
		if (ins)
			json_array_append_new(
				ops,
				json_pack("{s:s,s:s,s:[[s,s,[s,s]]],s:[o]}",
					  "op", "mutate", "table", "Interface",
					  "where", "_uuid", "==", "uuid", uuid,
					  "mutations", ins));
	}
	if (!json_array_size(ops)) {
		json_decref(ops);
		return;
	}
	if (!replica_transact(t->rep, ops, on_txn, t))
		t->txn_inflight = true;
}

/* ---- events ---- */

static void
on_changed(void *aux, struct replica *r, bool reload)
{
	struct tnld *t = aux;

	replica_clear_changes(r);
	resolve_all(t);
}

static const struct replica_ops replica_ops = {
	.changed = on_changed,
};

static void
on_netlink(void *aux)
{
	resolve_all(aux);
}

void
tnld_on_routes_get(struct bus_req *req, const void *msg, void *aux)
{
	struct tnld *t = aux;
	struct bus_msg_tnl_routes_reply r = { 0 };

	bus_msg_tnl_routes_reply_set_boot(&r, t->boot);
	bus_msg_tnl_routes_reply_set_routes(&r, (const char *const *)t->routes,
					    t->n_routes);
	bus_reply_tnl_routes_reply(req, &r);
}

void
tnld_on_remotes_want(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_tnl_remotes_want *m = msg;
	struct tnld *t = aux;
	bool bad = false;

	for (size_t i = 0; i < m->remotes.n; i++) {
		struct in6_addr a;
		size_t k;

		if (!tnld_ip_parse(m->remotes.v[i], &a)) {
			log_warn("vswitchd wants a remote that is no IP "
				 "address: %.64s",
				 m->remotes.v[i]);
			bad = true;
			continue;
		}
		for (k = 0;
		     k < t->n_wanted && memcmp(&t->wanted[k], &a, sizeof a);
		     k++)
			;
		if (k < t->n_wanted)
			continue;
		if (t->n_wanted == TNLD_WANTED_MAX) {
			memmove(t->wanted, t->wanted + 1,
				(TNLD_WANTED_MAX - 1) * sizeof *t->wanted);
			t->n_wanted--;
		}
		t->wanted[t->n_wanted++] = a;
	}
	resolve_all(t);
	if (bad) {
		bus_reply_error(req, -EINVAL, "a remote is no IP address");
		return;
	}
	tnld_on_routes_get(req, msg, aux);
}

/* ---- appctl ---- */

/* tnl/neigh/show and tnl/arp/show, in Open vSwitch's layout. */
static void
cmd_neigh_show(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct tnld *t = aux;
	struct ds out = DS_EMPTY;

	ds_printf(&out, "%-45s %-19s %s\n", "IP", "MAC", "Bridge");
	ds_put(&out, "================================================"
		     "==========================\n");
	for (size_t i = 0; i < t->n_remotes; i++) {
		const struct tnld_remote *r = &t->remotes[i];
		char ip[INET6_ADDRSTRLEN], mac[18];

		if (r->error || !r->u.resolved)
			continue;
		tnld_ip_text(&r->u.nexthop, ip);
		mac_str(mac, r->u.dmac);
		ds_printf(&out, "%-45s %-19s %s\n", ip, mac, r->u.dev);
	}
	appctl_reply(c, ds_cstr(&out));
	ds_free(&out);
}

static void
cmd_neigh_flush(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct tnld *t = aux;

	/* The kernel's neighbour table is the cache: forget what was
	 * published and resolve again. */
	routes_free(t);
	resolve_all(t);
	appctl_reply(c, "OK\n");
}

static void
cmd_ports_show(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct tnld *t = aux;
	struct ovsdb_table *it = replica_table(t->rep, "Interface");
	struct ds out = DS_EMPTY;
	unsigned vx = 0, gn = 0, gre = 0;
	struct hnode *hn;

	if (it) {
		HMAP_FOR_EACH (hn, &it->rows) {
			const char *type = replica_get_str(
				HMAP_CONTAINER(hn, struct ovsdb_row, node),
				"type");
			vx += !strcmp(type, "vxlan");
			gn += !strcmp(type, "geneve");
			gre += !strcmp(type, "gre");
		}
	}
	ds_put(&out, "Listening ports:\n");
	if (gn)
		ds_printf(&out, "genev_sys_6081 (6081) ref_cnt=%u\n", gn);
	if (gre)
		ds_printf(&out, "gre_sys (0) ref_cnt=%u\n", gre);
	if (vx)
		ds_printf(&out, "vxlan_sys_4789 (4789) ref_cnt=%u\n", vx);
	appctl_reply(c, ds_cstr(&out));
	ds_free(&out);
}

void
tnld_start(struct tnld *t, struct ev_loop *loop, struct bus *bus)
{
	int r;

	t->loop = loop;
	t->bus = bus;
	t->boot = random_id();
	r = tnld_nl_open(loop, on_netlink, t, &t->nl);
	if (r)
		fatal("rtnetlink: %s", strerror(-r));
	r = replica_open(loop, bus, "Open_vSwitch", tables, ARRAY_SIZE(tables),
			 &replica_ops, t, &t->rep);
	if (r)
		fatal("replica: %s", strerror(-r));
	appctl_register("tnl/neigh/show", "", 0, 0, cmd_neigh_show, t);
	appctl_register("tnl/arp/show", "", 0, 0, cmd_neigh_show, t);
	appctl_register("tnl/neigh/flush", "", 0, 0, cmd_neigh_flush, t);
	appctl_register("tnl/arp/flush", "", 0, 0, cmd_neigh_flush, t);
	appctl_register("tnl/ports/show", "[-v]", 0, 1, cmd_ports_show, t);
}

struct tnld *
tnld_new(void)
{
	return xzalloc(sizeof(struct tnld));
}
