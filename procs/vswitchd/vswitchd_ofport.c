/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofport: port-status messages, and port-mod.  After each
 * reconciliation the ports of every bridge are compared with what was announced
 * last: a new port is OFPPR_ADD, a port gone OFPPR_DELETE, a port whose
 * description changed (address, config, state) OFPPR_MODIFY, sent to the
 * bridge's controllers and to the service connections that asked for
 * asynchronous messages.  A bridge seen for the first time announces
 * nothing.
 */
#include "ofconn.h"

#include <stdlib.h>
#include <string.h>

#include "ofp_misc.h"
#include "ofp_port.h"

struct ofport_seen {
	struct hnode node; /* in vswd_of.port_seen, by bridge id */
	uint64_t bridge_id;
	struct ofp_phy_port *ports;
	size_t n;
	bool alive; /* sync's mark */
};

static struct ofport_seen *
seen_find(struct vswd_of *of, uint64_t id)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&of->port_seen, (uint32_t)id); n;
	     n = hmap_next_with_hash(n)) {
		struct ofport_seen *s =
			HMAP_CONTAINER(n, struct ofport_seen, node);
		if (s->bridge_id == id)
			return s;
	}
	return NULL;
}

static const struct ofp_phy_port *
port_in(const struct ofp_phy_port *ports, size_t n, uint32_t port_no)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i].port_no == port_no)
			return &ports[i];
	return NULL;
}

static void
announce(struct vswd *d, uint64_t bridge_id, uint8_t reason,
	 const struct ofp_phy_port *pp)
{
	struct ofconn *c;

	LIST_FOR_EACH (c, node, &d->of->conns) {
		struct ofpbuf b = OFPBUF_EMPTY;

		if (c->bridge_id != bridge_id ||
		    !ofconn_wants_async(c, OFP_ASYNC_PORT_STATUS, reason))
			continue;
		ofp_encode_port_status(&b, reason, pp, c->version);
		ofconn_send(c, &b);
		ofpbuf_uninit(&b);
	}
}

void
ofport_sync(struct vswd *d)
{
	struct vswd_of *of = d->of;
	struct hnode *n, *next;

	HMAP_FOR_EACH (n, &of->port_seen)
		HMAP_CONTAINER(n, struct ofport_seen, node)->alive = false;
	HMAP_FOR_EACH (n, &d->vsw.bridges) {
		const struct bridge *br =
			HMAP_CONTAINER(n, struct bridge, node);
		struct ofport_seen *s = seen_find(of, br->id);
		struct ofp_phy_port *now = NULL;
		const struct port *port;
		size_t k = 0;
		bool first = !s;

		LIST_FOR_EACH (port, in_bridge, &br->port_list) {
			now = xrealloc(now, (k + 1) * sizeof *now);
			ofconn_phy_port(d, port, &now[k++]);
		}
		if (first) {
			s = xzalloc(sizeof *s);
			s->bridge_id = br->id;
			hmap_insert(&of->port_seen, &s->node, (uint32_t)br->id);
		}
		for (size_t i = 0; !first && i < k; i++) {
			const struct ofp_phy_port *old =
				port_in(s->ports, s->n, now[i].port_no);
			if (!old)
				announce(d, br->id, OFPPR_ADD, &now[i]);
			else if (memcmp(old, &now[i], sizeof *old))
				announce(d, br->id, OFPPR_MODIFY, &now[i]);
		}
		for (size_t i = 0; !first && i < s->n; i++)
			if (!port_in(now, k, s->ports[i].port_no))
				announce(d, br->id, OFPPR_DELETE, &s->ports[i]);
		free(s->ports);
		s->ports = now;
		s->n = k;
		s->alive = true;
	}
	HMAP_FOR_EACH_SAFE (n, next, &of->port_seen) {
		struct ofport_seen *s =
			HMAP_CONTAINER(n, struct ofport_seen, node);
		if (!s->alive) {
			hmap_remove(&of->port_seen, &s->node);
			free(s->ports);
			free(s);
		}
	}
}

/* The config bits port-mod sets on the port itself; PORT_DOWN goes to
 * the device. */
#define PORT_MOD_BITS \
	(OFPPC_NO_RECV | OFPPC_NO_FLOOD | OFPPC_NO_FWD | OFPPC_NO_PACKET_IN)

enum ofperr
ofconn_port_mod_check(struct ofconn *c, const struct ofp_port_mod *pm,
		      struct port **portp)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_phy_port pp;
	struct port *port;

	if (!br)
		return OFPERR_OFPBRC_EPERM;
	port = bridge_port_by_ofp(br, pm->port_no);
	if (!port)
		return OFPERR_OFPPMFC_BAD_PORT;
	ofconn_phy_port(c->d, port, &pp);
	if (memcmp(pp.hw_addr, pm->hw_addr, 6))
		return OFPERR_OFPPMFC_BAD_HW_ADDR;
	*portp = port;
	return 0;
}

void
ofconn_port_mod_apply(struct ofconn *c, struct port *port,
		      const struct ofp_port_mod *pm)
{
	struct bridge *br = ofconn_bridge(c);
	uint32_t config = (port->config & ~pm->mask) | (pm->config & pm->mask);

	config &= PORT_MOD_BITS;
	if (br && config != port->config) {
		port->config = config;
		/* Flooding, forwarding and receiving change: revalidate. */
		br->config_version++;
		c->d->of->tables_dirty = true;
		ofport_sync(c->d);
	}
	if (pm->mask & OFPPC_PORT_DOWN) {
		struct vswd_iface *vif = vswd_iface_find(c->d, port->name);
		bool up = !(pm->config & OFPPC_PORT_DOWN);

		if (vif && vif->state == VIF_UP && vif->info.admin_up != up)
			vswd_dp_port_set(c->d, vif, up, NULL);
	}
}

enum ofperr
ofconn_port_mod(struct ofconn *c, const struct ofp_msg *m)
{
	struct ofp_port_mod pm;
	struct port *port;
	enum ofperr e = ofp_decode_port_mod(m, &pm, false);

	if (!e)
		e = ofconn_port_mod_check(c, &pm, &port);
	if (!e)
		ofconn_port_mod_apply(c, port, &pm);
	return e;
}
