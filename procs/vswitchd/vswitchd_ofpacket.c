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

#include "dp_packet.h"
#include "odp.h"
#include "ofp_continuation.h"
#include "ofp_misc.h"
#include "ofp_packet.h"

/* OpenFlow's packet-in reasons (OFPR_*). */
#define PIN_NO_MATCH 0
#define PIN_ACTION 1
#define PIN_INVALID_TTL 2

/* The reason @pin goes to @c with, or -1 if @c does not take it (its
 * asynchronous configuration): the default table miss is OFPR_NO_MATCH;
 * the reasons OpenFlow 1.4 added are OFPR_ACTION before it. */
static int
wire_reason(const struct ofconn *c, const struct xlate_pin *pin)
{
	if (pin->reason == XLATE_PIN_IMPLICIT_MISS)
		return ofconn_wants_async(c, OFP_ASYNC_PACKET_IN,
					  OFP_ASYNC_PIN_IMPLICIT_MISS)
			       ? PIN_NO_MATCH
			       : -1;
	if (!ofconn_wants_async(c, OFP_ASYNC_PACKET_IN, pin->reason))
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

/* The 16 bytes that name bridge @br in continuations: this run's tag
 * and the bridge's id. */
static void
bridge_tag(const struct vswd *d, const struct bridge *br, uint8_t tag[16])
{
	for (int i = 0; i < 8; i++) {
		tag[i] = (uint8_t)(d->of->run_tag >> (56 - 8 * i));
		tag[8 + i] = (uint8_t)(br->id >> (56 - 8 * i));
	}
}

/* The bridge @tag names, or NULL (another run's, or gone). */
static struct bridge *
bridge_of_tag(const struct vswd *d, const uint8_t tag[16])
{
	uint64_t run = get_be64(tag), id = get_be64(tag + 8);

	return run == d->of->run_tag ? vsw_bridge_by_id(&d->vsw, id) : NULL;
}

void
vswd_of_packet_in(struct vswd *d, const struct xlate_pin *pin,
		  const struct xlate_frozen *frozen, const struct nlbuf *odp,
		  const uint8_t *data, size_t len, size_t total_len)
{
	struct ofp_continuation k;
	struct ofp_packet_in pi;
	struct dp_packet *p = NULL;
	struct bridge *br;
	struct ofconn *c;

	if (!d->of)
		return;
	if (odp && pin->odp_len <= odp->len)
		p = odp_rewrite_copy(odp->data, pin->odp_len, data, len);
	if (p) {
		total_len = total_len - len + p->len;
		data = p->data;
		len = p->len;
	}
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
	/* A paused translation's rest, shared (not owned) for the encoding:
	 * to NXT_PACKET_IN2 connections only, in each one's version. */
	memset(&k, 0, sizeof k);
	br = vsw_bridge_by_id(&d->vsw, pin->bridge_id);
	if (pin->pause && frozen && br) {
		bridge_tag(d, br, k.bridge);
		k.table_id = frozen->table_id;
		k.cookie = frozen->cookie;
		k.actions = frozen->acts;
		k.action_set = frozen->set;
	}
	LIST_FOR_EACH (c, node, &d->of->conns) {
		struct ofpbuf b = OFPBUF_EMPTY, cont = OFPBUF_EMPTY;
		int reason = wire_reason(c, pin);

		if (c->bridge_id != pin->bridge_id || reason < 0)
			continue;
		pi.reason = (uint8_t)reason;
		if (pin->pause && frozen && br &&
		    c->pin_format == NXPIF_NXT_PACKET_IN2) {
			ofp_continuation_put(&cont, &k, c->version);
			pi.continuation = cont.data;
			pi.continuation_len = cont.size;
		} else {
			pi.continuation_len = 0;
		}
		ofp_encode_packet_in(&b, &pi, c->version, c->pin_format, 0);
		ofconn_send(c, &b);
		ofpbuf_uninit(&b);
		ofpbuf_uninit(&cont);
	}
	if (p)
		dp_packet_free(p);
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

/* Runs translation @xo of @pkt (@flow) in @br: its datapath actions
 * through upcalld, its packet-ins to the controllers. */
static void
execute(struct vswd *d, const struct bridge *br, const struct flow *flow,
	const uint8_t *pkt, size_t len, const struct xlate_out *xo)
{
	const struct port *port = bridge_port_by_ofp(br, flow->in_port);
	struct mvs_key key;

	memset(&key, 0, sizeof key);
	key.hdr = flow->hdr;
	key.tun = flow->tunnel;
	key.meta.in_port = port && port->dp_port != MVS_PORT_NONE
				   ? port->dp_port
				   : MVS_PORT_NONE;
	if (xo->actions.len)
		vswd_dp_execute(d, br->dp_id, &key, pkt, len, xo->actions.data,
				xo->actions.len);
	for (unsigned i = 0; i < xo->pins.n; i++)
		vswd_of_packet_in(d, &xo->pins.p[i], &xo->frozen, &xo->actions,
				  pkt, len, len);
}

enum ofperr
ofconn_packet_out(struct ofconn *c, const struct ofp_msg *m)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_packet_out po;
	enum ofperr e = ofp_decode_packet_out(m, &po);
	const uint8_t *pkt = po.packet;
	struct xlate_out xo;
	struct flow flow;

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
	execute(c->d, br, &flow, pkt, po.packet_len, &xo);
	xlate_out_uninit(&xo);
	ofp_packet_out_uninit(&po);
	return 0;
}

/* The pipeline fields of a packet-in's metadata @md into @flow (the
 * fields it does not give are zero there). */
static void
metadata_to_flow(const struct match *md, struct flow *flow)
{
	flow->in_port = md->flow.in_port;
	flow->pkt_mark = md->flow.pkt_mark;
	flow->metadata = md->flow.metadata;
	memcpy(flow->regs, md->flow.regs, sizeof flow->regs);
	flow->tunnel.tun_id = md->flow.tunnel.tun_id;
	flow->tunnel.ipv4_src = md->flow.tunnel.ipv4_src;
	flow->tunnel.ipv4_dst = md->flow.tunnel.ipv4_dst;
}

enum ofperr
ofconn_resume(struct ofconn *c, const struct ofp_msg *m)
{
	struct ofp_continuation k;
	struct ofp_packet_in pin;
	struct bridge *br = NULL;
	struct xlate_out xo;
	struct flow flow;
	enum ofperr e = ofp_decode_packet_in(m, &pin);

	if (e)
		return e;
	ofp_continuation_init(&k);
	e = ofp_continuation_decode(pin.continuation, pin.continuation_len,
				    m->version, &k);
	/* Open vSwitch answers a continuation of no bridge it has (or of
	 * none) with NXR_STALE. */
	if (!e && !(br = bridge_of_tag(c->d, k.bridge)))
		e = OFPERR_NXR_STALE;
	if (!e) {
		ofp_packet_extract(pin.packet, pin.packet_len, &flow);
		metadata_to_flow(&pin.metadata, &flow);
		xlate_out_init(&xo);
		xlate_resume(br, &flow, &k.actions, &k.action_set, k.table_id,
			     &xo);
		execute(c->d, br, &flow, pin.packet, pin.packet_len, &xo);
		xlate_out_uninit(&xo);
	}
	ofp_continuation_uninit(&k);
	return e;
}
