/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flow_extract: packet bytes to struct mvs_key.  Every read is checked
 * against what is left of the packet; a header cut short stops the
 * extraction there and says so (FLOW_TRUNCATED), a header whose fields
 * contradict each other is ignored from that layer on (FLOW_MALFORMED).
 */
#include "flow.h"

#include <netinet/in.h>
#include <string.h>

/* A cursor over the packet: never reads past end. */
struct cur {
	const uint8_t *p;
	size_t left;
};

static inline uint16_t
rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v; /* network order kept */
}

static inline const uint8_t *
pull(struct cur *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->left < n)
		return NULL;
	c->p += n;
	c->left -= n;
	return p;
}

static enum flow_status
worse(enum flow_status a, enum flow_status b)
{
	return a > b ? a : b;
}

/* Up to two VLAN tags, then the Ethernet type (or the 802.3 LLC/SNAP
 * type, or MVS_ETH_TYPE_NONE).  As Open vSwitch's parse_vlan, a tag is
 * taken only when the type after it is there too. */
static enum flow_status
parse_l2_5(struct cur *c, struct mvs_key_hdr *h)
{
	for (int n = 0; n < 2; n++) {
		uint16_t tpid = flow_get16(c->p);

		if (tpid != ETH_TYPE_VLAN && tpid != ETH_TYPE_VLAN_8021AD)
			break;
		if (c->left < VLAN_HDR_LEN + 2)
			return FLOW_TRUNCATED;
		const uint8_t *t = pull(c, VLAN_HDR_LEN);
		uint16_t tci = (uint16_t)(flow_get16(t + 2) | MVS_VLAN_PRESENT);
		if (n == 0) {
			h->vlan_tpid = rd16(t);
			h->vlan_tci = htons(tci);
		} else {
			h->vlan2_tpid = rd16(t);
			h->vlan2_tci = htons(tci);
		}
	}
	uint16_t type = flow_get16(pull(c, 2));
	if (type >= MVS_ETH_TYPE_MIN) {
		h->eth_type = htons(type);
		return FLOW_OK;
	}
	/* 802.3: LLC/SNAP with OUI 0 carries a type; anything else has none. */
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
	if (c->left >= 8 && !memcmp(c->p, snap, 6) &&
	    flow_get16(c->p + 6) >= MVS_ETH_TYPE_MIN) {
		h->eth_type = htons(flow_get16(c->p + 6));
		pull(c, 8);
	} else {
		h->eth_type = htons(MVS_ETH_TYPE_NONE);
	}
	return FLOW_OK;
}

static enum flow_status
parse_arp(struct cur *c, struct mvs_key_hdr *h)
{
	const uint8_t *a = c->p;

	if (c->left < 28)
		return FLOW_TRUNCATED;
	if (flow_get16(a) != 1 || flow_get16(a + 2) != ETH_TYPE_IP ||
	    a[4] != 6 || a[5] != 4)
		return FLOW_OK; /* not Ethernet/IPv4 ARP: no fields, as OVS */
	uint16_t op = flow_get16(a + 6);
	h->nw_proto = op <= 0xff ? (uint8_t)op : 0;
	memcpy(h->arp_sha, a + 8, 6);
	memcpy(&h->ipv4_src, a + 14, 4);
	memcpy(h->arp_tha, a + 18, 6);
	memcpy(&h->ipv4_dst, a + 24, 4);
	return FLOW_OK;
}

/* ICMPv6 neighbour discovery: target and link-layer options. */
static enum flow_status
parse_nd(struct cur *c, struct mvs_key_hdr *h, uint8_t type)
{
	const uint8_t *t = pull(c, 20); /* 4 reserved/flags + target */

	if (!t)
		return FLOW_TRUNCATED;
	uint8_t sll[6] = { 0 }, tll[6] = { 0 };
	bool have_sll = false, have_tll = false;
	while (c->left) {
		if (c->left < 8)
			return FLOW_TRUNCATED;
		size_t len = (size_t)c->p[1] * 8;
		if (!len || len > c->left)
			return len ? FLOW_TRUNCATED : FLOW_MALFORMED;
		if (c->p[0] == 1 && len == 8) {
			if (have_sll)
				return FLOW_MALFORMED;
			memcpy(sll, c->p + 2, 6);
			have_sll = true;
		} else if (c->p[0] == 2 && len == 8) {
			if (have_tll)
				return FLOW_MALFORMED;
			memcpy(tll, c->p + 2, 6);
			have_tll = true;
		}
		pull(c, len);
	}
	memcpy(h->nd_target, t + 4, 16);
	memcpy(h->arp_sha, sll, 6);
	memcpy(h->arp_tha, tll, 6);
	return FLOW_OK;
}

static enum flow_status
parse_l4(struct cur *c, struct mvs_key_hdr *h, struct dp_packet *p,
	 const uint8_t *base)
{
	const uint8_t *l4 = c->p;

	p->l4_ofs = (uint16_t)(l4 - base);
	switch (h->nw_proto) {
	case IPPROTO_TCP: {
		if (c->left < 20)
			return FLOW_TRUNCATED;
		size_t off = (size_t)(l4[12] >> 4) * 4;
		if (off < 20)
			return FLOW_MALFORMED;
		if (off > c->left)
			return FLOW_TRUNCATED;
		h->tp_src = rd16(l4);
		h->tp_dst = rd16(l4 + 2);
		h->tcp_flags = htons(flow_get16(l4 + 12) & 0x0fff);
		return FLOW_OK;
	}
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (c->left < (h->nw_proto == IPPROTO_UDP ? 8u : 12u))
			return FLOW_TRUNCATED;
		h->tp_src = rd16(l4);
		h->tp_dst = rd16(l4 + 2);
		return FLOW_OK;
	case IPPROTO_ICMP:
		if (c->left < 8)
			return FLOW_TRUNCATED;
		h->tp_src = htons(l4[0]);
		h->tp_dst = htons(l4[1]);
		return FLOW_OK;
	case IPPROTO_ICMPV6: {
		if (c->left < 8)
			return FLOW_TRUNCATED;
		uint8_t type = l4[0], code = l4[1];
		enum flow_status st = FLOW_OK;

		pull(c, 4);
		if (code == 0 && (type == 135 || type == 136))
			st = parse_nd(c, h, type);
		h->tp_src = htons(type);
		h->tp_dst = htons(code);
		return st;
	}
	default:
		return FLOW_OK;
	}
}

static enum flow_status
parse_ipv4(struct cur *c, struct mvs_key_hdr *h)
{
	const uint8_t *ip = c->p;

	if (c->left < 20)
		return FLOW_TRUNCATED;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20)
		return FLOW_MALFORMED;
	if (ihl > c->left)
		return FLOW_TRUNCATED;
	size_t tot = flow_get16(ip + 2);
	if (tot < ihl)
		return FLOW_MALFORMED;
	if (tot > c->left)
		return FLOW_TRUNCATED;
	c->left = tot; /* drop Ethernet padding */
	memcpy(&h->ipv4_src, ip + 12, 4);
	memcpy(&h->ipv4_dst, ip + 16, 4);
	h->nw_tos = ip[1];
	h->nw_ttl = ip[8];
	h->nw_proto = ip[9];
	uint16_t frag = flow_get16(ip + 6);
	if (frag & 0x3fff) { /* MF or an offset */
		h->nw_frag = MVS_FRAG_ANY;
		if (frag & 0x1fff)
			h->nw_frag |= MVS_FRAG_LATER;
	}
	pull(c, ihl);
	return FLOW_OK;
}

/* Walks the IPv6 extension headers; sets nw_proto to the upper layer (or
 * IPPROTO_FRAGMENT for a later fragment, as OVS). */
static enum flow_status
parse_ipv6_ext(struct cur *c, struct mvs_key_hdr *h)
{
	for (;;) {
		uint8_t nh = h->nw_proto;
		size_t len;

		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING &&
		    nh != IPPROTO_DSTOPTS && nh != IPPROTO_AH &&
		    nh != IPPROTO_FRAGMENT)
			return FLOW_OK;
		if (c->left < 8)
			return FLOW_TRUNCATED;
		if (nh == IPPROTO_FRAGMENT) {
			uint16_t off = flow_get16(c->p + 2);

			len = 8;
			if (off & 0xfff9) { /* offset or MF: a fragment */
				h->nw_frag = MVS_FRAG_ANY;
				if (off & 0xfff8) {
					h->nw_frag |= MVS_FRAG_LATER;
					pull(c, len);
					return FLOW_OK; /* nw_proto stays 44 */
				}
			}
		} else if (nh == IPPROTO_AH) {
			len = ((size_t)c->p[1] + 2) * 4;
		} else {
			len = ((size_t)c->p[1] + 1) * 8;
		}
		if (len > c->left)
			return FLOW_TRUNCATED;
		h->nw_proto = c->p[0];
		pull(c, len);
	}
}

static enum flow_status
parse_ipv6(struct cur *c, struct mvs_key_hdr *h)
{
	const uint8_t *ip = c->p;

	if (c->left < 40)
		return FLOW_TRUNCATED;
	if ((ip[0] >> 4) != 6)
		return FLOW_MALFORMED;
	size_t plen = flow_get16(ip + 4);
	if (plen > c->left - 40)
		return FLOW_TRUNCATED;
	uint32_t vtcfl = (uint32_t)ip[0] << 24 | (uint32_t)ip[1] << 16 |
			 (uint32_t)ip[2] << 8 | ip[3];
	memcpy(h->ipv6_src, ip + 8, 16);
	memcpy(h->ipv6_dst, ip + 24, 16);
	h->ipv6_label = htonl(vtcfl & 0xfffff);
	h->nw_tos = (uint8_t)(vtcfl >> 20);
	h->nw_ttl = ip[7];
	h->nw_proto = ip[6];
	pull(c, 40);
	c->left = plen;
	return parse_ipv6_ext(c, h);
}

enum flow_status
flow_extract(struct dp_packet *p, struct mvs_key *key)
{
	struct mvs_key_hdr *h = &key->hdr;
	struct cur c = { p->data, p->len };
	enum flow_status st;

	memset(h, 0, sizeof *h);
	p->l3_ofs = p->l4_ofs = DP_OFS_NONE;
	if (p->len < ETH_HDR_LEN)
		return FLOW_TRUNCATED;
	memcpy(h->eth_dst, p->data, 6);
	memcpy(h->eth_src, p->data + 6, 6);
	pull(&c, 12);
	st = parse_l2_5(&c, h);
	if (st)
		return st;
	p->l3_ofs = (uint16_t)(c.p - p->data);
	switch (ntohs(h->eth_type)) {
	case ETH_TYPE_IP:
		st = parse_ipv4(&c, h);
		break;
	case ETH_TYPE_IPV6:
		st = parse_ipv6(&c, h);
		break;
	case ETH_TYPE_ARP:
	case ETH_TYPE_RARP:
		return parse_arp(&c, h);
	default:
		return FLOW_OK;
	}
	if (st != FLOW_OK || (h->nw_frag & MVS_FRAG_LATER))
		return st;
	return worse(st, parse_l4(&c, h, p, p->data));
}
