/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_tunnel: tunnel ports (VXLAN, GRE, Geneve) in the userspace
 * datapath, Open vSwitch's native tunnelling model:
 *
 *  - a tunnel port has no device: nothing is received from it and what
 *    is output to it directly is dropped; packets enter it through
 *    MVS_ACTION_ATTR_TUNNEL_POP and leave through TUNNEL_PUSH;
 *  - TUNNEL_PUSH prepends the outer header vswitchd built (from
 *    tunneld's route and neighbour) and finishes it per packet: lengths,
 *    IPv4 id (0 under DF) and checksum, the UDP source port from the inner
 * flow's hash, the outer checksum when asked.  The inner checksum is finished
 * first; a GSO segment is cut in software first (upcalld_actions.c), since no
 * vnet header describes a tunnel GSO;
 *  - TUNNEL_POP parses the outer headers strictly (lib/flow/tnl.c: a
 *    tunnel packet is untrusted input from the underlay), counts what
 *    it refuses by reason, and hands the inner frame on with its tunnel
 *    metadata, as received on the tunnel port.
 */
#include "upcalld.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "log.h"
#include "tnl.h"
#include "util.h"

LOG_MODULE(tunnel);

COVERAGE_DEFINE(tnl_push);
COVERAGE_DEFINE(tnl_push_error);
COVERAGE_DEFINE(tnl_pop);
COVERAGE_DEFINE(tnl_pop_short);
COVERAGE_DEFINE(tnl_pop_not_ipv4);
COVERAGE_DEFINE(tnl_pop_bad_ip);
COVERAGE_DEFINE(tnl_pop_bad_ip_csum);
COVERAGE_DEFINE(tnl_pop_fragment);
COVERAGE_DEFINE(tnl_pop_bad_proto);
COVERAGE_DEFINE(tnl_pop_bad_udp);
COVERAGE_DEFINE(tnl_pop_bad_csum);
COVERAGE_DEFINE(tnl_pop_bad_vxlan);
COVERAGE_DEFINE(tnl_pop_bad_geneve);
COVERAGE_DEFINE(tnl_pop_bad_gre);
COVERAGE_DEFINE(tnl_pop_short_inner);
COVERAGE_DEFINE(tnl_pop_bad_ipv6);
COVERAGE_DEFINE(tnl_pop_gso);
COVERAGE_DEFINE(tnl_tx_direct);

static void
count_bad(enum tnl_bad why)
{
	switch (why) {
	case TNL_BAD_SHORT:
		coverage_inc(tnl_pop_short);
		break;
	case TNL_BAD_NOT_IPV4:
		coverage_inc(tnl_pop_not_ipv4);
		break;
	case TNL_BAD_IP:
		coverage_inc(tnl_pop_bad_ip);
		break;
	case TNL_BAD_IP_CSUM:
		coverage_inc(tnl_pop_bad_ip_csum);
		break;
	case TNL_BAD_FRAG:
		coverage_inc(tnl_pop_fragment);
		break;
	case TNL_BAD_PROTO:
		coverage_inc(tnl_pop_bad_proto);
		break;
	case TNL_BAD_UDP:
		coverage_inc(tnl_pop_bad_udp);
		break;
	case TNL_BAD_CSUM:
		coverage_inc(tnl_pop_bad_csum);
		break;
	case TNL_BAD_VXLAN:
		coverage_inc(tnl_pop_bad_vxlan);
		break;
	case TNL_BAD_GENEVE:
		coverage_inc(tnl_pop_bad_geneve);
		break;
	case TNL_BAD_GRE:
		coverage_inc(tnl_pop_bad_gre);
		break;
	case TNL_BAD_IPV6:
		coverage_inc(tnl_pop_bad_ipv6);
		break;
	case TNL_BAD_INNER:
	default:
		coverage_inc(tnl_pop_short_inner);
		break;
	}
}

/* ---- the ports ---- */

static int
tnl_port_recv(struct uport *port, struct dp_batch *b, unsigned max)
{
	return 0; /* packets enter through TUNNEL_POP */
}

static void
tnl_port_send(struct uport *port, struct dp_batch *b)
{
	/* Output to a tunnel port without TUNNEL_PUSH: no route was
	 * resolved for it.  Dropped, as in Open vSwitch. */
	for (unsigned i = 0; i < b->n; i++) {
		coverage_inc(tnl_tx_direct);
		port->stats->tx_dropped++;
		dp_packet_free(b->pkts[i]);
	}
	b->n = 0;
}

static void
tnl_port_query(struct uport *port, struct dp_port_info *info)
{
	info->carrier = info->admin_up = true;
}

static void
tnl_port_close(struct uport *port, bool destroy)
{
	free(port);
}

static const struct uport_ops tnl_port_ops = {
	.recv = tnl_port_recv,
	.send = tnl_port_send,
	.query = tnl_port_query,
	.close = tnl_port_close,
};

int
tnl_port_open(const struct dp_port_spec *spec, struct uport **portp)
{
	struct uport *p;

	if (spec->type != MVS_VPORT_TYPE_VXLAN &&
	    spec->type != MVS_VPORT_TYPE_GRE &&
	    spec->type != MVS_VPORT_TYPE_GENEVE)
		return -EOPNOTSUPP;
	p = xzalloc(sizeof *p);
	p->ops = &tnl_port_ops;
	p->fd = -1;
	p->type = spec->type;
	snprintf(p->name, sizeof p->name, "%s", spec->name);
	*portp = p;
	return 0;
}

bool
tnl_port_type(enum mvs_vport_type vt, enum mvs_tnl_type *type)
{
	switch (vt) {
	case MVS_VPORT_TYPE_VXLAN:
		*type = MVS_TNL_VXLAN;
		return true;
	case MVS_VPORT_TYPE_GRE:
		*type = MVS_TNL_GRE;
		return true;
	case MVS_VPORT_TYPE_GENEVE:
		*type = MVS_TNL_GENEVE;
		return true;
	default:
		return false;
	}
}

/* ---- push and pop ---- */

int
dp_tnl_push(struct dp_packet *p, const struct mvs_key *key,
	    const struct mvs_act_tunnel_push *t)
{
	static uint16_t ip_id;
	size_t hl = t->header_len;
	uint8_t *h;

	if (hl < ETH_HDR_LEN + 24 || hl > MVS_TNL_PUSH_HEADER_MAX ||
	    p->offload.gso_type != MVS_GSO_NONE) {
		coverage_inc(tnl_push_error);
		return -EINVAL;
	}
	/* The inner checksum is finished here: Linux's AF_PACKET refuses
	 * (EINVAL) a partial checksum that starts past the outer headers
	 * of a frame it sends, and an outer checksum must cover it anyway.
	 * A GSO packet was cut (and its segments summed) by the caller. */
	dp_packet_finish_csum(p);
	h = dp_packet_push(p, hl);
	memcpy(h, t->header, hl);
	if (tnl_push_finish(p->data, p->len, hl, flow_hash_5tuple(key, 0),
			    __atomic_fetch_add(&ip_id, 1, __ATOMIC_RELAXED))) {
		coverage_inc(tnl_push_error);
		return -EINVAL;
	}
	p->offload.flags &= (uint8_t)~MVS_OFFLOAD_F_DATA_VALID;
	p->l3_ofs = ETH_HDR_LEN;
	p->l4_ofs = ETH_HDR_LEN + 20;
	coverage_inc(tnl_push);
	return 0;
}

int
dp_tnl_pop(struct dp_packet *p, const struct uport *port, struct mvs_key *key)
{
	enum mvs_tnl_type type;
	size_t hl, inner;
	enum tnl_bad why;
	bool verified = p->offload.flags & MVS_OFFLOAD_F_DATA_VALID;

	if (!tnl_port_type(port->type, &type))
		return -EINVAL;
	if (p->offload.gso_type != MVS_GSO_NONE) {
		coverage_inc(tnl_pop_gso);
		return -EINVAL;
	}
	/* A partial outer checksum (a local sender) is not verifiable and
	 * needs no check. */
	if (p->offload.flags & MVS_OFFLOAD_F_NEEDS_CSUM)
		verified = true;
	why = tnl_parse(p->data, p->len, type, verified, &key->tun, &hl,
			&inner);
	if (why != TNL_OK) {
		count_bad(why);
		log_dbg("%s: dropped a tunnel packet of %u bytes: %s",
			port->name, p->len, tnl_bad_name(why));
		return -EINVAL;
	}
	dp_packet_pull(p, hl);
	p->len = (uint32_t)inner;
	/* A local sender leaves one checksum partial: the outer UDP one
	 * (Linux's tunnel devices do; the inner ones are complete then),
	 * which goes with the outer header, or an inner one, whose offsets
	 * move. */
	if (p->offload.flags & MVS_OFFLOAD_F_NEEDS_CSUM) {
		if (p->offload.csum_start < hl)
			p->offload.flags &= (uint8_t)~MVS_OFFLOAD_F_NEEDS_CSUM;
		else
			p->offload.csum_start =
				(uint16_t)(p->offload.csum_start - hl);
	}
	p->offload.flags &= (uint8_t)~MVS_OFFLOAD_F_DATA_VALID;
	memset(&key->meta, 0, sizeof key->meta);
	key->meta.in_port = port->port_no;
	p->in_port = port->port_no;
	if (flow_extract(p, key) != FLOW_OK)
		log_dbg("%s: inner frame truncated or malformed", port->name);
	coverage_inc(tnl_pop);
	return 0;
}
