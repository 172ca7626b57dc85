/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_actions: datapath actions on a packet in userspace: output,
 * header rewrites and VLAN push/pop (lib/flow/odp_rewrite.c), userspace,
 * clone, sample, trunc, recirc and hash; tunnel push and pop (the headers in
 * upcalld_tunnel.c); meters (through the caller's meter callback).
 */
#include "upcalld.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nlattr.h"
#include "odp.h"

LOG_MODULE(dp_actions);

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
			/* Header rewrites (lib/flow/odp_rewrite.c); conntrack
			 * comes with its own issue: until then it does
			 * nothing. */
			odp_rewrite(p, key, a);
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
