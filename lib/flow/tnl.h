/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tnl: the outer headers of VXLAN, GRE and Geneve over IPv4 or IPv6, on
 * the wire.  vswitchd builds the header a tunnel port
 * pushes (tnl_header_build: Ethernet, IPv4, UDP or GRE, VXLAN or Geneve, as
 * MVS_ACTION_ATTR_TUNNEL_PUSH carries it); the userspace datapath
 * finishes it on each packet (tnl_push_finish: lengths, IPv4 id and
 * checksum, the UDP source port from the inner flow's hash, the outer
 * checksum when the header asks for one) and takes it off a received
 * packet (tnl_parse).
 *
 * A tunnel packet is untrusted input from the underlay: tnl_parse reads
 * nothing past the bytes it is given, checks every length and flag the
 * header announces, and says why it refuses a packet (enum tnl_bad), so
 * the datapath can count each reason.  It is fuzzed (flow_fuzz.c).
 */
#ifndef MICROVS_TNL_H
#define MICROVS_TNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "microvs_dp.h"

#define TNL_VXLAN_PORT 4789
#define TNL_GENEVE_PORT 6081
#define TNL_ETH_TEB 0x6558 /* GRE/Geneve protocol: Ethernet frames */

/* What a tunnel port sends with. */
struct tnl_header_spec {
	enum mvs_tnl_type type;
	uint8_t eth_src[6], eth_dst[6];
	uint32_t ip_src, ip_dst; /* network order */
	bool ipv6;		 /* an IPv6 outer header, with: */
	uint8_t ip6_src[16], ip6_dst[16];
	uint8_t tos, ttl;
	bool df;
	bool csum;	   /* outer UDP checksum, or the GRE checksum */
	bool key_present;  /* GRE: send a key */
	uint16_t dst_port; /* VXLAN, Geneve: host order */
	uint64_t key;	   /* VNI (24 bits) or GRE key (32 bits), host order */
	const uint8_t *opts; /* Geneve options, as on the wire */
	size_t opts_len;     /* a multiple of 4, at most MVS_TUN_OPTS_MAX */
};

/* Writes the outer header @s describes into @buf (at least
 * MVS_TNL_PUSH_HEADER_MAX bytes) and sets *@len.  Lengths, checksums and
 * the UDP source port are left for tnl_push_finish().  A UDP header that
 * asks for a checksum carries 0xffff in its checksum field.  0, or
 * -EINVAL for a spec it cannot represent. */
int tnl_header_build(const struct tnl_header_spec *s, uint8_t *buf,
		     size_t *len);

/* Finishes the outer header of @hdr_len bytes at the start of @frame
 * (@frame_len bytes in all, the inner frame after the header, its
 * checksums complete): IPv4 total length, id (@ip_id, or 0 when the
 * header has DF, as Linux and Open vSwitch send) and header checksum, or
 * the IPv6 payload length and a flow label from @hash; UDP length, the
 * UDP source port from @hash (when the template has 0) and the outer UDP
 * or GRE checksum when the header asks for it.  0, or
 * -EINVAL if the template is not one tnl_header_build() makes. */
int tnl_push_finish(uint8_t *frame, size_t frame_len, size_t hdr_len,
		    uint32_t hash, uint16_t ip_id);

/* Why tnl_parse() refused a packet. */
enum tnl_bad {
	TNL_OK = 0,
	TNL_BAD_SHORT,	  /* ends inside the outer headers */
	TNL_BAD_NOT_IPV4, /* not Ethernet/IPv4 */
	TNL_BAD_IP,	  /* IPv4 version, IHL or length wrong */
	TNL_BAD_IP_CSUM,  /* IPv4 header checksum wrong */
	TNL_BAD_FRAG,	  /* the outer packet is a fragment */
	TNL_BAD_PROTO,	  /* not the port's protocol (UDP, GRE) */
	TNL_BAD_UDP,	  /* UDP length wrong */
	TNL_BAD_CSUM,	  /* UDP or GRE checksum wrong */
	TNL_BAD_VXLAN,	  /* VXLAN flags or reserved bits */
	TNL_BAD_GENEVE,	  /* Geneve version, protocol, option lengths */
	TNL_BAD_GRE,	  /* GRE flags, version, routing, protocol */
	TNL_BAD_INNER,	  /* the inner frame is shorter than Ethernet */
	TNL_BAD_IPV6,	  /* IPv6 version, payload length, extension headers */
	TNL_BAD_N
};

/* The name of @why, for counters and logs ("short", "bad_vxlan"...). */
const char *tnl_bad_name(enum tnl_bad why);

/* Parses the outer headers of a @type tunnel packet (@frame, @len bytes,
 * starting at Ethernet).  On success fills @tun (addresses, ports, TOS,
 * TTL, flags, tun_id, Geneve options; MVS_TNL_F_IPV6 and the ipv6_*
 * addresses for an IPv6 outer header, which must carry UDP or GRE
 * directly: no extension header), sets *@hdr_len to the bytes before
 * the inner Ethernet header and *@inner_len to the inner frame's length
 * (IPv4 padding after the datagram excluded), and returns TNL_OK.
 * @csum_verified: the receiving device vouched for the outer checksums
 * (they are not checked again).  Never reads past @len. */
enum tnl_bad tnl_parse(const uint8_t *frame, size_t len, enum mvs_tnl_type type,
		       bool csum_verified, struct mvs_key_tunnel *tun,
		       size_t *hdr_len, size_t *inner_len);

#endif
