/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_xlate: translation.  A missed packet's datapath key becomes a
 * struct flow; the bridge's OpenFlow tables run on it from table 0; the
 * actions become datapath actions, and every field the lookups and
 * actions looked at goes into the megaflow mask, so the datapath can
 * answer every packet that agrees on those bits without asking again.
 *
 * The masks follow Open vSwitch's rules exactly (xlate_wc_init,
 * xlate_wc_finish, the commit of header changes), so a table and a packet
 * give the same megaflow here and in Open vSwitch, which the unit tests
 * check against strings recorded from it.
 */
#include "vswitchd.h"

#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ofp_port.h"

LOG_MODULE(xlate);

#define MAX_DEPTH 64	   /* Open vSwitch's resubmit depth limit */
#define MAX_RESUBMITS 4096 /* and its resubmit count limit */

static void do_xlate_actions(struct xlate_ctx *ctx, const struct ofpacts *a,
			     bool is_last_action);

const char *
xlate_strerror(enum xlate_error e)
{
	switch (e) {
	case XLATE_OK:
		return "OK";
	case XLATE_RECURSION_TOO_DEEP:
		return "Recursion too deep";
	case XLATE_TOO_MANY_RESUBMITS:
		return "Too many resubmits";
	case XLATE_UNKNOWN_PORT:
		return "Unknown input port";
	}
	return "Unknown error";
}

/* ---- trace nodes ---- */

static struct trace_node *
trace_add(struct list_node *list, enum trace_type type, char *text)
{
	struct trace_node *n = xzalloc(sizeof *n);

	n->type = type;
	n->text = text;
	list_init(&n->subs);
	list_push_back(list, &n->node);
	return n;
}

struct trace_node *
xlate_report(struct xlate_ctx *ctx, enum trace_type type, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (!ctx->trace)
		return NULL;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	return trace_add(ctx->trace, type, text);
}

void
trace_list_free(struct list_node *list)
{
	struct trace_node *n, *next;

	LIST_FOR_EACH_SAFE (n, next, node, list) {
		list_remove(&n->node);
		trace_list_free(&n->subs);
		free(n->text);
		free(n);
	}
}

void
trace_list_format(struct ds *s, const struct list_node *list, int level)
{
	const struct trace_node *n;

	LIST_FOR_EACH (n, node, list) {
		/* A node that is not the last, or is a leaf by kind, goes one
		 * step in; its children two. */
		bool more = n->node.next != list || n->type == TRACE_ACTION ||
			    n->type == TRACE_DETAIL || n->type == TRACE_WARN ||
			    n->type == TRACE_ERROR;
		int indent = (level + more) * 4;

		if (n->type == TRACE_BRIDGE)
			ds_put_char(s, '\n');
		ds_printf(s, "%*s", indent, "");
		switch (n->type) {
		case TRACE_DETAIL:
			ds_printf(s, " -> %s\n", n->text);
			break;
		case TRACE_WARN:
			ds_printf(s, " >> %s\n", n->text);
			break;
		case TRACE_ERROR:
			ds_printf(s, " >>>> %s <<<<\n", n->text);
			break;
		case TRACE_BRIDGE:
			ds_printf(s, "%s\n%*s", n->text, indent, "");
			for (size_t i = strlen(n->text); i > 0; i--)
				ds_put_char(s, '-');
			ds_put_char(s, '\n');
			break;
		case TRACE_TABLE:
		case TRACE_ACTION:
			ds_printf(s, "%s\n", n->text);
			break;
		}
		trace_list_format(s, &n->subs, level + 2 * more);
	}
}

/* ---- what a translation used ---- */

static void
deps_add_rule(struct xlate_deps *d, struct rule *rule)
{
	ARRAY_GROW(d->rules, d->n_rules, d->rules_cap);
	rule_ref(rule);
	d->rules[d->n_rules++] = rule;
}

void
xlate_deps_add_group(struct xlate_deps *d, struct ofgroup *g, size_t bucket)
{
	for (size_t i = 0; i < d->n_groups; i++)
		if (d->groups[i].group == g && d->groups[i].bucket == bucket)
			return;
	ARRAY_GROW(d->groups, d->n_groups, d->groups_cap);
	ofgroup_ref(g);
	d->groups[d->n_groups].group = g;
	d->groups[d->n_groups++].bucket = bucket;
}

void
xlate_deps_add_mac(struct xlate_deps *d, uint64_t tag)
{
	for (size_t i = 0; i < d->n_mac_tags; i++)
		if (d->mac_tags[i] == tag)
			return;
	ARRAY_GROW(d->mac_tags, d->n_mac_tags, d->mac_tags_cap);
	d->mac_tags[d->n_mac_tags++] = tag;
}

void
xlate_deps_add_learned(struct xlate_deps *d, const struct bridge *br,
		       uint32_t in_ofp_port, uint16_t vlan,
		       const uint8_t mac[6])
{
	struct xlate_learned *l;

	ARRAY_GROW(d->learned, d->n_learned, d->learned_cap);
	l = &d->learned[d->n_learned++];
	l->bridge_id = br->id;
	l->in_ofp_port = in_ofp_port;
	l->vlan = vlan;
	memcpy(l->mac, mac, 6);
}

void
xlate_deps_add_bridge(struct xlate_deps *d, const struct bridge *br)
{
	for (size_t i = 0; i < d->n_bridges; i++)
		if (d->bridges[i].bridge_id == br->id)
			return;
	ARRAY_GROW(d->bridges, d->n_bridges, d->bridges_cap);
	d->bridges[d->n_bridges].bridge_id = br->id;
	d->bridges[d->n_bridges].tables_version = br->tables.version;
	d->bridges[d->n_bridges++].config_version = br->config_version;
}

void
xlate_deps_uninit(struct xlate_deps *d)
{
	for (size_t i = 0; i < d->n_rules; i++)
		rule_unref(d->rules[i]);
	for (size_t i = 0; i < d->n_groups; i++)
		ofgroup_unref(d->groups[i].group);
	free(d->rules);
	free(d->groups);
	free(d->mac_tags);
	free(d->learned);
	free(d->bridges);
	for (size_t i = 0; i < d->n_pinstates; i++)
		vswd_pinstate_unref((uint32_t)d->pinstates[i]);
	free(d->pinstates);
	memset(d, 0, sizeof *d);
}

bool
xlate_deps_stale(const struct xlate_deps *d)
{
	for (size_t i = 0; i < d->n_bridges; i++) {
		const struct bridge *br =
			vsw_bridge_by_id(d->vsw, d->bridges[i].bridge_id);
		if (!br || br->tables.version != d->bridges[i].tables_version ||
		    br->config_version != d->bridges[i].config_version)
			return true;
	}
	for (size_t i = 0; i < d->n_rules; i++)
		if (d->rules[i]->removed)
			return true;
	for (size_t i = 0; i < d->n_groups; i++)
		if (d->groups[i].group->removed)
			return true;
	return false;
}

bool
xlate_deps_uses_mac(const struct xlate_deps *d, const uint64_t *tags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d->n_mac_tags; j++)
			if (tags[i] == d->mac_tags[j])
				return true;
	return false;
}

void
xlate_deps_push_stats(const struct xlate_deps *d, uint64_t n_packets,
		      uint64_t n_bytes, uint64_t used_ms)
{
	for (size_t i = 0; i < d->n_rules; i++)
		rule_credit_stats(d->rules[i], n_packets, n_bytes, used_ms);
	for (size_t i = 0; i < d->n_groups; i++) {
		struct ofgroup *g = d->groups[i].group;
		size_t b = d->groups[i].bucket;

		if (b == SIZE_MAX) {
			g->n_packets += n_packets;
			g->n_bytes += n_bytes;
		} else if (b < g->n_buckets) {
			g->buckets[b].n_packets += n_packets;
			g->buckets[b].n_bytes += n_bytes;
		}
	}
	if (!n_packets)
		return;
	for (size_t i = 0; i < d->n_learned; i++) {
		const struct xlate_learned *l = &d->learned[i];
		struct bridge *br = vsw_bridge_by_id(d->vsw, l->bridge_id);
		struct port *p =
			br ? bridge_port_by_ofp(br, l->in_ofp_port) : NULL;
		if (p)
			mac_table_learn(&br->macs, l->mac, l->vlan, p, used_ms);
	}
}

/* ---- committing header changes as datapath actions ---- */

struct vlan_hdr {
	uint16_t tpid, tci; /* network order */
};

static void
get_vlans(const struct flow *f, struct vlan_hdr v[2])
{
	v[0].tpid = f->hdr.vlan_tpid;
	v[0].tci = f->hdr.vlan_tci;
	v[1].tpid = f->hdr.vlan2_tpid;
	v[1].tci = f->hdr.vlan2_tci;
}

static void
set_vlans(struct flow *f, const struct vlan_hdr v[2])
{
	f->hdr.vlan_tpid = v[0].tpid;
	f->hdr.vlan_tci = v[0].tci;
	f->hdr.vlan2_tpid = v[1].tpid;
	f->hdr.vlan2_tci = v[1].tci;
}

static int
count_vlans(const struct vlan_hdr v[2])
{
	int n = 0;
	while (n < 2 && (v[n].tci & htons(MVS_VLAN_PRESENT)))
		n++;
	return n;
}

/* Open vSwitch's commit_vlan_action: pops the base's tags that differ
 * (innermost common tags kept) and pushes the flow's. */
static void
commit_vlans(struct xlate_ctx *ctx)
{
	struct vlan_hdr b[2], f[2], wc[2];
	int bn, fn;

	get_vlans(&ctx->base, b);
	get_vlans(&ctx->flow, f);
	get_vlans(ctx->wc, wc);
	bn = count_vlans(b) - 1;
	fn = count_vlans(f) - 1;
	while (bn >= 0 && fn >= 0 && b[bn].tpid == f[fn].tpid &&
	       b[bn].tci == f[fn].tci) {
		bn--;
		fn--;
	}
	for (; bn >= 0; bn--) {
		nl_put_flag(ctx->odp, MVS_ACTION_ATTR_POP_VLAN);
		wc[bn].tpid = wc[bn].tci = 0xffff;
	}
	for (; fn >= 0; fn--) {
		struct mvs_act_push_vlan pv = { f[fn].tpid, f[fn].tci };
		nl_put(ctx->odp, MVS_ACTION_ATTR_PUSH_VLAN, &pv, sizeof pv);
	}
	set_vlans(ctx->wc, wc);
	set_vlans(&ctx->base, f);
}

static void
commit_eth(struct xlate_ctx *ctx)
{
	struct mvs_act_set_eth e;
	bool src = memcmp(ctx->flow.hdr.eth_src, ctx->base.hdr.eth_src, 6);
	bool dst = memcmp(ctx->flow.hdr.eth_dst, ctx->base.hdr.eth_dst, 6);

	if (!src && !dst)
		return;
	memset(&e, 0, sizeof e);
	memcpy(e.src, ctx->flow.hdr.eth_src, 6);
	memcpy(e.dst, ctx->flow.hdr.eth_dst, 6);
	if (src) {
		memset(e.src_mask, 0xff, 6);
		memset(ctx->wc->hdr.eth_src, 0xff, 6);
	}
	if (dst) {
		memset(e.dst_mask, 0xff, 6);
		memset(ctx->wc->hdr.eth_dst, 0xff, 6);
	}
	nl_put(ctx->odp, MVS_ACTION_ATTR_SET_ETH, &e, sizeof e);
	memcpy(ctx->base.hdr.eth_src, ctx->flow.hdr.eth_src, 6);
	memcpy(ctx->base.hdr.eth_dst, ctx->flow.hdr.eth_dst, 6);
}

/* The IP TOS bits to set, Open vSwitch's way (only the bits that
 * changed, under the bits the translation looked at, as its masked set:
 * the ECN CE a decapsulation copies inward, xlate_tnl_ecn), in *@tos and
 * *@mask; false if none. */
static bool
tos_change(struct xlate_ctx *ctx, uint8_t *tos, uint8_t *mask)
{
	uint8_t t = ctx->flow.hdr.nw_tos;
	uint8_t m = (uint8_t)((t ^ ctx->base.hdr.nw_tos) | ctx->wc->hdr.nw_tos);

	if (t == ctx->base.hdr.nw_tos)
		return false;
	ctx->wc->hdr.nw_tos |= m;
	*tos = t & m;
	*mask = m;
	return true;
}

static void
commit_ipv4(struct xlate_ctx *ctx)
{
	const struct mvs_key_hdr *f = &ctx->flow.hdr, *b = &ctx->base.hdr;
	struct mvs_act_set_ipv4 a;

	memset(&a, 0, sizeof a);
	if (f->ipv4_src != b->ipv4_src) {
		a.src = f->ipv4_src;
		a.src_mask = ~0u;
	}
	if (f->ipv4_dst != b->ipv4_dst) {
		a.dst = f->ipv4_dst;
		a.dst_mask = ~0u;
	}
	if (f->nw_ttl != b->nw_ttl) {
		a.ttl = f->nw_ttl;
		a.ttl_mask = 0xff;
	}
	tos_change(ctx, &a.tos, &a.tos_mask);
	if (a.src_mask || a.dst_mask || a.ttl_mask || a.tos_mask)
		nl_put(ctx->odp, MVS_ACTION_ATTR_SET_IPV4, &a, sizeof a);
}

static void
commit_ipv6(struct xlate_ctx *ctx)
{
	const struct mvs_key_hdr *f = &ctx->flow.hdr, *b = &ctx->base.hdr;
	struct mvs_act_set_ipv6 a;
	bool any = false;

	memset(&a, 0, sizeof a);
	if (memcmp(f->ipv6_src, b->ipv6_src, 16)) {
		memcpy(a.src, f->ipv6_src, 16);
		memset(a.src_mask, 0xff, 16);
		any = true;
	}
	if (memcmp(f->ipv6_dst, b->ipv6_dst, 16)) {
		memcpy(a.dst, f->ipv6_dst, 16);
		memset(a.dst_mask, 0xff, 16);
		any = true;
	}
	if (f->ipv6_label != b->ipv6_label) {
		a.label = f->ipv6_label;
		a.label_mask = htonl(0xfffff);
		any = true;
	}
	if (f->nw_ttl != b->nw_ttl) {
		a.hlimit = f->nw_ttl;
		a.hlimit_mask = 0xff;
		any = true;
	}
	any |= tos_change(ctx, &a.tclass, &a.tclass_mask);
	if (any)
		nl_put(ctx->odp, MVS_ACTION_ATTR_SET_IPV6, &a, sizeof a);
}

/* The network and transport header fields the actions changed, as masked
 * sets.  Not without an L3 protocol, as Open vSwitch's
 * commit_set_nw_action; ports only of TCP, UDP and SCTP, and not of a
 * later fragment (it has none). */
static void
commit_nw(struct xlate_ctx *ctx)
{
	const struct mvs_key_hdr *f = &ctx->flow.hdr, *b = &ctx->base.hdr;
	uint8_t p = f->nw_proto;

	if (!p)
		return;
	if (flow_is_ip(&ctx->flow))
		commit_ipv4(ctx);
	else if (flow_is_ipv6(&ctx->flow))
		commit_ipv6(ctx);
	else
		return;
	if ((p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_SCTP) &&
	    !(f->nw_frag & MVS_FRAG_LATER) &&
	    (f->tp_src != b->tp_src || f->tp_dst != b->tp_dst)) {
		struct mvs_act_set_l4 a;

		memset(&a, 0, sizeof a);
		a.proto = p;
		if (f->tp_src != b->tp_src) {
			a.src = f->tp_src;
			a.src_mask = 0xffff;
		}
		if (f->tp_dst != b->tp_dst) {
			a.dst = f->tp_dst;
			a.dst_mask = 0xffff;
		}
		nl_put(ctx->odp, MVS_ACTION_ATTR_SET_L4, &a, sizeof a);
	}
	ctx->base.hdr.ipv4_src = f->ipv4_src;
	ctx->base.hdr.ipv4_dst = f->ipv4_dst;
	memcpy(ctx->base.hdr.ipv6_src, f->ipv6_src, 16);
	memcpy(ctx->base.hdr.ipv6_dst, f->ipv6_dst, 16);
	ctx->base.hdr.ipv6_label = f->ipv6_label;
	ctx->base.hdr.nw_ttl = f->nw_ttl;
	ctx->base.hdr.nw_tos = f->nw_tos;
	ctx->base.hdr.tp_src = f->tp_src;
	ctx->base.hdr.tp_dst = f->tp_dst;
}

/* In Open vSwitch's order (commit_odp_actions): Ethernet, network and
 * transport, then VLAN tags. */
void
xlate_commit(struct xlate_ctx *ctx)
{
	commit_eth(ctx);
	commit_nw(ctx);
	commit_vlans(ctx);
}

/* ---- output ---- */

/* The patch port @port leads to, if both ends name each other. */
static struct port *
patch_peer(const struct port *port)
{
	struct hnode *n;

	if (!port->peer)
		return NULL;
	HMAP_FOR_EACH (n, &port->bridge->vsw->bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		struct port *p = bridge_port_by_name(br, port->peer);
		if (p)
			return p->peer && !strcmp(p->peer, port->name) ? p
								       : NULL;
	}
	return NULL;
}

static void xlate_table(struct xlate_ctx *ctx, uint32_t in_port,
			uint8_t table_id, bool is_last_action,
			bool may_packet_in);
static void learn_source(struct xlate_ctx *ctx);

/* Open vSwitch's patch_port_output: the packet enters the peer bridge
 * through the peer port, with fresh metadata and registers, and comes
 * back unchanged for whatever this bridge does next. */
static void
patch_output(struct xlate_ctx *ctx, struct port *out)
{
	struct flow old_flow = ctx->flow;
	struct mvs_key_tunnel old_tnl_wc = ctx->wc->tunnel;
	uint64_t old_md_present_wc = ctx->wc->tun_md_present;
	uint8_t old_md_wc[FLOW_TUN_MD_SLOTS][8];
	struct bridge *old_br = ctx->br;
	const struct rule *old_rule = ctx->rule;
	uint64_t old_top_cookie = ctx->top_cookie;
	struct list_node *old_trace = ctx->trace;
	uint8_t old_table = ctx->table_id;
	struct trace_node *t;

	ctx->flow.in_port = out->ofp_port;
	ctx->flow.metadata = 0;
	memset(&ctx->flow.tunnel, 0, sizeof ctx->flow.tunnel);
	memset(&ctx->wc->tunnel, 0, sizeof ctx->wc->tunnel);
	/* The tunnel's options go with it. */
	memcpy(old_md_wc, ctx->wc->tun_md, sizeof old_md_wc);
	ctx->flow.tun_md_present = ctx->wc->tun_md_present = 0;
	memset(ctx->flow.tun_md, 0, sizeof ctx->flow.tun_md);
	memset(ctx->wc->tun_md, 0, sizeof ctx->wc->tun_md);
	memset(ctx->flow.regs, 0, sizeof ctx->flow.regs);
	ctx->flow.actset_output = OFPP_UNSET;
	t = xlate_report(ctx, TRACE_BRIDGE, "bridge(\"%s\")",
			 out->bridge->name);
	if (t)
		ctx->trace = &t->subs;
	ctx->br = out->bridge;
	xlate_deps_add_bridge(ctx->deps, ctx->br);
	learn_source(ctx);
	/* The peer's pipeline starts afresh: its table 0 rule is the top
	 * one (a pause's packet-in has its cookie, as in Open vSwitch). */
	ctx->rule = NULL;
	ctx->top_cookie = UINT64_MAX;
	xlate_table(ctx, out->ofp_port, 0, true, true);
	/* A pause there resumes there (the packet-in's bridge); this
	 * bridge goes on at once, as Open vSwitch's patch_port_output. */
	xlate_finish_freezing(ctx, ctx->top_cookie);
	ctx->rule = old_rule;
	ctx->top_cookie = old_top_cookie;

	ctx->trace = old_trace;
	ctx->flow = old_flow;
	ctx->br = old_br;
	ctx->table_id = old_table;
	ctx->wc->tunnel = old_tnl_wc;
	ctx->wc->tun_md_present = old_md_present_wc;
	memcpy(ctx->wc->tun_md, old_md_wc, sizeof old_md_wc);
	/* Errors in the peer bridge do not propagate back. */
	ctx->error = XLATE_OK;
}

void
xlate_output_port(struct xlate_ctx *ctx, uint32_t ofp_port)
{
	struct port *port = bridge_port_by_ofp(ctx->br, ofp_port);

	if (!port) {
		xlate_report(ctx, TRACE_WARN, "Nonexistent output port");
		return;
	}
	if (port->config & OFPPC_NO_FWD) {
		xlate_report(ctx, TRACE_DETAIL,
			     "OFPPC_NO_FWD set, skipping output");
		return;
	}
	if (port->peer) {
		struct port *peer = patch_peer(port);
		if (peer)
			patch_output(ctx, peer);
		return;
	}
	if (port->tnl) {
		xlate_tnl_output(ctx, port);
		return;
	}
	if (port->dp_port == MVS_PORT_NONE)
		return;
	if (port->internal && ctx->br->vsw->n_tnl_ports &&
	    xlate_tnl_pop(ctx, port))
		return;
	xlate_commit(ctx);
	nl_put_u32(ctx->odp, MVS_ACTION_ATTR_OUTPUT, port->dp_port);
}

static void
flood(struct xlate_ctx *ctx, bool all)
{
	struct port *p;

	LIST_FOR_EACH (p, in_bridge, &ctx->br->port_list) {
		if (p->ofp_port == ctx->flow.in_port)
			continue;
		if (all || !(p->config & OFPPC_NO_FLOOD))
			xlate_output_port(ctx, p->ofp_port);
	}
}

static void
xlate_output_action(struct xlate_ctx *ctx, uint32_t port, bool is_last)
{
	switch (port) {
	case OFPP_IN_PORT:
		xlate_output_port(ctx, ctx->flow.in_port);
		break;
	case OFPP_TABLE:
		xlate_table(ctx, ctx->flow.in_port, 0, is_last, true);
		break;
	case OFPP_NORMAL:
		xlate_normal(ctx);
		break;
	case OFPP_FLOOD:
		flood(ctx, false);
		break;
	case OFPP_ALL:
		flood(ctx, true);
		break;
	case OFPP_CONTROLLER:
		/* Controllers come with the OpenFlow issue. */
		xlate_report(ctx, TRACE_WARN,
			     "no controller connection, dropping");
		break;
	case OFPP_NONE:
		break;
	default:
		if (port != ctx->flow.in_port)
			xlate_output_port(ctx, port);
		else
			xlate_report(ctx, TRACE_WARN,
				     "skipping output to input port");
		break;
	}
}

/* ---- tables ---- */

static void
report_table(struct xlate_ctx *ctx, const struct rule *rule, uint8_t table_id,
	     bool packet_in)
{
	struct trace_node *t;
	struct ds s = DS_EMPTY;

	if (!ctx->trace)
		return;
	ds_printf(&s, "%2d. ", table_id);
	if (!rule) {
		ds_put(&s, packet_in ? "No match, and a \"packet-in\" is "
				       "called for."
				     : "No match.");
	} else {
		struct match m;

		cls_rule_match(&rule->cr, &m);
		match_format(&s, &m, NULL, OFP_DEFAULT_PRIORITY);
		if (ds_last(&s) != ' ')
			ds_put(&s, ", ");
		ds_printf(&s, "priority %d", rule->cr.priority);
		if (rule->cookie)
			ds_printf(&s, ", cookie %#llx",
				  (unsigned long long)rule->cookie);
	}
	t = trace_add(ctx->trace, TRACE_TABLE, ds_steal(&s));
	ctx->trace = &t->subs;
}

/* The rule of @table_id for the current flow, as Open vSwitch looks it
 * up: a fragment's transport ports count as zero, unless the bridge's
 * fragment handling is nx-match (then a first fragment has its own). */
static struct rule *
lookup(struct xlate_ctx *ctx, uint8_t table_id)
{
	const struct flow *f = &ctx->flow;
	struct flow frag;

	if ((f->hdr.nw_frag & MVS_FRAG_ANY) &&
	    ctx->br->frag_mode != OFP_FRAG_NX_MATCH) {
		frag = *f;
		frag.hdr.tp_src = frag.hdr.tp_dst = 0;
		f = &frag;
	}
	return tables_lookup(&ctx->br->tables, table_id, f, ctx->wc);
}

/* Runs @rule with the trace and counters.  NULL is a table miss, which
 * drops, or, where a packet-in @may_packet_in (the first lookup, not a
 * resubmit, as in Open vSwitch) and the bridge wants it, goes to the
 * controllers. */
static void
run_rule(struct xlate_ctx *ctx, struct rule *rule, uint8_t table_id,
	 bool is_last, bool may_packet_in)
{
	struct list_node *old_trace = ctx->trace;
	const struct rule *old_rule = ctx->rule;
	bool miss_pin = !rule && may_packet_in && ctx->br->pin_on_miss;

	if (!rule && may_packet_in)
		ctx->br->miss_translated = true;

	report_table(ctx, rule, table_id, miss_pin);
	if (rule) {
		/* The first rule of a bridge's pipeline (table 0's, not a
		 * packet-out's resubmit): Open vSwitch keeps its cookie to the
		 * end, where a pause's packet-in takes it. */
		if (!old_rule && !ctx->in_packet_out &&
		    ctx->top_cookie == UINT64_MAX)
			ctx->top_cookie = rule->cookie;
		ctx->rule = rule;
		deps_add_rule(ctx->deps, rule);
		if (ctx->may_learn && ctx->packet_len)
			rule_credit_stats(rule, 1, ctx->packet_len,
					  ctx->now_ms);
		do_xlate_actions(ctx, &rule->actions, is_last);
	} else if (miss_pin) {
		/* Open vSwitch's miss rule: to the OpenFlow 1.0-1.2
		 * connections (xlate_pin.reason), with its words. */
		xlate_report(ctx, TRACE_ACTION, "controller(reason=)");
		ctx->rule = NULL;
		xlate_controller(ctx, UINT16_MAX, XLATE_PIN_IMPLICIT_MISS, NULL,
				 0, false);
	} else {
		xlate_report(ctx, TRACE_ACTION, "drop");
	}
	/* As Open vSwitch's xlate_table_action: back in the rule that
	 * resubmitted (its cookie for later packet-ins). */
	ctx->rule = old_rule;
	ctx->trace = old_trace;
}

static bool
resources_ok(struct xlate_ctx *ctx)
{
	if (ctx->depth >= MAX_DEPTH) {
		xlate_report(ctx, TRACE_ERROR, "over max translation depth %d",
			     MAX_DEPTH);
		ctx->error = XLATE_RECURSION_TOO_DEEP;
		return false;
	}
	if (ctx->resubmits >= MAX_RESUBMITS) {
		xlate_report(ctx, TRACE_ERROR, "over %d resubmit actions",
			     MAX_RESUBMITS);
		ctx->error = XLATE_TOO_MANY_RESUBMITS;
		return false;
	}
	return true;
}

/* Open vSwitch's xlate_table_action: looks @table_id up with @in_port
 * as the input port and runs what it finds; a miss may send a packet-in
 * where @may_packet_in (run_rule()). */
static void
xlate_table(struct xlate_ctx *ctx, uint32_t in_port, uint8_t table_id,
	    bool is_last, bool may_packet_in)
{
	uint8_t old_table = ctx->table_id;
	uint32_t old_in_port = ctx->flow.in_port;
	bool deepens = table_id <= old_table;
	struct rule *rule;

	if (!resources_ok(ctx))
		return;
	ctx->table_id = table_id;
	ctx->flow.in_port = in_port;
	rule = lookup(ctx, table_id);
	ctx->flow.in_port = old_in_port;
	ctx->resubmits++;
	ctx->depth += deepens;
	run_rule(ctx, rule, table_id, is_last, may_packet_in);
	ctx->depth -= deepens;
	ctx->table_id = old_table;
}

void
xlate_table_in(struct xlate_ctx *ctx, uint32_t in_port, uint8_t table_id)
{
	xlate_table(ctx, in_port, table_id, true, false);
}

static void
xlate_resubmit(struct xlate_ctx *ctx, const struct ofpact_resubmit *r,
	       bool is_last)
{
	uint32_t in_port =
		r->in_port == OFPP_IN_PORT ? ctx->flow.in_port : r->in_port;
	uint8_t table = r->table_id == 255 ? ctx->table_id : r->table_id;

	xlate_table(ctx, in_port, table, is_last, false);
}

/* ---- actions ---- */

/* mod_vlan_vid and mod_vlan_pcp: set the @field bits of the outer tag to
 * @bits, pushing a tag first if there is none and @push. */
static void
set_vlan_bits(struct xlate_ctx *ctx, uint16_t field, uint16_t bits, bool push)
{
	struct mvs_key_hdr *h = &ctx->flow.hdr;
	bool tagged = h->vlan_tci & htons(MVS_VLAN_PRESENT);

	ctx->wc->hdr.vlan_tci |= htons(field | MVS_VLAN_PRESENT);
	if (tagged || push) {
		if (!tagged)
			h->vlan_tpid = htons(ETH_TYPE_VLAN);
		h->vlan_tci &= ~htons(field);
		h->vlan_tci |= htons(bits | MVS_VLAN_PRESENT);
	}
}

static void
pop_vlan(struct xlate_ctx *ctx)
{
	struct vlan_hdr v[2], wc[2];
	int n;

	get_vlans(&ctx->flow, v);
	n = count_vlans(v);
	if (n > 1) {
		get_vlans(ctx->wc, wc);
		wc[1].tpid = wc[1].tci = 0xffff;
		set_vlans(ctx->wc, wc);
		v[0] = v[1];
	}
	if (n > 0)
		v[n - 1].tpid = v[n - 1].tci = 0;
	set_vlans(&ctx->flow, v);
}

static void
push_vlan(struct xlate_ctx *ctx, uint16_t ethertype)
{
	struct vlan_hdr v[2], wc[2];
	int n;

	get_vlans(&ctx->flow, v);
	n = count_vlans(v);
	if (n) {
		get_vlans(ctx->wc, wc);
		for (int i = 0; i < n; i++)
			wc[i].tpid = wc[i].tci = 0xffff;
		set_vlans(ctx->wc, wc);
	}
	v[1] = v[0];
	v[0].tpid = htons(ethertype);
	v[0].tci = htons(MVS_VLAN_PRESENT);
	set_vlans(&ctx->flow, v);
}

static void
do_xlate_actions(struct xlate_ctx *ctx, const struct ofpacts *acts,
		 bool is_last_action)
{
	const struct ofpact *a, *end = ofpact_end(acts->data, acts->size);

	if (!acts->size) {
		xlate_report(ctx, TRACE_ACTION, "drop");
		return;
	}
	OFPACT_FOR_EACH(a, acts->data, acts->size)
	{
		bool last = is_last_action && ofpact_next(a) == end;

		if (ctx->error || ctx->exit)
			break;
		if (ctx->trace) {
			struct ds s = DS_EMPTY;
			ofpact_format(&s, a, NULL);
			trace_add(ctx->trace, TRACE_ACTION, ds_steal(&s));
		}
		switch (a->type) {
		case OFPACT_OUTPUT: {
			const struct ofpact_output *o =
				OFPACT_CAST(struct ofpact_output, a);
			/* A packet-out's own output to the controller has a
			 * reason of its own; controller(...) keeps its
			 * reason, as in Open vSwitch. */
			bool po = ctx->in_packet_out && !ctx->rule;

			if (o->port == OFPP_CONTROLLER)
				xlate_controller(ctx, o->max_len,
						 po ? XLATE_PIN_PACKET_OUT
						    : XLATE_PIN_ACTION,
						 NULL, 0, false);
			else
				xlate_output_action(ctx, o->port, last);
			break;
		}
		case OFPACT_CONTROLLER: {
			const struct ofpact_controller *c =
				OFPACT_CAST(struct ofpact_controller, a);
			unsigned n = ctx->out ? ctx->out->pins.n : 0;

			xlate_controller(ctx, c->max_len, c->reason,
					 c->userdata, c->userdata_len,
					 c->pause && ctx->pause_pin < 0);
			if (c->pause && ctx->pause_pin < 0 && ctx->out &&
			    ctx->out->pins.n > n)
				xlate_freeze(ctx, n);
			break;
		}
		case OFPACT_SET_FIELD:
			xlate_set_field(
				ctx, OFPACT_CAST(struct ofpact_set_field, a));
			break;
		case OFPACT_REG_MOVE:
			xlate_reg_move(ctx,
				       OFPACT_CAST(struct ofpact_reg_move, a));
			break;
		case OFPACT_OUTPUT_REG:
			xlate_output_action(
				ctx,
				xlate_read_port(
					ctx,
					&OFPACT_CAST(struct ofpact_output_reg,
						     a)
						 ->src),
				last);
			break;
		case OFPACT_LEARN:
			xlate_learn(ctx, OFPACT_CAST(struct ofpact_learn, a));
			break;
		case OFPACT_RESUBMIT:
			xlate_resubmit(ctx,
				       OFPACT_CAST(struct ofpact_resubmit, a),
				       last);
			break;
		case OFPACT_SET_VLAN_VID: {
			const struct ofpact_vlan_vid *v =
				OFPACT_CAST(struct ofpact_vlan_vid, a);
			set_vlan_bits(ctx, MVS_VLAN_VID_MASK, v->vid,
				      v->push_vlan_if_needed);
			break;
		}
		case OFPACT_SET_VLAN_PCP: {
			const struct ofpact_vlan_pcp *v =
				OFPACT_CAST(struct ofpact_vlan_pcp, a);
			set_vlan_bits(ctx, MVS_VLAN_PCP_MASK,
				      (uint16_t)(v->pcp << MVS_VLAN_PCP_SHIFT),
				      v->push_vlan_if_needed);
			break;
		}
		case OFPACT_STRIP_VLAN:
			pop_vlan(ctx);
			break;
		case OFPACT_PUSH_VLAN:
			push_vlan(ctx, OFPACT_CAST(struct ofpact_push_vlan, a)
					       ->ethertype);
			break;
		case OFPACT_SET_TUNNEL:
			/* Read by an output to a key=flow tunnel port, which
			 * then matches the key (vswitchd_tunnel.c). */
			ctx->flow.tunnel.tun_id = htobe64(
				OFPACT_CAST(struct ofpact_tunnel, a)->tun_id);
			break;
		case OFPACT_SET_ETH_SRC:
			memset(ctx->wc->hdr.eth_src, 0xff, 6);
			memcpy(ctx->flow.hdr.eth_src,
			       OFPACT_CAST(struct ofpact_mac, a)->mac, 6);
			break;
		case OFPACT_SET_ETH_DST:
			memset(ctx->wc->hdr.eth_dst, 0xff, 6);
			memcpy(ctx->flow.hdr.eth_dst,
			       OFPACT_CAST(struct ofpact_mac, a)->mac, 6);
			break;
		case OFPACT_METER: {
			const struct ofmeter *m = meters_find(
				ctx->br,
				OFPACT_CAST(struct ofpact_u32, a)->value);
			/* The datapath's meter drops what exceeds the bands;
			 * the flow still counts every packet, as in Open
			 * vSwitch. */
			if (m)
				nl_put_u32(ctx->odp, MVS_ACTION_ATTR_METER,
					   m->dp_id);
			break;
		}
		case OFPACT_GOTO_TABLE: {
			/* The last instruction: the pipeline goes on there,
			 * with the same limits as a resubmit. */
			struct ofpact_resubmit r = {
				.in_port = OFPP_IN_PORT,
				.table_id = (uint8_t)OFPACT_CAST(
						    struct ofpact_u32, a)
						    ->value,
			};
			xlate_resubmit(ctx, &r, last);
			break;
		}
		case OFPACT_WRITE_ACTIONS: {
			size_t len;
			const void *nest = ofpact_nested(a, &len);

			const struct ofpact *w;

			OFPACT_FOR_EACH(w, nest, len)
			memcpy(ofpacts_put(&ctx->action_set, w->type, w->len),
			       w, w->len);
			break;
		}
		case OFPACT_CLEAR_ACTIONS:
			ofpacts_clear(&ctx->action_set);
			break;
		default:
			xlate_classic_action(ctx, a);
			break;
		case OFPACT_GROUP:
			/* Bounded as resubmits are: groups may chain into
			 * loops, which Open vSwitch accepts. */
			if (resources_ok(ctx)) {
				ctx->resubmits++;
				xlate_group(ctx,
					    OFPACT_CAST(struct ofpact_u32, a)
						    ->value,
					    last);
			}
			break;
		}
		if (ctx->freezing) {
			/* Paused here or in what this action ran: the rest
			 * waits for NXT_RESUME. */
			xlate_freeze_rest(ctx, ofpact_next(a), end);
			break;
		}
	}
}

void
xlate_actions(struct xlate_ctx *ctx, const struct ofpacts *acts,
	      bool is_last_action)
{
	do_xlate_actions(ctx, acts, is_last_action);
}

/* ---- the megaflow mask ---- */

static bool
eth_type_is_vlan(uint16_t be_tpid)
{
	return be_tpid == htons(ETH_TYPE_VLAN) ||
	       be_tpid == htons(ETH_TYPE_VLAN_8021AD);
}

/* Open vSwitch's xlate_wc_init: what every translation looks at. */
static void
wc_init(struct flow *wc, const struct flow *flow)
{
	const struct mvs_key_tunnel *t = &flow->tunnel;

	memset(wc, 0, sizeof *wc);
	wc->in_port = ~0u;
	wc->recirc_id = ~0u;
	wc->hdr.eth_type = 0xffff;
	if (flow_is_ip_any(flow))
		wc->hdr.nw_frag = MVS_FRAG_ANY | MVS_FRAG_LATER;
	if (t->ipv4_dst || t->ttl || (t->flags & MVS_TNL_F_IPV6)) {
		wc->tunnel.tun_id = ~0ull;
		if (t->ipv4_dst) {
			wc->tunnel.ipv4_src = wc->tunnel.ipv4_dst = ~0u;
		} else {
			memset(wc->tunnel.ipv6_src, 0xff, 16);
			memset(wc->tunnel.ipv6_dst, 0xff, 16);
		}
		wc->tunnel.flags = MVS_TNL_F_DONT_FRAGMENT | MVS_TNL_F_CSUM |
				   MVS_TNL_F_KEY;
		wc->tunnel.tos = 0xff;
		if (flow_is_ip_any(flow) &&
		    (t->tos & IP_ECN_MASK) == IP_ECN_MASK)
			wc->hdr.nw_tos |= IP_ECN_MASK;
	}
}

/* Open vSwitch's xlate_wc_finish. */
static void
wc_finish(struct flow *wc, const struct flow *orig)
{
	uint8_t proto = orig->hdr.nw_proto;

	/* Metadata and registers never reach the datapath. */
	wc->metadata = 0;
	memset(wc->regs, 0, sizeof wc->regs);
	wc->conj_id = wc->actset_output = 0;
	/* ICMP type and code are 8 bits in the datapath. */
	if ((flow_is_ip(orig) && proto == IPPROTO_ICMP_) ||
	    (flow_is_ipv6(orig) && proto == IPPROTO_ICMPV6_)) {
		wc->hdr.tp_src &= htons(0xff);
		wc->hdr.tp_dst &= htons(0xff);
	}
	if (wc->hdr.vlan_tci)
		wc->hdr.vlan_tci |= htons(MVS_VLAN_PRESENT);
	if (wc->hdr.vlan2_tci)
		wc->hdr.vlan2_tci |= htons(MVS_VLAN_PRESENT);
	/* Later fragments have no ports. */
	if (orig->hdr.nw_frag & MVS_FRAG_LATER)
		wc->hdr.tp_src = wc->hdr.tp_dst = 0;
	/* Tags the packet did not have cannot be matched. */
	if (!eth_type_is_vlan(orig->hdr.vlan_tpid))
		wc->hdr.vlan_tpid = wc->hdr.vlan_tci = 0;
	if (!eth_type_is_vlan(orig->hdr.vlan2_tpid))
		wc->hdr.vlan2_tpid = wc->hdr.vlan2_tci = 0;
	/* A packet that came in without a tunnel has no tunnel key: what
	 * set_field and set_tunnel wrote there is not matched. */
	if (!orig->tunnel.ipv4_dst && !orig->tunnel.ttl &&
	    !(orig->tunnel.flags & MVS_TNL_F_IPV6))
		memset(&wc->tunnel, 0, sizeof wc->tunnel);
}

/* The datapath mask for @wc.  The datapath key's eth_type is the type
 * after the tags (microvs_dp.h), so unlike Open vSwitch's datapath, where
 * the outer ethertype tells a tagged packet from an untagged one, the
 * mask must say it: the present bit and TPID of each tag position the
 * packet has, and the present bit of the first one it lacks. */
static void
dp_mask_from_wc(const struct bridge *br, const struct flow *wc,
		const struct flow *orig, struct mvs_key *mask)
{
	memset(mask, 0, sizeof *mask);
	mask->meta.in_port = wc->in_port ? ~0u : 0;
	mask->meta.recirc_id = wc->recirc_id;
	mask->meta.dp_hash = wc->dp_hash;
	mask->meta.skb_mark = wc->pkt_mark;
	mask->meta.skb_priority = wc->skb_priority;
	mask->hdr = wc->hdr;
	mask->tun = wc->tunnel;
	if (orig->tunnel.ipv4_dst || orig->tunnel.ttl ||
	    (orig->tunnel.flags & MVS_TNL_F_IPV6))
		tun_md_dp_mask(&br->tlv, wc, &orig->tunnel, &mask->tun);
	mask->hdr.vlan_tci |= htons(MVS_VLAN_PRESENT);
	if (orig->hdr.vlan_tci & htons(MVS_VLAN_PRESENT)) {
		mask->hdr.vlan_tpid = 0xffff;
		mask->hdr.vlan2_tci |= htons(MVS_VLAN_PRESENT);
		if (orig->hdr.vlan2_tci & htons(MVS_VLAN_PRESENT))
			mask->hdr.vlan2_tpid = 0xffff;
	}
}

/* ---- entry points ---- */

/* A port vtepd named learns the source MAC of what enters by it (in the
 * bridge's MAC table, VLAN 0), whatever the flows do. */
static void
learn_source(struct xlate_ctx *ctx)
{
	struct port *p;

	if (!ctx->br->n_learn_ports)
		return;
	p = bridge_port_by_ofp(ctx->br, ctx->flow.in_port);
	for (size_t i = 0; p && i < ctx->br->n_learn_ports; i++) {
		if (strcmp(ctx->br->learn_ports[i], p->name))
			continue;
		memset(ctx->wc->hdr.eth_src, 0xff, 6);
		if (ctx->may_learn)
			mac_table_learn(&ctx->br->macs, ctx->flow.hdr.eth_src,
					0, p, ctx->now_ms);
		xlate_deps_add_learned(ctx->deps, ctx->br, p->ofp_port, 0,
				       ctx->flow.hdr.eth_src);
		return;
	}
}

void
xlate_out_init(struct xlate_out *out)
{
	memset(out, 0, sizeof *out);
	out->actions = NLBUF_EMPTY;
	ofpacts_init(&out->frozen.acts);
	ofpacts_init(&out->frozen.set);
}

void
xlate_out_uninit(struct xlate_out *out)
{
	nl_buf_free(&out->actions);
	xlate_deps_uninit(&out->deps);
	ofpacts_free(&out->frozen.acts);
	ofpacts_free(&out->frozen.set);
}

/* Starts a translation of @flow in @br into @out (@ctx filled in). */
static void
ctx_start(struct xlate_ctx *ctx, struct bridge *br, const struct flow *flow,
	  struct xlate_out *out)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->out = out;
	ctx->br = br;
	ctx->orig = &out->flow;
	ctx->wc = &out->wc;
	ctx->odp = &out->actions;
	ctx->deps = &out->deps;
	ctx->now_ms = time_mono_ms();
	out->flow = *flow;
	out->deps.vsw = br->vsw;
	ctx->flow = ctx->base = *flow;
	ctx->pause_pin = -1;
	ctx->top_cookie = UINT64_MAX;
	wc_init(ctx->wc, flow);
	xlate_deps_add_bridge(ctx->deps, br);
}

/* Ends it: a translation that failed drops the packet. */
static void
ctx_finish(struct xlate_ctx *ctx, struct xlate_out *out)
{
	xlate_finish_freezing(ctx, ctx->top_cookie);
	ofpacts_free(&ctx->action_set);
	out->final_flow = ctx->flow;
	out->error = ctx->error;
	if (ctx->error)
		out->actions.len = 0;
}

/* The pipeline ended: the action set write_actions built runs, as
 * Open vSwitch runs it (xlate_action_set_list()), unless the actions
 * stopped. */
static void
run_action_set(struct xlate_ctx *ctx)
{
	struct ofpacts list;

	if (!ctx->action_set.size || ctx->exit || ctx->error || ctx->freezing)
		return;
	xlate_report(ctx, TRACE_DETAIL, "the action set");
	xlate_action_set_list(&ctx->action_set, &list);
	xlate_actions(ctx, &list, true);
	ofpacts_free(&list);
}

int
xlate_flow(struct bridge *br, const struct flow *flow, bool may_learn,
	   uint64_t packet_len, struct list_node *trace, struct xlate_out *out)
{
	struct xlate_ctx ctx;
	struct trace_node *t;

	ctx_start(&ctx, br, flow, out);
	ctx.trace = trace;
	ctx.may_learn = may_learn;
	ctx.packet_len = packet_len;
	t = xlate_report(&ctx, TRACE_BRIDGE, "bridge(\"%s\")", br->name);
	if (t)
		ctx.trace = &t->subs;
	learn_source(&ctx);
	if (br->frag_mode == OFP_FRAG_DROP &&
	    (flow->hdr.nw_frag & MVS_FRAG_ANY)) {
		/* nw_frag is in every IP megaflow's mask (wc_init). */
		xlate_report(&ctx, TRACE_DETAIL,
			     "fragment handling drop: an IP fragment");
	} else if (!xlate_tnl_ecn(&ctx)) {
		/* Dropped: no actions. */
	} else if (br->fail_open) {
		xlate_report(&ctx, TRACE_DETAIL,
			     "fail-open: the controller is lost");
		xlate_normal(&ctx);
	} else {
		run_rule(&ctx, lookup(&ctx, 0), 0, true, true);
		run_action_set(&ctx);
	}
	wc_finish(ctx.wc, flow);
	ctx_finish(&ctx, out);
	dp_mask_from_wc(br, ctx.wc, flow, &out->mask);
	return 0;
}

int
xlate_packet_out(struct bridge *br, const struct flow *flow,
		 const struct ofpacts *acts, struct xlate_out *out)
{
	struct xlate_ctx ctx;

	ctx_start(&ctx, br, flow, out);
	ctx.in_packet_out = true;
	do_xlate_actions(&ctx, acts, true);
	ctx_finish(&ctx, out);
	return 0;
}

int
xlate_resume(struct bridge *br, const struct flow *flow,
	     const struct ofpacts *acts, const struct ofpacts *set,
	     uint8_t table_id, struct xlate_out *out)
{
	struct xlate_ctx ctx;

	ctx_start(&ctx, br, flow, out);
	ctx.table_id = table_id;
	ofpacts_clone(&ctx.action_set, set);
	do_xlate_actions(&ctx, acts, true);
	run_action_set(&ctx);
	ctx_finish(&ctx, out);
	return 0;
}

int
xlate_miss(struct bridge *br, const struct mvs_key *key,
	   const struct dp_packet *packet, struct xlate_out *out)
{
	return xlate_key(br, key, packet != NULL, packet ? packet->len : 0,
			 out);
}

int
xlate_key(struct bridge *br, const struct mvs_key *key, bool may_learn,
	  uint64_t packet_len, struct xlate_out *out)
{
	struct port *port =
		vsw_port_by_dp(br->vsw, br->dp_id, key->meta.in_port);
	struct flow flow;

	memset(&flow, 0, sizeof flow);
	flow.tunnel = key->tun;
	tun_md_from_options(&br->tlv, &flow);
	flow.hdr = key->hdr;
	flow.recirc_id = key->meta.recirc_id;
	flow.dp_hash = key->meta.dp_hash;
	flow.pkt_mark = key->meta.skb_mark;
	flow.skb_priority = key->meta.skb_priority;
	if (!port || port->bridge != br) {
		static struct log_rl rl = LOG_RL_INIT(5, 12);
		log_warn_rl(&rl,
			    "bridge %s: miss from unknown datapath port %u",
			    br->name, key->meta.in_port);
		/* Drop, matching the whole key: nothing else is known. */
		out->deps.vsw = br->vsw;
		out->flow = flow;
		out->error = XLATE_UNKNOWN_PORT;
		memset(&out->mask, 0xff, sizeof out->mask);
		return -ENOENT;
	}
	if (port->tnl) {
		struct port *tp = tnl_port_receive(br->vsw, port, &key->tun);

		if (!tp || tp->bridge != br) {
			/* No tunnel port takes it: dropped, as Open vSwitch
			 * does, on the tunnel fields it looked at. */
			out->deps.vsw = br->vsw;
			out->flow = flow;
			memset(&out->mask, 0, sizeof out->mask);
			out->mask.meta.in_port = ~0u;
			memset(&out->mask.tun, 0xff, sizeof out->mask.tun);
			return 0;
		}
		port = tp;
	}
	flow.in_port = port->ofp_port;
	return xlate_flow(br, &flow, may_learn, packet_len, NULL, out);
}
