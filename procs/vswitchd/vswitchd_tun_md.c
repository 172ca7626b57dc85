/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_tun_md: the tun_metadata fields of OpenFlow, Geneve options
 * seen through a bridge's TLV map (Open vSwitch's tun-metadata).
 *
 *  - A flow-mod's matches and actions on tun_metadataN need N mapped
 *    (NXFMFC_INVALID_TLV_FIELD, as Open vSwitch 3.1); a value longer than
 *    the mapping keeps its first bytes, as Open vSwitch 3.1 does.
 *  - A packet from a Geneve tunnel gets the options the map knows in its
 *    flow's tun_md slots; an output to a Geneve port sends the slots
 *    present, in index order.
 *
 * The slots hold tun_metadata0..FLOW_TUN_MD_SLOTS-1 of up to
 * FLOW_TUN_MD_BYTES bytes; a mapping beyond them cannot be matched
 * (OFPBMC_BAD_FIELD) but its option is still carried on.
 */
#include "vswitchd.h"

#include <stdlib.h>
#include <string.h>

/* The mapping of slot @i usable in matches and actions: 0, or the error
 * for a flow that names it. */
static enum ofperr
slot_check(const struct ofp_tlv_table *t, unsigned i)
{
	if (i >= OFP_TLV_N_FIELDS || !t->valid[i])
		return OFPERR_NXFMFC_INVALID_TLV_FIELD;
	if (i >= FLOW_TUN_MD_SLOTS || t->maps[i].option_len > FLOW_TUN_MD_BYTES)
		return OFPERR_OFPBMC_BAD_FIELD;
	return 0;
}

/* Cuts @v and @m (FLOW_TUN_MD_BYTES each) to the @len bytes of the
 * mapping: a longer value keeps its first @len bytes. */
static void
fit(uint8_t *v, uint8_t *m, unsigned len)
{
	unsigned n = FLOW_TUN_MD_BYTES, l = ofp_value_sig_len(v, n);
	bool exact = !m || ofp_is_all_ones(m, n);

	if (!exact && ofp_value_sig_len(m, n) > l)
		l = ofp_value_sig_len(m, n);
	if (l <= len)
		return;
	memmove(v + n - len, v + n - l, len);
	memset(v, 0, n - len);
	if (!exact) {
		memmove(m + n - len, m + n - l, len);
		memset(m, 0, n - len);
	}
}

static bool
is_tun_md(uint16_t field)
{
	return ofp_field_is_tun_md((enum ofp_field_id)field);
}

static enum ofperr
check_actions(const struct ofp_tlv_table *t, void *data, size_t size)
{
	const struct ofpact *a;
	enum ofperr e;

	OFPACT_FOR_EACH(a, data, size)
	{
		if (a->type == OFPACT_SET_FIELD) {
			struct ofpact_set_field *sf =
				(struct ofpact_set_field *)(uintptr_t)a;
			unsigned i = sf->field - MFF_TUN_METADATA0;

			if (!is_tun_md(sf->field))
				continue;
			if ((e = slot_check(t, i)))
				return e;
			fit(sf->value.bytes, sf->mask.bytes,
			    t->maps[i].option_len);
		} else if (a->type == OFPACT_REG_MOVE) {
			const struct ofpact_reg_move *mv =
				OFPACT_CAST(struct ofpact_reg_move, a);

			if (is_tun_md(mv->src.field) &&
			    (e = slot_check(t,
					    mv->src.field - MFF_TUN_METADATA0)))
				return e;
			if (is_tun_md(mv->dst.field) &&
			    (e = slot_check(t,
					    mv->dst.field - MFF_TUN_METADATA0)))
				return e;
		} else if (a->type == OFPACT_WRITE_ACTIONS) {
			size_t n;
			const void *nest = ofpact_nested(a, &n);

			if ((e = check_actions(t, (void *)(uintptr_t)nest, n)))
				return e;
		}
	}
	return 0;
}

enum ofperr
tun_md_check_flow_mod(const struct ofp_tlv_table *t, struct ofp_flow_mod *fm)
{
	struct match *m = &fm->match;
	enum ofperr e;

	for (unsigned i = 0; i < FLOW_TUN_MD_SLOTS; i++) {
		if (!(m->mask.tun_md_present & (1ull << i)))
			continue;
		if ((e = slot_check(t, i)))
			return e;
		fit(m->flow.tun_md[i], m->mask.tun_md[i],
		    t->maps[i].option_len);
	}
	return check_actions(t, fm->ofpacts.data, fm->ofpacts.size);
}

/* The mapping index of option @o (@len bytes with its header), or -1. */
static int
map_index(const struct ofp_tlv_table *t, const uint8_t *o, size_t len)
{
	for (int i = 0; i < OFP_TLV_N_FIELDS; i++)
		if (t->valid[i] &&
		    t->maps[i].option_class == (uint16_t)(o[0] << 8 | o[1]) &&
		    t->maps[i].option_type == o[2] &&
		    t->maps[i].option_len == len - 4)
			return i;
	return -1;
}

/* Each whole option @O of @LEN bytes (with its header) at @AT in
 * @TUN's options as received. */
#define FOR_EACH_OPTION(O, LEN, AT, TUN)                        \
	for ((AT) = 0; (AT) + 4 <= (TUN)->opts_len &&           \
		       ((O) = (TUN)->opts + (AT),               \
		       (LEN) = 4 + (size_t)((O)[3] & 0x1f) * 4, \
		       (AT) + (LEN) <= (TUN)->opts_len);        \
	     (AT) += (LEN))

void
tun_md_from_options(const struct ofp_tlv_table *t, struct flow *flow)
{
	const struct mvs_key_tunnel *tun = &flow->tunnel;
	const uint8_t *o;
	size_t len, at;

	flow->tun_md_present = 0;
	memset(flow->tun_md, 0, sizeof flow->tun_md);
	FOR_EACH_OPTION(o, len, at, tun)
	{
		int i = map_index(t, o, len);

		if (i < 0 || i >= FLOW_TUN_MD_SLOTS ||
		    len - 4 > FLOW_TUN_MD_BYTES)
			continue;
		memcpy(flow->tun_md[i] + FLOW_TUN_MD_BYTES - (len - 4), o + 4,
		       len - 4);
		flow->tun_md_present |= 1ull << i;
	}
}

void
tun_md_dp_mask(const struct ofp_tlv_table *t, const struct flow *wc,
	       const struct mvs_key_tunnel *tun, struct mvs_key_tunnel *mask)
{
	const uint8_t *o;
	size_t len, at;

	if (!wc->tun_md_present && ofp_is_zero(wc->tun_md, sizeof wc->tun_md))
		return;
	/* The options' layout exactly, so that where each is (and that
	 * one looked for is absent) holds for every packet the megaflow
	 * takes; then the data of those looked at, under their masks. */
	mask->opts_len = 0xff;
	FOR_EACH_OPTION(o, len, at, tun)
	{
		uint8_t *m = mask->opts + at;
		int i = map_index(t, o, len);

		m[0] = m[1] = m[2] = 0xff;
		m[3] |= 0x1f;
		if (i < 0 || i >= FLOW_TUN_MD_SLOTS ||
		    len - 4 > FLOW_TUN_MD_BYTES)
			continue;
		for (size_t k = 0; k < len - 4; k++)
			m[4 + k] |= wc->tun_md[i][FLOW_TUN_MD_BYTES -
						  (len - 4) + k];
	}
	/* A trailing piece that is no whole option: all of it. */
	if (at < tun->opts_len && tun->opts_len <= MVS_TUN_OPTS_MAX)
		memset(mask->opts + at, 0xff, tun->opts_len - at);
}

size_t
tun_md_to_options(const struct ofp_tlv_table *t, const struct flow *flow,
		  uint8_t out[MVS_TUN_OPTS_MAX])
{
	const struct mvs_key_tunnel *tun = &flow->tunnel;
	size_t n = 0;

	for (int i = 0; i < OFP_TLV_N_FIELDS; i++) {
		const struct ofp_tlv_map *m = &t->maps[i];
		size_t len = 4 + (size_t)m->option_len, at, olen;
		const uint8_t *o, *data = NULL;

		if (!t->valid[i] || n + len > MVS_TUN_OPTS_MAX)
			continue;
		if (i < FLOW_TUN_MD_SLOTS &&
		    m->option_len <= FLOW_TUN_MD_BYTES) {
			if (flow->tun_md_present & (1ull << i))
				data = flow->tun_md[i] + FLOW_TUN_MD_BYTES -
				       m->option_len;
		} else {
			/* Not in a slot: the option as received. */
			FOR_EACH_OPTION(o, olen, at, tun)
			if (map_index(t, o, olen) == i)
				data = o + 4;
		}
		if (!data)
			continue;
		out[n] = (uint8_t)(m->option_class >> 8);
		out[n + 1] = (uint8_t)m->option_class;
		out[n + 2] = m->option_type;
		out[n + 3] = (uint8_t)(m->option_len / 4);
		memcpy(out + n + 4, data, m->option_len);
		n += len;
	}
	return n;
}

/* True if actions @data (@size bytes) name tun_metadata<@i>. */
static bool
actions_use(const void *data, size_t size, unsigned i)
{
	enum ofp_field_id id = MFF_TUN_METADATA0 + i;
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, data, size)
	{
		if (a->type == OFPACT_SET_FIELD) {
			if (OFPACT_CAST(struct ofpact_set_field, a)->field ==
			    id)
				return true;
		} else if (a->type == OFPACT_REG_MOVE) {
			const struct ofpact_reg_move *mv =
				OFPACT_CAST(struct ofpact_reg_move, a);

			if (mv->src.field == id || mv->dst.field == id)
				return true;
		} else if (a->type == OFPACT_WRITE_ACTIONS) {
			size_t n;
			const void *nest = ofpact_nested(a, &n);

			if (actions_use(nest, n, i))
				return true;
		}
	}
	return false;
}

bool
tun_md_in_use(void *bridge, unsigned index)
{
	const struct bridge *br = bridge;
	struct rule **rules;
	bool used = false;
	size_t n;

	if (index >= FLOW_TUN_MD_SLOTS)
		return false;
	rules = tables_collect(&br->tables, OFP_TABLE_ANY, NULL, OFPP_NONE,
			       OFP_GROUP_ANY, 0, 0, &n);
	for (size_t i = 0; i < n; i++) {
		struct match m;

		cls_rule_match(&rules[i]->cr, &m);
		used = used || (m.mask.tun_md_present & (1ull << index)) ||
		       actions_use(rules[i]->actions.data,
				   rules[i]->actions.size, index);
		rule_unref(rules[i]);
	}
	free(rules);
	return used;
}
