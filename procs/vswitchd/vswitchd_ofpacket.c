/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofpacket: packets between the bridges and their controllers.
 * A packet-in goes out when a translation outputs to the controller (the
 * upcall handler calls vswd_of_packet_in() with the packet, and installs
 * no megaflow for it); a packet-out is translated with its actions and
 * executed by upcalld's datapath (dp_execute).  Open vSwitch 3.1 buffers
 * no packets: buffer_id is always OFP_NO_BUFFER, and a packet-out naming
 * a buffer is refused (OFPBRC_BUFFER_UNKNOWN).
 */
#include "ofconn.h"

#include <string.h>

#include "ofp_misc.h"
#include "ofp_packet.h"

void
vswd_of_packet_in(struct vswd *d, const struct bridge *br, uint32_t in_port,
		  const struct xlate_pin *pin, const uint8_t *data, size_t len,
		  size_t total_len)
{
	struct ofp_packet_in pi;
	struct ofconn *c;

	if (!d->of)
		return;
	memset(&pi, 0, sizeof pi);
	match_init_catchall(&pi.metadata);
	pi.metadata.flow.in_port = in_port;
	pi.metadata.mask.in_port = UINT32_MAX;
	pi.reason = pin->reason;
	pi.table_id = pin->table_id;
	pi.cookie = pin->cookie;
	pi.buffer_id = OFP_NO_BUFFER;
	pi.total_len = total_len;
	pi.packet = data;
	pi.packet_len = pin->max_len < len ? pin->max_len : len;
	LIST_FOR_EACH (c, node, &d->of->conns) {
		struct ofpbuf b = OFPBUF_EMPTY;

		/* Secondaries get none. */
		if (c->bridge_id != br->id || !c->version ||
		    c->role == OFPCR12_ROLE_SECONDARY)
			continue;
		/* A service connection gets packet-ins once it asked (set
		 * a miss_send_len); a controller always. */
		if (!c->ctrl && !c->miss_send_len)
			continue;
		ofp_encode_packet_in(&b, &pi, c->version, 0);
		ofconn_send(c, &b);
		ofpbuf_uninit(&b);
	}
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
	if (xo.pin.wanted)
		vswd_of_packet_in(c->d, br, flow.in_port, &xo.pin, pkt,
				  po.packet_len, po.packet_len);
	xlate_out_uninit(&xo);
	ofp_packet_out_uninit(&po);
	return 0;
}
