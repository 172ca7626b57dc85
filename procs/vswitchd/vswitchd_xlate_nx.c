/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_xlate_nx: the translation of the actions that work on fields
 * and registers: set_field and load, move, output_reg, and learn (which
 * adds a flow built from the packet's fields to a table).  Every bit an
 * action reads goes into the megaflow mask; every field it writes is
 * matched whole (what the datapath commit of a changed header needs).
 */
#include "vswitchd.h"

#include <stddef.h>
#include <string.h>

#include "log.h"
#include "ofp_field.h"
#include "ofp_msg.h"

LOG_MODULE(vswitchd_xlate_nx);

/* Marks bits @ofs..@ofs+@n_bits-1 of field @f as read in the mask. */
static void
wc_subfield(struct xlate_ctx *ctx, const struct ofp_field *f, unsigned ofs,
	    unsigned n_bits)
{
	union ofp_value w;

	ofp_field_get_value(f, ctx->wc, &w);
	bitwise_one(w.bytes, f->n_bytes, ofs, n_bits);
	ofp_field_set_flow_value(f, &w, ctx->wc);
	ofp_field_mask_prereqs(f, ctx->wc);
}

/* Reads subfield @sf of the packet (marking it read) into the low bits
 * of @out (@out_len bytes, zeroed first).  False for a field the packet
 * does not have. */
static bool
read_subfield(struct xlate_ctx *ctx, const struct mf_subfield *sf, uint8_t *out,
	      unsigned out_len)
{
	const struct ofp_field *f = ofp_field_get(sf->field);
	union ofp_value v;

	memset(out, 0, out_len);
	if (!f || !ofp_field_prereqs_ok(f, &ctx->flow))
		return false;
	wc_subfield(ctx, f, sf->ofs, sf->n_bits);
	ofp_field_get_value(f, &ctx->flow, &v);
	bitwise_copy(v.bytes, f->n_bytes, sf->ofs, out, out_len, 0, sf->n_bits);
	return true;
}

/* Writes the low @sf->n_bits of @in (@in_len bytes) into subfield @sf of
 * the packet. */
static void
write_subfield(struct xlate_ctx *ctx, const struct mf_subfield *sf,
	       const uint8_t *in, unsigned in_len)
{
	const struct ofp_field *f = ofp_field_get(sf->field);
	union ofp_value v, all;

	if (!f || !ofp_field_prereqs_ok(f, &ctx->flow))
		return;
	ofp_field_get_value(f, &ctx->flow, &v);
	bitwise_copy(in, in_len, 0, v.bytes, f->n_bytes, sf->ofs, sf->n_bits);
	ofp_field_set_flow_value(f, &v, &ctx->flow);
	memset(&all, 0xff, sizeof all);
	ofp_field_set_flow_value(f, &all, ctx->wc);
}

void
xlate_set_field(struct xlate_ctx *ctx, const struct ofpact_set_field *sf)
{
	const struct ofp_field *f = ofp_field_get(sf->field);
	union ofp_value v, all;

	if (!f || !ofp_field_prereqs_ok(f, &ctx->flow))
		return;
	ofp_field_get_value(f, &ctx->flow, &v);
	for (unsigned i = 0; i < f->n_bytes; i++)
		v.bytes[i] =
			(uint8_t)((v.bytes[i] & ~sf->mask.bytes[i]) |
				  (sf->value.bytes[i] & sf->mask.bytes[i]));
	ofp_field_set_flow_value(f, &v, &ctx->flow);
	memset(&all, 0xff, sizeof all);
	ofp_field_set_flow_value(f, &all, ctx->wc);
	ofp_field_mask_prereqs(f, ctx->wc);
}

/* Sets field @id to @value under @mask (the field's width, network
 * order), as set_field does. */
static void
set_by_id(struct xlate_ctx *ctx, enum ofp_field_id id, const void *value,
	  const void *mask)
{
	struct ofpact_set_field sf;
	size_t n = ofp_field_get(id)->n_bytes;

	memset(&sf, 0, sizeof sf);
	sf.field = (uint16_t)id;
	memcpy(sf.value.bytes, value, n);
	memcpy(sf.mask.bytes, mask, n);
	xlate_set_field(ctx, &sf);
}

/* dec_ttl: an IP packet's TTL (hop limit) less one; at 1 or 0 the
 * translation stops (Open vSwitch sends an invalid_ttl packet-in only
 * to controllers that asked for it, which none do by default). */
static void
dec_ttl(struct xlate_ctx *ctx)
{
	uint8_t ttl = ctx->flow.hdr.nw_ttl;

	if (!flow_is_ip(&ctx->flow) && !flow_is_ipv6(&ctx->flow))
		return;
	ctx->wc->hdr.nw_ttl = 0xff;
	if (ttl > 1) {
		ctx->flow.hdr.nw_ttl = (uint8_t)(ttl - 1);
		return;
	}
	xlate_report(ctx, TRACE_DETAIL, "dec_ttl: TTL %u, stops", ttl);
	ctx->exit = true;
}

/* The field mod_tp_src/dst (@src) sets in the flow's transport
 * protocol; MFF_N_IDS if it has none. */
static enum ofp_field_id
l4_field(const struct xlate_ctx *ctx, bool src)
{
	switch (ctx->flow.hdr.nw_proto) {
	case IPPROTO_TCP:
		return src ? MFF_TCP_SRC : MFF_TCP_DST;
	case IPPROTO_UDP:
		return src ? MFF_UDP_SRC : MFF_UDP_DST;
	case IPPROTO_SCTP:
		return src ? MFF_SCTP_SRC : MFF_SCTP_DST;
	}
	return MFF_N_IDS;
}

/* The field of an action that sets one (by field id, not by name: this
 * runs for every translation); MFF_N_IDS for the others. */
static enum ofp_field_id
classic_field(const struct xlate_ctx *ctx, const struct ofpact *a)
{
	switch (a->type) {
	case OFPACT_SET_IPV4_SRC:
		return MFF_IPV4_SRC;
	case OFPACT_SET_IPV4_DST:
		return MFF_IPV4_DST;
	case OFPACT_SET_IP_DSCP:
		return MFF_IP_DSCP;
	case OFPACT_SET_IP_ECN:
		return MFF_IP_ECN;
	case OFPACT_SET_IP_TTL:
		return MFF_IP_TTL;
	case OFPACT_SET_L4_SRC_PORT:
	case OFPACT_SET_L4_DST_PORT:
		/* A later fragment has no ports to set. */
		return ctx->flow.hdr.nw_frag & MVS_FRAG_LATER
			       ? MFF_N_IDS
			       : l4_field(ctx,
					  a->type == OFPACT_SET_L4_SRC_PORT);
	default:
		return MFF_N_IDS;
	}
}

bool
xlate_classic_action(struct xlate_ctx *ctx, const struct ofpact *a)
{
	static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff };

	switch (a->type) {
	case OFPACT_SET_IPV4_SRC:
	case OFPACT_SET_IPV4_DST: {
		enum ofp_field_id id = classic_field(ctx, a);

		set_by_id(ctx, id, &OFPACT_CAST(struct ofpact_ipv4, a)->be32,
			  ones);
		return true;
	}
	case OFPACT_SET_L4_SRC_PORT:
	case OFPACT_SET_L4_DST_PORT: {
		enum ofp_field_id id = classic_field(ctx, a);
		uint16_t be =
			htons(OFPACT_CAST(struct ofpact_l4_port, a)->port);

		if (id != MFF_N_IDS)
			set_by_id(ctx, id, &be, ones);
		return true;
	}
	case OFPACT_SET_IP_DSCP:
	case OFPACT_SET_IP_ECN:
	case OFPACT_SET_IP_TTL:
		set_by_id(ctx, classic_field(ctx, a),
			  &OFPACT_CAST(struct ofpact_u8, a)->value, ones);
		return true;
	case OFPACT_DEC_TTL:
		dec_ttl(ctx);
		return true;
	case OFPACT_WRITE_METADATA: {
		const struct ofpact_metadata *m =
			OFPACT_CAST(struct ofpact_metadata, a);
		uint64_t v = htobe64(m->metadata), mask = htobe64(m->mask);

		set_by_id(ctx, MFF_METADATA, &v, &mask);
		return true;
	}
	case OFPACT_EXIT:
		ctx->exit = true;
		return true;
	default:
		return false;
	}
}

void
xlate_reg_move(struct xlate_ctx *ctx, const struct ofpact_reg_move *m)
{
	uint8_t bits[16];

	if (read_subfield(ctx, &m->src, bits, sizeof bits))
		write_subfield(ctx, &m->dst, bits, sizeof bits);
}

uint32_t
xlate_read_port(struct xlate_ctx *ctx, const struct mf_subfield *sf)
{
	uint8_t bits[4];

	if (!read_subfield(ctx, sf, bits, sizeof bits))
		return OFPP_NONE;
	return (uint32_t)bitwise_get(bits, sizeof bits, 0, 32);
}

/* The value a learn spec takes: the immediate, or the packet's source
 * subfield (marked read), in the low bits of @out[16]. */
static void
spec_value(struct xlate_ctx *ctx, const struct ofpact_learn_spec *sp,
	   uint8_t out[16])
{
	if ((sp->src_type & NX_LEARN_SRC_MASK) == NX_LEARN_SRC_IMMEDIATE) {
		memset(out, 0, 16);
		bitwise_copy(sp->imm, sizeof sp->imm, 0, out, 16, 0,
			     sp->n_bits);
	} else {
		read_subfield(ctx, &sp->src, out, 16);
	}
}

/* Builds the flow-mod @learn asks for from the packet. */
static void
learn_flow_mod(struct xlate_ctx *ctx, const struct ofpact_learn *learn,
	       struct ofp_flow_mod *fm)
{
	memset(fm, 0, sizeof *fm);
	match_init_catchall(&fm->match);
	ofpacts_init(&fm->ofpacts);
	fm->command = OFPFC_ADD;
	fm->priority = learn->priority;
	fm->table_id = learn->table_id;
	fm->new_cookie = learn->cookie;
	fm->idle_timeout = learn->idle_timeout;
	fm->hard_timeout = learn->hard_timeout;
	fm->buffer_id = OFP_NO_BUFFER;
	fm->out_port = OFPP_NONE;
	fm->out_group = OFP_GROUP_ANY;
	if (learn->flags & NX_LEARN_F_SEND_FLOW_REM)
		fm->flags |= OFPFF_SEND_FLOW_REM;
	for (unsigned i = 0; i < learn->n_specs; i++) {
		const struct ofpact_learn_spec *sp = &learn->specs[i];
		const struct ofp_field *df = ofp_field_get(sp->dst.field);
		uint8_t val[16];

		spec_value(ctx, sp, val);
		switch (sp->dst_type & NX_LEARN_DST_MASK) {
		case NX_LEARN_DST_MATCH: {
			union ofp_value v, m;

			if (!df)
				break;
			ofp_field_get_value(df, &fm->match.flow, &v);
			ofp_field_get_value(df, &fm->match.mask, &m);
			bitwise_copy(val, 16, 0, v.bytes, df->n_bytes,
				     sp->dst.ofs, sp->n_bits);
			bitwise_one(m.bytes, df->n_bytes, sp->dst.ofs,
				    sp->n_bits);
			ofp_field_set_match(df, &v, &m, &fm->match);
			break;
		}
		case NX_LEARN_DST_LOAD: {
			struct ofpact_set_field *sf;

			if (!df)
				break;
			sf = (struct ofpact_set_field *)ofpacts_put(
				&fm->ofpacts, OFPACT_SET_FIELD, sizeof *sf);
			sf->ofpact.raw = OFPACT_RAW_REG_LOAD;
			sf->field = (uint16_t)df->id;
			memset(&sf->value, 0, sizeof sf->value);
			memset(&sf->mask, 0, sizeof sf->mask);
			bitwise_copy(val, 16, 0, sf->value.bytes, df->n_bytes,
				     sp->dst.ofs, sp->n_bits);
			bitwise_one(sf->mask.bytes, df->n_bytes, sp->dst.ofs,
				    sp->n_bits);
			break;
		}
		case NX_LEARN_DST_OUTPUT:
			ofpacts_put_output(
				&fm->ofpacts,
				(uint32_t)bitwise_get(val, 16, 0, sp->n_bits));
			break;
		}
	}
	match_canonicalize(&fm->match);
}

/* True if the table already has exactly that rule (same match, priority
 * and actions): learning it again would change nothing. */
static bool
already_learned(struct bridge *br, const struct ofp_flow_mod *fm)
{
	const struct cls_rule *cr = cls_find_exact(
		&br->tables.cls[fm->table_id], &fm->match, fm->priority);
	const struct rule *r =
		cr ? (const struct rule *)((const char *)cr -
					   offsetof(struct rule, cr))
		   : NULL;

	return r && r->actions.size == fm->ofpacts.size &&
	       !memcmp(r->actions.data, fm->ofpacts.data, fm->ofpacts.size) &&
	       r->cookie == fm->new_cookie;
}

void
xlate_learn(struct xlate_ctx *ctx, const struct ofpact_learn *learn)
{
	struct ofp_flow_mod fm;
	static struct log_rl rl = LOG_RL_INIT(5, 20);

	/* The fields it reads are in the mask even without side effects,
	 * so that revalidation and the first translation agree. */
	learn_flow_mod(ctx, learn, &fm);
	if (ctx->may_learn && learn->table_id < OFTABLE_N &&
	    !already_learned(ctx->br, &fm)) {
		int err = tables_flow_mod(&ctx->br->tables, &fm, false,
					  ctx->now_ms, NULL, NULL);
		if (err)
			log_warn_rl(&rl,
				    "bridge %s: learn into table %u "
				    "failed (%d)",
				    ctx->br->name, learn->table_id, err);
	}
	ofp_flow_mod_uninit(&fm);
}
