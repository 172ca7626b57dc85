/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_actions: datapath actions on a packet in userspace: output,
 * VLAN push/pop, header rewrites with checksum fixes (full checksums
 * updated incrementally, partial ones kept partial), userspace, clone,
 * sample, trunc, recirc and hash; tunnel push and pop (the headers in
 * upcalld_tunnel.c); meters (through the caller's meter callback).
 */
#include "upcalld.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nlattr.h"

LOG_MODULE(dp_actions);

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
set_eth(struct dp_packet *p, struct mvs_key *key,
	const struct mvs_act_set_eth *a)
{
	if (p->len < ETH_HDR_LEN)
		return;
	set_masked(p->data, a->dst, a->dst_mask, 6, NULL, false);
	set_masked(p->data + 6, a->src, a->src_mask, 6, NULL, false);
	memcpy(key->hdr.eth_dst, p->data, 6);
	memcpy(key->hdr.eth_src, p->data + 6, 6);
}

static void
set_ipv4(struct dp_packet *p, struct mvs_key *key,
	 const struct mvs_act_set_ipv4 *a)
{
	uint8_t *ip = dp_packet_l3(p), old[20];

	if (!ip || key->hdr.eth_type != htons(ETH_TYPE_IP) ||
	    ip + 20 > p->data + p->len)
		return;
	uint8_t *l4sum = key->hdr.nw_frag & MVS_FRAG_LATER
				 ? NULL
				 : l4_csum(p, key->hdr.nw_proto);
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
set_ipv6(struct dp_packet *p, struct mvs_key *key,
	 const struct mvs_act_set_ipv6 *a)
{
	uint8_t *ip = dp_packet_l3(p);

	if (!ip || key->hdr.eth_type != htons(ETH_TYPE_IPV6) ||
	    ip + 40 > p->data + p->len)
		return;
	uint8_t *l4sum = key->hdr.nw_frag & MVS_FRAG_LATER
				 ? NULL
				 : l4_csum(p, key->hdr.nw_proto);
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
set_l4(struct dp_packet *p, struct mvs_key *key, const struct mvs_act_set_l4 *a)
{
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
push_vlan(struct dp_packet *p, struct mvs_key *key,
	  const struct mvs_act_push_vlan *v)
{
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
pop_vlan(struct dp_packet *p, struct mvs_key *key)
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

static void run(const struct dp_exec_ops *ops, struct dp_packet *p,
		struct mvs_key *key, const struct nlattr *actions, size_t len);

/* Runs nested @actions on a copy of @p and @key. */
static void
run_copy(const struct dp_exec_ops *ops, const struct dp_packet *p,
	 const struct mvs_key *key, const struct nlattr *actions, size_t len)
{
	struct mvs_key k = *key;

	run(ops, dp_packet_clone(p), &k, actions, len);
}

static void
sample(const struct dp_exec_ops *ops, const struct dp_packet *p,
       const struct mvs_key *key, const struct nlattr *a)
{
	const struct nlattr *prob = nl_attr_find(
		nl_attr_data(a), nl_attr_len(a), MVS_SAMPLE_ATTR_PROBABILITY);
	const struct nlattr *acts = nl_attr_find(
		nl_attr_data(a), nl_attr_len(a), MVS_SAMPLE_ATTR_ACTIONS);
	uint32_t pr = nl_attr_get_u32(prob);

	if (pr != UINT32_MAX &&
	    ((uint32_t)random() ^ ((uint32_t)random() << 16)) > pr)
		return;
	run_copy(ops, p, key, nl_attr_data(acts), nl_attr_len(acts));
}

static void
userspace(const struct dp_exec_ops *ops, const struct dp_packet *p,
	  const struct mvs_key *key, const struct nlattr *a)
{
	const struct nlattr *ud = nl_attr_find(nl_attr_data(a), nl_attr_len(a),
					       MVS_USERSPACE_ATTR_USERDATA);

	if (ops->userspace)
		ops->userspace(ops->aux, p, key, ud ? nl_attr_data(ud) : NULL,
			       ud ? nl_attr_len(ud) : 0);
}

/* Outputs @p (or a copy if more actions follow) truncated to @trunc. */
static void
output(const struct dp_exec_ops *ops, struct dp_packet **pp, uint32_t port,
       uint32_t trunc, bool last)
{
	struct dp_packet *out = last ? *pp : dp_packet_clone(*pp);

	if (last)
		*pp = NULL;
	if (trunc && out->len > trunc) {
		out->len = trunc;
		out->offload.gso_type = MVS_GSO_NONE;
		out->offload.flags &= (uint8_t)~MVS_OFFLOAD_F_NEEDS_CSUM;
	}
	ops->output(ops->aux, port, out);
}

/* The rest of an action list after a TUNNEL_PUSH, run once per
 * segment of a GSO packet: no vnet header describes a segment inside a
 * tunnel, so the inner segment is cut before the outer header goes on. */
struct push_rest {
	const struct dp_exec_ops *ops;
	const struct mvs_key *key;
	const struct mvs_act_tunnel_push *push;
	const struct nlattr *rest;
	size_t rest_len;
};

static void
push_and_run(void *aux, struct dp_packet *p)
{
	const struct push_rest *r = aux;
	struct mvs_key k = *r->key;

	if (dp_tnl_push(p, &k, r->push)) {
		dp_packet_free(p);
		return;
	}
	run(r->ops, p, &k, r->rest, r->rest_len);
}

static void
tunnel_push(const struct dp_exec_ops *ops, struct dp_packet *p,
	    struct mvs_key *key, const struct nlattr *a, size_t left)
{
	size_t used = NL_ALIGN(a->nla_len);
	struct push_rest r = {
		ops,
		key,
		nl_attr_data(a),
		(const struct nlattr *)((const uint8_t *)a + used),
		left > used ? left - used : 0,
	};

	if (p->offload.gso_type != MVS_GSO_NONE)
		dp_gso_segment(p, push_and_run, &r);
	else
		push_and_run(&r, p);
}

static void
run(const struct dp_exec_ops *ops, struct dp_packet *p, struct mvs_key *key,
    const struct nlattr *actions, size_t len)
{
	const struct nlattr *a;
	size_t left;
	uint32_t trunc = 0;

	NL_ATTR_FOR_EACH(a, left, actions, len)
	{
		const void *d = nl_attr_data(a);
		bool last = left <= NL_ALIGN(a->nla_len);

		switch (nl_attr_type(a)) {
		case MVS_ACTION_ATTR_OUTPUT:
			output(ops, &p, nl_attr_get_u32(a), trunc, last);
			trunc = 0;
			break;
		case MVS_ACTION_ATTR_TRUNC:
			trunc = nl_attr_get_u32(a);
			break;
		case MVS_ACTION_ATTR_USERSPACE:
			userspace(ops, p, key, a);
			break;
		case MVS_ACTION_ATTR_SET_ETH:
			set_eth(p, key, d);
			break;
		case MVS_ACTION_ATTR_SET_IPV4:
			set_ipv4(p, key, d);
			break;
		case MVS_ACTION_ATTR_SET_IPV6:
			set_ipv6(p, key, d);
			break;
		case MVS_ACTION_ATTR_SET_L4:
			set_l4(p, key, d);
			break;
		case MVS_ACTION_ATTR_SET_META: {
			const struct mvs_act_set_meta *m = d;
			key->meta.skb_priority =
				(key->meta.skb_priority &
				 ~m->skb_priority_mask) |
				(m->skb_priority & m->skb_priority_mask);
			key->meta.skb_mark =
				(key->meta.skb_mark & ~m->skb_mark_mask) |
				(m->skb_mark & m->skb_mark_mask);
			break;
		}
		case MVS_ACTION_ATTR_SET_TUNNEL:
			memcpy(&key->tun, d, sizeof key->tun);
			break;
		case MVS_ACTION_ATTR_PUSH_VLAN:
			push_vlan(p, key, d);
			break;
		case MVS_ACTION_ATTR_POP_VLAN:
			pop_vlan(p, key);
			break;
		case MVS_ACTION_ATTR_HASH: {
			const struct mvs_act_hash *h = d;
			key->meta.dp_hash = flow_hash_5tuple(key, h->basis);
			break;
		}
		case MVS_ACTION_ATTR_RECIRC: {
			struct mvs_key k = *key;
			k.meta.recirc_id = nl_attr_get_u32(a);
			if (ops->recirc)
				ops->recirc(ops->aux,
					    last ? p : dp_packet_clone(p), &k);
			else if (!last)
				break;
			else
				dp_packet_free(p);
			if (last)
				p = NULL;
			break;
		}
		case MVS_ACTION_ATTR_CLONE:
			run_copy(ops, p, key, d, nl_attr_len(a));
			break;
		case MVS_ACTION_ATTR_SAMPLE:
			sample(ops, p, key, a);
			break;
		case MVS_ACTION_ATTR_TUNNEL_PUSH:
			/* Takes the packet and runs the rest of the list. */
			tunnel_push(ops, p, key, a, left);
			return;
		case MVS_ACTION_ATTR_TUNNEL_POP:
			if (ops->tnl_pop)
				ops->tnl_pop(ops->aux,
					     last ? p : dp_packet_clone(p),
					     nl_attr_get_u32(a));
			else if (last)
				dp_packet_free(p);
			if (last)
				p = NULL;
			break;
		case MVS_ACTION_ATTR_METER:
			if (ops->meter &&
			    !ops->meter(ops->aux, nl_attr_get_u32(a), p)) {
				dp_packet_free(p);
				return;
			}
			break;
		default:
			/* Conntrack comes with its own issue; until then the
			 * action does nothing. */
			break;
		}
		if (!p)
			return;
	}
	dp_packet_free(p);
}

void
dp_execute(const struct dp_exec_ops *ops, struct dp_packet *p,
	   struct mvs_key *key, const struct nlattr *actions, size_t len)
{
	run(ops, p, key, actions, len);
}

void
dp_packet_finish_csum(struct dp_packet *p)
{
	if (!(p->offload.flags & MVS_OFFLOAD_F_NEEDS_CSUM))
		return;
	size_t start = p->offload.csum_start,
	       at = start + p->offload.csum_offset;
	if (at + 2 > p->len || start > p->len) {
		p->offload.flags &= (uint8_t)~MVS_OFFLOAD_F_NEEDS_CSUM;
		return;
	}
	/* The field holds the pseudo-header sum; add the rest. */
	uint16_t c = flow_csum_fold(
		flow_csum_add(p->data + start, p->len - start, 0));
	if (!c && p->offload.csum_offset == 6)
		c = 0xffff; /* UDP sends a zero sum as all ones */
	flow_put16(p->data + at, c);
	p->offload.flags &= (uint8_t)~MVS_OFFLOAD_F_NEEDS_CSUM;
	p->offload.flags |= MVS_OFFLOAD_F_DATA_VALID;
}
