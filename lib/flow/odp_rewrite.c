/* SPDX-License-Identifier: Apache-2.0 */
/*
 * odp_rewrite: the datapath actions that rewrite a packet's headers
 * (Ethernet, IPv4, IPv6, L4 ports, VLAN push and pop) on a struct
 * dp_packet and its key, with checksum fixes (full checksums updated
 * incrementally, partial ones kept partial).  The userspace datapath runs
 * them on every packet; vswitchd on a packet-in's copy, so a controller
 * sees the packet as rewritten by the actions before its controller
 * action.
 */
#include "odp.h"

#include <netinet/in.h>
#include <string.h>

#include "dp_packet.h"
#include "flow.h"

/* RFC 1624 incremental update of a checksum field for a 16-bit word
 * changing from @old to @new.  A partial checksum (the pseudo-header sum,
 * not inverted) changes the other way round. */
static void
csum_replace16(uint8_t *field, uint16_t old, uint16_t new, bool partial)
{
	uint32_t sum = flow_get16(field);

	if (!partial)
		sum = (uint16_t)~sum;
	sum += (uint16_t)~old;
	sum += new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	flow_put16(field, partial ? (uint16_t)sum : (uint16_t)~sum);
}

static void
csum_replace_bytes(uint8_t *field, const uint8_t *old, const uint8_t *new,
		   size_t n, bool partial)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		csum_replace16(field, flow_get16(old + i), flow_get16(new + i),
			       partial);
}

/* The L4 checksum field of @p, or NULL (none, or not in the packet). */
static uint8_t *
l4_csum(struct dp_packet *p, uint8_t proto)
{
	uint8_t *l4 = dp_packet_l4(p);
	size_t at = proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 0;

	if (!l4 || !at || l4 + at + 2 > p->data + p->len)
		return NULL;
	if (proto == IPPROTO_UDP && !flow_get16(l4 + at) &&
	    !(p->offload.flags & MVS_OFFLOAD_F_NEEDS_CSUM))
		return NULL; /* UDP without a checksum keeps none */
	return l4 + at;
}

static bool
partial(const struct dp_packet *p)
{
	return p->offload.flags & MVS_OFFLOAD_F_NEEDS_CSUM;
}

/* Writes @n bytes of @val under @mask at @dst, fixing the L4 checksum
 * (pseudo-header) when @l4sum, and returning whether anything changed. */
static bool
set_masked(uint8_t *dst, const uint8_t *val, const uint8_t *mask, size_t n,
	   uint8_t *l4sum, bool part)
{
	uint8_t old[16];
	bool changed = false;

	memcpy(old, dst, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)((dst[i] & ~mask[i]) | (val[i] & mask[i]));
		changed |= b != dst[i];
		dst[i] = b;
	}
	if (changed && l4sum)
		csum_replace_bytes(l4sum, old, dst, n, part);
	return changed;
}

static void
set_eth(struct dp_packet *p, struct mvs_key *key, const void *arg)
{
	const struct mvs_act_set_eth *a = arg;

	if (p->len < ETH_HDR_LEN)
		return;
	set_masked(p->data, a->dst, a->dst_mask, 6, NULL, false);
	set_masked(p->data + 6, a->src, a->src_mask, 6, NULL, false);
	memcpy(key->hdr.eth_dst, p->data, 6);
	memcpy(key->hdr.eth_src, p->data + 6, 6);
}

/* @p's IP header of @hlen bytes when @key says @eth_type and the packet
 * holds it whole, else NULL.  *@l4sum: the checksum its addresses feed
 * through the L4 pseudo-header (NULL for a later fragment, which has
 * no L4 header). */
static uint8_t *
l3_to_rewrite(struct dp_packet *p, const struct mvs_key *key, uint16_t eth_type,
	      size_t hlen, uint8_t **l4sum)
{
	uint8_t *ip = dp_packet_l3(p);

	if (!ip || key->hdr.eth_type != htons(eth_type) ||
	    ip + hlen > p->data + p->len)
		return NULL;
	*l4sum = key->hdr.nw_frag & MVS_FRAG_LATER
			 ? NULL
			 : l4_csum(p, key->hdr.nw_proto);
	return ip;
}

static void
set_ipv4(struct dp_packet *p, struct mvs_key *key, const void *arg)
{
	const struct mvs_act_set_ipv4 *a = arg;
	uint8_t *l4sum, old[20];
	uint8_t *ip = l3_to_rewrite(p, key, ETH_TYPE_IP, 20, &l4sum);

	if (!ip)
		return;
	memcpy(old, ip, 20);
	/* The addresses are in the L4 pseudo-header too. */
	set_masked(ip + 12, (const uint8_t *)&a->src,
		   (const uint8_t *)&a->src_mask, 4, l4sum, partial(p));
	set_masked(ip + 16, (const uint8_t *)&a->dst,
		   (const uint8_t *)&a->dst_mask, 4, l4sum, partial(p));
	ip[1] = (uint8_t)((ip[1] & ~a->tos_mask) | (a->tos & a->tos_mask));
	ip[8] = (uint8_t)((ip[8] & ~a->ttl_mask) | (a->ttl & a->ttl_mask));
	for (size_t i = 0; i < 20; i += 2)
		if (i != 10 && flow_get16(old + i) != flow_get16(ip + i))
			csum_replace16(ip + 10, flow_get16(old + i),
				       flow_get16(ip + i), false);
	key->hdr.nw_tos = ip[1];
	key->hdr.nw_ttl = ip[8];
	memcpy(&key->hdr.ipv4_src, ip + 12, 4);
	memcpy(&key->hdr.ipv4_dst, ip + 16, 4);
}

static void
set_ipv6(struct dp_packet *p, struct mvs_key *key, const void *arg)
{
	const struct mvs_act_set_ipv6 *a = arg;
	uint8_t *l4sum;
	uint8_t *ip = l3_to_rewrite(p, key, ETH_TYPE_IPV6, 40, &l4sum);

	if (!ip)
		return;
	set_masked(ip + 8, a->src, a->src_mask, 16, l4sum, partial(p));
	set_masked(ip + 24, a->dst, a->dst_mask, 16, l4sum, partial(p));
	uint32_t v = (uint32_t)ip[0] << 24 | (uint32_t)ip[1] << 16 |
		     (uint32_t)ip[2] << 8 | ip[3];
	uint32_t lm = ntohl(a->label_mask) & 0xfffff;
	v = (v & ~lm) | (ntohl(a->label) & lm);
	uint32_t tm = (uint32_t)a->tclass_mask << 20;
	v = (v & ~tm) | (((uint32_t)a->tclass << 20) & tm);
	ip[0] = (uint8_t)(v >> 24);
	ip[1] = (uint8_t)(v >> 16);
	ip[2] = (uint8_t)(v >> 8);
	ip[3] = (uint8_t)v;
	ip[7] = (uint8_t)((ip[7] & ~a->hlimit_mask) |
			  (a->hlimit & a->hlimit_mask));
	memcpy(key->hdr.ipv6_src, ip + 8, 16);
	memcpy(key->hdr.ipv6_dst, ip + 24, 16);
	key->hdr.ipv6_label = htonl(v & 0xfffff);
	key->hdr.nw_tos = (uint8_t)(v >> 20);
	key->hdr.nw_ttl = ip[7];
}

/* CRC32c (Castagnoli), for SCTP. */
static uint32_t
crc32c(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffff;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return ~crc;
}

static void
set_l4(struct dp_packet *p, struct mvs_key *key, const void *arg)
{
	const struct mvs_act_set_l4 *a = arg;

	uint8_t *l4 = dp_packet_l4(p);

	if (!l4 || key->hdr.nw_proto != a->proto || l4 + 4 > p->data + p->len)
		return;
	uint8_t old[4];
	memcpy(old, l4, 4);
	set_masked(l4, (const uint8_t *)&a->src, (const uint8_t *)&a->src_mask,
		   2, NULL, false);
	set_masked(l4 + 2, (const uint8_t *)&a->dst,
		   (const uint8_t *)&a->dst_mask, 2, NULL, false);
	/* A partial checksum covers the ports when it is finished; a full
	 * one is updated here. */
	uint8_t *sum = l4_csum(p, a->proto);
	if (sum && !partial(p))
		csum_replace_bytes(sum, old, l4, 4, false);
	if (a->proto == IPPROTO_SCTP && l4 + 12 <= p->data + p->len) {
		size_t n = (size_t)(p->data + p->len - l4);
		memset(l4 + 8, 0, 4);
		uint32_t c = crc32c(l4, n);
		memcpy(l4 + 8, &c, 4); /* little-endian on the wire */
	}
	memcpy(&key->hdr.tp_src, l4, 2);
	memcpy(&key->hdr.tp_dst, l4 + 2, 2);
}

static void
push_vlan(struct dp_packet *p, struct mvs_key *key, const void *arg)
{
	const struct mvs_act_push_vlan *v = arg;

	if (p->len < ETH_HDR_LEN)
		return;
	uint8_t *d = dp_packet_push(p, VLAN_HDR_LEN);
	memmove(d, d + VLAN_HDR_LEN, 12);
	memcpy(d + 12, &v->tpid, 2);
	flow_put16(d + 14, ntohs(v->tci) & (uint16_t)~MVS_VLAN_PRESENT);
	/* The old outer tag becomes the inner one. */
	key->hdr.vlan2_tci = key->hdr.vlan_tci;
	key->hdr.vlan2_tpid = key->hdr.vlan_tpid;
	key->hdr.vlan_tci = htons(ntohs(v->tci) | MVS_VLAN_PRESENT);
	key->hdr.vlan_tpid = v->tpid;
}

static void
pop_vlan(struct dp_packet *p, struct mvs_key *key, const void *arg)
{
	if (!(ntohs(key->hdr.vlan_tci) & MVS_VLAN_PRESENT) ||
	    p->len < ETH_HDR_LEN + VLAN_HDR_LEN)
		return;
	memmove(p->data + VLAN_HDR_LEN, p->data, 12);
	dp_packet_pull(p, VLAN_HDR_LEN);
	key->hdr.vlan_tci = key->hdr.vlan2_tci;
	key->hdr.vlan_tpid = key->hdr.vlan2_tpid;
	key->hdr.vlan2_tci = key->hdr.vlan2_tpid = 0;
}

/* The rewrite each action type does (NULL: none). */
static void (*const rewrites[__MVS_ACTION_ATTR_MAX])(struct dp_packet *,
						     struct mvs_key *,
						     const void *) = {
	[MVS_ACTION_ATTR_SET_ETH] = set_eth,
	[MVS_ACTION_ATTR_SET_IPV4] = set_ipv4,
	[MVS_ACTION_ATTR_SET_IPV6] = set_ipv6,
	[MVS_ACTION_ATTR_SET_L4] = set_l4,
	[MVS_ACTION_ATTR_PUSH_VLAN] = push_vlan,
	[MVS_ACTION_ATTR_POP_VLAN] = pop_vlan,
};

static bool
is_rewrite(const struct nlattr *a)
{
	unsigned type = nl_attr_type(a);

	return type < __MVS_ACTION_ATTR_MAX && rewrites[type];
}

bool
odp_rewrite(struct dp_packet *p, struct mvs_key *key, const struct nlattr *a)
{
	if (!is_rewrite(a))
		return false;
	rewrites[nl_attr_type(a)](p, key, nl_attr_data(a));
	return true;
}

struct dp_packet *
odp_rewrite_copy(const void *acts, size_t n, const void *data, size_t len)
{
	const struct nlattr *a;
	struct dp_packet *p = NULL;
	struct mvs_key key;
	size_t left;

	NL_ATTR_FOR_EACH(a, left, acts, n)
	{
		if (!is_rewrite(a))
			continue;
		if (!p) {
			p = dp_packet_clone_data(data, len);
			memset(&key, 0, sizeof key);
			flow_extract(p, &key);
		}
		odp_rewrite(p, &key, a);
	}
	return p;
}
