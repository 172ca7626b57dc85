/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_async: the asynchronous-message configuration of a connection
 * (OpenFlow 1.3's OFPT_SET_ASYNC and OFPT_GET_ASYNC_REPLY with three
 * pairs of masks, OpenFlow 1.4's with properties, Nicira's
 * NXT_SET_ASYNC_CONFIG and NXT_SET_ASYNC_CONFIG2 in the same two forms),
 * Open vSwitch 3.1's defaults per version, and its text of them.
 */
#ifndef MICROVS_OFP_ASYNC_H
#define MICROVS_OFP_ASYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_msg.h"
#include "util.h"

/* The kinds of asynchronous message, in the order of OpenFlow 1.4's
 * property types (two per kind: secondary, then primary). */
enum ofp_async_type {
	OFP_ASYNC_PACKET_IN,
	OFP_ASYNC_PORT_STATUS,
	OFP_ASYNC_FLOW_REMOVED,
	OFP_ASYNC_ROLE_STATUS,
	OFP_ASYNC_TABLE_STATUS,
	OFP_ASYNC_REQUESTFORWARD,
	OFP_ASYNC_N_TYPES
};

/* Packet-in reasons beyond OpenFlow's (bits of the packet-in masks, never
 * on the wire): a packet sent up by a table-miss flow's controller
 * action, and by the default table miss (Open vSwitch's
 * OFPR_EXPLICIT_MISS and OFPR_IMPLICIT_MISS).  Both are on whenever
 * OFPR_NO_MATCH is set, the implicit one only before OpenFlow 1.3. */
#define OFP_ASYNC_PIN_EXPLICIT_MISS 6
#define OFP_ASYNC_PIN_IMPLICIT_MISS 7

/* For each kind, a bitmap of the reasons (1 << OFPR_*, OFPPR_*,
 * OFPRR_*...) a connection receives as primary or equal, and as
 * secondary. */
struct ofp_async_cfg {
	uint32_t primary[OFP_ASYNC_N_TYPES];
	uint32_t secondary[OFP_ASYNC_N_TYPES];
};

/* Open vSwitch 3.1's configuration of a connection that set none, for
 * OpenFlow @version: packet-ins of every reason but OFPR_INVALID_TTL
 * (table misses of the default kind before 1.3 only), flow-removed of
 * the version's reasons, to primaries and equals; port-status to all. */
struct ofp_async_cfg ofp_async_cfg_default(uint8_t version);

/* Decodes set-async @m (any of the four forms) or get-async reply.  The
 * mask forms set everything; the property forms change what they name,
 * starting from @basis.  Unless @loose (a reply being printed), reasons
 * OpenFlow does not define in @m's version are OFPACFC_INVALID, an
 * unknown property OFPACFC_UNSUPPORTED (OFPBPC_BAD_EXPERIMENTER for an
 * experimenter one), and a property whose length is wrong OFPBPC_BAD_LEN,
 * as Open vSwitch 3.1 answers.  On an error *@out is partly written. */
enum ofperr ofp_decode_async_config(const struct ofp_msg *m, bool loose,
				    const struct ofp_async_cfg *basis,
				    struct ofp_async_cfg *out);
/* Appends the get-async reply to @request that says @cfg (OpenFlow
 * 1.3's masks before 1.4, properties for every kind from 1.4 on). */
void ofp_encode_get_async_reply(struct ofpbuf *b, const struct ofp_msg *request,
				const struct ofp_async_cfg *cfg);
/* The text of set-async or get-async reply @m, as ovs-ofctl prints it:
 * per role, each kind's reasons. */
enum ofperr ofp_print_async_config(struct ds *s, const struct ofp_msg *m);

#endif
