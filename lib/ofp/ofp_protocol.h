/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_protocol: Open vSwitch's "flow protocols", the ways a flow can be
 * said on the wire: OpenFlow 1.0 with its fixed match, OpenFlow 1.0 with
 * Nicira's NXM (after NXT_SET_FLOW_FORMAT), each with or without the
 * flow_mod_table_id extension, and OpenFlow 1.1 to 1.5.  Parsers narrow a
 * set of usable protocols as they meet things only some protocols can
 * say; ovs-ofctl then picks one the switch and the user allow.
 */
#ifndef MICROVS_OFP_PROTOCOL_H
#define MICROVS_OFP_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_buf.h"

enum {
	OFP_PROTO_OF10_STD = 1 << 0,
	OFP_PROTO_OF10_STD_TID = 1 << 1,
	OFP_PROTO_OF10_NXM = 1 << 2,
	OFP_PROTO_OF10_NXM_TID = 1 << 3,
	OFP_PROTO_OF11_STD = 1 << 4,
	OFP_PROTO_OF12_OXM = 1 << 5,
	OFP_PROTO_OF13_OXM = 1 << 6,
	OFP_PROTO_OF14_OXM = 1 << 7,
	OFP_PROTO_OF15_OXM = 1 << 8,

	OFP_PROTO_NONE = 0,
	OFP_PROTO_OF10_STD_ANY = OFP_PROTO_OF10_STD | OFP_PROTO_OF10_STD_TID,
	OFP_PROTO_OF10_NXM_ANY = OFP_PROTO_OF10_NXM | OFP_PROTO_OF10_NXM_TID,
	OFP_PROTO_OF10_ANY = OFP_PROTO_OF10_STD_ANY | OFP_PROTO_OF10_NXM_ANY,
	OFP_PROTO_OF15_UP = OFP_PROTO_OF15_OXM,
	OFP_PROTO_OF14_UP = OFP_PROTO_OF14_OXM | OFP_PROTO_OF15_UP,
	OFP_PROTO_OF13_UP = OFP_PROTO_OF13_OXM | OFP_PROTO_OF14_UP,
	OFP_PROTO_OF12_UP = OFP_PROTO_OF12_OXM | OFP_PROTO_OF13_UP,
	OFP_PROTO_ANY_OXM = OFP_PROTO_OF12_UP,
	OFP_PROTO_OF11_UP = OFP_PROTO_OF11_STD | OFP_PROTO_OF12_UP,
	OFP_PROTO_NXM_OXM_ANY = OFP_PROTO_OF10_NXM_ANY | OFP_PROTO_ANY_OXM,
	OFP_PROTO_NXM_OF11_UP = OFP_PROTO_OF10_NXM_ANY | OFP_PROTO_OF11_UP,
	OFP_PROTO_TID = OFP_PROTO_OF10_STD_TID | OFP_PROTO_OF10_NXM_TID |
			OFP_PROTO_OF11_UP,
	OFP_PROTO_ANY = (1 << 9) - 1,
};

/* The protocols of OpenFlow @version, and the one in effect right after
 * negotiating it. */
uint32_t ofp_protocols_from_version(uint8_t version);
uint32_t ofp_protocol_from_version(uint8_t version);
uint8_t ofp_protocol_to_version(uint32_t protocol);
/* The versions any of @protocols needs, as a hello bitmap. */
uint32_t ofp_protocols_to_version_bitmap(uint32_t protocols);
uint32_t ofp_protocols_from_version_bitmap(uint32_t bitmap);
/* @protocol with the table-id extension on or off (no change for 1.1+). */
uint32_t ofp_protocol_set_tid(uint32_t protocol, bool enable);

/* "OpenFlow10-table_id", "NXM+table_id", "OXM-OpenFlow13", and the
 * abbreviations "any", "OpenFlow10", "NXM", "OXM" for whole sets; a
 * comma-separated list for other sets ("none" for the empty set).
 * Malloc'd. */
char *ofp_protocols_to_string(uint32_t protocols);
/* Parses a comma-separated list of protocol names; 0 with *@err set
 * (malloc'd, Open vSwitch's words) on error. */
uint32_t ofp_protocols_from_string(const char *s, char **err);
/* Parses "OpenFlow10,OpenFlow13"-style version lists into a bitmap; 0
 * with *@err on an unknown name. */
uint32_t ofp_versions_from_string(const char *s, char **err);

/* The flow-dump protocols in the order ovs-ofctl tries them. */
extern const uint32_t ofp_flow_dump_protocols[];
extern const unsigned ofp_n_flow_dump_protocols;

/* The message that moves a connection from protocol @current towards
 * @want (NXT_SET_FLOW_FORMAT, then NXT_FLOW_MOD_TABLE_ID), appended to
 * @b with @xid; *@next is the protocol in effect once the switch accepts
 * it.  Returns false (nothing appended, *@next = @current) if there is
 * nothing to send or no way there (a different version). */
bool ofp_encode_set_protocol(uint32_t current, uint32_t want, uint32_t *next,
			     struct ofpbuf *b, uint32_t xid);

#endif
