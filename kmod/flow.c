// SPDX-License-Identifier: GPL-2.0
/*
 * Packet bytes to struct mvs_key, the same function as userspace's
 * flow_extract() (lib/flow/flow_extract.c, the reference): every read is
 * checked against what is left of the packet, a header cut short stops
 * the extraction there (MVS_FLOW_TRUNCATED), a header whose fields
 * contradict each other is ignored from that layer on
 * (MVS_FLOW_MALFORMED).  The kmod tests compare the two on the same
 * frames.  Bytes are read with skb_header_pointer(), so paged skbs need
 * no linearising.
 */
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/minmax.h>

#include "mvs.h"
#include "flow_key.h"

/* A cursor over the packet: never reads past @off + @left. */
struct cur {
	const struct sk_buff *skb;
	unsigned int off;
	unsigned int left;
};

/* @n bytes at the cursor (not consumed), or NULL if fewer are left. */
static const u8 *peek(const struct cur *c, unsigned int n, void *buf)
{
	if (c->left < n)
		return NULL;
	return skb_header_pointer(c->skb, c->off, n, buf);
}

static void skip(struct cur *c, unsigned int n)
{
	c->off += n;
	c->left -= n;
}

/* @n bytes at the cursor, consumed, or NULL if fewer are left. */
static const u8 *pull(struct cur *c, unsigned int n, void *buf)
{
	const u8 *p = peek(c, n, buf);

	if (p)
		skip(c, n);
	return p;
}

static u16 get16(const u8 *p)
{
	return get_unaligned_be16(p);
}

/* A 16-bit field kept in network order. */
static __be16 rd16(const u8 *p)
{
	return (__force __be16)get_unaligned((const u16 *)p);
}

/* Up to two VLAN tags (an accelerated one first), then the Ethernet type,
 * the 802.3 LLC/SNAP type, or MVS_ETH_TYPE_NONE.  A tag is taken only when
 * the type after it is there too.
 */
static int parse_l2_5(struct cur *c, struct mvs_key_hdr *h,
		      const struct sk_buff *skb)
{
	static const u8 snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
	u8 buf[8];
	const u8 *p;
	u16 type;
	int n = 0;

	if (skb_vlan_tag_present(skb)) {
		h->vlan_tpid = skb->vlan_proto;
		h->vlan_tci = htons(skb_vlan_tag_get(skb) | MVS_VLAN_PRESENT);
		n = 1;
	}
	for (; n < 2; n++) {
		u16 tpid, tci;

		p = peek(c, 2, buf);
		if (!p)
			return MVS_FLOW_TRUNCATED;
		tpid = get16(p);
		if (tpid != ETH_P_8021Q && tpid != ETH_P_8021AD)
			break;
		if (c->left < VLAN_HLEN + 2)
			return MVS_FLOW_TRUNCATED;
		p = pull(c, VLAN_HLEN, buf);
		tci = get16(p + 2) | MVS_VLAN_PRESENT;
		if (n == 0) {
			h->vlan_tpid = rd16(p);
			h->vlan_tci = htons(tci);
		} else {
			h->vlan2_tpid = rd16(p);
			h->vlan2_tci = htons(tci);
		}
	}
	p = pull(c, 2, buf);
	if (!p)
		return MVS_FLOW_TRUNCATED;
	type = get16(p);
	if (type >= MVS_ETH_TYPE_MIN) {
		h->eth_type = htons(type);
		return MVS_FLOW_OK;
	}
	p = peek(c, 8, buf);
	if (p && !memcmp(p, snap, 6) && get16(p + 6) >= MVS_ETH_TYPE_MIN) {
		h->eth_type = htons(get16(p + 6));
		skip(c, 8);
	} else {
		h->eth_type = htons(MVS_ETH_TYPE_NONE);
	}
	return MVS_FLOW_OK;
}

static int parse_arp(struct cur *c, struct mvs_key_hdr *h)
{
	u8 buf[28];
	const u8 *a = peek(c, 28, buf);
	u16 op;

	if (!a)
		return MVS_FLOW_TRUNCATED;
	if (get16(a) != 1 || get16(a + 2) != ETH_P_IP || a[4] != 6 ||
	    a[5] != 4)
		return MVS_FLOW_OK; /* not Ethernet/IPv4 ARP: no fields */
	op = get16(a + 6);
	h->nw_proto = op <= 0xff ? op : 0;
	memcpy(h->arp_sha, a + 8, 6);
	memcpy(&h->ipv4_src, a + 14, 4);
	memcpy(h->arp_tha, a + 18, 6);
	memcpy(&h->ipv4_dst, a + 24, 4);
	return MVS_FLOW_OK;
}

/* ICMPv6 neighbour discovery: target and link-layer options. */
static int parse_nd(struct cur *c, struct mvs_key_hdr *h)
{
	u8 target[16], sll[6] = { 0 }, tll[6] = { 0 }, buf[20];
	bool have_sll = false, have_tll = false;
	const u8 *p = pull(c, 20, buf); /* 4 reserved/flags + target */

	if (!p)
		return MVS_FLOW_TRUNCATED;
	memcpy(target, p + 4, 16);
	while (c->left) {
		unsigned int len;

		p = peek(c, 8, buf);
		if (!p)
			return MVS_FLOW_TRUNCATED;
		len = p[1] * 8;
		if (!len)
			return MVS_FLOW_MALFORMED;
		if (len > c->left)
			return MVS_FLOW_TRUNCATED;
		if (p[0] == 1 && len == 8) {
			if (have_sll)
				return MVS_FLOW_MALFORMED;
			memcpy(sll, p + 2, 6);
			have_sll = true;
		} else if (p[0] == 2 && len == 8) {
			if (have_tll)
				return MVS_FLOW_MALFORMED;
			memcpy(tll, p + 2, 6);
			have_tll = true;
		}
		skip(c, len);
	}
	memcpy(h->nd_target, target, 16);
	memcpy(h->arp_sha, sll, 6);
	memcpy(h->arp_tha, tll, 6);
	return MVS_FLOW_OK;
}

static int parse_l4(struct cur *c, struct mvs_pkt *pkt, struct sk_buff *skb)
{
	struct mvs_key_hdr *h = &pkt->key.hdr;
	u8 buf[20];
	const u8 *p;

	skb_set_transport_header(skb, c->off);
	pkt->l4 = true;
	switch (h->nw_proto) {
	case IPPROTO_TCP: {
		unsigned int off;

		p = peek(c, 20, buf);
		if (!p)
			return MVS_FLOW_TRUNCATED;
		off = (p[12] >> 4) * 4;
		if (off < 20)
			return MVS_FLOW_MALFORMED;
		if (off > c->left)
			return MVS_FLOW_TRUNCATED;
		h->tp_src = rd16(p);
		h->tp_dst = rd16(p + 2);
		h->tcp_flags = htons(get16(p + 12) & 0x0fff);
		return MVS_FLOW_OK;
	}
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (c->left < (h->nw_proto == IPPROTO_UDP ? 8u : 12u))
			return MVS_FLOW_TRUNCATED;
		p = peek(c, 4, buf);
		h->tp_src = rd16(p);
		h->tp_dst = rd16(p + 2);
		return MVS_FLOW_OK;
	case IPPROTO_ICMP:
		if (c->left < 8)
			return MVS_FLOW_TRUNCATED;
		p = peek(c, 2, buf);
		h->tp_src = htons(p[0]);
		h->tp_dst = htons(p[1]);
		return MVS_FLOW_OK;
	case IPPROTO_ICMPV6: {
		int st = MVS_FLOW_OK;
		u8 type, code;

		if (c->left < 8)
			return MVS_FLOW_TRUNCATED;
		p = pull(c, 4, buf);
		type = p[0];
		code = p[1];
		if (code == 0 && (type == 135 || type == 136))
			st = parse_nd(c, h);
		h->tp_src = htons(type);
		h->tp_dst = htons(code);
		return st;
	}
	default:
		return MVS_FLOW_OK;
	}
}

static int parse_ipv4(struct cur *c, struct mvs_key_hdr *h)
{
	unsigned int ihl, tot;
	u8 buf[20];
	const u8 *ip = peek(c, 20, buf);
	u16 frag;

	if (!ip)
		return MVS_FLOW_TRUNCATED;
	ihl = (ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20)
		return MVS_FLOW_MALFORMED;
	if (ihl > c->left)
		return MVS_FLOW_TRUNCATED;
	tot = get16(ip + 2);
	if (tot < ihl)
		return MVS_FLOW_MALFORMED;
	if (tot > c->left)
		return MVS_FLOW_TRUNCATED;
	c->left = tot; /* drop Ethernet padding */
	memcpy(&h->ipv4_src, ip + 12, 4);
	memcpy(&h->ipv4_dst, ip + 16, 4);
	h->nw_tos = ip[1];
	h->nw_ttl = ip[8];
	h->nw_proto = ip[9];
	frag = get16(ip + 6);
	if (frag & 0x3fff) { /* MF or an offset */
		h->nw_frag = MVS_FRAG_ANY;
		if (frag & 0x1fff)
			h->nw_frag |= MVS_FRAG_LATER;
	}
	skip(c, ihl);
	return MVS_FLOW_OK;
}

/* Walks the IPv6 extension headers; nw_proto ends as the upper layer, or
 * IPPROTO_FRAGMENT for a later fragment.
 */
static int parse_ipv6_ext(struct cur *c, struct mvs_key_hdr *h)
{
	for (;;) {
		u8 nh = h->nw_proto, buf[8];
		unsigned int len;
		const u8 *p;

		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING &&
		    nh != IPPROTO_DSTOPTS && nh != IPPROTO_AH &&
		    nh != IPPROTO_FRAGMENT)
			return MVS_FLOW_OK;
		p = peek(c, 8, buf);
		if (!p)
			return MVS_FLOW_TRUNCATED;
		if (nh == IPPROTO_FRAGMENT) {
			u16 off = get16(p + 2);

			len = 8;
			if (off & 0xfff9) { /* offset or MF: a fragment */
				h->nw_frag = MVS_FRAG_ANY;
				if (off & 0xfff8) {
					h->nw_frag |= MVS_FRAG_LATER;
					skip(c, len);
					return MVS_FLOW_OK;
				}
			}
		} else if (nh == IPPROTO_AH) {
			len = (p[1] + 2) * 4;
		} else {
			len = (p[1] + 1) * 8;
		}
		if (len > c->left)
			return MVS_FLOW_TRUNCATED;
		h->nw_proto = p[0];
		skip(c, len);
	}
}

static int parse_ipv6(struct cur *c, struct mvs_key_hdr *h)
{
	unsigned int plen;
	u8 buf[40];
	const u8 *ip = peek(c, 40, buf);
	u32 vtcfl;

	if (!ip)
		return MVS_FLOW_TRUNCATED;
	if ((ip[0] >> 4) != 6)
		return MVS_FLOW_MALFORMED;
	plen = get16(ip + 4);
	if (plen > c->left - 40)
		return MVS_FLOW_TRUNCATED;
	vtcfl = get_unaligned_be32(ip);
	memcpy(h->ipv6_src, ip + 8, 16);
	memcpy(h->ipv6_dst, ip + 24, 16);
	h->ipv6_label = htonl(vtcfl & 0xfffff);
	h->nw_tos = vtcfl >> 20;
	h->nw_ttl = ip[7];
	h->nw_proto = ip[6];
	skip(c, 40);
	c->left = plen;
	return parse_ipv6_ext(c, h);
}

enum mvs_flow_status mvs_flow_extract(struct sk_buff *skb, struct mvs_pkt *pkt)
{
	struct mvs_key_hdr *h = &pkt->key.hdr;
	struct cur c = { .skb = skb, .off = 0, .left = skb->len };
	u8 buf[12];
	const u8 *p;
	int st;

	memset(h, 0, sizeof(*h));
	pkt->l4 = false;
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	if (skb->len < ETH_HLEN)
		return MVS_FLOW_TRUNCATED;
	p = pull(&c, 12, buf);
	memcpy(h->eth_dst, p, 6);
	memcpy(h->eth_src, p + 6, 6);
	st = parse_l2_5(&c, h, skb);
	if (st)
		return st;
	skb_set_network_header(skb, c.off);
	skb_reset_mac_len(skb);
	switch (ntohs(h->eth_type)) {
	case ETH_P_IP:
		st = parse_ipv4(&c, h);
		break;
	case ETH_P_IPV6:
		st = parse_ipv6(&c, h);
		break;
	case ETH_P_ARP:
	case ETH_P_RARP:
		return parse_arp(&c, h);
	default:
		return MVS_FLOW_OK;
	}
	if (st != MVS_FLOW_OK || (h->nw_frag & MVS_FRAG_LATER))
		return st;
	return parse_l4(&c, pkt, skb);
}

static u64 hash_add64(u64 h, u64 v)
{
	v *= 0x87c37b91114253d5ull;
	v = (v << 31) | (v >> 33);
	v *= 0x4cf5ad432745937full;
	h ^= v;
	h = (h << 27) | (h >> 37);
	return h * 5 + 0x52dce729;
}

static u32 hash_finish(u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (u32)h;
}

u32 mvs_flow_hash_5tuple(const struct mvs_key *key, u32 basis)
{
	const struct mvs_key_hdr *h = &key->hdr;
	u32 s4 = (__force u32)h->ipv4_src, d4 = (__force u32)h->ipv4_dst;
	u16 sp = (__force u16)h->tp_src, dp = (__force u16)h->tp_dst;
	u64 s6[2], d6[2], x = basis;
	u32 a, b;
	u16 p, q;

	/* Symmetric: the two directions of a connection hash alike. */
	memcpy(s6, h->ipv6_src, 16);
	memcpy(d6, h->ipv6_dst, 16);
	a = min(s4, d4);
	b = s4 ^ d4 ^ a;
	p = min(sp, dp);
	q = sp ^ dp ^ p;
	x = hash_add64(x, (s6[0] ^ d6[0]) + (s6[1] ^ d6[1]));
	x = hash_add64(x, (s6[0] + d6[0]) ^ (s6[1] + d6[1]));
	x = hash_add64(x, (u64)a << 32 | b);
	x = hash_add64(x, (u64)p << 32 | (u64)q << 16 | h->nw_proto);
	return hash_finish(x);
}
