/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofmsg: the handlers of the switch's own OpenFlow messages
 * (echo, features, switch config, barrier, descriptions, port
 * descriptions, table statistics, the Nicira protocol switches and the
 * bridge's TLV mapping table for tun_metadata), and
 * the table of every handler.  Values are those Open vSwitch 3.1 sends for
 * a netdev bridge (recorded in tests/ofctl-diff's goldens).
 */
#include "ofconn.h"

#include <stdio.h>
#include <string.h>

#include "ofp_port.h"
#include "ofp_protocol.h"

/* Open vSwitch's capabilities and OpenFlow 1.0 action bits. */
#define OFCONN_CAPABILITIES                                        \
	(OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS |    \
	 OFPC_GROUP_STATS | OFPC_QUEUE_STATS | OFPC_ARP_MATCH_IP | \
	 OFPC_BUNDLES)
#define OFCONN_OF10_ACTIONS 0xfff
#define OFCONN_N_TABLES 254

static enum ofperr
on_echo(struct ofconn *c, const struct ofp_msg *m)
{
	struct ofpbuf b = OFPBUF_EMPTY;
	size_t start = ofp_msg_start(&b, OFPRAW_ECHO_REPLY, m->version, m->xid);

	ofpbuf_put(&b, m->body, m->body_len);
	ofp_msg_finish(&b, start);
	ofconn_send(c, &b);
	ofpbuf_uninit(&b);
	return 0;
}

/* The datapath id: the local port's MAC under 16 zero bits, as the
 * status column says. */
static uint64_t
datapath_id(struct ofconn *c, const struct bridge *br)
{
	struct vswd_iface *vif = vswd_iface_find(c->d, br->name);
	uint64_t id = 0;

	if (br->dpid_cfg)
		return br->dpid_cfg;
	if (vif && vif->state == VIF_UP)
		for (int i = 0; i < 6; i++)
			id = id << 8 | vif->info.mac[i];
	return id;
}

void
ofconn_phy_port(struct vswd *d, const struct port *port,
		struct ofp_phy_port *pp)
{
	struct vswd_iface *vif = vswd_iface_find(d, port->name);

	memset(pp, 0, sizeof *pp);
	pp->port_no = port->ofp_port;
	snprintf(pp->name, sizeof pp->name, "%s", port->name);
	if (vif && vif->state == VIF_UP) {
		memcpy(pp->hw_addr, vif->info.mac, 6);
		if (!vif->info.admin_up)
			pp->config |= OFPPC_PORT_DOWN;
		if (!vif->info.carrier)
			pp->state |= OFPPS_LINK_DOWN;
		else
			pp->state |= OFPPS_LIVE;
		pp->curr_speed = (uint32_t)(vif->info.speed_mbps * 1000);
		pp->max_speed = 0;
	} else if (!port->peer) {
		pp->config |= OFPPC_PORT_DOWN;
		pp->state |= OFPPS_LINK_DOWN;
	} else {
		pp->state |= OFPPS_LIVE;
	}
	pp->config |= port->config;
}

static enum ofperr
on_features(struct ofconn *c, const struct ofp_msg *m)
{
	const struct bridge *br = ofconn_bridge(c);
	struct ofp_switch_features sf = {
		.n_tables = OFCONN_N_TABLES,
		.capabilities = OFCONN_CAPABILITIES,
		.ofpacts = OFCONN_OF10_ACTIONS,
	};
	struct ofpbuf b = OFPBUF_EMPTY;
	const struct port *port;
	size_t start;

	if (!br)
		return OFPERR_OFPBRC_EPERM;
	sf.datapath_id = datapath_id(c, br);
	start = ofp_encode_switch_features(&b, &sf, m->version, m->xid);
	if (m->version <= OFP12_VERSION) {
		LIST_FOR_EACH (port, in_bridge, &br->port_list) {
			struct ofp_phy_port pp;
			ofconn_phy_port(c->d, port, &pp);
			ofp_put_phy_port(m->version, &pp, &b);
		}
		ofp_msg_finish(&b, start);
	}
	ofconn_send(c, &b);
	ofpbuf_uninit(&b);
	return 0;
}

/* Appends @port's entry to a reply of @version (port-desc or port-stats). */
typedef void port_entry_fn(struct vswd *d, const struct port *port,
			   uint8_t version, struct ofpbuf *b);

/* A multipart reply to @m with an entry for every port of the bridge, or
 * for port @which only (OFPP_NONE: all; a port it lacks: no entry). */
static enum ofperr
reply_per_port(struct ofconn *c, const struct ofp_msg *m, enum ofperr e,
	       uint32_t which, port_entry_fn *fn)
{
	const struct bridge *br = ofconn_bridge(c);
	const struct port *port;
	struct ofconn_mp mp;

	if (e)
		return e;
	if (!br)
		return OFPERR_OFPBRC_EPERM;
	ofconn_mp_start(&mp, m);
	LIST_FOR_EACH (port, in_bridge, &br->port_list) {
		if (which != OFPP_NONE && which != port->ofp_port)
			continue;
		fn(c->d, port, m->version, &mp.b);
		ofconn_mp_room(&mp);
	}
	ofconn_mp_finish(c, &mp);
	return 0;
}

static void
put_port_desc(struct vswd *d, const struct port *port, uint8_t version,
	      struct ofpbuf *b)
{
	struct ofp_phy_port pp;

	ofconn_phy_port(d, port, &pp);
	ofp_put_phy_port(version, &pp, b);
}

static enum ofperr
on_port_desc(struct ofconn *c, const struct ofp_msg *m)
{
	uint32_t which;
	enum ofperr e = ofp_decode_port_desc_request(m, &which);

	return reply_per_port(c, m, e, which, put_port_desc);
}

/* The counters of @port in an entry of a port-stats reply: the device's
 * as upcalld last reported them (every few seconds; none for a patch
 * port), the ones no device of ours counts unknown, as Open vSwitch
 * shows them for its netdev ports. */
static void
port_stats_of(struct vswd *d, const struct port *port,
	      struct ofp_port_stats *ps)
{
	const struct vswd_iface *vif = vswd_iface_find(d, port->name);
	const struct mvs_port_stats *st =
		vif && vif->state == VIF_UP ? &vif->info.stats : NULL;
	uint64_t age = time_mono_ms() - port->created_ms;

	memset(ps, 0xff, sizeof *ps);
	ps->port_no = port->ofp_port;
	ps->duration_sec = (uint32_t)(age / 1000);
	ps->duration_nsec = (uint32_t)(age % 1000 * 1000000);
	ps->rx_packets = st ? st->rx_packets : 0;
	ps->tx_packets = st ? st->tx_packets : 0;
	ps->rx_bytes = st ? st->rx_bytes : 0;
	ps->tx_bytes = st ? st->tx_bytes : 0;
	if (st && vif->info.ifindex) { /* a device: the kernel counts these */
		ps->rx_dropped = st->rx_dropped;
		ps->tx_dropped = st->tx_dropped;
		ps->rx_errors = st->rx_errors;
		ps->tx_errors = st->tx_errors;
		ps->rx_frame_errors = ps->rx_over_errors = 0;
		ps->rx_crc_errors = ps->collisions = 0;
	}
	ps->n_custom = 0;
	ps->custom = NULL;
}

static void
put_port_stats(struct vswd *d, const struct port *port, uint8_t version,
	       struct ofpbuf *b)
{
	struct ofp_port_stats ps;

	port_stats_of(d, port, &ps);
	ofp_append_port_stats(b, version, &ps);
}

/* OFPST_PORT: every port, or the one asked for (none: an empty reply). */
static enum ofperr
on_port_stats(struct ofconn *c, const struct ofp_msg *m)
{
	uint32_t which;
	enum ofperr e = ofp_decode_port_stats_request(m, &which);

	return reply_per_port(c, m, e, which, put_port_stats);
}

static enum ofperr
on_get_config(struct ofconn *c, const struct ofp_msg *m)
{
	const struct bridge *br = ofconn_bridge(c);
	struct ofp_switch_config sc = {
		.frag = br ? (enum ofp_frag)br->frag_mode : OFP_FRAG_NORMAL,
		.invalid_ttl_to_controller =
			m->version >= OFP11_VERSION &&
					m->version <= OFP12_VERSION
				? 0
				: -1,
		.miss_send_len = c->miss_send_len,
	};
	struct ofpbuf b = OFPBUF_EMPTY;

	ofp_encode_switch_config(&b, &sc, OFPRAW_GET_CONFIG_REPLY, m->version,
				 m->xid);
	ofconn_send(c, &b);
	ofpbuf_uninit(&b);
	return 0;
}

static enum ofperr
on_set_config(struct ofconn *c, const struct ofp_msg *m)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_switch_config sc;
	enum ofperr e = ofp_decode_switch_config(m, &sc);

	if (e)
		return e;
	/* Reassembly is not done, as in Open vSwitch: the mode stays. */
	if (br && sc.frag != OFP_FRAG_REASM && br->frag_mode != sc.frag) {
		br->frag_mode = (uint8_t)sc.frag;
		br->tables.version++;
		c->d->of->tables_dirty = true; /* the megaflows follow */
	}
	c->miss_send_len = sc.miss_send_len;
	return 0;
}

static enum ofperr
on_barrier(struct ofconn *c, const struct ofp_msg *m)
{
	struct ofpbuf b = OFPBUF_EMPTY;
	size_t start = ofp_msg_start(
		&b, ofconn_raw_for(OFPTYPE_BARRIER_REPLY, m->version),
		m->version, m->xid);

	/* What came before is in the tables; the datapath follows soon. */
	if (c->d->of->tables_dirty)
		ofconn_publish_soon(c->d->of);
	ofp_msg_finish(&b, start);
	ofconn_send(c, &b);
	ofpbuf_uninit(&b);
	return 0;
}

/* Appends a NUL-padded string field of @n bytes. */
static void
put_str(struct ofpbuf *b, const char *s, size_t n)
{
	size_t len = strlen(s) < n ? strlen(s) : n - 1;

	ofpbuf_put(b, s, len);
	ofpbuf_put_zeros(b, n - len);
}

static enum ofperr
on_desc(struct ofconn *c, const struct ofp_msg *m)
{
	const struct bridge *br = ofconn_bridge(c);
	struct ofconn_mp mp;

	ofconn_mp_start(&mp, m);
	put_str(&mp.b, "Nicira, Inc.", 256);
	put_str(&mp.b, "Open vSwitch", 256);
	put_str(&mp.b, "3.1.0", 256);
	put_str(&mp.b, "None", 32);
	put_str(&mp.b, br && br->dp_desc ? br->dp_desc : "None", 256);
	ofconn_mp_finish(c, &mp);
	return 0;
}

/* NXT_SET_FLOW_FORMAT: OpenFlow 1.0's match (0) or NXM (2). */
static enum ofperr
on_set_flow_format(struct ofconn *c, const struct ofp_msg *m)
{
	uint32_t format;
	bool tid =
		c->protocol & (OFP_PROTO_OF10_STD_TID | OFP_PROTO_OF10_NXM_TID);

	if (m->body_len < 4)
		return OFPERR_OFPBRC_BAD_LEN;
	format = get_be32(m->body);
	if (format == 0)
		c->protocol = OFP_PROTO_OF10_STD;
	else if (format == 2)
		c->protocol = OFP_PROTO_OF10_NXM;
	else
		return OFPERR_OFPBRC_EPERM;
	c->protocol = ofp_protocol_set_tid(c->protocol, tid);
	return 0;
}

/* NXT_FLOW_MOD_TABLE_ID: OpenFlow 1.0 flow-mods carry a table id in the
 * command's high byte. */
static enum ofperr
on_flow_mod_table_id(struct ofconn *c, const struct ofp_msg *m)
{
	if (m->body_len < 1)
		return OFPERR_OFPBRC_BAD_LEN;
	c->protocol = ofp_protocol_set_tid(c->protocol, m->body[0] != 0);
	return 0;
}

/* NXT_TLV_TABLE_MOD: the bridge's table, all or nothing; a mapping a
 * flow uses cannot go. */
static enum ofperr
on_tlv_mod(struct ofconn *c, const struct ofp_msg *m)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_tlv_mod mod;
	enum ofperr e = ofp_decode_tlv_mod(m, &mod);

	if (!e)
		e = br ? ofp_tlv_table_mod(&br->tlv, &mod, tun_md_in_use, br)
		       : OFPERR_OFPBRC_EPERM;
	if (!e) {
		/* Which received Geneve options go on depends on it. */
		br->config_version++;
		c->d->of->tables_dirty = true;
	}
	ofp_tlv_mod_free(&mod);
	return e;
}

static enum ofperr
on_tlv_request(struct ofconn *c, const struct ofp_msg *m)
{
	static const struct ofp_tlv_table none;
	const struct bridge *br = ofconn_bridge(c);
	struct ofpbuf b = OFPBUF_EMPTY;

	ofp_encode_tlv_reply(&b, m->version, br ? &br->tlv : &none, m->xid);
	ofconn_send(c, &b);
	ofpbuf_uninit(&b);
	return 0;
}

/* Accepted, with nothing to change yet. */
static enum ofperr
on_ignore(struct ofconn *c, const struct ofp_msg *m)
{
	(void)c;
	(void)m;
	return 0;
}

static const struct {
	enum ofptype type;
	ofconn_handler *fn;
} handlers[] = {
	{ OFPTYPE_ECHO_REQUEST, on_echo },
	{ OFPTYPE_FEATURES_REQUEST, on_features },
	{ OFPTYPE_GET_CONFIG_REQUEST, on_get_config },
	{ OFPTYPE_SET_CONFIG, on_set_config },
	{ OFPTYPE_BARRIER_REQUEST, on_barrier },
	{ OFPTYPE_DESC_STATS_REQUEST, on_desc },
	{ OFPTYPE_PORT_DESC_STATS_REQUEST, on_port_desc },
	{ OFPTYPE_PORT_STATS_REQUEST, on_port_stats },
	{ OFPTYPE_SET_FLOW_FORMAT, on_set_flow_format },
	{ OFPTYPE_FLOW_MOD_TABLE_ID, on_flow_mod_table_id },
	{ OFPTYPE_SET_PACKET_IN_FORMAT, ofconn_set_packet_in_format },
	{ OFPTYPE_NXT_TLV_TABLE_MOD, on_tlv_mod },
	{ OFPTYPE_NXT_TLV_TABLE_REQUEST, on_tlv_request },
	{ OFPTYPE_FLOW_MOD, ofconn_flow_mod },
	{ OFPTYPE_FLOW_STATS_REQUEST, ofconn_flow_stats },
	{ OFPTYPE_AGGREGATE_STATS_REQUEST, ofconn_flow_stats },
	{ OFPTYPE_PACKET_OUT, ofconn_packet_out },
	{ OFPTYPE_NXT_RESUME, ofconn_resume },
	{ OFPTYPE_ROLE_REQUEST, ofconn_role_request },
	{ OFPTYPE_SET_ASYNC_CONFIG, ofconn_set_async },
	{ OFPTYPE_GET_ASYNC_REQUEST, ofconn_get_async },
	{ OFPTYPE_SET_CONTROLLER_ID, on_ignore },
	{ OFPTYPE_TABLE_STATS_REQUEST, ofconn_table_msg },
	{ OFPTYPE_TABLE_FEATURES_STATS_REQUEST, ofconn_table_msg },
	{ OFPTYPE_GROUP_MOD, ofconn_group_mod },
	{ OFPTYPE_PORT_MOD, ofconn_port_mod },
	{ OFPTYPE_METER_MOD, ofconn_meter_mod },
	{ OFPTYPE_METER_STATS_REQUEST, ofconn_meter_stats },
	{ OFPTYPE_METER_CONFIG_STATS_REQUEST, ofconn_meter_stats },
	{ OFPTYPE_METER_FEATURES_STATS_REQUEST, ofconn_meter_stats },
	{ OFPTYPE_TABLE_MOD, ofconn_table_msg },
	{ OFPTYPE_TABLE_DESC_REQUEST, ofconn_table_msg },
	{ OFPTYPE_GROUP_STATS_REQUEST, ofconn_group_stats },
	{ OFPTYPE_GROUP_DESC_STATS_REQUEST, ofconn_group_stats },
	{ OFPTYPE_GROUP_FEATURES_STATS_REQUEST, ofconn_group_stats },
	{ OFPTYPE_BUNDLE_CONTROL, ofconn_bundle_msg },
	{ OFPTYPE_BUNDLE_ADD_MESSAGE, ofconn_bundle_msg },
};

ofconn_handler *
ofconn_handler_for(enum ofptype type)
{
	for (size_t i = 0; i < ARRAY_SIZE(handlers); i++)
		if (handlers[i].type == type)
			return handlers[i].fn;
	return NULL;
}
