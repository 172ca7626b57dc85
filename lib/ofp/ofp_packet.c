/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_packet: the packet header parser for printing, packet-in decoding
 * and text, packet-out parsing, encoding, decoding and text.
 */
#include "ofp_packet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp_act_wire.h"
#include "ofp_actions_priv.h"
#include "ofp_match10.h"
#include "ofp_nxm.h"
#include "ofp_protocol.h"

/* ---- the packet parser ---- */

struct pkt {
	const uint8_t *p;
	size_t len;
	size_t l4;  /* offset of the L4 header, or SIZE_MAX */
	size_t end; /* end of the L3 payload (IP total length) */
};

static void
parse_l4(const uint8_t *p, size_t n, struct flow *f)
{
	struct mvs_key_hdr *h = &f->hdr;

	switch (h->nw_proto) {
	case IPPROTO_TCP_:
		if (n >= 20) {
			memcpy(&h->tp_src, p, 2);
			memcpy(&h->tp_dst, p + 2, 2);
			h->tcp_flags = htons(get_be16(p + 12) & 0x0fff);
		}
		break;
	case IPPROTO_UDP_:
		if (n >= 8) {
			memcpy(&h->tp_src, p, 2);
			memcpy(&h->tp_dst, p + 2, 2);
		}
		break;
	case IPPROTO_SCTP_:
		if (n >= 12) {
			memcpy(&h->tp_src, p, 2);
			memcpy(&h->tp_dst, p + 2, 2);
		}
		break;
	case IPPROTO_ICMP_:
		if (n >= 8) {
			h->tp_src = htons(p[0]);
			h->tp_dst = htons(p[1]);
		}
		break;
	}
}

static void
parse_icmpv6(const uint8_t *p, size_t n, struct flow *f)
{
	struct mvs_key_hdr *h = &f->hdr;

	if (n < 4)
		return;
	h->tp_src = htons(p[0]);
	h->tp_dst = htons(p[1]);
	if ((p[0] != 135 && p[0] != 136) || p[1] != 0 || n < 24)
		return;
	memcpy(h->nd_target, p + 8, 16);
	p += 24;
	n -= 24;
	while (n >= 8) {
		size_t olen = (size_t)p[1] * 8;

		if (!olen || olen > n)
			break;
		if (p[0] == 1 && olen == 8 && p[0 + 0] == 1 &&
		    ofp_is_zero(h->arp_sha, 6))
			memcpy(h->arp_sha, p + 2, 6);
		else if (p[0] == 2 && olen == 8 && ofp_is_zero(h->arp_tha, 6))
			memcpy(h->arp_tha, p + 2, 6);
		p += olen;
		n -= olen;
	}
}

static void
parse_ipv6(struct pkt *k, size_t ofs, struct flow *f)
{
	struct mvs_key_hdr *h = &f->hdr;
	const uint8_t *p = k->p + ofs;
	size_t n = k->len - ofs, plen;
	uint8_t next;

	if (n < 40)
		return;
	h->ipv6_label = htonl(get_be32(p) & 0xfffff);
	h->nw_tos = (uint8_t)(get_be32(p) >> 20);
	plen = get_be16(p + 4);
	next = p[6];
	h->nw_ttl = p[7];
	memcpy(h->ipv6_src, p + 8, 16);
	memcpy(h->ipv6_dst, p + 24, 16);
	if (plen + 40 < n)
		n = plen + 40;
	p += 40;
	n -= 40;
	for (;;) {
		if (next == 0 || next == 43 || next == 60) {
			size_t l;
			if (n < 8)
				return;
			l = ((size_t)p[1] + 1) * 8;
			if (l > n)
				return;
			next = p[0];
			p += l;
			n -= l;
		} else if (next == 51) {
			size_t l;
			if (n < 8)
				return;
			l = ((size_t)p[1] + 2) * 4;
			if (l > n)
				return;
			next = p[0];
			p += l;
			n -= l;
		} else if (next == 44) {
			uint16_t off;
			if (n < 8)
				return;
			off = get_be16(p + 2);
			h->nw_frag = MVS_FRAG_ANY;
			if (off & 0xfff8)
				h->nw_frag |= MVS_FRAG_LATER;
			next = p[0];
			p += 8;
			n -= 8;
			if (h->nw_frag & MVS_FRAG_LATER) {
				h->nw_proto = next;
				return;
			}
		} else {
			break;
		}
	}
	h->nw_proto = next;
	k->l4 = (size_t)(p - k->p);
	k->end = k->l4 + n;
	if (next == IPPROTO_ICMPV6_)
		parse_icmpv6(p, n, f);
	else
		parse_l4(p, n, f);
}

static void
parse_ipv4(struct pkt *k, size_t ofs, struct flow *f)
{
	struct mvs_key_hdr *h = &f->hdr;
	const uint8_t *p = k->p + ofs;
	size_t n = k->len - ofs, ihl, tot;
	uint16_t frag;

	if (n < 20)
		return;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = get_be16(p + 2);
	if (ihl < 20 || ihl > n || tot < ihl || tot > n)
		return;
	h->nw_tos = p[1];
	h->nw_ttl = p[8];
	h->nw_proto = p[9];
	memcpy(&h->ipv4_src, p + 12, 4);
	memcpy(&h->ipv4_dst, p + 16, 4);
	frag = get_be16(p + 6);
	if (frag & 0x3fff) {
		h->nw_frag = MVS_FRAG_ANY;
		if (frag & 0x1fff)
			h->nw_frag |= MVS_FRAG_LATER;
	}
	k->l4 = ofs + ihl;
	k->end = ofs + tot;
	if (!(h->nw_frag & MVS_FRAG_LATER))
		parse_l4(p + ihl, tot - ihl, f);
}

static void
parse_arp(const uint8_t *p, size_t n, struct flow *f)
{
	struct mvs_key_hdr *h = &f->hdr;
	uint16_t op;

	if (n < 28 || get_be16(p) != 1 || get_be16(p + 2) != ETH_TYPE_IP ||
	    p[4] != 6 || p[5] != 4)
		return;
	op = get_be16(p + 6);
	if (op <= 0xff)
		h->nw_proto = (uint8_t)op;
	memcpy(h->arp_sha, p + 8, 6);
	memcpy(&h->ipv4_src, p + 14, 4);
	memcpy(h->arp_tha, p + 18, 6);
	memcpy(&h->ipv4_dst, p + 24, 4);
}

static void
extract(struct pkt *k, struct flow *f)
{
	struct mvs_key_hdr *h = &f->hdr;
	const uint8_t *p = k->p;
	size_t ofs = 14;
	uint16_t type;

	memset(f, 0, sizeof *f);
	k->l4 = SIZE_MAX;
	k->end = k->len;
	if (k->len < 14)
		return;
	memcpy(h->eth_dst, p, 6);
	memcpy(h->eth_src, p + 6, 6);
	type = get_be16(p + 12);
	for (int tag = 0; tag < 2; tag++) {
		if ((type != ETH_TYPE_VLAN && type != ETH_TYPE_VLAN_8021AD) ||
		    k->len < ofs + 4)
			break;
		uint16_t tci = get_be16(p + ofs) | MVS_VLAN_PRESENT;
		if (!tag) {
			h->vlan_tci = htons(tci);
			h->vlan_tpid = htons(type);
		} else {
			h->vlan2_tci = htons(tci);
			h->vlan2_tpid = htons(type);
		}
		type = get_be16(p + ofs + 2);
		ofs += 4;
	}
	if (type < MVS_ETH_TYPE_MIN) {
		if (k->len >= ofs + 8 && p[ofs] == 0xaa && p[ofs + 1] == 0xaa &&
		    p[ofs + 2] == 0x03 && ofp_is_zero(p + ofs + 3, 3)) {
			type = get_be16(p + ofs + 6);
			ofs += 8;
		} else {
			type = MVS_ETH_TYPE_NONE;
		}
	}
	h->eth_type = htons(type);
	if (type == ETH_TYPE_IP)
		parse_ipv4(k, ofs, f);
	else if (type == ETH_TYPE_IPV6)
		parse_ipv6(k, ofs, f);
	else if (type == ETH_TYPE_ARP || type == ETH_TYPE_RARP)
		parse_arp(p + ofs, k->len - ofs, f);
	else if ((type == ETH_TYPE_MPLS || type == ETH_TYPE_MPLS_MCAST) &&
		 k->len >= ofs + 4)
		(void)0;
}

void
ofp_packet_extract(const void *p, size_t len, struct flow *flow)
{
	struct pkt k = { p, len, SIZE_MAX, len };

	extract(&k, flow);
}

void
ofp_packet_format(struct ds *s, const void *data, size_t len)
{
	struct pkt k = { data, len, SIZE_MAX, len };
	struct flow f;
	size_t l4n;

	extract(&k, &f);
	flow_format(s, &f);
	if (k.l4 != SIZE_MAX) {
		const uint8_t *l4 = k.p + k.l4;
		l4n = (k.end < k.len ? k.end : k.len) - k.l4;
		switch (f.hdr.nw_proto) {
		case IPPROTO_TCP_:
			if (l4n >= 20)
				ds_printf(s, " tcp_csum:%x", get_be16(l4 + 16));
			break;
		case IPPROTO_UDP_:
			if (l4n >= 8)
				ds_printf(s, " udp_csum:%x", get_be16(l4 + 6));
			break;
		case IPPROTO_SCTP_:
			if (l4n >= 12)
				ds_printf(s, " sctp_csum:%x", get_be32(l4 + 8));
			break;
		case IPPROTO_ICMP_:
			if (l4n >= 8 && f.hdr.eth_type == htons(ETH_TYPE_IP))
				ds_printf(s, " icmp_csum:%x", get_be16(l4 + 2));
			break;
		case IPPROTO_ICMPV6_:
			if (l4n >= 4 && f.hdr.eth_type == htons(ETH_TYPE_IPV6))
				ds_printf(s, " icmp6_csum:%x",
					  get_be16(l4 + 2));
			break;
		}
	}
	ds_put_char(s, '\n');
}

/* ---- packet-in ---- */

#define NXPINT_PACKET 0
#define NXPINT_FULL_LEN 1
#define NXPINT_BUFFER_ID 2
#define NXPINT_TABLE_ID 3
#define NXPINT_COOKIE 4
#define NXPINT_REASON 5
#define NXPINT_METADATA 6
#define NXPINT_USERDATA 7
#define NXPINT_CONTINUATION 8

static void
set_in_port(struct match *m, uint32_t port)
{
	m->flow.in_port = port;
	m->mask.in_port = 0xffffffffu;
}

static enum ofperr
decode_packet_in2(const struct ofp_msg *m, struct ofp_packet_in *pin)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);

	pin->total_len = 0;
	pin->buffer_id = UINT32_MAX;
	while (r.left) {
		const uint8_t *pp = r.p, *v;
		size_t pl, padded, n;
		uint16_t type;
		enum ofperr e = 0;

		if (r.left < 4)
			return OFPERR_OFPBPC_BAD_LEN;
		type = get_be16(pp);
		pl = get_be16(pp + 2);
		padded = (pl + 7) / 8 * 8;
		if (pl < 4 || padded > r.left)
			return OFPERR_OFPBPC_BAD_LEN;
		rd_skip(&r, padded);
		v = pp + 4;
		n = pl - 4;
		switch (type) {
		case NXPINT_PACKET:
			pin->packet = v;
			pin->packet_len = n;
			break;
		case NXPINT_FULL_LEN:
		case NXPINT_BUFFER_ID:
			if (n != 4)
				return OFPERR_OFPBPC_BAD_LEN;
			if (type == NXPINT_FULL_LEN)
				pin->total_len = get_be32(v);
			else
				pin->buffer_id = get_be32(v);
			break;
		case NXPINT_TABLE_ID:
		case NXPINT_REASON:
			if (n != 1)
				return OFPERR_OFPBPC_BAD_LEN;
			if (type == NXPINT_TABLE_ID)
				pin->table_id = v[0];
			else
				pin->reason = v[0];
			break;
		case NXPINT_COOKIE:
			/* The value 8-aligned, after 4 bytes of padding. */
			if (n != 12)
				return OFPERR_OFPBPC_BAD_LEN;
			pin->cookie = get_be64(v + 4);
			break;
		case NXPINT_METADATA:
			e = oxm_decode_raw(v, n, false, &pin->metadata);
			break;
		case NXPINT_USERDATA:
			pin->userdata = v;
			pin->userdata_len = n;
			break;
		case NXPINT_CONTINUATION:
			/* Nested: the properties start 8-aligned. */
			if (n < 4)
				return OFPERR_OFPBPC_BAD_LEN;
			pin->continuation = v + 4;
			pin->continuation_len = n - 4;
			break;
		default:
			if (m->raw == OFPRAW_NXT_RESUME) {
				ofp_warn("ofp_packet",
					 "unknown NXT_PACKET_IN2 property type "
					 "%u",
					 type);
				return OFPERR_OFPBPC_BAD_TYPE;
			}
			break;
		}
		if (e)
			return e;
	}
	if (!pin->packet_len) {
		ofp_warn("ofp_packet", "NXT_PACKET_IN2 lacks packet");
		return OFPERR_OFPBRC_BAD_LEN;
	} else if (!pin->total_len) {
		pin->total_len = pin->packet_len;
	} else if (pin->total_len < pin->packet_len) {
		ofp_warn("ofp_packet", "NXT_PACKET_IN2 claimed full_len < len");
		return OFPERR_OFPBRC_BAD_LEN;
	}
	return 0;
}

enum ofperr
ofp_decode_packet_in(const struct ofp_msg *m, struct ofp_packet_in *pin)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	const uint8_t *p = m->body;
	enum ofperr e;

	memset(pin, 0, sizeof *pin);
	pin->cookie = UINT64_MAX;
	switch (m->raw) {
	case OFPRAW_OFPT12_PACKET_IN:
	case OFPRAW_OFPT13_PACKET_IN:
		rd_bytes(&r, 8, &p);
		pin->buffer_id = get_be32(p);
		pin->total_len = get_be16(p + 4);
		pin->reason = p[6];
		pin->table_id = p[7];
		if (m->raw == OFPRAW_OFPT13_PACKET_IN) {
			if (!rd_bytes(&r, 8, &p))
				return OFPERR_OFPBRC_BAD_LEN;
			pin->cookie = get_be64(p);
		}
		if ((e = oxm_pull_match(&r, false, &pin->metadata)))
			return e;
		if (!rd_skip(&r, 2))
			return OFPERR_OFPBRC_BAD_LEN;
		break;
	case OFPRAW_OFPT10_PACKET_IN:
		rd_bytes(&r, 10, &p);
		pin->buffer_id = get_be32(p);
		pin->total_len = get_be16(p + 4);
		set_in_port(&pin->metadata, get_be16(p + 6));
		pin->reason = p[8];
		break;
	case OFPRAW_OFPT11_PACKET_IN: {
		uint32_t port;
		rd_bytes(&r, 16, &p);
		pin->buffer_id = get_be32(p);
		if (!ofp_port_from_ofp11(get_be32(p + 4), &port))
			return OFPERR_OFPBAC_BAD_OUT_PORT;
		set_in_port(&pin->metadata, port);
		pin->total_len = get_be16(p + 12);
		pin->reason = p[14];
		pin->table_id = p[15];
		break;
	}
	case OFPRAW_NXT_PACKET_IN:
		rd_bytes(&r, 24, &p);
		if ((e = nx_pull_match(&r, get_be16(p + 16), false,
				       &pin->metadata, NULL, NULL)))
			return e;
		if (!rd_skip(&r, 2))
			return OFPERR_OFPBRC_BAD_LEN;
		pin->reason = p[6];
		pin->table_id = p[7];
		pin->cookie = get_be64(p + 8);
		pin->buffer_id = get_be32(p);
		pin->total_len = get_be16(p + 4);
		break;
	default:
		return decode_packet_in2(m, pin);
	}
	pin->packet = r.p;
	pin->packet_len = r.left;
	return 0;
}

/* Writes @x big-endian at @p. */
static void
be32_to(uint8_t *p, uint32_t x)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(x >> (24 - 8 * i));
}

/* Appends property @type of @len bytes at @p, padded to 8. */
static void
put_prop(struct ofpbuf *b, uint16_t type, const void *p, size_t len)
{
	size_t start = b->size;

	ofpbuf_put_be16(b, type);
	ofpbuf_put_be16(b, (uint16_t)(4 + len));
	ofpbuf_put(b, p, len);
	ofpbuf_pad8(b, start);
}

/* NXT_PACKET_IN2: the properties in Open vSwitch's order (packet, full
 * length if cut, buffer id if buffered, table id, cookie if any, reason,
 * metadata as bare OXM/NXM entries, userdata if any). */
static void
encode_packet_in2(struct ofpbuf *b, const struct ofp_packet_in *pin,
		  uint8_t version, uint32_t xid)
{
	size_t start = ofp_msg_start(b, OFPRAW_NXT_PACKET_IN2, version, xid);
	uint8_t v[12];
	size_t prop;

	put_prop(b, NXPINT_PACKET, pin->packet, pin->packet_len);
	if (pin->packet_len < pin->total_len) {
		be32_to(v, (uint32_t)pin->total_len);
		put_prop(b, NXPINT_FULL_LEN, v, 4);
	}
	if (pin->buffer_id != UINT32_MAX) {
		be32_to(v, pin->buffer_id);
		put_prop(b, NXPINT_BUFFER_ID, v, 4);
	}
	put_prop(b, NXPINT_TABLE_ID, &pin->table_id, 1);
	if (pin->cookie != UINT64_MAX) {
		/* A 64-bit value sits 8-aligned, after 4 zero bytes. */
		be32_to(v, 0);
		be32_to(v + 4, (uint32_t)(pin->cookie >> 32));
		be32_to(v + 8, (uint32_t)pin->cookie);
		put_prop(b, NXPINT_COOKIE, v, 12);
	}
	put_prop(b, NXPINT_REASON, &pin->reason, 1);
	prop = b->size;
	ofpbuf_put_be16(b, NXPINT_METADATA);
	ofpbuf_put_be16(b, 0);
	oxm_put_raw(b, &pin->metadata, version);
	ofpbuf_set_be16(b, prop + 2, (uint16_t)(b->size - prop));
	ofpbuf_pad8(b, prop);
	if (pin->userdata_len)
		put_prop(b, NXPINT_USERDATA, pin->userdata, pin->userdata_len);
	if (pin->continuation_len) {
		prop = b->size;
		ofpbuf_put_be16(b, NXPINT_CONTINUATION);
		ofpbuf_put_be16(b, 0);
		ofpbuf_put_zeros(b, 4);
		ofpbuf_put(b, pin->continuation, pin->continuation_len);
		ofpbuf_set_be16(b, prop + 2, (uint16_t)(b->size - prop));
		ofpbuf_pad8(b, prop);
	}
	ofp_msg_finish(b, start);
}

/* NXT_PACKET_IN: OpenFlow 1.0's packet-in with a table id, a cookie and
 * the metadata as an NXM match. */
static void
encode_nxt_packet_in(struct ofpbuf *b, const struct ofp_packet_in *pin,
		     uint8_t version, uint32_t xid)
{
	size_t start = ofp_msg_start(b, OFPRAW_NXT_PACKET_IN, version, xid);
	size_t hdr = b->size, mstart, n;

	ofpbuf_put_be32(b, pin->buffer_id);
	ofpbuf_put_be16(b, (uint16_t)pin->total_len);
	ofpbuf_put_u8(b, pin->reason);
	ofpbuf_put_u8(b, pin->table_id);
	ofpbuf_put_be64(b, pin->cookie);
	ofpbuf_put_be16(b, 0); /* match_len, below */
	ofpbuf_put_zeros(b, 6);
	mstart = b->size;
	n = nx_put_match(b, &pin->metadata, 0, 0);
	ofpbuf_set_be16(b, hdr + 16, (uint16_t)n);
	ofpbuf_pad8(b, mstart);
	ofpbuf_put_zeros(b, 2);
	ofpbuf_put(b, pin->packet, pin->packet_len);
	ofp_msg_finish(b, start);
}

void
ofp_encode_packet_in(struct ofpbuf *b, const struct ofp_packet_in *pin,
		     uint8_t version, uint32_t format, uint32_t xid)
{
	uint32_t in_port = pin->metadata.flow.in_port;
	size_t start;

	if (format == NXPIF_NXT_PACKET_IN2) {
		encode_packet_in2(b, pin, version, xid);
		return;
	} else if (format == NXPIF_NXT_PACKET_IN) {
		encode_nxt_packet_in(b, pin, version, xid);
		return;
	}
	switch (version) {
	case OFP10_VERSION:
		start = ofp_msg_start(b, OFPRAW_OFPT10_PACKET_IN, version, xid);
		ofpbuf_put_be32(b, pin->buffer_id);
		ofpbuf_put_be16(b, (uint16_t)pin->total_len);
		ofpbuf_put_be16(b, (uint16_t)in_port);
		ofpbuf_put_u8(b, pin->reason);
		ofpbuf_put_u8(b, 0);
		break;
	case OFP11_VERSION:
		start = ofp_msg_start(b, OFPRAW_OFPT11_PACKET_IN, version, xid);
		ofpbuf_put_be32(b, pin->buffer_id);
		ofpbuf_put_be32(b, ofp_port_to_ofp11(in_port));
		ofpbuf_put_be32(b, ofp_port_to_ofp11(in_port));
		ofpbuf_put_be16(b, (uint16_t)pin->total_len);
		ofpbuf_put_u8(b, pin->reason);
		ofpbuf_put_u8(b, pin->table_id);
		break;
	default:
		start = ofp_msg_start(b,
				      version == OFP12_VERSION
					      ? OFPRAW_OFPT12_PACKET_IN
					      : OFPRAW_OFPT13_PACKET_IN,
				      version, xid);
		ofpbuf_put_be32(b, pin->buffer_id);
		ofpbuf_put_be16(b, (uint16_t)pin->total_len);
		ofpbuf_put_u8(b, pin->reason);
		ofpbuf_put_u8(b, pin->table_id);
		if (version >= OFP13_VERSION)
			ofpbuf_put_be64(b, pin->cookie);
		oxm_put_match(b, &pin->metadata, version);
		ofpbuf_put_zeros(b, 2);
		break;
	}
	ofpbuf_put(b, pin->packet, pin->packet_len);
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_print_packet_in(struct ds *s, const struct ofp_msg *m,
		    const struct ofp_port_map *ports, int verbosity)
{
	struct ofp_packet_in pin;
	enum ofperr e = ofp_decode_packet_in(m, &pin);
	char buf[16];

	if (e)
		return e;
	if (pin.table_id)
		ds_printf(s, " table_id=%u", pin.table_id);
	if (pin.cookie != UINT64_MAX)
		ds_printf(s, " cookie=0x%llx", (unsigned long long)pin.cookie);
	ds_printf(s, " total_len=%zu ", pin.total_len);
	match_format(s, &pin.metadata, ports, OFP_DEFAULT_PRIORITY);
	ds_printf(s, " (via %s)",
		  pin.reason >= 6 && pin.reason <= 7
			  ? ""
			  : ofp_packet_in_reason_name(pin.reason, buf,
						      sizeof buf));
	ds_printf(s, " data_len=%zu", pin.packet_len);
	if (pin.buffer_id == UINT32_MAX) {
		ds_put(s, " (unbuffered)");
		if (pin.total_len != pin.packet_len)
			ds_put(s, " (***total_len != data_len***)");
	} else {
		ds_printf(s, " buffer=0x%08x", pin.buffer_id);
		if (pin.total_len < pin.packet_len)
			ds_put(s, " (***total_len < data_len***)");
	}
	ds_put_char(s, '\n');
	if (pin.userdata_len) {
		ds_put(s, " userdata=");
		for (size_t i = 0; i < pin.userdata_len; i++)
			ds_printf(s, "%s%02x", i ? "." : "", pin.userdata[i]);
		ds_put_char(s, '\n');
	}
	if (verbosity > 0)
		ofp_packet_format(s, pin.packet, pin.packet_len);
	if (verbosity > 2)
		ofp_hex_dump_plain(s, pin.packet, pin.packet_len);
	return 0;
}

/* ---- packet-out ---- */

void
ofp_packet_out_uninit(struct ofp_packet_out *po)
{
	ofpacts_free(&po->acts);
	free(po->packet);
	po->packet = NULL;
}

static char *
eth_from_hex(const char *hex, struct ofp_packet_out *po)
{
	struct ofpbuf b;
	char *error;

	ofpbuf_init(&b);
	error = ofp_parse_hex(hex, &b);
	if (error) {
		free(error);
		ofpbuf_uninit(&b);
		return xstrdup("Trailing garbage in packet data");
	}
	if (b.size < 14) {
		ofpbuf_uninit(&b);
		return xstrdup("Packet data too short for Ethernet");
	}
	free(po->packet);
	po->packet = b.data;
	po->packet_len = b.size;
	return NULL;
}

char *
ofp_packet_out_parse(struct ofp_packet_out *po, const char *str,
		     const struct ofp_port_map *ports, uint32_t *usable)
{
	char *copy = xstrdup(str), *pos = copy, *acts, *name, *value;
	char *error = NULL;

	*usable = OFP_PROTO_ANY;
	memset(po, 0, sizeof *po);
	po->buffer_id = UINT32_MAX;
	ofpacts_init(&po->acts);
	set_in_port(&po->metadata, OFPP_CONTROLLER);

	acts = strstr(pos, "action");
	if (acts) {
		*acts = '\0';
		acts = strchr(acts + 1, '=');
		if (acts)
			acts++;
	}
	while (ofp_next_key_value(&pos, &name, &value)) {
		if (!*value) {
			error = xasprintf("field %s missing value", name);
			goto out;
		}
		if (!strcmp(name, "in_port")) {
			uint32_t port;
			if (!ofp_port_parse(value, ports, &port)) {
				error = xasprintf("%s is not a valid OpenFlow "
						  "port",
						  value);
				goto out;
			}
			if (port > OFPP_MAX && port != OFPP_LOCAL &&
			    port != OFPP_NONE && port != OFPP_CONTROLLER) {
				error = xasprintf("%s is not a valid OpenFlow "
						  "port for PACKET_OUT",
						  value);
				goto out;
			}
			set_in_port(&po->metadata, port);
		} else if (!strcmp(name, "packet")) {
			error = eth_from_hex(value, po);
			if (error) {
				char *e2 = xasprintf("%s: %s", name, error);
				free(error);
				error = e2;
				goto out;
			}
		} else {
			error = xasprintf("unknown keyword %s", name);
			goto out;
		}
	}
	if (!po->packet_len) {
		error = xstrdup("must specify packet");
		goto out;
	}
	if (acts) {
		uint32_t au = OFP_PROTO_ANY;
		error = ofpacts_parse_actions(acts, ports, &po->acts, &au);
		*usable &= au;
	}
out:
	free(copy);
	return error;
}

void
ofp_encode_packet_out(struct ofpbuf *b, const struct ofp_packet_out *po,
		      uint8_t version, uint32_t xid)
{
	size_t start, body, alen;

	if (version == OFP10_VERSION) {
		start = ofp_msg_start(b, OFPRAW_OFPT10_PACKET_OUT, version,
				      xid);
		body = ofpbuf_put_zeros(b, 8);
		alen = ofpacts_put_openflow_actions(po->acts.data,
						    po->acts.size, b, version);
		ofpbuf_set_be32(b, body, po->buffer_id);
		ofpbuf_set_be16(b, body + 4,
				(uint16_t)po->metadata.flow.in_port);
		ofpbuf_set_be16(b, body + 6, (uint16_t)alen);
	} else if (version < OFP15_VERSION) {
		start = ofp_msg_start(b, OFPRAW_OFPT11_PACKET_OUT, version,
				      xid);
		body = ofpbuf_put_zeros(b, 16);
		alen = ofpacts_put_openflow_actions(po->acts.data,
						    po->acts.size, b, version);
		ofpbuf_set_be32(b, body, po->buffer_id);
		ofpbuf_set_be32(b, body + 4,
				ofp_port_to_ofp11(po->metadata.flow.in_port));
		ofpbuf_set_be16(b, body + 8, (uint16_t)alen);
	} else {
		start = ofp_msg_start(b, OFPRAW_OFPT15_PACKET_OUT, version,
				      xid);
		body = ofpbuf_put_zeros(b, 8);
		oxm_put_match(b, &po->metadata, version);
		alen = ofpacts_put_openflow_actions(po->acts.data,
						    po->acts.size, b, version);
		ofpbuf_set_be32(b, body, po->buffer_id);
		ofpbuf_set_be16(b, body + 4, (uint16_t)alen);
	}
	if (po->buffer_id == UINT32_MAX)
		ofpbuf_put(b, po->packet, po->packet_len);
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_decode_packet_out(const struct ofp_msg *m, struct ofp_packet_out *po)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	const uint8_t *p = m->body;
	size_t alen;
	uint32_t port;
	enum ofperr e;

	memset(po, 0, sizeof *po);
	ofpacts_init(&po->acts);
	if (m->raw == OFPRAW_OFPT15_PACKET_OUT) {
		rd_bytes(&r, 8, &p);
		po->buffer_id = get_be32(p);
		alen = get_be16(p + 4);
		if ((e = oxm_pull_match(&r, false, &po->metadata)))
			return e;
		if (!po->metadata.mask.in_port)
			return OFPERR_OFPBRC_BAD_PORT;
	} else if (m->raw == OFPRAW_OFPT11_PACKET_OUT) {
		rd_bytes(&r, 16, &p);
		po->buffer_id = get_be32(p);
		if (!ofp_port_from_ofp11(get_be32(p + 4), &port))
			return OFPERR_OFPBAC_BAD_OUT_PORT;
		set_in_port(&po->metadata, port);
		alen = get_be16(p + 8);
	} else {
		rd_bytes(&r, 8, &p);
		po->buffer_id = get_be32(p);
		set_in_port(&po->metadata, get_be16(p + 4));
		alen = get_be16(p + 6);
	}
	if (alen > r.left)
		return OFPERR_OFPBRC_BAD_LEN;
	e = ofpacts_pull_openflow_actions(r.p, alen, m->version, &po->acts);
	if (e) {
		/* What the actions decoded before the bad one is freed: on
		 * error the caller has nothing to free. */
		ofpacts_free(&po->acts);
		return e;
	}
	rd_skip(&r, alen);
	port = po->metadata.flow.in_port;
	if (port >= OFPP_MAX && port != OFPP_LOCAL && port != OFPP_NONE &&
	    port != OFPP_CONTROLLER) {
		ofp_warn("ofp_packet", "packet-out has bad input port %#x",
			 port);
		ofpacts_free(&po->acts);
		return OFPERR_OFPBRC_BAD_PORT;
	}
	if (po->buffer_id == UINT32_MAX) {
		po->packet = (uint8_t *)(uintptr_t)r.p;
		po->packet_len = r.left;
	}
	return 0;
}

enum ofperr
ofp_print_packet_out(struct ds *s, const struct ofp_msg *m,
		     const struct ofp_port_map *ports, int verbosity)
{
	struct ofp_packet_out po;
	enum ofperr e = ofp_decode_packet_out(m, &po);

	if (e)
		return e;
	ds_put_char(s, ' ');
	match_format(s, &po.metadata, ports, OFP_DEFAULT_PRIORITY);
	ds_put(s, " actions=");
	ofpacts_format(s, po.acts.data, po.acts.size, ports);
	if (po.buffer_id == UINT32_MAX) {
		ds_printf(s, " data_len=%zu", po.packet_len);
		if (verbosity > 0 && po.packet_len > 0) {
			ds_put_char(s, '\n');
			ofp_packet_format(s, po.packet, po.packet_len);
		}
		if (verbosity > 2)
			ofp_hex_dump_plain(s, po.packet, po.packet_len);
	} else {
		ds_printf(s, " buffer=0x%08x", po.buffer_id);
	}
	ofpacts_free(&po.acts);
	return 0;
}

/* ---- packet-in format ---- */

void
ofp_encode_set_packet_in_format(struct ofpbuf *b, uint8_t version,
				uint32_t format, uint32_t xid)
{
	size_t start =
		ofp_msg_start(b, OFPRAW_NXT_SET_PACKET_IN_FORMAT, version, xid);

	ofpbuf_put_be32(b, format);
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_print_set_packet_in_format(struct ds *s, const struct ofp_msg *m)
{
	static const char *const names[] = { "standard", "nxt_packet_in",
					     "nxt_packet_in2" };
	uint32_t f = get_be32(m->body);

	if (f >= ARRAY_SIZE(names))
		return OFPERR_OFPBRC_EPERM;
	ds_printf(s, " format=%s", names[f]);
	return 0;
}
