/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_field: the table of match fields (Open vSwitch's "meta-flow"): for
 * each field its names, where it lives in struct flow, its width, how its
 * value is written, whether it takes a mask and what it requires of the
 * rest of the flow.  Parsing, printing, the trace's exact-flow parser and
 * (later) OXM/NXM encoding, set_field, load and move all work through
 * this one table; a new field is one new row (plus an access case if it
 * is a part of a byte or word, as dl_vlan is of vlan_tci).
 *
 * Values are network-order byte strings of the field's n_bytes
 * (union ofp_value), whatever the byte order of the flow member.
 */
#ifndef MICROVS_OFP_FIELD_H
#define MICROVS_OFP_FIELD_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_flow.h"

enum ofp_field_id {
	MFF_TUN_ID,
	MFF_TUN_SRC,
	MFF_TUN_DST,
	MFF_TUN_IPV6_SRC,
	MFF_TUN_IPV6_DST,
	MFF_METADATA,
	MFF_IN_PORT,
	MFF_IN_PORT_OXM, /* the same port, as OpenFlow 1.1+'s 32 bits */
	MFF_SKB_PRIORITY,
	MFF_PKT_MARK,
	MFF_REG0,
	MFF_REG15 = MFF_REG0 + FLOW_N_REGS - 1,
	MFF_XREG0, /* reg0 (high 32 bits) and reg1 as one 64-bit field */
	MFF_XREG7 = MFF_XREG0 + FLOW_N_REGS / 2 - 1,
	MFF_ETH_SRC,
	MFF_ETH_DST,
	MFF_ETH_TYPE,
	MFF_VLAN_TCI,
	MFF_DL_VLAN,
	MFF_DL_VLAN_PCP,
	MFF_VLAN_VID,
	MFF_VLAN_PCP,
	MFF_IPV4_SRC,
	MFF_IPV4_DST,
	MFF_IPV6_SRC,
	MFF_IPV6_DST,
	MFF_IPV6_LABEL,
	MFF_IP_PROTO,
	MFF_IP_DSCP,	     /* "nw_tos": the DSCP bits, in place */
	MFF_IP_DSCP_SHIFTED, /* "ip_dscp": the same bits, 0-63 */
	MFF_IP_ECN,
	MFF_IP_TTL,
	MFF_IP_FRAG,
	MFF_ARP_OP,
	MFF_ARP_SPA,
	MFF_ARP_TPA,
	MFF_ARP_SHA,
	MFF_ARP_THA,
	MFF_TCP_SRC,
	MFF_TCP_DST,
	MFF_TCP_FLAGS,
	MFF_UDP_SRC,
	MFF_UDP_DST,
	MFF_SCTP_SRC,
	MFF_SCTP_DST,
	MFF_ICMPV4_TYPE,
	MFF_ICMPV4_CODE,
	MFF_ICMPV6_TYPE,
	MFF_ICMPV6_CODE,
	MFF_ND_TARGET,
	MFF_ND_SLL,
	MFF_ND_TLL,
	MFF_TUN_FLAGS,	   /* OpenFlow's tunnel flags: bit 0 is OAM */
	MFF_TUN_METADATA0, /* Geneve options through the TLV map */
	MFF_TUN_METADATA_LAST = MFF_TUN_METADATA0 + FLOW_TUN_MD_SLOTS - 1,
	MFF_N_IDS
};

/* tun_flags' one public bit (Open vSwitch's FLOW_TNL_PUB_F_OAM). */
#define OFP_TNL_OAM 0x0001

/* How a value is written. */
enum ofp_field_string {
	MFS_DECIMAL,
	MFS_HEXADECIMAL,
	MFS_ETHERNET,
	MFS_IPV4,
	MFS_IPV6,
	MFS_OFP_PORT,
	MFS_FRAG,
	MFS_TCP_FLAGS,
	MFS_TNL_FLAGS,
};

/* What a field requires of the flow before it means anything. */
enum ofp_field_prereq {
	MFP_NONE,
	MFP_ARP,
	MFP_VLAN_VID,
	MFP_IPV4,
	MFP_IPV6,
	MFP_IP_ANY,
	MFP_TCP,
	MFP_UDP,
	MFP_SCTP,
	MFP_ICMPV4,
	MFP_ICMPV6,
	MFP_ND,
	MFP_ND_SOLICIT,
	MFP_ND_ADVERT,
};

union ofp_value {
	uint8_t u8;
	uint16_t be16;
	uint32_t be32;
	uint64_t be64;
	uint8_t mac[6];
	uint8_t ipv6[16];
	uint8_t bytes[16];
};

struct ofp_field {
	enum ofp_field_id id;
	const char *name;	/* canonical: printed in messages */
	const char *extra_name; /* accepted too (NULL: none) */
	uint8_t n_bytes;	/* width of the value */
	uint8_t n_bits;		/* significant bits of the value */
	bool maskable;
	bool writable; /* by set_field, load and move */
	enum ofp_field_string string;
	enum ofp_field_prereq prereq;
	/* The flow member that stores the field (offset and size); a field
	 * that is only part of it has an access case in ofp_field.c. */
	uint16_t offset;
	uint8_t size;
};

/* True if @id is tun_metadataN; then N is id - MFF_TUN_METADATA0. */
static inline bool
ofp_field_is_tun_md(enum ofp_field_id id)
{
	return id >= MFF_TUN_METADATA0 && id <= MFF_TUN_METADATA_LAST;
}

/* The bytes of @v (of @n) from its first non-zero one: the length Open
 * vSwitch gives a variable-length value (tun_metadata). */
unsigned ofp_value_sig_len(const uint8_t *v, unsigned n);

/* The field named @name (canonical or extra name), or NULL. */
const struct ofp_field *ofp_field_from_name(const char *name);
const struct ofp_field *ofp_field_get(enum ofp_field_id id);

/* True if @flow meets @f's prerequisites. */
bool ofp_field_prereqs_ok(const struct ofp_field *f, const struct flow *flow);
/* Sets in @mask the fields @f's prerequisites look at (dl_type, nw_proto,
 * tp_src...), as a lookup that tested them must. */
void ofp_field_mask_prereqs(const struct ofp_field *f, struct flow *mask);

void ofp_field_get_value(const struct ofp_field *f, const struct flow *flow,
			 union ofp_value *value);
/* Writes @value into @flow (an exact field of a packet). */
void ofp_field_set_flow_value(const struct ofp_field *f,
			      const union ofp_value *value, struct flow *flow);
/* Sets @f in @m to @value under @mask (all-ones: exact; the match stays
 * canonical).  Matching fields such as dl_vlan also set the bits they
 * imply (the VLAN present bit). */
void ofp_field_set_match(const struct ofp_field *f,
			 const union ofp_value *value,
			 const union ofp_value *mask, struct match *m);
/* True if @f's bits in @flow are not all zero. */
bool ofp_field_is_set(const struct ofp_field *f, const struct flow *flow);

/* Parses "value" or "value/mask" ("*" for any).  Returns NULL, or a
 * malloc'd message in Open vSwitch's words ("zz: invalid Ethernet
 * address", "256: value too large for 1-byte field nw_ttl"). */
char *ofp_field_parse(const struct ofp_field *f, const char *s,
		      const struct ofp_port_map *ports, union ofp_value *value,
		      union ofp_value *mask);
/* The same, with no mask allowed ("...: wildcards not allowed here"). */
char *ofp_field_parse_value(const struct ofp_field *f, const char *s,
			    const struct ofp_port_map *ports,
			    union ofp_value *value);
/* Appends @value (and "/mask" unless @mask is NULL or exact). */
void ofp_field_format(const struct ofp_field *f, const union ofp_value *value,
		      const union ofp_value *mask,
		      const struct ofp_port_map *ports, struct ds *s);

/* The flow protocols (OFP_PROTO_*) that can match @f under @mask (NULL
 * or all ones: exact), or set it whole when @mask is NULL: OpenFlow 1.0
 * and 1.1 only for the fields and masks their fixed matches have. */
uint32_t ofp_field_usable_protocols(const struct ofp_field *f,
				    const union ofp_value *mask);

/* Open vSwitch's parse_int_string: "0x..." hexadecimal of any length or
 * strtoull() base 0, right-aligned in @n bytes; *@tail where it stopped
 * (the caller checks what follows).  0, or ERANGE if it does not fit. */
int ofp_parse_int_string(const char *s, uint8_t *out, unsigned n,
			 const char **tail);

/* Helpers the printers share: Open vSwitch's address and flag syntax. */
void ofp_format_eth(struct ds *s, const uint8_t mac[6]);
void ofp_format_ipv4(struct ds *s, uint32_t be32);
void ofp_format_ipv6(struct ds *s, const uint8_t ip[16]);
/* "+syn-ack" for a partial mask, "syn|ack" (or "0") for an exact one. */
void ofp_format_tcp_flags(struct ds *s, uint16_t flags, uint16_t mask);
/* Parses "aa:bb:cc:dd:ee:ff" exactly; true on success. */
bool ofp_parse_eth(const char *s, uint8_t mac[6]);

#endif
