/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_flow: flows and matches: comparison under masks, the mask of a
 * packet's fields, normalisation of prerequisites, and Open vSwitch's
 * match and flow syntax for printing (match_format, flow_format), plus
 * OpenFlow port names and the key-value splitter the parsers share.
 */
#include "ofp_flow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp_field.h"
#include "ofp_msg.h"

size_t
flow_stage_start(enum flow_stage s)
{
	static const size_t start[] = {
		[FLOW_STAGE_META] = 0,
		[FLOW_STAGE_L2] = FLOW_STAGE_L2_START,
		[FLOW_STAGE_L3] = FLOW_STAGE_L3_START,
		[FLOW_STAGE_L4] = FLOW_STAGE_L4_START,
		[FLOW_N_STAGES] = FLOW_WORDS,
	};
	return start[s];
}

_Static_assert(sizeof(struct flow) % 8 == 0, "struct flow is in words");
_Static_assert(offsetof(struct flow, hdr) % 8 == 0, "headers word-aligned");
_Static_assert(offsetof(struct flow, hdr.nw_proto) % 8 == 0,
	       "L3 stage word-aligned");
_Static_assert(offsetof(struct flow, hdr.tp_src) % 8 == 0,
	       "L4 stage word-aligned");

bool
flow_equal(const struct flow *a, const struct flow *b)
{
	return !memcmp(a, b, sizeof *a);
}

bool
flow_equal_masked(const struct flow *a, const struct flow *b,
		  const struct flow *mask)
{
	const uint64_t *x = flow_u64(a), *y = flow_u64(b), *m = flow_u64(mask);

	for (size_t i = 0; i < FLOW_WORDS; i++)
		if ((x[i] ^ y[i]) & m[i])
			return false;
	return true;
}

bool
flow_is_zero(const struct flow *f)
{
	const uint64_t *x = flow_u64(f);

	for (size_t i = 0; i < FLOW_WORDS; i++)
		if (x[i])
			return false;
	return true;
}

void
flow_or(struct flow *dst, const struct flow *src)
{
	uint64_t *d = flow_u64_rw(dst);
	const uint64_t *s = flow_u64(src);

	for (size_t i = 0; i < FLOW_WORDS; i++)
		d[i] |= s[i];
}

void
flow_and(struct flow *dst, const struct flow *mask)
{
	uint64_t *d = flow_u64_rw(dst);
	const uint64_t *m = flow_u64(mask);

	for (size_t i = 0; i < FLOW_WORDS; i++)
		d[i] &= m[i];
}

void
flow_mask_for_packet(const struct flow *flow, struct flow *mask)
{
	const struct mvs_key_hdr *h = &flow->hdr;
	struct mvs_key_hdr *mh = &mask->hdr;
	const struct mvs_key_tunnel *t = &flow->tunnel;
	struct mvs_key_tunnel *mt = &mask->tunnel;
	uint8_t proto = h->nw_proto;

	memset(mask, 0, sizeof *mask);
	if (t->ipv4_dst || t->ttl) {
		if (t->flags & MVS_TNL_F_KEY)
			mt->tun_id = ~0ull;
		mt->ipv4_src = mt->ipv4_dst = 0xffffffff;
		memset(mt->ipv6_src, 0xff, 16);
		memset(mt->ipv6_dst, 0xff, 16);
		mt->flags = 0xffff;
		mt->tos = mt->ttl = 0xff;
		mt->tp_src = mt->tp_dst = 0xffff;
	} else if (t->tun_id) {
		mt->tun_id = ~0ull;
	}
	mask->skb_priority = mask->pkt_mark = ~0u;
	mask->recirc_id = mask->dp_hash = ~0u;
	mask->in_port = ~0u;

	memset(mh->eth_dst, 0xff, 6);
	memset(mh->eth_src, 0xff, 6);
	mh->eth_type = 0xffff;
	mh->vlan_tci = mh->vlan_tpid = 0xffff;
	if (h->vlan_tci)
		mh->vlan2_tci = mh->vlan2_tpid = 0xffff;

	if (flow_is_ip(flow)) {
		mh->ipv4_src = mh->ipv4_dst = 0xffffffff;
	} else if (flow_is_ipv6(flow)) {
		memset(mh->ipv6_src, 0xff, 16);
		memset(mh->ipv6_dst, 0xff, 16);
		mh->ipv6_label = 0xffffffff;
		if (proto == IPPROTO_ICMPV6_ &&
		    (h->tp_src == htons(135) || h->tp_src == htons(136)) &&
		    !h->tp_dst) {
			memset(mh->arp_sha, 0xff, 6);
			memset(mh->arp_tha, 0xff, 6);
			memset(mh->nd_target, 0xff, 16);
		}
	} else if (flow_is_arp(flow)) {
		mh->ipv4_src = mh->ipv4_dst = 0xffffffff;
		mh->nw_proto = 0xff;
		memset(mh->arp_sha, 0xff, 6);
		memset(mh->arp_tha, 0xff, 6);
		return;
	} else {
		return;
	}

	mh->nw_frag = MVS_FRAG_ANY | MVS_FRAG_LATER;
	mh->nw_tos = mh->nw_ttl = mh->nw_proto = 0xff;
	if (!(h->nw_frag & MVS_FRAG_LATER) &&
	    (proto == IPPROTO_ICMP_ || proto == IPPROTO_ICMPV6_ ||
	     proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ ||
	     proto == IPPROTO_SCTP_ || proto == IPPROTO_IGMP_)) {
		mh->tp_src = mh->tp_dst = 0xffff;
		if (proto == IPPROTO_TCP_)
			mh->tcp_flags = 0xffff;
	}
}

void
flow_format(struct ds *s, const struct flow *flow)
{
	struct match m;

	m.flow = *flow;
	flow_mask_for_packet(flow, &m.mask);
	m.mask.metadata = ~0ull;
	memset(m.mask.regs, 0xff, sizeof m.mask.regs);
	/* Context fields that are zero are left out, as in a packet-in. */
	if (!flow->in_port)
		m.mask.in_port = 0;
	if (!flow->skb_priority)
		m.mask.skb_priority = 0;
	if (!flow->pkt_mark)
		m.mask.pkt_mark = 0;
	if (!flow->recirc_id)
		m.mask.recirc_id = 0;
	if (!flow->dp_hash)
		m.mask.dp_hash = 0;
	for (int i = 0; i < FLOW_N_REGS; i++)
		if (!flow->regs[i])
			m.mask.regs[i] = 0;
	if (!flow->metadata)
		m.mask.metadata = 0;
	match_format(s, &m, NULL, OFP_DEFAULT_PRIORITY);
}

/* ---- matches ---- */

void
match_init_catchall(struct match *m)
{
	memset(m, 0, sizeof *m);
}

void
match_init_exact(struct match *m, const struct flow *flow)
{
	m->flow = *flow;
	flow_mask_for_packet(flow, &m->mask);
	m->mask.metadata = ~0ull;
	memset(m->mask.regs, 0xff, sizeof m->mask.regs);
	match_canonicalize(m);
}

void
match_canonicalize(struct match *m)
{
	flow_and(&m->flow, &m->mask);
}

bool
match_equal(const struct match *a, const struct match *b)
{
	return flow_equal(&a->flow, &b->flow) && flow_equal(&a->mask, &b->mask);
}

bool
match_matches_flow(const struct match *m, const struct flow *flow)
{
	return flow_equal_masked(&m->flow, flow, &m->mask);
}

bool
match_normalize(struct match *m)
{
	enum {
		MAY_NW_ADDR = 1 << 0,
		MAY_TP_ADDR = 1 << 1,
		MAY_NW_PROTO = 1 << 2,
		MAY_IPVX = 1 << 3,
		MAY_ARP_SHA = 1 << 4,
		MAY_ARP_THA = 1 << 5,
		MAY_IPV6 = 1 << 6,
		MAY_ND_TARGET = 1 << 7,
	};
	const struct mvs_key_hdr *h = &m->flow.hdr;
	struct flow old = m->mask;
	struct mvs_key_hdr *mh = &m->mask.hdr;
	unsigned may = 0;
	uint8_t proto = h->nw_proto;

	if (flow_is_ip(&m->flow)) {
		may |= MAY_NW_PROTO | MAY_IPVX | MAY_NW_ADDR;
		if (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ ||
		    proto == IPPROTO_SCTP_ || proto == IPPROTO_ICMP_)
			may |= MAY_TP_ADDR;
	} else if (flow_is_ipv6(&m->flow)) {
		may |= MAY_NW_PROTO | MAY_IPVX | MAY_IPV6;
		if (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ ||
		    proto == IPPROTO_SCTP_) {
			may |= MAY_TP_ADDR;
		} else if (proto == IPPROTO_ICMPV6_) {
			may |= MAY_TP_ADDR;
			if (h->tp_src == htons(135))
				may |= MAY_ND_TARGET | MAY_ARP_SHA;
			else if (h->tp_src == htons(136))
				may |= MAY_ND_TARGET | MAY_ARP_THA;
		}
	} else if (flow_is_arp(&m->flow)) {
		may |= MAY_NW_PROTO | MAY_NW_ADDR | MAY_ARP_SHA | MAY_ARP_THA;
	}

	if (!(may & MAY_NW_ADDR))
		mh->ipv4_src = mh->ipv4_dst = 0;
	if (!(may & MAY_TP_ADDR))
		mh->tp_src = mh->tp_dst = mh->tcp_flags = 0;
	if (!(may & MAY_NW_PROTO))
		mh->nw_proto = 0;
	if (!(may & MAY_IPVX))
		mh->nw_tos = mh->nw_ttl = mh->nw_frag = 0;
	if (!(may & MAY_ARP_SHA))
		memset(mh->arp_sha, 0, 6);
	if (!(may & MAY_ARP_THA))
		memset(mh->arp_tha, 0, 6);
	if (!(may & MAY_IPV6)) {
		memset(mh->ipv6_src, 0, 16);
		memset(mh->ipv6_dst, 0, 16);
		mh->ipv6_label = 0;
	}
	if (!(may & MAY_ND_TARGET))
		memset(mh->nd_target, 0, 16);
	match_canonicalize(m);
	return !flow_equal(&old, &m->mask);
}

bool
match_normalize_log(struct match *m)
{
	static int budget = 5;
	struct match old = *m;
	struct ds pre = DS_EMPTY, post = DS_EMPTY;

	if (!match_normalize(m))
		return false;
	if (budget <= 0)
		return true;
	budget--;
	match_format(&pre, &old, NULL, OFP_DEFAULT_PRIORITY);
	match_format(&post, m, NULL, OFP_DEFAULT_PRIORITY);
	ofp_info("ofp_match", "normalization changed ofp_match, details:");
	ofp_info("ofp_match", " pre: %s", ds_cstr(&pre));
	ofp_info("ofp_match", "post: %s", ds_cstr(&post));
	ds_free(&pre);
	ds_free(&post);
	return true;
}

/* ---- match_format ---- */

static bool
bytes_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Prints field @id of @m as "name=value[/mask]," if its mask is not zero,
 * under @name (Open vSwitch prints some fields under names other than
 * their canonical ones). */
static void
put_field(struct ds *s, const struct match *m, enum ofp_field_id id,
	  const char *name, const struct ofp_port_map *ports)
{
	const struct ofp_field *f = ofp_field_get(id);
	union ofp_value v, mask;

	ofp_field_get_value(f, &m->mask, &mask);
	if (bytes_zero(mask.bytes, f->n_bytes))
		return;
	ofp_field_get_value(f, &m->flow, &v);
	ds_printf(s, "%s=", name ? name : f->name);
	ofp_field_format(f, &v, &mask, ports, s);
	ds_put_char(s, ',');
}

static void
put_u32_masked(struct ds *s, const char *name, uint32_t v, uint32_t mask)
{
	if (!mask)
		return;
	ds_printf(s, "%s=%#x", name, v);
	if (mask != 0xffffffff)
		ds_printf(s, "/%#x", mask);
	ds_put_char(s, ',');
}

static void
put_u64_masked(struct ds *s, const char *name, uint64_t v, uint64_t mask)
{
	if (!mask)
		return;
	ds_printf(s, "%s=%#llx", name, (unsigned long long)v);
	if (mask != ~0ull)
		ds_printf(s, "/%#llx", (unsigned long long)mask);
	ds_put_char(s, ',');
}

static void
put_be16_masked(struct ds *s, const char *name, uint16_t be_v, uint16_t be_m)
{
	if (!be_m)
		return;
	if (be_m == 0xffff)
		ds_printf(s, "%s=%u,", name, ntohs(be_v));
	else
		ds_printf(s, "%s=0x%x/0x%x,", name, ntohs(be_v), ntohs(be_m));
}

static void
put_vlan(struct ds *s, const char *suffix, uint16_t tci, uint16_t mask)
{
	uint16_t vid = mask & MVS_VLAN_VID_MASK, pcp = mask & MVS_VLAN_PCP_MASK;

	if ((mask & MVS_VLAN_PRESENT) && (tci & MVS_VLAN_PRESENT) &&
	    (!vid || vid == MVS_VLAN_VID_MASK) &&
	    (!pcp || pcp == MVS_VLAN_PCP_MASK) && (vid || pcp)) {
		if (vid)
			ds_printf(s, "dl_vlan%s=%u,", suffix,
				  tci & MVS_VLAN_VID_MASK);
		if (pcp)
			ds_printf(s, "dl_vlan_pcp%s=%u,", suffix,
				  tci >> MVS_VLAN_PCP_SHIFT);
	} else if (mask == 0xffff) {
		ds_printf(s, "vlan_tci%s=0x%04x,", suffix, tci);
	} else {
		ds_printf(s, "vlan_tci%s=0x%04x/0x%04x,", suffix, tci, mask);
	}
}

/* The protocol shorthand for @m ("ip", "tcp6", "arp", ...), or NULL; sets
 * *@skip_proto when it also says nw_proto. */
static const char *
dl_type_shorthand(const struct match *m, bool *skip_proto)
{
	const struct mvs_key_hdr *h = &m->flow.hdr;
	uint16_t type = ntohs(h->eth_type);
	bool proto = m->mask.hdr.nw_proto != 0;

	*skip_proto = false;
	if (type == ETH_TYPE_IP || type == ETH_TYPE_IPV6) {
		static const struct {
			uint8_t proto;
			const char *v4, *v6;
		} names[] = {
			{ IPPROTO_ICMP_, "icmp", NULL },
			{ IPPROTO_IGMP_, "igmp", NULL },
			{ IPPROTO_TCP_, "tcp", "tcp6" },
			{ IPPROTO_UDP_, "udp", "udp6" },
			{ IPPROTO_SCTP_, "sctp", "sctp6" },
			{ IPPROTO_ICMPV6_, NULL, "icmp6" },
		};
		bool v6 = type == ETH_TYPE_IPV6;
		for (size_t i = 0; proto && i < ARRAY_SIZE(names); i++) {
			const char *n = v6 ? names[i].v6 : names[i].v4;
			if (n && names[i].proto == h->nw_proto) {
				*skip_proto = true;
				return n;
			}
		}
		return v6 ? "ipv6" : "ip";
	}
	switch (type) {
	case ETH_TYPE_ARP:
		return "arp";
	case ETH_TYPE_RARP:
		return "rarp";
	case ETH_TYPE_MPLS:
		return "mpls";
	case ETH_TYPE_MPLS_MCAST:
		return "mplsm";
	}
	return NULL;
}

static void
put_tunnel(struct ds *s, const struct match *m)
{
	const struct mvs_key_tunnel *t = &m->flow.tunnel, *mt = &m->mask.tunnel;

	put_field(s, m, MFF_TUN_ID, NULL, NULL);
	put_field(s, m, MFF_TUN_SRC, NULL, NULL);
	put_field(s, m, MFF_TUN_DST, NULL, NULL);
	put_field(s, m, MFF_TUN_IPV6_SRC, NULL, NULL);
	put_field(s, m, MFF_TUN_IPV6_DST, NULL, NULL);
	if (mt->tos)
		ds_printf(s, "tun_tos=%x,", t->tos);
	if (mt->ttl)
		ds_printf(s, "tun_ttl=%u,", t->ttl);
	/* A packet's flow (every bit exact) names its flags, as Open
	 * vSwitch prints a flow; an OpenFlow match has only the OAM bit
	 * and says +oam or -oam. */
	if (mt->flags == 0xffff && t->flags & MVS_TNL_F_OAM)
		ds_put(s, "tun_flags=oam,");
	else if (mt->flags & MVS_TNL_F_OAM)
		put_field(s, m, MFF_TUN_FLAGS, NULL, NULL);
	for (unsigned i = 0; i < FLOW_TUN_MD_SLOTS; i++) {
		/* Under a zero mask, "the option is there". */
		if (!(m->mask.tun_md_present & (1ull << i)))
			continue;
		if (bytes_zero(m->mask.tun_md[i], FLOW_TUN_MD_BYTES))
			ds_printf(s, "tun_metadata%u,", i);
		else
			put_field(s, m, MFF_TUN_METADATA0 + i, NULL, NULL);
	}
}

void
match_format(struct ds *s, const struct match *m,
	     const struct ofp_port_map *ports, int priority)
{
	const struct flow *f = &m->flow, *w = &m->mask;
	const struct mvs_key_hdr *h = &f->hdr, *mh = &w->hdr;
	uint16_t type = ntohs(h->eth_type);
	const char *shorthand = NULL;
	bool skip_proto = false;
	size_t start = s->len;

	if (priority != OFP_DEFAULT_PRIORITY)
		ds_printf(s, "priority=%d,", priority);
	put_u32_masked(s, "pkt_mark", f->pkt_mark, w->pkt_mark);
	if (w->recirc_id)
		put_u32_masked(s, "recirc_id", f->recirc_id, w->recirc_id);
	if (w->dp_hash)
		put_u32_masked(s, "dp_hash", f->dp_hash, w->dp_hash);
	if (w->conj_id)
		ds_printf(s, "conj_id=%u,", f->conj_id);
	if (w->skb_priority)
		ds_printf(s, "skb_priority=%#x,", f->skb_priority);
	if (w->recirc_id)
		ds_put(s, "eth,");
	if (mh->eth_type) {
		shorthand = dl_type_shorthand(m, &skip_proto);
		if (shorthand)
			ds_printf(s, "%s,", shorthand);
	}
	for (int i = 0; i < FLOW_N_REGS; i++) {
		char name[8];
		snprintf(name, sizeof name, "reg%d", i);
		put_u32_masked(s, name, f->regs[i], w->regs[i]);
	}
	put_tunnel(s, m);
	put_u64_masked(s, "metadata", f->metadata, w->metadata);
	if (w->in_port) {
		ds_put(s, "in_port=");
		ofp_port_format(s, f->in_port, ports);
		ds_put_char(s, ',');
	}
	if (mh->vlan_tci) {
		put_vlan(s, "", ntohs(h->vlan_tci), ntohs(mh->vlan_tci));
		if (mh->vlan2_tci)
			put_vlan(s, "1", ntohs(h->vlan2_tci),
				 ntohs(mh->vlan2_tci));
	}
	put_field(s, m, MFF_ETH_SRC, "dl_src", NULL);
	put_field(s, m, MFF_ETH_DST, "dl_dst", NULL);
	if (!shorthand && mh->eth_type)
		ds_printf(s, "dl_type=0x%04x,", type);
	if (type == ETH_TYPE_IPV6) {
		put_field(s, m, MFF_IPV6_SRC, NULL, NULL);
		put_field(s, m, MFF_IPV6_DST, NULL, NULL);
		if (mh->ipv6_label == 0xffffffff)
			ds_printf(s, "ipv6_label=0x%05x,",
				  ntohl(h->ipv6_label));
		else if (mh->ipv6_label)
			ds_printf(s, "ipv6_label=0x%05x/0x%05x,",
				  ntohl(h->ipv6_label), ntohl(mh->ipv6_label));
	} else if (type == ETH_TYPE_ARP || type == ETH_TYPE_RARP) {
		put_field(s, m, MFF_ARP_SPA, NULL, NULL);
		put_field(s, m, MFF_ARP_TPA, NULL, NULL);
	} else {
		put_field(s, m, MFF_IPV4_SRC, "nw_src", NULL);
		put_field(s, m, MFF_IPV4_DST, "nw_dst", NULL);
	}
	if (!skip_proto && mh->nw_proto)
		ds_printf(s, "%s=%u,",
			  type == ETH_TYPE_ARP || type == ETH_TYPE_RARP
				  ? "arp_op"
				  : "nw_proto",
			  h->nw_proto);
	if (type == ETH_TYPE_ARP || type == ETH_TYPE_RARP) {
		put_field(s, m, MFF_ARP_SHA, NULL, NULL);
		put_field(s, m, MFF_ARP_THA, NULL, NULL);
	}
	if (mh->nw_tos & IP_DSCP_MASK)
		ds_printf(s, "nw_tos=%u,", h->nw_tos & IP_DSCP_MASK);
	if (mh->nw_tos & IP_ECN_MASK)
		ds_printf(s, "nw_ecn=%u,", h->nw_tos & IP_ECN_MASK);
	if (mh->nw_ttl)
		ds_printf(s, "nw_ttl=%u,", h->nw_ttl);
	if (mh->nw_frag & (MVS_FRAG_ANY | MVS_FRAG_LATER))
		put_field(s, m, MFF_IP_FRAG, "nw_frag", NULL);
	if ((type == ETH_TYPE_IP && h->nw_proto == IPPROTO_ICMP_) ||
	    (type == ETH_TYPE_IPV6 && h->nw_proto == IPPROTO_ICMPV6_)) {
		put_be16_masked(s, "icmp_type", h->tp_src, mh->tp_src);
		put_be16_masked(s, "icmp_code", h->tp_dst, mh->tp_dst);
		if (type == ETH_TYPE_IPV6) {
			put_field(s, m, MFF_ND_TARGET, NULL, NULL);
			put_field(s, m, MFF_ND_SLL, NULL, NULL);
			put_field(s, m, MFF_ND_TLL, NULL, NULL);
		}
	} else if (type == ETH_TYPE_IP && h->nw_proto == IPPROTO_IGMP_) {
		put_be16_masked(s, "igmp_type", h->tp_src, mh->tp_src);
		put_be16_masked(s, "igmp_code", h->tp_dst, mh->tp_dst);
	} else {
		put_be16_masked(s, "tp_src", h->tp_src, mh->tp_src);
		put_be16_masked(s, "tp_dst", h->tp_dst, mh->tp_dst);
	}
	if ((type == ETH_TYPE_IP || type == ETH_TYPE_IPV6) &&
	    h->nw_proto == IPPROTO_TCP_ && (mh->tcp_flags & htons(0x0fff))) {
		ds_put(s, "tcp_flags=");
		ofp_format_tcp_flags(s, ntohs(h->tcp_flags) & 0x0fff,
				     ntohs(mh->tcp_flags) & 0x0fff);
		ds_put_char(s, ',');
	}
	if (s->len > start)
		ds_chomp(s, ',');
}

/* ---- ports ---- */

static const struct {
	const char *name;
	uint32_t port;
} reserved_ports[] = {
	{ "IN_PORT", OFPP_IN_PORT }, { "TABLE", OFPP_TABLE },
	{ "NORMAL", OFPP_NORMAL },   { "FLOOD", OFPP_FLOOD },
	{ "ALL", OFPP_ALL },	     { "CONTROLLER", OFPP_CONTROLLER },
	{ "LOCAL", OFPP_LOCAL },     { "ANY", OFPP_NONE },
	{ "UNSET", OFPP_UNSET },     { "NONE", OFPP_NONE },
};

/* Open vSwitch's warnings about numeric ports, once parsed as a 32-bit
 * number @x: false if @x is refused. */
static bool
port_number(unsigned long long x, uint32_t *port)
{
	static bool deprecated_warned;

	if (x < 0xff00) {
		*port = (uint32_t)x;
	} else if (x < 0xfff7) {
		ofp_warn("ofp_port",
			 "port %llu is a reserved OF1.0 port number that will "
			 "be "
			 "translated to %llu when talking to an OF1.1 or later "
			 "controller",
			 x, x + 0xffff0000ull);
		*port = (uint32_t)x;
	} else if (x <= 0xffff) {
		if (!deprecated_warned) {
			struct ds name = DS_EMPTY;

			deprecated_warned = true;
			ofp_port_format(&name, (uint32_t)x, NULL);
			ofp_warn("ofp_port",
				 "referring to port %s as %llu is deprecated "
				 "for "
				 "compatibility with OpenFlow 1.1 and later",
				 ds_cstr(&name), x);
			ds_free(&name);
		}
		*port = (uint32_t)x;
	} else if (x < 0xffffff00ull) {
		ofp_warn("ofp_port",
			 "port %llu is outside the supported range 0 through "
			 "ffff "
			 "or 0xffffff00 through 0xffffffff",
			 x);
		return false;
	} else {
		*port = (uint32_t)(x - 0xffff0000ull);
	}
	return true;
}

/* A port name of @ports, bare or in double quotes (backslash escapes the
 * next character), as Open vSwitch accepts names that look like
 * numbers or hold delimiters. */
static bool
port_name_parse(const char *s, const struct ofp_port_map *ports, uint32_t *port)
{
	size_t len = strlen(s);
	char *name = xstrdup(s);
	bool found = false;

	if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
		char *q = name;
		for (size_t i = 1; i < len - 1; i++) {
			if (s[i] == '\\' && i + 2 < len)
				i++;
			*q++ = s[i];
		}
		*q = '\0';
	}
	for (size_t i = 0; ports && i < ports->n && !found; i++)
		if (!strcmp(name, ports->ports[i].name)) {
			*port = ports->ports[i].port;
			found = true;
		}
	free(name);
	return found;
}

bool
ofp_port_parse(const char *s, const struct ofp_port_map *ports, uint32_t *port)
{
	if (*s == '-') {
		ofp_warn("ofp_port",
			 "Negative value %s is not a valid port number.", s);
		return false;
	}
	if (*s >= '0' && *s <= '9') {
		char *end;
		unsigned long long x;

		errno = 0;
		x = strtoull(s, &end, 10);
		if (!*end && !errno && x <= 0xffffffffull)
			return port_number(x, port);
	}
	for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++)
		if (!strcasecmp(s, reserved_ports[i].name)) {
			*port = reserved_ports[i].port;
			return true;
		}
	return port_name_parse(s, ports, port);
}

void
ofp_port_format(struct ds *s, uint32_t port, const struct ofp_port_map *ports)
{
	for (size_t i = 0; ports && i < ports->n; i++)
		if (ports->ports[i].port == port) {
			ds_put(s, ports->ports[i].name);
			return;
		}
	if (port < OFPP_MAX) {
		ds_printf(s, "%u", port);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++)
		if (reserved_ports[i].port == port) {
			ds_put(s, reserved_ports[i].name);
			return;
		}
	ds_printf(s, "%u", port);
}

/* ---- key-value splitting ---- */

static size_t
value_len(const char *s, const char *delims)
{
	size_t n = 0;

	while (!strchr(delims, s[n])) {
		if (s[n] == '(') {
			int level = 0;
			do {
				if (s[n] == '(')
					level++;
				else if (s[n] == ')')
					level--;
				else if (!s[n])
					return n;
				n++;
			} while (level > 0);
		} else if (s[n] == '"') {
			/* A quoted string, backslash escapes included. */
			for (n++; s[n] != '"'; n++) {
				if (!s[n])
					return n;
				if (s[n] == '\\' && s[n + 1])
					n++;
			}
			n++;
		} else {
			n++;
		}
	}
	return n;
}

bool
ofp_next_key_value(char **pos, char **key, char **value)
{
	char *s = *pos + strspn(*pos, ", \t\r\n");
	size_t klen, vlen;
	char kdelim, vdelim;
	const char *delims;

	if (!*s) {
		*pos = s;
		*key = *value = NULL;
		return false;
	}
	*key = s;
	klen = strcspn(s, ":=(, \t\r\n");
	kdelim = s[klen];
	s[klen] = '\0';
	s += klen + (kdelim != '\0');
	if (kdelim == ':' || kdelim == '=') {
		delims = ", \t\r\n";
	} else if (kdelim == '(') {
		delims = ")";
	} else {
		*value = *key + klen;
		*pos = s;
		return true;
	}
	*value = s;
	vlen = value_len(s, delims);
	vdelim = s[vlen];
	if (kdelim == '(' && vdelim == ')' && s[vlen + 1] == '-' &&
	    s[vlen + 2] == '>') {
		vlen += value_len(s + vlen, ", \t\r\n");
		vdelim = s[vlen];
	}
	s[vlen] = '\0';
	*pos = s + vlen + (vdelim != '\0');
	return true;
}

char *
ofp_parse_u16(const char *s, const char *what, uint16_t *out)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (errno || end == s || *end || x > 0xffff)
		return xasprintf("invalid %s \"%s\"", what, s);
	*out = (uint16_t)x;
	return NULL;
}
