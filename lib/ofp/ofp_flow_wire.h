/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_flow_wire: the messages about flows, in every flow protocol:
 * flow-mod (OFPT10_FLOW_MOD, NXT_FLOW_MOD, OFPT11_FLOW_MOD), flow and
 * aggregate statistics requests and replies (OFPST_FLOW, NXST_FLOW, ...),
 * and flow-removed, encoded as Open vSwitch encodes them and decoded with
 * its checks and errors; plus their ofp-print text.
 */
#ifndef MICROVS_OFP_FLOW_WIRE_H
#define MICROVS_OFP_FLOW_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_flowmod.h"
#include "ofp_msg.h"

/* Appends @fm as a flow-mod in @protocol (one OFP_PROTO_* bit). */
void ofp_encode_flow_mod(struct ofpbuf *b, const struct ofp_flow_mod *fm,
			 uint32_t protocol, uint32_t xid);
/* Decodes a flow-mod message.  @protocol says whether a 1.0 command
 * carries a table id (OFP_PROTO_TID).  On success @fm owns its actions
 * (ofp_flow_mod_uninit() them); on error nothing is left to free.
 * @max_port bounds output ports (OFPP_MAX for any). */
enum ofperr ofp_decode_flow_mod(struct ofp_flow_mod *fm,
				const struct ofp_msg *m, uint32_t protocol,
				uint32_t max_port);
/* ofp-print's text of a flow-mod (" ADD priority=5,in_port=1 ..."). */
enum ofperr ofp_format_flow_mod(struct ds *s, const struct ofp_msg *m,
				const struct ofp_port_map *ports,
				int verbosity);

/* A flow statistics request (also aggregate). */
struct ofp_flow_stats_request {
	bool aggregate;
	struct match match;
	uint64_t cookie, cookie_mask;
	uint32_t out_port;
	uint32_t out_group;
	uint8_t table_id;
};

void ofp_encode_flow_stats_request(struct ofpbuf *b,
				   const struct ofp_flow_stats_request *fsr,
				   uint32_t protocol, uint32_t xid);
enum ofperr ofp_decode_flow_stats_request(struct ofp_flow_stats_request *fsr,
					  const struct ofp_msg *m);
void ofp_format_flow_stats_request(struct ds *s,
				   const struct ofp_flow_stats_request *fsr,
				   const struct ofp_port_map *ports);

/* One decoded flow statistics entry, owning its match and actions; @fs
 * points into them. */
struct ofp_flow_stats_entry {
	struct ofp_flow_stats fs;
	struct match match;
	struct ofpacts acts;
};

/* Decodes the entry at the front of @r from a flow statistics reply
 * whose header is @m: 0, EOF when @r is empty, or an error.  @age_ext
 * takes NXST_FLOW's idle/hard ages.  @e is initialised by the caller
 * (ofpacts_init) and reused. */
int ofp_pull_flow_stats(struct ofp_flow_stats_entry *e, const struct ofp_msg *m,
			struct ofp_reader *r, bool age_ext);
/* Appends one entry to a reply of kind @raw and @version under way in
 * @b. */
void ofp_append_flow_stats(struct ofpbuf *b, const struct ofp_flow_stats *fs,
			   enum ofpraw raw, uint8_t version);

struct ofp_aggregate_stats {
	uint64_t packet_count, byte_count;
	uint32_t flow_count;
};

/* Decodes an aggregate reply (1.5: OXS statistics). */
enum ofperr ofp_decode_aggregate_reply(struct ofp_aggregate_stats *as,
				       const struct ofp_msg *m);
void ofp_encode_aggregate_reply(struct ofpbuf *b,
				const struct ofp_aggregate_stats *as,
				const struct ofp_msg *request);

/* A flow-removed message. */
struct ofp_flow_removed {
	struct match match;
	uint64_t cookie;
	uint16_t priority;
	uint8_t reason; /* OFPRR_* */
	uint8_t table_id;
	uint32_t duration_sec, duration_nsec;
	uint16_t idle_timeout, hard_timeout;
	uint64_t packet_count, byte_count;
};

enum ofperr ofp_decode_flow_removed(struct ofp_flow_removed *fr,
				    const struct ofp_msg *m);
/* Appends @fr in @protocol. */
void ofp_encode_flow_removed(struct ofpbuf *b,
			     const struct ofp_flow_removed *fr,
			     uint32_t protocol, uint32_t xid);
void ofp_format_flow_removed(struct ds *s, const struct ofp_flow_removed *fr,
			     const struct ofp_port_map *ports);

#endif
