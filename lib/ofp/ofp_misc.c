/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_misc: roles, role status, bundles, and the text of the remaining
 * controller-channel messages.
 */
#include "ofp_misc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp_port.h"
#include "ofp_print.h"

#define NX_ROLE_OTHER 0
#define NX_ROLE_PRIMARY 1
#define NX_ROLE_SECONDARY 2

enum ofperr
ofp_decode_role(const struct ofp_msg *m, struct ofp_role_request *rr)
{
	uint32_t role = get_be32(m->body);

	if (m->raw == OFPRAW_NXT_ROLE_REQUEST ||
	    m->raw == OFPRAW_NXT_ROLE_REPLY) {
		if (role > NX_ROLE_SECONDARY)
			return OFPERR_OFPRRFC_BAD_ROLE;
		rr->role = role == NX_ROLE_OTHER     ? OFPCR12_ROLE_EQUAL
			   : role == NX_ROLE_PRIMARY ? OFPCR12_ROLE_PRIMARY
						     : OFPCR12_ROLE_SECONDARY;
		rr->generation_id = UINT64_MAX;
		return 0;
	}
	if (role > OFPCR12_ROLE_SECONDARY)
		return OFPERR_OFPRRFC_BAD_ROLE;
	rr->role = role;
	rr->generation_id = role == OFPCR12_ROLE_NOCHANGE
				    ? UINT64_MAX
				    : get_be64(m->body + 8);
	return 0;
}

void
ofp_encode_role(struct ofpbuf *b, enum ofpraw raw, uint8_t version,
		const struct ofp_role_request *rr, uint32_t xid)
{
	size_t start = ofp_msg_start(b, raw, version, xid);

	if (raw == OFPRAW_NXT_ROLE_REQUEST || raw == OFPRAW_NXT_ROLE_REPLY) {
		ofpbuf_put_be32(b, rr->role == OFPCR12_ROLE_PRIMARY
					   ? NX_ROLE_PRIMARY
				   : rr->role == OFPCR12_ROLE_SECONDARY
					   ? NX_ROLE_SECONDARY
					   : NX_ROLE_OTHER);
	} else {
		ofpbuf_put_be32(b, rr->role);
		ofpbuf_put_zeros(b, 4);
		ofpbuf_put_be64(b, rr->generation_id);
	}
	ofp_msg_finish(b, start);
}

static const char *
role_name(uint32_t role)
{
	switch (role) {
	case OFPCR12_ROLE_NOCHANGE:
		return "nochange";
	case OFPCR12_ROLE_EQUAL:
		return "equal";
	case OFPCR12_ROLE_PRIMARY:
		return "primary";
	case OFPCR12_ROLE_SECONDARY:
		return "secondary";
	}
	return "***error***";
}

enum ofperr
ofp_print_role(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_role_request rr;
	enum ofperr e = ofp_decode_role(m, &rr);

	if (e)
		return e;
	ds_printf(s, " role=%s", role_name(rr.role));
	if (rr.generation_id != UINT64_MAX)
		ds_printf(s, " generation_id=%llu",
			  (unsigned long long)rr.generation_id);
	return 0;
}

enum ofperr
ofp_print_role_status(struct ds *s, const struct ofp_msg *m)
{
	static const char *const reasons[] = { "primary_request", "config",
					       "experimenter" };
	const uint8_t *p = m->body;
	uint32_t role = get_be32(p);
	uint64_t gen = get_be64(p + 8);

	if (role > OFPCR12_ROLE_SECONDARY)
		return OFPERR_OFPRRFC_BAD_ROLE;
	ds_printf(s, " role=%s", role_name(role));
	if (gen != UINT64_MAX)
		ds_printf(s, " generation_id=%llu", (unsigned long long)gen);
	ds_put(s, " reason=");
	if (p[4] < ARRAY_SIZE(reasons))
		ds_put(s, reasons[p[4]]);
	else
		ds_put(s, "(unknown)");
	return 0;
}

/* ---- bundles ---- */

void
ofp_encode_bundle_ctrl(struct ofpbuf *b, uint8_t version, uint32_t bundle_id,
		       uint16_t type, uint16_t flags, uint32_t xid)
{
	size_t start = ofp_msg_start(b,
				     version >= OFP14_VERSION
					     ? OFPRAW_OFPT14_BUNDLE_CONTROL
					     : OFPRAW_ONFT13_BUNDLE_CONTROL,
				     version, xid);

	ofpbuf_put_be32(b, bundle_id);
	ofpbuf_put_be16(b, type);
	ofpbuf_put_be16(b, flags);
	ofp_msg_finish(b, start);
}

void
ofp_encode_bundle_add(struct ofpbuf *b, uint8_t version, uint32_t bundle_id,
		      uint16_t flags, const void *inner, size_t len)
{
	size_t start = ofp_msg_start(
		b,
		version >= OFP14_VERSION ? OFPRAW_OFPT14_BUNDLE_ADD_MESSAGE
					 : OFPRAW_ONFT13_BUNDLE_ADD_MESSAGE,
		version, get_be32((const uint8_t *)inner + 4));

	ofpbuf_put_be32(b, bundle_id);
	ofpbuf_put_zeros(b, 2);
	ofpbuf_put_be16(b, flags);
	ofpbuf_put(b, inner, len);
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_decode_bundle_ctrl(const struct ofp_msg *m, uint32_t *id, uint16_t *type,
		       uint16_t *flags)
{
	*id = get_be32(m->body);
	*type = get_be16(m->body + 4);
	*flags = get_be16(m->body + 6);
	return 0;
}

enum ofperr
ofp_decode_bundle_add(const struct ofp_msg *m, uint32_t *id, uint16_t *flags,
		      struct ofp_msg *inner)
{
	const uint8_t *in = m->body + 8;
	size_t room = m->body_len >= 8 ? m->body_len - 8 : 0, len;
	enum ofperr e;

	if (m->body_len < 8)
		return OFPERR_OFPBFC_MSG_BAD_LEN;
	*id = get_be32(m->body);
	*flags = get_be16(m->body + 6);
	if (room < OFP_HEADER_LEN)
		return OFPERR_OFPBFC_MSG_BAD_LEN;
	if (in[0] != m->version)
		return OFPERR_OFPBFC_BAD_VERSION;
	len = get_be16(in + 2);
	if (len < OFP_HEADER_LEN || len > room)
		return OFPERR_OFPBFC_MSG_BAD_LEN;
	if (get_be32(in + 4) != m->xid)
		return OFPERR_OFPBFC_MSG_BAD_XID;
	e = ofp_msg_decode(in, len, inner);
	if (e) {
		ofp_warn("ofp_bundle",
			 "OFPT14_BUNDLE_ADD_MESSAGE contained message is "
			 "unparsable (%s)",
			 ofperr_name(e));
		return OFPERR_OFPBFC_MSG_UNSUP;
	}
	switch (inner->type) {
	case OFPTYPE_FLOW_MOD:
	case OFPTYPE_GROUP_MOD:
	case OFPTYPE_PORT_MOD:
	case OFPTYPE_PACKET_OUT:
		return 0;
	default:
		ofp_warn("ofp_bundle",
			 "%s message not allowed inside "
			 "OFPT14_BUNDLE_ADD_MESSAGE",
			 ofpraw_name(inner->raw));
		return OFPERR_OFPBFC_MSG_UNSUP;
	}
}

static const char *
bundle_flag_name(uint32_t bit)
{
	return bit == OFPBF_ATOMIC    ? "atomic"
	       : bit == OFPBF_ORDERED ? "ordered"
				      : NULL;
}

enum ofperr
ofp_print_bundle_ctrl(struct ds *s, const struct ofp_msg *m)
{
	static const char *const types[] = {
		"OPEN_REQUEST",	   "OPEN_REPLY",     "CLOSE_REQUEST",
		"CLOSE_REPLY",	   "COMMIT_REQUEST", "COMMIT_REPLY",
		"DISCARD_REQUEST", "DISCARD_REPLY",
	};
	uint32_t id;
	uint16_t type, flags;
	enum ofperr e = ofp_decode_bundle_ctrl(m, &id, &type, &flags);

	if (e)
		return e;
	/* An unknown type prints as nothing, as in ovs-ofctl. */
	ds_printf(s, "\n bundle_id=%#x type=%s flags=", id,
		  type < ARRAY_SIZE(types) ? types[type] : "");
	ofp_print_bit_names(s, flags, bundle_flag_name, ' ');
	return 0;
}

enum ofperr
ofp_print_bundle_add(struct ds *s, const struct ofp_msg *m,
		     const struct ofp_port_map *ports, int verbosity)
{
	struct ofp_msg im;
	uint32_t id;
	uint16_t flags;
	enum ofperr e = ofp_decode_bundle_add(m, &id, &flags, &im);
	char *text;

	if (e)
		return e;
	ds_printf(s, "\n bundle_id=%#x flags=", id);
	ofp_print_bit_names(s, flags, bundle_flag_name, ' ');
	ds_put_char(s, '\n');
	text = ofp_to_string(im.data, im.len, ports, verbosity);
	ds_put(s, text);
	free(text);
	return 0;
}

/* ---- queues (text not shown yet: only the header) ---- */

enum ofperr
ofp_print_queue_stats_request(struct ds *s, const struct ofp_msg *m,
			      const struct ofp_port_map *ports)
{
	(void)s;
	(void)m;
	(void)ports;
	return 0;
}

enum ofperr
ofp_print_queue_stats_reply(struct ds *s, const struct ofp_msg *m,
			    const struct ofp_port_map *ports, int verbosity)
{
	(void)s;
	(void)m;
	(void)ports;
	(void)verbosity;
	return 0;
}

enum ofperr
ofp_print_queue_get_config_request(struct ds *s, const struct ofp_msg *m,
				   const struct ofp_port_map *ports)
{
	(void)s;
	(void)m;
	(void)ports;
	return 0;
}

enum ofperr
ofp_print_queue_get_config_reply(struct ds *s, const struct ofp_msg *m,
				 const struct ofp_port_map *ports)
{
	(void)s;
	(void)m;
	(void)ports;
	return 0;
}
