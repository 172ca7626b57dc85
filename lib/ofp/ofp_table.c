/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_table: table statistics and table features on the wire (decode and
 * encode) and their text; table mod.
 */
#include "ofp_table.h"

#include <stdio.h>
#include <string.h>

#define OFPTFPT_INSTRUCTIONS 0
#define OFPTFPT_INSTRUCTIONS_MISS 1
#define OFPTFPT_NEXT_TABLES 2
#define OFPTFPT_NEXT_TABLES_MISS 3
#define OFPTFPT_WRITE_ACTIONS 4
#define OFPTFPT_WRITE_ACTIONS_MISS 5
#define OFPTFPT_APPLY_ACTIONS 6
#define OFPTFPT_APPLY_ACTIONS_MISS 7
#define OFPTFPT_MATCH 8
#define OFPTFPT_WILDCARDS 10
#define OFPTFPT_WRITE_SETFIELD 12
#define OFPTFPT_WRITE_SETFIELD_MISS 13
#define OFPTFPT_APPLY_SETFIELD 14
#define OFPTFPT_APPLY_SETFIELD_MISS 15
#define OFPTC14_EVICTION 4
#define OFPTC14_VACANCY_EVENTS 8

/* ---- action and instruction bits ---- */

/* The OFPAT number of each OFPAB bit in 1.0, 1.1 and 1.2+ (-1: none). */
static const struct {
	const char *name;
	int8_t of10, of11, of12;
} action_bits[OFPAB_N] = {
	[OFPAB_OUTPUT] = { "output", 0, 0, 0 },
	[OFPAB_GROUP] = { "group", -1, 22, 22 },
	[OFPAB_ENQUEUE] = { "enqueue", 11, -1, -1 },
	[OFPAB_SET_FIELD] = { "set_field", -1, -1, 25 },
	[OFPAB_SET_VLAN_VID] = { "set_vlan_vid", 1, 1, -1 },
	[OFPAB_SET_VLAN_PCP] = { "set_vlan_pcp", 2, 2, -1 },
	[OFPAB_STRIP_VLAN] = { "strip_vlan", 3, 18, 18 },
	[OFPAB_PUSH_VLAN] = { "push_vlan", -1, 17, 17 },
	[OFPAB_SET_ETH_SRC] = { "mod_dl_src", 4, 3, -1 },
	[OFPAB_SET_ETH_DST] = { "mod_dl_dst", 5, 4, -1 },
	[OFPAB_SET_IPV4_SRC] = { "mod_nw_src", 6, 5, -1 },
	[OFPAB_SET_IPV4_DST] = { "mod_nw_dst", 7, 6, -1 },
	[OFPAB_SET_IP_DSCP] = { "mod_nw_tos", 8, 7, -1 },
	[OFPAB_SET_IP_ECN] = { "mod_nw_ecn", -1, 8, -1 },
	[OFPAB_SET_IP_TTL] = { "mod_nw_ttl", -1, 23, 23 },
	[OFPAB_SET_L4_SRC] = { "mod_tp_src", 9, 9, -1 },
	[OFPAB_SET_L4_DST] = { "mod_tp_dst", 10, 10, -1 },
	[OFPAB_DEC_TTL] = { "dec_ttl", -1, 24, 24 },
	[OFPAB_SET_MPLS_LABEL] = { "set_mpls_label", -1, 13, -1 },
	[OFPAB_SET_MPLS_TC] = { "set_mpls_tc", -1, 14, -1 },
	[OFPAB_SET_MPLS_TTL] = { "set_mpls_ttl", -1, 15, 15 },
	[OFPAB_DEC_MPLS_TTL] = { "dec_mpls_ttl", -1, 16, 16 },
	[OFPAB_PUSH_MPLS] = { "push_mpls", -1, 19, 19 },
	[OFPAB_POP_MPLS] = { "pop_mpls", -1, 20, 20 },
	[OFPAB_SET_QUEUE] = { "set_queue", -1, 21, 21 },
};

static int
action_bit_number(unsigned ab, uint8_t version)
{
	return version == OFP10_VERSION	  ? action_bits[ab].of10
	       : version == OFP11_VERSION ? action_bits[ab].of11
					  : action_bits[ab].of12;
}

uint32_t
ofp_action_bits_from_openflow(uint32_t ofpat_bits, uint8_t version)
{
	uint32_t ab = 0;

	for (unsigned i = 0; i < OFPAB_N; i++) {
		int n = action_bit_number(i, version);
		if (n >= 0 && (ofpat_bits & (1u << n)))
			ab |= 1u << i;
	}
	return ab;
}

uint32_t
ofp_action_bits_to_openflow(uint32_t ab, uint8_t version)
{
	uint32_t bits = 0;

	for (unsigned i = 0; i < OFPAB_N; i++) {
		int n = action_bit_number(i, version);
		if (n >= 0 && (ab & (1u << i)))
			bits |= 1u << n;
	}
	return bits;
}

void
ofp_action_bits_format(struct ds *s, uint32_t ab)
{
	for (unsigned i = 0; i < OFPAB_N; i++)
		if (ab & (1u << i)) {
			ds_put(s, action_bits[i].name);
			ds_put_char(s, ' ');
		}
	ds_chomp(s, ' ');
}

/* OVS instruction order: meter, apply, clear, write_actions,
 * write_metadata, goto_table; OFPIT numbers 6, 4, 5, 3, 2, 1. */
static const uint16_t inst_types[] = { 6, 4, 5, 3, 2, 1 };

uint32_t
ofp_inst_bit_from_type(uint16_t ofpit, bool *ok)
{
	for (unsigned i = 0; i < ARRAY_SIZE(inst_types); i++)
		if (inst_types[i] == ofpit) {
			*ok = true;
			return 1u << i;
		}
	*ok = false;
	return 0;
}

uint16_t
ofp_inst_type_from_bit(unsigned bit)
{
	return bit < ARRAY_SIZE(inst_types) ? inst_types[bit] : 0;
}

const char *
ofp_table_miss_name(enum ofp_table_miss miss)
{
	switch (miss) {
	case OFP_TABLE_MISS_DEFAULT:
		return "default";
	case OFP_TABLE_MISS_CONTROLLER:
		return "controller";
	case OFP_TABLE_MISS_CONTINUE:
		return "continue";
	case OFP_TABLE_MISS_DROP:
		return "drop";
	}
	return "***error***";
}

/* ---- table features ---- */

static void
next_set(uint8_t *bm, unsigned id)
{
	bm[id / 8] |= (uint8_t)(1u << (id % 8));
}

static bool
next_get(const uint8_t *bm, unsigned id)
{
	return (bm[id / 8] >> (id % 8)) & 1;
}

/* The 1.1+ instruction-ID list of a property. */
static enum ofperr
parse_instruction_ids(const uint8_t *p, size_t n, bool loose, uint32_t *insts)
{
	struct ofp_reader r = ofp_reader_init(p, n);

	*insts = 0;
	while (r.left) {
		uint16_t type, len;
		bool ok;

		if (r.left < 4)
			return OFPERR_OFPBPC_BAD_LEN;
		type = get_be16(r.p);
		len = get_be16(r.p + 2);
		if (len < 4 || len > r.left)
			return OFPERR_OFPBPC_BAD_LEN;
		rd_skip(&r, len);
		*insts |= ofp_inst_bit_from_type(type, &ok);
		if (!ok && !loose)
			return OFPERR_OFPBIC_UNKNOWN_INST;
	}
	return 0;
}

static enum ofperr
parse_action_ids(const uint8_t *p, size_t n, uint8_t version, uint32_t *ab)
{
	struct ofp_reader r = ofp_reader_init(p, n);
	uint32_t types = 0;

	while (r.left) {
		uint16_t type, len;

		if (r.left < 4)
			return OFPERR_OFPBPC_BAD_LEN;
		type = get_be16(r.p);
		len = get_be16(r.p + 2);
		if (len < 4 || len > r.left)
			return OFPERR_OFPBPC_BAD_LEN;
		rd_skip(&r, len);
		if (type < 32)
			types |= 1u << type;
	}
	*ab = ofp_action_bits_from_openflow(types, version);
	return 0;
}

static enum ofperr
parse_oxms(const uint8_t *p, size_t n, bool loose, struct ofp_tf_fields *exact,
	   struct ofp_tf_fields *masked)
{
	struct ofp_reader r = ofp_reader_init(p, n);

	while (r.left) {
		uint32_t h, exp = 0;
		size_t hl = 4;
		int idx;

		if (r.left < 4)
			return OFPERR_OFPBMC_BAD_LEN;
		h = get_be32(r.p);
		if ((h >> 16) == 0xffff) {
			if (r.left < 8)
				return OFPERR_OFPBMC_BAD_LEN;
			exp = get_be32(r.p + 4);
			hl = 8;
		}
		rd_skip(&r, hl);
		idx = ofp_tf_field_by_header((uint16_t)(h >> 16),
					     (uint8_t)((h >> 9) & 0x7f), exp);
		if (idx < 0) {
			if (!loose)
				return OFPERR_OFPBMC_BAD_FIELD;
			continue;
		}
		if (h & 0x100) {
			if (!masked)
				return OFPERR_OFPBMC_BAD_MASK;
			ofp_tf_fields_set(masked, (size_t)idx);
		} else {
			ofp_tf_fields_set(exact, (size_t)idx);
		}
	}
	return 0;
}

static void
fields_or(struct ofp_tf_fields *a, const struct ofp_tf_fields *b)
{
	for (int i = 0; i < 4; i++)
		a->bm[i] |= b->bm[i];
}

static void
fields_and(struct ofp_tf_fields *a, const struct ofp_tf_fields *b)
{
	for (int i = 0; i < 4; i++)
		a->bm[i] &= b->bm[i];
}

static void
copy_name(char *dst, const uint8_t *src, size_t n)
{
	size_t len = strnlen((const char *)src, n);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

int
ofp_pull_table_features(const struct ofp_msg *m, struct ofp_reader *r,
			struct ofp_table_features *tf, bool loose)
{
	/* Required properties (1.3-1.5 replies): the non-miss ones. */
	const uint32_t required =
		(1u << OFPTFPT_INSTRUCTIONS) | (1u << OFPTFPT_NEXT_TABLES) |
		(1u << OFPTFPT_WRITE_ACTIONS) | (1u << OFPTFPT_APPLY_ACTIONS) |
		(1u << OFPTFPT_MATCH) | (1u << OFPTFPT_WILDCARDS) |
		(1u << OFPTFPT_WRITE_SETFIELD) | (1u << OFPTFPT_APPLY_SETFIELD);
	uint32_t seen = 0;
	const uint8_t *p;
	size_t len;

	memset(tf, 0, sizeof *tf);
	if (!r->left)
		return EOF;
	if (r->left < 64)
		return OFPERR_OFPBPC_BAD_LEN;
	len = get_be16(r->p);
	if (len < 64 || len % 8 || len > r->left)
		return OFPERR_OFPBPC_BAD_LEN;
	rd_bytes(r, len, &p);
	tf->table_id = p[2];
	if (tf->table_id == OFPTT_ALL)
		return OFPERR_OFPTFFC_BAD_TABLE;
	copy_name(tf->name, p + 8, 32);
	tf->metadata_match = get_be64(p + 40);
	tf->metadata_write = get_be64(p + 48);
	tf->miss_config = OFP_TABLE_MISS_DEFAULT;
	if (m->version >= OFP14_VERSION) {
		uint32_t caps = get_be32(p + 56);
		tf->supports_eviction = (caps & OFPTC14_EVICTION) != 0;
		tf->supports_vacancy_events =
			(caps & OFPTC14_VACANCY_EVENTS) != 0;
	} else {
		tf->supports_eviction = tf->supports_vacancy_events = -1;
	}
	tf->max_entries = get_be32(p + 60);

	struct ofp_reader props = ofp_reader_init(p + 64, len - 64);
	while (props.left) {
		const uint8_t *pp = props.p, *body;
		size_t plen, padded, n;
		uint16_t type;
		enum ofperr e = 0;

		if (props.left < 4)
			return OFPERR_OFPBPC_BAD_LEN;
		type = get_be16(pp);
		plen = get_be16(pp + 2);
		padded = (plen + 7) / 8 * 8;
		if (plen < 4 || padded > props.left)
			return OFPERR_OFPBPC_BAD_LEN;
		rd_skip(&props, padded);
		body = pp + 4;
		n = plen - 4;
		if (type < 32)
			seen |= 1u << type;
		switch (type) {
		case OFPTFPT_INSTRUCTIONS:
			e = parse_instruction_ids(body, n, loose,
						  &tf->nonmiss.instructions);
			break;
		case OFPTFPT_INSTRUCTIONS_MISS:
			e = parse_instruction_ids(body, n, loose,
						  &tf->miss.instructions);
			break;
		case OFPTFPT_NEXT_TABLES:
		case OFPTFPT_NEXT_TABLES_MISS: {
			uint8_t *bm = type == OFPTFPT_NEXT_TABLES
					      ? tf->nonmiss.next
					      : tf->miss.next;
			for (size_t i = 0; i < n; i++) {
				if (body[i] == 0xff)
					return OFPERR_OFPBPC_BAD_VALUE;
				next_set(bm, body[i]);
			}
			break;
		}
		case OFPTFPT_WRITE_ACTIONS:
			e = parse_action_ids(body, n, m->version,
					     &tf->nonmiss.write.ofpacts);
			break;
		case OFPTFPT_WRITE_ACTIONS_MISS:
			e = parse_action_ids(body, n, m->version,
					     &tf->miss.write.ofpacts);
			break;
		case OFPTFPT_APPLY_ACTIONS:
			e = parse_action_ids(body, n, m->version,
					     &tf->nonmiss.apply.ofpacts);
			break;
		case OFPTFPT_APPLY_ACTIONS_MISS:
			e = parse_action_ids(body, n, m->version,
					     &tf->miss.apply.ofpacts);
			break;
		case OFPTFPT_MATCH:
			e = parse_oxms(body, n, loose, &tf->match, &tf->mask);
			break;
		case OFPTFPT_WILDCARDS:
			e = parse_oxms(body, n, loose, &tf->wildcard, NULL);
			break;
		case OFPTFPT_WRITE_SETFIELD:
			e = parse_oxms(body, n, loose,
				       &tf->nonmiss.write.set_fields, NULL);
			break;
		case OFPTFPT_WRITE_SETFIELD_MISS:
			e = parse_oxms(body, n, loose,
				       &tf->miss.write.set_fields, NULL);
			break;
		case OFPTFPT_APPLY_SETFIELD:
			e = parse_oxms(body, n, loose,
				       &tf->nonmiss.apply.set_fields, NULL);
			break;
		case OFPTFPT_APPLY_SETFIELD_MISS:
			e = parse_oxms(body, n, loose,
				       &tf->miss.apply.set_fields, NULL);
			break;
		default:
			if (!loose)
				e = OFPERR_OFPBPC_BAD_TYPE;
			break;
		}
		if (e)
			return e;
	}
	if (m->type == OFPTYPE_TABLE_FEATURES_STATS_REPLY &&
	    (seen & required) != required)
		return OFPERR_OFPTFFC_BAD_FEATURES;
	/* Missing "miss" properties default to the non-miss ones. */
	if (!(seen & (1u << OFPTFPT_INSTRUCTIONS_MISS)))
		tf->miss.instructions = tf->nonmiss.instructions;
	if (!(seen & (1u << OFPTFPT_NEXT_TABLES_MISS)))
		memcpy(tf->miss.next, tf->nonmiss.next, sizeof tf->miss.next);
	if (!(seen & (1u << OFPTFPT_WRITE_ACTIONS_MISS)))
		tf->miss.write.ofpacts = tf->nonmiss.write.ofpacts;
	if (!(seen & (1u << OFPTFPT_APPLY_ACTIONS_MISS)))
		tf->miss.apply.ofpacts = tf->nonmiss.apply.ofpacts;
	if (!(seen & (1u << OFPTFPT_WRITE_SETFIELD_MISS)))
		tf->miss.write.set_fields = tf->nonmiss.write.set_fields;
	if (!(seen & (1u << OFPTFPT_APPLY_SETFIELD_MISS)))
		tf->miss.apply.set_fields = tf->nonmiss.apply.set_fields;
	fields_or(&tf->match, &tf->mask);
	fields_or(&tf->wildcard, &tf->mask);
	fields_and(&tf->wildcard, &tf->match);
	return 0;
}

static void
put_oxm_header(struct ofpbuf *b, size_t idx, bool masked)
{
	const struct ofp_tf_header *h = &ofp_tf_field(idx)->hdrs[0];
	uint32_t x = (uint32_t)h->cls << 16 | (uint32_t)h->field << 9;

	if (masked)
		x |= 0x100;
	ofpbuf_put_be32(b, x);
	if (h->cls == 0xffff)
		ofpbuf_put_be32(b, h->experimenter);
}

static void
put_fields_prop(struct ofpbuf *b, uint16_t type,
		const struct ofp_tf_fields *set,
		const struct ofp_tf_fields *mask)
{
	size_t ofs = ofpbuf_prop_start(b, type);

	for (size_t i = 0; i < ofp_tf_n_fields(); i++)
		if (ofp_tf_fields_get(set, i))
			put_oxm_header(b, i,
				       mask && ofp_tf_fields_get(mask, i));
	ofpbuf_prop_end(b, ofs);
}

static void
put_insts_prop(struct ofpbuf *b, uint16_t type, uint32_t insts, uint8_t version)
{
	size_t ofs = ofpbuf_prop_start(b, type);

	for (unsigned i = 0; i < ARRAY_SIZE(inst_types); i++)
		if (insts & (1u << i) &&
		    !(inst_types[i] == 6 && version >= OFP15_VERSION)) {
			ofpbuf_put_be16(b, inst_types[i]);
			ofpbuf_put_be16(b, 4);
		}
	ofpbuf_prop_end(b, ofs);
}

static void
put_actions_prop(struct ofpbuf *b, uint16_t type, uint32_t ab, uint8_t version)
{
	uint32_t bits = ofp_action_bits_to_openflow(ab, version);
	size_t ofs = ofpbuf_prop_start(b, type);

	for (unsigned i = 0; i < 32; i++)
		if (bits & (1u << i)) {
			ofpbuf_put_be16(b, (uint16_t)i);
			ofpbuf_put_be16(b, 4);
		}
	ofpbuf_prop_end(b, ofs);
}

static void
put_next_prop(struct ofpbuf *b, uint16_t type, const uint8_t *next)
{
	size_t ofs = ofpbuf_prop_start(b, type);

	for (unsigned i = 0; i < 255; i++)
		if (next_get(next, i))
			ofpbuf_put_u8(b, (uint8_t)i);
	ofpbuf_prop_end(b, ofs);
}

void
ofp_put_table_features(struct ofpbuf *b, const struct ofp_table_features *tf,
		       uint8_t version)
{
	size_t start = b->size, nofs;
	uint32_t caps = 0;

	ofpbuf_put_be16(b, 0);
	ofpbuf_put_u8(b, tf->table_id);
	ofpbuf_put_zeros(b, 5);
	nofs = ofpbuf_put_zeros(b, 32);
	memcpy(b->data + nofs, tf->name, strnlen(tf->name, 31));
	ofpbuf_put_be64(b, tf->metadata_match);
	ofpbuf_put_be64(b, tf->metadata_write);
	if (version >= OFP14_VERSION) {
		if (tf->supports_eviction > 0)
			caps |= OFPTC14_EVICTION;
		if (tf->supports_vacancy_events > 0)
			caps |= OFPTC14_VACANCY_EVENTS;
	}
	ofpbuf_put_be32(b, caps);
	ofpbuf_put_be32(b, tf->max_entries);

	const struct ofp_table_instruction_features *tif[2] = { &tf->nonmiss,
								&tf->miss };
	for (int miss = 0; miss < 2; miss++)
		put_insts_prop(b, (uint16_t)(OFPTFPT_INSTRUCTIONS + miss),
			       tif[miss]->instructions, version);
	for (int miss = 0; miss < 2; miss++)
		put_next_prop(b, (uint16_t)(OFPTFPT_NEXT_TABLES + miss),
			      tif[miss]->next);
	for (int miss = 0; miss < 2; miss++)
		put_actions_prop(b, (uint16_t)(OFPTFPT_WRITE_ACTIONS + miss),
				 tif[miss]->write.ofpacts, version);
	for (int miss = 0; miss < 2; miss++)
		put_actions_prop(b, (uint16_t)(OFPTFPT_APPLY_ACTIONS + miss),
				 tif[miss]->apply.ofpacts, version);
	put_fields_prop(b, OFPTFPT_MATCH, &tf->match, &tf->mask);
	put_fields_prop(b, OFPTFPT_WILDCARDS, &tf->wildcard, NULL);
	for (int miss = 0; miss < 2; miss++)
		put_fields_prop(b, (uint16_t)(OFPTFPT_WRITE_SETFIELD + miss),
				&tif[miss]->write.set_fields, NULL);
	for (int miss = 0; miss < 2; miss++)
		put_fields_prop(b, (uint16_t)(OFPTFPT_APPLY_SETFIELD + miss),
				&tif[miss]->apply.set_fields, NULL);
	ofpbuf_set_be16(b, start, (uint16_t)(b->size - start));
}

/* ---- table statistics ---- */

/* OpenFlow 1.0 wildcard bits, 1.1 match bits and the fields they mean. */
static const struct {
	uint32_t bit;
	const char *name;
} of10_wc[] = {
	{ 1u << 0, "in_port" },	  { 1u << 1, "vlan_vid" },
	{ 1u << 2, "eth_src" },	  { 1u << 3, "eth_dst" },
	{ 1u << 4, "eth_type" },  { 1u << 5, "nw_proto" },
	{ 1u << 6, "tcp_src" },	  { 1u << 7, "tcp_dst" },
	{ 0x3f00, "ip_src" },	  { 0xfc000, "ip_dst" },
	{ 1u << 20, "vlan_pcp" }, { 1u << 21, "nw_tos" },
}, of11_mf[] = {
	{ 1u << 0, "in_port" },	     { 1u << 1, "vlan_vid" },
	{ 1u << 2, "vlan_pcp" },     { 1u << 3, "eth_type" },
	{ 1u << 4, "nw_tos" },	     { 1u << 5, "nw_proto" },
	{ 1u << 6, "tcp_src" },	     { 1u << 7, "tcp_dst" },
	{ 1u << 8, "mpls_label" },   { 1u << 9, "mpls_tc" },
	{ 1u << 11, "eth_src" },     { 1u << 12, "eth_dst" },
	{ 1u << 13, "ip_src" },	     { 1u << 14, "ip_dst" },
	{ 1u << 15, "metadata" },
};

static void
set_by_name(struct ofp_tf_fields *f, const char *name)
{
	int idx = ofp_tf_field_by_name(name);

	if (idx >= 0)
		ofp_tf_fields_set(f, (size_t)idx);
}

static struct ofp_tf_fields
fields_from_of10(uint32_t wc)
{
	struct ofp_tf_fields f = { { 0 } };

	for (size_t i = 0; i < ARRAY_SIZE(of10_wc); i++)
		if (wc & of10_wc[i].bit)
			set_by_name(&f, of10_wc[i].name);
	return f;
}

static struct ofp_tf_fields
fields_from_of11(uint32_t bits)
{
	struct ofp_tf_fields f = { { 0 } };

	for (size_t i = 0; i < ARRAY_SIZE(of11_mf); i++)
		if (bits & of11_mf[i].bit)
			set_by_name(&f, of11_mf[i].name);
	return f;
}

/* OpenFlow 1.2's 64-bit OXM bitmaps: bit N is OXM_OF field N (those
 * that exist in 1.2: up to mpls_tc, 35). */
static struct ofp_tf_fields
fields_from_oxm_bitmap(uint64_t bits)
{
	struct ofp_tf_fields f = { { 0 } };

	for (unsigned i = 0; i <= 35; i++)
		if (bits & (UINT64_C(1) << i)) {
			int idx = ofp_tf_field_by_header(0x8000, (uint8_t)i, 0);
			if (idx >= 0)
				ofp_tf_fields_set(&f, (size_t)idx);
		}
	return f;
}

static uint64_t
fields_to_oxm_bitmap(const struct ofp_tf_fields *f)
{
	uint64_t bits = 0;

	for (size_t i = 0; i < ofp_tf_n_fields(); i++) {
		const struct ofp_tf_field *fl = ofp_tf_field(i);
		if (!ofp_tf_fields_get(f, i))
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(fl->hdrs); j++)
			if (fl->hdrs[j].cls == 0x8000 &&
			    fl->hdrs[j].field <= 35)
				bits |= UINT64_C(1) << fl->hdrs[j].field;
	}
	return bits;
}

static uint32_t
fields_to_bits(const struct ofp_tf_fields *f, bool of10)
{
	uint32_t bits = 0;
	size_t n = of10 ? ARRAY_SIZE(of10_wc) : ARRAY_SIZE(of11_mf);

	for (size_t i = 0; i < n; i++) {
		const char *name = of10 ? of10_wc[i].name : of11_mf[i].name;
		int idx = ofp_tf_field_by_name(name);
		if (idx >= 0 && ofp_tf_fields_get(f, (size_t)idx))
			bits |= of10 ? of10_wc[i].bit : of11_mf[i].bit;
	}
	return bits;
}

static enum ofp_table_miss
miss_from_config(uint32_t config, uint8_t version)
{
	if (version != OFP11_VERSION && version != OFP12_VERSION)
		return OFP_TABLE_MISS_DEFAULT;
	switch (config & 3) {
	case 0:
		return OFP_TABLE_MISS_CONTROLLER;
	case 1:
		return OFP_TABLE_MISS_CONTINUE;
	case 2:
		return OFP_TABLE_MISS_DROP;
	}
	return OFP_TABLE_MISS_DEFAULT;
}

static uint32_t
miss_to_config(enum ofp_table_miss miss)
{
	switch (miss) {
	case OFP_TABLE_MISS_CONTINUE:
		return 1;
	case OFP_TABLE_MISS_DROP:
		return 2;
	case OFP_TABLE_MISS_DEFAULT:
	case OFP_TABLE_MISS_CONTROLLER:
		break;
	}
	return 0;
}

static uint32_t
insts_from_bitmap(uint32_t bits)
{
	uint32_t insts = 0;
	bool ok;

	for (unsigned i = 0; i < 32; i++)
		if (bits & (1u << i))
			insts |= ofp_inst_bit_from_type((uint16_t)i, &ok);
	return insts;
}

static uint32_t
insts_to_bitmap(uint32_t insts)
{
	uint32_t bits = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(inst_types); i++)
		if (insts & (1u << i))
			bits |= 1u << inst_types[i];
	return bits;
}

int
ofp_pull_table_stats(const struct ofp_msg *m, struct ofp_reader *r,
		     struct ofp_table_stats *ts, struct ofp_table_features *tf)
{
	static const size_t sizes[] = { 64, 88, 128, 24 };
	unsigned form = m->version == OFP10_VERSION   ? 0
			: m->version == OFP11_VERSION ? 1
			: m->version == OFP12_VERSION ? 2
						      : 3;
	const uint8_t *p;

	memset(ts, 0, sizeof *ts);
	memset(tf, 0, sizeof *tf);
	tf->supports_eviction = tf->supports_vacancy_events = -1;
	if (!r->left)
		return EOF;
	if (!rd_bytes(r, sizes[form], &p))
		return OFPERR_OFPBRC_BAD_LEN;
	ts->table_id = tf->table_id = p[0];
	switch (form) {
	case 0:
		copy_name(tf->name, p + 4, 32);
		tf->match = tf->wildcard = fields_from_of10(get_be32(p + 36));
		tf->max_entries = get_be32(p + 40);
		ts->active_count = get_be32(p + 44);
		ts->lookup_count = get_be64(p + 48);
		ts->matched_count = get_be64(p + 56);
		break;
	case 1:
		copy_name(tf->name, p + 8, 32);
		tf->wildcard = fields_from_of11(get_be32(p + 40));
		tf->match = fields_from_of11(get_be32(p + 44));
		fields_or(&tf->match, &tf->wildcard);
		tf->nonmiss.instructions = insts_from_bitmap(get_be32(p + 48));
		tf->nonmiss.write.ofpacts =
			ofp_action_bits_from_openflow(get_be32(p + 52), 2);
		/* Open vSwitch takes both from write_actions. */
		tf->nonmiss.apply.ofpacts = tf->nonmiss.write.ofpacts;
		tf->miss = tf->nonmiss;
		tf->miss_config = miss_from_config(get_be32(p + 60), 2);
		tf->max_entries = get_be32(p + 64);
		ts->active_count = get_be32(p + 68);
		ts->lookup_count = get_be64(p + 72);
		ts->matched_count = get_be64(p + 80);
		break;
	case 2:
		copy_name(tf->name, p + 8, 32);
		tf->match = fields_from_oxm_bitmap(get_be64(p + 40));
		tf->wildcard = fields_from_oxm_bitmap(get_be64(p + 48));
		fields_or(&tf->match, &tf->wildcard);
		tf->nonmiss.write.ofpacts =
			ofp_action_bits_from_openflow(get_be32(p + 56), 3);
		tf->nonmiss.apply.ofpacts =
			ofp_action_bits_from_openflow(get_be32(p + 60), 3);
		tf->nonmiss.write.set_fields =
			fields_from_oxm_bitmap(get_be64(p + 64));
		tf->nonmiss.apply.set_fields =
			fields_from_oxm_bitmap(get_be64(p + 72));
		tf->metadata_match = get_be64(p + 80);
		tf->metadata_write = get_be64(p + 88);
		tf->nonmiss.instructions = insts_from_bitmap(get_be32(p + 96));
		tf->miss = tf->nonmiss;
		tf->miss_config = miss_from_config(get_be32(p + 100), 3);
		tf->max_entries = get_be32(p + 104);
		ts->active_count = get_be32(p + 108);
		ts->lookup_count = get_be64(p + 112);
		ts->matched_count = get_be64(p + 120);
		break;
	default:
		ts->active_count = get_be32(p + 4);
		ts->lookup_count = get_be64(p + 8);
		ts->matched_count = get_be64(p + 16);
		break;
	}
	return 0;
}

void
ofp_put_table_stats(struct ofpbuf *b, const struct ofp_table_stats *ts,
		    const struct ofp_table_features *tf, uint8_t version)
{
	size_t ofs;

	if (version >= OFP13_VERSION) {
		ofpbuf_put_u8(b, ts->table_id);
		ofpbuf_put_zeros(b, 3);
		ofpbuf_put_be32(b, ts->active_count);
		ofpbuf_put_be64(b, ts->lookup_count);
		ofpbuf_put_be64(b, ts->matched_count);
		return;
	}
	ofpbuf_put_u8(b, ts->table_id);
	ofpbuf_put_zeros(b, version == OFP10_VERSION ? 3 : 7);
	ofs = ofpbuf_put_zeros(b, 32);
	memcpy(b->data + ofs, tf->name, strnlen(tf->name, 31));
	if (version == OFP10_VERSION) {
		ofpbuf_put_be32(b, fields_to_bits(&tf->wildcard, true));
		ofpbuf_put_be32(b, tf->max_entries);
		ofpbuf_put_be32(b, ts->active_count);
	} else if (version == OFP11_VERSION) {
		ofpbuf_put_be32(b, fields_to_bits(&tf->wildcard, false));
		ofpbuf_put_be32(b, fields_to_bits(&tf->match, false));
		ofpbuf_put_be32(b, insts_to_bitmap(tf->nonmiss.instructions));
		ofpbuf_put_be32(b, ofp_action_bits_to_openflow(
					   tf->nonmiss.write.ofpacts, version));
		ofpbuf_put_be32(b, ofp_action_bits_to_openflow(
					   tf->nonmiss.apply.ofpacts, version));
		ofpbuf_put_be32(b, miss_to_config(tf->miss_config));
		ofpbuf_put_be32(b, tf->max_entries);
		ofpbuf_put_be32(b, ts->active_count);
	} else {
		ofpbuf_put_be64(b, fields_to_oxm_bitmap(&tf->match));
		ofpbuf_put_be64(b, fields_to_oxm_bitmap(&tf->wildcard));
		ofpbuf_put_be32(b, ofp_action_bits_to_openflow(
					   tf->nonmiss.write.ofpacts, version));
		ofpbuf_put_be32(b, ofp_action_bits_to_openflow(
					   tf->nonmiss.apply.ofpacts, version));
		ofpbuf_put_be64(
			b, fields_to_oxm_bitmap(&tf->nonmiss.write.set_fields));
		ofpbuf_put_be64(
			b, fields_to_oxm_bitmap(&tf->nonmiss.apply.set_fields));
		ofpbuf_put_be64(b, tf->metadata_match);
		ofpbuf_put_be64(b, tf->metadata_write);
		ofpbuf_put_be32(b, insts_to_bitmap(tf->nonmiss.instructions));
		ofpbuf_put_be32(b, miss_to_config(tf->miss_config));
		ofpbuf_put_be32(b, tf->max_entries);
		ofpbuf_put_be32(b, ts->active_count);
	}
	ofpbuf_put_be64(b, ts->lookup_count);
	ofpbuf_put_be64(b, ts->matched_count);
}
