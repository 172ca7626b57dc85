/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_act_encode: the encoder of each internal action for each OpenFlow
 * version (the form Open vSwitch 3.1 picks), instructions, and the names
 * of the 1.0 feature-reply action bits.
 */
#include "ofp_act_wire.h"

#include <string.h>

#include "ofp_actions_priv.h"
#include "ofp_msg.h"
#include "ofp_nxm.h"

#define OFPAT_VENDOR 0xffff

static uint16_t
encode_ofs_nbits(const struct mf_subfield *sf)
{
	return (uint16_t)(sf->ofs << 6 | (sf->n_bits - 1));
}

static uint32_t
header32(uint16_t field)
{
	return (uint32_t)(nxm_header(field, 0, false) >> 32);
}

/* The 32-bit NXM/OXM header of a field if it has one (else 0: it needs
 * an experimenter header). */
static uint32_t
nxm_header32(uint16_t field)
{
	uint64_t h = nxm_header(field, 0, false);
	return (h >> 48) == 0xffff ? 0 : (uint32_t)(h >> 32);
}

/* Starts a standard action of @type; returns its offset. */
static size_t
put_std(struct ofpbuf *b, uint16_t type, uint16_t len)
{
	size_t ofs = ofpbuf_put_zeros(b, len);
	ofpbuf_set_be16(b, ofs, type);
	ofpbuf_set_be16(b, ofs + 2, len);
	return ofs;
}

/* Starts a Nicira (or ONF) action of @subtype and minimum @len. */
static size_t
put_ext(struct ofpbuf *b, uint32_t vendor, uint16_t subtype, uint16_t len)
{
	size_t ofs = ofpbuf_put_zeros(b, len);
	ofpbuf_set_be16(b, ofs, OFPAT_VENDOR);
	ofpbuf_set_be16(b, ofs + 2, len);
	ofpbuf_set_be32(b, ofs + 4, vendor);
	ofpbuf_set_be16(b, ofs + 8, subtype);
	return ofs;
}

static size_t
put_nx(struct ofpbuf *b, uint16_t subtype, uint16_t len)
{
	return put_ext(b, NX_VENDOR_ID, subtype, len);
}

/* Pads the action at @ofs to 8 bytes and sets its length. */
static void
pad_action(struct ofpbuf *b, size_t ofs)
{
	ofpbuf_pad8(b, ofs);
	ofpbuf_set_be16(b, ofs + 2, (uint16_t)(b->size - ofs));
}

static void
set_u8(struct ofpbuf *b, size_t ofs, uint8_t v)
{
	b->data[ofs] = v;
}

static void
set_be64(struct ofpbuf *b, size_t ofs, uint64_t v)
{
	ofpbuf_set_be32(b, ofs, (uint32_t)(v >> 32));
	ofpbuf_set_be32(b, ofs + 4, (uint32_t)v);
}

/* ---- encoding ---- */

static void
put_output(struct ofpbuf *b, uint8_t version, uint32_t port, uint16_t max_len)
{
	size_t ofs;

	if (version == OFP10_VERSION) {
		ofs = put_std(b, 0, 8);
		ofpbuf_set_be16(b, ofs + 4, (uint16_t)port);
		ofpbuf_set_be16(b, ofs + 6, max_len);
	} else {
		ofs = put_std(b, 0, 16);
		ofpbuf_set_be32(b, ofs + 4, ofp_port_to_ofp11(port));
		ofpbuf_set_be16(b, ofs + 8, max_len);
	}
}

/* A standard action whose argument is 1, 2 or 4 bytes at offset 4. */
static void
put_std_arg(struct ofpbuf *b, uint16_t type, unsigned arg_len, uint32_t arg)
{
	size_t ofs = put_std(b, type, 8);

	if (arg_len == 1)
		set_u8(b, ofs + 4, (uint8_t)arg);
	else if (arg_len == 2)
		ofpbuf_set_be16(b, ofs + 4, (uint16_t)arg);
	else
		ofpbuf_set_be32(b, ofs + 4, arg);
}

static void
put_push_vlan(struct ofpbuf *b, uint16_t ethertype)
{
	put_std_arg(b, 17, 2, ethertype);
}

/* set_field of @field's whole value (OpenFlow 1.2+). */
static void
put_set_field_value(struct ofpbuf *b, uint8_t version, uint16_t field,
		    const union ofp_value *value, const union ofp_value *mask)
{
	const struct ofp_field *f = ofp_field_get(field);
	size_t ofs = b->size;
	bool masked = mask && !ofp_is_all_ones(mask->bytes, f->n_bytes);

	ofpbuf_put_be16(b, 25);
	ofpbuf_put_be16(b, 0);
	nxm_put_entry(b, field, version, value->bytes,
		      masked ? mask->bytes : NULL);
	pad_action(b, ofs);
}

static void
put_set_field_u64(struct ofpbuf *b, uint8_t version, uint16_t field, uint64_t v)
{
	const struct ofp_field *f = ofp_field_get(field);
	union ofp_value val;

	memset(&val, 0, sizeof val);
	for (unsigned i = f->n_bytes; i-- > 0; v >>= 8)
		val.bytes[i] = (uint8_t)v;
	put_set_field_value(b, version, field, &val, NULL);
}

static void
put_reg_load(struct ofpbuf *b, const struct mf_subfield *dst, uint64_t value)
{
	size_t ofs = put_nx(b, 7, 24);

	ofpbuf_set_be16(b, ofs + 10, encode_ofs_nbits(dst));
	ofpbuf_set_be32(b, ofs + 12, nxm_header32(dst->field));
	set_be64(b, ofs + 16, value);
}

static void
set_field_to_nxast(const struct ofpact_set_field *sf, struct ofpbuf *b)
{
	const struct ofp_field *f = ofp_field_get(sf->field);

	/* A variable-length field (tun_metadata) has no fixed header for
	 * reg_load: Open vSwitch sends reg_load2. */
	if (sf->ofpact.raw == OFPACT_RAW_REG_LOAD2 ||
	    !nxm_header32(sf->field) || ofp_field_is_tun_md(sf->field)) {
		size_t ofs = put_nx(b, 33, 10);
		nxm_put_entry(b, sf->field, 0, sf->value.bytes,
			      ofp_is_all_ones(sf->mask.bytes, f->n_bytes)
				      ? NULL
				      : sf->mask.bytes);
		pad_action(b, ofs);
	} else {
		struct mf_subfield dst = { sf->field, 0, 0 };
		uint64_t value;
		while (ofpact_set_field_next_segment(sf, &dst, &value))
			put_reg_load(b, &dst, value);
	}
}

static void encode_ecn(uint8_t ecn, uint8_t version, struct ofpbuf *b);

/* set_field in OpenFlow 1.0 and 1.1: their own actions where they have
 * them, Nicira's reg_load otherwise. */
static void
set_field_to_legacy(const struct ofpact_set_field *sf, uint8_t version,
		    struct ofpbuf *b)
{
	const union ofp_value *v = &sf->value;
	size_t ofs;

	switch (sf->field) {
	case MFF_VLAN_TCI: {
		uint16_t tci = ntohs(v->be16);
		if (version == OFP10_VERSION) {
			if (tci & MVS_VLAN_PRESENT) {
				put_std_arg(b, 1, 2, tci & MVS_VLAN_VID_MASK);
				put_std_arg(b, 2, 1, tci >> MVS_VLAN_PCP_SHIFT);
			} else {
				put_std(b, 3, 8);
			}
		} else if (tci & MVS_VLAN_PRESENT) {
			if (!sf->flow_has_vlan)
				put_push_vlan(b, ETH_TYPE_VLAN);
			put_std_arg(b, 1, 2, tci & MVS_VLAN_VID_MASK);
			put_std_arg(b, 2, 1, tci >> MVS_VLAN_PCP_SHIFT);
		} else {
			put_std(b, 18, 8);
		}
		return;
	}
	case MFF_VLAN_VID:
		put_std_arg(b, 1, 2, ntohs(v->be16) & MVS_VLAN_VID_MASK);
		return;
	case MFF_VLAN_PCP:
		put_std_arg(b, 2, 1, v->u8);
		return;
	case MFF_ETH_SRC:
	case MFF_ETH_DST:
		ofs = put_std(b,
			      (uint16_t)((sf->field == MFF_ETH_SRC ? 4 : 5) -
					 (version == OFP10_VERSION ? 0 : 1)),
			      16);
		memcpy(b->data + ofs + 4, v->mac, 6);
		return;
	case MFF_IPV4_SRC:
	case MFF_IPV4_DST:
		put_std_arg(b,
			    (uint16_t)((sf->field == MFF_IPV4_SRC ? 6 : 7) -
				       (version == OFP10_VERSION ? 0 : 1)),
			    4, ntohl(v->be32));
		return;
	case MFF_IP_DSCP:
	case MFF_IP_DSCP_SHIFTED:
		put_std_arg(b, version == OFP10_VERSION ? 8 : 7, 1,
			    sf->field == MFF_IP_DSCP ? v->u8
						     : (uint8_t)(v->u8 << 2));
		return;
	case MFF_IP_ECN:
		encode_ecn(v->u8, version, b);
		return;
	case MFF_TCP_SRC:
	case MFF_UDP_SRC:
		put_std_arg(b, 9, 2, ntohs(v->be16));
		return;
	case MFF_TCP_DST:
	case MFF_UDP_DST:
		put_std_arg(b, 10, 2, ntohs(v->be16));
		return;
	default:
		set_field_to_nxast(sf, b);
		return;
	}
}

static void
encode_set_field(const struct ofpact_set_field *sf, uint8_t version,
		 struct ofpbuf *b)
{
	const struct ofp_field *f = ofp_field_get(sf->field);

	if (version >= OFP15_VERSION)
		put_set_field_value(b, version, sf->field, &sf->value,
				    &sf->mask);
	else if (sf->ofpact.raw == OFPACT_RAW_REG_LOAD ||
		 sf->ofpact.raw == OFPACT_RAW_REG_LOAD2)
		set_field_to_nxast(sf, b);
	else if (version < OFP12_VERSION)
		set_field_to_legacy(sf, version, b);
	else if (ofp_is_all_ones(sf->mask.bytes, f->n_bytes))
		put_set_field_value(b, version, sf->field, &sf->value, NULL);
	else
		set_field_to_nxast(sf, b);
}

static void
encode_ecn(uint8_t ecn, uint8_t version, struct ofpbuf *b)
{
	if (version == OFP10_VERSION) {
		struct mf_subfield dst = { MFF_IP_ECN, 0, 2 };
		put_reg_load(b, &dst, ecn);
	} else if (version == OFP11_VERSION) {
		put_std_arg(b, 8, 1, ecn);
	} else {
		put_set_field_u64(b, version, MFF_IP_ECN, ecn);
	}
}

static void
encode_move(const struct ofpact_reg_move *mv, uint8_t version, struct ofpbuf *b)
{
	size_t ofs;

	if (version >= OFP15_VERSION) {
		ofs = put_std(b, 28, 12);
		ofpbuf_set_be16(b, ofs + 4, mv->dst.n_bits);
		ofpbuf_set_be16(b, ofs + 6, mv->src.ofs);
		ofpbuf_set_be16(b, ofs + 8, mv->dst.ofs);
		nxm_put_header(b, mv->src.field, version, false);
		nxm_put_header(b, mv->dst.field, version, false);
	} else if (version == OFP13_VERSION &&
		   mv->ofpact.raw == OFPACT_RAW_COPY_FIELD13) {
		ofs = put_ext(b, ONF_VENDOR_ID, 3200, 20);
		ofpbuf_set_be16(b, ofs + 12, mv->dst.n_bits);
		ofpbuf_set_be16(b, ofs + 14, mv->src.ofs);
		ofpbuf_set_be16(b, ofs + 16, mv->dst.ofs);
		nxm_put_header(b, mv->src.field, version, false);
		nxm_put_header(b, mv->dst.field, version, false);
	} else {
		ofs = put_nx(b, 6, 16);
		ofpbuf_set_be16(b, ofs + 10, mv->dst.n_bits);
		ofpbuf_set_be16(b, ofs + 12, mv->src.ofs);
		ofpbuf_set_be16(b, ofs + 14, mv->dst.ofs);
		nxm_put_header(b, mv->src.field, 0, false);
		nxm_put_header(b, mv->dst.field, 0, false);
	}
	pad_action(b, ofs);
}

static void
encode_controller(const struct ofpact_controller *c, struct ofpbuf *b)
{
	size_t ofs;

	if (c->userdata_len || c->pause ||
	    c->ofpact.raw == OFPACT_RAW_CONTROLLER2) {
		ofs = put_nx(b, 37, 16);
		if (c->max_len != UINT16_MAX) {
			size_t p = b->size;
			ofpbuf_put_be16(b, 0);
			ofpbuf_put_be16(b, 8);
			ofpbuf_put_be16(b, c->max_len);
			ofpbuf_pad8(b, p);
		}
		if (c->controller_id) {
			size_t p = b->size;
			ofpbuf_put_be16(b, 1);
			ofpbuf_put_be16(b, 8);
			ofpbuf_put_be16(b, c->controller_id);
			ofpbuf_pad8(b, p);
		}
		if (c->reason != OFPR_ACTION) {
			size_t p = b->size;
			ofpbuf_put_be16(b, 2);
			ofpbuf_put_be16(b, 5);
			ofpbuf_put_u8(b, c->reason);
			ofpbuf_pad8(b, p);
		}
		if (c->userdata_len) {
			size_t p = b->size;
			ofpbuf_put_be16(b, 3);
			ofpbuf_put_be16(b, (uint16_t)(4 + c->userdata_len));
			ofpbuf_put(b, c->userdata, c->userdata_len);
			ofpbuf_pad8(b, p);
		}
		if (c->pause) {
			size_t p = b->size;
			ofpbuf_put_be16(b, 4);
			ofpbuf_put_be16(b, 4);
			ofpbuf_pad8(b, p);
		}
		pad_action(b, ofs);
	} else {
		ofs = put_nx(b, 20, 16);
		ofpbuf_set_be16(b, ofs + 10, c->max_len);
		ofpbuf_set_be16(b, ofs + 12, c->controller_id);
		set_u8(b, ofs + 14, c->reason);
	}
}

static void
encode_learn(const struct ofpact_learn *l, struct ofpbuf *b)
{
	size_t ofs;

	if (l->ofpact.raw == OFPACT_RAW_LEARN2 || l->limit ||
	    (l->flags & NX_LEARN_F_WRITE_RESULT)) {
		ofs = put_nx(b, 45, 40);
		ofpbuf_set_be32(b, ofs + 32, l->limit);
		ofpbuf_set_be16(b, ofs + 36, l->result_dst.ofs);
	} else {
		ofs = put_nx(b, 16, 32);
	}
	ofpbuf_set_be16(b, ofs + 10, l->idle_timeout);
	ofpbuf_set_be16(b, ofs + 12, l->hard_timeout);
	ofpbuf_set_be16(b, ofs + 14, l->priority);
	set_be64(b, ofs + 16, l->cookie);
	ofpbuf_set_be16(b, ofs + 24, l->flags);
	set_u8(b, ofs + 26, l->table_id);
	ofpbuf_set_be16(b, ofs + 28, l->fin_idle_timeout);
	ofpbuf_set_be16(b, ofs + 30, l->fin_hard_timeout);
	if (l->flags & NX_LEARN_F_WRITE_RESULT)
		nxm_put_header(b, l->result_dst.field, 0, false);
	for (unsigned i = 0; i < l->n_specs; i++) {
		const struct ofpact_learn_spec *sp = &l->specs[i];

		ofpbuf_put_be16(b, (uint16_t)(sp->n_bits | sp->dst_type |
					      sp->src_type));
		if (sp->src_type == NX_LEARN_SRC_FIELD) {
			ofpbuf_put_be32(b, nxm_header32(sp->src.field));
			ofpbuf_put_be16(b, sp->src.ofs);
		} else {
			unsigned pb = 2 * ((sp->n_bits + 15u) / 16);
			unsigned nb = (sp->n_bits + 7u) / 8;
			size_t at = ofpbuf_put_zeros(b, pb);
			memcpy(b->data + at + pb - nb,
			       sp->imm + sizeof sp->imm - nb, nb);
		}
		if (sp->dst_type == NX_LEARN_DST_MATCH ||
		    sp->dst_type == NX_LEARN_DST_LOAD) {
			ofpbuf_put_be32(b, nxm_header32(sp->dst.field));
			ofpbuf_put_be16(b, sp->dst.ofs);
		}
	}
	pad_action(b, ofs);
}

static void
encode_bundle(const struct ofpact_bundle *bd, struct ofpbuf *b)
{
	size_t ofs = put_nx(b, bd->load ? 13 : 12, 32);

	ofpbuf_set_be16(b, ofs + 10, bd->algorithm);
	ofpbuf_set_be16(b, ofs + 12, bd->fields);
	ofpbuf_set_be16(b, ofs + 14, bd->basis);
	ofpbuf_set_be32(b, ofs + 16, header32(MFF_IN_PORT));
	ofpbuf_set_be16(b, ofs + 20, bd->n_members);
	if (bd->load) {
		ofpbuf_set_be16(b, ofs + 22, encode_ofs_nbits(&bd->dst));
		ofpbuf_set_be32(b, ofs + 24, nxm_header32(bd->dst.field));
	}
	for (unsigned i = 0; i < bd->n_members; i++)
		ofpbuf_put_be16(b, bd->members[i]);
	pad_action(b, ofs);
}

/* Appends @a in @version's form (instructions included: the caller wraps
 * apply-actions). */
static void
encode_one(const struct ofpact *a, uint8_t version, struct ofpbuf *b)
{
	bool v10 = version == OFP10_VERSION;
	size_t ofs;

	switch ((enum ofpact_type)a->type) {
	case OFPACT_OUTPUT: {
		const struct ofpact_output *o = (const void *)a;
		put_output(b, version, o->port, o->max_len);
		break;
	}
	case OFPACT_CONTROLLER:
		encode_controller((const void *)a, b);
		break;
	case OFPACT_ENQUEUE: {
		const struct ofpact_enqueue *e = (const void *)a;
		if (v10) {
			ofs = put_std(b, 11, 16);
			ofpbuf_set_be16(b, ofs + 4, (uint16_t)e->port);
			ofpbuf_set_be32(b, ofs + 12, e->queue);
		} else {
			put_std_arg(b, 21, 4, e->queue);
			put_output(b, version, e->port, UINT16_MAX);
			put_nx(b, 5, 16);
		}
		break;
	}
	case OFPACT_OUTPUT_REG: {
		const struct ofpact_output_reg *r = (const void *)a;
		if (r->ofpact.raw == OFPACT_RAW_OUTPUT_REG2 ||
		    !nxm_header32(r->src.field)) {
			ofs = put_nx(b, 32, 14);
			ofpbuf_set_be16(b, ofs + 10, encode_ofs_nbits(&r->src));
			ofpbuf_set_be16(b, ofs + 12, r->max_len);
			nxm_put_header(b, r->src.field, 0, false);
			ofpbuf_put_zeros(b, ofs + 24 - b->size);
			ofpbuf_set_be16(b, ofs + 2, 24);
		} else {
			ofs = put_nx(b, 15, 24);
			ofpbuf_set_be16(b, ofs + 10, encode_ofs_nbits(&r->src));
			ofpbuf_set_be32(b, ofs + 12,
					nxm_header32(r->src.field));
			ofpbuf_set_be16(b, ofs + 16, r->max_len);
		}
		break;
	}
	case OFPACT_BUNDLE:
		encode_bundle((const void *)a, b);
		break;
	case OFPACT_SET_VLAN_VID: {
		const struct ofpact_vlan_vid *x = (const void *)a;
		if (!v10 && x->push_vlan_if_needed && !x->flow_has_vlan)
			put_push_vlan(b, ETH_TYPE_VLAN);
		if (version <= OFP11_VERSION)
			put_std_arg(b, 1, 2, x->vid);
		else
			put_set_field_u64(b, version, MFF_VLAN_VID,
					  x->vid | MVS_VLAN_PRESENT);
		break;
	}
	case OFPACT_SET_VLAN_PCP: {
		const struct ofpact_vlan_pcp *x = (const void *)a;
		if (!v10 && x->push_vlan_if_needed && !x->flow_has_vlan)
			put_push_vlan(b, ETH_TYPE_VLAN);
		if (version <= OFP11_VERSION)
			put_std_arg(b, 2, 1, x->pcp);
		else
			put_set_field_u64(b, version, MFF_VLAN_PCP, x->pcp);
		break;
	}
	case OFPACT_STRIP_VLAN:
		put_std(b, v10 ? 3 : 18, 8);
		break;
	case OFPACT_PUSH_VLAN:
		if (!v10)
			put_push_vlan(b, ((const struct ofpact_push_vlan *)a)
						 ->ethertype);
		break;
	case OFPACT_SET_ETH_SRC:
	case OFPACT_SET_ETH_DST: {
		const struct ofpact_mac *m = (const void *)a;
		bool src = a->type == OFPACT_SET_ETH_SRC;
		if (version < OFP12_VERSION) {
			ofs = put_std(b,
				      (uint16_t)((src ? 4 : 5) - (v10 ? 0 : 1)),
				      16);
			memcpy(b->data + ofs + 4, m->mac, 6);
		} else {
			union ofp_value val;
			memset(&val, 0, sizeof val);
			memcpy(val.mac, m->mac, 6);
			put_set_field_value(b, version,
					    src ? MFF_ETH_SRC : MFF_ETH_DST,
					    &val, NULL);
		}
		break;
	}
	case OFPACT_SET_IPV4_SRC:
	case OFPACT_SET_IPV4_DST: {
		uint32_t addr = ntohl(((const struct ofpact_ipv4 *)a)->be32);
		bool src = a->type == OFPACT_SET_IPV4_SRC;
		if (version < OFP12_VERSION)
			put_std_arg(b,
				    (uint16_t)((src ? 6 : 7) - (v10 ? 0 : 1)),
				    4, addr);
		else
			put_set_field_u64(b, version,
					  src ? MFF_IPV4_SRC : MFF_IPV4_DST,
					  addr);
		break;
	}
	case OFPACT_SET_IP_DSCP: {
		uint8_t d = ((const struct ofpact_u8 *)a)->value;
		if (version < OFP12_VERSION)
			put_std_arg(b, v10 ? 8 : 7, 1, d);
		else
			put_set_field_u64(b, version, MFF_IP_DSCP_SHIFTED,
					  d >> 2);
		break;
	}
	case OFPACT_SET_IP_ECN:
		encode_ecn(((const struct ofpact_u8 *)a)->value, version, b);
		break;
	case OFPACT_SET_IP_TTL: {
		uint8_t ttl = ((const struct ofpact_u8 *)a)->value;
		if (!v10) {
			put_std_arg(b, 23, 1, ttl);
		} else {
			struct mf_subfield dst = { MFF_IP_TTL, 0, 8 };
			put_reg_load(b, &dst, ttl);
		}
		break;
	}
	case OFPACT_SET_L4_SRC_PORT:
	case OFPACT_SET_L4_DST_PORT: {
		const struct ofpact_l4_port *p = (const void *)a;
		bool src = a->type == OFPACT_SET_L4_SRC_PORT;
		int field = -1;
		if (p->flow_ip_proto == IPPROTO_TCP_)
			field = src ? MFF_TCP_SRC : MFF_TCP_DST;
		else if (p->flow_ip_proto == IPPROTO_UDP_)
			field = src ? MFF_UDP_SRC : MFF_UDP_DST;
		else if (p->flow_ip_proto == IPPROTO_SCTP_)
			field = src ? MFF_SCTP_SRC : MFF_SCTP_DST;
		if (version >= OFP12_VERSION && field >= 0)
			put_set_field_u64(b, version, (uint16_t)field, p->port);
		else
			put_std_arg(b, src ? 9 : 10, 2, p->port);
		break;
	}
	case OFPACT_SET_FIELD:
		encode_set_field((const void *)a, version, b);
		break;
	case OFPACT_REG_MOVE:
		encode_move((const void *)a, version, b);
		break;
	case OFPACT_DEC_TTL: {
		const struct ofpact_dec_ttl *d = (const void *)a;
		if (a->raw == OFPACT_RAW_DEC_TTL_CNT_IDS || d->n_ids != 1 ||
		    d->ids[0]) {
			ofs = put_nx(b, 21, 16);
			ofpbuf_set_be16(b, ofs + 10, d->n_ids);
			for (unsigned i = 0; i < d->n_ids; i++)
				ofpbuf_put_be16(b, d->ids[i]);
			pad_action(b, ofs);
		} else if (v10) {
			put_nx(b, 18, 16);
		} else {
			put_std(b, 24, 8);
		}
		break;
	}
	case OFPACT_SET_TUNNEL: {
		const struct ofpact_tunnel *t = (const void *)a;
		if (version >= OFP12_VERSION) {
			put_set_field_u64(b, version, MFF_TUN_ID, t->tun_id);
		} else if (t->tun_id <= UINT32_MAX &&
			   a->raw != OFPACT_RAW_SET_TUNNEL64) {
			ofs = put_nx(b, 2, 16);
			ofpbuf_set_be32(b, ofs + 12, (uint32_t)t->tun_id);
		} else {
			ofs = put_nx(b, 9, 24);
			set_be64(b, ofs + 16, t->tun_id);
		}
		break;
	}
	case OFPACT_SET_QUEUE: {
		uint32_t q = ((const struct ofpact_u32 *)a)->value;
		if (v10) {
			ofs = put_nx(b, 4, 16);
			ofpbuf_set_be32(b, ofs + 12, q);
		} else {
			put_std_arg(b, 21, 4, q);
		}
		break;
	}
	case OFPACT_POP_QUEUE:
		put_nx(b, 5, 16);
		break;
	case OFPACT_LEARN:
		encode_learn((const void *)a, b);
		break;
	case OFPACT_MULTIPATH: {
		const struct ofpact_multipath *mp = (const void *)a;
		ofs = put_nx(b, 10, 32);
		ofpbuf_set_be16(b, ofs + 10, mp->fields);
		ofpbuf_set_be16(b, ofs + 12, mp->basis);
		ofpbuf_set_be16(b, ofs + 16, mp->algorithm);
		ofpbuf_set_be16(b, ofs + 18, mp->max_link);
		ofpbuf_set_be32(b, ofs + 20, mp->arg);
		ofpbuf_set_be16(b, ofs + 26, encode_ofs_nbits(&mp->dst));
		ofpbuf_set_be32(b, ofs + 28, nxm_header32(mp->dst.field));
		break;
	}
	case OFPACT_NOTE: {
		const struct ofpact_note *n = (const void *)a;
		ofs = put_nx(b, 8, 10);
		ofpbuf_put(b, n->data, n->length);
		if (b->size - ofs < 16)
			ofpbuf_put_zeros(b, 16 - (b->size - ofs));
		pad_action(b, ofs);
		break;
	}
	case OFPACT_EXIT:
		put_nx(b, 17, 16);
		break;
	case OFPACT_GROUP: {
		uint32_t g = ((const struct ofpact_u32 *)a)->value;
		if (v10) {
			ofs = put_nx(b, 40, 16);
			ofpbuf_set_be32(b, ofs + 12, g);
		} else {
			put_std_arg(b, 22, 4, g);
		}
		break;
	}
	case OFPACT_METER: {
		uint32_t m = ((const struct ofpact_u32 *)a)->value;
		if (version == OFP13_VERSION || version == OFP14_VERSION)
			put_std_arg(b, OFPIT_METER, 4, m);
		else if (version >= OFP15_VERSION)
			put_std_arg(b, 29, 4, m);
		break;
	}
	case OFPACT_CLEAR_ACTIONS:
		if (!v10)
			put_std(b, OFPIT_CLEAR_ACTIONS, 8);
		break;
	case OFPACT_WRITE_ACTIONS:
		if (!v10) {
			size_t len;
			const void *in = ofpact_nested(a, &len);
			ofs = put_std(b, OFPIT_WRITE_ACTIONS, 8);
			ofpacts_put_openflow_actions(in, len, b, version);
			if (b->size > ofs + 8)
				ofpbuf_set_be16(b, ofs + 2,
						(uint16_t)(b->size - ofs));
			else
				b->size = ofs;
		}
		break;
	case OFPACT_WRITE_METADATA: {
		const struct ofpact_metadata *m = (const void *)a;
		if (v10) {
			ofs = put_nx(b, 22, 32);
			set_be64(b, ofs + 16, m->metadata);
			set_be64(b, ofs + 24, m->mask);
		} else {
			ofs = put_std(b, OFPIT_WRITE_METADATA, 24);
			set_be64(b, ofs + 8, m->metadata);
			set_be64(b, ofs + 16, m->mask);
		}
		break;
	}
	case OFPACT_GOTO_TABLE: {
		uint8_t t = (uint8_t)((const struct ofpact_u32 *)a)->value;
		if (v10) {
			ofs = put_nx(b, 14, 16);
			ofpbuf_set_be16(b, ofs + 10, OFPP_IN_PORT);
			set_u8(b, ofs + 12, t);
		} else {
			ofs = put_std(b, OFPIT_GOTO_TABLE, 8);
			set_u8(b, ofs + 4, t);
		}
		break;
	}
	case OFPACT_RESUBMIT: {
		const struct ofpact_resubmit *r = (const void *)a;
		if (r->table_id == 0xff && a->raw == OFPACT_RAW_RESUBMIT) {
			ofs = put_nx(b, 1, 16);
			ofpbuf_set_be16(b, ofs + 10, (uint16_t)r->in_port);
		} else {
			ofs = put_nx(b, 14, 16);
			ofpbuf_set_be16(b, ofs + 10, (uint16_t)r->in_port);
			set_u8(b, ofs + 12, r->table_id);
		}
		break;
	}
	case OFPACT_N_TYPES:
		break;
	}
}

size_t
ofpacts_put_openflow_actions(const void *data, size_t size, struct ofpbuf *b,
			     uint8_t version)
{
	size_t start = b->size;
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, data, size)
	encode_one(a, version, b);
	return b->size - start;
}

void
ofpacts_put_openflow_instructions(const void *data, size_t size,
				  struct ofpbuf *b, uint8_t version)
{
	const struct ofpact *a = data, *end = ofpact_end(data, size);

	if (version == OFP10_VERSION) {
		ofpacts_put_openflow_actions(data, size, b, version);
		return;
	}
	while (a < end) {
		if (ofpact_is_apply_action(a, version)) {
			size_t ofs = put_std(b, OFPIT_APPLY_ACTIONS, 8);
			do {
				encode_one(a, version, b);
				a = ofpact_next(a);
			} while (a < end && ofpact_is_apply_action(a, version));
			if (b->size > ofs + 8)
				ofpbuf_set_be16(b, ofs + 2,
						(uint16_t)(b->size - ofs));
			else
				b->size = ofs;
		} else {
			encode_one(a, version, b);
			a = ofpact_next(a);
		}
	}
}

/* ---- names for feature bitmaps ---- */

const char *
ofp_action_bit_name(uint8_t version, unsigned bit)
{
	static const char *const of10[] = {
		"output",     "set_vlan_vid", "set_vlan_pcp", "strip_vlan",
		"mod_dl_src", "mod_dl_dst",   "mod_nw_src",   "mod_nw_dst",
		"mod_nw_tos", "mod_tp_src",   "mod_tp_dst",   "enqueue",
	};
	if (version == OFP10_VERSION && bit < ARRAY_SIZE(of10))
		return of10[bit];
	return NULL;
}
