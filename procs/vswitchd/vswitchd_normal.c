/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_normal: the NORMAL action, a learning switch with VLANs as
 * Open vSwitch's xlate_normal() is: the input port's VLAN mode decides
 * which VLAN a packet is in (access ports tag it, trunks carry the tags
 * they allow, native modes tag untagged packets with their VLAN); the
 * source is learned in that VLAN; a known destination gets the packet on
 * its port, an unknown one is flooded to every other port of the VLAN;
 * each output port gets the tags its own mode wants.
 */
#include "vswitchd.h"

#include <string.h>

#include "log.h"
#include "ofp_port.h"

LOG_MODULE(normal);

/* One tag as NORMAL sees it (Open vSwitch's struct xvlan). */
struct xvlan1 {
	uint16_t tpid; /* host order; 0: none given */
	uint16_t vid;
	uint16_t pcp; /* the PCP bits in place (tci & MVS_VLAN_PCP_MASK) */
};

struct xvlan {
	struct xvlan1 v[2];
};

/* The port of packets a controller sends with in_port NONE or
 * CONTROLLER: a trunk of every VLAN that learns nothing. */
static const struct port none_port = {
	.name = "(none)",
	.ofp_port = OFPP_NONE,
	.dp_port = MVS_PORT_NONE,
	.vlan_mode = PORT_VLAN_TRUNK,
	.vlan = -1,
};

static bool
tpid_is_vlan(uint16_t host_tpid)
{
	return host_tpid == ETH_TYPE_VLAN || host_tpid == ETH_TYPE_VLAN_8021AD;
}

static void
xvlan_extract(const struct flow *f, struct xvlan *x)
{
	uint16_t tpid[2] = { ntohs(f->hdr.vlan_tpid),
			     ntohs(f->hdr.vlan2_tpid) };
	uint16_t tci[2] = { ntohs(f->hdr.vlan_tci), ntohs(f->hdr.vlan2_tci) };

	memset(x, 0, sizeof *x);
	for (int i = 0; i < 2; i++) {
		if (!tpid_is_vlan(tpid[i]) || !(tci[i] & MVS_VLAN_PRESENT))
			break;
		x->v[i].tpid = tpid[i];
		x->v[i].vid = tci[i] & MVS_VLAN_VID_MASK;
		x->v[i].pcp = tci[i] & MVS_VLAN_PCP_MASK;
	}
}

static void
xvlan_put(struct flow *f, const struct xvlan *x)
{
	uint16_t *tci[2] = { &f->hdr.vlan_tci, &f->hdr.vlan2_tci };
	uint16_t *tpid[2] = { &f->hdr.vlan_tpid, &f->hdr.vlan2_tpid };

	for (int i = 0; i < 2; i++) {
		uint16_t t = x->v[i].vid | (x->v[i].pcp & MVS_VLAN_PCP_MASK);
		if (t) {
			t |= MVS_VLAN_PRESENT;
			*tpid[i] = htons(x->v[i].tpid ? x->v[i].tpid
						      : ETH_TYPE_VLAN);
		}
		*tci[i] = htons(t);
	}
}

static void
xvlan_pop(struct xvlan *x)
{
	x->v[0] = x->v[1];
	memset(&x->v[1], 0, sizeof x->v[1]);
}

/* Whether a packet with outer VID @vid may come in on @p (Open vSwitch's
 * input_vid_is_valid, with its messages). */
static bool
input_vid_is_valid(struct xlate_ctx *ctx, uint16_t vid, const struct port *p)
{
	static struct log_rl rl = LOG_RL_INIT(5, 12);

	if (p == &none_port)
		return true;
	switch (p->vlan_mode) {
	case PORT_VLAN_ACCESS:
		if (vid) {
			xlate_report(ctx, TRACE_ERROR,
				     "dropping VLAN %u tagged packet received "
				     "on port %s configured as VLAN %d access "
				     "port",
				     vid, p->name, p->vlan);
			if (ctx->may_learn)
				log_warn_rl(
					&rl,
					"bridge %s: dropping VLAN %u tagged "
					"packet received on port %s "
					"configured as VLAN %d access port",
					ctx->br->name, vid, p->name, p->vlan);
			return false;
		}
		return true;
	case PORT_VLAN_NATIVE_UNTAGGED:
	case PORT_VLAN_NATIVE_TAGGED:
		/* The port always carries its native VLAN. */
		if (!vid)
			return true;
		/* fall through */
	case PORT_VLAN_TRUNK:
		if (!port_trunks_vlan(p, vid)) {
			xlate_report(ctx, TRACE_ERROR,
				     "dropping VLAN %u packet received on "
				     "port %s not configured for trunking "
				     "VLAN %u",
				     vid, p->name, vid);
			if (ctx->may_learn)
				log_warn_rl(
					&rl,
					"bridge %s: dropping VLAN %u packet "
					"received on port %s not configured "
					"for trunking VLAN %u",
					ctx->br->name, vid, p->name, vid);
			return false;
		}
		return true;
	}
	return false;
}

/* The tags of a packet inside the bridge, given those it came with. */
static void
xvlan_input_translate(const struct port *p, const struct xvlan *in,
		      struct xvlan *x)
{
	switch (p->vlan_mode) {
	case PORT_VLAN_ACCESS:
		memset(x, 0, sizeof *x);
		x->v[0].tpid = in->v[0].tpid ? in->v[0].tpid : ETH_TYPE_VLAN;
		x->v[0].vid = (uint16_t)p->vlan;
		x->v[0].pcp = in->v[0].pcp;
		break;
	case PORT_VLAN_TRUNK:
		*x = *in;
		break;
	case PORT_VLAN_NATIVE_UNTAGGED:
	case PORT_VLAN_NATIVE_TAGGED:
		*x = *in;
		if (!in->v[0].vid) {
			x->v[0].tpid =
				in->v[0].tpid ? in->v[0].tpid : ETH_TYPE_VLAN;
			x->v[0].vid = (uint16_t)p->vlan;
			x->v[0].pcp = in->v[0].pcp;
		}
		break;
	}
}

/* The tags a packet leaves @p with. */
static void
xvlan_output_translate(const struct port *p, const struct xvlan *x,
		       struct xvlan *out)
{
	switch (p->vlan_mode) {
	case PORT_VLAN_ACCESS:
		memset(out, 0, sizeof *out);
		break;
	case PORT_VLAN_TRUNK:
	case PORT_VLAN_NATIVE_TAGGED:
		*out = *x;
		break;
	case PORT_VLAN_NATIVE_UNTAGGED:
		*out = *x;
		if (x->v[0].vid == p->vlan)
			xvlan_pop(out);
		break;
	}
}

static bool
port_carries(const struct port *p, const struct xvlan *x)
{
	if (p->vlan_mode == PORT_VLAN_ACCESS)
		return x->v[0].vid == p->vlan && x->v[1].vid == 0;
	return port_trunks_vlan(p, x->v[0].vid);
}

static void
output_normal(struct xlate_ctx *ctx, const struct port *out,
	      const struct xvlan *x)
{
	struct mvs_key_hdr saved = ctx->flow.hdr;
	struct xvlan ox;

	xvlan_output_translate(out, x, &ox);
	xvlan_put(&ctx->flow, &ox);
	xlate_output_port(ctx, out->ofp_port);
	ctx->flow.hdr.vlan_tci = saved.vlan_tci;
	ctx->flow.hdr.vlan_tpid = saved.vlan_tpid;
	ctx->flow.hdr.vlan2_tci = saved.vlan2_tci;
	ctx->flow.hdr.vlan2_tpid = saved.vlan2_tpid;
}

static void
flood_normal(struct xlate_ctx *ctx, const struct port *in,
	     const struct xvlan *x)
{
	struct port *p;

	LIST_FOR_EACH (p, in_bridge, &ctx->br->port_list)
		if (p != in && port_carries(p, x) &&
		    !(p->config & OFPPC_NO_FLOOD))
			output_normal(ctx, p, x);
}

static bool
eth_is_broadcast(const uint8_t m[6])
{
	return (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff;
}

/* 01:80:c2:00:00:0x: bridge protocols, never forwarded by default. */
static bool
eth_is_reserved(const uint8_t m[6])
{
	return m[0] == 0x01 && m[1] == 0x80 && m[2] == 0xc2 && !m[3] && !m[4] &&
	       (m[5] & 0xf0) == 0;
}

/* Open vSwitch's is_gratuitous_arp, with the fields it looks at. */
static bool
is_gratuitous_arp(const struct flow *f, struct flow *wc)
{
	if (f->hdr.eth_type != htons(ETH_TYPE_ARP))
		return false;
	memset(wc->hdr.eth_dst, 0xff, 6);
	if (!eth_is_broadcast(f->hdr.eth_dst))
		return false;
	wc->hdr.nw_proto = 0xff;
	if (f->hdr.nw_proto == 2)
		return true;
	if (f->hdr.nw_proto == 1) {
		wc->hdr.ipv4_src = wc->hdr.ipv4_dst = 0xffffffff;
		return f->hdr.ipv4_src == f->hdr.ipv4_dst;
	}
	return false;
}

void
xlate_normal(struct xlate_ctx *ctx)
{
	struct flow *f = &ctx->flow, *wc = ctx->wc;
	const struct port *in;
	const struct mac_entry *mac;
	struct xvlan in_x, x;
	uint16_t vlan;

	memset(wc->hdr.eth_src, 0xff, 6);
	memset(wc->hdr.eth_dst, 0xff, 6);
	wc->hdr.vlan_tci |= htons(MVS_VLAN_VID_MASK | MVS_VLAN_PRESENT);

	in = bridge_port_by_ofp(ctx->br, f->in_port);
	if (!in && (f->in_port == OFPP_CONTROLLER || f->in_port == OFPP_NONE))
		in = &none_port;
	if (!in) {
		xlate_report(ctx, TRACE_ERROR,
			     "received packet on unknown port %u", f->in_port);
		xlate_report(ctx, TRACE_WARN, "no input bundle, dropping");
		return;
	}
	/* A frame whose type says VLAN but that has no tag is malformed. */
	if (tpid_is_vlan(ntohs(f->hdr.eth_type)) &&
	    !(f->hdr.vlan_tci & htons(MVS_VLAN_PRESENT))) {
		xlate_report(ctx, TRACE_WARN, "partial VLAN tag, dropping");
		return;
	}
	xvlan_extract(f, &in_x);
	if (!input_vid_is_valid(ctx, in_x.v[0].vid, in)) {
		xlate_report(ctx, TRACE_WARN,
			     "disallowed VLAN VID for this input port, "
			     "dropping");
		return;
	}
	xvlan_input_translate(in, &in_x, &x);
	vlan = x.v[0].vid;

	if (in != &none_port && !ctx->br->forward_bpdu &&
	    eth_is_reserved(f->hdr.eth_dst)) {
		xlate_report(ctx, TRACE_DETAIL,
			     "packet has reserved destination MAC, dropping");
		return;
	}

	is_gratuitous_arp(f, wc); /* looks at fields, as Open vSwitch does */
	if (in != &none_port) {
		if (ctx->may_learn &&
		    mac_table_learn(&ctx->br->macs, f->hdr.eth_src, vlan,
				    (void *)(uintptr_t)in, ctx->now_ms))
			log_dbg("bridge %s: learned that "
				"%02x:%02x:%02x:%02x:%02x:%02x is on port %s "
				"in VLAN %d",
				ctx->br->name, f->hdr.eth_src[0],
				f->hdr.eth_src[1], f->hdr.eth_src[2],
				f->hdr.eth_src[3], f->hdr.eth_src[4],
				f->hdr.eth_src[5], in->name, vlan);
		xlate_deps_add_learned(ctx->deps, ctx->br, in->ofp_port, vlan,
				       f->hdr.eth_src);
	}

	mac = mac_table_lookup(&ctx->br->macs, f->hdr.eth_dst, vlan,
			       ctx->now_ms);
	xlate_deps_add_mac(ctx->deps, mac_tag(f->hdr.eth_dst, vlan));
	if (mac) {
		const struct port *out = mac->port;
		if (out != in) {
			xlate_report(ctx, TRACE_DETAIL,
				     "forwarding to learned port");
			output_normal(ctx, out, &x);
		} else {
			xlate_report(ctx, TRACE_DETAIL,
				     "learned port is input port, dropping");
		}
	} else {
		xlate_report(ctx, TRACE_DETAIL,
			     "no learned MAC for destination, flooding");
		flood_normal(ctx, in, &x);
	}
}
