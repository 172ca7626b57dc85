/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_tunnel: tunnel ports in translation, Open vSwitch's native
 * tunnelling for the userspace datapath.
 *
 *  - Output to a tunnel port: the tunnel's options (or, for "flow", the
 *    flow's tunnel fields) and tunneld's route to the remote (egress
 *    device, source address, next hop MAC) give the outer header;
 *    translation continues with the outer packet in the bridge that owns
 *    the egress device, entering by that device's port (br-phy's own
 *    port, as with Open vSwitch), and the datapath actions are
 *    clone(tnl_push(...), <what that bridge does>).  Without a route the
 *    packet is dropped ("native tunnel routing failed").
 *  - Output to an internal port (the host stack behind it) of an IPv4
 *    packet to a local tunnel endpoint (a route's source address or a
 *    local_ip) with a tunnel port's protocol and UDP port becomes
 *    tnl_pop(<tunnel port>); the datapath decapsulates and looks the inner
 *    frame up as received on the tunnel port.
 *  - A packet received on a tunnel port belongs to the tunnel port whose
 *    remote_ip, local_ip, key and UDP port accept its tunnel metadata.
 */
#include "vswitchd.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tnl.h"

LOG_MODULE(tunnel);

enum mvs_tnl_type
tnl_type_from_name(const char *type)
{
	if (!strcmp(type, "vxlan"))
		return MVS_TNL_VXLAN;
	if (!strcmp(type, "gre"))
		return MVS_TNL_GRE;
	if (!strcmp(type, "geneve"))
		return MVS_TNL_GENEVE;
	return (enum mvs_tnl_type)0;
}

/* ---- options ---- */

/* An IPv4 address into *@ip, or an IPv6 one into @ip6 (*@v6 set). */
static int
parse_ip(const char *s, uint32_t *ip, uint8_t ip6[16], bool *v6, bool *flow)
{
	struct in_addr a;

	*flow = false;
	*ip = 0;
	*v6 = false;
	memset(ip6, 0, 16);
	if (!s)
		return 0;
	if (!strcmp(s, "flow")) {
		*flow = true;
		return 0;
	}
	if (inet_pton(AF_INET, s, &a) == 1) {
		*ip = a.s_addr;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip6) != 1 || ofp_is_zero(ip6, 16))
		return -EINVAL;
	*v6 = true;
	return 0;
}

static int
parse_key(const char *s, uint64_t *key, bool *flow, bool *set)
{
	char *end;

	if (!s)
		return 0;
	*set = true;
	if (!strcmp(s, "flow")) {
		*flow = true;
		return 0;
	}
	errno = 0;
	*key = strtoull(s, &end, 0);
	return errno || end == s || *end ? -EINVAL : 0;
}

static int
parse_u8(const char *s, uint8_t *v, bool *inherit)
{
	char *end;
	unsigned long n;

	if (!s)
		return 0;
	if (!strcmp(s, "inherit")) {
		*inherit = true;
		return 0;
	}
	n = strtoul(s, &end, 0);
	if (end == s || *end || n > 255)
		return -EINVAL;
	*v = (uint8_t)n;
	return 0;
}

int
tnl_config_parse(enum mvs_tnl_type type,
		 const char *(*get)(const void *aux, const char *key),
		 const void *aux, struct tnl_config *c, char **error)
{
	const char *key = get(aux, "key"), *s;
	bool inh = false;

	memset(c, 0, sizeof *c);
	c->type = type;
	c->dst_port = type == MVS_TNL_VXLAN    ? TNL_VXLAN_PORT
		      : type == MVS_TNL_GENEVE ? TNL_GENEVE_PORT
					       : 0;
	c->df = true;
	c->ttl = 64;
	bool local6;

	if (parse_ip(get(aux, "remote_ip"), &c->remote_ip, c->remote_ip6,
		     &c->ipv6, &c->remote_flow) ||
	    (!c->remote_ip && !c->remote_flow && !c->ipv6)) {
		*error = xstrdup("missing or invalid remote_ip");
		return -EINVAL;
	}
	if (parse_ip(get(aux, "local_ip"), &c->local_ip, c->local_ip6, &local6,
		     &c->local_flow) ||
	    (local6 && !c->ipv6 && !c->remote_flow) ||
	    (c->ipv6 && c->local_ip)) {
		*error = xstrdup("invalid local_ip");
		return -EINVAL;
	}
	if (parse_key(get(aux, "in_key") ? get(aux, "in_key") : key, &c->in_key,
		      &c->in_key_flow, &c->in_key_set) ||
	    parse_key(get(aux, "out_key") ? get(aux, "out_key") : key,
		      &c->out_key, &c->out_key_flow, &c->out_key_set)) {
		*error = xstrdup("invalid key");
		return -EINVAL;
	}
	if (type != MVS_TNL_GRE &&
	    (c->in_key > 0xffffff || c->out_key > 0xffffff)) {
		*error = xstrdup("key out of range (24 bits)");
		return -EINVAL;
	}
	s = get(aux, "dst_port");
	if (s && type != MVS_TNL_GRE) {
		char *end;
		unsigned long p = strtoul(s, &end, 10);

		if (end == s || *end || !p || p > 65535) {
			*error = xasprintf("invalid dst_port %s", s);
			return -EINVAL;
		}
		c->dst_port = (uint16_t)p;
	}
	if (parse_u8(get(aux, "tos"), &c->tos, &c->tos_inherit) ||
	    parse_u8(get(aux, "ttl"), &c->ttl, &inh)) {
		*error = xstrdup("invalid tos or ttl");
		return -EINVAL;
	}
	c->ttl_inherit = inh;
	s = get(aux, "df_default");
	if (s)
		c->df = !strcmp(s, "true");
	/* Unset, the UDP checksum is on over IPv6 (vswitch.xml), where a
	 * zero checksum is the exception (RFC 6935); GRE's stays off. */
	s = get(aux, "csum");
	c->csum_default = !s;
	c->csum = s ? !strcmp(s, "true") : c->ipv6 && type != MVS_TNL_GRE;
	return 0;
}

/* ---- routes ---- */

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned m[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
		   &m[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return 0;
}

static int
route_parse(const char *line, struct tnl_route *r)
{
	char remote[46], dev[16], src[46], smac[18], dmac[18], car[8];
	struct in_addr a;

	memset(r, 0, sizeof *r);
	if (sscanf(line, "%45s %15s %45s %17s %17s %7s", remote, dev, src, smac,
		   dmac, car) != 6)
		return -EINVAL;
	if (inet_pton(AF_INET, remote, &a) == 1) {
		r->remote = a.s_addr;
		if (inet_pton(AF_INET, src, &a) != 1)
			return -EINVAL;
		r->src = a.s_addr;
	} else if (inet_pton(AF_INET6, remote, r->remote6) == 1 &&
		   inet_pton(AF_INET6, src, r->src6) == 1) {
		r->ipv6 = true;
	} else {
		return -EINVAL;
	}
	if (parse_mac(smac, r->smac))
		return -EINVAL;
	snprintf(r->dev, sizeof r->dev, "%s", dev);
	r->resolved = !parse_mac(dmac, r->dmac);
	r->carrier = !strcmp(car, "up");
	return 0;
}

bool
tnl_routes_set(struct vsw *vsw, const char *const *lines, size_t n)
{
	struct tnl_route *v = xcalloc(n + 1, sizeof *v);
	size_t k = 0;
	bool changed;

	for (size_t i = 0; i < n; i++) {
		if (route_parse(lines[i], &v[k])) {
			log_warn("tunneld sent a route that does not parse: %s",
				 lines[i]);
			continue;
		}
		k++;
	}
	changed = k != vsw->n_tnl_routes ||
		  (k && memcmp(v, vsw->tnl_routes, k * sizeof *v));
	free(vsw->tnl_routes);
	vsw->tnl_routes = v;
	vsw->n_tnl_routes = k;
	return changed;
}

static const struct tnl_route *
route_find(const struct vsw *vsw, uint32_t remote)
{
	for (size_t i = 0; i < vsw->n_tnl_routes; i++)
		if (!vsw->tnl_routes[i].ipv6 &&
		    vsw->tnl_routes[i].remote == remote)
			return &vsw->tnl_routes[i];
	return NULL;
}

static const struct tnl_route *
route_find6(const struct vsw *vsw, const uint8_t remote[16])
{
	for (size_t i = 0; i < vsw->n_tnl_routes; i++)
		if (vsw->tnl_routes[i].ipv6 &&
		    !memcmp(vsw->tnl_routes[i].remote6, remote, 16))
			return &vsw->tnl_routes[i];
	return NULL;
}

/* The port named @name in any bridge. */
static struct port *
port_anywhere(const struct vsw *vsw, const char *name)
{
	struct hnode *n;

	HMAP_FOR_EACH (n, &vsw->bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		struct port *p = bridge_port_by_name(br, name);
		if (p)
			return p;
	}
	return NULL;
}

/* ---- output ---- */

/* The outer TOS: the configured one or, with tos=inherit, the inner
 * DSCP; and the inner ECN always, as Open vSwitch does (RFC 6040's
 * normal mode: CE leaves as ECT(0), so that a congestion mark already
 * counted is not counted again at the far end). */
static uint8_t
outer_tos(struct xlate_ctx *ctx, const struct tnl_config *c)
{
	uint8_t inner = ctx->flow.hdr.nw_tos, tos;

	if (!flow_is_ip_any(&ctx->flow))
		return c->tos_inherit ? 0 : c->tos;
	ctx->wc->hdr.nw_tos |= c->tos_inherit ? 0xff : 0x03;
	tos = c->tos_inherit ? inner & 0xfc : c->tos & 0xfc;
	if ((inner & 0x03) == 0x03)
		return tos | 0x02;
	return tos | (inner & 0x03);
}

void
xlate_tnl_output(struct xlate_ctx *ctx, struct port *port)
{
	uint8_t opts[MVS_TUN_OPTS_MAX];
	const struct tnl_config *c = port->tnl;
	const struct mvs_key_tunnel *ft = &ctx->flow.tunnel;
	struct tnl_header_spec spec = { 0 };
	struct mvs_act_tunnel_push push = { 0 };
	const struct tnl_route *rt;
	struct port *egress;
	size_t len, nest;
	char ip[INET6_ADDRSTRLEN];

	spec.type = c->type;
	spec.ipv6 = c->ipv6;
	if (c->remote_flow) {
		/* The packet's tunnel destination picks the family. */
		ctx->wc->tunnel.ipv4_dst = ~0u;
		spec.ip_dst = ft->ipv4_dst;
		if (!spec.ip_dst) {
			memset(ctx->wc->tunnel.ipv6_dst, 0xff, 16);
			memcpy(spec.ip6_dst, ft->ipv6_dst, 16);
			spec.ipv6 = !ofp_is_zero(spec.ip6_dst, 16);
		}
	} else {
		spec.ip_dst = c->remote_ip;
		memcpy(spec.ip6_dst, c->remote_ip6, 16);
	}
	if (spec.ipv6) {
		rt = route_find6(ctx->br->vsw, spec.ip6_dst);
		inet_ntop(AF_INET6, spec.ip6_dst, ip, sizeof ip);
	} else {
		rt = spec.ip_dst ? route_find(ctx->br->vsw, spec.ip_dst) : NULL;
		inet_ntop(AF_INET, &spec.ip_dst, ip, sizeof ip);
	}
	if (!rt && c->remote_flow && (spec.ip_dst || spec.ipv6) &&
	    ctx->br->vsw->tnl_want)
		ctx->br->vsw->tnl_want(ip);
	if (!rt || !rt->resolved) {
		xlate_report(ctx, TRACE_WARN,
			     "native tunnel routing failed (%s)", ip);
		return;
	}
	egress = port_anywhere(ctx->br->vsw, rt->dev);
	if (!egress || egress->dp_port == MVS_PORT_NONE) {
		xlate_report(ctx, TRACE_WARN,
			     "native tunnel: no bridge owns %s, the way to %s",
			     rt->dev, ip);
		return;
	}
	memcpy(spec.eth_src, rt->smac, 6);
	memcpy(spec.eth_dst, rt->dmac, 6);
	spec.ip_src = c->local_ip ? c->local_ip : rt->src;
	if (spec.ipv6)
		memcpy(spec.ip6_src,
		       ofp_is_zero(c->local_ip6, 16) ? rt->src6 : c->local_ip6,
		       16);
	spec.tos = outer_tos(ctx, c);
	spec.ttl = c->ttl_inherit ? ctx->flow.hdr.nw_ttl : c->ttl;
	if (c->ttl_inherit)
		ctx->wc->hdr.nw_ttl = 0xff;
	spec.df = c->df;
	spec.csum = c->csum_default && c->remote_flow
			    ? spec.ipv6 && c->type != MVS_TNL_GRE
			    : c->csum;
	spec.dst_port = c->dst_port;
	spec.key_present = c->out_key_set;
	if (c->out_key_flow) {
		spec.key = be64toh(ft->tun_id);
		ctx->wc->tunnel.tun_id = ~0ull;
	} else {
		spec.key = c->out_key;
	}
	if (c->type == MVS_TNL_GENEVE) {
		/* The options chosen go into the header the actions push:
		 * the megaflow must match them all, or the first packet's
		 * would be sent with every later one's. */
		ctx->wc->tunnel.opts_len = 0xff;
		if (ft->opts_len && ft->opts_len <= MVS_TUN_OPTS_MAX)
			memset(ctx->wc->tunnel.opts, 0xff, ft->opts_len);
		ctx->wc->tun_md_present = ~0ull;
		spec.opts_len =
			tun_md_to_options(&ctx->br->tlv, &ctx->flow, opts);
		spec.opts = opts;
	}
	if (tnl_header_build(&spec, push.header, &len)) {
		xlate_report(ctx, TRACE_WARN, "tunnel header cannot be built");
		return;
	}
	push.tnl_port = port->dp_port;
	push.out_port = egress->dp_port;
	push.tnl_type = c->type;
	push.header_len = (uint32_t)len;
	xlate_commit(ctx);
	xlate_report(ctx, TRACE_DETAIL, "native tunnel to %s via %s", ip,
		     rt->dev);

	/* The outer packet, in the egress device's bridge. */
	struct flow saved_flow = ctx->flow, saved_base = ctx->base, wc;
	struct flow *saved_wc = ctx->wc;
	struct bridge *saved_br = ctx->br;
	uint8_t saved_table = ctx->table_id;
	struct flow outer;

	memset(&outer, 0, sizeof outer);
	memcpy(outer.hdr.eth_src, spec.eth_src, 6);
	memcpy(outer.hdr.eth_dst, spec.eth_dst, 6);
	if (spec.ipv6) {
		outer.hdr.eth_type = htons(ETH_TYPE_IPV6);
		memcpy(outer.hdr.ipv6_src, spec.ip6_src, 16);
		memcpy(outer.hdr.ipv6_dst, spec.ip6_dst, 16);
	} else {
		outer.hdr.eth_type = htons(ETH_TYPE_IP);
		outer.hdr.ipv4_src = spec.ip_src;
		outer.hdr.ipv4_dst = spec.ip_dst;
	}
	outer.hdr.nw_proto = c->type == MVS_TNL_GRE ? 47 : IPPROTO_UDP_;
	outer.hdr.nw_tos = spec.tos;
	outer.hdr.nw_ttl = spec.ttl ? spec.ttl : 64;
	if (c->type != MVS_TNL_GRE)
		outer.hdr.tp_dst = htons(c->dst_port);
	outer.in_port = egress->ofp_port;
	memset(&wc, 0, sizeof wc);

	nest = nl_nest_start(ctx->odp, MVS_ACTION_ATTR_CLONE);
	nl_put(ctx->odp, MVS_ACTION_ATTR_TUNNEL_PUSH, &push, sizeof push);
	ctx->flow = ctx->base = outer;
	ctx->wc = &wc;
	ctx->br = egress->bridge;
	xlate_deps_add_bridge(ctx->deps, ctx->br);
	xlate_table_in(ctx, egress->ofp_port, 0);
	nl_nest_end(ctx->odp, nest);

	ctx->flow = saved_flow;
	ctx->base = saved_base;
	ctx->wc = saved_wc;
	ctx->br = saved_br;
	ctx->table_id = saved_table;
	ctx->error = XLATE_OK;
}

/* ---- receive ---- */

/* True if @ip (IPv4, or IPv6 @ip6 when it is not NULL) is a local
 * tunnel endpoint: a route's source or a port's local_ip. */
static bool
local_endpoint(const struct vsw *vsw, uint32_t ip, const uint8_t *ip6)
{
	struct hnode *n;

	for (size_t i = 0; i < vsw->n_tnl_routes; i++) {
		const struct tnl_route *r = &vsw->tnl_routes[i];

		if (ip6 ? r->ipv6 && !memcmp(r->src6, ip6, 16)
			: !r->ipv6 && r->src == ip)
			return true;
	}
	HMAP_FOR_EACH (n, &vsw->bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		struct port *p;

		LIST_FOR_EACH (p, in_bridge, &br->port_list) {
			const struct tnl_config *c = p->tnl;

			if (c && (ip6 ? !ofp_is_zero(c->local_ip6, 16) &&
						  !memcmp(c->local_ip6, ip6, 16)
				      : c->local_ip == ip))
				return true;
		}
	}
	return false;
}

/* The first tunnel port of @type (and UDP port @dst_port) whose remote
 * accepts @src. */
static struct port *
find_tunnel(const struct vsw *vsw, enum mvs_tnl_type type, uint16_t dst_port,
	    uint32_t src, const uint8_t *src6)
{
	struct port *any = NULL;
	struct hnode *n;

	HMAP_FOR_EACH (n, &vsw->bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		struct port *p;

		LIST_FOR_EACH (p, in_bridge, &br->port_list) {
			const struct tnl_config *c = p->tnl;

			if (!c || c->type != type || c->dst_port != dst_port ||
			    p->dp_port == MVS_PORT_NONE)
				continue;
			if (src6 ? c->ipv6 && !memcmp(c->remote_ip6, src6, 16)
				 : !c->ipv6 && c->remote_ip == src)
				return p;
			if (c->remote_flow && !any)
				any = p;
		}
	}
	return any;
}

bool
xlate_tnl_pop(struct xlate_ctx *ctx, struct port *port)
{
	const struct mvs_key_hdr *h = &ctx->flow.hdr;
	struct mvs_key_hdr *w = &ctx->wc->hdr;
	enum mvs_tnl_type type;
	uint16_t dst_port = 0;
	struct port *tp;
	bool v6 = flow_is_ipv6(&ctx->flow);
	const uint8_t *src6 = v6 ? h->ipv6_src : NULL;

	if (!flow_is_ip(&ctx->flow) && !v6)
		return false;
	w->nw_proto = 0xff;
	if (h->nw_proto == IPPROTO_UDP_) {
		w->tp_dst = 0xffff;
		dst_port = ntohs(h->tp_dst);
	} else if (h->nw_proto != 47) {
		return false;
	}
	if (v6) {
		memset(w->ipv6_dst, 0xff, 16);
		if (!local_endpoint(ctx->br->vsw, 0, h->ipv6_dst))
			return false;
		memset(w->ipv6_src, 0xff, 16);
	} else {
		w->ipv4_dst = ~0u;
		if (!local_endpoint(ctx->br->vsw, h->ipv4_dst, NULL))
			return false;
		/* A first fragment goes to the datapath too, which refuses
		 * and counts it; later fragments have no ports and never
		 * get here. */
		w->ipv4_src = ~0u;
	}
	if (h->nw_proto == 47) {
		type = MVS_TNL_GRE;
	} else {
		tp = find_tunnel(ctx->br->vsw, MVS_TNL_VXLAN, dst_port,
				 h->ipv4_src, src6);
		type = tp ? MVS_TNL_VXLAN : MVS_TNL_GENEVE;
	}
	tp = find_tunnel(ctx->br->vsw, type, dst_port, h->ipv4_src, src6);
	if (!tp)
		return false;
	xlate_commit(ctx);
	xlate_report(ctx, TRACE_DETAIL, "tunnel pop into %s", tp->name);
	nl_put_u32(ctx->odp, MVS_ACTION_ATTR_TUNNEL_POP, tp->dp_port);
	return true;
}

bool
xlate_tnl_ecn(struct xlate_ctx *ctx)
{
	static struct log_rl rl = LOG_RL_INIT(1, 5);
	const struct mvs_key_tunnel *t = &ctx->flow.tunnel;

	if (!t->ipv4_dst && !t->ttl && !(t->flags & MVS_TNL_F_IPV6))
		return true;
	if (!flow_is_ip_any(&ctx->flow) || (t->tos & IP_ECN_MASK) != IP_ECN_CE)
		return true;
	if ((ctx->flow.hdr.nw_tos & IP_ECN_MASK) == IP_ECN_NOT_ECT) {
		log_warn_rl(&rl, "dropping tunnel packet marked ECN CE but is "
				 "not ECN capable");
		xlate_report(ctx, TRACE_DETAIL,
			     "dropped: outer ECN CE, inner not ECN capable");
		return false;
	}
	ctx->flow.hdr.nw_tos |= IP_ECN_CE;
	return true;
}

static bool
accepts(const struct port *p, const struct mvs_key_tunnel *tun,
	enum mvs_tnl_type type)
{
	const struct tnl_config *c = p->tnl;
	bool v6 = tun->flags & MVS_TNL_F_IPV6;

	if (!c || c->type != type || (!c->remote_flow && c->ipv6 != v6))
		return false;
	if (v6) {
		if ((!c->remote_flow &&
		     memcmp(c->remote_ip6, tun->ipv6_src, 16)) ||
		    (!ofp_is_zero(c->local_ip6, 16) &&
		     memcmp(c->local_ip6, tun->ipv6_dst, 16)))
			return false;
	} else if ((!c->remote_flow && c->remote_ip != tun->ipv4_src) ||
		   (c->local_ip && c->local_ip != tun->ipv4_dst)) {
		return false;
	}
	if (type != MVS_TNL_GRE && c->dst_port != ntohs(tun->tp_dst))
		return false;
	if (!c->in_key_flow) {
		uint64_t key = c->in_key_set ? c->in_key : 0;
		if (be64toh(tun->tun_id) != key)
			return false;
	}
	return true;
}

struct port *
tnl_port_receive(const struct vsw *vsw, struct port *in,
		 const struct mvs_key_tunnel *tun)
{
	struct hnode *n;

	if (accepts(in, tun, in->tnl->type))
		return in;
	HMAP_FOR_EACH (n, &vsw->bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		struct port *p;

		LIST_FOR_EACH (p, in_bridge, &br->port_list)
			if (p != in && accepts(p, tun, in->tnl->type))
				return p;
	}
	return NULL;
}
