/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_flow: the OpenFlow view of a packet (struct flow) and a match on it
 * (struct match: a flow and a mask of the same shape), as vswitchd's
 * tables, classifier and translation and ovs-ofctl see them.
 *
 * struct flow embeds the uAPI's header and tunnel structs, so the fields
 * a datapath key carries need no conversion (byte orders as the uAPI
 * says: __be* in network order), and adds what only OpenFlow has:
 * metadata, registers, the OpenFlow in_port.  The layout is in 8-byte
 * words and ordered by lookup stage (metadata, L2, L3, L4), which the
 * classifier's staged lookup relies on (FLOW_STAGE_*).
 *
 * A match is canonical when every flow bit outside its mask is zero;
 * match_set_*() keep it so.  Matches are plain values: copy them freely.
 */
#ifndef MICROVS_OFP_FLOW_H
#define MICROVS_OFP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>

#include "microvs_dp.h"
#include "util.h"

#define FLOW_N_REGS 16
/* Geneve options as OpenFlow sees them (tun_metadata0..N-1, through the
 * bridge's TLV map): each a value of up to 8 bytes, right-aligned in its
 * slot, with a present bit (bit N of tun_md_present). */
#define FLOW_TUN_MD_SLOTS 8
#define FLOW_TUN_MD_BYTES 8

/* OpenFlow ports, in the 16-bit space Open vSwitch uses internally (the
 * OpenFlow 1.1+ 32-bit reserved ports map onto the same names). */
#define OFPP_MAX 0xff00
#define OFPP_UNSET 0xfff7 /* internal: "no port yet" */
#define OFPP_IN_PORT 0xfff8
#define OFPP_TABLE 0xfff9
#define OFPP_NORMAL 0xfffa
#define OFPP_FLOOD 0xfffb
#define OFPP_ALL 0xfffc
#define OFPP_CONTROLLER 0xfffd
#define OFPP_LOCAL 0xfffe
#define OFPP_NONE 0xffff

#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_VLAN_8021AD 0x88a8
#define ETH_TYPE_MPLS 0x8847
#define ETH_TYPE_MPLS_MCAST 0x8848

#define IPPROTO_ICMP_ 1
#define IPPROTO_IGMP_ 2
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

#define IP_DSCP_MASK 0xfc
#define IP_ECN_MASK 0x03
#define IP_ECN_NOT_ECT 0x00
#define IP_ECN_CE 0x03

struct flow {
	/* Stage 1: metadata. */
	struct mvs_key_tunnel tunnel;
	uint64_t metadata; /* OpenFlow metadata (host order) */
	uint32_t regs[FLOW_N_REGS];
	uint32_t in_port; /* OpenFlow port (OFPP_*) */
	uint32_t recirc_id;
	uint32_t dp_hash;
	uint32_t skb_priority;
	uint32_t pkt_mark;
	uint32_t actset_output; /* reserved for the OpenFlow action set */
	uint32_t conj_id;	/* reserved for conjunctive matches */
	uint32_t pad0;
	uint64_t tun_md_present;	      /* bit N: tun_metadataN present */
	uint8_t tun_md[FLOW_TUN_MD_SLOTS][8]; /* values, network order */
	/* Stages 2-4: the packet's headers, as the datapath extracts them. */
	struct mvs_key_hdr hdr;
};

#define FLOW_WORDS (sizeof(struct flow) / 8)

/* Lookup stages, as ranges of 64-bit words of struct flow. */
enum flow_stage {
	FLOW_STAGE_META,
	FLOW_STAGE_L2,
	FLOW_STAGE_L3,
	FLOW_STAGE_L4,
	FLOW_N_STAGES
};
#define FLOW_STAGE_L2_START (offsetof(struct flow, hdr.eth_dst) / 8)
#define FLOW_STAGE_L3_START (offsetof(struct flow, hdr.nw_proto) / 8)
#define FLOW_STAGE_L4_START (offsetof(struct flow, hdr.tp_src) / 8)

/* The first word of stage @s (and FLOW_WORDS for FLOW_N_STAGES). */
size_t flow_stage_start(enum flow_stage s);

struct match {
	struct flow flow;
	struct flow mask;
};

/* ---- flows ---- */

static inline const uint64_t *
flow_u64(const struct flow *f)
{
	return (const uint64_t *)(const void *)f;
}

static inline uint64_t *
flow_u64_rw(struct flow *f)
{
	return (uint64_t *)(void *)f;
}

bool flow_equal(const struct flow *a, const struct flow *b);
/* True if @a and @b agree on every bit of @mask. */
bool flow_equal_masked(const struct flow *a, const struct flow *b,
		       const struct flow *mask);
bool flow_is_zero(const struct flow *f);
/* dst |= src, bit by bit (accumulating wildcard masks). */
void flow_or(struct flow *dst, const struct flow *src);
/* dst &= mask. */
void flow_and(struct flow *dst, const struct flow *mask);

static inline bool
flow_is_ip(const struct flow *f)
{
	return f->hdr.eth_type == htons(ETH_TYPE_IP);
}

static inline bool
flow_is_ipv6(const struct flow *f)
{
	return f->hdr.eth_type == htons(ETH_TYPE_IPV6);
}

static inline bool
flow_is_ip_any(const struct flow *f)
{
	return flow_is_ip(f) || flow_is_ipv6(f);
}

static inline bool
flow_is_arp(const struct flow *f)
{
	return f->hdr.eth_type == htons(ETH_TYPE_ARP) ||
	       f->hdr.eth_type == htons(ETH_TYPE_RARP);
}

/* The mask of every field a packet like @flow has (Open vSwitch's
 * flow_wildcards_init_for_packet): what ofproto/trace's "Flow:" line and
 * an exact-match flow show. */
void flow_mask_for_packet(const struct flow *flow, struct flow *mask);

/* Appends @flow as Open vSwitch's flow_format() does (the "Flow:" line of
 * ofproto/trace): every field the packet has, zero context fields left
 * out. */
void flow_format(struct ds *s, const struct flow *flow);

/* ---- matches ---- */

/* A match of everything (all-zero flow and mask). */
void match_init_catchall(struct match *m);
/* An exact match of every field of @flow (flow_mask_for_packet). */
void match_init_exact(struct match *m, const struct flow *flow);
/* flow &= mask, so equal matches compare equal. */
void match_canonicalize(struct match *m);
bool match_equal(const struct match *a, const struct match *b);
/* True if @flow matches @m. */
bool match_matches_flow(const struct match *m, const struct flow *flow);

/* Clears the fields whose prerequisites @m does not match (Open
 * vSwitch's ofputil_normalize_match: nw_src without dl_type=ip, tp_dst
 * without a transport protocol, ...).  Returns true if it changed @m. */
bool match_normalize(struct match *m);
/* match_normalize(), logging (through ofp_info, as Open vSwitch's
 * ofp_match module does: the first 5 times only) the match before and
 * after when it changed. */
bool match_normalize_log(struct match *m);

/* Appends @m in Open vSwitch's match syntax, with "priority=N," first
 * unless @priority is OFP_DEFAULT_PRIORITY, no trailing comma.  A match
 * on recirc_id is a megaflow and also shows its packet type ("eth,"), as
 * ofproto/trace's "Megaflow:" line does. */
#define OFP_DEFAULT_PRIORITY 32768
struct ofp_port_map;
void match_format(struct ds *s, const struct match *m,
		  const struct ofp_port_map *ports, int priority);

/* ---- ports ---- */

/* Port names of one bridge, for parsing and printing "in_port=p1" and
 * "output:p1".  A plain array; NULL means numbers only. */
struct ofp_port_map {
	size_t n;
	struct ofp_port_name {
		const char *name;
		uint32_t port;
	} * ports;
};

/* Parses an OpenFlow port: a number (16-bit, or a 32-bit OpenFlow 1.1
 * reserved port 0xffffff00 and up), a reserved name (IN_PORT, TABLE,
 * NORMAL, FLOOD, ALL, CONTROLLER, LOCAL, NONE/ANY; any case), or a name
 * from @ports.  Returns true and sets *@port on success.  Warns (through
 * ofp_warn) as Open vSwitch does about negative numbers, numbers out of
 * range, OpenFlow 1.0 reserved numbers and, once, 16-bit numbers of
 * reserved ports. */
bool ofp_port_parse(const char *s, const struct ofp_port_map *ports,
		    uint32_t *port);
/* @port as OpenFlow 1.1+ says it (reserved ports 0xffffff00 and up). */
static inline uint32_t
ofp_port_to_ofp11(uint32_t port)
{
	return port >= OFPP_MAX && port <= 0xffff ? port + 0xffff0000u : port;
}

/* An OpenFlow 1.1+ port as Open vSwitch's 16-bit port: false if it is
 * out of range (Open vSwitch's OFPBAC_BAD_OUT_PORT). */
static inline bool
ofp_port_from_ofp11(uint32_t port11, uint32_t *port)
{
	if (port11 < OFPP_MAX) {
		*port = port11;
		return true;
	}
	if (port11 >= 0xffffff00u) {
		*port = port11 - 0xffff0000u;
		return true;
	}
	return false;
}

/* Appends @port: its number, or its reserved name. */
void ofp_port_format(struct ds *s, uint32_t port,
		     const struct ofp_port_map *ports);

/* ---- small text helpers shared by the parsers ---- */

/* Open vSwitch's key-value splitter: skips blanks and commas, then
 * returns the next "key", "key=value", "key:value" or "key(value)" (nested
 * parentheses kept), NUL-terminating both inside the caller's writable
 * string.  Returns false at the end. */
bool ofp_next_key_value(char **pos, char **key, char **value);

/* Parses @s as a number up to 65535 (decimal, 0x hex): NULL, or Open
 * vSwitch's message 'invalid WHAT "S"' (malloc'd). */
char *ofp_parse_u16(const char *s, const char *what, uint16_t *out);

#endif
