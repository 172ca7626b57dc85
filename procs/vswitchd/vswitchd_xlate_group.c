/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_xlate_group: the group action in translation, as Open
 * vSwitch 3.1's slow-path selection does it:
 *   - all: every bucket, each on a copy of the packet as it came to the
 *     group (the flow is rolled back after each bucket);
 *   - indirect: its one bucket;
 *   - select: one live bucket chosen by rendezvous hashing of a
 *     symmetric hash of the L2-L4 addresses (Open vSwitch's default
 *     method, "hash of the 5-tuple"): each bucket scores the hash of its
 *     id with the flow's hash, scaled by its weight, and the best wins, so
 *     a flow sticks to its bucket and the weights share the flows; the
 *     fields hashed go into the megaflow mask; selection_method=hash
 *     hashes the fields it names, and dp_hash shares hash values by the
 *     weights (dp_hash_bucket());
 *   - fast_failover: the first live bucket.
 * Each bucket runs as an action set (xlate_action_set_list()).  A bucket is
 * live unless a select bucket of weight 0, its watched port is down
 * (port->link_down) or its watched group has no live bucket.  The group
 * and the bucket are recorded in the deps, for their counters; the
 * trace says what Open vSwitch's says.
 */
#include "vswitchd.h"

#include <string.h>

#include "odp.h"
#include "ofp_group.h"

/* Open vSwitch's bound on the depth of watch_group chains. */
#define MAX_LIVENESS_DEPTH 32

static bool group_is_alive(struct xlate_ctx *ctx, uint32_t id, int depth);

static bool
port_is_alive(const struct xlate_ctx *ctx, uint32_t ofp_port)
{
	const struct port *p = bridge_port_by_ofp(ctx->br, ofp_port);

	ctx->br->liveness_translated = true;
	return p && !p->link_down;
}

/* Open vSwitch's bucket_is_alive: a select bucket of weight 0 is not;
 * a watched port must be up and a watched group have a live bucket (the
 * controller port counts as up).  Says why in the trace. */
static bool
bucket_is_alive(struct xlate_ctx *ctx, const struct ofgroup *g,
		const struct ofgroup_bucket *b, int depth)
{
	if (depth >= MAX_LIVENESS_DEPTH) {
		xlate_report(ctx, TRACE_ERROR,
			     "bucket chaining exceeded %d links",
			     MAX_LIVENESS_DEPTH);
		return false;
	}
	if (g->type == OFPGT_SELECT && !b->weight) {
		xlate_report(ctx, TRACE_DETAIL,
			     "bucket %u: not live due to weight 0",
			     b->bucket_id);
		return false;
	}
	if (b->watch_port != OFPP_NONE && b->watch_port != OFPP_CONTROLLER &&
	    !port_is_alive(ctx, b->watch_port)) {
		xlate_report(ctx, TRACE_DETAIL,
			     "bucket %u: not live due to port %u", b->bucket_id,
			     b->watch_port);
		return false;
	}
	if (b->watch_group != OFPG_ANY &&
	    !group_is_alive(ctx, b->watch_group, depth + 1)) {
		xlate_report(ctx, TRACE_DETAIL,
			     "bucket %u: not live due to group %u",
			     b->bucket_id, b->watch_group);
		return false;
	}
	return true;
}

/* The first live bucket of @g, or -1. */
static ssize_t
first_live_bucket(struct xlate_ctx *ctx, const struct ofgroup *g, int depth)
{
	for (size_t i = 0; i < g->n_buckets; i++)
		if (bucket_is_alive(ctx, g, &g->buckets[i], depth))
			return (ssize_t)i;
	return -1;
}

static bool
group_is_alive(struct xlate_ctx *ctx, uint32_t id, int depth)
{
	const struct ofgroup *g = groups_find(ctx->br, id);

	return g && first_live_bucket(ctx, g, depth) >= 0;
}

/* A hash of the flow that is the same both ways (source and
 * destination swapped), and the fields it used into the mask (Open
 * vSwitch's NX_HASH_FIELDS_SYMMETRIC_L4). */
static uint32_t
symmetric_l4_hash(struct xlate_ctx *ctx)
{
	const struct mvs_key_hdr *h = &ctx->flow.hdr;
	struct mvs_key_hdr *m = &ctx->wc->hdr;
	struct {
		uint8_t eth[6];
		uint16_t eth_type, vid;
		uint8_t ip[16];
		uint16_t tp;
		uint8_t proto, pad;
	} k;

	memset(&k, 0, sizeof k);
	for (int i = 0; i < 6; i++)
		k.eth[i] = h->eth_src[i] ^ h->eth_dst[i];
	memset(m->eth_src, 0xff, 6);
	memset(m->eth_dst, 0xff, 6);
	k.eth_type = h->eth_type;
	k.vid = h->vlan_tci & htons(MVS_VLAN_VID_MASK | MVS_VLAN_PRESENT);
	m->vlan_tci |= htons(MVS_VLAN_VID_MASK | MVS_VLAN_PRESENT);
	if (flow_is_ip(&ctx->flow)) {
		uint32_t a = h->ipv4_src ^ h->ipv4_dst;
		memcpy(k.ip, &a, 4);
		m->ipv4_src = m->ipv4_dst = ~0u;
	} else if (flow_is_ipv6(&ctx->flow)) {
		for (int i = 0; i < 16; i++)
			k.ip[i] = h->ipv6_src[i] ^ h->ipv6_dst[i];
		memset(m->ipv6_src, 0xff, 16);
		memset(m->ipv6_dst, 0xff, 16);
	}
	if (flow_is_ip_any(&ctx->flow)) {
		k.proto = h->nw_proto;
		m->nw_proto = 0xff;
		if (h->nw_proto == IPPROTO_TCP_ ||
		    h->nw_proto == IPPROTO_UDP_ ||
		    h->nw_proto == IPPROTO_SCTP_) {
			k.tp = h->tp_src ^ h->tp_dst;
			m->tp_src = m->tp_dst = 0xffff;
		}
	}
	return hash_bytes(&k, sizeof k, 0);
}

/* MurmurHash3's 64-bit finaliser: every input bit flips about half of
 * the output bits. */
static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* selection_method=hash (Open vSwitch's
 * pick_hash_fields_select_group()): a hash of selection_method_param
 * and of each field whose prerequisites the packet meets, under its
 * mask; those bits (and the prerequisites) go into the megaflow mask. */
static uint32_t
fields_hash(struct xlate_ctx *ctx, const struct ofgroup *g)
{
	uint32_t basis = hash_bytes(&g->selection_method_param,
				    sizeof g->selection_method_param, 0);

	for (size_t i = 0; i < g->fields.n; i++) {
		const struct ofp_group_field *gf = &g->fields.f[i];
		const struct ofp_field *f = ofp_field_get(gf->id);
		union ofp_value v, wc;

		ofp_field_mask_prereqs(f, ctx->wc);
		if (!ofp_field_prereqs_ok(f, &ctx->flow))
			continue;
		ofp_field_get_value(f, &ctx->flow, &v);
		ofp_field_get_value(f, ctx->wc, &wc);
		for (size_t j = 0; j < f->n_bytes; j++) {
			v.bytes[j] &= gf->mask.bytes[j];
			wc.bytes[j] |= gf->mask.bytes[j];
		}
		basis = hash_bytes(v.bytes, f->n_bytes, basis);
		ofp_field_set_flow_value(f, &wc, ctx->wc);
	}
	return basis;
}

/* selection_method=dp_hash.  Open vSwitch sends the packet through the
 * datapath's hash(l4(param)) and recirculation, then picks
 * map[dp_hash & mask] (the next live one if that bucket is not).
 * microvs's translation has no recirculation: it computes the same
 * hash of the packet itself (odp_hash_l4(), the datapath action's) and
 * picks the same way (the group's dp_hash_map), so the buckets share the
 * connections by the same weights; the megaflow matches the fields hashed
 * (addresses, ports, protocol) instead of dp_hash.  -2 where Open vSwitch falls
 * back to the default method. */
static ssize_t
dp_hash_bucket(struct xlate_ctx *ctx, const struct ofgroup *g)
{
	uint32_t mask = g->dp_hash_mask, h;
	struct mvs_key_hdr *m = &ctx->wc->hdr;

	if (!mask)
		return -2;
	h = odp_hash_l4(&ctx->flow.hdr, (uint32_t)g->selection_method_param);
	m->ipv4_src = m->ipv4_dst = ~0u;
	memset(m->ipv6_src, 0xff, 16);
	memset(m->ipv6_dst, 0xff, 16);
	m->tp_src = m->tp_dst = 0xffff;
	m->nw_proto = 0xff;
	for (uint32_t i = 0; i <= mask; i++) {
		size_t b = g->dp_hash_map[(h + i) & mask];

		if (bucket_is_alive(ctx, g, &g->buckets[b], 0))
			return (ssize_t)b;
	}
	return -1;
}

/* Open vSwitch's group_best_live_bucket: the highest score wins, the
 * later of equal scores. */
static ssize_t
best_live_bucket(struct xlate_ctx *ctx, const struct ofgroup *g, uint32_t basis)
{
	ssize_t best = -1;
	uint64_t best_score = 0;

	for (size_t i = 0; i < g->n_buckets; i++) {
		const struct ofgroup_bucket *b = &g->buckets[i];
		uint64_t score;

		if (!bucket_is_alive(ctx, g, b, 0))
			continue;
		/* A full avalanche of (bucket, flow): every bucket's score
		 * must be independent of the others'. */
		score = (mix64((uint64_t)basis << 32 | b->bucket_id) & 0xffff) *
			b->weight;
		if (score >= best_score) {
			best = (ssize_t)i;
			best_score = score;
		}
	}
	return best;
}

static void
copy_act(struct ofpacts *out, const struct ofpact *a)
{
	memcpy(ofpacts_put(out, a->type, a->len), a, a->len);
}

/* Appends the last action of @type in @set; false if there is none. */
static bool
copy_last(struct ofpacts *out, const struct ofpacts *set, enum ofpact_type type)
{
	const struct ofpact *a, *last = NULL;

	OFPACT_FOR_EACH(a, set->data, set->size)
	if (a->type == type)
		last = a;
	if (last)
		copy_act(out, last);
	return last != NULL;
}

static bool
is_set_or_move(enum ofpact_type type)
{
	switch (type) {
	case OFPACT_SET_FIELD:
	case OFPACT_REG_MOVE:
	case OFPACT_SET_VLAN_VID:
	case OFPACT_SET_VLAN_PCP:
	case OFPACT_SET_ETH_SRC:
	case OFPACT_SET_ETH_DST:
	case OFPACT_SET_IPV4_SRC:
	case OFPACT_SET_IPV4_DST:
	case OFPACT_SET_IP_DSCP:
	case OFPACT_SET_IP_ECN:
	case OFPACT_SET_IP_TTL:
	case OFPACT_SET_L4_SRC_PORT:
	case OFPACT_SET_L4_DST_PORT:
	case OFPACT_SET_TUNNEL:
		return true;
	default:
		return false;
	}
}

/* A bucket is an action set: Open vSwitch runs it as the list
 * ofpacts_execute_action_set() makes, in the specification's order
 * (pop, push, dec_ttl, every set and move, set_queue) and then only the
 * last group, else the last output, else the last resubmit; without
 * any of those, nothing (no point in changing a packet sent nowhere).
 * So "output:2,output:3" outputs to 3 only, and a note is dropped. */
void
xlate_action_set_list(const struct ofpacts *set, struct ofpacts *out)
{
	const struct ofpact *a;

	ofpacts_init(out);
	copy_last(out, set, OFPACT_STRIP_VLAN);
	copy_last(out, set, OFPACT_PUSH_VLAN);
	copy_last(out, set, OFPACT_DEC_TTL);
	OFPACT_FOR_EACH(a, set->data, set->size)
	if (is_set_or_move(a->type))
		copy_act(out, a);
	copy_last(out, set, OFPACT_SET_QUEUE);
	if (!copy_last(out, set, OFPACT_GROUP) &&
	    !copy_last(out, set, OFPACT_OUTPUT) &&
	    !copy_last(out, set, OFPACT_RESUBMIT))
		ofpacts_clear(out);
}

/* Runs bucket @i of @g on a copy of the packet. */
static void
run_bucket(struct xlate_ctx *ctx, struct ofgroup *g, size_t i, bool is_last)
{
	struct ofgroup_bucket *b = &g->buckets[i];
	struct list_node *old_trace = ctx->trace;
	struct flow old_flow = ctx->flow;
	struct trace_node *t;
	struct ofpacts list;

	t = xlate_report(ctx, TRACE_ACTION, "bucket %u", b->bucket_id);
	if (t)
		ctx->trace = &t->subs;
	xlate_deps_add_group(ctx->deps, g, i);
	if (ctx->may_learn && ctx->packet_len) {
		b->n_packets++;
		b->n_bytes += ctx->packet_len;
	}
	xlate_action_set_list(&b->acts, &list);
	ctx->depth++;
	xlate_actions(ctx, &list, is_last);
	ctx->depth--;
	/* A pause in the bucket freezes the rest of the bucket only; what
	 * follows the group runs now, on the packet as it was (Open
	 * vSwitch's xlate_group_bucket). */
	xlate_finish_freezing(ctx, ctx->rule ? ctx->rule->cookie : UINT64_MAX);
	ofpacts_free(&list);
	ctx->flow = old_flow;
	ctx->trace = old_trace;
}

void
xlate_group(struct xlate_ctx *ctx, uint32_t group_id, bool is_last)
{
	struct ofgroup *g = groups_find(ctx->br, group_id);
	ssize_t i;

	if (!g) {
		xlate_report(ctx, TRACE_WARN, "output to nonexistent group %u",
			     group_id);
		return;
	}
	xlate_deps_add_group(ctx->deps, g, SIZE_MAX);
	if (ctx->may_learn && ctx->packet_len) {
		g->n_packets++;
		g->n_bytes += ctx->packet_len;
	}
	switch (g->type) {
	case OFPGT_ALL:
	case OFPGT_INDIRECT:
		for (size_t k = 0; k < g->n_buckets && !ctx->error; k++)
			run_bucket(ctx, g, k, is_last && k + 1 == g->n_buckets);
		return;
	case OFPGT_SELECT:
		i = !strcmp(g->selection_method, "dp_hash")
			    ? dp_hash_bucket(ctx, g)
			    : -2;
		if (i == -2)
			i = best_live_bucket(
				ctx, g,
				!strcmp(g->selection_method, "hash")
					? fields_hash(ctx, g)
					: symmetric_l4_hash(ctx));
		break;
	case OFPGT_FF:
	default:
		i = first_live_bucket(ctx, g, 0);
		break;
	}
	if (i < 0)
		return;
	xlate_report(ctx, TRACE_DETAIL, "using bucket %u",
		     g->buckets[i].bucket_id);
	run_bucket(ctx, g, (size_t)i, is_last);
}
