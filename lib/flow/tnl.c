/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tnl: VXLAN (RFC 7348), GRE (RFC 2784/2890) and Geneve (RFC 8926)
 * outer headers over IPv4 or IPv6: building a push template, finishing it per
 * packet, and the strict parse of a received one (tnl.h).
 */
#include "tnl.h"

#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "flow.h"

#define IP_HDR_LEN 20
#define IP6_HDR_LEN 40
#define UDP_HDR_LEN 8
#define VXLAN_HDR_LEN 8
#define GENEVE_HDR_LEN 8
#define GRE_F_CSUM 0x8000
#define GRE_F_ROUTING 0x4000
#define GRE_F_KEY 0x2000
#define GRE_F_SEQ 0x1000
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff
#define GENEVE_F_OAM 0x80
#define GENEVE_F_CRIT 0x40

static void
put32(uint8_t *p, uint32_t v)
{
	flow_put16(p, (uint16_t)(v >> 16));
	flow_put16(p + 2, (uint16_t)v);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)flow_get16(p) << 16 | flow_get16(p + 2);
}

/* The IPv4 or IPv6 header of @s at @ip, with @proto; returns its length. */
static size_t
put_ip(const struct tnl_header_spec *s, uint8_t *ip, uint8_t proto)
{
	if (s->ipv6) {
		/* Version, traffic class; the flow label comes per packet. */
		ip[0] = (uint8_t)(0x60 | s->tos >> 4);
		ip[1] = (uint8_t)(s->tos << 4);
		ip[6] = proto;
		ip[7] = s->ttl ? s->ttl : 64;
		memcpy(ip + 8, s->ip6_src, 16);
		memcpy(ip + 24, s->ip6_dst, 16);
		return IP6_HDR_LEN;
	}
	ip[0] = 0x45;
	ip[1] = s->tos;
	flow_put16(ip + 6, s->df ? IP_DF : 0);
	ip[8] = s->ttl ? s->ttl : 64;
	ip[9] = proto;
	memcpy(ip + 12, &s->ip_src, 4);
	memcpy(ip + 16, &s->ip_dst, 4);
	return IP_HDR_LEN;
}

int
tnl_header_build(const struct tnl_header_spec *s, uint8_t *buf, size_t *len)
{
	uint8_t *ip = buf + ETH_HDR_LEN, *l4;
	size_t n, l3;

	if (s->opts_len % 4 || s->opts_len > MVS_TUN_OPTS_MAX ||
	    (s->opts_len && s->type != MVS_TNL_GENEVE) ||
	    (s->ipv6 && ETH_HDR_LEN + IP6_HDR_LEN + UDP_HDR_LEN +
					GENEVE_HDR_LEN + s->opts_len >
				MVS_TNL_PUSH_HEADER_MAX))
		return -EINVAL;
	memset(buf, 0, MVS_TNL_PUSH_HEADER_MAX);
	memcpy(buf, s->eth_dst, 6);
	memcpy(buf + 6, s->eth_src, 6);
	flow_put16(buf + 12, s->ipv6 ? ETH_TYPE_IPV6 : ETH_TYPE_IP);
	l3 = put_ip(s, ip, s->type == MVS_TNL_GRE ? 47 : IPPROTO_UDP);
	l4 = ip + l3;
	switch (s->type) {
	case MVS_TNL_VXLAN:
	case MVS_TNL_GENEVE: {
		uint8_t *t = l4 + UDP_HDR_LEN;

		flow_put16(l4 + 2, s->dst_port);
		if (s->csum)
			flow_put16(l4 + 6, 0xffff);
		if (s->type == MVS_TNL_VXLAN) {
			if (s->key > 0xffffff)
				return -EINVAL;
			t[0] = 0x08;
			put32(t + 4, (uint32_t)s->key << 8);
			n = VXLAN_HDR_LEN;
		} else {
			if (s->key > 0xffffff)
				return -EINVAL;
			t[0] = (uint8_t)(s->opts_len / 4);
			flow_put16(t + 2, TNL_ETH_TEB);
			put32(t + 4, (uint32_t)s->key << 8);
			if (s->opts_len)
				memcpy(t + GENEVE_HDR_LEN, s->opts,
				       s->opts_len);
			n = GENEVE_HDR_LEN + s->opts_len;
		}
		*len = ETH_HDR_LEN + l3 + UDP_HDR_LEN + n;
		return 0;
	}
	case MVS_TNL_GRE: {
		uint16_t flags = 0;

		n = 4;
		if (s->csum) {
			flags |= GRE_F_CSUM;
			n += 4;
		}
		if (s->key_present) {
			if (s->key > 0xffffffffu)
				return -EINVAL;
			flags |= GRE_F_KEY;
			put32(l4 + n, (uint32_t)s->key);
			n += 4;
		}
		flow_put16(l4, flags);
		flow_put16(l4 + 2, TNL_ETH_TEB);
		*len = ETH_HDR_LEN + l3 + n;
		return 0;
	}
	}
	return -EINVAL;
}

/* The UDP part of tnl_push_finish(): @ulen bytes at @l4, the pseudo
 * header's addresses @addrs (@alen bytes). */
static void
finish_udp(uint8_t *l4, size_t ulen, const uint8_t *addrs, size_t alen,
	   uint32_t hash)
{
	/* Linux's choice: the flow hash into the ephemeral range. */
	if (!flow_get16(l4))
		flow_put16(l4,
			   (uint16_t)(32768 + ((hash ^ hash >> 16) % 28232)));
	flow_put16(l4 + 4, (uint16_t)ulen);
	if (flow_get16(l4 + 6)) {
		uint32_t sum = IPPROTO_UDP + (uint32_t)ulen;
		uint16_t c;

		flow_put16(l4 + 6, 0);
		sum = flow_csum_add(addrs, alen, sum);
		c = flow_csum_fold(flow_csum_add(l4, ulen, sum));
		flow_put16(l4 + 6, c ? c : 0xffff);
	}
}

static int
finish_ipv6(uint8_t *frame, size_t frame_len, size_t hdr_len, uint32_t hash)
{
	uint8_t *ip = frame + ETH_HDR_LEN;
	size_t plen = frame_len - ETH_HDR_LEN - IP6_HDR_LEN;
	uint32_t label = (hash ^ hash >> 20) & 0xfffff;
	uint8_t *l4 = ip + IP6_HDR_LEN;

	if (hdr_len < ETH_HDR_LEN + IP6_HDR_LEN + 4 || hdr_len > frame_len ||
	    plen > 0xffff || ip[0] >> 4 != 6 ||
	    (ip[6] != IPPROTO_UDP && ip[6] != 47) ||
	    (ip[6] == IPPROTO_UDP &&
	     hdr_len < ETH_HDR_LEN + IP6_HDR_LEN + UDP_HDR_LEN))
		return -EINVAL;
	/* The flow label from the inner flow's hash, as Linux's UDP
	 * tunnels choose it, so that the underlay's ECMP keeps each inner
	 * flow on one path. */
	ip[1] = (uint8_t)((ip[1] & 0xf0) | label >> 16);
	flow_put16(ip + 2, (uint16_t)label);
	flow_put16(ip + 4, (uint16_t)plen);
	if (ip[6] == IPPROTO_UDP) {
		finish_udp(l4, plen, ip + 8, 32, hash);
	} else if (flow_get16(l4) & GRE_F_CSUM) {
		flow_put16(l4 + 4, 0);
		flow_put16(l4 + 4, flow_csum_fold(flow_csum_add(l4, plen, 0)));
	}
	return 0;
}

int
tnl_push_finish(uint8_t *frame, size_t frame_len, size_t hdr_len, uint32_t hash,
		uint16_t ip_id)
{
	uint8_t *ip = frame + ETH_HDR_LEN, *l4 = ip + IP_HDR_LEN;

	if (hdr_len >= ETH_HDR_LEN && flow_get16(frame + 12) == ETH_TYPE_IPV6)
		return finish_ipv6(frame, frame_len, hdr_len, hash);
	if (hdr_len < ETH_HDR_LEN + IP_HDR_LEN + 4 || hdr_len > frame_len ||
	    frame_len - ETH_HDR_LEN > 0xffff || ip[0] != 0x45)
		return -EINVAL;
	flow_put16(ip + 2, (uint16_t)(frame_len - ETH_HDR_LEN));
	/* An atomic datagram (DF, never fragmented) needs no id (RFC 6864):
	 * Linux's tunnels and Open vSwitch's send 0 there. */
	flow_put16(ip + 4, flow_get16(ip + 6) & IP_DF ? 0 : ip_id);
	flow_put16(ip + 10, 0);
	flow_put16(ip + 10, flow_csum_fold(flow_csum_add(ip, IP_HDR_LEN, 0)));
	if (ip[9] == IPPROTO_UDP) {
		size_t ulen = frame_len - ETH_HDR_LEN - IP_HDR_LEN;

		if (hdr_len < ETH_HDR_LEN + IP_HDR_LEN + UDP_HDR_LEN)
			return -EINVAL;
		finish_udp(l4, ulen, ip + 12, 8, hash);
	} else if (ip[9] == 47 && flow_get16(l4) & GRE_F_CSUM) {
		size_t glen = frame_len - ETH_HDR_LEN - IP_HDR_LEN;

		flow_put16(l4 + 4, 0);
		flow_put16(l4 + 4, flow_csum_fold(flow_csum_add(l4, glen, 0)));
	}
	return 0;
}

const char *
tnl_bad_name(enum tnl_bad why)
{
	static const char *const names[TNL_BAD_N] = {
		[TNL_OK] = "ok",
		[TNL_BAD_SHORT] = "short",
		[TNL_BAD_NOT_IPV4] = "not_ipv4",
		[TNL_BAD_IP] = "bad_ip",
		[TNL_BAD_IP_CSUM] = "bad_ip_csum",
		[TNL_BAD_FRAG] = "fragment",
		[TNL_BAD_PROTO] = "bad_proto",
		[TNL_BAD_UDP] = "bad_udp",
		[TNL_BAD_CSUM] = "bad_csum",
		[TNL_BAD_VXLAN] = "bad_vxlan",
		[TNL_BAD_GENEVE] = "bad_geneve",
		[TNL_BAD_GRE] = "bad_gre",
		[TNL_BAD_INNER] = "short_inner",
		[TNL_BAD_IPV6] = "bad_ipv6",
	};
	return (unsigned)why < TNL_BAD_N ? names[why] : "unknown";
}

static enum tnl_bad
parse_vxlan(const uint8_t *t, size_t left, struct mvs_key_tunnel *tun,
	    size_t *n)
{
	if (left < VXLAN_HDR_LEN)
		return TNL_BAD_SHORT;
	/* Only the I flag; reserved bits zero (RFC 7348 5). */
	if (get32(t) != 0x08000000u || t[7])
		return TNL_BAD_VXLAN;
	tun->tun_id = htobe64(get32(t + 4) >> 8);
	tun->flags |= MVS_TNL_F_KEY;
	*n = VXLAN_HDR_LEN;
	return TNL_OK;
}

static enum tnl_bad
parse_geneve(const uint8_t *t, size_t left, struct mvs_key_tunnel *tun,
	     size_t *n)
{
	size_t opts, at;

	if (left < GENEVE_HDR_LEN)
		return TNL_BAD_SHORT;
	opts = (size_t)(t[0] & 0x3f) * 4;
	if (t[0] >> 6 || (t[1] & 0x3f) || flow_get16(t + 2) != TNL_ETH_TEB ||
	    t[7] || opts > MVS_TUN_OPTS_MAX)
		return TNL_BAD_GENEVE;
	if (left < GENEVE_HDR_LEN + opts)
		return TNL_BAD_SHORT;
	/* Each option's length must end inside the options. */
	for (at = 0; at < opts;) {
		const uint8_t *o = t + GENEVE_HDR_LEN + at;

		if (opts - at < 4)
			return TNL_BAD_GENEVE;
		at += 4 + (size_t)(o[3] & 0x1f) * 4;
		if (at > opts)
			return TNL_BAD_GENEVE;
	}
	tun->tun_id = htobe64(get32(t + 4) >> 8);
	tun->flags |= MVS_TNL_F_KEY;
	if (t[1] & GENEVE_F_OAM)
		tun->flags |= MVS_TNL_F_OAM;
	memcpy(tun->opts, t + GENEVE_HDR_LEN, opts);
	tun->opts_len = (uint8_t)opts;
	*n = GENEVE_HDR_LEN + opts;
	return TNL_OK;
}

static enum tnl_bad
parse_gre(const uint8_t *g, size_t left, bool csum_verified,
	  struct mvs_key_tunnel *tun, size_t *n)
{
	uint16_t flags;
	size_t need = 4;

	if (left < 4)
		return TNL_BAD_SHORT;
	flags = flow_get16(g);
	/* No routing, no strict source route, no recursion, no other
	 * flags, version 0; Ethernet inside. */
	if (flags & ~(GRE_F_CSUM | GRE_F_KEY | GRE_F_SEQ) ||
	    flow_get16(g + 2) != TNL_ETH_TEB)
		return TNL_BAD_GRE;
	need += flags & GRE_F_CSUM ? 4 : 0;
	need += flags & GRE_F_KEY ? 4 : 0;
	need += flags & GRE_F_SEQ ? 4 : 0;
	if (left < need)
		return TNL_BAD_SHORT;
	if (flags & GRE_F_CSUM) {
		if (!csum_verified &&
		    flow_csum_fold(flow_csum_add(g, left, 0)) != 0)
			return TNL_BAD_CSUM;
		tun->flags |= MVS_TNL_F_CSUM;
	}
	if (flags & GRE_F_KEY) {
		size_t at = flags & GRE_F_CSUM ? 8 : 4;

		tun->tun_id = htobe64(get32(g + at));
		tun->flags |= MVS_TNL_F_KEY;
	}
	*n = need;
	return TNL_OK;
}

/* An IPv6 extension header: the outer header must carry the tunnel's
 * protocol directly (Open vSwitch's native tunnels do not walk them). */
static bool
is_ipv6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 50 || nh == 51 ||
	       nh == 60 || nh == 135 || nh == 139 || nh == 140;
}

/* The outer IP header at @ip (@avail bytes to the frame's end): fills
 * @tun's addresses, TOS, TTL and DF, *@ihl (header length), *@tot (the
 * datagram's length), *@proto, and where the pseudo header's addresses
 * are (*@addrs, *@alen). */
static enum tnl_bad
parse_ip(const uint8_t *ip, size_t avail, bool v6, struct mvs_key_tunnel *tun,
	 size_t *ihl, size_t *tot, uint8_t *proto, const uint8_t **addrs,
	 size_t *alen)
{
	uint16_t frag;

	if (v6) {
		if (avail < IP6_HDR_LEN)
			return TNL_BAD_SHORT;
		if (ip[0] >> 4 != 6)
			return TNL_BAD_IPV6;
		*ihl = IP6_HDR_LEN;
		*tot = IP6_HDR_LEN + (size_t)flow_get16(ip + 4);
		if (avail < *tot)
			return TNL_BAD_SHORT;
		if (is_ipv6_ext(ip[6]))
			return TNL_BAD_IPV6;
		memcpy(tun->ipv6_src, ip + 8, 16);
		memcpy(tun->ipv6_dst, ip + 24, 16);
		tun->flags |= MVS_TNL_F_IPV6;
		tun->tos = (uint8_t)(ip[0] << 4 | ip[1] >> 4);
		tun->ttl = ip[7];
		*proto = ip[6];
		*addrs = ip + 8;
		*alen = 32;
		return TNL_OK;
	}
	if (avail < IP_HDR_LEN)
		return TNL_BAD_SHORT;
	*ihl = (size_t)(ip[0] & 0x0f) * 4;
	*tot = flow_get16(ip + 2);
	if (ip[0] >> 4 != 4 || *ihl < IP_HDR_LEN || *tot < *ihl)
		return TNL_BAD_IP;
	if (avail < *tot)
		return TNL_BAD_SHORT;
	if (flow_csum_fold(flow_csum_add(ip, *ihl, 0)) != 0)
		return TNL_BAD_IP_CSUM;
	frag = flow_get16(ip + 6);
	if (frag & (IP_MF | IP_OFFMASK))
		return TNL_BAD_FRAG;
	memcpy(&tun->ipv4_src, ip + 12, 4);
	memcpy(&tun->ipv4_dst, ip + 16, 4);
	tun->tos = ip[1];
	tun->ttl = ip[8];
	if (frag & IP_DF)
		tun->flags |= MVS_TNL_F_DONT_FRAGMENT;
	*proto = ip[9];
	*addrs = ip + 12;
	*alen = 8;
	return TNL_OK;
}

enum tnl_bad
tnl_parse(const uint8_t *frame, size_t len, enum mvs_tnl_type type,
	  bool csum_verified, struct mvs_key_tunnel *tun, size_t *hdr_len,
	  size_t *inner_len)
{
	const uint8_t *ip, *addrs;
	size_t l3 = ETH_HDR_LEN, ihl, tot, alen, n = 0;
	uint16_t ethertype;
	uint8_t proto;
	enum tnl_bad r;

	memset(tun, 0, sizeof *tun);
	if (len < ETH_HDR_LEN)
		return TNL_BAD_SHORT;
	if (flow_get16(frame + 12) == ETH_TYPE_VLAN) {
		if (len < ETH_HDR_LEN + 4)
			return TNL_BAD_SHORT;
		l3 += 4;
	}
	ethertype = flow_get16(frame + l3 - 2);
	if (ethertype != ETH_TYPE_IP && ethertype != ETH_TYPE_IPV6)
		return TNL_BAD_NOT_IPV4;
	ip = frame + l3;
	r = parse_ip(ip, len - l3, ethertype == ETH_TYPE_IPV6, tun, &ihl, &tot,
		     &proto, &addrs, &alen);
	if (r)
		return r;

	const uint8_t *l4 = ip + ihl;
	size_t left = tot - ihl, l4_hdr;

	if (type == MVS_TNL_GRE) {
		if (proto != 47)
			return TNL_BAD_PROTO;
		r = parse_gre(l4, left, csum_verified, tun, &n);
		l4_hdr = 0;
	} else {
		size_t ulen;

		if (proto != IPPROTO_UDP)
			return TNL_BAD_PROTO;
		if (left < UDP_HDR_LEN)
			return TNL_BAD_SHORT;
		ulen = flow_get16(l4 + 4);
		if (ulen != left)
			return TNL_BAD_UDP;
		memcpy(&tun->tp_src, l4, 2);
		memcpy(&tun->tp_dst, l4 + 2, 2);
		if (flow_get16(l4 + 6)) {
			uint32_t sum = IPPROTO_UDP + (uint32_t)ulen;

			sum = flow_csum_add(addrs, alen, sum);
			if (!csum_verified &&
			    flow_csum_fold(flow_csum_add(l4, ulen, sum)) != 0)
				return TNL_BAD_CSUM;
			tun->flags |= MVS_TNL_F_CSUM;
		}
		l4_hdr = UDP_HDR_LEN;
		if (type == MVS_TNL_VXLAN)
			r = parse_vxlan(l4 + l4_hdr, left - l4_hdr, tun, &n);
		else if (type == MVS_TNL_GENEVE)
			r = parse_geneve(l4 + l4_hdr, left - l4_hdr, tun, &n);
		else
			r = TNL_BAD_PROTO;
	}
	if (r)
		return r;
	*hdr_len = l3 + ihl + l4_hdr + n;
	if (l3 + tot < *hdr_len + ETH_HDR_LEN)
		return TNL_BAD_INNER;
	*inner_len = l3 + tot - *hdr_len;
	return TNL_OK;
}
