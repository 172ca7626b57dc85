/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_field: the match field table and the value syntax of each field
 * (integers, Ethernet and IP addresses with masks, ports, fragment types,
 * TCP flags), with Open vSwitch's error messages.
 */
#include "ofp_field.h"

#include "ofp_buf.h"
#include "ofp_nxm.h"
#include "ofp_protocol.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define M(MEMBER) \
	offsetof(struct flow, MEMBER), sizeof(((struct flow *)0)->MEMBER)

/* clang-format off */
static const struct ofp_field fields[MFF_N_IDS] = {
#define READONLY(ID)                                                      \
	((ID) == MFF_ETH_TYPE || (ID) == MFF_IP_PROTO || (ID) == MFF_IP_FRAG || \
	 (ID) == MFF_TCP_FLAGS || (ID) == MFF_SKB_PRIORITY)
#define F(ID, NAME, EXTRA, BYTES, BITS, MASKABLE, STRING, PREREQ, MEMBER) \
	[ID] = { ID, NAME, EXTRA, BYTES, BITS, MASKABLE, !READONLY(ID),   \
		 MFS_##STRING, MFP_##PREREQ, M(MEMBER) }
	F(MFF_TUN_ID, "tun_id", "tunnel_id", 8, 64, true, HEXADECIMAL, NONE, tunnel.tun_id),
	F(MFF_TUN_SRC, "tun_src", NULL, 4, 32, true, IPV4, NONE, tunnel.ipv4_src),
	F(MFF_TUN_DST, "tun_dst", NULL, 4, 32, true, IPV4, NONE, tunnel.ipv4_dst),
	F(MFF_TUN_FLAGS, "tun_flags", NULL, 2, 16, true, TNL_FLAGS, NONE, tunnel.flags),
	F(MFF_TUN_IPV6_SRC, "tun_ipv6_src", NULL, 16, 128, true, IPV6, NONE, tunnel.ipv6_src),
	F(MFF_TUN_IPV6_DST, "tun_ipv6_dst", NULL, 16, 128, true, IPV6, NONE, tunnel.ipv6_dst),
	F(MFF_METADATA, "metadata", NULL, 8, 64, true, HEXADECIMAL, NONE, metadata),
	F(MFF_IN_PORT, "in_port", NULL, 2, 16, false, OFP_PORT, NONE, in_port),
	F(MFF_IN_PORT_OXM, "in_port_oxm", NULL, 4, 32, false, OFP_PORT, NONE, in_port),
	F(MFF_SKB_PRIORITY, "skb_priority", NULL, 4, 32, false, HEXADECIMAL, NONE, skb_priority),
	F(MFF_PKT_MARK, "pkt_mark", NULL, 4, 32, true, HEXADECIMAL, NONE, pkt_mark),
#define R(N) F(MFF_REG0 + N, "reg" #N, NULL, 4, 32, true, HEXADECIMAL, NONE, regs[N])
	R(0), R(1), R(2), R(3), R(4), R(5), R(6), R(7),
	R(8), R(9), R(10), R(11), R(12), R(13), R(14), R(15),
#undef R
#define X(N) F(MFF_XREG0 + N, "xreg" #N, NULL, 8, 64, true, HEXADECIMAL, NONE, regs[2 * N])
	X(0), X(1), X(2), X(3), X(4), X(5), X(6), X(7),
#undef X
	F(MFF_ETH_SRC, "eth_src", "dl_src", 6, 48, true, ETHERNET, NONE, hdr.eth_src),
	F(MFF_ETH_DST, "eth_dst", "dl_dst", 6, 48, true, ETHERNET, NONE, hdr.eth_dst),
	F(MFF_ETH_TYPE, "eth_type", "dl_type", 2, 16, false, HEXADECIMAL, NONE, hdr.eth_type),
	F(MFF_VLAN_TCI, "vlan_tci", NULL, 2, 16, true, HEXADECIMAL, NONE, hdr.vlan_tci),
	F(MFF_DL_VLAN, "dl_vlan", NULL, 2, 12, false, DECIMAL, NONE, hdr.vlan_tci),
	F(MFF_DL_VLAN_PCP, "dl_vlan_pcp", NULL, 1, 3, false, DECIMAL, NONE, hdr.vlan_tci),
	F(MFF_VLAN_VID, "vlan_vid", NULL, 2, 13, true, DECIMAL, NONE, hdr.vlan_tci),
	F(MFF_VLAN_PCP, "vlan_pcp", NULL, 1, 3, false, DECIMAL, VLAN_VID, hdr.vlan_tci),
	F(MFF_IPV4_SRC, "ip_src", "nw_src", 4, 32, true, IPV4, IPV4, hdr.ipv4_src),
	F(MFF_IPV4_DST, "ip_dst", "nw_dst", 4, 32, true, IPV4, IPV4, hdr.ipv4_dst),
	F(MFF_IPV6_SRC, "ipv6_src", NULL, 16, 128, true, IPV6, IPV6, hdr.ipv6_src),
	F(MFF_IPV6_DST, "ipv6_dst", NULL, 16, 128, true, IPV6, IPV6, hdr.ipv6_dst),
	F(MFF_IPV6_LABEL, "ipv6_label", NULL, 4, 20, true, HEXADECIMAL, IPV6, hdr.ipv6_label),
	F(MFF_IP_PROTO, "nw_proto", "ip_proto", 1, 8, false, DECIMAL, IP_ANY, hdr.nw_proto),
	F(MFF_IP_DSCP, "nw_tos", NULL, 1, 8, false, DECIMAL, IP_ANY, hdr.nw_tos),
	F(MFF_IP_DSCP_SHIFTED, "ip_dscp", NULL, 1, 6, false, DECIMAL, IP_ANY, hdr.nw_tos),
	F(MFF_IP_ECN, "nw_ecn", "ip_ecn", 1, 2, false, DECIMAL, IP_ANY, hdr.nw_tos),
	F(MFF_IP_TTL, "nw_ttl", NULL, 1, 8, false, DECIMAL, IP_ANY, hdr.nw_ttl),
	F(MFF_IP_FRAG, "ip_frag", "nw_frag", 1, 2, true, FRAG, IP_ANY, hdr.nw_frag),
	F(MFF_ARP_OP, "arp_op", NULL, 2, 16, false, DECIMAL, ARP, hdr.nw_proto),
	F(MFF_ARP_SPA, "arp_spa", NULL, 4, 32, true, IPV4, ARP, hdr.ipv4_src),
	F(MFF_ARP_TPA, "arp_tpa", NULL, 4, 32, true, IPV4, ARP, hdr.ipv4_dst),
	F(MFF_ARP_SHA, "arp_sha", NULL, 6, 48, true, ETHERNET, ARP, hdr.arp_sha),
	F(MFF_ARP_THA, "arp_tha", NULL, 6, 48, true, ETHERNET, ARP, hdr.arp_tha),
	F(MFF_TCP_SRC, "tcp_src", "tp_src", 2, 16, true, DECIMAL, TCP, hdr.tp_src),
	F(MFF_TCP_DST, "tcp_dst", "tp_dst", 2, 16, true, DECIMAL, TCP, hdr.tp_dst),
	F(MFF_TCP_FLAGS, "tcp_flags", NULL, 2, 12, true, TCP_FLAGS, TCP, hdr.tcp_flags),
	F(MFF_UDP_SRC, "udp_src", NULL, 2, 16, true, DECIMAL, UDP, hdr.tp_src),
	F(MFF_UDP_DST, "udp_dst", NULL, 2, 16, true, DECIMAL, UDP, hdr.tp_dst),
	F(MFF_SCTP_SRC, "sctp_src", NULL, 2, 16, true, DECIMAL, SCTP, hdr.tp_src),
	F(MFF_SCTP_DST, "sctp_dst", NULL, 2, 16, true, DECIMAL, SCTP, hdr.tp_dst),
	F(MFF_ICMPV4_TYPE, "icmp_type", NULL, 1, 8, false, DECIMAL, ICMPV4, hdr.tp_src),
	F(MFF_ICMPV4_CODE, "icmp_code", NULL, 1, 8, false, DECIMAL, ICMPV4, hdr.tp_dst),
	F(MFF_ICMPV6_TYPE, "icmpv6_type", NULL, 1, 8, false, DECIMAL, ICMPV6, hdr.tp_src),
	F(MFF_ICMPV6_CODE, "icmpv6_code", NULL, 1, 8, false, DECIMAL, ICMPV6, hdr.tp_dst),
	F(MFF_ND_TARGET, "nd_target", NULL, 16, 128, true, IPV6, ND, hdr.nd_target),
	F(MFF_ND_SLL, "nd_sll", NULL, 6, 48, true, ETHERNET, ND_SOLICIT, hdr.arp_sha),
	F(MFF_ND_TLL, "nd_tll", NULL, 6, 48, true, ETHERNET, ND_ADVERT, hdr.arp_tha),
#define T(N) F(MFF_TUN_METADATA0 + N, "tun_metadata" #N, NULL, 8, 64, true, HEXADECIMAL, NONE, tun_md[N])
	T(0), T(1), T(2), T(3), T(4), T(5), T(6), T(7),
#undef T
#undef F
};
/* clang-format on */

const struct ofp_field *
ofp_field_get(enum ofp_field_id id)
{
	return id < MFF_N_IDS ? &fields[id] : NULL;
}

const struct ofp_field *
ofp_field_from_name(const char *name)
{
	for (size_t i = 0; i < MFF_N_IDS; i++) {
		const struct ofp_field *f = &fields[i];
		if (!strcmp(name, f->name) ||
		    (f->extra_name && !strcmp(name, f->extra_name)))
			return f;
	}
	return NULL;
}

/* ---- prerequisites ---- */

static bool
flow_proto_is(const struct flow *flow, uint8_t proto)
{
	return flow_is_ip_any(flow) && flow->hdr.nw_proto == proto &&
	       !(flow->hdr.nw_frag & MVS_FRAG_LATER);
}

bool
ofp_field_prereqs_ok(const struct ofp_field *f, const struct flow *flow)
{
	const struct mvs_key_hdr *h = &flow->hdr;

	switch (f->prereq) {
	case MFP_NONE:
		return true;
	case MFP_ARP:
		return flow_is_arp(flow);
	case MFP_VLAN_VID:
		return (h->vlan_tci & htons(MVS_VLAN_PRESENT)) != 0;
	case MFP_IPV4:
		return flow_is_ip(flow);
	case MFP_IPV6:
		return flow_is_ipv6(flow);
	case MFP_IP_ANY:
		return flow_is_ip_any(flow);
	case MFP_TCP:
		return flow_proto_is(flow, IPPROTO_TCP_);
	case MFP_UDP:
		return flow_proto_is(flow, IPPROTO_UDP_);
	case MFP_SCTP:
		return flow_proto_is(flow, IPPROTO_SCTP_);
	case MFP_ICMPV4:
		return flow_is_ip(flow) && h->nw_proto == IPPROTO_ICMP_;
	case MFP_ICMPV6:
		return flow_is_ipv6(flow) && h->nw_proto == IPPROTO_ICMPV6_;
	case MFP_ND:
		return flow_is_ipv6(flow) && h->nw_proto == IPPROTO_ICMPV6_ &&
		       (h->tp_src == htons(135) || h->tp_src == htons(136)) &&
		       h->tp_dst == 0;
	case MFP_ND_SOLICIT:
		return flow_is_ipv6(flow) && h->nw_proto == IPPROTO_ICMPV6_ &&
		       h->tp_src == htons(135) && h->tp_dst == 0;
	case MFP_ND_ADVERT:
		return flow_is_ipv6(flow) && h->nw_proto == IPPROTO_ICMPV6_ &&
		       h->tp_src == htons(136) && h->tp_dst == 0;
	}
	return false;
}

void
ofp_field_mask_prereqs(const struct ofp_field *f, struct flow *mask)
{
	struct mvs_key_hdr *h = &mask->hdr;

	switch (f->prereq) {
	case MFP_NONE:
		break;
	case MFP_VLAN_VID:
		h->vlan_tci |= htons(MVS_VLAN_PRESENT);
		break;
	case MFP_ND:
	case MFP_ND_SOLICIT:
	case MFP_ND_ADVERT:
		h->tp_src = h->tp_dst = 0xffff;
		/* fall through */
	case MFP_TCP:
	case MFP_UDP:
	case MFP_SCTP:
	case MFP_ICMPV4:
	case MFP_ICMPV6:
		h->nw_proto = 0xff;
		/* fall through */
	case MFP_ARP:
	case MFP_IPV4:
	case MFP_IPV6:
	case MFP_IP_ANY:
		h->eth_type = 0xffff;
		break;
	}
}

/* ---- access ---- */

static bool
field_is_host_order(enum ofp_field_id id)
{
	return id == MFF_METADATA || id == MFF_IN_PORT ||
	       id == MFF_SKB_PRIORITY || id == MFF_PKT_MARK ||
	       (id >= MFF_REG0 && id <= MFF_REG15);
}

static uint64_t
value_to_u64(const union ofp_value *v, unsigned n_bytes)
{
	uint64_t x = 0;
	for (unsigned i = 0; i < n_bytes; i++)
		x = (x << 8) | v->bytes[i];
	return x;
}

static void
u64_to_value(uint64_t x, unsigned n_bytes, union ofp_value *v)
{
	memset(v, 0, sizeof *v);
	for (unsigned i = n_bytes; i-- > 0; x >>= 8)
		v->bytes[i] = x & 0xff;
}

static void *
member(const struct ofp_field *f, const struct flow *flow)
{
	return (char *)(uintptr_t)flow + f->offset;
}

/* Fields that are some of the bits of a 1- or 2-byte member: which bits,
 * and where the field's value starts among them. */
static const struct {
	enum ofp_field_id id;
	uint16_t mask;
	uint8_t shift;
} parts[] = {
	{ MFF_DL_VLAN, MVS_VLAN_VID_MASK, 0 },
	{ MFF_DL_VLAN_PCP, MVS_VLAN_PCP_MASK, MVS_VLAN_PCP_SHIFT },
	{ MFF_VLAN_PCP, MVS_VLAN_PCP_MASK, MVS_VLAN_PCP_SHIFT },
	{ MFF_VLAN_VID, MVS_VLAN_VID_MASK | MVS_VLAN_PRESENT, 0 },
	{ MFF_IP_DSCP, IP_DSCP_MASK, 0 },
	{ MFF_IP_DSCP_SHIFTED, IP_DSCP_MASK, 2 },
	{ MFF_IP_ECN, IP_ECN_MASK, 0 },
	{ MFF_ARP_OP, 0xff, 0 },
	{ MFF_ICMPV4_TYPE, 0xff, 0 },
	{ MFF_ICMPV4_CODE, 0xff, 0 },
	{ MFF_ICMPV6_TYPE, 0xff, 0 },
	{ MFF_ICMPV6_CODE, 0xff, 0 },
};

static int
part_of(const struct ofp_field *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (parts[i].id == f->id)
			return (int)i;
	return -1;
}

/* The member of a part field, as a host integer (it is 1 or 2 bytes in
 * network order). */
static uint16_t
unit_get(const struct ofp_field *f, const struct flow *flow)
{
	const uint8_t *p = member(f, flow);
	return f->size == 2 ? (uint16_t)(p[0] << 8 | p[1]) : p[0];
}

static void
unit_set(const struct ofp_field *f, struct flow *flow, uint16_t unit)
{
	uint8_t *p = member(f, flow);

	if (f->size == 2) {
		p[0] = (uint8_t)(unit >> 8);
		p[1] = (uint8_t)unit;
	} else {
		p[0] = (uint8_t)unit;
	}
}

void
ofp_field_get_value(const struct ofp_field *f, const struct flow *flow,
		    union ofp_value *v)
{
	int part = part_of(f);

	memset(v, 0, sizeof *v);
	if (part >= 0) {
		uint16_t u = (unit_get(f, flow) & parts[part].mask) >>
			     parts[part].shift;
		u64_to_value(u, f->n_bytes, v);
	} else if (f->id >= MFF_XREG0 && f->id <= MFF_XREG7) {
		const uint32_t *r = &flow->regs[2 * (f->id - MFF_XREG0)];
		u64_to_value((uint64_t)r[0] << 32 | r[1], 8, v);
	} else if (f->id == MFF_IN_PORT_OXM) {
		u64_to_value(ofp_port_to_ofp11(flow->in_port), 4, v);
	} else if (f->id == MFF_TUN_FLAGS) {
		/* The datapath's flag bits differ from OpenFlow's. */
		u64_to_value(flow->tunnel.flags & MVS_TNL_F_OAM ? OFP_TNL_OAM
								: 0,
			     2, v);
	} else if (field_is_host_order(f->id)) {
		uint64_t x = 0;
		const void *p = member(f, flow);
		if (f->size == 8) {
			memcpy(&x, p, 8);
		} else {
			uint32_t y;
			memcpy(&y, p, 4);
			x = y;
		}
		u64_to_value(x, f->n_bytes, v);
	} else {
		memcpy(v->bytes, member(f, flow), f->n_bytes);
	}
}

/* Writes the bits of @f in @flow from @v, leaving the other bits of a
 * shared member as they are. */
static void
set_bits(const struct ofp_field *f, const union ofp_value *v, struct flow *flow)
{
	int part = part_of(f);

	if (part >= 0) {
		uint16_t m = parts[part].mask;
		uint16_t u = (uint16_t)(value_to_u64(v, f->n_bytes)
					<< parts[part].shift);
		unit_set(f, flow, (unit_get(f, flow) & ~m) | (u & m));
	} else if (f->id >= MFF_XREG0 && f->id <= MFF_XREG7) {
		uint32_t *r = &flow->regs[2 * (f->id - MFF_XREG0)];
		uint64_t x = value_to_u64(v, 8);
		r[0] = (uint32_t)(x >> 32);
		r[1] = (uint32_t)x;
	} else if (f->id == MFF_IN_PORT_OXM) {
		uint32_t port = (uint32_t)value_to_u64(v, 4);
		/* A value is a valid port; an exact mask (all ones) becomes
		 * the 16-bit in_port's 0xffff, as OFPP_ANY becomes OFPP_NONE.
		 */
		flow->in_port = port >= 0xffffff00u ? port - 0xffff0000u : port;
	} else if (f->id == MFF_TUN_FLAGS) {
		uint16_t fl = flow->tunnel.flags & (uint16_t)~MVS_TNL_F_OAM;

		if (value_to_u64(v, 2) & OFP_TNL_OAM)
			fl |= MVS_TNL_F_OAM;
		flow->tunnel.flags = fl;
	} else if (field_is_host_order(f->id)) {
		uint64_t x = value_to_u64(v, f->n_bytes);
		void *p = member(f, flow);
		if (f->size == 8) {
			memcpy(p, &x, 8);
		} else {
			uint32_t y = (uint32_t)x;
			memcpy(p, &y, 4);
		}
	} else {
		memcpy(member(f, flow), v->bytes, f->n_bytes);
	}
}

void
ofp_field_set_flow_value(const struct ofp_field *f, const union ofp_value *v,
			 struct flow *flow)
{
	set_bits(f, v, flow);
	if (ofp_field_is_tun_md(f->id))
		flow->tun_md_present |= 1ull << (f->id - MFF_TUN_METADATA0);
	if (f->id == MFF_DL_VLAN || f->id == MFF_DL_VLAN_PCP ||
	    f->id == MFF_VLAN_PCP)
		flow->hdr.vlan_tci |= htons(MVS_VLAN_PRESENT);
	if (f->id == MFF_DL_VLAN && v->be16 == 0xffff)
		flow->hdr.vlan_tci = 0;
	/* A packet with a tag has its TPID (Open vSwitch's
	 * flow_fix_vlan_tpid). */
	if (flow->hdr.vlan_tci && !flow->hdr.vlan_tpid)
		flow->hdr.vlan_tpid = htons(ETH_TYPE_VLAN);
}

static bool
value_all_ones(const union ofp_value *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (v->bytes[i] != 0xff)
			return false;
	return true;
}

unsigned
ofp_value_sig_len(const uint8_t *v, unsigned n)
{
	unsigned i = 0;

	while (i < n && !v[i])
		i++;
	return n - i;
}

/* A tun_metadata mask that is all ones over its own length and covers the
 * value is exact: Open vSwitch sends the value in that many bytes, and
 * "0x5/0xff" comes back as "0x5". */
static bool
tun_md_mask_exact(const struct ofp_field *f, const union ofp_value *value,
		  const union ofp_value *mask)
{
	unsigned n = f->n_bytes, ml = ofp_value_sig_len(mask->bytes, n);

	if (!ofp_field_is_tun_md(f->id) || !ml ||
	    ofp_value_sig_len(value->bytes, n) > ml)
		return false;
	for (unsigned i = n - ml; i < n; i++)
		if (mask->bytes[i] != 0xff)
			return false;
	return true;
}

void
ofp_field_set_match(const struct ofp_field *f, const union ofp_value *value,
		    const union ofp_value *mask, struct match *m)
{
	union ofp_value v, ones;
	uint16_t *mtci = &m->mask.hdr.vlan_tci;

	memset(&ones, 0xff, sizeof ones);
	switch (f->id) {
	case MFF_DL_VLAN:
		if (value->be16 == 0xffff) {
			m->flow.hdr.vlan_tci = 0;
			*mtci = 0xffff;
		} else {
			set_bits(f, value, &m->flow);
			m->flow.hdr.vlan_tci |= htons(MVS_VLAN_PRESENT);
			*mtci |= htons(MVS_VLAN_VID_MASK | MVS_VLAN_PRESENT);
		}
		return;
	case MFF_DL_VLAN_PCP:
	case MFF_VLAN_PCP:
		set_bits(f, value, &m->flow);
		m->flow.hdr.vlan_tci |= htons(MVS_VLAN_PRESENT);
		*mtci |= htons(MVS_VLAN_PCP_MASK | MVS_VLAN_PRESENT);
		return;
	case MFF_ICMPV4_TYPE:
	case MFF_ICMPV6_TYPE:
		set_bits(f, value, &m->flow);
		m->mask.hdr.tp_src = 0xffff;
		return;
	case MFF_ICMPV4_CODE:
	case MFF_ICMPV6_CODE:
		set_bits(f, value, &m->flow);
		m->mask.hdr.tp_dst = 0xffff;
		return;
	case MFF_ARP_OP:
		set_bits(f, value, &m->flow);
		m->mask.hdr.nw_proto = 0xff;
		return;
	default:
		break;
	}
	if (!mask || tun_md_mask_exact(f, value, mask))
		mask = &ones;
	if (ofp_field_is_tun_md(f->id)) {
		/* Matching an option, even under a zero mask, says it is
		 * there (Open vSwitch's present map). */
		uint64_t bit = 1ull << (f->id - MFF_TUN_METADATA0);
		m->flow.tun_md_present |= bit;
		m->mask.tun_md_present |= bit;
	}
	for (unsigned i = 0; i < sizeof v.bytes; i++)
		v.bytes[i] = value->bytes[i] & mask->bytes[i];
	set_bits(f, &v, &m->flow);
	/* A mask that covers every bit the field has is exact (the flow
	 * label is 20 bits of a 32-bit word); the fragment bits are two. */
	if (f->id == MFF_IPV6_LABEL && (ntohl(mask->be32) & 0xfffff) == 0xfffff)
		mask = &ones;
	set_bits(f, mask, &m->mask);
	if (f->id == MFF_IP_FRAG) {
		m->mask.hdr.nw_frag &= MVS_FRAG_ANY | MVS_FRAG_LATER;
		m->flow.hdr.nw_frag &= m->mask.hdr.nw_frag;
	}
}

bool
ofp_field_is_set(const struct ofp_field *f, const struct flow *flow)
{
	/* Every field's value comes from the bytes of its member, or from
	 * as many as the value has (an xreg's two registers): when they are
	 * all zero, so is the value, without building it (encoding a match
	 * asks this of every field). */
	unsigned n = f->size > f->n_bytes ? f->size : f->n_bytes;
	union ofp_value v;

	if (ofp_is_zero(member(f, flow), n))
		return false;
	ofp_field_get_value(f, flow, &v);
	for (unsigned i = 0; i < f->n_bytes; i++)
		if (v.bytes[i])
			return true;
	return false;
}

/* ---- syntax ---- */

int
ofp_parse_int_string(const char *s, uint8_t *out, unsigned n, const char **tail)
{
	memset(out, 0, n);
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
		uint8_t digits[256];
		unsigned len = 0;

		for (s += 2;; s++) {
			int d;
			s += strspn(s, " \t\r\n");
			if (*s >= '0' && *s <= '9')
				d = *s - '0';
			else if (*s >= 'a' && *s <= 'f')
				d = *s - 'a' + 10;
			else if (*s >= 'A' && *s <= 'F')
				d = *s - 'A' + 10;
			else
				break;
			if (d || len) {
				if ((len + 2) / 2 > n || len >= sizeof digits)
					return ERANGE;
				digits[len++] = (uint8_t)d;
			}
		}
		*tail = s;
		for (unsigned i = n; len; i--) {
			out[i - 1] = digits[--len];
			if (len)
				out[i - 1] |= (uint8_t)(digits[--len] << 4);
		}
		return 0;
	}

	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno)
		return errno;
	*tail = end;
	for (unsigned i = n; i-- > 0; x >>= 8)
		out[i] = x & 0xff;
	return x ? ERANGE : 0;
}

static char *
parse_integer(const struct ofp_field *f, const char *s, union ofp_value *v,
	      union ofp_value *m)
{
	const char *tail = s, *what = "value";
	int err = ofp_parse_int_string(s, v->bytes, f->n_bytes, &tail);

	if (err || (*tail && *tail != '/'))
		goto error;
	if (*tail == '/') {
		what = "mask";
		err = ofp_parse_int_string(tail + 1, m->bytes, f->n_bytes,
					   &tail);
		if (err || *tail)
			goto error;
	} else
		memset(m->bytes, 0xff, f->n_bytes);
	return NULL;

error:
	if (err == ERANGE)
		return xasprintf("%s: %s too large for %u-byte field %s", s,
				 what, f->n_bytes, f->name);
	return xasprintf("%s: bad syntax for %s %s", s, f->name, what);
}

bool
ofp_parse_eth(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	int n = -1;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &n) != 6 ||
	    n < 0 || s[n])
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
	return true;
}

static char *
parse_ethernet(const char *s, union ofp_value *v, union ofp_value *m)
{
	char *copy = xstrdup(s), *slash = strchr(copy, '/');
	bool ok;

	if (slash)
		*slash = '\0';
	ok = ofp_parse_eth(copy, v->mac) &&
	     (slash ? ofp_parse_eth(slash + 1, m->mac) : true);
	if (!slash)
		memset(m->mac, 0xff, 6);
	free(copy);
	return ok ? NULL : xasprintf("%s: invalid Ethernet address", s);
}

static bool
parse_dotted(const char *s, uint32_t *be32)
{
	unsigned a[4];
	int n = -1;

	if (sscanf(s, "%u.%u.%u.%u%n", &a[0], &a[1], &a[2], &a[3], &n) != 4 ||
	    n < 0 || s[n] || a[0] > 255 || a[1] > 255 || a[2] > 255 ||
	    a[3] > 255)
		return false;
	*be32 = htonl(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]);
	return true;
}

static char *
parse_ipv4(const char *s, union ofp_value *v, union ofp_value *m)
{
	char *copy = xstrdup(s), *slash = strchr(copy, '/');
	char *err = NULL;

	if (slash)
		*slash++ = '\0';
	if (!parse_dotted(copy, &v->be32)) {
		err = xasprintf("%s: invalid IP address", s);
	} else if (!slash) {
		m->be32 = 0xffffffff;
	} else if (!parse_dotted(slash, &m->be32)) {
		char *end;
		long bits = strtol(slash, &end, 10);
		if (end == slash || *end)
			err = xasprintf("%s: invalid IP address", s);
		else if (bits < 0 || bits > 32)
			err = xasprintf("%s: IPv4 network prefix bits not "
					"between 0 and 32, inclusive",
					s);
		else
			m->be32 = bits ? htonl(~0u << (32 - bits)) : 0;
	}
	free(copy);
	return err;
}

static char *
parse_ipv6(const char *s, union ofp_value *v, union ofp_value *m)
{
	char *copy = xstrdup(s), *slash = strchr(copy, '/');
	char *err = NULL;

	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET6, copy, v->ipv6) != 1) {
		err = xasprintf("%s: invalid IPv6 address", s);
	} else if (!slash) {
		memset(m->ipv6, 0xff, 16);
	} else if (inet_pton(AF_INET6, slash, m->ipv6) != 1) {
		char *end;
		long bits = strtol(slash, &end, 10);
		if (end == slash || *end) {
			err = xasprintf("%s: invalid IPv6 address", s);
		} else if (bits < 0 || bits > 128) {
			err = xasprintf("%s: IPv6 network prefix bits not "
					"between 0 and 128, inclusive",
					s);
		} else {
			memset(m->ipv6, 0, 16);
			for (long i = 0; i < bits; i++)
				m->ipv6[i / 8] |= 0x80 >> (i % 8);
		}
	}
	free(copy);
	return err;
}

static const struct {
	const char *name;
	uint8_t value, mask;
} frag_types[] = {
	{ "no", 0, MVS_FRAG_ANY | MVS_FRAG_LATER },
	{ "yes", MVS_FRAG_ANY, MVS_FRAG_ANY },
	{ "first", MVS_FRAG_ANY, MVS_FRAG_ANY | MVS_FRAG_LATER },
	{ "later", MVS_FRAG_ANY | MVS_FRAG_LATER,
	  MVS_FRAG_ANY | MVS_FRAG_LATER },
	{ "not_later", 0, MVS_FRAG_LATER },
};

static const char *const tcp_flag_names[12] = {
	"fin", "syn", "rst", "psh", "ack", "urg",
	"ece", "cwr", "ns",  NULL,  NULL,  NULL,
};

/* A flags field's names (bit i is names[i]; NULL: none), the bits it
 * has and what Open vSwitch's messages call it. */
struct flag_set {
	const char *const *names;
	int n;
	uint16_t all;
	const char *what;
	bool signed_only; /* printed +name/-name even under the whole mask */
};

static const struct flag_set tcp_flag_set = { tcp_flag_names, 12, 0x0fff, "TCP",
					      false };
static const char *const tnl_flag_names[1] = { "oam" };
static const struct flag_set tnl_flag_set = { tnl_flag_names, 1, OFP_TNL_OAM,
					      "tunnel", true };

static int
flag_bit(const struct flag_set *fs, const char *s, size_t n)
{
	for (int i = 0; i < fs->n; i++)
		if (fs->names[i] && strlen(fs->names[i]) == n &&
		    !strncmp(s, fs->names[i], n))
			return i;
	return -1;
}

/* "name|name" (those set, the others not), or an integer for @f. */
static char *
parse_flag_names(const struct ofp_field *f, const struct flag_set *fs,
		 const char *s, union ofp_value *v, union ofp_value *m)
{
	uint16_t flags = 0;

	if (flag_bit(fs, s, strcspn(s, "|")) < 0) {
		char *err = parse_integer(f, s, v, m);

		if (!err && v->be16 & ~htons(fs->all))
			err = xasprintf("%s: unknown %s flag(s)", s, fs->what);
		return err;
	}
	while (*s) {
		size_t n = strcspn(s, "|");
		int bit = flag_bit(fs, s, n);

		if (bit < 0)
			return xasprintf("%.*s: unknown %s flag(s)", (int)n, s,
					 fs->what);
		flags |= (uint16_t)(1u << bit);
		s += n + (s[n] == '|');
	}
	v->be16 = htons(flags);
	m->be16 = htons(fs->all);
	return NULL;
}

static char *
parse_flags(const struct ofp_field *f, const struct flag_set *fs, const char *s,
	    union ofp_value *v, union ofp_value *m)
{
	uint16_t flags = 0, mask = 0;

	if (*s != '+' && *s != '-') {
		if (fs == &tcp_flag_set)
			return parse_integer(f, s, v, m);
		return parse_flag_names(f, fs, s, v, m);
	}
	while (*s) {
		bool set = *s == '+';
		size_t n;
		int bit = -1;

		if (*s != '+' && *s != '-')
			return xasprintf("%s: %s flag must be preceded by "
					 "'+' (for SET) or '-' (NOT SET)",
					 s, fs->what);
		s++;
		n = strcspn(s, "+-");
		bit = flag_bit(fs, s, n);
		if (bit < 0)
			return xasprintf(fs->signed_only
						 ? "%.*s: unknown %s flag(s)"
						 : "%.*s: unknown %s flag",
					 (int)n, s, fs->what);
		if (mask & (1u << bit))
			return xasprintf("%.*s: Each %s flag can be specified "
					 "only once",
					 (int)n, s, fs->what);
		mask |= 1u << bit;
		if (set)
			flags |= 1u << bit;
		s += n;
	}
	v->be16 = htons(flags);
	m->be16 = htons(mask);
	return NULL;
}

char *
ofp_field_parse(const struct ofp_field *f, const char *s,
		const struct ofp_port_map *ports, union ofp_value *value,
		union ofp_value *mask)
{
	char *err = NULL;

	memset(value, 0, sizeof *value);
	memset(mask, 0, sizeof *mask);
	if (!strcmp(s, "*"))
		return NULL;
	switch (f->string) {
	case MFS_DECIMAL:
	case MFS_HEXADECIMAL:
		err = parse_integer(f, s, value, mask);
		break;
	case MFS_ETHERNET:
		err = parse_ethernet(s, value, mask);
		break;
	case MFS_IPV4:
		err = parse_ipv4(s, value, mask);
		break;
	case MFS_IPV6:
		err = parse_ipv6(s, value, mask);
		break;
	case MFS_OFP_PORT: {
		uint32_t port;
		if (!ofp_port_parse(s, ports, &port))
			return xasprintf("%s: invalid or unknown port for %s",
					 s, f->name);
		if (f->n_bytes == 4) {
			value->be32 = htonl(ofp_port_to_ofp11(port));
			mask->be32 = 0xffffffff;
		} else {
			value->be16 = htons(port);
			mask->be16 = 0xffff;
		}
		break;
	}
	case MFS_FRAG:
		for (size_t i = 0; i < ARRAY_SIZE(frag_types); i++)
			if (!strcasecmp(s, frag_types[i].name)) {
				/* The bits the field does not have are on, so
				 * "no", "first" and "later" are exact. */
				value->u8 = frag_types[i].value;
				mask->u8 = frag_types[i].mask |
					   ~(MVS_FRAG_ANY | MVS_FRAG_LATER);
				return NULL;
			}
		return xasprintf("%s: unknown fragment type (valid types are "
				 "\"no\", \"yes\", \"first\", \"later\", "
				 "\"not_later\"",
				 s);
	case MFS_TCP_FLAGS:
		err = parse_flags(f, &tcp_flag_set, s, value, mask);
		break;
	case MFS_TNL_FLAGS:
		err = parse_flags(f, &tnl_flag_set, s, value, mask);
		break;
	}
	if (!err && !f->maskable) {
		bool zero = true;
		for (unsigned i = 0; i < f->n_bytes; i++)
			zero &= !mask->bytes[i];
		if (!zero && !value_all_ones(mask, f->n_bytes))
			err = xasprintf("%s: invalid mask for field %s", s,
					f->name);
	}
	return err;
}

char *
ofp_field_parse_value(const struct ofp_field *f, const char *s,
		      const struct ofp_port_map *ports, union ofp_value *value)
{
	union ofp_value mask;
	char *err = ofp_field_parse(f, s, ports, value, &mask);
	/* tun_flags has one bit: "oam" and "+oam" are exact. */
	bool exact = f->string == MFS_TNL_FLAGS
			     ? (ntohs(mask.be16) & OFP_TNL_OAM) == OFP_TNL_OAM
			     : value_all_ones(&mask, f->n_bytes);

	if (!err && !exact)
		err = xasprintf("%s: wildcards not allowed here", s);
	return err;
}

/* ---- printing ---- */

void
ofp_format_eth(struct ds *s, const uint8_t m[6])
{
	ds_printf(s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		  m[4], m[5]);
}

void
ofp_format_ipv4(struct ds *s, uint32_t be32)
{
	uint32_t x = ntohl(be32);
	ds_printf(s, "%u.%u.%u.%u", x >> 24, (x >> 16) & 0xff, (x >> 8) & 0xff,
		  x & 0xff);
}

void
ofp_format_ipv6(struct ds *s, const uint8_t ip[16])
{
	char buf[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, ip, buf, sizeof buf);
	ds_put(s, buf);
}

/* Open vSwitch's format_flags_masked: names joined by '|' under the
 * whole mask, else +name/-name for each bit of the mask. */
static void
format_flags(struct ds *s, const struct flag_set *fs, uint16_t flags,
	     uint16_t mask)
{
	if (mask == fs->all && !fs->signed_only) {
		uint16_t bad = 0;
		if (!flags) {
			ds_put_char(s, '0');
			return;
		}
		for (int i = 0; i < 16; i++) {
			if (!(flags & (1u << i)))
				continue;
			if (i < fs->n && fs->names[i])
				ds_printf(s, "%s|", fs->names[i]);
			else
				bad |= 1u << i;
		}
		if (bad)
			ds_printf(s, "0x%x|", bad);
		ds_chomp(s, '|');
		return;
	}
	if (!mask) {
		ds_put(s, "0/0");
		return;
	}
	for (int i = 0; i < 16; i++) {
		if (!(mask & (1u << i)))
			continue;
		ds_put_char(s, flags & (1u << i) ? '+' : '-');
		if (i < fs->n && fs->names[i])
			ds_put(s, fs->names[i]);
		else
			ds_printf(s, "[%x]", 1u << i);
	}
}

void
ofp_format_tcp_flags(struct ds *s, uint16_t flags, uint16_t mask)
{
	format_flags(s, &tcp_flag_set, flags, mask);
}

void
ofp_field_format(const struct ofp_field *f, const union ofp_value *value,
		 const union ofp_value *mask, const struct ofp_port_map *ports,
		 struct ds *s)
{
	bool exact = !mask || value_all_ones(mask, f->n_bytes);

	switch (f->string) {
	case MFS_DECIMAL:
		ds_printf(s, "%llu",
			  (unsigned long long)value_to_u64(value, f->n_bytes));
		if (!exact)
			ds_printf(s, "/0x%llx",
				  (unsigned long long)value_to_u64(mask,
								   f->n_bytes));
		break;
	case MFS_HEXADECIMAL:
		/* Open vSwitch writes a variable-length zero as "0". */
		ds_printf(s, ofp_field_is_tun_md(f->id) ? "%#llx" : "0x%llx",
			  (unsigned long long)value_to_u64(value, f->n_bytes));
		if (!exact)
			ds_printf(s, "/0x%llx",
				  (unsigned long long)value_to_u64(mask,
								   f->n_bytes));
		break;
	case MFS_ETHERNET:
		ofp_format_eth(s, value->mac);
		if (!exact) {
			ds_put_char(s, '/');
			ofp_format_eth(s, mask->mac);
		}
		break;
	case MFS_IPV4:
		ofp_format_ipv4(s, value->be32);
		if (!exact) {
			uint32_t m = ntohl(mask->be32);
			if (!(m & (~m >> 1))) {
				int bits = __builtin_popcount(m);
				ds_printf(s, "/%d", bits);
			} else {
				ds_put_char(s, '/');
				ofp_format_ipv4(s, mask->be32);
			}
		}
		break;
	case MFS_IPV6:
		ofp_format_ipv6(s, value->ipv6);
		if (!exact) {
			int bits = 0;
			bool cidr = true;
			for (int i = 0; i < 128; i++) {
				bool set =
					mask->ipv6[i / 8] & (0x80 >> (i % 8));
				if (set && bits != i)
					cidr = false;
				if (set)
					bits++;
			}
			ds_put_char(s, '/');
			if (cidr)
				ds_printf(s, "%d", bits);
			else
				ofp_format_ipv6(s, mask->ipv6);
		}
		break;
	case MFS_OFP_PORT:
		if (f->n_bytes == 4) {
			uint32_t p = (uint32_t)value_to_u64(value, 4);
			ofp_port_format(s,
					p >= 0xffffff00u ? p - 0xffff0000u : p,
					ports);
		} else {
			ofp_port_format(s, ntohs(value->be16), ports);
		}
		break;
	case MFS_FRAG: {
		uint8_t v = value->u8, m = mask ? mask->u8 : 0xff;
		const char *name = "<error>";
		m &= MVS_FRAG_ANY | MVS_FRAG_LATER;
		if (m == (MVS_FRAG_ANY | MVS_FRAG_LATER))
			name = v & MVS_FRAG_ANY
				       ? (v & MVS_FRAG_LATER ? "later"
							     : "first")
				       : (v & MVS_FRAG_LATER ? "<error>"
							     : "no");
		else if (m == MVS_FRAG_ANY)
			name = v & MVS_FRAG_ANY ? "yes" : "no";
		else if (m == MVS_FRAG_LATER)
			name = v & MVS_FRAG_LATER ? "later" : "not_later";
		ds_put(s, name);
		break;
	}
	case MFS_TCP_FLAGS:
		ofp_format_tcp_flags(s, ntohs(value->be16) & 0x0fff,
				     mask ? ntohs(mask->be16) & 0x0fff
					  : 0x0fff);
		break;
	case MFS_TNL_FLAGS:
		format_flags(s, &tnl_flag_set, ntohs(value->be16) & OFP_TNL_OAM,
			     mask ? ntohs(mask->be16) & OFP_TNL_OAM
				  : OFP_TNL_OAM);
		break;
	}
}

/* ---- usable protocols ---- */

/* How OpenFlow 1.0's and 1.1's fixed matches can say a field. */
enum { NO, EXACT, CIDR, BITWISE };

static void
fixed_match_support(enum ofp_field_id id, int *of10, int *of11)
{
	*of10 = *of11 = NO;
	switch (id) {
	case MFF_IN_PORT:
	case MFF_ETH_TYPE:
	case MFF_VLAN_VID:
	case MFF_VLAN_PCP:
	case MFF_VLAN_TCI:
	case MFF_DL_VLAN:
	case MFF_DL_VLAN_PCP:
	case MFF_IP_PROTO:
	case MFF_IP_DSCP:
	case MFF_IP_DSCP_SHIFTED:
	case MFF_ARP_OP:
	case MFF_TCP_SRC:
	case MFF_TCP_DST:
	case MFF_UDP_SRC:
	case MFF_UDP_DST:
	case MFF_ICMPV4_TYPE:
	case MFF_ICMPV4_CODE:
		*of10 = *of11 = EXACT;
		break;
	case MFF_IN_PORT_OXM:
	case MFF_IP_ECN:
	case MFF_SCTP_SRC:
	case MFF_SCTP_DST:
		*of11 = EXACT;
		break;
	case MFF_ETH_SRC:
	case MFF_ETH_DST:
		*of10 = EXACT;
		*of11 = BITWISE;
		break;
	case MFF_IPV4_SRC:
	case MFF_IPV4_DST:
	case MFF_ARP_SPA:
	case MFF_ARP_TPA:
		*of10 = CIDR;
		*of11 = BITWISE;
		break;
	case MFF_METADATA:
		*of11 = BITWISE;
		break;
	default:
		break;
	}
}

static bool
mask_is_cidr32(const union ofp_value *mask)
{
	uint32_t m = ntohl(mask->be32);
	return !(m & (~m >> 1)) && (!m || (m >> 31));
}

uint32_t
ofp_field_usable_protocols(const struct ofp_field *f,
			   const union ofp_value *mask)
{
	bool header = nxm_field_has_header(f->id);
	int of10, of11, need;
	uint32_t p = 0;

	fixed_match_support(f->id, &of10, &of11);
	if (!mask || value_all_ones(mask, f->n_bytes))
		need = EXACT;
	else if (ofp_is_zero(mask->bytes, f->n_bytes) &&
		 !ofp_field_is_tun_md(f->id)) /* still "is there" */
		return OFP_PROTO_ANY;
	else
		need = mask_is_cidr32(mask) ? CIDR : BITWISE;
	if (of10 >= need)
		p |= OFP_PROTO_OF10_STD_ANY;
	if (of11 >= need)
		p |= OFP_PROTO_OF11_STD;
	if (header && (need == EXACT || f->maskable))
		p |= OFP_PROTO_NXM_OXM_ANY;
	else if (!header && p)
		/* dl_vlan, dl_vlan_pcp: NXM and OXM say them as vlan_tci. */
		p |= OFP_PROTO_NXM_OXM_ANY;
	return p;
}
