// SPDX-License-Identifier: GPL-2.0
/*
 * Datapath actions on a packet, the same semantics as the
 * userspace datapath (procs/upcalld, its actions file): output (the last
 * one takes the skb, earlier ones send clones), trunc for the next
 * output, userspace, masked rewrites of Ethernet, IPv4, IPv6 and L4
 * headers with their checksums fixed, VLAN push and pop, recirculation,
 * hash, clone, sample, meters (meter.c) and the tunnel metadata for the
 * next output.  The key travels with the packet and follows every
 * rewrite, so a recirculation looks the rewritten packet up.
 *
 * Actions were checked when they were installed (flow_netlink.c), so
 * attribute sizes are trusted here.  Everything runs under RCU with
 * bottom halves off; nesting (recirc, clone, sample) uses the per-CPU
 * packet contexts of mvs_level_enter(), MVS_RECURSION_LIMIT deep.
 */
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/sctp/checksum.h>

#include "mvs.h"
#include "flow_key.h"
#include "meter.h"
#include "vport.h"

static void limit_drop(struct mvs_dp *dp)
{
	net_warn_ratelimited("microvs: %s: more than %d nested actions or recirculations, packet dropped\n",
			     mvs_dp_name(dp), MVS_RECURSION_LIMIT);
}

static void masked_bytes(u8 *dst, const u8 *val, const u8 *mask, int n)
{
	int i;

	for (i = 0; i < n; i++)
		dst[i] = (dst[i] & ~mask[i]) | (val[i] & mask[i]);
}

/* The offset just past the L4 checksum field the pseudo-header of @pkt
 * covers (TCP, UDP, ICMPv6), or 0 when there is none in the packet.
 */
static unsigned int l4_csum_end(const struct sk_buff *skb,
				const struct mvs_pkt *pkt, bool ipv6)
{
	unsigned int off;

	if (!pkt->l4 || (pkt->key.hdr.nw_frag & MVS_FRAG_LATER))
		return 0;
	switch (pkt->key.hdr.nw_proto) {
	case IPPROTO_TCP:
		off = offsetof(struct tcphdr, check);
		break;
	case IPPROTO_UDP:
		off = offsetof(struct udphdr, check);
		break;
	case IPPROTO_ICMPV6:
		if (!ipv6)
			return 0;
		off = 2;
		break;
	default:
		return 0;
	}
	off += skb_transport_offset(skb) + sizeof(__sum16);
	return off <= skb->len ? off : 0;
}

/* The L4 checksum field (writable up to @end), or NULL: none, or a UDP
 * packet sent without a checksum, which keeps none.
 */
static __sum16 *l4_csum(struct sk_buff *skb, const struct mvs_pkt *pkt,
			unsigned int end)
{
	__sum16 *sum;

	if (!end)
		return NULL;
	sum = (__sum16 *)(skb->data + end - sizeof(__sum16));
	if (pkt->key.hdr.nw_proto == IPPROTO_UDP && !*sum &&
	    skb->ip_summed != CHECKSUM_PARTIAL)
		return NULL;
	return sum;
}

static void l4_csum_fix_udp(const struct mvs_pkt *pkt, __sum16 *sum)
{
	if (pkt->key.hdr.nw_proto == IPPROTO_UDP && !*sum)
		*sum = CSUM_MANGLED_0;
}

/* Rewrites need no care for a complete receive checksum if there is none
 * to keep: the receiver verifies in software.
 */
static int make_writable(struct sk_buff *skb, unsigned int len)
{
	int err = skb_ensure_writable(skb, len);

	if (!err && skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	return err;
}

/* Makes @nh_len bytes of the network header of an @eth_type packet, and
 * the L4 checksum field its addresses are summed into, writable, that
 * field in *@l4sum (or NULL).  1 when the packet is not of that type or
 * too short: nothing to rewrite.
 */
static int ip_prepare(struct sk_buff *skb, const struct mvs_pkt *pkt,
		      __be16 eth_type, unsigned int nh_len, __sum16 **l4sum)
{
	unsigned int nh_end = skb_network_offset(skb) + nh_len, l4_end;
	int err;

	if (pkt->key.hdr.eth_type != eth_type || nh_end > skb->len)
		return 1;
	l4_end = l4_csum_end(skb, pkt, eth_type == htons(ETH_P_IPV6));
	err = make_writable(skb, max(nh_end, l4_end));
	if (err)
		return err;
	*l4sum = l4_csum(skb, pkt, l4_end);
	return 0;
}

static int set_eth(struct sk_buff *skb, struct mvs_pkt *pkt,
		   const struct mvs_act_set_eth *a)
{
	int err;

	if (skb->len < ETH_HLEN)
		return 0;
	err = make_writable(skb, ETH_HLEN);
	if (err)
		return err;
	masked_bytes(skb->data, a->dst, a->dst_mask, ETH_ALEN);
	masked_bytes(skb->data + ETH_ALEN, a->src, a->src_mask, ETH_ALEN);
	memcpy(pkt->key.hdr.eth_dst, skb->data, ETH_ALEN);
	memcpy(pkt->key.hdr.eth_src, skb->data + ETH_ALEN, ETH_ALEN);
	return 0;
}

static void set_ipv4_addr(struct sk_buff *skb, const struct mvs_pkt *pkt,
			  struct iphdr *nh, __sum16 *l4sum, __be32 *addr,
			  __be32 val, __be32 mask)
{
	__be32 new = (*addr & ~mask) | (val & mask);

	if (new == *addr)
		return;
	if (l4sum) {
		inet_proto_csum_replace4(l4sum, skb, *addr, new, true);
		l4_csum_fix_udp(pkt, l4sum);
	}
	csum_replace4(&nh->check, *addr, new);
	skb_clear_hash(skb);
	*addr = new;
}

static int set_ipv4(struct sk_buff *skb, struct mvs_pkt *pkt,
		    const struct mvs_act_set_ipv4 *a)
{
	struct mvs_key_hdr *h = &pkt->key.hdr;
	__sum16 *l4sum;
	struct iphdr *nh;
	int err;

	err = ip_prepare(skb, pkt, htons(ETH_P_IP), sizeof(*nh), &l4sum);
	if (err)
		return err > 0 ? 0 : err;
	nh = ip_hdr(skb);
	set_ipv4_addr(skb, pkt, nh, l4sum, &nh->saddr, a->src, a->src_mask);
	set_ipv4_addr(skb, pkt, nh, l4sum, &nh->daddr, a->dst, a->dst_mask);
	if (a->tos_mask)
		ipv4_change_dsfield(nh, ~a->tos_mask, a->tos & a->tos_mask);
	if (a->ttl_mask) {
		u8 ttl = (nh->ttl & ~a->ttl_mask) | (a->ttl & a->ttl_mask);

		csum_replace2(&nh->check, htons(nh->ttl << 8), htons(ttl << 8));
		nh->ttl = ttl;
	}
	h->ipv4_src = nh->saddr;
	h->ipv4_dst = nh->daddr;
	h->nw_tos = nh->tos;
	h->nw_ttl = nh->ttl;
	return 0;
}

static void set_ipv6_addr(struct sk_buff *skb, const struct mvs_pkt *pkt,
			  __sum16 *l4sum, u8 *addr, const u8 *val,
			  const u8 *mask)
{
	__be32 old[4], new[4];

	memcpy(old, addr, 16);
	memcpy(new, addr, 16);
	masked_bytes((u8 *)new, val, mask, 16);
	if (!memcmp(old, new, 16))
		return;
	if (l4sum) {
		inet_proto_csum_replace16(l4sum, skb, old, new, true);
		l4_csum_fix_udp(pkt, l4sum);
	}
	skb_clear_hash(skb);
	memcpy(addr, new, 16);
}

static int set_ipv6(struct sk_buff *skb, struct mvs_pkt *pkt,
		    const struct mvs_act_set_ipv6 *a)
{
	struct mvs_key_hdr *h = &pkt->key.hdr;
	__sum16 *l4sum;
	u32 v, lm, tm;
	u8 *ip;
	int err;

	err = ip_prepare(skb, pkt, htons(ETH_P_IPV6), sizeof(struct ipv6hdr),
			 &l4sum);
	if (err)
		return err > 0 ? 0 : err;
	ip = skb_network_header(skb);
	set_ipv6_addr(skb, pkt, l4sum, ip + 8, a->src, a->src_mask);
	set_ipv6_addr(skb, pkt, l4sum, ip + 24, a->dst, a->dst_mask);
	v = get_unaligned_be32(ip);
	lm = ntohl(a->label_mask) & 0xfffff;
	v = (v & ~lm) | (ntohl(a->label) & lm);
	tm = (u32)a->tclass_mask << 20;
	v = (v & ~tm) | (((u32)a->tclass << 20) & tm);
	put_unaligned_be32(v, ip);
	ip[7] = (ip[7] & ~a->hlimit_mask) | (a->hlimit & a->hlimit_mask);
	memcpy(h->ipv6_src, ip + 8, 16);
	memcpy(h->ipv6_dst, ip + 24, 16);
	h->ipv6_label = htonl(v & 0xfffff);
	h->nw_tos = v >> 20;
	h->nw_ttl = ip[7];
	return 0;
}

static int set_l4(struct sk_buff *skb, struct mvs_pkt *pkt,
		  const struct mvs_act_set_l4 *a)
{
	struct mvs_key_hdr *h = &pkt->key.hdr;
	unsigned int th = skb_transport_offset(skb), end;
	__be16 *ports, old[2];
	__sum16 *sum = NULL;
	int err;

	if (!pkt->l4 || h->nw_proto != a->proto || th + 4 > skb->len)
		return 0;
	end = th + 4;
	if (a->proto == IPPROTO_TCP && th + sizeof(struct tcphdr) <= skb->len)
		end = th + offsetof(struct tcphdr, check) + 2;
	else if (a->proto == IPPROTO_UDP)
		end = th + sizeof(struct udphdr);
	else if (a->proto == IPPROTO_SCTP && th + 12 <= skb->len)
		end = th + sizeof(struct sctphdr);
	err = make_writable(skb, end);
	if (err)
		return err;
	ports = (__be16 *)(skb->data + th);
	old[0] = ports[0];
	old[1] = ports[1];
	ports[0] = (ports[0] & ~a->src_mask) | (a->src & a->src_mask);
	ports[1] = (ports[1] & ~a->dst_mask) | (a->dst & a->dst_mask);
	if (a->proto == IPPROTO_TCP && end > th + 4)
		sum = &tcp_hdr(skb)->check;
	else if (a->proto == IPPROTO_UDP && (udp_hdr(skb)->check ||
					     skb->ip_summed == CHECKSUM_PARTIAL))
		sum = &udp_hdr(skb)->check;
	if (sum) {
		inet_proto_csum_replace2(sum, skb, old[0], ports[0], false);
		inet_proto_csum_replace2(sum, skb, old[1], ports[1], false);
		l4_csum_fix_udp(pkt, sum);
	}
	if (a->proto == IPPROTO_SCTP && end > th + 4)
		sctp_hdr(skb)->checksum = sctp_compute_cksum(skb, th);
	if (old[0] != ports[0] || old[1] != ports[1])
		skb_clear_hash(skb);
	h->tp_src = ports[0];
	h->tp_dst = ports[1];
	return 0;
}

static int push_vlan(struct sk_buff *skb, struct mvs_pkt *pkt,
		     const struct mvs_act_push_vlan *a)
{
	struct mvs_key_hdr *h = &pkt->key.hdr;
	int err;

	if (skb->len < ETH_HLEN)
		return 0;
	err = skb_vlan_push(skb, a->tpid, ntohs(a->tci) & ~MVS_VLAN_PRESENT);
	if (err)
		return err;
	/* The old outer tag becomes the inner one. */
	h->vlan2_tci = h->vlan_tci;
	h->vlan2_tpid = h->vlan_tpid;
	h->vlan_tci = a->tci | htons(MVS_VLAN_PRESENT);
	h->vlan_tpid = a->tpid;
	return 0;
}

static int pop_vlan(struct sk_buff *skb, struct mvs_pkt *pkt)
{
	struct mvs_key_hdr *h = &pkt->key.hdr;
	unsigned int len = skb->len;
	int err;

	if (skb_vlan_tag_present(skb))
		len += VLAN_HLEN;
	if (!(h->vlan_tci & htons(MVS_VLAN_PRESENT)) ||
	    len < ETH_HLEN + VLAN_HLEN)
		return 0;
	err = skb_vlan_pop(skb);
	if (err)
		return err;
	h->vlan_tci = h->vlan2_tci;
	h->vlan_tpid = h->vlan2_tpid;
	h->vlan2_tci = 0;
	h->vlan2_tpid = 0;
	return 0;
}

static void set_meta(struct sk_buff *skb, struct mvs_pkt *pkt,
		     const struct mvs_act_set_meta *a)
{
	struct mvs_key_meta *m = &pkt->key.meta;

	m->skb_priority = (m->skb_priority & ~a->skb_priority_mask) |
			  (a->skb_priority & a->skb_priority_mask);
	m->skb_mark = (m->skb_mark & ~a->skb_mark_mask) |
		      (a->skb_mark & a->skb_mark_mask);
	skb->priority = m->skb_priority;
	skb->mark = m->skb_mark;
}

/* Sends @skb (taken; NULL when a clone failed) through port @port_no,
 * cut to @trunc bytes if that is shorter.
 */
static void do_output(struct mvs_dp *dp, struct sk_buff *skb,
		      const struct mvs_pkt *pkt, u32 port_no, u32 trunc)
{
	struct mvs_vport *vport;

	if (unlikely(!skb))
		return;
	vport = mvs_vport_lookup(dp, port_no);
	if (unlikely(!vport))
		goto drop;
	if (trunc && skb->len > trunc) {
		if (pskb_trim(skb, trunc))
			goto drop;
		skb_gso_reset(skb);
		if (skb->ip_summed == CHECKSUM_PARTIAL)
			skb->ip_summed = CHECKSUM_NONE;
	}
	if (vport->ops->type >= MVS_VPORT_TYPE_VXLAN &&
	    mvs_tunnel_set_dst(skb, &pkt->key.tun))
		goto drop;
	mvs_vport_send(vport, skb);
	return;
drop:
	kfree_skb(skb);
}

static void do_userspace(struct mvs_dp *dp, struct sk_buff *skb,
			 const struct mvs_pkt *pkt, const struct nlattr *attr,
			 u32 upcall_pid)
{
	const struct nlattr *a, *userdata = NULL;
	u32 pid = upcall_pid;
	int rem;

	/* A pid of 0 means the port's own, as no socket has port id 0. */
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) == MVS_USERSPACE_ATTR_PID && nla_get_u32(a))
			pid = nla_get_u32(a);
		else if (nla_type(a) == MVS_USERSPACE_ATTR_USERDATA)
			userdata = a;
	}
	mvs_upcall(dp, skb, &pkt->key, pid, MVS_CMD_ACTION, userdata);
}

/* Runs @attrs on a clone of @skb with a copy of @pkt. */
static void do_clone(struct mvs_dp *dp, struct sk_buff *skb,
		     const struct mvs_pkt *pkt, const struct nlattr *attrs,
		     int len, u32 upcall_pid)
{
	struct mvs_pkt *sub = mvs_level_enter();
	struct sk_buff *copy;

	if (unlikely(!sub)) {
		limit_drop(dp);
		return;
	}
	copy = skb_clone(skb, GFP_ATOMIC);
	if (copy) {
		*sub = *pkt;
		mvs_execute_actions(dp, copy, sub, attrs, len, upcall_pid);
	}
	mvs_level_exit();
}

static void do_sample(struct mvs_dp *dp, struct sk_buff *skb,
		      const struct mvs_pkt *pkt, const struct nlattr *attr,
		      u32 upcall_pid)
{
	const struct nlattr *a, *acts = NULL;
	u32 prob = 0;
	int rem;

	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) == MVS_SAMPLE_ATTR_PROBABILITY)
			prob = nla_get_u32(a);
		else if (nla_type(a) == MVS_SAMPLE_ATTR_ACTIONS)
			acts = a;
	}
	if (!acts || (prob != U32_MAX && get_random_u32() > prob))
		return;
	do_clone(dp, skb, pkt, nla_data(acts), nla_len(acts), upcall_pid);
}

/* Looks @skb (taken; NULL when a clone failed) up again with recirc_id
 * @id and runs what it finds.
 */
static void do_recirc(struct mvs_dp *dp, struct sk_buff *skb,
		      const struct mvs_pkt *pkt, u32 id, u32 upcall_pid)
{
	struct mvs_pkt *sub;

	if (unlikely(!skb))
		return;
	sub = mvs_level_enter();
	if (unlikely(!sub)) {
		limit_drop(dp);
		kfree_skb(skb);
		return;
	}
	*sub = *pkt;
	sub->key.meta.recirc_id = id;
	mvs_dp_process(dp, skb, sub, upcall_pid);
	mvs_level_exit();
}

void mvs_execute_actions(struct mvs_dp *dp, struct sk_buff *skb,
			 struct mvs_pkt *pkt, const struct nlattr *attrs,
			 int len, u32 upcall_pid)
{
	const struct nlattr *a;
	u32 trunc = 0;
	int rem;

	nla_for_each_attr(a, attrs, len, rem) {
		bool last = rem <= NLA_ALIGN(a->nla_len);
		const void *data = nla_data(a);
		int err = 0;

		switch (nla_type(a)) {
		case MVS_ACTION_ATTR_OUTPUT:
			do_output(dp, last ? skb : skb_clone(skb, GFP_ATOMIC),
				  pkt, nla_get_u32(a), trunc);
			if (last)
				return;
			trunc = 0;
			break;
		case MVS_ACTION_ATTR_TRUNC:
			trunc = nla_get_u32(a);
			break;
		case MVS_ACTION_ATTR_USERSPACE:
			do_userspace(dp, skb, pkt, a, upcall_pid);
			break;
		case MVS_ACTION_ATTR_SET_ETH:
			err = set_eth(skb, pkt, data);
			break;
		case MVS_ACTION_ATTR_SET_IPV4:
			err = set_ipv4(skb, pkt, data);
			break;
		case MVS_ACTION_ATTR_SET_IPV6:
			err = set_ipv6(skb, pkt, data);
			break;
		case MVS_ACTION_ATTR_SET_L4:
			err = set_l4(skb, pkt, data);
			break;
		case MVS_ACTION_ATTR_SET_META:
			set_meta(skb, pkt, data);
			break;
		case MVS_ACTION_ATTR_SET_TUNNEL:
			memcpy(&pkt->key.tun, data, sizeof(pkt->key.tun));
			break;
		case MVS_ACTION_ATTR_PUSH_VLAN:
			err = push_vlan(skb, pkt, data);
			break;
		case MVS_ACTION_ATTR_POP_VLAN:
			err = pop_vlan(skb, pkt);
			break;
		case MVS_ACTION_ATTR_HASH: {
			const struct mvs_act_hash *h = data;

			pkt->key.meta.dp_hash =
				mvs_flow_hash_5tuple(&pkt->key, h->basis);
			break;
		}
		case MVS_ACTION_ATTR_RECIRC:
			do_recirc(dp, last ? skb : skb_clone(skb, GFP_ATOMIC),
				  pkt, nla_get_u32(a), upcall_pid);
			if (last)
				return;
			break;
		case MVS_ACTION_ATTR_CLONE:
			do_clone(dp, skb, pkt, data, nla_len(a), upcall_pid);
			break;
		case MVS_ACTION_ATTR_SAMPLE:
			do_sample(dp, skb, pkt, a, upcall_pid);
			break;
		case MVS_ACTION_ATTR_METER:
			/* The length flow statistics count, tag included. */
			if (!mvs_meter_pass(dp, nla_get_u32(a), skb->len +
					    (skb_vlan_tag_present(skb) ?
					     VLAN_HLEN : 0))) {
				kfree_skb(skb);
				return;
			}
			break;
		default:
			break;
		}
		if (unlikely(err)) {
			net_warn_ratelimited("microvs: %s: action %d failed (%d), packet dropped\n",
					     mvs_dp_name(dp), nla_type(a), err);
			kfree_skb(skb);
			return;
		}
	}
	consume_skb(skb);
}
