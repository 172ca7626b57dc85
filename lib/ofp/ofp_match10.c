/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_match10: OpenFlow 1.0 and 1.1 fixed matches.
 */
#include "ofp_match10.h"

#include <stdarg.h>
#include <string.h>

#include "ofp_msg.h"
#include "ofp_nxm.h"

#define OFP10_VLAN_NONE 0xffff
#define OFPVID11_ANY 0xfffe
#define OFPVID11_NONE 0xffff
#define OFP_DL_TYPE_NOT_ETH_TYPE 0x05ff

#define OFPFW11_IN_PORT (1u << 0)
#define OFPFW11_DL_VLAN (1u << 1)
#define OFPFW11_DL_VLAN_PCP (1u << 2)
#define OFPFW11_DL_TYPE (1u << 3)
#define OFPFW11_NW_TOS (1u << 4)
#define OFPFW11_NW_PROTO (1u << 5)
#define OFPFW11_TP_SRC (1u << 6)
#define OFPFW11_TP_DST (1u << 7)
#define OFPFW11_MPLS_LABEL (1u << 8)
#define OFPFW11_MPLS_TC (1u << 9)

static uint32_t
wcbits_to_netmask(unsigned wcbits)
{
	wcbits &= 0x3f;
	return wcbits < 32 ? htonl(~((1u << wcbits) - 1)) : 0;
}

static unsigned
netmask_to_wcbits(uint32_t be_mask)
{
	uint32_t m = ntohl(be_mask);
	unsigned bits = 0;

	while (bits < 32 && (m & (1u << (31 - bits))))
		bits++;
	return 32 - bits;
}

uint32_t
ofp10_match_wildcards(const uint8_t *p)
{
	return get_be32(p);
}

void
ofp10_match_decode(const uint8_t *p, struct match *m)
{
	uint32_t w = get_be32(p) & OFPFW10_ALL;
	struct flow *f = &m->flow, *mk = &m->mask;
	uint16_t dl_vlan = get_be16(p + 18);

	match_init_catchall(m);
	if (!(w & OFPFW10_IN_PORT))
		mk->in_port = 0xffff;
	if (!(w & OFPFW10_NW_TOS))
		mk->hdr.nw_tos |= IP_DSCP_MASK;
	if (!(w & OFPFW10_NW_PROTO))
		mk->hdr.nw_proto = 0xff;
	mk->hdr.ipv4_src = wcbits_to_netmask(w >> OFPFW10_NW_SRC_SHIFT);
	mk->hdr.ipv4_dst = wcbits_to_netmask(w >> OFPFW10_NW_DST_SHIFT);
	if (!(w & OFPFW10_TP_SRC))
		mk->hdr.tp_src = 0xffff;
	if (!(w & OFPFW10_TP_DST))
		mk->hdr.tp_dst = 0xffff;
	if (!(w & OFPFW10_DL_SRC))
		memset(mk->hdr.eth_src, 0xff, 6);
	if (!(w & OFPFW10_DL_DST))
		memset(mk->hdr.eth_dst, 0xff, 6);
	if (!(w & OFPFW10_DL_TYPE))
		mk->hdr.eth_type = 0xffff;
	if (!(w & OFPFW10_DL_VLAN_PCP))
		mk->hdr.vlan_tci |= htons(MVS_VLAN_PCP_MASK | MVS_VLAN_PRESENT);
	if (!(w & OFPFW10_DL_VLAN))
		mk->hdr.vlan_tci |= htons(MVS_VLAN_VID_MASK | MVS_VLAN_PRESENT);

	f->in_port = get_be16(p + 4);
	memcpy(f->hdr.eth_src, p + 6, 6);
	memcpy(f->hdr.eth_dst, p + 12, 6);
	f->hdr.eth_type = htons(get_be16(p + 22));
	f->hdr.nw_tos = p[24] & IP_DSCP_MASK;
	f->hdr.nw_proto = p[25];
	memcpy(&f->hdr.ipv4_src, p + 28, 4);
	memcpy(&f->hdr.ipv4_dst, p + 32, 4);
	memcpy(&f->hdr.tp_src, p + 36, 2);
	memcpy(&f->hdr.tp_dst, p + 38, 2);
	if (!(w & OFPFW10_DL_VLAN) && dl_vlan == OFP10_VLAN_NONE) {
		f->hdr.vlan_tci = 0;
		mk->hdr.vlan_tci = 0xffff;
	} else {
		uint16_t vid = dl_vlan & MVS_VLAN_VID_MASK;
		uint16_t pcp = (uint16_t)((p[20] << MVS_VLAN_PCP_SHIFT) &
					  MVS_VLAN_PCP_MASK);
		f->hdr.vlan_tci = htons(vid | pcp | MVS_VLAN_PRESENT);
	}
	match_canonicalize(m);
}

void
ofp10_match_encode(struct ofpbuf *b, const struct match *m)
{
	const struct flow *f = &m->flow, *mk = &m->mask;
	uint16_t tci = ntohs(f->hdr.vlan_tci), tmask = ntohs(mk->hdr.vlan_tci);
	uint16_t dl_vlan = 0, type = ntohs(f->hdr.eth_type);
	uint8_t pcp = 0;
	uint32_t w = 0;
	size_t ofs = ofpbuf_put_zeros(b, OFP10_MATCH_LEN);
	uint8_t *p;

	if (!mk->in_port)
		w |= OFPFW10_IN_PORT;
	if (!mk->hdr.eth_type)
		w |= OFPFW10_DL_TYPE;
	if (!mk->hdr.nw_proto)
		w |= OFPFW10_NW_PROTO;
	w |= netmask_to_wcbits(mk->hdr.ipv4_src) << OFPFW10_NW_SRC_SHIFT;
	w |= netmask_to_wcbits(mk->hdr.ipv4_dst) << OFPFW10_NW_DST_SHIFT;
	if (!(mk->hdr.nw_tos & IP_DSCP_MASK))
		w |= OFPFW10_NW_TOS;
	if (!mk->hdr.tp_src)
		w |= OFPFW10_TP_SRC;
	if (!mk->hdr.tp_dst)
		w |= OFPFW10_TP_DST;
	if (ofp_is_zero(mk->hdr.eth_src, 6))
		w |= OFPFW10_DL_SRC;
	if (ofp_is_zero(mk->hdr.eth_dst, 6))
		w |= OFPFW10_DL_DST;
	if (!tmask) {
		w |= OFPFW10_DL_VLAN | OFPFW10_DL_VLAN_PCP;
	} else if ((tmask & MVS_VLAN_PRESENT) && !(tci & MVS_VLAN_PRESENT)) {
		dl_vlan = OFP10_VLAN_NONE;
	} else {
		if (!(tmask & MVS_VLAN_VID_MASK))
			w |= OFPFW10_DL_VLAN;
		else
			dl_vlan = tci & MVS_VLAN_VID_MASK;
		if (!(tmask & MVS_VLAN_PCP_MASK))
			w |= OFPFW10_DL_VLAN_PCP;
		else
			pcp = (uint8_t)(tci >> MVS_VLAN_PCP_SHIFT);
	}
	p = b->data + ofs;
	ofpbuf_set_be32(b, ofs, w);
	ofpbuf_set_be16(b, ofs + 4, (uint16_t)f->in_port);
	memcpy(p + 6, f->hdr.eth_src, 6);
	memcpy(p + 12, f->hdr.eth_dst, 6);
	ofpbuf_set_be16(b, ofs + 18, dl_vlan);
	p[20] = pcp;
	ofpbuf_set_be16(b, ofs + 22,
			type == MVS_ETH_TYPE_NONE ? OFP_DL_TYPE_NOT_ETH_TYPE
						  : type);
	p[24] = f->hdr.nw_tos & IP_DSCP_MASK;
	p[25] = f->hdr.nw_proto;
	memcpy(p + 28, &f->hdr.ipv4_src, 4);
	memcpy(p + 32, &f->hdr.ipv4_dst, 4);
	memcpy(p + 36, &f->hdr.tp_src, 2);
	memcpy(p + 38, &f->hdr.tp_dst, 2);
}

/* ---- OpenFlow 1.1 ---- */

static void
set_masked(uint8_t *v, uint8_t *mask, const uint8_t *pv, const uint8_t *pm,
	   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		mask[i] = (uint8_t)~pm[i];
		v[i] = pv[i] & mask[i];
	}
}

enum ofperr
ofp11_match_decode(const uint8_t *p, struct match *m)
{
	uint32_t w = get_be32(p + 8);
	struct flow *f = &m->flow, *mk = &m->mask;
	uint16_t type;
	bool ipv4, arp;

	match_init_catchall(m);
	if (!(w & OFPFW11_IN_PORT)) {
		uint32_t port;
		if (!ofp_port_from_ofp11(get_be32(p + 4), &port))
			return OFPERR_OFPBMC_BAD_VALUE;
		f->in_port = port;
		mk->in_port = 0xffff;
	}
	set_masked(f->hdr.eth_src, mk->hdr.eth_src, p + 12, p + 18, 6);
	set_masked(f->hdr.eth_dst, mk->hdr.eth_dst, p + 24, p + 30, 6);
	if (!(w & OFPFW11_DL_VLAN)) {
		uint16_t vlan = get_be16(p + 36);
		if (vlan == OFPVID11_NONE) {
			f->hdr.vlan_tci = 0;
			mk->hdr.vlan_tci = 0xffff;
		} else {
			if (vlan == OFPVID11_ANY) {
				f->hdr.vlan_tci = htons(MVS_VLAN_PRESENT);
				mk->hdr.vlan_tci = htons(MVS_VLAN_PRESENT);
			} else if (vlan < 4096) {
				f->hdr.vlan_tci =
					htons(MVS_VLAN_PRESENT | vlan);
				mk->hdr.vlan_tci = htons(MVS_VLAN_PRESENT |
							 MVS_VLAN_VID_MASK);
			} else {
				return OFPERR_OFPBMC_BAD_VALUE;
			}
			if (!(w & OFPFW11_DL_VLAN_PCP)) {
				if (p[38] > 7)
					return OFPERR_OFPBMC_BAD_VALUE;
				f->hdr.vlan_tci |= htons((
					uint16_t)(p[38] << MVS_VLAN_PCP_SHIFT));
				mk->hdr.vlan_tci |= htons(MVS_VLAN_PCP_MASK);
			}
		}
	}
	if (!(w & OFPFW11_DL_TYPE)) {
		type = get_be16(p + 40);
		f->hdr.eth_type = htons(type == OFP_DL_TYPE_NOT_ETH_TYPE
						? MVS_ETH_TYPE_NONE
						: type);
		mk->hdr.eth_type = 0xffff;
	}
	type = ntohs(f->hdr.eth_type);
	ipv4 = type == ETH_TYPE_IP;
	arp = type == ETH_TYPE_ARP || type == ETH_TYPE_RARP;
	if (ipv4 && !(w & OFPFW11_NW_TOS)) {
		if (p[42] & ~IP_DSCP_MASK)
			return OFPERR_OFPBMC_BAD_VALUE;
		f->hdr.nw_tos = p[42];
		mk->hdr.nw_tos |= IP_DSCP_MASK;
	}
	if (ipv4 || arp) {
		if (!(w & OFPFW11_NW_PROTO)) {
			f->hdr.nw_proto = p[43];
			mk->hdr.nw_proto = 0xff;
		}
		set_masked((uint8_t *)&f->hdr.ipv4_src,
			   (uint8_t *)&mk->hdr.ipv4_src, p + 44, p + 48, 4);
		set_masked((uint8_t *)&f->hdr.ipv4_dst,
			   (uint8_t *)&mk->hdr.ipv4_dst, p + 52, p + 56, 4);
	}
	if (ipv4 && (w & (OFPFW11_TP_SRC | OFPFW11_TP_DST)) !=
			    (OFPFW11_TP_SRC | OFPFW11_TP_DST)) {
		switch (f->hdr.nw_proto) {
		case IPPROTO_ICMP_:
			if (!(w & OFPFW11_TP_SRC)) {
				if (get_be16(p + 60) >= 0x100)
					return OFPERR_OFPBMC_BAD_FIELD;
				memcpy(&f->hdr.tp_src, p + 60, 2);
				mk->hdr.tp_src = 0xffff;
			}
			if (!(w & OFPFW11_TP_DST)) {
				if (get_be16(p + 62) >= 0x100)
					return OFPERR_OFPBMC_BAD_FIELD;
				memcpy(&f->hdr.tp_dst, p + 62, 2);
				mk->hdr.tp_dst = 0xffff;
			}
			break;
		case IPPROTO_TCP_:
		case IPPROTO_UDP_:
		case IPPROTO_SCTP_:
			if (!(w & OFPFW11_TP_SRC)) {
				memcpy(&f->hdr.tp_src, p + 60, 2);
				mk->hdr.tp_src = 0xffff;
			}
			if (!(w & OFPFW11_TP_DST)) {
				memcpy(&f->hdr.tp_dst, p + 62, 2);
				mk->hdr.tp_dst = 0xffff;
			}
			break;
		}
	}
	{
		uint64_t md = get_be64(p + 72), mm = ~get_be64(p + 80);
		f->metadata = md & mm;
		mk->metadata = mm;
	}
	match_canonicalize(m);
	return 0;
}

static void
put_inverted(uint8_t *dst, const uint8_t *mask, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (uint8_t)~mask[i];
}

void
ofp11_match_encode(struct ofpbuf *b, const struct match *m)
{
	const struct flow *f = &m->flow, *mk = &m->mask;
	uint16_t tci = ntohs(f->hdr.vlan_tci), tmask = ntohs(mk->hdr.vlan_tci);
	size_t ofs = ofpbuf_put_zeros(b, OFP11_MATCH_LEN);
	uint8_t *p = b->data + ofs;
	uint32_t w = 0;

	ofpbuf_set_be16(b, ofs, OFPMT_STANDARD);
	ofpbuf_set_be16(b, ofs + 2, OFP11_MATCH_LEN);
	if (!mk->in_port)
		w |= OFPFW11_IN_PORT;
	else
		ofpbuf_set_be32(b, ofs + 4, ofp_port_to_ofp11(f->in_port));
	memcpy(p + 12, f->hdr.eth_src, 6);
	put_inverted(p + 18, mk->hdr.eth_src, 6);
	memcpy(p + 24, f->hdr.eth_dst, 6);
	put_inverted(p + 30, mk->hdr.eth_dst, 6);
	if (!tmask) {
		w |= OFPFW11_DL_VLAN | OFPFW11_DL_VLAN_PCP;
	} else if ((tmask & MVS_VLAN_PRESENT) && !(tci & MVS_VLAN_PRESENT)) {
		ofpbuf_set_be16(b, ofs + 36, OFPVID11_NONE);
		w |= OFPFW11_DL_VLAN_PCP;
	} else {
		ofpbuf_set_be16(b, ofs + 36,
				(tmask & MVS_VLAN_VID_MASK)
					? tci & MVS_VLAN_VID_MASK
					: OFPVID11_ANY);
		if (!(tmask & MVS_VLAN_PCP_MASK))
			w |= OFPFW11_DL_VLAN_PCP;
		else
			p[38] = (uint8_t)(tci >> MVS_VLAN_PCP_SHIFT);
	}
	if (!mk->hdr.eth_type) {
		w |= OFPFW11_DL_TYPE;
	} else {
		uint16_t type = ntohs(f->hdr.eth_type);
		ofpbuf_set_be16(b, ofs + 40,
				type == MVS_ETH_TYPE_NONE
					? OFP_DL_TYPE_NOT_ETH_TYPE
					: type);
	}
	if (!(mk->hdr.nw_tos & IP_DSCP_MASK))
		w |= OFPFW11_NW_TOS;
	else
		p[42] = f->hdr.nw_tos & IP_DSCP_MASK;
	if (!mk->hdr.nw_proto)
		w |= OFPFW11_NW_PROTO;
	else
		p[43] = f->hdr.nw_proto;
	memcpy(p + 44, &f->hdr.ipv4_src, 4);
	put_inverted(p + 48, (const uint8_t *)&mk->hdr.ipv4_src, 4);
	memcpy(p + 52, &f->hdr.ipv4_dst, 4);
	put_inverted(p + 56, (const uint8_t *)&mk->hdr.ipv4_dst, 4);
	if (!mk->hdr.tp_src)
		w |= OFPFW11_TP_SRC;
	else
		memcpy(p + 60, &f->hdr.tp_src, 2);
	if (!mk->hdr.tp_dst)
		w |= OFPFW11_TP_DST;
	else
		memcpy(p + 62, &f->hdr.tp_dst, 2);
	w |= OFPFW11_MPLS_LABEL | OFPFW11_MPLS_TC;
	ofpbuf_set_be32(b, ofs + 72, (uint32_t)(f->metadata >> 32));
	ofpbuf_set_be32(b, ofs + 76, (uint32_t)f->metadata);
	ofpbuf_set_be32(b, ofs + 80, ~(uint32_t)(mk->metadata >> 32));
	ofpbuf_set_be32(b, ofs + 84, ~(uint32_t)mk->metadata);
	ofpbuf_set_be32(b, ofs + 8, w);
}

enum ofperr
ofp_pull_ofp11_match(struct ofp_reader *r, struct match *m,
		     uint16_t *padded_len)
{
	uint16_t type, len;

	if (r->left < 4)
		return OFPERR_OFPBMC_BAD_LEN;
	type = get_be16(r->p);
	len = get_be16(r->p + 2);
	switch (type) {
	case OFPMT_STANDARD: {
		const uint8_t *p;
		if (len != OFP11_MATCH_LEN || r->left < OFP11_MATCH_LEN)
			return OFPERR_OFPBMC_BAD_LEN;
		rd_bytes(r, OFP11_MATCH_LEN, &p);
		if (padded_len)
			*padded_len = len;
		return ofp11_match_decode(p, m);
	}
	case OFPMT_OXM:
		if (padded_len)
			*padded_len = (uint16_t)((len + 7u) / 8 * 8);
		return oxm_pull_match(r, true, m);
	default:
		return OFPERR_OFPBMC_BAD_TYPE;
	}
}

size_t
ofp_put_ofp11_match(struct ofpbuf *b, const struct match *m, uint8_t version)
{
	if (version == OFP11_VERSION) {
		ofp11_match_encode(b, m);
		return OFP11_MATCH_LEN;
	}
	return oxm_put_match(b, m, version);
}

/* ---- ofp10_match as text (ofp-print at verbosity 3 and up) ---- */

/* Appends "LEADER" and the value or "*" (wildcarded, shown only from
 * verbosity 2), and a comma. */
static void PRINTF_FMT(5, 6)
	put_wild(struct ds *s, const char *leader, bool wild, int verbosity,
		 const char *fmt, ...)
{
	va_list ap;

	if (wild && verbosity < 2)
		return;
	ds_put(s, leader);
	if (wild) {
		ds_put_char(s, '*');
	} else {
		va_start(ap, fmt);
		ds_vprintf(s, fmt, ap);
		va_end(ap);
	}
	ds_put_char(s, ',');
}

static void
put_netmask(struct ds *s, const char *leader, const uint8_t *ip,
	    unsigned wild_bits, int verbosity)
{
	if (wild_bits >= 32 && verbosity < 2)
		return;
	ds_put(s, leader);
	if (wild_bits < 32) {
		ds_printf(s, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		if (wild_bits)
			ds_printf(s, "/%u", 32 - wild_bits);
	} else {
		ds_put_char(s, '*');
	}
	ds_put_char(s, ',');
}

static void
put_mac(struct ds *s, const char *leader, bool wild, int verbosity,
	const uint8_t *mac)
{
	put_wild(s, leader, wild, verbosity, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

void
ofp10_match_format(struct ds *s, const uint8_t *p,
		   const struct ofp_port_map *ports, int verbosity)
{
	uint32_t w = get_be32(p) & OFPFW10_ALL;
	uint16_t dl_type = get_be16(p + 22);
	uint8_t proto = p[25];
	bool skip_type = false, skip_proto = false;
	size_t start = s->len;

	if (!(w & OFPFW10_DL_TYPE)) {
		skip_type = true;
		if (dl_type == ETH_TYPE_IP) {
			const char *name = NULL;
			if (!(w & OFPFW10_NW_PROTO))
				name = proto == IPPROTO_ICMP_	? "icmp"
				       : proto == IPPROTO_TCP_	? "tcp"
				       : proto == IPPROTO_UDP_	? "udp"
				       : proto == IPPROTO_SCTP_ ? "sctp"
								: NULL;
			skip_proto = name != NULL;
			ds_printf(s, "%s,", name ? name : "ip");
		} else if (dl_type == ETH_TYPE_ARP) {
			ds_put(s, "arp,");
		} else if (dl_type == ETH_TYPE_RARP) {
			ds_put(s, "rarp,");
		} else if (dl_type == 0x8847) {
			ds_put(s, "mpls,");
		} else if (dl_type == 0x8848) {
			ds_put(s, "mplsm,");
		} else {
			skip_type = false;
		}
	}
	if (!(w & OFPFW10_IN_PORT) || verbosity >= 2) {
		ds_put(s, "in_port=");
		if (w & OFPFW10_IN_PORT)
			ds_put_char(s, '*');
		else
			ofp_port_format(s, get_be16(p + 4), ports);
		ds_put_char(s, ',');
	}
	put_wild(s, "dl_vlan=", w & OFPFW10_DL_VLAN, verbosity, "%d",
		 get_be16(p + 18));
	put_wild(s, "dl_vlan_pcp=", w & OFPFW10_DL_VLAN_PCP, verbosity, "%d",
		 p[20]);
	put_mac(s, "dl_src=", w & OFPFW10_DL_SRC, verbosity, p + 6);
	put_mac(s, "dl_dst=", w & OFPFW10_DL_DST, verbosity, p + 12);
	if (!skip_type)
		put_wild(s, "dl_type=", w & OFPFW10_DL_TYPE, verbosity,
			 "0x%04x", dl_type);
	put_netmask(s, "nw_src=", p + 28, (w >> OFPFW10_NW_SRC_SHIFT) & 0x3f,
		    verbosity);
	put_netmask(s, "nw_dst=", p + 32, (w >> OFPFW10_NW_DST_SHIFT) & 0x3f,
		    verbosity);
	if (!skip_proto)
		put_wild(s,
			 dl_type == ETH_TYPE_ARP || dl_type == ETH_TYPE_RARP
				 ? "arp_op="
				 : "nw_proto=",
			 w & OFPFW10_NW_PROTO, verbosity, "%u", proto);
	put_wild(s, "nw_tos=", w & OFPFW10_NW_TOS, verbosity, "%u", p[24]);
	if (proto == IPPROTO_ICMP_) {
		put_wild(s, "icmp_type=", w & OFPFW10_TP_SRC, verbosity, "%d",
			 get_be16(p + 36));
		put_wild(s, "icmp_code=", w & OFPFW10_TP_DST, verbosity, "%d",
			 get_be16(p + 38));
	} else {
		put_wild(s, "tp_src=", w & OFPFW10_TP_SRC, verbosity, "%d",
			 get_be16(p + 36));
		put_wild(s, "tp_dst=", w & OFPFW10_TP_DST, verbosity, "%d",
			 get_be16(p + 38));
	}
	if (s->len > start)
		ds_chomp(s, ',');
}
