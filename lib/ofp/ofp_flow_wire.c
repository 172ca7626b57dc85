/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_flow_wire: flow-mod, flow and aggregate statistics, flow-removed on
 * the wire.  Layouts (offsets after the OpenFlow headers):
 *   ofp10_flow_mod: match 0, cookie 40, command 48, idle 50, hard 52,
 *     priority 54, buffer_id 56, out_port 60, flags 62; actions at 64.
 *   nx_flow_mod: cookie 0, command 8, idle 10, hard 12, priority 14,
 *     buffer_id 16, out_port 20, flags 22, match_len 24; NXM at 32.
 *   ofp11_flow_mod: cookie 0, cookie_mask 8, table 16, command 17,
 *     idle 18, hard 20, priority 22, buffer_id 24, out_port 28,
 *     out_group 32, flags 36, importance 38; match at 40.
 */
#include "ofp_flow_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp_act_wire.h"
#include "ofp_match10.h"
#include "ofp_nxm.h"
#include "ofp_oxs.h"
#include "ofp_protocol.h"

#define OFPFC_WIRE_MAX OFPFC_DELETE_STRICT

/* ---- flags ---- */

static const struct {
	uint16_t wire, flag;
	uint8_t min, max;
} flow_flags[] = {
	{ 1, OFPFF_SEND_FLOW_REM, OFP10_VERSION, 0xff },
	{ 2, OFPFF_CHECK_OVERLAP, OFP10_VERSION, 0xff },
	{ 4, OFPFF_EMERG, OFP10_VERSION, OFP10_VERSION },
	{ 4, OFPFF_RESET_COUNTS, OFP12_VERSION, 0xff },
	{ 8, OFPFF_NO_PKT_COUNTS, OFP13_VERSION, 0xff },
	{ 16, OFPFF_NO_BYT_COUNTS, OFP13_VERSION, 0xff },
};

static uint16_t
encode_flags(uint16_t flags, uint8_t version)
{
	uint16_t w = 0;

	for (size_t i = 0; i < ARRAY_SIZE(flow_flags); i++)
		if ((flags & flow_flags[i].flag) &&
		    version >= flow_flags[i].min &&
		    version <= flow_flags[i].max)
			w |= flow_flags[i].wire;
	return w;
}

/* @command: the flow-mod's, or -1 (statistics). */
static enum ofperr
decode_flags(uint16_t w, int command, uint8_t version, uint16_t *flags)
{
	*flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(flow_flags); i++)
		if ((w & flow_flags[i].wire) && version >= flow_flags[i].min &&
		    version <= flow_flags[i].max) {
			w &= (uint16_t)~flow_flags[i].wire;
			*flags |= flow_flags[i].flag;
		}
	if ((version == OFP10_VERSION || version == OFP11_VERSION) &&
	    command == OFPFC_ADD)
		*flags |= OFPFF_RESET_COUNTS;
	return w ? OFPERR_OFPFMFC_BAD_FLAGS : 0;
}

/* ---- flow-mod ---- */

static uint16_t
tid_command(const struct ofp_flow_mod *fm, uint32_t protocol)
{
	return (uint16_t)(protocol & OFP_PROTO_TID
				  ? (fm->command & 0xff) | fm->table_id << 8
				  : fm->command);
}

static void
set64(struct ofpbuf *b, size_t ofs, uint64_t v)
{
	ofpbuf_set_be32(b, ofs, (uint32_t)(v >> 32));
	ofpbuf_set_be32(b, ofs + 4, (uint32_t)v);
}

void
ofp_encode_flow_mod(struct ofpbuf *b, const struct ofp_flow_mod *fm,
		    uint32_t protocol, uint32_t xid)
{
	uint8_t version = ofp_protocol_to_version(protocol);
	uint16_t flags = encode_flags(fm->flags, version);
	const void *acts = fm->ofpacts.data;
	size_t n = fm->ofpacts.size, start, body;

	if (version >= OFP11_VERSION) {
		bool del = fm->command == OFPFC_DELETE ||
			   fm->command == OFPFC_DELETE_STRICT;
		uint64_t cookie;

		start = ofp_msg_start(b, OFPRAW_OFPT11_FLOW_MOD, version, xid);
		body = ofpbuf_put_zeros(b, 40);
		if ((version == OFP11_VERSION &&
		     (fm->command == OFPFC_MODIFY ||
		      fm->command == OFPFC_MODIFY_STRICT) &&
		     !fm->cookie_mask) ||
		    fm->command == OFPFC_ADD)
			cookie = fm->new_cookie;
		else
			cookie = fm->cookie & fm->cookie_mask;
		set64(b, body, cookie);
		set64(b, body + 8, fm->cookie_mask);
		b->data[body + 16] =
			fm->table_id != OFP_TABLE_ANY ||
					(version != OFP11_VERSION && del)
				? fm->table_id
				: 0;
		b->data[body + 17] = (uint8_t)fm->command;
		ofpbuf_set_be16(b, body + 18, fm->idle_timeout);
		ofpbuf_set_be16(b, body + 20, fm->hard_timeout);
		ofpbuf_set_be16(b, body + 22, (uint16_t)fm->priority);
		ofpbuf_set_be32(b, body + 24, fm->buffer_id);
		ofpbuf_set_be32(b, body + 28, ofp_port_to_ofp11(fm->out_port));
		ofpbuf_set_be32(b, body + 32, fm->out_group);
		ofpbuf_set_be16(b, body + 36, flags);
		if (version >= OFP14_VERSION && fm->command == OFPFC_ADD)
			ofpbuf_set_be16(b, body + 38, fm->importance);
		ofp_put_ofp11_match(b, &fm->match, version);
		ofpacts_put_openflow_instructions(acts, n, b, version);
	} else if (protocol & OFP_PROTO_OF10_STD_ANY) {
		start = ofp_msg_start(b, OFPRAW_OFPT10_FLOW_MOD, version, xid);
		body = b->size;
		ofp10_match_encode(b, &fm->match);
		ofpbuf_put_be64(b, fm->new_cookie);
		ofpbuf_put_be16(b, tid_command(fm, protocol));
		ofpbuf_put_be16(b, fm->idle_timeout);
		ofpbuf_put_be16(b, fm->hard_timeout);
		ofpbuf_put_be16(b, (uint16_t)fm->priority);
		ofpbuf_put_be32(b, fm->buffer_id);
		ofpbuf_put_be16(b, (uint16_t)fm->out_port);
		ofpbuf_put_be16(b, flags);
		ofpacts_put_openflow_actions(acts, n, b, version);
	} else {
		size_t match_len;

		start = ofp_msg_start(b, OFPRAW_NXT_FLOW_MOD, version, xid);
		body = ofpbuf_put_zeros(b, 32);
		set64(b, body, fm->new_cookie);
		ofpbuf_set_be16(b, body + 8, tid_command(fm, protocol));
		ofpbuf_set_be16(b, body + 10, fm->idle_timeout);
		ofpbuf_set_be16(b, body + 12, fm->hard_timeout);
		ofpbuf_set_be16(b, body + 14, (uint16_t)fm->priority);
		ofpbuf_set_be32(b, body + 16, fm->buffer_id);
		ofpbuf_set_be16(b, body + 20, (uint16_t)fm->out_port);
		ofpbuf_set_be16(b, body + 22, flags);
		match_len = nx_put_match(b, &fm->match, fm->cookie,
					 fm->cookie_mask);
		ofpbuf_pad8(b, body + 32);
		ofpbuf_set_be16(b, body + 24, (uint16_t)match_len);
		ofpacts_put_openflow_actions(acts, n, b, version);
	}
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_decode_flow_mod(struct ofp_flow_mod *fm, const struct ofp_msg *m,
		    uint32_t protocol, uint32_t max_port)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	const uint8_t *p = m->body; /* the kind's minimum length is checked */
	uint16_t raw_flags, command;
	uint32_t usable;
	enum ofperr e;

	memset(fm, 0, sizeof *fm);
	ofpacts_init(&fm->ofpacts);
	if (m->raw == OFPRAW_OFPT11_FLOW_MOD) {
		rd_bytes(&r, 40, &p);
		if ((e = ofp_pull_ofp11_match(&r, &fm->match, NULL)))
			return e;
		fm->priority = get_be16(p + 22);
		if (p[17] == OFPFC_ADD ||
		    (m->version == OFP11_VERSION &&
		     (p[17] == OFPFC_MODIFY || p[17] == OFPFC_MODIFY_STRICT) &&
		     !get_be64(p + 8))) {
			fm->new_cookie = get_be64(p);
		} else {
			fm->cookie = get_be64(p);
			fm->cookie_mask = get_be64(p + 8);
			fm->new_cookie = UINT64_MAX;
		}
		fm->command = p[17];
		fm->table_id = p[16];
		if (fm->table_id == OFP_TABLE_ANY &&
		    (m->version == OFP11_VERSION ||
		     (p[17] != OFPFC_DELETE && p[17] != OFPFC_DELETE_STRICT)))
			return OFPERR_OFPFMFC_BAD_TABLE_ID;
		fm->idle_timeout = get_be16(p + 18);
		fm->hard_timeout = get_be16(p + 20);
		if (m->version >= OFP14_VERSION && p[17] == OFPFC_ADD)
			fm->importance = get_be16(p + 38);
		fm->buffer_id = get_be32(p + 24);
		if (!ofp_port_from_ofp11(get_be32(p + 28), &fm->out_port))
			return OFPERR_OFPBAC_BAD_OUT_PORT;
		fm->out_group =
			p[17] == OFPFC_DELETE || p[17] == OFPFC_DELETE_STRICT
				? get_be32(p + 32)
				: OFP_GROUP_ANY;
		raw_flags = get_be16(p + 36);
	} else {
		if (m->raw == OFPRAW_OFPT10_FLOW_MOD) {
			rd_bytes(&r, 64, &p);
			ofp10_match_decode(p, &fm->match);
			match_normalize_log(&fm->match);
			fm->priority = ofp10_match_wildcards(p) & OFPFW10_ALL
					       ? get_be16(p + 54)
					       : UINT16_MAX;
			command = get_be16(p + 48);
			fm->new_cookie = get_be64(p + 40);
			fm->idle_timeout = get_be16(p + 50);
			fm->hard_timeout = get_be16(p + 52);
			fm->buffer_id = get_be32(p + 56);
			fm->out_port = get_be16(p + 60);
			raw_flags = get_be16(p + 62);
		} else {
			rd_bytes(&r, 32, &p);
			e = nx_pull_match(&r, get_be16(p + 24), true,
					  &fm->match, &fm->cookie,
					  &fm->cookie_mask);
			if (e)
				return e;
			command = get_be16(p + 8);
			if ((command & 0xff) == OFPFC_ADD && fm->cookie_mask)
				return OFPERR_NXBRC_NXM_INVALID;
			fm->priority = get_be16(p + 14);
			fm->new_cookie = get_be64(p);
			fm->idle_timeout = get_be16(p + 10);
			fm->hard_timeout = get_be16(p + 12);
			fm->buffer_id = get_be32(p + 16);
			fm->out_port = get_be16(p + 20);
			raw_flags = get_be16(p + 22);
		}
		fm->out_group = OFP_GROUP_ANY;
		fm->modify_cookie = fm->new_cookie != UINT64_MAX;
		if (protocol & OFP_PROTO_TID) {
			fm->command = command & 0xff;
			fm->table_id = (uint8_t)(command >> 8);
		} else {
			if (command > 0xff)
				ofp_warn("ofp_flow",
					 "flow_mod has explicit table_id but "
					 "flow_mod_table_id extension is not "
					 "enabled");
			fm->command = command;
			fm->table_id = OFP_TABLE_ANY;
		}
	}
	if (fm->command > OFPFC_WIRE_MAX)
		return OFPERR_OFPFMFC_BAD_COMMAND;
	e = ofpacts_pull_openflow_instructions(r.p, r.left, m->version,
					       &fm->ofpacts);
	if (!e)
		e = decode_flags(raw_flags, fm->command, m->version,
				 &fm->flags);
	if (!e && (fm->flags & OFPFF_EMERG))
		e = fm->hard_timeout || fm->idle_timeout
			    ? OFPERR_OFPFMFC_BAD_EMERG_TIMEOUT
			    : OFPERR_OFPFMFC_TABLE_FULL;
	if (!e) {
		e = ofpacts_check(fm->ofpacts.data, fm->ofpacts.size,
				  &fm->match, fm->table_id, &usable);
		if (!e && max_port < OFPP_MAX) {
			const struct ofpact *a;
			OFPACT_FOR_EACH(a, fm->ofpacts.data, fm->ofpacts.size)
			if (a->type == OFPACT_OUTPUT &&
			    OFPACT_CAST(struct ofpact_output, a)->port <
				    OFPP_MAX &&
			    OFPACT_CAST(struct ofpact_output, a)->port >=
				    max_port)
				e = OFPERR_OFPBAC_BAD_OUT_PORT;
		}
		if (!e && (protocol & ~usable))
			e = OFPERR_OFPBAC_MATCH_INCONSISTENT;
	}
	if (e)
		ofpacts_free(&fm->ofpacts);
	return e;
}

static const char *const commands[] = {
	[OFPFC_ADD] = "ADD",
	[OFPFC_MODIFY] = "MOD",
	[OFPFC_MODIFY_STRICT] = "MOD_STRICT",
	[OFPFC_DELETE] = "DEL",
	[OFPFC_DELETE_STRICT] = "DEL_STRICT",
};

enum ofperr
ofp_format_flow_mod(struct ds *s, const struct ofp_msg *m,
		    const struct ofp_port_map *ports, int verbosity)
{
	uint32_t protocol = ofp_protocol_set_tid(
		ofp_protocol_from_version(m->version), true);
	struct ofp_flow_mod fm;
	enum ofperr e = ofp_decode_flow_mod(&fm, m, protocol, OFPP_MAX);
	bool raw_priority;
	size_t len;

	if (e)
		return e;
	ds_put_char(s, ' ');
	if (fm.command <= OFPFC_WIRE_MAX)
		ds_put(s, commands[fm.command]);
	else
		ds_printf(s, "cmd:%d", fm.command);
	if (fm.table_id)
		ds_printf(s, " table:%u", fm.table_id);
	ds_put_char(s, ' ');
	len = s->len;
	/* From verbosity 3, Open vSwitch shows OpenFlow 1.0 and NXM
	 * matches field by field as they are on the wire (and then the
	 * priority apart). */
	if (verbosity >= 3 && m->raw == OFPRAW_OFPT10_FLOW_MOD)
		ofp10_match_format(s, m->body, ports, verbosity);
	else if (verbosity >= 3 && m->raw == OFPRAW_NXT_FLOW_MOD)
		nx_match_format(s, m->body + 32, get_be16(m->body + 24));
	else
		match_format(s, &fm.match, ports, fm.priority);
	raw_priority = verbosity >= 3 && (m->raw == OFPRAW_OFPT10_FLOW_MOD ||
					  m->raw == OFPRAW_NXT_FLOW_MOD);
	if (s->len != len)
		ds_put_char(s, ' ');
	if (fm.new_cookie && fm.new_cookie != UINT64_MAX)
		ds_printf(s, "cookie:0x%llx ",
			  (unsigned long long)fm.new_cookie);
	if (fm.cookie_mask)
		ds_printf(s, "cookie:0x%llx/0x%llx ",
			  (unsigned long long)fm.cookie,
			  (unsigned long long)fm.cookie_mask);
	if (fm.idle_timeout)
		ds_printf(s, "idle:%u ", fm.idle_timeout);
	if (fm.hard_timeout)
		ds_printf(s, "hard:%u ", fm.hard_timeout);
	if (fm.importance)
		ds_printf(s, "importance:%u ", fm.importance);
	if (raw_priority && fm.priority != OFP_DEFAULT_PRIORITY)
		ds_printf(s, "pri:%u ", fm.priority);
	if (fm.buffer_id != OFP_NO_BUFFER)
		ds_printf(s, "buf:0x%x ", fm.buffer_id);
	if (fm.out_port != OFPP_NONE) {
		ds_put(s, "out_port:");
		ofp_port_format(s, fm.out_port, ports);
		ds_put_char(s, ' ');
	}
	if (m->version == OFP10_VERSION || m->version == OFP11_VERSION)
		fm.flags &= (uint16_t)~OFPFF_RESET_COUNTS;
	ofp_flow_mod_flags_format(s, fm.flags);
	ds_put(s, "actions=");
	ofpacts_format(s, fm.ofpacts.data, fm.ofpacts.size, ports);
	ofp_flow_mod_uninit(&fm);
	return 0;
}

/* ---- flow statistics requests ---- */

void
ofp_encode_flow_stats_request(struct ofpbuf *b,
			      const struct ofp_flow_stats_request *fsr,
			      uint32_t protocol, uint32_t xid)
{
	uint8_t version = ofp_protocol_to_version(protocol);
	size_t start, body;

	if (version >= OFP11_VERSION) {
		start = ofp_msg_start(b,
				      fsr->aggregate
					      ? OFPRAW_OFPST11_AGGREGATE_REQUEST
					      : OFPRAW_OFPST11_FLOW_REQUEST,
				      version, xid);
		body = ofpbuf_put_zeros(b, 32);
		b->data[body] = fsr->table_id;
		ofpbuf_set_be32(b, body + 4, ofp_port_to_ofp11(fsr->out_port));
		ofpbuf_set_be32(b, body + 8, fsr->out_group);
		set64(b, body + 16, fsr->cookie);
		set64(b, body + 24, fsr->cookie_mask);
		ofp_put_ofp11_match(b, &fsr->match, version);
	} else if (protocol & OFP_PROTO_OF10_STD_ANY) {
		start = ofp_msg_start(b,
				      fsr->aggregate
					      ? OFPRAW_OFPST10_AGGREGATE_REQUEST
					      : OFPRAW_OFPST10_FLOW_REQUEST,
				      version, xid);
		ofp10_match_encode(b, &fsr->match);
		ofpbuf_put_u8(b, fsr->table_id);
		ofpbuf_put_u8(b, 0);
		ofpbuf_put_be16(b, (uint16_t)fsr->out_port);
	} else {
		size_t match_len;

		start = ofp_msg_start(b,
				      fsr->aggregate
					      ? OFPRAW_NXST_AGGREGATE_REQUEST
					      : OFPRAW_NXST_FLOW_REQUEST,
				      version, xid);
		body = ofpbuf_put_zeros(b, 8);
		match_len = nx_put_match(b, &fsr->match, fsr->cookie,
					 fsr->cookie_mask);
		ofpbuf_pad8(b, body + 8);
		ofpbuf_set_be16(b, body, (uint16_t)fsr->out_port);
		ofpbuf_set_be16(b, body + 2, (uint16_t)match_len);
		b->data[body + 4] = fsr->table_id;
	}
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_decode_flow_stats_request(struct ofp_flow_stats_request *fsr,
			      const struct ofp_msg *m)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	enum ofptype type = m->type;
	const uint8_t *p = m->body;
	enum ofperr e;

	memset(fsr, 0, sizeof *fsr);
	fsr->aggregate = type == OFPTYPE_AGGREGATE_STATS_REQUEST;
	switch (m->raw) {
	case OFPRAW_OFPST10_FLOW_REQUEST:
	case OFPRAW_OFPST10_AGGREGATE_REQUEST:
		rd_bytes(&r, 44, &p);
		ofp10_match_decode(p, &fsr->match);
		fsr->table_id = p[40];
		fsr->out_port = get_be16(p + 42);
		fsr->out_group = OFP_GROUP_ANY;
		return 0;
	case OFPRAW_OFPST11_FLOW_REQUEST:
	case OFPRAW_OFPST11_AGGREGATE_REQUEST:
		rd_bytes(&r, 32, &p);
		fsr->table_id = p[0];
		if (!ofp_port_from_ofp11(get_be32(p + 4), &fsr->out_port))
			return OFPERR_OFPBAC_BAD_OUT_PORT;
		fsr->out_group = get_be32(p + 8);
		fsr->cookie = get_be64(p + 16);
		fsr->cookie_mask = get_be64(p + 24);
		return ofp_pull_ofp11_match(&r, &fsr->match, NULL);
	default:
		rd_bytes(&r, 8, &p);
		e = nx_pull_match(&r, get_be16(p + 2), true, &fsr->match,
				  &fsr->cookie, &fsr->cookie_mask);
		if (e)
			return e;
		if (r.left)
			return OFPERR_OFPBRC_BAD_LEN;
		fsr->out_port = get_be16(p);
		fsr->out_group = OFP_GROUP_ANY;
		fsr->table_id = p[4];
		return 0;
	}
}

void
ofp_format_flow_stats_request(struct ds *s,
			      const struct ofp_flow_stats_request *fsr,
			      const struct ofp_port_map *ports)
{
	if (fsr->table_id != 0xff)
		ds_printf(s, " table=%u", fsr->table_id);
	if (fsr->out_port != OFPP_NONE) {
		ds_put(s, " out_port=");
		ofp_port_format(s, fsr->out_port, ports);
	}
	ds_put_char(s, ' ');
	match_format(s, &fsr->match, ports, OFP_DEFAULT_PRIORITY);
}

/* ---- flow statistics replies ---- */

int
ofp_pull_flow_stats(struct ofp_flow_stats_entry *e, const struct ofp_msg *m,
		    struct ofp_reader *r, bool age_ext)
{
	struct ofp_flow_stats *fs = &e->fs;
	size_t length, acts_len;
	const uint8_t *p;
	enum ofperr err;

	if (!r->left)
		return EOF;
	memset(fs, 0, sizeof *fs);
	fs->match = &e->match;
	fs->idle_age = fs->hard_age = -1;
	if (m->raw == OFPRAW_OFPST15_FLOW_REPLY) {
		struct ofp_oxs_stats st;
		size_t before;
		uint16_t padded;

		if (!rd_bytes(r, 24, &p)) {
			ofp_warn("ofp_flow",
				 "OFPST_FLOW reply has %zu leftover bytes at "
				 "end",
				 r->left);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		length = get_be16(p);
		if (length < 24) {
			ofp_warn("ofp_flow",
				 "OFPST_FLOW reply claims invalid length %zu",
				 length);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		if (ofp_pull_ofp11_match(r, &e->match, &padded)) {
			ofp_warn("ofp_flow", "OFPST_FLOW reply bad match");
			return OFPERR_OFPBRC_BAD_LEN;
		}
		fs->priority = get_be16(p + 6);
		fs->table_id = p[4];
		fs->cookie = get_be64(p + 16);
		fs->idle_timeout = get_be16(p + 8);
		fs->hard_timeout = get_be16(p + 10);
		fs->importance = get_be16(p + 14);
		if ((err = decode_flags(get_be16(p + 12), -1, m->version,
					&fs->flags)))
			return err;
		before = r->left;
		if ((err = ofp_pull_oxs(r, &st)))
			return err;
		fs->n_packets = st.packet_count;
		fs->n_bytes = st.byte_count;
		fs->duration_sec = st.duration_sec;
		fs->duration_nsec = st.duration_nsec;
		if (st.present & (1u << OXS_IDLE_TIME))
			fs->idle_age = (int)st.idle_sec;
		if (length < 24u + padded + (before - r->left) ||
		    length - 24u - padded - (before - r->left) > r->left)
			return OFPERR_OFPBRC_BAD_LEN;
		acts_len = length - 24 - padded - (before - r->left);
	} else if (m->raw == OFPRAW_OFPST11_FLOW_REPLY ||
		   m->raw == OFPRAW_OFPST13_FLOW_REPLY) {
		uint16_t padded;

		if (!rd_bytes(r, 48, &p)) {
			ofp_warn("ofp_flow",
				 "OFPST_FLOW reply has %zu leftover bytes at "
				 "end",
				 r->left);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		length = get_be16(p);
		if (length < 48) {
			ofp_warn("ofp_flow",
				 "OFPST_FLOW reply claims invalid length %zu",
				 length);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		if ((err = ofp_pull_ofp11_match(r, &e->match, &padded))) {
			ofp_warn("ofp_flow", "OFPST_FLOW reply bad match");
			return err;
		}
		if (length < 48u + padded || length - 48u - padded > r->left) {
			ofp_warn("ofp_flow",
				 "OFPST_FLOW reply claims invalid length %zu",
				 length);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		acts_len = length - 48 - padded;
		fs->priority = get_be16(p + 12);
		fs->table_id = p[2];
		fs->duration_sec = get_be32(p + 4);
		fs->duration_nsec = get_be32(p + 8);
		fs->idle_timeout = get_be16(p + 14);
		fs->hard_timeout = get_be16(p + 16);
		if (m->version >= OFP14_VERSION)
			fs->importance = get_be16(p + 20);
		if (m->raw == OFPRAW_OFPST13_FLOW_REPLY &&
		    (err = decode_flags(get_be16(p + 18), -1, m->version,
					&fs->flags)))
			return err;
		fs->cookie = get_be64(p + 24);
		fs->n_packets = get_be64(p + 32);
		fs->n_bytes = get_be64(p + 40);
	} else if (m->raw == OFPRAW_OFPST10_FLOW_REPLY) {
		if (!rd_bytes(r, 88, &p)) {
			ofp_warn("ofp_flow",
				 "OFPST_FLOW reply has %zu leftover bytes at "
				 "end",
				 r->left);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		length = get_be16(p);
		if (length < 88 || length - 88 > r->left) {
			ofp_warn("ofp_flow",
				 "OFPST_FLOW reply claims invalid length %zu",
				 length);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		acts_len = length - 88;
		ofp10_match_decode(p + 4, &e->match);
		fs->cookie = get_be64(p + 64);
		fs->priority = get_be16(p + 52);
		fs->table_id = p[2];
		fs->duration_sec = get_be32(p + 44);
		fs->duration_nsec = get_be32(p + 48);
		fs->idle_timeout = get_be16(p + 54);
		fs->hard_timeout = get_be16(p + 56);
		fs->n_packets = get_be64(p + 72);
		fs->n_bytes = get_be64(p + 80);
	} else {
		size_t match_len;

		if (!rd_bytes(r, 48, &p)) {
			ofp_warn("ofp_flow",
				 "NXST_FLOW reply has %zu leftover bytes at "
				 "end",
				 r->left);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		length = get_be16(p);
		match_len = get_be16(p + 18);
		if (length < 48 + (match_len + 7) / 8 * 8) {
			ofp_warn("ofp_flow",
				 "NXST_FLOW reply with match_len=%zu claims "
				 "invalid length %zu",
				 match_len, length);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		if ((err = nx_pull_match(r, match_len, true, &e->match, NULL,
					 NULL)))
			return err;
		acts_len = length - 48 - (match_len + 7) / 8 * 8;
		if (acts_len > r->left)
			return OFPERR_OFPBRC_BAD_LEN;
		fs->cookie = get_be64(p + 24);
		fs->table_id = p[2];
		fs->duration_sec = get_be32(p + 4);
		fs->duration_nsec = get_be32(p + 8);
		fs->priority = get_be16(p + 12);
		fs->idle_timeout = get_be16(p + 14);
		fs->hard_timeout = get_be16(p + 16);
		if (age_ext) {
			if (get_be16(p + 20))
				fs->idle_age = get_be16(p + 20) - 1;
			if (get_be16(p + 22))
				fs->hard_age = get_be16(p + 22) - 1;
		}
		fs->n_packets = get_be64(p + 32);
		fs->n_bytes = get_be64(p + 40);
	}
	rd_bytes(r, acts_len, &p);
	err = ofpacts_pull_openflow_instructions(p, acts_len, m->version,
						 &e->acts);
	if (err) {
		if (m->version >= OFP11_VERSION)
			ofp_warn("ofp_flow",
				 "OFPST_FLOW reply bad instructions");
		return err;
	}
	fs->ofpacts = e->acts.data;
	fs->ofpacts_len = e->acts.size;
	return 0;
}

void
ofp_append_flow_stats(struct ofpbuf *b, const struct ofp_flow_stats *fs,
		      enum ofpraw raw, uint8_t version)
{
	size_t start = b->size;

	if (raw == OFPRAW_OFPST15_FLOW_REPLY) {
		static const int order[] = { OXS_DURATION, OXS_IDLE_TIME,
					     OXS_PACKET_COUNT, OXS_BYTE_COUNT,
					     -1 };
		struct ofp_oxs_stats st;

		memset(&st, 0, sizeof st);
		st.duration_sec = fs->duration_sec;
		st.duration_nsec = fs->duration_nsec;
		st.idle_sec = fs->idle_age < 0 ? 0 : (uint32_t)fs->idle_age;
		st.packet_count = fs->n_packets;
		st.byte_count = fs->n_bytes;
		ofpbuf_put_zeros(b, 24);
		ofp_put_ofp11_match(b, fs->match, version);
		ofp_put_oxs(b, &st, order);
		ofpacts_put_openflow_instructions(fs->ofpacts, fs->ofpacts_len,
						  b, version);
		b->data[start + 4] = fs->table_id;
		ofpbuf_set_be16(b, start + 6, (uint16_t)fs->priority);
		ofpbuf_set_be16(b, start + 8, fs->idle_timeout);
		ofpbuf_set_be16(b, start + 10, fs->hard_timeout);
		ofpbuf_set_be16(b, start + 12,
				encode_flags(fs->flags, version));
		ofpbuf_set_be16(b, start + 14, fs->importance);
		set64(b, start + 16, fs->cookie);
	} else if (raw == OFPRAW_OFPST11_FLOW_REPLY ||
		   raw == OFPRAW_OFPST13_FLOW_REPLY) {
		ofpbuf_put_zeros(b, 48);
		ofp_put_ofp11_match(b, fs->match, version);
		ofpacts_put_openflow_instructions(fs->ofpacts, fs->ofpacts_len,
						  b, version);
		b->data[start + 2] = fs->table_id;
		ofpbuf_set_be32(b, start + 4, fs->duration_sec);
		ofpbuf_set_be32(b, start + 8, fs->duration_nsec);
		ofpbuf_set_be16(b, start + 12, (uint16_t)fs->priority);
		ofpbuf_set_be16(b, start + 14, fs->idle_timeout);
		ofpbuf_set_be16(b, start + 16, fs->hard_timeout);
		if (raw == OFPRAW_OFPST13_FLOW_REPLY)
			ofpbuf_set_be16(b, start + 18,
					encode_flags(fs->flags, version));
		if (version >= OFP14_VERSION)
			ofpbuf_set_be16(b, start + 20, fs->importance);
		set64(b, start + 24, fs->cookie);
		set64(b, start + 32, fs->n_packets);
		set64(b, start + 40, fs->n_bytes);
	} else if (raw == OFPRAW_OFPST10_FLOW_REPLY) {
		ofpbuf_put_zeros(b, 4);
		ofp10_match_encode(b, fs->match);
		ofpbuf_put_zeros(b, 44);
		ofpacts_put_openflow_actions(fs->ofpacts, fs->ofpacts_len, b,
					     version);
		b->data[start + 2] = fs->table_id;
		ofpbuf_set_be32(b, start + 44, fs->duration_sec);
		ofpbuf_set_be32(b, start + 48, fs->duration_nsec);
		ofpbuf_set_be16(b, start + 52, (uint16_t)fs->priority);
		ofpbuf_set_be16(b, start + 54, fs->idle_timeout);
		ofpbuf_set_be16(b, start + 56, fs->hard_timeout);
		set64(b, start + 64, fs->cookie);
		set64(b, start + 72, fs->n_packets);
		set64(b, start + 80, fs->n_bytes);
	} else {
		size_t match_len;

		ofpbuf_put_zeros(b, 48);
		match_len = nx_put_match(b, fs->match, 0, 0);
		ofpbuf_pad8(b, start + 48);
		ofpacts_put_openflow_actions(fs->ofpacts, fs->ofpacts_len, b,
					     version);
		b->data[start + 2] = fs->table_id;
		ofpbuf_set_be32(b, start + 4, fs->duration_sec);
		ofpbuf_set_be32(b, start + 8, fs->duration_nsec);
		ofpbuf_set_be16(b, start + 12, (uint16_t)fs->priority);
		ofpbuf_set_be16(b, start + 14, fs->idle_timeout);
		ofpbuf_set_be16(b, start + 16, fs->hard_timeout);
		ofpbuf_set_be16(b, start + 18, (uint16_t)match_len);
		ofpbuf_set_be16(b, start + 20,
				fs->idle_age < 0	 ? 0
				: fs->idle_age >= 0xffff ? 0xffff
							 : fs->idle_age + 1);
		ofpbuf_set_be16(b, start + 22,
				fs->hard_age < 0	 ? 0
				: fs->hard_age >= 0xffff ? 0xffff
							 : fs->hard_age + 1);
		set64(b, start + 24, fs->cookie);
		set64(b, start + 32, fs->n_packets);
		set64(b, start + 40, fs->n_bytes);
	}
	ofpbuf_set_be16(b, start, (uint16_t)(b->size - start));
}

void
ofp_encode_aggregate_reply(struct ofpbuf *b,
			   const struct ofp_aggregate_stats *as,
			   const struct ofp_msg *request)
{
	size_t start = ofp_msg_start(
		b, ofpraw_reply_of(request->raw, request->version),
		request->version, request->xid);

	if (request->version >= OFP15_VERSION) {
		static const int order[] = { OXS_PACKET_COUNT, OXS_BYTE_COUNT,
					     OXS_FLOW_COUNT, -1 };
		struct ofp_oxs_stats st;

		memset(&st, 0, sizeof st);
		st.packet_count = as->packet_count;
		st.byte_count = as->byte_count;
		st.flow_count = as->flow_count;
		ofp_put_oxs(b, &st, order);
	} else {
		ofpbuf_put_be64(b, as->packet_count);
		ofpbuf_put_be64(b, as->byte_count);
		ofpbuf_put_be32(b, as->flow_count);
		ofpbuf_put_zeros(b, 4);
	}
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_decode_aggregate_reply(struct ofp_aggregate_stats *as,
			   const struct ofp_msg *m)
{
	if (m->raw == OFPRAW_OFPST15_AGGREGATE_REPLY) {
		struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
		struct ofp_oxs_stats st;
		enum ofperr e = ofp_pull_oxs(&r, &st);

		if (e)
			return e;
		as->packet_count = st.packet_count;
		as->byte_count = st.byte_count;
		as->flow_count = st.flow_count;
		return 0;
	}
	as->packet_count = get_be64(m->body);
	as->byte_count = get_be64(m->body + 8);
	as->flow_count = get_be32(m->body + 16);
	return 0;
}

/* ---- flow removed ---- */

enum ofperr
ofp_decode_flow_removed(struct ofp_flow_removed *fr, const struct ofp_msg *m)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	const uint8_t *p = m->body; /* the kind's minimum length is checked */
	enum ofperr e;

	memset(fr, 0, sizeof *fr);
	if (m->raw == OFPRAW_OFPT10_FLOW_REMOVED) {
		rd_bytes(&r, 80, &p);
		ofp10_match_decode(p, &fr->match);
		fr->cookie = get_be64(p + 40);
		fr->priority = get_be16(p + 48);
		fr->reason = p[50];
		fr->table_id = 255;
		fr->duration_sec = get_be32(p + 52);
		fr->duration_nsec = get_be32(p + 56);
		fr->idle_timeout = get_be16(p + 60);
		fr->packet_count = get_be64(p + 64);
		fr->byte_count = get_be64(p + 72);
		return 0;
	}
	if (m->raw == OFPRAW_OFPT15_FLOW_REMOVED) {
		struct ofp_oxs_stats st;

		rd_bytes(&r, 16, &p);
		fr->table_id = p[0];
		fr->reason = p[1];
		fr->priority = get_be16(p + 2);
		fr->idle_timeout = get_be16(p + 4);
		fr->hard_timeout = get_be16(p + 6);
		fr->cookie = get_be64(p + 8);
		if ((e = ofp_pull_ofp11_match(&r, &fr->match, NULL)))
			return e;
		if ((e = ofp_pull_oxs(&r, &st)))
			return e;
		fr->duration_sec = st.duration_sec;
		fr->duration_nsec = st.duration_nsec;
		fr->packet_count = st.packet_count;
		fr->byte_count = st.byte_count;
		return 0;
	}
	rd_bytes(&r, 40, &p);
	fr->cookie = get_be64(p);
	fr->priority = get_be16(p + 8);
	fr->reason = p[10];
	fr->table_id = p[11];
	fr->duration_sec = get_be32(p + 12);
	fr->duration_nsec = get_be32(p + 16);
	fr->idle_timeout = get_be16(p + 20);
	fr->packet_count = get_be64(p + 24);
	fr->byte_count = get_be64(p + 32);
	if (m->raw == OFPRAW_NXT_FLOW_REMOVED) {
		e = nx_pull_match(&r, get_be16(p + 22), true, &fr->match, NULL,
				  NULL);
		if (!e && r.left)
			e = OFPERR_OFPBRC_BAD_LEN;
		return e;
	}
	fr->hard_timeout = get_be16(p + 22);
	return ofp_pull_ofp11_match(&r, &fr->match, NULL);
}

void
ofp_encode_flow_removed(struct ofpbuf *b, const struct ofp_flow_removed *fr,
			uint32_t protocol, uint32_t xid)
{
	uint8_t version = ofp_protocol_to_version(protocol);
	size_t start, body;

	if (version >= OFP15_VERSION) {
		static const int order[] = { OXS_DURATION, OXS_IDLE_TIME,
					     OXS_PACKET_COUNT, OXS_BYTE_COUNT,
					     -1 };
		struct ofp_oxs_stats st;

		memset(&st, 0, sizeof st);
		st.duration_sec = fr->duration_sec;
		st.duration_nsec = fr->duration_nsec;
		st.packet_count = fr->packet_count;
		st.byte_count = fr->byte_count;
		start = ofp_msg_start(b, OFPRAW_OFPT15_FLOW_REMOVED, version,
				      xid);
		body = ofpbuf_put_zeros(b, 16);
		b->data[body] = fr->table_id;
		b->data[body + 1] = fr->reason;
		ofpbuf_set_be16(b, body + 2, fr->priority);
		ofpbuf_set_be16(b, body + 4, fr->idle_timeout);
		ofpbuf_set_be16(b, body + 6, fr->hard_timeout);
		set64(b, body + 8, fr->cookie);
		ofp_put_ofp11_match(b, &fr->match, version);
		ofp_put_oxs(b, &st, order);
		ofp_msg_finish(b, start);
		return;
	}
	if (version >= OFP11_VERSION) {
		start = ofp_msg_start(b, OFPRAW_OFPT11_FLOW_REMOVED, version,
				      xid);
		body = ofpbuf_put_zeros(b, 40);
		b->data[body + 11] = fr->table_id;
		ofpbuf_set_be16(b, body + 22, fr->hard_timeout);
		ofp_put_ofp11_match(b, &fr->match, version);
	} else if (protocol & OFP_PROTO_OF10_STD_ANY) {
		start = ofp_msg_start(b, OFPRAW_OFPT10_FLOW_REMOVED, version,
				      xid);
		ofp10_match_encode(b, &fr->match);
		body = ofpbuf_put_zeros(b, 40) - 40;
		ofpbuf_set_be16(b, body + 48, fr->priority);
		b->data[body + 50] = fr->reason;
		ofpbuf_set_be32(b, body + 52, fr->duration_sec);
		ofpbuf_set_be32(b, body + 56, fr->duration_nsec);
		ofpbuf_set_be16(b, body + 60, fr->idle_timeout);
		set64(b, body + 40, fr->cookie);
		set64(b, body + 64, fr->packet_count);
		set64(b, body + 72, fr->byte_count);
		ofp_msg_finish(b, start);
		return;
	} else {
		size_t match_len;
		start = ofp_msg_start(b, OFPRAW_NXT_FLOW_REMOVED, version, xid);
		body = ofpbuf_put_zeros(b, 40);
		b->data[body + 11] = fr->table_id;
		match_len = nx_put_match(b, &fr->match, 0, 0);
		ofpbuf_pad8(b, body + 40);
		ofpbuf_set_be16(b, body + 22, (uint16_t)match_len);
	}
	set64(b, body, fr->cookie);
	ofpbuf_set_be16(b, body + 8, fr->priority);
	b->data[body + 10] = fr->reason;
	ofpbuf_set_be32(b, body + 12, fr->duration_sec);
	ofpbuf_set_be32(b, body + 16, fr->duration_nsec);
	ofpbuf_set_be16(b, body + 20, fr->idle_timeout);
	set64(b, body + 24, fr->packet_count);
	set64(b, body + 32, fr->byte_count);
	ofp_msg_finish(b, start);
}

void
ofp_format_flow_removed(struct ds *s, const struct ofp_flow_removed *fr,
			const struct ofp_port_map *ports)
{
	static const char *const reasons[] = {
		"idle",		"hard",		"delete",
		"group_delete", "meter_delete", "eviction",
	};

	ds_put_char(s, ' ');
	match_format(s, &fr->match, ports, fr->priority);
	if (fr->reason < ARRAY_SIZE(reasons))
		ds_printf(s, " reason=%s", reasons[fr->reason]);
	else
		ds_printf(s, " reason=%d", fr->reason);
	if (fr->table_id != 255)
		ds_printf(s, " table_id=%u", fr->table_id);
	if (fr->cookie)
		ds_printf(s, " cookie:0x%llx", (unsigned long long)fr->cookie);
	ds_put(s, " duration");
	ofp_format_duration(s, fr->duration_sec, fr->duration_nsec);
	ds_printf(s, " idle%u", fr->idle_timeout);
	if (fr->hard_timeout)
		ds_printf(s, " hard%u", fr->hard_timeout);
	ds_printf(s, " pkts%llu bytes%llu\n",
		  (unsigned long long)fr->packet_count,
		  (unsigned long long)fr->byte_count);
}
