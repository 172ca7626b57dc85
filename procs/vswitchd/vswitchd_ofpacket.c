/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofpacket: packets between the bridges and their controllers.
 * A packet-in goes out when a translation outputs to the controller (the
 * upcall handler calls vswd_of_packet_in() with the packet, and installs
 * no megaflow for it); a packet-out is translated with its actions and
 * executed by upcalld's datapath (dp_execute).  Open vSwitch 3.1 buffers
 * no packets: buffer_id is always OFP_NO_BUFFER, and a packet-out naming
 * a buffer is refused (OFPBRC_BUFFER_UNKNOWN).  Each connection gets its
 * packet-ins in the format it chose (NXT_SET_PACKET_IN_FORMAT: standard,
 * NXT_PACKET_IN or NXT_PACKET_IN2 with the controller action's userdata);
 * NXT_RESUME (continuations) is not served.  A table miss goes to the
 * OpenFlow 1.0-1.2 connections while the bridge has any
 * (vswd_of_miss_sync()), as Open vSwitch's default table-miss does.
 */
#include "ofconn.h"

#include <string.h>

#include "ofp_misc.h"
#include "ofp_packet.h"

/* OpenFlow's packet-in reasons (OFPR_*). */
#define PIN_NO_MATCH 0
#define PIN_ACTION 1
#define PIN_INVALID_TTL 2

/* The reason @pin goes to @c with, or -1 if @c does not take it: Open
 * vSwitch's default asynchronous configuration sends no OFPR_INVALID_TTL
 * and its implicit table misses to OpenFlow 1.0-1.2 only; the reasons
 * OpenFlow 1.4 added are OFPR_ACTION before it. */
static int
wire_reason(const struct ofconn *c, const struct xlate_pin *pin)
{
	if (pin->reason == XLATE_PIN_IMPLICIT_MISS)
		return c->version <= OFP12_VERSION ? PIN_NO_MATCH : -1;
	if (pin->reason == PIN_INVALID_TTL)
		return -1;
	if (pin->reason > PIN_INVALID_TTL && c->version < OFP14_VERSION)
		return PIN_ACTION;
	return pin->reason;
}

/* The pipeline fields of @pin as a packet-in's metadata: the input port
 * always, the others where not zero (Open vSwitch's
 * flow_get_metadata()). */
static void
pin_metadata(const struct xlate_pin *pin, struct match *m)
{
	match_init_catchall(m);
	m->flow.in_port = pin->in_port;
	m->mask.in_port = UINT32_MAX;
	if (pin->tun_id) {
		m->flow.tunnel.tun_id = pin->tun_id;
		m->mask.tunnel.tun_id = UINT64_MAX;
	}
	if (pin->tun_src) {
		m->flow.tunnel.ipv4_src = pin->tun_src;
		m->mask.tunnel.ipv4_src = UINT32_MAX;
	}
	if (pin->tun_dst) {
		m->flow.tunnel.ipv4_dst = pin->tun_dst;
		m->mask.tunnel.ipv4_dst = UINT32_MAX;
	}
	if (pin->metadata) {
		m->flow.metadata = pin->metadata;
		m->mask.metadata = UINT64_MAX;
	}
	for (size_t i = 0; i < FLOW_N_REGS; i++)
		if (pin->regs[i]) {
			m->flow.regs[i] = pin->regs[i];
			m->mask.regs[i] = UINT32_MAX;
		}
	if (pin->pkt_mark) {
		m->flow.pkt_mark = pin->pkt_mark;
		m->mask.pkt_mark = UINT32_MAX;
	}
}

void
vswd_of_packet_in(struct vswd *d, const struct xlate_pin *pin,
		  const uint8_t *data, size_t len, size_t total_len)
{
	struct ofp_packet_in pi;
	struct ofconn *c;

	if (!d->of)
		return;
	memset(&pi, 0, sizeof pi);
	pin_metadata(pin, &pi.metadata);
	pi.table_id = pin->table_id;
	/* Open vSwitch's miss rule has cookie 0. */
	pi.cookie = pin->reason == XLATE_PIN_IMPLICIT_MISS ? 0 : pin->cookie;
	pi.buffer_id = OFP_NO_BUFFER;
	pi.total_len = total_len;
	/* Open vSwitch 3.1 buffers nothing and so sends the whole packet
	 * whatever max_len or miss_send_len say (checked against it). */
	pi.packet = data;
	pi.packet_len = len;
	pi.userdata = pin->userdata;
	pi.userdata_len = pin->userdata_len;
	LIST_FOR_EACH (c, node, &d->of->conns) {
		struct ofpbuf b = OFPBUF_EMPTY;
		int reason = wire_reason(c, pin);

		/* Secondaries get none. */
		if (c->bridge_id != pin->bridge_id || !c->version ||
		    c->role == OFPCR12_ROLE_SECONDARY || reason < 0)
			continue;
		/* A service connection gets packet-ins once it asked (set
		 * a miss_send_len); a controller always. */
		if (!c->ctrl && !c->miss_send_len)
			continue;
		pi.reason = (uint8_t)reason;
		ofp_encode_packet_in(&b, &pi, c->version, c->pin_format, 0);
		ofconn_send(c, &b);
		ofpbuf_uninit(&b);
	}
}

enum ofperr
ofconn_set_packet_in_format(struct ofconn *c, const struct ofp_msg *m)
{
	uint32_t format;

	if (m->body_len != 4)
		return OFPERR_OFPBRC_BAD_LEN;
	format = get_be32(m->body);
	if (format != NXPIF_STANDARD && format != NXPIF_NXT_PACKET_IN &&
	    format != NXPIF_NXT_PACKET_IN2)
		return OFPERR_OFPBRC_EPERM;
	c->pin_format = (uint8_t)format;
	return 0;
}

void
vswd_of_miss_sync(struct vswd *d)
{
	bool changed = false;
	struct hnode *n;

	if (!d->of)
		return;
	HMAP_FOR_EACH (n, &d->vsw.bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		bool want = false;
		struct ofconn *c;

		/* A connection before its hello is not counted (its version
		 * decides). */
		LIST_FOR_EACH (c, node, &d->of->conns)
			if (c->bridge_id == br->id && c->version &&
			    (!c->ctrl || c->version <= OFP12_VERSION))
				want = true;
		if (want == br->pin_on_miss)
			continue;
		br->pin_on_miss = want;
		/* Only megaflows of a table miss depend on it: without one
		 * (ovs-ofctl's short connections to a bridge whose flows
		 * match everything) nothing is translated again. */
		if (br->miss_translated) {
			br->miss_translated = false;
			br->config_version++;
			changed = true;
		}
	}
	if (changed)
		vswd_tables_check(d);
}

enum ofperr
ofconn_packet_out(struct ofconn *c, const struct ofp_msg *m)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_packet_out po;
	enum ofperr e = ofp_decode_packet_out(m, &po);
	const uint8_t *pkt = po.packet;
	struct xlate_out xo;
	struct mvs_key key;
	struct flow flow;
	const struct port *port;

	po.packet = NULL; /* it points into @m */
	if (!e && po.buffer_id != UINT32_MAX)
		e = OFPERR_OFPBRC_BUFFER_UNKNOWN;
	if (!e && !br)
		e = OFPERR_OFPBRC_EPERM;
	if (e) {
		ofp_packet_out_uninit(&po);
		return e;
	}
	ofp_packet_extract(pkt, po.packet_len, &flow);
	flow.in_port = po.metadata.flow.in_port;
	xlate_out_init(&xo);
	xlate_packet_out(br, &flow, &po.acts, &xo);
	memset(&key, 0, sizeof key);
	key.hdr = flow.hdr;
	key.tun = flow.tunnel;
	port = bridge_port_by_ofp(br, flow.in_port);
	key.meta.in_port = port && port->dp_port != MVS_PORT_NONE
				   ? port->dp_port
				   : MVS_PORT_NONE;
	if (xo.actions.len)
		vswd_dp_execute(c->d, br->dp_id, &key, pkt, po.packet_len,
				xo.actions.data, xo.actions.len);
	for (unsigned i = 0; i < xo.pins.n; i++)
		vswd_of_packet_in(c->d, &xo.pins.p[i], pkt, po.packet_len,
				  po.packet_len);
	xlate_out_uninit(&xo);
	ofp_packet_out_uninit(&po);
	return 0;
}
