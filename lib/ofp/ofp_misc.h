/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_misc: the controller-channel messages that are not about flows,
 * ports, tables, groups or meters: role requests and replies (OpenFlow
 * 1.2+ and Nicira's), role status, bundles
 * (1.4 and ONF's 1.3 extension), queue statistics and configuration, with
 * Open vSwitch's text of each.
 */
#ifndef MICROVS_OFP_MISC_H
#define MICROVS_OFP_MISC_H

#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_flow.h"
#include "ofp_msg.h"

/* Roles, in OpenFlow 1.2's numbering. */
#define OFPCR12_ROLE_NOCHANGE 0
#define OFPCR12_ROLE_EQUAL 1
#define OFPCR12_ROLE_PRIMARY 2
#define OFPCR12_ROLE_SECONDARY 3

struct ofp_role_request {
	uint32_t role;
	uint64_t generation_id; /* UINT64_MAX: none */
};
/* Decodes a role request or reply, OpenFlow's or Nicira's
 * (OFPRRFC_BAD_ROLE for a role that does not exist). */
enum ofperr ofp_decode_role(const struct ofp_msg *m,
			    struct ofp_role_request *rr);
/* Appends a role request or reply (@raw: OFPRAW_OFPT12_ROLE_REQUEST,
 * _REPLY, OFPRAW_NXT_ROLE_REQUEST, _REPLY). */
void ofp_encode_role(struct ofpbuf *b, enum ofpraw raw, uint8_t version,
		     const struct ofp_role_request *rr, uint32_t xid);

/* Bundle control types and flags (OpenFlow 1.4). */
#define OFPBCT_OPEN_REQUEST 0
#define OFPBCT_OPEN_REPLY 1
#define OFPBCT_CLOSE_REQUEST 2
#define OFPBCT_CLOSE_REPLY 3
#define OFPBCT_COMMIT_REQUEST 4
#define OFPBCT_COMMIT_REPLY 5
#define OFPBCT_DISCARD_REQUEST 6
#define OFPBCT_DISCARD_REPLY 7
#define OFPBF_ATOMIC 1
#define OFPBF_ORDERED 2

/* Appends a bundle control message (1.4's, or ONF's in 1.3). */
void ofp_encode_bundle_ctrl(struct ofpbuf *b, uint8_t version,
			    uint32_t bundle_id, uint16_t type, uint16_t flags,
			    uint32_t xid);
/* Appends a bundle-add carrying the @len-byte message @inner (whose xid
 * becomes the bundle-add's). */
void ofp_encode_bundle_add(struct ofpbuf *b, uint8_t version,
			   uint32_t bundle_id, uint16_t flags,
			   const void *inner, size_t len);
/* Decodes bundle control @m (either form): its bundle id, type
 * (OFPBCT_*; any value, checked by the switch, as Open vSwitch does) and
 * flags (OFPBF_*, any bits).  Returns 0: the message's length was
 * checked by ofp_msg_decode(). */
enum ofperr ofp_decode_bundle_ctrl(const struct ofp_msg *m, uint32_t *id,
				   uint16_t *type, uint16_t *flags);
/* Decodes bundle-add @m (either form) as Open vSwitch 3.1 does: its
 * bundle id and flags, and the message it carries into *@inner (which
 * points into @m).  Errors, in the order checked: OFPBFC_MSG_BAD_LEN (no
 * room for a header), OFPBFC_BAD_VERSION (not @m's version),
 * OFPBFC_MSG_BAD_LEN (its length under a header or beyond @m),
 * OFPBFC_MSG_BAD_XID (not @m's xid), OFPBFC_MSG_UNSUP (it does not
 * decode, or is no flow-mod, group-mod, port-mod or packet-out: the
 * kinds a bundle may carry), each of the last with Open vSwitch's
 * warning (ofp_warn).  Bytes after the inner message are ignored. */
enum ofperr ofp_decode_bundle_add(const struct ofp_msg *m, uint32_t *id,
				  uint16_t *flags, struct ofp_msg *inner);

/* Message texts for ofp_print. */
enum ofperr ofp_print_role(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_role_status(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_bundle_ctrl(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_bundle_add(struct ds *s, const struct ofp_msg *m,
				 const struct ofp_port_map *ports,
				 int verbosity);
enum ofperr ofp_print_queue_stats_request(struct ds *s, const struct ofp_msg *m,
					  const struct ofp_port_map *ports);
enum ofperr ofp_print_queue_stats_reply(struct ds *s, const struct ofp_msg *m,
					const struct ofp_port_map *ports,
					int verbosity);
enum ofperr
ofp_print_queue_get_config_request(struct ds *s, const struct ofp_msg *m,
				   const struct ofp_port_map *ports);
enum ofperr ofp_print_queue_get_config_reply(struct ds *s,
					     const struct ofp_msg *m,
					     const struct ofp_port_map *ports);

#endif
