/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_act_wire: the table of wire actions (type or vendor subtype,
 * versions, length range, simple argument) with a decoder per row, and
 * the decoding of instructions.  Encoding is in ofp_act_encode.c.
 */
#include "ofp_act_wire.h"

#include <string.h>

#include "ofp_actions_priv.h"
#include "ofp_msg.h"
#include "ofp_nxm.h"

#define OFPAT_VENDOR 0xffff
#define VARLEN 0xfff8

typedef enum ofperr act_decode_fn(const uint8_t *a, size_t len, uint64_t arg,
				  uint8_t version, struct ofpacts *out);

/* One wire form of an action. */
struct act_raw {
	uint32_t vendor; /* 0: standard */
	uint16_t type;	 /* action type, or vendor subtype */
	uint8_t min_version, max_version;
	uint16_t min_len, max_len;
	uint8_t arg_ofs, arg_len; /* a simple integer argument */
	const char *name;
	act_decode_fn *decode;
};

/* ---- small helpers ---- */

static void *
put_ofpact(struct ofpacts *out, enum ofpact_type type, size_t len,
	   enum ofpact_raw raw)
{
	struct ofpact *a = ofpacts_put(out, type, len);
	a->raw = raw;
	return a;
}

static void
put_u32_act(struct ofpacts *out, enum ofpact_type type, uint32_t v)
{
	((struct ofpact_u32 *)put_ofpact(out, type, sizeof(struct ofpact_u32),
					 0))
		->value = v;
}

static enum ofperr
check_output_port(uint32_t port)
{
	switch (port) {
	case OFPP_IN_PORT:
	case OFPP_TABLE:
	case OFPP_NORMAL:
	case OFPP_FLOOD:
	case OFPP_ALL:
	case OFPP_CONTROLLER:
	case OFPP_LOCAL:
		return 0;
	}
	return port < OFPP_MAX ? 0 : OFPERR_OFPBAC_BAD_OUT_PORT;
}

/* (ofs << 6) | (n_bits - 1) */
static void
decode_ofs_nbits(uint16_t x, struct mf_subfield *sf)
{
	sf->ofs = x >> 6;
	sf->n_bits = (x & 63) + 1;
}

/* The field of a 32-bit NXM header in an action (no mask). */
static enum ofperr
field_from_header32(uint32_t h, uint16_t *field)
{
	uint8_t buf[4];
	struct ofp_reader r = ofp_reader_init(buf, 4);
	const struct ofp_field *f;
	bool masked;

	buf[0] = (uint8_t)(h >> 24);
	buf[1] = (uint8_t)(h >> 16);
	buf[2] = (uint8_t)(h >> 8);
	buf[3] = (uint8_t)h;
	if ((h >> 16) == 0xffff || nxm_pull_header(&r, &f, &masked) || masked)
		return OFPERR_OFPBAC_BAD_SET_TYPE;
	*field = f->id;
	return 0;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	return ofp_is_zero(p, n);
}

/* ---- decoders ---- */

static enum ofperr
dec_output10(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	     struct ofpacts *out)
{
	struct ofpact_output *o = put_ofpact(out, OFPACT_OUTPUT, sizeof *o, 0);
	o->port = get_be16(a + 4);
	o->max_len = get_be16(a + 6);
	return check_output_port(o->port);
}

static enum ofperr
dec_output11(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	     struct ofpacts *out)
{
	struct ofpact_output *o = put_ofpact(out, OFPACT_OUTPUT, sizeof *o, 0);
	o->max_len = get_be16(a + 8);
	if (!ofp_port_from_ofp11(get_be32(a + 4), &o->port))
		return OFPERR_OFPBAC_BAD_OUT_PORT;
	return check_output_port(o->port);
}

static enum ofperr
dec_vlan_vid(uint64_t vid, bool push, struct ofpacts *out)
{
	struct ofpact_vlan_vid *x;

	if (vid & ~0xfffull)
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	x = put_ofpact(out, OFPACT_SET_VLAN_VID, sizeof *x, 0);
	x->vid = (uint16_t)vid;
	x->push_vlan_if_needed = push;
	return 0;
}

static enum ofperr
dec_vlan_vid10(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	       struct ofpacts *out)
{
	return dec_vlan_vid(arg, true, out);
}

static enum ofperr
dec_vlan_vid11(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	       struct ofpacts *out)
{
	return dec_vlan_vid(arg, false, out);
}

static enum ofperr
dec_vlan_pcp(uint64_t pcp, bool push, struct ofpacts *out)
{
	struct ofpact_vlan_pcp *x;

	if (pcp & ~7ull)
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	x = put_ofpact(out, OFPACT_SET_VLAN_PCP, sizeof *x, 0);
	x->pcp = (uint8_t)pcp;
	x->push_vlan_if_needed = push;
	return 0;
}

static enum ofperr
dec_vlan_pcp10(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	       struct ofpacts *out)
{
	return dec_vlan_pcp(arg, true, out);
}

static enum ofperr
dec_vlan_pcp11(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	       struct ofpacts *out)
{
	return dec_vlan_pcp(arg, false, out);
}

static enum ofperr
dec_push_vlan(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	      struct ofpacts *out)
{
	if (arg != ETH_TYPE_VLAN && arg != ETH_TYPE_VLAN_8021AD)
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	((struct ofpact_push_vlan *)put_ofpact(
		 out, OFPACT_PUSH_VLAN, sizeof(struct ofpact_push_vlan), 0))
		->ethertype = (uint16_t)arg;
	return 0;
}

static enum ofperr
dec_strip_vlan(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	       struct ofpacts *out)
{
	put_ofpact(out, OFPACT_STRIP_VLAN, sizeof(struct ofpact), 0);
	return 0;
}

static enum ofperr
dec_pop_vlan(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	     struct ofpacts *out)
{
	put_ofpact(out, OFPACT_STRIP_VLAN, sizeof(struct ofpact),
		   OFPACT_RAW_POP_VLAN);
	return 0;
}

static enum ofperr
dec_dl_addr(const uint8_t *a, enum ofpact_type type, struct ofpacts *out)
{
	struct ofpact_mac *m = put_ofpact(out, type, sizeof *m, 0);
	memcpy(m->mac, a + 4, 6);
	return 0;
}

static enum ofperr
dec_dl_src(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return dec_dl_addr(a, OFPACT_SET_ETH_SRC, out);
}

static enum ofperr
dec_dl_dst(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return dec_dl_addr(a, OFPACT_SET_ETH_DST, out);
}

static enum ofperr
dec_nw_addr(uint64_t arg, enum ofpact_type type, struct ofpacts *out)
{
	((struct ofpact_ipv4 *)put_ofpact(out, type, sizeof(struct ofpact_ipv4),
					  0))
		->be32 = htonl((uint32_t)arg);
	return 0;
}

static enum ofperr
dec_nw_src(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return dec_nw_addr(arg, OFPACT_SET_IPV4_SRC, out);
}

static enum ofperr
dec_nw_dst(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return dec_nw_addr(arg, OFPACT_SET_IPV4_DST, out);
}

static enum ofperr
put_u8_checked(struct ofpacts *out, enum ofpact_type type, uint64_t arg,
	       uint8_t bad_bits)
{
	if (arg & bad_bits)
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	((struct ofpact_u8 *)put_ofpact(out, type, sizeof(struct ofpact_u8), 0))
		->value = (uint8_t)arg;
	return 0;
}

static enum ofperr
dec_nw_tos(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return put_u8_checked(out, OFPACT_SET_IP_DSCP, arg,
			      (uint8_t)~IP_DSCP_MASK);
}

static enum ofperr
dec_nw_ecn(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return put_u8_checked(out, OFPACT_SET_IP_ECN, arg,
			      (uint8_t)~IP_ECN_MASK);
}

static enum ofperr
dec_nw_ttl(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return put_u8_checked(out, OFPACT_SET_IP_TTL, arg, 0);
}

static enum ofperr
dec_tp(uint64_t arg, enum ofpact_type type, struct ofpacts *out)
{
	((struct ofpact_l4_port *)put_ofpact(out, type,
					     sizeof(struct ofpact_l4_port), 0))
		->port = (uint16_t)arg;
	return 0;
}

static enum ofperr
dec_tp_src(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return dec_tp(arg, OFPACT_SET_L4_SRC_PORT, out);
}

static enum ofperr
dec_tp_dst(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return dec_tp(arg, OFPACT_SET_L4_DST_PORT, out);
}

static enum ofperr
dec_enqueue(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	    struct ofpacts *out)
{
	struct ofpact_enqueue *e =
		put_ofpact(out, OFPACT_ENQUEUE, sizeof *e, 0);
	e->port = get_be16(a + 4);
	e->queue = get_be32(a + 12);
	if (e->port >= OFPP_MAX && e->port != OFPP_IN_PORT &&
	    e->port != OFPP_LOCAL)
		return OFPERR_OFPBAC_BAD_OUT_PORT;
	return 0;
}

static enum ofperr
dec_set_queue(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	      struct ofpacts *out)
{
	put_u32_act(out, OFPACT_SET_QUEUE, (uint32_t)arg);
	return 0;
}

static enum ofperr
dec_group(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	  struct ofpacts *out)
{
	put_u32_act(out, OFPACT_GROUP, (uint32_t)arg);
	return 0;
}

static enum ofperr
dec_meter(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	  struct ofpacts *out)
{
	put_u32_act(out, OFPACT_METER, (uint32_t)arg);
	return 0;
}

static enum ofperr
dec_dec_ttl(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	    struct ofpacts *out)
{
	size_t ofs = out->size;
	put_ofpact(out, OFPACT_DEC_TTL, sizeof(struct ofpact_dec_ttl), 0);
	memset(ofpacts_put_tail(out, ofs, 2), 0, 2);
	((struct ofpact_dec_ttl *)(void *)ofpacts_at(out, ofs))->n_ids = 1;
	return 0;
}

static enum ofperr
dec_dec_ttl_ids(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		struct ofpacts *out)
{
	uint16_t n = get_be16(a + 10);
	size_t ofs = out->size;

	put_ofpact(out, OFPACT_DEC_TTL, sizeof(struct ofpact_dec_ttl),
		   OFPACT_RAW_DEC_TTL_CNT_IDS);
	if (!all_zero(a + 12, 4))
		return OFPERR_NXBRC_MUST_BE_ZERO;
	if (len - 16 < n * 2u) {
		ofp_warn("ofp_actions",
			 "Nicira action dec_ttl_cnt_ids only has %zu bytes "
			 "allocated for controller ids.  %u bytes are required "
			 "for %u controllers.",
			 len - 16, n * 2u, n);
		return OFPERR_OFPBAC_BAD_LEN;
	}
	for (unsigned i = 0; i < n; i++) {
		uint16_t id = get_be16(a + 16 + 2 * i);
		memcpy(ofpacts_put_tail(out, ofs, 2), &id, 2);
	}
	((struct ofpact_dec_ttl *)(void *)ofpacts_at(out, ofs))->n_ids = n;
	return 0;
}

/* set_field (OpenFlow 1.2+): an OXM entry after the 4-byte header. */
static enum ofperr
dec_set_field__(const uint8_t *a, size_t len, bool may_mask,
		struct ofpacts *out)
{
	struct ofp_reader r = ofp_reader_init(a + 4, len - 4);
	const struct ofp_field *f;
	union ofp_value val, mask;
	struct ofpact_set_field *sf;
	enum ofperr e;

	e = nxm_pull_entry(&r, &f, &val, may_mask ? &mask : NULL);
	if (e)
		return e == OFPERR_OFPBMC_BAD_MASK ? OFPERR_OFPBAC_BAD_SET_MASK
						   : e;
	if (!may_mask)
		memset(&mask, 0xff, sizeof mask);
	if (!all_zero(r.p, r.left))
		return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
	if (f->id == MFF_IN_PORT_OXM)
		return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
	if (!f->writable) {
		ofp_warn("ofp_actions", "destination field %s is not writable",
			 f->name);
		return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
	}
	if (!ofp_field_value_valid(f, &val) ||
	    (f->id == MFF_VLAN_VID &&
	     (!(mask.be16 & htons(MVS_VLAN_PRESENT)) ||
	      !(val.be16 & htons(MVS_VLAN_PRESENT))))) {
		struct ds s = DS_EMPTY;
		ofp_field_format(f, &val, NULL, NULL, &s);
		ofp_warn("ofp_actions", "Invalid value for set field %s: %s",
			 f->name, ds_cstr(&s));
		ds_free(&s);
		return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
	}
	sf = put_ofpact(out, OFPACT_SET_FIELD, sizeof *sf, 0);
	sf->field = f->id;
	for (unsigned i = 0; i < f->n_bytes; i++) {
		sf->mask.bytes[i] = mask.bytes[i];
		sf->value.bytes[i] = val.bytes[i] & mask.bytes[i];
	}
	return 0;
}

static enum ofperr
dec_set_field12(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		struct ofpacts *out)
{
	return dec_set_field__(a, len, false, out);
}

static enum ofperr
dec_set_field15(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		struct ofpacts *out)
{
	return dec_set_field__(a, len, true, out);
}

static enum ofperr
dec_reg_load(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	     struct ofpacts *out)
{
	struct mf_subfield dst;
	struct ofpact_set_field *sf;
	const struct ofp_field *f;
	uint64_t value = get_be64(a + 16);
	enum ofperr e;

	decode_ofs_nbits(get_be16(a + 10), &dst);
	e = field_from_header32(get_be32(a + 12), &dst.field);
	if (!e)
		e = mf_check_dst(&dst, NULL);
	if (e)
		return e;
	if (dst.n_bits < 64 && value >> dst.n_bits)
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	f = ofp_field_get(dst.field);
	sf = put_ofpact(out, OFPACT_SET_FIELD, sizeof *sf, OFPACT_RAW_REG_LOAD);
	sf->field = dst.field;
	bitwise_put(value, sf->value.bytes, f->n_bytes, dst.ofs, dst.n_bits);
	bitwise_one(sf->mask.bytes, f->n_bytes, dst.ofs, dst.n_bits);
	return 0;
}

static enum ofperr
dec_reg_load2(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	      struct ofpacts *out)
{
	struct ofp_reader r = ofp_reader_init(a + 10, len - 10);
	const struct ofp_field *f;
	union ofp_value val, mask;
	struct ofpact_set_field *sf;
	enum ofperr e = nxm_pull_entry(&r, &f, &val, &mask);

	if (e)
		return e;
	if (!all_zero(r.p, r.left))
		return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
	if (!f->writable) {
		ofp_warn("ofp_actions", "destination field %s is not writable",
			 f->name);
		return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
	}
	sf = put_ofpact(out, OFPACT_SET_FIELD, sizeof *sf,
			OFPACT_RAW_REG_LOAD2);
	sf->field = f->id;
	for (unsigned i = 0; i < f->n_bytes; i++) {
		sf->mask.bytes[i] = mask.bytes[i];
		sf->value.bytes[i] = val.bytes[i] & mask.bytes[i];
	}
	return 0;
}

/* Two headers and zero padding from @p: copy_field and reg_move. */
static enum ofperr
dec_move__(const uint8_t *p, size_t n, uint16_t n_bits, uint16_t src_ofs,
	   uint16_t dst_ofs, enum ofpact_raw raw, struct ofpacts *out)
{
	struct ofp_reader r = ofp_reader_init(p, n);
	struct ofpact_reg_move *mv =
		put_ofpact(out, OFPACT_REG_MOVE, sizeof *mv, raw);
	const struct ofp_field *sf, *df;
	enum ofperr e;

	mv->src.ofs = src_ofs;
	mv->dst.ofs = dst_ofs;
	mv->src.n_bits = mv->dst.n_bits = n_bits;
	if ((e = nxm_pull_header(&r, &sf, NULL)) ||
	    (e = nxm_pull_header(&r, &df, NULL)))
		return e;
	mv->src.field = sf->id;
	mv->dst.field = df->id;
	if (!all_zero(r.p, r.left))
		return OFPERR_NXBRC_MUST_BE_ZERO;
	if ((e = mf_check_src(&mv->src, NULL)))
		return e;
	return mf_check_dst(&mv->dst, NULL);
}

static enum ofperr
dec_reg_move(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	     struct ofpacts *out)
{
	return dec_move__(a + 16, len - 16, get_be16(a + 10), get_be16(a + 12),
			  get_be16(a + 14), 0, out);
}

static enum ofperr
dec_copy_field15(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		 struct ofpacts *out)
{
	return dec_move__(a + 12, len - 12, get_be16(a + 4), get_be16(a + 6),
			  get_be16(a + 8), OFPACT_RAW_COPY_FIELD13, out);
}

static enum ofperr
dec_copy_field13(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		 struct ofpacts *out)
{
	return dec_move__(a + 20, len - 20, get_be16(a + 12), get_be16(a + 14),
			  get_be16(a + 16), OFPACT_RAW_COPY_FIELD13, out);
}

static enum ofperr
dec_resubmit(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	     struct ofpacts *out)
{
	struct ofpact_resubmit *r = put_ofpact(out, OFPACT_RESUBMIT, sizeof *r,
					       OFPACT_RAW_RESUBMIT);
	r->in_port = (uint32_t)arg;
	r->table_id = 255;
	return 0;
}

static enum ofperr
dec_resubmit_table(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		   struct ofpacts *out)
{
	struct ofpact_resubmit *r;

	if (a[13] || a[14] || a[15])
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	r = put_ofpact(out, OFPACT_RESUBMIT, sizeof *r, 0);
	r->in_port = get_be16(a + 10);
	r->table_id = a[12];
	return 0;
}

static enum ofperr
dec_set_tunnel(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	       struct ofpacts *out)
{
	((struct ofpact_tunnel *)put_ofpact(out, OFPACT_SET_TUNNEL,
					    sizeof(struct ofpact_tunnel), 0))
		->tun_id = arg;
	return 0;
}

static enum ofperr
dec_set_tunnel64(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		 struct ofpacts *out)
{
	((struct ofpact_tunnel *)put_ofpact(out, OFPACT_SET_TUNNEL,
					    sizeof(struct ofpact_tunnel),
					    OFPACT_RAW_SET_TUNNEL64))
		->tun_id = arg;
	return 0;
}

static enum ofperr
dec_plain_pop_queue(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		    struct ofpacts *out)
{
	put_ofpact(out, OFPACT_POP_QUEUE, sizeof(struct ofpact), 0);
	return 0;
}

static enum ofperr
dec_exit(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	 struct ofpacts *out)
{
	put_ofpact(out, OFPACT_EXIT, sizeof(struct ofpact), 0);
	return 0;
}

static enum ofperr
dec_note(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	 struct ofpacts *out)
{
	size_t ofs = out->size, n = len - 10;

	put_ofpact(out, OFPACT_NOTE, sizeof(struct ofpact_note), 0);
	memcpy(ofpacts_put_tail(out, ofs, n), a + 10, n);
	((struct ofpact_note *)(void *)ofpacts_at(out, ofs))->length =
		(uint16_t)n;
	return 0;
}

static enum ofperr
dec_multipath(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	      struct ofpacts *out)
{
	struct ofpact_multipath *mp =
		put_ofpact(out, OFPACT_MULTIPATH, sizeof *mp, 0);
	unsigned n_links, min_bits = 0;
	enum ofperr e;

	mp->fields = get_be16(a + 10);
	mp->basis = get_be16(a + 12);
	mp->algorithm = get_be16(a + 16);
	mp->max_link = get_be16(a + 18);
	mp->arg = get_be32(a + 20);
	decode_ofs_nbits(get_be16(a + 26), &mp->dst);
	if ((e = field_from_header32(get_be32(a + 28), &mp->dst.field)))
		return e;
	n_links = mp->max_link + 1u;
	while ((1u << min_bits) < n_links)
		min_bits++;
	if (mp->fields > NX_HASH_FIELDS_SYMMETRIC_L3) {
		ofp_warn("ofp_actions", "unsupported fields %d", mp->fields);
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	}
	if (mp->algorithm > 3) {
		ofp_warn("ofp_actions", "unsupported algorithm %d",
			 mp->algorithm);
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	}
	if (mp->dst.n_bits < min_bits) {
		ofp_warn("ofp_actions",
			 "multipath action requires at least %u bits for %u "
			 "links",
			 min_bits, n_links);
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	}
	return mf_check_dst(&mp->dst, NULL);
}

static enum ofperr
dec_bundle__(const uint8_t *a, size_t len, bool load, struct ofpacts *out)
{
	size_t ofs = out->size, members = len - 32;
	struct ofpact_bundle *b = put_ofpact(out, OFPACT_BUNDLE, sizeof *b, 0);
	uint16_t n = get_be16(a + 20);
	enum ofperr e = OFPERR_OFPBAC_BAD_ARGUMENT;

	b->load = load;
	b->algorithm = get_be16(a + 10);
	b->fields = get_be16(a + 12);
	b->basis = get_be16(a + 14);
	if (b->fields > NX_HASH_FIELDS_SYMMETRIC_L3)
		ofp_warn("bundle", "unsupported fields %d", b->fields);
	else if (n > 2048)
		ofp_warn("bundle", "too many members");
	else if (b->algorithm != NX_BD_ALG_HRW &&
		 b->algorithm != NX_BD_ALG_ACTIVE_BACKUP)
		ofp_warn("bundle", "unsupported algorithm %d", b->algorithm);
	else if (get_be32(a + 16) !=
		 (uint32_t)(nxm_header(MFF_IN_PORT, 0, false) >> 32))
		ofp_warn("bundle", "unsupported member type %u",
			 get_be32(a + 16));
	else
		e = 0;
	if (!all_zero(a + 28, 4)) {
		ofp_warn("bundle", "reserved field is nonzero");
		e = OFPERR_OFPBAC_BAD_ARGUMENT;
	}
	if (load) {
		enum ofperr fe;
		decode_ofs_nbits(get_be16(a + 22), &b->dst);
		fe = field_from_header32(get_be32(a + 24), &b->dst.field);
		if (fe)
			return fe;
		if (b->dst.n_bits < 16) {
			ofp_warn("bundle", "bundle_load action requires at "
					   "least 16 bit destination.");
			e = OFPERR_OFPBAC_BAD_ARGUMENT;
		}
	} else if (get_be16(a + 22) || get_be32(a + 24)) {
		ofp_warn("bundle", "bundle action has nonzero reserved fields");
		e = OFPERR_OFPBAC_BAD_ARGUMENT;
	}
	if (members < n * 2u) {
		ofp_warn("bundle",
			 "Nicira action %s only has %zu bytes allocated for "
			 "members.  %u bytes are required for %u members.",
			 load ? "bundle_load" : "bundle", members, n * 2u, n);
		e = OFPERR_OFPBAC_BAD_LEN;
	} else {
		for (unsigned i = 0; i < n; i++) {
			uint16_t p = get_be16(a + 32 + 2 * i);
			memcpy(ofpacts_put_tail(out, ofs, 2), &p, 2);
		}
		((struct ofpact_bundle *)(void *)ofpacts_at(out, ofs))
			->n_members = n;
	}
	b = (void *)ofpacts_at(out, ofs);
	if (!e) {
		for (unsigned i = 0; i < b->n_members && !e; i++)
			if (b->members[i] >= OFPP_MAX &&
			    b->members[i] != OFPP_LOCAL)
				e = OFPERR_OFPBAC_BAD_OUT_PORT;
		if (!e && load)
			e = mf_check_dst(&b->dst, NULL);
	}
	return e;
}

static enum ofperr
dec_bundle(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	return dec_bundle__(a, len, false, out);
}

static enum ofperr
dec_bundle_load(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		struct ofpacts *out)
{
	return dec_bundle__(a, len, true, out);
}

static enum ofperr
dec_output_reg(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	       struct ofpacts *out)
{
	struct ofpact_output_reg *r =
		put_ofpact(out, OFPACT_OUTPUT_REG, sizeof *r, 0);
	enum ofperr e;

	if (!all_zero(a + 18, 6))
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	decode_ofs_nbits(get_be16(a + 10), &r->src);
	r->max_len = get_be16(a + 16);
	if ((e = field_from_header32(get_be32(a + 12), &r->src.field)))
		return e;
	return mf_check_src(&r->src, NULL);
}

static enum ofperr
dec_output_reg2(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		struct ofpacts *out)
{
	struct ofpact_output_reg *r = put_ofpact(
		out, OFPACT_OUTPUT_REG, sizeof *r, OFPACT_RAW_OUTPUT_REG2);
	struct ofp_reader rd = ofp_reader_init(a + 14, len - 14);
	const struct ofp_field *f;
	enum ofperr e;

	decode_ofs_nbits(get_be16(a + 10), &r->src);
	r->max_len = get_be16(a + 12);
	if ((e = nxm_pull_header(&rd, &f, NULL)))
		return e;
	r->src.field = f->id;
	if (!all_zero(rd.p, rd.left))
		return OFPERR_NXBRC_MUST_BE_ZERO;
	return mf_check_src(&r->src, NULL);
}

static enum ofperr
dec_controller(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	       struct ofpacts *out)
{
	struct ofpact_controller *c =
		put_ofpact(out, OFPACT_CONTROLLER, sizeof *c, 0);
	c->max_len = get_be16(a + 10);
	c->controller_id = get_be16(a + 12);
	c->reason = a[14];
	return 0;
}

static enum ofperr
dec_controller2(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		struct ofpacts *out)
{
	size_t ofs = out->size;
	struct ofp_reader r = ofp_reader_init(a + 16, len - 16);
	struct ofpact_controller *c;

	if (!all_zero(a + 10, 6))
		return OFPERR_NXBRC_MUST_BE_ZERO;
	c = put_ofpact(out, OFPACT_CONTROLLER, sizeof *c,
		       OFPACT_RAW_CONTROLLER2);
	c->max_len = UINT16_MAX;
	c->reason = OFPR_ACTION;
	while (r.left) {
		uint16_t type, plen;
		const uint8_t *p;

		if (r.left < 4)
			return OFPERR_OFPBPC_BAD_LEN;
		type = get_be16(r.p);
		plen = get_be16(r.p + 2);
		if (plen < 4 || (plen + 7u) / 8 * 8 > r.left)
			return OFPERR_OFPBPC_BAD_LEN;
		p = r.p + 4;
		rd_skip(&r, (plen + 7u) / 8 * 8);
		plen -= 4;
		c = (void *)ofpacts_at(out, ofs);
		switch (type) {
		/* Open vSwitch gives 16-bit values a length of 8 (4 with
		 * the 2 bytes of padding) and takes any length that holds
		 * the value, for 8-bit ones too. */
		case 0: /* NXAC2PT_MAX_LEN */
			if (plen < 2)
				return OFPERR_OFPBPC_BAD_LEN;
			c->max_len = get_be16(p);
			break;
		case 1: /* NXAC2PT_CONTROLLER_ID */
			if (plen < 2)
				return OFPERR_OFPBPC_BAD_LEN;
			c->controller_id = get_be16(p);
			break;
		case 2: /* NXAC2PT_REASON */
			if (plen < 1)
				return OFPERR_OFPBPC_BAD_LEN;
			c->reason = p[0];
			break;
		case 3: /* NXAC2PT_USERDATA */
			memcpy(ofpacts_put_tail(out, ofs, plen), p, plen);
			((struct ofpact_controller *)(void *)ofpacts_at(out,
									ofs))
				->userdata_len = plen;
			break;
		case 4: /* NXAC2PT_PAUSE */
			c->pause = true;
			break;
		default:
			return OFPERR_OFPBPC_BAD_TYPE;
		}
	}
	return 0;
}

static enum ofperr
dec_write_metadata(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
		   struct ofpacts *out)
{
	struct ofpact_metadata *m;

	if (!all_zero(a + 10, 6))
		return OFPERR_NXBRC_MUST_BE_ZERO;
	m = put_ofpact(out, OFPACT_WRITE_METADATA, sizeof *m, 0);
	m->metadata = get_be64(a + 16);
	m->mask = get_be64(a + 24);
	return 0;
}

/* learn and learn2: the specs from @p to @end. */
static enum ofperr
dec_learn_specs(const uint8_t *p, const uint8_t *end, size_t ofs,
		struct ofpacts *out)
{
	while (p < end) {
		struct ofpact_learn_spec spec;
		uint16_t hdr;
		unsigned need = 0;
		enum ofperr e;

		if (end - p < 2)
			break;
		hdr = get_be16(p);
		if (!hdr)
			break;
		p += 2;
		memset(&spec, 0, sizeof spec);
		spec.src_type = hdr & NX_LEARN_SRC_MASK;
		spec.dst_type = hdr & NX_LEARN_DST_MASK;
		spec.n_bits = hdr & NX_LEARN_N_BITS_MASK;
		if (!(spec.dst_type == NX_LEARN_DST_MATCH ||
		      spec.dst_type == NX_LEARN_DST_LOAD ||
		      (spec.dst_type == NX_LEARN_DST_OUTPUT &&
		       spec.src_type == NX_LEARN_SRC_FIELD)))
			return OFPERR_OFPBAC_BAD_ARGUMENT;
		need = spec.src_type == NX_LEARN_SRC_FIELD
			       ? 6
			       : 2 * ((spec.n_bits + 15u) / 16);
		if (spec.dst_type != NX_LEARN_DST_OUTPUT)
			need += 6;
		if ((size_t)(end - p) < need)
			return OFPERR_OFPBAC_BAD_LEN;
		if (spec.src_type == NX_LEARN_SRC_FIELD) {
			spec.src.n_bits = spec.n_bits;
			spec.src.ofs = get_be16(p + 4);
			if ((e = field_from_header32(get_be32(p),
						     &spec.src.field)))
				return e;
			p += 6;
		} else {
			unsigned pb = 2 * ((spec.n_bits + 15u) / 16);
			unsigned nb = (spec.n_bits + 7u) / 8;
			if (nb > sizeof spec.imm)
				return OFPERR_OFPBAC_BAD_ARGUMENT;
			memcpy(spec.imm + sizeof spec.imm - nb, p + pb - nb,
			       nb);
			p += pb;
		}
		if (spec.dst_type != NX_LEARN_DST_OUTPUT) {
			spec.dst.n_bits = spec.n_bits;
			spec.dst.ofs = get_be16(p + 4);
			if ((e = field_from_header32(get_be32(p),
						     &spec.dst.field)))
				return e;
			p += 6;
		}
		memcpy(ofpacts_put_tail(out, ofs, sizeof spec), &spec,
		       sizeof spec);
		((struct ofpact_learn *)(void *)ofpacts_at(out, ofs))
			->n_specs++;
	}
	if (p < end && !all_zero(p, (size_t)(end - p)))
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	return 0;
}

/* nx_action_learn: ..., subtype@8, idle@10, hard@12, prio@14, cookie@16,
 * flags@24, table_id@26, pad@27, fin_idle@28, fin_hard@30. */
static void
learn_fields(const uint8_t *a, struct ofpact_learn *l)
{
	l->idle_timeout = get_be16(a + 10);
	l->hard_timeout = get_be16(a + 12);
	l->priority = get_be16(a + 14);
	l->cookie = get_be64(a + 16);
	l->flags = get_be16(a + 24);
	l->table_id = a[26];
	l->fin_idle_timeout = get_be16(a + 28);
	l->fin_hard_timeout = get_be16(a + 30);
}

static enum ofperr
dec_learn(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	  struct ofpacts *out)
{
	size_t ofs = out->size;
	struct ofpact_learn *l = put_ofpact(out, OFPACT_LEARN, sizeof *l, 0);

	if (a[27])
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	learn_fields(a, l);
	if (l->table_id == 0xff)
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	if (l->flags & ~(NX_LEARN_F_SEND_FLOW_REM | NX_LEARN_F_DELETE_LEARNED))
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	return dec_learn_specs(a + 32, a + len, ofs, out);
}

static enum ofperr
dec_learn2(const uint8_t *a, size_t len, uint64_t arg, uint8_t v,
	   struct ofpacts *out)
{
	size_t ofs = out->size;
	struct ofpact_learn *l;
	const uint8_t *p = a + 40;

	if (get_be16(a + 38))
		return OFPERR_NXBAC_MUST_BE_ZERO;
	l = put_ofpact(out, OFPACT_LEARN, sizeof *l, OFPACT_RAW_LEARN2);
	if (a[27])
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	learn_fields(a, l);
	if (l->table_id == 0xff)
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	l->limit = get_be32(a + 32);
	if (l->flags & ~(NX_LEARN_F_SEND_FLOW_REM | NX_LEARN_F_DELETE_LEARNED |
			 NX_LEARN_F_WRITE_RESULT))
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	if (l->flags & NX_LEARN_F_WRITE_RESULT) {
		struct ofp_reader r = ofp_reader_init(p, len - 40);
		const struct ofp_field *f;
		enum ofperr e = nxm_pull_header(&r, &f, NULL);
		if (e)
			return e;
		if (!f->writable)
			return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
		l = (void *)ofpacts_at(out, ofs);
		l->result_dst.field = f->id;
		l->result_dst.ofs = get_be16(a + 36);
		l->result_dst.n_bits = 1;
		p = r.p;
	} else if (get_be16(a + 36)) {
		return OFPERR_OFPBAC_BAD_ARGUMENT;
	}
	return dec_learn_specs(p, a + len, ofs, out);
}

/* ---- the table ---- */

#define NX NX_VENDOR_ID
#define ONF ONF_VENDOR_ID
/* clang-format off */
static const struct act_raw raws[] = {
	{ 0, 0, 1, 1, 8, 8, 0, 0, "OFPAT_OUTPUT", dec_output10 },
	{ 0, 0, 2, 6, 16, 16, 0, 0, "OFPAT_OUTPUT", dec_output11 },
	{ 0, 1, 1, 1, 8, 8, 4, 2, "OFPAT_SET_VLAN_VID", dec_vlan_vid10 },
	{ 0, 2, 1, 1, 8, 8, 4, 1, "OFPAT_SET_VLAN_PCP", dec_vlan_pcp10 },
	{ 0, 1, 2, 6, 8, 8, 4, 2, "OFPAT_SET_VLAN_VID", dec_vlan_vid11 },
	{ 0, 2, 2, 6, 8, 8, 4, 1, "OFPAT_SET_VLAN_PCP", dec_vlan_pcp11 },
	{ 0, 17, 2, 6, 8, 8, 4, 2, "OFPAT_PUSH_VLAN", dec_push_vlan },
	{ 0, 3, 1, 1, 8, 8, 0, 0, "OFPAT_STRIP_VLAN", dec_strip_vlan },
	{ 0, 18, 2, 6, 8, 8, 0, 0, "OFPAT_POP_VLAN", dec_pop_vlan },
	{ 0, 4, 1, 1, 16, 16, 0, 0, "OFPAT_SET_DL_SRC", dec_dl_src },
	{ 0, 3, 2, 6, 16, 16, 0, 0, "OFPAT_SET_DL_SRC", dec_dl_src },
	{ 0, 5, 1, 1, 16, 16, 0, 0, "OFPAT_SET_DL_DST", dec_dl_dst },
	{ 0, 4, 2, 6, 16, 16, 0, 0, "OFPAT_SET_DL_DST", dec_dl_dst },
	{ 0, 6, 1, 1, 8, 8, 4, 4, "OFPAT_SET_NW_SRC", dec_nw_src },
	{ 0, 5, 2, 6, 8, 8, 4, 4, "OFPAT_SET_NW_SRC", dec_nw_src },
	{ 0, 7, 1, 1, 8, 8, 4, 4, "OFPAT_SET_NW_DST", dec_nw_dst },
	{ 0, 6, 2, 6, 8, 8, 4, 4, "OFPAT_SET_NW_DST", dec_nw_dst },
	{ 0, 8, 1, 1, 8, 8, 4, 1, "OFPAT_SET_NW_TOS", dec_nw_tos },
	{ 0, 7, 2, 6, 8, 8, 4, 1, "OFPAT_SET_NW_TOS", dec_nw_tos },
	{ 0, 8, 2, 6, 8, 8, 4, 1, "OFPAT_SET_NW_ECN", dec_nw_ecn },
	{ 0, 9, 1, 6, 8, 8, 4, 2, "OFPAT_SET_TP_SRC", dec_tp_src },
	{ 0, 10, 1, 6, 8, 8, 4, 2, "OFPAT_SET_TP_DST", dec_tp_dst },
	{ 0, 11, 1, 1, 16, 16, 0, 0, "OFPAT_ENQUEUE", dec_enqueue },
	{ NX, 4, 1, 1, 16, 16, 12, 4, "NXAST_SET_QUEUE", dec_set_queue },
	{ 0, 21, 2, 6, 8, 8, 4, 4, "OFPAT_SET_QUEUE", dec_set_queue },
	{ NX, 40, 1, 1, 16, 16, 12, 4, "NXAST_GROUP", dec_group },
	{ 0, 22, 2, 6, 8, 8, 4, 4, "OFPAT_GROUP", dec_group },
	{ 0, 23, 2, 6, 8, 8, 4, 1, "OFPAT_SET_NW_TTL", dec_nw_ttl },
	{ NX, 18, 1, 1, 16, 16, 0, 0, "NXAST_DEC_TTL", dec_dec_ttl },
	{ 0, 24, 2, 6, 8, 8, 0, 0, "OFPAT_DEC_NW_TTL", dec_dec_ttl },
	{ NX, 21, 1, 6, 16, VARLEN, 0, 0, "NXAST_DEC_TTL_CNT_IDS", dec_dec_ttl_ids },
	{ 0, 25, 3, 5, 8, VARLEN, 0, 0, "OFPAT_SET_FIELD", dec_set_field12 },
	{ 0, 25, 6, 6, 8, VARLEN, 0, 0, "OFPAT_SET_FIELD", dec_set_field15 },
	{ NX, 7, 1, 5, 24, 24, 0, 0, "NXAST_REG_LOAD", dec_reg_load },
	{ NX, 33, 1, 5, 16, VARLEN, 0, 0, "NXAST_REG_LOAD2", dec_reg_load2 },
	{ 0, 28, 6, 6, 16, VARLEN, 0, 0, "OFPAT_COPY_FIELD", dec_copy_field15 },
	{ ONF, 3200, 4, 5, 24, VARLEN, 0, 0, "ONFACT_COPY_FIELD", dec_copy_field13 },
	{ NX, 6, 1, 5, 16, VARLEN, 0, 0, "NXAST_REG_MOVE", dec_reg_move },
	{ 0, 29, 6, 6, 8, 8, 4, 4, "OFPAT_METER", dec_meter },
	{ NX, 1, 1, 6, 16, 16, 10, 2, "NXAST_RESUBMIT", dec_resubmit },
	{ NX, 14, 1, 6, 16, 16, 0, 0, "NXAST_RESUBMIT_TABLE", dec_resubmit_table },
	{ NX, 2, 1, 6, 16, 16, 12, 4, "NXAST_SET_TUNNEL", dec_set_tunnel },
	{ NX, 9, 1, 6, 24, 24, 16, 8, "NXAST_SET_TUNNEL64", dec_set_tunnel64 },
	{ NX, 5, 1, 6, 16, 16, 0, 0, "NXAST_POP_QUEUE", dec_plain_pop_queue },
	{ NX, 8, 1, 6, 16, VARLEN, 0, 0, "NXAST_NOTE", dec_note },
	{ NX, 10, 1, 6, 32, 32, 0, 0, "NXAST_MULTIPATH", dec_multipath },
	{ NX, 12, 1, 6, 32, VARLEN, 0, 0, "NXAST_BUNDLE", dec_bundle },
	{ NX, 13, 1, 6, 32, VARLEN, 0, 0, "NXAST_BUNDLE_LOAD", dec_bundle_load },
	{ NX, 15, 1, 6, 24, 24, 0, 0, "NXAST_OUTPUT_REG", dec_output_reg },
	{ NX, 32, 1, 6, 24, 24, 0, 0, "NXAST_OUTPUT_REG2", dec_output_reg2 },
	{ NX, 16, 1, 6, 32, VARLEN, 0, 0, "NXAST_LEARN", dec_learn },
	{ NX, 45, 1, 6, 40, VARLEN, 0, 0, "NXAST_LEARN2", dec_learn2 },
	{ NX, 17, 1, 6, 16, 16, 0, 0, "NXAST_EXIT", dec_exit },
	{ NX, 20, 1, 6, 16, 16, 0, 0, "NXAST_CONTROLLER", dec_controller },
	{ NX, 37, 1, 6, 16, VARLEN, 0, 0, "NXAST_CONTROLLER2", dec_controller2 },
	{ NX, 22, 1, 6, 32, 32, 0, 0, "NXAST_WRITE_METADATA", dec_write_metadata },
};
/* clang-format on */

static const struct act_raw *
find_raw(uint32_t vendor, uint16_t type, uint8_t version)
{
	for (size_t i = 0; i < ARRAY_SIZE(raws); i++) {
		const struct act_raw *r = &raws[i];
		if (r->vendor == vendor && r->type == type &&
		    version >= r->min_version && version <= r->max_version)
			return r;
	}
	return NULL;
}

/* Decodes one action at the front of @r. */
static enum ofperr
pull_one(struct ofp_reader *r, uint8_t version, struct ofpacts *out)
{
	const uint8_t *a = r->p;
	const struct act_raw *raw;
	uint32_t vendor = 0;
	uint16_t type, len;
	uint64_t arg = 0;

	if (r->left < 8)
		return OFPERR_OFPBAC_BAD_LEN;
	type = get_be16(a);
	if (type == OFPAT_VENDOR) {
		vendor = get_be32(a + 4);
		if (vendor != NX_VENDOR_ID && vendor != ONF_VENDOR_ID) {
			ofp_warn("ofp_actions",
				 "OpenFlow action has unknown vendor %#x",
				 vendor);
			return OFPERR_OFPBAC_BAD_VENDOR;
		}
		if (r->left < 16)
			return OFPERR_OFPBAC_BAD_LEN;
		type = get_be16(a + 8);
	}
	raw = find_raw(vendor, type, version);
	if (!raw) {
		ofp_warn("ofp_actions",
			 "unknown %s action for vendor %#x and type %u",
			 ofp_version_name(version), vendor, type);
		return vendor ? OFPERR_OFPBAC_BAD_VENDOR_TYPE
			      : OFPERR_OFPBAC_BAD_TYPE;
	}
	len = get_be16(a + 2);
	if (len > r->left) {
		ofp_warn("ofp_actions",
			 "OpenFlow action %s length %u exceeds action buffer "
			 "length %zu",
			 raw->name, len, r->left);
		return OFPERR_OFPBAC_BAD_LEN;
	}
	if (len < raw->min_len || len > raw->max_len) {
		ofp_warn("ofp_actions",
			 "OpenFlow action %s length %u not in valid range "
			 "[%u,%u]",
			 raw->name, len, raw->min_len, raw->max_len);
		return OFPERR_OFPBAC_BAD_LEN;
	}
	if (len % 8) {
		ofp_warn("ofp_actions",
			 "OpenFlow action %s length %u is not a multiple of 8",
			 raw->name, len);
		return OFPERR_OFPBAC_BAD_LEN;
	}
	for (unsigned i = 0; i < raw->arg_len; i++)
		arg = arg << 8 | a[raw->arg_ofs + i];
	rd_skip(r, len);
	return raw->decode(a, len, arg, version, out);
}

static void
log_bad_action(const uint8_t *p, size_t len, const uint8_t *bad, enum ofperr e)
{
	struct ds s = DS_EMPTY;
	ofp_hex_dump_plain(&s, p, len);
	ofp_warn("ofp_actions", "bad action at offset %#zx (%s):\n%s",
		 (size_t)(bad - p), ofperr_name(e), ds_cstr(&s));
	ds_free(&s);
}

static enum ofperr
decode_actions(const uint8_t *p, size_t len, uint8_t version,
	       struct ofpacts *out)
{
	struct ofp_reader r = ofp_reader_init(p, len);

	while (r.left) {
		const uint8_t *a = r.p;
		enum ofperr e = pull_one(&r, version, out);
		if (e) {
			log_bad_action(p, len, a, e);
			return e;
		}
	}
	return 0;
}

enum ofperr
ofpacts_pull_openflow_actions(const uint8_t *p, size_t len, uint8_t version,
			      struct ofpacts *out)
{
	size_t start = out->size;
	enum ofperr e;

	if (len % 8) {
		ofp_warn("ofp_actions",
			 "OpenFlow message actions length %zu is not a "
			 "multiple of 8",
			 len);
		return OFPERR_OFPBRC_BAD_LEN;
	}
	e = decode_actions(p, len, version, out);
	if (!e && out->size > start) /* no NULL + 0 */
		e = ofpacts_verify(out->data + start, out->size - start,
				   version, false, false, NULL);
	if (e)
		out->size = start;
	return e;
}

/* ---- instructions ---- */

/* May @a be in an action set (write_actions)? */
static bool
allowed_in_action_set(const struct ofpact *a)
{
	switch ((enum ofpact_type)a->type) {
	case OFPACT_STRIP_VLAN:
	case OFPACT_PUSH_VLAN:
	case OFPACT_DEC_TTL:
	case OFPACT_RESUBMIT:
	case OFPACT_OUTPUT:
	case OFPACT_GROUP:
	case OFPACT_SET_FIELD:
	case OFPACT_REG_MOVE:
	case OFPACT_SET_ETH_DST:
	case OFPACT_SET_ETH_SRC:
	case OFPACT_SET_IP_DSCP:
	case OFPACT_SET_IP_ECN:
	case OFPACT_SET_IP_TTL:
	case OFPACT_SET_IPV4_DST:
	case OFPACT_SET_IPV4_SRC:
	case OFPACT_SET_L4_DST_PORT:
	case OFPACT_SET_L4_SRC_PORT:
	case OFPACT_SET_QUEUE:
	case OFPACT_SET_TUNNEL:
	case OFPACT_SET_VLAN_PCP:
	case OFPACT_SET_VLAN_VID:
		return true;
	default:
		return false;
	}
}

enum ofperr
ofpacts_pull_openflow_instructions(const uint8_t *p, size_t len,
				   uint8_t version, struct ofpacts *out)
{
	const uint8_t *insts[OFPIT_N] = { 0 };
	size_t left = len / 8, pos = 0;
	enum ofperr e = 0;

	ofpacts_clear(out);
	if (version == OFP10_VERSION) {
		if (len % 8) {
			ofp_warn("ofp_actions",
				 "OpenFlow message actions length %zu is not a "
				 "multiple of 8",
				 len);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		e = decode_actions(p, len, version, out);
		if (!e)
			e = ofpacts_verify(out->data, out->size, version, true,
					   false, NULL);
		goto exit;
	}
	if (len % 8) {
		ofp_warn("ofp_actions",
			 "OpenFlow message instructions length %zu is not a "
			 "multiple of 8",
			 len);
		e = OFPERR_OFPBIC_BAD_LEN;
		goto exit;
	}
	while (left) {
		const uint8_t *in = p + pos;
		uint16_t type = get_be16(in), ilen = get_be16(in + 2);
		bool ok;

		if (ilen % 8 || ilen < 8 || ilen / 8 > left)
			break;
		switch (type) {
		case OFPIT_EXPERIMENTER:
			e = OFPERR_OFPBIC_BAD_EXPERIMENTER;
			goto exit;
		case OFPIT_GOTO_TABLE:
		case OFPIT_CLEAR_ACTIONS:
		case OFPIT_METER:
			ok = ilen == 8;
			break;
		case OFPIT_WRITE_METADATA:
			ok = ilen == 24;
			break;
		case OFPIT_WRITE_ACTIONS:
		case OFPIT_APPLY_ACTIONS:
			ok = ilen >= 8;
			break;
		default:
			e = OFPERR_OFPBIC_UNKNOWN_INST;
			goto exit;
		}
		if (!ok) {
			e = OFPERR_OFPBIC_BAD_LEN;
			goto exit;
		}
		if (type == OFPIT_METER && version >= OFP15_VERSION) {
			e = OFPERR_OFPBIC_UNKNOWN_INST;
			goto exit;
		}
		if (insts[type]) {
			e = OFPERR_OFPBIC_DUP_INST;
			goto exit;
		}
		insts[type] = in;
		pos += ilen;
		left -= ilen / 8;
	}
	if (left) {
		ofp_warn("ofp_actions", "bad instruction format at offset %zu",
			 pos);
		e = OFPERR_OFPBIC_BAD_LEN;
		goto exit;
	}
	if (insts[OFPIT_METER])
		put_u32_act(out, OFPACT_METER,
			    get_be32(insts[OFPIT_METER] + 4));
	if (insts[OFPIT_APPLY_ACTIONS]) {
		const uint8_t *in = insts[OFPIT_APPLY_ACTIONS];
		e = decode_actions(in + 8, get_be16(in + 2) - 8u, version, out);
		if (e)
			goto exit;
	}
	if (insts[OFPIT_CLEAR_ACTIONS])
		put_ofpact(out, OFPACT_CLEAR_ACTIONS, sizeof(struct ofpact), 0);
	if (insts[OFPIT_WRITE_ACTIONS]) {
		const uint8_t *in = insts[OFPIT_WRITE_ACTIONS];
		struct ofpacts set;
		const struct ofpact *a;
		size_t ofs = out->size;

		ofpacts_init(&set);
		e = decode_actions(in + 8, get_be16(in + 2) - 8u, version,
				   &set);
		OFPACT_FOR_EACH(a, set.data, set.size)
		{
			if (!e && !allowed_in_action_set(a)) {
				ofp_warn("ofp_actions",
					 "disallowed action in action set");
				e = OFPERR_OFPBAC_BAD_TYPE;
			}
		}
		if (!e) {
			put_ofpact(out, OFPACT_WRITE_ACTIONS, OFPACT_NEST_OFS,
				   0);
			if (set.size)
				memcpy(ofpacts_put_tail(out, ofs, set.size),
				       set.data, set.size);
		}
		ofpacts_free(&set);
		if (e)
			goto exit;
	}
	if (insts[OFPIT_WRITE_METADATA]) {
		const uint8_t *in = insts[OFPIT_WRITE_METADATA];
		struct ofpact_metadata *m =
			put_ofpact(out, OFPACT_WRITE_METADATA, sizeof *m, 0);
		m->metadata = get_be64(in + 8);
		m->mask = get_be64(in + 16);
	}
	if (insts[OFPIT_GOTO_TABLE])
		put_u32_act(out, OFPACT_GOTO_TABLE, insts[OFPIT_GOTO_TABLE][4]);
	e = ofpacts_verify(out->data, out->size, version, true, false, NULL);
exit:
	if (e)
		ofpacts_clear(out);
	return e;
}
