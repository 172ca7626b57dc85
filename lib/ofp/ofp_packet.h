/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_packet: packets between a switch and its controller: packet-in in
 * every form (1.0, 1.1, 1.2, 1.3+, Nicira's NXT_PACKET_IN and
 * NXT_PACKET_IN2), packet-out (1.0, 1.1-1.4, 1.5 with a match) with
 * ovs-ofctl's packet-out syntax, and Open vSwitch's text of both, which
 * shows the packet as a flow ("tcp,vlan_tci=0x0000,dl_src=...") from a
 * small header parser (Ethernet, VLAN, ARP, IPv4, IPv6 with extension
 * headers, TCP, UDP, SCTP, ICMP, ICMPv6 neighbour discovery).
 */
#ifndef MICROVS_OFP_PACKET_H
#define MICROVS_OFP_PACKET_H

#include <stdint.h>

#include "ofp_actions.h"
#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_flow.h"
#include "ofp_msg.h"

/* Parses the headers of the @len-byte Ethernet frame at @p into @flow
 * (zeroed first).  Never reads past @len. */
void ofp_packet_extract(const void *p, size_t len, struct flow *flow);
/* Appends Open vSwitch's text of a packet: its flow, the L4 checksum,
 * and a newline. */
void ofp_packet_format(struct ds *s, const void *p, size_t len);

struct ofp_packet_in {
	struct match metadata; /* in_port and other pipeline fields */
	uint8_t reason;
	uint8_t table_id;
	uint64_t cookie; /* UINT64_MAX: none */
	uint32_t buffer_id;
	size_t total_len;
	const uint8_t *packet; /* points into the message */
	size_t packet_len;
	const uint8_t *userdata;
	size_t userdata_len;
	/* NXT_PACKET_IN2 and NXT_RESUME: the inside of the continuation
	 * property (ofp_continuation.h), opaque here; 0 bytes: none. */
	const uint8_t *continuation;
	size_t continuation_len;
};
/* Decodes a packet-in of any form, or NXT_RESUME (the packet-in2
 * properties, strictly: an unknown one is OFPBPC_BAD_TYPE). */
enum ofperr ofp_decode_packet_in(const struct ofp_msg *m,
				 struct ofp_packet_in *pin);
/* Appends @pin as a packet-in of @version in @format (NXPIF_*, below):
 * NXPIF_STANDARD is OpenFlow's own form (1.0, 1.1, 1.2, 1.3+ with the
 * cookie), NXPIF_NXT_PACKET_IN Nicira's with an NXM match,
 * NXPIF_NXT_PACKET_IN2 the property list Open vSwitch sends (with the
 * userdata and the continuation of a paused translation).  The metadata gives
 * the input port and the pipeline fields (from 1.2 in the standard form).
 * @pin->reason goes as it is: the caller maps it to what @version knows. */
void ofp_encode_packet_in(struct ofpbuf *b, const struct ofp_packet_in *pin,
			  uint8_t version, uint32_t format, uint32_t xid);
enum ofperr ofp_print_packet_in(struct ds *s, const struct ofp_msg *m,
				const struct ofp_port_map *ports,
				int verbosity);

struct ofp_packet_out {
	uint32_t buffer_id;    /* UINT32_MAX: the packet is included */
	struct match metadata; /* in_port (always), pipeline fields */
	struct ofpacts acts;
	uint8_t *packet; /* owned when parsed, else points into a message */
	size_t packet_len;
};
/* Parses ovs-ofctl packet-out's "in_port=1 packet=HEX actions=..."; NULL
 * or a malloc'd message in Open vSwitch's words.  @po is initialised
 * either way; ofp_packet_out_uninit() frees it. */
char *ofp_packet_out_parse(struct ofp_packet_out *po, const char *s,
			   const struct ofp_port_map *ports, uint32_t *usable);
void ofp_packet_out_uninit(struct ofp_packet_out *po);
void ofp_encode_packet_out(struct ofpbuf *b, const struct ofp_packet_out *po,
			   uint8_t version, uint32_t xid);
/* Decodes a packet-out (its packet points into @m; po->acts is the
 * caller's to free on success, and nothing is left to free on error).
 * OFPBRC_BAD_PORT for an input port that cannot be. */
enum ofperr ofp_decode_packet_out(const struct ofp_msg *m,
				  struct ofp_packet_out *po);
enum ofperr ofp_print_packet_out(struct ds *s, const struct ofp_msg *m,
				 const struct ofp_port_map *ports,
				 int verbosity);

/* Nicira's packet-in formats (NXT_SET_PACKET_IN_FORMAT). */
#define NXPIF_STANDARD 0
#define NXPIF_NXT_PACKET_IN 1
#define NXPIF_NXT_PACKET_IN2 2
void ofp_encode_set_packet_in_format(struct ofpbuf *b, uint8_t version,
				     uint32_t format, uint32_t xid);
enum ofperr ofp_print_set_packet_in_format(struct ds *s,
					   const struct ofp_msg *m);

#endif
